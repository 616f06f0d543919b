/*
 * pipe.c: "winipc serve" and "winipc connect", socat for named pipes.
 *
 * serve is the classic Windows server loop: CreateNamedPipe, then
 * ConnectNamedPipe, then a thread per client while the loop makes the next
 * instance.  Each client gets its own COMMAND, started with CreateProcess
 * and STARTF_USESTDHANDLES on two anonymous pipes, and two copies run: the
 * client's data to COMMAND's stdin (in a second thread), COMMAND's stdout
 * to the client (in the client's thread).
 *
 * Named pipes have no half-close in Win32, but a shell user needs one:
 * "echo hi | winipc connect P" must be able to say "that was all".  Both
 * commands use the Linux socket under the handle for it (winipc_handle_fd
 * and shutdown(2)): connect shuts its sending side when stdin ends, which a
 * server reads as the client gone (ERROR_BROKEN_PIPE) while it can still
 * answer; serve shuts its receiving side once COMMAND's output has ended,
 * which ends the client's sending (ERROR_NO_DATA), then closes the pipe,
 * and the client reads what is left before the pipe ends.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <winipc.h>

#include "copy.h"
#include "tool.h"

static const char serve_help[] =
    "Usage: winipc serve PIPE [OPTIONS] -- COMMAND [ARG...]\n"
    "\n"
    "Creates the named pipe PIPE and serves it: each client that connects\n"
    "gets a new COMMAND process whose standard input is what the client\n"
    "writes and whose standard output goes back to the client (its\n"
    "standard error is this command's).  When COMMAND's output ends, the\n"
    "client's connection is closed; when the client closes or ends its\n"
    "side, COMMAND's input ends.  Clients are served concurrently.\n"
    "\n"
    "PIPE is a bare name (\"echo\" is \\\\.\\pipe\\echo) or a full one.\n"
    "COMMAND is looked for as CreateProcess does: this program's directory,\n"
    "the current directory, then PATH.\n"
    "\n"
    "Options:\n"
    "  --message        a message pipe (PIPE_TYPE_MESSAGE, read mode "
    "message):\n"
    "                   each message from a client reaches COMMAND as one\n"
    "                   line, and each line COMMAND writes is sent as one\n"
    "                   message (without its line break)\n"
    "  --instances N    at most N clients at once (1-254); default: no limit\n"
    "  --clients N      stop after serving N clients (once their COMMANDs\n"
    "                   have ended); default: serve until killed\n"
    "  --public         let every user connect (a NULL DACL); by default only\n"
    "                   this user may\n"
    "  --verbose        report each client and COMMAND on standard error\n"
    "\n"
    "Exit status: 0 after --clients clients; 1 on a Windows error (e.g.\n"
    "ERROR_ACCESS_DENIED: the name belongs to another server of another\n"
    "kind or user); 2 for a bad command line.  A COMMAND that cannot be\n"
    "started is reported and that client is disconnected; serving goes on.\n";

static const char connect_help[] =
    "Usage: winipc connect PIPE [--timeout MS]\n"
    "\n"
    "Connects to the named pipe PIPE (CreateFile) and copies standard input\n"
    "to the pipe and the pipe to standard output, until the server closes\n"
    "its end.  When standard input ends, the sending side of the pipe is\n"
    "shut (a Linux extension: the server reads ERROR_BROKEN_PIPE but can\n"
    "still answer).  A message pipe is put in message read mode: each line\n"
    "of input is sent as one message, and each message is printed as one\n"
    "line.  A one-way pipe is used in the direction its server allows.\n"
    "\n"
    "PIPE is a bare name (\"echo\" is \\\\.\\pipe\\echo) or a full one.\n"
    "\n"
    "Options:\n"
    "  --timeout MS   how long to wait (WaitNamedPipe) while every instance\n"
    "                 is busy; default 5000\n"
    "\n"
    "Exit status: 0 when the server ended the connection; 1 on a Windows\n"
    "error (ERROR_FILE_NOT_FOUND: no such pipe; ERROR_PIPE_BUSY: every\n"
    "instance stayed busy); 2 for a bad command line.\n";

/* ---- serve: options and the command line of COMMAND ---------------------- */

