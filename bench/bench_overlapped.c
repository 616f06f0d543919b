/*
 * bench_overlapped.c: the cost of overlapped I/O, against the blocking
 * calls on the same pipe in the same run (issue 14's targets).
 *
 *   rtt64      64-byte message round trips through a named pipe: a client
 *              thread writes and reads, an echo thread answers with
 *              blocking calls.  Baseline: the client's handle is a plain
 *              one (blocking WriteFile/ReadFile).  Measured: the client's
 *              handle is opened with FILE_FLAG_OVERLAPPED; each round trip
 *              is WriteFile and ReadFile with an OVERLAPPED and its event,
 *              then GetOverlappedResult(TRUE) (the read pends: the reply
 *              is not there yet).  Target: <= 1.3x the time.  Both sides'
 *              client and echo threads are pinned alike, as bench_npipe's
 *              round trip is: to one CPU (rtt64.same), then to two
 *              (rtt64.diff); --pin same|diff runs one of them, --pin none
 *              leaves the threads where the scheduler puts them.  A round
 *              trip takes about 10 us on one CPU and about 40 us across
 *              two on this VM, and an unpinned run measures wherever the
 *              scheduler happened to put each side in each round (it
 *              keeps a placement for a while, so the rounds alternated
 *              with the order of the two sides: bench/RESULTS.md).
 *   iocp_vs_epoll  the same completion-port server against a raw one:
 *              AF_UNIX stream sockets served by 2 threads on an epoll set.
 *              The clients of both are N threads of another process doing
 *              blocking writes and reads, as a real server's clients are
 *              (--inproc: threads of the measuring process).  Linux only;
 *              issue 14's target: >= 0.8 of the raw server's messages per
 *              second with 1,000 clients.  Reported as messages per
 *              second, winipc / raw (higher is better).
 *   iocp_echo  an echo server on a completion port with 2 worker threads
 *              serving N client threads (64-byte messages, each client
 *              waits for its reply before the next); baseline: the same
 *              server with one thread per client doing blocking calls.
 *              Reported as time per message.
 *
 * Each repetition times the baseline and the overlapped side one after
 * the other, alternating which goes first; the ratio is overlapped /
 * baseline, so lower is better.  Prints RESULT lines as bench_npipe does.
 * It builds with MinGW too, for the Windows reference under Wine.
 */
#define BENCH_NAME "bench_overlapped"
#include "bench_common.h"

static int opt_reps = 9;
static double opt_time = 0.2;
static int opt_clients = 16;
static const char *opt_only = "";
static const char *opt_side = ""; /* one side alone: iocp_vs_epoll "port" or
                                   * "raw", rtt64 "overlapped" or "blocking" */
static const char *opt_pin = "";  /* rtt64: "same", "diff" or "none" alone */
static int opt_verbose;           /* each round's times on stderr */

static char pipe_name[128];

/* ---- rtt64 -------------------------------------------------------------------- */

struct rtt_side {
    HANDLE server, client, thread, event;
    int overlapped;
    int echo_cpu; /* the echo thread's CPU, -1: not pinned */
};

static DWORD WINAPI echo_thread(LPVOID arg)
{
    struct rtt_side *r = arg;
    char buf[64];
    DWORD n, w;
    if (r->echo_cpu >= 0)
        pin_self(r->echo_cpu);
    if (!ConnectNamedPipe(r->server, NULL) &&
        GetLastError() != ERROR_PIPE_CONNECTED)
        die("ConnectNamedPipe");
    while (ReadFile(r->server, buf, sizeof buf, &n, NULL))
        if (!WriteFile(r->server, buf, n, &w, NULL))
            break;
    return 0;
}

static void rtt_open(struct rtt_side *r, int overlapped, int tag, int echo_cpu)
{
    DWORD mode = PIPE_READMODE_MESSAGE;
    snprintf(pipe_name, sizeof pipe_name, "\\\\.\\pipe\\bench-ov-%lu-%d",
             (unsigned long)GetCurrentProcessId(), tag);
    r->server = CreateNamedPipeA(pipe_name, PIPE_ACCESS_DUPLEX,
                                 PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1,
                                 4096, 4096, 0, NULL);
    if (r->server == INVALID_HANDLE_VALUE)
        die("CreateNamedPipeA");
    r->echo_cpu = echo_cpu;
    r->thread = CreateThread(NULL, 0, echo_thread, r, 0, NULL);
    r->client = CreateFileA(pipe_name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                            OPEN_EXISTING,
                            overlapped ? FILE_FLAG_OVERLAPPED : 0, NULL);
    if (r->client == INVALID_HANDLE_VALUE)
        die("CreateFileA");
    if (!SetNamedPipeHandleState(r->client, &mode, NULL, NULL))
        die("SetNamedPipeHandleState");
    r->event = CreateEventA(NULL, TRUE, FALSE, NULL);
    r->overlapped = overlapped;
}

