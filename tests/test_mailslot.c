/*
 * test_mailslot.c: mailslots.  Expected values follow Windows (Wine's
 * kernel32 mailslot tests, which pass on Windows, and the mailslot
 * conformance scenarios); where winipc follows the design instead
 * (a receiver's name is free once it closes; writers then get an error),
 * the check says so.
 */
#include "testlib.h"

#include <poll.h>
#include <stdatomic.h>
#include <winipc.h>

static char self_exe[4096];

static const char *slot_name(const char *tag)
{
    return test_unique_name("\\\\.\\mailslot\\winipc-test\\", "\\", tag);
}

static HANDLE writer(const char *name)
{
    return CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
}

static void test_names(void)
{
    HANDLE s;
    char upper[128];
    CHECK_FAILS(CreateMailslotA("blah", 0, 0, NULL) != INVALID_HANDLE_VALUE,
                ERROR_INVALID_NAME);
    CHECK_FAILS(CreateMailslotA(NULL, 0, 0, NULL) != INVALID_HANDLE_VALUE,
                ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(CreateMailslotA("\\\\.\\mailslot\\..\\x", 0, 0, NULL) !=
                        INVALID_HANDLE_VALUE,
                ERROR_INVALID_NAME);
    s = CreateMailslotA(slot_name("a"), 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    /* Names are case-insensitive: the same slot, taken. */
    strcpy(upper, slot_name("A"));
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    CHECK_FAILS(CreateMailslotA(upper, 0, 0, NULL) != INVALID_HANDLE_VALUE,
                ERROR_ALREADY_EXISTS);
    CHECK_FAILS(writer(slot_name("missing")) != INVALID_HANDLE_VALUE,
                ERROR_FILE_NOT_FOUND);
    CloseHandle(s);
    /* The name is free again once the receiver's last handle closes. */
    s = CreateMailslotA(slot_name("a"), 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    CloseHandle(s);
}

static void test_messages(void)
{
    HANDLE s = CreateMailslotA(slot_name("m"), 0, 0, NULL);
    HANDLE w1 = writer(slot_name("m")), w2 = writer(slot_name("m"));
    DWORD n, max = 1, next = 0, count = 9, timeout = 9;
    char buf[16];

    CHECK(w1 != INVALID_HANDLE_VALUE && w2 != INVALID_HANDLE_VALUE);
    CHECK_OK(GetMailslotInfo(s, &max, &next, &count, &timeout));
    CHECK_EQ(max, 0);
    CHECK_EQ(next, MAILSLOT_NO_MESSAGE);
    CHECK_EQ(count, 0);
    CHECK_EQ(timeout, 0);
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, NULL), ERROR_SEM_TIMEOUT);
    CHECK_FAILS(ReadFile(s, buf, 0, &n, NULL), ERROR_SEM_TIMEOUT);
    CHECK_FAILS(WriteFile(s, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_FAILS(ReadFile(w1, buf, sizeof buf, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_OK(WriteFile(w1, "a", 1, &n, NULL));
    CHECK_OK(WriteFile(w2, "bc", 2, &n, NULL));
    CHECK_OK(WriteFile(w2, "", 0, &n, NULL));
    CHECK_OK(GetMailslotInfo(s, NULL, &next, &count, NULL));
    CHECK_EQ(next, 1);
    CHECK_EQ(count, 3);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 1);
    CHECK_EQ(buf[0], 'a');
    /* Too small a buffer: the message stays queued. */
    CHECK_FAILS(ReadFile(s, buf, 1, &n, NULL), ERROR_INSUFFICIENT_BUFFER);
    CHECK_OK(GetMailslotInfo(s, NULL, &next, &count, NULL));
    CHECK_EQ(next, 2);
    CHECK_EQ(count, 2);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 2);
    CHECK_MEM(buf, "bc", 2);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL)); /* zero-length */
    CHECK_EQ(n, 0);
    CHECK_OK(GetMailslotInfo(s, NULL, &next, &count, NULL));
    CHECK_EQ(next, MAILSLOT_NO_MESSAGE);
    CHECK_EQ(count, 0);
    /* Handles of the wrong kind. */
    CHECK_FAILS(GetMailslotInfo(w1, NULL, NULL, NULL, NULL),
                ERROR_INVALID_HANDLE);
    CHECK_FAILS(SetMailslotInfo(w1, 1), ERROR_INVALID_HANDLE);
    CHECK_FAILS(GetMailslotInfo(NULL, NULL, NULL, NULL, NULL),
                ERROR_INVALID_HANDLE);
    CloseHandle(w1);
    CloseHandle(w2);
    CloseHandle(s);
}

static void test_max_size_and_timeouts(void)
{
    HANDLE s = CreateMailslotA(slot_name("t"), 8, 30, NULL);
    HANDLE w = writer(slot_name("t"));
    DWORD n, timeout = 0, max = 0;
    char buf[16];

    CHECK_OK(WriteFile(w, "12345678", 8, &n, NULL));
    /* Larger than nMaxMessageSize.  Wine truncates to the maximum (losing
     * data); the documentation makes it the largest message that can be
     * written, so winipc refuses it whole. */
    CHECK_FAILS(WriteFile(w, "123456789", 9, &n, NULL),
                ERROR_INVALID_PARAMETER);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 8);
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, NULL), ERROR_SEM_TIMEOUT);
    CHECK_OK(SetMailslotInfo(s, 0));
    CHECK_OK(GetMailslotInfo(s, &max, NULL, NULL, &timeout));
    CHECK_EQ(max, 8);
    CHECK_EQ(timeout, 0);
    CloseHandle(w);
    CloseHandle(s);
    s = CreateMailslotA(slot_name("wild"), (DWORD)-1, (DWORD)-1, NULL);
    CHECK_OK(GetMailslotInfo(s, &max, NULL, NULL, &timeout));
    CHECK_EQ(max, 0xFFFFFFFFu);
    CHECK_EQ(timeout, MAILSLOT_WAIT_FOREVER);
    CloseHandle(s);
}

