/*
 * npipe_inherit_dup: named pipe handles that cross processes or are
 * duplicated: a connected client end and a connected server end inherited
 * by a child that does I/O through them; a server end duplicated in this
 * process; a client end moved into a running child with DuplicateHandle;
 * CallNamedPipeA from a child against a message server; FlushFileBuffers
 * returning once the reader, another process, has read everything (or has
 * gone).
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_inherit_dup"
#define NAME_CALL "\\\\.\\pipe\\winipc_conf_npipe_inherit_dup_call"
#define NAME_FLUSH "\\\\.\\pipe\\winipc_conf_npipe_inherit_dup_flush"

static void say_read(const char *label, HANDLE h)
{
    char buf[64];
    DWORD n = 77;
    CHILD_BOOL(label, ReadFile(h, buf, sizeof buf, &n, NULL));
    conf_say_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

/*
 * The children, each with its report pipe in argv[2].
 * "use_client REP C": writes through the inherited client end C, reads.
 * "use_server REP S": reads through the inherited server end S, answers.
 * "adopt_server REP S": calls ConnectNamedPipe on the inherited server end
 * S (whose client came before anybody called it), then writes.
 * "moved REP CTL": gets a handle value on CTL, writes through it.
 * "call REP LEN": CallNamedPipeA(NAME_CALL) with a LEN-byte answer buffer.
 * "flush_reader REP CTL": a client of NAME_FLUSH that reads when told.
 */
static int child_main(int argc, char **argv)
{
    HANDLE h, ctl;
    DWORD n = 0, flags = 77, len;
    char buf[64];
    unsigned long long value = 0;

    if (argc < 4)
        return 99;
    *conf_out_slot() = conf_handle_arg(argv[2]);
    if (strcmp(argv[1], "use_client") == 0) {
        h = conf_handle_arg(argv[3]);
        CHILD_BOOL("WriteFile(inherited client end, \"from the child\")",
                   WriteFile(h, "from the child", 14, &n, NULL));
        say_read("ReadFile(inherited client end)", h);
        return 0;
    }
    if (strcmp(argv[1], "use_server") == 0) {
        h = conf_handle_arg(argv[3]);
        CHILD_BOOL("GetNamedPipeInfo(inherited server end)",
                   GetNamedPipeInfo(h, &flags, NULL, NULL, NULL));
        conf_say("  flags 0x%x", (unsigned)flags);
        say_read("ReadFile(inherited server end)", h);
        CHILD_BOOL(
            "WriteFile(inherited server end, \"from the server's child\")",
            WriteFile(h, "from the server's child", 23, &n, NULL));
        return 0;
    }
    if (strcmp(argv[1], "adopt_server") == 0) {
        h = conf_handle_arg(argv[3]);
        CHILD_BOOL("ConnectNamedPipe(inherited server end)",
                   ConnectNamedPipe(h, NULL));
        CHILD_BOOL(
            "WriteFile(inherited server end, \"from the adopting child\")",
            WriteFile(h, "from the adopting child", 23, &n, NULL));
        return 0;
    }
    if (strcmp(argv[1], "moved") == 0) {
        ctl = conf_handle_arg(argv[3]);
        if (!ReadFile(ctl, &value, sizeof value, &n, NULL) || n != sizeof value)
            return 1;
        h = (HANDLE)(ULONG_PTR)value;
        CHILD_BOOL("WriteFile(the handle moved here, \"via the moved handle\")",
                   WriteFile(h, "via the moved handle", 20, &n, NULL));
        return 0;
    }
    if (strcmp(argv[1], "call") == 0) {
        len = (DWORD)atoi(argv[3]);
        n = 77;
        memset(buf, 0, sizeof buf);
        /* The last error only for a failure: Windows documents none for a
         * success (the CreateFile inside may set it). */
        if (CallNamedPipeA(NAME_CALL, "ping", 4, buf, len, &n, 10000))
            conf_say("CallNamedPipeA(\"ping\"): TRUE");
        else
            conf_say("CallNamedPipeA(\"ping\"): FALSE, %s",
                     conf_error(GetLastError()));
        conf_say("  bytes read: %u", (unsigned)n);
        conf_say_bytes("  data", buf, n <= sizeof buf ? n : 0);
        return 0;
    }
    if (strcmp(argv[1], "flush_reader") == 0) {
        ctl = conf_handle_arg(argv[3]);
        h = conf_open(NAME_FLUSH, GENERIC_READ | GENERIC_WRITE);
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        if (conf_await(ctl) != 'r')
            return 2;
        say_read("ReadFile(client)", h);
        conf_await(ctl);
        return 0;
    }
    return 99;
}

