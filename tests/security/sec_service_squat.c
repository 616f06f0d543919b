/*
 * sec_service_squat.c: another process holds the abstract name of a
 * process's handle service ("winipc-svc-PID") before that process starts
 * its service (docs/processes.md, "The handle service").  DuplicateHandle
 * into and out of the process must work all the same, and the squatter
 * must never be taken for the service.
 *
 * The victim is this binary run again (plain fork and exec, so its pid is
 * known before it starts anything); it starts its service with its first
 * handle, once told to.  Before that, the squatter binds the victim's name
 * and:
 *   - listens, and never accepts (its backlog full: a client that waited
 *     for room there would wait for ever);
 *   - listens and accepts;
 *   - only binds (a connect is refused);
 *   - listens, and goes away once the victim's service runs (the name is
 *     free again, the service still under its other name).
 * As root the squatter is the user "nobody"; without root it is another
 * process of the same user (the same path through the code), and the run
 * says so.
 */
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static char self_exe[4096];

enum squat { SQUAT_FULL, SQUAT_ACCEPT, SQUAT_BIND_ONLY, SQUAT_LEAVE };

static const char *squat_name(enum squat how)
{
    switch (how) {
    case SQUAT_FULL:
        return "listens with a full backlog";
    case SQUAT_ACCEPT:
        return "listens and accepts";
    case SQUAT_BIND_ONLY:
        return "binds without listening";
    default:
        return "listens, then leaves";
    }
}

