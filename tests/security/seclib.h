/*
 * seclib.h: the harness of the security tests (tests/security/sec_*.c),
 * on top of testlib.h.  See docs and issue 12: a victim A, an attacker B,
 * and root, each in a fork()ed child of the test binary.
 *
 *   int main(void) {
 *       sec_init();                     // skips (77) without root/useradd
 *       SEC_RUN(test_something);        // a fresh namespace root per test
 *       return sec_summary();
 *   }
 *
 * The test binary itself (the parent, root) never calls winipc: the library
 * keeps per-process state (the namespace root, the handle service) that
 * the children must each set up as their own user.  The parent creates the
 * namespace root, forks children that drop to a user (sec_spawn), talks to
 * them through a socket pair (sec_send/sec_expect) and collects their
 * failures from their exit status (sec_join).  Every child has an alarm:
 * an operation that hangs kills its child with SIGALRM, which the parent
 * reports as a failure ("hung"), instead of hanging ctest.
 *
 * The attacks that named pipes and mailslots share (sec_public_attack,
 * sec_lock_attack, sec_corrupt_registries, sec_mutation_attack) are here,
 * with what differs (the objects, the victim's operations, the messages)
 * given by sec_npipe.c and sec_mailslot.c.
 *
 * Registry paths follow docs/security (flat layout):
 *   ROOT/pipe.<enc>, ROOT/mailslot.<enc>
 * where <enc> is the name after "\\.\pipe\" (or "\\.\mailslot\") folded to
 * lower case, every byte outside [a-z0-9_-] written as %XX.
 */
#ifndef WINIPC_SECLIB_H
#define WINIPC_SECLIB_H

#define TEST_WATCHDOG 290

#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include <winipc.h>

/* ---- Users --------------------------------------------------------------- */

enum { SEC_ROOT = 0, SEC_A = 1, SEC_B = 2 };

struct sec_user {
    const char *name;
    const char *label; /* in messages */
    uid_t uid;
    gid_t gid;
};

static struct sec_user sec_users[3] = {
    {"root", "root", 0, 0},
    {"wipcsec_a", "A (victim)", 0, 0},
    {"wipcsec_b", "B (attacker)", 0, 0},
};

static inline void sec_skip(const char *why)
{
    printf("SKIP: %s\n", why);
    fflush(stdout);
    exit(77);
}

static inline const char *sec_find_useradd(void)
{
    static const char *const cands[] = {"/usr/sbin/useradd", "/sbin/useradd",
                                        "/usr/bin/useradd", "/bin/useradd"};
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++)
        if (access(cands[i], X_OK) == 0)
            return cands[i];
    return NULL;
}

/* Creates the throw-away system user name unless it exists.  Another test
 * binary may create it at the same time: useradd then fails (the user
 * exists, or /etc/passwd is locked), which is fine once getpwnam finds it. */
static inline int sec_ensure_user(const char *useradd, struct sec_user *u)
{
    for (int attempt = 0; attempt < 40; attempt++) {
        struct passwd *pw = getpwnam(u->name);
        pid_t pid;
        int st;

        if (pw) {
            u->uid = pw->pw_uid;
            u->gid = pw->pw_gid;
            return u->uid != 0 ? 0 : -1;
        }
        fflush(NULL);
        pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            if (null >= 0 && attempt < 39) { /* the last try says why */
                dup2(null, 1);
                dup2(null, 2);
            }
            execl(useradd, useradd, "--system", "--no-create-home", "--shell",
                  "/usr/sbin/nologin", u->name, (char *)NULL);
            _exit(127);
        }
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (attempt > 0)
            usleep(250 * 1000); /* a race: passwd locked, try again */
    }
    return -1;
}

/* ---- sysctls (fs.protected_*), restored even on failure
 * ---------------------- */

struct sec_sysctl {
    char path[96];
    char saved[16];
    int set;
};
static struct sec_sysctl sec_sysctls[4];

static inline void sec_write_str(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t w = write(fd, s, strlen(s));
        (void)w;
        close(fd);
    }
}

/* Async-signal-safe: called from the parent's signal handlers too. */
static inline void sec_sysctl_restore(void)
{
    for (size_t i = 0; i < sizeof sec_sysctls / sizeof sec_sysctls[0]; i++)
        if (sec_sysctls[i].set)
            sec_write_str(sec_sysctls[i].path, sec_sysctls[i].saved);
}

/* Sets /proc/sys/fs/NAME to value (saving the first value seen, put back by
 * sec_sysctl_restore at exit or on a fatal signal).  -1 if it cannot. */
