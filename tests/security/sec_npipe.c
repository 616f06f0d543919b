/*
 * sec_npipe.c: named pipes against another local user (issue 12, findings
 * 2, 4, 5, 6): public registries others cannot write, locks others hold,
 * registries with absurd contents, a client that never reads, and
 * attempts to make the victim's client talk to the attacker.
 *
 * Expected (docs/security): a public (NULL DACL) pipe's registry is 0644,
 * its owner's; nobody else can open it for writing, yet every user's
 * client connects and exchanges data; a registry that others may write is
 * refused (ERROR_ACCESS_DENIED).  A lock held by another user delays an
 * operation by a bounded time only (then ERROR_PIPE_BUSY).  Registry
 * contents are untrusted: operations on a corrupt one return promptly.
 * A client only ever talks to a server of the registry owner's user.
 */
#include "seclib.h"

#include <sys/resource.h>

/* ---- 4. A public pipe
 * ----------------------------------------------------------- */

#define PUB_PIPE "public-pipe"

static void public_server(void *arg)
{
    const char *name = sec_pipe_name(PUB_PIPE);
    struct sec_public pub;
    SECURITY_ATTRIBUTES *sa = sec_public_sa(&pub);
    HANDLE s1, s2;
    DWORD le, n = 0;
    BOOL ok;

    (void)arg;
    umask(077); /* a public registry is 0644 whatever the umask */
    s1 = sec_pipe_server(name, PIPE_TYPE_BYTE, PIPE_UNLIMITED_INSTANCES, sa,
                         &le);
    SEC_CHECK_OK(s1 != INVALID_HANDLE_VALUE, le, "A's public CreateNamedPipeA");
    if (s1 == INVALID_HANDLE_VALUE)
        return;
    sec_send(SEC_CHAN, "ready %d", (int)getpid());
    /* B's client. */
    ok = ConnectNamedPipe(s1, NULL);
    CHECK(ok || GetLastError() == ERROR_PIPE_CONNECTED);
    SEC_CHECK_READ(s1, "ping from B");
    CHECK_OK(WriteFile(s1, "pong from A", 11, &n, NULL));
    FlushFileBuffers(s1);
    /* A second instance, listening: the next clients find one. */
    s2 = sec_pipe_server(name, PIPE_TYPE_BYTE, PIPE_UNLIMITED_INSTANCES, sa,
                         &le);
    SEC_CHECK_OK(s2 != INVALID_HANDLE_VALUE, le, "A's second public instance");
    sec_send(SEC_CHAN, "ready2");
    /* Root made A's registry 0666: even A's own client refuses it. */
    sec_public_after_chmod(0, name, "chmodded", "done",
                           "A's client CreateFileA of its own public pipe "
                           "after root made its registry 0666");
    CloseHandle(s2);
    CloseHandle(s1);
}

static void public_client(void *arg)
{
    const char *name = sec_pipe_name(PUB_PIPE);
    const char *path = arg;
    char msg[64];
    HANDLE c;
    DWORD le, n = 0;
    ULONG pid = 0;
    int server_pid = 0;

    if (sec_expect(SEC_CHAN, "go", msg, sizeof msg, 60000))
        return;
    sscanf(msg, "go %d", &server_pid);
    /* B cannot write A's registry, */
    sec_check_open_denied(path, O_RDWR, "A's public pipe registry",
                          "B can rewrite A's pipe");
    /* but connects to A's public pipe and talks with A. */
    c = sec_pipe_client(name, &le);
    SEC_CHECK_OK(c != INVALID_HANDLE_VALUE, le,
                 "B's client CreateFileA of A's public pipe");
    if (c != INVALID_HANDLE_VALUE) {
        CHECK_OK(GetNamedPipeServerProcessId(c, &pid));
        CHECK_EQ(pid, server_pid);
        CHECK_OK(WriteFile(c, "ping from B", 11, &n, NULL));
        SEC_CHECK_READ(c, "pong from A");
        CloseHandle(c);
    }
    sec_send(SEC_CHAN, "done1");
    sec_public_after_chmod(0, name, "go2", "done2",
                           "B's client CreateFileA of A's public pipe after "
                           "root made its registry 0666 (anybody could have "
                           "rewritten it)");
}

static void test_public_pipe(void)
{
    static const struct sec_public_test t = {
        "pipe",   PUB_PIPE,      public_server, "public pipe server",
        "ready2", public_client, "client"};
    sec_public_attack(&t);
}

