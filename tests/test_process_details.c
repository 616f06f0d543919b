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

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    RUN(test_failed_create_zeroes_info);
    RUN(test_expand_size_zero);
    RUN(test_close_std_pseudo);
    return TEST_SUMMARY();
}
