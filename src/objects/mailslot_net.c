/*
 * mailslot_net.c: mailslots between machines ("\\*\mailslot\x",
 * "\\DOMAIN\mailslot\x", "\\HOST\mailslot\x"), in the wire format of
 * Windows' Remote Mailslot Protocol (core/netbios_mailslot.h): NetBIOS
 * datagrams on UDP port 138.  docs/mailslots-network.md tells the
 * behaviour and the environment variables that configure it.
 *
 * Writers.  CreateFile of such a name makes a writer that needs no
 * receiver: each WriteFile is one datagram, broadcast on every interface
 * (to the domain: the group name DOMAIN<00>) or sent to one host (its
 * unique name HOST<00>), as Windows' browser does for its name types
 * PrimaryDomain, OtherDomain and ComputerName.
 *
 * Receivers.  A process that creates a mailslot also listens to the
 * network, with no daemon: one background thread per process owns a UDP
 * socket bound to the port with SO_REUSEADDR, so every receiving process
 * of a host has one and the kernel gives each a copy of every broadcast,
 * while a unicast datagram goes to one of them only.  Hence the rule that
 * delivers each message once:
 *   - a datagram for a mailslot this process created goes into that
 *     mailslot's own socket, as a local writer's message would (so local
 *     and remote messages keep their order of arrival);
 *   - a unicast datagram for a name another process of this host owns is
 *     forwarded to that receiver's socket (the registry says which);
 *   - a broadcast for another process's name is left to that process,
 *     which has its own copy.
 * Nothing waits: a receiver whose queue is full (or that holds
 * MSNET_BACKLOG messages) loses the datagram, as an unreliable
 * second-class mailslot may.  The thread ends, and the port is released,
 * when the process's last mailslot closes.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/namespace.h"
#include "../core/netbios_mailslot.h"
#include "../platform/platform_net.h"
#include "objects.h"

#define MSNET_DEFAULT_PORT 138
#define MSNET_DEFAULT_DOMAIN "WORKGROUP"
#define MSNET_MAX_DEST 16   /* broadcast addresses a writer sends to */
#define MSNET_RECV_MAX 2048 /* larger datagrams are not mailslot writes */
#define MSNET_BATCH 64      /* datagrams handled per wake-up */
#define MSNET_DEDUP 64      /* recent datagrams remembered */
#define MSNET_DEDUP_MS 5000 /* for this long */
#define MSNET_STACK (64 * 1024)

/* ---- Configuration (environment variables) ------------------------------ */

struct msnet_config {
    int enabled;
    int debug;
    uint16_t port;
    char computer[WIPC_NB_NAME_MAX + 1];
    char domain[WIPC_NB_NAME_MAX + 1];
};

/* The variable's value (malloc'ed), NULL if unset or empty. */
static char *msnet_env(const char *name)
{
    char *v = wipc_plat_getenv_copy(name);
    if (v && !*v) {
        free(v);
        v = NULL;
    }
    return v;
}

static int msnet_env_is(const char *name, const char *value)
{
    char *v = msnet_env(name);
    int r = v && strcmp(v, value) == 0;
    free(v);
    return r;
}

/* The computer name from the host name: its first label, in capitals,
 * cut to 15 characters, other characters than NetBIOS allows as '-'. */
static void msnet_name_from_host(char out[WIPC_NB_NAME_MAX + 1])
{
    char host[256];
    size_t n = 0;

    if (wipc_plat_hostname(host, sizeof host) != 0)
        host[0] = '\0';
    for (const char *p = host; *p && *p != '.' && n < WIPC_NB_NAME_MAX; p++) {
        char one[WIPC_NB_NAME_MAX + 1];
        out[n] = wipc_nb_name_normalize(p, 1, one) == 0 ? one[0] : '-';
        n++;
    }
    out[n] = '\0';
    if (n == 0)
        snprintf(out, WIPC_NB_NAME_MAX + 1, "LOCALHOST");
}

