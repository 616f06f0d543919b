/*
 * test_unicode: the W functions, the UTF-8 <-> UTF-16 conversions and the
 * wide C library functions of <tchar.h> (issue 16).  Built, as every
 * program against winipc, with -fshort-wchar: L"..." is a WCHAR string.
 * The conversion rows are what Windows (Wine 8) answers; where the
 * documentation and Wine differ, the documentation's answer is asserted
 * and the comment says so.
 */
#include "testlib.h"

#include <tchar.h>

/* WCHAR string equality, printing both as UTF-8 when they differ. */
#define CHECK_WSTR(actual, expected)                                           \
    do {                                                                       \
        char wa_[512] = "", we_[512] = "";                                     \
        WideCharToMultiByte(CP_UTF8, 0, (actual), -1, wa_, sizeof wa_, NULL,   \
                            NULL);                                             \
        WideCharToMultiByte(CP_UTF8, 0, (expected), -1, we_, sizeof we_, NULL, \
                            NULL);                                             \
        CHECK_STR(wa_, we_);                                                   \
    } while (0)

/* ---- MultiByteToWideChar: Windows' U+FFFD rule for invalid UTF-8 ------ */

struct mb_row {
    const char *in;
    int count; /* units, with the terminator */
    WCHAR out[6];
};

