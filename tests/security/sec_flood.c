/*
 * sec_flood.c: the listen backlog of a private pipe flooded by another
 * user (issue 12, finding 7).
 *
 * A (the victim) serves a private pipe with several instances; B
 * connects to A's listening sockets in a tight loop, closing each
 * connection: at least 10,000 connects, and on until A's clients are
 * done.  (Anybody finds the sockets in /proc/net/unix, abstract names
 * "@winipc-...", but this machine runs other tests meanwhile, whose
 * sockets B must leave alone: A names its own to B, through the test's
 * channel.)  Meanwhile 100 of
 * A's clients connect (retrying with WaitNamedPipeA while the pipe is
 * busy, each within a bounded time), send a message and read its echo.
 * Then one client at a time (100 exchanges, on that pipe and on a pipe of
 * a single instance), pausing between exchanges so that the pipe is idle
 * each time it connects.
 * Expected (docs/security): every client gets its own echo, within its
 * bound; an idle pipe is not made to look busy (ERROR_PIPE_BUSY) on most
 * tries: the server accepts eagerly and drops B's connections, and its
 * backlog is larger than what a flood keeps filled.
 */
#include "seclib.h"

#include <sys/resource.h>

#define FLOOD_PIPE "flooded-pipe"
#define SINGLE_PIPE "flooded-single"
#define FLOOD_MIN 10000
#define CLIENT_THREADS 10
#define CLIENTS_PER_THREAD 10
#define CLIENT_BOUND_MS 10000 /* each client's connect, write and read */

static void flood_server(void *arg)
{
    struct sec_echo e = {sec_pipe_name(FLOOD_PIPE),
                         PIPE_TYPE_BYTE,
                         PIPE_UNLIMITED_INSTANCES,
                         0,
                         4,
                         0};
    struct sec_echo one = {
        sec_pipe_name(SINGLE_PIPE), PIPE_TYPE_BYTE, 1, 0, 1, 0};
    (void)arg;
    if (sec_echo_start(&e) || sec_echo_start(&one)) {
        sec_send(SEC_CHAN, "socks 0");
        return;
    }
    /* Each instance listens on one socket for as long as it lives. */
    sec_send_own_listening();
    sec_expect(SEC_CHAN, "end", NULL, 0, 250000);
    sec_send(SEC_CHAN, "served %d",
             atomic_load(&e.served) + atomic_load(&one.served));
}

#define FLOOD_THREADS 3

/* B: floods the sockets A named until told to stop, and at least
 * FLOOD_MIN connects. */
static void flooder(void *arg)
{
    (void)arg;
    sec_flood_run(FLOOD_THREADS, 1000, FLOOD_MIN, 240000);
}

static atomic_int clients_ok, clients_failed, total_tries, max_tries;
static atomic_ullong max_ms;

static void *client_thread(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int i = 0; i < CLIENTS_PER_THREAD; i++) {
        char msg[64];
        DWORD le;
        ULONG pid;
        int tries, ok;
        uint64_t t0 = sec_ms(), el;
        snprintf(msg, sizeof msg, "client-%d-%d", t, i);
        ok = sec_echo_client(sec_pipe_name(FLOOD_PIPE), msg, CLIENT_BOUND_MS, 0,
                             &le, &pid, &tries);
        el = sec_ms() - t0;
        atomic_fetch_add(&total_tries, tries);
        for (int m = atomic_load(&max_tries);
             tries > m && !atomic_compare_exchange_weak(&max_tries, &m, tries);)
            ;
        for (unsigned long long m = atomic_load(&max_ms);
             el > m && !atomic_compare_exchange_weak(&max_ms, &m, el);)
            ;
        if (ok && el <= CLIENT_BOUND_MS + 1000) {
            atomic_fetch_add(&clients_ok, 1);
        } else {
            atomic_fetch_add(&clients_failed, 1);
            fprintf(stderr,
                    "%s: A's %s %s after %llu ms and %d tries (last error "
                    "%s (%lu)) under B's flood\n",
                    test_current, msg, ok ? "was served too late" : "FAILED",
                    (unsigned long long)el, tries, sec_err_name(le),
                    (unsigned long)le);
        }
    }
    return NULL;
}

static void flood_clients(void *arg)
{
    pthread_t t[CLIENT_THREADS];
    (void)arg;
    for (int i = 0; i < CLIENT_THREADS; i++)
        pthread_create(&t[i], NULL, client_thread, (void *)(intptr_t)i);
    for (int i = 0; i < CLIENT_THREADS; i++)
        pthread_join(t[i], NULL);
    test_failures += atomic_load(&clients_failed);
    sec_send(SEC_CHAN, "ok %d %d %d %llu", atomic_load(&clients_ok),
             atomic_load(&total_tries), atomic_load(&max_tries),
             atomic_load(&max_ms));
}

