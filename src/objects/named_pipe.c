/*
 * named_pipe.c: named pipes, with no daemon and no broker.
 *
 * A pipe name is a registry file in the namespace (see core/namespace.h):
 * a header with the pipe's configuration (from its first instance) and one
 * slot per server instance.  Each instance holds a lock on its slot's byte
 * for as long as it lives, so a crashed server frees its instances at once;
 * the slot also says whether the instance is listening, and names the
 * instance's listening socket (an abstract AF_UNIX socket with a random
 * name, which vanishes with its owner).
 *
 * Only the pipe's owner writes its registry (core/namespace.h); clients
 * read it.  A client claims a listening instance by binding its socket to
 * a name made of the instance's socket id and a random secret that the
 * server writes in its slot each time it starts listening (the kernel's
 * test-and-set: one client wins, and a client that dies lets go), connects,
 * and checks that the server's user is the registry's owner: from then on
 * every byte goes straight from one process to the other through that
 * kernel socket.  The server accepts the connection in ConnectNamedPipe,
 * or on first use if the client came first (Windows' ERROR_PIPE_CONNECTED
 * case), and drops at once any connection that is not its claim's, or is
 * of a user a private pipe does not admit (docs/security.md).
 *
 * Byte pipes are plain stream sockets.  Message pipes frame each message on
 * the stream with a 16-byte header (the length, then zeros); the reader
 * keeps a small buffer for frame headers and for short messages read ahead
 * together, and reads long payloads straight into the caller's buffer.
 * Why 16 bytes and not 4: the payload then sits 16-byte aligned in the
 * stream, as in a plain socket, and the kernel copies it to the reader that
 * much faster (64 KiB messages on one CPU: 15% slower than a plain socket
 * with a 4-byte length, 5% with 16 bytes; bench/RESULTS.md).
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../core/handle.h"
#include "../core/io.h"
#include "../core/namespace.h"
#include "npipe_remote.h"
#include "objects.h"
#include "registry_list.h"

#define NP_MAGIC 0x50495057u /* "WPIP" */
#define NP_VERSION 5u
#define NP_HDR_SIZE 4096u
#define NP_RBUF 65536u
#define NP_FRAME 16u /* a message's header on the stream: see the top */
#define NP_SMALL_MSG 1024u /* written with its header as one buffer */
#define NP_DEFAULT_WAIT 50u /* ms, when nDefaultTimeOut is 0 */
#define NP_WAIT_MIN_US 50u    /* WaitNamedPipe's first sleep */
#define NP_WAIT_MAX_US 10000u /* WaitNamedPipe looks again at least so often */
#define NP_AGAIN 0xFFFFFFFFu /* internal: the registry changed, look again */
#define NP_MAX_SLOTS 65536u /* a registry holding more is not read */
#define NP_BACKLOG_WAIT_MS 1000 /* a client waits so long for a full backlog */
#define NP_STALE_LOOK_MS 250 /* ConnectNamedPipe looks for a dead claimer */
/* Connections taken and dropped by one look at the backlog, at most: a
 * flood of them never holds the instance's lock for long. */
#define NP_DRAIN_MAX 256

struct np_header {
    uint32_t magic, version;
    uint32_t open_mode, pipe_type, max_instances, default_timeout;
    uint32_t out_size, in_size, owner_uid, is_public;
    uint32_t nslots;
    char name[WIPC_NS_NAME_MAX + 16];
    uint32_t read_mode; /* the first instance's PIPE_READMODE_*, for listings */
    /* The first instance's PIPE_REJECT_REMOTE_CLIENTS: the bridge offers
     * the pipe to smbd only without it (npipe_remote.h). */
    uint32_t reject_remote;
};

/*
 * WaitNamedPipe's words, in the header's page but outside struct np_header
 * (which np_admit rewrites): listen_seq, which a server instance bumps each
 * time it starts listening (and when it goes), and the futex that waiting
 * clients sleep on; waiters, how many clients of the registry's own user
 * wait, so that the server knows to wake them (np_announce).  A client of
 * another user cannot write the registry: the server of a public pipe wakes
 * at each listen.  A waiter killed while it waits leaves the count up: the
 * servers then wake the futex at each listen, for nobody.  Old registries (and a file whose header is still being
 * made) have zeros there: their waiters look again at least every
 * NP_WAIT_MAX_US, as every waiter does, whatever the words say.
 */
#define NP_LISTEN_SEQ_OFF 2048u
#define NP_WAITERS_OFF 2052u

enum { NP_SLOT_FREE = 0, NP_SLOT_LISTENING = 1, NP_SLOT_BUSY = 2 };
#define NP_SLOT_QUOTA 1u

/*
 * The buffer quota (docs/architecture.md, "Named pipes: buffer quota").
 * A page (a sealed memfd) with one np_qdir per direction (NP_Q_UP: the
 * client writes, NP_Q_DOWN: the server writes) and a room eventfd per
 * direction.  A server made with FILE_FLAG_OVERLAPPED makes one page for
 * both directions as it accepts a client and sends it first thing on the
 * stream, in a preamble of NP_Q_PRE bytes (np_q_give); on any other
 * connection, each direction's writer makes its own page and sends it
 * with its first bytes, which its reader takes with them (np_q_make,
 * np_q_adopt).  Bytes are counted as payload (frame headers left out).
 * The peer may be another user: what it writes is only compared, and every
 * wait on it is bounded (NP_Q_LOOK_MS) and looks whether it is still there.
 */
#define NP_Q_MAGIC 0x32515057u /* "WPQ2": the layout with the writer's count */
#define NP_Q_PAGE 4096u
#define NP_Q_PRE 16u
#define NP_Q_WAIT_MS 1000 /* the server waits so long for the preamble */
#define NP_Q_LOOK_MS 50   /* a writer waiting for room looks so often */
/* A synchronous write over the quota lets its reader run (sched_yield)
 * for so long, at most so many times, before it sleeps (np_q_spin). */
#define NP_Q_SPIN_NS 30000u
#define NP_Q_SPINS 100
#define NP_Q_SKIPS 16u /* cancelled writes whose bytes are still unread */
enum { NP_Q_UP = 0, NP_Q_DOWN = 1 };

/*
 * A cancelled write's bytes are in the stream already: the writer records
 * their stream positions [from, to) in a skip record, and the reader
 * drops them as it meets them (counting them in pos).  A write waiting
 * for room records its bytes too, as pending, with its process (pid and
 * start time): the reader drops them as cancelled once that process is
 * gone (killed: Windows takes a dead process's pending write back), and
 * delivers them while it lives.  A record is dead once pos has passed its
 * end.  Several processes may hold the writing end: a writer claims a
 * dead record by making gen odd, clears to, writes from, the owner and
 * the kind, then to, makes gen even again and bumps nskip; a reader that
 * sees nskip change while it looks, looks again.
 *
 * A reader may be taking a write's bytes at the moment the write is
 * cancelled: exactly one of the two wins, without either waiting for the
 * other (np_q_claim, np_q_take_back).  Before it looks at the records,
 * the reader says up to where its take may go (claim, a sequentially
 * consistent store; 0 once the take is counted in pos).  The canceller
 * makes the write's record NP_QS_CANCELLING, then loads claim and pos.
 * If the reader may be taking some of the write's unread bytes without
 * having seen that (or has read them all), both race for the record's
 * kind with a compare-and-swap: the reader makes it NP_QS_CANCELLED before
 * it drops the bytes (the write is cancelled), the canceller makes it
 * NP_QS_PENDING again and ends it (the bytes are delivered, and the write
 * completes, as an operation being cancelled may on Windows).  Otherwise
 * the canceller makes it NP_QS_CANCELLED, and the reader's next look
 * finds it.  Writers do not count a cancelling record's bytes as read.
 */
enum { NP_QS_CANCELLED = 0, NP_QS_PENDING = 1, NP_QS_CANCELLING = 2 };
struct np_qskip {
    uint64_t from, to;
    uint64_t start; /* pending: when its process started (clock ticks) */
    uint32_t pid;   /* pending: its process */
    uint32_t kind;  /* NP_QS_* */
    uint32_t gen;   /* odd while a writer writes the record */
    uint32_t pad;
};

struct np_qdir {
    uint64_t pos;     /* reader: payload bytes taken or dropped */
    uint32_t waiting; /* writer: NP_Q_W_* while it waits for room (futex word) */
    uint32_t reading; /* reader: bytes its waiting read wants (PIPE_NOWAIT) */
    uint32_t nskip;   /* writer: skip records written so far */
    uint32_t pad0;
    /* Writer: the lowest reader position a waiting write needs (the
     * reader wakes nobody before pos reaches it); UINT64_MAX: none said. */
    uint64_t need;
    uint64_t claim; /* reader: the end of what its take may deliver */
    char pad[24];
    /* The writing end's payload bytes sent so far, by every process that
     * holds it (on a line of its own: the reader writes pos). */
    uint64_t sent;
    char pad2[56];
    struct np_qskip skip[NP_Q_SKIPS];
};

/* Who waits for room (np_qdir.waiting): a synchronous write, asleep on the
 * word itself, and an overlapped one, in the I/O engine, on the room
 * eventfd.  The reader wakes only the kind that waits. */
#define NP_Q_W_SYNC 1u
#define NP_Q_W_IO 2u

struct np_qpage {
    uint32_t magic;
    /* either: no quota for the rest of the connection (a page came to an
     * end shared with another process, which does not have it) */
    uint32_t off;
    /* Copies of an end passed to another process with this page, not
     * taken there yet (wipc_npipe_share_out, share_in): no quota while
     * there are any, as a process that does not use winipc (a shell
     * script given the end as its input) never takes it, and reads
     * without counting. */
    uint32_t unadopted;
    char pad[56];
    struct np_qdir dir[2];
};

/* A slot: written by its server instance only (under the registry's mutex,
 * when it can be had). */
struct np_slot {
    /* LISTENING from ConnectNamedPipe (or the instance's creation) until
     * DisconnectNamedPipe, which says BUSY until the next ConnectNamedPipe;
     * a listening instance whose claim is held is connected, or about to
     * be (wipc_plat_claim_taken). */
    uint32_t state;
    /* NP_SLOT_QUOTA: the instance sends each client the quota preamble
     * when it accepts it (np_q_give). */
    uint32_t flags;
    /* When the instance last started listening (monotonic ns): clients take
     * the instance that has listened longest, as Windows does. */
    uint64_t since;
    /* The secret of this listen: a client binds the claim (sock_id, claim)
     * to connect. */
    uint64_t claim;
    uint64_t sock_id;
    uint32_t server_pid; /* for listings */
    /* How many clients this instance has disconnected, written by the
     * server before it cuts a connection.  A client notes the count when it
     * claims the instance, so at the end of its connection a higher count
     * tells a disconnection from its server's death, however late the
     * kernel drops a killed server's locks. */
    uint32_t dropped;
};

enum np_state {
    NP_LISTENING,    /* server: waiting for a client */
    NP_CONNECTED,    /* both: a connection exists */
    NP_DISCONNECTED, /* server: after DisconnectNamedPipe */
    NP_BROKEN,       /* both: the peer has closed its end */
};

struct np_reg;

struct wipc_npipe {
    struct wipc_object obj;
    int server;
    char path[WIPC_NS_PATH_MAX];
    int inst_fd; /* server: registry descriptor holding the slot lock */
    int inst_bounded; /* server: others may hold the registry's mutex */
    /* Server: its registry mapped read-write, from the header up to its
     * slot (its own file: nobody else can shrink it), so that the slot's
     * changes are stores, not system calls; NULL if the mapping failed
     * (then pwrite, as before). */
    void *smap;
    size_t smap_len;
    /* Client: the registry, to learn of a disconnection (np_reg). */
    struct np_reg *reg;
    uint32_t slot;
    uint64_t sock_id;
    uint64_t claim; /* the secret of the server's listen (a client: the
                     * one it connected with) */
    int restored;   /* server: said LISTENING again (np_check_stale_claim) */
    uint32_t dropped; /* client: the count at its claim; server: its count
                       * (see np_slot) */
    int lfd;  /* server: listening socket */
    int conn; /* the connection, or -1 */
    struct np_header cfg;
    DWORD peer_pid;
    DWORD peer_uid; /* the server's client's user (SO_PEERCRED) */
    atomic_uint read_mode; /* PIPE_READMODE_* */
    atomic_uint nowait;    /* PIPE_NOWAIT */
    wipc_mutex lock;       /* state, conn */
    wipc_mutex rlock;      /* reads and the read buffer */
    wipc_mutex wlock;      /* writes: one message at a time */
    enum np_state state;
    /* ConnectNamedPipe callers blocked on this instance (under lock): a
     * connection made by any of them (or by a read that found a client
     * waiting) bumps conn_gen and sets wake_fd, completing them all. */
    int wake_fd;
    unsigned waiters, conn_gen;
    int wake_set; /* wake_fd is set, until the last waiter resets it */
    /* message framing on the read side */
    char *rbuf;
    size_t rstart, rend;
    int in_msg;
    uint32_t msg_left;
    uint32_t last_len; /* the length of the last message started */
    /* A client of another machine (through smbd and the bridge): who it
     * is, or NULL; its messages are framed by 2 bytes instead of 16. */
    struct wipc_npr_handover *remote;
    uint32_t frame;    /* NP_FRAME, or WIPC_NPR_FRAME for a remote client */
    int reject_remote; /* server: PIPE_REJECT_REMOTE_CLIENTS */
    /* The connection's quota pages, per direction (np_q_page; NULL: no
     * quota): one page for both (an overlapped server's preamble), or each
     * direction's made by its writer (np_q_make).  The room eventfds (per
     * direction: set by the reader when a writer waits).  The payload
     * bytes this end has written (under wlock) and taken (qtaken: by its
     * reads, one at a time).  q_rlazy: the read direction's page came
     * with its first bytes (no other is taken). */
    struct np_qpage *qpg[2];
    int qroom[2];
    uint64_t qsent, qtaken;
    int q_rlazy;
    /* The pages' memfds (qmfd[0] == qmfd[1] for one page), kept to pass
     * the end on (wipc_npipe_share_out). */
    int qmfd[2];
    /* Reader (rlock): the process of a pending write last looked at
     * (np_q_owner_gone), and a pidfd for it, or -1. */
    uint32_t q_opid;
    uint64_t q_ostart;
    int q_ofd;
    /* Client: its server's preamble is still to come (np_q_take), first
     * on the stream; q_adopted: this end is shared with another process
     * (passed on, or from it): its pages went along, and a page that comes
     * only now turns the quota off (the other process has none).  q_give: a server made
     * with FILE_FLAG_OVERLAPPED, which gives each client a page for both
     * directions as it accepts it (the other connections' pages come with
     * each direction's first bytes, and cost nothing while none go). */
    int q_pending, q_adopted, q_give;
    /* The write direction's page was made when the end was passed on
     * before it wrote (np_q_make_shared): it goes with the first bytes any
     * process holding the end writes (under p->lock; read under wlock). */
    atomic_int q_wgive;
    /* Under p->lock: a waiting writer's look found its reader's bytes gone
     * from the socket but not counted, at reader position q_odd_pos
     * (np_q_uncounted). */
    int q_odd;
    uint64_t q_odd_pos;
    /* Server, under lock: overlapped ConnectNamedPipe calls pending (the
     * engine accepts for them); the backlog guard's state (np_guard_arm:
     * guard_gen, the process's fork generation when the listening socket
     * was put in the guard's set, and whether it is armed there). */
    unsigned io_listens;
    unsigned guard_gen;
    int guard_added, guard_armed;
    /* In the guard's list (its lock): from the first arming to np_destroy. */
    struct wipc_npipe *guard_prev, *guard_next;
    int guard_listed;
};

static inline struct wipc_npipe *np_of(struct wipc_object *obj)
{
    return (struct wipc_npipe *)obj;
}

/* ---- Buffer quota (see struct np_qpage) ------------------------------------ */

static int np_q_wdir(const struct wipc_npipe *p)
{
    return p->server ? NP_Q_DOWN : NP_Q_UP;
}

static int np_q_rdir(const struct wipc_npipe *p)
{
    return p->server ? NP_Q_UP : NP_Q_DOWN;
}

/* The page of direction d, or NULL.  Set under p->lock (and, for the
 * write direction, wlock; for the read direction, by the reader); only
 * np_q_drop unmaps, under p->lock, rlock and wlock. */
static struct np_qpage *np_q_page(const struct wipc_npipe *p, int d)
{
    return __atomic_load_n(&p->qpg[d], __ATOMIC_ACQUIRE);
}

/* This end's quota: the server's writes count against its nOutBufferSize,
 * the client's against the server's nInBufferSize. */
static uint32_t np_q_size(const struct wipc_npipe *p)
{
    return p->server ? p->cfg.out_size : p->cfg.in_size;
}

/* This end's writes are held to the quota (a page, and no end of the
 * connection passed to another process). */
static int np_q_on(const struct wipc_npipe *p)
{
    struct np_qpage *q = np_q_page(p, np_q_wdir(p));
    return q && !__atomic_load_n(&q->off, __ATOMIC_ACQUIRE) &&
           !__atomic_load_n(&q->unadopted, __ATOMIC_ACQUIRE);
}

static int np_q_skips_rec(struct wipc_npipe *p, const struct np_qskip *r);

/* Bytes this end wrote, up to stream position end, that its reader has
 * not taken (the reader's count is only compared: a hostile one ahead of
 * what was sent counts as all taken). */
static uint64_t np_q_unread(const struct wipc_npipe *p, uint64_t end)
{
    const struct np_qdir *q = &np_q_page(p, np_q_wdir(p))->dir[np_q_wdir(p)];
    uint64_t pos = __atomic_load_n(&q->pos, __ATOMIC_SEQ_CST), n;
    if (pos >= end)
        return 0;
    n = end - pos;
    /* Cancelled bytes ahead of the reader are as good as read (the
     * writers of this end wrote the records: they are what they say), and
     * so are those of a write that was pending in a process now gone
     * (looked at only when there is one of another process ahead). */
    if (__atomic_load_n(&q->nskip, __ATOMIC_ACQUIRE))
        for (unsigned i = 0; i < NP_Q_SKIPS; i++) {
            uint64_t to = __atomic_load_n(&q->skip[i].to, __ATOMIC_ACQUIRE);
            uint64_t from = __atomic_load_n(&q->skip[i].from, __ATOMIC_RELAXED);
            if (from < pos)
                from = pos;
            if (to > end)
                to = end;
            if (to > from && to - from <= n &&
                np_q_skips_rec(NULL, &q->skip[i]))
                n -= to - from;
        }
    return n;
}

/* This process, as pending records name it: its pid and start time,
 * looked up once (a forked child forgets them: np_q_me_forked). */
static _Atomic uint32_t np_me_pid;
static _Atomic uint64_t np_me_start;

static void np_q_me_forked(void)
{
    atomic_store(&np_me_pid, 0); /* a store: async-signal-safe */
}

static void np_q_me(uint32_t *pid, uint64_t *start)
{
    static atomic_int atfork;
    uint32_t me = atomic_load(&np_me_pid);
    uint64_t t = 0;

    if (me == 0) {
        if (!atomic_exchange(&atfork, 1))
            wipc_plat_atfork_child(np_q_me_forked);
        me = (uint32_t)wipc_plat_getpid();
        wipc_plat_process_start(me, -1, &t, NULL);
        atomic_store(&np_me_start, t);
        atomic_store(&np_me_pid, me);
    }
    *pid = me;
    *start = atomic_load(&np_me_start);
}

/* 1 if a pidfd says its process has ended (a zombie too). */
static int np_q_fd_ended(int fd)
{
    int ready = 0;
    return wipc_plat_wait_readable(fd, 0, &ready) == 0 && ready;
}

/*
 * 1 if the process of a pending record (pid, started at start) is gone,
 * so that its write's bytes are to be dropped (p: the reader, rlock held,
 * whose pidfd is kept; NULL: the writer, which keeps none).  Only
 * for another process's record, never on the way of a read that meets
 * none.  The pidfd of the last process looked at is kept: a write pending
 * for a while costs one poll(2) per read of its bytes.  A process that
 * cannot be looked at (hidden /proc) counts as living: bytes are
 * delivered, never dropped, when in doubt.  The record is the peer's: a
 * hostile one names any pid, and gains only what a skip record gives.
 */
static int np_q_owner_gone(struct wipc_npipe *p, uint32_t pid, uint64_t start)
{
    uint64_t t = 0;
    int fd = -1, gone;
    DWORD err;

    if (p && p->q_ofd >= 0 && p->q_opid == pid && p->q_ostart == start)
        return np_q_fd_ended(p->q_ofd);
    if (pid == 0)
        return 0;
    err = wipc_plat_pidfd_watch(pid, &fd);
    if (err)
        return err == ERROR_INVALID_PARAMETER;
    /* The pidfd is the process that has pid now; it is the record's if it
     * started then (else the record's ended, and its pid was reused). */
    err = wipc_plat_process_start(pid, fd, &t, NULL);
    if (err || t != start) {
        wipc_plat_close(fd);
        return err ? err == ERROR_INVALID_PARAMETER : 1;
    }
    gone = np_q_fd_ended(fd);
    if (!p) {
        wipc_plat_close(fd);
        return gone;
    }
    wipc_plat_close(p->q_ofd);
    p->q_ofd = fd;
    p->q_opid = pid;
    p->q_ostart = start;
    return gone;
}

/* Whether record r, live at the time of the look, skips its bytes: a
 * cancelled write's, or a pending write's of a process now gone (this
 * process's own are not: it lives).  p: as np_q_owner_gone's. */
static int np_q_skips_rec(struct wipc_npipe *p, const struct np_qskip *r)
{
    uint32_t pid, me, kind = __atomic_load_n(&r->kind, __ATOMIC_SEQ_CST);
    uint64_t start, my_start;
    if (kind == NP_QS_CANCELLED)
        return 1;
    /* Being cancelled: the reader keeps off its bytes (np_q_skip_at);
     * a writer does not count them as read until it is decided. */
    if (kind == NP_QS_CANCELLING)
        return p != NULL;
    pid = __atomic_load_n(&r->pid, __ATOMIC_RELAXED);
    start = __atomic_load_n(&r->start, __ATOMIC_RELAXED);
    np_q_me(&me, &my_start);
    if (pid == me && start == my_start)
        return 0;
    return np_q_owner_gone(p, pid, start);
}

/* Reader: the skip record at pos, if any: *drop is how many bytes from
 * pos on were cancelled (0: none), or were pending in a process now gone;
 * *clear how many bytes from pos on are not (UINT64_MAX: as many as
 * come).  take: the reader is about to drop them (its claim made,
 * np_q_claim): a record being cancelled at pos is made NP_QS_CANCELLED
 * first, unless its canceller took it back meanwhile (struct np_qskip);
 * a peek only looks.  The peer wrote the records: they are only compared
 * with pos, so a hostile one can make this end drop its own writer's
 * bytes, no more; the look is bounded (NP_Q_SKIPS records, looked at
 * again only when a writer changed one meanwhile). */
static void np_q_skip_at(struct wipc_npipe *p, uint64_t pos, int take,
                         uint64_t *drop, uint64_t *clear)
{
    struct np_qdir *q = &np_q_page(p, np_q_rdir(p))->dir[np_q_rdir(p)];
    uint32_t seq;
    unsigned looks = 0;

    do {
        seq = __atomic_load_n(&q->nskip, __ATOMIC_SEQ_CST);
        *drop = 0;
        *clear = UINT64_MAX;
        for (unsigned i = 0; seq && i < NP_Q_SKIPS; i++) {
            uint64_t to = __atomic_load_n(&q->skip[i].to, __ATOMIC_ACQUIRE);
            uint64_t from =
                __atomic_load_n(&q->skip[i].from, __ATOMIC_ACQUIRE);
            if (to <= pos || to <= from)
                continue;
            /* Ahead of what already counts: no need to look at it. */
            if (from > pos && from - pos >= *clear)
                continue;
            if (!np_q_skips_rec(p, &q->skip[i]))
                continue;
            if (from <= pos && take) {
                uint32_t k = NP_QS_CANCELLING;
                if (!__atomic_compare_exchange_n(&q->skip[i].kind, &k,
                                                 NP_QS_CANCELLED, 0,
                                                 __ATOMIC_SEQ_CST,
                                                 __ATOMIC_SEQ_CST) &&
                    k != NP_QS_CANCELLED && !np_q_skips_rec(p, &q->skip[i]))
                    continue; /* taken back: its bytes are delivered */
            }
            if (from <= pos) {
                if (to - pos > *drop)
                    *drop = to - pos;
            } else if (from - pos < *clear) {
                *clear = from - pos;
            }
        }
        /* A writer that keeps changing records (a hostile one) has the
         * last look's answer. */
    } while (__atomic_load_n(&q->nskip, __ATOMIC_ACQUIRE) != seq &&
             ++looks < 64);
}

