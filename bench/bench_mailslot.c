/*
 * bench_mailslot.c: mailslot messages per second against raw AF_UNIX
 * datagram sockets, the kernel's own one-way message channel between
 * processes.
 *
 * One source, two builds.  Natively it links winipc and measures the Win32
 * mailslot calls and, as the baseline, the same traffic over raw AF_UNIX
 * datagram sockets (a bound receiver, connected senders, default socket
 * options).  Built with x86_64-w64-mingw32-gcc and run under Wine it
 * measures the Win32 calls only: the reference.  Everything Linux-specific
 * sits in #ifndef _WIN32 blocks; the Win32 part uses <windows.h> only.
 *
 * The baseline is not what winipc's mailslots are made of.  A mailslot's
 * messages travel through a ring in a shared-memory file that the writers
 * and the receiver map (src/objects/mailslot.c); an AF_UNIX datagram
 * socket serves only as its doorbell (one empty datagram per message, which
 * wakes a waiting receiver and tells a writer whether its receiver lives),
 * and carries messages only from writers of another user.  So the ratio
 * compares two designs for the same job, not winipc against the primitive
 * under it: a writer on the raw socket waits whenever 10 datagrams
 * (net.unix.max_dgram_qlen) are unread, a mailslot writer only when its
 * 4 MiB queue is full, which is why the 4-writer ratios are well above 1.
 *
 * The measuring process is the receiver.  Its writers are separate
 * processes that live for the whole case: for Win32 the program re-run
 * with CreateProcessA ("bench_mailslot --writer NAME SIZE PIPE"), for the
 * raw baseline fork().  Each writer gets its orders through an anonymous
 * pipe of its own: an 8-byte count of messages to send, 0 to quit.  A
 * repetition sends every writer the same count, then times the receiver
 * from that moment to the last message's arrival: writers' start-up is not
 * measured.  Each case is a warm-up (which also sizes the repetitions to
 * about --time seconds) and REPS rounds; a round times one winipc
 * repetition and then, right after it, one raw repetition (always in that
 * order, unlike bench_npipe, which alternates the order).  Each side
 * reports the median of its repetitions.
 * The receiver is pinned to the first CPU it may use, writer i to the
 * (i+1)-th in turn (wrapping around), for winipc and the baseline alike:
 * on a shared machine, where the scheduler puts two busy processes is what
 * varies most from run to run.
 *
 * The cases: 64-byte and 4 KiB messages from 1 and 4 writer processes.
 * The receiver reads each message with a buffer of exactly its size and
 * checks the length.
 *
 * Output, one line per measurement on stdout (progress, and each case's
 * per-round ratios, go to stderr):
 *     RESULT ms<size>_w<writers> <winipc|raw|win32> <messages per second>
 *     RESULT ms<size>_w<writers> ratio <median> <lowest> <highest>
 * the last natively only: each round's winipc rate / its raw rate, their
 * median, then the lowest and the highest of them.  bench/run.sh turns
 * these lines into a table.
 *
 * Options: --reps N (default 9), --time SECONDS per repetition (0.15),
 * --only SUBSTRING (run the cases whose name contains it), --help.
 */
#define BENCH_NAME "bench_mailslot"
#include "bench_common.h"

#define MAX_WRITERS 8
#define MAX_SIZE 4096
#define READ_TIMEOUT_MS 20000 /* a receiver waiting this long: give up */

static int opt_reps = 9;
static double opt_time = 0.15; /* seconds per timed repetition */
static const char *opt_only = "";

/* The CPUs we may run on (up to 8). */
static int cpus[8], ncpus;

/* The CPU of writer i: the receiver has the first, the writers take the
 * others in turn, then the first too. */
static int writer_cpu(int i)
{
    return cpus[(i + 1) % ncpus];
}

/* ---- One case, whatever carries it ----------------------------------------
 */

/* What a case needs from its implementation: order every writer to send
 * count messages, and receive one message (its length, or -1). */
