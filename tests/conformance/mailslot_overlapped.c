/*
 * mailslot_overlapped: ReadFile on a mailslot with an OVERLAPPED.  A
 * mailslot's handle is synchronous (CreateMailslot takes no
 * FILE_FLAG_OVERLAPPED): the read never pends, it waits for a message up
 * to the read time-out, and reports through the OVERLAPPED (as Wine does;
 * Microsoft's "Reading from a Mailslot" sample passes an OVERLAPPED).
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\mailslot\\winipc_conf_mailslot_overlapped"
#define NAME_WAIT "\\\\.\\mailslot\\winipc_conf_mailslot_overlapped_wait"

static void show_ov(const char *label, const OVERLAPPED *ov)
{
    printf("%s: Internal 0x%08lx, InternalHigh %lu\n", label,
           (unsigned long)ov->Internal, (unsigned long)ov->InternalHigh);
}

/* A ReadFile through a fresh OVERLAPPED with event: what it returns, its
 * count, the OVERLAPPED, and the event. */
static void read_ov(HANDLE s, OVERLAPPED *ov, HANDLE event, char *buf,
                    DWORD len)
{
    DWORD n = 77;
    memset(ov, 0, sizeof *ov);
    ov->Internal = 0xdead;
    ov->InternalHigh = 0xbeef;
    ov->hEvent = event;
    ResetEvent(event);
    CHECK_BOOL("ReadFile(ov)", ReadFile(s, buf, len, &n, ov));
    SHOW_UINT("  count", n);
    show_ov("  ov", ov);
    CHECK_WAIT("  event", WaitForSingleObject(event, 0));
}

/* Writes one message to NAME_WAIT once the main thread reads. */
static DWORD WINAPI late_writer(void *arg)
{
    HANDLE c;
    DWORD n;
    (void)arg;
    Sleep(200);
    c = CreateFileA(NAME_WAIT, GENERIC_WRITE, SHARE_ALL, NULL, OPEN_EXISTING,
                    0, NULL);
    if (c == INVALID_HANDLE_VALUE)
        return 1;
    WriteFile(c, "late", 4, &n, NULL);
    CloseHandle(c);
    return 0;
}

int main(void)
{
    HANDLE s, c, ev = CreateEventA(NULL, TRUE, FALSE, NULL), t;
    OVERLAPPED ov;
    char buf[64];
    DWORD n;

    SECTION("read time-out 0, no message");
    CHECK_CREATED("CreateMailslotA(0)", s, CreateMailslotA(NAME, 0, 0, NULL));
    read_ov(s, &ov, ev, buf, sizeof buf);

    SECTION("a message waiting");
    CHECK_HANDLE("CreateFileA(writer)", c,
                 CreateFileA(NAME, GENERIC_WRITE, SHARE_ALL, NULL,
                             OPEN_EXISTING, 0, NULL));
    CHECK_BOOL("WriteFile(\"hello\")", WriteFile(c, "hello", 5, &n, NULL));
    read_ov(s, &ov, ev, buf, sizeof buf);
    n = 77;
    CHECK_BOOL("GetOverlappedResult", GetOverlappedResult(s, &ov, &n, FALSE));
    SHOW_UINT("  bytes", n);
    CloseHandle(c);
    CloseHandle(s);

    SECTION("MAILSLOT_WAIT_FOREVER: the read waits for a message");
    CHECK_CREATED("CreateMailslotA(forever)", s,
                  CreateMailslotA(NAME_WAIT, 0, MAILSLOT_WAIT_FOREVER, NULL));
    t = CreateThread(NULL, 0, late_writer, NULL, 0, NULL);
    read_ov(s, &ov, ev, buf, sizeof buf);
    conf_show_bytes("  data", buf, ov.InternalHigh == 4 ? 4 : 0);
    CHECK_WAIT("the writer ends", WaitForSingleObject(t, 5000));
    CloseHandle(t);
    CloseHandle(s);
    CloseHandle(ev);
    CONF_DONE();
}
