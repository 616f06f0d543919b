/*
 * mailslot_info: GetMailslotInfo and SetMailslotInfo: the maximum message
 * size, the next message's size, the message count and the read time-out.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\mailslot\\winipc_conf_mailslot_info"

static void info(const char *label, HANDLE h)
{
    DWORD max = 77, next = 77, count = 77, timeout = 77;
    CHECK_BOOL(label, GetMailslotInfo(h, &max, &next, &count, &timeout));
    printf("  max %u, next %u, count %u, time-out %u\n", (unsigned)max,
           (unsigned)next, (unsigned)count, (unsigned)timeout);
}

int main(void)
{
    HANDLE ms, w;
    DWORD n, next = 77;
    char buf[32];

    SECTION("an empty mailslot");
    CHECK_HANDLE("CreateMailslotA(max 64, time-out 0)", ms,
                 CreateMailslotA(NAME, 64, 0, NULL));
    info("GetMailslotInfo", ms);
    next = 77;
    CHECK_BOOL("GetMailslotInfo(only the next size)",
               GetMailslotInfo(ms, NULL, &next, NULL, NULL));
    SHOW_UINT("  next", next);

    SECTION("messages queued");
    w = CreateFileA(NAME, GENERIC_WRITE, SHARE_ALL, NULL, OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    WriteFile(w, "hello", 5, &n, NULL);
    WriteFile(w, "", 0, &n, NULL);
    WriteFile(w, "world!", 6, &n, NULL);
    info("GetMailslotInfo after three writes", ms);
    ReadFile(ms, buf, sizeof buf, &n, NULL);
    info("GetMailslotInfo after one read", ms);
    ReadFile(ms, buf, sizeof buf, &n, NULL);
    info("GetMailslotInfo after two reads", ms);
    ReadFile(ms, buf, sizeof buf, &n, NULL);
    info("GetMailslotInfo after three reads", ms);

    SECTION("SetMailslotInfo");
    CHECK_BOOL("SetMailslotInfo(250)", SetMailslotInfo(ms, 250));
    info("GetMailslotInfo", ms);
    CHECK_BOOL("SetMailslotInfo(MAILSLOT_WAIT_FOREVER)",
               SetMailslotInfo(ms, MAILSLOT_WAIT_FOREVER));
    info("GetMailslotInfo", ms);
    CHECK_BOOL("SetMailslotInfo(0)", SetMailslotInfo(ms, 0));
    CloseHandle(w);
    CloseHandle(ms);

    SECTION("other creation parameters");
    CHECK_HANDLE("CreateMailslotA(max 0, MAILSLOT_WAIT_FOREVER)", ms,
                 CreateMailslotA(NAME, 0, MAILSLOT_WAIT_FOREVER, NULL));
    info("GetMailslotInfo", ms);
    CloseHandle(ms);
    CONF_DONE();
}
