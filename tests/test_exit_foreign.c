/*
 * test_exit_foreign.c: GetExitCodeProcess on a process that is neither the
 * caller's child nor a winipc program (docs/processes.md, "Exit codes").
 *
 * The watched process ("P1", /bin/sh) is the child of a go-between this
 * test fork()s, so the test is never its parent.  Linux makes a process's
 * pidfd readable when it exits, but keeps its status for pidfd holders only
 * once its parent has reaped it: a WaitForSingleObject wakes up before that
 * moment, and GetExitCodeProcess must still give the code.  Each case is
 * run many times (the window is short and was missed intermittently):
 *
 *   - the go-between reaps P1 at once (as a shell does);
 *   - the go-between keeps P1 a zombie until the test has read the code;
 *   - P1 killed by a signal (128 + the signal), and P1 exiting with 0.
 *
 * As root, the same cases run again as the user "nobody" (a process of the
 * test that drops to that user and runs the binary again), and "nobody"
 * watches a root process: it may not read the zombie's status, so it gets
 * the code once the parent reaps (waited for briefly), 0 while a zombie
 * that is not reaped stays so.  Without root those runs are skipped with a
 * message.
 */
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define RUNS 25

static char self_exe[4096];

/* A go-between and the process P1 it started. */
struct foreign {
    pid_t between; /* our child, P1's parent */
    pid_t p1;
    int release_fd; /* a byte here (or closing it) lets it reap P1 */
    int go_fd;      /* closing it lets P1 go on (-1: closed) */
};

/* The user P1 runs as when foreign_start has no script: 0 (none). */
static uid_t p1_real_uid;

/*
 * Starts P1 running "sh -c script" as the child of a fork()ed go-between,
 * which reaps it at once (hold == 0) or only once released.  Plain fork and
 * exec: P1 knows nothing of winipc.  Without script, P1 is the fork()ed
 * child itself, which takes p1_real_uid as its real user id (keeping root
 * as its effective and saved ones, as a set-user-ID program does), waits
 * for the word and ends with _exit(3): that user may signal it, not trace
 * it.  P1 reads the word on its standard input (a script: "read x; ..."):
 * it goes on once foreign_go closes the other end, so it cannot end before
 * the test has opened it.
 */