struct serve_opts {
    const char *pipe;
    char name[512];
    char *cmdline; /* COMMAND as a Windows command line (malloc'ed) */
    DWORD instances, clients;
    int message, is_public, verbose, has_clients;
};

/* Appends s to the malloc'ed string *out. */
static int str_append(char **out, size_t *len, const char *s, size_t n)
{
    char *grown = realloc(*out, *len + n + 1);
    if (!grown)
        return 0;
    memcpy(grown + *len, s, n);
    *len += n;
    grown[*len] = '\0';
    *out = grown;
    return 1;
}

/*
 * One argument as the Microsoft C runtime will split it back: quoted when
 * it has blanks or quotes (or is empty), a quote preceded by backslashes
 * doubles them and gets one more, backslashes before the closing quote
 * double.
 */
static int cmdline_append_arg(char **out, size_t *len, const char *arg)
{
    int ok = 1;
    if (*arg && !strpbrk(arg, " \t\n\v\""))
        return str_append(out, len, arg, strlen(arg));
    ok &= str_append(out, len, "\"", 1);
    for (const char *p = arg;; p++) {
        size_t bs = 0;
        while (*p == '\\') {
            p++;
            bs++;
        }
        for (size_t i = 0; i < (*p == '"' ? bs * 2 + 1
                                : !*p     ? bs * 2
                                          : bs);
             i++)
            ok &= str_append(out, len, "\\", 1);
        if (!*p)
            break;
        ok &= str_append(out, len, p, 1);
    }
    return ok && str_append(out, len, "\"", 1);
}

/* COMMAND [ARG...] as a command line.  The program name follows simpler
 * rules (it ends at the closing quote): it cannot hold a quote. */
static int serve_cmdline(char **args, int n, char **out)
{
    size_t len = 0;
    int ok = 1;

    *out = NULL;
    if (strchr(args[0], '"'))
        return tool_usage_error("serve", "a COMMAND name cannot hold '\"'");
    if (strpbrk(args[0], " \t")) {
        ok &= str_append(out, &len, "\"", 1);
        ok &= str_append(out, &len, args[0], strlen(args[0]));
        ok &= str_append(out, &len, "\"", 1);
    } else {
        ok &= str_append(out, &len, args[0], strlen(args[0]));
    }
    for (int i = 1; i < n && ok; i++) {
        ok &= str_append(out, &len, " ", 1);
        ok &= cmdline_append_arg(out, &len, args[i]);
    }
    if (!ok)
        return tool_fail("serve", NULL, ERROR_NOT_ENOUGH_MEMORY);
    return TOOL_EXIT_OK;
}

static int serve_parse(int argc, char **argv, struct serve_opts *o)
{
    int i, r;

    memset(o, 0, sizeof *o);
    o->instances = PIPE_UNLIMITED_INSTANCES;
    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *v;
        if (tool_is_help(argv[i])) {
            fputs(serve_help, stdout);
            return -1;
        }
        if ((r = tool_opt_value("serve", argc, argv, &i, "--instances", &v))) {
            if (r < 0 ||
                !tool_parse_dword("serve", "--instances", v, &o->instances))
                return TOOL_EXIT_USAGE;
            if (o->instances < 1 || o->instances >= PIPE_UNLIMITED_INSTANCES)
                return tool_usage_error("serve", "--instances: 1 to 254");
        } else if ((r = tool_opt_value("serve", argc, argv, &i, "--clients",
                                       &v))) {
            if (r < 0 ||
                !tool_parse_dword("serve", "--clients", v, &o->clients))
                return TOOL_EXIT_USAGE;
            o->has_clients = 1;
        } else if (strcmp(argv[i], "--message") == 0) {
            o->message = 1;
        } else if (strcmp(argv[i], "--public") == 0) {
            o->is_public = 1;
        } else if (strcmp(argv[i], "--verbose") == 0 ||
                   strcmp(argv[i], "-v") == 0) {
            o->verbose = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return tool_usage_error("serve", "unknown option '%s'", argv[i]);
        } else if (!o->pipe) {
            o->pipe = argv[i];
        } else {
            return tool_usage_error("serve",
                                    "unexpected argument '%s' (the "
                                    "COMMAND goes after '--')",
                                    argv[i]);
        }
    }
    if (!o->pipe)
        return tool_usage_error("serve", "a PIPE name is needed");
    if (i + 1 >= argc)
        return tool_usage_error("serve", "a COMMAND is needed after '--'");
    tool_object_name("pipe", o->pipe, o->name, sizeof o->name);
    return serve_cmdline(argv + i + 1, argc - i - 1, &o->cmdline);
}

