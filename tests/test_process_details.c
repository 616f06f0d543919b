/*
 * test_process_details.c: small process-level details where winipc must
 * match Windows exactly (issue 18): what a failed CreateProcessA leaves in
 * PROCESS_INFORMATION, ExpandEnvironmentStringsA with nSize 0, closing a
 * standard-handle pseudo value, DuplicateHandle's CLOSE_SOURCE and
 * SAME_ATTRIBUTES options, and the NUL device.  The expected values come
 * from Wine's kernel32 tests (which pass on Windows), checked under Wine 8
 * where Wine 8 agrees, and from Microsoft's documentation.
 */
#include "testlib.h"

/* ---- CreateProcessA failure ---------------------------------------------- */

/* Wine's process.c:945-948: a CreateProcessA that fails zeroes all four
 * fields of PROCESS_INFORMATION (Wine 8: hProcess, hThread, ids all 0). */
static void test_failed_create_zeroes_info(void)
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char cmd[] = "/nonexistent-dir/not-a-file.exe";

    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    memset(&pi, 0x0a, sizeof pi);
    CHECK_EQ(CreateProcessA(cmd, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si,
                            &pi),
             FALSE);
    CHECK(pi.hProcess == NULL);
    CHECK(pi.hThread == NULL);
    CHECK_EQ(pi.dwProcessId, 0);
    CHECK_EQ(pi.dwThreadId, 0);

    /* winipc zeroes the fields before any check, so a refusal before any
     * attempt (flags that cannot go together) leaves them 0 too. */
    memset(&pi, 0x0a, sizeof pi);
    CHECK_FAILS(CreateProcessA(cmd, cmd, NULL, NULL, FALSE,
                               CREATE_NEW_CONSOLE | DETACHED_PROCESS, NULL,
                               NULL, &si, &pi),
                ERROR_INVALID_PARAMETER);
    CHECK(pi.hProcess == NULL);
    CHECK(pi.hThread == NULL);
    CHECK_EQ(pi.dwProcessId, 0);
    CHECK_EQ(pi.dwThreadId, 0);
}

/* ---- ExpandEnvironmentStringsA with nSize 0 ------------------------------ */

/* Wine's environ.c:632, the rows with count 0 (Windows passes them): the
 * return value is the ANSI size that will work (length + 2), the last error
 * is untouched, and the buffer, given though nSize is 0, holds "" (its first
 * byte only is written).  Wine 8 leaves the buffer alone and returns
 * length + 1 with ERROR_INSUFFICIENT_BUFFER; the Windows rows are the
 * reference. */
static void test_expand_size_zero(void)
{
    char buf[32];

    CHECK_OK(SetEnvironmentVariableA("TVAR", "WINE"));
    strcpy(buf, "abcdefghijklmnopqrstuv");
    SetLastError(0xdeadbeef);
    CHECK_EQ(ExpandEnvironmentStringsA("Long long value", buf, 0), 17);
    CHECK_EQ(GetLastError(), 0xdeadbeef);
    CHECK_STR(buf, "");
    CHECK_STR(buf + 1, "bcdefghijklmnopqrstuv"); /* nothing past byte 0 */

    strcpy(buf, "abcdefghijklmnopqrstuv");
    SetLastError(0xdeadbeef);
    CHECK_EQ(ExpandEnvironmentStringsA("%TVAR% long long", buf, 0), 16);
    CHECK_EQ(GetLastError(), 0xdeadbeef);
    CHECK_STR(buf, "");
    CHECK_STR(buf + 1, "bcdefghijklmnopqrstuv");

    /* Without a buffer nothing is written, and the size is the same. */
    CHECK_EQ(ExpandEnvironmentStringsA("%TVAR% long long", NULL, 0), 16);
    CHECK_OK(SetEnvironmentVariableA("TVAR", NULL));
}

/* ---- CloseHandle((HANDLE)STD_*_HANDLE) ----------------------------------- */

/* Wine's process.c:2163 (Windows passes it; Wine 8 fails it, leaving the
 * handle in place and answering ERROR_INVALID_HANDLE): closing the value
 * (HANDLE)STD_ERROR_HANDLE empties the standard handle, GetStdHandle then
 * gives NULL.  The handle it held is closed; a second such close has no
 * handle left to close and fails as CloseHandle(NULL) does. */