/* A NetBIOS name from variable var, or fallback (NULL: the host name). */
static void msnet_config_name(const char *var, const char *fallback,
                              char out[WIPC_NB_NAME_MAX + 1])
{
    char *v = msnet_env(var);
    if (!v || wipc_nb_name_normalize(v, strlen(v), out) != 0) {
        if (fallback)
            snprintf(out, WIPC_NB_NAME_MAX + 1, "%s", fallback);
        else
            msnet_name_from_host(out);
    }
    free(v);
}

static void msnet_config_read(struct msnet_config *c)
{
    char *port = msnet_env("WINIPC_MAILSLOT_PORT");
    char *end = NULL;
    unsigned long p = port ? strtoul(port, &end, 10) : 0;

    c->enabled = !msnet_env_is("WINIPC_MAILSLOT_NET", "0");
    c->debug = msnet_env_is("WINIPC_MAILSLOT_DEBUG", "1");
    c->port = port && end && !*end && p > 0 && p <= 65535 ? (uint16_t)p
                                                          : MSNET_DEFAULT_PORT;
    free(port);
    msnet_config_name("WINIPC_COMPUTERNAME", NULL, c->computer);
    msnet_config_name("WINIPC_DOMAIN", MSNET_DEFAULT_DOMAIN, c->domain);
}

static void msnet_debug(const struct msnet_config *c, const char *what,
                        DWORD err)
{
    if (c->debug)
        fprintf(stderr, "winipc: mailslot network: %s (error %lu)\n", what,
                (unsigned long)err);
}

static int msnet_name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'a' && x <= 'z')
            x = (char)(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z')
            y = (char)(y - 'a' + 'A');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/*
 * Looks name up in a list "NAME=VALUE,NAME=VALUE" (list NULL: not found);
 * the value goes to val.  Without '=', an item is a name alone (val "").
 */
static int msnet_list_find(const char *list, const char *name, char *val,
                           size_t vlen)
{
    while (list && *list) {
        size_t n = strcspn(list, ", ");
        const char *eq = memchr(list, '=', n);
        size_t klen = eq ? (size_t)(eq - list) : n;
        char key[WIPC_NB_NAME_MAX + 1];

        if (klen && klen <= WIPC_NB_NAME_MAX) {
            memcpy(key, list, klen);
            key[klen] = '\0';
            if (msnet_name_eq(key, name)) {
                size_t vl = eq ? n - klen - 1 : 0;
                if (vl >= vlen)
                    vl = vlen - 1;
                memcpy(val, eq ? eq + 1 : "", vl);
                val[vl] = '\0';
                return 1;
            }
        }
        list += n;
        list += strspn(list, ", ");
    }
    return 0;
}

/* ---- Writers ------------------------------------------------------------ */

struct msnet_writer {
    struct wipc_object obj;
    int fd;
    uint16_t port;
    size_t ndest;
    uint32_t dest[MSNET_MAX_DEST], src[MSNET_MAX_DEST];
    struct wipc_nbms_msg tmpl; /* all but the datagram id and source IP */
    char display[WIPC_NBMS_SLOT_MAX + 24];
};

static atomic_uint msnet_next_id;

static void msnet_writer_destroy(struct wipc_object *obj)
{
    struct msnet_writer *w = (struct msnet_writer *)obj;
    wipc_plat_close(w->fd);
    free(w);
}

static int msnet_writer_signal_fd(struct wipc_object *obj)
{
    (void)obj;
    return -1; /* file handles are always signalled */
}

static int msnet_writer_get_fd(struct wipc_object *obj)
{
    return ((struct msnet_writer *)obj)->fd;
}

static const char *msnet_writer_name(struct wipc_object *obj)
{
    return ((struct msnet_writer *)obj)->display;
}

static DWORD msnet_writer_read(struct wipc_object *obj, void *buf, DWORD len,
                               int64_t offset, DWORD *got)
{
    (void)obj, (void)buf, (void)len, (void)offset;
    *got = 0;
    return ERROR_ACCESS_DENIED; /* writers cannot read */
}

/* One datagram per destination; the write succeeds if one of them could
 * be sent (nothing tells whether anybody received it, as on Windows). */
static DWORD msnet_writer_write(struct wipc_object *obj, const void *buf,
                                DWORD len, int64_t offset, DWORD *done)
{
    struct msnet_writer *w = (struct msnet_writer *)obj;
    struct wipc_nbms_msg msg = w->tmpl;
    uint8_t dgram[WIPC_NBMS_DGRAM_MAX];
    DWORD err = ERROR_BAD_NETPATH;
    int sent = 0;

    (void)offset;
    *done = 0;
    /* "cannot be larger than 424 bytes when sent between computers". */
    if (len > WIPC_NBMS_MAX_REMOTE_MSG)
        return ERROR_INVALID_PARAMETER;
    msg.data = buf;
    msg.data_len = len;
    msg.dgm_id = (uint16_t)atomic_fetch_add(&msnet_next_id, 1);
    for (size_t i = 0; i < w->ndest; i++) {
        size_t n;
        msg.source_ip = w->src[i];
        err = wipc_nbms_encode(&msg, dgram, sizeof dgram, &n);
        if (!err)
            err = wipc_plat_udp_sendto(w->fd, w->dest[i], w->port, dgram, n);
        sent |= err == 0;
    }
    if (!sent)
        return err;
    *done = len;
    return 0;
}

static const struct wipc_object_ops msnet_writer_ops = {
    .type_name = "File",
    .file_type = FILE_TYPE_PIPE,
    .mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                FILE_ALL_ACCESS},
    .signal_fd = msnet_writer_signal_fd,
    .read = msnet_writer_read,
    .write = msnet_writer_write,
    .get_fd = msnet_writer_get_fd,
    .name = msnet_writer_name,
    .destroy = msnet_writer_destroy,
};

