/*
 * npipe_nowait_modes: PIPE_NOWAIT and the read modes.  A non-blocking
 * server polls ConnectNamedPipe and ReadFile for a client in a child
 * process (ERROR_PIPE_LISTENING, ERROR_NO_DATA, then the answer); the
 * client starts in byte read mode, reads across message boundaries, then
 * switches to message read mode (ERROR_MORE_DATA, the rest on the next
 * read) and to PIPE_NOWAIT; GetNamedPipeHandleStateA follows each change;
 * message read mode is refused on a byte pipe.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_nowait_modes"
#define NAME_BYTE "\\\\.\\pipe\\winipc_conf_npipe_nowait_modes_byte"

static void say_state(HANDLE c)
{
    DWORD state = 77;
    CHILD_BOOL("GetNamedPipeHandleStateA(client)",
               GetNamedPipeHandleStateA(c, &state, NULL, NULL, NULL, NULL, 0));
    conf_say("  state 0x%x", (unsigned)state);
}

static void say_read(const char *label, HANDLE c, DWORD len)
{
    char buf[64];
    DWORD n = 77;
    CHILD_BOOL(label, ReadFile(c, buf, len, &n, NULL));
    conf_say("  bytes read: %u", (unsigned)n);
    conf_say_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

/* The child: "client REPORT CTL", the client of NAME, told by the parent
 * when to write ('w') and when to read what it sent ('r', 'm'). */
static int child_main(int argc, char **argv)
{
    HANDLE c, ctl;
    DWORD n, mode;

    if (argc < 4 || strcmp(argv[1], "client") != 0)
        return 99;
    *conf_out_slot() = conf_handle_arg(argv[2]);
    ctl = conf_handle_arg(argv[3]);
    c = conf_open(NAME, GENERIC_READ | GENERIC_WRITE);
    if (c == INVALID_HANDLE_VALUE) {
        conf_say("CreateFileA failed: %s", conf_error(GetLastError()));
        return 1;
    }
    say_state(c);
    if (conf_await(ctl) != 'w')
        return 2;
    CHILD_BOOL("WriteFile(\"hello world\")",
               WriteFile(c, "hello world", 11, &n, NULL));
    CHILD_BOOL("WriteFile(\"bye\")", WriteFile(c, "bye", 3, &n, NULL));
    if (conf_await(ctl) != 'r')
        return 3;
    say_read("ReadFile(32 bytes), byte read mode", c, 32);
    mode = PIPE_READMODE_MESSAGE;
    CHILD_BOOL("SetNamedPipeHandleState(READMODE_MESSAGE)",
               SetNamedPipeHandleState(c, &mode, NULL, NULL));
    say_state(c);
    CHILD_BOOL("WriteFile(\"ready\")", WriteFile(c, "ready", 5, &n, NULL));
    if (conf_await(ctl) != 'm')
        return 4;
    say_read("ReadFile(3 bytes), message read mode", c, 3);
    say_read("ReadFile(32 bytes): the rest of it", c, 32);
    say_read("ReadFile(32 bytes): the next message", c, 32);
    mode = PIPE_READMODE_MESSAGE | PIPE_NOWAIT;
    CHILD_BOOL("SetNamedPipeHandleState(READMODE_MESSAGE | PIPE_NOWAIT)",
               SetNamedPipeHandleState(c, &mode, NULL, NULL));
    say_state(c);
    say_read("ReadFile(32 bytes), nothing queued", c, 32);
    CloseHandle(c);
    return 0;
}

/* Polled calls: repeated (10 s at most) while they answer `busy`. */
struct polled {
    HANDLE h;
    DWORD len, busy, n, err;
    BOOL ok;
    char buf[64];
};

static int try_read(void *param)
{
    struct polled *p = (struct polled *)param;
    p->n = 77;
    SetLastError(CONF_SENTINEL);
    p->ok = ReadFile(p->h, p->buf, p->len, &p->n, NULL);
    p->err = GetLastError();
    return p->ok || p->err != p->busy;
}

static int try_connect(void *param)
{
    struct polled *p = (struct polled *)param;
    SetLastError(CONF_SENTINEL);
    p->ok = ConnectNamedPipe(p->h, NULL);
    p->err = GetLastError();
    return p->ok || p->err != p->busy;
}

static void polled_read(const char *label, HANDLE h, DWORD len)
{
    struct polled p;
    memset(&p, 0, sizeof p);
    p.h = h;
    p.len = len;
    p.busy = ERROR_NO_DATA;
    conf_poll(try_read, &p);
    printf("%s: %s, %s\n", label, p.ok ? "TRUE" : "FALSE", conf_error(p.err));
    SHOW_UINT("  bytes read", p.n);
    conf_show_bytes("  data", p.buf, p.n <= sizeof p.buf ? p.n : 0);
}