static void rtt_close(struct rtt_side *r)
{
    CloseHandle(r->client);
    WaitForSingleObject(r->thread, INFINITE);
    CloseHandle(r->thread);
    CloseHandle(r->server);
    CloseHandle(r->event);
}

static void rtt_once(struct rtt_side *r)
{
    char msg[64] = "ping", buf[64];
    DWORD n;
    if (!r->overlapped) {
        if (!WriteFile(r->client, msg, sizeof msg, &n, NULL) ||
            !ReadFile(r->client, buf, sizeof buf, &n, NULL) || n != sizeof msg)
            die("blocking round trip");
        return;
    }
    {
        OVERLAPPED ow, orr;
        memset(&ow, 0, sizeof ow);
        memset(&orr, 0, sizeof orr);
        ow.hEvent = r->event;
        if (!WriteFile(r->client, msg, sizeof msg, &n, &ow) &&
            (GetLastError() != ERROR_IO_PENDING ||
             !GetOverlappedResult(r->client, &ow, &n, TRUE)))
            die("overlapped write");
        orr.hEvent = r->event;
        if (!ReadFile(r->client, buf, sizeof buf, &n, &orr) &&
            (GetLastError() != ERROR_IO_PENDING ||
             !GetOverlappedResult(r->client, &orr, &n, TRUE)))
            die("overlapped read");
        if (n != sizeof msg)
            die("overlapped read size");
    }
}

/* Seconds per round trip over about secs. */
static double rtt_batch(struct rtt_side *r, double secs)
{
    double t0 = now_s(), t;
    long n = 0;
    do {
        for (int i = 0; i < 64; i++)
            rtt_once(r);
        n += 64;
        t = now_s() - t0;
    } while (t < secs);
    return t / (double)n;
}

/* ---- iocp_echo ------------------------------------------------------------------- */

enum { MSGS_PER_CLIENT_BATCH = 32 };

struct echo_inst {
    HANDLE pipe;
    OVERLAPPED ov;
    int reading;
    char buf[64];
};

struct echo_server {
    int iocp;
    HANDLE port;
    struct echo_inst *inst;
    HANDLE *threads;
    int nthreads;
};

static DWORD WINAPI iocp_worker(LPVOID arg)
{
    struct echo_server *e = arg;
    for (;;) {
        OVERLAPPED *pov = NULL;
        ULONG_PTR key;
        DWORD n;
        BOOL ok = GetQueuedCompletionStatus(e->port, &n, &key, &pov, INFINITE);
        struct echo_inst *in;
        if (!pov)
            return 0;
        in = &e->inst[key];
        if (!ok)
            continue; /* the client left: this instance is done */
        memset(&in->ov, 0, sizeof in->ov);
        if (in->reading) {
            in->reading = 0;
            if (!WriteFile(in->pipe, in->buf, n, NULL, &in->ov) &&
                GetLastError() != ERROR_IO_PENDING)
                continue;
        } else {
            in->reading = 1;
            if (!ReadFile(in->pipe, in->buf, sizeof in->buf, NULL, &in->ov) &&
                GetLastError() != ERROR_IO_PENDING)
                continue;
        }
    }
}

static DWORD WINAPI blocking_worker(LPVOID arg)
{
    struct echo_inst *in = arg;
    DWORD n, w;
    if (!ConnectNamedPipe(in->pipe, NULL) &&
        GetLastError() != ERROR_PIPE_CONNECTED)
        return 1;
    while (ReadFile(in->pipe, in->buf, sizeof in->buf, &n, NULL))
        if (!WriteFile(in->pipe, in->buf, n, &w, NULL))
            break;
    return 0;
}

struct echo_client {
    HANDLE h;
    HANDLE thread;
    volatile LONG *go; /* 1: run a batch; 0: stop */
    HANDLE start, done;
};

static DWORD WINAPI client_thread(LPVOID arg)
{
    struct echo_client *c = arg;
    char msg[64] = "hello", buf[64];
    DWORD n;
    for (;;) {
        WaitForSingleObject(c->start, INFINITE);
        if (!*c->go)
            return 0;
        for (int i = 0; i < MSGS_PER_CLIENT_BATCH; i++)
            if (!WriteFile(c->h, msg, sizeof msg, &n, NULL) ||
                !ReadFile(c->h, buf, sizeof buf, &n, NULL))
                die("echo client");
        SetEvent(c->done);
    }
}

struct echo_side {
    struct echo_server srv;
    struct echo_client *cl;
    volatile LONG go;
};

