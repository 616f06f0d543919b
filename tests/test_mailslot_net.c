/*
 * test_mailslot_net.c: mailslots between machines.
 *
 * The wire codec (src/core/netbios_mailslot.c) against the RFC 1001
 * example, hand-assembled datagrams, malformed inputs and a deterministic
 * mutation run; then the Win32 behaviour over loopback only (127.0.0.1 and
 * the loopback broadcast 127.255.255.255, on an unprivileged port of this
 * process's own): writers that need no receiver, the 424-byte limit,
 * broadcast and computer-addressed delivery, local and remote messages in
 * order, hand-over between receiving processes, datagrams that must be
 * dropped.  tests/net/mailslot_netns.sh runs the helpers below on several
 * hosts (network namespaces).
 */
#include "testlib.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <winipc.h>

static int fuzz_failures;
#define NBMS_FUZZ_FAIL(what) (fuzz_failures++, fprintf(stderr, "%s\n", what))
#include "fuzz/nbms_fuzz_one.h"

static char self_exe[4096];
static char computer[16];
static unsigned short port;

/* ---- Configuration: everything on loopback ------------------------------ */

/* The network settings of the test whose process id is pid (its helpers
 * take the same). */
static void net_config(long pid)
{
    char v[64];
    snprintf(computer, sizeof computer, "WT%ld", pid % 100000);
    port = (unsigned short)(20000 + pid % 12000);
    snprintf(v, sizeof v, "%u", port);
    setenv("WINIPC_MAILSLOT_PORT", v, 1);
    setenv("WINIPC_COMPUTERNAME", computer, 1);
    setenv("WINIPC_DOMAIN", "WIPCTESTDOM", 1);
    setenv("WINIPC_MAILSLOT_BCAST", "127.255.255.255", 1);
    snprintf(v, sizeof v, "%s=127.0.0.1", computer);
    setenv("WINIPC_MAILSLOT_HOSTS", v, 1);
    setenv("WINIPC_MAILSLOT_DNS", "0", 1);
    unsetenv("WINIPC_MAILSLOT_NET");
}

static const char *slot_tail(const char *tag)
{
    return test_unique_name("wipc-net\\", "\\", tag);
}

static const char *local_name(const char *tag)
{
    static char buf[8][160];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "\\\\.\\mailslot\\%s", slot_tail(tag));
    return b;
}

static const char *remote_name(const char *server, const char *tag)
{
    static char buf[8][160];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "\\\\%s\\mailslot\\%s", server, slot_tail(tag));
    return b;
}

static HANDLE open_writer(const char *name)
{
    return CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
}

/* Waits up to ms for the slot to hold at least want messages; the count. */
static DWORD wait_count(HANDLE slot, DWORD want, DWORD ms)
{
    DWORD count = 0;
    for (DWORD t = 0;; t += 5) {
        GetMailslotInfo(slot, NULL, NULL, &count, NULL);
        if (count >= want || t >= ms)
            return count;
        Sleep(5);
    }
}

/* ---- The codec ---------------------------------------------------------- */

static struct wipc_nbms_msg sample(const char *slot, const void *data,
                                   size_t len)
{
    struct wipc_nbms_msg m;
    memset(&m, 0, sizeof m);
    m.msg_type = WIPC_NB_DIRECT_GROUP;
    m.flags = 0x02;
    m.dgm_id = 0x1234;
    m.source_ip = 0x0A000001;
    m.source_port = 138;
    strcpy(m.source.name, "HOSTA");
    strcpy(m.dest.name, "WORKGROUP");
    m.mailslot_class = 2;
    snprintf(m.slot, sizeof m.slot, "%s", slot);
    m.data = data;
    m.data_len = len;
    return m;
}

static size_t encode(const struct wipc_nbms_msg *m, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    CHECK_EQ(wipc_nbms_encode(m, buf, cap, &n), 0);
    return n;
}

static void test_name_encoding(void)
{
    /* RFC 1001 14.1's example: "FRED" padded with spaces. */
    struct wipc_nb_name fred = {"FRED", ' '}, back;
    uint8_t out[34];
    size_t used = 0;
    char norm[16];

    wipc_nb_name_encode(&fred, out);
    CHECK_EQ(out[0], 32);
    CHECK_MEM(out + 1, "EGFCEFEECACACACACACACACACACACACA", 32);
    CHECK_EQ(out[33], 0);
    CHECK_EQ(wipc_nb_name_decode(out, sizeof out, &back, &used), 0);
    CHECK_STR(back.name, "FRED");
    CHECK_EQ(back.suffix, ' ');
    CHECK_EQ(used, 34);
    /* The suffix is the 16th byte: <1D>, as "DOMAIN<1D>". */
    fred.suffix = 0x1D;
    wipc_nb_name_encode(&fred, out);
    CHECK_MEM(out + 31, "BN", 2);
    /* A scope (a second label) or a letter past 'P' is refused. */
    out[33] = 3;
    CHECK_EQ(wipc_nb_name_decode(out, sizeof out, &back, &used),
             ERROR_INVALID_DATA);
    out[33] = 0;
    out[5] = 'Q';
    CHECK_EQ(wipc_nb_name_decode(out, sizeof out, &back, &used),
             ERROR_INVALID_DATA);
    CHECK_EQ(wipc_nb_name_decode(out, 33, &back, &used), ERROR_INVALID_DATA);
    /* Text names: folded to capitals, 15 characters at most. */
    CHECK_EQ(wipc_nb_name_normalize("host-1", 6, norm), 0);
    CHECK_STR(norm, "HOST-1");
    CHECK_EQ(wipc_nb_name_normalize("123456789012345", 15, norm), 0);
    CHECK_EQ(wipc_nb_name_normalize("1234567890123456", 16, norm),
             ERROR_INVALID_NAME);
    CHECK_EQ(wipc_nb_name_normalize("a.b", 3, norm), ERROR_INVALID_NAME);
    CHECK_EQ(wipc_nb_name_normalize("a b", 3, norm), ERROR_INVALID_NAME);
    CHECK_EQ(wipc_nb_name_normalize("", 0, norm), ERROR_INVALID_NAME);
}