/* ---- serve: one client --------------------------------------------------- */

struct session {
    const struct serve_opts *opts;
    HANDLE pipe;
    HANDLE child_in;  /* writes COMMAND's stdin */
    HANDLE child_out; /* reads COMMAND's stdout */
    HANDLE process;
    DWORD pid, client_pid;
    unsigned long id;
};

static struct {
    HANDLE spawn_lock; /* auto-reset event used as a lock: signalled = free */
    HANDLE ended;      /* auto-reset: a session has ended */
    atomic_int active; /* sessions running */
    HANDLE pool_lock;  /* the same kind of lock, for idle[] */
    HANDLE idle[PIPE_UNLIMITED_INSTANCES]; /* disconnected instances */
    int nidle;
} serve_state;

/*
 * Finished instances are disconnected and kept for the next clients, as
 * Windows servers do, rather than closed: a pipe name lives only while an
 * instance does, so closing the last one (while the server loop has not
 * made the next) would make clients fail with ERROR_FILE_NOT_FOUND.
 */
static void pool_put(HANDLE pipe)
{
    int kept = 0;
    WaitForSingleObject(serve_state.pool_lock, INFINITE);
    if (serve_state.nidle < PIPE_UNLIMITED_INSTANCES) {
        serve_state.idle[serve_state.nidle++] = pipe;
        kept = 1;
    }
    SetEvent(serve_state.pool_lock);
    if (!kept)
        CloseHandle(pipe); /* more than enough are idle */
}

static HANDLE pool_get(void)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    WaitForSingleObject(serve_state.pool_lock, INFINITE);
    if (serve_state.nidle > 0)
        h = serve_state.idle[--serve_state.nidle];
    SetEvent(serve_state.pool_lock);
    return h;
}

/* The client has had everything (FlushFileBuffers), then the instance is
 * disconnected and goes back to the pool. */
static void session_release_pipe(HANDLE pipe)
{
    FlushFileBuffers(pipe);
    if (DisconnectNamedPipe(pipe))
        pool_put(pipe);
    else
        CloseHandle(pipe);
}

/*
 * Starts COMMAND on two new anonymous pipes.  Their child ends are made
 * inheritable only under the spawn lock, so that a COMMAND started for
 * another client at the same moment cannot inherit them (a pipe whose
 * write end leaks into another process would never report its end).
 */
