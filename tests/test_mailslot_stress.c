/*
 * test_mailslot_stress.c: mailslots under load and abuse.
 *
 *   - 8 writer processes x 20,000 checksummed messages of random sizes (up
 *     to 4 KiB, one in a hundred up to 64 KiB), while another thread keeps
 *     asking GetMailslotInfo: every message arrives exactly once, intact,
 *     in its writer's order.
 *   - Writers killed mid-stream (all of them blocked on a full queue):
 *     the receiver gets whole messages only, each writer's a gap-free
 *     prefix, and keeps working.
 *   - The receiver killed mid-stream: every writer gets
 *     ERROR_FILE_NOT_FOUND (winipc's design, see test_mailslot.c) and the
 *     name is free at once; old writers never reach a new receiver.
 *   - Bad input: names, sizes, handles of the wrong kind.
 *
 * Expected error codes come from probes run under Wine where Wine does
 * what Windows does, and from Microsoft's documentation where Wine is
 * known to differ (Wine's own kernel32 mailslot tests mark those
 * todo_wine); each check says which.  Nothing here asserts timings.
 */
#include "testlib.h"

#include <stdatomic.h>

static char self_exe[4096];

#define MSG_MAGIC 0x4D534753u /* "MSGS" */
#define MSG_HEADER 20u
#define MSG_MAX (64u * 1024u)
#define WRITERS 8
#define PER_WRITER 20000u
#define DGRAM_MAX (200u * 1024u) /* winipc's largest message */

static const char *slot_name(const char *tag)
{
    return test_unique_name("\\\\.\\mailslot\\winipc-stress\\", "\\", tag);
}

static HANDLE open_writer(const char *name)
{
    return CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                       NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
}

/* ---- Messages: header, payload, checksum --------------------------------- */

struct msg_header {
    uint32_t magic, writer, seq, len, sum;
};

static uint32_t rng_next(uint64_t *s)
{
    /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (uint32_t)((*s * 2685821657736338717ull) >> 32);
}

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Message seq of writer: its size comes from the writer's generator (big:
 * always 32..64 KiB), its payload from one seeded by (writer, seq). */
static size_t msg_make(char *buf, uint32_t writer, uint32_t seq, uint64_t *rng,
                       int big)
{
    struct msg_header h = {MSG_MAGIC, writer, seq, 0, 0};
    uint32_t r = rng_next(rng);
    size_t len;
    uint64_t fill = ((uint64_t)writer << 32 | seq) + 0x9E3779B97F4A7C15ull;

    if (big)
        len = MSG_MAX / 2 + r % (MSG_MAX / 2 + 1);
    else if (r % 100 == 0)
        len = 4097 + rng_next(rng) % (MSG_MAX - 4096);
    else
        len = MSG_HEADER + rng_next(rng) % (4096 - MSG_HEADER + 1);
    for (size_t i = MSG_HEADER; i < len; i++)
        buf[i] = (char)rng_next(&fill);
    h.len = (uint32_t)len;
    h.sum = fnv1a((const unsigned char *)buf + MSG_HEADER, len - MSG_HEADER);
    memcpy(buf, &h, sizeof h);
    return len;
}

/* Checks a received message: whole, intact, the next of its writer's.
 * Returns 1 if it is; reports the first few problems. */
static int msg_check(const char *buf, DWORD got, uint32_t *next, int writers)
{
    /* The first 5 failures of each test are described; the callers count
     * every one (msg_check returns 0) and fail the test on any. */
    static int reported;
    static const char *reported_in;
    struct msg_header h = {0};
    const char *why = NULL;

    if (got < MSG_HEADER) {
        why = "shorter than a header";
    } else {
        memcpy(&h, buf, sizeof h);
        if (h.magic != MSG_MAGIC)
            why = "bad magic";
        else if (h.len != got)
            why = "length differs from the header's";
        else if ((int)h.writer >= writers)
            why = "unknown writer";
        else if (h.sum != fnv1a((const unsigned char *)buf + MSG_HEADER,
                                got - MSG_HEADER))
            why = "checksum mismatch";
        else if (h.seq != next[h.writer])
            why = "out of order, lost or duplicated";
    }
    if (why) {
        if (reported_in != test_current) {
            reported_in = test_current;
            reported = 0;
        }
        if (reported++ < 5)
            TEST_FAIL_AT(
                "message of %lu bytes: %s (writer %u seq %u, "
                "expected seq %u)",
                (unsigned long)got, why, got >= MSG_HEADER ? h.writer : 0,
                got >= MSG_HEADER ? h.seq : 0,
                got >= MSG_HEADER && (int)h.writer < writers ? next[h.writer]
                                                             : 0);
        return 0;
    }
    next[h.writer]++;
    return 1;
}

