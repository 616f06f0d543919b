/*
 * sec_mailslot.c: mailslots against another local user (issue 12,
 * findings 4-6): a public mailslot's registry, a lock the attacker holds
 * on it, registries with absurd contents, and attempts to make the
 * victim's writer send its messages to the attacker.
 *
 * Expected (docs/security): a public (NULL DACL) mailslot's registry is
 * 0644, its owner's: others cannot write it, yet every user's writer
 * reaches the mailslot; a registry others may write is refused
 * (ERROR_ACCESS_DENIED).  Lock waits on others' files are bounded;
 * CreateMailslot of a live name fails with ERROR_ALREADY_EXISTS.
 * Registry contents are untrusted: operations on a corrupt one return
 * promptly.  A writer's messages reach its mailslot's receiver, or
 * nobody.
 */
#include "seclib.h"

#define PUB_SLOT "public-slot"

/* ---- 4. A public mailslot
 * ---------------------------------------------------------- */

static void public_receiver(void *arg)
{
    const char *name = sec_slot_name(PUB_SLOT);
    struct sec_public pub;
    HANDLE s, w;
    char buf[64];
    DWORD le, n = 0;

    (void)arg;
    umask(077); /* a public registry is 0644 whatever the umask */
    s = sec_mailslot(name, 5000, sec_public_sa(&pub), &le);
    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, le, "A's public CreateMailslotA");
    if (s == INVALID_HANDLE_VALUE)
        return;
    sec_send(SEC_CHAN, "ready");
    /* B's message. */
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 11);
    CHECK_MEM(buf, "mail from B", 11);
    sec_send(SEC_CHAN, "got");
    if (sec_expect(SEC_CHAN, "chmodded", NULL, 0, 60000))
        return;
    w = sec_slot_writer(name, &le);
    SEC_CHECK_FAILS_WITH(w != INVALID_HANDLE_VALUE, le, ERROR_ACCESS_DENIED,
                         "A's writer CreateFileA of its own public mailslot "
                         "after root made its registry 0666");
    if (w != INVALID_HANDLE_VALUE)
        CloseHandle(w);
    sec_send(SEC_CHAN, "done");
    CloseHandle(s);
}

static void public_writer(void *arg)
{
    const char *name = sec_slot_name(PUB_SLOT);
    const char *path = arg;
    HANDLE w;
    DWORD le, n = 0;
    int fd;

    if (sec_expect(SEC_CHAN, "go", NULL, 0, 60000))
        return;
    fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    test_checks++;
    if (fd >= 0 || errno != EACCES)
        TEST_FAIL_AT("B's open(O_RDWR) of A's public mailslot registry %s: %s "
                     "(expected EACCES): B can redirect A's writers",
                     path, fd >= 0 ? "SUCCEEDED" : strerror(errno));
    if (fd >= 0)
        close(fd);
    w = sec_slot_writer(name, &le);
    SEC_CHECK_OK(w != INVALID_HANDLE_VALUE, le,
                 "B's writer CreateFileA of A's public mailslot");
    if (w != INVALID_HANDLE_VALUE) {
        CHECK_OK(WriteFile(w, "mail from B", 11, &n, NULL));
        CHECK_EQ(n, 11);
        CloseHandle(w);
    }
    sec_send(SEC_CHAN, "done1");
    if (sec_expect(SEC_CHAN, "go2", NULL, 0, 60000))
        return;
    w = sec_slot_writer(name, &le);
    SEC_CHECK_FAILS_WITH(w != INVALID_HANDLE_VALUE, le, ERROR_ACCESS_DENIED,
                         "B's writer CreateFileA of A's public mailslot after "
                         "root made its registry 0666 (anybody could have "
                         "rewritten it)");
    if (w != INVALID_HANDLE_VALUE)
        CloseHandle(w);
    sec_send(SEC_CHAN, "done2");
}

