/*
 * mailslot_basic: CreateMailslotA and its names, writers opened with
 * CreateFileA, message boundaries, read time-outs, short buffers,
 * zero-length messages, and which end may read or write.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\mailslot\\winipc_conf_mailslot_basic"

/* One line per read, so that each is unique in the transcript. */
static void read_some(const char *label, HANDLE h, DWORD len)
{
    char buf[32] = {0};
    DWORD n = 77;
    SetLastError(CONF_SENTINEL);
    if (ReadFile(h, buf, len, &n, NULL))
        printf("%s: TRUE, ", label);
    else
        printf("%s: FALSE, ", label);
    printf("%s, %u bytes", conf_error(GetLastError()), (unsigned)n);
    conf_show_bytes("", buf, n <= sizeof buf ? n : 0);
}

static void write_msg(const char *label, HANDLE h, const char *s)
{
    DWORD n = 77;
    CHECK_BOOL(label, WriteFile(h, s, (DWORD)strlen(s), &n, NULL));
    SHOW_UINT("  bytes written", n);
}

static HANDLE writer(const char *label, const char *name)
{
    HANDLE h;
    CHECK_HANDLE(label, h,
                 CreateFileA(name, GENERIC_WRITE, SHARE_ALL, NULL,
                             OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL));
    return h;
}

int main(void)
{
    HANDLE ms, ms2, w, w2;

    SECTION("names");
    CHECK_HANDLE("CreateMailslotA(\\\\.\\mailslot\\winipc_conf_mailslot_basic)",
                 ms, CreateMailslotA(NAME, 0, 0, NULL));
    CHECK_DWORD("GetFileType(mailslot)", GetFileType(ms));
    CHECK_HANDLE("CreateMailslotA(same name)", ms2,
                 CreateMailslotA(NAME, 0, 0, NULL));
    CHECK_HANDLE("CreateMailslotA(same name, upper case)", ms2,
                 CreateMailslotA("\\\\.\\MAILSLOT\\WINIPC_CONF_MAILSLOT_BASIC",
                                 0, 0, NULL));
    w = writer("CreateFileA(GENERIC_WRITE)", NAME);
    w2 = writer("CreateFileA(GENERIC_WRITE, upper case)",
                "\\\\.\\MAILSLOT\\WINIPC_CONF_MAILSLOT_BASIC");
    CloseHandle(w2);
    w2 = writer("CreateFileA(no such mailslot)",
                "\\\\.\\mailslot\\winipc_conf_mailslot_basic_missing");

    SECTION("time-outs");
    read_some("ReadFile(empty, time-out 0)", ms, 32);

    SECTION("messages");
    write_msg("WriteFile(\"hello\")", w, "hello");
    write_msg("WriteFile(\"world!\")", w, "world!");
    read_some("ReadFile(3 bytes)", ms, 3);
    read_some("ReadFile(32 bytes)", ms, 32);
    read_some("ReadFile(32 bytes) again", ms, 32);
    read_some("ReadFile(32 bytes), empty", ms, 32);

    SECTION("zero-length messages");
    write_msg("WriteFile(\"\")", w, "");
    write_msg("WriteFile(\"z\")", w, "z");
    read_some("ReadFile(32 bytes): the empty message", ms, 32);
    read_some("ReadFile(32 bytes): \"z\"", ms, 32);

    SECTION("each end works one way");
    write_msg("WriteFile(mailslot)", ms, "x");
    {
        char buf[8];
        DWORD n;
        BOOL ok;
        SetLastError(CONF_SENTINEL);
        ok = ReadFile(w, buf, sizeof buf, &n, NULL);
        /* ERROR_ACCESS_DENIED, or ERROR_INVALID_PARAMETER on some
         * versions (dlls/kernel32/tests/mailslot.c). */
        CHECK_TRUE("ReadFile(writer) fails with ERROR_ACCESS_DENIED or "
                   "ERROR_INVALID_PARAMETER",
                   !ok && (GetLastError() == ERROR_ACCESS_DENIED ||
                           GetLastError() == ERROR_INVALID_PARAMETER));
    }

    SECTION("a read time-out");
    CloseHandle(w);
    CloseHandle(ms);
    CHECK_HANDLE("CreateMailslotA(time-out 100)", ms,
                 CreateMailslotA(NAME, 0, 100, NULL));
    read_some("ReadFile(empty, time-out 100)", ms, 32);
    CloseHandle(ms);
    w = writer("CreateFileA(closed mailslot)", NAME);
    CONF_DONE();
}
