/*
 * bench_npipe.c: named pipes against the raw kernel socket they run on.
 *
 * One source, two builds.  Natively it links winipc and measures the Win32
 * named pipe calls and, as the baseline, the same exchanges over a raw
 * AF_UNIX stream socket.  Built with x86_64-w64-mingw32-gcc and run under
 * Wine, it measures the Win32 calls only: that is the reference winipc has
 * to beat.  Everything Linux-specific (the raw baseline, CPU pinning,
 * finding our own executable) sits in #ifndef _WIN32 blocks; the Win32
 * part uses <windows.h> only.
 *
 * The program is its own peer: a Win32 case starts
 * "bench_npipe --peer KIND NAME MSG SIZE CPU" with CreateProcessA, a raw
 * case forks.  The measuring side is the pipe server (or the parent of the
 * fork).  Every case runs twice: both processes pinned to one CPU, then to
 * two different CPUs.  The named pipe and the raw socket of a case are set
 * up side by side and warmed up; then come REPS rounds, each timing one
 * repetition of each side back to back, winipc first in rounds 1, 3, 5...
 * and the raw socket first in rounds 2, 4... (so that load from elsewhere,
 * and whatever the first of two repetitions leaves behind, falls on both
 * alike).  Each side reports the median of its repetitions.
 *
 * The cases:
 *   rtt64      64-byte message written, echoed back, read (message mode for
 *              the pipe; write/read of 64 bytes for the socket)
 *   tp64k, tp1m  one side writes 64 KiB or 1 MiB chunks, the other reads
 *              them with a buffer of the same size; byte and message mode
 *   conn       the server's ConnectNamedPipe + DisconnectNamedPipe against
 *              the client's CreateFile + CloseHandle (accept/close against
 *              socket/connect/close for the baseline)
 *
 * Output, one line per measurement on stdout (progress, and each case's
 * per-round ratios, go to stderr):
 *     RESULT <case>.<same|diff> <winipc|raw|win32> <value>
 * in microseconds per round trip, MB/s (10^6 bytes per second) or
 * connections per second, and natively
 *     RESULT <case>.<same|diff> ratio <median> <lowest> <highest>
 * where each round gives one ratio, winipc's repetition / the raw
 * repetition of the same round (timed just after it in rounds 1, 3, 5...,
 * just before it in rounds 2, 4...): the median of those ratios, then the
 * lowest and the highest of them.  bench/run.sh turns these lines into a table.
 *
 * Options: --reps N (default 9), --time SECONDS per repetition (0.2),
 * --only SUBSTRING (run the cases whose name contains it), --pin same or
 * --pin diff (only the runs on one CPU, or on two), --help.
 */
#define BENCH_NAME "bench_npipe"
#include "bench_common.h"

#define PIPE_BUFFER 65536u /* nOutBufferSize and nInBufferSize */
#define RTT_SIZE 64

static int opt_reps = 9;
static double opt_time = 0.2;  /* seconds per timed repetition */
static double opt_warm = 0.10; /* seconds of warm-up */
static const char *opt_only = "";
static const char *opt_pin = ""; /* "same" or "diff": only those runs */
static int cpus[2] = {0, 0};
static int have_two_cpus;

/* ---- A channel: a Win32 pipe handle or a raw socket ---------------------- */

struct chan {
    HANDLE h;
    int fd; /* the raw socket (native build only), or -1 */
};

/* One read of up to len bytes: the count, 0 at the end of the connection
 * (closed, broken or disconnected), -1 on any other error. */
static long chan_read(struct chan *c, void *buf, size_t len)
{
    DWORD got = 0;
#ifndef _WIN32
    if (c->fd >= 0) {
        ssize_t n;
        do {
            n = read(c->fd, buf, len);
        } while (n < 0 && errno == EINTR);
        return n < 0 && errno == ECONNRESET ? 0 : (long)n;
    }
#endif
    if (ReadFile(c->h, buf, (DWORD)len, &got, NULL))
        return (long)got;
    switch (GetLastError()) {
    case ERROR_BROKEN_PIPE:
    case ERROR_PIPE_NOT_CONNECTED:
    case ERROR_NO_DATA:
        return 0;
    default:
        return -1;
    }
}

/* Reads exactly len bytes (or messages adding up to it); 0 if the
 * connection ended first. */