static void check_registry_mode(const char *path, int owner, mode_t mode)
{
    struct stat st;
    test_checks++;
    if (lstat(path, &st) < 0)
        TEST_FAIL_AT("registry %s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode) || st.st_uid != sec_users[owner].uid ||
             (st.st_mode & 07777) != mode)
        TEST_FAIL_AT("registry %s: type %o owner uid %u mode %04o; expected a "
                     "regular file of %s, mode %04o",
                     path, (unsigned)(st.st_mode & S_IFMT), (unsigned)st.st_uid,
                     (unsigned)(st.st_mode & 07777), sec_users[owner].name,
                     (unsigned)mode);
}

static void test_public_mailslot(void)
{
    char path[640];
    struct sec_child a, b;

    snprintf(path, sizeof path, "%s", sec_reg_path("mailslot", PUB_SLOT));
    if (sec_spawn(&a, SEC_A, 60, public_receiver, NULL, "public mailslot"))
        return;
    if (sec_expect(a.fd, "ready", NULL, 0, 20000)) {
        sec_join(&a);
        return;
    }
    check_registry_mode(path, SEC_A, 0644);
    if (sec_spawn(&b, SEC_B, 60, public_writer, path, "writer")) {
        sec_kill(&a);
        return;
    }
    sec_send(b.fd, "go");
    if (sec_expect(b.fd, "done1", NULL, 0, 30000) ||
        sec_expect(a.fd, "got", NULL, 0, 30000)) {
        sec_kill(&b);
        sec_kill(&a);
        return;
    }
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

/* ---- 5. A lock held by the attacker
 * ------------------------------------------------ */

#define LOCK_SLOT "locked-slot"

static void lock_receiver(void *arg)
{
    struct sec_public pub;
    DWORD le;
    HANDLE s =
        sec_mailslot(sec_slot_name(LOCK_SLOT), 0, sec_public_sa(&pub), &le);
    (void)arg;
    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, le, "A's public CreateMailslotA");
    sec_send(SEC_CHAN, "ready");
    sec_expect(SEC_CHAN, "end", NULL, 0, 200000);
}

static void lock_holder(void *arg)
{
    const char *path = arg;
    struct flock fl;
    uint64_t end = sec_ms() + 3000;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), r = -1;

    test_checks++;
    if (fd < 0) {
        TEST_FAIL_AT("B cannot open A's public mailslot registry %s for "
                     "reading: %s (a public registry must be readable)",
                     path, strerror(errno));
        sec_send(SEC_CHAN, "nolock");
        return;
    }
    do {
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_RDLCK;
        fl.l_whence = SEEK_SET;
        fl.l_len = 1;
        r = fcntl(fd, F_OFD_SETLK, &fl);
        if (r < 0)
            sec_sleep_ms(5);
    } while (r < 0 && sec_ms() < end);
    test_checks++;
    if (r < 0)
        TEST_FAIL_AT("B cannot take the read lock: %s", strerror(errno));
    sec_send(SEC_CHAN, r == 0 ? "locked" : "nolock");
    sec_expect(SEC_CHAN, "end", NULL, 0, 200000);
    close(fd);
}

static void test_lock_holding(void)
{
    char path[640];
    const char *attack =
        "B holds an OFD read lock on byte 0 of A's public mailslot registry";
    struct sec_child a, b;
    struct sec_op create = {SEC_OP_SLOT_CREATE, LOCK_SLOT,
                            ERROR_ALREADY_EXISTS};
    struct sec_op open_ = {SEC_OP_SLOT_OPEN, LOCK_SLOT, 0};

    snprintf(path, sizeof path, "%s", sec_reg_path("mailslot", LOCK_SLOT));
    if (sec_spawn(&a, SEC_A, 200, lock_receiver, NULL, "receiver"))
        return;
    if (sec_expect(a.fd, "ready", NULL, 0, 20000)) {
        sec_join(&a);
        return;
    }
    if (sec_spawn(&b, SEC_B, 200, lock_holder, path, "lock holder")) {
        sec_kill(&a);
        return;
    }
    if (sec_expect(b.fd, "locked", NULL, 0, 20000) == 0) {
        create.attack = open_.attack = attack;
        create.is_public = 1;
        open_.may_succeed = 1;
        sec_victim(SEC_A, &create); /* the name lives: ERROR_ALREADY_EXISTS */
        sec_victim(SEC_A, &open_);
        sec_victim(SEC_A, &open_);
    }
    sec_send(b.fd, "end");
    sec_join(&b);
    sec_send(a.fd, "end");
    sec_join(&a);
}