static void test_mb_to_wide(void)
{
    static const struct mb_row rows[] = {
        {"h\xc3\xa9", 3, {0x68, 0xe9, 0}},
        {"\xc0\x80", 3, {0xfffd, 0xfffd, 0}},            /* overlong NUL */
        {"\xe0\x80\x80", 3, {0xfffd, 0xfffd, 0}},        /* overlong, 3 */
        {"\xf0\x80\x80\x80", 4, {0xfffd, 0xfffd, 0xfffd, 0}},
        {"\x80\x80x", 4, {0xfffd, 0xfffd, 'x', 0}},      /* stray bytes */
        {"\xe2\x82", 2, {0xfffd, 0}},                    /* truncated */
        {"\xe2\x82x", 3, {0xfffd, 'x', 0}},
        {"\xed\xa0\x80", 3, {0xfffd, 0xfffd, 0}},        /* a surrogate */
        {"\xf4\x90\x80\x80", 4, {0xfffd, 0xfffd, 0xfffd, 0}}, /* > 10FFFF */
        {"\xf8\x88\x80\x80\x80", 6, {0xfffd, 0xfffd, 0xfffd, 0xfffd, 0xfffd, 0}},
        {"\xf0\x9f\x98\x80", 3, {0xd83d, 0xde00, 0}},
        {"a\xc3", 3, {'a', 0xfffd, 0}},
    };
    WCHAR w[8];

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        memset(w, 0x55, sizeof w);
        CHECK_EQ(MultiByteToWideChar(CP_UTF8, 0, rows[i].in, -1, w, 8),
                 rows[i].count);
        CHECK_MEM(w, rows[i].out, (size_t)rows[i].count * sizeof(WCHAR));
        CHECK_EQ(MultiByteToWideChar(CP_UTF8, 0, rows[i].in, -1, NULL, 0),
                 rows[i].count);
        if (i != 0 && i != 10)
            CHECK_FAILS(MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS,
                                            rows[i].in, -1, w, 8),
                        ERROR_NO_UNICODE_TRANSLATION);
    }
    /* Arguments, as Windows (Wine's answers). */
    CHECK_FAILS(MultiByteToWideChar(CP_UTF8, 0, "abc", -1, w, 2),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK_FAILS(MultiByteToWideChar(CP_UTF8, 0, "\xf0\x9f\x98\x80", -1, w, 2),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK_FAILS(MultiByteToWideChar(CP_UTF8, 0, "abc", 0, w, 8),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(MultiByteToWideChar(CP_UTF8, 0, NULL, -1, w, 8),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(MultiByteToWideChar(CP_UTF8, 0, "abc", -1, NULL, 8),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(MultiByteToWideChar(CP_UTF8, 0, "abc", -1, w, -1),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(MultiByteToWideChar(12345, 0, "abc", -1, w, 8),
                ERROR_INVALID_PARAMETER);
    /* The documentation: CP_UTF8 takes 0 or MB_ERR_INVALID_CHARS only
     * (Wine 8 ignores MB_PRECOMPOSED). */
    CHECK_FAILS(MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "abc", -1, w, 8),
                ERROR_INVALID_FLAGS);
    /* CP_ACP is UTF-8 here, with the flags of the ANSI code pages. */
    CHECK_EQ(MultiByteToWideChar(CP_ACP, MB_PRECOMPOSED, "h\xc3\xa9", 3, w, 8),
             2);
    CHECK_EQ(w[1], 0xe9);
    CHECK_EQ(GetACP(), 65001u);
    CHECK_EQ(GetOEMCP(), 65001u);
    /* An explicit length without a terminator converts just that. */
    CHECK_EQ(MultiByteToWideChar(CP_UTF8, 0, "abcdef", 2, w, 8), 2);
}

static void test_wide_to_mb(void)
{
    static const WCHAR high[] = {0xd800, 'a', 0}, low[] = {0xdc00, 'a', 0},
                       rev[] = {0xdc00, 0xd800, 0}, pair[] = {0xd83d, 0xde00, 0};
    char a[16];
    BOOL used = 7;

    CHECK_EQ(WideCharToMultiByte(CP_UTF8, 0, high, -1, a, 16, NULL, NULL), 5);
    CHECK_MEM(a, "\xef\xbf\xbd" "a", 5);
    CHECK_EQ(WideCharToMultiByte(CP_UTF8, 0, low, -1, a, 16, NULL, NULL), 5);
    CHECK_EQ(WideCharToMultiByte(CP_UTF8, 0, rev, -1, a, 16, NULL, NULL), 7);
    CHECK_EQ(WideCharToMultiByte(CP_UTF8, 0, pair, -1, a, 16, NULL, NULL), 5);
    CHECK_MEM(a, "\xf0\x9f\x98\x80", 5);
    CHECK_FAILS(WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, high, -1, a,
                                    16, NULL, NULL),
                ERROR_NO_UNICODE_TRANSLATION);
    CHECK_FAILS(WideCharToMultiByte(CP_UTF8, 0, L"\x00e9", 1, a, 1, NULL, NULL),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(WideCharToMultiByte(CP_UTF8, 0, L"abc", -1, NULL, 0, NULL, NULL),
             4);
    CHECK_FAILS(WideCharToMultiByte(CP_UTF8, 0, L"abc", 0, a, 8, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(WideCharToMultiByte(CP_UTF8, 0, NULL, -1, a, 8, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    /* The documentation (Wine 8 accepts these): CP_UTF8 refuses a default
     * character and any flag but WC_ERR_INVALID_CHARS. */
    CHECK_FAILS(WideCharToMultiByte(CP_UTF8, 0, L"abc", -1, a, 8, "?", NULL),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(WideCharToMultiByte(CP_UTF8, 0, L"abc", -1, a, 8, NULL, &used),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(WideCharToMultiByte(CP_UTF8, WC_COMPOSITECHECK, L"abc", -1, a,
                                    8, NULL, NULL),
                ERROR_INVALID_FLAGS);
    /* CP_ACP (UTF-8 here) puts the default character for a lone surrogate
     * and says so. */
    CHECK_EQ(WideCharToMultiByte(CP_ACP, 0, high, -1, a, 16, "?", &used), 3);
    CHECK_STR(a, "?a");
    CHECK_EQ(used, TRUE);
    CHECK_EQ(WideCharToMultiByte(CP_ACP, 0, pair, -1, a, 16, "?", &used), 5);
    CHECK_EQ(used, FALSE);
}

static void test_lstr_wide(void)
{
    WCHAR buf[16];

    SetLastError(0);
    CHECK_EQ(lstrlenW(NULL), 0);
    CHECK_EQ(GetLastError(), (DWORD)ERROR_INVALID_PARAMETER);
    CHECK_EQ(lstrlenW(L"h\x00e9llo"), 5);
    CHECK(lstrcpyW(buf, L"ab") == buf);
    CHECK(lstrcatW(buf, L"cd") == buf);
    CHECK_WSTR(buf, L"abcd");
    lstrcpynW(buf, L"abcdef", 4);
    CHECK_WSTR(buf, L"abc");
    CHECK(lstrcpyW(NULL, L"x") == NULL);
    CHECK_EQ(lstrcmpW(L"abc", L"abd") < 0, 1);
    CHECK_EQ(lstrcmpW(L"a", L"A") < 0, 1); /* lower case first, as lstrcmpA */
    CHECK_EQ(lstrcmpiW(L"ABC", L"abc"), 0);
    CHECK_EQ(lstrcmpW(NULL, L""), -1);
    CHECK_EQ(lstrcmpW(NULL, NULL), 0);
}

/* ---- Names --------------------------------------------------------------- */

static void wide_name(WCHAR *out, size_t cap, const char *tag)
{
    MultiByteToWideChar(CP_UTF8, 0, test_unique_name("wipc-\xc3\xbc-", "-", tag),
                        -1, out, (int)cap);
}

static void test_named_objects_wide(void)
{
    WCHAR name[128], lone[128], fffd[128];
    char utf8[256];
    HANDLE e, o;
    size_t n;

    wide_name(name, 128, "event");
    e = CreateEventW(NULL, TRUE, FALSE, name);
    CHECK(e != NULL);
    /* The A name of the same object is its UTF-8 form. */
    WideCharToMultiByte(CP_UTF8, 0, name, -1, utf8, sizeof utf8, NULL, NULL);
    o = OpenEventA(SYNCHRONIZE, FALSE, utf8);
    CHECK(o != NULL);
    CloseHandle(o);
    SetLastError(0);
    o = CreateEventW(NULL, TRUE, FALSE, name);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CloseHandle(o);
    CloseHandle(e);

    /* A lone surrogate is a name of its own, not U+FFFD's. */
    wide_name(lone, 120, "lone");
    n = (size_t)lstrlenW(lone);
    memcpy(fffd, lone, (n + 1) * sizeof(WCHAR));
    lone[n] = 0xd800;
    fffd[n] = 0xfffd;
    lone[n + 1] = fffd[n + 1] = 0;
    e = CreateMutexW(NULL, FALSE, lone);
    CHECK(e != NULL);
    CHECK_FAILS(OpenMutexW(SYNCHRONIZE, FALSE, fffd) != NULL,
                ERROR_FILE_NOT_FOUND);
    o = OpenMutexW(SYNCHRONIZE, FALSE, lone);
    CHECK(o != NULL);
    CloseHandle(o);
    CloseHandle(e);

    /* Unnamed (NULL) works as in the A functions. */
    e = CreateSemaphoreW(NULL, 1, 2, NULL);
    CHECK(e != NULL);
    CloseHandle(e);
    CHECK_FAILS(OpenSemaphoreW(SYNCHRONIZE, FALSE, NULL) != NULL,
                ERROR_INVALID_PARAMETER);

    wide_name(name, 128, "map");
    e = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096,
                           name);
    CHECK(e != NULL);
    o = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
    CHECK(o != NULL);
    CloseHandle(o);
    CloseHandle(e);
    wide_name(name, 128, "job");
    e = CreateJobObjectW(NULL, name);
    CHECK(e != NULL);
    o = OpenJobObjectW(JOB_OBJECT_QUERY, FALSE, name);
    CHECK(o != NULL);
    CloseHandle(o);
    CloseHandle(e);
    wide_name(name, 128, "timer");
    e = CreateWaitableTimerW(NULL, TRUE, name);
    CHECK(e != NULL);
    o = OpenWaitableTimerW(SYNCHRONIZE, FALSE, name);
    CHECK(o != NULL);
    CloseHandle(o);
    CloseHandle(e);
}

/* "\\.\pipe\" and then n units of c. */
static void pipe_name_units(WCHAR *out, WCHAR c, size_t n)
{
    lstrcpyW(out, L"\\\\.\\pipe\\");
    size_t k = (size_t)lstrlenW(out);
    for (size_t i = 0; i < n; i++)
        out[k + i] = c;
    out[k + n] = 0;
}

static void test_named_pipe_wide(void)
{
    WCHAR name[300];
    char utf8[128];
    HANDLE s, c;
    DWORD n;
    char buf[8];

    MultiByteToWideChar(CP_UTF8, 0,
                        test_unique_name("\\\\?\\pipe\\wipc-\xe2\x9c\x93-", "-",
                                         "pipe"),
                        -1, name, 300);
    /* Buffers that hold the write: with 0 (the quota), it would wait for
     * the read that comes after it in this thread, as on Windows. */
    s = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE, 1, 512,
                         512, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    CHECK_OK(WaitNamedPipeW(name, 1000));
    c = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                    0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(c, "hi", 2, &n, NULL));
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 2u);
    /* The same pipe by its UTF-8 name, "\\.\" form. */
    WideCharToMultiByte(CP_UTF8, 0, name, -1, utf8, sizeof utf8, NULL, NULL);
    utf8[2] = '.';
    CHECK_FAILS(CreateFileA(utf8, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0,
                            NULL) != INVALID_HANDLE_VALUE,
                ERROR_PIPE_BUSY);
    CloseHandle(c);
    CloseHandle(s);

    /* The limit counts UTF-16 units: 256 in all ("\\.\pipe\" is 9), each
     * U+00E9 one unit though two UTF-8 bytes. */
    pipe_name_units(name, 0xe9, 247);
    s = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    CloseHandle(s);
    pipe_name_units(name, 0xe9, 248);
    CHECK_FAILS(CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0,
                                 NULL) != INVALID_HANDLE_VALUE,
                ERROR_INVALID_NAME);
    pipe_name_units(name, 0xe9, 260);
    CHECK_FAILS(CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0,
                                 NULL) != INVALID_HANDLE_VALUE,
                ERROR_FILENAME_EXCED_RANGE);
    CHECK_FAILS(CreateNamedPipeW(NULL, PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0,
                                 NULL) != INVALID_HANDLE_VALUE,
                ERROR_PATH_NOT_FOUND);
}

static void test_files_wide(void)
{
    WCHAR path[256], copy[256], dir[4096];
    char utf8[256], cwd[4096];
    HANDLE h;
    DWORD n;

    MultiByteToWideChar(CP_UTF8, 0, test_tmp_path("\xd0\xb6-file"), -1, path,
                        256);
    MultiByteToWideChar(CP_UTF8, 0, test_tmp_path("\xd0\xb6-copy"), -1, copy,
                        256);
    h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(h, "x", 1, &n, NULL));
    CloseHandle(h);
    WideCharToMultiByte(CP_UTF8, 0, path, -1, utf8, sizeof utf8, NULL, NULL);
    CHECK_EQ(access(utf8, F_OK), 0); /* the Linux file has the UTF-8 name */
    CHECK_OK(CopyFileW(path, copy, TRUE));
    CHECK_FAILS(CopyFileW(path, copy, TRUE), ERROR_FILE_EXISTS);
    CHECK_OK(DeleteFileW(copy));
    CHECK_OK(DeleteFileW(path));
    CHECK_FAILS(DeleteFileW(path), ERROR_FILE_NOT_FOUND);
    CHECK_OK(CreateDirectoryW(path, NULL));
    CHECK_OK(RemoveDirectoryW(path));

    /* GetCurrentDirectoryW: units, and the size needed when too small. */
    CHECK(GetCurrentDirectoryA(sizeof cwd, cwd) > 0);
    n = GetCurrentDirectoryW(4096, dir);
    CHECK_EQ(n, (DWORD)lstrlenW(dir));
    WideCharToMultiByte(CP_UTF8, 0, dir, -1, utf8, sizeof utf8, NULL, NULL);
    CHECK_STR(utf8, cwd);
    CHECK_EQ(GetCurrentDirectoryW(1, dir), n + 1);
}

/* One row of Windows' table: src expanded into size units of a buffer that
 * held "abcdefghijklmnopqrstuv" gives want (compared up to its NUL). */
static void test_expand_w_row(const WCHAR *src, DWORD size, const WCHAR *want,
                              DWORD ret)
{
    WCHAR buf[32];

    lstrcpyW(buf, L"abcdefghijklmnopqrstuv");
    CHECK_OK(SetEnvironmentVariableW(L"WIPC_T", L"WINE"));
    SetLastError(0x1234);
    CHECK_EQ(ExpandEnvironmentStringsW(src, buf, size), ret);
    CHECK_EQ(GetLastError(), 0x1234u);
    CHECK_WSTR(buf, want);
    CHECK_OK(SetEnvironmentVariableW(L"WIPC_T", NULL));
}

static void test_environment_wide(void)
{
    WCHAR buf[64];
    char a[64];
    WCHAR *block;
    int found = 0;

    CHECK_OK(SetEnvironmentVariableW(L"WIPC_\x00dc", L"wert \x2713"));
    CHECK_EQ(GetEnvironmentVariableA("WIPC_\xc3\x9c", a, sizeof a), 8u);
    CHECK_STR(a, "wert \xe2\x9c\x93");
    /* Six units: too small a buffer asks for seven, untouched. */
    buf[0] = 'Z';
    CHECK_EQ(GetEnvironmentVariableW(L"WIPC_\x00dc", buf, 6), 7u);
    CHECK_EQ(buf[0], 'Z');
    CHECK_EQ(GetEnvironmentVariableW(L"WIPC_\x00dc", buf, 7), 6u);
    CHECK_WSTR(buf, L"wert \x2713");
    CHECK_FAILS(GetEnvironmentVariableW(L"WIPC_NONE_\x00dc", buf, 64) != 0,
                ERROR_ENVVAR_NOT_FOUND);
    CHECK_EQ(ExpandEnvironmentStringsW(L"<%WIPC_\x00dc%>", buf, 64), 9u);
    CHECK_WSTR(buf, L"<wert \x2713>");
    /* Too small: the size needed, the last error alone, and what Windows
     * stores (Wine's environ.c test_ExpandEnvironmentStringsW table). */
    SetLastError(0x1234);
    CHECK_EQ(ExpandEnvironmentStringsW(L"<%WIPC_\x00dc%>", buf, 3), 9u);
    CHECK_EQ(GetLastError(), 0x1234u);
    CHECK_EQ(buf[0], '<');
    CHECK_EQ(buf[1], 0); /* the value does not fit: a NUL where it begins */
    CHECK_EQ(ExpandEnvironmentStringsW(L"<%WIPC_\x00dc%>", NULL, 0), 9u);
    CHECK_EQ(GetLastError(), 0x1234u);
    test_expand_w_row(L"Long long value", 2, L"Lbcdefghijklmnopqrstuv", 16);
    test_expand_w_row(L"Long long value", 15, L"Long long valuopqrstuv", 16);
    test_expand_w_row(L"Long long value", 16, L"Long long value", 16);
    test_expand_w_row(L"Long long value", 0, L"abcdefghijklmnopqrstuv", 16);
    test_expand_w_row(L"%WIPC_T% long long", 4, L"", 15);
    test_expand_w_row(L"%WIPC_T% long long", 5, L"WINE", 15);
    test_expand_w_row(L"%WIPC_T% long long", 6, L"WINE fghijklmnopqrstuv", 15);
    test_expand_w_row(L"%WIPC_T%%WIPC_T% long", 8, L"WINE", 14);
    test_expand_w_row(L"%WIPC_T% %WIPC_T% long", 8, L"WINE ", 15);
    test_expand_w_row(L"%WIPC_T% %WIPC_T% long", 11, L"WINE WINE klmnopqrstuv", 15);
    test_expand_w_row(L"%WIPC_T2% long long", 8, L"%WIPC_Thijklmnopqrstuv", 20);
    block = GetEnvironmentStringsW();
    CHECK(block != NULL);
    for (WCHAR *p = block; p && *p; p += lstrlenW(p) + 1)
        if (lstrcmpW(p, L"WIPC_\x00dc=wert \x2713") == 0)
            found = 1;
    CHECK_EQ(found, 1);
    CHECK_OK(FreeEnvironmentStringsW(block));
    CHECK_OK(SetEnvironmentVariableW(L"WIPC_\x00dc", NULL));
    CHECK_FAILS(GetEnvironmentVariableW(L"WIPC_\x00dc", buf, 64) != 0,
                ERROR_ENVVAR_NOT_FOUND);
}

static void test_format_message_wide(void)
{
    WCHAR buf[128], *alloc = NULL;
    DWORD_PTR args[] = {(DWORD_PTR)L"w\x00e9", (DWORD_PTR) "n\xc3\xa9"};

    CHECK_EQ(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL,
                            ERROR_FILE_NOT_FOUND, 0, buf, 128, NULL),
             44u);
    CHECK_WSTR(buf, L"The system cannot find the file specified.\r\n");
    /* %1 is a WCHAR string in the W function, !hs! a narrow one. */
    CHECK_EQ(FormatMessageW(FORMAT_MESSAGE_FROM_STRING |
                                FORMAT_MESSAGE_ARGUMENT_ARRAY,
                            L"<%1> <%2!hs!>", 0, 0, buf, 128,
                            (va_list *)args),
             9u);
    CHECK_WSTR(buf, L"<w\x00e9> <n\x00e9>");
    CHECK_FAILS(FormatMessageW(FORMAT_MESSAGE_FROM_STRING, L"abcdef", 0, 0,
                               buf, 6, NULL) != 0,
                ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(FormatMessageW(FORMAT_MESSAGE_FROM_STRING |
                                FORMAT_MESSAGE_ALLOCATE_BUFFER,
                            L"\x2713 ok", 0, 0, (LPWSTR)&alloc, 0, NULL),
             4u);
    CHECK_WSTR(alloc, L"\x2713 ok");
    LocalFree(alloc);
    /* FormatMessageA's !S! reads a WCHAR string too (16-bit units). */
    {
        char a[32];
        DWORD_PTR wa[] = {(DWORD_PTR)L"\x00e9t\x00e9"};
        CHECK_EQ(FormatMessageA(FORMAT_MESSAGE_FROM_STRING |
                                    FORMAT_MESSAGE_ARGUMENT_ARRAY,
                                "[%1!S!]", 0, 0, a, 32, (va_list *)wa),
                 7u);
        CHECK_STR(a, "[\xc3\xa9t\xc3\xa9]");
    }
}

static void test_command_line(void)
{
    int n = 0;
    LPWSTR *argv;
    WCHAR path[4096];

    argv = CommandLineToArgvW(L"prog.exe \"a b\" c\\\\\\\"d x \x00e9", &n);
    CHECK(argv != NULL);
    CHECK_EQ(n, 5);
    if (argv && n == 5) {
        CHECK_WSTR(argv[0], L"prog.exe");
        CHECK_WSTR(argv[1], L"a b");
        CHECK_WSTR(argv[2], L"c\\\"d");
        CHECK_WSTR(argv[4], L"\x00e9");
        CHECK(argv[5] == NULL);
    }
    LocalFree(argv);
    /* An empty line: the program's path. */
    argv = CommandLineToArgvW(L"", &n);
    CHECK_EQ(n, 1);
    CHECK(GetModuleFileNameW(NULL, path, 4096) > 0);
    if (argv)
        CHECK_WSTR(argv[0], path);
    LocalFree(argv);
    SetLastError(0xdeadbeef);
    CHECK(CommandLineToArgvW(L"x", NULL) == NULL);
    CHECK_EQ(GetLastError(), 0xdeadbeefu);
    /* "" inside quotes: a quote, and the quoting ends (Wine 8). */
    argv = CommandLineToArgvW(L"p \"e\"\"f\" g", &n);
    CHECK_EQ(n, 2);
    if (argv && n == 2)
        CHECK_WSTR(argv[1], L"e\"f g");
    LocalFree(argv);
    /* This program's own line splits back into its arguments. */
    argv = CommandLineToArgvW(GetCommandLineW(), &n);
    CHECK_EQ(n, 1);
    LocalFree(argv);
    CHECK(strstr(GetCommandLineA(), "test_unicode") != NULL);
    /* GetModuleFileName truncates, with the error Windows gives. */
    CHECK_FAILS(GetModuleFileNameW(NULL, path, 4) != 4,
                ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(lstrlenW(path), 3);
}

/* A wide program, started with CreateProcessW and a UTF-16 environment:
 * its wmain gets the arguments, its line splits back into them. */
static void test_wmain_and_create_process(void)
{
    WCHAR cmd[1024], env[] = L"WIPC_X=\x00e9\0\0";
    HANDLE r, w;
    STARTUPINFOW si = {0};
    PROCESS_INFORMATION pi;
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    char out[512] = {0};
    DWORD n, total = 0, code = 0;

    (void)env;
    MultiByteToWideChar(CP_UTF8, 0, UNICODE_WMAIN, -1, cmd, 1024);
    lstrcatW(cmd, L" \"h\x00e9 llo\" a\\\\\\\"b \"\" \x2713");
    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    CHECK_OK(CreateProcessW(NULL, cmd, NULL, NULL, TRUE,
                            CREATE_UNICODE_ENVIRONMENT, env, NULL, &si, &pi));
    CloseHandle(w);
    while (total < sizeof out - 1 &&
           ReadFile(r, out + total, sizeof out - 1 - total, &n, NULL) && n)
        total += n;
    CloseHandle(r);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 7u);
    CHECK_STR(out, "argc 5\n[h\xc3\xa9 llo]\n[a\\\"b]\n[]\n[\xe2\x9c\x93]\n"
                   "split 5 [h\xc3\xa9 llo] [a\\\"b] [] [\xe2\x9c\x93]\n");
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

static void test_startup_and_names(void)
{
    STARTUPINFOW si;
    WCHAR buf[300];
    DWORD n = 300;
    char a[300];

    /* Not started with STARTF_USESTDHANDLES (ctest started it): the W call
     * leaves the handle fields alone (Wine's process.c:3584-3587). */
    si.hStdInput = si.hStdOutput = si.hStdError = (HANDLE)(ULONG_PTR)0x1234;
    GetStartupInfoW(&si);
    CHECK_EQ(si.cb, (DWORD)sizeof si);
    CHECK_EQ(si.dwFlags & STARTF_USESTDHANDLES, 0u);
    CHECK_EQ(si.hStdInput, (HANDLE)(ULONG_PTR)0x1234);
    CHECK_EQ(si.hStdError, (HANDLE)(ULONG_PTR)0x1234);
    CHECK(si.lpTitle != NULL && lstrlenW(si.lpTitle) > 0);
    CHECK_OK(GetComputerNameW(buf, &n));
    CHECK_EQ(n, (DWORD)lstrlenW(buf));
    n = 1;
    CHECK_FAILS(GetComputerNameW(buf, &n), ERROR_BUFFER_OVERFLOW);
    CHECK(n > 1);
    n = 300;
    CHECK_OK(GetUserNameW(buf, &n));
    CHECK_EQ(n, (DWORD)lstrlenW(buf) + 1);
    n = sizeof a;
    CHECK_OK(GetUserNameA(a, &n));
    CHECK_EQ(GetModuleHandleW(L"kernel32.dll"), GetModuleHandleA("kernel32"));
    /* The process queries in units: the same path as GetModuleFileNameW. */
    {
        WCHAR path[4096], img[4096];
        DWORD size = 4096;
        CHECK(GetModuleFileNameW(NULL, path, 4096) > 0);
        CHECK_OK(QueryFullProcessImageNameW(GetCurrentProcess(), 0, img, &size));
        CHECK_EQ(size, (DWORD)lstrlenW(img));
        CHECK_WSTR(img, path);
        size = 3;
        CHECK_FAILS(QueryFullProcessImageNameW(GetCurrentProcess(), 0, img,
                                               &size),
                    ERROR_INSUFFICIENT_BUFFER);
        CHECK_EQ(size, 3u);
        /* No buffer and a size too small: still ERROR_INSUFFICIENT_BUFFER
         * (Wine's process.c:2056); the A function says
         * ERROR_INVALID_PARAMETER for a missing buffer. */
        size = 0;
        CHECK_FAILS(QueryFullProcessImageNameW(GetCurrentProcess(), 0, NULL,
                                               &size),
                    ERROR_INSUFFICIENT_BUFFER);
        CHECK_EQ(size, 0u);
        size = 4096;
        CHECK_FAILS(QueryFullProcessImageNameW(GetCurrentProcess(), 0, NULL,
                                               &size),
                    ERROR_INVALID_PARAMETER);
        /* The device form: \Device\HarddiskVolume1 and the path. */
        size = 4096;
        CHECK_OK(QueryFullProcessImageNameW(GetCurrentProcess(),
                                            PROCESS_NAME_NATIVE, img, &size));
        CHECK_EQ(size, (DWORD)lstrlenW(path) + 23);
        CHECK_EQ(memcmp(img, L"\\Device\\HarddiskVolume1\\", 24 * sizeof(WCHAR)), 0);
        CHECK_EQ(GetProcessImageFileNameW(GetCurrentProcess(), img, 4096),
                 (DWORD)lstrlenW(path) + 23);
        CHECK_FAILS(GetProcessImageFileNameW(GetCurrentProcess(), img, 3),
                    ERROR_INSUFFICIENT_BUFFER);
        n = 300;
        CHECK_OK(GetComputerNameExW(ComputerNameNetBIOS, buf, &n));
        CHECK_EQ(n, (DWORD)lstrlenW(buf));
        n = 1;
        CHECK_FAILS(GetComputerNameExW(ComputerNameDnsHostname, buf, &n),
                    ERROR_MORE_DATA);
        CHECK(n > 1);
    }
    CHECK(GetModuleHandleW(NULL) != NULL);
}

/* ---- <tchar.h>'s wide C library functions ------------------------------ */

static void test_wide_crt(void)
{
    WCHAR buf[64];
    WCHAR *end;

    CHECK_EQ(winipc_swprintf(buf, 64, L"%s|%hs|%S|%d|%5.1f|%-3c|%x|%%",
                             L"w\x00e9", "n\xc3\xa9", "s", -42, 2.25, 'c',
                             255u),
             26);
    CHECK_WSTR(buf, L"w\x00e9|n\x00e9|s|-42|  2.2|c  |ff|%");
    CHECK_EQ(winipc_swprintf(buf, 64, L"[%5s][%-5ls][%.2s][%lld]", L"ab",
                             L"cd", L"xyz", -5000000000LL),
             31);
    CHECK_WSTR(buf, L"[   ab][cd   ][xy][-5000000000]");
    CHECK_EQ(winipc_swprintf(buf, 4, L"%s", L"toolong"), -1);
    CHECK_WSTR(buf, L"too");
    CHECK_EQ(winipc_snwprintf(buf, 3, L"%d", 123), 3); /* not terminated */
    CHECK_EQ(winipc_snwprintf(buf, 2, L"%d", 123), -1);
    CHECK_EQ(winipc_swprintf(buf, 64, L"%s", (WCHAR *)NULL), 6);
    CHECK_WSTR(buf, L"(null)");
    CHECK_EQ(winipc_wcslen(L"abc"), 3u);
    CHECK_EQ(winipc_wcscmp(L"a", L"b") < 0, 1);
    /* The "C" locale's case folding, as the Microsoft runtime's: ASCII. */
    CHECK_EQ(winipc_wcsicmp(L"ABC", L"abc"), 0);
    CHECK_EQ(winipc_wcsicmp(L"\x00c9", L"\x00e9") != 0, 1);
    CHECK_EQ(winipc_wcsncmp(L"abc", L"abd", 2), 0);
    CHECK(winipc_wcschr(L"abc", 'c') != NULL);
    CHECK(winipc_wcsrchr(L"abca", 'a') != NULL);
    CHECK(winipc_wcsstr(L"hello", L"ll") != NULL);
    CHECK(winipc_wcsstr(L"hello", L"lx") == NULL);
    CHECK_EQ(winipc_wcstol(L"  -12z", &end, 10), -12);
    CHECK_EQ(*end, 'z');
    CHECK_EQ(winipc_wtoi(L"77"), 77);
    winipc_wcscpy(buf, L"ab");
    winipc_wcsncat(buf, L"cdef", 2);
    CHECK_WSTR(buf, L"abcd");
}

int main(int argc, char **argv)
{
    TEST_HELPERS(argc, argv, {"none", NULL});
    RUN(test_mb_to_wide);
    RUN(test_wide_to_mb);
    RUN(test_lstr_wide);
    RUN(test_named_objects_wide);
    RUN(test_named_pipe_wide);
    RUN(test_files_wide);
    RUN(test_environment_wide);
    RUN(test_format_message_wide);
    RUN(test_command_line);
    RUN(test_wmain_and_create_process);
    RUN(test_startup_and_names);
    RUN(test_wide_crt);
    return TEST_SUMMARY();
}