/* ---- Helper processes ---------------------------------------------------- */

/* writer NAME ID COUNT BIG [SIGNAL]: COUNT messages (0: until WriteFile
 * fails); with SIGNAL, prints "o" once its first message is sent.  Exit
 * code 0, or WriteFile's error. */
static int helper_writer(int argc, char **argv)
{
    static char buf[MSG_MAX];
    uint32_t id, count, seq;
    uint64_t rng;
    int big;
    HANDLE w;
    DWORD n;

    if (argc < 4)
        return 90;
    id = (uint32_t)atoi(argv[1]);
    count = (uint32_t)strtoul(argv[2], NULL, 10);
    big = atoi(argv[3]);
    rng = 0x1234567ull * (id + 1) + 77;
    w = open_writer(argv[0]);
    if (w == INVALID_HANDLE_VALUE)
        return 91;
    for (seq = 0; count == 0 || seq < count; seq++) {
        size_t len = msg_make(buf, id, seq, &rng, big);
        if (!WriteFile(w, buf, (DWORD)len, &n, NULL))
            return (int)GetLastError();
        if (n != len)
            return 92;
        if (seq == 0 && argc > 4) {
            printf("o");
            fflush(stdout);
        }
    }
    CloseHandle(w);
    return 0;
}

/* receiver NAME: creates the slot, says "ready", reads forever. */
static int helper_receiver(int argc, char **argv)
{
    static char buf[MSG_MAX];
    HANDLE s;
    DWORD n;
    if (argc < 1)
        return 90;
    s = CreateMailslotA(argv[0], 0, MAILSLOT_WAIT_FOREVER, NULL);
    if (s == INVALID_HANDLE_VALUE)
        return 91;
    printf("ready\n");
    fflush(stdout);
    for (;;)
        ReadFile(s, buf, sizeof buf, &n, NULL);
}

static HANDLE spawn(const char *args, HANDLE out)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[8192];

    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s", self_exe, args);
    if (out) {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdOutput = out;
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    }
    if (!CreateProcessA(NULL, cmd, NULL, NULL, out != NULL, 0, NULL, NULL, &si,
                        &pi)) {
        TEST_FAIL_AT("CreateProcessA(%s): error %lu", cmd,
                     (unsigned long)GetLastError());
        return NULL;
    }
    CloseHandle(pi.hThread);
    return pi.hProcess;
}

/* A writer process; with out, it says "o" there once it has sent its
 * first message. */
static HANDLE spawn_writer(const char *name, int id, unsigned count, int big,
                           HANDLE out)
{
    char args[512];
    snprintf(args, sizeof args, "writer \"%s\" %d %u %d%s", name, id, count,
             big, out ? " signal" : "");
    return spawn(args, out);
}

/* Reads exactly len bytes from a pipe; 0 if it ended first. */
static int read_exact(HANDLE h, char *buf, DWORD len)
{
    DWORD done = 0, n;
    while (done < len) {
        if (!ReadFile(h, buf + done, len - done, &n, NULL) || n == 0)
            return 0;
        done += n;
    }
    return 1;
}

