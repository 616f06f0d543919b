/*
 * overlapped_pipe: named pipes opened with FILE_FLAG_OVERLAPPED.
 * ConnectNamedPipe, ReadFile and WriteFile with an OVERLAPPED: what they
 * return at once (TRUE, or FALSE with ERROR_IO_PENDING), what the
 * OVERLAPPED says before and after (Internal is the NTSTATUS, InternalHigh
 * the byte count), which of the OVERLAPPED's event and the file handle is
 * signalled, GetOverlappedResult(Ex), HasOverlappedIoCompleted, CancelIo,
 * CancelIoEx, and how DisconnectNamedPipe and a peer that closes end a
 * pending read.
 *
 * Every wait is bounded (5 s), so a missing completion shows as
 * WAIT_TIMEOUT instead of a hang.  A read pending in the client while the
 * server closes is left out (Wine 8 does not always end it); the server
 * reading while the client closes shows the same status.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define PIPE_BASE "\\\\.\\pipe\\winipc_conf_overlapped_pipe_"
#define WAIT_MS 5000

/* A sentinel InternalHigh, to see whether a call wrote it. */
#define UNTOUCHED_HIGH 0xbeef

/* A message-mode server instance opened for overlapped I/O. */
static HANDLE ov_server(const char *name)
{
    return CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 512,
                            512, 0, NULL);
}

/* A client opened for overlapped I/O, in message read mode. */
static HANDLE ov_client(const char *name)
{
    DWORD mode = PIPE_READMODE_MESSAGE;
    HANDLE h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL,
                           OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    if (h != INVALID_HANDLE_VALUE)
        SetNamedPipeHandleState(h, &mode, NULL, NULL);
    return h;
}

/* A fresh OVERLAPPED: the status fields hold values no call writes, and the
 * event (if any) starts signalled, so that the transcript shows whether a
 * call reset it. */
static void ov_init(OVERLAPPED *ov, HANDLE event)
{
    memset(ov, 0, sizeof *ov);
    ov->Internal = 0xdead;
    ov->InternalHigh = UNTOUCHED_HIGH;
    ov->hEvent = event;
    if (event != NULL)
        SetEvent(event);
}

/* "label: Internal 0x00000103, InternalHigh 48879, completed 0". */
static void show_ov(const char *label, const OVERLAPPED *ov)
{
    printf("%s: Internal 0x%08lx, InternalHigh %lu, "
           "HasOverlappedIoCompleted %d\n",
           label, (unsigned long)ov->Internal, (unsigned long)ov->InternalHigh,
           HasOverlappedIoCompleted(ov) ? 1 : 0);
}

/* Whether h is signalled now. */
static const char *state(HANDLE h)
{
    return WaitForSingleObject(h, 0) == WAIT_OBJECT_0 ? "signalled"
                                                      : "not signalled";
}

/* Waits (bounded) for what signals ov's completion, then reports
 * GetOverlappedResult without waiting: "label: TRUE, ..., 5 bytes". */
static void finish(const char *label, HANDLE file, OVERLAPPED *ov)
{
    HANDLE waitable = ov->hEvent != NULL ? ov->hEvent : file;
    char text[160];
    DWORD n = 77;
    snprintf(text, sizeof text, "%s: wait for the %s", label,
             ov->hEvent != NULL ? "event" : "file handle");
    CHECK_WAIT(text, WaitForSingleObject(waitable, WAIT_MS));
    snprintf(text, sizeof text, "%s: GetOverlappedResult", label);
    CHECK_BOOL(text, GetOverlappedResult(file, ov, &n, FALSE));
    printf("  bytes transferred: %u\n", (unsigned)n);
}