/* ---- 5. A lock held by the attacker
 * --------------------------------------------- */

#define LOCK_PIPE "locked-pipe"
#define PRIV_PIPE "private-pipe"

static void lock_server(void *arg)
{
    struct sec_public pub;
    DWORD le;
    HANDLE s = sec_pipe_server(sec_pipe_name(LOCK_PIPE), PIPE_TYPE_BYTE,
                               PIPE_UNLIMITED_INSTANCES, sec_public_sa(&pub),
                               &le),
           p;
    (void)arg;
    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, le, "A's public CreateNamedPipeA");
    p = sec_pipe_server(sec_pipe_name(PRIV_PIPE), PIPE_TYPE_BYTE, 1, NULL, &le);
    SEC_CHECK_OK(p != INVALID_HANDLE_VALUE, le, "A's private CreateNamedPipeA");
    sec_send(SEC_CHAN, "ready");
    sec_expect(SEC_CHAN, "end", NULL, 0, 200000);
}

/* B takes an OFD read lock on byte 0 of A's public registry, and keeps it;
 * he cannot even open A's private one.  Each of A's operations must return
 * within 5 s: success, or the documented error. */
static void test_lock_holding(void)
{
    char pub[640], priv[640];
    const struct sec_lock l = {pub, "A's public pipe registry", priv,
                               "A's private pipe registry"};
    const struct sec_op ops[] = {
        {SEC_OP_PIPE_CREATE, LOCK_PIPE, ERROR_PIPE_BUSY, .may_succeed = 1,
         .is_public = 1},
        {SEC_OP_PIPE_OPEN, LOCK_PIPE, ERROR_PIPE_BUSY, .may_succeed = 1},
        {SEC_OP_PIPE_WAIT, LOCK_PIPE, 0, .may_succeed = 1, .wait_ms = 100},
        /* The same once more: nothing was left stuck by the first ones. */
        {SEC_OP_PIPE_OPEN, LOCK_PIPE, ERROR_PIPE_BUSY, .may_succeed = 1},
    };

    snprintf(pub, sizeof pub, "%s", sec_reg_path("pipe", LOCK_PIPE));
    snprintf(priv, sizeof priv, "%s", sec_reg_path("pipe", PRIV_PIPE));
    sec_lock_attack(lock_server, "server", &l, ops,
                    (int)(sizeof ops / sizeof ops[0]));
}

/* ---- 6. Corrupt registries
 * -------------------------------------------------------- */

/* B's public pipe, its server accepting clients meanwhile. */
static void *mutated_server(void *arg)
{
    HANDLE s = arg;
    for (;;) {
        if (ConnectNamedPipe(s, NULL) || GetLastError() == ERROR_PIPE_CONNECTED)
            FlushFileBuffers(s);
        DisconnectNamedPipe(s);
        sec_sleep_ms(1);
    }
    return NULL;
}

static HANDLE mutated_create(const char *short_name)
{
    struct sec_public pub;
    pthread_t t;
    DWORD le;
    HANDLE s =
        sec_pipe_server(sec_pipe_name(short_name), PIPE_TYPE_BYTE,
                        PIPE_UNLIMITED_INSTANCES, sec_public_sa(&pub), &le);
    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, le, "B's public CreateNamedPipeA");
    if (s != INVALID_HANDLE_VALUE)
        pthread_create(&t, NULL, mutated_server, s);
    return s;
}

/* Success is fine (it is B's pipe): a hang or a crash is not. */
static int mutated_victims(const char *short_name, const char *attack)
{
    struct sec_op o = {SEC_OP_PIPE_OPEN, short_name, 0, .may_succeed = 1,
                       .attack = attack};
    struct sec_op w = {SEC_OP_PIPE_WAIT, short_name,    0, .may_succeed = 1,
                       .attack = attack, .wait_ms = 100}; /* 0 would take B's
                                                             default time-out */
    return sec_victim(SEC_A, &o) < 0 || sec_victim(SEC_A, &w) < 0 ? -1 : 0;
}

static void test_corrupt_registry(void)
{
    /* Must fail (nothing there is a pipe), promptly; B's name: A may not
     * create an instance in B's registry. */
    static const struct sec_op ops[] = {
        {SEC_OP_PIPE_OPEN, NULL, 0},
        {SEC_OP_PIPE_WAIT, NULL, 0},
        {SEC_OP_PIPE_CREATE, NULL, ERROR_ACCESS_DENIED},
    };
    /* The words of a real registry's first 512 bytes and of the 128 bytes
     * after 4096. */
    static const struct sec_mutation m = {
        "pipe",     "mutated", mutated_create, NULL, mutated_victims,
        4096 + 128, 100};

    sec_corrupt_registries("pipe", ops, (int)(sizeof ops / sizeof ops[0]));
    sec_mutation_attack(&m);
}

