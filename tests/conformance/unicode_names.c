/*
 * unicode_names: the W functions with names outside ASCII: named events,
 * mutexes and pipes (a lone surrogate is a name of its own; limits count
 * UTF-16 units), mailslots, files, environment variables with their buffer
 * rules in units, FormatMessageW.  Names carry the process id, so
 * concurrent runs never meet.
 */
#include <windows.h>

#include "conformance.h"

static WCHAR name_buf[8][300];
static int name_next;

/* prefix, then the pid, then tail (all WCHAR), in one of 8 buffers. */
static WCHAR *wname(const WCHAR *prefix, const WCHAR *tail)
{
    WCHAR *b = name_buf[name_next++ % 8];
    char pid[16];
    int k = 0;

    snprintf(pid, sizeof pid, "%lu", (unsigned long)GetCurrentProcessId());
    lstrcpyW(b, prefix);
    k = lstrlenW(b);
    for (int i = 0; pid[i]; i++)
        b[k++] = (WCHAR)pid[i];
    b[k] = 0;
    lstrcatW(b, tail);
    return b;
}

/* "\\.\pipe\" then n units of c. */
static WCHAR *pipe_units(WCHAR c, int n)
{
    WCHAR *b = name_buf[name_next++ % 8];
    lstrcpyW(b, L"\\\\.\\pipe\\");
    int k = lstrlenW(b);
    for (int i = 0; i < n; i++)
        b[k + i] = c;
    b[k + n] = 0;
    return b;
}