static void test_close_std_pseudo(void)
{
    static const DWORD which[] = {STD_ERROR_HANDLE, STD_OUTPUT_HANDLE,
                                  STD_INPUT_HANDLE};
    for (size_t i = 0; i < sizeof which / sizeof which[0]; i++) {
        HANDLE orig = GetStdHandle(which[i]), h3 = NULL;
        DWORD info;

        CHECK_OK(DuplicateHandle(GetCurrentProcess(), orig,
                                 GetCurrentProcess(), &h3, 0, TRUE,
                                 DUPLICATE_SAME_ACCESS));
        CHECK_OK(SetStdHandle(which[i], h3));
        CHECK_EQ(GetStdHandle(which[i]), h3);

        SetLastError(0xdeadbeef);
        CHECK_EQ(CloseHandle((HANDLE)(ULONG_PTR)which[i]), TRUE);
        CHECK(GetStdHandle(which[i]) == NULL);
        CHECK_FAILS(GetHandleInformation(h3, &info), ERROR_INVALID_HANDLE);
        CHECK_FAILS(CloseHandle((HANDLE)(ULONG_PTR)which[i]),
                    ERROR_INVALID_HANDLE);
        CHECK(GetStdHandle(which[i]) == NULL);

        /* The original handle was not touched. */
        CHECK_OK(GetHandleInformation(orig, &info));
        CHECK_OK(SetStdHandle(which[i], orig));
        CHECK_EQ(GetStdHandle(which[i]), orig);
    }
    /* Only the exact values name the standard handles: -12 widened with
     * its sign is another, invalid value (Wine 8: FALSE, ERROR_INVALID_HANDLE,
     * standard handle kept). */
    CHECK_FAILS(CloseHandle((HANDLE)(LONG_PTR)-12), ERROR_INVALID_HANDLE);
    CHECK(GetStdHandle(STD_ERROR_HANDLE) != NULL);
}

/* ---- DuplicateHandle: CLOSE_SOURCE and SAME_ATTRIBUTES -------------------- */

/* Wine's process.c:2503 (Wine 8 agrees): DUPLICATE_CLOSE_SOURCE within one
 * process gives back the source's own value, with the access and inherit
 * flag asked for; a source protected from close stays open, with its
 * flags, and the duplicate is a new handle. */