struct carrier {
    void (*order)(struct carrier *c, uint64_t count);
    long (*receive)(struct carrier *c, char *buf, size_t cap);
    int writers;
};

/* Messages per second for one batch of count messages per writer. */
static double batch(struct carrier *c, size_t size, uint64_t count)
{
    char buf[MAX_SIZE];
    uint64_t total = count * (uint64_t)c->writers;
    double t0 = now_s();

    c->order(c, count);
    for (uint64_t i = 0; i < total; i++)
        if (c->receive(c, buf, size) != (long)size)
            die("receiving a message of the expected size");
    return (double)total / (now_s() - t0);
}

/* Per writer, the messages of a repetition of about opt_time seconds at
 * the rate of a warm-up batch. */
static uint64_t warm_up(struct carrier *c, size_t size)
{
    double rate = batch(c, size, 2000);
    uint64_t count = (uint64_t)(rate * opt_time / c->writers);
    return count < 100 ? 100 : count;
}

/* Runs the case on n carriers (winipc and the raw baseline, or Win32
 * alone), their repetitions taking turns (c[0], then c[1], in every round)
 * so that both see the same load on a shared machine; out[i] is carrier
 * i's median rate.  For two, ratios[r] is round r's rate ratio c[0] / c[1]
 * (their median is steadier than the ratio of the medians when the
 * machine's load drifts). */
static void run_case(struct carrier **c, int n, size_t size, double *out,
                     double *ratios)
{
    double v[2][MAX_REPS];
    uint64_t count[2];

    for (int i = 0; i < n; i++)
        count[i] = warm_up(c[i], size);
    for (int r = 0; r < opt_reps; r++)
        for (int i = 0; i < n; i++)
            v[i][r] = batch(c[i], size, count[i]);
    for (int r = 0; n == 2 && r < opt_reps; r++)
        ratios[r] = v[0][r] / v[1][r];
    for (int i = 0; i < n; i++)
        c[i]->order(c[i], 0); /* the writers may go */
    for (int i = 0; i < n; i++)
        out[i] = median(v[i], opt_reps);
}

/* ---- The Win32 side -------------------------------------------------------
 */

struct win32_carrier {
    struct carrier base;
    HANDLE slot;
    HANDLE orders[MAX_WRITERS]; /* write ends of the writers' pipes */
    HANDLE procs[MAX_WRITERS];
};

static void win32_order(struct carrier *c, uint64_t count)
{
    struct win32_carrier *w = (struct win32_carrier *)c;
    DWORD n;
    for (int i = 0; i < c->writers; i++)
        if (!WriteFile(w->orders[i], &count, sizeof count, &n, NULL) ||
            n != sizeof count)
            die("WriteFile (orders)");
}

static long win32_receive(struct carrier *c, char *buf, size_t cap)
{
    struct win32_carrier *w = (struct win32_carrier *)c;
    DWORD got = 0;
    if (!ReadFile(w->slot, buf, (DWORD)cap, &got, NULL))
        return -1;
    return (long)got;
}

/* Reads exactly len bytes from a pipe handle; 0 at its end. */
static int read_exact(HANDLE h, void *buf, DWORD len)
{
    DWORD done = 0, n;
    while (done < len) {
        if (!ReadFile(h, (char *)buf + done, len - done, &n, NULL) || n == 0)
            return 0;
        done += n;
    }
    return 1;
}

/* A writer process ("--writer NAME SIZE PIPE CPU"): opens the slot, then
 * sends what it is told. */
static int writer_main(int argc, char **argv)
{
    const char *name;
    size_t size;
    HANDLE orders, slot;
    uint64_t count;
    char buf[MAX_SIZE];
    DWORD n;

    if (argc < 6)
        return 64;
    pin_self(atoi(argv[5]));
    name = argv[2];
    size = (size_t)strtoul(argv[3], NULL, 10);
    orders = (HANDLE)(uintptr_t)strtoull(argv[4], NULL, 0);
    if (size > MAX_SIZE)
        return 64;
    memset(buf, 'm', sizeof buf);
    /* Sharing writes too: Windows before Vista (and Wine) refuse a second
     * writer that does not. */
    slot = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                       NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (slot == INVALID_HANDLE_VALUE)
        die("CreateFileA (writer)");
    while (read_exact(orders, &count, sizeof count) && count) {
        for (uint64_t i = 0; i < count; i++)
            if (!WriteFile(slot, buf, (DWORD)size, &n, NULL) || n != size)
                die("WriteFile (message)");
    }
    CloseHandle(slot);
    return 0;
}