/* The reader's position (payload bytes taken or dropped so far). */
static uint64_t np_q_pos(const struct wipc_npipe *p)
{
    return __atomic_load_n(&np_q_page(p, np_q_rdir(p))->dir[np_q_rdir(p)].pos,
                           __ATOMIC_RELAXED);
}

/* 1 if the reader may meet cancelled bytes (any skip record written). */
static int np_q_skips(const struct wipc_npipe *p)
{
    struct np_qpage *q = np_q_page(p, np_q_rdir(p));
    return q && __atomic_load_n(&q->dir[np_q_rdir(p)].nskip,
                                __ATOMIC_ACQUIRE) != 0;
}

/* Reader, about to take up to want bytes from behind the ahead bytes it
 * has taken and not counted in pos yet: says up to where its take may go
 * (struct np_qskip), then looks whether its writers have written any
 * record (np_q_skips).  The claim stands until np_q_unclaim, after the
 * take is counted (np_q_took).  No page: 0. */
static int np_q_claim(const struct wipc_npipe *p, uint64_t ahead,
                      uint64_t want)
{
    struct np_qpage *q = np_q_page(p, np_q_rdir(p));
    struct np_qdir *d;
    if (!q)
        return 0;
    d = &q->dir[np_q_rdir(p)];
    __atomic_store_n(&d->claim,
                     __atomic_load_n(&d->pos, __ATOMIC_RELAXED) + ahead + want,
                     __ATOMIC_SEQ_CST);
    return __atomic_load_n(&d->nskip, __ATOMIC_SEQ_CST) != 0;
}

/* Reader: its take is counted in pos (np_q_took): no claim. */
static void np_q_unclaim(const struct wipc_npipe *p)
{
    struct np_qpage *q = np_q_page(p, np_q_rdir(p));
    if (q)
        __atomic_store_n(&q->dir[np_q_rdir(p)].claim, 0, __ATOMIC_RELEASE);
}

/* 1 if a write ending at stream position end may complete: what the
 * reader's waiting read will take counts as room too. */
static int np_q_fits(const struct wipc_npipe *p, uint64_t end)
{
    return !np_q_on(p) ||
           np_q_unread(p, end) <=
               (uint64_t)np_q_size(p) +
                   __atomic_load_n(
                       &np_q_page(p, np_q_wdir(p))->dir[np_q_wdir(p)].reading,
                       __ATOMIC_RELAXED);
}

/* Wakes this end's peer's writers that wait for room in direction d, of
 * the kinds in w (NP_Q_W_*): a synchronous one on the futex word, an
 * overlapped one in the I/O engine by the room eventfd. */
static void np_q_wake_kinds(struct wipc_npipe *p, int d, uint32_t w)
{
    if (w & NP_Q_W_SYNC)
        wipc_plat_futex_wake_all(&np_q_page(p, d)->dir[d].waiting);
    if ((w & NP_Q_W_IO) && p->qroom[d] >= 0)
        wipc_plat_eventfd_set(p->qroom[d]);
}

/* Wakes them all, whatever they wait for (the connection ends, its page
 * comes, the quota is turned off). */
static void np_q_wake(struct wipc_npipe *p, int d)
{
    __atomic_store_n(&np_q_page(p, d)->dir[d].waiting, 0, __ATOMIC_SEQ_CST);
    np_q_wake_kinds(p, d, NP_Q_W_SYNC | NP_Q_W_IO);
}

/* The reader took n payload bytes: the writer's quota has room again.  A
 * writer that waits is woken once the reader's position reaches what it
 * needs (np_q_want_room), not at every read before: a write waits for
 * its whole remainder to fit, and a reader taking a little at a time would
 * make it wake and sleep again for each piece.  Who wakes it clears the
 * word, so the next reads make no system call until a writer waits again. */
static void np_q_took(struct wipc_npipe *p, uint64_t n)
{
    struct np_qpage *page = np_q_page(p, np_q_rdir(p));
    struct np_qdir *q;
    uint64_t pos;
    uint32_t w;
    /* Counted without a page too: a page that comes later starts there
     * (np_q_adopt).  Reads are one at a time; atomic for the look of
     * np_q_adopt's caller in another thread. */
    __atomic_add_fetch(&p->qtaken, n, __ATOMIC_RELAXED);
    if (!page || n == 0)
        return;
    q = &page->dir[np_q_rdir(p)];
    pos = __atomic_add_fetch(&q->pos, n, __ATOMIC_SEQ_CST);
    /* The writer may be another user: what it says only decides how soon
     * this reader makes the system calls, never whether. */
    if (__atomic_load_n(&q->waiting, __ATOMIC_SEQ_CST) == 0 ||
        pos < __atomic_load_n(&q->need, __ATOMIC_SEQ_CST))
        return;
    w = __atomic_exchange_n(&q->waiting, 0, __ATOMIC_SEQ_CST);
    np_q_wake_kinds(p, np_q_rdir(p), w);
}

/* The reader says how many bytes its waiting read wants (0: none). */
static void np_q_reading(struct wipc_npipe *p, DWORD n)
{
    struct np_qpage *q = np_q_page(p, np_q_rdir(p));
    if (q)
        __atomic_store_n(&q->dir[np_q_rdir(p)].reading, n, __ATOMIC_RELAXED);
}

/* Writer: 1 if a cancelled write's bytes lie ahead of the reader (the
 * write may then fit before the reader reaches its need).  A pending
 * write's record does not count: while its process lives its bytes are
 * unread, and a writer waiting behind it looks again every NP_Q_LOOK_MS,
 * when that process may have died. */
static int np_q_cancelled_ahead(struct np_qdir *q, uint64_t pos)
{
    if (!__atomic_load_n(&q->nskip, __ATOMIC_ACQUIRE))
        return 0;
    for (unsigned i = 0; i < NP_Q_SKIPS; i++)
        if (__atomic_load_n(&q->skip[i].to, __ATOMIC_ACQUIRE) > pos &&
            __atomic_load_n(&q->skip[i].kind, __ATOMIC_ACQUIRE) ==
                NP_QS_CANCELLED)
            return 1;
    return 0;
}

/*
 * A write ending at stream position end waits for room, as a waiter of
 * kind (NP_Q_W_*), before it looks again: it says which reader position
 * it needs, then that it waits; the reader, after it moves its position,
 * looks at the two in the other order (np_q_took), so either the writer's
 * second look sees the position or the reader sees the writer.  Several
 * writers may wait at once (threads of the end, the engine): the lowest
 * need is kept, and a need the reader has passed already is stale (its
 * writer was woken, or saw the position itself) and is replaced.  With
 * cancelled bytes ahead of the reader the write may fit sooner: any read
 * then wakes it.  Returns the word's value after (for the futex wait).
 */
static uint32_t np_q_want_pos(struct wipc_npipe *p, uint64_t need,
                              uint32_t kind);

static uint32_t np_q_want_room(struct wipc_npipe *p, uint64_t end, uint32_t kind)
{
    struct np_qdir *q = &np_q_page(p, np_q_wdir(p))->dir[np_q_wdir(p)];
    uint64_t room = (uint64_t)np_q_size(p) +
                    __atomic_load_n(&q->reading, __ATOMIC_RELAXED);
    return np_q_want_pos(p, end > room ? end - room : 0, kind);
}

/* np_q_want_room for a waiter that needs the reader at position need
 * (FlushFileBuffers: everything sent read). */
