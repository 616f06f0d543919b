/*
 * winipc-smbd-bridge: makes winipc named pipes reachable from other
 * machines as \\HOST\pipe\NAME, through the machine's Samba (smbd).
 * A root service (data/winipc-smbd-bridge.service); docs/remote-pipes.md
 * explains the set-up, and src/objects/npipe_remote.h the hand-over.
 *
 * For every live winipc pipe whose first instance did not ask for
 * PIPE_REJECT_REMOTE_CLIENTS, the bridge listens on <np dir>/<name in lower
 * case> (Debian: /run/samba/ncalrpc/np), where smbd connects for each
 * open of \\HOST\pipe\NAME on IPC$.  For each connection it:
 *
 *   1. trusts only root's smbd (SO_PEERCRED uid 0);
 *   2. reads smbd's handshake (core/smb_npa.h) and checks the session:
 *      anonymous or guest sessions only for a public pipe (made with a
 *      NULL DACL) and only with --allow-anonymous; a private pipe only for
 *      SMB users whose Unix uid (smbd's mapping) is the pipe owner's;
 *   3. claims an instance of the pipe as any client does (so busy
 *      instances and instance limits hold: no free instance refuses the
 *      client);
 *   4. answers the handshake (at once: smbd waits without a timeout), and
 *      hands smbd's socket to the instance over the claimed connection
 *      (SCM_RIGHTS), then lets go of both.  From then on smbd and the
 *      server talk directly.
 *
 * A refused client is closed before the reply, which smbd reports to its
 * client as a failed open.  The session key smbd sends is never read out
 * of the request, logged or kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>
#include <winipc.h>

#include "core/smb_npa.h"
#include "objects/npipe_remote.h"
#include "objects/registry_list.h"

#define BRIDGE_MAX 1024          /* pipes offered at once */
#define BRIDGE_HANDSHAKE_MS 5000 /* smbd sends its request at once */

struct entry {
    char np[WIPC_NS_NAME_MAX + 16]; /* the socket's name in np/ */
    char pipe[WIPC_NS_NAME_MAX + 16]; /* "\\.\pipe\NAME" */
    int lfd;
    int seen;    /* live at the last scan */
    int missing; /* scans in a row that did not list it */
    struct wipc_npipe_status st;
};

static struct {
    const char *np_dir;
    int allow_anonymous;
    unsigned hints; /* WIPC_NPA_HINT_* for the installed smbd */
    int scan_ms;
    int verbose;
} opt = {"/run/samba/ncalrpc/np", 0, 0, 250, 0};