/* The mailslot and its writer processes. */
static void win32_start(struct win32_carrier *w, size_t size, int writers)
{
    static int seq;
    char name[128], cmd[4096 + 256];

    memset(w, 0, sizeof *w);
    w->base.order = win32_order;
    w->base.receive = win32_receive;
    w->base.writers = writers;
    snprintf(name, sizeof name, "\\\\.\\mailslot\\winipc-bench\\%lu-%d",
             (unsigned long)GetCurrentProcessId(), seq++);
    w->slot = CreateMailslotA(name, 0, READ_TIMEOUT_MS, NULL);
    if (w->slot == INVALID_HANDLE_VALUE)
        die("CreateMailslotA");
    for (int i = 0; i < writers; i++) {
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        HANDLE rd;
        /* Only this writer's read end is inheritable, and only while it
         * starts. */
        if (!CreatePipe(&rd, &w->orders[i], NULL, 0) ||
            !SetHandleInformation(rd, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT))
            die("CreatePipe");
        snprintf(cmd, sizeof cmd, "\"%s\" --writer %s %lu %#lx %d", self_path,
                 name, (unsigned long)size, (unsigned long)(uintptr_t)rd,
                 writer_cpu(i));
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        if (!CreateProcessA(self_path, cmd, NULL, NULL, TRUE, 0, NULL, NULL,
                            &si, &pi))
            die("CreateProcessA");
        CloseHandle(pi.hThread);
        CloseHandle(rd);
        w->procs[i] = pi.hProcess;
    }
}

/* Waits for the writers (told to quit) and closes everything. */
static void win32_finish(struct win32_carrier *w)
{
    for (int i = 0; i < w->base.writers; i++) {
        DWORD code = 1;
        CloseHandle(w->orders[i]);
        if (WaitForSingleObject(w->procs[i], 30000) != WAIT_OBJECT_0 ||
            !GetExitCodeProcess(w->procs[i], &code) || code != 0)
            die("a writer process");
        CloseHandle(w->procs[i]);
    }
    CloseHandle(w->slot);
}

/* ---- The raw socket baseline (native only) --------------------------------
 */

#ifndef _WIN32
struct raw_carrier {
    struct carrier base;
    int sock;
    int orders[MAX_WRITERS];
    pid_t pids[MAX_WRITERS];
};

static void raw_order(struct carrier *c, uint64_t count)
{
    struct raw_carrier *r = (struct raw_carrier *)c;
    for (int i = 0; i < c->writers; i++)
        if (write(r->orders[i], &count, sizeof count) != sizeof count)
            die("write (orders)");
}

static long raw_receive(struct carrier *c, char *buf, size_t cap)
{
    struct raw_carrier *r = (struct raw_carrier *)c;
    ssize_t n;
    do {
        n = recv(r->sock, buf, cap, 0);
    } while (n < 0 && errno == EINTR);
    return (long)n;
}

static void raw_writer(const struct sockaddr_un *sa, socklen_t len, size_t size,
                       int orders)
{
    char buf[MAX_SIZE];
    uint64_t count;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    memset(buf, 'm', sizeof buf);
    if (fd < 0 || connect(fd, (const struct sockaddr *)sa, len) != 0)
        die("connect (raw writer)");
    while (read(orders, &count, sizeof count) == sizeof count && count) {
        for (uint64_t i = 0; i < count; i++)
            if (send(fd, buf, size, 0) != (ssize_t)size)
                die("send (raw writer)");
    }
    close(fd);
}