static int foreign_start(const char *script, int hold, struct foreign *f)
{
    int info[2], rel[2], go[2];

    if (pipe2(go, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(info, O_CLOEXEC) < 0) {
        close(go[0]);
        close(go[1]);
        return -1;
    }
    if (pipe2(rel, O_CLOEXEC) < 0) {
        close(go[0]);
        close(go[1]);
        close(info[0]);
        close(info[1]);
        return -1;
    }
    f->between = fork();
    if (f->between == 0) {
        pid_t p1;
        char c;
        int st;
        close(info[0]);
        close(rel[1]);
        close(go[1]);
        p1 = fork();
        if (p1 == 0) {
            if (!script) {
                /* Its pid is told once the user may signal it. */
                pid_t me = getpid();
                if (setresuid(p1_real_uid, 0, 0) < 0 ||
                    write(info[1], &me, sizeof me) != (ssize_t)sizeof me)
                    _exit(126);
                while (read(go[0], &c, 1) < 0 && errno == EINTR)
                    ;
                _exit(3);
            }
            if (dup2(go[0], 0) < 0) /* the word comes on stdin */
                _exit(125);
            execl("/bin/sh", "sh", "-c", script, (char *)NULL);
            _exit(127);
        }
        close(go[0]);
        if (script && write(info[1], &p1, sizeof p1) != (ssize_t)sizeof p1)
            _exit(1);
        close(info[1]);
        if (hold) {
            /* P1 stays a zombie until the test is done with it. */
            siginfo_t si;
            while (waitid(P_PID, (id_t)p1, &si, WEXITED | WNOWAIT) < 0 &&
                   errno == EINTR)
                ;
            while (read(rel[0], &c, 1) < 0 && errno == EINTR)
                ;
        }
        while (waitpid(p1, &st, 0) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(info[1]);
    close(rel[0]);
    close(go[0]);
    f->release_fd = rel[1];
    f->go_fd = go[1];
    if (f->between < 0 || test_read_full(info[0], &f->p1, sizeof f->p1) < 0) {
        close(info[0]);
        close(rel[1]);
        return -1;
    }
    close(info[0]);
    return 0;
}

/* Lets P1 go on to its end. */
static void foreign_go(struct foreign *f)
{
    if (f->go_fd >= 0)
        close(f->go_fd);
    f->go_fd = -1;
}

/* Thread main: lets P1 go on once the thread `waiter' is seen asleep in
 * poll(), its WaitForSingleObject on P1 (10 s at most; `seen' says if it
 * was), so that P1 ends while it is waited for. */
struct go_when_waiting {
    struct foreign *f;
    _Atomic int waiter;
    int seen;
};

static DWORD WINAPI go_when_waiting(LPVOID arg)
{
    struct go_when_waiting *g = arg;
    g->seen = test_wait_blocked(0, &g->waiter, 10000, TEST_SYS_POLL, -1, 0);
    foreign_go(g->f);
    return 0;
}

/* Lets the go-between reap P1, and reaps the go-between. */
static void foreign_finish(struct foreign *f)
{
    int st;
    char c = 1;
    foreign_go(f);
    if (write(f->release_fd, &c, 1) < 0) {
        /* it no longer reads: it has gone on already */
    }
    close(f->release_fd);
    while (waitpid(f->between, &st, 0) < 0 && errno == EINTR)
        ;
}

/* 1 once P1 has been reaped by its parent (its pid no longer exists as
 * P1: the zombie is gone). */
static int p1_reaped(pid_t pid)
{
    char path[64], buf[512];
    int fd, zombie = 0;
    ssize_t n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 1;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) {
        char *p;
        buf[n] = '\0';
        p = strrchr(buf, ')');
        zombie = p && p[1] == ' ' && p[2] == 'Z';
    }
    return !zombie;
}

/*
 * One run: P1 runs script (as the child of a go-between, reaped at once or
 * held as a zombie); the code read right after the wait must be expect.
 */
static void one_run(const char *script, int hold, DWORD expect, int *bad)
{
    struct foreign f;
    HANDLE h;
    DWORD code = 12345;

    if (foreign_start(script, hold, &f) != 0) {
        CHECK(!"could not start P1");
        return;
    }
    h = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE,
                    (DWORD)f.p1);
    CHECK(h != NULL);
    if (h) {
        /* P1 ends (told by another thread) while this one waits for it. */
        struct go_when_waiting g = {&f, test_gettid(), 0};
        HANDLE t = CreateThread(NULL, 0, go_when_waiting, &g, 0, NULL);
        CHECK(t != NULL);
        if (!t)
            foreign_go(&f);
        CHECK_EQ(WaitForSingleObject(h, 10000), WAIT_OBJECT_0);
        if (t) {
            CHECK_EQ(WaitForSingleObject(t, 20000), WAIT_OBJECT_0);
            CloseHandle(t);
            CHECK(g.seen);
        }
        CHECK_OK(GetExitCodeProcess(h, &code));
        if (code != expect)
            (*bad)++;
        CHECK_EQ(code, expect);
    }
    foreign_finish(&f);
    if (h) {
        /* After the reap: the same code. */
        CHECK(p1_reaped(f.p1));
        CHECK_OK(GetExitCodeProcess(h, &code));
        CHECK_EQ(code, expect);
        CloseHandle(h);
    }
}

static void runs(const char *what, const char *script, int hold,
                 DWORD expect, int count)
{
    int bad = 0;
    for (int i = 0; i < count; i++)
        one_run(script, hold, expect, &bad);
    printf("     %s (%s, uid %u): %d/%d runs gave %lu\n", what,
           hold ? "zombie held" : "reaped at once", (unsigned)geteuid(),
           count - bad, count, (unsigned long)expect);
}

static void test_exit_reaped_at_once(void)
{
    runs("exit 3", "read x; exit 3", 0, 3, RUNS);
}

static void test_exit_zombie_held(void)
{
    runs("exit 3", "read x; exit 3", 1, 3, RUNS);
}

static void test_killed_by_signal(void)
{
    runs("kill -TERM", "read x; kill -TERM $$", 0, 128 + SIGTERM, 5);
    runs("kill -TERM", "read x; kill -TERM $$", 1, 128 + SIGTERM, 5);
}

static void test_exit_zero(void)
{
    runs("exit 0", "read x; exit 0", 0, 0, 5);
    runs("exit 0", "read x; exit 0", 1, 0, 5);
}

/* ---- As another user ---------------------------------------------------- */

/* The cases above, for a process that runs as "nobody" (see main). */
static int helper_suite(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    TEST_START();
    RUN(test_exit_reaped_at_once);
    RUN(test_exit_zombie_held);
    RUN(test_killed_by_signal);
    RUN(test_exit_zero);
    return TEST_SUMMARY();
}

/*
 * observe PID EXPECT DONE_FD GO_FD EXPECT_AFTER: opens PID (another user's
 * process), writes its own pid to DONE_FD (the parent then lets PID end
 * once it sees this process wait) and waits for PID; its code must be
 * EXPECT.  Then writes a byte to DONE_FD, waits for one on GO_FD (the
 * parent has reaped it meanwhile) and the code must be EXPECT_AFTER.  The
 * number of wrong codes is its exit status.
 */
static int helper_observe(int argc, char **argv)
{
    DWORD pid, expect, after, code = 12345;
    int done_fd, go_fd, wrong = 0;
    HANDLE h;
    char c = 1;

    if (argc < 5)
        return 100;
    pid = (DWORD)strtoul(argv[0], NULL, 0);
    expect = (DWORD)strtoul(argv[1], NULL, 0);
    done_fd = atoi(argv[2]);
    go_fd = atoi(argv[3]);
    after = (DWORD)strtoul(argv[4], NULL, 0);
    h = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE, pid);
    if (!h) {
        fprintf(stderr, "observe: OpenProcess: error %lu\n",
                (unsigned long)GetLastError());
        return 101;
    }
    {
        pid_t me = getpid();
        if (write(done_fd, &me, sizeof me) != (ssize_t)sizeof me)
            return 106;
    }
    if (WaitForSingleObject(h, 10000) != WAIT_OBJECT_0)
        return 102;
    if (!GetExitCodeProcess(h, &code))
        return 103;
    if (code != expect) {
        fprintf(stderr, "observe: %lu, expected %lu\n", (unsigned long)code,
                (unsigned long)expect);
        wrong++;
    }
    if (write(done_fd, &c, 1) != 1 || read(go_fd, &c, 1) != 1)
        return 104;
    if (!GetExitCodeProcess(h, &code))
        return 105;
    if (code != after) {
        fprintf(stderr, "observe after the reap: %lu, expected %lu\n",
                (unsigned long)code, (unsigned long)after);
        wrong++;
    }
    CloseHandle(h);
    return wrong;
}