/* ---- 8. A client that never reads
 * -------------------------------------------------- */

#define SLOW_PIPE "slow-client-pipe"

static void slow_server(void *arg)
{
    struct sec_echo e = {sec_pipe_name(SLOW_PIPE),
                         PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                         2,
                         1,
                         2,
                         1};
    unsigned long long last = 0;
    uint64_t still_since = 0, end;

    (void)arg;
    if (sec_echo_start(&e)) {
        sec_send(SEC_CHAN, "fail");
        return;
    }
    sec_send(SEC_CHAN, "ready");
    if (sec_expect(SEC_CHAN, "watch", NULL, 0, 30000))
        return;
    /* The flooding instance is stuck once its count stops growing. */
    for (end = sec_ms() + 15000; sec_ms() < end; sec_sleep_ms(20)) {
        unsigned long long now = atomic_load(&e.flood_bytes);
        if (now == 0 || now != last) {
            last = now;
            still_since = sec_ms();
        } else if (sec_ms() - still_since >= 300) {
            break;
        }
    }
    test_checks++;
    if (last == 0)
        TEST_FAIL_AT("the server never wrote to B's client");
    sec_send(SEC_CHAN, "blocked %llu", last);
    sec_expect(SEC_CHAN, "end", NULL, 0, 200000);
    test_checks++;
    if (atomic_load(&e.served) < 10)
        TEST_FAIL_AT("the server answered %d requests; expected 10",
                     atomic_load(&e.served));
}

static void slow_reader(void *arg)
{
    DWORD le, n;
    HANDLE c;
    (void)arg;
    c = sec_pipe_client(sec_pipe_name(SLOW_PIPE), &le);
    SEC_CHECK_OK(c != INVALID_HANDLE_VALUE, le,
                 "B's client CreateFileA of A's public pipe");
    if (c == INVALID_HANDLE_VALUE) {
        sec_send(SEC_CHAN, "fail");
        return;
    }
    CHECK_OK(WriteFile(c, "flood", 5, &n, NULL));
    sec_send(SEC_CHAN, "connected");
    sec_expect(SEC_CHAN, "end", NULL, 0, 200000); /* never reads */
    CloseHandle(c);
}

static void slow_victims(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++) {
        char msg[32];
        DWORD le;
        ULONG pid;
        int tries;
        uint64_t t0 = sec_ms(), el;
        int ok;
        snprintf(msg, sizeof msg, "request-%d", i);
        ok = sec_echo_client(sec_pipe_name(SLOW_PIPE), msg, 5000, 1, &le, &pid,
                             &tries);
        el = sec_ms() - t0;
        test_checks++;
        if (!ok)
            TEST_FAIL_AT("A's client %d was not served while B's client "
                         "stalls the other instance (%s (%lu), %d tries, "
                         "%llu ms)",
                         i, sec_err_name(le), (unsigned long)le, tries,
                         (unsigned long long)el);
        SEC_CHECK_PROMPT(el, 5000, "an A client's exchange");
    }
}

static void test_slow_client(void)
{
    struct sec_child a, b;
    if (sec_spawn_ready(&a, SEC_A, 120, slow_server, NULL, "server", "ready",
                        NULL, 0))
        return;
    if (sec_spawn(&b, SEC_B, 120, slow_reader, NULL,
                  "client that never reads")) {
        sec_kill(&a);
        return;
    }
    if (sec_expect(b.fd, "connected", NULL, 0, 20000) == 0) {
        sec_send(a.fd, "watch");
        if (sec_expect(a.fd, "blocked", NULL, 0, 30000) == 0)
            sec_run(SEC_A, 90, slow_victims, NULL, "10 clients");
    }
    sec_send(a.fd, "end");
    sec_join(&a);
    sec_send(b.fd, "end");
    sec_join(&b);
}

/* ---- 11. Interception
 * ---------------------------------------------------------------- */

#define SPY_PIPE "intercepted-pipe"
#define SPY_ROUNDS 50

struct spy {
    int is_public;
    const char *path;
};

