/*
 * test_compat: what real Windows programs expect beyond the IPC calls
 * (issue 16): ReadFile/WriteFile without a byte count, the other spellings
 * of pipe, mailslot and file names, and the helpers <windows.h>,
 * <strsafe.h> and <conio.h> bring.  Every expectation is Windows' answer,
 * as Wine reproduces it (the conformance scenarios io_null_counts,
 * npipe_path_forms and file_path_forms compare the same under Wine).
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "testlib.h"

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
    return TEST_SUMMARY();
}