/* The broadcast addresses: WINIPC_MAILSLOT_BCAST's, or every interface's. */
static DWORD msnet_broadcasts(struct msnet_writer *w)
{
    char *list = msnet_env("WINIPC_MAILSLOT_BCAST");
    DWORD err = 0;

    w->ndest = 0;
    if (!list)
        return wipc_plat_ipv4_broadcasts(w->dest, MSNET_MAX_DEST, &w->ndest);
    for (char *p = list; *p && !err && w->ndest < MSNET_MAX_DEST;) {
        size_t n = strcspn(p, ", ");
        char save = p[n];
        p[n] = '\0';
        if (n)
            err = wipc_plat_ipv4_parse(p, &w->dest[w->ndest++]);
        p[n] = save;
        p += n;
        p += strspn(p, ", ");
    }
    free(list);
    return err ? ERROR_BAD_NETPATH : 0;
}

/* Where a unique name is: WINIPC_MAILSLOT_HOSTS, then the resolver
 * (unless WINIPC_MAILSLOT_DNS=0).  ERROR_BAD_NETPATH if unknown. */
static DWORD msnet_host_address(const char *name, uint32_t *ip)
{
    char *hosts = msnet_env("WINIPC_MAILSLOT_HOSTS");
    char val[64];
    DWORD err = ERROR_BAD_NETPATH;

    if (msnet_list_find(hosts, name, val, sizeof val))
        err = wipc_plat_ipv4_parse(val, ip) ? ERROR_BAD_NETPATH : 0;
    else if (!msnet_env_is("WINIPC_MAILSLOT_DNS", "0"))
        err = wipc_plat_ipv4_resolve(name, ip);
    free(hosts);
    return err;
}