static void echo_open(struct echo_side *s, int iocp, int tag)
{
    int n = opt_clients;
    snprintf(pipe_name, sizeof pipe_name, "\\\\.\\pipe\\bench-echo-%lu-%d",
             (unsigned long)GetCurrentProcessId(), tag);
    s->srv.iocp = iocp;
    s->srv.inst = calloc((size_t)n, sizeof *s->srv.inst);
    s->cl = calloc((size_t)n, sizeof *s->cl);
    s->go = 1;
    if (iocp)
        s->srv.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 2);
    s->srv.nthreads = iocp ? 2 : n;
    s->srv.threads = calloc((size_t)s->srv.nthreads, sizeof(HANDLE));
    for (int i = 0; i < n; i++) {
        struct echo_inst *in = &s->srv.inst[i];
        in->pipe = CreateNamedPipeA(
            pipe_name, PIPE_ACCESS_DUPLEX | (iocp ? FILE_FLAG_OVERLAPPED : 0),
            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, PIPE_UNLIMITED_INSTANCES,
            4096, 4096, 0, NULL);
        if (in->pipe == INVALID_HANDLE_VALUE)
            die("CreateNamedPipeA (echo)");
        if (iocp) {
            if (CreateIoCompletionPort(in->pipe, s->srv.port, (ULONG_PTR)i, 0) !=
                s->srv.port)
                die("CreateIoCompletionPort");
            /* The connect's completion starts the first read. */
            if (ConnectNamedPipe(in->pipe, &in->ov) ||
                GetLastError() != ERROR_IO_PENDING)
                die("ConnectNamedPipe (iocp)");
        } else {
            s->srv.threads[i] = CreateThread(NULL, 0, blocking_worker, in, 0,
                                             NULL);
        }
    }
    if (iocp)
        for (int i = 0; i < 2; i++)
            s->srv.threads[i] = CreateThread(NULL, 0, iocp_worker, &s->srv, 0,
                                             NULL);
    for (int i = 0; i < n; i++) {
        struct echo_client *c = &s->cl[i];
        DWORD mode = PIPE_READMODE_MESSAGE;
        c->h = CreateFileA(pipe_name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, 0, NULL);
        if (c->h == INVALID_HANDLE_VALUE)
            die("CreateFileA (echo)");
        SetNamedPipeHandleState(c->h, &mode, NULL, NULL);
        c->go = &s->go;
        c->start = CreateEventA(NULL, FALSE, FALSE, NULL);
        c->done = CreateEventA(NULL, FALSE, FALSE, NULL);
        c->thread = CreateThread(NULL, 0, client_thread, c, 0, NULL);
    }
}

static void echo_close(struct echo_side *s)
{
    int n = opt_clients;
    s->go = 0;
    for (int i = 0; i < n; i++) {
        SetEvent(s->cl[i].start);
        WaitForSingleObject(s->cl[i].thread, INFINITE);
        CloseHandle(s->cl[i].thread);
        CloseHandle(s->cl[i].h);
        CloseHandle(s->cl[i].start);
        CloseHandle(s->cl[i].done);
    }
    if (s->srv.iocp)
        for (int i = 0; i < 2; i++)
            PostQueuedCompletionStatus(s->srv.port, 0, 0, NULL);
    for (int i = 0; i < s->srv.nthreads; i++) {
        WaitForSingleObject(s->srv.threads[i], INFINITE);
        CloseHandle(s->srv.threads[i]);
    }
    for (int i = 0; i < n; i++)
        CloseHandle(s->srv.inst[i].pipe);
    if (s->srv.iocp)
        CloseHandle(s->srv.port);
    free(s->srv.inst);
    free(s->srv.threads);
    free(s->cl);
}

/* Seconds per message over about secs: every client runs batches. */
static double echo_batch(struct echo_side *s, double secs)
{
    double t0 = now_s(), t;
    long msgs = 0;
    do {
        for (int i = 0; i < opt_clients; i++)
            SetEvent(s->cl[i].start);
        for (int i = 0; i < opt_clients; i++)
            WaitForSingleObject(s->cl[i].done, INFINITE);
        msgs += (long)opt_clients * MSGS_PER_CLIENT_BATCH;
        t = now_s() - t0;
    } while (t < secs);
    return t / (double)msgs;
}


#ifndef _WIN32
/* ---- iocp_vs_epoll: the completion-port echo server against the same
 * echo, raw: AF_UNIX stream sockets served by 2 threads on one epoll set (a
 * watch armed once per message).  Linux only: the baseline.
 *
 * The clients live in another process, as a real server's do, the same
 * for both servers: this program started again ("--vs-clients KIND
 * TARGET N"), N threads each with its own connection (a named pipe client
 * handle opened by name, or a socket connected to the raw server's
 * listening address) doing blocking 64-byte writes and reads.  The
 * measuring process orders each batch through a pipe ('g': every thread
 * makes MSGS_PER_CLIENT_BATCH round trips; 'd' comes back when all are
 * done).  --inproc runs the same client threads in the measuring process
 * instead (the benchmark of 2026-12-07 and before). ---------------------- */

#include <pthread.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/prctl.h>

static int opt_inproc;