/* The exit code of a process that must end within 30 s. */
static DWORD wait_exit(HANDLE p)
{
    DWORD code = 12345;
    if (!p)
        return code;
    CHECK_EQ(WaitForSingleObject(p, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(p, &code));
    CloseHandle(p);
    return code;
}

/* ---- 8 writers x 20,000 messages ----------------------------------------- */

static atomic_int info_stop;
static atomic_long info_calls;

/* Keeps asking GetMailslotInfo while the main thread reads: it counts the
 * queue the reads take messages from, under the same lock. */
static DWORD WINAPI info_thread(LPVOID arg)
{
    HANDLE s = arg;
    DWORD next, count;
    while (!atomic_load(&info_stop)) {
        if (!GetMailslotInfo(s, NULL, &next, &count, NULL))
            return GetLastError();
        if ((count == 0) != (next == MAILSLOT_NO_MESSAGE))
            return 1000; /* next size and count disagree */
        atomic_fetch_add(&info_calls, 1);
        Sleep(0);
    }
    return 0;
}

static void test_many_writers(void)
{
    static char buf[MSG_MAX];
    const char *name = slot_name("many");
    HANDLE s = CreateMailslotA(name, 0, 20000, NULL);
    HANDLE procs[WRITERS], th;
    uint32_t next[WRITERS] = {0};
    unsigned long total = 0, bad = 0, small_reads = 0, big_msgs = 0;
    DWORD n, code = 99;

    CHECK(s != INVALID_HANDLE_VALUE);
    atomic_store(&info_stop, 0);
    th = CreateThread(NULL, 0, info_thread, s, 0, NULL);
    CHECK(th != NULL);
    for (int i = 0; i < WRITERS; i++)
        procs[i] = spawn_writer(name, i, PER_WRITER, 0, NULL);
    while (total < (unsigned long)WRITERS * PER_WRITER && bad < 10) {
        /* Now and then a buffer too small: the message must stay queued,
         * whole, for the next read. */
        if (total % 997 == 0) {
            SetLastError(0);
            if (!ReadFile(s, buf, 8, &n, NULL) &&
                GetLastError() == ERROR_INSUFFICIENT_BUFFER)
                small_reads++;
            else
                bad++;
        }
        if (!ReadFile(s, buf, sizeof buf, &n, NULL)) {
            TEST_FAIL_AT("ReadFile after %lu messages: error %lu", total,
                         (unsigned long)GetLastError());
            break;
        }
        if (!msg_check(buf, n, next, WRITERS))
            bad++;
        big_msgs += n > 4096;
        total++;
    }
    atomic_store(&info_stop, 1);
    CHECK_EQ(WaitForSingleObject(th, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(th, &code));
    CHECK_EQ(code, 0);
    CloseHandle(th);
    for (int i = 0; i < WRITERS; i++)
        CHECK_EQ(wait_exit(procs[i]), 0);
    CHECK_EQ(bad, 0);
    CHECK_EQ(total, (unsigned long)WRITERS * PER_WRITER);
    for (int i = 0; i < WRITERS; i++)
        CHECK_EQ(next[i], PER_WRITER);
    CHECK(small_reads > 0);
    CHECK(big_msgs > 0);
    /* Nothing more: every message came exactly once. */
    CHECK_OK(SetMailslotInfo(s, 0));
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, NULL), ERROR_SEM_TIMEOUT);
    printf("     %lu messages (%lu over 4 KiB), %ld GetMailslotInfo calls\n",
           total, big_msgs, (long)atomic_load(&info_calls));
    CloseHandle(s);
}

/* ---- Writers killed mid-stream --------------------------------------------
 */

/* 1 once writer process p (one thread) is seen waiting for room in a full
 * queue: in futex() with a time limit (argument 3 not NULL), within
 * timeout_ms. */
static int writer_blocked(HANDLE p, int timeout_ms)
{
    long pid = p ? (long)GetProcessId(p) : 0;
    for (int waited = 0; pid && waited <= timeout_ms; waited++) {
        unsigned long args[6];
        if (test_thread_syscall(pid, pid, args) == SYS_futex && args[3] != 0)
            return 1;
        Sleep(1); /* polling the state, with a bound */
    }
    return 0;
}

/* Reads and checks messages until the slot stays empty for its timeout;
 * counts in *bad those that fail msg_check. */
static unsigned long drain(HANDLE s, uint32_t *next, int writers,
                           unsigned long limit, unsigned long *bad)
{
    static char buf[MSG_MAX];
    unsigned long got = 0;
    DWORD n;
    while (got < limit && ReadFile(s, buf, sizeof buf, &n, NULL)) {
        if (!msg_check(buf, n, next, writers))
            (*bad)++;
        got++;
    }
    return got;
}