static void spy_server(void *arg)
{
    const struct spy *s = arg;
    struct sec_echo e = {sec_pipe_name(SPY_PIPE),
                         PIPE_TYPE_BYTE,
                         PIPE_UNLIMITED_INSTANCES,
                         s->is_public,
                         2,
                         0};
    if (sec_echo_start(&e)) {
        sec_send(SEC_CHAN, "fail");
        return;
    }
    sec_send(SEC_CHAN, "ready %d", (int)getpid());
    sec_expect(SEC_CHAN, "end", NULL, 0, 200000);
    sec_send(SEC_CHAN, "served %d", atomic_load(&e.served));
}

/* An instance B managed to create under A's name: what reaches it. */
static atomic_int rogue_conns;
static atomic_llong rogue_bytes;

static void *rogue_server(void *arg)
{
    HANDLE h = arg;
    for (;;) {
        char buf[512];
        DWORD n = 0;
        if (!ConnectNamedPipe(h, NULL) &&
            GetLastError() != ERROR_PIPE_CONNECTED) {
            DisconnectNamedPipe(h);
            sec_sleep_ms(1);
            continue;
        }
        atomic_fetch_add(&rogue_conns, 1);
        while (ReadFile(h, buf, sizeof buf, &n, NULL) && n > 0)
            atomic_fetch_add(&rogue_bytes, (long long)n);
        DisconnectNamedPipe(h);
    }
    return NULL;
}

/* B's CreateNamedPipeA of A's live pipe name (what: it) must be refused;
 * an instance B got is kept, to see whether A's clients come to it. */
static void squat_name(const char *short_name, const char *what)
{
    pthread_t t;
    DWORD le;
    HANDLE h = sec_pipe_server(sec_pipe_name(short_name), PIPE_TYPE_BYTE,
                               PIPE_UNLIMITED_INSTANCES, NULL, &le);
    SEC_CHECK_FAILS_WITH(h != INVALID_HANDLE_VALUE, le, ERROR_ACCESS_DENIED,
                         what);
    if (h != INVALID_HANDLE_VALUE)
        pthread_create(&t, NULL, rogue_server, h);
}