static void put16le(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* The datagram assembled field by field from RFC 1002 4.4.1, [MS-CIFS]
 * 2.2.4.33.1 and [MS-MAIL] 2.2.1, independently of the encoder. */
static void test_golden_datagram(void)
{
    static const char slot[] = "\\MAILSLOT\\TEST";
    struct wipc_nbms_msg m = sample(slot, "hi!", 3);
    uint8_t want[256], got[256], *smb = want + 82;
    size_t slen = strlen(slot), smb_len = 69 + slen + 1 + 3, n;
    struct wipc_nb_name src = {"HOSTA", 0}, dst = {"WORKGROUP", 0};

    memset(want, 0, sizeof want);
    want[0] = 0x11; /* DIRECT_GROUP */
    want[1] = 0x02; /* first fragment, B node */
    want[2] = 0x12, want[3] = 0x34;
    want[4] = 10, want[5] = 0, want[6] = 0, want[7] = 1;
    want[8] = 0, want[9] = 138;
    want[10] = (uint8_t)((68 + smb_len) >> 8);
    want[11] = (uint8_t)(68 + smb_len);
    wipc_nb_name_encode(&src, want + 14);
    wipc_nb_name_encode(&dst, want + 48);
    memcpy(smb, "\xFFSMB\x25", 5);
    smb[32] = 17;                    /* WordCount */
    put16le(smb + 35, 3);            /* TotalDataCount */
    put16le(smb + 55, 3);            /* DataCount */
    put16le(smb + 57, 70 + slen);    /* DataOffset: right after the name */
    smb[59] = 3;                     /* SetupCount */
    put16le(smb + 61, 1);            /* opcode: mailslot write */
    put16le(smb + 63, 0);            /* priority */
    put16le(smb + 65, 2);            /* class 2 */
    put16le(smb + 67, slen + 1 + 3); /* ByteCount */
    memcpy(smb + 69, slot, slen + 1);
    memcpy(smb + 70 + slen, "hi!", 3);
    n = encode(&m, got, sizeof got);
    CHECK_EQ(n, 82 + smb_len);
    CHECK_MEM(got, want, 82 + smb_len);
    /* A lower-case prefix is sent in capitals. */
    snprintf(m.slot, sizeof m.slot, "\\mailslot\\TEST");
    n = encode(&m, got, sizeof got);
    CHECK_MEM(got, want, 82 + smb_len);
    /* Without the prefix, or with too small a buffer: refused. */
    snprintf(m.slot, sizeof m.slot, "\\PIPE\\TEST");
    CHECK_EQ(wipc_nbms_encode(&m, got, sizeof got, &n),
             ERROR_INVALID_PARAMETER);
    snprintf(m.slot, sizeof m.slot, "%s", slot);
    CHECK_EQ(wipc_nbms_encode(&m, got, 100, &n), ERROR_INSUFFICIENT_BUFFER);
}

static void test_round_trips(void)
{
    static uint8_t data[WIPC_NBMS_MAX_REMOTE_MSG];
    static const char *slots[] = {"\\MAILSLOT\\A", "\\MAILSLOT\\BROWSE",
                                  "\\MAILSLOT\\x\\y\\z",
                                  "\\MAILSLOT\\wipc-net\\123\\long name"};
    uint8_t buf[WIPC_NBMS_DGRAM_MAX];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    for (size_t s = 0; s < 4; s++)
        for (size_t len = 0; len <= sizeof data; len += len < 8 ? 1 : 53) {
            struct wipc_nbms_msg m = sample(slots[s], data, len), d;
            size_t n = encode(&m, buf, sizeof buf);
            m.msg_type = (uint8_t)(WIPC_NB_DIRECT_UNIQUE + len % 3);
            m.dest.suffix = (uint8_t)(len % 2 ? 0x1D : 0x00);
            n = encode(&m, buf, sizeof buf);
            CHECK_EQ(wipc_nbms_decode(buf, n, &d), 0);
            CHECK_EQ(d.msg_type, m.msg_type);
            CHECK_EQ(d.dgm_id, 0x1234);
            CHECK_EQ(d.source_ip, 0x0A000001);
            CHECK_STR(d.source.name, "HOSTA");
            CHECK_STR(d.dest.name, "WORKGROUP");
            CHECK_EQ(d.dest.suffix, m.dest.suffix);
            CHECK_STR(d.slot, slots[s]);
            CHECK_EQ(d.data_len, len);
            CHECK(len == 0 || memcmp(d.data, data, len) == 0);
            CHECK(nbms_fuzz_one(buf, n));
        }
    /* The largest message with the longest name fits the buffer. */
    {
        struct wipc_nbms_msg m = sample("\\MAILSLOT\\", data, sizeof data);
        size_t n;
        memset(m.slot + 10, 'n', WIPC_NBMS_SLOT_MAX - 10);
        m.slot[WIPC_NBMS_SLOT_MAX] = '\0';
        n = encode(&m, buf, sizeof buf);
        CHECK(n <= WIPC_NBMS_DGRAM_MAX);
        CHECK(nbms_fuzz_one(buf, n));
    }
}

/* Decoding a copy of buf with byte off set to v must fail. */
#define CHECK_BAD_AT(buf, n, off, v)                                           \
    do {                                                                       \
        uint8_t c_[WIPC_NBMS_DGRAM_MAX];                                       \
        struct wipc_nbms_msg d_;                                               \
        memcpy(c_, buf, n);                                                    \
        c_[off] = (uint8_t)(v);                                                \
        CHECK_EQ(wipc_nbms_decode(c_, n, &d_), ERROR_INVALID_DATA);            \
    } while (0)

static void test_malformed(void)
{
    struct wipc_nbms_msg m = sample("\\MAILSLOT\\TEST", "payload", 7), d;
    uint8_t buf[WIPC_NBMS_DGRAM_MAX];
    size_t n = encode(&m, buf, sizeof buf), smb = 82;

    CHECK_EQ(wipc_nbms_decode(buf, n, &d), 0);
    /* Every truncation: the datagram length no longer holds. */
    for (size_t cut = 0; cut < n; cut++)
        CHECK_EQ(wipc_nbms_decode(buf, cut, &d), ERROR_INVALID_DATA);
    CHECK_BAD_AT(buf, n, 0, 0x13); /* error datagram */
    CHECK_BAD_AT(buf, n, 0, 0x0F);
    CHECK_BAD_AT(buf, n, 1, 0x03);        /* more fragments follow */
    CHECK_BAD_AT(buf, n, 1, 0x00);        /* not the first fragment */
    CHECK_BAD_AT(buf, n, 13, 1);          /* packet offset */
    CHECK_BAD_AT(buf, n, 10, 0xFF);       /* DGM_LENGTH past the end */
    CHECK_BAD_AT(buf, n, 11, 10);         /* DGM_LENGTH too short */
    CHECK_BAD_AT(buf, n, 14, 0x21);       /* name label length */
    CHECK_BAD_AT(buf, n, 20, 'Z');        /* name letter */
    CHECK_BAD_AT(buf, n, 81, 4);          /* a scope */
    CHECK_BAD_AT(buf, n, smb + 1, 'X');   /* not "\xFFSMB" */
    CHECK_BAD_AT(buf, n, smb + 4, 0x32);  /* SMB_COM_TRANSACTION2 */
    CHECK_BAD_AT(buf, n, smb + 11, 0x80); /* Unicode strings */
    CHECK_BAD_AT(buf, n, smb + 32, 16);   /* WordCount */
    CHECK_BAD_AT(buf, n, smb + 32, 0xFF);
    CHECK_BAD_AT(buf, n, smb + 59, 2);    /* SetupCount */
    CHECK_BAD_AT(buf, n, smb + 61, 2);    /* opcode */
    CHECK_BAD_AT(buf, n, smb + 33, 1);    /* TotalParameterCount */
    CHECK_BAD_AT(buf, n, smb + 51, 1);    /* ParameterCount */
    CHECK_BAD_AT(buf, n, smb + 35, 9);    /* TotalDataCount != DataCount */
    CHECK_BAD_AT(buf, n, smb + 55, 0xFF); /* DataCount past ByteCount */
    CHECK_BAD_AT(buf, n, smb + 57, 70);   /* DataOffset inside the name */
    CHECK_BAD_AT(buf, n, smb + 58, 0x10); /* DataOffset past the end */
    CHECK_BAD_AT(buf, n, smb + 67, 0xFF); /* ByteCount past the end */
    CHECK_BAD_AT(buf, n, smb + 67, 5);    /* name without its NUL */
    CHECK_BAD_AT(buf, n, smb + 70, 'P');  /* "\PAILSLOT\" */
    /* "\MAILSLOT\" alone names no mailslot. */
    m = sample("\\MAILSLOT\\", "x", 1);
    n = encode(&m, buf, sizeof buf);
    CHECK_EQ(wipc_nbms_decode(buf, n, &d), ERROR_INVALID_DATA);
    /* Zero-length and all-zero inputs. */
    memset(buf, 0, sizeof buf);
    CHECK_EQ(wipc_nbms_decode(buf, 0, &d), ERROR_INVALID_DATA);
    CHECK_EQ(wipc_nbms_decode(buf, sizeof buf, &d), ERROR_INVALID_DATA);
}

/* Mutations of valid datagrams from a fixed seed: none may crash (the
 * ASan build checks the reads) or break nbms_fuzz_one's property. */
static void test_mutations(void)
{
    static uint8_t data[300];
    uint8_t base[WIPC_NBMS_DGRAM_MAX], buf[WIPC_NBMS_DGRAM_MAX];
    uint32_t x = 12345;
    size_t accepted = 0;

    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    for (int round = 0; round < 60000; round++) {
        struct wipc_nbms_msg m =
            sample(round % 2 ? "\\MAILSLOT\\A" : "\\MAILSLOT\\NET\\LOGON", data,
                   (size_t)(round % 301));
        size_t n = encode(&m, base, sizeof base), len = n;
        int edits;
        memcpy(buf, base, n);
        x = x * 1103515245u + 12345u;
        edits = 1 + (int)(x >> 28) % 4;
        for (int e = 0; e < edits; e++) {
            x = x * 1103515245u + 12345u;
            buf[(x >> 8) % n] = (uint8_t)(x >> 24);
        }
        x = x * 1103515245u + 12345u;
        if ((x >> 29) == 0)
            len = (x >> 8) % (n + 1); /* and sometimes cut */
        accepted += (size_t)nbms_fuzz_one(buf, len);
    }
    CHECK_EQ(fuzz_failures, 0);
    CHECK(accepted > 0);
}

/* The seed corpus (tests/fuzz/corpus) replays cleanly. */
static void test_corpus(void)
{
    DIR *d = opendir(WIPC_FUZZ_CORPUS);
    struct dirent *e;
    int files = 0;

    CHECK(d != NULL);
    while (d && (e = readdir(d))) {
        char path[4096];
        uint8_t buf[4096];
        size_t n;
        FILE *f;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", WIPC_FUZZ_CORPUS, e->d_name);
        f = fopen(path, "rb");
        if (!f)
            continue;
        n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        nbms_fuzz_one(buf, n);
        files++;
    }
    if (d)
        closedir(d);
    CHECK(files >= 8);
    CHECK_EQ(fuzz_failures, 0);
}

/* ---- Writers ------------------------------------------------------------ */

static void test_writer_needs_no_receiver(void)
{
    DWORD n;
    HANDLE w = open_writer(remote_name("*", "nobody"));
    char buf[4];

    CHECK(w != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0);
    CHECK_OK(WriteFile(w, "x", 1, &n, NULL));
    CHECK_EQ(n, 1);
    CHECK_OK(WriteFile(w, "", 0, &n, NULL));
    CHECK_FAILS(ReadFile(w, buf, sizeof buf, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_FAILS(GetMailslotInfo(w, NULL, NULL, NULL, NULL),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(GetFileType(w), FILE_TYPE_PIPE);
    CloseHandle(w);
    /* The domain, another domain or host, this computer, in any case. */
    w = open_writer(remote_name("wipctestdom", "nobody"));
    CHECK(w != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(w, "x", 1, &n, NULL));
    CloseHandle(w);
    w = open_writer(remote_name("OTHERPC", "nobody"));
    CHECK(w != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(w, "x", 1, &n, NULL));
    CloseHandle(w);
    w = open_writer(remote_name(computer, "nobody"));
    CHECK(w != INVALID_HANDLE_VALUE);
    CloseHandle(w);
}

static void test_writer_bad_names(void)
{
    CHECK_FAILS(open_writer("\\\\bad.name\\mailslot\\x") !=
                    INVALID_HANDLE_VALUE,
                ERROR_BAD_NETPATH);
    CHECK_FAILS(open_writer("\\\\ABCDEFGHIJKLMNOP\\mailslot\\x") !=
                    INVALID_HANDLE_VALUE,
                ERROR_BAD_NETPATH);
    CHECK_FAILS(open_writer("\\\\*\\mailslot\\") != INVALID_HANDLE_VALUE,
                ERROR_INVALID_NAME);
    CHECK_FAILS(open_writer("\\\\*\\mailslot\\a\\\\b") != INVALID_HANDLE_VALUE,
                ERROR_INVALID_NAME);
    CHECK_FAILS(open_writer("\\\\*\\mailslot\\..\\b") != INVALID_HANDLE_VALUE,
                ERROR_INVALID_NAME);
    /* Networking off: no path to another machine. */
    setenv("WINIPC_MAILSLOT_NET", "0", 1);
    CHECK_FAILS(open_writer(remote_name("*", "off")) != INVALID_HANDLE_VALUE,
                ERROR_BAD_NETPATH);
    unsetenv("WINIPC_MAILSLOT_NET");
    /* No address to send to. */
    setenv("WINIPC_MAILSLOT_BCAST", "not-an-address", 1);
    CHECK_FAILS(open_writer(remote_name("*", "off")) != INVALID_HANDLE_VALUE,
                ERROR_BAD_NETPATH);
    setenv("WINIPC_MAILSLOT_BCAST", "127.255.255.255", 1);
}

/* Reads the next message: it must be want. */
static void expect_message(HANDLE s, const char *want)
{
    char buf[512];
    DWORD n = 0;
    CHECK_OK(ReadFile(s, buf, sizeof buf - 1, &n, NULL));
    buf[n] = '\0';
    CHECK_STR(buf, want);
}

static void test_size_limit(void)
{
    static char big[1000];
    HANDLE s = CreateMailslotA(local_name("size"), 0, 0, NULL);
    HANDLE w = open_writer(remote_name(computer, "size"));
    DWORD n = 77, next = 0;

    memset(big, 'z', sizeof big);
    CHECK_OK(WriteFile(w, big, 424, &n, NULL));
    CHECK_EQ(n, 424);
    /* 424 bytes at most between computers. */
    n = 77;
    CHECK_FAILS(WriteFile(w, big, 425, &n, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(n, 0);
    CHECK_FAILS(WriteFile(w, big, sizeof big, &n, NULL),
                ERROR_INVALID_PARAMETER);
    /* The refused writes sent nothing: the next message to arrive is the
     * one written after them (datagrams from one thread to 127.0.0.1
     * arrive in the order sent), not a late one. */
    CHECK_OK(WriteFile(w, "end", 3, &n, NULL));
    CHECK_EQ(wait_count(s, 2, 3000), 2);
    CHECK_OK(GetMailslotInfo(s, NULL, &next, NULL, NULL));
    CHECK_EQ(next, 424);
    CHECK_OK(ReadFile(s, big, sizeof big, &n, NULL));
    CHECK_EQ(n, 424);
    CHECK_EQ(big[0], 'z');
    CHECK_EQ(big[423], 'z');
    expect_message(s, "end");
    CHECK_EQ(wait_count(s, 1, 0), 0);
    CloseHandle(w);
    CloseHandle(s);
}

/* ---- Receiving ---------------------------------------------------------- */

static void test_broadcast_and_unicast(void)
{
    HANDLE s = CreateMailslotA(local_name("bu"), 0, 2000, NULL);
    HANDLE all = open_writer(remote_name("*", "bu"));
    HANDLE dom = open_writer(remote_name("WIPCTESTDOM", "bu"));
    HANDLE me = open_writer(remote_name(computer, "bu"));
    HANDLE other = open_writer(remote_name("OTHERPC", "bu"));
    DWORD n;

    CHECK_OK(WriteFile(all, "to all", 6, &n, NULL));
    CHECK_EQ(wait_count(s, 1, 3000), 1);
    CHECK_OK(WriteFile(dom, "to the domain", 13, &n, NULL));
    CHECK_EQ(wait_count(s, 2, 3000), 2);
    CHECK_OK(WriteFile(me, "to me", 5, &n, NULL));
    CHECK_EQ(wait_count(s, 3, 3000), 3);
    /* Another computer's name: broadcast, but not for this one.  The
     * message sent after it is the next to arrive (datagrams from one
     * thread to 127.0.0.1 arrive in the order sent): it was dropped, not
     * late. */
    CHECK_OK(WriteFile(other, "to another", 10, &n, NULL));
    CHECK_OK(WriteFile(me, "to me again", 11, &n, NULL));
    CHECK_EQ(wait_count(s, 4, 3000), 4);
    expect_message(s, "to all");
    expect_message(s, "to the domain");
    expect_message(s, "to me");
    expect_message(s, "to me again");
    CHECK_EQ(wait_count(s, 1, 0), 0);
    CloseHandle(all);
    CloseHandle(dom);
    CloseHandle(me);
    CloseHandle(other);
    CloseHandle(s);
}

static void test_interleaving(void)
{
    HANDLE s = CreateMailslotA(local_name("il"), 0, 2000, NULL);
    HANDLE local = open_writer(local_name("il"));
    HANDLE remote = open_writer(remote_name(computer, "il"));
    const char *order[] = {"L1", "R1", "L2", "R2", "L3", "R3", "L4"};
    DWORD n;

    for (DWORD i = 0; i < 7; i++) {
        CHECK_OK(WriteFile(i % 2 ? remote : local, order[i], 2, &n, NULL));
        CHECK_EQ(wait_count(s, i + 1, 3000), i + 1);
    }
    for (int i = 0; i < 7; i++)
        expect_message(s, order[i]);
    CloseHandle(local);
    CloseHandle(remote);
    CloseHandle(s);
}

/* "recv_count PARENTPID SLOT-TAG": owns the slot, prints "ready", counts
 * what arrives until 1.5 s pass without a message and prints "n=COUNT". */
static int helper_recv_count(int argc, char **argv)
{
    char name[160], buf[64];
    HANDLE s;
    DWORD n, count = 0;

    if (argc < 2)
        return 90;
    net_config(atol(argv[0]));
    snprintf(name, sizeof name, "\\\\.\\mailslot\\%s", argv[1]);
    s = CreateMailslotA(name, 0, 1500, NULL);
    if (s == INVALID_HANDLE_VALUE)
        return 91;
    printf("ready\n");
    fflush(stdout);
    while (ReadFile(s, buf, sizeof buf, &n, NULL))
        count++;
    printf("n=%lu\n", (unsigned long)count);
    return 0;
}

/* Another process of this host owns the name: a broadcast reaches it once
 * (this process, which hears the port too, leaves it alone), and so does
 * a unicast, which the kernel gives to one socket of the port only: to
 * this process's, bound last, which hands it over. */
static void test_other_process(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE r, wr, mine, all, me;
    char cmd[8192], out[64];
    DWORD n = 0, got = 0, code = 99;

    CHECK_OK(CreatePipe(&r, &wr, &sa, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper recv_count %d \"%s\"", self_exe,
             (int)getpid(), slot_tail("op"));
    CHECK_OK(
        CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
    CloseHandle(wr);
    CHECK_OK(ReadFile(r, out, 6, &n, NULL));
    /* This process starts listening now, after the child. */
    mine = CreateMailslotA(local_name("mine"), 0, 0, NULL);
    all = open_writer(remote_name("*", "op"));
    me = open_writer(remote_name(computer, "op"));
    CHECK_OK(WriteFile(all, "b", 1, &n, NULL));
    CHECK_OK(WriteFile(me, "u", 1, &n, NULL));
    while (got < sizeof out - 1 &&
           ReadFile(r, out + got, sizeof out - 1 - got, &n, NULL) && n)
        got += n;
    out[got] = '\0';
    CHECK_STR(out, "n=2\n");
    WaitForSingleObject(pi.hProcess, 30000);
    GetExitCodeProcess(pi.hProcess, &code);
    CHECK_EQ(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(all);
    CloseHandle(me);
    CloseHandle(mine);
    CloseHandle(r);
}

/* Sends raw bytes to this test's port on 127.0.0.1, a few at a time so
 * that the listener's socket buffer never overflows (UDP would drop). */
static void send_raw(const void *buf, size_t len)
{
    static unsigned sent;
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (++sent % 16 == 0)
        Sleep(2);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof sa);
    close(fd);
}

static void test_dropped_datagrams(void)
{
    HANDLE s = CreateMailslotA(local_name("drop"), 8, 2000, NULL);
    char slot[160];
    uint8_t buf[WIPC_NBMS_DGRAM_MAX], junk[600];
    struct wipc_nbms_msg m;
    uint32_t x = 99;
    size_t n;

    snprintf(slot, sizeof slot, "\\MAILSLOT\\%s", slot_tail("drop"));
    /* Junk of every length, and cut datagrams. */
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (uint8_t)(x >> 24);
    }
    for (size_t len = 0; len < sizeof junk; len += 7)
        send_raw(junk, len);
    m = sample(slot, "cut", 3);
    strcpy(m.dest.name, computer);
    n = encode(&m, buf, sizeof buf);
    for (size_t len = 0; len < n; len++)
        send_raw(buf, len);
    /* Whole, but for another computer, another domain, or this computer
     * as a domain controller (<1C>, not a name a workstation has); larger
     * than the slot's maximum; for a name nobody has. */
    strcpy(m.dest.name, "OTHERPC");
    send_raw(buf, encode(&m, buf, sizeof buf));
    strcpy(m.dest.name, "OTHERDOM");
    send_raw(buf, encode(&m, buf, sizeof buf));
    strcpy(m.dest.name, computer);
    m.dest.suffix = 0x1C;
    send_raw(buf, encode(&m, buf, sizeof buf));
    m.dest.suffix = 0;
    m.data = (const uint8_t *)"much too long";
    m.data_len = 13;
    send_raw(buf, encode(&m, buf, sizeof buf));
    m.data = (const uint8_t *)"cut";
    m.data_len = 3;
    snprintf(m.slot, sizeof m.slot, "\\MAILSLOT\\%s", slot_tail("nobody"));
    send_raw(buf, encode(&m, buf, sizeof buf));
    /* Then this computer as a server <20> and the domain's master browser
     * name <1D>: both taken. */
    snprintf(m.slot, sizeof m.slot, "%s", slot);
    m.dest.suffix = 0x20;
    m.data = (const uint8_t *)"srv";
    m.data_len = 3;
    send_raw(buf, encode(&m, buf, sizeof buf));
    strcpy(m.dest.name, "WIPCTESTDOM");
    m.dest.suffix = 0x1D;
    m.data = (const uint8_t *)"last";
    m.data_len = 4;
    send_raw(buf, encode(&m, buf, sizeof buf));
    /* And one more to this computer: what arrives is these three, in this
     * order (datagrams from one thread to 127.0.0.1 arrive in the order
     * sent), so every datagram before them was dropped, not late. */
    strcpy(m.dest.name, computer);
    m.dest.suffix = 0;
    m.data = (const uint8_t *)"end";
    m.data_len = 3;
    send_raw(buf, encode(&m, buf, sizeof buf));
    CHECK_EQ(wait_count(s, 3, 3000), 3);
    expect_message(s, "srv");
    expect_message(s, "last");
    expect_message(s, "end");
    CHECK_EQ(wait_count(s, 1, 0), 0);
    CloseHandle(s);
}

/* Network traffic cannot make a receiver's list grow without bound. */
static void test_backlog_bounded(void)
{
    HANDLE s = CreateMailslotA(local_name("flood"), 0, 0, NULL);
    char slot[160];
    uint8_t buf[WIPC_NBMS_DGRAM_MAX];
    struct wipc_nbms_msg m;
    DWORD count = 0, before = 0;
    size_t n;

    snprintf(slot, sizeof slot, "\\MAILSLOT\\%s", slot_tail("flood"));
    m = sample(slot, "flood", 5);
    strcpy(m.dest.name, computer);
    n = encode(&m, buf, sizeof buf);
    for (int round = 0; round < 60; round++) {
        for (int i = 0; i < 50; i++) {
            buf[2] = (uint8_t)round, buf[3] = (uint8_t)i; /* new ids */
            send_raw(buf, n);
        }
        Sleep(2);
        GetMailslotInfo(s, NULL, NULL, &count, NULL); /* into the list */
    }
    /* Until a look 50 ms after the last finds nothing new (at most 10 s:
     * every datagram was sent already, so the count must settle). */
    for (int looks = 0;; looks++) {
        before = count;
        Sleep(50);
        GetMailslotInfo(s, NULL, NULL, &count, NULL);
        if (count == before)
            break;
        if (looks == 200) {
            TEST_FAIL_AT("the count still grows after 10 s: %lu",
                         (unsigned long)count);
            break;
        }
    }
    CHECK(count >= 1024);
    /* The network adds to the list while it holds fewer than 1024; what
     * waited in the socket when GetMailslotInfo drained it comes on top
     * (here at most a few rounds of 50). */
    CHECK(count <= 1024 + 200);
    CloseHandle(s);
}

/* ---- Helpers for tests/net/mailslot_netns.sh ---------------------------- */

/* "ns_recv SLOT MS": prints "ready", then "msg:TEXT" for each message
 * until MS milliseconds pass without one. */
static int helper_ns_recv(int argc, char **argv)
{
    char name[200], buf[1024];
    HANDLE s;
    DWORD n;

    if (argc < 2)
        return 90;
    snprintf(name, sizeof name, "\\\\.\\mailslot\\%s", argv[0]);
    s = CreateMailslotA(name, 0, (DWORD)atol(argv[1]), NULL);
    if (s == INVALID_HANDLE_VALUE) {
        printf("error %lu\n", (unsigned long)GetLastError());
        return 91;
    }
    printf("ready\n");
    fflush(stdout);
    while (ReadFile(s, buf, sizeof buf - 1, &n, NULL)) {
        buf[n] = '\0';
        printf("msg:%s\n", buf);
        fflush(stdout);
    }
    return 0;
}

/* "ns_send NAME MSG...": writes each message ("@N": N bytes of 'x');
 * prints "ok" or "error CODE" for the open and each write. */
static int helper_ns_send(int argc, char **argv)
{
    static char big[2048];
    HANDLE w;
    int bad = 0;

    if (argc < 1)
        return 90;
    memset(big, 'x', sizeof big);
    w = open_writer(argv[0]);
    if (w == INVALID_HANDLE_VALUE) {
        printf("open error %lu\n", (unsigned long)GetLastError());
        return 91;
    }
    for (int i = 1; i < argc; i++) {
        const char *msg = argv[i];
        DWORD len = (DWORD)strlen(msg), n;
        if (msg[0] == '@') {
            len = (DWORD)atol(msg + 1);
            msg = big;
        }
        if (WriteFile(w, msg, len, &n, NULL)) {
            printf("ok\n");
        } else {
            printf("error %lu\n", (unsigned long)GetLastError());
            bad = 1;
        }
    }
    CloseHandle(w);
    return bad;
}

/* Waits up to 10 s for the file to exist. */
static int wait_file(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    for (int i = 0; i < 1000; i++) {
        if (stat(path, &st) == 0)
            return 1;
        Sleep(10);
    }
    return 0;
}

static void touch_file(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f)
        fclose(f);
}

/* "ns_interleave SLOT DIR": writes L1 locally, touches DIR/l1, waits for
 * DIR/r1 and the remote message, and so on to L3; then prints every
 * message in the order read. */
static int helper_ns_interleave(int argc, char **argv)
{
    char name[200], buf[64], step[8];
    HANDLE s, w;
    DWORD n;

    if (argc < 2)
        return 90;
    snprintf(name, sizeof name, "\\\\.\\mailslot\\%s", argv[0]);
    s = CreateMailslotA(name, 0, 0, NULL);
    w = open_writer(name);
    if (s == INVALID_HANDLE_VALUE || w == INVALID_HANDLE_VALUE)
        return 91;
    for (int i = 1; i <= 3; i++) {
        snprintf(step, sizeof step, "L%d", i);
        WriteFile(w, step, 2, &n, NULL);
        snprintf(step, sizeof step, "l%d", i);
        touch_file(argv[1], step);
        if (i == 3)
            break;
        snprintf(step, sizeof step, "r%d", i);
        if (!wait_file(argv[1], step) ||
            wait_count(s, 2 * (DWORD)i, 10000) != 2 * (DWORD)i)
            return 92;
    }
    while (ReadFile(s, buf, sizeof buf - 1, &n, NULL)) {
        buf[n] = '\0';
        printf("%s\n", buf);
    }
    return 0;
}

/* "ns_raw IP PORT COMPUTER SLOT": junk, cut datagrams and datagrams for
 * other names, then one good one ("raw-ok"). */
static int helper_ns_raw(int argc, char **argv)
{
    struct sockaddr_in sa;
    uint8_t buf[WIPC_NBMS_DGRAM_MAX], junk[700];
    struct wipc_nbms_msg m;
    uint32_t x = 7;
    size_t n;
    int fd;

    if (argc < 4)
        return 90;
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[1]));
    inet_pton(AF_INET, argv[0], &sa.sin_addr);
#define RAW(b, l) sendto(fd, b, l, 0, (struct sockaddr *)&sa, sizeof sa)
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (uint8_t)(x >> 24);
    }
    for (size_t len = 0; len < sizeof junk; len += 13)
        RAW(junk, len);
    m = sample("\\MAILSLOT\\", "raw-bad", 7);
    snprintf(m.slot, sizeof m.slot, "\\MAILSLOT\\%s", argv[3]);
    snprintf(m.dest.name, sizeof m.dest.name, "%s", argv[2]);
    wipc_nbms_encode(&m, buf, sizeof buf, &n);
    for (size_t len = 0; len < n; len++)
        RAW(buf, len);
    strcpy(m.dest.name, "NOT-THIS-ONE");
    wipc_nbms_encode(&m, buf, sizeof buf, &n);
    RAW(buf, n);
    snprintf(m.dest.name, sizeof m.dest.name, "%s", argv[2]);
    m.data = (const uint8_t *)"raw-ok";
    m.data_len = 6;
    wipc_nbms_encode(&m, buf, sizeof buf, &n);
    RAW(buf, n);
#undef RAW
    close(fd);
    return 0;
}

/* "write_corpus DIR": the seed corpus of the fuzz target. */
static int helper_write_corpus(int argc, char **argv)
{
    static const char *slots[] = {"\\MAILSLOT\\BROWSE", "\\mailslot\\a",
                                  "\\MAILSLOT\\NET\\NETLOGON",
                                  "\\MAILSLOT\\wipc\\x y"};
    static uint8_t data[424];
    uint8_t buf[WIPC_NBMS_DGRAM_MAX];
    int k = 0;

    if (argc < 1)
        return 90;
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 13);
    for (int s = 0; s < 4; s++)
        for (int t = 0; t < 3; t++) {
            static const size_t lens[] = {0, 17, 424};
            struct wipc_nbms_msg m = sample(slots[s], data, lens[t]);
            char path[4096];
            size_t n;
            FILE *f;
            m.msg_type = (uint8_t)(WIPC_NB_DIRECT_UNIQUE + t);
            m.dest.suffix = (uint8_t)(s == 0 ? 0x1D : 0);
            if (wipc_nbms_encode(&m, buf, sizeof buf, &n))
                return 91;
            snprintf(path, sizeof path, "%s/seed-%02d", argv[0], k++);
            f = fopen(path, "wb");
            if (!f)
                return 92;
            fwrite(buf, 1, n, f);
            fclose(f);
        }
    return 0;
}

int main(int argc, char **argv)
{
    ssize_t len = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[len > 0 ? len : 0] = '\0';
    TEST_HELPERS(argc, argv, {"recv_count", helper_recv_count},
                 {"ns_recv", helper_ns_recv}, {"ns_send", helper_ns_send},
                 {"ns_interleave", helper_ns_interleave},
                 {"ns_raw", helper_ns_raw},
                 {"write_corpus", helper_write_corpus});
    RUN(test_name_encoding);
    RUN(test_golden_datagram);
    RUN(test_round_trips);
    RUN(test_malformed);
    RUN(test_mutations);
    RUN(test_corpus);
    net_config(getpid());
    RUN(test_writer_needs_no_receiver);
    RUN(test_writer_bad_names);
    RUN(test_size_limit);
    RUN(test_broadcast_and_unicast);
    RUN(test_interleaving);
    RUN(test_other_process);
    RUN(test_dropped_datagrams);
    RUN(test_backlog_bounded);
    return TEST_SUMMARY();
}