/* How long a batch, or the clients' connecting, may take before the run
 * is given up as hung (a lost message would otherwise stall it for
 * ever): far more than a batch takes even on a loaded machine. */
#define VS_STALL_MS 120000

/* The client threads and how they are told to run a batch. */
struct vs_clients {
    int raw, n;
    HANDLE *h; /* winipc: named pipe client handles */
    int *fd;   /* raw: connected sockets */
    pthread_t *t;
    pthread_mutex_t m;
    pthread_cond_t go, done;
    unsigned gen; /* batches ordered so far */
    int left;     /* threads still running the current batch */
    int stop;
};

struct vs_client_arg {
    struct vs_clients *c;
    int i;
};

static void *vs_client_thread(void *arg)
{
    struct vs_client_arg *a = arg;
    struct vs_clients *c = a->c;
    char msg[64] = "hello", buf[64];
    unsigned seen = 0;
    for (;;) {
        pthread_mutex_lock(&c->m);
        while (c->gen == seen && !c->stop)
            pthread_cond_wait(&c->go, &c->m);
        seen = c->gen;
        if (c->stop) {
            pthread_mutex_unlock(&c->m);
            return NULL;
        }
        pthread_mutex_unlock(&c->m);
        for (int k = 0; k < MSGS_PER_CLIENT_BATCH; k++) {
            if (c->raw) {
                if (send(c->fd[a->i], msg, sizeof msg, MSG_NOSIGNAL) !=
                        sizeof msg ||
                    recv(c->fd[a->i], buf, sizeof buf, MSG_WAITALL) !=
                        sizeof buf)
                    die("raw echo client");
            } else {
                DWORD n;
                if (!WriteFile(c->h[a->i], msg, sizeof msg, &n, NULL) ||
                    !ReadFile(c->h[a->i], buf, sizeof buf, &n, NULL) ||
                    n != sizeof msg)
                    die("echo client");
            }
        }
        pthread_mutex_lock(&c->m);
        if (--c->left == 0)
            pthread_cond_signal(&c->done);
        pthread_mutex_unlock(&c->m);
    }
}

