/*
 * unicode_wmain: a wide program (test_unicode runs it).  It starts at
 * wmain, which libwinipc_main calls, and prints its arguments back
 * (UTF-8, through winipc_wprintf's %s, which takes WCHAR strings) and
 * how its GetCommandLineW splits.
 */
#include <tchar.h>
#include <windows.h>

int wmain(int argc, wchar_t *argv[])
{
    int n = 0;
    LPWSTR *split = CommandLineToArgvW(GetCommandLineW(), &n);

    winipc_wprintf(L"argc %d\n", argc);
    for (int i = 1; i < argc; i++)
        winipc_wprintf(L"[%s]\n", argv[i]);
    winipc_wprintf(L"split %d", n);
    for (int i = 1; split && i < n; i++)
        winipc_wprintf(L" [%s]", split[i]);
    winipc_wprintf(L"\n");
    LocalFree(split);
    return 7;
}
