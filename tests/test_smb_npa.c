/*
 * test_smb_npa.c: the decoder of Samba's named pipe auth handshake and
 * its reply (src/core/smb_npa.c), on requests recorded from Debian 12's
 * smbd 4.17.12 (level 7) and on requests built from Samba's IDL for the
 * levels and layouts no smbd here sends (5 as 4.16 and 4.17.0 send it, 7
 * as 4.19 does, 8 as 4.20 and later do), all in tests/remote/vectors
 * (tests/remote/npa_vectors.py made the built ones and checked that its
 * encoder gives back the recorded bytes exactly).
 */
#include "testlib.h"

#include "core/smb_npa.h"

static size_t load(const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", WIPC_NPA_VECTORS, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        TEST_FAIL_AT("cannot open %s", path);
        return 0;
    }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

struct expect {
    const char *file;
    uint32_t level, layout;
    unsigned hints;
};

/* What every layout of root's session says (logged in with a password,
 * over SMB from "vm" at 127.0.0.1:46874 to port 445). */
static void check_root(const struct wipc_npa_req *r)
{
    CHECK_EQ(r->transport, 1);
    CHECK_STR(r->remote_client_name, "vm");
    CHECK_STR(r->remote_client_addr, "127.0.0.1");
    CHECK_EQ(r->remote_client_port, 46874);
    CHECK_STR(r->local_server_name, "vm");
    CHECK_STR(r->local_server_addr, "127.0.0.1");
    CHECK_EQ(r->local_server_port, 445);
    CHECK_EQ(r->has_session, 1);
    CHECK_EQ(r->anonymous, 0);
    CHECK_EQ(r->authenticated, 1);
    CHECK_EQ(r->has_unix_token, 1);
    CHECK_EQ(r->uid, 0);
    CHECK_EQ(r->gid, 0);
    CHECK_EQ(r->ngroups, 1);
    CHECK_EQ(r->num_sids, 9);
    CHECK_STR(r->user_sid, "S-1-5-21-2696573817-1031938922-3475363363-1000");
    CHECK_STR(r->account_name, "root");
    CHECK_STR(r->domain_name, "WIPCHOST");
    CHECK_STR(r->unix_name, "root");
}

/* An anonymous session: smbd maps it to the guest account, nobody. */
static void check_anonymous(const struct wipc_npa_req *r)
{
    CHECK_EQ(r->has_session, 1);
    CHECK_EQ(r->anonymous, 1);
    CHECK_EQ(r->authenticated, 0);
    CHECK_EQ(r->uid, 65534);
    CHECK_EQ(r->gid, 65534);
    CHECK_EQ(r->num_sids, 6);
    CHECK_STR(r->user_sid, "S-1-5-7");
    CHECK_STR(r->account_name, "ANONYMOUS LOGON");
    CHECK_STR(r->domain_name, "NT AUTHORITY");
    CHECK_STR(r->unix_name, "nobody");
    CHECK_STR(r->remote_client_addr, "127.0.0.1");
}

#define T WIPC_NPA_F_TICKET
#define U WIPC_NPA_F_USERFLAGS
#define C WIPC_NPA_F_CLAIMS
#define I WIPC_NPA_F_IDLE
#define H WIPC_NPA_HINT_SAMBA_4_19

static void check_all(const char *who, void (*check)(const struct wipc_npa_req *))
{
    static const struct expect cases[] = {
        {"4.17.12-rec.bin", 7, T, 0},
        {"5-4.16-idl.bin", 5, I, 0},
        {"5-4.17.0-idl.bin", 5, I | T, 0},
        {"7-4.19-idl.bin", 7, T | U, H},
        {"8-4.20-idl.bin", 8, T | U | C, 0},
        {"8-4.20-idl.bin", 8, T | U | C, H},
    };
    uint8_t buf[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s-%s", who, cases[i].file);
        size_t n = load(name, buf, sizeof buf);
        struct wipc_npa_req r;
        test_current = name;
        CHECK_EQ(wipc_npa_decode_req(buf, n, cases[i].hints, &r), 0);
        CHECK_EQ(r.level, cases[i].level);
        CHECK_EQ(r.layout, cases[i].layout);
        CHECK_EQ(r.need_idle_server, 0);
        check(&r);
    }
}

static void test_root_every_level(void)
{
    check_all("root", check_root);
}

static void test_anonymous_every_level(void)
{
    check_all("anonymous", check_anonymous);
}

/* 4.19's level 7 read without the hint: root's user_flags 0 reads as
 * "not authenticated", so the decoder errs on the side of refusing; the
 * guest flag of an anonymous session read as 4.17's byte would say
 * "authenticated", which is why the caller must say which Samba it is,
 * and the anonymous SID still gives it away. */
static void test_level7_needs_the_version(void)
{
    uint8_t buf[4096];
    struct wipc_npa_req r;
    size_t n = load("root-7-4.19-idl.bin", buf, sizeof buf);
    CHECK_EQ(wipc_npa_decode_req(buf, n, 0, &r), 0);
    CHECK_EQ(r.authenticated, 0);
    CHECK_EQ(r.uid, 0);
    n = load("anonymous-7-4.19-idl.bin", buf, sizeof buf);
    CHECK_EQ(wipc_npa_decode_req(buf, n, 0, &r), 0);
    CHECK_EQ(r.anonymous, 1);
    CHECK_EQ(wipc_npa_decode_req(buf, n, H, &r), 0);
    CHECK_EQ(r.authenticated, 0);
    /* 4.17's bytes read as 4.19's: authenticated 1 is the guest flag. */
    n = load("root-4.17.12-rec.bin", buf, sizeof buf);
    CHECK_EQ(wipc_npa_decode_req(buf, n, H, &r), 0);
    CHECK_EQ(r.authenticated, 0);
}

