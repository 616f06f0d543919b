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
    HANDLE s;
    DWORD le;

    (void)arg;
    umask(077); /* a public registry is 0644 whatever the umask */
    s = sec_mailslot(name, 5000, sec_public_sa(&pub), &le);
    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, le, "A's public CreateMailslotA");
    if (s == INVALID_HANDLE_VALUE)
        return;
    sec_send(SEC_CHAN, "ready");
    /* B's message. */
    SEC_CHECK_READ(s, "mail from B");
    sec_send(SEC_CHAN, "got");
    sec_public_after_chmod(1, name, "chmodded", "done",
                           "A's writer CreateFileA of its own public mailslot "
                           "after root made its registry 0666");
    CloseHandle(s);
}

static void public_writer(void *arg)
{
    const char *name = sec_slot_name(PUB_SLOT);
    const char *path = arg;
    HANDLE w;
    DWORD le, n = 0;

    if (sec_expect(SEC_CHAN, "go", NULL, 0, 60000))
        return;
    sec_check_open_denied(path, O_RDWR, "A's public mailslot registry",
                          "B can redirect A's writers");
    w = sec_slot_writer(name, &le);
    SEC_CHECK_OK(w != INVALID_HANDLE_VALUE, le,
                 "B's writer CreateFileA of A's public mailslot");
    if (w != INVALID_HANDLE_VALUE) {
        CHECK_OK(WriteFile(w, "mail from B", 11, &n, NULL));
        CHECK_EQ(n, 11);
        CloseHandle(w);
    }
    sec_send(SEC_CHAN, "done1");
    sec_public_after_chmod(1, name, "go2", "done2",
                           "B's writer CreateFileA of A's public mailslot "
                           "after root made its registry 0666 (anybody could "
                           "have rewritten it)");
}

static void test_public_mailslot(void)
{
    static const struct sec_public_test t = {
        "mailslot", PUB_SLOT,      public_receiver, "public mailslot",
        "got",      public_writer, "writer"};
    sec_public_attack(&t);
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

/* B takes an OFD read lock on byte 0 of A's public registry, and keeps
 * it. */
static void test_lock_holding(void)
{
    char path[640];
    const struct sec_lock l = {path, "A's public mailslot registry", NULL,
                               NULL};
    const struct sec_op ops[] = {
        /* the name lives: ERROR_ALREADY_EXISTS */
        {SEC_OP_SLOT_CREATE, LOCK_SLOT, ERROR_ALREADY_EXISTS, .is_public = 1},
        {SEC_OP_SLOT_OPEN, LOCK_SLOT, 0, .may_succeed = 1},
        {SEC_OP_SLOT_OPEN, LOCK_SLOT, 0, .may_succeed = 1},
    };

    snprintf(path, sizeof path, "%s", sec_reg_path("mailslot", LOCK_SLOT));
    sec_lock_attack(lock_receiver, "receiver", &l, ops,
                    (int)(sizeof ops / sizeof ops[0]));
}

/* ---- 6. Corrupt registries
 * ------------------------------------------------------------ */

static HANDLE mutated_create(const char *short_name)
{
    struct sec_public pub;
    DWORD le;
    HANDLE s =
        sec_mailslot(sec_slot_name(short_name), 0, sec_public_sa(&pub), &le);
    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, le, "B's public CreateMailslotA");
    return s;
}

/* B: drains what A's writers sent meanwhile. */
static void mutated_drain(HANDLE s)
{
    char buf[256];
    DWORD n;
    while (GetMailslotInfo(s, NULL, &n, NULL, NULL) &&
           n != MAILSLOT_NO_MESSAGE && ReadFile(s, buf, sizeof buf, &n, NULL))
        ;
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

static int mutated_victims(const char *short_name, const char *attack)
{
    char label[300];
    (void)short_name;
    snprintf(label, sizeof label, "writer [%s]", attack);
    return sec_run(SEC_A, 15, mutation_writer, (void *)attack, label) < 0 ? -1
                                                                          : 0;
}

static void test_corrupt_registry(void)
{
    static const struct sec_op ops[] = {
        {SEC_OP_SLOT_OPEN, NULL, 0}, /* no mailslot there: an error */
        {SEC_OP_SLOT_CREATE, NULL, ERROR_ACCESS_DENIED}, /* B's name */
    };
    /* The words of a real registry's first 512 bytes. */
    static const struct sec_mutation m = {
        "mailslot", "mutated", mutated_create, mutated_drain, mutated_victims,
        512,        40};

    sec_corrupt_registries("mailslot", ops, (int)(sizeof ops / sizeof ops[0]));
    sec_mutation_attack(&m);
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

/* What reaches a mailslot B managed to create under A's name. */
static void catch_rogue(void *ctx, struct sec_catch *got)
{
    HANDLE h = *(HANDLE *)ctx;
    DWORD next = MAILSLOT_NO_MESSAGE, n;
    char buf[256];
    if (h == INVALID_HANDLE_VALUE)
        return;
    while (GetMailslotInfo(h, NULL, &next, NULL, NULL) &&
           next != MAILSLOT_NO_MESSAGE &&
           ReadFile(h, buf, sizeof buf, &n, NULL)) {
        got->from_a++;
        got->bytes += n;
    }
}

static void spy(void *arg)
{
    const struct spy *s = arg;
    static char seen[4096][108];
    static int fds[1200];
    int nfds = 0, nseen;
    struct sec_catch got = {0, 0, 0};
    DWORD le;
    HANDLE h;

    /* Names next to the live ones, and random ones. */
    nseen = sec_list_abstract(seen, 4096);
    for (int i = 0; i < nseen && nfds < 400; i++)
        sec_bind_neighbours(seen[i], SOCK_DGRAM, fds, &nfds);
    sec_bind_random(SOCK_DGRAM, fds, &nfds, 800);
    /* The registry: B may not remove, replace or rewrite it. */
    test_checks++;
    if (unlink(s->path) == 0)
        TEST_FAIL_AT("B removed A's mailslot registry %s", s->path);
    sec_check_no_hijack(s->path, "mailslot", SOCK_DGRAM, fds, &nfds, 1100);
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
    sec_catch_until_told(fds, nfds, &got, catch_rogue, &h);
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
    if (sec_spawn_ready(&a, SEC_A, 100, spy_receiver, &s.is_public, "receiver",
                        "ready", NULL, 0))
        return;
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