/* A scratch namespace root that belongs to "nobody". */
static char nobody_root[64];

/* Runs this binary again as user pw with args (execv): the exit status, or
 * -1.  keep_fds: descriptors the new program keeps. */
static int run_as(const struct passwd *pw, char *const *args,
                  const int *keep_fds, size_t nkeep)
{
    pid_t pid = fork();
    int st;

    if (pid == 0) {
        for (size_t i = 0; i < nkeep; i++)
            fcntl(keep_fds[i], F_SETFD, 0);
        if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
            setuid(pw->pw_uid) < 0)
            _exit(120);
        if (nobody_root[0])
            setenv("WINIPC_ROOT", nobody_root, 1);
        execv(self_exe, args);
        _exit(121);
    }
    if (pid < 0)
        return -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const struct passwd *nobody(void)
{
    static int done;
    static struct passwd pw;
    static char strings[1024];
    struct passwd *r = NULL;

    if (!done) {
        done = 1;
        if (getpwnam_r("nobody", &pw, strings, sizeof strings, &r) != 0)
            r = NULL;
        if (!r)
            pw.pw_uid = 0;
    }
    return pw.pw_uid != 0 ? &pw : NULL;
}

static void test_as_nobody(void)
{
    const struct passwd *pw = nobody();
    char helper[] = "--helper", suite[] = "suite";
    char *args[] = {self_exe, helper, suite, NULL};

    if (geteuid() != 0 || !pw) {
        printf("     skipped: the runs as \"nobody\" need root\n");
        return;
    }
    CHECK_EQ(run_as(pw, args, NULL, 0), 0);
}

/*
 * "nobody" watches a P1 that it may signal but not trace (real user
 * "nobody", effective user root): the zombie's status is hidden from it.
 * Reaped at once, the code comes with the reap, which GetExitCodeProcess
 * waits for; a zombie held past that wait reads 0, then 3 after the reap.
 */