static int chan_read_exact(struct chan *c, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        long n = chan_read(c, (char *)buf + done, len - done);
        if (n < 0)
            die("read");
        if (n == 0)
            return 0;
        done += (size_t)n;
    }
    return 1;
}

/* Writes it all (one message on a message pipe). */
static void chan_write(struct chan *c, const void *buf, size_t len)
{
#ifndef _WIN32
    if (c->fd >= 0) {
        size_t done = 0;
        while (done < len) {
            ssize_t n = write(c->fd, (const char *)buf + done, len - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                die("write");
            done += (size_t)n;
        }
        return;
    }
#endif
    DWORD n;
    if (!WriteFile(c->h, buf, (DWORD)len, &n, NULL) || n != len)
        die("WriteFile");
}

/* ---- Round trips --------------------------------------------------------- */

/* Microseconds per 64-byte round trip, over at least secs seconds. */
static double rtt_batch(struct chan *c, double secs)
{
    char buf[RTT_SIZE] = {1};
    long n = 0;
    double t0 = now_s(), t;
    do {
        for (int i = 0; i < 16; i++) {
            chan_write(c, buf, sizeof buf);
            if (!chan_read_exact(c, buf, sizeof buf))
                die("echo");
        }
        n += 16;
        t = now_s();
    } while (t - t0 < secs);
    return (t - t0) / (double)n * 1e6;
}

/* The peer: echoes 64-byte messages until the connection ends. */
static void rtt_peer(struct chan *c)
{
    char buf[RTT_SIZE];
    while (chan_read_exact(c, buf, sizeof buf))
        chan_write(c, buf, sizeof buf);
}

/* ---- Throughput ---------------------------------------------------------- */

/* Sends an 8-byte chunk count, then the chunks; the peer acknowledges the
 * last one with a byte.  Returns MB/s. */
static double tp_batch(struct chan *c, size_t size, uint64_t count)
{
    static char *buf;
    static size_t buf_size;
    char ack;
    double t0;

    if (buf_size < size) {
        free(buf);
        buf = calloc(1, size);
        if (!buf)
            die("calloc");
        buf_size = size;
    }
    t0 = now_s();
    chan_write(c, &count, sizeof count);
    for (uint64_t i = 0; i < count; i++)
        chan_write(c, buf, size);
    if (!chan_read_exact(c, &ack, 1))
        die("ack");
    return (double)count * (double)size / (now_s() - t0) / 1e6;
}

/* The peer: reads what each batch announces, with a buffer of the chunk
 * size, and acknowledges it; a count of 0 ends. */
static void tp_peer(struct chan *c, size_t size)
{
    char *buf = malloc(size);
    uint64_t count;

    if (!buf)
        die("malloc");
    while (chan_read_exact(c, &count, sizeof count) && count) {
        uint64_t left = count * size;
        while (left) {
            long n = chan_read(c, buf, left < size ? (size_t)left : size);
            if (n <= 0)
                die("read chunk");
            left -= (uint64_t)n;
        }
        chan_write(c, "k", 1);
    }
    free(buf);
}

/* ---- Connections: the Win32 side ----------------------------------------- */

/* Opens the pipe, trying again while its only instance is busy. */
static HANDLE pipe_open(const char *name, unsigned long *busy)
{
    for (;;) {
        HANDLE h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                               OPEN_EXISTING, 0, NULL);
        if (h != INVALID_HANDLE_VALUE)
            return h;
        if (GetLastError() != ERROR_PIPE_BUSY)
            die("CreateFileA");
        ++*busy; /* between DisconnectNamedPipe and ConnectNamedPipe */
        /* As Microsoft's named pipe client example does: wait for an
         * instance to listen, then try again. */
        if (!WaitNamedPipeA(name, 20000))
            die("WaitNamedPipeA");
    }
}

