/*
 * env_child.c: the child of env_parent.c (seeds 001 and 002).
 *
 * Created with a NULL environment argument, it started with a copy of its
 * parent's environment block, and finds there the variables the parent
 * registered.  It returns 0 if it found all three.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

#define BUFSIZE 1024

int _tmain(int argc, LPTSTR argv[])
{
    LPCTSTR names[] = {_T("Good"), _T("Hey"), _T("Big")};
    TCHAR value[BUFSIZE];
    DWORD i, found = 0;

    (void)argc;
    (void)argv;

    for (i = 0; i < 3; i++) {
        if (GetEnvironmentVariable(names[i], value, BUFSIZE) > 0) {
            _tprintf(_T("[Child] [%s = %s]\n"), names[i], value);
            found++;
        } else {
            _tprintf(_T("[Child] %s: not found (error %lu)\n"), names[i],
                     (unsigned long)GetLastError());
        }
    }
    return found == 3 ? 0 : 1;
}