static inline int sec_sysctl_set(const char *name, int value)
{
    char path[96], now[16] = "", want[16];
    struct sec_sysctl *s = NULL;
    ssize_t n;
    int fd;

    snprintf(path, sizeof path, "/proc/sys/fs/%s", name);
    for (size_t i = 0; i < sizeof sec_sysctls / sizeof sec_sysctls[0]; i++)
        if (sec_sysctls[i].set ? strcmp(sec_sysctls[i].path, path) == 0 : !s)
            s = &sec_sysctls[i];
    if (!s)
        return -1;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, now, sizeof now - 1);
    close(fd);
    if (n <= 0)
        return -1;
    now[n] = '\0';
    if (!s->set) {
        snprintf(s->path, sizeof s->path, "%s", path);
        snprintf(s->saved, sizeof s->saved, "%s", now);
        s->set = 1;
    }
    snprintf(want, sizeof want, "%d\n", value);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, want, strlen(want)) != (ssize_t)strlen(want)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static inline void sec_fatal_signal(int sig)
{
    sec_sysctl_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- Time
 * ---------------------------------------------------------------------- */

static inline uint64_t sec_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline void sec_sleep_ms(unsigned ms)
{
    usleep(ms * 1000u);
}

/* ---- Errors, with names in messages
 * ------------------------------------------ */

static inline const char *sec_err_name(DWORD e)
{
    switch (e) {
    case 0:
        return "success";
    case ERROR_FILE_NOT_FOUND:
        return "ERROR_FILE_NOT_FOUND";
    case ERROR_PATH_NOT_FOUND:
        return "ERROR_PATH_NOT_FOUND";
    case ERROR_ACCESS_DENIED:
        return "ERROR_ACCESS_DENIED";
    case ERROR_INVALID_HANDLE:
        return "ERROR_INVALID_HANDLE";
    case ERROR_NOT_ENOUGH_MEMORY:
        return "ERROR_NOT_ENOUGH_MEMORY";
    case ERROR_INVALID_PARAMETER:
        return "ERROR_INVALID_PARAMETER";
    case ERROR_SEM_TIMEOUT:
        return "ERROR_SEM_TIMEOUT";
    case ERROR_INVALID_NAME:
        return "ERROR_INVALID_NAME";
    case ERROR_ALREADY_EXISTS:
        return "ERROR_ALREADY_EXISTS";
    case ERROR_FILE_EXISTS:
        return "ERROR_FILE_EXISTS";
    case ERROR_PIPE_BUSY:
        return "ERROR_PIPE_BUSY";
    case ERROR_NO_DATA:
        return "ERROR_NO_DATA";
    case ERROR_PIPE_NOT_CONNECTED:
        return "ERROR_PIPE_NOT_CONNECTED";
    case ERROR_BROKEN_PIPE:
        return "ERROR_BROKEN_PIPE";
    case ERROR_PIPE_CONNECTED:
        return "ERROR_PIPE_CONNECTED";
    case ERROR_HANDLE_EOF:
        return "ERROR_HANDLE_EOF";
    case ERROR_INVALID_DATA:
        return "ERROR_INVALID_DATA";
    case ERROR_MORE_DATA:
        return "ERROR_MORE_DATA";
    default:
        return "?";
    }
}

/* A Win32 call that the attack must not let through: it must fail with
 * GetLastError() == expected.  ok: whether it succeeded; le: its error;
 * what: the call, as the victim made it, for the message. */
#define SEC_CHECK_FAILS_WITH(ok, le, expected, what)                           \
    do {                                                                       \
        int ok_ = (ok);                                                        \
        DWORD le_ = (le), ex_ = (expected);                                    \
        test_checks++;                                                         \
        if (ok_)                                                               \
            TEST_FAIL_AT("%s SUCCEEDED; expected it to fail with %s (%lu)",    \
                         (what), sec_err_name(ex_), (unsigned long)ex_);       \
        else if (le_ != ex_)                                                   \
            TEST_FAIL_AT("%s failed with %s (%lu); expected %s (%lu)", (what), \
                         sec_err_name(le_), (unsigned long)le_,                \
                         sec_err_name(ex_), (unsigned long)ex_);               \
    } while (0)

/* The same for a call that must succeed. */
#define SEC_CHECK_OK(ok, le, what)                                             \
    do {                                                                       \
        test_checks++;                                                         \
        if (!(ok))                                                             \
            TEST_FAIL_AT("%s failed with %s (%lu)", (what), sec_err_name(le),  \
                         (unsigned long)(le));                                 \
    } while (0)

/* An operation that must return within limit_ms (it did, if we are here;
 * a hang is caught by the child's alarm). */
#define SEC_CHECK_PROMPT(elapsed_ms, limit_ms, what)                           \
    do {                                                                       \
        test_checks++;                                                         \
        if ((elapsed_ms) > (limit_ms))                                         \
            TEST_FAIL_AT("%s took %llu ms (limit %llu ms): the attack "        \
                         "stalled the victim",                                 \
                         (what), (unsigned long long)(elapsed_ms),             \
                         (unsigned long long)(limit_ms));                      \
    } while (0)

/* TEST_FAIL_AT for a helper that reports its caller's file and line. */
static inline void sec_fail_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    test_failures++;
    fprintf(stderr, "%s:%d: %s: ", file, line, test_current);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- The namespace root and the scratch folder of a test
 * ---------------------- */

static char sec_scratch[128]; /* /tmp/wipcsec-XXXXXX, root's, 01777 */
static char sec_root[192];    /* sec_scratch/ns: $WINIPC_ROOT */

/* A fresh scratch folder (root's, 01777, so every user may make files in
 * it but remove only their own) with the namespace root path in it,
 * exported as WINIPC_ROOT.  make_root: also creates the root as the
 * tmpfiles.d entry makes /tmp/.winipc (root's, 01777). */
static inline int sec_begin(int make_root)
{
    snprintf(sec_scratch, sizeof sec_scratch, "/tmp/wipcsec-XXXXXX");
    if (!mkdtemp(sec_scratch)) {
        TEST_FAIL_AT("mkdtemp: %s", strerror(errno));
        return -1;
    }
    if (chown(sec_scratch, 0, 0) < 0 || chmod(sec_scratch, 01777) < 0)
        TEST_FAIL_AT("chmod %s: %s", sec_scratch, strerror(errno));
    snprintf(sec_root, sizeof sec_root, "%s/ns", sec_scratch);
    if (make_root) {
        if (mkdir(sec_root, 01777) < 0 || chown(sec_root, 0, 0) < 0 ||
            chmod(sec_root, 01777) < 0) {
            TEST_FAIL_AT("mkdir %s: %s", sec_root, strerror(errno));
            return -1;
        }
    }
    setenv("WINIPC_ROOT", sec_root, 1);
    return 0;
}

static inline int sec_rm_one(const char *path, const struct stat *st, int flag,
                             struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP || flag == FTW_D)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

static inline void sec_end(void)
{
    if (sec_scratch[0])
        nftw(sec_scratch, sec_rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    sec_scratch[0] = '\0';
    unsetenv("WINIPC_ROOT");
}

/* <enc> of a name (the part after "\\.\pipe\" or "\\.\mailslot\"). */
static inline void sec_encode(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    for (; *name && n + 4 < cap; name++) {
        unsigned char c = (unsigned char)*name;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-')
            out[n++] = (char)c;
        else
            n += (size_t)snprintf(out + n, cap - n, "%%%02X", c);
    }
    out[n] = '\0';
}

/* The Win32 name "\\.\KIND\SHORT" (kind: "pipe" or "mailslot"), in one of
 * 16 buffers used in turn; and the registry file of a short name. */
static inline const char *sec_win32_name(const char *kind,
                                         const char *short_name)
{
    static char buf[16][160];
    static int next;
    char *b = buf[next++ % 16];
    snprintf(b, sizeof buf[0], "\\\\.\\%s\\%s", kind, short_name);
    return b;
}

static inline const char *sec_pipe_name(const char *short_name)
{
    return sec_win32_name("pipe", short_name);
}

static inline const char *sec_slot_name(const char *short_name)
{
    return sec_win32_name("mailslot", short_name);
}

/* kind: "pipe" or "mailslot". */
static inline const char *sec_reg_path(const char *kind, const char *short_name)
{
    static char buf[8][640];
    static int next;
    char enc[400];
    char *b = buf[next++ % 8];
    sec_encode(short_name, enc, sizeof enc);
    snprintf(b, sizeof buf[0], "%s/%s.%s", sec_root, kind, enc);
    return b;
}

/* ---- Children ------------------------------------------------------------ */

struct sec_child {
    pid_t pid;
    int fd; /* the parent's end of the channel */
    char label[512];
};

/* The channel's end in a child. */
#define SEC_CHAN 3

/* A child's exit status: 0, SEC_EXIT_FAILURES + its failures (it printed
 * them), SEC_EXIT_SETUP if it could not become its user; anything else is
 * a crash or an abort (a sanitizer's report, say). */
#define SEC_EXIT_FAILURES 64
#define SEC_EXIT_SETUP 99

typedef void (*sec_fn)(void *arg);

static char sec_child_label[800];

/* Forks a child that becomes user (SEC_ROOT, SEC_A, SEC_B), arms an alarm
 * of timeout_s seconds and runs fn(arg); its failures are its exit status.
 * The child talks to the parent on SEC_CHAN (sec_send/sec_expect). */
static inline int sec_spawn(struct sec_child *c, int user, unsigned timeout_s,
                            sec_fn fn, void *arg, const char *what)
{
    int sv[2];
    pid_t pid;

    snprintf(c->label, sizeof c->label, "%s: %s", sec_users[user].label, what);
    c->pid = -1;
    c->fd = -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        TEST_FAIL_AT("socketpair: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        TEST_FAIL_AT("fork: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        const struct sec_user *u = &sec_users[user];
        signal(SIGALRM, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_IGN);
        /* Only the channel stays open: other children's channels must
         * not be kept open by this one. */
        if (dup2(sv[1], SEC_CHAN) < 0)
            _exit(SEC_EXIT_SETUP);
        close_range(SEC_CHAN + 1, ~0u, 0);
        alarm(timeout_s);
        if (chdir("/") < 0)
            _exit(SEC_EXIT_SETUP);
        if (user != SEC_ROOT && (setgroups(0, NULL) < 0 || setgid(u->gid) < 0 ||
                                 setuid(u->uid) < 0 || geteuid() != u->uid)) {
            fprintf(stderr, "%s: cannot become %s: %s\n", c->label, u->name,
                    strerror(errno));
            _exit(SEC_EXIT_SETUP);
        }
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        umask(022);
        test_failures = 0;
        test_checks = 0;
        snprintf(sec_child_label, sizeof sec_child_label, "%s [%s]",
                 test_current, c->label);
        test_current = sec_child_label;
        fn(arg);
        fflush(NULL);
        _exit(test_failures == 0
                  ? 0
                  : SEC_EXIT_FAILURES +
                        (test_failures > 60 ? 60 : test_failures));
    }
    close(sv[1]);
    c->pid = pid;
    c->fd = sv[0];
    return 0;
}

/* Waits for the child; its failures are counted here.  Returns 0 if it
 * exited with no failure, 1 if it reported failures, -1 if it was killed
 * (SIGALRM: it hung). */
static inline int sec_join(struct sec_child *c)
{
    int st, r = 0;
    if (c->pid <= 0)
        return -1;
    while (waitpid(c->pid, &st, 0) < 0) {
        if (errno != EINTR) {
            TEST_FAIL_AT("waitpid %s: %s", c->label, strerror(errno));
            st = 0;
            break;
        }
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == SEC_EXIT_SETUP) {
        TEST_FAIL_AT("%s: could not set up the child", c->label);
        r = 1;
    } else if (WIFEXITED(st) && WEXITSTATUS(st) > SEC_EXIT_FAILURES &&
               WEXITSTATUS(st) <= SEC_EXIT_FAILURES + 60) {
        /* The child printed its failures. */
        test_failures += WEXITSTATUS(st) - SEC_EXIT_FAILURES;
        r = 1;
    } else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
        TEST_FAIL_AT("%s: exited with status %d: it CRASHED or aborted (see "
                     "above)",
                     c->label, WEXITSTATUS(st));
        r = 1;
    } else if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        TEST_FAIL_AT("%s: killed by signal %d (%s)%s", c->label, sig,
                     strsignal(sig),
                     sig == SIGALRM ? ": it HUNG past its time limit" : "");
        r = -1;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->pid = -1;
    return r;
}

/* Kills a child that is no longer needed (e.g. a server), then joins it;
 * failures it reported before count, the kill does not. */
static inline void sec_kill(struct sec_child *c)
{
    int st;
    if (c->pid <= 0)
        return;
    kill(c->pid, SIGKILL);
    while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->pid = -1;
}

/* Runs fn(arg) as user in a child and waits for it. */
static inline int sec_run(int user, unsigned timeout_s, sec_fn fn, void *arg,
                          const char *what)
{
    struct sec_child c;
    if (sec_spawn(&c, user, timeout_s, fn, arg, what) != 0)
        return -1;
    return sec_join(&c);
}

/* ---- Messages between the parent and its children
 * ---------------------------- */

/* A message: a line of text (at most 255 bytes), length-prefixed. */
static inline int sec_send(int fd, const char *fmt, ...)
{
    char buf[257];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf + 1, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0 || n > 255)
        return -1;
    buf[0] = (char)n;
    return send(fd, buf, (size_t)n + 1, MSG_NOSIGNAL) == n + 1 ? 0 : -1;
}

