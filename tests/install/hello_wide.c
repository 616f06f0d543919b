/* A UNICODE program that uses the installed library: it starts at _tmain
 * (wmain: libwinipc_main calls it), names its pipe with L"..." (16-bit
 * with the installed flags) and prints through <tchar.h>. */
#include <windows.h>
#include <tchar.h>
#include <strsafe.h>

int _tmain(int argc, _TCHAR *argv[])
{
    TCHAR name[64];
    HANDLE s, c;

    StringCchPrintf(name, 64, _T("\\\\.\\pipe\\hello-%lu"),
                    (unsigned long)GetCurrentProcessId());
    s = CreateNamedPipe(name, PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, NULL);
    c = CreateFileW(name, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (s == INVALID_HANDLE_VALUE || c == INVALID_HANDLE_VALUE)
        return 1;
    _tprintf(_T("%s: %d argument, wide %s\n"), argv[0] + lstrlen(argv[0]) - 10,
             argc, L"\x00e9t\x00e9");
    return 0;
}
