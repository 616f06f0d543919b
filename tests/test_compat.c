/*
 * test_compat: what real Windows programs expect beyond the IPC calls
 * (issue 16): ReadFile/WriteFile without a byte count, the other spellings
 * of pipe, mailslot and file names, and the helpers <windows.h>,
 * <strsafe.h> and <conio.h> bring.  Every expectation is Windows' answer,
 * as Wine reproduces it (the conformance scenarios io_null_counts,
 * npipe_path_forms and file_path_forms compare the same under Wine).
 */
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <time.h>

#include "testlib.h"

#include <conio.h>
#include <strsafe.h>
#include <termios.h>

/* ---- ReadFile / WriteFile with neither a count nor an OVERLAPPED ------- */

static void test_null_counts_pipe(void)
{
    HANDLE r, w;
    char buf[16] = {0};

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    SetLastError(0xdeadbeef);
    CHECK_OK(WriteFile(w, "hello", 5, NULL, NULL));
    CHECK_EQ(GetLastError(), 0xdeadbeef);
    CHECK_OK(ReadFile(r, buf, sizeof buf, NULL, NULL));
    CHECK_STR(buf, "hello");
    CloseHandle(w);
    CHECK_FAILS(ReadFile(r, buf, sizeof buf, NULL, NULL), ERROR_BROKEN_PIPE);
    CloseHandle(r);
}

static void test_null_counts_file(void)
{
    const char *path = test_tmp_path("compat-null-count");
    char buf[16] = {0};
    HANDLE h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);

    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(h, "abc", 3, NULL, NULL));
    CHECK_EQ(GetFileSize(h, NULL), 3);
    CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    CHECK_OK(ReadFile(h, buf, sizeof buf, NULL, NULL));
    CHECK_STR(buf, "abc");
    CHECK_OK(ReadFile(h, buf, sizeof buf, NULL, NULL)); /* end of file */
    CHECK_FAILS(ReadFile(h, NULL, 1, NULL, NULL), ERROR_NOACCESS);
    CloseHandle(h);
}

static void test_null_counts_message_pipe(void)
{
    const char *name = test_unique_name("\\\\.\\pipe\\winipc-compat-", "-",
                                        "nullcount");
    char buf[16] = {0};
    HANDLE s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX,
                                PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1,
                                64, 64, 0, NULL);
    HANDLE c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, 0, NULL);

    CHECK(s != INVALID_HANDLE_VALUE && c != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(c, "0123456789", 10, NULL, NULL));
    CHECK_FAILS(ReadFile(s, buf, 4, NULL, NULL), ERROR_MORE_DATA);
    CHECK_MEM(buf, "0123", 4);
    memset(buf, 0, sizeof buf);
    CHECK_OK(ReadFile(s, buf, sizeof buf, NULL, NULL));
    CHECK_STR(buf, "456789");
    CloseHandle(c);
    CloseHandle(s);
}

/* ---- Name spellings ------------------------------------------------------ */

/* A byte pipe made as create, opened as open: one byte goes through. */
static void check_same_pipe(const char *create, const char *open)
{
    HANDLE s = CreateNamedPipeA(create, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE,
                                PIPE_UNLIMITED_INSTANCES, 64, 64, 0, NULL);
    HANDLE c;
    DWORD n = 0;
    char b = 0;

    CHECK(s != INVALID_HANDLE_VALUE);
    CHECK_OK(WaitNamedPipeA(open, 0));
    c = CreateFileA(open, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                    OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    if (c == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "  create %s, open %s: error %lu\n", create, open,
                (unsigned long)GetLastError());
    } else {
        CHECK_OK(WriteFile(c, "p", 1, &n, NULL));
        CHECK_OK(ReadFile(s, &b, 1, &n, NULL));
        CHECK_EQ(b, 'p');
        CloseHandle(c);
    }
    CloseHandle(s);
}