static inline int sec_read_full(int fd, char *buf, size_t len, int timeout_ms)
{
    size_t got = 0;
    uint64_t end = sec_ms() + (uint64_t)timeout_ms;
    while (got < len) {
        struct pollfd p = {fd, POLLIN, 0};
        int64_t left = (int64_t)(end - sec_ms());
        ssize_t n;
        if (left <= 0)
            return -2;
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

/* Receives a message into buf (NUL-terminated): 0, -1 if the peer is gone,
 * -2 after timeout_ms. */
static inline int sec_recv(int fd, char *buf, size_t cap, int timeout_ms)
{
    unsigned char len;
    int r = sec_read_full(fd, (char *)&len, 1, timeout_ms);
    if (r)
        return r;
    if ((size_t)len + 1 > cap)
        return -1;
    r = sec_read_full(fd, buf, len, timeout_ms);
    if (r)
        return r;
    buf[len] = '\0';
    return 0;
}

/* Receives a message that must start with word (then buf has it all). */
#define sec_expect(fd, word, buf, cap, timeout_ms)                             \
    sec_expect_at(__FILE__, __LINE__, (fd), (word), (buf), (cap), (timeout_ms))

static inline int sec_expect_at(const char *file, int line, int fd,
                                const char *word, char *buf, size_t cap,
                                int timeout_ms)
{
    char tmp[257];
    int r;
    if (!buf) {
        buf = tmp;
        cap = sizeof tmp;
    }
    r = sec_recv(fd, buf, cap, timeout_ms);
    test_checks++;
    if (r == 0 && strncmp(buf, word, strlen(word)) == 0)
        return 0;
    sec_fail_at(file, line, "waited for \"%s\": %s%s%s", word,
                r == -1   ? "the other side exited"
                : r == -2 ? "timed out"
                          : "got \"",
                r == 0 ? buf : "", r == 0 ? "\"" : "");
    return -1;
}

/* sec_spawn, then its first message, within 20 s, must start with word
 * (msg: the message, if not NULL).  -1 if the child could not start or did
 * not say word: it is then joined (its failures count). */
#define sec_spawn_ready(c, user, timeout_s, fn, arg, what, word, msg, cap)     \
    sec_spawn_ready_at(__FILE__, __LINE__, (c), (user), (timeout_s), (fn),     \
                       (arg), (what), (word), (msg), (cap))

static inline int sec_spawn_ready_at(const char *file, int line,
                                     struct sec_child *c, int user,
                                     unsigned timeout_s, sec_fn fn, void *arg,
                                     const char *what, const char *word,
                                     char *msg, size_t cap)
{
    if (sec_spawn(c, user, timeout_s, fn, arg, what))
        return -1;
    if (sec_expect_at(file, line, c->fd, word, msg, cap, 20000)) {
        sec_join(c);
        return -1;
    }
    return 0;
}

/* ---- Victim-side helpers ------------------------------------------------- */

/* The NULL DACL security attributes of a public object. */
struct sec_public {
    SECURITY_ATTRIBUTES sa;
    SECURITY_DESCRIPTOR sd;
};

static inline SECURITY_ATTRIBUTES *sec_public_sa(struct sec_public *p)
{
    memset(p, 0, sizeof *p);
    InitializeSecurityDescriptor(&p->sd, SECURITY_DESCRIPTOR_REVISION);
    SetSecurityDescriptorDacl(&p->sd, TRUE, NULL, FALSE);
    p->sa.nLength = sizeof p->sa;
    p->sa.lpSecurityDescriptor = &p->sd;
    p->sa.bInheritHandle = FALSE;
    return &p->sa;
}

/* A pipe client of name (GENERIC_READ|GENERIC_WRITE); *le: its error. */
static inline HANDLE sec_pipe_client(const char *name, DWORD *le)
{
    HANDLE h;
    SetLastError(0xdeadbeef);
    h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                    0, NULL);
    *le = GetLastError();
    return h;
}

static inline HANDLE sec_slot_writer(const char *name, DWORD *le)
{
    HANDLE h;
    SetLastError(0xdeadbeef);
    h = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    *le = GetLastError();
    return h;
}

static inline HANDLE sec_pipe_server(const char *name, DWORD pipe_mode,
                                     DWORD max, SECURITY_ATTRIBUTES *sa,
                                     DWORD *le)
{
    HANDLE h;
    SetLastError(0xdeadbeef);
    h = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, pipe_mode, max, 65536, 65536,
                         0, sa);
    *le = GetLastError();
    return h;
}

static inline HANDLE sec_mailslot(const char *name, DWORD timeout,
                                  SECURITY_ATTRIBUTES *sa, DWORD *le)
{
    HANDLE h;
    SetLastError(0xdeadbeef);
    h = CreateMailslotA(name, 0, timeout, sa);
    *le = GetLastError();
    return h;
}

/* Reads one message from h (a buffer of 64 bytes) that must be want. */
#define SEC_CHECK_READ(h, want)                                                \
    do {                                                                       \
        char rb_[64];                                                          \
        DWORD rn_ = 0;                                                         \
        size_t rl_ = strlen(want);                                             \
        CHECK_OK(ReadFile((h), rb_, sizeof rb_, &rn_, NULL));                  \
        CHECK_EQ(rn_, rl_);                                                    \
        CHECK_MEM(rb_, (want), rl_);                                           \
    } while (0)

/* A pipe client (slot == 0) or a mailslot writer (slot == 1) of name. */
static inline HANDLE sec_open_end(int slot, const char *name, DWORD *le)
{
    return slot ? sec_slot_writer(name, le) : sec_pipe_client(name, le);
}

/*
 * A positive control, run by a victim: a pipe (slot == 0) or a mailslot
 * (slot == 1) of short name (not used by the attack) works in this
 * namespace root: a server (a receiver), a client (a writer), a message.
 * It keeps the tests honest: a library that refused everything would pass
 * the checks of the attacks, not this one.
 */
static inline void sec_check_works(int slot, const char *short_name)
{
    const char *name =
        slot ? sec_slot_name(short_name) : sec_pipe_name(short_name);
    DWORD le, n = 0;
    HANDLE s = slot ? sec_mailslot(name, 2000, NULL, &le)
                    : sec_pipe_server(name, PIPE_TYPE_BYTE, 1, NULL, &le),
           c;

    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, le,
                 slot ? "control: CreateMailslotA"
                      : "control: CreateNamedPipeA");
    if (s == INVALID_HANDLE_VALUE)
        return;
    c = sec_open_end(slot, name, &le);
    SEC_CHECK_OK(c != INVALID_HANDLE_VALUE, le,
                 slot ? "control: writer CreateFileA"
                      : "control: client CreateFileA");
    if (c != INVALID_HANDLE_VALUE) {
        if (!slot) {
            BOOL ok = ConnectNamedPipe(s, NULL);
            CHECK(ok || GetLastError() == ERROR_PIPE_CONNECTED);
        }
        CHECK_OK(WriteFile(c, "control", 7, &n, NULL));
        SEC_CHECK_READ(s, "control");
        CloseHandle(c);
    }
    CloseHandle(s);
}

/* ---- One victim operation, in a child of its own
 * --------------------------------- */

enum {
    SEC_OP_PIPE_CREATE, /* CreateNamedPipeA (private, byte, unlimited) */
    SEC_OP_PIPE_OPEN,   /* a client's CreateFileA */
    SEC_OP_PIPE_WAIT,   /* WaitNamedPipeA(name, wait_ms) */
    SEC_OP_SLOT_CREATE, /* CreateMailslotA (private) */
    SEC_OP_SLOT_OPEN,   /* a writer's CreateFileA */
};

struct sec_op {
    int op;
    const char *short_name;
    DWORD expect;       /* the error it must fail with (0: any error) */
    DWORD expect_alt;   /* another error the spec allows, or 0 */
    int may_succeed;    /* success is an acceptable outcome too */
    unsigned limit_ms;  /* it must return within this (0: 5000) */
    DWORD wait_ms;      /* SEC_OP_PIPE_WAIT's time-out */
    const char *attack; /* what the attacker did, for the messages */
    int is_public;      /* creations: with a NULL DACL */
};

static inline const char *sec_op_call(int op)
{
    switch (op) {
    case SEC_OP_PIPE_CREATE:
        return "CreateNamedPipeA";
    case SEC_OP_PIPE_OPEN:
        return "CreateFileA (pipe client)";
    case SEC_OP_PIPE_WAIT:
        return "WaitNamedPipeA";
    case SEC_OP_SLOT_CREATE:
        return "CreateMailslotA";
    default:
        return "CreateFileA (mailslot writer)";
    }
}