/* One client at a time, pausing between exchanges so that the instance it
 * used is listening again: with four instances and no other client the
 * pipe is then never busy, so whatever fails its first CreateFileA is the
 * flood's doing.  Windows says ERROR_PIPE_BUSY only when every instance is
 * taken. */
#define LONE_CLIENTS 100
/* Issue 12 saw "ERROR_PIPE_BUSY on most tries"; an unloaded machine gives
 * 100 of 100 with the fix, about 90 without (printed); the bound is set
 * where a loaded CI machine does not make it flaky. */
#define LONE_FIRST_TRY_MIN 50

static void lone_client(void *arg)
{
    int first = 0, ok = 0;
    for (int i = 0; i < LONE_CLIENTS; i++) {
        char msg[64];
        DWORD le;
        ULONG pid;
        int tries;
        snprintf(msg, sizeof msg, "lone-%d", i);
        if (sec_echo_client(sec_pipe_name(*(const char **)arg), msg,
                            CLIENT_BOUND_MS, 0, &le, &pid, &tries)) {
            ok++;
            first += tries == 1;
        } else {
            TEST_FAIL_AT("A's lone client %d FAILED after %d tries (last "
                         "error %s (%lu)) under B's flood",
                         i, tries, sec_err_name(le), (unsigned long)le);
        }
        sec_sleep_ms(20);
    }
    sec_send(SEC_CHAN, "ok %d %d", ok, first);
}

/* A lone client's run on pipe name: checks its results. */
static void lone_run(const char *short_name, const char *what)
{
    struct sec_child v;
    char msg[64];
    int ok = -1, first = -1;
    if (sec_spawn(&v, SEC_A, 200, lone_client, &short_name, what))
        return;
    if (sec_expect(v.fd, "ok", msg, sizeof msg, 210000) == 0)
        sscanf(msg, "ok %d %d", &ok, &first);
    sec_join(&v);
    printf("flood: a lone client of A on %s: %d of %d exchanges, %d of them "
           "at the first CreateFileA\n",
           what, ok, LONE_CLIENTS, first);
    test_checks++;
    if (ok != LONE_CLIENTS)
        TEST_FAIL_AT("%s: %d of %d of A's exchanges done", what, ok,
                     LONE_CLIENTS);
    test_checks++;
    if (first < LONE_FIRST_TRY_MIN)
        TEST_FAIL_AT("%s, idle: only %d of %d of A's CreateFileA calls "
                     "connected at the first try (at least %d wanted): B's "
                     "flood makes the pipe look busy (ERROR_PIPE_BUSY)",
                     what, first, LONE_CLIENTS, LONE_FIRST_TRY_MIN);
}

static void test_backlog_flood(void)
{
    struct sec_child a, b, v;
    char msg[128];
    int ok = -1, served = -1, tries = 0, maxtries = 0;
    unsigned long long maxms = 0;
    long long t[4] = {0, 0, 0, 0};

    if (sec_spawn(&a, SEC_A, 280, flood_server, NULL, "server"))
        return;
    if (sec_spawn(&b, SEC_B, 250, flooder, NULL, "flooder")) {
        sec_kill(&a);
        return;
    }
    /* A names its sockets; B floods them. */
    if (sec_relay_socks(a.fd, b.fd) > 0 &&
        sec_expect(b.fd, "flooding", NULL, 0, 30000) == 0 &&
        sec_spawn(&v, SEC_A, 200, flood_clients, NULL, "100 clients") == 0) {
        if (sec_expect(v.fd, "ok", msg, sizeof msg, 210000) == 0)
            sscanf(msg, "ok %d %d %d %llu", &ok, &tries, &maxtries, &maxms);
        sec_join(&v);
        printf("flood: %d of %d of A's clients served (%d connect attempts, "
               "at most %d and %llu ms for one)\n",
               ok, CLIENT_THREADS * CLIENTS_PER_THREAD, tries, maxtries, maxms);
        CHECK_EQ(ok, CLIENT_THREADS * CLIENTS_PER_THREAD);
        lone_run(FLOOD_PIPE, "the pipe of four instances");
        lone_run(SINGLE_PIPE, "a pipe of one instance");
    }
    sec_flood_stop(&b, t);
    sec_send(a.fd, "end");
    if (sec_expect(a.fd, "served", msg, sizeof msg, 20000) == 0)
        sscanf(msg, "served %d", &served);
    sec_join(&a);
    printf("flood: %lld connects by B (%lld queued, %lld on a full backlog, "
           "%lld refused); A's servers answered %d requests\n",
           t[0], t[1], t[2], t[3], served);
    test_checks++;
    if (t[0] < FLOOD_MIN)
        TEST_FAIL_AT("B made only %lld connects (at least %d wanted): the "
                     "flood did not happen",
                     t[0], FLOOD_MIN);
}

int main(void)
{
    sec_init();
    SEC_RUN(test_backlog_flood);
    return sec_summary();
}