/* B: squats what he can, then accepts whatever comes to his sockets. */
static void spy(void *arg)
{
    const struct spy *s = arg;
    static char seen[4096][108];
    static int fds[4200];
    int nfds = 0, nseen;
    struct sec_catch got = {0, 0, 0};
    char scratch_file[700];
    struct rlimit rl;
    int maxfds = 4000; /* fds has room for 4000 + 64 (hijack) */

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < (rlim_t)maxfds + 100)
            maxfds = rl.rlim_cur > 200 ? (int)rl.rlim_cur - 100 : 100;
    }

    /* The names A's sockets have, one hex digit off, and random ones. */
    nseen = sec_list_abstract(seen, 4096);
    for (int i = 0; i < nseen && nfds < maxfds / 2; i++) {
        int fd = sec_bind_abstract(seen[i], SOCK_STREAM);
        if (fd >= 0) /* a free name: it was no live socket's */
            fds[nfds++] = fd;
        sec_bind_neighbours(seen[i], SOCK_STREAM, fds, &nfds);
    }
    /* In a public registry, every 64-bit word might be a socket id. */
    if (s->is_public) {
        int fd = open(s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        uint64_t w;
        for (off_t off = 0;
             fd >= 0 && nfds < maxfds - 500 && pread(fd, &w, 8, off) == 8;
             off += 8) {
            char name[40];
            int b;
            if (!w)
                continue;
            snprintf(name, sizeof name, "winipc-%016llx",
                     (unsigned long long)w);
            if ((b = sec_bind_abstract(name, SOCK_STREAM)) >= 0)
                fds[nfds++] = b;
        }
        if (fd >= 0)
            close(fd);
    }
    sec_bind_random(SOCK_STREAM, fds, &nfds, maxfds);

    /* The registry: not B's to remove, replace or (if private) read. */
    test_checks++;
    if (unlink(s->path) == 0)
        TEST_FAIL_AT("B removed A's registry %s", s->path);
    snprintf(scratch_file, sizeof scratch_file, "%s.b", s->path);
    {
        int fd =
            open(scratch_file, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
        test_checks++;
        if (rename(scratch_file, s->path) == 0)
            TEST_FAIL_AT("B replaced A's registry %s with his file", s->path);
        unlink(scratch_file);
    }
    if (!s->is_public) {
        int fd = open(s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        test_checks++;
        if (fd >= 0) {
            TEST_FAIL_AT("B read A's private pipe registry %s", s->path);
            close(fd);
        }
    }
    /* Nor B's to rewrite: if he could, A's socket ids would become his. */
    sec_check_no_hijack(s->path, "pipe", SOCK_STREAM, fds, &nfds, maxfds + 64);
    /* The name is A's while A's pipe lives, whatever its case. */
    squat_name(SPY_PIPE, "B's CreateNamedPipeA of A's pipe name");
    squat_name("INTERCEPTED-Pipe",
               "B's CreateNamedPipeA of A's pipe name in upper case");

    sec_send(SEC_CHAN, "armed %d", nfds);
    /* Accept until told to stop. */
    sec_catch_until_told(fds, nfds, &got, NULL, NULL);
    test_checks++;
    if (got.from_a || got.bytes)
        TEST_FAIL_AT("INTERCEPTED: B's sockets got %d connections from A's "
                     "processes and %lld bytes",
                     got.from_a, got.bytes);
    test_checks++;
    if (atomic_load(&rogue_conns) || atomic_load(&rogue_bytes))
        TEST_FAIL_AT("INTERCEPTED: B's pipe instance under A's name got %d "
                     "connections and %lld bytes",
                     atomic_load(&rogue_conns), atomic_load(&rogue_bytes));
}

static void spy_victim(void *arg)
{
    const int *server_pid = arg;
    int ok = 0;
    uint64_t end = sec_ms() + 30000;
    for (int i = 0; i < SPY_ROUNDS && sec_ms() < end; i++) {
        char msg[64];
        DWORD le;
        ULONG pid;
        int tries;
        snprintf(msg, sizeof msg, "secret-%d-%08x", i, (unsigned)rand());
        if (sec_echo_client(sec_pipe_name(SPY_PIPE), msg, 3000, 0, &le, &pid,
                            &tries)) {
            ok++;
            test_checks++;
            if ((int)pid != *server_pid)
                TEST_FAIL_AT("A's client %d: GetNamedPipeServerProcessId says "
                             "%lu; A's server is %d",
                             i, (unsigned long)pid, *server_pid);
        } else if (le == ERROR_INVALID_DATA) {
            TEST_FAIL_AT("A's client %d got an answer that is not its "
                         "server's echo",
                         i);
        }
    }
    test_checks++;
    if (ok == 0)
        TEST_FAIL_AT("no client of A reached A's server (%d tries)",
                     SPY_ROUNDS);
    sec_send(SEC_CHAN, "ok %d", ok);
}

static void interception_case(int is_public)
{
    char path[640], msg[64];
    struct spy s = {is_public, path};
    struct sec_child a, b, v;
    int server_pid = 0, ok = 0, served = -1;

    snprintf(path, sizeof path, "%s", sec_reg_path("pipe", SPY_PIPE));
    if (sec_spawn_ready(&a, SEC_A, 200, spy_server, &s, "server", "ready", msg,
                        sizeof msg))
        return;
    sscanf(msg, "ready %d", &server_pid);
    if (sec_spawn(&b, SEC_B, 200, spy, &s, "interceptor")) {
        sec_kill(&a);
        return;
    }
    if (sec_expect(b.fd, "armed", NULL, 0, 60000) == 0 &&
        sec_spawn(&v, SEC_A, 60, spy_victim, &server_pid, "clients") == 0) {
        if (sec_expect(v.fd, "ok", msg, sizeof msg, 70000) == 0)
            sscanf(msg, "ok %d", &ok);
        sec_join(&v);
    }
    sec_send(b.fd, "end");
    sec_join(&b);
    sec_send(a.fd, "end");
    if (sec_expect(a.fd, "served", msg, sizeof msg, 20000) == 0)
        sscanf(msg, "served %d", &served);
    sec_join(&a);
    test_checks++;
    if (served != ok)
        TEST_FAIL_AT("A's clients had %d answers, A's server gave %d", ok,
                     served);
}

static void test_interception_private(void)
{
    interception_case(0);
}
static void test_interception_public(void)
{
    interception_case(1);
}

int main(void)
{
    sec_init();
    SEC_RUN(test_public_pipe);
    SEC_RUN(test_lock_holding);
    SEC_RUN(test_corrupt_registry);
    SEC_RUN(test_slow_client);
    SEC_RUN(test_interception_private);
    SEC_RUN(test_interception_public);
    return sec_summary();
}