/* ---- 6. Corrupt registries
 * ------------------------------------------------------------ */

static void corrupt_case(const char *short_name, off_t size, const char *what)
{
    char path[640], attack[1024];
    struct sec_plant p = {SEC_PLANT_FILE};
    struct sec_op o = {SEC_OP_SLOT_OPEN, short_name, 0};
    struct sec_op c = {SEC_OP_SLOT_CREATE, short_name, ERROR_ACCESS_DENIED};

    snprintf(path, sizeof path, "%s", sec_reg_path("mailslot", short_name));
    p.path = path;
    p.mode = 0644;
    p.ff_bytes = 4096;
    p.size = size;
    snprintf(attack, sizeof attack, "B's own mailslot registry %s: %s", path,
             what);
    if (sec_plant(&p))
        return;
    o.attack = c.attack = attack;
    sec_victim(SEC_A, &o); /* no mailslot there: an error, promptly */
    sec_victim(SEC_A, &c); /* B's name */
    sec_check_planted(&p, attack);
}

static void mutator(void *arg)
{
    const char *path = arg;
    struct sec_public pub;
    struct stat st;
    DWORD le;
    char msg[128];
    HANDLE s =
        sec_mailslot(sec_slot_name("mutated"), 0, sec_public_sa(&pub), &le);
    int fd;

    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, le, "B's public CreateMailslotA");
    fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    test_checks++;
    if (s == INVALID_HANDLE_VALUE || fd < 0 || fstat(fd, &st) < 0) {
        if (fd < 0)
            TEST_FAIL_AT("B cannot open his own registry %s: %s", path,
                         strerror(errno));
        sec_send(SEC_CHAN, "fail");
        return;
    }
    sec_send(SEC_CHAN, "ready %lld", (long long)st.st_size);
    for (;;) {
        long long off = 0;
        unsigned long val = 0;
        uint32_t old = 0, v;
        char buf[256];
        DWORD n;
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
        /* Drain what A's writers sent meanwhile. */
        while (GetMailslotInfo(s, NULL, &n, NULL, NULL) &&
               n != MAILSLOT_NO_MESSAGE &&
               ReadFile(s, buf, sizeof buf, &n, NULL))
            ;
        sec_send(SEC_CHAN, "restored");
    }
}

static void mutation_writer(void *arg)
{
    const char *attack = arg;
    uint64_t t0 = sec_ms(), el;
    DWORD le, n;
    HANDLE w = sec_slot_writer(sec_slot_name("mutated"), &le);
    /* Success is fine (it is B's mailslot): a hang or a crash is not. */
    if (w != INVALID_HANDLE_VALUE) {
        WriteFile(w, "x", 1, &n, NULL);
        CloseHandle(w);
    }
    el = sec_ms() - t0;
    SEC_CHECK_PROMPT(el, 5000, attack);
}

static void test_corrupt_registry(void)
{
    char path[640], msg[128], attack[256];
    struct sec_child b;
    long long size = 0;
    static const uint32_t values[] = {0xFFFFFFFFu, 0x08000000u};
    int hung = 0, tried = 0;

    corrupt_case("corrupt-small", 4096 + 64,
                 "4096 bytes of 0xFF, then 64 zero bytes");
    corrupt_case("corrupt-sparse", (off_t)1 << 31,
                 "4096 bytes of 0xFF, then a hole up to 2^31 bytes");

    /* Every 32-bit word of a real registry's first 512 bytes. */
    snprintf(path, sizeof path, "%s", sec_reg_path("mailslot", "mutated"));
    if (sec_spawn(&b, SEC_B, 280, mutator, path, "rewrites his registry"))
        return;
    if (sec_expect(b.fd, "ready", msg, sizeof msg, 20000)) {
        sec_kill(&b);
        return;
    }
    sscanf(msg, "ready %lld", &size);
    for (long long off = 0; off + 4 <= size && off < 512 && !hung; off += 4)
        for (size_t v = 0; v < sizeof values / sizeof values[0] && !hung; v++) {
            char label[300];
            sec_send(b.fd, "mut %lld %lx", off, (unsigned long)values[v]);
            if (sec_expect(b.fd, "done", NULL, 0, 20000)) {
                hung = 1;
                break;
            }
            snprintf(attack, sizeof attack,
                     "B set the 32-bit word at offset %lld of his public "
                     "mailslot's registry to 0x%08lx",
                     off, (unsigned long)values[v]);
            snprintf(label, sizeof label, "writer [%s]", attack);
            if (sec_run(SEC_A, 15, mutation_writer, attack, label) < 0)
                hung = 1;
            tried++;
            sec_send(b.fd, "restore");
            if (sec_expect(b.fd, "restored", NULL, 0, 20000))
                hung = 1;
        }
    test_checks++;
    if (!hung && tried < 40)
        TEST_FAIL_AT("only %d mutations of a %lld-byte registry tried", tried,
                     size);
    sec_send(b.fd, "end");
    sec_kill(&b);
}