static void test_pipe_name_forms(void)
{
    char create[128], open[128];
    const char *id = test_unique_name("", "", "");
    static const char *const forms[][2] = {
        {"\\\\.\\pipe\\", "\\\\?\\pipe\\"},
        {"\\\\?\\pipe\\", "\\\\.\\pipe\\"},
        {"\\\\.\\pipe\\", "\\\\?\\PIPE\\"},
        {"\\\\.\\PiPe\\", "\\\\.\\pipe\\"},
        {"//./pipe/", "\\\\.\\pipe\\"},
        {"\\\\.\\pipe\\", "\\\\.\\pipe/"},
        {"\\\\.\\pipe\\", "//?/pipe/"},
        {"\\\\?\\pipe\\", "//./PIPE/"},
    };

    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        snprintf(create, sizeof create, "%swinipc-compat-%s-Forms", forms[i][0],
                 id);
        snprintf(open, sizeof open, "%sWINIPC-COMPAT-%s-forms", forms[i][1],
                 id);
        check_same_pipe(create, open);
    }
    /* A missing pipe in the verbatim form: not found, as "\\.\pipe\". */
    snprintf(open, sizeof open, "\\\\?\\pipe\\winipc-compat-%s-missing", id);
    CHECK_EQ(CreateFileA(open, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL),
             INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
    CHECK_FAILS(WaitNamedPipeA(open, 0), ERROR_FILE_NOT_FOUND);
    CHECK_FAILS(CallNamedPipeA(open, "a", 1, create, 8, &(DWORD){0}, 0),
                ERROR_FILE_NOT_FOUND);
    /* The verbatim form converts no '/': "\\?\pipe/x" is no pipe name. */
    snprintf(open, sizeof open, "\\\\?\\pipe/winipc-compat-%s-forms", id);
    CHECK_EQ(CreateFileA(open, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL),
             INVALID_HANDLE_VALUE);
    /* Not a pipe: as "\\.\C:\x", an invalid name for CreateNamedPipeA. */
    CHECK_EQ(CreateNamedPipeA("\\\\?\\C:\\x", PIPE_ACCESS_DUPLEX, 0, 1, 64,
                              64, 0, NULL),
             INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_INVALID_NAME);
    /* An empty pipe name is still refused. */
    CHECK_EQ(CreateNamedPipeA("\\\\?\\pipe\\", PIPE_ACCESS_DUPLEX, 0, 1, 64,
                              64, 0, NULL),
             INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_INVALID_NAME);
}