static DWORD session_spawn(struct session *s)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE in_r = NULL, out_w = NULL;
    char *cmdline = strdup(s->opts->cmdline);
    DWORD err = 0;

    if (!cmdline)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!CreatePipe(&in_r, &s->child_in, &sa, 0) ||
        !CreatePipe(&s->child_out, &out_w, &sa, 0)) {
        err = GetLastError();
        goto done;
    }
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    WaitForSingleObject(serve_state.spawn_lock, INFINITE);
    SetHandleInformation(in_r, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    SetHandleInformation(out_w, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    if (!CreateProcessA(NULL, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                        &pi))
        err = GetLastError();
    /* COMMAND has its own copies now: ours would keep its pipes open, and
     * must go before the lock does, while they are still inheritable. */
    CloseHandle(in_r);
    CloseHandle(out_w);
    in_r = out_w = NULL;
    SetEvent(serve_state.spawn_lock);
    if (!err) {
        CloseHandle(pi.hThread);
        s->process = pi.hProcess;
        s->pid = pi.dwProcessId;
    }
done:
    if (in_r)
        CloseHandle(in_r);
    if (out_w)
        CloseHandle(out_w);
    free(cmdline);
    return err;
}

/* The client's data to COMMAND's stdin, then COMMAND's stdin ends. */
static DWORD WINAPI session_input(LPVOID arg)
{
    struct session *s = arg;
    struct copy_end end;

    if (s->opts->message)
        copy_messages_to_lines(s->pipe, s->child_in, &end);
    else
        copy_bytes(s->pipe, s->child_in, &end);
    CloseHandle(s->child_in);
    s->child_in = NULL;
    return 0;
}

/* COMMAND's stdout to the client. */
static void session_output(struct session *s)
{
    struct copy_end end;

    if (s->opts->message)
        copy_lines_to_messages(s->child_out, s->pipe, &end);
    else
        copy_bytes(s->child_out, s->pipe, &end);
    /* Closing our end tells COMMAND that nobody reads any more. */
    CloseHandle(s->child_out);
    s->child_out = NULL;
}

static void session_finish(struct session *s)
{
    DWORD code = 0;
    if (s->child_in) /* the input thread could not start */
        CloseHandle(s->child_in);
    if (s->child_out)
        CloseHandle(s->child_out);
    if (s->process) {
        WaitForSingleObject(s->process, INFINITE);
        GetExitCodeProcess(s->process, &code);
        if (s->opts->verbose)
            fprintf(stderr,
                    "winipc serve: client %lu: COMMAND (pid %lu) "
                    "exited with status %lu\n",
                    s->id, (unsigned long)s->pid, (unsigned long)code);
        CloseHandle(s->process);
    }
    free(s);
    atomic_fetch_sub(&serve_state.active, 1);
    SetEvent(serve_state.ended);
}

static DWORD WINAPI session_run(LPVOID arg)
{
    struct session *s = arg;
    DWORD err = session_spawn(s);
    HANDLE input;

    if (err) {
        char what[64];
        snprintf(what, sizeof what, "client %lu: starting COMMAND", s->id);
        tool_fail("serve", what, err);
        session_release_pipe(s->pipe);
        session_finish(s);
        return 0;
    }
    if (s->opts->verbose)
        fprintf(stderr,
                "winipc serve: client %lu (pid %lu): COMMAND is pid "
                "%lu\n",
                s->id, (unsigned long)s->client_pid, (unsigned long)s->pid);
    input = CreateThread(NULL, 0, session_input, s, 0, NULL);
    if (input)
        session_output(s);
    /* COMMAND's output has ended (or the client has gone): stop reading
     * from the client too, which wakes the input thread. */
    shutdown(winipc_handle_fd(s->pipe), SHUT_RD);
    if (input) {
        WaitForSingleObject(input, INFINITE);
        CloseHandle(input);
    }
    /* The client reads what is still queued, then the pipe's end. */
    session_release_pipe(s->pipe);
    session_finish(s);
    return 0;
}

/* ---- serve: the server loop ---------------------------------------------- */

/* An instance to listen on, from the pool or new; waits for a session to
 * end while every instance is taken.  INVALID_HANDLE_VALUE with the error
 * printed. */
static HANDLE serve_instance(const struct serve_opts *o)
{
    SECURITY_ATTRIBUTES sa;
    SECURITY_DESCRIPTOR sd;
    DWORD mode = o->message ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE
                            : PIPE_TYPE_BYTE | PIPE_READMODE_BYTE;

    for (;;) {
        HANDLE h = pool_get();
        DWORD err;
        if (h != INVALID_HANDLE_VALUE)
            return h;
        h = CreateNamedPipeA(o->name, PIPE_ACCESS_DUPLEX, mode | PIPE_WAIT,
                             o->instances, 65536, 65536, 0,
                             o->is_public ? tool_public_sa(&sa, &sd) : NULL);
        err = GetLastError();
        if (h != INVALID_HANDLE_VALUE)
            return h;
        if (err != ERROR_PIPE_BUSY || atomic_load(&serve_state.active) == 0) {
            tool_fail("serve", o->name, err);
            return INVALID_HANDLE_VALUE;
        }
        WaitForSingleObject(serve_state.ended, INFINITE);
    }
}

/* Hands a connected instance to a new session thread. */
static int serve_client(const struct serve_opts *o, HANDLE pipe,
                        unsigned long id)
{
    struct session *s = calloc(1, sizeof *s);
    HANDLE t;

    if (!s) {
        CloseHandle(pipe);
        return tool_fail("serve", NULL, ERROR_NOT_ENOUGH_MEMORY);
    }
    s->opts = o;
    s->pipe = pipe;
    s->id = id;
    GetNamedPipeClientProcessId(pipe, (PULONG)&s->client_pid);
    atomic_fetch_add(&serve_state.active, 1);
    t = CreateThread(NULL, 0, session_run, s, 0, NULL);
    if (!t) {
        DWORD err = GetLastError();
        CloseHandle(pipe);
        free(s);
        atomic_fetch_sub(&serve_state.active, 1);
        return tool_fail("serve", NULL, err);
    }
    CloseHandle(t);
    return TOOL_EXIT_OK;
}

static int serve_loop(const struct serve_opts *o)
{
    unsigned long served = 0;
    int status = TOOL_EXIT_OK;

    while (!o->has_clients || served < o->clients) {
        HANDLE pipe = serve_instance(o);
        if (pipe == INVALID_HANDLE_VALUE) {
            status = TOOL_EXIT_FAIL;
            break;
        }
        if (!ConnectNamedPipe(pipe, NULL) &&
            GetLastError() != ERROR_PIPE_CONNECTED) {
            DWORD err = GetLastError();
            if (err == ERROR_NO_DATA) { /* the client came and went */
                session_release_pipe(pipe);
                continue;
            }
            CloseHandle(pipe);
            status = tool_fail("serve", o->name, err);
            break;
        }
        served++;
        status = serve_client(o, pipe, served);
        if (status != TOOL_EXIT_OK)
            break;
    }
    while (atomic_load(&serve_state.active) > 0)
        WaitForSingleObject(serve_state.ended, INFINITE);
    return status;
}

int cmd_serve(int argc, char **argv)
{
    struct serve_opts o;
    HANDLE err_h;
    int status = serve_parse(argc, argv, &o);

    if (status != TOOL_EXIT_OK) {
        free(o.cmdline);
        return status < 0 ? TOOL_EXIT_OK : status;
    }
    serve_state.spawn_lock = CreateEventA(NULL, FALSE, TRUE, NULL);
    serve_state.ended = CreateEventA(NULL, FALSE, FALSE, NULL);
    serve_state.pool_lock = CreateEventA(NULL, FALSE, TRUE, NULL);
    if (!serve_state.spawn_lock || !serve_state.ended ||
        !serve_state.pool_lock) {
        free(o.cmdline);
        return tool_fail("serve", NULL, GetLastError());
    }
    /* COMMANDs share our standard error: STARTF_USESTDHANDLES wants it
     * inheritable. */
    err_h = GetStdHandle(STD_ERROR_HANDLE);
    if (err_h && err_h != INVALID_HANDLE_VALUE)
        SetHandleInformation(err_h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    status = serve_loop(&o);
    while (serve_state.nidle > 0)
        CloseHandle(serve_state.idle[--serve_state.nidle]);
    CloseHandle(serve_state.spawn_lock);
    CloseHandle(serve_state.ended);
    CloseHandle(serve_state.pool_lock);
    free(o.cmdline);
    return status;
}

/* ---- connect ---------------------------------------------------------- */

struct conn {
    HANDLE pipe;
    int message;
    int can_read, can_write;
};

static ULONGLONG now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ULONGLONG)ts.tv_sec * 1000u + (ULONGLONG)ts.tv_nsec / 1000000u;
}