static void test_fd_for_poll(void)
{
    HANDLE s = CreateMailslotA(slot_name("fd"), 0, 0, NULL);
    HANDLE w = writer(slot_name("fd"));
    struct pollfd p = {.fd = winipc_handle_fd(s), .events = POLLIN};
    DWORD n, count;
    char buf[8];

    CHECK(p.fd >= 0);
    CHECK_EQ(poll(&p, 1, 0), 0);
    CHECK_OK(WriteFile(w, "x", 1, &n, NULL));
    CHECK_EQ(poll(&p, 1, 1000), 1);
    /* Still readable once GetMailslotInfo has counted it. */
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, &count, NULL));
    CHECK_EQ(count, 1);
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(poll(&p, 1, 0), 0);
    CloseHandle(w);
    CloseHandle(s);
}

/* Writers never wait for a reader while the queue has room: one thread
 * queues thousands of messages, counts them, then reads them in order
 * (the datagram design blocked the 11th WriteFile for ever). */
static void test_many_queued(void)
{
    HANDLE s = CreateMailslotA(slot_name("many"), 0, 0, NULL);
    HANDLE w = writer(slot_name("many"));
    DWORD n, count = 0, next = 0, i;
    char buf[64];

    CHECK(s != INVALID_HANDLE_VALUE && w != INVALID_HANDLE_VALUE);
    for (i = 0; i < 5000; i++) {
        int len = snprintf(buf, sizeof buf, "message %lu", (unsigned long)i);
        if (!WriteFile(w, buf, (DWORD)len, &n, NULL))
            break;
    }
    CHECK_EQ(i, 5000);
    CHECK_OK(GetMailslotInfo(s, NULL, &next, &count, NULL));
    CHECK_EQ(count, 5000);
    CHECK_EQ(next, 9);
    for (i = 0; i < 5000; i++) {
        char want[32];
        int len = snprintf(want, sizeof want, "message %lu", (unsigned long)i);
        if (!ReadFile(s, buf, sizeof buf, &n, NULL) || n != (DWORD)len ||
            memcmp(buf, want, n) != 0)
            break;
    }
    CHECK_EQ(i, 5000);
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, NULL), ERROR_SEM_TIMEOUT);
    CloseHandle(w);
    CloseHandle(s);
}

/*
 * A full queue makes the writer wait until a reader makes room, and drops
 * nothing.  The queue holds 4 MiB; a writer thread writes 256 numbered
 * messages of 64 KiB (16 MiB).  With no reader it cannot finish: it must
 * still be writing after 2 s (an unbounded or dropping queue lets it
 * finish at once), with fewer than 256 messages queued.  Then this thread
 * reads all 256, in order, each with its number and contents, and the
 * writer completes.
 */
#define FQ_MESSAGES 256u
#define FQ_SIZE (64u * 1024)

struct fq_writer {
    HANDLE w;
    atomic_uint written; /* WriteFile calls that have returned TRUE */
};