static socklen_t vs_raw_addr(pid_t server, struct sockaddr_un *sa)
{
    int n;
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    n = snprintf(sa->sun_path + 1, sizeof sa->sun_path - 1,
                 "winipc-bench-ov-raw-%d", (int)server);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* Connects n clients to target (the pipe's name, or the raw server's pid)
 * and starts their threads. */
static void vs_clients_open(struct vs_clients *c, int raw, const char *target,
                            int n)
{
    pthread_attr_t attr;
    struct vs_client_arg *args = calloc((size_t)n, sizeof *args);
    memset(c, 0, sizeof *c);
    c->raw = raw;
    c->n = n;
    c->h = calloc((size_t)n, sizeof *c->h);
    c->fd = calloc((size_t)n, sizeof *c->fd);
    c->t = calloc((size_t)n, sizeof *c->t);
    if (!args || !c->h || !c->fd || !c->t)
        die("calloc");
    pthread_mutex_init(&c->m, NULL);
    pthread_cond_init(&c->go, NULL);
    pthread_cond_init(&c->done, NULL);
    for (int i = 0; i < n; i++) {
        if (raw) {
            struct sockaddr_un sa;
            socklen_t len = vs_raw_addr((pid_t)atoi(target), &sa);
            c->fd[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (c->fd[i] < 0 ||
                connect(c->fd[i], (struct sockaddr *)&sa, len) != 0)
                die("connect (raw echo client)");
        } else {
            DWORD mode = PIPE_READMODE_MESSAGE;
            for (;;) {
                c->h[i] = CreateFileA(target, GENERIC_READ | GENERIC_WRITE, 0,
                                      NULL, OPEN_EXISTING, 0, NULL);
                if (c->h[i] != INVALID_HANDLE_VALUE ||
                    GetLastError() != ERROR_PIPE_BUSY)
                    break;
                WaitNamedPipeA(target, 1000);
            }
            if (c->h[i] == INVALID_HANDLE_VALUE)
                die("CreateFileA (echo client)");
            if (!SetNamedPipeHandleState(c->h[i], &mode, NULL, NULL))
                die("SetNamedPipeHandleState (echo client)");
        }
    }
    /* Small stacks: a thousand of them. */
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (int i = 0; i < n; i++) {
        args[i] = (struct vs_client_arg){c, i};
        if (pthread_create(&c->t[i], &attr, vs_client_thread, &args[i]) != 0)
            die("pthread_create (echo client)");
    }
    pthread_attr_destroy(&attr);
    /* args stays allocated until the process ends (a few KiB). */
}

/* One batch: every client makes MSGS_PER_CLIENT_BATCH round trips. */
static void vs_clients_batch(struct vs_clients *c)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += VS_STALL_MS / 1000;
    pthread_mutex_lock(&c->m);
    c->left = c->n;
    c->gen++;
    pthread_cond_broadcast(&c->go);
    while (c->left > 0)
        if (pthread_cond_timedwait(&c->done, &c->m, &until) == ETIMEDOUT) {
            fprintf(stderr, BENCH_NAME ": %d of %d %s clients did not finish "
                            "their batch in %d s\n",
                    c->left, c->n, c->raw ? "raw" : "named pipe",
                    VS_STALL_MS / 1000);
            exit(2);
        }
    pthread_mutex_unlock(&c->m);
}

static void vs_clients_close(struct vs_clients *c)
{
    pthread_mutex_lock(&c->m);
    c->stop = 1;
    pthread_cond_broadcast(&c->go);
    pthread_mutex_unlock(&c->m);
    for (int i = 0; i < c->n; i++) {
        pthread_join(c->t[i], NULL);
        if (c->raw)
            close(c->fd[i]);
        else
            CloseHandle(c->h[i]);
    }
    free(c->h);
    free(c->fd);
    free(c->t);
}

/* The client process: "--vs-clients raw|port TARGET N"; orders on fd 3,
 * answers on fd 4 ('r' once connected, 'd' after each batch). */
static int vs_clients_main(int argc, char **argv)
{
    struct vs_clients c;
    char cmd;
    if (argc < 5)
        return 64;
    /* Never outlive the measuring process (one given up as hung). */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        return 2;
    vs_clients_open(&c, !strcmp(argv[2], "raw"), argv[3], atoi(argv[4]));
    if (write(4, "r", 1) != 1)
        die("write (clients)");
    while (read(3, &cmd, 1) == 1 && cmd == 'g') {
        vs_clients_batch(&c);
        if (write(4, "d", 1) != 1)
            die("write (clients)");
    }
    vs_clients_close(&c);
    return 0;
}

/* The clients of one server, seen from the measuring process. */
struct vs_peer {
    pid_t pid;             /* the client process (0: --inproc) */
    int raw;
    int cmd, reply;        /* its pipes */
    struct vs_clients in;  /* --inproc */
};

/* The client process's answer (want), waited for at most VS_STALL_MS:
 * a run that stalls ends with a message instead of hanging. */
static void vs_peer_answer(struct vs_peer *p, char want, const char *what)
{
    struct pollfd pfd = {p->reply, POLLIN, 0};
    char r;
    int n;
    do
        n = poll(&pfd, 1, VS_STALL_MS);
    while (n < 0 && errno == EINTR);
    if (n == 0) {
        fprintf(stderr, BENCH_NAME ": the %s clients' %s took more than "
                        "%d s: given up (stopped)\n",
                p->raw ? "raw" : "named pipe", what, VS_STALL_MS / 1000);
        kill(p->pid, SIGKILL);
        exit(2);
    }
    if (read(p->reply, &r, 1) != 1 || r != want)
        die("the client process");
}

static void vs_peer_start(struct vs_peer *p, int raw, const char *target)
{
    int to[2], from[2];
    char n[16];
    memset(p, 0, sizeof *p);
    p->raw = raw;
    if (opt_inproc) {
        vs_clients_open(&p->in, raw, target, opt_clients);
        return;
    }
    p->raw = raw;
    snprintf(n, sizeof n, "%d", opt_clients);
    if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0)
        die("pipe2");
    fflush(NULL);
    p->pid = fork();
    if (p->pid < 0)
        die("fork");
    if (p->pid == 0) {
        /* dup2 clears close-on-exec on the copies. */
        if (dup2(to[0], 3) != 3 || dup2(from[1], 4) != 4)
            _exit(127);
        execl(self_path, self_path, "--vs-clients", raw ? "raw" : "port",
              target, n, (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    p->cmd = to[1];
    p->reply = from[0];
}

/* Waits for the clients to be connected (after the server accepted them). */
static void vs_peer_ready(struct vs_peer *p)
{
    if (!opt_inproc)
        vs_peer_answer(p, 'r', "connections");
}

static void vs_peer_batch(struct vs_peer *p)
{
    if (opt_inproc) {
        vs_clients_batch(&p->in);
        return;
    }
    if (write(p->cmd, "g", 1) != 1)
        die("the client process");
    vs_peer_answer(p, 'd', "batch");
}

static void vs_peer_stop(struct vs_peer *p)
{
    int st;
    if (opt_inproc) {
        vs_clients_close(&p->in);
        return;
    }
    close(p->cmd);
    if (waitpid(p->pid, &st, 0) != p->pid || !WIFEXITED(st) ||
        WEXITSTATUS(st) != 0)
        die("the client process's exit");
    close(p->reply);
}

/* Seconds per message over about secs: every client runs batches. */
static double vs_batch(struct vs_peer *p, double secs)
{
    double t0 = now_s(), t;
    long msgs = 0;
    do {
        vs_peer_batch(p);
        msgs += (long)opt_clients * MSGS_PER_CLIENT_BATCH;
        t = now_s() - t0;
    } while (t < secs);
    return t / (double)msgs;
}

/* ---- The completion-port server ---- */

struct vs_port {
    struct echo_server srv;
    struct vs_peer peer;
};

static void vs_port_open(struct vs_port *s, int tag)
{
    int n = opt_clients;
    snprintf(pipe_name, sizeof pipe_name, "\\\\.\\pipe\\bench-vs-%lu-%d",
             (unsigned long)GetCurrentProcessId(), tag);
    memset(s, 0, sizeof *s);
    s->srv.iocp = 1;
    s->srv.inst = calloc((size_t)n, sizeof *s->srv.inst);
    s->srv.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 2);
    s->srv.nthreads = 2;
    s->srv.threads = calloc(2, sizeof(HANDLE));
    if (!s->srv.inst || !s->srv.port || !s->srv.threads)
        die("echo server");
    for (int i = 0; i < n; i++) {
        struct echo_inst *in = &s->srv.inst[i];
        in->pipe = CreateNamedPipeA(
            pipe_name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, PIPE_UNLIMITED_INSTANCES,
            4096, 4096, 0, NULL);
        if (in->pipe == INVALID_HANDLE_VALUE)
            die("CreateNamedPipeA (echo)");
        if (CreateIoCompletionPort(in->pipe, s->srv.port, (ULONG_PTR)i, 0) !=
            s->srv.port)
            die("CreateIoCompletionPort");
        /* The connect's completion starts the first read. */
        if (ConnectNamedPipe(in->pipe, &in->ov) ||
            GetLastError() != ERROR_IO_PENDING)
            die("ConnectNamedPipe (iocp)");
    }
    for (int i = 0; i < 2; i++)
        s->srv.threads[i] = CreateThread(NULL, 0, iocp_worker, &s->srv, 0,
                                         NULL);
    vs_peer_start(&s->peer, 0, pipe_name);
    vs_peer_ready(&s->peer);
}

static void vs_port_close(struct vs_port *s)
{
    vs_peer_stop(&s->peer);
    for (int i = 0; i < 2; i++)
        PostQueuedCompletionStatus(s->srv.port, 0, 0, NULL);
    for (int i = 0; i < 2; i++) {
        WaitForSingleObject(s->srv.threads[i], INFINITE);
        CloseHandle(s->srv.threads[i]);
    }
    for (int i = 0; i < opt_clients; i++)
        CloseHandle(s->srv.inst[i].pipe);
    CloseHandle(s->srv.port);
    free(s->srv.inst);
    free(s->srv.threads);
}

/* ---- The raw server ---- */

struct raw_echo {
    int epfd, lfd, n;
    int *srv;
    int stop[2];
    pthread_t workers[2];
    struct vs_peer peer;
};

/* All 64 bytes of a message in or out (a signal may cut a transfer
 * short): 1, or 0 if the client has closed its end (the run is over).
 * Any failure ends the run with what it was: a message given up silently
 * would leave its client waiting for ever. */
static int raw_xfer(int fd, char *buf, size_t len, int out)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = out ? send(fd, buf + done, len - done, MSG_NOSIGNAL)
                        : recv(fd, buf + done, len - done, MSG_WAITALL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 && !out && done == 0)
            return 0;
        if (n <= 0) {
            fprintf(stderr, BENCH_NAME ": raw echo server: %s on %d: %s\n",
                    out ? "send" : "recv", fd,
                    n == 0 ? "the client closed within a message"
                           : strerror(errno));
            exit(2);
        }
        done += (size_t)n;
    }
    return 1;
}