static void state(const char *label, HANDLE h)
{
    DWORD st = 77;
    CHECK_BOOL(label,
               GetNamedPipeHandleStateA(h, &st, NULL, NULL, NULL, NULL, 0));
    printf("  state 0x%x\n", (unsigned)st);
}

static void read_now(const char *label, HANDLE h)
{
    char buf[16];
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
}

static void write_msg(const char *label, HANDLE h, const char *s)
{
    DWORD n = 77;
    CHECK_BOOL(label, WriteFile(h, s, (DWORD)strlen(s), &n, NULL));
    SHOW_UINT("  bytes written", n);
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    struct polled p;
    HANDLE s, c, rep_r, rep_w, ctl_r, ctl_w;
    DWORD mode;
    char args[128];

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("read modes of a byte pipe");
    CHECK_CREATED(
        "CreateNamedPipeA(TYPE_BYTE | READMODE_MESSAGE | NOWAIT)", s,
        CreateNamedPipeA(NAME_BYTE, PIPE_ACCESS_DUPLEX,
                         PIPE_TYPE_BYTE | PIPE_READMODE_MESSAGE | PIPE_NOWAIT,
                         1, 1024, 1024, 0, NULL));
    CHECK_CREATED("CreateNamedPipeA(TYPE_BYTE)", s,
                  CreateNamedPipeA(NAME_BYTE, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_BYTE, 1, 1024, 1024, 0, NULL));
    CHECK_HANDLE("CreateFileA", c,
                 CreateFileA(NAME_BYTE, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));
    mode = PIPE_READMODE_MESSAGE;
    CHECK_BOOL("SetNamedPipeHandleState(client, READMODE_MESSAGE)",
               SetNamedPipeHandleState(c, &mode, NULL, NULL));
    state("GetNamedPipeHandleStateA(client)", c);
    mode = PIPE_READMODE_BYTE | PIPE_NOWAIT;
    CHECK_BOOL("SetNamedPipeHandleState(client, READMODE_BYTE | NOWAIT)",
               SetNamedPipeHandleState(c, &mode, NULL, NULL));
    state("GetNamedPipeHandleStateA(client)", c);
    read_now("ReadFile(client, nothing queued)", c);
    write_msg("WriteFile(server, \"abc\")", s, "abc");
    read_now("ReadFile(client)", c);
    state("GetNamedPipeHandleStateA(server), unchanged", s);
    CloseHandle(c);
    CloseHandle(s);

    SECTION("a PIPE_NOWAIT message server");
    CHECK_CREATED("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE | NOWAIT)",
                  s,
                  CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE |
                                       PIPE_NOWAIT,
                                   1, 1024, 1024, 0, NULL));
    state("GetNamedPipeHandleStateA(server)", s);
    CHECK_BOOL("ConnectNamedPipe(no client yet)", ConnectNamedPipe(s, NULL));
    read_now("ReadFile(server, no client yet)", s);

    SECTION("its client, in a child");
    conf_child_pipe(&rep_r, &rep_w, 0);
    conf_child_pipe(&ctl_r, &ctl_w, 1);
    snprintf(args, sizeof args, "client %llu %llu", CONF_HANDLE_ARG(rep_w),
             CONF_HANDLE_ARG(ctl_r));
    pi = conf_spawn("CreateProcessA(client)", args, TRUE);
    CloseHandle(rep_w);
    CloseHandle(ctl_r);
    memset(&p, 0, sizeof p);
    p.h = s;
    p.busy = ERROR_PIPE_LISTENING;
    conf_poll(try_connect, &p);
    printf("ConnectNamedPipe, polled until the child came: %s, %s\n",
           p.ok ? "TRUE" : "FALSE", conf_error(p.err));
    read_now("ReadFile(server, the child has sent nothing)", s);
    conf_order(ctl_w, 'w');
    polled_read("ReadFile(server, 5 bytes), polled", s, 5);
    polled_read("ReadFile(server, 32 bytes): the rest", s, 32);
    polled_read("ReadFile(server, 32 bytes), polled: the next message", s, 32);
    write_msg("WriteFile(server, \"abc\")", s, "abc");
    write_msg("WriteFile(server, \"defg\")", s, "defg");
    conf_order(ctl_w, 'r');
    polled_read("ReadFile(server, 32 bytes), polled: \"ready\"", s, 32);
    write_msg("WriteFile(server, \"12345\")", s, "12345");
    write_msg("WriteFile(server, \"xyz\")", s, "xyz");
    conf_order(ctl_w, 'm');
    conf_finish("  ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    CloseHandle(ctl_w);

    SECTION("after the child ended");
    read_now("ReadFile(server, PIPE_NOWAIT)", s);
    write_msg("WriteFile(server, PIPE_NOWAIT)", s, "late");
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    CHECK_BOOL("ConnectNamedPipe(disconnected)", ConnectNamedPipe(s, NULL));
    CloseHandle(s);
    CONF_DONE();
}
