/*
 * test_files.c: CreateFileA and its dispositions, access enforced per
 * handle, ReadFile/WriteFile, FlushFileBuffers, sizes, the file pointer,
 * SetEndOfFile, DeleteFileA, CopyFileA, GetFileType, the standard handles,
 * and close-on-exec on every descriptor the library opens.
 *
 * Expected values are Windows' as Wine 8 reproduces them; where Microsoft's
 * documentation says otherwise, the documentation wins and the check says
 * why.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include <winipc.h>

/* A call whose result is compared as a value, with the last error it
 * leaves (the last error is first set to a sentinel). */
#define CHECK_RESULT(call, expected, err)                                      \
    do {                                                                       \
        unsigned long long r2_;                                                \
        SetLastError(0xdeadbeef);                                              \
        r2_ = (unsigned long long)(uintptr_t)(call);                           \
        CHECK_EQ(r2_, (unsigned long long)(uintptr_t)(expected));              \
        CHECK_EQ(GetLastError(), (DWORD)(err));                                \
    } while (0)

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
#define RW (GENERIC_READ | GENERIC_WRITE)

static HANDLE open_file(const char *path, DWORD access, DWORD disposition)
{
    return CreateFileA(path, access, SHARE_ALL, NULL, disposition,
                       FILE_ATTRIBUTE_NORMAL, NULL);
}

/* A file holding exactly the given bytes. */
static void make_file(const char *path, const char *data)
{
    HANDLE h = open_file(path, GENERIC_WRITE, CREATE_ALWAYS);
    DWORD n = 0;
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(h, data, (DWORD)strlen(data), &n, NULL));
    CloseHandle(h);
}

static DWORD size_of(const char *path)
{
    HANDLE h = open_file(path, 0, OPEN_EXISTING);
    DWORD size = GetFileSize(h, NULL);
    CloseHandle(h);
    return size;
}

static HANDLE closed_handle(void)
{
    HANDLE h = CreateEventA(NULL, TRUE, FALSE, NULL);
    CloseHandle(h);
    return h;
}

static int is_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);
    return fl >= 0 && (fl & FD_CLOEXEC);
}

static void test_create_new(void)
{
    const char *path = test_tmp_path("create-new");
    HANDLE h;

    DeleteFileA(path);
    SetLastError(0xdeadbeef);
    h = open_file(path, RW, CREATE_NEW);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0); /* success clears the last error */
    CHECK_EQ(GetFileSize(h, NULL), 0);
    CloseHandle(h);
    CHECK_RESULT(open_file(path, RW, CREATE_NEW), INVALID_HANDLE_VALUE,
                 ERROR_FILE_EXISTS);
    CHECK_OK(DeleteFileA(path));
}