/* Opens the pipe in the directions its server allows, waiting up to
 * timeout ms while every instance is busy.  0 or the error. */
static DWORD connect_open(const char *name, DWORD timeout, struct conn *c)
{
    static const DWORD tries[] = {GENERIC_READ | GENERIC_WRITE, GENERIC_WRITE,
                                  GENERIC_READ};
    ULONGLONG deadline = now_ms() + timeout, now;
    DWORD err = 0;

    for (;;) {
        for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
            c->pipe =
                CreateFileA(name, tries[i], 0, NULL, OPEN_EXISTING, 0, NULL);
            if (c->pipe != INVALID_HANDLE_VALUE) {
                c->can_read = (tries[i] & GENERIC_READ) != 0;
                c->can_write = (tries[i] & GENERIC_WRITE) != 0;
                return 0;
            }
            err = GetLastError();
            if (err != ERROR_ACCESS_DENIED)
                break; /* only a one-way pipe is worth another try */
        }
        if (err != ERROR_PIPE_BUSY)
            return err;
        now = now_ms();
        if (now >= deadline)
            return ERROR_PIPE_BUSY;
        /* Another client may take the instance first: then try again. */
        if (!WaitNamedPipeA(name, (DWORD)(deadline - now))) {
            err = GetLastError();
            return err == ERROR_SEM_TIMEOUT ? ERROR_PIPE_BUSY : err;
        }
    }
}