/* Every truncation, with the length word left as it was or made to match
 * the shorter request, and one byte too many: refused, nothing read
 * outside the buffer (the ASan build checks that). */
static void test_truncated_and_extended(void)
{
    static const char *files[] = {"root-4.17.12-rec.bin", "root-5-4.16-idl.bin",
                                  "root-8-4.20-idl.bin"};
    for (size_t f = 0; f < 3; f++) {
        uint8_t buf[4096];
        size_t n = load(files[f], buf, sizeof buf - 1);
        for (size_t cut = 0; cut < n; cut++) {
            uint8_t *copy = malloc(cut ? cut : 1);
            memcpy(copy, buf, cut);
            struct wipc_npa_req r;
            CHECK_NE(wipc_npa_decode_req(copy, cut, H, &r), 0);
            if (cut >= 12) {
                uint32_t l = (uint32_t)cut - 4;
                copy[0] = (uint8_t)(l >> 24), copy[1] = (uint8_t)(l >> 16);
                copy[2] = (uint8_t)(l >> 8), copy[3] = (uint8_t)l;
                CHECK_NE(wipc_npa_decode_req(copy, cut, H, &r), 0);
            }
            free(copy);
        }
        uint32_t l = (uint32_t)n - 3;
        buf[n] = 0;
        buf[0] = (uint8_t)(l >> 24), buf[1] = (uint8_t)(l >> 16);
        buf[2] = (uint8_t)(l >> 8), buf[3] = (uint8_t)l;
        struct wipc_npa_req r;
        CHECK_EQ(wipc_npa_decode_req(buf, n + 1, H, &r), ERROR_INVALID_DATA);
    }
}

static void test_bad_magic_level_claims(void)
{
    uint8_t buf[4096];
    struct wipc_npa_req r;
    size_t n = load("root-4.17.12-rec.bin", buf, sizeof buf);
    buf[4] = 'X';
    CHECK_EQ(wipc_npa_decode_req(buf, n, 0, &r), ERROR_INVALID_DATA);
    buf[4] = 'N';
    buf[8] = 6, buf[12] = 6;
    CHECK_EQ(wipc_npa_decode_req(buf, n, 0, &r), ERROR_NOT_SUPPORTED);
    buf[8] = 7; /* the union's switch differs from the level */
    CHECK_EQ(wipc_npa_decode_req(buf, n, 0, &r), ERROR_INVALID_DATA);
    buf[12] = 7;
    CHECK_EQ(wipc_npa_decode_req(buf, n, 0, &r), 0);
    /* Level 8 with one user claim: its encoding is not understood. */
    n = load("root-8-4.20-idl.bin", buf, sizeof buf);
    uint8_t claims[20] = {0};
    size_t at = 0;
    /* privilege mask (8 zero bytes), rights mask 0, then the 4 counts:
     * find the four zero counts right after the token's 9th SID. */
    for (size_t i = 0; i + 16 < n; i++)
        if (memcmp(buf + i, "\x01\x02\x00\x00\x00\x00\x00\x16\x24\x85", 10) == 0)
            at = i + 16;
    CHECK(at != 0);
    at = (at + 7) & ~(size_t)7; /* privilege mask */
    CHECK_MEM(buf + at + 12, claims, 16);
    buf[at + 16] = 1; /* num_user_claims */
    CHECK_EQ(wipc_npa_decode_req(buf, n, 0, &r), ERROR_NOT_SUPPORTED);
}

static void test_length_word(void)
{
    uint8_t h[4] = {0, 0, 2, 0xf1};
    CHECK_EQ(wipc_npa_req_total(h), 0x2f1 + 4);
    uint8_t small[4] = {0, 0, 0, 7};
    CHECK_EQ(wipc_npa_req_total(small), 0);
    uint8_t big[4] = {0, 0x10, 0, 0};
    CHECK_EQ(wipc_npa_req_total(big), 0);
}

static void test_reply(void)
{
    static const uint8_t want[WIPC_NPA_REP_LEN] = {
        0, 0, 0, 0x20, 'N', 'P', 'A', 'M', 7, 0, 0, 0, 7, 0, 0, 0,
        2, 0, 0xff, 0x05, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0,
        0x22, 0, 0, 0xc0};
    uint8_t out[WIPC_NPA_REP_LEN];
    wipc_npa_encode_rep(out, 7, 2, 0x05ff, 4096, 0xC0000022);
    CHECK_MEM(out, want, sizeof want);
}

int main(int argc, char **argv)
{
    TEST_HELPERS(argc, argv);
    RUN(test_root_every_level);
    RUN(test_anonymous_every_level);
    RUN(test_level7_needs_the_version);
    RUN(test_truncated_and_extended);
    RUN(test_bad_magic_level_claims);
    RUN(test_length_word);
    RUN(test_reply);
    return TEST_SUMMARY();
}