/* Fills the writer's destination: group or unique name, addresses. */
static DWORD msnet_target(struct msnet_writer *w, const struct msnet_config *c,
                          const char *server, size_t slen)
{
    struct wipc_nbms_msg *t = &w->tmpl;
    char *domains;
    int group;
    uint32_t ip;

    if (slen == 1 && server[0] == '*') {
        snprintf(t->dest.name, sizeof t->dest.name, "%s", c->domain);
        group = 1;
    } else {
        char val[2];
        if (wipc_nb_name_normalize(server, slen, t->dest.name) != 0)
            return ERROR_BAD_NETPATH;
        domains = msnet_env("WINIPC_MAILSLOT_DOMAINS");
        group = msnet_name_eq(t->dest.name, c->domain) ||
                msnet_list_find(domains, t->dest.name, val, sizeof val);
        free(domains);
    }
    t->dest.suffix = WIPC_NB_SUFFIX_WORKSTATION;
    t->msg_type = group ? WIPC_NB_DIRECT_GROUP : WIPC_NB_DIRECT_UNIQUE;
    if (!group && msnet_host_address(t->dest.name, &ip) == 0) {
        w->dest[0] = ip;
        w->ndest = 1;
        return 0;
    }
    /* A group, or a host of unknown address: broadcast, for the hosts
     * that have the name to pick up (a B node's way). */
    return msnet_broadcasts(w);
}

DWORD wipc_mailslot_remote_open(const char *server, size_t server_len,
                                const char *slot, struct wipc_object **out)
{
    struct msnet_config c;
    struct msnet_writer *w;
    size_t kept = 0;
    DWORD err;

    msnet_config_read(&c);
    if (!c.enabled)
        return ERROR_BAD_NETPATH;
    if (strlen(slot) + sizeof WIPC_NBMS_PREFIX - 1 > WIPC_NBMS_SLOT_MAX)
        return ERROR_FILENAME_EXCED_RANGE;
    w = calloc(1, sizeof *w);
    if (!w)
        return ERROR_NOT_ENOUGH_MEMORY;
    w->fd = -1;
    w->port = c.port;
    w->tmpl.flags = 0x02; /* first and only fragment, from a B node */
    w->tmpl.source_port = c.port;
    snprintf(w->tmpl.source.name, sizeof w->tmpl.source.name, "%s", c.computer);
    w->tmpl.source.suffix = WIPC_NB_SUFFIX_WORKSTATION;
    w->tmpl.mailslot_class = 2; /* second class: unreliable datagrams */
    snprintf(w->tmpl.slot, sizeof w->tmpl.slot, "%s%s", WIPC_NBMS_PREFIX, slot);
    snprintf(w->display, sizeof w->display, "\\\\%.*s\\mailslot\\%s",
             (int)server_len, server, slot);
    err = msnet_target(w, &c, server, server_len);
    /* The source address each destination is reached from, for the
     * header; destinations without a route are left out. */
    for (size_t i = 0; !err && i < w->ndest; i++)
        if (wipc_plat_udp_source_for(w->dest[i], c.port, &w->src[kept]) == 0)
            w->dest[kept++] = w->dest[i];
    w->ndest = kept;
    if (!err && kept == 0)
        err = ERROR_BAD_NETPATH;
    if (!err)
        err = wipc_plat_udp_socket(&w->fd);
    if (err) {
        msnet_debug(&c, "no destination for the writer", err);
        msnet_writer_destroy(&w->obj);
        return err;
    }
    if (!atomic_load(&msnet_next_id))
        atomic_store(&msnet_next_id, (unsigned)wipc_plat_random64() | 1u);
    wipc_object_init(&w->obj, &msnet_writer_ops);
    *out = &w->obj;
    return 0;
}

/* ---- Receiving ---------------------------------------------------------- */

struct msnet_reg {
    struct msnet_reg *next;
    struct wipc_object *receiver; /* valid while registered */
    uint64_t sock_id;
    char path[WIPC_NS_PATH_MAX];
};

struct msnet_seen {
    uint64_t when, key;
};

static struct {
    wipc_mutex lock;
    struct msnet_reg *regs;
    int running; /* a thread owns udp_fd */
    int atfork;
    int udp_fd, wake_fd, fwd_fd;
    struct msnet_config cfg;
    /* The listener thread's alone. */
    struct msnet_seen seen[MSNET_DEDUP];
    size_t seen_next;
} net = {.lock = WIPC_MUTEX_INIT, .udp_fd = -1, .wake_fd = -1, .fwd_fd = -1};

/* A fork's child has no listener thread: it starts afresh (its copies
 * of the descriptors are closed; async-signal-safe calls only). */
