/* A Windows program that uses the installed library: it must compile with
 * `pkg-config --cflags --libs winipc` and nothing else. */
#include <windows.h>
#include <tchar.h>

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE r, w;
    char buf[16];
    DWORD n;

    (void)argc;
    (void)argv;
    if (!CreatePipe(&r, &w, NULL, 0))
        return 1;
    if (!WriteFile(w, "hello", 5, &n, NULL) || n != 5)
        return 2;
    CloseHandle(w);
    if (!ReadFile(r, buf, sizeof buf, &n, NULL) || n != 5)
        return 3;
    if (ReadFile(r, buf, sizeof buf, &n, NULL) ||
        GetLastError() != ERROR_BROKEN_PIPE)
        return 4;
    CloseHandle(r);
    _tprintf(_T("%.*s from an installed winipc\n"), (int)n == 0 ? 5 : (int)n,
             buf);
    return 0;
}