static void *raw_worker(void *arg)
{
    struct raw_echo *r = arg;
    struct epoll_event ev;
    char buf[64];
    for (;;) {
        int n = epoll_wait(r->epfd, &ev, 1, -1);
        if (n < 0 && errno != EINTR)
            die("epoll_wait (raw echo server)");
        if (n != 1)
            continue;
        if (ev.data.fd < 0)
            return NULL; /* the stop pipe */
        if (!raw_xfer(ev.data.fd, buf, sizeof buf, 0))
            continue; /* a client that closed: no longer watched */
        raw_xfer(ev.data.fd, buf, sizeof buf, 1);
        ev.events = EPOLLIN | EPOLLONESHOT;
        if (epoll_ctl(r->epfd, EPOLL_CTL_MOD, ev.data.fd, &ev) != 0)
            die("epoll_ctl (raw echo server)");
    }
}

static void raw_open(struct raw_echo *r)
{
    struct epoll_event ev;
    struct sockaddr_un sa;
    socklen_t len = vs_raw_addr(getpid(), &sa);
    char target[16];
    int n = opt_clients;
    memset(r, 0, sizeof *r);
    r->n = n;
    r->epfd = epoll_create1(EPOLL_CLOEXEC);
    r->srv = calloc((size_t)n, sizeof(int));
    r->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (r->epfd < 0 || !r->srv || r->lfd < 0 ||
        bind(r->lfd, (struct sockaddr *)&sa, len) != 0 ||
        listen(r->lfd, n < 128 ? 128 : n) != 0)
        die("raw echo server");
    if (pipe2(r->stop, O_CLOEXEC) != 0)
        die("pipe2");
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN; /* level: both workers see the stop */
    ev.data.fd = -1;
    if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->stop[0], &ev) != 0)
        die("epoll_ctl (raw echo server)");
    snprintf(target, sizeof target, "%d", (int)getpid());
    vs_peer_start(&r->peer, 1, target);
    for (int i = 0; i < n; i++) {
        if ((r->srv[i] = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
            die("accept4");
        ev.events = EPOLLIN | EPOLLONESHOT;
        ev.data.fd = r->srv[i];
        if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->srv[i], &ev) != 0)
            die("epoll_ctl (raw echo server)");
    }
    for (int i = 0; i < 2; i++)
        pthread_create(&r->workers[i], NULL, raw_worker, r);
    vs_peer_ready(&r->peer);
}