static void msnet_forked(void)
{
    wipc_mutex fresh = WIPC_MUTEX_INIT;
    net.lock = fresh;
    net.regs = NULL; /* the parent's list: left, not freed */
    net.running = 0;
    wipc_plat_close(net.udp_fd);
    wipc_plat_close(net.wake_fd);
    wipc_plat_close(net.fwd_fd);
    net.udp_fd = net.wake_fd = net.fwd_fd = -1;
}

/* 1 if the same datagram (sent to several broadcast addresses of one
 * sender, or looped back on several interfaces) was handled lately. */
static int msnet_seen_before(const struct wipc_nbms_msg *m)
{
    uint64_t now = wipc_plat_now_ms(), key = 1469598103934665603ull;
    const uint8_t *parts[4] = {(const uint8_t *)m->source.name,
                               (const uint8_t *)m->slot, m->data,
                               (const uint8_t *)&m->dgm_id};
    size_t lens[4] = {strlen(m->source.name), strlen(m->slot), m->data_len,
                      sizeof m->dgm_id};

    for (size_t p = 0; p < 4; p++)
        for (size_t i = 0; i < lens[p]; i++)
            key = (key ^ parts[p][i]) * 1099511628211ull;
    for (size_t i = 0; i < MSNET_DEDUP; i++)
        if (net.seen[i].key == key && net.seen[i].when &&
            now - net.seen[i].when < MSNET_DEDUP_MS)
            return 1;
    net.seen[net.seen_next].key = key;
    net.seen[net.seen_next].when = now;
    net.seen_next = (net.seen_next + 1) % MSNET_DEDUP;
    return 0;
}

/* 1 if the datagram is addressed to a name a Windows workstation of this
 * computer and domain registers: the computer as workstation <00>,
 * messenger <03> or server <20>; the domain as workstation group <00>,
 * master browser <1D> or browser election group <1E>; or everyone. */
static int msnet_for_us(const struct msnet_config *c,
                        const struct wipc_nbms_msg *m)
{
    uint8_t s = m->dest.suffix;
    if (m->msg_type == WIPC_NB_BROADCAST)
        return 1;
    if (msnet_name_eq(m->dest.name, c->computer))
        return s == WIPC_NB_SUFFIX_WORKSTATION || s == 0x03 || s == 0x20;
    return msnet_name_eq(m->dest.name, c->domain) &&
           (s == WIPC_NB_SUFFIX_WORKSTATION ||
            s == WIPC_NB_SUFFIX_MASTER_BROWSER || s == WIPC_NB_SUFFIX_ELECTION);
}

/* Hands one received datagram to its receiver (or drops it). */
static void msnet_handle(const uint8_t *buf, size_t len,
                         const struct wipc_udp_from *from)
{
    struct wipc_nbms_msg m;
    char local[WIPC_NBMS_SLOT_MAX + 32], path[WIPC_NS_PATH_MAX];
    int own = 0;
    DWORD err = 0;

    if (len > MSNET_RECV_MAX || wipc_nbms_decode(buf, len, &m) != 0) {
        msnet_debug(&net.cfg, "dropped: not a mailslot write",
                    ERROR_INVALID_DATA);
        return;
    }
    if (!msnet_for_us(&net.cfg, &m)) {
        msnet_debug(&net.cfg, "dropped: for another machine", 0);
        return;
    }
    /* "\MAILSLOT\x" is the local "\\.\mailslot\x". */
    snprintf(local, sizeof local, "\\\\.\\mailslot\\%s",
             m.slot + sizeof WIPC_NBMS_PREFIX - 1);
    if (wipc_ns_path(local, "\\\\.\\mailslot\\", WIPC_NS_MAILSLOT, 1, path,
                     sizeof path) != 0 ||
        msnet_seen_before(&m)) {
        msnet_debug(&net.cfg, "dropped: bad name or seen before", 0);
        return;
    }
    wipc_mutex_lock(&net.lock);
    for (struct msnet_reg *r = net.regs; r; r = r->next)
        if (strcmp(r->path, path) == 0) {
            err = wipc_mailslot_net_deliver(r->receiver, r->sock_id, m.data,
                                            m.data_len);
            own = 1;
            break;
        }
    wipc_mutex_unlock(&net.lock);
    /* A unicast reached this process alone: pass it on to the process
     * whose name it is.  A broadcast reached that process too. */
    if (!own && !from->broadcast)
        err = wipc_mailslot_forward(path, m.data, m.data_len, net.fwd_fd);
    if (!own && from->broadcast)
        msnet_debug(&net.cfg, "broadcast left to the name's owner", 0);
    else if (err)
        msnet_debug(&net.cfg, "dropped: no room or no receiver", err);
}