/* stdin to the pipe, then the half-close. */
static DWORD WINAPI connect_input(LPVOID arg)
{
    struct conn *c = arg;
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    struct copy_end end = {0, 0};

    if (in && in != INVALID_HANDLE_VALUE) {
        if (c->message)
            copy_lines_to_messages(in, c->pipe, &end);
        else
            copy_bytes(in, c->pipe, &end);
    }
    if (!end.by_dest)
        shutdown(winipc_handle_fd(c->pipe), SHUT_WR);
    return 0;
}

static int connect_parse(int argc, char **argv, const char **pipe,
                         DWORD *timeout)
{
    *pipe = NULL;
    *timeout = 5000;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (tool_is_help(argv[i])) {
            fputs(connect_help, stdout);
            return -1;
        }
        if ((r = tool_opt_value("connect", argc, argv, &i, "--timeout", &v))) {
            if (r < 0 || !tool_parse_dword("connect", "--timeout", v, timeout))
                return TOOL_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return tool_usage_error("connect", "unknown option '%s'", argv[i]);
        } else if (!*pipe) {
            *pipe = argv[i];
        } else {
            return tool_usage_error("connect", "unexpected argument '%s'",
                                    argv[i]);
        }
    }
    if (!*pipe)
        return tool_usage_error("connect", "a PIPE name is needed");
    return TOOL_EXIT_OK;
}

int cmd_connect(int argc, char **argv)
{
    struct conn c = {NULL, 0, 0, 0};
    struct copy_end end = {0, 0};
    const char *arg;
    char name[512];
    DWORD timeout, flags = 0, err;
    HANDLE input = NULL, out;
    int status = connect_parse(argc, argv, &arg, &timeout);

    if (status != TOOL_EXIT_OK)
        return status < 0 ? TOOL_EXIT_OK : status;
    tool_object_name("pipe", arg, name, sizeof name);
    err = connect_open(name, timeout, &c);
    if (err)
        return tool_fail("connect", name, err);
    if (GetNamedPipeInfo(c.pipe, &flags, NULL, NULL, NULL) &&
        (flags & PIPE_TYPE_MESSAGE)) {
        DWORD mode = PIPE_READMODE_MESSAGE;
        c.message = SetNamedPipeHandleState(c.pipe, &mode, NULL, NULL);
    }
    if (c.can_write) {
        input = CreateThread(NULL, 0, connect_input, &c, 0, NULL);
        if (!input) {
            err = GetLastError();
            CloseHandle(c.pipe);
            return tool_fail("connect", NULL, err);
        }
    }
    out = GetStdHandle(STD_OUTPUT_HANDLE);
    if (c.can_read) {
        if (c.message)
            copy_messages_to_lines(c.pipe, out, &end);
        else
            copy_bytes(c.pipe, out, &end);
    } else {
        WaitForSingleObject(input, INFINITE);
    }
    /* The server's side has ended (or nobody reads our output): whatever
     * stdin still holds has nowhere to go. */
    if (!end.by_dest && end.err)
        status = tool_fail("connect", name, end.err);
    /* Returning ends the process, and the stdin thread with it (it may be
     * blocked reading a terminal): the pipe is closed by the exit. */
    return status;
}
