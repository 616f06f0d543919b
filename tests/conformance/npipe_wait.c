/*
 * npipe_wait: WaitNamedPipeA: time-outs while every instance is busy,
 * NMPWAIT_USE_DEFAULT_WAIT with the server's nDefaultTimeOut, pipes that do
 * not exist, and waiters released when an instance starts listening: made
 * free again by another thread, created by another thread, or created by
 * another process.  Timing appears only as lower bounds (a timer thread
 * that fired before the call returned) and as events that happened before
 * it.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_wait"
#define NAME_DEF "\\\\.\\pipe\\winipc_conf_npipe_wait_default"
#define NAME_ZERO "\\\\.\\pipe\\winipc_conf_npipe_wait_zero"
#define NAME_MISSING "\\\\.\\pipe\\winipc_conf_npipe_wait_missing"
#define NAME_PROC "\\\\.\\pipe\\winipc_conf_npipe_wait_proc"

/* The child: "create": after 200 ms, creates a second instance of
 * NAME_PROC, waits for a client and reads its message; the exit code says
 * how it went (0: "hi" arrived). */
static int child_main(int argc, char **argv)
{
    HANDLE h;
    char buf[8];
    DWORD n = 0;

    if (argc < 2 || strcmp(argv[1], "create") != 0)
        return 99;
    Sleep(200);
    h = CreateNamedPipeA(NAME_PROC, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 2, 1024,
                         1024, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
        return 2;
    if (!ReadFile(h, buf, sizeof buf, &n, NULL))
        return 3;
    return n == 2 && memcmp(buf, "hi", 2) == 0 ? 0 : 4;
}

static HANDLE server(const char *label, const char *name, DWORD max,
                     DWORD timeout)
{
    HANDLE h;
    CHECK_CREATED(label, h,
                  CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE,
                                   max, 1024, 1024, timeout, NULL));
    return h;
}

/* A waiter that lasts: "label: FALSE, error ...", then whether a timer of
 * ms had fired when it returned. */
static void timed_wait(const char *label, const char *name, DWORD timeout,
                       DWORD ms)
{
    struct conf_timer tm;
    HANDLE t = conf_timer_start(&tm, ms);
    char fired[64];
    CHECK_BOOL(label, WaitNamedPipeA(name, timeout));
    snprintf(fired, sizeof fired, "  returned after %u ms", (unsigned)ms);
    CHECK_TRUE(fired, conf_timer_fired(&tm, t));
}

/* Helper threads: after 100 ms, set `done` and then make an instance
 * listen. */
struct helper {
    HANDLE s;    /* the instance to reconnect, or the new one created */
    HANDLE done; /* set just before the instance listens */
    const char *name;
    BOOL ok;
    DWORD err;
};

static DWORD WINAPI reconnect_main(LPVOID param)
{
    struct helper *h = (struct helper *)param;
    Sleep(100);
    SetEvent(h->done);
    SetLastError(CONF_SENTINEL);
    h->ok = ConnectNamedPipe(h->s, NULL);
    h->err = GetLastError();
    return 0;
}