/* The bound socket and the forked writers. */
static void raw_start(struct raw_carrier *r, size_t size, int writers)
{
    static int seq;
    struct sockaddr_un sa;
    socklen_t len;

    memset(r, 0, sizeof *r);
    r->base.order = raw_order;
    r->base.receive = raw_receive;
    r->base.writers = writers;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
                      snprintf(sa.sun_path + 1, sizeof sa.sun_path - 1,
                               "winipc-bench-ms-raw-%d-%d", (int)getpid(),
                               seq++));
    r->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (r->sock < 0 || bind(r->sock, (struct sockaddr *)&sa, len) != 0)
        die("bind (raw receiver)");
    for (int i = 0; i < writers; i++) {
        int p[2];
        if (pipe(p) != 0)
            die("pipe");
        fflush(NULL);
        r->pids[i] = fork();
        if (r->pids[i] < 0)
            die("fork");
        if (r->pids[i] == 0) {
            /* Earlier writers' order pipes stay open here: harmless,
             * every writer is told to quit explicitly. */
            close(p[1]);
            close(r->sock);
            pin_self(writer_cpu(i));
            raw_writer(&sa, len, size, p[0]);
            _exit(0);
        }
        close(p[0]);
        r->orders[i] = p[1];
    }
}

static void raw_finish(struct raw_carrier *r)
{
    int status;
    for (int i = 0; i < r->base.writers; i++) {
        close(r->orders[i]);
        if (waitpid(r->pids[i], &status, 0) != r->pids[i] ||
            !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            die("a raw writer");
    }
    close(r->sock);
}
#endif

/* ---- The table of cases ---------------------------------------------------
 */

static const struct {
    const char *name;
    size_t size;
    int writers;
} cases[] = {
    {"ms64_w1", 64, 1},
    {"ms64_w4", 64, 4},
    {"ms4k_w1", 4096, 1},
    {"ms4k_w4", 4096, 4},
};

static void report(const char *name, const char *impl, double v)
{
    printf("RESULT %s %s %.1f\n", name, impl, v);
    fflush(stdout);
    fprintf(stderr, "  %-8s %-7s %12.0f msg/s\n", name, impl, v);
}

int main(int argc, char **argv)
{
    find_self(argv[0]);
    if (argc > 1 && strcmp(argv[1], "--writer") == 0)
        return writer_main(argc, argv);
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return bench_usage(argv[0], "", 1);
        if (i + 1 >= argc)
            return bench_usage(argv[0], "", 0);
        if (strcmp(argv[i], "--reps") == 0)
            opt_reps = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--time") == 0)
            opt_time = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--only") == 0)
            opt_only = argv[i + 1];
        else
            return bench_usage(argv[0], "", 0);
    }
    if (opt_reps < 1 || opt_reps > MAX_REPS || opt_time <= 0)
        return bench_usage(argv[0], "", 0);
#ifndef _WIN32
    signal(SIGPIPE, SIG_IGN);
#endif
    ncpus = bench_find_cpus(cpus, 8);
    pin_self(cpus[0]);
    fprintf(stderr, "bench_mailslot (%s): %d repetitions of %.2f s, %d CPUs\n",
            IMPL_NAME, opt_reps, opt_time, ncpus);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!strstr(cases[i].name, opt_only))
            continue;
        struct win32_carrier w;
        struct carrier *c[2] = {&w.base, NULL};
        double rate[2], ratios[MAX_REPS];
        int n = 1;
        win32_start(&w, cases[i].size, cases[i].writers);
#ifndef _WIN32
        struct raw_carrier r;
        raw_start(&r, cases[i].size, cases[i].writers);
        c[n++] = &r.base;
#endif
        run_case(c, n, cases[i].size, rate, ratios);
        win32_finish(&w);
        report(cases[i].name, IMPL_NAME, rate[0]);
#ifndef _WIN32
        raw_finish(&r);
        report(cases[i].name, "raw", rate[1]);
        report_ratios(cases[i].name, ratios, opt_reps);
#endif
    }
    return 0;
}