static void test_writers_killed(void)
{
    static char buf[MSG_MAX];
    const char *name = slot_name("wkill");
    HANDLE s = CreateMailslotA(name, 0, 20000, NULL);
    HANDLE procs[4], w;
    uint32_t next[5] = {0};
    unsigned long before, after, bad = 0;
    uint64_t rng = 5;
    DWORD n, count = 1;

    CHECK(s != INVALID_HANDLE_VALUE);
    /* Endless writers; two send only 32..64 KiB messages. */
    for (int i = 0; i < 4; i++)
        procs[i] = spawn_writer(name, i, 0, i >= 2, NULL);
    before = drain(s, next, 4, 3000, &bad);
    CHECK_EQ(before, 3000);
    /* Nobody reads now: the queue fills and every writer ends up blocked
     * in WriteFile, waiting for room (a futex wait with a time limit; the
     * queue's lock is a futex wait without one).  Wait until each is seen
     * there, then kill them all mid-WriteFile. */
    for (int i = 0; i < 4; i++)
        CHECK(writer_blocked(procs[i], 10000));
    for (int i = 0; i < 4; i++) {
        CHECK_OK(TerminateProcess(procs[i], 9));
        CHECK_EQ(wait_exit(procs[i]), 9);
    }
    /* What was sent before they died arrives whole and in order. */
    CHECK_OK(SetMailslotInfo(s, 200));
    after = drain(s, next, 4, (unsigned long)-1, &bad);
    CHECK_EQ(bad, 0);
    CHECK(after > 0); /* the queue they were blocked on was full */
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, &count, NULL));
    CHECK_EQ(count, 0);
    printf("     %lu messages before the kill, %lu after\n", before, after);
    /* The receiver keeps working for a new writer. */
    w = open_writer(name);
    CHECK(w != INVALID_HANDLE_VALUE);
    n = (DWORD)msg_make(buf, 4, 0, &rng, 0);
    CHECK_OK(WriteFile(w, buf, n, &n, NULL));
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK(msg_check(buf, n, next, 5));
    CHECK_EQ(next[4], 1);
    CloseHandle(w);
    CloseHandle(s);
}

/* ---- The receiver killed mid-stream ---------------------------------------
 */