static int write_full(int fd, const void *buf, size_t len)
{
    return write(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

/* ---- The victim ----------------------------------------------------------- */

/*
 * victim GO_FD OUT_FD: waits for a byte on GO_FD, then makes its first
 * handle (an event E: its service starts) and writes E's value to OUT_FD.
 * Then reads the value of a handle the test duplicated into it, sets that
 * event, and waits for E to be set through the test's duplicate of it.
 * Exit status 0 if all went so.
 */
static int helper_victim(int argc, char **argv)
{
    int go, out;
    uint64_t v;
    char c;
    HANDLE e;

    if (argc < 2)
        return 10;
    go = atoi(argv[0]);
    out = atoi(argv[1]);
    if (test_read_full(go, &c, 1) < 0)
        return 11;
    e = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (!e)
        return 12;
    v = (uint64_t)(uintptr_t)e;
    if (write_full(out, &v, sizeof v) < 0)
        return 13;
    if (test_read_full(go, &v, sizeof v) < 0)
        return 14;
    if (!SetEvent((HANDLE)(uintptr_t)v))
        return 15;
    return WaitForSingleObject(e, 20000) == WAIT_OBJECT_0 ? 0 : 16;
}

struct victim {
    pid_t pid;
    int go, out; /* our ends */
};

static int victim_start(struct victim *v)
{
    int go[2], out[2];
    char a[16], b[16], helper[] = "--helper", name[] = "victim";
    char *args[] = {self_exe, helper, name, a, b, NULL};

    if (pipe(go) < 0)
        return -1;
    if (pipe(out) < 0) {
        close(go[0]);
        close(go[1]);
        return -1;
    }
    snprintf(a, sizeof a, "%d", go[0]);
    snprintf(b, sizeof b, "%d", out[1]);
    v->pid = fork();
    if (v->pid == 0) {
        close(go[1]);
        close(out[0]);
        execv(self_exe, args);
        _exit(127);
    }
    close(go[0]);
    close(out[1]);
    fcntl(go[1], F_SETFD, FD_CLOEXEC);
    fcntl(out[0], F_SETFD, FD_CLOEXEC);
    v->go = go[1];
    v->out = out[0];
    return v->pid > 0 ? 0 : -1;
}

/* ---- The squatter --------------------------------------------------------- */

static socklen_t svc_addr(pid_t pid, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    snprintf(sa->sun_path + 1, sizeof sa->sun_path - 1, "winipc-svc-%d",
             (int)pid);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
                       strlen(sa->sun_path + 1));
}

struct squatter {
    pid_t pid;
    int ctl; /* our end: closing it (or a byte) makes it leave */
};

static uid_t squat_uid; /* 0: this user */
static gid_t squat_gid;

/* A process (of the user squat_uid, if set) that binds the name of
 * victim's service as how says; returns once the name is held. */
static int squatter_start(pid_t victim, enum squat how, struct squatter *s)
{
    int ready[2], ctl[2];
    char c = 0;

    if (pipe2(ready, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(ctl, O_CLOEXEC) < 0) {
        close(ready[0]);
        close(ready[1]);
        return -1;
    }
    s->pid = fork();
    if (s->pid == 0) {
        struct sockaddr_un sa;
        socklen_t len = svc_addr(victim, &sa);
        int fd, filler[8], nfill = 0;

        close(ready[0]);
        close(ctl[1]);
        if (squat_uid &&
            (setgroups(0, NULL) < 0 || setgid(squat_gid) < 0 ||
             setuid(squat_uid) < 0))
            _exit(20);
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0)
            _exit(21);
        if (how != SQUAT_BIND_ONLY &&
            listen(fd, how == SQUAT_FULL ? 0 : 16) < 0)
            _exit(22);
        if (how == SQUAT_FULL) {
            /* Its own connections fill the backlog. */
            while (nfill < 8) {
                int f = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
                if (f < 0 || connect(f, (struct sockaddr *)&sa, len) < 0) {
                    if (f >= 0)
                        close(f);
                    break;
                }
                filler[nfill++] = f;
            }
        }
        c = 1;
        if (write(ready[1], &c, 1) != 1)
            _exit(23);
        for (;;) {
            struct pollfd p[2] = {{ctl[0], POLLIN, 0}, {fd, POLLIN, 0}};
            if (poll(p, how == SQUAT_ACCEPT ? 2 : 1, -1) < 0)
                continue;
            if (p[0].revents)
                break;
            if (p[1].revents & POLLIN) {
                /* Accepts, reads and answers with something. */
                int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
                char junk[512];
                if (conn >= 0) {
                    if (read(conn, junk, sizeof junk) > 0 &&
                        write(conn, "squatter", 8) < 0)
                        break;
                    close(conn);
                }
            }
        }
        (void)filler;
        _exit(0);
    }
    close(ready[1]);
    close(ctl[0]);
    s->ctl = ctl[1];
    if (s->pid < 0 || read(ready[0], &c, 1) != 1) {
        close(ready[0]);
        return -1;
    }
    close(ready[0]);
    return 0;
}

static void squatter_stop(struct squatter *s)
{
    int st;
    if (s->pid <= 0)
        return;
    close(s->ctl);
    while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
        ;
    s->pid = 0;
}

/* Counts the listening sockets named "@winipc-svc-PID" (own) and
 * "@winipc-svc-PID.*" (other names) in /proc/net/unix. */
static void count_names(pid_t pid, int *own, int *other)
{
    char line[512], path[128], want[64];
    unsigned flags;
    size_t n;
    FILE *f = fopen("/proc/net/unix", "re");

    *own = *other = 0;
    if (!f)
        return;
    n = (size_t)snprintf(want, sizeof want, "@winipc-svc-%d", (int)pid);
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%*s %*x %*x %x %*x %*x %*u %127s", &flags, path) ==
                2 &&
            (flags & 0x10000) && strncmp(path, want, n) == 0) {
            if (path[n] == '\0')
                (*own)++;
            else if (path[n] == '.')
                (*other)++;
        }
    fclose(f);
}

/* ---- The cases ------------------------------------------------------------ */