static void fq_fill(unsigned char *buf, unsigned i)
{
    memcpy(buf, &i, sizeof i);
    for (size_t k = sizeof i; k < FQ_SIZE; k++)
        buf[k] = (unsigned char)(i * 31u + k);
}

static DWORD WINAPI fq_writer_main(LPVOID arg)
{
    static unsigned char buf[FQ_SIZE];
    struct fq_writer *fw = arg;
    DWORD n;
    unsigned i;
    for (i = 0; i < FQ_MESSAGES; i++) {
        fq_fill(buf, i);
        if (!WriteFile(fw->w, buf, FQ_SIZE, &n, NULL) || n != FQ_SIZE)
            break;
        atomic_store(&fw->written, i + 1);
    }
    return i;
}

static void test_full_queue(void)
{
    static unsigned char got[FQ_SIZE + 1], want[FQ_SIZE];
    static struct fq_writer fw;
    HANDLE s = CreateMailslotA(slot_name("full"), 0, 5000, NULL);
    HANDLE t;
    DWORD n, code = 0, count = 99999, written;
    unsigned i, bad = 0;

    fw.w = writer(slot_name("full"));
    atomic_store(&fw.written, 0);
    CHECK(s != INVALID_HANDLE_VALUE && fw.w != INVALID_HANDLE_VALUE);
    t = CreateThread(NULL, 0, fq_writer_main, &fw, 0, NULL);
    CHECK(t != NULL);
    if (!t)
        return;
    /* No reader yet: the writer blocks on the full queue. */
    CHECK_EQ(WaitForSingleObject(t, 2000), WAIT_TIMEOUT);
    written = atomic_load(&fw.written);
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, &count, NULL));
    CHECK(written < FQ_MESSAGES);
    CHECK(count < FQ_MESSAGES);
    CHECK(written > 0);
    /* Queued: every write that returned, and at most the one under way. */
    CHECK(count >= written && count <= written + 1);
    /* Reading makes room: every message arrives, once, in order. */
    for (i = 0; i < FQ_MESSAGES; i++) {
        unsigned num = ~0u;
        if (!ReadFile(s, got, sizeof got, &n, NULL)) {
            TEST_FAIL_AT("read %u failed (error %lu)", i,
                         (unsigned long)GetLastError());
            break;
        }
        fq_fill(want, i);
        if (n >= sizeof num)
            memcpy(&num, got, sizeof num);
        if (n != FQ_SIZE || memcmp(got, want, FQ_SIZE) != 0) {
            if (bad++ < 5)
                TEST_FAIL_AT("message %u: %lu bytes, number %u", i,
                             (unsigned long)n, num);
        }
    }
    CHECK_EQ(i, FQ_MESSAGES);
    CHECK_EQ(bad, 0);
    CHECK_EQ(WaitForSingleObject(t, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, FQ_MESSAGES);
    /* And nothing more. */
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, &count, NULL));
    CHECK_EQ(count, 0);
    CloseHandle(t);
    CloseHandle(fw.w);
    CloseHandle(s);
}

static int helper_write_handle(int argc, char **argv)
{
    DWORD n;
    HANDLE h;
    if (argc < 2)
        return 90;
    h = (HANDLE)(uintptr_t)strtoull(argv[0], NULL, 0);
    return WriteFile(h, argv[1], (DWORD)strlen(argv[1]), &n, NULL) ? 0 : 91;
}

static int helper_receiver(int argc, char **argv)
{
    HANDLE s;
    if (argc < 1)
        return 90;
    s = CreateMailslotA(argv[0], 0, MAILSLOT_WAIT_FOREVER, NULL);
    if (s == INVALID_HANDLE_VALUE)
        return 91;
    printf("ready\n");
    fflush(stdout);
    for (;;)
        Sleep(1000);
}

static void test_inherited_writer(void)
{
    /* The seeds' example: a writer handle inherited by a child that gets
     * its value on the command line. */
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE s = CreateMailslotA(slot_name("inh"), 0, 1000, NULL);
    HANDLE w = CreateFileA(slot_name("inh"), GENERIC_WRITE, FILE_SHARE_READ,
                           &sa, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    char cmd[8192], buf[32];
    DWORD n, code = 99;

    snprintf(cmd, sizeof cmd, "\"%s\" --helper write_handle %#lx from-child",
             self_exe, (unsigned long)(uintptr_t)w);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                            &pi));
    WaitForSingleObject(pi.hProcess, 30000);
    GetExitCodeProcess(pi.hProcess, &code);
    CHECK_EQ(code, 0);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 10);
    CHECK_MEM(buf, "from-child", 10);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(w);
    CloseHandle(s);
}