static inline void sec_op_fn(void *arg)
{
    const struct sec_op *o = arg;
    unsigned limit = o->limit_ms ? o->limit_ms : 5000;
    struct sec_public pub;
    SECURITY_ATTRIBUTES *sa = o->is_public ? sec_public_sa(&pub) : NULL;
    char what[320];
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD le = 0;
    int ok = 0;
    uint64_t t0 = sec_ms(), el;

    switch (o->op) {
    case SEC_OP_PIPE_CREATE:
        h = sec_pipe_server(sec_pipe_name(o->short_name), PIPE_TYPE_BYTE,
                            PIPE_UNLIMITED_INSTANCES, sa, &le);
        break;
    case SEC_OP_PIPE_OPEN:
        h = sec_pipe_client(sec_pipe_name(o->short_name), &le);
        break;
    case SEC_OP_PIPE_WAIT:
        SetLastError(0xdeadbeef);
        ok = WaitNamedPipeA(sec_pipe_name(o->short_name), o->wait_ms);
        le = GetLastError();
        break;
    case SEC_OP_SLOT_CREATE:
        h = sec_mailslot(sec_slot_name(o->short_name), 0, sa, &le);
        break;
    default:
        h = sec_slot_writer(sec_slot_name(o->short_name), &le);
        break;
    }
    el = sec_ms() - t0;
    if (o->op != SEC_OP_PIPE_WAIT)
        ok = h != INVALID_HANDLE_VALUE;
    /* The attack is in the child's label (sec_victim), so in test_current. */
    snprintf(what, sizeof what, "%s(\"%.60s\") after the attack",
             sec_op_call(o->op), o->short_name);
    test_checks++;
    if (ok && !o->may_succeed)
        TEST_FAIL_AT("%s SUCCEEDED; expected it to fail with %s (%lu)", what,
                     o->expect ? sec_err_name(o->expect) : "an error",
                     (unsigned long)o->expect);
    else if (!ok && o->expect && le != o->expect &&
             !(o->expect_alt && le == o->expect_alt))
        TEST_FAIL_AT("%s failed with %s (%lu); expected %s (%lu)%s%s", what,
                     sec_err_name(le), (unsigned long)le,
                     sec_err_name(o->expect), (unsigned long)o->expect,
                     o->expect_alt ? " or " : "",
                     o->expect_alt ? sec_err_name(o->expect_alt) : "");
    SEC_CHECK_PROMPT(el, limit, what);
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
}

/* Runs o as user in a child of its own, with an alarm well past its
 * limit: a hang fails the test, and the next operation still runs. */
static inline int sec_victim(int user, const struct sec_op *o)
{
    char what[400];
    unsigned limit = o->limit_ms ? o->limit_ms : 5000;
    snprintf(what, sizeof what, "%s(\"%.60s\") [%.300s]", sec_op_call(o->op),
             o->short_name, o->attack ? o->attack : "");
    return sec_run(user, limit / 1000 + 10, sec_op_fn, (void *)o, what);
}

/* ---- An echo server and its clients
 * ------------------------------------------- */

#include <pthread.h>
#include <stdatomic.h>

/*
 * A pipe server of nthreads instances, each in a thread of its own that
 * serves clients one after another: it reads a request and answers
 * "echo:" and the request (then FlushFileBuffers, DisconnectNamedPipe).
 * A request "flood" (if flood_on_request) is answered with 64 KiB
 * messages until a write fails or blocks for ever: a client that never
 * reads.
 */
struct sec_echo {
    const char *name;
    DWORD pipe_mode; /* PIPE_TYPE_*, PIPE_READMODE_* */
    DWORD max_instances;
    int is_public;
    int nthreads;
    int flood_on_request;
    atomic_int created, create_failed;
    atomic_uint create_error;
    atomic_int served;         /* requests answered */
    atomic_ullong flood_bytes; /* written to flooding clients */
    pthread_t threads[16];
};

static inline void *sec_echo_thread(void *arg)
{
    struct sec_echo *e = arg;
    struct sec_public pub;
    static char big[65536];
    DWORD le;
    HANDLE s = sec_pipe_server(e->name, e->pipe_mode, e->max_instances,
                               e->is_public ? sec_public_sa(&pub) : NULL, &le);
    if (s == INVALID_HANDLE_VALUE) {
        atomic_store(&e->create_error, le);
        atomic_fetch_add(&e->create_failed, 1);
        return NULL;
    }
    atomic_fetch_add(&e->created, 1);
    for (;;) {
        char buf[600], out[620];
        DWORD n = 0, w = 0;
        if (!ConnectNamedPipe(s, NULL) &&
            GetLastError() != ERROR_PIPE_CONNECTED &&
            GetLastError() != ERROR_NO_DATA) {
            DisconnectNamedPipe(s);
            sec_sleep_ms(1);
            continue;
        }
        if (ReadFile(s, buf, 512, &n, NULL) && n > 0) {
            if (e->flood_on_request && n == 5 && memcmp(buf, "flood", 5) == 0) {
                while (WriteFile(s, big, sizeof big, &w, NULL))
                    atomic_fetch_add(&e->flood_bytes, w);
            } else {
                memcpy(out, "echo:", 5);
                memcpy(out + 5, buf, n);
                if (WriteFile(s, out, n + 5, &w, NULL))
                    atomic_fetch_add(&e->served, 1);
                FlushFileBuffers(s);
            }
        }
        DisconnectNamedPipe(s);
    }
    return NULL;
}

/* Starts the threads; 0 once every instance exists. */
static inline int sec_echo_start(struct sec_echo *e)
{
    uint64_t end = sec_ms() + 10000;
    for (int i = 0; i < e->nthreads; i++)
        pthread_create(&e->threads[i], NULL, sec_echo_thread, e);
    while (atomic_load(&e->created) + atomic_load(&e->create_failed) <
               e->nthreads &&
           sec_ms() < end)
        sec_sleep_ms(1);
    test_checks++;
    if (atomic_load(&e->created) != e->nthreads) {
        DWORD le = atomic_load(&e->create_error);
        TEST_FAIL_AT("the victim's server: %d of %d instances of %s created "
                     "(last error %s (%lu))",
                     atomic_load(&e->created), e->nthreads, e->name,
                     sec_err_name(le), (unsigned long)le);
        return -1;
    }
    return 0;
}

/*
 * A client's exchange: connects (retrying with WaitNamedPipeA while the
 * pipe is busy, until deadline_ms from now), sends msg, reads the echo.
 * 1 if the echo came back intact; *le: the last error otherwise;
 * *server_pid: GetNamedPipeServerProcessId's answer (0 if it failed).
 */
static inline int sec_echo_client(const char *name, const char *msg,
                                  unsigned deadline_ms, int message_mode,
                                  DWORD *le, ULONG *server_pid, int *tries)
{
    uint64_t end = sec_ms() + deadline_ms;
    size_t len = strlen(msg), got = 0;
    char want[620], buf[620];
    HANDLE c = INVALID_HANDLE_VALUE;
    DWORD n;
    int ok = 0;

    *le = 0;
    *server_pid = 0;
    *tries = 0;
    while (sec_ms() < end) {
        ++*tries;
        c = sec_pipe_client(name, le);
        if (c != INVALID_HANDLE_VALUE)
            break;
        if (*le == ERROR_PIPE_BUSY) {
            uint64_t left = end - sec_ms();
            if ((int64_t)left > 0)
                WaitNamedPipeA(name, left > 1000 ? 1000 : (DWORD)left);
        } else {
            sec_sleep_ms(5);
        }
    }
    if (c == INVALID_HANDLE_VALUE)
        return 0;
    if (!GetNamedPipeServerProcessId(c, server_pid))
        *server_pid = 0;
    if (message_mode) {
        DWORD mode = PIPE_READMODE_MESSAGE;
        SetNamedPipeHandleState(c, &mode, NULL, NULL);
    }
    snprintf(want, sizeof want, "echo:%s", msg);
    if (!WriteFile(c, msg, (DWORD)len, &n, NULL) || n != len) {
        *le = GetLastError();
    } else {
        while (got < len + 5) {
            n = 0;
            if (!ReadFile(c, buf + got, (DWORD)(sizeof buf - got), &n, NULL) ||
                n == 0) {
                *le = GetLastError();
                break;
            }
            got += n;
        }
        ok = got == len + 5 && memcmp(buf, want, len + 5) == 0;
        if (!ok && got == len + 5)
            *le = ERROR_INVALID_DATA; /* an answer, but not ours */
    }
    CloseHandle(c);
    return ok;
}

/* ---- The attacker's sockets
 * ---------------------------------------------------- */

