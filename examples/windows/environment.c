/*
 * environment.c
 *
 * Seeds 001 and 002: process environment variables.  Every process has its
 * own block of [key, value] strings.  SetEnvironmentVariable(name, value)
 * registers a pair (0 on failure); GetEnvironmentVariable(name, buffer,
 * size) copies the value and returns the length of the string stored, or 0
 * on failure.  In the seeds a parent registers variables and creates its
 * child with a NULL environment argument (CreateProcess's 6th), so that the
 * child inherits them and reads them back: a simple parent-to-child IPC.
 * That half is env_parent.c and env_child.c; this program sets and reads
 * the variables within one process.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

#define BUFSIZE 1024

int _tmain(int argc, LPTSTR argv[])
{
    LPCTSTR names[] = {_T("Good"), _T("Hey"), _T("Big")};
    LPCTSTR values[] = {_T("morning"), _T("Ho!"), _T("Boy")};
    TCHAR value[BUFSIZE];
    TCHAR small[4];
    DWORD len, i;

    (void)argc;
    (void)argv;

    for (i = 0; i < 3; i++) {
        if (!SetEnvironmentVariable(names[i], values[i])) {
            _tprintf(_T("SetEnvironmentVariable failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        _tprintf(_T("SetEnvironmentVariable(%s, %s)\n"), names[i], values[i]);
    }

    for (i = 0; i < 3; i++) {
        len = GetEnvironmentVariable(names[i], value, BUFSIZE);
        if (len == 0 || _tcscmp(value, values[i]) != 0) {
            _tprintf(_T("GetEnvironmentVariable(%s) failed (error %lu)\n"),
                     names[i], (unsigned long)GetLastError());
            return 1;
        }
        _tprintf(_T("GetEnvironmentVariable(%s) = %s (returned %lu)\n"),
                 names[i], value, (unsigned long)len);
    }

    /* A buffer too small: the size needed, with the terminating 0. */
    len = GetEnvironmentVariable(_T("Good"), small, 4);
    _tprintf(_T("with a 4-character buffer it returns %lu, the size "
                "needed\n"),
             (unsigned long)len);
    if (len != 8)
        return 1;

    /* A variable that was never set. */
    len = GetEnvironmentVariable(_T("NeverSet"), value, BUFSIZE);
    _tprintf(_T("GetEnvironmentVariable(NeverSet) returned %lu, "
                "GetLastError() = %lu (ERROR_ENVVAR_NOT_FOUND is %lu)\n"),
             (unsigned long)len, (unsigned long)GetLastError(),
             (unsigned long)ERROR_ENVVAR_NOT_FOUND);
    if (len != 0 || GetLastError() != ERROR_ENVVAR_NOT_FOUND)
        return 1;

    /* Removing a variable: a NULL value. */
    SetEnvironmentVariable(_T("Big"), NULL);
    len = GetEnvironmentVariable(_T("Big"), value, BUFSIZE);
    _tprintf(_T("after SetEnvironmentVariable(Big, NULL), Get returns %lu\n"),
             (unsigned long)len);
    if (len != 0)
        return 1;

    /* The strings can be used in %name% references. */
    len =
        ExpandEnvironmentStrings(_T("Good %Good%, Hey %Hey%"), value, BUFSIZE);
    _tprintf(_T("ExpandEnvironmentStrings: %s (returned %lu)\n"), value,
             (unsigned long)len);
    if (_tcscmp(value, _T("Good morning, Hey Ho!")) != 0)
        return 1;
    return 0;
}