static void squat_case(enum squat how)
{
    struct victim v;
    struct squatter s = {0, -1};
    HANDLE hv = NULL, mine = NULL, got = NULL, put = NULL;
    uint64_t value = 0;
    DWORD code = 99;
    char c = 1;
    int own = 0, other = 0;

    if (victim_start(&v) != 0) {
        CHECK(!"could not start the victim");
        return;
    }
    /* The name is taken before the victim's first handle. */
    CHECK_EQ(squatter_start(v.pid, how, &s), 0);
    CHECK_EQ(write_full(v.go, &c, 1), 0);
    CHECK_EQ(test_read_full(v.out, &value, sizeof value), 0);
    count_names(v.pid, &own, &other);
    CHECK_EQ(own, how == SQUAT_BIND_ONLY ? 0 : 1); /* the squatter's */
    CHECK_EQ(other, 1);                           /* the victim's service */
    if (how == SQUAT_LEAVE)
        squatter_stop(&s); /* the name is free again */

    hv = OpenProcess(PROCESS_DUP_HANDLE | SYNCHRONIZE |
                         PROCESS_QUERY_INFORMATION,
                     FALSE, (DWORD)v.pid);
    CHECK(hv != NULL);
    mine = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK(mine != NULL);
    /* Out of the victim (its service's GET) and into it (PUT). */
    CHECK_OK(DuplicateHandle(hv, (HANDLE)(uintptr_t)value,
                             GetCurrentProcess(), &got, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), mine, hv, &put, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    value = (uint64_t)(uintptr_t)put;
    CHECK_EQ(write_full(v.go, &value, sizeof value), 0);
    /* The victim sets our event through its copy... */
    CHECK_EQ(WaitForSingleObject(mine, 10000), WAIT_OBJECT_0);
    /* ... and we set its event through ours. */
    if (got)
        CHECK_OK(SetEvent(got));
    else
        kill(v.pid, SIGKILL);
    if (hv) {
        CHECK_EQ(WaitForSingleObject(hv, 20000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(hv, &code));
        CHECK_EQ(code, 0);
    }
    while (waitpid(v.pid, NULL, 0) < 0 && errno == EINTR)
        ;
    squatter_stop(&s);
    close(v.go);
    close(v.out);
    if (got)
        CloseHandle(got);
    if (mine)
        CloseHandle(mine);
    if (hv)
        CloseHandle(hv);
    printf("     squatter (%s, uid %u) %s: DuplicateHandle in and out %s\n",
           squat_uid ? "another user" : "this user",
           (unsigned)(squat_uid ? squat_uid : geteuid()), squat_name(how),
           code == 0 ? "worked" : "failed");
}

static void test_squat_full_backlog(void) { squat_case(SQUAT_FULL); }
static void test_squat_accepting(void) { squat_case(SQUAT_ACCEPT); }
static void test_squat_bind_only(void) { squat_case(SQUAT_BIND_ONLY); }
static void test_squat_then_leave(void) { squat_case(SQUAT_LEAVE); }

/* Without a squatter, the service keeps its own name (no other name). */
static void test_no_squatter(void)
{
    struct victim v;
    uint64_t value = 0;
    HANDLE hv, got = NULL;
    char c = 1;
    int own = 0, other = 0;

    if (victim_start(&v) != 0) {
        CHECK(!"could not start the victim");
        return;
    }
    CHECK_EQ(write_full(v.go, &c, 1), 0);
    CHECK_EQ(test_read_full(v.out, &value, sizeof value), 0);
    count_names(v.pid, &own, &other);
    CHECK_EQ(own, 1);
    CHECK_EQ(other, 0);
    hv = OpenProcess(PROCESS_DUP_HANDLE, FALSE, (DWORD)v.pid);
    CHECK(hv != NULL);
    CHECK_OK(DuplicateHandle(hv, (HANDLE)(uintptr_t)value, GetCurrentProcess(),
                             &got, 0, FALSE, DUPLICATE_SAME_ACCESS));
    kill(v.pid, SIGKILL);
    while (waitpid(v.pid, NULL, 0) < 0 && errno == EINTR)
        ;
    close(v.go);
    close(v.out);
    if (got)
        CloseHandle(got);
    if (hv)
        CloseHandle(hv);
}

int main(int argc, char **argv)
{
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    struct passwd *pw;

    if (n > 0)
        self_exe[n] = '\0';
    signal(SIGPIPE, SIG_IGN);
    TEST_HELPERS(argc, argv, {"victim", helper_victim});
    pw = geteuid() == 0 ? getpwnam("nobody") : NULL;
    if (pw && pw->pw_uid != 0) {
        squat_uid = pw->pw_uid;
        squat_gid = pw->pw_gid;
    } else {
        printf("     skipped: a squatter of another user needs root (and "
               "the user \"nobody\"); the squatter is of this user\n");
    }
    RUN(test_no_squatter);
    RUN(test_squat_full_backlog);
    RUN(test_squat_accepting);
    RUN(test_squat_bind_only);
    RUN(test_squat_then_leave);
    return TEST_SUMMARY();
}