static void pipe_accept(HANDLE p)
{
    if (!ConnectNamedPipe(p, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
        die("ConnectNamedPipe");
}

/* Cycles per second of DisconnectNamedPipe + ConnectNamedPipe, while the
 * peer runs CreateFile, ReadFile (which fails on the disconnection) and
 * CloseHandle.  Starts and ends connected, with the peer waiting in
 * ReadFile: idle while the other side of the comparison runs. */
static double conn_batch_win32(HANDLE p, double secs)
{
    long n = 0;
    double t0 = now_s(), t;
    do {
        if (!DisconnectNamedPipe(p))
            die("DisconnectNamedPipe");
        pipe_accept(p);
        n++;
        t = now_s();
    } while (t - t0 < secs);
    return (double)n / (t - t0);
}

/* The peer: connects until it reads a byte, its cue to stop. */
static void conn_peer_win32(const char *name)
{
    unsigned long busy = 0, n = 0;
    for (;;) {
        HANDLE h = pipe_open(name, &busy);
        char b;
        DWORD got = 0;
        BOOL ok = ReadFile(h, &b, 1, &got, NULL);
        CloseHandle(h);
        n++;
        if (ok && got == 1)
            break;
    }
    if (getenv("BENCH_VERBOSE"))
        fprintf(stderr, "  peer: %lu connections, %lu ERROR_PIPE_BUSY\n", n,
                busy);
}

static int peer_main(int argc, char **argv)
{
    const char *kind, *name;
    int msg, cpu;
    size_t size;
    unsigned long busy = 0;
    struct chan c = {INVALID_HANDLE_VALUE, -1};

    if (argc < 7)
        return 64;
    kind = argv[2];
    name = argv[3];
    msg = atoi(argv[4]);
    size = (size_t)strtoul(argv[5], NULL, 10);
    cpu = atoi(argv[6]);
    pin_self(cpu);
    if (strcmp(kind, "conn") == 0) {
        conn_peer_win32(name);
        return 0;
    }
    c.h = pipe_open(name, &busy);
    if (msg) {
        DWORD mode = PIPE_READMODE_MESSAGE;
        if (!SetNamedPipeHandleState(c.h, &mode, NULL, NULL))
            die("SetNamedPipeHandleState");
    }
    if (strcmp(kind, "rtt") == 0)
        rtt_peer(&c);
    else
        tp_peer(&c, size);
    CloseHandle(c.h);
    return 0;
}

/* ---- Connections: the raw socket (native only) --------------------------- */

#ifndef _WIN32
static socklen_t raw_addr(pid_t server, struct sockaddr_un *sa)
{
    int n;
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    n = snprintf(sa->sun_path + 1, sizeof sa->sun_path - 1,
                 "winipc-bench-raw-%d", (int)server);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* The peer: socket, connect, read (EOF: again; a byte: stop), close. */
static void conn_peer_raw(pid_t server)
{
    struct sockaddr_un sa;
    socklen_t len = raw_addr(server, &sa);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        char b;
        ssize_t n;
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, len) != 0)
            die("connect");
        n = read(fd, &b, 1);
        close(fd);
        if (n == 1)
            return;
    }
}

/* Cycles per second of accept + close (the peer waits in connect or read
 * between batches). */
static double conn_batch_raw(int lfd, double secs)
{
    long n = 0;
    double t0 = now_s(), t;
    do {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            die("accept4");
        close(fd);
        n++;
        t = now_s();
    } while (t - t0 < secs);
    return (double)n / (t - t0);
}
#endif

/* ---- The cases ----------------------------------------------------------- */

struct bench_case {
    const char *name; /* as printed */
    const char *kind; /* rtt, tp, conn */
    int msg;
    size_t size;
};

static const struct bench_case cases[] = {
    {"rtt64_msg", "rtt", 1, RTT_SIZE}, {"tp64k_byte", "tp", 0, 64u << 10},
    {"tp64k_msg", "tp", 1, 64u << 10}, {"tp1m_byte", "tp", 0, 1u << 20},
    {"tp1m_msg", "tp", 1, 1u << 20},   {"conn", "conn", 0, 1},
};

/* One side of a comparison: a Win32 named pipe with a peer process, or
 * (natively) a raw socket with a forked peer. */
struct side {
    const char *impl;
    int raw;
    struct chan c;  /* the connection, or the pipe instance for conn */
    int lfd;        /* raw conn: the listening socket */
    uint64_t count; /* tp: chunks per repetition, sized by the warm-up */
    HANDLE proc;
    long pid;
    double v[MAX_REPS];
};

static void side_start_win32(const struct bench_case *k, int peer_cpu,
                             struct side *s)
{
    static int seq;
    char name[128], cmd[4096 + 256];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD mode = k->msg ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE
                        : PIPE_TYPE_BYTE | PIPE_READMODE_BYTE;