static struct entry *entries[BRIDGE_MAX];
static size_t nentries;
static volatile sig_atomic_t stopping;

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("winipc-smbd-bridge: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

/*
 * Names of the system's own RPC services: Samba's (its IDL endpoints, in
 * np/ too, some started only on demand by samba-dcerpcd, so the folder
 * may not hold them yet) and Windows' well-known ones.  A local user's
 * winipc pipe of such a name is never offered: otherwise any user could
 * answer the network's clients of lsarpc, samr or netlogon in the place
 * of the system (the bridge runs as root and would hand them over).
 */
static const char *const reserved_names[] = {
    "atsvc",       "browser",      "dnsserver", "epmapper",
    "eventlog",    "fssagentrpc",  "initshutdown", "keysvc",
    "lsarpc",      "lsass",        "mdssvc",    "msftewds",
    "netdfs",      "netlogon",     "ntlsa",     "ntsvcs",
    "plugplay",    "protected_storage", "rpcecho", "samr",
    "scerpc",      "spoolss",      "srvsvc",    "svcctl",
    "trkwks",      "unixinfo",     "winreg",    "witness",
    "wkssvc",
};

static int reserved_name(const char *np)
{
    for (size_t i = 0; i < sizeof reserved_names / sizeof *reserved_names;
         i++)
        if (strcmp(np, reserved_names[i]) == 0)
            return 1;
    return 0;
}

/* The np/ name of a pipe: its name after \\.\pipe\, in lower case (smbd
 * lowers the name its client opened).  0 if smbd could not ask for it. */
static int np_name(const char *pipe, char *out, size_t cap)
{
    static const char prefix[] = "\\\\.\\pipe\\";
    size_t n = sizeof prefix - 1;
    if (strncasecmp(pipe, prefix, n) != 0)
        return 0;
    const char *name = pipe + n;
    size_t len = strlen(name);
    if (len == 0 || len >= cap || strchr(name, '/') ||
        strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = (unsigned char)name[i];
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return 1;
}

static int np_path(const char *np, struct sockaddr_un *a, socklen_t *len)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", opt.np_dir, np);
    if (n < 0 || (size_t)n >= sizeof a->sun_path)
        return -1;
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
    return 0;
}

/* Listens on np/NAME.  A socket already there is removed only if nobody
 * answers on it (a bridge's that ended without cleaning up); a live one
 * (Samba's own RPC servers use the same folder) is left alone. */
static int np_listen(const char *np)
{
    struct sockaddr_un a;
    socklen_t len;
    if (np_path(np, &a, &len) != 0)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    int r = bind(fd, (struct sockaddr *)&a, len);
    if (r != 0 && errno == EADDRINUSE) {
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int live = probe >= 0 && connect(probe, (struct sockaddr *)&a, len) == 0;
        if (probe >= 0)
            close(probe);
        if (!live) {
            unlink(a.sun_path);
            r = bind(fd, (struct sockaddr *)&a, len);
        }
    }
    if (r != 0) {
        close(fd);
        return -1;
    }
    if (listen(fd, 64) != 0) {
        unlink(a.sun_path);
        close(fd);
        return -1;
    }
    return fd;
}

static void entry_drop(size_t i)
{
    struct entry *e = entries[i];
    struct sockaddr_un a;
    socklen_t len;
    if (np_path(e->np, &a, &len) == 0)
        unlink(a.sun_path);
    close(e->lfd);
    wipc_npipe_status_clear(&e->st);
    free(e);
    entries[i] = entries[--nentries];
}

/* Brings the np/ entries in line with the live pipes. */
static void scan(void)
{
    struct wipc_npipe_status *list = NULL;
    size_t n = 0;
    if (wipc_registry_list_pipes(&list, &n) != 0)
        return;
    for (size_t i = 0; i < nentries; i++)
        entries[i]->seen = 0;
    for (size_t k = 0; k < n; k++) {
        struct wipc_npipe_status *st = &list[k];
        char np[sizeof entries[0]->np];
        if (st->reject_remote || !np_name(st->name, np, sizeof np) ||
            reserved_name(np))
            continue;
        struct entry *e = NULL;
        for (size_t i = 0; i < nentries && !e; i++)
            if (strcmp(entries[i]->np, np) == 0)
                e = entries[i];
        if (!e && nentries < BRIDGE_MAX) {
            int fd = np_listen(np);
            if (fd < 0)
                continue;
            e = calloc(1, sizeof *e);
            if (!e) {
                close(fd);
                continue;
            }
            snprintf(e->np, sizeof e->np, "%s", np);
            e->lfd = fd;
            entries[nentries++] = e;
            if (opt.verbose)
                say("offering %s as np/%s", st->name, np);
        }
        if (!e)
            continue;
        /* Keep the latest status (owner, public, type, limits). */
        wipc_npipe_status_clear(&e->st);
        e->st = *st;
        memset(st, 0, sizeof *st);
        snprintf(e->pipe, sizeof e->pipe, "%s", e->st.name);
        e->seen = 1;
    }
    wipc_registry_free_pipes(list, n);
    /* A listing skips a registry it cannot read at that moment (its lock
     * held past the bound): a pipe is withdrawn only when three scans in a
     * row did not list it. */
    for (size_t i = nentries; i-- > 0;)
        if (entries[i]->seen)
            entries[i]->missing = 0;
        else if (++entries[i]->missing >= 3) {
            if (opt.verbose)
                say("withdrawing np/%s", entries[i]->np);
            entry_drop(i);
        }
}

/* Reads exactly len bytes within the deadline's milliseconds. */
static int read_full(int fd, void *buf, size_t len, int ms)
{
    size_t got = 0;
    while (got < len) {
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        ssize_t n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = send(fd, (const char *)buf + done, len - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

/* Why the session may not open the pipe, or NULL if it may. */
static const char *refusal(const struct entry *e, const struct wipc_npa_req *r)
{
    int guest = !r->has_session || r->anonymous || !r->authenticated;
    if (guest && !(e->st.is_public && opt.allow_anonymous))
        return e->st.is_public ? "anonymous or guest session "
                                 "(--allow-anonymous is off)"
                               : "anonymous or guest session, private pipe";
    if (!e->st.is_public && (!r->has_unix_token || r->uid != e->st.owner_uid))
        return "private pipe of another user";
    return NULL;
}

static int send_handover(int conn, const struct wipc_npr_handover *h, int fd)
{
    char ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {(void *)h, sizeof *h};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    memset(ctl, 0, sizeof ctl);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ssize_t n;
    do
        n = sendmsg(conn, &m, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof *h ? 0 : -1;
}

/* One connection from smbd on e's socket. */
static void serve(struct entry *e, int fd)
{
    struct ucred cred;
    socklen_t clen = sizeof cred;
    uint8_t head[4], *req = NULL;
    size_t total = 0;
    struct wipc_npa_req r;
    const char *why = NULL;
    HANDLE h = INVALID_HANDLE_VALUE;

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0 ||
        cred.uid != 0) {
        say("np/%s: a connection not from root (uid %u) closed", e->np,
            (unsigned)cred.uid);
        goto out;
    }
    if (read_full(fd, head, 4, BRIDGE_HANDSHAKE_MS) != 0 ||
        (total = wipc_npa_req_total(head)) == 0 ||
        !(req = malloc(total))) {
        say("np/%s: no handshake", e->np);
        goto out;
    }
    memcpy(req, head, 4);
    DWORD err = read_full(fd, req + 4, total - 4, BRIDGE_HANDSHAKE_MS) != 0
                    ? ERROR_INVALID_DATA
                    : wipc_npa_decode_req(req, total, opt.hints, &r);
    if (err) {
        say("np/%s: handshake not understood (error %lu)", e->np,
            (unsigned long)err);
        goto out;
    }
    why = refusal(e, &r);
    if (why) {
        say("np/%s: refused %s\\%s (uid %llu) from %s: %s", e->np,
            r.domain_name, r.account_name, (unsigned long long)r.uid,
            r.remote_client_addr, why);
        goto out;
    }
    DWORD access = 0;
    if (e->st.open_mode & PIPE_ACCESS_INBOUND)
        access |= GENERIC_WRITE;
    if (e->st.open_mode & PIPE_ACCESS_OUTBOUND)
        access |= GENERIC_READ;
    /* Every instance busy: smbd cannot tell its client ERROR_PIPE_BUSY, so
     * the bridge waits as a Windows client would (WaitNamedPipe, the
     * pipe's default time-out: a server loop makes its next instance just
     * after ConnectNamedPipe returns), then gives up. */
    h = CreateFileA(e->pipe, access, 0, NULL, OPEN_EXISTING, 0, NULL);
    for (int tries = 0; h == INVALID_HANDLE_VALUE &&
                        GetLastError() == ERROR_PIPE_BUSY && tries < 3;
         tries++) {
        if (!WaitNamedPipeA(e->pipe, NMPWAIT_USE_DEFAULT_WAIT))
            break;
        h = CreateFileA(e->pipe, access, 0, NULL, OPEN_EXISTING, 0, NULL);
    }
    if (h == INVALID_HANDLE_VALUE) {
        say("np/%s: %s\\%s from %s: no instance (error %lu)", e->np,
            r.domain_name, r.account_name, r.remote_client_addr,
            (unsigned long)GetLastError());
        goto out;
    }
    /* The instance claimed is the pipe's owner's (CreateFileA checked it
     * against the registry's owner): the one refusal() was asked about. */
    int conn = winipc_handle_fd(h);
    struct ucred scred;
    clen = sizeof scred;
    if (conn < 0 ||
        getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &scred, &clen) != 0 ||
        scred.uid != e->st.owner_uid) {
        say("np/%s: the pipe changed owner", e->np);
        goto out;
    }
    int msg = (e->st.pipe_type & PIPE_TYPE_MESSAGE) != 0;
    uint16_t state = (uint16_t)((e->st.max_instances & 0xff) |
                                (msg ? 0x0500 : 0));
    uint8_t rep[WIPC_NPA_REP_LEN];
    wipc_npa_encode_rep(rep, r.level,
                        msg ? WIPC_NPA_FILE_TYPE_MESSAGE : WIPC_NPA_FILE_TYPE_BYTE,
                        state, 4096, 0);
    struct wipc_npr_handover ho;
    memset(&ho, 0, sizeof ho);
    ho.magic = WIPC_NPR_MAGIC;
    ho.size = sizeof ho;
    ho.flags = (r.authenticated && !r.anonymous ? WIPC_NPR_AUTHENTICATED : 0) |
               (r.anonymous ? WIPC_NPR_ANONYMOUS : 0);
    ho.uid = (uint32_t)r.uid;
    ho.gid = (uint32_t)r.gid;
    ho.client_port = r.remote_client_port;
    /* smbd knows no client name over SMB2 and sends its own host name
     * there (local_np_connect): the client's address is what is known. */
    int no_name = r.remote_client_name[0] == 0 ||
                  strcasecmp(r.remote_client_name, r.local_server_name) == 0;
    snprintf(ho.computer, sizeof ho.computer, "%s",
             no_name ? r.remote_client_addr : r.remote_client_name);
    snprintf(ho.address, sizeof ho.address, "%s", r.remote_client_addr);
    snprintf(ho.user, sizeof ho.user, "%s", r.account_name);
    snprintf(ho.domain, sizeof ho.domain, "%s", r.domain_name);
    snprintf(ho.unix_user, sizeof ho.unix_user, "%s", r.unix_name);
    /* The reply first: once the server has smbd's socket it may write at
     * any time, and smbd must have its reply before any pipe byte. */
    if (write_full(fd, rep, sizeof rep) != 0 || send_handover(conn, &ho, fd) != 0) {
        say("np/%s: the hand-over failed", e->np);
        goto out;
    }
    if (opt.verbose)
        say("np/%s: %s\\%s from %s (%s) handed to the server", e->np,
            r.domain_name, r.account_name, r.remote_client_name,
            r.remote_client_addr);
out:
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    /* The request holds the session key: not left in freed memory. */
    if (req)
        explicit_bzero(req, total);
    free(req);
    close(fd);
}

/* The installed smbd's version, for the layout of level 7 (smb_npa.h). */
static unsigned samba_hints(const char *version)
{
    char line[256] = "";
    unsigned major = 0, minor = 0;
    if (!version) {
        FILE *f = popen("smbd --version 2>/dev/null", "r");
        if (f) {
            if (!fgets(line, sizeof line, f))
                line[0] = 0;
            pclose(f);
        }
        version = strncmp(line, "Version ", 8) == 0 ? line + 8 : line;
    }
    if (sscanf(version, "%u.%u", &major, &minor) != 2) {
        say("cannot tell smbd's version: taking it for 4.17/4.18 (level 7 "
            "sessions of a 4.19 smbd would be refused)");
        return 0;
    }
    return major > 4 || (major == 4 && minor >= 19) ? WIPC_NPA_HINT_SAMBA_4_19
                                                    : 0;
}

static void usage(FILE *f)
{
    fputs("usage: winipc-smbd-bridge [--np-dir DIR] [--allow-anonymous]\n"
          "                          [--samba-version X.Y] [--scan-ms N] "
          "[--verbose]\n"
          "Offers winipc's named pipes to smbd's clients (\\\\HOST\\pipe\\NAME).\n"
          "  --np-dir DIR        smbd's np/ folder (default "
          "/run/samba/ncalrpc/np)\n"
          "  --allow-anonymous   anonymous and guest sessions may open public "
          "pipes\n"
          "  --samba-version X.Y the smbd's version (default: smbd --version)\n"
          "  --scan-ms N         how often new and gone pipes are looked for "
          "(250)\n",
          f);
}

int main(int argc, char **argv)
{
    const char *version = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--np-dir") == 0 && i + 1 < argc)
            opt.np_dir = argv[++i];
        else if (strcmp(argv[i], "--allow-anonymous") == 0)
            opt.allow_anonymous = 1;
        else if (strcmp(argv[i], "--samba-version") == 0 && i + 1 < argc)
            version = argv[++i];
        else if (strcmp(argv[i], "--scan-ms") == 0 && i + 1 < argc)
            opt.scan_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--verbose") == 0)
            opt.verbose = 1;
        else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (opt.scan_ms < 10)
        opt.scan_ms = 10;
    if (geteuid() != 0) {
        say("must run as root: smbd and the pipe servers trust only root");
        return 1;
    }
    /* The servers recognise the bridge by this name (npipe_remote.h). */
    prctl(PR_SET_NAME, WIPC_NPR_BRIDGE_COMM, 0, 0, 0);
    opt.hints = samba_hints(version);
    if (mkdir(opt.np_dir, 0700) != 0 && errno != EEXIST) {
        say("cannot make %s: %s", opt.np_dir, strerror(errno));
        return 1;
    }
    /* The folder must be this user's alone, not a link to elsewhere:
     * entries are bound, and stale ones unlinked, by their path. */
    struct stat dst;
    if (lstat(opt.np_dir, &dst) != 0 || !S_ISDIR(dst.st_mode) ||
        dst.st_uid != geteuid() || (dst.st_mode & 022) != 0) {
        say("%s is not a directory of this user's that only it may change",
            opt.np_dir);
        return 1;
    }
    /* Sockets are made 0600 (no chmod by path after bind). */
    umask(077);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    say("serving winipc pipes in %s", opt.np_dir);
    uint64_t last = 0;
    while (!stopping) {
        struct pollfd p[BRIDGE_MAX];
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
        if (last == 0 || now - last >= (uint64_t)opt.scan_ms) {
            scan();
            last = now;
        }
        for (size_t i = 0; i < nentries; i++)
            p[i] = (struct pollfd){entries[i]->lfd, POLLIN, 0};
        int n = poll(p, nentries, opt.scan_ms);
        for (size_t i = 0; n > 0 && i < nentries; i++) {
            if (!(p[i].revents & POLLIN))
                continue;
            int fd;
            while ((fd = accept4(entries[i]->lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
                serve(entries[i], fd);
        }
    }
    while (nentries > 0)
        entry_drop(nentries - 1);
    say("stopped");
    return 0;
}