static void test_receiver_killed(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    const char *name = slot_name("killed");
    char cmd[8192], line[16];
    HANDLE r, wr, w, s;
    DWORD n;

    /* The receiver runs in a child that says "ready" through a pipe. */
    CHECK_OK(CreatePipe(&r, &wr, &sa, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper receiver \"%s\"", self_exe,
             name);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                            &pi));
    CloseHandle(wr);
    CHECK_OK(ReadFile(r, line, 6, &n, NULL));
    w = writer(name);
    CHECK(w != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(w, "x", 1, &n, NULL));
    /* Killed: its name is free at once, and the writer sees an error (the
     * issue's design; Wine lets such writes vanish). */
    CHECK_OK(TerminateProcess(pi.hProcess, 9));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_FAILS(WriteFile(w, "y", 1, &n, NULL), ERROR_FILE_NOT_FOUND);
    s = CreateMailslotA(name, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    CloseHandle(s);
    CloseHandle(w);
    CloseHandle(r);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

struct late_write {
    const char *name;
    _Atomic int tid; /* the reader's thread, once it reads */
};

/* Writes "late" once the reader is seen waiting in its read. */
static DWORD WINAPI late_writer(LPVOID arg)
{
    struct late_write *w = arg;
    HANDLE c;
    DWORD n = 0;
    if (!test_wait_blocked(0, &w->tid, 10000, TEST_SYS_POLL, -1, 0))
        return 1;
    c = writer(w->name);
    if (c == INVALID_HANDLE_VALUE || !WriteFile(c, "late", 4, &n, NULL))
        return 2;
    CloseHandle(c);
    return 0;
}

/* ReadFile with an OVERLAPPED on a mailslot (the handle is synchronous,
 * as under Wine: Microsoft's "Reading from a Mailslot" passes one): it
 * never pends; it fails at once with ERROR_SEM_TIMEOUT after a read
 * time-out of 0, leaving Internal at STATUS_PENDING; a message read
 * completes the OVERLAPPED and sets its event; with
 * MAILSLOT_WAIT_FOREVER the read waits for the message.  Conformance
 * scenario mailslot_overlapped. */
static void test_read_with_overlapped(void)
{
    const char *name = slot_name("ovread");
    HANDLE s = CreateMailslotA(name, 0, 0, NULL), c, t;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    struct late_write w;
    OVERLAPPED ov;
    DWORD n = 77, code = 77;
    char buf[16];

    memset(&ov, 0, sizeof ov);
    ov.hEvent = ev;
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, &ov), ERROR_SEM_TIMEOUT);
    CHECK_EQ(ov.Internal, 0x103);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    c = writer(name);
    CHECK_OK(WriteFile(c, "hello", 5, &n, NULL));
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, &ov));
    CHECK_EQ(n, 5);
    CHECK_EQ(ov.Internal, 0);
    CHECK_EQ(ov.InternalHigh, 5);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CloseHandle(c);
    CloseHandle(s);

    name = slot_name("ovwait");
    s = CreateMailslotA(name, 0, MAILSLOT_WAIT_FOREVER, NULL);
    w = (struct late_write){name, 0};
    t = CreateThread(NULL, 0, late_writer, &w, 0, NULL);
    atomic_store(&w.tid, (int)GetCurrentThreadId());
    memset(&ov, 0, sizeof ov);
    ov.hEvent = ev;
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, &ov));
    CHECK_EQ(n, 4);
    CHECK_MEM(buf, "late", 4);
    CHECK_EQ(ov.InternalHigh, 4);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 0);
    CloseHandle(t);
    CloseHandle(s);
    CloseHandle(ev);
}

int main(int argc, char **argv)
{
    ssize_t len = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[len > 0 ? len : 0] = '\0';
    TEST_HELPERS(argc, argv, {"write_handle", helper_write_handle},
                 {"receiver", helper_receiver});
    RUN(test_names);
    RUN(test_messages);
    RUN(test_max_size_and_timeouts);
    RUN(test_fd_for_poll);
    RUN(test_many_queued);
    RUN(test_full_queue);
    RUN(test_inherited_writer);
    RUN(test_receiver_killed);
    RUN(test_read_with_overlapped);
    return TEST_SUMMARY();
}