static void raw_close(struct raw_echo *r)
{
    vs_peer_stop(&r->peer);
    if (write(r->stop[1], "x", 1) != 1)
        die("write");
    for (int i = 0; i < 2; i++)
        pthread_join(r->workers[i], NULL);
    for (int i = 0; i < r->n; i++)
        close(r->srv[i]);
    close(r->stop[0]);
    close(r->stop[1]);
    close(r->lfd);
    close(r->epfd);
    free(r->srv);
}

/* One side of iocp_vs_epoll alone, for profilers and strace -c: the
 * per-message counts then come from one server only. */
static void run_vs_epoll_side(void)
{
    struct vs_port port;
    struct raw_echo raw;
    int is_port = !strcmp(opt_side, "port");
    double t;
    if (is_port)
        vs_port_open(&port, 3);
    else
        raw_open(&raw);
    t = vs_batch(is_port ? &port.peer : &raw.peer, opt_time * opt_reps);
    printf("RESULT iocp_vs_epoll %s %.2f us/msg (%.0f messages)\n",
           is_port ? "port_2_workers" : "raw_epoll_2_threads", t * 1e6,
           opt_time * opt_reps / t);
    if (is_port)
        vs_port_close(&port);
    else
        raw_close(&raw);
}

/* The completion port echo (2 workers) against the raw epoll echo. */
static void run_vs_epoll(void)
{
    struct vs_port port;
    struct raw_echo raw;
    double tr[MAX_REPS], to[MAX_REPS], q[MAX_REPS];
    if (*opt_side) {
        run_vs_epoll_side();
        return;
    }
    /* The raw side first: its clients' process starts before the named
     * pipe server has threads of its own. */
    raw_open(&raw);
    vs_port_open(&port, 3);
    vs_batch(&port.peer, 0.05);
    vs_batch(&raw.peer, 0.05);
    for (int r = 0; r < opt_reps; r++) {
        if (r % 2 == 0) {
            tr[r] = vs_batch(&raw.peer, opt_time);
            to[r] = vs_batch(&port.peer, opt_time);
        } else {
            to[r] = vs_batch(&port.peer, opt_time);
            tr[r] = vs_batch(&raw.peer, opt_time);
        }
        q[r] = tr[r] / to[r]; /* messages per second, winipc / raw */
    }
    printf("RESULT iocp_vs_epoll raw_epoll_2_threads %.2f us/msg\n",
           median(tr, opt_reps) * 1e6);
    printf("RESULT iocp_vs_epoll port_2_workers %.2f us/msg\n",
           median(to, opt_reps) * 1e6);
    report_ratios("iocp_vs_epoll", q, opt_reps);
    vs_port_close(&port);
    raw_close(&raw);
}
#endif

/* ---- Driver ------------------------------------------------------------------------ */

#define USAGE                                                                 \
    " [--clients N] [--side port|raw|overlapped|blocking] [--inproc]"        \
    " [--pin same|diff|none] [--verbose]"

/* One placement: the client (this thread) on client_cpu, both echo
 * threads on echo_cpu (-1: unpinned).  Results keyed rtt64.PIN. */