static void *msnet_main(void *arg)
{
    static uint8_t buf[MSNET_RECV_MAX + 1];
    (void)arg;

    for (;;) {
        int fds[2], ready[2] = {0, 0}, nready = 0;

        wipc_mutex_lock(&net.lock);
        if (!net.regs) { /* the last mailslot closed: stop listening */
            wipc_plat_close(net.udp_fd);
            net.udp_fd = -1;
            net.running = 0;
            msnet_debug(&net.cfg, "listener stops", 0);
            wipc_mutex_unlock(&net.lock);
            return NULL;
        }
        fds[0] = net.udp_fd;
        fds[1] = net.wake_fd;
        wipc_mutex_unlock(&net.lock);
        if (wipc_plat_poll_readable(fds, ready, 2, -1, &nready) != 0)
            wipc_plat_sleep_ms(10);
        if (ready[1])
            wipc_plat_eventfd_reset(fds[1], NULL);
        for (int i = 0; ready[0] && i < MSNET_BATCH; i++) {
            struct wipc_udp_from from;
            size_t len = 0;
            if (wipc_plat_udp_recv(fds[0], buf, sizeof buf, &len, &from))
                break;
            msnet_handle(buf, len, &from);
        }
    }
}

/* Starts listening (lock held): the socket, then the thread. */
static void msnet_start(void)
{
    DWORD err = 0;

    msnet_config_read(&net.cfg);
    if (!net.cfg.enabled)
        return;
    if (!net.atfork) {
        net.atfork = 1;
        wipc_plat_atfork_child(msnet_forked);
    }
    if (net.wake_fd < 0)
        err = wipc_plat_eventfd(0, &net.wake_fd);
    if (!err && net.fwd_fd < 0)
        err = wipc_plat_dgram_socket(&net.fwd_fd);
    if (!err)
        err = wipc_plat_udp_listen(net.cfg.port, &net.udp_fd);
    if (!err) {
        err = wipc_plat_thread_start_quiet(msnet_main, NULL, MSNET_STACK);
        if (err) {
            wipc_plat_close(net.udp_fd);
            net.udp_fd = -1;
        }
    }
    if (err)
        msnet_debug(&net.cfg, "not listening to the network", err);
    else
        net.running = 1;
    msnet_debug(&net.cfg, "listener starts", err);
}

void wipc_mailslot_net_register(struct wipc_object *receiver, const char *path,
                                uint64_t sock_id)
{
    struct msnet_reg *r = calloc(1, sizeof *r);

    if (!r)
        return; /* it just does not hear the network */
    r->receiver = receiver;
    r->sock_id = sock_id;
    snprintf(r->path, sizeof r->path, "%s", path);
    wipc_mutex_lock(&net.lock);
    r->next = net.regs;
    net.regs = r;
    if (!net.running)
        msnet_start();
    wipc_mutex_unlock(&net.lock);
}

void wipc_mailslot_net_unregister(struct wipc_object *receiver)
{
    struct msnet_reg **pp, *gone = NULL;

    wipc_mutex_lock(&net.lock);
    for (pp = &net.regs; *pp; pp = &(*pp)->next)
        if ((*pp)->receiver == receiver) {
            gone = *pp;
            *pp = gone->next;
            break;
        }
    /* The thread looks again and stops with the last one. */
    if (gone && !net.regs && net.running)
        wipc_plat_eventfd_set(net.wake_fd);
    wipc_mutex_unlock(&net.lock);
    free(gone);
}