int main(void)
{
    static const WCHAR lone_tail[] = {'-', 0xd800, 0},
                       fffd_tail[] = {'-', 0xfffd, 0};
    WCHAR buf[64], *p;
    HANDLE h, h2, c;
    DWORD n, r;
    char out[64];

    SECTION("named objects");
    p = wname(L"conf-\x00fc-event-", L"");
    CHECK_HANDLE("CreateEventW", h, CreateEventW(NULL, TRUE, FALSE, p));
    CHECK_HANDLE("CreateEventW again", h2, CreateEventW(NULL, TRUE, FALSE, p));
    CloseHandle(h2);
    CHECK_HANDLE("OpenEventW", h2, OpenEventW(SYNCHRONIZE, FALSE, p));
    CloseHandle(h2);
    CloseHandle(h);
    p = wname(L"conf-mutex-", lone_tail);
    CHECK_HANDLE("CreateMutexW, lone surrogate", h, CreateMutexW(NULL, FALSE, p));
    CHECK_HANDLE("OpenMutexW, U+FFFD instead",
                 h2, OpenMutexW(SYNCHRONIZE, FALSE, wname(L"conf-mutex-", fffd_tail)));
    CHECK_HANDLE("OpenMutexW, the same", h2, OpenMutexW(SYNCHRONIZE, FALSE, p));
    CloseHandle(h2);
    CloseHandle(h);
    CHECK_HANDLE("CreateSemaphoreW, NULL name", h, CreateSemaphoreW(NULL, 1, 1, NULL));
    CloseHandle(h);
    CHECK_HANDLE("OpenSemaphoreW, NULL name", h, OpenSemaphoreW(SYNCHRONIZE, FALSE, NULL));
    CHECK_HANDLE("OpenEventW, empty name", h, OpenEventW(SYNCHRONIZE, FALSE, L""));

    SECTION("named pipes");
    p = wname(L"\\\\.\\pipe\\conf-\x2713-", L"");
    CHECK_CREATED("CreateNamedPipeW", h,
                  CreateNamedPipeW(p, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1,
                                   4096, 4096, 0, NULL));
    CHECK_BOOL("WaitNamedPipeW", WaitNamedPipeW(p, 1000));
    p[2] = '?'; /* the \\?\pipe\ form */
    CHECK_HANDLE("CreateFileW, \\\\?\\pipe\\", c,
                 CreateFileW(p, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL,
                             OPEN_EXISTING, 0, NULL));
    CHECK_BOOL("WriteFile", WriteFile(c, "\xe2\x9c\x93", 3, &n, NULL));
    CHECK_BOOL("ReadFile", ReadFile(h, out, sizeof out, &n, NULL));
    printf("read %u bytes\n", (unsigned)n);
    CloseHandle(c);
    CloseHandle(h);
    CHECK_BOOL("WaitNamedPipeW, no such pipe",
               WaitNamedPipeW(wname(L"\\\\.\\pipe\\conf-none-", L""), 10));
    CHECK_CREATED("CreateNamedPipeW, 256 units",
                  h, CreateNamedPipeW(pipe_units(0xe9, 247), PIPE_ACCESS_DUPLEX,
                                      0, 1, 0, 0, 0, NULL));
    CloseHandle(h);
    CHECK_CREATED("CreateNamedPipeW, 257 units",
                  h, CreateNamedPipeW(pipe_units(0xe9, 248), PIPE_ACCESS_DUPLEX,
                                      0, 1, 0, 0, 0, NULL));
    CHECK_CREATED("CreateNamedPipeW, NULL",
                  h, CreateNamedPipeW(NULL, PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0,
                                      NULL));

    SECTION("mailslots and files");
    p = wname(L"\\\\.\\mailslot\\conf-\x00e9-", L"");
    CHECK_CREATED("CreateMailslotW", h, CreateMailslotW(p, 0, 0, NULL));
    CHECK_HANDLE("CreateFileW on it", c,
                 CreateFileW(p, GENERIC_WRITE, SHARE_ALL, NULL, OPEN_EXISTING,
                             0, NULL));
    CloseHandle(c);
    CloseHandle(h);
    p = wname(L"unicode_names-\x0436-", L".tmp");
    CHECK_HANDLE("CreateFileW, new file", h,
                 CreateFileW(p, GENERIC_WRITE, SHARE_ALL, NULL, CREATE_NEW, 0,
                             NULL));
    CloseHandle(h);
    CHECK_BOOL("CopyFileW", CopyFileW(p, wname(L"unicode_names-copy-", L".tmp"), TRUE));
    CHECK_BOOL("DeleteFileW copy", DeleteFileW(wname(L"unicode_names-copy-", L".tmp")));
    CHECK_BOOL("DeleteFileW", DeleteFileW(p));
    CHECK_BOOL("DeleteFileW again", DeleteFileW(p));

    SECTION("environment");
    CHECK_BOOL("SetEnvironmentVariableW",
               SetEnvironmentVariableW(L"CONF_\x00dc", L"wert \x2713"));
    buf[0] = 'Z';
    CHECK_DWORD("GetEnvironmentVariableW, 6 units", GetEnvironmentVariableW(L"CONF_\x00dc", buf, 6));
    printf("buffer untouched: %d\n", buf[0] == 'Z');
    CHECK_DWORD("GetEnvironmentVariableW, 7 units", GetEnvironmentVariableW(L"CONF_\x00dc", buf, 7));
    printf("value right: %d\n", lstrcmpW(buf, L"wert \x2713") == 0);
    CHECK_DWORD("GetEnvironmentVariableW, size only", GetEnvironmentVariableW(L"CONF_\x00dc", NULL, 0));
    CHECK_DWORD("ExpandEnvironmentStringsW, fits", ExpandEnvironmentStringsW(L"<%CONF_\x00dc%>", buf, 64));
    printf("expanded right: %d\n", lstrcmpW(buf, L"<wert \x2713>") == 0);
    CHECK_DWORD("ExpandEnvironmentStringsW, 9 units", ExpandEnvironmentStringsW(L"<%CONF_\x00dc%>", buf, 9));
    lstrcpyW(buf, L"0123456789");
    CHECK_DWORD("ExpandEnvironmentStringsW, 8 units", ExpandEnvironmentStringsW(L"<%CONF_\x00dc%>", buf, 8));
    /* Windows stores what fits: the text, the value with its NUL. */
    printf("8 units hold \"<\" and the value: %d\n", lstrcmpW(buf, L"<wert \x2713") == 0);
    CHECK_DWORD("ExpandEnvironmentStringsW, size only", ExpandEnvironmentStringsW(L"<%CONF_\x00dc%>", NULL, 0));
    CHECK_BOOL("SetEnvironmentVariableW, delete", SetEnvironmentVariableW(L"CONF_\x00dc", NULL));
    CHECK_DWORD("GetEnvironmentVariableW, deleted", GetEnvironmentVariableW(L"CONF_\x00dc", buf, 64));

    SECTION("FormatMessageW");
    /* The system's text is FormatMessageA's, in UTF-16 (Wine's texts are
     * not Windows': only the relation is shown). */
    r = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                       NULL, ERROR_FILE_NOT_FOUND, 0, buf, 64, NULL);
    WideCharToMultiByte(CP_UTF8, 0, buf, -1, out, sizeof out, NULL, NULL);
    {
        char a[64];
        DWORD ra = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
                                      FORMAT_MESSAGE_IGNORE_INSERTS,
                                  NULL, ERROR_FILE_NOT_FOUND, 0, a, 64, NULL);
        printf("system message: W length == A length: %d, same text: %d\n",
               r == ra && r > 0, strcmp(a, out) == 0);
    }
    {
        DWORD_PTR args[] = {(DWORD_PTR)L"w\x00e9", (DWORD_PTR) "n"};
        CHECK_DWORD("FROM_STRING with inserts",
                    FormatMessageW(FORMAT_MESSAGE_FROM_STRING |
                                       FORMAT_MESSAGE_ARGUMENT_ARRAY,
                                   L"<%1> <%2!hs!> <%1!.1s!>", 0, 0, buf, 64,
                                   (va_list *)args));
        WideCharToMultiByte(CP_UTF8, 0, buf, -1, out, sizeof out, NULL, NULL);
        printf("text: %s\n", out);
    }
    CHECK_DWORD("buffer too small", FormatMessageW(FORMAT_MESSAGE_FROM_STRING, L"abcdef", 0, 0, buf, 6, NULL));
    CONF_DONE();
}