static void run_rtt_pinned(const char *pin, int client_cpu, int echo_cpu)
{
    struct rtt_side base, ov;
    double tb[MAX_REPS], to[MAX_REPS], q[MAX_REPS];
    char key[32];
    if (client_cpu >= 0)
        pin_self(client_cpu);
    snprintf(key, sizeof key, "rtt64.%s", pin);
    if (*opt_side) {
        /* One side alone, for profilers: its round trips are printed. */
        struct rtt_side *one = !strcmp(opt_side, "overlapped") ? &ov : &base;
        double t;
        rtt_open(one, one == &ov, one == &ov ? 2 : 1, echo_cpu);
        t = rtt_batch(one, opt_time * opt_reps);
        printf("RESULT %s %s %.2f us (%.0f round trips)\n", key, opt_side,
               t * 1e6, opt_time * opt_reps / t);
        rtt_close(one);
        return;
    }
    rtt_open(&base, 0, 1, echo_cpu);
    rtt_open(&ov, 1, 2, echo_cpu);
    rtt_batch(&base, 0.05);
    rtt_batch(&ov, 0.05);
    for (int r = 0; r < opt_reps; r++) {
        if (r % 2 == 0) {
            tb[r] = rtt_batch(&base, opt_time);
            to[r] = rtt_batch(&ov, opt_time);
        } else {
            to[r] = rtt_batch(&ov, opt_time);
            tb[r] = rtt_batch(&base, opt_time);
        }
        q[r] = to[r] / tb[r];
        if (opt_verbose)
            fprintf(stderr, "  %s round %d: blocking %.2f us, overlapped %.2f us\n",
                    key, r, tb[r] * 1e6, to[r] * 1e6);
    }
    printf("RESULT %s blocking %.2f us\n", key, median(tb, opt_reps) * 1e6);
    printf("RESULT %s overlapped %.2f us\n", key, median(to, opt_reps) * 1e6);
    report_ratios(key, q, opt_reps);
    rtt_close(&base);
    rtt_close(&ov);
}

static void run_rtt(void)
{
    int cpus[2], two = bench_find_cpus(cpus, 2) == 2;
    if (!*opt_pin || !strcmp(opt_pin, "same"))
        run_rtt_pinned("same", cpus[0], cpus[0]);
    if ((!*opt_pin && two) || !strcmp(opt_pin, "diff")) {
        if (!two)
            die("--pin diff: one CPU only");
        run_rtt_pinned("diff", cpus[0], cpus[1]);
    }
    if (!strcmp(opt_pin, "none"))
        run_rtt_pinned("none", -1, -1);
}

static void run_echo(void)
{
    struct echo_side base, port;
    double tb[MAX_REPS], to[MAX_REPS], q[MAX_REPS];
    echo_open(&base, 0, 1);
    echo_open(&port, 1, 2);
    echo_batch(&base, 0.05);
    echo_batch(&port, 0.05);
    for (int r = 0; r < opt_reps; r++) {
        if (r % 2 == 0) {
            tb[r] = echo_batch(&base, opt_time);
            to[r] = echo_batch(&port, opt_time);
        } else {
            to[r] = echo_batch(&port, opt_time);
            tb[r] = echo_batch(&base, opt_time);
        }
        q[r] = to[r] / tb[r];
    }
    printf("RESULT iocp_echo thread_per_client %.2f us/msg\n",
           median(tb, opt_reps) * 1e6);
    printf("RESULT iocp_echo port_2_workers %.2f us/msg\n",
           median(to, opt_reps) * 1e6);
    report_ratios("iocp_echo", q, opt_reps);
    echo_close(&base);
    echo_close(&port);
}

int main(int argc, char **argv)
{
    find_self(argv[0]);
#ifndef _WIN32
    if (argc > 1 && !strcmp(argv[1], "--vs-clients"))
        return vs_clients_main(argc, argv);
#endif
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            opt_reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--time") && i + 1 < argc)
            opt_time = atof(argv[++i]);
        else if (!strcmp(argv[i], "--clients") && i + 1 < argc)
            opt_clients = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            opt_only = argv[++i];
        else if (!strcmp(argv[i], "--side") && i + 1 < argc &&
                 (!strcmp(argv[i + 1], "port") || !strcmp(argv[i + 1], "raw") ||
                  !strcmp(argv[i + 1], "overlapped") ||
                  !strcmp(argv[i + 1], "blocking")))
            opt_side = argv[++i];
        else if (!strcmp(argv[i], "--pin") && i + 1 < argc &&
                 (!strcmp(argv[i + 1], "same") || !strcmp(argv[i + 1], "diff") ||
                  !strcmp(argv[i + 1], "none")))
            opt_pin = argv[++i];
        else if (!strcmp(argv[i], "--verbose"))
            opt_verbose = 1;
#ifndef _WIN32
        else if (!strcmp(argv[i], "--inproc"))
            opt_inproc = 1;
#endif
        else
            return bench_usage(argv[0], USAGE, !strcmp(argv[i], "--help"));
    }
    if (opt_reps < 1 || opt_reps > MAX_REPS || opt_clients < 1)
        return bench_usage(argv[0], USAGE, 0);
    if (strstr("rtt64", opt_only))
        run_rtt();
    if (strstr("iocp_echo", opt_only))
        run_echo();
#ifndef _WIN32
    if (strstr("iocp_vs_epoll", opt_only))
        run_vs_epoll();
#endif
    return 0;
}