    memset(s, 0, sizeof *s);
    s->impl = IMPL_NAME;
    s->c.fd = s->lfd = -1;
    snprintf(name, sizeof name, "\\\\.\\pipe\\winipc-bench-%lu-%d",
             (unsigned long)GetCurrentProcessId(), seq++);
    s->c.h = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, mode | PIPE_WAIT, 1,
                              PIPE_BUFFER, PIPE_BUFFER, 0, NULL);
    if (s->c.h == INVALID_HANDLE_VALUE)
        die("CreateNamedPipeA");
    snprintf(cmd, sizeof cmd, "\"%s\" --peer %s %s %d %lu %d", self_path,
             k->kind, name, k->msg, (unsigned long)k->size, peer_cpu);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(self_path, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si,
                        &pi))
        die("CreateProcessA");
    CloseHandle(pi.hThread);
    s->proc = pi.hProcess;
    pipe_accept(s->c.h);
}

#ifndef _WIN32
static void side_start_raw(const struct bench_case *k, int peer_cpu,
                           struct side *s)
{
    int conn = strcmp(k->kind, "conn") == 0;
    int sv[2] = {-1, -1};
    pid_t pid, parent = getpid();

    memset(s, 0, sizeof *s);
    s->impl = "raw";
    s->raw = 1;
    s->c.h = INVALID_HANDLE_VALUE;
    s->c.fd = s->lfd = -1;
    if (conn) {
        struct sockaddr_un sa;
        socklen_t len = raw_addr(parent, &sa);
        sv[0] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sv[0] < 0 || bind(sv[0], (struct sockaddr *)&sa, len) != 0 ||
            listen(sv[0], 128) != 0)
            die("listen");
    } else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        die("socketpair");
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        struct chan c = {INVALID_HANDLE_VALUE, sv[1]};
        close(sv[0]);
        pin_self(peer_cpu);
        if (conn)
            conn_peer_raw(parent);
        else if (strcmp(k->kind, "rtt") == 0)
            rtt_peer(&c);
        else
            tp_peer(&c, k->size);
        _exit(0);
    }
    if (sv[1] >= 0)
        close(sv[1]);
    if (conn)
        s->lfd = sv[0];
    else
        s->c.fd = sv[0];
    s->pid = (long)pid;
}
#endif

/* One timed batch (or, with warm set, the warm-up). */
static double side_batch(const struct bench_case *k, struct side *s, int warm)
{
    double secs = warm ? opt_warm : opt_time;
    if (strcmp(k->kind, "rtt") == 0)
        return rtt_batch(&s->c, secs);
    if (strcmp(k->kind, "tp") == 0) {
        if (warm) {
            /* Size the repetitions from the rate seen. */
            double rate = tp_batch(&s->c, k->size, (64u << 20) / k->size);
            s->count = (uint64_t)(rate * 1e6 * opt_time / (double)k->size);
            if (s->count < 4)
                s->count = 4;
            return rate;
        }
        return tp_batch(&s->c, k->size, s->count);
    }
#ifndef _WIN32
    if (s->raw)
        return conn_batch_raw(s->lfd, secs);
#endif
    return conn_batch_win32(s->c.h, secs);
}