static void test_open_existing(void)
{
    const char *path = test_tmp_path("open-existing");
    HANDLE h;
    char buf[8] = {0};
    DWORD n = 0;

    DeleteFileA(path);
    CHECK_RESULT(open_file(path, GENERIC_READ, OPEN_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
    CHECK_RESULT(
        open_file(test_tmp_path("no-such-dir/x"), GENERIC_READ, OPEN_EXISTING),
        INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    make_file(path, "abc");
    SetLastError(0xdeadbeef);
    h = open_file(path, GENERIC_READ, OPEN_EXISTING);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0);
    CHECK_OK(ReadFile(h, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_STR(buf, "abc");
    CloseHandle(h);

    /* A file used as a directory: the path is what is not found. */
    {
        char sub[300];
        snprintf(sub, sizeof sub, "%s/x", path);
        CHECK_RESULT(open_file(sub, GENERIC_READ, OPEN_EXISTING),
                     INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
        CHECK_RESULT(open_file(sub, GENERIC_WRITE, CREATE_NEW),
                     INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
        CHECK_RESULT(open_file(sub, GENERIC_WRITE, OPEN_ALWAYS),
                     INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    }
    CHECK_OK(DeleteFileA(path));
}

static void test_open_always(void)
{
    const char *path = test_tmp_path("open-always");
    HANDLE h;

    DeleteFileA(path);
    SetLastError(0xdeadbeef);
    h = open_file(path, RW, OPEN_ALWAYS);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0); /* created */
    CloseHandle(h);
    make_file(path, "keep");
    /* An existing file is opened as it is, and the success says so. */
    SetLastError(0xdeadbeef);
    h = open_file(path, GENERIC_READ, OPEN_ALWAYS);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_EQ(GetFileSize(h, NULL), 4);
    CloseHandle(h);
    CHECK_RESULT(open_file(test_tmp_path("no-such-dir/x"), RW, OPEN_ALWAYS),
                 INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    CHECK_OK(DeleteFileA(path));
}

static void test_create_always(void)
{
    const char *path = test_tmp_path("create-always");
    HANDLE h;

    DeleteFileA(path);
    SetLastError(0xdeadbeef);
    h = open_file(path, GENERIC_WRITE, CREATE_ALWAYS);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0);
    CloseHandle(h);
    make_file(path, "discard me");
    /* An existing file is truncated, and the success says it existed. */
    SetLastError(0xdeadbeef);
    h = open_file(path, GENERIC_WRITE, CREATE_ALWAYS);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_EQ(GetFileSize(h, NULL), 0);
    CloseHandle(h);
    CHECK_RESULT(
        open_file(test_tmp_path("no-such-dir/x"), GENERIC_WRITE, CREATE_ALWAYS),
        INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    CHECK_OK(DeleteFileA(path));
}

static void test_truncate_existing(void)
{
    const char *path = test_tmp_path("truncate-existing");
    HANDLE h;

    DeleteFileA(path);
    CHECK_RESULT(open_file(path, GENERIC_WRITE, TRUNCATE_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
    make_file(path, "12345");
    SetLastError(0xdeadbeef);
    h = open_file(path, GENERIC_WRITE, TRUNCATE_EXISTING);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0);
    CHECK_EQ(GetFileSize(h, NULL), 0);
    CloseHandle(h);

    /* "The calling process must open the file with the GENERIC_WRITE bit
     * set as part of the dwDesiredAccess parameter."  Without it the call
     * fails and the file is left alone.  (Wine 8 opens and truncates
     * anyway; Microsoft's documentation wins.) */
    make_file(path, "12345");
    CHECK_RESULT(open_file(path, GENERIC_READ, TRUNCATE_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    CHECK_RESULT(open_file(path, 0, TRUNCATE_EXISTING), INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    CHECK_RESULT(open_file(path, FILE_WRITE_DATA, TRUNCATE_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    CHECK_EQ(size_of(path), 5);
    CHECK_OK(DeleteFileA(path));
}

static void test_create_bad_arguments(void)
{
    const char *path = test_tmp_path("bad-args");

    make_file(path, "x");
    CHECK_RESULT(open_file(path, GENERIC_READ, 0), INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    CHECK_RESULT(open_file(path, GENERIC_READ, TRUNCATE_EXISTING + 1),
                 INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    CHECK_RESULT(open_file(path, GENERIC_READ, 0xffffffffu),
                 INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    CHECK_RESULT(open_file("", GENERIC_READ, OPEN_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    CHECK_RESULT(open_file(NULL, GENERIC_READ, OPEN_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    CHECK_OK(DeleteFileA(path));
}

static void test_directories(void)
{
    HANDLE h;
    char c;
    DWORD n = 5;

    /* A directory is not a file... */
    CHECK_RESULT(open_file("/tmp", GENERIC_READ, OPEN_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    CHECK_RESULT(open_file("/tmp/", GENERIC_READ, OPEN_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    CHECK_RESULT(open_file("/tmp", GENERIC_READ, OPEN_ALWAYS),
                 INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    CHECK_RESULT(open_file("/tmp", GENERIC_WRITE, CREATE_ALWAYS),
                 INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    /* ...except to backup semantics, and then it cannot be read. */
    h = CreateFileA("/tmp", GENERIC_READ, SHARE_ALL, NULL, OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS, NULL);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_EQ(GetFileType(h), FILE_TYPE_DISK);
    CHECK_FAILS(ReadFile(h, &c, 1, &n, NULL), ERROR_INVALID_FUNCTION);
    CHECK_EQ(n, 0);
    CloseHandle(h);
    CHECK_FAILS(DeleteFileA("/tmp"), ERROR_ACCESS_DENIED);
}

static void test_directory_functions(void)
{
    char cwd[4096], now[4096], win[300];
    const char *dir = test_tmp_path("dir-api");
    char file[300];
    HANDLE h;
    DWORD n;

    n = GetCurrentDirectoryA(sizeof cwd, cwd);
    CHECK(n > 0 && n < sizeof cwd && strlen(cwd) == n);
    /* Too small: the size needed, terminating zero included. */
    CHECK_EQ(GetCurrentDirectoryA(2, now), n + 1);
    CHECK_EQ(GetCurrentDirectoryA(0, NULL), n + 1);

    snprintf(win, sizeof win, "\\tmp\\%s", dir + 5);
    CHECK_OK(CreateDirectoryA(win, NULL));
    CHECK_FAILS(CreateDirectoryA(dir, NULL), ERROR_ALREADY_EXISTS);
    CHECK_FAILS(CreateDirectoryA("/tmp/winipc-no-such-dir/x", NULL),
                ERROR_PATH_NOT_FOUND);
    snprintf(file, sizeof file, "%s/f", dir);
    h = open_file(file, GENERIC_WRITE, CREATE_ALWAYS);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_FAILS(RemoveDirectoryA(dir), ERROR_DIR_NOT_EMPTY);
    CHECK_FAILS(RemoveDirectoryA(file), ERROR_DIRECTORY);
    CHECK_FAILS(SetCurrentDirectoryA(file), ERROR_DIRECTORY);
    CHECK_FAILS(SetCurrentDirectoryA("/tmp/winipc-no-such-dir"),
                ERROR_FILE_NOT_FOUND);

    CHECK_OK(SetCurrentDirectoryA(win));
    n = GetCurrentDirectoryA(sizeof now, now);
    CHECK(n > 0 && strcmp(now + n - strlen(dir + 5), dir + 5) == 0);
    CHECK_OK(DeleteFileA("f"));
    CHECK_OK(SetCurrentDirectoryA(cwd));
    CHECK_OK(RemoveDirectoryA(win));
    CHECK_FAILS(RemoveDirectoryA(dir), ERROR_FILE_NOT_FOUND);
    CHECK_FAILS(CreateDirectoryA("", NULL), ERROR_PATH_NOT_FOUND);
}

static void test_backslashes(void)
{
    char win[300];
    const char *path = test_tmp_path("back-slash");
    HANDLE h;

    /* Windows separators in a path are Linux ones. */
    snprintf(win, sizeof win, "\\tmp\\%s", path + 5);
    h = open_file(win, GENERIC_WRITE, CREATE_ALWAYS);
    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_EQ(size_of(path), 0);
    CHECK_OK(DeleteFileA(win));
    CHECK_FAILS(DeleteFileA(path), ERROR_FILE_NOT_FOUND);
}

static void test_access_enforced(void)
{
    const char *path = test_tmp_path("access");
    HANDLE r, w, none;
    char buf[8];
    DWORD n;

    make_file(path, "data");
    r = open_file(path, GENERIC_READ, OPEN_EXISTING);
    w = open_file(path, GENERIC_WRITE, OPEN_EXISTING);
    none = open_file(path, 0, OPEN_EXISTING);
    CHECK(r != INVALID_HANDLE_VALUE && w != INVALID_HANDLE_VALUE &&
          none != INVALID_HANDLE_VALUE);

    n = 5;
    CHECK_FAILS(WriteFile(r, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_EQ(n, 0);
    CHECK_FAILS(FlushFileBuffers(r), ERROR_ACCESS_DENIED);
    /* SetEndOfFile: "The handle must have the GENERIC_WRITE access right"
     * (Wine 8 answers ERROR_INVALID_PARAMETER from its ftruncate). */
    CHECK_FAILS(SetEndOfFile(r), ERROR_ACCESS_DENIED);
    n = 5;
    CHECK_FAILS(ReadFile(w, buf, sizeof buf, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_EQ(n, 0);
    CHECK_OK(WriteFile(w, "D", 1, &n, NULL));
    CHECK_OK(FlushFileBuffers(w));

    /* No access at all still allows the size and the pointer. */
    CHECK_FAILS(ReadFile(none, buf, sizeof buf, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_FAILS(WriteFile(none, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_FAILS(FlushFileBuffers(none), ERROR_ACCESS_DENIED);
    CHECK_EQ(GetFileSize(none, NULL), 4);
    CHECK_EQ(SetFilePointer(none, 2, NULL, FILE_BEGIN), 2);
    CHECK_EQ(GetFileType(none), FILE_TYPE_DISK);

    CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 4);
    CHECK_MEM(buf, "Data", 4);
    CloseHandle(r);
    CloseHandle(w);
    CloseHandle(none);
    CHECK_OK(DeleteFileA(path));
}

static void test_read_write(void)
{
    const char *path = test_tmp_path("read-write");
    HANDLE h = open_file(path, RW, CREATE_ALWAYS);
    char buf[32] = {0};
    DWORD n = 0;

    CHECK_RESULT(WriteFile(h, "hello world", 11, &n, NULL), TRUE, 0xdeadbeef);
    CHECK_EQ(n, 11);
    CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_CURRENT), 11);
    /* At the end of file a read succeeds with nothing. */
    n = 5;
    CHECK_OK(ReadFile(h, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    CHECK_OK(ReadFile(h, buf, 5, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK_MEM(buf, "hello", 5);
    CHECK_OK(ReadFile(h, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 6);
    CHECK_MEM(buf, " world", 6);

    /* Zero-byte transfers succeed, even without a buffer. */
    n = 5;
    CHECK_OK(ReadFile(h, buf, 0, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_OK(ReadFile(h, NULL, 0, &n, NULL));
    CHECK_OK(WriteFile(h, NULL, 0, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_EQ(GetFileSize(h, NULL), 11);

    /* A missing buffer. */
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    n = 5;
    CHECK_FAILS(ReadFile(h, NULL, 5, &n, NULL), ERROR_NOACCESS);
    CHECK_EQ(n, 0);
    CHECK_FAILS(WriteFile(h, NULL, 1, &n, NULL), ERROR_INVALID_USER_BUFFER);
    /* No byte count and no OVERLAPPED: the documentation says the count
     * "can be NULL only when the lpOverlapped parameter is not NULL" but
     * defines no error; Windows 7+ (and Wine) move the data.  test_compat
     * covers it in full. */
    CHECK_OK(ReadFile(h, buf, 1, NULL, NULL));
    CHECK_EQ(buf[0], 'h');
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    CHECK_EQ(GetFileSize(h, NULL), 11);

    /* Writing past the end fills the gap with zeros. */
    CHECK_EQ(SetFilePointer(h, 20, NULL, FILE_BEGIN), 20);
    CHECK_OK(WriteFile(h, "z", 1, &n, NULL));
    CHECK_EQ(GetFileSize(h, NULL), 21);
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    CHECK_OK(ReadFile(h, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 21);
    CHECK_EQ(buf[11], 0);
    CHECK_EQ(buf[19], 0);
    CHECK_EQ(buf[20], 'z');
    CHECK_OK(FlushFileBuffers(h));
    CloseHandle(h);
    CHECK_OK(DeleteFileA(path));
}

static void test_file_size(void)
{
    const char *path = test_tmp_path("size");
    HANDLE h = open_file(path, RW, CREATE_ALWAYS);
    LARGE_INTEGER li;
    DWORD high = 77, n;

    CHECK_RESULT(GetFileSize(h, &high), 0, 0xdeadbeef);
    CHECK_EQ(high, 0);
    CHECK_OK(WriteFile(h, "12345", 5, &n, NULL));
    CHECK_EQ(GetFileSize(h, NULL), 5);
    li.QuadPart = -1;
    CHECK_OK(GetFileSizeEx(h, &li));
    CHECK_EQ(li.QuadPart, 5);

    /* Past 4 GiB (a sparse file): the high part comes separately. */
    li.QuadPart = 0x100000005LL;
    CHECK_OK(SetFilePointerEx(h, li, NULL, FILE_BEGIN));
    CHECK_OK(SetEndOfFile(h));
    high = 0;
    CHECK_RESULT(GetFileSize(h, &high), 5, 0xdeadbeef);
    CHECK_EQ(high, 1);
    CHECK_EQ(GetFileSize(h, NULL), 5);
    CHECK_OK(GetFileSizeEx(h, &li));
    CHECK_EQ(li.QuadPart, 0x100000005LL);

    /* A low part of all ones is told from a failure by NO_ERROR. */
    li.QuadPart = 0xFFFFFFFFLL;
    CHECK_OK(SetFilePointerEx(h, li, NULL, FILE_BEGIN));
    CHECK_OK(SetEndOfFile(h));
    high = 77;
    CHECK_RESULT(GetFileSize(h, &high), INVALID_FILE_SIZE, NO_ERROR);
    CHECK_EQ(high, 0);
    CloseHandle(h);
    CHECK_OK(DeleteFileA(path));
}

static void test_set_file_pointer(void)
{
    const char *path = test_tmp_path("pointer");
    HANDLE h = open_file(path, RW, CREATE_ALWAYS);
    LARGE_INTEGER li, pos;
    LONG high;
    DWORD n;

    CHECK_OK(WriteFile(h, "0123456789", 10, &n, NULL));
    CHECK_RESULT(SetFilePointer(h, 3, NULL, FILE_BEGIN), 3, 0xdeadbeef);
    CHECK_EQ(SetFilePointer(h, 2, NULL, FILE_CURRENT), 5);
    CHECK_EQ(SetFilePointer(h, -2, NULL, FILE_END), 8);
    CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_CURRENT), 8);
    /* Beyond the end is allowed. */
    CHECK_EQ(SetFilePointer(h, 100, NULL, FILE_END), 110);
    CHECK_EQ(GetFileSize(h, NULL), 10);

    /* Before the start is not, and the pointer stays where it was. */
    SetFilePointer(h, 3, NULL, FILE_BEGIN);
    CHECK_RESULT(SetFilePointer(h, -1, NULL, FILE_BEGIN),
                 INVALID_SET_FILE_POINTER, ERROR_NEGATIVE_SEEK);
    CHECK_RESULT(SetFilePointer(h, -4, NULL, FILE_CURRENT),
                 INVALID_SET_FILE_POINTER, ERROR_NEGATIVE_SEEK);
    CHECK_RESULT(SetFilePointer(h, -11, NULL, FILE_END),
                 INVALID_SET_FILE_POINTER, ERROR_NEGATIVE_SEEK);
    CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_CURRENT), 3);

    /* Bad move methods. */
    CHECK_RESULT(SetFilePointer(h, 0, NULL, 3), INVALID_SET_FILE_POINTER,
                 ERROR_INVALID_PARAMETER);
    CHECK_RESULT(SetFilePointer(h, 0, NULL, 0xffffffffu),
                 INVALID_SET_FILE_POINTER, ERROR_INVALID_PARAMETER);
    li.QuadPart = 0;
    CHECK_FAILS(SetFilePointerEx(h, li, NULL, 3), ERROR_INVALID_PARAMETER);

    /* With a high part: 64-bit positions, in and out. */
    high = 1;
    CHECK_RESULT(SetFilePointer(h, 5, &high, FILE_BEGIN), 5, 0xdeadbeef);
    CHECK_EQ(high, 1);
    high = 0;
    CHECK_EQ(SetFilePointer(h, 0, &high, FILE_CURRENT), 5);
    CHECK_EQ(high, 1);
    /* Without one the distance is a signed 32-bit value. */
    CHECK_EQ(SetFilePointer(h, 0x7fffffff, NULL, FILE_BEGIN), 0x7fffffff);
    CHECK_EQ(SetFilePointer(h, 0x7fffffff, NULL, FILE_CURRENT), 0xfffffffe);
    /* A failure leaves *lpDistanceToMoveHigh as it was. */
    high = -1;
    CHECK_RESULT(SetFilePointer(h, -1, &high, FILE_BEGIN),
                 INVALID_SET_FILE_POINTER, ERROR_NEGATIVE_SEEK);
    CHECK_EQ(high, -1);
    /* A position whose low part is all ones is told apart by NO_ERROR. */
    high = 0;
    CHECK_RESULT(SetFilePointer(h, -1, &high, FILE_BEGIN),
                 INVALID_SET_FILE_POINTER, NO_ERROR);
    CHECK_EQ(high, 0);

    /* SetFilePointerEx. */
    li.QuadPart = 0x100000000LL;
    pos.QuadPart = 0;
    CHECK_OK(SetFilePointerEx(h, li, &pos, FILE_BEGIN));
    CHECK_EQ(pos.QuadPart, 0x100000000LL);
    li.QuadPart = 5;
    CHECK_OK(SetFilePointerEx(h, li, NULL, FILE_BEGIN));
    li.QuadPart = 0;
    CHECK_OK(SetFilePointerEx(h, li, &pos, FILE_CURRENT));
    CHECK_EQ(pos.QuadPart, 5);
    li.QuadPart = -6;
    pos.QuadPart = 77;
    CHECK_FAILS(SetFilePointerEx(h, li, &pos, FILE_CURRENT),
                ERROR_NEGATIVE_SEEK);
    CHECK_EQ(pos.QuadPart, 77);
    /* Absurd positions: one no file can have, and one that overflows. */
    li.QuadPart = 0x7fffffffffffffffLL;
    CHECK_FAILS(SetFilePointerEx(h, li, &pos, FILE_BEGIN),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetFilePointerEx(h, li, &pos, FILE_CURRENT),
                ERROR_NEGATIVE_SEEK);
    li.QuadPart = 0;
    CHECK_OK(SetFilePointerEx(h, li, &pos, FILE_CURRENT));
    CHECK_EQ(pos.QuadPart, 5);
    CloseHandle(h);
    CHECK_OK(DeleteFileA(path));
}

static void test_set_end_of_file(void)
{
    const char *path = test_tmp_path("eof");
    HANDLE h = open_file(path, RW, CREATE_ALWAYS);
    DWORD n;
    char buf[16];

    CHECK_OK(WriteFile(h, "abcdef", 6, &n, NULL));
    CHECK_EQ(SetFilePointer(h, 3, NULL, FILE_BEGIN), 3);
    CHECK_RESULT(SetEndOfFile(h), TRUE, 0xdeadbeef);
    CHECK_EQ(GetFileSize(h, NULL), 3);
    CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_CURRENT), 3);
    /* Extending fills with zeros. */
    CHECK_EQ(SetFilePointer(h, 10, NULL, FILE_BEGIN), 10);
    CHECK_OK(SetEndOfFile(h));
    CHECK_EQ(GetFileSize(h, NULL), 10);
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    CHECK_OK(ReadFile(h, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 10);
    CHECK_MEM(buf, "abc\0\0\0\0\0\0\0", 10);
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    CHECK_OK(SetEndOfFile(h));
    CHECK_EQ(GetFileSize(h, NULL), 0);
    CloseHandle(h);
    CHECK_OK(DeleteFileA(path));
}

static void test_delete_file(void)
{
    const char *path = test_tmp_path("delete");

    make_file(path, "x");
    CHECK_RESULT(DeleteFileA(path), TRUE, 0xdeadbeef);
    CHECK_FAILS(DeleteFileA(path), ERROR_FILE_NOT_FOUND);
    CHECK_RESULT(open_file(path, GENERIC_READ, OPEN_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
    CHECK_FAILS(DeleteFileA(test_tmp_path("no-such-dir/x")),
                ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(DeleteFileA(""), ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(DeleteFileA(NULL), ERROR_PATH_NOT_FOUND);
}

/* The file's mode and modification time. */
static void stat_of(const char *path, mode_t *mode, time_t *mtime)
{
    struct stat st;
    *mode = 0;
    *mtime = 0;
    if (stat(path, &st) == 0) {
        *mode = st.st_mode & 07777;
        *mtime = st.st_mtime;
    }
}

static void test_copy_file(void)
{
    const char *src = test_tmp_path("copy-src");
    const char *src2 = test_tmp_path("copy-src2");
    const char *dst = test_tmp_path("copy-dst");
    struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
    mode_t mode;
    time_t mtime;

    DeleteFileA(dst);
    make_file(src, "hello");
    CHECK_EQ(chmod(src, 0750), 0);
    CHECK_EQ(utimensat(AT_FDCWD, src, old, 0), 0);
    /* A success sets ERROR_SUCCESS, as Windows (Wine's kernel32 file
     * tests, test_CopyFileW). */
    CHECK_RESULT(CopyFileA(src, dst, TRUE), TRUE, ERROR_SUCCESS);
    CHECK_EQ(size_of(dst), 5);
    stat_of(dst, &mode, &mtime);
    CHECK_EQ(mode, 0750);        /* runnable if the source was */
    CHECK_EQ(mtime, 1000000000); /* the last write time goes along */
    CHECK_FAILS(CopyFileA(src, dst, TRUE), ERROR_FILE_EXISTS);

    /* Replacing: the contents and the mode are the new source's. */
    make_file(src2, "other text");
    CHECK_EQ(chmod(src2, 0640), 0);
    CHECK_RESULT(CopyFileA(src2, dst, FALSE), TRUE, ERROR_SUCCESS);
    CHECK_EQ(size_of(dst), 10);
    stat_of(dst, &mode, &mtime);
    CHECK_EQ(mode, 0640);

    /* A file onto itself fails and is left alone. */
    CHECK_FAILS(CopyFileA(src, src, FALSE), ERROR_SHARING_VIOLATION);
    CHECK_FAILS(CopyFileA(src, src, TRUE), ERROR_FILE_EXISTS);
    CHECK_EQ(size_of(src), 5);

    CHECK_FAILS(CopyFileA(test_tmp_path("copy-none"), dst, FALSE),
                ERROR_FILE_NOT_FOUND);
    CHECK_FAILS(CopyFileA(test_tmp_path("no-such-dir/x"), dst, FALSE),
                ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(CopyFileA(src, test_tmp_path("no-such-dir/x"), FALSE),
                ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(CopyFileA("/tmp", dst, FALSE), ERROR_ACCESS_DENIED);
    CHECK_FAILS(CopyFileA(src, "/tmp", FALSE), ERROR_ACCESS_DENIED);
    CHECK_FAILS(CopyFileA(NULL, dst, FALSE), ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(CopyFileA(src, NULL, FALSE), ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(CopyFileA("", dst, FALSE), ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(CopyFileA(src, "/tmp/winipc-test-*", FALSE),
                ERROR_INVALID_NAME);
    CHECK_OK(DeleteFileA(src));
    CHECK_OK(DeleteFileA(src2));
    CHECK_OK(DeleteFileA(dst));
}

static void test_delete_on_close(void)
{
    const char *path = test_tmp_path("delete-on-close");
    HANDLE h = CreateFileA(path, RW, SHARE_ALL, NULL, CREATE_ALWAYS,
                           FILE_FLAG_DELETE_ON_CLOSE, NULL);
    DWORD n;

    CHECK_NE(h, INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(h, "abc", 3, &n, NULL));
    CHECK_EQ(size_of(path), 3);
    CHECK_OK(CloseHandle(h));
    CHECK_RESULT(open_file(path, GENERIC_READ, OPEN_EXISTING),
                 INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
}

static void test_file_type(void)
{
    const char *path = test_tmp_path("type");
    HANDLE f = open_file(path, RW, CREATE_ALWAYS), r, w, ev, nul;

    CHECK_RESULT(GetFileType(f), FILE_TYPE_DISK, 0xdeadbeef);
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_RESULT(GetFileType(r), FILE_TYPE_PIPE, 0xdeadbeef);
    CHECK_RESULT(GetFileType(w), FILE_TYPE_PIPE, 0xdeadbeef);
    nul = open_file("/dev/null", RW, OPEN_EXISTING);
    CHECK_NE(nul, INVALID_HANDLE_VALUE);
    CHECK_RESULT(GetFileType(nul), FILE_TYPE_CHAR, 0xdeadbeef);
    CloseHandle(nul);
    /* Objects that are not files are the wrong type of handle. */
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_RESULT(GetFileType(ev), FILE_TYPE_UNKNOWN, ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetFileType(GetCurrentProcess()), FILE_TYPE_UNKNOWN,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetFileType(GetCurrentThread()), FILE_TYPE_UNKNOWN,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetFileType(NULL), FILE_TYPE_UNKNOWN, ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetFileType(closed_handle()), FILE_TYPE_UNKNOWN,
                 ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    CloseHandle(r);
    CloseHandle(w);
    CloseHandle(f);
    DeleteFileA(path);
}

static void test_std_handles(void)
{
    HANDLE closed = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE in, out, err, mine;
    DWORD n = 5;

    /* A standard handle made on first use never takes the value of a
     * handle the program has closed (Windows makes them before main). */
    CHECK_OK(CloseHandle(closed));
    in = GetStdHandle(STD_INPUT_HANDLE);
    CHECK_NE(in, closed);
    out = GetStdHandle(STD_OUTPUT_HANDLE);
    CHECK_NE(out, closed);
    CHECK_FAILS(CloseHandle(closed), ERROR_INVALID_HANDLE);

    CHECK(out != NULL && out != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetStdHandle(STD_OUTPUT_HANDLE), out); /* the same each time */
    CHECK_NE(GetFileType(out), FILE_TYPE_UNKNOWN);
    CHECK_OK(WriteFile(out, "", 0, &n, NULL));
    CHECK_EQ(n, 0);
    err = GetStdHandle(STD_ERROR_HANDLE);
    CHECK(err != NULL && err != INVALID_HANDLE_VALUE && err != out);

    CHECK_RESULT(GetStdHandle(0), INVALID_HANDLE_VALUE, ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetStdHandle((DWORD)-13), INVALID_HANDLE_VALUE,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetStdHandle((DWORD)-9), INVALID_HANDLE_VALUE,
                 ERROR_INVALID_HANDLE);
    CHECK_FAILS(SetStdHandle(0, NULL), ERROR_INVALID_HANDLE);
    CHECK_FAILS(SetStdHandle((DWORD)-13, out), ERROR_INVALID_HANDLE);

    /* SetStdHandle stores any value, unchecked; GetStdHandle returns it. */
    mine = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_RESULT(SetStdHandle(STD_ERROR_HANDLE, mine), TRUE, 0xdeadbeef);
    CHECK_EQ(GetStdHandle(STD_ERROR_HANDLE), mine);
    CHECK_OK(SetStdHandle(STD_ERROR_HANDLE, NULL));
    CHECK_RESULT(GetStdHandle(STD_ERROR_HANDLE), NULL, 0xdeadbeef);
    CHECK_OK(SetStdHandle(STD_ERROR_HANDLE, INVALID_HANDLE_VALUE));
    CHECK_EQ(GetStdHandle(STD_ERROR_HANDLE), INVALID_HANDLE_VALUE);
    CHECK_OK(SetStdHandle(STD_ERROR_HANDLE, err));
    CHECK_EQ(GetStdHandle(STD_ERROR_HANDLE), err);
    CloseHandle(mine);
}

/* Every descriptor behind a handle is close-on-exec, inheritable handles
 * included: only a child about to inherit one clears the flag, in itself. */
static void test_close_on_exec(void)
{
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    const char *path = test_tmp_path("cloexec");
    HANDLE h[12], proc;
    int n = 0, i;

    h[n++] = open_file(path, RW, CREATE_ALWAYS);
    h[n++] = CreateFileA(path, GENERIC_READ, SHARE_ALL, &inherit, OPEN_EXISTING,
                         0, NULL);
    CHECK_OK(CreatePipe(&h[n], &h[n + 1], NULL, 0));
    n += 2;
    CHECK_OK(CreatePipe(&h[n], &h[n + 1], &inherit, 4096));
    n += 2;
    h[n++] = CreateEventA(NULL, TRUE, FALSE, NULL);
    h[n++] = CreateEventA(&inherit, FALSE, TRUE, NULL);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &proc, 0, TRUE,
                             DUPLICATE_SAME_ACCESS));
    h[n++] = proc;
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                             GetCurrentProcess(), &h[n++], 0, TRUE,
                             DUPLICATE_SAME_ACCESS));
    h[n++] = GetStdHandle(STD_INPUT_HANDLE);
    h[n++] = GetStdHandle(STD_OUTPUT_HANDLE);
    for (i = 0; i < n; i++) {
        int fd = winipc_handle_fd(h[i]);
        if (fd < 0 || !is_cloexec(fd))
            TEST_FAIL_AT("handle %d (%p): fd %d is not close-on-exec", i, h[i],
                         fd);
    }
    /* The standard handles are duplicates, not fds 0-2 themselves. */
    CHECK(winipc_handle_fd(h[n - 2]) > 2);
    CHECK(winipc_handle_fd(h[n - 1]) > 2);
    for (i = 0; i < n - 2; i++)
        CloseHandle(h[i]);
    DeleteFileA(path);
}

static void test_bad_handles(void)
{
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE bad[7];
    LARGE_INTEGER li;
    char buf[4];
    DWORD n, i;

    bad[0] = NULL;
    bad[1] = (HANDLE)(uintptr_t)0x12340;
    bad[2] = INVALID_HANDLE_VALUE; /* the current process */
    bad[3] = GetCurrentThread();
    bad[4] = ev;
    bad[5] = (HANDLE)(uintptr_t)0x7ffffffc;
    for (i = 0; i < 7; i++) {
        HANDLE b = i == 6 ? closed_handle() : bad[i];
        n = 5;
        CHECK_FAILS(ReadFile(b, buf, 1, &n, NULL), ERROR_INVALID_HANDLE);
        CHECK_EQ(n, 0);
        if (i == 6)
            b = closed_handle();
        CHECK_FAILS(WriteFile(b, buf, 1, &n, NULL), ERROR_INVALID_HANDLE);
        CHECK_FAILS(FlushFileBuffers(b), ERROR_INVALID_HANDLE);
        CHECK_RESULT(GetFileSize(b, NULL), INVALID_FILE_SIZE,
                     ERROR_INVALID_HANDLE);
        CHECK_FAILS(GetFileSizeEx(b, &li), ERROR_INVALID_HANDLE);
        CHECK_RESULT(SetFilePointer(b, 0, NULL, FILE_BEGIN),
                     INVALID_SET_FILE_POINTER, ERROR_INVALID_HANDLE);
        li.QuadPart = 0;
        CHECK_FAILS(SetFilePointerEx(b, li, NULL, FILE_BEGIN),
                    ERROR_INVALID_HANDLE);
        CHECK_FAILS(SetEndOfFile(b), ERROR_INVALID_HANDLE);
        CHECK_RESULT(GetFileType(b), FILE_TYPE_UNKNOWN, ERROR_INVALID_HANDLE);
    }
    CloseHandle(ev);
}

int main(void)
{
    TEST_START();
    RUN(test_create_new);
    RUN(test_open_existing);
    RUN(test_open_always);
    RUN(test_create_always);
    RUN(test_truncate_existing);
    RUN(test_create_bad_arguments);
    RUN(test_directories);
    RUN(test_directory_functions);
    RUN(test_backslashes);
    RUN(test_access_enforced);
    RUN(test_read_write);
    RUN(test_file_size);
    RUN(test_set_file_pointer);
    RUN(test_set_end_of_file);
    RUN(test_delete_file);
    RUN(test_copy_file);
    RUN(test_delete_on_close);
    RUN(test_file_type);
    RUN(test_std_handles);
    RUN(test_close_on_exec);
    RUN(test_bad_handles);
    return TEST_SUMMARY();
}