/* ---- 11. Interception
 * -------------------------------------------------------------- */

#define SPY_SLOT "intercepted-slot"
#define SPY_MESSAGES 20

static void spy_receiver(void *arg)
{
    const int *is_public = arg;
    struct sec_public pub;
    DWORD le;
    int got = 0;
    HANDLE s = sec_mailslot(sec_slot_name(SPY_SLOT), 10000,
                            *is_public ? sec_public_sa(&pub) : NULL, &le);
    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, le, "A's CreateMailslotA");
    if (s == INVALID_HANDLE_VALUE) {
        sec_send(SEC_CHAN, "fail");
        return;
    }
    sec_send(SEC_CHAN, "ready");
    for (int i = 0; i < SPY_MESSAGES; i++) {
        char buf[128], want[64];
        DWORD n = 0;
        snprintf(want, sizeof want, "secret-%d", i);
        if (!ReadFile(s, buf, sizeof buf, &n, NULL)) {
            le = GetLastError();
            TEST_FAIL_AT("A's receiver: message %d did not arrive (%s (%lu))",
                         i, sec_err_name(le), (unsigned long)le);
            break;
        }
        test_checks++;
        if (n != strlen(want) || memcmp(buf, want, n) != 0)
            TEST_FAIL_AT("A's receiver: message %d is not \"%s\"", i, want);
        else
            got++;
    }
    sec_send(SEC_CHAN, "got %d", got);
    sec_expect(SEC_CHAN, "end", NULL, 0, 100000);
}

static void spy_writer(void *arg)
{
    DWORD le, n;
    HANDLE w;
    (void)arg;
    w = sec_slot_writer(sec_slot_name(SPY_SLOT), &le);
    SEC_CHECK_OK(w != INVALID_HANDLE_VALUE, le, "A's writer CreateFileA");
    if (w == INVALID_HANDLE_VALUE)
        return;
    for (int i = 0; i < SPY_MESSAGES; i++) {
        char msg[64];
        snprintf(msg, sizeof msg, "secret-%d", i);
        CHECK_OK(WriteFile(w, msg, (DWORD)strlen(msg), &n, NULL));
    }
    CloseHandle(w);
}

struct spy {
    int is_public;
    const char *path;
};

