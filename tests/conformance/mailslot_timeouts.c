/*
 * mailslot_timeouts: a mailslot's read time-out (0, finite, for ever, and
 * changed by SetMailslotInfo, also through a duplicate), the largest
 * message a mailslot takes, creation parameters that are all ones, and
 * names: the prefix, pseudo-directories, NULL and names without the
 * prefix.  Timing appears only as wide lower bounds: a helper thread's
 * Sleep that ended while a read was waiting.  The margins are wide (a
 * 10 ms sleep inside a 1000 ms time-out, a 1000 ms sleep around a read
 * that does not wait) so that a loaded machine (CI runs it under ASan,
 * beside other tests) cannot turn them over.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\mailslot\\winipc_conf_mailslot_timeouts"
#define NAME_SIZED "\\\\.\\mailslot\\winipc_conf_mailslot_timeouts_sized"
#define NAME_DIR "\\\\.\\mailslot\\winipc_conf_mailslot_timeouts\\dir\\slot"

/* A thread that sleeps, sets done, then writes its message (if any) to
 * the writer: a read that returns with the message returns after done
 * was set. */
struct late_writer {
    HANDLE writer;
    DWORD delay;
    const char *msg;
    HANDLE done;
};

static DWORD WINAPI late_write(LPVOID arg)
{
    struct late_writer *lw = arg;
    DWORD n;
    Sleep(lw->delay);
    SetEvent(lw->done);
    if (lw->msg)
        WriteFile(lw->writer, lw->msg, (DWORD)strlen(lw->msg), &n, NULL);
    return 0;
}

static HANDLE start_late(struct late_writer *lw, HANDLE writer, DWORD delay,
                         const char *msg)
{
    lw->writer = writer;
    lw->delay = delay;
    lw->msg = msg;
    ResetEvent(lw->done);
    return CreateThread(NULL, 0, late_write, lw, 0, NULL);
}

static void end_late(HANDLE t)
{
    WaitForSingleObject(t, 10000);
    CloseHandle(t);
}

static void read_one(const char *label, HANDLE ms, DWORD len)
{
    char buf[300] = {0};
    DWORD n = 77;
    SetLastError(CONF_SENTINEL);
    if (ReadFile(ms, buf, len, &n, NULL))
        printf("%s: TRUE, ", label);
    else
        printf("%s: FALSE, ", label);
    printf("%s, %u bytes", conf_error(GetLastError()), (unsigned)n);
    if (n <= 32)
        conf_show_bytes("", buf, n);
    else
        printf("\n");
}

static void show_info(const char *label, HANDLE ms)
{
    DWORD max = 1, next = 1, count = 1, timeout = 1;
    CHECK_BOOL(label, GetMailslotInfo(ms, &max, &next, &count, &timeout));
    printf("  max %u, next %u, time-out %u\n", (unsigned)max, (unsigned)next,
           (unsigned)timeout);
}