static void read_some(const char *label, HANDLE h)
{
    char buf[64] = {0};
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

static void write_msg(const char *label, HANDLE h, const char *s)
{
    DWORD n = 77;
    CHECK_BOOL(label, WriteFile(h, s, (DWORD)strlen(s), &n, NULL));
}

static HANDLE server(const char *label, const char *name, BOOL inherit)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE h;
    CHECK_CREATED(label, h,
                  CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1,
                                   1024, 1024, 0, inherit ? &sa : NULL));
    return h;
}

static HANDLE client(const char *label, BOOL inherit)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    DWORD mode = PIPE_READMODE_MESSAGE;
    HANDLE h;
    CHECK_HANDLE(label, h,
                 CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             inherit ? &sa : NULL, OPEN_EXISTING, 0, NULL));
    SetNamedPipeHandleState(h, &mode, NULL, NULL);
    return h;
}

/* Starts "self JOB REP ARG" with inheritance; *rep_r gets the report
 * pipe's read end. */
static PROCESS_INFORMATION spawn_job(const char *label, const char *job,
                                     const char *arg, HANDLE *rep_r)
{
    PROCESS_INFORMATION pi;
    HANDLE rep_w;
    char args[160];
    conf_child_pipe(rep_r, &rep_w, 0);
    snprintf(args, sizeof args, "%s %llu %s", job, CONF_HANDLE_ARG(rep_w), arg);
    pi = conf_spawn(label, args, TRUE);
    CloseHandle(rep_w);
    return pi;
}

static const char *handle_arg(HANDLE h)
{
    static char buf[32];
    snprintf(buf, sizeof buf, "%llu", CONF_HANDLE_ARG(h));
    return buf;
}

/* FlushFileBuffers in a thread, so that this one can tell whether it
 * returned. */
struct flusher {
    HANDLE h;
    BOOL ok;
    DWORD err;
};