static uint32_t np_q_want_pos(struct wipc_npipe *p, uint64_t need,
                              uint32_t kind)
{
    struct np_qdir *q = &np_q_page(p, np_q_wdir(p))->dir[np_q_wdir(p)];
    uint64_t pos = __atomic_load_n(&q->pos, __ATOMIC_SEQ_CST);
    uint64_t cur = __atomic_load_n(&q->need, __ATOMIC_SEQ_CST);

    if (np_q_cancelled_ahead(q, pos))
        need = 0;
    while ((cur <= pos || cur > need) &&
           !__atomic_compare_exchange_n(&q->need, &cur, need, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
    return __atomic_or_fetch(&q->waiting, kind, __ATOMIC_SEQ_CST);
}

/* The end of what this end has written (the stream position of the
 * write direction's next payload byte), once n more bytes are out (wlock
 * held): the page's count, which every process holding the end adds to
 * (one quota per end, as on Windows); without a page, this end's own. */
static uint64_t np_q_sent_add(struct wipc_npipe *p, uint64_t n)
{
    struct np_qpage *q = np_q_page(p, np_q_wdir(p));
    p->qsent += n;
    if (!q)
        return p->qsent;
    return __atomic_add_fetch(&q->dir[np_q_wdir(p)].sent, n, __ATOMIC_SEQ_CST);
}

static uint64_t np_q_sent(const struct wipc_npipe *p)
{
    struct np_qpage *q = np_q_page(p, np_q_wdir(p));
    return q ? __atomic_load_n(&q->dir[np_q_wdir(p)].sent, __ATOMIC_SEQ_CST)
             : p->qsent;
}

/*
 * Writer: records [from, to) of its stream in a dead skip record (its end
 * at or behind the reader's position) as kind, with this process as its
 * owner: the record, or NULL with no record free (NP_Q_SKIPS still live).
 * Other processes holding the end may record at the same time: a record
 * is claimed by making its gen odd (struct np_qskip).
 */
static struct np_qskip *np_q_record(struct np_qdir *q, uint64_t from,
                                    uint64_t to, uint32_t kind)
{
    uint64_t pos = __atomic_load_n(&q->pos, __ATOMIC_SEQ_CST), start;
    uint32_t pid;

    np_q_me(&pid, &start);
    for (unsigned i = 0; i < NP_Q_SKIPS; i++) {
        struct np_qskip *r = &q->skip[i];
        uint32_t gen = __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE);
        if ((gen & 1) || __atomic_load_n(&r->to, __ATOMIC_ACQUIRE) > pos)
            continue; /* live, or being written */
        if (!__atomic_compare_exchange_n(&r->gen, &gen, gen + 1, 0,
                                         __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            continue;
        __atomic_store_n(&r->to, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&r->from, from, __ATOMIC_RELEASE);
        __atomic_store_n(&r->pid, pid, __ATOMIC_RELAXED);
        __atomic_store_n(&r->start, start, __ATOMIC_RELAXED);
        __atomic_store_n(&r->kind, kind, __ATOMIC_RELEASE);
        __atomic_store_n(&r->to, to, __ATOMIC_RELEASE);
        __atomic_store_n(&r->gen, gen + 2, __ATOMIC_RELEASE);
        __atomic_add_fetch(&q->nskip, 1, __ATOMIC_SEQ_CST);
        return r;
    }
    return NULL;
}

/* Writer: this process's pending record of [from, to), or NULL. */
static struct np_qskip *np_q_pending_rec(struct np_qdir *q, uint64_t from,
                                         uint64_t to)
{
    uint32_t pid;
    uint64_t start;
    np_q_me(&pid, &start);
    for (unsigned i = 0; i < NP_Q_SKIPS; i++) {
        struct np_qskip *r = &q->skip[i];
        if (__atomic_load_n(&r->to, __ATOMIC_ACQUIRE) == to &&
            __atomic_load_n(&r->from, __ATOMIC_ACQUIRE) == from &&
            __atomic_load_n(&r->kind, __ATOMIC_ACQUIRE) == NP_QS_PENDING &&
            __atomic_load_n(&r->pid, __ATOMIC_RELAXED) == pid)
            return r;
    }
    return NULL;
}

/*
 * A write whose bytes [from, to) are out waits for room: its bytes are
 * recorded as pending, with this process, so that the reader drops those
 * it has not taken if this process dies before the write is over (Wine's
 * test_overlapped_transport: TerminateProcess of a writer).  Without a
 * free record they would stay.  np_q_pend_end when the wait is over.
 */
static void np_q_pend_start(struct wipc_npipe *p, uint64_t from, uint64_t to)
{
    struct np_qpage *q = np_q_page(p, np_q_wdir(p));
    if (q && to > from)
        np_q_record(&q->dir[np_q_wdir(p)], from, to, NP_QS_PENDING);
}

/* The wait of np_q_pend_start is over (the write completed, or failed):
 * its record goes (its bytes stay).  p->lock held (the page stays). */
static void np_q_pend_end(struct wipc_npipe *p, uint64_t from, uint64_t to)
{
    struct np_qpage *q = np_q_page(p, np_q_wdir(p));
    struct np_qskip *r = q ? np_q_pending_rec(&q->dir[np_q_wdir(p)], from, to)
                           : NULL;
    if (!r)
        return;
    __atomic_store_n(&r->to, 0, __ATOMIC_RELEASE);
    __atomic_add_fetch(&q->dir[np_q_wdir(p)].nskip, 1, __ATOMIC_SEQ_CST);
}

/*
 * Writer, wlock held, before a write of len bytes goes out: if it will not
 * fit, its bytes are recorded as pending before they go, so that a
 * process killed just after the send does not leave them in the pipe
 * (Wine's test_overlapped_transport kills the writer as soon as it has
 * read its first bytes): [*from, *to), 1.  0 if it fits (or there is no
 * quota): a write that goes pending later is recorded then.  The page
 * stays while wlock is held (np_q_drop).
 */
static int np_q_pend_early(struct wipc_npipe *p, uint64_t len, uint64_t *from,
                           uint64_t *to)
{
    *from = *to = 0;
    if (len == 0 || !np_q_on(p))
        return 0;
    *from = np_q_sent(p);
    if (np_q_fits(p, *from + len))
        return 0;
    *to = *from + len;
    np_q_pend_start(p, *from, *to);
    return 1;
}

/* Lets go of the connection's quota (the connection ends). */
static void np_q_drop(struct wipc_npipe *p)
{
    struct np_qpage *up = np_q_page(p, NP_Q_UP), *down = np_q_page(p, NP_Q_DOWN);
    /* Writers of the peer waiting for this end to read look again, and
     * find it gone; so do this end's (a write waiting for room, a
     * FlushFileBuffers), before the word they sleep on goes. */
    if (np_q_page(p, np_q_rdir(p)))
        np_q_wake(p, np_q_rdir(p));
    if (np_q_page(p, np_q_wdir(p)))
        np_q_wake(p, np_q_wdir(p));
    __atomic_store_n(&p->qpg[NP_Q_UP], NULL, __ATOMIC_RELEASE);
    __atomic_store_n(&p->qpg[NP_Q_DOWN], NULL, __ATOMIC_RELEASE);
    if (up)
        wipc_plat_unmap(up, NP_Q_PAGE);
    if (down && down != up)
        wipc_plat_unmap(down, NP_Q_PAGE);
    wipc_plat_close(p->qroom[0]);
    wipc_plat_close(p->qroom[1]);
    p->qroom[0] = p->qroom[1] = -1;
    if (p->qmfd[1] != p->qmfd[0])
        wipc_plat_close(p->qmfd[1]);
    wipc_plat_close(p->qmfd[0]);
    p->qmfd[0] = p->qmfd[1] = -1;
    atomic_store(&p->q_wgive, 0);
    p->q_odd = 0;
    p->qsent = 0;
    __atomic_store_n(&p->qtaken, 0, __ATOMIC_RELAXED);
    p->q_rlazy = 0;
}

/*
 * Writer, wlock held, about to send the first bytes of its direction on
 * a connection that has no page for it (a server not made with
 * FILE_FLAG_OVERLAPPED, or a client whose server has not accepted it
 * yet): makes the direction's page and room eventfd, to go with those
 * bytes (fds[0], fds[1]; the caller calls np_q_made once they are sent,
 * or np_q_unmake if nothing was).  The page comes before any byte of
 * the direction, so until its reader takes it, the reader has taken
 * nothing: the count is exact from the first byte on.  Nothing (and no
 * quota) for an end shared with another process, a remote client's
 * connection, or when the page cannot be made.  0 if there is none.
 * 2 if the page was made as the end was passed on (np_q_make_shared) and
 * is still to be given: fds are its own (the caller calls np_q_given
 * once bytes went with them).
 */
static int np_q_make(struct wipc_npipe *p, int fds[2])
{
    int d = np_q_wdir(p);
    void *map = NULL;

    fds[0] = fds[1] = -1;
    if (atomic_load(&p->q_wgive)) {
        wipc_mutex_lock(&p->lock);
        fds[0] = p->qmfd[d];
        fds[1] = p->qroom[d];
        wipc_mutex_unlock(&p->lock);
        if (fds[0] >= 0 && fds[1] >= 0)
            return 2;
        fds[0] = fds[1] = -1;
        return 0;
    }
    if (p->qsent != 0 || np_q_page(p, d) || p->q_adopted || p->remote)
        return 0;
    if (wipc_plat_memfd("winipc-npq", NP_Q_PAGE, &fds[0]) != 0 ||
        wipc_plat_map_shared(fds[0], NP_Q_PAGE, &map) != 0 ||
        wipc_plat_eventfd(0, &fds[1]) != 0) {
        if (map)
            wipc_plat_unmap(map, NP_Q_PAGE);
        wipc_plat_close(fds[0]);
        wipc_plat_close(fds[1]);
        fds[0] = fds[1] = -1;
        return 0;
    }
    ((struct np_qpage *)map)->magic = NP_Q_MAGIC;
    wipc_mutex_lock(&p->lock); /* against np_q_take's look */
    if (np_q_page(p, d)) { /* the server's preamble came meanwhile */
        wipc_mutex_unlock(&p->lock);
        wipc_plat_unmap(map, NP_Q_PAGE);
        wipc_plat_close(fds[0]);
        wipc_plat_close(fds[1]);
        fds[0] = fds[1] = -1;
        return 0;
    }
    p->qroom[d] = fds[1];
    __atomic_store_n(&p->qpg[d], (struct np_qpage *)map, __ATOMIC_RELEASE);
    wipc_mutex_unlock(&p->lock);
    return 1;
}

static void np_q_unmake(struct wipc_npipe *p, int fds[2]);

/* The page np_q_make made went with the bytes: its memfd is kept, to
 * pass the end on (wipc_npipe_share_out); the room eventfd stays too.
 * (made: what np_q_make returned; n: whether bytes went.) */
static void np_q_made(struct wipc_npipe *p, int made, int fds[2], int n)
{
    if (made == 1 && !n) {
        np_q_unmake(p, fds);
        return;
    }
    wipc_mutex_lock(&p->lock);
    if (made == 1)
        p->qmfd[np_q_wdir(p)] = fds[0];
    else if (made == 2 && n)
        atomic_store(&p->q_wgive, 0); /* given */
    wipc_mutex_unlock(&p->lock);
}

/*
 * An end is passed to another process before it wrote anything, p->lock
 * held: its write direction's page is made now, to go along
 * (wipc_npipe_share_out); the first bytes either process writes bring it
 * to the reader (np_q_make returns 2; the reader keeps the first copy
 * that comes, with the direction's first bytes, and closes later ones).
 * Without it each process would make a page of its own, and the one the
 * reader never took would hold its writer for ever.  Nothing if the
 * direction has a page or has carried bytes already, for a remote
 * client's connection, or without memory (the end's writes then have no
 * quota, as before).
 */
static void np_q_make_shared(struct wipc_npipe *p)
{
    int d = np_q_wdir(p), mfd = -1, efd = -1;
    void *map = NULL;

    if (np_q_page(p, d) || p->qsent != 0 || p->remote || p->q_adopted ||
        p->conn < 0)
        return;
    if (wipc_plat_memfd("winipc-npq", NP_Q_PAGE, &mfd) != 0 ||
        wipc_plat_map_shared(mfd, NP_Q_PAGE, &map) != 0 ||
        wipc_plat_eventfd(0, &efd) != 0) {
        if (map)
            wipc_plat_unmap(map, NP_Q_PAGE);
        wipc_plat_close(mfd);
        wipc_plat_close(efd);
        return;
    }
    ((struct np_qpage *)map)->magic = NP_Q_MAGIC;
    p->qmfd[d] = mfd;
    p->qroom[d] = efd;
    atomic_store(&p->q_wgive, 1);
    __atomic_store_n(&p->qpg[d], (struct np_qpage *)map, __ATOMIC_RELEASE);
}

/* The page np_q_make made went nowhere (nothing was sent): gone. */
static void np_q_unmake(struct wipc_npipe *p, int fds[2])
{
    int d = np_q_wdir(p);
    struct np_qpage *q = np_q_page(p, d);
    wipc_mutex_lock(&p->lock);
    __atomic_store_n(&p->qpg[d], NULL, __ATOMIC_RELEASE);
    p->qroom[d] = -1;
    wipc_mutex_unlock(&p->lock);
    wipc_plat_unmap(q, NP_Q_PAGE);
    wipc_plat_close(fds[0]);
    wipc_plat_close(fds[1]);
}

/*
 * Reader: descriptors came with the bytes just read or peeked (a peek
 * gets copies).  The writer's page of this direction, with its first bytes,
 * is taken (a page made by an overlapped server for both directions, if
 * any, is left to the other direction): it is checked as np_q_take does,
 * and its reader's count starts at what this end has taken (0: the page
 * comes with the first bytes).  Anything else is closed: the peer may be
 * hostile, and gains nothing by sending more.
 */
static void np_q_adopt(struct wipc_npipe *p, int *fds, size_t n)
{
    int d = np_q_rdir(p), old;
    void *map = NULL;
    struct np_qpage *q;

    if (n != 2 || p->q_rlazy ||
        __atomic_load_n(&p->qtaken, __ATOMIC_RELAXED) != 0 ||
        wipc_plat_memfd_check(fds[0], NP_Q_PAGE) != 0 ||
        wipc_plat_map_shared(fds[0], NP_Q_PAGE, &map) != 0) {
        for (size_t i = 0; i < n; i++)
            wipc_plat_close(fds[i]);
        return;
    }
    wipc_plat_set_nonblock(fds[1], 1); /* never a descriptor to block on */
    q = map;
    __atomic_store_n(&q->dir[d].pos, 0, __ATOMIC_SEQ_CST);
    wipc_mutex_lock(&p->lock);
    /* An end shared with another process, which has not the page (it
     * came only now): no quota. */
    if (p->q_adopted)
        __atomic_store_n(&q->off, 1, __ATOMIC_RELEASE);
    old = p->qroom[d];
    p->qroom[d] = fds[1];
    /* The memfd replaced, if any, is the preamble's, still the other
     * direction's. */
    if (p->qmfd[d] >= 0 && p->qmfd[d] != p->qmfd[1 - d])
        wipc_plat_close(p->qmfd[d]);
    p->qmfd[d] = fds[0];
    p->q_rlazy = 1;
    /* The page replaced, if any, is the overlapped server's preamble's,
     * still the other direction's. */
    __atomic_store_n(&p->qpg[d], q, __ATOMIC_RELEASE);
    wipc_mutex_unlock(&p->lock);
    wipc_plat_close(old);
    /* Its writer may wait already: wake it, and say if this end is shared. */
    np_q_wake(p, d);
}

/* Server: makes the connection's page and the room eventfds, and sends
 * them to the client just accepted, in the preamble: the first bytes of
 * the stream to the client, sent without waiting (the socket is new and
 * empty).  Without them (no memory, no descriptors) the preamble still
 * goes, and the connection has no quota. */
static void np_q_give(struct wipc_npipe *p, int fd)
{
    uint32_t pre[NP_Q_PRE / 4] = {NP_Q_MAGIC, 0, 0, 0};
    int fds[3] = {-1, -1, -1};
    void *map = NULL;
    size_t n = 0;
    DWORD err;

    np_q_drop(p);
    if (wipc_plat_memfd("winipc-npq", NP_Q_PAGE, &fds[0]) == 0 &&
        wipc_plat_map_shared(fds[0], NP_Q_PAGE, &map) == 0 &&
        wipc_plat_eventfd(0, &fds[1]) == 0 &&
        wipc_plat_eventfd(0, &fds[2]) == 0) {
        ((struct np_qpage *)map)->magic = NP_Q_MAGIC;
        n = 3;
    }
    err = wipc_plat_svc_send_fds(fd, pre, sizeof pre, fds, n, 0);
    if (err || n == 0) {
        if (map)
            wipc_plat_unmap(map, NP_Q_PAGE);
        wipc_plat_close(fds[0]);
        wipc_plat_close(fds[1]);
        wipc_plat_close(fds[2]);
        return;
    }
    p->qmfd[0] = p->qmfd[1] = fds[0];
    p->qroom[0] = fds[1];
    p->qroom[1] = fds[2];
    __atomic_store_n(&p->qpg[NP_Q_UP], (struct np_qpage *)map, __ATOMIC_RELEASE);
    __atomic_store_n(&p->qpg[NP_Q_DOWN], (struct np_qpage *)map,
                     __ATOMIC_RELEASE);
}

/* Client, p->lock held: takes its server's preamble, the first bytes the
 * server sends (when it accepts the connection), if it has come,
 * waiting for it at most wait_ms; until then (q_pending) the connection
 * has no quota, and nothing else may read the stream.  A server that
 * sends a bad one gives a connection without quota; one that closed
 * before it accepted, none at all. */
static void np_q_take(struct wipc_npipe *p, int wait_ms)
{
    uint32_t pre[NP_Q_PRE / 4] = {0, 0, 0, 0};
    int fds[3] = {-1, -1, -1};
    size_t len = 0, n = 0;
    void *map = NULL;
    DWORD err;

    if (!p->q_pending || p->conn < 0)
        return;
    err = wipc_plat_svc_recv_fds(p->conn, pre, sizeof pre, &len, fds, 3, &n,
                                 wait_ms);
    if (err == ERROR_SEM_TIMEOUT)
        return; /* not accepted yet */
    p->q_pending = 0;
    if (err || len != sizeof pre || pre[0] != NP_Q_MAGIC || n != 3 ||
        wipc_plat_memfd_check(fds[0], NP_Q_PAGE) != 0 ||
        wipc_plat_map_shared(fds[0], NP_Q_PAGE, &map) != 0) {
        for (size_t i = 0; i < 3; i++)
            wipc_plat_close(fds[i]);
        return;
    }
    /* Written to by this end: never a descriptor it could block on. */
    wipc_plat_set_nonblock(fds[1], 1);
    wipc_plat_set_nonblock(fds[2], 1);
    /* An end passed on before the preamble came: the other process has
     * it not (np_inherit_info). */
    if (p->q_adopted)
        __atomic_store_n(&((struct np_qpage *)map)->off, 1, __ATOMIC_RELEASE);
    /* A client that wrote before its server accepted it sent its own
     * page for its writes with its first bytes (np_q_make): the server's
     * is for the server's writes only. */
    if (!np_q_page(p, NP_Q_UP)) {
        p->qroom[NP_Q_UP] = fds[1];
        p->qmfd[NP_Q_UP] = fds[0];
        __atomic_store_n(&p->qpg[NP_Q_UP], (struct np_qpage *)map,
                         __ATOMIC_RELEASE);
    } else {
        wipc_plat_close(fds[1]);
    }
    p->qmfd[NP_Q_DOWN] = fds[0];
    p->qroom[NP_Q_DOWN] = fds[2];
    __atomic_store_n(&p->qpg[NP_Q_DOWN], (struct np_qpage *)map,
                     __ATOMIC_RELEASE);
}

/* Client about to read (p->lock not held): the preamble comes before
 * anything its server writes, so a read that would wait waits for it
 * first (as long as it would wait for data: wait_ms), and takes it. */
static void np_q_await(struct wipc_npipe *p, int wait_ms)
{
    wipc_mutex_lock(&p->lock);
    np_q_take(p, wait_ms);
    wipc_mutex_unlock(&p->lock);
}

/* ---- Registry ------------------------------------------------------------- */

static uint64_t np_slot_off(uint32_t i)
{
    return NP_HDR_SIZE + (uint64_t)i * sizeof(struct np_slot);
}

/* The header, as untrusted input: a registry another user made may say
 * anything (its slots are read only as far as NP_MAX_SLOTS). */
static DWORD np_read_header(int fd, struct np_header *h)
{
    DWORD err = wipc_plat_pread_all(fd, h, sizeof *h, 0);
    if (!err && (h->magic != NP_MAGIC || h->version != NP_VERSION ||
                 h->nslots > NP_MAX_SLOTS))
        err = ERROR_HANDLE_EOF;
    h->name[sizeof h->name - 1] = '\0';
    return err;
}

static DWORD np_read_slot(int fd, uint32_t i, struct np_slot *s)
{
    return wipc_plat_pread_all(fd, s, sizeof *s, np_slot_off(i));
}

static DWORD np_write_slot(int fd, uint32_t i, const struct np_slot *s)
{
    return wipc_plat_pwrite_all(fd, s, sizeof *s, np_slot_off(i));
}

static int np_slot_live(int fd, uint32_t i)
{
    return wipc_plat_byte_locked(fd, WIPC_NS_LOCK_SLOT(i));
}

/* Whether slot s (of a live instance) listens, with its claim free. */
static int np_slot_available(const struct np_slot *s)
{
    return s->state == NP_SLOT_LISTENING &&
           !wipc_plat_claim_taken(s->sock_id, s->claim);
}

/* Live instances, and whether one of them listens (mutex held). */
static uint32_t np_count_live(int fd, const struct np_header *h,
                              int *listening)
{
    uint32_t live = 0;
    if (listening)
        *listening = 0;
    for (uint32_t i = 0; i < h->nslots; i++) {
        struct np_slot s;
        if (!np_slot_live(fd, i))
            continue;
        live++;
        if (listening && !*listening && np_read_slot(fd, i, &s) == 0 &&
            np_slot_available(&s))
            *listening = 1;
    }
    return live;
}

/*
 * Every slot, in one read (NULL if there are none or on failure; free()
 * it).  Whether a slot is live takes a lock query, which costs as much as
 * there are locks on the file: scans look at the slots' states first and
 * query only the slots that matter, so that a pipe of a thousand
 * instances is not a million lock queries per open.
 */
static struct np_slot *np_read_slots(int fd, const struct np_header *h)
{
    struct np_slot *s;
    if (h->nslots == 0 || h->nslots > NP_MAX_SLOTS ||
        !(s = malloc(h->nslots * sizeof *s)))
        return NULL;
    if (wipc_plat_pread_all(fd, s, h->nslots * sizeof *s, np_slot_off(0))) {
        free(s);
        return NULL;
    }
    return s;
}

/* 1 if any instance lives; *listening (if not NULL): whether a live one
 * listens.  s: every slot, as read under the mutex held. */
static int np_any_live_in(int fd, const struct np_header *h,
                          const struct np_slot *s, int *listening)
{
    int live = 0;
    uint32_t i;

    if (listening)
        *listening = 0;
    if (!s)
        return h->nslots ? np_count_live(fd, h, listening) > 0 : 0;
    for (i = 0; i < h->nslots && !(listening && *listening); i++)
        if (s[i].state == NP_SLOT_LISTENING && np_slot_live(fd, i)) {
            live = 1;
            if (listening && !wipc_plat_claim_taken(s[i].sock_id, s[i].claim))
                *listening = 1;
            else if (!listening)
                break;
        }
    for (i = 0; i < h->nslots && !live; i++)
        if (s[i].state != NP_SLOT_LISTENING && s[i].state != NP_SLOT_FREE &&
            np_slot_live(fd, i))
            live = 1;
    return live;
}

/* The header and every slot, in one read when the pipe has few instances
 * (a client's fast path): *all as np_read_slots gives it. */
#define NP_FEW_SLOTS 8u
static DWORD np_read_all(int fd, struct np_header *h, struct np_slot **all)
{
    char buf[NP_HDR_SIZE + NP_FEW_SLOTS * sizeof(struct np_slot)];
    size_t got = 0;
    DWORD err = wipc_plat_read(fd, buf, sizeof buf, 0, &got);

    *all = NULL;
    if (err || got < sizeof *h)
        return err ? err : ERROR_HANDLE_EOF;
    memcpy(h, buf, sizeof *h);
    if (h->magic != NP_MAGIC || h->version != NP_VERSION ||
        h->nslots > NP_MAX_SLOTS)
        return ERROR_HANDLE_EOF;
    h->name[sizeof h->name - 1] = '\0';
    if (h->nslots > NP_FEW_SLOTS || got < np_slot_off(h->nslots)) {
        *all = np_read_slots(fd, h);
    } else if (h->nslots > 0 && (*all = malloc(h->nslots * sizeof **all))) {
        memcpy(*all, buf + NP_HDR_SIZE, h->nslots * sizeof **all);
    }
    return 0;
}

/* The same, reading the slots (mutex held). */
static int np_any_live(int fd, const struct np_header *h, int *listening)
{
    struct np_slot *s = np_read_slots(fd, h);
    int live = np_any_live_in(fd, h, s, listening);
    free(s);
    return live;
}

static uint64_t np_state_off(uint32_t i)
{
    return np_slot_off(i) + offsetof(struct np_slot, state);
}

_Static_assert(sizeof(struct np_header) <= NP_LISTEN_SEQ_OFF &&
                   NP_WAITERS_OFF + 4 <= NP_HDR_SIZE,
               "WaitNamedPipe's words lie outside the header");

/* A 32-bit word of a mapped registry, at byte off. */
static uint32_t *np_word(void *map, uint64_t off)
{
    return (uint32_t *)((char *)map + off);
}

/* Server: its slot in its mapping of the registry, or NULL. */
static struct np_slot *np_my_slot(struct wipc_npipe *p)
{
    return p->smap ? (struct np_slot *)((char *)p->smap + np_slot_off(p->slot))
                   : NULL;
}

/* Server: writes its slot's state, one aligned 4-byte field: a store when
 * the registry is mapped (release: what was written before it is seen
 * with it), else a pwrite. */
static void np_put_state(struct wipc_npipe *p, uint32_t state)
{
    struct np_slot *s = np_my_slot(p);
    if (s)
        __atomic_store_n(&s->state, state, __ATOMIC_RELEASE);
    else
        wipc_plat_pwrite_all(p->inst_fd, &state, sizeof state,
                             np_state_off(p->slot));
}

/*
 * Server: tells waiting clients (WaitNamedPipe) that an instance changed:
 * it listens now, or it went.  Bumps listen_seq after the slot's change,
 * then wakes the futex if a client of the owner's user says it waits, or
 * always for a public pipe, whose other users' clients cannot say so.  A
 * waiter counts itself in waiters before it reads listen_seq and looks at
 * the slots, and this reads waiters after it bumped listen_seq, so that
 * either the waiter sees the new value (and does not sleep, or wakes at
 * once), or this sees its count.
 */
static void np_announce_in(void *map, int is_public)
{
    uint32_t *seq;
    if (!map)
        return;
    seq = np_word(map, NP_LISTEN_SEQ_OFF);
    __atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(np_word(map, NP_WAITERS_OFF), __ATOMIC_SEQ_CST) != 0 ||
        is_public)
        wipc_plat_futex_wake_all(seq);
}

static void np_announce(struct wipc_npipe *p)
{
    np_announce_in(p->smap, p->cfg.is_public);
}

/* ---- A client's registries, kept from one connection to the next ---------- */

/*
 * A client's open registry (np_open_once): its checked descriptor and, for
 * a registry of the caller's own user, a read-write mapping of its first
 * pages, where the client reads the header and the slots and writes its
 * claim's BUSY (np_claim) with loads and stores instead of pread and
 * pwrite.  Only its owner, this user, can write or shrink such a file:
 * the trust its descriptor already has (docs/security.md).  Another
 * user's registry is never mapped.
 *
 * A client end holds its registry for as long as it lives (np_dropped);
 * when the end goes, the registry goes to a small cache of the process
 * instead of being closed, and the next CreateFile or WaitNamedPipe of
 * the same name takes it from there: no open and no mapping, only an
 * fstat to check the file again as wipc_ns_open did (its mode may have
 * changed since; a removed file is dropped).  The cache holds
 * NP_REG_CACHE registries, and a new one pushes out one of them.  A live
 * instance's slot is always in the file at the name (its server made it
 * there under the mutex, and the file is removed only when no instance
 * lives), so a claim that succeeds in a kept registry is one the file at
 * the name offers too; in one made anew since, nobody listens any more,
 * and np_why_not finds it is no longer at the name (NP_AGAIN).  A
 * registry the process inherited through fork() shares its open file
 * description, and so its locks, with the parent's: it is closed, not
 * used (np_reg_take).
 */
struct np_reg {
    struct wipc_ns_file f;
    void *map; /* NULL, or the registry's first map_len bytes */
    size_t map_len;
    DWORD pid; /* the process that opened it: see np_reg_take */
    char path[WIPC_NS_PATH_MAX];
};

#define NP_REG_CACHE 4u
#define NP_REG_MAP_MIN (2u * NP_HDR_SIZE) /* the header and 102 slots */
static _Atomic(struct np_reg *) np_reg_cache[NP_REG_CACHE];
static atomic_uint np_reg_next;

static void np_reg_free(struct np_reg *e)
{
    if (!e)
        return;
    wipc_plat_unmap(e->map, e->map_len);
    wipc_plat_close(e->f.fd);
    free(e);
}

/* The cached registry of path, now the caller's, checked again, or NULL.
 * Registries inherited through fork() are closed. */
static struct np_reg *np_reg_take(const char *path)
{
    for (unsigned i = 0; i < NP_REG_CACHE; i++) {
        struct np_reg *e = atomic_exchange(&np_reg_cache[i], NULL), *none = NULL;
        if (!e)
            continue;
        if (e->pid != wipc_plat_getpid()) {
            np_reg_free(e);
            continue;
        }
        if (strcmp(e->path, path) == 0) {
            /* Its mode may have changed since (its owner, root), and a
             * removed file is dropped at once. */
            if (wipc_ns_recheck(&e->f) != 0 || (e->map && !e->f.mine)) {
                np_reg_free(e);
                return NULL;
            }
            return e;
        }
        if (!atomic_compare_exchange_strong(&np_reg_cache[i], &none, e))
            np_reg_free(e); /* another thread's took its place meanwhile */
    }
    return NULL;
}

/* Hands e to the cache (NULL: nothing). */
static void np_reg_put(struct np_reg *e)
{
    if (!e)
        return;
    for (unsigned i = 0; i < NP_REG_CACHE; i++) {
        struct np_reg *none = NULL;
        if (atomic_compare_exchange_strong(&np_reg_cache[i], &none, e))
            return;
    }
    np_reg_free(atomic_exchange(
        &np_reg_cache[atomic_fetch_add(&np_reg_next, 1) % NP_REG_CACHE], e));
}

/* Opens path afresh (no mutex) as a registry entry. */
static DWORD np_reg_open(const char *path, struct np_reg **out)
{
    struct np_reg *e = malloc(sizeof *e);
    int created;
    DWORD err;

    if (!e)
        return ERROR_NOT_ENOUGH_MEMORY;
    err = wipc_ns_open(path, WIPC_NS_PEEK, 0, &e->f, &created);
    if (err) {
        free(e);
        return err == ERROR_LOCK_VIOLATION ? ERROR_PIPE_BUSY : err;
    }
    e->map = NULL;
    e->map_len = 0;
    e->pid = wipc_plat_getpid();
    snprintf(e->path, sizeof e->path, "%s", path);
    *out = e;
    return 0;
}

/* Maps e (its own user's only) so that the mapping covers the first need
 * bytes, which the caller knows the file holds: no page of the mapping is
 * wholly past the file's end (no SIGBUS), as files here never shrink. */
static void np_reg_map(struct np_reg *e, size_t need)
{
    void *m;
    if (!e->f.mine || need <= e->map_len || need == 0)
        return;
    if (need > NP_HDR_SIZE && need < NP_REG_MAP_MIN)
        need = NP_REG_MAP_MIN; /* the same pages: a slot is there */
    else if (need < NP_HDR_SIZE)
        need = NP_HDR_SIZE;
    if (wipc_plat_map_shared(e->f.fd, need, &m) != 0)
        return;
    wipc_plat_unmap(e->map, e->map_len);
    e->map = m;
    e->map_len = need;
}

/* Slot i in e's mapping, or NULL if it is not mapped. */
static struct np_slot *np_reg_slot(const struct np_reg *e, uint32_t i)
{
    if (!e || !e->map || np_slot_off(i) + sizeof(struct np_slot) > e->map_len)
        return NULL;
    return (struct np_slot *)((char *)e->map + np_slot_off(i));
}

static DWORD np_reg_read_slot(const struct np_reg *e, uint32_t i,
                              struct np_slot *s)
{
    const struct np_slot *m = np_reg_slot(e, i);
    uint32_t state;
    if (!m)
        return np_read_slot(e->f.fd, i, s);
    /* The state first: its writer writes it last (np_set_listening), so
     * the claim read after a LISTENING is that listen's. */
    state = __atomic_load_n(&m->state, __ATOMIC_ACQUIRE);
    memcpy(s, m, sizeof *s);
    s->state = state;
    return 0;
}

static void np_reg_put_state(const struct np_reg *e, uint32_t i,
                             uint32_t state)
{
    struct np_slot *m = np_reg_slot(e, i);
    if (m)
        __atomic_store_n(&m->state, state, __ATOMIC_RELEASE);
    else
        wipc_plat_pwrite_all(e->f.fd, &state, sizeof state, np_state_off(i));
}

/* np_read_all from e's mapping when it has one (its own user's). */
static DWORD np_reg_read_all(const struct np_reg *e, struct np_header *h,
                             struct np_slot **all)
{
    *all = NULL;
    if (!e->map)
        return np_read_all(e->f.fd, h, all);
    memcpy(h, e->map, sizeof *h);
    if (h->magic != NP_MAGIC || h->version != NP_VERSION ||
        h->nslots > NP_MAX_SLOTS)
        return ERROR_HANDLE_EOF;
    h->name[sizeof h->name - 1] = '\0';
    if (np_slot_off(h->nslots) > e->map_len) {
        *all = np_read_slots(e->f.fd, h);
    } else if (h->nslots > 0 && (*all = malloc(h->nslots * sizeof **all))) {
        /* Torn copies are possible, as with pread: np_claim reads its
         * slot again, in order, once it holds the claim. */
        memcpy(*all, (const char *)e->map + NP_HDR_SIZE,
               h->nslots * sizeof **all);
    }
    return 0;
}

/* Takes the registry's mutex on a server instance's descriptor, before
 * the instance lets its slot go (np_destroy).  It may be held by another
 * user (a public pipe's registry is readable by all, and so lockable for
 * reading): the wait is then bounded. */
static int np_inst_lock(struct wipc_npipe *p)
{
    return wipc_plat_lock_byte_bounded(p->inst_fd, WIPC_NS_LOCK_MUTEX, 0,
                                       p->inst_bounded ? WIPC_NS_LOCK_BOUND_MS
                                                       : -1) == 0;
}

/* What the I/O engine needs to know of p's peer (wipc_io_kick): whether
 * it is another process's, and if it is this one's, a value that both
 * ends share (from the listen's secret, which both know).  A listening
 * server has it already: a client of this process that comes completes
 * its pending ConnectNamedPipe. */
static void np_note_peer(struct wipc_npipe *p, uint64_t claim)
{
    int away = p->peer_pid != 0 && p->peer_pid != wipc_plat_getpid();
    atomic_store(&p->obj.io_peer_away, away);
    atomic_store(&p->obj.io_link,
                 away || !claim ? 0 : (claim ^ p->sock_id) | 1u);
}

/*
 * Says LISTENING in this server instance's slot, since when, and with a
 * new claim: a client that is still connected from before, or queued, can
 * never pass for a client of this listen.  The slot is the instance's own,
 * and says BUSY until now (since its last client's claim), so no client
 * uses it meanwhile: the time and the claim are written first, and the
 * state last, alone (one aligned 4-byte field), so that a client that
 * reads LISTENING reads the new claim too.  No mutex is needed, so a
 * server never waits here for a client that holds it.
 */
static void np_set_listening(struct wipc_npipe *p)
{
    struct {
        uint64_t since, claim;
    } head = {wipc_plat_now_ns(), wipc_plat_random64()};
    struct np_slot *s = np_my_slot(p);

    p->claim = head.claim;
    /* The next client is of no known process yet. */
    atomic_store(&p->obj.io_peer_away, 0);
    atomic_store(&p->obj.io_link, (p->claim ^ p->sock_id) | 1u);
    if (p->inst_fd < 0)
        return; /* the last handle is closed (np_close_last) */
    if (s) {
        __atomic_store_n(&s->since, head.since, __ATOMIC_RELAXED);
        __atomic_store_n(&s->claim, head.claim, __ATOMIC_RELAXED);
    } else {
        wipc_plat_pwrite_all(p->inst_fd, &head, sizeof head,
                             np_slot_off(p->slot) +
                                 offsetof(struct np_slot, since));
    }
    np_put_state(p, NP_SLOT_LISTENING);
    np_announce(p);
}

/* After accepting its claim's client: the slot says BUSY, so that a
 * client that closes before the server disconnects it does not make the
 * instance look free.  One aligned 4-byte field, LISTENING to BUSY: no
 * reader can see anything but one or the other, so no mutex is needed. */
static void np_mark_accepted(struct wipc_npipe *p)
{
    if (p->inst_fd >= 0)
        np_put_state(p, NP_SLOT_BUSY);
}

/*
 * A client of the registry's own user says BUSY in the slot as soon as it
 * holds its claim, before it connects (np_claim).  Killed between the two,
 * it leaves the slot saying BUSY while the instance listens, and no client
 * would ever come.  ConnectNamedPipe looks every NP_STALE_LOOK_MS while it
 * waits: a slot that says BUSY, whose claim nobody holds, with no
 * connection waiting, is such a claim; the instance says LISTENING again.
 * (A client that holds the claim and has not connected yet keeps its
 * claim bound; one that came and went left its connection waiting.)
 */
static void np_check_stale_claim(struct wipc_npipe *p)
{
    uint32_t state = 0;
    int fds[1] = {p->lfd}, ready[1] = {0}, n = 0;
    struct np_slot *s = np_my_slot(p);

    if (p->inst_fd < 0)
        return;
    if (s)
        state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
    else if (wipc_plat_pread_all(p->inst_fd, &state, sizeof state,
                                 np_state_off(p->slot)) != 0)
        return;
    if (state != NP_SLOT_BUSY ||
        wipc_plat_claim_taken(p->sock_id, p->claim) ||
        wipc_plat_poll_readable(fds, ready, 1, 0, &n) != 0 || n != 0)
        return;
    np_put_state(p, NP_SLOT_LISTENING);
    np_announce(p);
    p->restored = 1; /* the next client may not say BUSY: the server will */
}

/* Records, before the connection is cut, that this instance disconnected
 * its client (see np_slot.dropped).  The slot says BUSY already (since the
 * claim), and only this instance writes the count, one aligned field: a
 * client reads it at its claim and at the end of its connection. */
static void np_mark_dropped(struct wipc_npipe *p)
{
    struct np_slot *s = np_my_slot(p);
    if (p->inst_fd < 0)
        return;
    p->dropped++;
    if (s)
        __atomic_store_n(&s->dropped, p->dropped, __ATOMIC_RELEASE);
    else
        wipc_plat_pwrite_all(p->inst_fd, &p->dropped, sizeof p->dropped,
                             np_slot_off(p->slot) +
                                 offsetof(struct np_slot, dropped));
}

/* ---- The object ------------------------------------------------------------ */

static void np_remove_if_unused(const char *path)
{
    struct wipc_ns_file f;
    struct np_header h;
    int created;
    if (wipc_ns_open(path, WIPC_NS_OWNER, 0, &f, &created) != 0)
        return;
    if (np_read_header(f.fd, &h) != 0 || !np_any_live(f.fd, &h, NULL))
        wipc_ns_remove_locked(path);
    wipc_plat_close(f.fd); /* drops the mutex */
}

/* A server instance lets its slot go: the name counts one instance less
 * (for CreateNamedPipe and for clients).  Call with p->lock held, or from
 * np_destroy: every use of inst_fd is under p->lock, so the descriptor is
 * never closed under one. */
static void np_release_slot(struct wipc_npipe *p)
{
    if (p->inst_fd < 0)
        return;
    /* Say FREE for the next instance's search (np_take_slot); closing
     * inst_fd drops the mutex and the slot lock at once. */
    if (np_inst_lock(p)) {
        np_put_state(p, NP_SLOT_FREE);
        /* Waiting clients look again: the pipe may be gone. */
        np_announce(p);
    }
    wipc_plat_unmap(p->smap, p->smap_len);
    p->smap = NULL;
    wipc_plat_close(p->inst_fd); /* the slot is free from here on */
    p->inst_fd = -1;
    np_remove_if_unused(p->path);
}

/* The process's last handle to a server end is closed while another
 * thread's call still holds the end (a FlushFileBuffers waiting for the
 * client to read): the instance leaves its name now, as on Windows, so
 * that a pipe of one instance can be made again at once (Wine's
 * test_overlapped_transport closes both ends and creates the pipe again
 * while such a flush is still returning).  The connection stays until
 * the last reference: another process may hold a duplicate of the end. */
static void np_close_last(struct wipc_object *obj)
{
    struct wipc_npipe *p = np_of(obj);
    /* A FlushFileBuffers still waiting on this end ends now (np_flush). */
    wipc_mutex_lock(&p->lock);
    if (np_q_page(p, np_q_wdir(p)))
        np_q_wake(p, np_q_wdir(p));
    wipc_mutex_unlock(&p->lock);
    if (!p->server)
        return;
    wipc_mutex_lock(&p->lock);
    np_release_slot(p);
    wipc_mutex_unlock(&p->lock);
}

static void np_guard_forget(struct wipc_npipe *p);

static void np_destroy(struct wipc_object *obj)
{
    struct wipc_npipe *p = np_of(obj);
    np_guard_forget(p); /* before its listening socket closes */
    /* A client that never used its connection takes the server's page
     * now, to wake the server's writers waiting for room (below); not
     * one whose connection went to another process too, where that
     * process's end takes it (np_inherit_info): taken here, it would be
     * lost to that end, which would read the server's first bytes as it. */
    if (!p->q_adopted)
        np_q_take(p, 0);
    wipc_plat_close(p->conn);
    np_q_drop(p); /* after the close: the peer's writers see it gone */
    wipc_plat_close(p->q_ofd);
    wipc_plat_close(p->lfd);
    wipc_plat_close(p->wake_fd);
    np_reg_put(p->reg); /* for the next client of the name */
    np_release_slot(p);
    wipc_mutex_destroy(&p->lock);
    wipc_mutex_destroy(&p->rlock);
    wipc_mutex_destroy(&p->wlock);
    free(p->rbuf);
    free(p->remote);
    free(p);
}

static int np_dropped(struct wipc_npipe *p);

/* A descriptor never readable: what an unsignalled end waits on. */
static int np_never_fd(void)
{
    static atomic_int never = -1;
    int fd = atomic_load(&never), mine = -1, none = -1;
    if (fd >= 0 || wipc_plat_eventfd(0, &mine) != 0)
        return fd;
    if (atomic_compare_exchange_strong(&never, &none, mine))
        return mine;
    wipc_plat_close(mine); /* another thread's came first */
    return none;
}

/*
 * A pipe handle is a file handle, signalled as long as its end has a
 * connection (a Windows pipe end with no connection is not: after
 * DisconnectNamedPipe, WaitForSingleObject on either end times out, in
 * Wine's test_DisconnectNamedPipe, which passes on Windows).  Only that
 * case is told apart: an end its server disconnected, and the server end
 * after DisconnectNamedPipe until ConnectNamedPipe; an end stays as it was
 * when the wait began.  A server end is not signalled either while a
 * synchronous ConnectNamedPipe waits on it: Windows resets a file's signal
 * when an operation starts on it (Wine's test_CancelSynchronousIo waits
 * for that to know the call has begun).
 */
static int np_signal_fd(struct wipc_object *obj)
{
    struct wipc_npipe *p = np_of(obj);
    int gone;
    wipc_mutex_lock(&p->lock);
    gone = p->state == NP_DISCONNECTED || p->waiters > 0 ||
           (!p->server && np_dropped(p));
    wipc_mutex_unlock(&p->lock);
    return gone ? np_never_fd() : -1;
}

static int np_get_fd(struct wipc_object *obj)
{
    struct wipc_npipe *p = np_of(obj);
    int fd;
    wipc_mutex_lock(&p->lock);
    fd = p->conn >= 0 ? p->conn : p->lfd;
    wipc_mutex_unlock(&p->lock);
    return fd;
}

/* Set when the end is made and never changed: no lock needed.  Ends
 * rebuilt from an inherited descriptor do not know it. */
static const char *np_name(struct wipc_object *obj)
{
    return np_of(obj)->cfg.name;
}

static DWORD np_accept_pending_locked(struct wipc_npipe *p);

static void np_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                            size_t taglen)
{
    struct wipc_npipe *p = np_of(obj);
    /* A listening instance does not cross processes, but one a client has
     * connected to does, even before ConnectNamedPipe: take the client. */
    wipc_mutex_lock(&p->lock);
    if (p->server && p->state == NP_LISTENING)
        np_accept_pending_locked(p);
    np_q_take(p, 0); /* the other process must not read it as data */
    /* The pages go with the end (wipc_npipe_share_out), or the quota goes
     * off (wipc_npipe_share_off); a listing of the handles (the service's
     * LIST) changes nothing. */
    *fd = p->conn;
    wipc_mutex_unlock(&p->lock);
    /* The open mode carries FILE_FLAG_OVERLAPPED: a handle opened for
     * overlapped I/O stays so in the process that receives it. */
    snprintf(tag, taglen, "npipe.%d.%u.%u.%u.%u.%d", p->server,
             (unsigned)p->cfg.pipe_type, (unsigned)atomic_load(&p->read_mode),
             (unsigned)(p->cfg.open_mode |
                        ((obj->flags & WIPC_OBJ_OVERLAPPED)
                             ? FILE_FLAG_OVERLAPPED
                             : 0)),
             (unsigned)p->cfg.max_instances,
             p->q_pending);
}

static struct wipc_npipe *np_alloc(void)
{
    struct wipc_npipe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->inst_fd = p->lfd = p->conn = p->wake_fd = -1;
    p->qroom[0] = p->qroom[1] = -1;
    p->qmfd[0] = p->qmfd[1] = p->q_ofd = -1;
    p->peer_uid = (DWORD)-1;
    p->frame = NP_FRAME;
    wipc_mutex_init(&p->lock);
    wipc_mutex_init(&p->rlock);
    wipc_mutex_init(&p->wlock);
    return p;
}

/* The bridge's connection *fd carries a remote client (npipe_remote.h):
 * takes the hand-over, and smbd's socket in place of *fd.  An instance
 * made with PIPE_REJECT_REMOTE_CLIENTS takes none. */
static DWORD np_take_remote(struct wipc_npipe *p, int *fd)
{
    struct wipc_npr_handover *h = malloc(sizeof *h);
    int smb;
    DWORD err = h ? wipc_npr_take(*fd, h, &smb) : ERROR_NOT_ENOUGH_MEMORY;

    if (!err && p->reject_remote) {
        wipc_plat_close(smb);
        err = ERROR_ACCESS_DENIED;
    }
    if (err) {
        free(h);
        return err;
    }
    wipc_plat_close(*fd);
    *fd = smb;
    free(p->remote);
    p->remote = h;
    p->frame = p->cfg.pipe_type & PIPE_TYPE_MESSAGE ? WIPC_NPR_FRAME : NP_FRAME;
    return 0;
}

/* The server accepts a client that is already waiting (never blocks).
 * Call with p->lock held.  0 if connected now or before.  seen: the
 * listening socket was just seen readable (no need to look first). */
static DWORD np_accept_pending_seen(struct wipc_npipe *p, int seen)
{
    int fd, claimed, taken = 0;
    DWORD pid, uid;

    if (p->state != NP_LISTENING)
        return 0;
    while (taken++ < NP_DRAIN_MAX &&
           wipc_plat_accept_claim(p->lfd, !seen, p->sock_id, p->claim, &fd,
                                  &claimed) == 0) {
        DWORD cred = wipc_plat_peer_cred(fd, &pid, &uid);
        int remote = claimed && cred == 0 && wipc_npr_from_bridge(pid, uid);
        /* Only the client holding this listen's claim, and for a private
         * pipe only of its creator's user: anybody else (who found the
         * socket in /proc/net/unix) is dropped at once, so the backlog
         * never stays full of them.  The bridge, which has checked its
         * client's user itself, hands over smbd's connection instead. */
        seen = 1;
        if (!claimed || (!remote && !p->cfg.is_public &&
                         (cred != 0 || uid != p->cfg.owner_uid))) {
            wipc_plat_close(fd);
            continue;
        }
        if (remote) {
            np_q_drop(p); /* smbd's socket: no quota */
            if (np_take_remote(p, &fd) != 0) {
                wipc_plat_close(fd);
                continue;
            }
        } else {
            free(p->remote);
            p->remote = NULL;
            p->frame = NP_FRAME;
            if (p->q_give)
                np_q_give(p, fd);
        }
        p->peer_pid = cred || remote ? 0 : pid;
        p->peer_uid = remote ? p->remote->uid : cred ? (DWORD)-1 : uid;
        np_note_peer(p, p->claim);
        if (remote) /* smbd's socket: the client is elsewhere */
            atomic_store(&p->obj.io_peer_away, 1);
        p->conn = fd;
        p->state = NP_CONNECTED;
        /* Every ConnectNamedPipe waiting on this instance completes. */
        p->conn_gen++;
        if (p->waiters && !p->wake_set) {
            wipc_plat_eventfd_set(p->wake_fd);
            p->wake_set = 1;
        }
        /* A client of the registry's own user has said BUSY itself
         * (np_claim); for the others, the server says it. */
        if (cred != 0 || uid != p->cfg.owner_uid || p->restored)
            np_mark_accepted(p);
        p->restored = 0;
        return 0;
    }
    return ERROR_PIPE_LISTENING;
}

static DWORD np_accept_pending_locked(struct wipc_npipe *p)
{
    return np_accept_pending_seen(p, 0);
}

/*
 * The backlog guard.  Anybody may connect to a listening socket (its
 * abstract name is listed in /proc/net/unix), and a connection waits in
 * the socket's backlog until the server accepts it: a backlog that nobody
 * drains is full after a few hundred connects, and then no client of the
 * pipe can connect (ERROR_PIPE_BUSY), for as long as the instance listens
 * with nobody accepting: from CreateNamedPipe to ConnectNamedPipe, or
 * after a PIPE_NOWAIT ConnectNamedPipe.  (A synchronous ConnectNamedPipe
 * accepts as connections come, and so does the I/O engine for a pending
 * overlapped one.)  So one thread per process with server instances, the
 * guard, sleeps in an epoll set where each such listening socket is armed
 * for one report; when one is readable, it does what ConnectNamedPipe
 * would: drops the connections that are not the listen's claim, and takes
 * the claim's client, who is then connected, as on Windows, where a client
 * that opens a listening instance is connected at once and the server's
 * ConnectNamedPipe then says ERROR_PIPE_CONNECTED.  The socket is armed
 * again while the instance still listens.
 *
 * The guard finds an instance by its listening socket in its list, and
 * marks it as the one it works on (np_guard_busy) while it holds the
 * list's lock.  It takes no reference: a handle's CloseHandle is to close
 * the connection before it returns, whatever the guard does.  The
 * instance's destruction waits for that work to end, and then takes the
 * instance out of the list (np_guard_forget).  In a child made by fork()
 * the parent's set and thread are not the child's: a new generation
 * starts with a set of its own (guard_gen).
 */
static wipc_mutex np_guard_lock = WIPC_MUTEX_INIT;
static wipc_cond np_guard_done = WIPC_COND_INIT;
static struct wipc_npipe *np_guard_list; /* under np_guard_lock */
static struct wipc_npipe *np_guard_busy; /* under np_guard_lock */
static int np_guard_ep = -1;             /* under np_guard_lock */
static atomic_uint np_guard_forks;       /* bumped in each forked child */
static unsigned np_guard_gen;            /* np_guard_ep's generation */

static void np_guard_forked(void)
{
    /* Only memory stores here (async-signal-safe): the parent's lock may
     * have been held by one of its threads at the fork, which are not the
     * child's. */
    np_guard_lock = (wipc_mutex)WIPC_MUTEX_INIT;
    np_guard_done = (wipc_cond)WIPC_COND_INIT;
    np_guard_busy = NULL;
    np_guard_ep = -1; /* the parent's set: its descriptor closes at exec */
    atomic_fetch_add(&np_guard_forks, 1);
}

static void np_guard_fired(struct wipc_npipe *p);

static void *np_guard_main(void *arg)
{
    int ep = (int)(intptr_t)arg;
    for (;;) {
        struct wipc_plat_pollfd ev[16];
        int n = 0;
        if (wipc_plat_epoll_wait(ep, ev, 16, -1, &n) != 0)
            continue;
        for (int i = 0; i < n; i++) {
            struct wipc_npipe *p;
            wipc_mutex_lock(&np_guard_lock);
            for (p = np_guard_list; p && p->lfd != ev[i].fd; p = p->guard_next)
                ;
            np_guard_busy = p;
            wipc_mutex_unlock(&np_guard_lock);
            if (!p)
                continue;
            np_guard_fired(p);
            wipc_mutex_lock(&np_guard_lock);
            np_guard_busy = NULL;
            wipc_cond_broadcast(&np_guard_done);
            wipc_mutex_unlock(&np_guard_lock);
        }
    }
    return NULL;
}

/* The guard's set, made with its thread on first use (np_guard_lock
 * held): -1 if either cannot be had (the instance is then as before). */
static int np_guard_set_locked(void)
{
    static atomic_int atfork;
    unsigned gen = atomic_load(&np_guard_forks);
    int ep;
    if (np_guard_ep >= 0 && np_guard_gen == gen)
        return np_guard_ep;
    if (!atomic_exchange(&atfork, 1))
        wipc_plat_atfork_child(np_guard_forked);
    if (wipc_plat_epoll_create(&ep) != 0)
        return -1;
    if (wipc_plat_thread_start_quiet(np_guard_main, (void *)(intptr_t)ep,
                                     64 * 1024) != 0) {
        wipc_plat_close(ep);
        return -1;
    }
    np_guard_ep = ep;
    np_guard_gen = gen;
    return ep;
}

/* The instance listens and nobody accepts for it (p->lock held): its
 * listening socket is armed in the guard's set, if it is not already. */
static void np_guard_arm_locked(struct wipc_npipe *p)
{
    int ep;
    if (p->lfd < 0 || p->inst_fd < 0 || p->state != NP_LISTENING ||
        p->waiters || p->io_listens)
        return;
    wipc_mutex_lock(&np_guard_lock);
    ep = np_guard_set_locked();
    if (p->guard_gen != np_guard_gen)
        p->guard_added = p->guard_armed = 0; /* a set of before a fork */
    if (ep >= 0 && !p->guard_armed) {
        if (!p->guard_listed) {
            p->guard_prev = NULL;
            p->guard_next = np_guard_list;
            if (np_guard_list)
                np_guard_list->guard_prev = p;
            np_guard_list = p;
            p->guard_listed = 1;
        }
        if (wipc_plat_epoll_set(ep, p->lfd, WIPC_PLAT_POLL_IN,
                                !p->guard_added) == 0) {
            p->guard_added = p->guard_armed = 1;
            p->guard_gen = np_guard_gen;
        }
    }
    wipc_mutex_unlock(&np_guard_lock);
}

static void np_guard_arm(struct wipc_npipe *p)
{
    wipc_mutex_lock(&p->lock);
    np_guard_arm_locked(p);
    wipc_mutex_unlock(&p->lock);
}

/* The guard saw p's listening socket readable (its socket is no longer
 * armed): unless someone accepts for the instance now (a ConnectNamedPipe
 * waiting, a pending overlapped one: they are woken too), takes what
 * waits in the backlog, at most NP_DRAIN_MAX connections a time. */
static void np_guard_fired(struct wipc_npipe *p)
{
    wipc_mutex_lock(&p->lock);
    p->guard_armed = 0;
    if (p->state == NP_LISTENING && p->inst_fd >= 0 && !p->waiters &&
        !p->io_listens) {
        np_accept_pending_seen(p, 1);
        np_guard_arm_locked(p); /* if it still listens */
    }
    wipc_mutex_unlock(&p->lock);
}

/* p is being destroyed: it leaves the guard's list and set. */
static void np_guard_forget(struct wipc_npipe *p)
{
    if (!p->guard_listed)
        return;
    wipc_mutex_lock(&np_guard_lock);
    while (np_guard_busy == p) /* the guard's work on it is short */
        wipc_cond_wait_ms(&np_guard_done, &np_guard_lock, 100);
    if (p->guard_prev)
        p->guard_prev->guard_next = p->guard_next;
    else
        np_guard_list = p->guard_next;
    if (p->guard_next)
        p->guard_next->guard_prev = p->guard_prev;
    p->guard_listed = 0;
    if (p->guard_added && p->guard_gen == np_guard_gen && np_guard_ep >= 0)
        wipc_plat_epoll_del(np_guard_ep, p->lfd);
    wipc_mutex_unlock(&np_guard_lock);
}

/* Client: 1 if its server has disconnected it (DisconnectNamedPipe).  No
 * mutex: the server writes its count before it cuts the connection, and a
 * slot whose socket id is still ours is still our instance's.  Looked at
 * before every read and write (p->lock held).  Ends rebuilt from an
 * inherited descriptor cannot tell (0). */
static int np_dropped(struct wipc_npipe *p)
{
    struct np_slot s;
    const struct np_slot *m = np_reg_slot(p->reg, p->slot);
    if (m)
        return __atomic_load_n(&m->sock_id, __ATOMIC_ACQUIRE) == p->sock_id &&
               __atomic_load_n(&m->dropped, __ATOMIC_ACQUIRE) != p->dropped;
    return p->reg && np_read_slot(p->reg->f.fd, p->slot, &s) == 0 &&
           s.sock_id == p->sock_id && s.dropped != p->dropped;
}

/*
 * After the connection ended (EOF or a failed write): the server sees its
 * client gone (ERROR_BROKEN_PIPE), or its own DisconnectNamedPipe ending a
 * read or write in another thread (ERROR_PIPE_NOT_CONNECTED); a client
 * tells a server that disconnected it (recorded in the slot first:
 * ERROR_PIPE_NOT_CONNECTED) from one that closed or died
 * (ERROR_BROKEN_PIPE).
 */
static DWORD np_peer_gone(struct wipc_npipe *p)
{
    int disconnected;

    wipc_mutex_lock(&p->lock);
    if (p->state == NP_CONNECTED)
        p->state = NP_BROKEN;
    if (!p->server && p->state != NP_DISCONNECTED && np_dropped(p))
        p->state = NP_DISCONNECTED;
    disconnected = p->state == NP_DISCONNECTED;
    wipc_mutex_unlock(&p->lock);
    return disconnected ? ERROR_PIPE_NOT_CONNECTED : ERROR_BROKEN_PIPE;
}

/*
 * The connection to use for I/O, or the state's error.  look (a client
 * about to read or peek, rlock held, or to flush): fail with
 * ERROR_PIPE_NOT_CONNECTED if its server has disconnected it, even with
 * data still queued: as on Windows, the data is discarded.  Bytes already in the read buffer are
 * not (the caller passes look = 0 then): the kernel's queue is what
 * FlushFileBuffers waits to see drained, so for the server they are read.
 */
static DWORD np_conn_look(struct wipc_npipe *p, int *fd, int look)
{
    DWORD err = 0;
    wipc_mutex_lock(&p->lock);
    if (p->server && p->state == NP_LISTENING)
        err = np_accept_pending_locked(p);
    if (look && !p->server && p->state != NP_DISCONNECTED && np_dropped(p))
        p->state = NP_DISCONNECTED;
    if (!err) {
        switch (p->state) {
        case NP_CONNECTED:
        case NP_BROKEN: /* reads may still drain what is queued */
            np_q_take(p, 0);
            *fd = p->conn;
            break;
        case NP_DISCONNECTED:
            err = ERROR_PIPE_NOT_CONNECTED;
            break;
        default:
            err = ERROR_PIPE_LISTENING;
        }
    }
    wipc_mutex_unlock(&p->lock);
    return err;
}

static DWORD np_conn(struct wipc_npipe *p, int *fd)
{
    return np_conn_look(p, fd, 0);
}

/* ---- Reading ------------------------------------------------------------------ */

static DWORD np_recv(struct wipc_npipe *p, int fd, void *a, size_t alen,
                     void *b, size_t blen, int nonblock, int peek,
                     size_t *got);

/* Byte pipes, before the direction's first read: its writer's page, if it
 * sent one with its first bytes, is taken before any byte is (one peek), so
 * that bytes it has cancelled already are dropped (np_q_skip_bytes).
 * Message pipes take it with the first frame header. */
static void np_q_look(struct wipc_npipe *p, int fd)
{
    char c;
    size_t n = 0;
    if (!p->q_rlazy && __atomic_load_n(&p->qtaken, __ATOMIC_RELAXED) == 0 &&
        !p->remote)
        np_recv(p, fd, NULL, 0, &c, 1, 1, 1, &n);
}

/* One read of the connection (wipc_plat_recv2): a quota page its writer
 * sent with its first bytes comes with them, and is taken (np_q_adopt).
 * The kernel ends a read after such bytes: the read goes on, without
 * waiting, with what is queued behind them, as it would without a page. */
static DWORD np_recv(struct wipc_npipe *p, int fd, void *a, size_t alen,
                     void *b, size_t blen, int nonblock, int peek,
                     size_t *got)
{
    int fds[WIPC_PLAT_STREAM_FDS_MAX];
    size_t nfds = 0, more = 0;
    DWORD err = wipc_plat_recv2_fds(fd, a, alen, b, blen, nonblock, peek, got,
                                    fds, WIPC_PLAT_STREAM_FDS_MAX, &nfds);
    if (!nfds)
        return err;
    np_q_adopt(p, fds, nfds);
    if (err || peek || *got == 0 || *got >= alen + blen)
        return err;
    if (*got < alen)
        err = wipc_plat_recv2_fds(fd, (char *)a + *got, alen - *got, b, blen,
                                  1, 0, &more, fds, WIPC_PLAT_STREAM_FDS_MAX,
                                  &nfds);
    else
        err = wipc_plat_recv2_fds(fd, NULL, 0, (char *)b + (*got - alen),
                                  alen + blen - *got, 1, 0, &more, fds,
                                  WIPC_PLAT_STREAM_FDS_MAX, &nfds);
    if (nfds)
        np_q_adopt(p, fds, nfds); /* a second page: closed */
    *got += more;
    return err == ERROR_NO_DATA ? 0 : err;
}

static size_t np_rbuf_avail(const struct wipc_npipe *p);

/* Byte pipes: drops the cancelled bytes at the reader's position (a skip
 * record, struct np_qskip), waiting for them unless nonblock
 * (ERROR_NO_DATA when some are still to come), and cuts *len so that the
 * read stops before the next cancelled bytes. */
static DWORD np_q_skip_bytes(struct wipc_npipe *p, int fd, int nonblock,
                             DWORD *len)
{
    uint64_t drop, clear;
    char tmp[4096];

    for (;;) {
        size_t n = 0;
        DWORD err;
        /* Claimed again from each new position: what the read takes after
         * the drop is covered too. */
        if (!np_q_claim(p, 0, *len))
            return 0;
        np_q_skip_at(p, np_q_pos(p), 1, &drop, &clear);
        if (drop == 0)
            break;
        err = np_recv(p, fd, NULL, 0, tmp,
                              drop < sizeof tmp ? (size_t)drop : sizeof tmp,
                              nonblock, 0, &n);
        if (err)
            return err;
        if (n == 0)
            return np_peer_gone(p);
        np_q_took(p, n);
    }
    if (clear < *len)
        *len = (DWORD)clear;
    return 0;
}

/* Message pipes: drops the rest of the message being read (in_msg, with
 * payload left) if its writer cancelled it (a skip record at the reader's
 * position; records cover whole messages), from the read buffer and then
 * the socket, waiting for it unless nonblock (ERROR_NO_DATA when some is
 * still to come).  *gone: it was dropped, and in_msg is 0.  *counted: the
 * payload bytes of the caller's read taken so far (done), counted first,
 * so that the reader's position is right. */
static DWORD np_q_skip_msg(struct wipc_npipe *p, int fd, int nonblock,
                           DWORD done, DWORD *counted, int *gone)
{
    uint64_t drop, clear;

    *gone = 0;
    /* The rest of the message is claimed, behind what the caller's read
     * has taken and not counted yet. */
    if (!p->in_msg || p->msg_left == 0 ||
        !np_q_claim(p, done - *counted, p->msg_left))
        return 0;
    np_q_took(p, done - *counted);
    *counted = done;
    np_q_skip_at(p, np_q_pos(p), 1, &drop, &clear);
    if (drop == 0)
        return 0;
    while (p->msg_left > 0) {
        size_t c = np_rbuf_avail(p) < p->msg_left ? np_rbuf_avail(p)
                                                  : p->msg_left;
        if (c == 0) {
            size_t n = 0;
            DWORD err;
            p->rstart = p->rend = 0;
            err = np_recv(p, fd, NULL, 0, p->rbuf,
                                  p->msg_left < NP_RBUF ? p->msg_left : NP_RBUF,
                                  nonblock, 0, &n);
            if (err)
                return err;
            if (n == 0)
                return np_peer_gone(p);
            p->rend = n;
            continue;
        }
        p->rstart += c;
        p->msg_left -= (uint32_t)c;
        np_q_took(p, c);
    }
    p->in_msg = 0;
    *gone = 1;
    return 0;
}

static DWORD np_read_bytes(struct wipc_npipe *p, int fd, void *buf, DWORD len,
                           DWORD *got)
{
    size_t n = 0;
    DWORD err;

    if (len == 0)
        return 0; /* Null read succeeds. */
    np_q_look(p, fd);
    if ((err = np_q_skip_bytes(p, fd, atomic_load(&p->nowait), &len)) != 0)
        return err;
    err = np_recv(p, fd, NULL, 0, buf, len, atomic_load(&p->nowait), 0,
                          &n);
    if (err)
        return err; /* ERROR_NO_DATA: nothing queued in PIPE_NOWAIT */
    if (n == 0)
        return np_peer_gone(p);
    *got = (DWORD)n;
    np_q_took(p, n);
    return 0;
}

static size_t np_rbuf_avail(const struct wipc_npipe *p)
{
    return p->rend - p->rstart;
}

/* Reads more of the stream into the read buffer, at most max bytes. */
static DWORD np_fill(struct wipc_npipe *p, int fd, int nonblock, size_t max,
                     size_t *n)
{
    if (p->rstart > 0) {
        memmove(p->rbuf, p->rbuf + p->rstart, np_rbuf_avail(p));
        p->rend -= p->rstart;
        p->rstart = 0;
    }
    if (max > NP_RBUF - p->rend)
        max = NP_RBUF - p->rend;
    DWORD err =
        np_recv(p, fd, NULL, 0, p->rbuf + p->rend, max, nonblock, 0, n);
    if (!err)
        p->rend += *n;
    return err;
}

/* A message's frame header: its length, then zeros (16 bytes), or for a
 * remote client 2 bytes, little-endian (npipe_remote.h).  Returns the
 * header's size. */
static size_t np_frame_put(const struct wipc_npipe *p, char *h, uint32_t len)
{
    if (p->frame == WIPC_NPR_FRAME) {
        h[0] = (char)(len & 0xff);
        h[1] = (char)(len >> 8);
        return WIPC_NPR_FRAME;
    }
    memset(h, 0, NP_FRAME);
    memcpy(h, &len, 4);
    return NP_FRAME;
}

static uint32_t np_frame_len(const struct wipc_npipe *p, const char *h)
{
    uint32_t len;
    if (p->frame == WIPC_NPR_FRAME)
        return (uint32_t)(unsigned char)h[0] | (uint32_t)(unsigned char)h[1] << 8;
    memcpy(&len, h, 4);
    return len;
}

/* A message a remote client cannot be sent: SMB carries none empty or
 * longer than 65,535 bytes in message mode (docs/remote-pipes.md). */
static DWORD np_remote_msg_check(const struct wipc_npipe *p, DWORD len)
{
    if (p->frame == WIPC_NPR_FRAME && (len == 0 || len > WIPC_NPR_MSG_MAX))
        return ERROR_NOT_SUPPORTED;
    return 0;
}

/* Starts the next message: its header must be read (blocking unless
 * nonblock).  ERROR_NO_DATA if nonblock and nothing is there.  After a
 * long message, with room for another in the caller's buffer (room), only
 * the header is read: the payload then goes straight to the caller
 * instead of through the read buffer. */
static DWORD np_next_header(struct wipc_npipe *p, int fd, int nonblock,
                            DWORD room)
{
    size_t max = p->last_len >= 4096 && room >= 4096 ? p->frame : NP_RBUF;
    while (np_rbuf_avail(p) < p->frame) {
        size_t n = 0;
        DWORD err = np_fill(p, fd, nonblock, max - np_rbuf_avail(p), &n);
        if (err)
            return err;
        if (n == 0)
            return np_peer_gone(p);
    }
    p->msg_left = np_frame_len(p, p->rbuf + p->rstart);
    p->rstart += p->frame;
    p->in_msg = 1;
    p->last_len = p->msg_left;
    return 0;
}

/* Message pipes: one message per read in message read mode (the rest of a
 * long one stays queued behind ERROR_MORE_DATA), across messages in byte
 * read mode. */
static DWORD np_read_messages(struct wipc_npipe *p, int fd, char *buf,
                              DWORD len, DWORD *got)
{
    int msg_mode = (atomic_load(&p->read_mode) & PIPE_READMODE_MESSAGE) != 0;
    int nowait = atomic_load(&p->nowait) != 0;
    int took = 0; /* a message (even a zero-length one) was taken */
    DWORD total = 0, err = 0, counted = 0;

    if (!p->rbuf && !(p->rbuf = malloc(NP_RBUF)))
        return ERROR_NOT_ENOUGH_MEMORY;
    for (;;) {
        DWORD want;
        size_t c;
        int took_before = took, gone = 0;

        /* A full buffer ends a byte-mode read before the next message,
         * even a zero-length one: that stays queued for the next read
         * (Wine's test_blocking_rw, which passes on Windows). */
        if (!p->in_msg && total == len && (took || total > 0))
            break;
        if (!p->in_msg) {
            err = np_next_header(p, fd, nowait || took || total > 0,
                                 len - total);
            if (err)
                break;
            took = 1;
            if (p->msg_left == 0) { /* a zero-length message */
                p->in_msg = 0;
                if (msg_mode)
                    break;
                /* In byte read mode the read goes on with what is queued
                 * behind it, but does not wait for more: a zero-length
                 * message alone is a read of 0 bytes, even when the
                 * writer closed just after it (Wine's test_CloseHandle,
                 * which passes on Windows). */
                continue;
            }
        }
        /* A message its writer cancelled is not read. */
        err = np_q_skip_msg(p, fd, nowait || took_before || total > 0, total,
                            &counted, &gone);
        if (err)
            break;
        if (gone) {
            took = took_before;
            continue;
        }
        want = p->msg_left < len - total ? p->msg_left : len - total;
        if (want == 0) {
            if (msg_mode)
                err = ERROR_MORE_DATA; /* the rest stays for the next read */
            break;
        }
        c = np_rbuf_avail(p) < want ? np_rbuf_avail(p) : want;
        memcpy(buf + total, p->rbuf + p->rstart, c);
        p->rstart += c;
        total += (DWORD)c;
        p->msg_left -= (uint32_t)c;
        want -= (DWORD)c;
        if (want > 0) {
            /* The buffer is empty: the payload goes straight to the
             * caller, and whatever follows it (the next header, or short
             * messages) into the buffer; after a long payload only the
             * header, so long messages are never copied twice. */
            size_t n = 0, to_user;
            p->rstart = p->rend = 0;
            err = np_recv(p, fd, buf + total, want, p->rbuf,
                                  want >= 4096 ? p->frame : NP_RBUF,
                                  !msg_mode && total > 0, 0, &n);
            if (err)
                break;
            if (n == 0) {
                err = np_peer_gone(p);
                break;
            }
            to_user = n < want ? n : want;
            total += (DWORD)to_user;
            p->msg_left -= (uint32_t)to_user;
            p->rend = n - to_user;
        }
        if (p->msg_left == 0) {
            p->in_msg = 0;
            if (msg_mode)
                break;
        }
    }
    *got = total;
    np_q_took(p, total - counted);
    /* In byte read mode, what was read is a success even if the next read
     * would block or find the pipe broken. */
    if (err && err != ERROR_MORE_DATA && (took || total > 0) && !msg_mode)
        err = 0;
    return err;
}

static DWORD np_read(struct wipc_object *obj, void *buf, DWORD len,
                     int64_t offset, DWORD *got)
{
    struct wipc_npipe *p = np_of(obj);
    int fd;
    DWORD err;

    (void)offset;
    *got = 0;
    /* The connection is looked up under rlock: DisconnectNamedPipe closes
     * it only once it holds rlock (and wlock) itself, so no descriptor is
     * closed, or reused, under a read. */
    wipc_mutex_lock(&p->rlock);
    err = np_conn_look(p, &fd, !(p->rbuf && np_rbuf_avail(p) > 0));
    if (!err && p->q_pending) {
        /* The server's preamble comes first: wait for something to come,
         * as the read would, and take it. */
        char c;
        size_t n = 0;
        err = wipc_plat_recv2(fd, NULL, 0, &c, 1, atomic_load(&p->nowait), 1,
                              &n);
        if (!err)
            np_q_await(p, 0);
    }
    if (!err && (p->cfg.pipe_type & PIPE_TYPE_MESSAGE))
        err = np_read_messages(p, fd, buf, len, got);
    else if (!err)
        err = np_read_bytes(p, fd, buf, len, got);
    np_q_unclaim(p); /* after the take is counted (np_q_took) */
    wipc_mutex_unlock(&p->rlock);
    return err;
}

/* ---- Writing ------------------------------------------------------------------ */

/* PIPE_NOWAIT: how much of a write of len bytes goes, with the quota:
 * all of it if it fits (the reader's waiting read counts as room), else
 * nothing; in a byte pipe, what the waiting read takes at once (Wine's
 * test_nowait, which passes on Windows).  wlock held. */
static DWORD np_q_nowait_len(struct wipc_npipe *p, DWORD len, int msg)
{
    uint64_t unread, reading;
    if (!np_q_on(p) || !atomic_load(&p->nowait) || len == 0)
        return len;
    unread = np_q_unread(p, np_q_sent(p));
    reading = __atomic_load_n(&np_q_page(p, np_q_wdir(p))->dir[np_q_wdir(p)].reading,
                              __ATOMIC_RELAXED);
    if (unread + len <= (uint64_t)np_q_size(p) + reading)
        return len;
    if (msg || reading <= unread)
        return 0;
    return reading - unread < len ? (DWORD)(reading - unread) : len;
}

/*
 * A write waiting for room is cancelled (CancelIoEx, CancelSynchronousIo):
 * its bytes [from, to) of the stream, all sent already, are taken back by
 * a skip record (struct np_qskip) that the reader follows; those already
 * read stay read, as on Windows (conformance npipe_quota: the write fails
 * with ERROR_OPERATION_ABORTED, 0 bytes, and the reader never gets the
 * rest).  1 if they are taken back (the write is cancelled); 0 if the
 * reader was taking them at that moment and won the record's race
 * (struct np_qskip), if it has read them all, or if no record is free
 * (NP_Q_SKIPS still live): the bytes stay, the write's pending record
 * goes, and the write completes with them, as an operation being
 * cancelled may on Windows (CancelIoEx: "the operation completed
 * normally").  Never waits for the reader.  p->lock held.
 */
static int np_q_take_back(struct wipc_npipe *p, uint64_t from, uint64_t to)
{
    struct np_qdir *q;
    struct np_qskip *r;
    uint64_t pos, claim;
    uint32_t k = NP_QS_CANCELLING;

    if (!np_q_page(p, np_q_wdir(p)))
        return 1; /* no quota: nothing waited for room */
    q = &np_q_page(p, np_q_wdir(p))->dir[np_q_wdir(p)];
    if (__atomic_load_n(&q->pos, __ATOMIC_SEQ_CST) >= to) {
        np_q_pend_end(p, from, to); /* all read: the write is over */
        return 0;
    }
    /* The write's pending record is being cancelled (or a new record). */
    r = np_q_pending_rec(q, from, to);
    if (r) {
        __atomic_store_n(&r->kind, NP_QS_CANCELLING, __ATOMIC_SEQ_CST);
        __atomic_add_fetch(&q->nskip, 1, __ATOMIC_SEQ_CST);
    } else if (!(r = np_q_record(q, from, to, NP_QS_CANCELLING))) {
        return 0;
    }
    /* A reader that may be taking some of its unread bytes without having
     * seen that (or one that has read them all): the compare-and-swap
     * decides. */
    claim = __atomic_load_n(&q->claim, __ATOMIC_SEQ_CST);
    pos = __atomic_load_n(&q->pos, __ATOMIC_SEQ_CST);
    if (pos >= to || claim > (pos > from ? pos : from)) {
        if (__atomic_compare_exchange_n(&r->kind, &k, NP_QS_PENDING, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            __atomic_add_fetch(&q->nskip, 1, __ATOMIC_SEQ_CST);
            np_q_pend_end(p, from, to); /* delivered: the write is over */
            return 0;
        }
    } else {
        /* The reader's next look finds it (it may have made it cancelled
         * already). */
        __atomic_compare_exchange_n(&r->kind, &k, NP_QS_CANCELLED, 0,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    /* The writes behind it may fit now, and a flush be over. */
    np_q_wake(p, np_q_wdir(p));
    return 1;
}

/*
 * p->lock held, a write waiting for room looks again (not on the way of a
 * write that fits): 1 if the reader takes the bytes without counting
 * them, and then the quota is off for the rest of the connection (and
 * every writer waiting for room goes on).  A process that does not use
 * winipc reads so (a shell script given the end as its input, whose page
 * came with the first bytes it read): a writer would wait for it for ever.
 * The kernel says how much of what was sent is still in the socket; less
 * than the quota's count, beyond what a winipc reader may hold (a message
 * pipe's read buffer), on two looks in a row with the reader's position
 * unchanged (a winipc reader counts at once after its receive) means so.
 */
static int np_q_uncounted(struct wipc_npipe *p)
{
    struct np_qpage *q = np_q_page(p, np_q_wdir(p));
    uint64_t slack = (p->cfg.pipe_type & PIPE_TYPE_MESSAGE) ? NP_RBUF : 0;
    uint64_t pos, unread;
    size_t sock = 0;

    if (!q || p->conn < 0 ||
        wipc_plat_socket_unread_out(p->conn, &sock) != 0)
        return 0;
    pos = __atomic_load_n(&q->dir[np_q_wdir(p)].pos, __ATOMIC_SEQ_CST);
    unread = np_q_unread(p, np_q_sent(p));
    if (unread <= (uint64_t)sock + slack) {
        p->q_odd = 0;
        return 0;
    }
    if (!p->q_odd || p->q_odd_pos != pos) {
        p->q_odd = 1;
        p->q_odd_pos = pos;
        return 0;
    }
    __atomic_store_n(&q->off, 1, __ATOMIC_RELEASE);
    np_q_wake(p, np_q_wdir(p));
    return 1;
}

/*
 * A synchronous write over the quota, before it says it waits and sleeps:
 * lets the reader run, a moment at a time (sched_yield), for at most
 * NP_Q_SPIN_NS, and looks again after each.  A writer that runs ahead of
 * its reader waits for it at every other chunk at least (a write completes
 * only once what it leaves unread fits the quota).  Asleep, it costs the
 * reader a FUTEX_WAKE, and the wake-up a switch back to the writer: on one
 * CPU before the reader has read on (the woken writer runs first, sends
 * its next chunk, finds no room and sleeps again: two switches a chunk),
 * on two a wake-up across CPUs, while the reader, finishing the chunk
 * before, was about to make the room.  Yielding, the writer lets the
 * reader on its CPU read until it waits for data, and sees the reader on
 * the other CPU make room a few microseconds later; the reader makes no
 * system call for it (the writer has not said it waits).  1 once the
 * write fits, or the quota is off (the caller looks why).
 */
static int np_q_spin(struct wipc_npipe *p, uint64_t end)
{
    uint64_t t0 = wipc_plat_now_ns();
    for (int i = 0;
         i < NP_Q_SPINS && wipc_plat_now_ns() - t0 < NP_Q_SPIN_NS; i++) {
        int done;
        wipc_plat_yield();
        wipc_mutex_lock(&p->lock); /* the page stays while it is held */
        done = !np_q_on(p) || np_q_fits(p, end);
        wipc_mutex_unlock(&p->lock);
        if (done)
            return 1;
    }
    return 0;
}

/*
 * A synchronous write whose bytes are out waits until no more than the
 * quota of what it wrote, up to stream position end, is unread (the
 * overlapped one's np_io_drain).  It sleeps on the page's futex word,
 * looking every NP_Q_LOOK_MS whether the reader is still there, without
 * wlock, so the end's other threads write meanwhile.  0 once it fits (or
 * the quota is off), else the error the write fails with.  CancelSynchronousIo
 * ends the wait (ERROR_OPERATION_ABORTED) and takes the write's unread
 * bytes, [from, end) of the stream, back out of the pipe, as cancelling an
 * overlapped write does (Windows does the same: conformance npipe_quota).
 * pending: its bytes are recorded as pending already (np_q_pend_early);
 * else they are once it waits.
 */
static DWORD np_q_wait_room(struct wipc_npipe *p, uint64_t from, uint64_t end,
                            int pending)
{
    DWORD err;
    int spun = 0;

    for (int looks = 0;; looks++) {
        uint32_t *word, val;
        int closed = 0;

        wipc_mutex_lock(&p->lock);
        /* Read first: a reader that took the bytes and then disconnected
         * (Wine's test_overlapped: ReadFile, DisconnectNamedPipe) leaves
         * a write that succeeded. */
        if (!np_q_on(p)) {
            err = p->state == NP_DISCONNECTED ? ERROR_PIPE_NOT_CONNECTED : 0;
            goto over;
        }
        /* Within the quota (the common case) it does not say it waits:
         * the reader then has no one to wake, and makes no system call
         * for it.  Only a write that must wait says so, and looks again
         * (a read in between saw the word set, or is seen here). */
        if (np_q_fits(p, end)) {
            err = 0;
            goto over;
        }
        if (!spun) { /* first, the reader may run a moment (np_q_spin) */
            wipc_mutex_unlock(&p->lock);
            spun = 1;
            np_q_spin(p, end);
            looks = -1; /* the look after it is still the first */
            continue;
        }
        val = np_q_want_room(p, end, NP_Q_W_SYNC);
        if (np_q_fits(p, end)) {
            err = 0;
            goto over;
        }
        /* Its bytes are pending: gone with this process if it dies. */
        if (!pending) {
            np_q_pend_start(p, from, end);
            pending = 1;
        }
        if (p->state == NP_DISCONNECTED ||
            (!p->server && np_dropped(p))) {
            p->state = NP_DISCONNECTED;
            err = ERROR_PIPE_NOT_CONNECTED;
            goto over;
        }
        if (wipc_plat_sync_io_cancelled()) {
            /* Taken back; or its reader took it at that moment: done. */
            int back = np_q_take_back(p, from, end);
            wipc_mutex_unlock(&p->lock);
            return back ? ERROR_OPERATION_ABORTED : 0;
        }
        /* The reader is gone when its end is closed (or its process
         * died), not when it only shut its sending side (winipc connect's
         * half-close at the end of its input): it still reads, and a
         * write waiting for room must go on (it failed, and the rest of
         * the data was lost, in 1 of 15 runs of tool_serve_connect).
         * Looked at after each sleep, not before the first: the write
         * has just sent its bytes to a reader that was there (the send
         * fails otherwise), a reader that closes its end wakes the word
         * (np_q_drop), and one killed meanwhile is seen at the next look;
         * a write that waits once per chunk makes one system call less. */
        closed = p->conn < 0 || (looks > 0 && wipc_plat_peer_hung_up(p->conn));
        if (closed)
            np_q_pend_end(p, from, end);
        /* A reader that is there but does not count (after the look for
         * a closed one: a closed reader's bytes are gone from the socket
         * too, and its writes fail). */
        else if (looks > 0 && np_q_uncounted(p)) {
            err = 0;
            goto over;
        }
        word = &np_q_page(p, np_q_wdir(p))->dir[np_q_wdir(p)].waiting;
        /* The page stays mapped while the end lives: a disconnection
         * unmaps it only once it holds p->lock, and a wait on a word
         * unmapped meanwhile ends at once (the state then says why). */
        wipc_mutex_unlock(&p->lock);
        if (closed) {
            err = np_peer_gone(p);
            return err == ERROR_PIPE_NOT_CONNECTED ? err : ERROR_BROKEN_PIPE;
        }
        wipc_plat_futex_wait(word, val, NP_Q_LOOK_MS);
    }
over:
    if (pending)
        np_q_pend_end(p, from, end);
    wipc_mutex_unlock(&p->lock);
    return err;
}

static DWORD np_write(struct wipc_object *obj, const void *buf, DWORD len,
                      int64_t offset, DWORD *done)
{
    struct wipc_npipe *p = np_of(obj);
    int msg = (p->cfg.pipe_type & PIPE_TYPE_MESSAGE) != 0;
    char hdr[NP_FRAME];
    size_t n = 0, hlen = 0;
    uint64_t end;
    int fd, qfds[2], qmade = 0, pend = 0;
    uint64_t pfrom, pto;
    DWORD err;

    (void)offset;
    *done = 0;
    wipc_mutex_lock(&p->wlock); /* the connection too: see np_read */
    err = np_conn(p, &fd);
    if (!err && msg)
        err = np_remote_msg_check(p, len);
    if (err || (!msg && len == 0)) { /* Null write succeeds. */
        wipc_mutex_unlock(&p->wlock);
        return err;
    }
    if (len > 0) /* the direction's first bytes bring its page */
        qmade = np_q_make(p, qfds);
    if (len > 0 && np_q_on(p) && atomic_load(&p->nowait)) {
        /* PIPE_NOWAIT with the quota: what fits, or nothing. */
        len = np_q_nowait_len(p, len, msg);
        if (len == 0) {
            if (qmade == 1)
                np_q_unmake(p, qfds);
            wipc_mutex_unlock(&p->wlock);
            return 0;
        }
    }
    if (!atomic_load(&p->nowait))
        pend = np_q_pend_early(p, len, &pfrom, &pto);
    if (msg)
        hlen = np_frame_put(p, hdr, len);
    if (msg && len <= NP_SMALL_MSG) {
        /* A short message goes out as one buffer, header and all: the
         * kernel takes one buffer faster than two (wipc_plat_send2). */
        char one[NP_FRAME + NP_SMALL_MSG];
        memcpy(one, hdr, hlen);
        if (len)
            memcpy(one + hlen, buf, len);
        err = wipc_plat_send2_fds(fd, NULL, 0, one, hlen + len,
                                  atomic_load(&p->nowait) != 0, qfds,
                                  qmade ? 2 : 0, &n);
    } else {
        err = wipc_plat_send2_fds(fd, hdr, hlen, buf, len,
                                  atomic_load(&p->nowait) != 0, qfds,
                                  qmade ? 2 : 0, &n);
    }
    if (qmade)
        np_q_made(p, qmade, qfds, n > 0);
    end = np_q_sent_add(p, n > hlen ? n - hlen : 0);
    /* Recorded before the send, but not all went, or not there (another
     * process wrote through the end meanwhile): the record goes; a write
     * that waits is recorded again as it waits. */
    if (pend && (err || n - hlen != len || end != pto)) {
        wipc_mutex_lock(&p->lock);
        np_q_pend_end(p, pfrom, pto);
        wipc_mutex_unlock(&p->lock);
        pend = 0;
    }
    wipc_mutex_unlock(&p->wlock);
    if (err == ERROR_BUSY) /* PIPE_NOWAIT and no room: nothing written */
        return 0;
    if (err == ERROR_NO_DATA) {
        /* A write the peer's end went away under (part of it was sent)
         * was pending: Windows fails it with ERROR_BROKEN_PIPE (Wine's
         * test_overlapped_transport); a write to a pipe already broken
         * fails with ERROR_NO_DATA. */
        err = np_peer_gone(p);
        if (err == ERROR_PIPE_NOT_CONNECTED)
            return err;
        return n > 0 ? ERROR_BROKEN_PIPE : ERROR_NO_DATA;
    }
    if (err)
        return err;
    /* Out, and within the quota, or once the reader has taken enough
     * (a zero-length message never waits). */
    if (len > 0 && !atomic_load(&p->nowait) &&
        (err = np_q_wait_room(p, end - (n - hlen), end, pend)))
        return err;
    *done = (DWORD)(n - hlen);
    return 0;
}

/*
 * FlushFileBuffers: returns once the peer has read everything sent.  The
 * peer's going away with bytes unread ends the wait with ERROR_BROKEN_PIPE
 * (what Windows completes a pending flush with, in Wine's
 * test_overlapped_transport), but a peer that read everything and then
 * closed leaves a success (Wine's test_NamedPipe_2 servers), even if the
 * flush sees both only after the close: the kernel tells the two apart
 * (wipc_plat_socket_reset).  A disconnection ends the wait with
 * ERROR_PIPE_NOT_CONNECTED, on either end (np_peer_gone).
 *
 * wlock is held for each look, never while the flush sleeps: other
 * threads write on meanwhile (a zero-length write "will not block", Wine's
 * test_overlapped_transport).  Each look is at the connection the flush
 * began with, still open: DisconnectNamedPipe closes it only once it holds
 * wlock, and after it the state, or a new connection's conn_gen, says so.
 */
static DWORD np_flush(struct wipc_object *obj)
{
    struct wipc_npipe *p = np_of(obj);
    DWORD err;
    unsigned gen;
    int fd, waited = 0, ep = -1;

    wipc_mutex_lock(&p->wlock);
    /* A client its server disconnected knows it at once, whatever it had
     * sent: the kernel dropped the bytes, so the queue looks drained. */
    err = np_conn_look(p, &fd, 1);
    wipc_mutex_lock(&p->lock);
    gen = p->conn_gen; /* a later connection is another's (see above) */
    wipc_mutex_unlock(&p->lock);
    while (!err) {
        size_t unread = 0;
        uint32_t *word = NULL, val = 0;
        /* With the quota page, what the reader has taken (not only what
         * it has moved into its read buffer); without, or once the reader
         * has closed its end or died, the socket's.  A reader that only
         * shut its sending side (winipc connect's half-close) still
         * reads: the page counts for it. */
        if (np_q_on(p) && !wipc_plat_peer_hung_up(fd)) {
            uint64_t sent = np_q_sent(p);
            /* Says it waits (for the reader at sent) before it looks:
             * the read that takes the last byte wakes it (np_q_took). */
            val = np_q_want_pos(p, sent, NP_Q_W_SYNC);
            unread = (size_t)np_q_unread(p, sent);
            word = &np_q_page(p, np_q_wdir(p))->dir[np_q_wdir(p)].waiting;
        } else {
            /* Watched before the look: each skb the reader frees, and its
             * close, is an edge (the socket becomes writable again, or
             * hangs up). */
            if (ep < 0 && wipc_plat_epoll_create(&ep) == 0 &&
                wipc_plat_epoll_watch(ep, fd, 1) != 0) {
                wipc_plat_close(ep);
                ep = -1;
            }
            err = wipc_plat_socket_unread_out(fd, &unread);
        }
        if (err)
            break;
        if (unread == 0) {
            if (waited && wipc_plat_socket_reset(fd))
                err = np_peer_gone(p);
            break;
        }
        wipc_mutex_unlock(&p->wlock);
        /* Woken by the reader's progress (the page's futex word, or the
         * socket's edges); a reader killed meanwhile wakes nobody, and is
         * seen at the next look, NP_Q_LOOK_MS later at most.  The page
         * stays mapped while the end lives: a disconnection wakes the
         * word before it unmaps it (np_q_drop), and a wait on a word
         * unmapped meanwhile ends at once. */
        if (word) {
            wipc_plat_futex_wait(word, val, NP_Q_LOOK_MS);
        } else if (ep >= 0) {
            int ready = 0, n = 0;
            wipc_plat_poll_readable(&ep, &ready, 1, NP_Q_LOOK_MS, &n);
            wipc_plat_epoll_drain(ep);
        } else {
            wipc_plat_sleep_ms(1); /* no epoll set: no memory */
        }
        waited = 1;
        wipc_mutex_lock(&p->wlock);
        wipc_mutex_lock(&p->lock);
        if (p->state == NP_DISCONNECTED || p->conn != fd ||
            p->conn_gen != gen)
            err = ERROR_PIPE_NOT_CONNECTED;
        wipc_mutex_unlock(&p->lock);
        /* The process closed its last handle to this end while the flush
         * waited (the flush's reference keeps the connection open; the
         * close wakes the word, np_close_last): the end is going, as on
         * Windows, and the peer must see it go (both ends flushing at
         * each other would wait for ever). */
        if (!err && wipc_handle_count(obj) == 0)
            err = ERROR_BROKEN_PIPE;
    }
    wipc_mutex_unlock(&p->wlock);
    wipc_plat_close(ep);
    return err;
}

static DWORD np_io_progress(struct wipc_object *obj, struct wipc_io *io);
static void np_io_uncount(struct wipc_npipe *p, struct wipc_io *io);

/*
 * A write waiting for room (WIPC_IO_DRAIN) is cancelled: its bytes are
 * taken back (np_q_take_back), and it moved none.  Unless its reader took
 * enough before the cancellation came: on Windows the read completed the
 * write then, and there is nothing to cancel (np_io_drain would complete
 * it at its next look): 1, it completes with its bytes.  The lock of the
 * end's queue in the engine is held: no waiting here but for p->lock
 * (never held around a call of the engine).
 */
static int np_io_cancelled(struct wipc_object *obj, struct wipc_io *io)
{
    struct wipc_npipe *p = np_of(obj);
    int over;

    if (io->kind == WIPC_IO_CONNECT) {
        wipc_mutex_lock(&p->lock);
        np_io_uncount(p, io);
        wipc_mutex_unlock(&p->lock);
        return 0;
    }
    if (io->kind != WIPC_IO_DRAIN || io->len == 0)
        return 0;
    wipc_mutex_lock(&p->lock); /* the page stays (np_io_drain) */
    over = np_q_page(p, np_q_wdir(p)) && np_q_fits(p, io->mark);
    if (!over && np_q_page(p, np_q_wdir(p)))
        over = !np_q_take_back(p, io->mark - io->len, io->mark);
    else if (over)
        np_q_pend_end(p, io->mark - io->len, io->mark);
    wipc_mutex_unlock(&p->lock);
    return over;
}

const struct wipc_object_ops wipc_npipe_ops = {
    .type_name = "File",
    .file_type = FILE_TYPE_PIPE,
    .mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                FILE_ALL_ACCESS},
    .signal_fd = np_signal_fd,
    .read = np_read,
    .write = np_write,
    .flush = np_flush,
    .close_last = np_close_last,
    .inherit_info = np_inherit_info,
    .get_fd = np_get_fd,
    .name = np_name,
    .io_progress = np_io_progress,
    .io_cancelled = np_io_cancelled,
    .destroy = np_destroy,
};

/* ---- Creating instances, connecting clients ---------------------------------- */

/* Checks a new instance against the live ones, or sets up the header. */
static DWORD np_admit(int fd, struct np_header *h, const struct np_header *want,
                      DWORD open_flags)
{
    uint32_t live = 0;
    if (np_read_header(fd, h) == 0)
        /* Counting costs a lock query per slot: only a limited pipe needs
         * the count. */
        live = h->max_instances == PIPE_UNLIMITED_INSTANCES
                   ? (uint32_t)np_any_live(fd, h, NULL)
                   : np_count_live(fd, h, NULL);
    if (live == 0) {
        /* No instance lives: the slots of servers that died go too. */
        *h = *want;
        h->nslots = 0;
        return wipc_plat_pwrite_all(fd, h, sizeof *h, 0);
    }
    /* In the order Windows' pipe file system checks: a full pipe is busy
     * whatever else the new instance asks for. */
    if (h->max_instances != PIPE_UNLIMITED_INSTANCES &&
        live >= h->max_instances)
        return ERROR_PIPE_BUSY;
    if (open_flags & FILE_FLAG_FIRST_PIPE_INSTANCE)
        return ERROR_ACCESS_DENIED;
    if (h->open_mode != want->open_mode)
        return ERROR_ACCESS_DENIED;
    return 0;
}

/* Takes a free slot for p (registry mutex held on f). */
static DWORD np_take_slot(struct wipc_npipe *p, const struct wipc_ns_file *f,
                          struct np_header *h)
{
    int fd = f->fd;
    struct np_slot s, *all = np_read_slots(fd, h);
    uint32_t i = 0;
    DWORD err;

    /* A slot its last instance freed, or a new one: a dead server's slot
     * is reused once the pipe has no instance left (np_admit). */
    for (; all && i < h->nslots; i++)
        if (all[i].state == NP_SLOT_FREE && !np_slot_live(fd, i))
            break;
    if (!all)
        i = h->nslots;
    free(all);
    if (i >= NP_MAX_SLOTS)
        return ERROR_PIPE_BUSY;
    /* A descriptor of its own, whose closing drops the slot's lock. */
    err = wipc_plat_reopen(fd, O_RDWR, &p->inst_fd);
    p->inst_bounded = f->bounded;
    if (!err)
        err = wipc_plat_lock_byte(p->inst_fd, WIPC_NS_LOCK_SLOT(i), 0);
    if (!err) {
        p->sock_id = wipc_plat_random64();
        err = wipc_plat_listen_abstract(p->sock_id, SOCK_STREAM, &p->lfd);
    }
    if (err)
        return err;
    p->slot = i;
    /* Clients read slots without the mutex (np_open_once), and a copy can
     * overtake a write: the slot is written saying FREE, and then, alone,
     * LISTENING (as np_set_listening does), so that no client sees this
     * instance listen with another's socket or claim. */
    memset(&s, 0, sizeof s);
    s.state = NP_SLOT_FREE;
    s.flags = p->q_give ? NP_SLOT_QUOTA : 0;
    s.server_pid = wipc_plat_getpid();
    s.since = wipc_plat_now_ns();
    s.sock_id = p->sock_id;
    s.claim = p->claim = wipc_plat_random64();
    err = np_write_slot(fd, i, &s);
    if (!err) {
        uint32_t listening = NP_SLOT_LISTENING;
        err = wipc_plat_pwrite_all(fd, &listening, sizeof listening,
                                   np_state_off(i));
    }
    if (!err && i == h->nslots) {
        h->nslots = i + 1;
        err = wipc_plat_pwrite_all(fd, &h->nslots, sizeof h->nslots,
                                   offsetof(struct np_header, nslots));
    }
    return err;
}

DWORD wipc_npipe_create(const char *path, const char *name, DWORD open_mode,
                        DWORD pipe_mode, DWORD max_instances, DWORD out_size,
                        DWORD in_size, DWORD timeout, int is_public,
                        struct wipc_object **out)
{
    struct wipc_npipe *p = np_alloc();
    struct np_header want, h;
    struct wipc_ns_file f;
    int created;
    DWORD err;

    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    memset(&want, 0, sizeof want);
    want.magic = NP_MAGIC;
    want.version = NP_VERSION;
    want.open_mode = open_mode & PIPE_ACCESS_DUPLEX;
    want.pipe_type = pipe_mode & PIPE_TYPE_MESSAGE;
    want.read_mode = pipe_mode & PIPE_READMODE_MESSAGE;
    want.reject_remote = (pipe_mode & PIPE_REJECT_REMOTE_CLIENTS) != 0;
    want.max_instances = max_instances;
    want.default_timeout = timeout;
    want.out_size = out_size;
    want.in_size = in_size;
    want.owner_uid = wipc_plat_geteuid();
    want.is_public = is_public != 0;
    snprintf(want.name, sizeof want.name, "%s", name);
    snprintf(p->path, sizeof p->path, "%s", path);
    p->server = 1;
    p->q_give = (open_mode & FILE_FLAG_OVERLAPPED) != 0;
    p->reject_remote = (pipe_mode & PIPE_REJECT_REMOTE_CLIENTS) != 0;
    p->state = NP_LISTENING;
    atomic_init(&p->read_mode, pipe_mode & PIPE_READMODE_MESSAGE);
    atomic_init(&p->nowait, pipe_mode & PIPE_NOWAIT);

    /* Only its owner may write a registry; others read a public one. */
    err = wipc_ns_open(path, WIPC_NS_CREATE, is_public ? 0644 : 0600, &f,
                       &created);
    if (err == ERROR_LOCK_VIOLATION)
        err = ERROR_PIPE_BUSY; /* held by another user past the bound */
    if (!err)
        err = np_admit(f.fd, &h, &want, open_mode);
    if (!err)
        err = np_take_slot(p, &f, &h);
    if (!err) {
        p->cfg = h;
        /* Its own file, written up to its slot by now: mapped, the slot's
         * later changes are stores (np_put_state); without the mapping,
         * pwrite as before. */
        p->smap_len = (size_t)np_slot_off(p->slot) + sizeof(struct np_slot);
        if (wipc_plat_map_shared(p->inst_fd, p->smap_len, &p->smap) != 0)
            p->smap = NULL;
        np_announce(p); /* a new instance listens */
    }
    wipc_plat_close(f.fd); /* drops the mutex */
    if (err) {
        np_destroy(&p->obj);
        return err;
    }
    wipc_object_init(&p->obj, &wipc_npipe_ops);
    np_note_peer(p, p->claim);
    /* It listens from now on, before any ConnectNamedPipe. */
    np_guard_arm(p);
    *out = &p->obj;
    return 0;
}

/* 1 if slot a listened before slot b (ties: the lower index first). */
static int np_listened_before(const struct np_slot *all, uint32_t a,
                              uint32_t b)
{
    return all[a].since < all[b].since ||
           (all[a].since == all[b].since && a < b);
}

/*
 * Claims a listening instance and connects to it (all: the slots as read
 * under the registry's mutex, held shared), the one listening longest
 * first.  The claim is the bind of the client's socket (see the top), so
 * the client writes nothing.  An instance passed by: its claim is taken,
 * its server died (nobody listens on its socket any more), or whoever
 * listens there is not the registry's owner (someone bound the socket name
 * of a server that died).
 */
static DWORD np_claim(struct wipc_npipe *p, struct np_reg *e,
                      const struct np_header *h, const struct np_slot *all)
{
    const struct wipc_ns_file *f = &e->f;
    /* Its own user's client says BUSY in the slot at once, as the server
     * will when it accepts, so that the instance does not look free should
     * the client close before then.  Written once the claim is held and
     * before the connect: the server moves on to a new listen only after
     * it has accepted this claim's connection, so it never finds the BUSY
     * written late, over its next LISTENING. */
    int mark = f->mine;
    uint32_t i, best, tried = UINT32_MAX;
    struct np_slot now;
    DWORD pid = 0, uid = 0, err;

    for (;;) {
        /* The instance listening longest, of those not tried yet. */
        best = UINT32_MAX;
        for (i = 0; all && i < h->nslots; i++)
            if ((tried == UINT32_MAX || np_listened_before(all, tried, i)) &&
                (best == UINT32_MAX || np_listened_before(all, i, best)) &&
                all[i].state == NP_SLOT_LISTENING)
                best = i;
        if (best == UINT32_MAX)
            return ERROR_PIPE_BUSY;
        tried = best;
        if (wipc_plat_claim_bind(all[best].sock_id, all[best].claim,
                                 &p->conn) != 0)
            continue; /* another client's */
        /* The slots were read a while ago: a client that held this claim
         * may have been served and gone since, and the server moved on
         * (it would drop a connection of an old claim).  Held now, the
         * claim is the slot's still only if the slot says so. */
        if (np_reg_read_slot(e, best, &now) != 0 ||
            now.state != NP_SLOT_LISTENING || now.claim != all[best].claim ||
            now.sock_id != all[best].sock_id) {
            wipc_plat_close(p->conn);
            p->conn = -1;
            continue;
        }
        if (mark)
            np_reg_put_state(e, best, NP_SLOT_BUSY);
        err = wipc_plat_claim_connect(p->conn, all[best].sock_id,
                                      NP_BACKLOG_WAIT_MS, &pid, &uid);
        if (!err && uid == f->owner)
            break;
        /* Not connected: the claim was never the server's to accept, and
         * the slot is as it was.  Connected to someone else: the slot is
         * stale. */
        if (mark && err) {
            np_reg_put_state(e, best, NP_SLOT_LISTENING);
            np_announce_in(e->map, h->is_public);
        }
        wipc_plat_close(p->conn);
        p->conn = -1;
    }
    /* Its own user's registry is mapped as far as the slot: the next
     * connections read and write it there, as np_dropped does. */
    np_reg_map(e, (size_t)np_slot_off(best) + sizeof(struct np_slot));
    p->dropped = now.dropped;
    /* The server sends its preamble when it accepts (np_q_take). */
    p->q_pending = (now.flags & NP_SLOT_QUOTA) != 0;
    p->slot = best;
    p->sock_id = all[best].sock_id;
    p->peer_pid = pid;
    p->claim = all[best].claim;
    return 0;
}

/*
 * Why a client found no instance to connect to (mutex held on fd):
 * ERROR_PIPE_BUSY if one lives, or ERROR_FILE_NOT_FOUND if every server
 * is gone, after removing the name; NP_AGAIN if the registry was
 * removed and made anew since the client opened it.
 */
static DWORD np_why_not(const char *path, int fd, const struct np_header *h,
                        const struct np_slot *all, int have_header)
{
    if (have_header && np_any_live_in(fd, h, all, NULL))
        return ERROR_PIPE_BUSY;
    if (!wipc_ns_still_there(fd, path))
        return NP_AGAIN;
    /* Every server is gone: the name goes.  A file with no header yet is
     * a first instance being made (its server writes the header under
     * the mutex it has not taken yet): it stays, for that server, which
     * would otherwise make it again and again while clients come (or a
     * later server reuses it). */
    if (have_header)
        wipc_ns_remove_locked(path);
    return ERROR_FILE_NOT_FOUND;
}

/* Opens the registry at path for reading and, with lock, takes its mutex
 * (shared), without checking that the file is still the one at path: a
 * caller that finds no live instance in it must check (np_why_not) before
 * it concludes anything.  A mutex held by another user past the bound: the
 * pipe is busy. */
static DWORD np_open_registry(const char *path, struct wipc_ns_file *f,
                              int lock)
{
    int created;
    DWORD err = wipc_ns_open(path, lock ? WIPC_NS_READ : WIPC_NS_PEEK, 0, f,
                             &created);
    return err == ERROR_LOCK_VIOLATION ? ERROR_PIPE_BUSY : err;
}

/* One look at registry e: 0 if an instance is claimed and connected to
 * (p->cfg set), else ERROR_PIPE_BUSY and what was found. */
static DWORD np_look(struct wipc_npipe *p, struct np_reg *e,
                     ACCESS_MASK access, struct np_header *h,
                     struct np_slot **all, int *have_header, int *wrong_way)
{
    *have_header = np_reg_read_all(e, h, all) == 0;
    /* The direction must be one the server offers. */
    *wrong_way =
        *have_header &&
        (((access & FILE_READ_DATA) && !(h->open_mode & PIPE_ACCESS_OUTBOUND)) ||
         ((access & FILE_WRITE_DATA) && !(h->open_mode & PIPE_ACCESS_INBOUND)));
    if (*wrong_way || !*have_header || np_claim(p, e, h, *all) != 0)
        return ERROR_PIPE_BUSY;
    p->cfg = *h;
    return 0;
}

/*
 * One attempt of wipc_npipe_open on the registry as it is now.  The common
 * case costs the claim's bind and connect, and the registry's reads: from
 * memory in a registry of the caller's own user kept from an earlier
 * connection (np_reg), else an open, a check and a read or two.  No lock:
 * a slot is written so that a reader never sees a listen's state without
 * its claim (np_set_listening), and the claim itself is the kernel's.  The
 * mutex is taken (shared) only when no instance could be claimed: to tell
 * a busy pipe from one whose servers are all gone, and to remove the name
 * then.
 */
static DWORD np_open_once(const char *path, ACCESS_MASK access,
                          struct wipc_npipe *p)
{
    struct np_header h;
    struct np_slot *all = NULL;
    struct np_reg *e = np_reg_take(path);
    int have_header, wrong_way;
    DWORD err = e ? 0 : np_reg_open(path, &e);

    if (err)
        return err;
    np_reg_map(e, (size_t)e->f.size);
    if (np_look(p, e, access, &h, &all, &have_header, &wrong_way) == 0)
        goto claimed;
    /* An instance lives (its slot's lock is held): the pipe is busy, and
     * this is the registry at the name, with no need of the mutex. */
    if (have_header && np_any_live_in(e->f.fd, &h, all, NULL)) {
        free(all);
        np_reg_put(e);
        return wrong_way ? ERROR_ACCESS_DENIED : ERROR_PIPE_BUSY;
    }
    free(all);
    all = NULL;
    err = wipc_ns_lock(&e->f, 1);
    if (err) {
        np_reg_free(e);
        return err == ERROR_LOCK_VIOLATION ? ERROR_PIPE_BUSY : err;
    }
    /* Again, under the mutex. */
    if (np_look(p, e, access, &h, &all, &have_header, &wrong_way) == 0) {
        wipc_ns_unlock(e->f.fd);
        goto claimed;
    }
    err = np_why_not(path, e->f.fd, &h, all, have_header);
    if (wrong_way && err == ERROR_PIPE_BUSY)
        err = ERROR_ACCESS_DENIED;
    free(all);
    if (err == ERROR_PIPE_BUSY || err == ERROR_ACCESS_DENIED) {
        /* Still the registry at the name: kept for the next attempt. */
        wipc_ns_unlock(e->f.fd);
        np_reg_put(e);
    } else {
        np_reg_free(e); /* drops the mutex */
    }
    return err;
claimed:
    free(all);
    /* Kept, to look at the slot later (np_dropped). */
    p->reg = e;
    return 0;
}

DWORD wipc_npipe_open(const char *path, ACCESS_MASK access,
                      struct wipc_object **out)
{
    struct wipc_npipe *p = np_alloc();
    DWORD err;

    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    snprintf(p->path, sizeof p->path, "%s", path);
    p->state = NP_CONNECTED;
    atomic_init(&p->read_mode, PIPE_READMODE_BYTE); /* clients start so */
    atomic_init(&p->nowait, 0);
    for (int attempt = 0;; attempt++) {
        err = np_open_once(path, access, p);
        if (err != NP_AGAIN)
            break;
        if (attempt == 100) {
            err = ERROR_FILE_NOT_FOUND;
            break;
        }
    }
    if (err) {
        np_destroy(&p->obj);
        return err;
    }
    wipc_object_init(&p->obj, &wipc_npipe_ops);
    np_note_peer(p, p->claim);
    *out = &p->obj;
    return 0;
}

/*
 * What WaitNamedPipe sleeps on: listen_seq's futex (np_announce) in the
 * registry's first page.  A registry of the caller's own user is mapped
 * (np_reg_map) and its words read and written there (waiters).  Another
 * user's page is mapped read-only for the futex alone, its words read with
 * pread: the kernel is the only one to touch that mapping, so a file its
 * owner cut short fails the wait (EFAULT) instead of raising SIGBUS here,
 * and the waiter falls back to sleeping.  A file with nothing in it yet
 * (its first server is making it) has no word to wait on.
 */
static uint32_t *np_wait_word(struct np_reg *e, const void **ro)
{
    *ro = NULL;
    np_reg_map(e, (size_t)e->f.size);
    if (e->map)
        return np_word(e->map, NP_LISTEN_SEQ_OFF);
    if (e->f.mine || e->f.size == 0 ||
        wipc_plat_map_read(e->f.fd, NP_HDR_SIZE, ro) != 0) {
        *ro = NULL;
        return NULL;
    }
    return np_word((void *)*ro, NP_LISTEN_SEQ_OFF);
}

/* Counts this client in, or out of (by -1), the waiters of a registry of
 * its own user (np_announce). */
static void np_wait_count(struct np_reg *e, int by)
{
    if (e->map)
        __atomic_fetch_add(np_word(e->map, NP_WAITERS_OFF), (uint32_t)by,
                           __ATOMIC_SEQ_CST);
}

/* listen_seq: what the wait compares with, read before each look. */
static uint32_t np_wait_mark(struct np_reg *e)
{
    uint32_t seq = 0;
    if (e->map)
        return __atomic_load_n(np_word(e->map, NP_LISTEN_SEQ_OFF),
                               __ATOMIC_SEQ_CST);
    if (wipc_plat_pread_all(e->f.fd, &seq, sizeof seq, NP_LISTEN_SEQ_OFF) != 0)
        seq = 0;
    return seq;
}

/* One look of WaitNamedPipe: 0 if an instance listens, ERROR_PIPE_BUSY if
 * one lives, else why not (np_why_not); *h as read (*have_header).  The
 * mutex is taken (shared) only when no instance seems to live, as in
 * np_open_once: a server making or removing the registry holds it. */
static DWORD np_wait_look(const char *path, struct np_reg *e,
                          struct np_header *h, int *have_header)
{
    struct np_slot *all = NULL;
    int listening = 0, fd = e->f.fd;
    DWORD err;

    *have_header = np_reg_read_all(e, h, &all) == 0;
    if (*have_header && np_any_live_in(fd, h, all, &listening)) {
        free(all);
        return listening ? 0 : ERROR_PIPE_BUSY;
    }
    free(all);
    all = NULL;
    err = wipc_ns_lock(&e->f, 1);
    if (err)
        return err == ERROR_LOCK_VIOLATION ? ERROR_PIPE_BUSY : err;
    *have_header = np_read_header(fd, h) == 0;
    if (*have_header)
        all = np_read_slots(fd, h);
    if (*have_header && np_any_live_in(fd, h, all, &listening))
        err = listening ? 0 : ERROR_PIPE_BUSY;
    else
        err = np_why_not(path, fd, h, all, 0); /* none lives */
    free(all);
    wipc_ns_unlock(fd);
    return err;
}

DWORD wipc_npipe_wait(const char *path, DWORD timeout)
{
    uint64_t start = wipc_plat_now_ms();
    DWORD delay_us = 0, err;
    int resolved = 0;
    struct np_reg *e = np_reg_take(path);
    const void *ro = NULL;
    uint32_t *word;

    err = e ? 0 : np_reg_open(path, &e);
    if (err)
        return err;
    word = np_wait_word(e, &ro);
    np_wait_count(e, 1);
    for (;;) {
        struct np_header h;
        int have_header;
        uint32_t seq = np_wait_mark(e);
        uint64_t waited;

        err = np_wait_look(path, e, &h, &have_header);
        if (err == NP_AGAIN) {
            /* The registry was made anew: look at the new one. */
            np_wait_count(e, -1);
            wipc_plat_unmap((void *)ro, NP_HDR_SIZE);
            np_reg_free(e);
            err = np_reg_open(path, &e);
            if (err)
                return err;
            word = np_wait_word(e, &ro);
            np_wait_count(e, 1);
            continue;
        }
        if (err != ERROR_PIPE_BUSY)
            break; /* 0: an instance listens; ERROR_FILE_NOT_FOUND */
        if (!resolved && have_header) {
            if (timeout == NMPWAIT_USE_DEFAULT_WAIT)
                timeout = h.default_timeout ? h.default_timeout
                                            : NP_DEFAULT_WAIT;
            resolved = 1;
        }
        if (timeout == NMPWAIT_USE_DEFAULT_WAIT)
            timeout = NP_DEFAULT_WAIT; /* the header could not be read */
        waited = wipc_plat_now_ms() - start;
        if (timeout != NMPWAIT_WAIT_FOREVER && waited >= timeout) {
            err = ERROR_SEM_TIMEOUT;
            break;
        }
        if (word && delay_us == 0) {
            /* Yielded first, the CPU goes to a server that shares ours and
             * is about to listen again (the usual case after its
             * DisconnectNamedPipe): one look more then finds it, with no
             * sleep nor wake-up. */
            wipc_plat_yield();
            delay_us = NP_WAIT_MIN_US;
            continue;
        }
        if (word) {
            /* Until a server listens (np_announce), or NP_WAIT_MAX_US at
             * most: a server that was killed announces nothing, nor does
             * one of an older library, and a word another user writes
             * only ever makes this look again early. */
            int ms = NP_WAIT_MAX_US / 1000;
            if (timeout != NMPWAIT_WAIT_FOREVER && timeout - waited < (DWORD)ms)
                ms = (int)(timeout - waited);
            if (wipc_plat_futex_wait(word, seq, ms)) {
                wipc_plat_unmap((void *)ro, NP_HDR_SIZE); /* cut short */
                ro = NULL;
                word = NULL;
            }
            continue;
        }
        /* No word to wait on: look again at once, then less and less
         * often; yielding first gives the CPU to a server that shares
         * ours, which usually listens again right after its
         * DisconnectNamedPipe. */
        if (delay_us == 0) {
            wipc_plat_yield();
            delay_us = NP_WAIT_MIN_US;
            continue;
        }
        wipc_plat_sleep_us(delay_us);
        if (delay_us < NP_WAIT_MAX_US)
            delay_us = delay_us * 2 < NP_WAIT_MAX_US ? delay_us * 2
                                                     : NP_WAIT_MAX_US;
    }
    np_wait_count(e, -1);
    wipc_plat_unmap((void *)ro, NP_HDR_SIZE);
    if (err == 0 || err == ERROR_SEM_TIMEOUT)
        np_reg_put(e); /* for the CreateFile that usually follows */
    else
        np_reg_free(e);
    return err;
}

/* ---- Server operations ---------------------------------------------------------- */

/* ConnectNamedPipe's answer when a client came before it was called (the
 * client is accepted; p->lock held): ERROR_PIPE_CONNECTED, or
 * ERROR_NO_DATA if the client has already closed its end, as Windows
 * says of a client that came and went (what it wrote stays readable).  A
 * client that only shut its sending side (winipc connect's half-close)
 * is still there, and reads. */
static DWORD np_came_before(struct wipc_npipe *p)
{
    if (p->state == NP_CONNECTED && wipc_plat_peer_hung_up(p->conn)) {
        p->state = NP_BROKEN;
        return ERROR_NO_DATA;
    }
    return ERROR_PIPE_CONNECTED;
}

/*
 * What ConnectNamedPipe does before it waits (p->lock held), synchronous
 * or overlapped: 0 if the instance now listens and the caller is to wait
 * for a client, else the call's answer at once (ERROR_PIPE_CONNECTED: a
 * client came before; ERROR_NO_DATA: and went; ERROR_PIPE_LISTENING in
 * PIPE_NOWAIT mode).
 */
static DWORD np_listen_locked(struct wipc_npipe *p)
{
    switch (p->state) {
    case NP_CONNECTED:
        /* Accepted before (by a read, or the backlog guard): the client
         * may have gone since. */
        return np_came_before(p);
    case NP_BROKEN:
        return ERROR_NO_DATA; /* the client came and went */
    case NP_DISCONNECTED:
        /* A new claim first: whatever waits in the backlog from before
         * (a client that claimed the last listen and came late) is
         * dropped by the accept that follows.  The slot says BUSY until
         * np_set_listening, so no client claims between the two steps. */
        p->state = NP_LISTENING;
        np_set_listening(p);
        if (!atomic_load(&p->nowait))
            break; /* a client that comes now is seen by the wait */
        /* PIPE_NOWAIT: no wait will drain the backlog, where anybody's
         * connections (the socket is listed in /proc/net/unix) may have
         * piled up while the instance was connected: dropped now, or a
         * full backlog would keep the next client out (ERROR_PIPE_BUSY). */
        /* fall through */
    case NP_LISTENING:
        if (np_accept_pending_locked(p) == 0)
            return np_came_before(p);
        break;
    }
    if (!atomic_load(&p->nowait))
        return 0;
    np_guard_arm_locked(p); /* it listens, and nobody waits */
    return ERROR_PIPE_LISTENING;
}

DWORD wipc_npipe_connect(struct wipc_object *obj)
{
    struct wipc_npipe *p = np_of(obj);
    DWORD err = 0;
    unsigned gen;
    int fds[2], was;

    if (!p->server)
        return ERROR_INVALID_FUNCTION;
    wipc_mutex_lock(&p->lock);
    err = np_listen_locked(p);
    if (!err && p->wake_fd < 0)
        err = wipc_plat_eventfd(0, &p->wake_fd);
    if (err) {
        wipc_mutex_unlock(&p->lock);
        return err;
    }
    /*
     * Wait for a client.  Several threads may wait on one instance, and a
     * ReadFile may accept the client too: whoever connects bumps conn_gen
     * and sets wake_fd, and every waiter then returns TRUE, as Windows
     * completes all of an instance's pending listens.  Accepting happens
     * under p->lock only, so one thread takes the connection.
     */
    gen = p->conn_gen;
    p->waiters++;
    fds[0] = p->lfd;
    fds[1] = p->wake_fd;
    /* seen: whether the last poll found the listening socket readable; -1
     * the first time round, when the switch above has just looked, under
     * the same hold of p->lock. */
    for (int seen = -1;;) {
        int ready[2] = {0, 0}, nready = 0, ok;
        if (p->conn_gen != gen)
            break; /* connected, by this thread or another */
        /* Accepting here, this thread need not be woken: only the other
         * waiters are counted for wake_fd. */
        if (seen >= 0 && p->state == NP_LISTENING) {
            p->waiters--;
            ok = np_accept_pending_seen(p, seen) == 0;
            p->waiters++;
            if (ok)
                break;
        }
        wipc_mutex_unlock(&p->lock);
        err = wipc_plat_poll_readable(fds, ready, 2, NP_STALE_LOOK_MS,
                                      &nready);
        wipc_mutex_lock(&p->lock);
        if (err)
            break;
        if (nready == 0 && p->state == NP_LISTENING)
            np_check_stale_claim(p);
        seen = ready[0];
    }
    if (--p->waiters == 0 && p->wake_set) {
        wipc_plat_eventfd_reset(p->wake_fd, &was);
        p->wake_set = 0;
    }
    /* The wait ended with no client (CancelSynchronousIo): the instance
     * listens still, and nobody may accept for it now. */
    np_guard_arm_locked(p);
    wipc_mutex_unlock(&p->lock);
    return err;
}

DWORD wipc_npipe_disconnect(struct wipc_object *obj)
{
    struct wipc_npipe *p = np_of(obj);
    DWORD err = 0;
    int conn = -1;

    if (!p->server)
        return ERROR_INVALID_FUNCTION;
    wipc_mutex_lock(&p->lock);
    if (p->state == NP_LISTENING && np_accept_pending_locked(p) != 0)
        err = ERROR_PIPE_LISTENING;
    else if (p->state == NP_DISCONNECTED)
        err = ERROR_PIPE_NOT_CONNECTED;
    if (!err) {
        conn = p->conn;
        p->conn = -1;
        p->state = NP_DISCONNECTED;
        /* The slot says BUSY since the client's claim, and until
         * ConnectNamedPipe: no client comes meanwhile. */
        np_mark_dropped(p);
    }
    wipc_mutex_unlock(&p->lock);
    /* Pending overlapped operations end with the connection they used
     * (Windows completes them with STATUS_PIPE_DISCONNECTED). */
    if (!err && obj->io)
        wipc_io_abort(obj, ERROR_PIPE_NOT_CONNECTED);
    if (conn >= 0) {
        /* Queued data is discarded; the client's next call fails.  The
         * shutdown comes first: it ends reads and writes blocked on conn
         * in other threads (which then see the state and fail with
         * ERROR_PIPE_NOT_CONNECTED), and only when none uses it any more
         * (rlock and wlock, see np_read) is it closed. */
        wipc_plat_shutdown(conn);
        wipc_mutex_lock(&p->rlock);
        wipc_mutex_lock(&p->wlock);
        p->rstart = p->rend = 0;
        p->in_msg = 0;
        p->msg_left = 0;
        wipc_plat_close(conn);
        wipc_mutex_lock(&p->lock);
        np_q_drop(p); /* the client's writers waiting for room see it */
        wipc_mutex_unlock(&p->lock);
        wipc_mutex_unlock(&p->wlock);
        wipc_mutex_unlock(&p->rlock);
    }
    return err;
}

/* ---- Queries ---------------------------------------------------------------------- */

/* Everything queued for reading: the read buffer, then the kernel's queue
 * (peeked, not taken).  Returns a malloc'ed copy in *data. */
static DWORD np_queued(struct wipc_npipe *p, int fd, char **data, size_t *len)
{
    size_t kq = 0, n = 0, have = p->rbuf ? np_rbuf_avail(p) : 0;
    DWORD err = wipc_plat_socket_queued_in(fd, &kq);
    char *d;

    if (err)
        return err;
    d = malloc(have + kq + 1);
    if (!d)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (have)
        memcpy(d, p->rbuf + p->rstart, have);
    if (kq) {
        /* Past the bytes that brought a quota page, too, which is taken
         * (np_q_adopt): the bytes its writer cancelled are left out. */
        int fds[WIPC_PLAT_STREAM_FDS_MAX];
        size_t nfds = 0;
        err = wipc_plat_peek_all(fd, d + have, kq, &n, fds,
                                 WIPC_PLAT_STREAM_FDS_MAX, &nfds);
        if (nfds)
            np_q_adopt(p, fds, nfds);
    }
    *data = d;
    *len = have + n;
    return err;
}

/* 1 if the peer has closed and nothing is left to read. */
static int np_drained_and_gone(int fd)
{
    char c;
    size_t n = 1;
    DWORD err = wipc_plat_recv2(fd, NULL, 0, &c, 1, 1, 1, &n);
    return err == 0 && n == 0;
}

DWORD wipc_npipe_peek(struct wipc_object *obj, void *buf, DWORD len,
                      DWORD *got, DWORD *avail, DWORD *left)
{
    struct wipc_npipe *p = np_of(obj);
    char *d = NULL;
    size_t dlen = 0, pos = 0, first_len = 0, first_off = 0;
    uint64_t total = 0, cur;
    int fd, in_msg, first = 1, skips;
    uint32_t msg_left;
    DWORD err;

    *got = *avail = *left = 0;
    /* Under rlock throughout: the connection stays open (see np_read). */
    wipc_mutex_lock(&p->rlock);
    err = np_conn_look(p, &fd, !(p->rbuf && np_rbuf_avail(p) > 0));
    if (err) {
        /* A server end that has no client: Windows says ERROR_BAD_PIPE
         * (Wine's test_CreateNamedPipe and test_DisconnectNamedPipe). */
        if (p->server)
            err = ERROR_BAD_PIPE;
        goto done;
    }
    /* Before the server's preamble, nothing of the server's has come. */
    err = p->q_pending ? 0 : np_queued(p, fd, &d, &dlen);
    in_msg = p->in_msg;
    msg_left = p->msg_left;
    if (err)
        goto done;
    skips = np_q_skips(p);
    cur = skips ? np_q_pos(p) : 0;
    if (!(p->cfg.pipe_type & PIPE_TYPE_MESSAGE)) {
        /* Bytes their writer cancelled are left out (struct np_qskip). */
        size_t r = 0, w = 0;
        while (skips && r < dlen) {
            uint64_t drop, clear;
            size_t k;
            np_q_skip_at(p, cur, 0, &drop, &clear);
            k = (drop ? drop : clear) < dlen - r ? (size_t)(drop ? drop : clear)
                                                 : dlen - r;
            if (!drop)
                memmove(d + w, d + r, k), w += k;
            r += k;
            cur += k;
        }
        if (skips)
            dlen = w;
        total = dlen;
        first_len = dlen;
    } else {
        /* Walk the frames: payload bytes count, headers do not, nor the
         * messages their writers cancelled. */
        int cancelled = 0;
        if (skips && in_msg && msg_left > 0) {
            uint64_t drop, clear;
            np_q_skip_at(p, cur, 0, &drop, &clear);
            cancelled = drop > 0;
        }
        while (pos < dlen) {
            size_t take;
            if (!in_msg) {
                if (dlen - pos < p->frame)
                    break;
                msg_left = np_frame_len(p, d + pos);
                pos += p->frame;
                in_msg = 1;
                cancelled = 0;
                if (skips && msg_left > 0) {
                    uint64_t drop, clear;
                    np_q_skip_at(p, cur, 0, &drop, &clear);
                    cancelled = drop > 0;
                }
            }
            if (first && !cancelled) /* bytes left in the message read */
                *left = msg_left;
            take = msg_left < dlen - pos ? msg_left : dlen - pos;
            if (first && !cancelled) {
                first_off = pos;
                first_len = take;
                first = 0;
            }
            if (!cancelled)
                total += take;
            pos += take;
            cur += take;
            msg_left -= (uint32_t)take;
            if (msg_left == 0)
                in_msg = 0;
        }
        if (first && in_msg && !cancelled)
            *left = msg_left;
    }
    if (total == 0 && !p->q_pending && np_drained_and_gone(fd)) {
        err = np_peer_gone(p);
        goto done;
    }
    if (buf && len) {
        size_t c = first_len < len ? first_len : len;
        memcpy(buf, d + first_off, c);
        *got = (DWORD)c;
    }
    /* Left of the message once the caller has the bytes peeked: Windows
     * subtracts them from what is left of the message, and from 0 in a
     * byte pipe (a DWORD: 4 bytes peeked say 0xFFFFFFFC; Wine's
     * test_CreateNamedPipe, which passes on Windows). */
    *left -= *got;
    *avail = total > 0xFFFFFFFFu ? 0xFFFFFFFFu : (DWORD)total;
done:
    wipc_mutex_unlock(&p->rlock);
    free(d);
    return err;
}

DWORD wipc_npipe_set_mode(struct wipc_object *obj, const DWORD *mode)
{
    struct wipc_npipe *p = np_of(obj);
    if (!mode)
        return 0;
    if (*mode & ~(PIPE_READMODE_MESSAGE | PIPE_NOWAIT))
        return ERROR_INVALID_PARAMETER;
    if ((*mode & PIPE_READMODE_MESSAGE) &&
        !(p->cfg.pipe_type & PIPE_TYPE_MESSAGE))
        return ERROR_INVALID_PARAMETER;
    atomic_store(&p->read_mode, *mode & PIPE_READMODE_MESSAGE);
    atomic_store(&p->nowait, *mode & PIPE_NOWAIT);
    return 0;
}

void wipc_npipe_info(struct wipc_object *obj, struct wipc_npipe_info *info)
{
    struct wipc_npipe *p = np_of(obj);
    info->server = p->server;
    info->pipe_type = p->cfg.pipe_type;
    info->read_mode = atomic_load(&p->read_mode);
    info->nowait = atomic_load(&p->nowait);
    info->max_instances = p->cfg.max_instances;
    info->out_size = p->cfg.out_size;
    info->in_size = p->cfg.in_size;
    info->cur_instances = 0;
    if (p->path[0]) {
        struct np_header h;
        struct wipc_ns_file f;
        if (np_open_registry(p->path, &f, 1) == 0) {
            if (np_read_header(f.fd, &h) == 0)
                info->cur_instances = np_count_live(f.fd, &h, NULL);
            wipc_plat_close(f.fd);
        }
    }
}

DWORD wipc_npipe_peer_pid(struct wipc_object *obj, int want_server,
                          DWORD *pid)
{
    struct wipc_npipe *p = np_of(obj);
    DWORD err = 0;

    wipc_mutex_lock(&p->lock);
    /* A client its server disconnected knows neither process any more;
     * a disconnected server has no client (ERROR_NOT_FOUND), but is
     * still its own server (Wine's test_namedpipe_process_id, which
     * passes on Windows). */
    if (!p->server && p->state != NP_DISCONNECTED && np_dropped(p))
        p->state = NP_DISCONNECTED;
    if (!p->server && p->state == NP_DISCONNECTED) {
        err = ERROR_PIPE_NOT_CONNECTED;
    } else if (want_server == p->server) {
        *pid = wipc_plat_getpid();
    } else if (p->state == NP_DISCONNECTED) {
        err = ERROR_NOT_FOUND;
    } else {
        if (p->server && p->state == NP_LISTENING)
            np_accept_pending_locked(p);
        *pid = p->peer_pid;
        /* A client of another machine: smbd does not say which process
         * (docs/remote-pipes.md), and 0 says so. */
        err = *pid || (p->remote && p->state != NP_LISTENING)
                  ? 0
                  : ERROR_PIPE_NOT_CONNECTED;
    }
    wipc_mutex_unlock(&p->lock);
    return err;
}

DWORD wipc_npipe_remote_client(struct wipc_object *obj,
                               struct wipc_npr_handover *out)
{
    struct wipc_npipe *p = np_of(obj);
    DWORD err = 0;

    if (!p->server)
        return ERROR_PIPE_LOCAL;
    wipc_mutex_lock(&p->lock);
    if (p->state == NP_LISTENING)
        np_accept_pending_locked(p);
    if (p->state != NP_CONNECTED && p->state != NP_BROKEN)
        err = ERROR_PIPE_NOT_CONNECTED;
    else if (!p->remote)
        err = ERROR_PIPE_LOCAL;
    else
        *out = *p->remote;
    wipc_mutex_unlock(&p->lock);
    return err;
}

DWORD wipc_npipe_client_uid(struct wipc_object *obj, DWORD *uid)
{
    struct wipc_npipe *p = np_of(obj);
    DWORD err = 0;
    if (!p->server)
        return ERROR_INVALID_PARAMETER;
    wipc_mutex_lock(&p->lock);
    if (p->state == NP_LISTENING)
        np_accept_pending_locked(p);
    if ((p->state != NP_CONNECTED && p->state != NP_BROKEN) ||
        p->peer_uid == (DWORD)-1)
        err = ERROR_PIPE_NOT_CONNECTED;
    *uid = p->peer_uid;
    wipc_mutex_unlock(&p->lock);
    return err;
}

int wipc_npipe_has_unread(struct wipc_object *obj)
{
    struct wipc_npipe *p = np_of(obj);
    size_t kq = 0;
    int fd, unread = 0;
    wipc_mutex_lock(&p->rlock); /* the read buffer, and the connection */
    if (np_conn(p, &fd) == 0 && !p->q_pending) {
        wipc_plat_socket_queued_in(fd, &kq);
        unread = kq > 0 || (p->rbuf && np_rbuf_avail(p) > 0) || p->in_msg;
    }
    wipc_mutex_unlock(&p->rlock);
    return unread;
}

DWORD wipc_npipe_adopt(int fd, const char *args, struct wipc_object **out)
{
    struct wipc_npipe *p = np_alloc();
    unsigned server = 0, type = 0, mode = 0, open_mode = 3, max = 1;
    int pending = 0;
    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    sscanf(args, "%u.%u.%u.%u.%u.%d", &server, &type, &mode, &open_mode, &max,
           &pending);
    /* A client end whose server's preamble had not come yet: this end
     * takes it (and says the quota is off: the other process has none). */
    p->q_pending = !server && pending == 1;
    p->q_adopted = 1;
    p->server = server != 0;
    p->conn = fd;
    p->state = NP_CONNECTED;
    p->cfg.pipe_type = type & PIPE_TYPE_MESSAGE;
    p->cfg.open_mode = open_mode & ~(unsigned)FILE_FLAG_OVERLAPPED;
    p->cfg.max_instances = max;
    p->cfg.is_public = 1;
    atomic_init(&p->read_mode, mode & PIPE_READMODE_MESSAGE);
    atomic_init(&p->nowait, 0);
    if (wipc_plat_peer_cred(fd, &p->peer_pid, &p->peer_uid) != 0)
        p->peer_uid = (DWORD)-1;
    wipc_object_init(&p->obj, &wipc_npipe_ops);
    np_note_peer(p, 0);
    if (open_mode & FILE_FLAG_OVERLAPPED)
        p->obj.flags |= WIPC_OBJ_OVERLAPPED;
    *out = &p->obj;
    return 0;
}

/* ---- Ends passed to another process: the quota goes along ------------------- */

/*
 * What goes with an end's connection to another process, as its second
 * descriptor (process/inherit.c): a bundle, one datagram queued in a
 * SOCK_SEQPACKET socket whose other end is closed, that holds the end's
 * quota pages (memfds) and room eventfds, and its link to a completion
 * port (core/io.h) if it has one, each named by its role.
 */
#define NP_SHARE_MAGIC 0x53515057u /* "WPQS" */
enum {
    NP_SH_PAGE_UP = 1,
    NP_SH_PAGE_DOWN,
    NP_SH_PAGE_BOTH,
    NP_SH_ROOM_UP,
    NP_SH_ROOM_DOWN,
    NP_SH_LINK,
};

struct np_share {
    uint32_t magic, in_size, out_size, n;
    uint32_t give; /* the write direction's page is still to be given */
    uint8_t role[WIPC_PLAT_SVC_FDS_MAX];
};

/* A copy of the end with the pages in fds/role (n of them) goes to
 * another process (by 1), or was taken there (by -1): struct np_qpage's
 * unadopted.  A page mapped here already (p->lock held). */
static void np_share_count(struct wipc_npipe *p, const uint8_t *role, size_t n,
                           int by)
{
    for (size_t i = 0; i < n; i++) {
        struct np_qpage *q = role[i] == NP_SH_PAGE_UP ? np_q_page(p, NP_Q_UP)
                             : role[i] == NP_SH_PAGE_DOWN || role[i] == NP_SH_PAGE_BOTH
                                 ? np_q_page(p, NP_Q_DOWN)
                                 : NULL;
        if (q)
            __atomic_add_fetch(&q->unadopted, (uint32_t)by, __ATOMIC_SEQ_CST);
    }
}

/* The end's pages and room eventfds, into fds/roles (p->lock held):
 * how many. */
static size_t np_share_collect(struct wipc_npipe *p, int *fds, uint8_t *role)
{
    size_t n = 0;
    for (int d = 0; d < 2; d++) {
        if (!np_q_page(p, d) || p->qmfd[d] < 0)
            continue;
        if (d == NP_Q_DOWN && n > 0 && fds[0] == p->qmfd[d]) {
            role[0] = NP_SH_PAGE_BOTH; /* one page for both */
        } else {
            fds[n] = p->qmfd[d];
            role[n++] = d == NP_Q_UP ? NP_SH_PAGE_UP : NP_SH_PAGE_DOWN;
        }
    }
    for (int d = 0; d < 2; d++)
        if (np_q_page(p, d) && p->qmfd[d] >= 0 && p->qroom[d] >= 0) {
            fds[n] = p->qroom[d];
            role[n++] = d == NP_Q_UP ? NP_SH_ROOM_UP : NP_SH_ROOM_DOWN;
        }
    return n;
}

void wipc_npipe_share_off(struct wipc_object *obj)
{
    struct wipc_npipe *p = np_of(obj);
    /* The other process reads without counting, and writes without
     * waiting: neither end holds the other to the quota any more.
     * Writers waiting for room look again. */
    wipc_mutex_lock(&p->lock);
    p->q_adopted = 1;
    for (int d = 0; d < 2; d++)
        if (np_q_page(p, d)) {
            __atomic_store_n(&np_q_page(p, d)->off, 1, __ATOMIC_RELEASE);
            np_q_wake(p, d);
        }
    wipc_mutex_unlock(&p->lock);
}

DWORD wipc_npipe_share_out(struct wipc_object *obj, int *out)
{
    struct wipc_npipe *p = np_of(obj);
    struct np_share sh;
    int fds[WIPC_PLAT_SVC_FDS_MAX], link = -1, keep = -1, send = -1;
    DWORD err;

    *out = -1;
    memset(&sh, 0, sizeof sh);
    sh.magic = NP_SHARE_MAGIC;
    sh.in_size = p->cfg.in_size;
    sh.out_size = p->cfg.out_size;
    err = wipc_io_link_out(obj, &link);
    if (!err && (err = wipc_plat_msg_pair(&keep, &send)) != 0)
        wipc_plat_close(link);
    if (err) {
        wipc_npipe_share_off(obj);
        return err;
    }
    /* Under p->lock: the descriptors stay open while they are sent (to a
     * new socket: the send does not wait).  The end goes to another
     * process too, with its pages: one quota for the end, in both (an end
     * that has not written yet makes its write page now).  A page that
     * comes later comes to one of them only, and turns the quota off
     * (np_q_adopt, np_q_take; docs/architecture.md). */
    wipc_mutex_lock(&p->lock);
    np_q_make_shared(p);
    p->q_adopted = 1;
    sh.n = (uint32_t)np_share_collect(p, fds, sh.role);
    sh.give = (uint32_t)atomic_load(&p->q_wgive);
    if (link >= 0) {
        fds[sh.n] = link;
        sh.role[sh.n++] = NP_SH_LINK;
    }
    if (sh.n) {
        /* Counted before it goes: the other process may take it at once. */
        np_share_count(p, sh.role, sh.n, 1);
        err = wipc_plat_svc_send_fds(send, &sh, sizeof sh, fds, sh.n, 0);
        if (err)
            np_share_count(p, sh.role, sh.n, -1);
    }
    wipc_mutex_unlock(&p->lock);
    wipc_plat_close(send);
    wipc_plat_close(link);
    if (err || sh.n == 0) {
        wipc_plat_close(keep);
        if (err)
            wipc_npipe_share_off(obj);
        return err;
    }
    *out = keep;
    return 0;
}

/* A page of the bundle, checked as np_q_take checks one: mapped, or NULL. */
static struct np_qpage *np_share_map(int fd)
{
    void *map = NULL;
    if (wipc_plat_memfd_check(fd, NP_Q_PAGE) != 0 ||
        wipc_plat_map_shared(fd, NP_Q_PAGE, &map) != 0)
        return NULL;
    if (((struct np_qpage *)map)->magic != NP_Q_MAGIC) {
        wipc_plat_unmap(map, NP_Q_PAGE);
        return NULL;
    }
    return map;
}

/* One descriptor of the bundle, for an end that has nothing yet; taken
 * over (closed if it is not used). */
static void np_share_take(struct wipc_npipe *p, int fd, uint8_t role)
{
    struct np_qpage *q;
    int d = role == NP_SH_PAGE_UP || role == NP_SH_ROOM_UP ? NP_Q_UP : NP_Q_DOWN;

    switch (role) {
    case NP_SH_LINK:
        wipc_io_link_in(&p->obj, fd);
        return;
    case NP_SH_PAGE_UP:
    case NP_SH_PAGE_DOWN:
    case NP_SH_PAGE_BOTH:
        if (p->qmfd[d] >= 0 || (role == NP_SH_PAGE_BOTH && p->qmfd[0] >= 0) ||
            !(q = np_share_map(fd)))
            break;
        if (role == NP_SH_PAGE_BOTH) {
            p->qmfd[NP_Q_UP] = p->qmfd[NP_Q_DOWN] = fd;
            __atomic_store_n(&p->qpg[NP_Q_UP], q, __ATOMIC_RELEASE);
            __atomic_store_n(&p->qpg[NP_Q_DOWN], q, __ATOMIC_RELEASE);
        } else {
            p->qmfd[d] = fd;
            __atomic_store_n(&p->qpg[d], q, __ATOMIC_RELEASE);
        }
        return;
    case NP_SH_ROOM_UP:
    case NP_SH_ROOM_DOWN:
        if (p->qroom[d] >= 0)
            break;
        wipc_plat_set_nonblock(fd, 1); /* never a descriptor to block on */
        p->qroom[d] = fd;
        return;
    default:
        break;
    }
    wipc_plat_close(fd);
}

void wipc_npipe_share_in(struct wipc_object *obj, int fd)
{
    struct wipc_npipe *p = np_of(obj);
    struct np_share sh;
    int fds[WIPC_PLAT_SVC_FDS_MAX];
    size_t len = 0, n = 0;
    DWORD err;

    if (fd < 0)
        return;
    memset(&sh, 0, sizeof sh);
    /* A peek: the datagram stays for another holder of the bundle (the
     * descriptor a CREATE_SUSPENDED child inherits may be fetched by its
     * parent too); each peek gets copies of the descriptors. */
    err = wipc_plat_recv2_fds(fd, NULL, 0, &sh, sizeof sh, 1, 1, &len, fds,
                              WIPC_PLAT_SVC_FDS_MAX, &n);
    wipc_plat_close(fd);
    if (err)
        return;
    if (len != sizeof sh || sh.magic != NP_SHARE_MAGIC || sh.n != n) {
        for (size_t i = 0; i < n; i++)
            wipc_plat_close(fds[i]);
        return;
    }
    wipc_mutex_lock(&p->lock);
    p->cfg.in_size = sh.in_size;
    p->cfg.out_size = sh.out_size;
    /* Pages first: the room eventfds are kept only with a page.  Each
     * page this copy brought is taken: the quota holds again once no
     * other copy is on its way (a page refused leaves it off). */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            int page = sh.role[i] >= NP_SH_PAGE_UP && sh.role[i] <= NP_SH_PAGE_BOTH;
            if (fds[i] >= 0 && page == (pass == 0)) {
                np_share_take(p, fds[i], sh.role[i]);
                fds[i] = -1;
            }
        }
    for (int d = 0; d < 2; d++)
        if (!np_q_page(p, d) && p->qroom[d] >= 0) {
            wipc_plat_close(p->qroom[d]);
            p->qroom[d] = -1;
        }
    np_share_count(p, sh.role, n, -1);
    /* A page for this end's writes that no byte has brought yet: this
     * end may bring it too (np_q_make). */
    if (sh.give && np_q_page(p, np_q_wdir(p)) && p->qroom[np_q_wdir(p)] >= 0 &&
        p->qmfd[np_q_wdir(p)] >= 0 && p->qmfd[0] != p->qmfd[1])
        atomic_store(&p->q_wgive, 1);
    wipc_mutex_unlock(&p->lock);
}

/* ---- Listings (registry_list.h) ---------------------------------------------- */

DWORD wipc_npipe_status(const char *path, struct wipc_npipe_status *st)
{
    struct np_header h;
    struct wipc_ns_file f;
    DWORD err = np_open_registry(path, &f, 1);
    int fd = f.fd;

    memset(st, 0, sizeof *st);
    if (err)
        return err;
    if (np_read_header(fd, &h) != 0 || h.nslots == 0) {
        err = ERROR_FILE_NOT_FOUND;
        goto done;
    }
    st->instances = calloc(h.nslots, sizeof *st->instances);
    if (!st->instances) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    for (uint32_t i = 0; i < h.nslots; i++) {
        struct np_slot s;
        if (!np_slot_live(fd, i) || np_read_slot(fd, i, &s) != 0)
            continue;
        st->instances[st->ninstances].server_pid = s.server_pid;
        st->instances[st->ninstances].listening = np_slot_available(&s);
        st->ninstances++;
    }
    if (st->ninstances == 0) {
        err = ERROR_FILE_NOT_FOUND; /* every server is gone */
        goto done;
    }
    memcpy(st->name, h.name, sizeof st->name);
    st->name[sizeof st->name - 1] = '\0';
    st->owner_uid = f.owner; /* the file's owner, not what it says */
    st->is_public = h.is_public != 0;
    st->open_mode = h.open_mode;
    st->pipe_type = h.pipe_type;
    st->read_mode = h.read_mode;
    st->reject_remote = h.reject_remote != 0;
    st->max_instances = h.max_instances;
    st->default_timeout = h.default_timeout;
    st->out_size = h.out_size;
    st->in_size = h.in_size;
done:
    wipc_plat_close(fd); /* drops the mutex */
    if (err)
        wipc_npipe_status_clear(st);
    return err;
}

void wipc_npipe_status_clear(struct wipc_npipe_status *st)
{
    free(st->instances);
    st->instances = NULL;
    st->ninstances = 0;
}

/* ---- Overlapped I/O (core/io.h) -------------------------------------------------- */

/* The operation waits for fd to be ready for events, or for wait_ms. */
static DWORD np_io_wait(struct wipc_io *io, int fd, unsigned events,
                        int wait_ms)
{
    io->wait_fd = fd;
    io->wait_events = events;
    io->wait_ms = wait_ms;
    return ERROR_IO_PENDING;
}

/* A message pipe's read without blocking: the state between calls is the
 * pipe's own (in_msg, msg_left, the read buffer), as for np_read_messages;
 * a read that has taken part of a message is committed to it. */
static DWORD np_io_read_messages(struct wipc_npipe *p, int fd,
                                 struct wipc_io *io, DWORD *counted)
{
    int msg_mode = (atomic_load(&p->read_mode) & PIPE_READMODE_MESSAGE) != 0;
    int took_empty = 0; /* a zero-length message was taken */

    if (!p->rbuf && !(p->rbuf = malloc(NP_RBUF)))
        return ERROR_NOT_ENOUGH_MEMORY;
    for (;;) {
        DWORD want, err;
        size_t c, n = 0;

        if (!p->in_msg && io->done == io->len && (io->done > 0 || took_empty))
            return 0; /* full: the next message stays (np_read_messages) */
        if (!p->in_msg) {
            err = np_next_header(p, fd, 1, io->len - io->done);
            if (err == ERROR_NO_DATA && io->done == 0 &&
                atomic_load(&p->nowait) && !took_empty)
                return ERROR_NO_DATA; /* PIPE_NOWAIT: nothing to read */
            /* In byte read mode a read that has taken something, even
             * only a zero-length message, ends when nothing more is there
             * (as the synchronous read does: Wine's test_CloseHandle). */
            if (err == ERROR_NO_DATA)
                return io->done > 0 || took_empty
                           ? 0
                           : np_io_wait(io, fd, WIPC_IO_IN, -1);
            if (err)
                return (io->done > 0 || took_empty) && !msg_mode ? 0 : err;
            if (p->msg_left == 0) { /* a zero-length message */
                p->in_msg = 0;
                if (msg_mode)
                    return 0;
                took_empty = 1;
                continue;
            }
            io->committed = 1;
        }
        {
            /* A message its writer cancelled is not read. */
            int gone = 0;
            err = np_q_skip_msg(p, fd, 1, io->done, counted, &gone);
            if (err == ERROR_NO_DATA)
                return io->done > 0 || took_empty
                           ? 0
                           : np_io_wait(io, fd, WIPC_IO_IN, -1);
            if (err)
                return err;
            if (gone) {
                io->committed = 0;
                continue;
            }
        }
        want = p->msg_left < io->len - io->done ? p->msg_left
                                                : io->len - io->done;
        if (want == 0)
            return msg_mode ? ERROR_MORE_DATA : 0;
        c = np_rbuf_avail(p) < want ? np_rbuf_avail(p) : want;
        memcpy(io->buf + io->done, p->rbuf + p->rstart, c);
        p->rstart += c;
        io->done += (DWORD)c;
        p->msg_left -= (uint32_t)c;
        if (c < want) {
            /* The read buffer is empty: the payload goes straight to the
             * caller. */
            p->rstart = p->rend = 0;
            err = np_recv(p, fd, NULL, 0, io->buf + io->done, want - c,
                                  1, 0, &n);
            if (err == ERROR_NO_DATA)
                return np_io_wait(io, fd, WIPC_IO_IN, -1);
            if (err)
                return err;
            if (n == 0)
                return np_peer_gone(p);
            io->done += (DWORD)n;
            p->msg_left -= (uint32_t)n;
        }
        if (p->msg_left == 0) {
            p->in_msg = 0;
            io->committed = 0;
            if (msg_mode)
                return 0;
        }
    }
}

static DWORD np_io_read(struct wipc_npipe *p, struct wipc_io *io)
{
    size_t n = 0;
    int fd;
    DWORD err, before = io->done;

    /* A synchronous call of another thread may hold the read side (a
     * handle without an OVERLAPPED): the engine never waits for it. */
    if (!wipc_mutex_trylock(&p->rlock))
        return np_io_wait(io, -1, 0, 1);
    err = np_conn_look(p, &fd, !(p->rbuf && np_rbuf_avail(p) > 0));
    if (!err && p->q_pending) {
        /* The server's preamble comes first (np_q_take). */
        err = atomic_load(&p->nowait) ? ERROR_NO_DATA
                                      : np_io_wait(io, fd, WIPC_IO_IN, -1);
    } else if (!err && (p->cfg.pipe_type & PIPE_TYPE_MESSAGE)) {
        err = np_io_read_messages(p, fd, io, &before);
        np_q_took(p, io->done - before);
    } else if (!err) {
        /* A zero-length read waits for data too, and takes none of it
         * (Wine's test_readfileex_pending): it only peeks. */
        char peek;
        DWORD want = io->len;
        /* Bytes their writer cancelled are dropped first. */
        np_q_look(p, fd);
        err = np_q_skip_bytes(p, fd, 1, &want);
        if (!err)
            err = want > 0
                      ? np_recv(p, fd, NULL, 0, io->buf, want, 1, 0, &n)
                      : wipc_plat_recv2(fd, NULL, 0, &peek, 1, 1, 1, &n);
        if (err == ERROR_NO_DATA && atomic_load(&p->nowait))
            err = ERROR_NO_DATA; /* PIPE_NOWAIT: fails at once */
        else if (err == ERROR_NO_DATA)
            err = np_io_wait(io, fd, WIPC_IO_IN, -1);
        else if (!err && n == 0)
            err = np_peer_gone(p);
        else if (!err)
            io->done = io->len > 0 ? (DWORD)n : 0;
        np_q_took(p, io->done);
    }
    np_q_unclaim(p); /* after the take is counted (np_q_took) */
    /* A read that waits says how much it wants: a PIPE_NOWAIT writer
     * counts it as room (Wine's test_nowait, which passes on Windows). */
    np_q_reading(p, err == ERROR_IO_PENDING ? io->len - io->done : 0);
    wipc_mutex_unlock(&p->rlock);
    return err;
}

/* Writes without blocking: io->state counts the bytes of the message's
 * header sent so far; once any byte is out, the write is committed. */
/*
 * A write whose bytes are all out, waiting for its reader to take enough
 * that no more than the quota of them is unread (io->mark: the stream
 * position of its end).  It waits in the engine's drain queue (io.h), so
 * that later writes go out meanwhile, for the room eventfd its reader
 * sets, looking every NP_Q_LOOK_MS whether the reader is still there.
 */
static DWORD np_io_drain(struct wipc_npipe *p, struct wipc_io *io)
{
    int was, closed = 0, room;
    DWORD err = 0;

    /* Under p->lock, not wlock: a FlushFileBuffers of another thread
     * holds wlock for its looks, and a write whose reader has gone must
     * fail at once (Wine's test_overlapped_transport).  The page and the
     * connection stay while p->lock is held (wipc_npipe_disconnect). */
    wipc_mutex_lock(&p->lock);
    if (!np_q_on(p)) {
        np_q_pend_end(p, io->mark - io->len, io->mark);
        wipc_mutex_unlock(&p->lock);
        return 0;
    }
    room = p->qroom[np_q_wdir(p)];
    wipc_plat_eventfd_reset(room, &was);
    np_q_want_room(p, io->mark, NP_Q_W_IO);
    if (np_q_fits(p, io->mark)) {
        np_q_pend_end(p, io->mark - io->len, io->mark);
        wipc_mutex_unlock(&p->lock);
        return 0;
    }
    if (p->state == NP_DISCONNECTED ||
        (!p->server && p->state != NP_DISCONNECTED && np_dropped(p))) {
        p->state = NP_DISCONNECTED;
        err = ERROR_PIPE_NOT_CONNECTED;
    } else if (p->conn < 0 || wipc_plat_peer_hung_up(p->conn)) {
        /* Closed or dead: not a reader that only shut its sending side
         * (winipc connect's half-close), which still reads. */
        closed = 1;
    } else if (np_q_uncounted(p)) {
        /* A reader that is there but does not count: the quota is off. */
        np_q_pend_end(p, io->mark - io->len, io->mark);
        wipc_mutex_unlock(&p->lock);
        return 0;
    }
    if (err || closed)
        np_q_pend_end(p, io->mark - io->len, io->mark);
    wipc_mutex_unlock(&p->lock);
    if (closed)
        err = np_peer_gone(p);
    if (err) {
        io->done = 0;
        return err;
    }
    return np_io_wait(io, room, WIPC_IO_IN, NP_Q_LOOK_MS);
}


static DWORD np_io_write_q(struct wipc_npipe *p, struct wipc_io *io,
                           int quota)
{
    int msg = (p->cfg.pipe_type & PIPE_TYPE_MESSAGE) != 0;
    char hdr[NP_FRAME];
    size_t hlen = 0, n = 0;
    int fd, qfds[2], qmade = 0, pend = 0;
    int first = io->state == 0 && io->done == 0;
    uint64_t pfrom = 0, pto = 0;
    DWORD err, before = io->done;

    if (!wipc_mutex_trylock(&p->wlock))
        return np_io_wait(io, -1, 0, 1);
    err = np_conn(p, &fd);
    /* The direction's first bytes bring its page (np_q_make). */
    if (!err && io->state == 0 && io->done == 0 && io->len > 0)
        qmade = np_q_make(p, qfds);
    if (!err && quota && io->state == 0 && io->done == 0 && io->len > 0) {
        DWORD fit = np_q_nowait_len(p, io->len, msg);
        if (fit == 0) { /* PIPE_NOWAIT, no room: TRUE, nothing written */
            if (qmade == 1)
                np_q_unmake(p, qfds);
            wipc_mutex_unlock(&p->wlock);
            return 0;
        }
        io->len = fit;
    }
    if (!err && msg)
        err = np_remote_msg_check(p, io->len);
    if (!err && msg)
        hlen = np_frame_put(p, hdr, io->len);
    if (err || (!msg && io->len == 0)) { /* Null write succeeds. */
        wipc_mutex_unlock(&p->wlock);
        return err;
    }
    if (quota && first && !atomic_load(&p->nowait))
        pend = np_q_pend_early(p, io->len, &pfrom, &pto);
    while (io->state < hlen || io->done < io->len) {
        size_t hs = (size_t)io->state;
        if (hs < hlen && io->len - io->done <= NP_SMALL_MSG) {
            /* A short message goes out as one buffer, header and all, as
             * np_write sends it (the kernel takes one buffer faster). */
            char one[NP_FRAME + NP_SMALL_MSG];
            memcpy(one, hdr + hs, hlen - hs);
            if (io->len > io->done)
                memcpy(one + (hlen - hs), io->buf + io->done,
                       io->len - io->done);
            err = wipc_plat_send2_some_fds(fd, NULL, 0, one,
                                           hlen - hs + io->len - io->done,
                                           qfds, qmade ? 2 : 0, &n);
        } else {
            err = wipc_plat_send2_some_fds(fd, (char *)hdr + hs, hlen - hs,
                                           io->buf + io->done,
                                           io->len - io->done, qfds,
                                           qmade ? 2 : 0, &n);
        }
        if (qmade) {
            np_q_made(p, qmade, qfds, n > 0);
            qmade = 0;
        }
        if (err || n == 0)
            break;
        io->committed = 1;
        if (hs < hlen) {
            size_t h = n < hlen - hs ? n : hlen - hs;
            io->state += h;
            n -= h;
        }
        io->done += (DWORD)n;
    }
    io->mark = np_q_sent_add(p, io->done - before);
    /* As np_write: a record made before the send that is not the write's
     * goes (the write is recorded again if it waits). */
    if (pend && !err && io->done == io->len && io->mark != pto) {
        wipc_mutex_lock(&p->lock);
        np_q_pend_end(p, pfrom, pto);
        wipc_mutex_unlock(&p->lock);
    }
    wipc_mutex_unlock(&p->wlock);
    if (err == ERROR_NO_DATA) {
        /* As np_write: the peer went away under a write that had begun. */
        DWORD gone = np_peer_gone(p);
        if (gone == ERROR_PIPE_NOT_CONNECTED)
            return gone;
        return io->committed ? ERROR_BROKEN_PIPE : ERROR_NO_DATA;
    }
    if (err)
        return err;
    if (io->state < hlen || io->done < io->len)
        return np_io_wait(io, fd, WIPC_IO_OUT, -1);
    if (quota && io->len > 0 && !np_q_fits(p, io->mark)) {
        /* Out, but over the quota: it completes once the reader has taken
         * enough (np_io_drain); until then it can still be cancelled, and
         * its bytes are pending (gone with this process if it dies). */
        io->committed = 0;
        wipc_mutex_lock(&p->lock);
        if (np_q_page(p, np_q_wdir(p)) &&
            !np_q_pending_rec(&np_q_page(p, np_q_wdir(p))->dir[np_q_wdir(p)],
                              io->mark - io->len, io->mark))
            np_q_pend_start(p, io->mark - io->len, io->mark);
        wipc_mutex_unlock(&p->lock);
        err = np_io_drain(p, io);
        if (err == ERROR_IO_PENDING)
            io->kind = WIPC_IO_DRAIN;
        return err;
    }
    /* It fits: a record made before it went goes (a write that went out
     * in several calls does not know whether it made one). */
    if (pend || !first) {
        wipc_mutex_lock(&p->lock);
        np_q_pend_end(p, io->mark - io->len, io->mark);
        wipc_mutex_unlock(&p->lock);
    }
    return 0;
}

static DWORD np_io_write(struct wipc_npipe *p, struct wipc_io *io)
{
    return np_io_write_q(p, io, 1);
}

/* ConnectNamedPipe without blocking.  The first call does what the
 * synchronous one does before it waits; io->state then holds 1 in its top
 * bit and the instance's connection count, which another thread's accept
 * (a ReadFile, a synchronous ConnectNamedPipe) bumps. */
#define NP_IO_LISTENING (1ull << 63)

/* A connect that is pending is counted in p->io_listens (the backlog
 * guard leaves the instance to the engine meanwhile); io->state says so. */
#define NP_IO_COUNTED (1ull << 61)

/* A counted connect is over (p->lock held): with none pending any more,
 * an instance that still listens is the guard's again. */
static void np_io_uncount(struct wipc_npipe *p, struct wipc_io *io)
{
    if (!(io->state & NP_IO_COUNTED))
        return;
    io->state &= ~NP_IO_COUNTED;
    if (--p->io_listens == 0)
        np_guard_arm_locked(p);
}

static DWORD np_io_connect(struct wipc_npipe *p, struct wipc_io *io)
{
    DWORD err = 0;

    if (!p->server)
        return ERROR_INVALID_FUNCTION;
    wipc_mutex_lock(&p->lock);
    if (!(io->state & NP_IO_LISTENING)) {
        err = np_listen_locked(p);
        io->state = NP_IO_LISTENING | p->conn_gen;
    } else if ((unsigned)io->state != p->conn_gen ||
               p->state != NP_LISTENING) {
        err = 0; /* connected, here or by another thread */
        goto done;
    } else if (np_accept_pending_seen(p, 0) == 0) {
        goto done;
    } else if (io->timed_out) {
        np_check_stale_claim(p);
    }
    if (!err)
        err = np_io_wait(io, p->lfd, WIPC_IO_IN, NP_STALE_LOOK_MS);
done:
    if (err == ERROR_IO_PENDING && !(io->state & NP_IO_COUNTED)) {
        io->state |= NP_IO_COUNTED;
        p->io_listens++;
    } else if (err != ERROR_IO_PENDING) {
        np_io_uncount(p, io);
    }
    wipc_mutex_unlock(&p->lock);
    return err;
}

/* TransactNamedPipe as one operation: a write (in the writes' order, so
 * no other message can cut into it) that then reads the reply.  While it
 * writes, io->state is np_io_write's; once the message is out, the read
 * takes over buf, len and done, and io->state says so. */
#define NP_IO_TRANSACT_READING (1ull << 62)

static DWORD np_io_transact(struct wipc_npipe *p, struct wipc_io *io)
{
    if (!(io->state & NP_IO_TRANSACT_READING)) {
        /* Its request does not wait for room (Wine's test_transact,
         * which passes on Windows): the reply is what it waits for. */
        DWORD err = np_io_write_q(p, io, 0);
        if (err)
            return err;
        io->state = NP_IO_TRANSACT_READING;
        io->buf = io->rbuf;
        io->len = io->rlen;
        io->done = 0;
        io->committed = 0;
    }
    return np_io_read(p, io);
}

static DWORD np_io_progress(struct wipc_object *obj, struct wipc_io *io)
{
    struct wipc_npipe *p = np_of(obj);
    switch (io->kind) {
    case WIPC_IO_READ:
        return np_io_read(p, io);
    case WIPC_IO_WRITE:
        if (io->rbuf)
            return np_io_transact(p, io);
        return np_io_write(p, io);
    case WIPC_IO_CONNECT:
        return np_io_connect(p, io);
    case WIPC_IO_DRAIN:
        return np_io_drain(p, io);
    default:
        return ERROR_INVALID_FUNCTION;
    }
}