int main(void)
{
    HANDLE s, c, ev, ev2, ev3;
    OVERLAPPED ov, ov2, ov3;
    char buf[64], buf2[64], buf3[64];
    DWORD n;

    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ev2 = CreateEventA(NULL, TRUE, FALSE, NULL);
    ev3 = CreateEventA(NULL, TRUE, FALSE, NULL);

    SECTION("a ConnectNamedPipe that pends until a client comes (event)");
    CHECK_CREATED("CreateNamedPipeA(FILE_FLAG_OVERLAPPED)", s,
                  ov_server(PIPE_BASE "connect"));
    ov_init(&ov, ev);
    CHECK_BOOL("ConnectNamedPipe(ov)", ConnectNamedPipe(s, &ov));
    show_ov("  pending", &ov);
    printf("  event: %s\n", state(ev));
    n = 77;
    CHECK_BOOL("GetOverlappedResult(no wait)",
               GetOverlappedResult(s, &ov, &n, FALSE));
    c = conf_check_pipe_client("CreateFileA(client)", PIPE_BASE "connect");
    finish("ConnectNamedPipe", s, &ov);
    show_ov("  completed", &ov);
    printf("  file handle (the event was used): %s\n", state(s));
    SetEvent(ev);
    CHECK_BOOL("ConnectNamedPipe(ov) again, connected",
               ConnectNamedPipe(s, &ov));
    printf("  Internal is STATUS_PENDING: %d\n", ov.Internal == 0x103);
    printf("  event: %s\n", state(ev));
    CloseHandle(c);
    CloseHandle(s);

    SECTION("a ConnectNamedPipe without an event: the file handle");
    CHECK_CREATED("CreateNamedPipeA(FILE_FLAG_OVERLAPPED)", s,
                  ov_server(PIPE_BASE "connect_file"));
    ov_init(&ov, NULL);
    CHECK_BOOL("ConnectNamedPipe(ov, no event)", ConnectNamedPipe(s, &ov));
    printf("  file handle: %s\n", state(s));
    c = conf_check_pipe_client("CreateFileA(client)",
                               PIPE_BASE "connect_file");
    finish("ConnectNamedPipe", s, &ov);
    show_ov("  completed", &ov);

    SECTION("reads that complete at once");
    CHECK_BOOL("client WriteFile(\"hello\")", WriteFile(c, "hello", 5, &n, NULL));
    ov_init(&ov, ev);
    n = 77;
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(64, ov)", ReadFile(s, buf, sizeof buf, &n, &ov));
    SHOW_UINT("  bytes read", n);
    SHOW_STRING("  data", buf);
    show_ov("  after", &ov);
    printf("  event: %s\n", state(ev));
    CHECK_BOOL("client WriteFile(\"0123456789\")",
               WriteFile(c, "0123456789", 10, &n, NULL));
    ov_init(&ov, ev);
    n = 77;
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(4 of a 10-byte message, ov)",
               ReadFile(s, buf, 4, &n, &ov));
    SHOW_UINT("  bytes read", n);
    SHOW_STRING("  data", buf);
    show_ov("  after", &ov);
    printf("  event: %s\n", state(ev));
    n = 77;
    CHECK_BOOL("GetOverlappedResult", GetOverlappedResult(s, &ov, &n, FALSE));
    SHOW_UINT("  bytes transferred", n);
    ov_init(&ov, ev);
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(the rest, ov)", ReadFile(s, buf, sizeof buf, &n, &ov));
    SHOW_UINT("  bytes read", n);
    SHOW_STRING("  data", buf);

    SECTION("a read that pends until the client writes");
    ov_init(&ov, ev);
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(64, ov)", ReadFile(s, buf, sizeof buf, &n, &ov));
    show_ov("  pending", &ov);
    printf("  event: %s\n", state(ev));
    printf("  file handle: %s\n", state(s));
    n = 77;
    CHECK_BOOL("GetOverlappedResult(no wait)",
               GetOverlappedResult(s, &ov, &n, FALSE));
    CHECK_BOOL("client WriteFile(\"late\")", WriteFile(c, "late", 4, &n, NULL));
    finish("ReadFile", s, &ov);
    SHOW_STRING("  data", buf);
    show_ov("  completed", &ov);
    printf("  file handle (the event was used): %s\n", state(s));

    SECTION("a pending read without an event: the file handle");
    ov_init(&ov, NULL);
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(64, ov, no event)",
               ReadFile(s, buf, sizeof buf, &n, &ov));
    printf("  file handle: %s\n", state(s));
    CHECK_BOOL("client WriteFile(\"abc\")", WriteFile(c, "abc", 3, &n, NULL));
    finish("ReadFile", s, &ov);
    SHOW_STRING("  data", buf);

    SECTION("GetOverlappedResultEx on a pending read");
    ov_init(&ov, ev);
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(64, ov)", ReadFile(s, buf, sizeof buf, &n, &ov));
    n = 77;
    CHECK_BOOL("GetOverlappedResultEx(0 ms)",
               GetOverlappedResultEx(s, &ov, &n, 0, FALSE));
    CHECK_BOOL("GetOverlappedResultEx(100 ms)",
               GetOverlappedResultEx(s, &ov, &n, 100, FALSE));
    show_ov("  still pending", &ov);
    CHECK_BOOL("client WriteFile(\"timed\")", WriteFile(c, "timed", 5, &n, NULL));
    n = 77;
    CHECK_BOOL("GetOverlappedResultEx(5000 ms)",
               GetOverlappedResultEx(s, &ov, &n, WAIT_MS, FALSE));
    SHOW_UINT("  bytes transferred", n);
    SHOW_STRING("  data", buf);

    SECTION("several pending reads complete in the order they were started");
    ov_init(&ov, ev);
    ov_init(&ov2, ev2);
    ov_init(&ov3, ev3);
    memset(buf, 0, sizeof buf);
    memset(buf2, 0, sizeof buf2);
    memset(buf3, 0, sizeof buf3);
    CHECK_BOOL("ReadFile 1", ReadFile(s, buf, sizeof buf, &n, &ov));
    CHECK_BOOL("ReadFile 2", ReadFile(s, buf2, sizeof buf2, &n, &ov2));
    CHECK_BOOL("ReadFile 3", ReadFile(s, buf3, sizeof buf3, &n, &ov3));
    CHECK_BOOL("client WriteFile(\"one\")", WriteFile(c, "one", 3, &n, NULL));
    CHECK_BOOL("client WriteFile(\"two\")", WriteFile(c, "two", 3, &n, NULL));
    CHECK_BOOL("client WriteFile(\"three\")", WriteFile(c, "three", 5, &n, NULL));
    finish("ReadFile 1", s, &ov);
    SHOW_STRING("  data", buf);
    finish("ReadFile 2", s, &ov2);
    SHOW_STRING("  data", buf2);
    finish("ReadFile 3", s, &ov3);
    SHOW_STRING("  data", buf3);

    SECTION("CancelIoEx of one of two pending reads");
    ov_init(&ov, ev);
    ov_init(&ov2, ev2);
    memset(buf, 0, sizeof buf);
    memset(buf2, 0, sizeof buf2);
    CHECK_BOOL("ReadFile 1", ReadFile(s, buf, sizeof buf, &n, &ov));
    CHECK_BOOL("ReadFile 2", ReadFile(s, buf2, sizeof buf2, &n, &ov2));
    CHECK_BOOL("CancelIoEx(read 1)", CancelIoEx(s, &ov));
    finish("ReadFile 1", s, &ov);
    show_ov("  cancelled", &ov);
    CHECK_BOOL("CancelIoEx(read 1) again", CancelIoEx(s, &ov));
    printf("  read 2's event: %s\n", state(ev2));
    CHECK_BOOL("client WriteFile(\"xy\")", WriteFile(c, "xy", 2, &n, NULL));
    finish("ReadFile 2", s, &ov2);
    SHOW_STRING("  data", buf2);
    CHECK_BOOL("CancelIoEx(NULL), nothing pending", CancelIoEx(s, NULL));

    SECTION("CancelIo");
    ov_init(&ov, ev);
    CHECK_BOOL("ReadFile(64, ov)", ReadFile(s, buf, sizeof buf, &n, &ov));
    CHECK_BOOL("CancelIo", CancelIo(s));
    finish("ReadFile", s, &ov);
    show_ov("  cancelled", &ov);
    CHECK_BOOL("CancelIo, nothing pending", CancelIo(s));
    /* The cancelled read took nothing: the next message is whole. */
    CHECK_BOOL("client WriteFile(\"after\")", WriteFile(c, "after", 5, &n, NULL));
    ov_init(&ov, ev);
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(64, ov)", ReadFile(s, buf, sizeof buf, &n, &ov));
    SHOW_UINT("  bytes read", n);
    SHOW_STRING("  data", buf);

    SECTION("DisconnectNamedPipe with a pending read");
    ov_init(&ov, ev);
    CHECK_BOOL("ReadFile(64, ov)", ReadFile(s, buf, sizeof buf, &n, &ov));
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    finish("ReadFile", s, &ov);
    show_ov("  ended", &ov);
    CloseHandle(c);

    SECTION("the client closes while a read waits");
    ov_init(&ov, ev);
    CHECK_BOOL("ConnectNamedPipe(ov)", ConnectNamedPipe(s, &ov));
    c = conf_check_pipe_client("CreateFileA(client)",
                               PIPE_BASE "connect_file");
    finish("ConnectNamedPipe", s, &ov);
    ov_init(&ov, ev);
    CHECK_BOOL("ReadFile(64, ov)", ReadFile(s, buf, sizeof buf, &n, &ov));
    CHECK_BOOL("client CloseHandle", CloseHandle(c));
    finish("ReadFile", s, &ov);
    show_ov("  ended", &ov);
    CloseHandle(s);

    SECTION("an overlapped client");
    CHECK_CREATED("CreateNamedPipeA(FILE_FLAG_OVERLAPPED)", s,
                  ov_server(PIPE_BASE "client"));
    CHECK_HANDLE("CreateFileA(FILE_FLAG_OVERLAPPED)", c,
                 ov_client(PIPE_BASE "client"));
    ov_init(&ov, ev);
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("client ReadFile(64, ov)", ReadFile(c, buf, sizeof buf, &n, &ov));
    show_ov("  pending", &ov);
    ov_init(&ov2, ev2);
    n = 77;
    CHECK_BOOL("server WriteFile(\"reply\", ov)",
               WriteFile(s, "reply", 5, &n, &ov2));
    SHOW_UINT("  bytes written", n);
    show_ov("  after", &ov2);
    printf("  event: %s\n", state(ev2));
    finish("client ReadFile", c, &ov);
    SHOW_STRING("  data", buf);
    ov_init(&ov2, ev2);
    n = 77;
    CHECK_BOOL("client WriteFile(\"request\", ov)",
               WriteFile(c, "request", 7, &n, &ov2));
    SHOW_UINT("  bytes written", n);
    ov_init(&ov, ev);
    memset(buf, 0, sizeof buf);
    n = 77;
    CHECK_BOOL("server ReadFile(64, ov)", ReadFile(s, buf, sizeof buf, &n, &ov));
    SHOW_UINT("  bytes read", n);
    SHOW_STRING("  data", buf);
    ov_init(&ov, ev);
    CHECK_BOOL("client ReadFile(64, ov)", ReadFile(c, buf, sizeof buf, &n, &ov));
    CHECK_BOOL("client CancelIoEx(NULL)", CancelIoEx(c, NULL));
    finish("client ReadFile", c, &ov);
    CloseHandle(c);
    CloseHandle(s);

    CloseHandle(ev);
    CloseHandle(ev2);
    CloseHandle(ev3);
    CONF_DONE();
}