static DWORD WINAPI create_main(LPVOID param)
{
    struct helper *h = (struct helper *)param;
    Sleep(100);
    SetEvent(h->done);
    h->s = CreateNamedPipeA(h->name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 2,
                            1024, 1024, 0, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    struct helper hp;
    HANDLE s, s2, c, c2, t;
    DWORD n;

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("no such pipe");
    CHECK_BOOL("WaitNamedPipeA(no such pipe, NMPWAIT_USE_DEFAULT_WAIT)",
               WaitNamedPipeA(NAME_MISSING, NMPWAIT_USE_DEFAULT_WAIT));
    CHECK_BOOL("WaitNamedPipeA(no such pipe, NMPWAIT_WAIT_FOREVER)",
               WaitNamedPipeA(NAME_MISSING, NMPWAIT_WAIT_FOREVER));

    SECTION("every instance busy");
    s = server("CreateNamedPipeA(1 instance, nDefaultTimeOut 300)", NAME, 1,
               300);
    c = conf_check_pipe_client("CreateFileA", NAME);
    timed_wait("WaitNamedPipeA(busy, 500)", NAME, 500, 100);
    timed_wait("WaitNamedPipeA(busy, NMPWAIT_USE_DEFAULT_WAIT)", NAME,
               NMPWAIT_USE_DEFAULT_WAIT, 100);
    CloseHandle(c);
    CHECK_BOOL("WaitNamedPipeA(client closed, not disconnected, 100)",
               WaitNamedPipeA(NAME, 100));
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    CHECK_BOOL("WaitNamedPipeA(disconnected, 100)", WaitNamedPipeA(NAME, 100));

    SECTION("another thread makes the instance listen again");
    memset(&hp, 0, sizeof hp);
    hp.s = s;
    hp.done = CreateEventA(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, reconnect_main, &hp, 0, NULL);
    CHECK_BOOL("WaitNamedPipeA(disconnected, 10000)",
               WaitNamedPipeA(NAME, 10000));
    CHECK_TRUE("  the thread had called ConnectNamedPipe",
               WaitForSingleObject(hp.done, 0) == WAIT_OBJECT_0);
    c = conf_check_pipe_client("CreateFileA", NAME);
    CHECK_WAIT("  the thread", WaitForSingleObject(t, 10000));
    printf("  its ConnectNamedPipe: %s, %s\n", hp.ok ? "TRUE" : "FALSE",
           conf_error(hp.err));
    CloseHandle(t);
    CloseHandle(hp.done);

    SECTION("a free instance is not reserved");
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    CloseHandle(c);
    CloseHandle(s);
    s = server("CreateNamedPipeA(1 instance)", NAME, 1, 0);
    CHECK_BOOL("WaitNamedPipeA(free, 0)", WaitNamedPipeA(NAME, 0));
    c = conf_check_pipe_client("CreateFileA(another client comes first)", NAME);
    c2 = conf_check_pipe_client("CreateFileA(after the wait)", NAME);
    CloseHandle(c);

    SECTION("another thread creates an instance");
    CloseHandle(s);
    s = server("CreateNamedPipeA(2 instances)", NAME, 2, 0);
    c = conf_check_pipe_client("CreateFileA", NAME);
    memset(&hp, 0, sizeof hp);
    hp.name = NAME;
    hp.done = CreateEventA(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, create_main, &hp, 0, NULL);
    CHECK_BOOL("WaitNamedPipeA(busy, NMPWAIT_WAIT_FOREVER)",
               WaitNamedPipeA(NAME, NMPWAIT_WAIT_FOREVER));
    CHECK_TRUE("  the thread had started creating it",
               WaitForSingleObject(hp.done, 0) == WAIT_OBJECT_0);
    CHECK_WAIT("  the thread", WaitForSingleObject(t, 10000));
    CHECK_TRUE("  it created the instance", hp.s != INVALID_HANDLE_VALUE);
    c2 = conf_check_pipe_client("CreateFileA", NAME);
    CloseHandle(t);
    CloseHandle(hp.done);
    CloseHandle(c2);
    CloseHandle(c);
    CloseHandle(hp.s);
    CloseHandle(s);

    SECTION("another process creates an instance");
    s = server("CreateNamedPipeA(2 instances)", NAME_PROC, 2, 0);
    c = conf_check_pipe_client("CreateFileA", NAME_PROC);
    {
        struct conf_timer tm;
        HANDLE tt = conf_timer_start(&tm, 100);
        pi = conf_spawn("CreateProcessA(create after 200 ms)", "create", FALSE);
        CHECK_BOOL("WaitNamedPipeA(busy, 10000)",
                   WaitNamedPipeA(NAME_PROC, 10000));
        CHECK_TRUE("  returned after 100 ms", conf_timer_fired(&tm, tt));
    }
    c2 = conf_check_pipe_client("CreateFileA", NAME_PROC);
    CHECK_BOOL("WriteFile(\"hi\")", WriteFile(c2, "hi", 2, &n, NULL));
    conf_finish("  child ended (0: it read \"hi\")", &pi);
    CloseHandle(c2);
    CloseHandle(c);
    CloseHandle(s);

    SECTION("NMPWAIT_USE_DEFAULT_WAIT");
    s = server("CreateNamedPipeA(nDefaultTimeOut 0)", NAME_ZERO, 1, 0);
    c = conf_check_pipe_client("CreateFileA", NAME_ZERO);
    CHECK_BOOL("WaitNamedPipeA(busy, NMPWAIT_USE_DEFAULT_WAIT)",
               WaitNamedPipeA(NAME_ZERO, NMPWAIT_USE_DEFAULT_WAIT));
    CloseHandle(c);
    CloseHandle(s);
    s = server("CreateNamedPipeA(nDefaultTimeOut 400)", NAME_DEF, 2, 400);
    s2 = server("CreateNamedPipeA(second instance, nDefaultTimeOut 0)",
                NAME_DEF, 2, 0);
    c = conf_check_pipe_client("CreateFileA", NAME_DEF);
    c2 = conf_check_pipe_client("CreateFileA", NAME_DEF);
    timed_wait("WaitNamedPipeA(busy, NMPWAIT_USE_DEFAULT_WAIT)", NAME_DEF,
               NMPWAIT_USE_DEFAULT_WAIT, 150);
    CloseHandle(c2);
    CloseHandle(c);
    CloseHandle(s2);
    CloseHandle(s);
    CONF_DONE();
}