static void test_receiver_killed(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    const char *name = slot_name("rkill");
    HANDLE r, wr, recv_proc, procs[4], s, w;
    char line[8] = {0}, args[512];
    DWORD n;

    /* The receiver and the writers report through a pipe: "ready\n" once
     * the slot exists, "o" from each writer once it has the slot open. */
    CHECK_OK(CreatePipe(&r, &wr, &sa, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    snprintf(args, sizeof args, "receiver \"%s\"", name);
    recv_proc = spawn(args, wr);
    CHECK(read_exact(r, line, 6));
    CHECK_MEM(line, "ready\n", 6);
    w = open_writer(name); /* an old writer of our own, idle */
    CHECK(w != INVALID_HANDLE_VALUE);
    for (int i = 0; i < 4; i++)
        procs[i] = spawn_writer(name, i, 0, i == 3, wr);
    CloseHandle(wr);
    /* Each writer has sent a message: the receiver dies mid-stream. */
    CHECK(read_exact(r, line, 4));
    CHECK_MEM(line, "oooo", 4);
    CHECK_OK(TerminateProcess(recv_proc, 9));
    CHECK_EQ(wait_exit(recv_proc), 9);
    /* Every writer's next WriteFile fails: the receiver is gone. */
    for (int i = 0; i < 4; i++)
        CHECK_EQ(wait_exit(procs[i]), ERROR_FILE_NOT_FOUND);
    CHECK_FAILS(WriteFile(w, "y", 1, &n, NULL), ERROR_FILE_NOT_FOUND);
    /* The name is free at once; the old writer stays cut off from the new
     * receiver, and new writers reach it. */
    s = CreateMailslotA(name, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    CHECK_FAILS(WriteFile(w, "z", 1, &n, NULL), ERROR_FILE_NOT_FOUND);
    CloseHandle(w);
    w = open_writer(name);
    CHECK(w != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(w, "new", 3, &n, NULL));
    CHECK_OK(ReadFile(s, line, sizeof line, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_MEM(line, "new", 3);
    CHECK_FAILS(ReadFile(s, line, sizeof line, &n, NULL), ERROR_SEM_TIMEOUT);
    CloseHandle(w);
    CloseHandle(s);
    CloseHandle(r);
}

/* ---- Bad input: names -----------------------------------------------------
 */

static void check_create_fails(const char *name, DWORD err)
{
    HANDLE h;
    SetLastError(0xdeadbeef);
    h = CreateMailslotA(name, 0, 0, NULL);
    test_checks++;
    if (h != INVALID_HANDLE_VALUE || GetLastError() != err)
        TEST_FAIL_AT("CreateMailslotA(\"%.40s%s\"): expected error %lu, got "
                     "%s with error %lu",
                     name ? name : "(null)",
                     name && strlen(name) > 40 ? "..." : "", (unsigned long)err,
                     h == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE"
                                               : "a handle",
                     (unsigned long)GetLastError());
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
}

static void check_open_fails(const char *name, DWORD err)
{
    HANDLE h;
    SetLastError(0xdeadbeef);
    h = open_writer(name);
    test_checks++;
    if (h != INVALID_HANDLE_VALUE || GetLastError() != err)
        TEST_FAIL_AT("CreateFileA(\"%.40s%s\"): expected error %lu, got %s "
                     "with error %lu",
                     name, strlen(name) > 40 ? "..." : "", (unsigned long)err,
                     h == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE"
                                               : "a handle",
                     (unsigned long)GetLastError());
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
}

/* "\\.\mailslot\" followed by n - 13 'x's: a name n characters long. */
static const char *long_name(size_t n)
{
    static char buf[600];
    strcpy(buf, "\\\\.\\mailslot\\");
    memset(buf + 13, 'x', n - 13);
    buf[n] = '\0';
    return buf;
}

static void test_bad_names(void)
{
    char name[128];
    HANDLE s, w;

    /* Wine (its kernelbase, like Windows', fails to convert an empty DOS
     * path): no name at all. */
    check_create_fails(NULL, ERROR_PATH_NOT_FOUND);
    check_create_fails("", ERROR_PATH_NOT_FOUND);
    check_open_fails("", ERROR_PATH_NOT_FOUND);
    /* Wrong prefixes (Wine). */
    check_create_fails("blah", ERROR_INVALID_NAME);
    check_create_fails("\\\\.\\pipe\\winipc-stress", ERROR_INVALID_NAME);
    check_create_fails("mailslot\\winipc-stress", ERROR_INVALID_NAME);
    check_create_fails("C:\\winipc-stress", ERROR_INVALID_NAME);
    /* ".." (Wine).  The prefix alone: Wine answers ERROR_ALREADY_EXISTS
     * (it reaches the mailslot device itself); the documented form
     * \\.\mailslot\[path]name needs a name, so winipc says invalid. */
    check_create_fails("\\\\.\\mailslot\\..", ERROR_INVALID_NAME);
    check_open_fails("\\\\.\\mailslot\\..", ERROR_INVALID_NAME);
    check_create_fails("\\\\.\\mailslot\\", ERROR_INVALID_NAME);
    check_create_fails("\\\\.\\mailslot", ERROR_INVALID_NAME);
    /* A trailing backslash: Wine creates a slot of that name, distinct from
     * the name without it (so opening "name\" of a slot "name" is
     * ERROR_FILE_NOT_FOUND, as here); winipc refuses to create it, since
     * the documented form ends in a name. */
    snprintf(name, sizeof name, "%s\\", slot_name("trail"));
    check_create_fails(name, ERROR_INVALID_NAME);
    s = CreateMailslotA(slot_name("trail"), 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    check_open_fails(name, ERROR_FILE_NOT_FOUND);
    CloseHandle(s);
    /* Too long for an ANSI name (Wine, and the documentation of the ANSI
     * functions: MAX_PATH characters): CreateMailslotA takes 259
     * characters, CreateFileA 260. */
    s = CreateMailslotA(long_name(MAX_PATH - 1), 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    w = open_writer(long_name(MAX_PATH - 1));
    CHECK(w != INVALID_HANDLE_VALUE);
    CloseHandle(w);
    CloseHandle(s);
    check_create_fails(long_name(MAX_PATH), ERROR_FILENAME_EXCED_RANGE);
    check_open_fails(long_name(MAX_PATH), ERROR_FILE_NOT_FOUND);
    check_open_fails(long_name(MAX_PATH + 1), ERROR_FILENAME_EXCED_RANGE);
    check_create_fails(long_name(540), ERROR_FILENAME_EXCED_RANGE);
    /* Names are case-insensitive, the prefix too (Wine). */
    s = CreateMailslotA("\\\\.\\MAILSLOT\\winipc-stress-case", 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    check_create_fails("\\\\.\\mailslot\\WINIPC-STRESS-CASE",
                       ERROR_ALREADY_EXISTS);
    CloseHandle(s);
}

/* ---- Bad input: sizes -----------------------------------------------------
 */

static void test_sizes(void)
{
    HANDLE s = CreateMailslotA(slot_name("size8"), 8, 0, NULL);
    HANDLE w = open_writer(slot_name("size8"));
    char buf[16], *big;
    DWORD n, next = 0, count = 0;

    CHECK(s != INVALID_HANDLE_VALUE && w != INVALID_HANDLE_VALUE);
    /* Zero-length messages are messages, from a NULL buffer too (Wine's
     * writes; its reads of them fail, a todo_wine in its own tests, which
     * pass on Windows). */
    CHECK_OK(WriteFile(w, "", 0, &n, NULL));
    CHECK_OK(WriteFile(w, NULL, 0, &n, NULL));
    CHECK_OK(WriteFile(w, "12345678", 8, &n, NULL));
    CHECK_EQ(n, 8);
    /* One byte over nMaxMessageSize: ERROR_INVALID_PARAMETER, nothing sent
     * (the documentation: the maximum size of a message that can be
     * written; Wine truncates it instead). */
    CHECK_FAILS(WriteFile(w, "123456789", 9, &n, NULL),
                ERROR_INVALID_PARAMETER);
    CHECK_EQ(n, 0);
    CHECK_OK(GetMailslotInfo(s, NULL, &next, &count, NULL));
    CHECK_EQ(next, 0);
    CHECK_EQ(count, 3);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_OK(ReadFile(s, NULL, 0, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 8);
    CHECK_MEM(buf, "12345678", 8);
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, NULL), ERROR_SEM_TIMEOUT);
    CloseHandle(w);
    CloseHandle(s);

    /* No maximum: up to winipc's largest message (200 KiB).  Windows has
     * no such limit (Wine fails from about 212 KiB with
     * ERROR_GEN_FAILURE); winipc refuses larger messages whole with
     * ERROR_INVALID_PARAMETER, as for nMaxMessageSize. */
    big = malloc(DGRAM_MAX + 2);
    CHECK(big != NULL);
    if (!big)
        return;
    for (size_t i = 0; i < DGRAM_MAX + 1; i++)
        big[i] = (char)(i * 7 + 3);
    s = CreateMailslotA(slot_name("big"), 0, 0, NULL);
    w = open_writer(slot_name("big"));
    CHECK_OK(WriteFile(w, big, 64 * 1024, &n, NULL));
    CHECK_OK(WriteFile(w, big, DGRAM_MAX, &n, NULL));
    CHECK_EQ(n, DGRAM_MAX);
    CHECK_FAILS(WriteFile(w, big, DGRAM_MAX + 1, &n, NULL),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(WriteFile(w, big, 0x7FFFFFFF, &n, NULL),
                ERROR_INVALID_PARAMETER);
    /* A buffer too small: the message stays
     * queued, whole (ERROR_INSUFFICIENT_BUFFER: Windows, per Wine's tests;
     * Wine itself truncates). */
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, NULL),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(n, 0);
    CHECK_OK(GetMailslotInfo(s, NULL, &next, &count, NULL));
    CHECK_EQ(next, 64 * 1024);
    CHECK_EQ(count, 2);
    {
        char *in = malloc(DGRAM_MAX + 1);
        CHECK(in != NULL);
        if (in) {
            CHECK_OK(ReadFile(s, in, DGRAM_MAX + 1, &n, NULL));
            CHECK_EQ(n, 64 * 1024);
            for (size_t i = 0; i < 64 * 1024; i++)
                if (in[i] != (char)(i * 7 + 3)) {
                    TEST_FAIL_AT("64 KiB message: byte %zu differs", i);
                    break;
                }
            CHECK_OK(ReadFile(s, in, DGRAM_MAX + 1, &n, NULL));
            CHECK_EQ(n, DGRAM_MAX);
            for (size_t i = 0; i < DGRAM_MAX; i++)
                if (in[i] != (char)(i * 7 + 3)) {
                    TEST_FAIL_AT("200 KiB message: byte %zu differs", i);
                    break;
                }
            free(in);
        }
    }
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, NULL), ERROR_SEM_TIMEOUT);
    free(big);
    CloseHandle(w);
    CloseHandle(s);
}

/* ---- Bad input: handles ---------------------------------------------------
 */

/* GetMailslotInfo (with every out-pointer, and none) and SetMailslotInfo
 * on a handle that is not a mailslot receiver. */
static void check_not_receiver(const char *what, HANDLE h)
{
    DWORD a = 7, b = 7, c = 7, d = 7;
    SetLastError(0xdeadbeef);
    test_checks++;
    if (GetMailslotInfo(h, &a, &b, &c, &d) ||
        GetLastError() != ERROR_INVALID_HANDLE)
        TEST_FAIL_AT("GetMailslotInfo(%s): expected ERROR_INVALID_HANDLE, "
                     "got error %lu",
                     what, (unsigned long)GetLastError());
    test_checks++;
    if (a != 7 || b != 7 || c != 7 || d != 7)
        TEST_FAIL_AT("GetMailslotInfo(%s) wrote its out-pointers", what);
    SetLastError(0xdeadbeef);
    test_checks++;
    if (GetMailslotInfo(h, NULL, NULL, NULL, NULL) ||
        GetLastError() != ERROR_INVALID_HANDLE)
        TEST_FAIL_AT("GetMailslotInfo(%s, NULLs): expected "
                     "ERROR_INVALID_HANDLE, got error %lu",
                     what, (unsigned long)GetLastError());
    SetLastError(0xdeadbeef);
    test_checks++;
    if (SetMailslotInfo(h, 5) || GetLastError() != ERROR_INVALID_HANDLE)
        TEST_FAIL_AT("SetMailslotInfo(%s): expected ERROR_INVALID_HANDLE, "
                     "got error %lu",
                     what, (unsigned long)GetLastError());
}

static void test_bad_handles(void)
{
    const char *file = test_tmp_path("mailslot-file");
    HANDLE s = CreateMailslotA(slot_name("h"), 0, 0, NULL);
    HANDLE w = open_writer(slot_name("h"));
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE f = CreateFileA(file, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    HANDLE np =
        CreateNamedPipeA("\\\\.\\pipe\\winipc-stress-ms", PIPE_ACCESS_DUPLEX,
                         PIPE_TYPE_BYTE, 1, 512, 512, 0, NULL);
    HANDLE npc = CreateFileA("\\\\.\\pipe\\winipc-stress-ms",
                             GENERIC_READ | GENERIC_WRITE, 0, NULL,
                             OPEN_EXISTING, 0, NULL);
    HANDLE pr = NULL, pw = NULL, dup = NULL, s2, closed_s, closed_w;
    DWORD a, b, c, d, n;
    char buf[8];

    CHECK(s != INVALID_HANDLE_VALUE && w != INVALID_HANDLE_VALUE);
    CHECK(ev != NULL && f != INVALID_HANDLE_VALUE);
    CHECK(np != INVALID_HANDLE_VALUE && npc != INVALID_HANDLE_VALUE);
    CHECK_OK(CreatePipe(&pr, &pw, NULL, 0));

    /* NULL out-pointers are fine, in any mix (Wine). */
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, NULL, NULL));
    CHECK_OK(GetMailslotInfo(s, &a, NULL, &c, NULL));
    CHECK_OK(GetMailslotInfo(s, NULL, &b, NULL, &d));
    CHECK_EQ(a, 0);
    CHECK_EQ(b, MAILSLOT_NO_MESSAGE);
    CHECK_EQ(c, 0);
    CHECK_EQ(d, 0);
    CHECK_OK(SetMailslotInfo(s, MAILSLOT_WAIT_FOREVER));
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, NULL, &d));
    CHECK_EQ(d, MAILSLOT_WAIT_FOREVER);
    CHECK_OK(SetMailslotInfo(s, 0));

    /* Handles that are not a mailslot receiver: ERROR_INVALID_HANDLE, out-
     * pointers untouched.  Wine agrees for invalid, closed and pseudo
     * handles, the writer, the event and the disk file; for pipes Wine's
     * GetMailslotInfo says ERROR_INVALID_FUNCTION (its SetMailslotInfo
     * ERROR_INVALID_HANDLE).  Windows leaves the code to the file system
     * driver and documents none; winipc answers alike for every handle
     * that is not a mailslot. */
    check_not_receiver("INVALID_HANDLE_VALUE", INVALID_HANDLE_VALUE);
    check_not_receiver("NULL", NULL);
    check_not_receiver("a made-up value", (HANDLE)(uintptr_t)0x7ff8);
    check_not_receiver("GetCurrentProcess()", GetCurrentProcess());
    check_not_receiver("GetCurrentThread()", GetCurrentThread());
    check_not_receiver("the writer", w);
    check_not_receiver("an event", ev);
    check_not_receiver("a disk file", f);
    check_not_receiver("a named pipe server", np);
    check_not_receiver("a named pipe client", npc);
    check_not_receiver("an anonymous pipe's read end", pr);
    check_not_receiver("an anonymous pipe's write end", pw);

    /* The wrong direction (Wine). */
    CHECK_FAILS(WriteFile(s, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_FAILS(ReadFile(w, buf, sizeof buf, &n, NULL), ERROR_ACCESS_DENIED);

    /* A duplicate of the receiver is a receiver; the slot lives while any
     * handle to it does. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), s, GetCurrentProcess(), &dup,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(CloseHandle(s));
    CHECK_OK(WriteFile(w, "dup", 3, &n, NULL));
    CHECK_OK(GetMailslotInfo(dup, NULL, &b, &c, NULL));
    CHECK_EQ(b, 3);
    CHECK_EQ(c, 1);
    s2 = CreateMailslotA(slot_name("h"), 0, 0, NULL);
    CHECK(s2 == INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_OK(ReadFile(dup, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);

    /* Closed handles (Wine): checked before anything else is opened, so
     * the values are not reused yet. */
    closed_s = dup;
    closed_w = w;
    CHECK_OK(CloseHandle(dup));
    CHECK_OK(CloseHandle(w));
    check_not_receiver("a closed receiver", closed_s);
    CHECK_FAILS(ReadFile(closed_s, buf, sizeof buf, &n, NULL),
                ERROR_INVALID_HANDLE);
    CHECK_FAILS(WriteFile(closed_w, "x", 1, &n, NULL), ERROR_INVALID_HANDLE);
    CHECK_FAILS(CloseHandle(closed_w), ERROR_INVALID_HANDLE);
    /* The last receiver handle closed: the name is free, writers gone. */
    check_open_fails(slot_name("h"), ERROR_FILE_NOT_FOUND);

    CloseHandle(pr);
    CloseHandle(pw);
    CloseHandle(npc);
    CloseHandle(np);
    CloseHandle(f);
    CloseHandle(ev);
    unlink(file);
}

int main(int argc, char **argv)
{
    ssize_t len = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[len > 0 ? len : 0] = '\0';
    TEST_HELPERS(argc, argv, {"writer", helper_writer},
                 {"receiver", helper_receiver});
    /* "BINARY TEST_NAME" runs that test alone. */
#define RUN_IF(fn)                                                             \
    do {                                                                       \
        if (argc < 2 || strcmp(argv[1], #fn) == 0)                             \
            RUN(fn);                                                           \
    } while (0)
    RUN_IF(test_bad_names);
    RUN_IF(test_sizes);
    RUN_IF(test_bad_handles);
    RUN_IF(test_writers_killed);
    RUN_IF(test_receiver_killed);
    RUN_IF(test_many_writers);
    return TEST_SUMMARY();
}