static void cross_user_run(int hold, int *bad)
{
    const struct passwd *pw = nobody();
    struct foreign f;
    int done[2], go[2], r;
    char pidarg[16], expect[16], dfd[16], gfd[16], after[16];
    char helper[] = "--helper", observe[] = "observe";
    char *args[] = {self_exe, helper, observe, pidarg, expect,
                    dfd,      gfd,    after,   NULL};
    pid_t child;
    char c = 1;
    int st;

    p1_real_uid = pw->pw_uid;
    /* P1 first: its go-between must not hold the pipes' ends. */
    if (foreign_start(NULL, hold, &f) != 0) {
        CHECK(!"could not start P1");
        return;
    }
    if (pipe2(done, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
        CHECK(!"pipe");
        foreign_finish(&f);
        return;
    }
    snprintf(pidarg, sizeof pidarg, "%d", (int)f.p1);
    /* A zombie held past the wait: its status is hidden from "nobody". */
    snprintf(expect, sizeof expect, "%d", hold ? 0 : 3);
    snprintf(dfd, sizeof dfd, "%d", done[1]);
    snprintf(gfd, sizeof gfd, "%d", go[0]);
    snprintf(after, sizeof after, "%d", 3);
    child = fork();
    if (child == 0) {
        int keep[2] = {done[1], go[0]};
        close(f.go_fd); /* only the test lets P1 go on */
        _exit(run_as(pw, args, keep, 2));
    }
    close(done[1]);
    close(go[0]);
    /* The observer has opened P1: P1 ends once it is seen waiting. */
    {
        _Atomic int observer = 0;
        pid_t opid = 0;
        if (test_read_full(done[0], &opid, sizeof opid) < 0)
            CHECK(!"the observer did not open P1");
        atomic_store(&observer, (int)opid);
        CHECK(opid > 0 &&
              test_wait_blocked(opid, &observer, 10000, TEST_SYS_POLL, -1, 0));
        foreign_go(&f);
    }
    /* The observer has read the first code: P1 may be reaped now. */
    if (read(done[0], &c, 1) != 1)
        CHECK(!"the observer did not get that far");
    foreign_finish(&f);
    if (write(go[1], &c, 1) != 1)
        CHECK(!"the observer has gone");
    close(go[1]);
    close(done[0]);
    while (waitpid(child, &st, 0) < 0 && errno == EINTR)
        ;
    r = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (r != 0)
        (*bad)++;
    CHECK_EQ(r, 0);
}

static void test_other_user_watches(void)
{
    int bad = 0, i, n = 10;

    if (geteuid() != 0 || !nobody()) {
        printf("     skipped: watching another user's process needs root\n");
        return;
    }
    for (i = 0; i < n; i++)
        cross_user_run(0, &bad);
    printf("     nobody watches a P1 it may not trace (reaped at once): %d/%d "
           "runs gave 3\n",
           n - bad, n);
    bad = 0;
    for (i = 0; i < 3; i++)
        cross_user_run(1, &bad);
    printf("     nobody watches a P1 it may not trace (zombie held): %d/%d "
           "runs gave 0, then 3 after the reap\n",
           3 - bad, 3);
}

int main(int argc, char **argv)
{
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (n > 0)
        self_exe[n] = '\0';
    /* A go-between that has gone must not kill us when told to go on. */
    signal(SIGPIPE, SIG_IGN);
    TEST_HELPERS(argc, argv, {"suite", helper_suite},
                 {"observe", helper_observe});
    if (geteuid() == 0 && nobody()) {
        snprintf(nobody_root, sizeof nobody_root, "/tmp/winipc-test-%d-nobody",
                 (int)getpid());
        if (mkdir(nobody_root, 0700) < 0 ||
            chown(nobody_root, nobody()->pw_uid, nobody()->pw_gid) < 0)
            nobody_root[0] = '\0';
    }
    RUN(test_exit_reaped_at_once);
    RUN(test_exit_zombie_held);
    RUN(test_killed_by_signal);
    RUN(test_exit_zero);
    RUN(test_as_nobody);
    RUN(test_other_user_watches);
    if (nobody_root[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", nobody_root);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", nobody_root);
    }
    return TEST_SUMMARY();
}