static void spy(void *arg)
{
    const struct spy *s = arg;
    static char seen[4096][108];
    static int fds[1200];
    int nfds = 0, nseen, fd;
    struct sec_catch got = {0, 0, 0};
    char msg[64];
    DWORD le;
    HANDLE h;
    uint64_t rnd = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull ^ sec_ms();

    /* Names next to the live ones, and random ones. */
    nseen = sec_list_abstract(seen, 4096);
    for (int i = 0; i < nseen && nfds < 400; i++) {
        char name[108];
        size_t len = strlen(seen[i]);
        for (int d = 0; d < 16 && len > 0; d++) {
            snprintf(name, sizeof name, "%s", seen[i]);
            name[len - 1] = "0123456789abcdef"[d];
            if ((fd = sec_bind_abstract(name, SOCK_DGRAM)) >= 0)
                fds[nfds++] = fd;
        }
    }
    for (int fails = 0; nfds < 800 && fails < 100;) {
        char name[40];
        rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
        snprintf(name, sizeof name, "winipc-%016llx", (unsigned long long)rnd);
        if ((fd = sec_bind_abstract(name, SOCK_DGRAM)) >= 0)
            fds[nfds++] = fd;
        else
            fails++;
    }
    /* The registry: B may not remove, replace or rewrite it. */
    test_checks++;
    if (unlink(s->path) == 0)
        TEST_FAIL_AT("B removed A's mailslot registry %s", s->path);
    fd = open(s->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    test_checks++;
    if (fd >= 0) {
        int nb = nfds, n = sec_hijack_ids(fd, SOCK_DGRAM, fds, &nb, 1100);
        nfds = nb;
        close(fd);
        TEST_FAIL_AT("B opened A's mailslot registry %s for writing (and "
                     "rewrote %d words of it)",
                     s->path, n);
    }
    /* The name is A's while A's mailslot lives. */
    h = sec_mailslot(sec_slot_name(SPY_SLOT), 0, NULL, &le);
    test_checks++;
    if (h != INVALID_HANDLE_VALUE)
        TEST_FAIL_AT("B's CreateMailslotA of A's live mailslot name SUCCEEDED "
                     "(expected ERROR_ALREADY_EXISTS or ERROR_ACCESS_DENIED)");
    else if (le != ERROR_ALREADY_EXISTS && le != ERROR_ACCESS_DENIED)
        TEST_FAIL_AT("B's CreateMailslotA of A's live mailslot name failed "
                     "with %s (%lu)",
                     sec_err_name(le), (unsigned long)le);
    sec_send(SEC_CHAN, "armed %d", nfds);
    for (;;) {
        struct pollfd p = {SEC_CHAN, POLLIN, 0};
        int stop = poll(&p, 1, 0) > 0;
        sec_catch_once(fds, nfds, &got);
        if (h != INVALID_HANDLE_VALUE) {
            DWORD next = MAILSLOT_NO_MESSAGE, n;
            char buf[256];
            while (GetMailslotInfo(h, NULL, &next, NULL, NULL) &&
                   next != MAILSLOT_NO_MESSAGE &&
                   ReadFile(h, buf, sizeof buf, &n, NULL)) {
                got.from_a++;
                got.bytes += n;
            }
        }
        if (stop)
            break;
        sec_sleep_ms(2);
    }
    sec_recv(SEC_CHAN, msg, sizeof msg, 1000);
    test_checks++;
    if (got.from_a || got.bytes)
        TEST_FAIL_AT("INTERCEPTED: B received %d messages or connections "
                     "(%lld bytes) meant for A's mailslot",
                     got.from_a, got.bytes);
}

static void interception_case(int is_public)
{
    char path[640], msg[64];
    struct spy s = {is_public, path};
    struct sec_child a, b;
    int got = -1;

    snprintf(path, sizeof path, "%s", sec_reg_path("mailslot", SPY_SLOT));
    if (sec_spawn(&a, SEC_A, 100, spy_receiver, &s.is_public, "receiver"))
        return;
    if (sec_expect(a.fd, "ready", NULL, 0, 20000)) {
        sec_join(&a);
        return;
    }
    if (sec_spawn(&b, SEC_B, 100, spy, &s, "interceptor")) {
        sec_kill(&a);
        return;
    }
    if (sec_expect(b.fd, "armed", NULL, 0, 60000) == 0)
        sec_run(SEC_A, 30, spy_writer, NULL, "writer");
    if (sec_expect(a.fd, "got", msg, sizeof msg, 30000) == 0)
        sscanf(msg, "got %d", &got);
    test_checks++;
    if (got != SPY_MESSAGES)
        TEST_FAIL_AT("A's receiver got %d of the %d messages of A's writer",
                     got, SPY_MESSAGES);
    sec_send(b.fd, "end");
    sec_join(&b);
    sec_send(a.fd, "end");
    sec_join(&a);
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
    SEC_RUN(test_public_mailslot);
    SEC_RUN(test_lock_holding);
    SEC_RUN(test_corrupt_registry);
    SEC_RUN(test_interception_private);
    SEC_RUN(test_interception_public);
    return sec_summary();
}