/* A socket of type bound to the abstract name (listening if a stream). */
static inline int sec_bind_abstract(const char *name, int type)
{
    struct sockaddr_un sa = {AF_UNIX};
    size_t len = strlen(name);
    int fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    memcpy(sa.sun_path + 1, name, len);
    if (bind(fd, (struct sockaddr *)&sa,
             (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) <
            0 ||
        (type == SOCK_STREAM && listen(fd, 64) < 0)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The abstract names "winipc-..." listed in /proc/net/unix (without '@'). */
static inline int sec_list_abstract(char names[][108], int max)
{
    FILE *f = fopen("/proc/net/unix", "r");
    char line[512];
    int n = 0;
    if (!f)
        return 0;
    while (n < max && fgets(line, sizeof line, f)) {
        char *at = strstr(line, " @winipc-");
        if (!at)
            continue;
        at += 2;
        at[strcspn(at, " \n")] = '\0';
        snprintf(names[n++], 108, "%s", at);
    }
    fclose(f);
    return n;
}

/*
 * The listening sockets "winipc-<id>" of the calling process (a pipe
 * server's instances; not its handle service's "winipc-svc-"), without
 * '@': the victim names them to the attacker, so that his flood hits
 * them and nothing else on this machine (other tests run meanwhile).
 * A socket is the process's if its inode is one of /proc/self/fd's.
 */
static inline int sec_own_listening(char names[][108], int max)
{
    static unsigned long inodes[1024];
    int ninodes = 0, n = 0;
    char line[512];
    FILE *f;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;

    if (!d)
        return 0;
    while ((e = readdir(d)) && ninodes < 1024) {
        char link[300], target[64];
        ssize_t len;
        unsigned long ino;
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        len = readlink(link, target, sizeof target - 1);
        if (len <= 0)
            continue;
        target[len] = '\0';
        if (sscanf(target, "socket:[%lu]", &ino) == 1)
            inodes[ninodes++] = ino;
    }
    closedir(d);
    f = fopen("/proc/net/unix", "r");
    if (!f)
        return 0;
    while (n < max && fgets(line, sizeof line, f)) {
        unsigned flags = 0;
        unsigned long ino = 0;
        char path[200] = "";
        /* Num RefCount Protocol Flags Type St Inode Path */
        if (sscanf(line, "%*s %*s %*s %x %*s %*s %lu %199s", &flags, &ino,
                   path) != 3 ||
            !(flags & 0x10000) || strncmp(path, "@winipc-", 8) != 0 ||
            strncmp(path, "@winipc-svc-", 12) == 0)
            continue;
        for (int i = 0; i < ninodes; i++)
            if (inodes[i] == ino) {
                snprintf(names[n++], 108, "%.100s", path + 1);
                break;
            }
    }
    fclose(f);
    return n;
}

/* Victim: sends its listening sockets' names on SEC_CHAN, one message
 * "sock NAME" each, then "socks N".  -1 if it has none. */
static inline int sec_send_own_listening(void)
{
    static char names[64][108];
    int n = sec_own_listening(names, 64);
    for (int i = 0; i < n; i++)
        sec_send(SEC_CHAN, "sock %s", names[i]);
    sec_send(SEC_CHAN, "socks %d", n);
    return n > 0 ? 0 : -1;
}

/* Parent: takes a victim's "sock NAME" messages up to its "socks N" from
 * fd, and passes them on to the attacker's channel to (the same
 * messages).  The count, or -1. */
static inline int sec_relay_socks(int fd, int to)
{
    char msg[257];
    for (int i = 0; i < 64 + 1; i++) {
        if (sec_recv(fd, msg, sizeof msg, 20000) != 0)
            break;
        sec_send(to, "%s", msg);
        if (strncmp(msg, "socks ", 6) == 0)
            return atoi(msg + 6);
        if (strncmp(msg, "sock ", 5) != 0)
            break;
    }
    test_checks++;
    TEST_FAIL_AT("the victim did not name its listening sockets");
    return -1;
}

/* Attacker: reads the names that sec_relay_socks passes on (at most max)
 * into addresses ready to connect to.  The count (0 if none came). */
static inline int sec_recv_socks(struct sockaddr_un *sa, socklen_t *sl,
                                 int max)
{
    char msg[257];
    int n = 0;
    while (sec_recv(SEC_CHAN, msg, sizeof msg, 30000) == 0 &&
           strncmp(msg, "sock ", 5) == 0) {
        size_t len = strlen(msg + 5);
        if (n == max || len > sizeof sa->sun_path - 1)
            continue;
        memset(&sa[n], 0, sizeof sa[n]);
        sa[n].sun_family = AF_UNIX;
        memcpy(sa[n].sun_path + 1, msg + 5, len);
        sl[n] = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
        n++;
    }
    return n;
}

/*
 * What B does to A's sockets: connects to them in turn, closing each
 * connection at once (it stays in the backlog until A's server takes it),
 * counting into the totals, until stop is set.
 */
struct sec_flood {
    struct sockaddr_un sa[64];
    socklen_t sl[64];
    int n;
    atomic_int stop;
    atomic_llong total, queued, full, refused;
};

static inline void *sec_flood_thread(void *arg)
{
    struct sec_flood *fl = arg;
    for (long k = 0; !atomic_load(&fl->stop); k++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            break;
        if (connect(fd, (struct sockaddr *)&fl->sa[k % fl->n],
                    fl->sl[k % fl->n]) == 0)
            atomic_fetch_add(&fl->queued, 1);
        else if (errno == EAGAIN)
            atomic_fetch_add(&fl->full, 1); /* the backlog is full */
        else
            atomic_fetch_add(&fl->refused, 1);
        close(fd);
        atomic_fetch_add(&fl->total, 1);
    }
    return NULL;
}

/* Parent: stops B's flood (sec_flood_run) and joins B; his totals into
 * t: connects, queued, on a full backlog, refused (zeros if he does not
 * say). */
static inline void sec_flood_stop(struct sec_child *b, long long t[4])
{
    char msg[128];
    t[0] = t[1] = t[2] = t[3] = 0;
    sec_send(b->fd, "stop");
    if (sec_expect(b->fd, "total", msg, sizeof msg, 60000) == 0)
        sscanf(msg, "total %lld %lld %lld %lld", &t[0], &t[1], &t[2], &t[3]);
    sec_join(b);
}

/*
 * B's whole flood: takes the socket names the parent passes on
 * (sec_relay_socks), floods them with nthreads threads, says "flooding N"
 * once ready_after connects are made, then floods until the parent says
 * "stop" (within stop_ms) and at least at_least connects are made, and
 * answers "total TOTAL QUEUED FULL REFUSED".
 */
static inline void sec_flood_run(int nthreads, long long ready_after,
                                 long long at_least, int stop_ms)
{
    static struct sec_flood fl;
    pthread_t t[8];
    char msg[64];

    fl.n = sec_recv_socks(fl.sa, fl.sl, 64);
    test_checks++;
    if (fl.n == 0) {
        TEST_FAIL_AT("B was given no socket of A's to flood: the flood would "
                     "test nothing");
        sec_send(SEC_CHAN, "flooding 0");
        return;
    }
    printf("flood: B floods the %d listening sockets of A's server\n", fl.n);
    if (nthreads > 8)
        nthreads = 8;
    for (int i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, sec_flood_thread, &fl);
    while (atomic_load(&fl.total) < ready_after)
        sec_sleep_ms(1);
    sec_send(SEC_CHAN, "flooding %d", fl.n);
    sec_recv(SEC_CHAN, msg, sizeof msg, stop_ms); /* "stop" */
    while (atomic_load(&fl.total) < at_least)
        sec_sleep_ms(1);
    atomic_store(&fl.stop, 1);
    for (int i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
    sec_send(SEC_CHAN, "total %lld %lld %lld %lld", atomic_load(&fl.total),
             atomic_load(&fl.queued), atomic_load(&fl.full),
             atomic_load(&fl.refused));
}

/*
 * What B does to a registry he can open for writing (he must not be able
 * to; this is for the checks that say so): every 64-bit word naming a live
 * "winipc-<16 hex>" socket becomes the id of a socket of B's (of type,
 * stored in bfds), and every 32-bit word equal to the victim's uid becomes
 * B's.  No knowledge of the layout needed.  Returns the words replaced.
 */
static inline int sec_hijack_ids(int fd, int type, int *bfds, int *nb, int max)
{
    static char live[4096][108];
    int nlive = sec_list_abstract(live, 4096), replaced = 0;
    uint64_t w;
    for (off_t off = 0; pread(fd, &w, 8, off) == 8 && off < (1 << 20);
         off += 8) {
        char name[40];
        snprintf(name, sizeof name, "winipc-%016llx", (unsigned long long)w);
        for (int i = 0; i < nlive && *nb < max; i++) {
            uint64_t mine;
            int b;
            if (strcmp(live[i], name) != 0)
                continue;
            do {
                mine = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^
                       (uint64_t)rand();
                snprintf(name, sizeof name, "winipc-%016llx",
                         (unsigned long long)mine);
            } while ((b = sec_bind_abstract(name, type)) < 0);
            bfds[(*nb)++] = b;
            if (pwrite(fd, &mine, 8, off) == 8)
                replaced++;
            break;
        }
    }
    for (off_t off = 0; off < (1 << 20); off += 4) {
        uint32_t u, mine = sec_users[SEC_B].uid;
        if (pread(fd, &u, 4, off) != 4)
            break;
        if (u == sec_users[SEC_A].uid && pwrite(fd, &mine, 4, off) == 4)
            replaced++;
    }
    return replaced;
}

/* Counts what reaches B's sockets (streams: accepted connections from
 * A's user; datagrams: bytes). */
struct sec_catch {
    int from_a, others;
    long long bytes;
};

static inline void sec_catch_once(const int *fds, int n, struct sec_catch *c)
{
    for (int i = 0; i < n; i++) {
        int type = 0;
        socklen_t tl = sizeof type;
        char buf[4096];
        ssize_t r;
        getsockopt(fds[i], SOL_SOCKET, SO_TYPE, &type, &tl);
        if (type == SOCK_DGRAM) {
            while ((r = recv(fds[i], buf, sizeof buf, MSG_DONTWAIT)) >= 0) {
                c->bytes += r;
                c->from_a++; /* nobody else sends to B's sockets here */
            }
            continue;
        }
        /* At most 64 a socket a pass, and a pause (for what A would send)
         * only after A's: a flood of connections by whoever else (another
         * test of this machine) never keeps B from his channel. */
        for (int k = 0; k < 64; k++) {
            int a = accept4(fds[i], NULL, NULL, SOCK_CLOEXEC);
            struct ucred cr;
            socklen_t crl = sizeof cr;
            if (a < 0)
                break;
            if (getsockopt(a, SOL_SOCKET, SO_PEERCRED, &cr, &crl) == 0 &&
                cr.uid == sec_users[SEC_A].uid) {
                c->from_a++;
                sec_sleep_ms(20);
            } else {
                c->others++;
            }
            while ((r = recv(a, buf, sizeof buf, MSG_DONTWAIT)) > 0)
                c->bytes += r;
            close(a);
        }
    }
}

/* Binds (of type) the 16 names that differ from name in its last hex
 * digit only, the name itself among them, those that are free: into
 * fds[*n], fds[*n + 1], ... */
static inline void sec_bind_neighbours(const char *name, int type, int *fds,
                                       int *n)
{
    size_t len = strlen(name);
    for (int d = 0; d < 16 && len > 0; d++) {
        char near[108];
        int fd;
        snprintf(near, sizeof near, "%s", name);
        near[len - 1] = "0123456789abcdef"[d];
        if ((fd = sec_bind_abstract(near, type)) >= 0)
            fds[(*n)++] = fd;
    }
}

/* Binds (of type) random names "winipc-<16 hex>" into fds[*n], ... until
 * there are max, or 100 of them were taken. */
static inline void sec_bind_random(int type, int *fds, int *n, int max)
{
    uint64_t rnd = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull ^ sec_ms();
    for (int fails = 0; *n < max && fails < 100;) {
        char name[40];
        int fd;
        rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
        snprintf(name, sizeof name, "winipc-%016llx", (unsigned long long)rnd);
        if ((fd = sec_bind_abstract(name, type)) >= 0)
            fds[(*n)++] = fd;
        else
            fails++;
    }
}

/* B must not be able to open A's registry at path (kind: "pipe" or
 * "mailslot") for writing; if he can, he rewrites it (sec_hijack_ids, his
 * sockets of type into fds[*n], ..., up to max) and the test fails. */
#define sec_check_no_hijack(path, kind, type, fds, n, max)                     \
    sec_check_no_hijack_at(__FILE__, __LINE__, (path), (kind), (type), (fds),  \
                           (n), (max))

static inline void sec_check_no_hijack_at(const char *file, int line,
                                          const char *path, const char *kind,
                                          int type, int *fds, int *n, int max)
{
    int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    test_checks++;
    if (fd >= 0) {
        int words = sec_hijack_ids(fd, type, fds, n, max);
        close(fd);
        sec_fail_at(file, line,
                    "B opened A's %s registry %s for writing (and rewrote %d "
                    "words of it)",
                    kind, path, words);
    }
}

/* Run by B: counts into got what reaches his sockets fds (and, each
 * round, what also(ctx, got) finds) until the parent sends a message. */
static inline void
sec_catch_until_told(const int *fds, int n, struct sec_catch *got,
                     void (*also)(void *ctx, struct sec_catch *got), void *ctx)
{
    char msg[64];
    for (;;) {
        struct pollfd p = {SEC_CHAN, POLLIN, 0};
        int stop = poll(&p, 1, 0) > 0;
        sec_catch_once(fds, n, got);
        if (also)
            also(ctx, got);
        if (stop)
            break;
        sec_sleep_ms(2);
    }
    sec_recv(SEC_CHAN, msg, sizeof msg, 1000);
}

/* ---- Files the attacks aim at
 * -------------------------------------------------- */

/* A file of owner uid, mode, with size bytes of a known pattern. */
static inline int sec_make_target(const char *path, int user, mode_t mode,
                                  size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    char *buf;
    int r = 0;
    if (fd < 0) {
        TEST_FAIL_AT("create %s: %s", path, strerror(errno));
        return -1;
    }
    buf = malloc(size);
    for (size_t i = 0; i < size; i++)
        buf[i] = (char)("SECRET-"[i % 7] ^ (i / 7 & 0x0f));
    if (write(fd, buf, size) != (ssize_t)size ||
        fchown(fd, sec_users[user].uid, sec_users[user].gid) < 0 ||
        fchmod(fd, mode) < 0)
        r = -1;
    free(buf);
    close(fd);
    if (r)
        TEST_FAIL_AT("set up %s: %s", path, strerror(errno));
    return r;
}

/* Checks that the file at path is as sec_make_target left it. */
#define sec_check_target(path, user, mode, size, attack)                       \
    sec_check_target_at(__FILE__, __LINE__, (path), (user), (mode), (size),    \
                        (attack))

static inline void sec_check_target_at(const char *file, int line,
                                       const char *path, int user, mode_t mode,
                                       size_t size, const char *attack)
{
    struct stat st;
    char *buf = malloc(size + 1);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t n = -1;
    const char *bad = NULL;

    test_checks++;
    if (fd < 0 || fstat(fd, &st) < 0)
        bad = "it is gone";
    else if (!S_ISREG(st.st_mode) || st.st_uid != sec_users[user].uid ||
             (st.st_mode & 07777) != mode)
        bad = "its owner, type or mode changed";
    else if ((size_t)st.st_size != size)
        bad = "its size changed";
    else {
        n = read(fd, buf, size + 1);
        if (n != (ssize_t)size)
            bad = "it cannot be read back";
        for (size_t i = 0; !bad && i < size; i++)
            if (buf[i] != (char)("SECRET-"[i % 7] ^ (i / 7 & 0x0f)))
                bad = "its CONTENTS WERE OVERWRITTEN";
    }
    if (bad)
        sec_fail_at(file, line, "the victim's file %s: %s (%s)", path, bad,
                    attack);
    if (fd >= 0)
        close(fd);
    free(buf);
}

/* ---- What the attacker plants -------------------------------------------- */

enum {
    SEC_PLANT_SYMLINK,  /* a symbolic link to target */
    SEC_PLANT_HARDLINK, /* a hard link to target */
    SEC_PLANT_FILE,     /* a regular file: mode, size bytes; the first
                         * ff_bytes of them 0xFF, the rest a hole */
    SEC_PLANT_FIFO,
    SEC_PLANT_DIR,
    SEC_PLANT_SOCKET, /* a bound (file system) unix socket */
};

struct sec_plant {
    int kind;
    const char *path;
    const char *target;
    mode_t mode;
    off_t size;
    size_t ff_bytes;
};

static inline const char *sec_plant_kind(int kind)
{
    static const char *const names[] = {"symlink", "hard link", "file",
                                        "FIFO",    "directory", "socket"};
    return names[kind];
}

/* Run by the attacker: plants it, and fails the test if it cannot (the
 * attack would then test nothing).  A socket stays bound as long as the
 * attacker's child lives: only its file matters here. */
static inline void sec_plant_fn(void *arg)
{
    const struct sec_plant *p = arg;
    int r = -1, fd;

    switch (p->kind) {
    case SEC_PLANT_SYMLINK:
        r = symlink(p->target, p->path);
        break;
    case SEC_PLANT_HARDLINK:
        r = link(p->target, p->path);
        break;
    case SEC_PLANT_FILE:
        fd = open(p->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            break;
        r = fchmod(fd, p->mode);
        if (!r && p->ff_bytes) {
            char *b = malloc(p->ff_bytes);
            memset(b, 0xFF, p->ff_bytes);
            r = write(fd, b, p->ff_bytes) == (ssize_t)p->ff_bytes ? 0 : -1;
            free(b);
        }
        if (!r && p->size)
            r = ftruncate(fd, p->size);
        close(fd);
        break;
    case SEC_PLANT_FIFO:
        r = mkfifo(p->path, 0600);
        if (!r)
            r = chmod(p->path, p->mode);
        break;
    case SEC_PLANT_DIR:
        r = mkdir(p->path, 0700);
        if (!r)
            r = chmod(p->path, p->mode);
        break;
    case SEC_PLANT_SOCKET: {
        struct sockaddr_un sa = {AF_UNIX};
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s", p->path);
        r = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof sa);
        if (!r)
            r = chmod(p->path, p->mode);
        if (!r)
            r = listen(fd, 16);
        /* the file stays when the socket closes */
        break;
    }
    }
    test_checks++;
    if (r != 0)
        TEST_FAIL_AT("the attacker could not plant a %s at %s: %s",
                     sec_plant_kind(p->kind), p->path, strerror(errno));
}

static inline int sec_plant(const struct sec_plant *p)
{
    char what[96];
    snprintf(what, sizeof what, "plants a %s", sec_plant_kind(p->kind));
    return sec_run(SEC_B, 20, sec_plant_fn, (void *)p, what);
}

/* Checks that path is still what the attacker planted: type, owner B. */
#define sec_check_planted(p, attack)                                           \
    sec_check_planted_at(__FILE__, __LINE__, (p), (attack))

static inline void sec_check_planted_at(const char *file, int line,
                                        const struct sec_plant *p,
                                        const char *attack)
{
    struct stat st;
    const char *bad = NULL;
    mode_t type = p->kind == SEC_PLANT_SYMLINK  ? S_IFLNK
                  : p->kind == SEC_PLANT_FIFO   ? S_IFIFO
                  : p->kind == SEC_PLANT_DIR    ? S_IFDIR
                  : p->kind == SEC_PLANT_SOCKET ? S_IFSOCK
                                                : S_IFREG;
    test_checks++;
    if (lstat(p->path, &st) < 0)
        bad = "it is gone";
    else if ((st.st_mode & S_IFMT) != type)
        bad = "its type changed";
    else if (p->kind != SEC_PLANT_HARDLINK && st.st_uid != sec_users[SEC_B].uid)
        bad = "its owner changed";
    else if (p->kind != SEC_PLANT_SYMLINK && p->kind != SEC_PLANT_HARDLINK &&
             (st.st_mode & 07777) != p->mode)
        bad = "its mode changed";
    else if (p->kind == SEC_PLANT_FILE &&
             st.st_size != (p->size ? p->size : (off_t)p->ff_bytes))
        bad = "its size changed (the victim wrote to it)";
    else if (p->kind == SEC_PLANT_FILE && p->ff_bytes) {
        unsigned char *b = malloc(p->ff_bytes);
        int fd = open(p->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || read(fd, b, p->ff_bytes) != (ssize_t)p->ff_bytes)
            bad = "it cannot be read back";
        for (size_t i = 0; !bad && i < p->ff_bytes; i++)
            if (b[i] != 0xFF)
                bad = "its contents changed (the victim wrote to it)";
        if (fd >= 0)
            close(fd);
        free(b);
    }
    if (bad)
        sec_fail_at(file, line, "the attacker's %s at %s: %s (%s)",
                    sec_plant_kind(p->kind), p->path, bad, attack);
}

/* ---- Checks on registry files
 * ------------------------------------------------------ */

/* What another user may do to a registry file: nothing.  open(path,
 * flags) (O_RDONLY or O_RDWR) by B must fail with EACCES; whose: the
 * registry, for the message ("A's public pipe registry"); why: what it
 * would mean (or NULL). */
#define sec_check_open_denied(path, flags, whose, why)                         \
    sec_check_open_denied_at(__FILE__, __LINE__, (path), (flags), (whose),     \
                             (why))

static inline void sec_check_open_denied_at(const char *file, int line,
                                            const char *path, int flags,
                                            const char *whose, const char *why)
{
    int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC);
    test_checks++;
    if (fd >= 0 || errno != EACCES)
        sec_fail_at(file, line,
                    "B's open(%s) of %s %s: %s (expected EACCES)%s%s",
                    (flags & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_RDONLY",
                    whose, path, fd >= 0 ? "SUCCEEDED" : strerror(errno),
                    why ? ": " : "", why ? why : "");
    if (fd >= 0)
        close(fd);
}

/* A registry file must be a regular file of owner, of mode. */
#define sec_check_registry_mode(path, owner, mode)                             \
    sec_check_registry_mode_at(__FILE__, __LINE__, (path), (owner), (mode))

static inline void sec_check_registry_mode_at(const char *file, int line,
                                              const char *path, int owner,
                                              mode_t mode)
{
    struct stat st;
    test_checks++;
    if (lstat(path, &st) < 0)
        sec_fail_at(file, line, "registry %s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode) || st.st_uid != sec_users[owner].uid ||
             (st.st_mode & 07777) != mode)
        sec_fail_at(file, line,
                    "registry %s: type %o owner uid %u mode %04o; expected a "
                    "regular file of %s, mode %04o",
                    path, (unsigned)(st.st_mode & S_IFMT), (unsigned)st.st_uid,
                    (unsigned)(st.st_mode & 07777), sec_users[owner].name,
                    (unsigned)mode);
}

/* ---- Attacks that pipes and mailslots share
 * ------------------------------------ */

/*
 * A public object of A's and B's client (issue 12, finding 4), in the
 * order the two children and the parent take turns:
 *   owner (A, arg NULL): creates the public object (of short_name), says
 *     "ready" (or "ready PID"); then, once B's client has had its exchange,
 *     says second; on "chmodded" checks that its own client is refused and
 *     says "done".
 *   other (B, arg: the registry's path): on "go PID" (A's pid, 0 if A did
 *     not say it) checks and has its exchange, says "done1"; on "go2"
 *     checks that it is refused, says "done2".
 * The parent checks that A's registry is 0644 and A's, and between the two
 * halves makes it 0666 (someone else made it writable by all).
 */
struct sec_public_test {
    const char *kind; /* "pipe" or "mailslot" */
    const char *short_name;
    sec_fn owner;
    const char *owner_what;
    const char *second;
    sec_fn other;
    const char *other_what;
};

/* The second half, in A's or B's child: on word (root made the registry
 * 0666), a client or writer (slot) of name must be refused (what, for the
 * message); then says done. */
static inline void sec_public_after_chmod(int slot, const char *name,
                                          const char *word, const char *done,
                                          const char *what)
{
    DWORD le;
    HANDLE h;
    if (sec_expect(SEC_CHAN, word, NULL, 0, 60000))
        return;
    h = sec_open_end(slot, name, &le);
    SEC_CHECK_FAILS_WITH(h != INVALID_HANDLE_VALUE, le, ERROR_ACCESS_DENIED,
                         what);
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    sec_send(SEC_CHAN, done);
}

static inline void sec_public_attack(const struct sec_public_test *t)
{
    char path[640], msg[64];
    struct sec_child a, b;
    int apid = 0;

    snprintf(path, sizeof path, "%s", sec_reg_path(t->kind, t->short_name));
    if (sec_spawn_ready(&a, SEC_A, 60, t->owner, NULL, t->owner_what, "ready",
                        msg, sizeof msg))
        return;
    sscanf(msg, "ready %d", &apid);
    sec_check_registry_mode(path, SEC_A, 0644);
    if (sec_spawn(&b, SEC_B, 60, t->other, path, t->other_what)) {
        sec_kill(&a);
        return;
    }
    sec_send(b.fd, "go %d", apid);
    if (sec_expect(b.fd, "done1", NULL, 0, 30000) ||
        sec_expect(a.fd, t->second, NULL, 0, 30000)) {
        sec_kill(&b);
        sec_kill(&a);
        return;
    }
    /* Someone else made the registry writable by all. */
    test_checks++;
    if (chmod(path, 0666) < 0)
        TEST_FAIL_AT("chmod %s: %s", path, strerror(errno));
    sec_send(b.fd, "go2");
    sec_expect(b.fd, "done2", NULL, 0, 30000);
    sec_send(a.fd, "chmodded");
    sec_expect(a.fd, "done", NULL, 0, 30000);
    sec_join(&b);
    sec_join(&a);
}

/* B's lock on A's public registry (issue 12, finding 5). */
struct sec_lock {
    const char *path;   /* A's public registry */
    const char *whose;  /* it, for the messages: "A's public pipe registry" */
    const char *denied; /* a registry B may not even read (or NULL) */
    const char *denied_whose;
};

/* B: takes an OFD read lock on byte 0 of l->path, says "locked" (or
 * "nolock"), and keeps it until "end"; cannot open l->denied. */
static inline void sec_lock_holder(void *arg)
{
    const struct sec_lock *l = arg;
    struct flock fl;
    uint64_t end = sec_ms() + 3000;
    int fd = open(l->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), r = -1;

    test_checks++;
    if (fd < 0) {
        TEST_FAIL_AT("B cannot open %s %s for reading: %s (a public registry "
                     "must be readable)",
                     l->whose, l->path, strerror(errno));
        sec_send(SEC_CHAN, "nolock");
        return;
    }
    do {
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_RDLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = 0;
        fl.l_len = 1;
        r = fcntl(fd, F_OFD_SETLK, &fl);
        if (r < 0)
            sec_sleep_ms(5);
    } while (r < 0 && sec_ms() < end);
    test_checks++;
    if (r < 0)
        TEST_FAIL_AT("B cannot take the read lock: %s", strerror(errno));
    if (l->denied)
        sec_check_open_denied(l->denied, O_RDONLY, l->denied_whose, NULL);
    sec_send(SEC_CHAN, r == 0 ? "locked" : "nolock");
    sec_expect(SEC_CHAN, "end", NULL, 0, 200000);
    close(fd); /* the lock goes with it */
}

/* owner (A) makes the objects and says "ready", then waits for "end"; while
 * B holds his lock, A runs ops (each in a child of its own, with the lock
 * as their attack). */
static inline void sec_lock_attack(sec_fn owner, const char *owner_what,
                                   const struct sec_lock *l,
                                   const struct sec_op *ops, int nops)
{
    char attack[256];
    struct sec_child a, b;

    snprintf(attack, sizeof attack, "B holds an OFD read lock on byte 0 of %s",
             l->whose);
    if (sec_spawn_ready(&a, SEC_A, 200, owner, NULL, owner_what, "ready", NULL,
                        0))
        return;
    if (sec_spawn(&b, SEC_B, 200, sec_lock_holder, (void *)l, "lock holder")) {
        sec_kill(&a);
        return;
    }
    if (sec_expect(b.fd, "locked", NULL, 0, 20000) == 0)
        for (int i = 0; i < nops; i++) {
            struct sec_op o = ops[i];
            o.attack = attack;
            sec_victim(SEC_A, &o);
        }
    sec_send(b.fd, "end");
    sec_join(&b);
    sec_send(a.fd, "end");
    sec_join(&a);
}

/* B's own registries of kind ("pipe", "mailslot") with absurd contents
 * (issue 12, finding 6): 4096 bytes of 0xFF, then 64 zero bytes, or a
 * hole up to 2^31 bytes.  A runs ops (their short_name and attack set
 * here) on each; what B planted stays as it was. */
static inline void sec_corrupt_registries(const char *kind,
                                          const struct sec_op *ops, int nops)
{
    static const struct {
        const char *short_name;
        off_t size;
        const char *what;
    } cases[] = {
        {"corrupt-small", 4096 + 64, "4096 bytes of 0xFF, then 64 zero bytes"},
        {"corrupt-sparse", (off_t)1 << 31,
         "4096 bytes of 0xFF, then a hole up to 2^31 bytes"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[640], attack[1024];
        struct sec_plant p = {SEC_PLANT_FILE};

        snprintf(path, sizeof path, "%s",
                 sec_reg_path(kind, cases[k].short_name));
        p.path = path;
        p.mode = 0644;
        p.ff_bytes = 4096;
        p.size = cases[k].size;
        snprintf(attack, sizeof attack, "B's own %s registry %s: %s", kind,
                 path, cases[k].what);
        if (sec_plant(&p))
            continue;
        for (int i = 0; i < nops; i++) {
            struct sec_op o = ops[i];
            o.short_name = cases[k].short_name;
            o.attack = attack;
            sec_victim(SEC_A, &o);
        }
        sec_check_planted(&p, attack);
    }
}

/*
 * B's real public object, whose registry B (its owner) rewrites one 32-bit
 * word at a time (whatever the layout: counts, sizes, ids are among them),
 * to 0xFFFFFFFF and to 0x08000000 in turn: the words of its first 512
 * bytes, and if end > 4096 those from 4096 up to end.  Under each, A runs
 * victims; B's object goes on working meanwhile.
 */
struct sec_mutation {
    const char *kind; /* "pipe" or "mailslot" */
    const char *short_name;
    /* B: creates his public object (checked) and has it serve; returns it
     * or INVALID_HANDLE_VALUE. */
    HANDLE (*create)(const char *short_name);
    /* B: after each restore (NULL: nothing). */
    void (*restored)(HANDLE h);
    /* A's side under one mutation: < 0 if an operation hung. */
    int (*victims)(const char *short_name, const char *attack);
    long long end;
    int min_tried; /* mutations that must have been tried */
    const char *path;
};

/* B: "ready SIZE"; then "mut OFF VAL" sets a word ("done"), and the next
 * message puts it back ("restored"). */
static inline void sec_mutator(void *arg)
{
    const struct sec_mutation *m = arg;
    struct stat st;
    char msg[128];
    HANDLE h = m->create(m->short_name);
    int fd = open(m->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);

    test_checks++;
    if (h == INVALID_HANDLE_VALUE || fd < 0 || fstat(fd, &st) < 0) {
        if (fd < 0)
            TEST_FAIL_AT("B cannot open his own registry %s: %s", m->path,
                         strerror(errno));
        sec_send(SEC_CHAN, "fail");
        return;
    }
    sec_send(SEC_CHAN, "ready %lld", (long long)st.st_size);
    for (;;) {
        long long off = 0;
        unsigned long val = 0;
        uint32_t old = 0, v;
        if (sec_recv(SEC_CHAN, msg, sizeof msg, 200000))
            break;
        if (sscanf(msg, "mut %lld %lx", &off, &val) != 2)
            break;
        v = (uint32_t)val;
        if (pread(fd, &old, 4, off) != 4 || pwrite(fd, &v, 4, off) != 4) {
            sec_send(SEC_CHAN, "fail");
            break;
        }
        sec_send(SEC_CHAN, "done");
        if (sec_recv(SEC_CHAN, msg, sizeof msg, 200000))
            break;
        if (pwrite(fd, &old, 4, off) != 4)
            break;
        if (m->restored)
            m->restored(h);
        sec_send(SEC_CHAN, "restored");
    }
}

static inline void sec_mutation_attack(const struct sec_mutation *mt)
{
    static const uint32_t values[] = {0xFFFFFFFFu, 0x08000000u};
    struct sec_mutation m = *mt;
    char path[640], msg[128], attack[256];
    struct sec_child b;
    long long size = 0;
    int hung = 0, tried = 0;

    snprintf(path, sizeof path, "%s", sec_reg_path(m.kind, m.short_name));
    m.path = path;
    if (sec_spawn(&b, SEC_B, 280, sec_mutator, &m, "rewrites his registry"))
        return;
    if (sec_expect(b.fd, "ready", msg, sizeof msg, 20000)) {
        sec_kill(&b);
        return;
    }
    sscanf(msg, "ready %lld", &size);
    for (long long off = 0; off + 4 <= size && off < m.end && !hung; off += 4) {
        if (off == 512)
            off = size > 4096 ? 4096 : size;
        if (off + 4 > size)
            break;
        for (size_t v = 0; v < sizeof values / sizeof values[0] && !hung; v++) {
            sec_send(b.fd, "mut %lld %lx", off, (unsigned long)values[v]);
            if (sec_expect(b.fd, "done", NULL, 0, 20000)) {
                hung = 1;
                break;
            }
            snprintf(attack, sizeof attack,
                     "B set the 32-bit word at offset %lld of his public "
                     "%s's registry to 0x%08lx",
                     off, m.kind, (unsigned long)values[v]);
            if (m.victims(m.short_name, attack) < 0)
                hung = 1; /* the rest would hang as well */
            tried++;
            sec_send(b.fd, "restore");
            if (sec_expect(b.fd, "restored", NULL, 0, 20000))
                hung = 1;
        }
    }
    test_checks++;
    if (!hung && tried < m.min_tried)
        TEST_FAIL_AT("only %d mutations of a %lld-byte registry tried", tried,
                     size);
    sec_send(b.fd, "end");
    sec_kill(&b);
}

/* ---- Running the tests
 * ---------------------------------------------------------- */

static inline void sec_init(void)
{
    const char *useradd;
    if (geteuid() != 0)
        sec_skip("the security tests need root (they create two "
                 "throw-away users and switch to them)");
    useradd = sec_find_useradd();
    if (!useradd)
        sec_skip("useradd is missing");
    for (int i = SEC_A; i <= SEC_B; i++)
        if (sec_ensure_user(useradd, &sec_users[i]) != 0) {
            fprintf(stderr, "cannot create the user %s\n", sec_users[i].name);
            exit(1);
        }
    atexit(sec_sysctl_restore);
    signal(SIGALRM, sec_fatal_signal);
    signal(SIGTERM, sec_fatal_signal);
    signal(SIGINT, sec_fatal_signal);
    signal(SIGHUP, sec_fatal_signal);
    signal(SIGPIPE, SIG_IGN);
    alarm(TEST_WATCHDOG);
    setvbuf(stdout, NULL, _IOLBF, 0);
}

/* $SEC_ONLY (a substring of test names) runs only those tests. */
static inline int sec_selected(const char *name)
{
    const char *only = getenv("SEC_ONLY");
    return !only || !*only || strstr(name, only) != NULL;
}

/* Runs one test in a fresh scratch folder, with its namespace root made
 * (root's, 01777) if make_root. */
#define SEC_RUN_IN(fn, make_root)                                              \
    do {                                                                       \
        if (!sec_selected(#fn))                                                \
            break;                                                             \
        if (sec_begin(make_root) == 0)                                         \
            RUN(fn);                                                           \
        sec_end();                                                             \
    } while (0)

/* Runs one test in a fresh namespace root (root's, 01777). */
#define SEC_RUN(fn) SEC_RUN_IN(fn, 1)

/* The same with no namespace root yet: the test makes it. */
#define SEC_RUN_NOROOT(fn) SEC_RUN_IN(fn, 0)

static inline int sec_summary(void)
{
    sec_sysctl_restore();
    return TEST_SUMMARY();
}

#endif /* WINIPC_SECLIB_H */