/* Lets the peer go, and waits for it. */
static void side_finish(const struct bench_case *k, struct side *s)
{
    uint64_t zero = 0;
    char b;

    if (strcmp(k->kind, "tp") == 0) {
        chan_write(&s->c, &zero, sizeof zero);
    } else if (strcmp(k->kind, "conn") == 0) {
#ifndef _WIN32
        if (s->raw) {
            s->c.fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
            if (s->c.fd < 0)
                die("accept4");
            close(s->lfd);
        }
#endif
        chan_write(&s->c, "q", 1); /* the peer's cue to stop */
        chan_read(&s->c, &b, 1);   /* returns once it has closed */
    }
#ifndef _WIN32
    if (s->raw) {
        int status;
        close(s->c.fd);
        if (waitpid((pid_t)s->pid, &status, 0) != (pid_t)s->pid ||
            !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            die("the forked peer");
        return;
    }
#endif
    {
        DWORD code = 1;
        CloseHandle(s->c.h); /* an echoing peer sees the end here */
        if (WaitForSingleObject(s->proc, 30000) != WAIT_OBJECT_0 ||
            !GetExitCodeProcess(s->proc, &code) || code != 0)
            die("the peer process");
        CloseHandle(s->proc);
    }
}

static void report(const char *name, const char *pin, const char *impl,
                   double v)
{
    printf("RESULT %s.%s %s %.3f\n", name, pin, impl, v);
    fflush(stdout);
    fprintf(stderr, "  %-12s %-5s %-7s %12.2f\n", name, pin, impl, v);
}

/*
 * Runs a case on the Win32 side and (natively) the raw side together:
 * both peers are started, both warmed up, then come opt_reps rounds of one
 * timed repetition per side: Win32 first, then raw in rounds 0, 2, 4...
 * (counting from 0), raw first in rounds 1, 3..., so that load from
 * elsewhere on the machine, and any effect of going first or second, falls
 * on both alike.  Between its batches a side's peer waits in a blocking
 * call.
 */
static void run_case(const struct bench_case *k, const char *pin, int peer_cpu)
{
    struct side sides[2];
    int n = 1;

#ifndef _WIN32
    /* The raw side first: its fork must not copy the pipe's descriptors
     * (the peer would then never see the pipe's end). */
    side_start_raw(k, peer_cpu, &sides[1]);
    n = 2;
#endif
    side_start_win32(k, peer_cpu, &sides[0]);
    for (int i = 0; i < n; i++)
        side_batch(k, &sides[i], 1);
    for (int r = 0; r < opt_reps; r++)
        for (int j = 0; j < n; j++) {
            int i = r % 2 ? n - 1 - j : j;
            sides[i].v[r] = side_batch(k, &sides[i], 0);
        }
    if (n == 2) {
        /* The ratio of the two repetitions of each round, then their
         * median and spread: steadier than the ratio of the medians when
         * the load from elsewhere changes during the run. */
        double q[MAX_REPS];
        char key[64];
        for (int r = 0; r < opt_reps; r++)
            q[r] = sides[0].v[r] / sides[1].v[r];
        snprintf(key, sizeof key, "%s.%s", k->name, pin);
        report_ratios(key, q, opt_reps);
    }
    for (int i = 0; i < n; i++) {
        side_finish(k, &sides[i]);
        report(k->name, pin, sides[i].impl, median(sides[i].v, opt_reps));
    }
}

int main(int argc, char **argv)
{
    find_self(argv[0]);
    if (argc > 1 && strcmp(argv[1], "--peer") == 0)
        return peer_main(argc, argv);
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return bench_usage(argv[0], " [--pin same|diff]", 1);
        if (i + 1 >= argc)
            return bench_usage(argv[0], " [--pin same|diff]", 0);
        if (strcmp(argv[i], "--reps") == 0)
            opt_reps = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--time") == 0)
            opt_time = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--only") == 0)
            opt_only = argv[i + 1];
        else if (strcmp(argv[i], "--pin") == 0)
            opt_pin = argv[i + 1];
        else
            return bench_usage(argv[0], " [--pin same|diff]", 0);
    }
    if (opt_reps < 1 || opt_reps > MAX_REPS || opt_time <= 0 ||
        (*opt_pin && strcmp(opt_pin, "same") != 0 &&
         strcmp(opt_pin, "diff") != 0))
        return bench_usage(argv[0], " [--pin same|diff]", 0);
    have_two_cpus = bench_find_cpus(cpus, 2) == 2;
#ifndef _WIN32
    signal(SIGPIPE, SIG_IGN);
#endif
    fprintf(stderr, "bench_npipe (%s): %d repetitions of %.2f s, CPUs %d,%d\n",
            IMPL_NAME, opt_reps, opt_time, cpus[0], cpus[1]);
    for (int pin = 0; pin < 2; pin++) {
        if (pin && !have_two_cpus) {
            fprintf(stderr, "one CPU only: no different-CPU runs\n");
            break;
        }
        if (*opt_pin && strcmp(opt_pin, pin ? "diff" : "same") != 0)
            continue;
        pin_self(cpus[0]);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
            if (strstr(cases[i].name, opt_only))
                run_case(&cases[i], pin ? "diff" : "same", cpus[pin]);
    }
    return 0;
}