static DWORD WINAPI flush_main(LPVOID param)
{
    struct flusher *f = (struct flusher *)param;
    SetLastError(CONF_SENTINEL);
    f->ok = FlushFileBuffers(f->h);
    f->err = GetLastError();
    return 0;
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    struct flusher fl;
    HANDLE s, c, d, rep_r, ctl_r, ctl_w, t, remote = NULL;
    unsigned long long value;
    ULONG pid = 0;
    DWORD n, flags = 77;
    BOOL ok;

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("a client end inherited by a child");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE)", NAME,
               FALSE);
    c = client("CreateFileA(inheritable)", TRUE);
    pi = spawn_job("CreateProcessA(use_client, bInheritHandles TRUE)",
                   "use_client", handle_arg(c), &rep_r);
    read_some("ReadFile(server)", s);
    write_msg("WriteFile(server, \"for the child\")", s, "for the child");
    conf_finish("  ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    write_msg("WriteFile(client, \"from this process\")", c,
              "from this process");
    read_some("ReadFile(server)", s);
    CHECK_BOOL("GetNamedPipeClientProcessId(server)",
               GetNamedPipeClientProcessId(s, &pid));
    CHECK_TRUE("  == this process's id (it opened the client end)",
               pid == GetCurrentProcessId());
    CloseHandle(c);
    read_some("ReadFile(server), every client handle closed", s);
    CloseHandle(s);

    SECTION("a connected server end inherited by a child");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE, inheritable)",
               NAME, TRUE);
    c = client("CreateFileA", FALSE);
    CHECK_BOOL("ConnectNamedPipe", ConnectNamedPipe(s, NULL));
    write_msg("WriteFile(client, \"for the server's child\")", c,
              "for the server's child");
    pi = spawn_job("CreateProcessA(use_server, bInheritHandles TRUE)",
                   "use_server", handle_arg(s), &rep_r);
    read_some("ReadFile(client)", c);
    conf_finish("  ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    write_msg("WriteFile(client, \"still connected\")", c, "still connected");
    read_some("ReadFile(server)", s);
    CloseHandle(s);
    read_some("ReadFile(client), every server handle closed", c);
    CloseHandle(c);

    SECTION("a server end inherited before ConnectNamedPipe");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE, inheritable)",
               NAME, TRUE);
    c = client("CreateFileA", FALSE);
    pi = spawn_job("CreateProcessA(adopt_server, bInheritHandles TRUE)",
                   "adopt_server", handle_arg(s), &rep_r);
    /* The child's answer is waited for first: a read that found nothing
     * would wait for ever. */
    conf_finish("  ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    n = 77;
    CHECK_BOOL("PeekNamedPipe(client)",
               PeekNamedPipe(c, NULL, 0, NULL, &n, NULL));
    SHOW_UINT("  available", n);
    if (n > 0 && n != 77)
        read_some("ReadFile(client)", c);
    CloseHandle(c);
    CloseHandle(s);

    SECTION("a server end duplicated in this process");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE)", NAME,
               FALSE);
    c = client("CreateFileA", FALSE);
    CHECK_BOOL("DuplicateHandle(server, SAME_ACCESS)",
               DuplicateHandle(GetCurrentProcess(), s, GetCurrentProcess(), &d,
                               0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("GetNamedPipeInfo(duplicate)",
               GetNamedPipeInfo(d, &flags, NULL, NULL, NULL));
    printf("  flags 0x%x\n", (unsigned)flags);
    write_msg("WriteFile(duplicate, \"via the duplicate\")", d,
              "via the duplicate");
    read_some("ReadFile(client)", c);
    write_msg("WriteFile(client, \"to the server\")", c, "to the server");
    read_some("ReadFile(duplicate)", d);
    CloseHandle(s);
    write_msg("WriteFile(client, \"after the original closed\")", c,
              "after the original closed");
    read_some("ReadFile(duplicate)", d);
    CHECK_BOOL("DisconnectNamedPipe(duplicate)", DisconnectNamedPipe(d));
    read_some("ReadFile(client), disconnected", c);
    CloseHandle(d);
    CloseHandle(c);

    SECTION("a client end moved into a running child");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE)", NAME,
               FALSE);
    c = client("CreateFileA", FALSE);
    conf_child_pipe(&ctl_r, &ctl_w, 1);
    pi = spawn_job("CreateProcessA(moved)", "moved", handle_arg(ctl_r), &rep_r);
    CloseHandle(ctl_r);
    CHECK_BOOL("DuplicateHandle(client, into the child, CLOSE_SOURCE)",
               DuplicateHandle(GetCurrentProcess(), c, pi.hProcess, &remote, 0,
                               FALSE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    value = CONF_HANDLE_ARG(remote);
    WriteFile(ctl_w, &value, sizeof value, &n, NULL);
    read_some("ReadFile(server)", s);
    conf_finish("  ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    CloseHandle(ctl_w);
    read_some("ReadFile(server), the child that held the client ended", s);
    CloseHandle(s);

    SECTION("CallNamedPipeA from a child");
    CHECK_BOOL(
        "CallNamedPipeA(no such pipe)",
        CallNamedPipeA(NAME_CALL, "ping", 4, &flags, sizeof flags, &n, 100));
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE)", NAME_CALL,
               FALSE);
    pi =
        spawn_job("CreateProcessA(call, 32-byte buffer)", "call", "32", &rep_r);
    SetLastError(CONF_SENTINEL);
    ok = ConnectNamedPipe(s, NULL);
    CHECK_TRUE("ConnectNamedPipe: connected",
               ok || GetLastError() == ERROR_PIPE_CONNECTED);
    read_some("ReadFile(server)", s);
    write_msg("WriteFile(server, \"pong!\")", s, "pong!");
    read_some("ReadFile(server), the call is over", s);
    conf_finish("  ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    pi = spawn_job("CreateProcessA(call, 2-byte buffer)", "call", "2", &rep_r);
    CHECK_BOOL("ConnectNamedPipe(disconnected)", ConnectNamedPipe(s, NULL));
    read_some("ReadFile(server)", s);
    write_msg("WriteFile(server, \"pong!\")", s, "pong!");
    read_some("ReadFile(server), the call is over", s);
    conf_finish("  ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    CloseHandle(s);

    SECTION("FlushFileBuffers and a reader in a child");
    CHECK_CREATED("CreateNamedPipeA(TYPE_BYTE)", s,
                  CreateNamedPipeA(NAME_FLUSH, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_BYTE, 1, 1024, 1024, 0, NULL));
    conf_child_pipe(&ctl_r, &ctl_w, 1);
    pi = spawn_job("CreateProcessA(flush_reader)", "flush_reader",
                   handle_arg(ctl_r), &rep_r);
    CloseHandle(ctl_r);
    SetLastError(CONF_SENTINEL);
    ok = ConnectNamedPipe(s, NULL);
    CHECK_TRUE("ConnectNamedPipe: connected",
               ok || GetLastError() == ERROR_PIPE_CONNECTED);
    CHECK_BOOL("FlushFileBuffers(server, nothing written)",
               FlushFileBuffers(s));
    write_msg("WriteFile(server, \"flush\")", s, "flush");
    memset(&fl, 0, sizeof fl);
    fl.h = s;
    t = CreateThread(NULL, 0, flush_main, &fl, 0, NULL);
    CHECK_WAIT("  FlushFileBuffers(server), 100 ms later",
               WaitForSingleObject(t, 100));
    conf_order(ctl_w, 'r');
    CHECK_WAIT("  FlushFileBuffers(server), once the child read",
               WaitForSingleObject(t, 10000));
    printf("  it returned %s, %s\n", fl.ok ? "TRUE" : "FALSE",
           conf_error(fl.err));
    CloseHandle(t);
    write_msg("WriteFile(server, \"never read\")", s, "never read");
    memset(&fl, 0, sizeof fl);
    fl.h = s;
    t = CreateThread(NULL, 0, flush_main, &fl, 0, NULL);
    CHECK_WAIT("  FlushFileBuffers(server), 100 ms later",
               WaitForSingleObject(t, 100));
    CHECK_BOOL("TerminateProcess(5)", TerminateProcess(pi.hProcess, 5));
    CHECK_WAIT("  FlushFileBuffers(server), once the child is gone",
               WaitForSingleObject(t, 10000));
    printf("  it returned %s, %s\n", fl.ok ? "TRUE" : "FALSE",
           conf_error(fl.err));
    CloseHandle(t);
    conf_finish("  terminated", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    CloseHandle(ctl_w);
    CHECK_BOOL("FlushFileBuffers(server, the client gone)",
               FlushFileBuffers(s));
    CloseHandle(s);

    SECTION("FlushFileBuffers and a reader in this process");
    CHECK_CREATED("CreateNamedPipeA(flush, again)", s,
                  CreateNamedPipeA(NAME_FLUSH, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_BYTE, 1, 1024, 1024, 0, NULL));
    c = conf_pipe_client(NAME_FLUSH);
    write_msg("WriteFile(server, \"hello\")", s, "hello");
    memset(&fl, 0, sizeof fl);
    fl.h = s;
    t = CreateThread(NULL, 0, flush_main, &fl, 0, NULL);
    CHECK_WAIT("  FlushFileBuffers(server), 100 ms later",
               WaitForSingleObject(t, 100));
    write_msg("WriteFile(server, \"\") while it waits", s, "");
    {
        char rb[32];
        CHECK_BOOL("ReadFile(client)", ReadFile(c, rb, sizeof rb, &n, NULL));
        SHOW_UINT("  bytes read", n);
    }
    CloseHandle(c);
    CHECK_WAIT("  FlushFileBuffers(server), once the client read and closed",
               WaitForSingleObject(t, 10000));
    printf("  it returned %s, %s\n", fl.ok ? "TRUE" : "FALSE",
           conf_error(fl.err));
    CloseHandle(t);
    CloseHandle(s);
    CHECK_CREATED("CreateNamedPipeA(flush, a third time)", s,
                  CreateNamedPipeA(NAME_FLUSH, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_BYTE, 1, 1024, 1024, 0, NULL));
    c = conf_pipe_client(NAME_FLUSH);
    write_msg("WriteFile(client, \"hello\")", c, "hello");
    memset(&fl, 0, sizeof fl);
    fl.h = c;
    t = CreateThread(NULL, 0, flush_main, &fl, 0, NULL);
    CHECK_WAIT("  FlushFileBuffers(client), 100 ms later",
               WaitForSingleObject(t, 100));
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    CHECK_WAIT("  FlushFileBuffers(client), once the server disconnected",
               WaitForSingleObject(t, 10000));
    printf("  it returned %s, %s\n", fl.ok ? "TRUE" : "FALSE",
           conf_error(fl.err));
    CloseHandle(t);
    CloseHandle(c);
    CloseHandle(s);
    CONF_DONE();
}