static void test_dup_close_source_same_value(void)
{
    HANDLE f = CreateEventA(NULL, FALSE, FALSE, NULL), out;
    DWORD info;

    CHECK(f != NULL);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(),
                             &out, 0, FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_EQ(out, f);
    CHECK_OK(GetHandleInformation(out, &info));
    CHECK_EQ(info, 0);

    CHECK_OK(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(),
                             &out, 0, TRUE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_EQ(out, f);
    CHECK_OK(GetHandleInformation(out, &info));
    CHECK_EQ(info, HANDLE_FLAG_INHERIT);

    /* Protected from close: a new handle, the source kept as it was. */
    CHECK_OK(SetHandleInformation(f, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                  HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(),
                             &out, 0, TRUE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_NE(out, f);
    CHECK_OK(GetHandleInformation(out, &info));
    CHECK_EQ(info, HANDLE_FLAG_INHERIT);
    CHECK_OK(GetHandleInformation(f, &info));
    CHECK_EQ(info, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    CHECK_OK(SetHandleInformation(f, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_OK(CloseHandle(out));

    /* Another access, same value: the reused value has only that access. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(),
                             &out, SYNCHRONIZE, FALSE,
                             DUPLICATE_CLOSE_SOURCE));
    CHECK_EQ(out, f);
    CHECK_FAILS(SetEvent(out), ERROR_ACCESS_DENIED);
    CHECK_EQ(WaitForSingleObject(out, 0), WAIT_TIMEOUT);
    CHECK_OK(CloseHandle(out));
    CHECK_FAILS(CloseHandle(f), ERROR_INVALID_HANDLE);
}

/* Wine's process.c:2564-2592 (Windows passes them; Wine 8 ignores the
 * option): DUPLICATE_SAME_ATTRIBUTES (4, as in the SDK) gives the new
 * handle the source's inherit and protect-from-close flags, whatever
 * bInheritHandle says; a pseudo handle has none.  ZwDuplicateObject's
 * documentation: "copy the attributes from the source handle to the target
 * handle". */
static void test_dup_same_attributes(void)
{
    HANDLE f = CreateEventA(NULL, FALSE, FALSE, NULL), out;
    DWORD info;

    CHECK_EQ(DUPLICATE_SAME_ATTRIBUTES, 4);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(),
                             &out, 0, TRUE,
                             DUPLICATE_SAME_ACCESS |
                                 DUPLICATE_SAME_ATTRIBUTES));
    CHECK_NE(out, f);
    info = 0xdeadbeef;
    CHECK_OK(GetHandleInformation(out, &info));
    CHECK_EQ(info, 0);
    CHECK_OK(CloseHandle(out));

    CHECK_OK(SetHandleInformation(
        f, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE,
        HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(),
                             &out, 0, FALSE,
                             DUPLICATE_SAME_ACCESS |
                                 DUPLICATE_SAME_ATTRIBUTES));
    info = 0xdeadbeef;
    CHECK_OK(GetHandleInformation(out, &info));
    CHECK_EQ(info, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    CHECK_OK(SetHandleInformation(out, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_OK(CloseHandle(out));
    CHECK_OK(SetHandleInformation(
        f, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_OK(CloseHandle(f));

    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &out, 0, TRUE,
                             DUPLICATE_SAME_ACCESS |
                                 DUPLICATE_SAME_ATTRIBUTES));
    info = 0xdeadbeef;
    CHECK_OK(GetHandleInformation(out, &info));
    CHECK_EQ(info, 0);
    CHECK_OK(CloseHandle(out));
}

/* ---- CreateFileA("NUL") --------------------------------------------------- */

/* The null device (Wine's process.c:2564 opens it; Wine 8 for each name
 * below: a character device, 3 bytes written, a read of 0 bytes, size 0;
 * every disposition opens it, OPEN_ALWAYS with ERROR_ALREADY_EXISTS). */
static void test_nul_device(void)
{
    static const char *const names[] = {"NUL", "nul", "NuL", "NUL:",
                                        "nul:", "\\\\.\\NUL", "NUL "};
    static const DWORD disps[] = {CREATE_NEW, CREATE_ALWAYS, OPEN_EXISTING,
                                  OPEN_ALWAYS, TRUNCATE_EXISTING};
    char buf[8];
    DWORD n;

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        HANDLE h;

        SetLastError(0xdeadbeef);
        h = CreateFileA(names[i], GENERIC_READ | GENERIC_WRITE, 0, NULL,
                        OPEN_EXISTING, 0, NULL);
        CHECK(h != INVALID_HANDLE_VALUE);
        CHECK_EQ(GetLastError(), 0);
        if (h == INVALID_HANDLE_VALUE)
            continue;
        n = 99;
        CHECK_OK(WriteFile(h, "abc", 3, &n, NULL));
        CHECK_EQ(n, 3);
        n = 99;
        CHECK_OK(ReadFile(h, buf, sizeof buf, &n, NULL));
        CHECK_EQ(n, 0);
        CHECK_EQ(GetFileType(h), FILE_TYPE_CHAR);
        CHECK_OK(CloseHandle(h));
    }
    for (size_t i = 0; i < sizeof disps / sizeof disps[0]; i++) {
        HANDLE h;

        SetLastError(0xdeadbeef);
        h = CreateFileA("NUL", GENERIC_WRITE, 0, NULL, disps[i], 0, NULL);
        CHECK(h != INVALID_HANDLE_VALUE);
        CHECK_EQ(GetLastError(),
                 disps[i] == OPEN_ALWAYS ? ERROR_ALREADY_EXISTS : 0);
        if (h != INVALID_HANDLE_VALUE)
            CHECK_OK(CloseHandle(h));
    }
    /* Delete-on-close leaves the device alone. */
    CHECK_OK(CloseHandle(CreateFileA("NUL", GENERIC_READ, 0, NULL,
                                     OPEN_EXISTING,
                                     FILE_FLAG_DELETE_ON_CLOSE, NULL)));
    CHECK_EQ(access("/dev/null", F_OK), 0);
    /* Other names that merely begin with NUL are ordinary files. */
    CHECK_FAILS(CreateFileA("NULLX-no-such-file", GENERIC_READ, 0, NULL,
                            OPEN_EXISTING, 0, NULL) != INVALID_HANDLE_VALUE,
                ERROR_FILE_NOT_FOUND);
}

/* ---- '=' entries of an environment block -------------------------------- */

/* has_env ENTRY...: 0 if every ENTRY is a string of the environment block,
 * else the 1-based index of the first that is not. */
static int helper_has_env(int argc, char **argv)
{
    char *block = GetEnvironmentStringsA();
    for (int i = 0; i < argc; i++) {
        const char *p = block;
        while (*p && strcmp(p, argv[i]) != 0)
            p += strlen(p) + 1;
        if (!*p)
            return i + 1;
    }
    FreeEnvironmentStringsA(block);
    return 0;
}

/* Wine's process.c:1327 (test_Environment): the entries whose name starts
 * with '=' (Windows' current directories of drives, "=C:=C:\FOO\BAR")
 * reach the child with the rest of the block, given explicitly or
 * inherited. */
static void test_equals_entries_reach_child(void)
{
    char block[] = "=C:=C:\\FOO\\BAR\0PATH=/bin:/usr/bin\0=D:=D:\\Y\0"
                   "A=1\0";
    char cmd[8192];
    PROCESS_INFORMATION pi;
    STARTUPINFOA si = {sizeof si};
    DWORD code = 0xdead;

    snprintf(cmd, sizeof cmd,
             "\"%s\" --helper has_env \"=C:=C:\\FOO\\BAR\" "
             "\"=D:=D:\\Y\" A=1",
             test_self_exe());
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, block, NULL,
                            &si, &pi));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Set in this process, inherited by a child given no block. */
    CHECK_OK(SetEnvironmentVariableA("=E:", "E:\\X"));
    snprintf(cmd, sizeof cmd, "\"%s\" --helper has_env \"=E:=E:\\X\"",
             test_self_exe());
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si,
                            &pi));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CHECK_OK(SetEnvironmentVariableA("=E:", NULL));
}

int main(int argc, char **argv)
{
    TEST_HELPERS(argc, argv, {"has_env", helper_has_env});
    RUN(test_failed_create_zeroes_info);
    RUN(test_expand_size_zero);
    RUN(test_close_std_pseudo);
    RUN(test_dup_close_source_same_value);
    RUN(test_dup_same_attributes);
    RUN(test_nul_device);
    RUN(test_equals_entries_reach_child);
    return TEST_SUMMARY();
}