static HANDLE open_writer(const char *name)
{
    return CreateFileA(name, GENERIC_WRITE, SHARE_ALL, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
}

static void timeouts(void)
{
    struct late_writer lw;
    HANDLE ms, w, t, dup;

    lw.done = CreateEventA(NULL, TRUE, FALSE, NULL);

    SECTION("time-out 0");
    CHECK_HANDLE("CreateMailslotA(time-out 0)", ms,
                 CreateMailslotA(NAME, 0, 0, NULL));
    w = open_writer(NAME);
    read_one("ReadFile(empty)", ms, 32);
    read_one("ReadFile(empty, 0 bytes)", ms, 0);
    t = start_late(&lw, w, 1000, "late");
    read_one("ReadFile(empty, a message comes 1000 ms later)", ms, 32);
    CHECK_WAIT("  the writer's 1000 ms sleep had not ended",
               WaitForSingleObject(lw.done, 0));
    end_late(t);
    read_one("ReadFile after the writer wrote", ms, 32);

    SECTION("a finite time-out");
    CHECK_BOOL("SetMailslotInfo(1000)", SetMailslotInfo(ms, 1000));
    t = start_late(&lw, w, 10, NULL);
    read_one("ReadFile(empty, time-out 1000)", ms, 32);
    CHECK_WAIT("  a 10 ms sleep started with it had ended",
               WaitForSingleObject(lw.done, 0));
    end_late(t);
    CHECK_BOOL("SetMailslotInfo(5000)", SetMailslotInfo(ms, 5000));
    t = start_late(&lw, w, 100, "in time");
    read_one("ReadFile(time-out 5000, a message comes 100 ms later)", ms, 32);
    end_late(t);

    SECTION("MAILSLOT_WAIT_FOREVER");
    CHECK_BOOL("SetMailslotInfo(MAILSLOT_WAIT_FOREVER)",
               SetMailslotInfo(ms, MAILSLOT_WAIT_FOREVER));
    show_info("GetMailslotInfo", ms);
    t = start_late(&lw, w, 200, "at last");
    read_one("ReadFile(a message comes 200 ms later)", ms, 32);
    CHECK_WAIT("  the 200 ms sleep had ended", WaitForSingleObject(lw.done, 0));
    end_late(t);
    t = start_late(&lw, w, 100, "");
    read_one("ReadFile(an empty message comes 100 ms later)", ms, 32);
    end_late(t);

    SECTION("the time-out belongs to the mailslot");
    CHECK_BOOL("DuplicateHandle(mailslot)",
               DuplicateHandle(GetCurrentProcess(), ms, GetCurrentProcess(),
                               &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("SetMailslotInfo(duplicate, 0)", SetMailslotInfo(dup, 0));
    show_info("GetMailslotInfo(original)", ms);
    read_one("ReadFile(original, empty)", ms, 32);
    CHECK_BOOL("SetMailslotInfo(original, 150)", SetMailslotInfo(ms, 150));
    show_info("GetMailslotInfo(duplicate)", dup);
    read_one("ReadFile(duplicate, empty)", dup, 32);
    CloseHandle(dup);

    SECTION("SetMailslotInfo on other handles");
    SetLastError(CONF_SENTINEL);
    CHECK_TRUE("SetMailslotInfo(an event) fails",
               !SetMailslotInfo(lw.done, 0));
    CHECK_TRUE("GetMailslotInfo(INVALID_HANDLE_VALUE) fails",
               !GetMailslotInfo(INVALID_HANDLE_VALUE, NULL, NULL, NULL, NULL));
    CHECK_BOOL("SetMailslotInfo(closed)",
               SetMailslotInfo((CloseHandle(w), w), 0));
    CloseHandle(ms);
    CloseHandle(lw.done);
}

static void sizes(void)
{
    char buf[300];
    HANDLE ms, w;
    DWORD n = 77;

    SECTION("the maximum message size");
    memset(buf, 'm', sizeof buf);
    CHECK_HANDLE("CreateMailslotA(max 16)", ms,
                 CreateMailslotA(NAME_SIZED, 16, 0, NULL));
    w = open_writer(NAME_SIZED);
    CHECK_BOOL("WriteFile(16 bytes)", WriteFile(w, buf, 16, &n, NULL));
    SHOW_UINT("  bytes written", n);
    show_info("GetMailslotInfo", ms);
    read_one("ReadFile(16 bytes)", ms, 16);
    n = 77;
    SetLastError(CONF_SENTINEL);
    WriteFile(w, buf, 17, &n, NULL);
    {
        DWORD next = 1;
        GetMailslotInfo(ms, NULL, &next, NULL, NULL);
        CHECK_TRUE("WriteFile(17 bytes) queued no 17-byte message",
                   next != 17);
        while (ReadFile(ms, buf, sizeof buf, &n, NULL))
            ;
    }
    CloseHandle(w);
    CloseHandle(ms);

    SECTION("creation parameters that are all ones");
    CHECK_HANDLE("CreateMailslotA(max 0xFFFFFFFF, time-out 0xFFFFFFFF)", ms,
                 CreateMailslotA(NAME_SIZED, 0xFFFFFFFF, 0xFFFFFFFF, NULL));
    show_info("GetMailslotInfo", ms);
    CHECK_BOOL("GetMailslotInfo(all NULL)",
               GetMailslotInfo(ms, NULL, NULL, NULL, NULL));
    w = open_writer(NAME_SIZED);
    CHECK_BOOL("WriteFile(300 bytes)", WriteFile(w, buf, 300, &n, NULL));
    SHOW_UINT("  bytes written", n);
    read_one("ReadFile(300 bytes)", ms, 300);
    CloseHandle(w);
    CloseHandle(ms);
}

static void names(void)
{
    HANDLE ms, ms2, w;

    SECTION("names");
    CHECK_HANDLE("CreateMailslotA(no \\\\.\\mailslot\\ prefix)", ms,
                 CreateMailslotA("winipc_conf_mailslot_timeouts", 0, 0, NULL));
    CHECK_HANDLE("CreateMailslotA(NULL)", ms, CreateMailslotA(NULL, 0, 0, NULL));
    CHECK_HANDLE("CreateMailslotA(pseudo-directories)", ms,
                 CreateMailslotA(NAME_DIR, 0, 0, NULL));
    CHECK_HANDLE("CreateMailslotA(the same, mixed case)", ms2,
                 CreateMailslotA("\\\\.\\MailSlot\\Winipc_Conf_Mailslot_"
                                 "Timeouts\\DIR\\Slot",
                                 0, 0, NULL));
    SetLastError(CONF_SENTINEL);
    w = open_writer("\\\\.\\MAILSLOT\\WINIPC_CONF_MAILSLOT_TIMEOUTS\\DIR\\SLOT");
    printf("CreateFileA(the same, upper case): %s\n",
           w != INVALID_HANDLE_VALUE ? "handle" : conf_error(GetLastError()));
    CHECK_BOOL("WriteFile through it", WriteFile(w, "dir", 3, (DWORD[]){0},
                                                 NULL));
    read_one("ReadFile(mailslot)", ms, 32);
    CloseHandle(w);
    SetLastError(CONF_SENTINEL);
    w = open_writer("\\\\.\\mailslot\\winipc_conf_mailslot_timeouts\\dir\\other");
    printf("CreateFileA(another name in the same directory): %s, %s\n",
           conf_handle(w), conf_error(GetLastError()));
    CloseHandle(ms);
    SetLastError(CONF_SENTINEL);
    w = open_writer(NAME_DIR);
    printf("CreateFileA(after its mailslot closed): %s, %s\n", conf_handle(w),
           conf_error(GetLastError()));
    CHECK_HANDLE("CreateMailslotA(the name again)", ms,
                 CreateMailslotA(NAME_DIR, 0, 0, NULL));
    CloseHandle(ms);
}

int main(void)
{
    timeouts();
    sizes();
    names();
    CONF_DONE();
}