static void test_mailslot_name_forms(void)
{
    char create[128], open[128], buf[8] = {0};
    const char *id = test_unique_name("", "", "");
    HANDLE m, w;
    DWORD n;

    snprintf(create, sizeof create, "\\\\?\\mailslot\\winipc-compat-%s\\Sub",
             id);
    m = CreateMailslotA(create, 0, 0, NULL);
    CHECK(m != INVALID_HANDLE_VALUE);
    /* '/' in the pseudo-directories too, outside the verbatim form. */
    snprintf(open, sizeof open, "//./MailSlot/winipc-compat-%s/sub", id);
    w = CreateFileA(open, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                    0, NULL);
    CHECK(w != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(w, "m1", 2, &n, NULL));
    CloseHandle(w);
    CHECK_OK(ReadFile(m, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 2);
    CHECK_STR(buf, "m1");
    /* The same slot: a second receiver is refused. */
    snprintf(create, sizeof create, "\\\\.\\mailslot\\winipc-compat-%s\\sub",
             id);
    CHECK_EQ(CreateMailslotA(create, 0, 0, NULL), INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CloseHandle(m);
}

static void test_file_name_forms(void)
{
    char cwd[MAX_PATH], name[2 * MAX_PATH + 16];
    const char *dir = test_tmp_path("compat-dir");
    HANDLE h;
    DWORD n;
    char buf[8] = {0};

    CHECK_OK(CreateDirectoryA(dir, NULL));
    /* '\' and '/' between components; "\\?\" before a full path. */
    snprintf(name, sizeof name, "%s/f.txt", dir);
    h = CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(h, "text", 4, &n, NULL));
    CloseHandle(h);
    snprintf(name, sizeof name, "\\\\?\\%s\\f.txt", dir);
    h = CreateFileA(name, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_OK(ReadFile(h, buf, sizeof buf, &n, NULL));
    CHECK_STR(buf, "text");
    CloseHandle(h);
    /* GetCurrentDirectoryA's answer with the prefix, and '\' only. */
    CHECK(GetCurrentDirectoryA(sizeof cwd, cwd) > 0);
    CHECK_OK(SetCurrentDirectoryA(dir));
    CHECK(GetCurrentDirectoryA(sizeof cwd, cwd) > 0);
    snprintf(name, sizeof name, "\\\\?\\%s\\f.txt", cwd);
    for (char *c = name + 4; *c; c++)
        if (*c == '/')
            *c = '\\';
    h = CreateFileA(name, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    /* Not a full path after the prefix: no such device (Wine: a path below
     * one is a path not found). */
    CHECK_EQ(CreateFileA("\\\\?\\f.txt\\x", GENERIC_READ, 0, NULL,
                         OPEN_EXISTING, 0, NULL),
             INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_PATH_NOT_FOUND);
    CHECK_EQ(CreateFileA("\\\\?\\f.txt", GENERIC_READ, 0, NULL,
                         OPEN_EXISTING, 0, NULL),
             INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
    CHECK_OK(SetCurrentDirectoryA("/"));
    snprintf(name, sizeof name, "\\\\?\\%s\\f.txt", dir);
    CHECK_OK(DeleteFileA(name));
    snprintf(name, sizeof name, "\\\\?\\%s", dir);
    CHECK_OK(RemoveDirectoryA(name));
}

/* ---- <windows.h> helpers ----------------------------------------------------- */

static void test_lstr(void)
{
    char buf[16];
    static const struct {
        const char *a, *b;
        int cmp, cmpi;
    } cases[] = {
        /* Wine's answers (compat_helpers, and 200,000 random strings). */
        {"a", "B", -1, -1},      {"a", "A", -1, 0},     {"A", "a", 1, 0},
        {"abc", "abd", -1, -1},  {"abc", "ab", 1, 1},   {"co-op", "coop", 1, 1},
        {"coop", "co-op", -1, -1}, {"it's", "its", 1, 1}, {"1", "a", -1, -1},
        {"_", "a", -1, -1},      {"[", "a", -1, -1},    {" ", "!", -1, -1},
        {"+", "!", 1, 1},        {"Zebra", "apple", 1, 1}, {"aB", "Ab", -1, 0},
        {"", "a", -1, -1},       {"a", "a", 0, 0},      {"9", "0", 1, 1},
        {"~", "0", -1, -1},      {"<", "+", 1, 1},      {"'-", "-'", -1, -1},
    };

    CHECK_EQ(lstrlenA("hello"), 5);
    CHECK_EQ(lstrlenA(NULL), 0);
    CHECK(lstrcpyA(buf, "ab") == buf);
    CHECK(lstrcatA(buf, "cd") == buf);
    CHECK_STR(buf, "abcd");
    CHECK(lstrcpyA(buf, NULL) == NULL);
    CHECK(lstrcpyA(NULL, "x") == NULL);
    CHECK(lstrcatA(buf, NULL) == NULL);
    CHECK_STR(buf, "abcd");
    CHECK(lstrcpynA(buf, "abcdef", 4) == buf);
    CHECK_STR(buf, "abc");
    CHECK(lstrcpynA(buf, "ab", 10) == buf);
    CHECK_STR(buf, "ab");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (lstrcmpA(cases[i].a, cases[i].b) != cases[i].cmp ||
            lstrcmpiA(cases[i].a, cases[i].b) != cases[i].cmpi)
            TEST_FAIL_AT("lstrcmpA/lstrcmpiA(\"%s\", \"%s\"): %d %d, "
                         "expected %d %d",
                         cases[i].a, cases[i].b, lstrcmpA(cases[i].a, cases[i].b),
                         lstrcmpiA(cases[i].a, cases[i].b), cases[i].cmp,
                         cases[i].cmpi);
        test_checks++;
    }
    CHECK_EQ(lstrcmpA(NULL, "a"), -1);
    CHECK_EQ(lstrcmpA("a", NULL), 1);
    CHECK_EQ(lstrcmpiA(NULL, NULL), 0);
    /* The unsuffixed names are the A functions. */
    CHECK(lstrlen == lstrlenA && lstrcmp == lstrcmpA && lstrcmpi == lstrcmpiA);
}

static void test_memory(void)
{
    HANDLE heap = GetProcessHeap();
    char *p, *q;

    p = LocalAlloc(LPTR, 10);
    CHECK(p != NULL && p[0] == 0 && p[9] == 0);
    CHECK_EQ((uintptr_t)p % 16, 0);
    CHECK_EQ(LocalSize(p), 10);
    CHECK(LocalFree(p) == NULL);
    p = GlobalAlloc(GPTR, 33);
    CHECK_EQ(GlobalSize(p), 33);
    CHECK(GlobalFree(p) == NULL);
    SetLastError(0xdeadbeef);
    CHECK(LocalFree(NULL) == NULL);
    CHECK_EQ(GetLastError(), 0xdeadbeef);
    CHECK_EQ(LocalSize(NULL), 0);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    /* Not a block (a pointer inside one): the handle back, as Windows. */
    p = LocalAlloc(LMEM_FIXED, 64);
    CHECK(LocalFree(p + 32) == p + 32);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK(LocalFree(p) == NULL);
    /* Moveable memory is not provided. */
    CHECK(LocalAlloc(0x0002 /* LMEM_MOVEABLE */, 8) == NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);

    CHECK(heap != NULL && heap == GetProcessHeap());
    p = HeapAlloc(heap, HEAP_ZERO_MEMORY, 5);
    CHECK(p != NULL && p[4] == 0);
    CHECK_EQ(HeapSize(heap, 0, p), 5);
    memset(p, 7, 5);
    p = HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, 4000);
    CHECK(p != NULL);
    CHECK_EQ(HeapSize(heap, 0, p), 4000);
    CHECK(p[4] == 7 && p[5] == 0 && p[3999] == 0);
    q = HeapReAlloc(heap, 0, p, 3);
    CHECK(q == p); /* shrinking stays in place */
    CHECK_EQ(HeapSize(heap, 0, p), 3);
    CHECK(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, p, 1 << 20) == NULL);
    CHECK_EQ(HeapSize(heap, 0, p), 3);
    CHECK_OK(HeapFree(heap, 0, p));
    CHECK_OK(HeapFree(heap, 0, NULL));
    p = HeapAlloc(heap, 0, 0);
    CHECK(p != NULL);
    CHECK_EQ(HeapSize(heap, 0, p), 0);
    CHECK_OK(HeapFree(heap, 0, p));
    CHECK(HeapAlloc((HANDLE)0x1234, 0, 8) == NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    /* Any of the three frees any block (one allocator). */
    p = HeapAlloc(heap, 0, 8);
    CHECK(LocalFree(p) == NULL);
}

static void test_macros(void)
{
    char buf[8] = "xxxxxxx";
    const int unused = 3;
    UNREFERENCED_PARAMETER(unused);
    ZeroMemory(buf, 2);
    CHECK(buf[0] == 0 && buf[1] == 0 && buf[2] == 'x');
    CopyMemory(buf, "abcd", 4);
    MoveMemory(buf + 1, buf, 3);
    FillMemory(buf + 4, 2, '-');
    buf[6] = 0;
    CHECK_STR(buf, "aabc--");
    SecureZeroMemory(buf, sizeof buf);
    CHECK_EQ(buf[5], 0);
    CHECK_STR(TEXT("narrow"), "narrow");
    CHECK_EQ((DWORD)E_INVALIDARG, 0x80070057u);
    CHECK_EQ((DWORD)E_FAIL, 0x80004005u);
    CHECK_EQ((DWORD)HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), 0x80070005u);
    CHECK_EQ(HRESULT_FROM_WIN32(0), S_OK);
    CHECK(SUCCEEDED(S_OK) && SUCCEEDED(S_FALSE) && FAILED(E_OUTOFMEMORY));
    CHECK_EQ(HRESULT_CODE(E_ACCESSDENIED), ERROR_ACCESS_DENIED);
    CHECK_EQ(MAKEWORD(1, 2), 0x0201);
    CHECK_EQ(LOWORD(0x12345678), 0x5678);
    CHECK_EQ(HIWORD(0x12345678), 0x1234);
    CHECK_EQ(sizeof(HRESULT), 4);
}

static void test_system_info(void)
{
    SYSTEM_INFO si;
    char buf[300], host[256], want[16];
    DWORD n, t;
    ULONGLONG t64;
    size_t len;

    GetSystemInfo(&si);
    CHECK_EQ(si.dwPageSize, (DWORD)sysconf(_SC_PAGESIZE));
    CHECK_EQ(si.dwNumberOfProcessors, (DWORD)sysconf(_SC_NPROCESSORS_ONLN));
    CHECK_EQ(si.dwAllocationGranularity, 65536);
    CHECK(si.dwActiveProcessorMask != 0);
#if defined(__x86_64__)
    CHECK_EQ(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64);
#endif

    t = GetTickCount();
    t64 = GetTickCount64();
    CHECK((DWORD)t64 - t < 1000);
    {
        struct timespec ts;
        clock_gettime(CLOCK_BOOTTIME, &ts);
        CHECK((ULONGLONG)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - t64 < 1000);
    }

    /* The NetBIOS form of the host name: up to '.', upper case, 15. */
    gethostname(host, sizeof host);
    host[sizeof host - 1] = 0;
    len = strcspn(host, ".");
    if (len > 15)
        len = 15;
    for (size_t i = 0; i < len; i++)
        want[i] = (char)toupper((unsigned char)host[i]);
    want[len] = 0;
    n = sizeof buf;
    CHECK_OK(GetComputerNameA(buf, &n));
    CHECK_STR(buf, want);
    CHECK_EQ(n, len);
    n = (DWORD)len; /* no room for the NUL */
    CHECK_FAILS(GetComputerNameA(buf, &n), ERROR_BUFFER_OVERFLOW);
    CHECK_EQ(n, len + 1);
    n = 0;
    CHECK_FAILS(GetComputerNameA(NULL, &n), ERROR_BUFFER_OVERFLOW);
    CHECK_EQ(n, len + 1);
    CHECK_FAILS(GetComputerNameA(buf, NULL), ERROR_INVALID_PARAMETER);

    {
        struct passwd *pw = getpwuid(geteuid());
        const char *name = pw ? pw->pw_name : "";
        n = sizeof buf;
        CHECK_OK(GetUserNameA(buf, &n));
        if (pw)
            CHECK_STR(buf, name);
        CHECK_EQ(n, strlen(buf) + 1);
        len = strlen(buf);
        n = (DWORD)len;
        CHECK_FAILS(GetUserNameA(buf, &n), ERROR_INSUFFICIENT_BUFFER);
        CHECK_EQ(n, len + 1);
        n = 0;
        CHECK_FAILS(GetUserNameA(NULL, &n), ERROR_INSUFFICIENT_BUFFER);
        CHECK_EQ(n, len + 1);
    }
}

static void test_startup_info(void)
{
    STARTUPINFOA si;
    memset(&si, 0x55, sizeof si);
    GetStartupInfoA(&si);
    CHECK_EQ(si.cb, sizeof si);
    CHECK_EQ(si.dwFlags, 0);
    CHECK(si.lpReserved == NULL && si.lpReserved2 == NULL);
    CHECK(si.lpTitle != NULL && strstr(si.lpTitle, "test_compat") != NULL);
    CHECK(si.lpDesktop != NULL);
    CHECK(si.hStdInput == GetStdHandle(STD_INPUT_HANDLE));
    CHECK(si.hStdOutput == GetStdHandle(STD_OUTPUT_HANDLE));
    CHECK(si.hStdError == GetStdHandle(STD_ERROR_HANDLE));
}

typedef HANDLE(WINAPI *create_file_fn)(LPCSTR, DWORD, DWORD,
                                        LPSECURITY_ATTRIBUTES, DWORD, DWORD,
                                        HANDLE);

static void test_modules(void)
{
    HMODULE k32 = GetModuleHandleA("kernel32.dll");
    FARPROC f;

    CHECK(k32 != NULL);
    CHECK(GetModuleHandleA("KERNEL32.DLL") == k32);
    CHECK(GetModuleHandleA("kernel32") == k32);
    CHECK(GetModuleHandleA("advapi32.dll") == k32);
    CHECK(GetModuleHandleA("kernelbase.dll") == k32);
    CHECK(GetModuleHandle("user32.dll") == k32);
    CHECK(GetModuleHandleA(NULL) != NULL);
    SetLastError(0xdeadbeef);
    CHECK(GetModuleHandleA("nosuch.dll") == NULL);
    CHECK_EQ(GetLastError(), ERROR_MOD_NOT_FOUND);
    CHECK(GetModuleHandleA("kernel32.dl") == NULL);

    SetLastError(0xdeadbeef);
    f = GetProcAddress(k32, "CreateFileA");
    CHECK((void (*)(void))f == (void (*)(void))CreateFileA);
    CHECK_EQ(GetLastError(), 0xdeadbeef);
    /* A probe for an optional function, called through the pointer. */
    {
        create_file_fn cf = (create_file_fn)(void (*)(void))f;
        HANDLE h = cf("/dev/null", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0,
                      NULL);
        CHECK(h != INVALID_HANDLE_VALUE);
        CloseHandle(h);
    }
    CHECK(GetProcAddress(k32, "GetTickCount64") != NULL);
    CHECK(GetProcAddress(k32, "NoSuchFunction") == NULL);
    CHECK_EQ(GetLastError(), ERROR_PROC_NOT_FOUND);
    /* winipc's internal functions are not exports. */
    CHECK(GetProcAddress(k32, "wipc_plat_module_self") == NULL);
    CHECK(GetProcAddress(k32, (LPCSTR)(UINT_PTR)1) == NULL); /* an ordinal */
    CHECK_EQ(GetLastError(), ERROR_PROC_NOT_FOUND);
    CHECK(GetProcAddress(NULL, "CreateFileA") == NULL);
    CHECK(GetProcAddress((HMODULE)&f, "CreateFileA") == NULL);
    CHECK_EQ(GetLastError(), ERROR_MOD_NOT_FOUND);
}

/* MessageBoxA's line on standard error, and its answer. */
static int message_box(const char *text, const char *caption, UINT type,
                       char *line, size_t cap)
{
    int fds[2], saved = dup(2), id;
    ssize_t n;
    if (pipe2(fds, O_CLOEXEC) != 0 || saved < 0)
        return -1;
    dup2(fds[1], 2);
    id = MessageBoxA(NULL, text, caption, type);
    dup2(saved, 2);
    close(saved);
    close(fds[1]);
    n = read(fds[0], line, cap - 1);
    line[n > 0 ? n : 0] = 0;
    close(fds[0]);
    return id;
}

static void test_message_box(void)
{
    char line[256];
    CHECK_EQ(message_box("Pipe broken", "Server", MB_OK | MB_ICONERROR, line,
                         sizeof line),
             IDOK);
    CHECK_STR(line, "Server: Pipe broken\n");
    CHECK_EQ(message_box("text", NULL, MB_OK, line, sizeof line), IDOK);
    CHECK_STR(line, "Error: text\n");
    CHECK_EQ(message_box("q", "c", MB_YESNO, line, sizeof line), IDYES);
    CHECK_EQ(message_box("q", "c", MB_YESNO | MB_DEFBUTTON2, line, sizeof line),
             IDNO);
    CHECK_EQ(message_box("q", "c", MB_YESNOCANCEL | MB_DEFBUTTON3, line,
                         sizeof line),
             IDCANCEL);
    CHECK_EQ(message_box("q", "c", MB_OKCANCEL | MB_DEFBUTTON3, line,
                         sizeof line),
             IDOK);
    CHECK_EQ(message_box("q", "c", MB_RETRYCANCEL, line, sizeof line),
             IDRETRY);
    SetLastError(0);
    CHECK_EQ(message_box("q", "c", 7, line, sizeof line), 0);
    CHECK_EQ(GetLastError(), ERROR_INVALID_MSGBOX_STYLE);
    CHECK_STR(line, "");
}

/* ---- <strsafe.h> --------------------------------------------------------------- */

static HRESULT strsafe_vprintf(char *d, size_t cch, const char *fmt, ...)
{
    HRESULT hr;
    va_list ap;
    va_start(ap, fmt);
    hr = StringCchVPrintfA(d, cch, fmt, ap);
    va_end(ap);
    return hr;
}

static void test_strsafe(void)
{
    char d[8];
    size_t n;

    CHECK_EQ((DWORD)STRSAFE_E_INSUFFICIENT_BUFFER, 0x8007007Au);
    CHECK_EQ((DWORD)STRSAFE_E_INVALID_PARAMETER, 0x80070057u);
    CHECK_EQ(StringCchCopyA(d, sizeof d, "1234567"), S_OK);
    CHECK_STR(d, "1234567");
    CHECK_EQ(StringCchCopyA(d, sizeof d, "12345678"),
             STRSAFE_E_INSUFFICIENT_BUFFER);
    CHECK_STR(d, "1234567"); /* truncated, terminated */
    strcpy(d, "keep");
    CHECK_EQ(StringCchCopyA(d, 0, "x"), STRSAFE_E_INVALID_PARAMETER);
    CHECK_EQ(StringCchCopyA(d, (size_t)STRSAFE_MAX_CCH + 1, "x"),
             STRSAFE_E_INVALID_PARAMETER);
    CHECK_STR(d, "keep");
    CHECK_EQ(StringCchCatA(d, sizeof d, "er"), S_OK);
    CHECK_STR(d, "keeper");
    CHECK_EQ(StringCchCatA(d, sizeof d, "s!"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CHECK_STR(d, "keepers");
    CHECK_EQ(StringCchCatA(d, 4, "x"), STRSAFE_E_INVALID_PARAMETER);
    CHECK_STR(d, "keepers");
    CHECK_EQ(StringCchPrintfA(d, sizeof d, "%d-%s", 12, "ab"), S_OK);
    CHECK_STR(d, "12-ab");
    CHECK_EQ(StringCchPrintfA(d, sizeof d, "%d", 123456789),
             STRSAFE_E_INSUFFICIENT_BUFFER);
    CHECK_STR(d, "1234567");
    /* Truncation is reported whatever the format (Wine's %c is not). */
    CHECK_EQ(strsafe_vprintf(d, 4, "%c%c%c%c%c", 'v', 'w', 'x', 'y', 'z'),
             STRSAFE_E_INSUFFICIENT_BUFFER);
    CHECK_STR(d, "vwx");
    CHECK_EQ(StringCbPrintfA(d, 3, "%s", "abc"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CHECK_STR(d, "ab");
    CHECK_EQ(StringCchLengthA("abc", 4, &n), S_OK);
    CHECK_EQ(n, 3);
    CHECK_EQ(StringCchLengthA("abc", 3, &n), STRSAFE_E_INVALID_PARAMETER);
    CHECK_EQ(n, 0);
    CHECK_EQ(StringCchLengthA(NULL, 3, &n), STRSAFE_E_INVALID_PARAMETER);
    CHECK_EQ(StringCbLengthA("abc", 10, &n), S_OK);
    CHECK_EQ(n, 3);
    CHECK_EQ(StringCbCopyA(d, sizeof d, "cb"), S_OK);
    CHECK_EQ(StringCbCatA(d, sizeof d, "cat"), S_OK);
    CHECK_STR(d, "cbcat");
    CHECK_EQ(StringCchCopyNA(d, sizeof d, "abcdef", 2), S_OK);
    CHECK_STR(d, "ab");
    CHECK_EQ(StringCchCatNA(d, sizeof d, "cdef", 1), S_OK);
    CHECK_STR(d, "abc");
    /* Overlapping source and destination: memmove, no garbage. */
    strcpy(d, "abcdef");
    CHECK_EQ(StringCchCopyA(d, sizeof d, d + 2), S_OK);
    CHECK_STR(d, "cdef");
    CHECK_EQ(StringCchCopy(d, sizeof d, TEXT("t")), S_OK);
    CHECK_EQ(StringCchPrintf(d, sizeof d, TEXT("%u"), 7u), S_OK);
    CHECK_STR(d, "7");
}

/* ---- <conio.h> ------------------------------------------------------------------ */

/* Puts fd in place of standard input; returns the saved standard input. */
static int conio_stdin_from(int fd)
{
    int saved = fcntl(0, F_DUPFD_CLOEXEC, 10);
    dup3(fd, 0, O_CLOEXEC);
    close(fd);
    return saved;
}

static void conio_stdin_restore(int saved)
{
    dup2(saved, 0);
    close(saved);
}

/* Not a terminal: one byte of standard input a call, EOF at its end. */
static void test_conio_pipe(void)
{
    int fds[2], saved;

    if (pipe2(fds, O_CLOEXEC) != 0) {
        CHECK(0);
        return;
    }
    saved = conio_stdin_from(fds[0]);
    CHECK_EQ(_kbhit(), 0); /* nothing yet: a read would wait */
    CHECK_EQ(write(fds[1], "ab\n", 3), 3);
    CHECK(_kbhit() != 0);
    CHECK_EQ(_getch(), 'a');
    CHECK_EQ(_ungetch('z'), 'z');
    CHECK_EQ(_ungetch('y'), EOF); /* one at a time */
    CHECK(kbhit() != 0);
    CHECK_EQ(getch(), 'z');
    CHECK_EQ(_getch(), 'b');
    CHECK_EQ(_getch(), '\n'); /* bytes as they are */
    close(fds[1]);
    CHECK(_kbhit() != 0); /* the end: _getch would not wait */
    CHECK_EQ(_getch(), EOF);
    CHECK_EQ(_getch(), EOF);
    conio_stdin_restore(saved);
}

static void test_conio_putch(void)
{
    int fds[2], saved = fcntl(1, F_DUPFD_CLOEXEC, 10);
    char buf[8] = {0};

    if (pipe2(fds, O_CLOEXEC) != 0) {
        CHECK(0);
        return;
    }
    fflush(stdout);
    dup2(fds[1], 1);
    CHECK_EQ(_putch('k'), 'k');
    CHECK_EQ(putch(0x1e9), 0xe9); /* the low byte, as unsigned char */
    dup2(saved, 1);
    close(saved);
    close(fds[1]);
    CHECK_EQ(read(fds[0], buf, sizeof buf), 2);
    CHECK_MEM(buf, "k\xe9", 2);
    close(fds[0]);
}

struct conio_reader {
    _Atomic int tid;
    int key;
};

static DWORD WINAPI conio_read_key(LPVOID arg)
{
    struct conio_reader *r = arg;
    atomic_store(&r->tid, test_gettid());
    r->key = _getch();
    return 0;
}

/* A terminal: a key without Enter, Enter as '\r', and no echo. */
static void test_conio_terminal(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave, saved;
    struct conio_reader r = {0, -2};
    struct termios tio;
    char echo[8];
    HANDLE t;

    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        CHECK(0);
        return;
    }
    slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHECK(slave >= 0);
    if (slave < 0)
        return;
    saved = conio_stdin_from(slave);
    CHECK_EQ(_kbhit(), 0);

    /* A key typed while _getch waits: returned at once, not echoed. */
    t = CreateThread(NULL, 0, conio_read_key, &r, 0, NULL);
    CHECK(test_wait_blocked(0, &r.tid, 5000, TEST_SYSCALLS(SYS_read), 0, 0));
    CHECK_EQ(write(master, "\r", 1), 1);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CloseHandle(t);
    CHECK_EQ(r.key, '\r');
    /* The terminal is back as it was: canonical, echoing. */
    CHECK_EQ(tcgetattr(0, &tio), 0);
    CHECK((tio.c_lflag & ICANON) && (tio.c_lflag & ECHO) &&
          (tio.c_iflag & ICRNL));
    /* Nothing came back on the terminal's output. */
    CHECK_EQ(fcntl(master, F_SETFL, O_NONBLOCK), 0);
    CHECK_EQ(read(master, echo, sizeof echo), -1);
    CHECK_EQ(errno, EAGAIN);

    /* A key typed before, without Enter: _kbhit sees it, _getch has it. */
    CHECK_EQ(write(master, "x", 1), 1);
    {
        int seen = 0;
        for (int i = 0; i < 5000 && !seen; i++) /* bounded: 5 s */
            if (!(seen = _kbhit()))
                usleep(1000);
        CHECK(seen);
    }
    CHECK_EQ(_getch(), 'x');
    CHECK_EQ(_kbhit(), 0);
    conio_stdin_restore(saved);
    close(master);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    TEST_START();
    RUN(test_null_counts_pipe);
    RUN(test_null_counts_file);
    RUN(test_null_counts_message_pipe);
    RUN(test_pipe_name_forms);
    RUN(test_mailslot_name_forms);
    RUN(test_file_name_forms);
    RUN(test_lstr);
    RUN(test_memory);
    RUN(test_macros);
    RUN(test_system_info);
    RUN(test_startup_info);
    RUN(test_modules);
    RUN(test_message_box);
    RUN(test_strsafe);
    RUN(test_conio_pipe);
    RUN(test_conio_putch);
    RUN(test_conio_terminal);
    return TEST_SUMMARY();
}
