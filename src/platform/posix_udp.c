/*
 * posix_udp.c: UDP sockets, interface addresses and host names for
 * mailslots between machines (see platform_net.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "platform.h"
#include "platform_net.h"
#include "posix_abstract.h"

static void udp_addr(uint32_t ip, uint16_t port, struct sockaddr_in *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(ip);
    sa->sin_port = htons(port);
}

/* Errors of sending that mean "no way there". */
static DWORD udp_send_error(int e)
{
    if (e == ENETUNREACH || e == EHOSTUNREACH || e == ENETDOWN ||
        e == EADDRNOTAVAIL)
        return ERROR_BAD_NETPATH;
    if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS)
        return ERROR_BUSY;
    if (e == EMSGSIZE)
        return ERROR_INVALID_PARAMETER;
    return wipc_plat_error(e);
}

DWORD wipc_plat_udp_listen(uint16_t port, int *out)
{
    struct sockaddr_in sa;
    int one = 1, big = 1 << 20;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (fd < 0)
        return wipc_plat_error(errno);
    /* Room for bursts (the kernel caps it at net.core.rmem_max). */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    /* SO_REUSEADDR alone, not SO_REUSEPORT: every socket bound with it
     * gets each broadcast, whatever user owns it, and a unicast datagram
     * goes to exactly one of them. */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    udp_addr(INADDR_ANY, port, &sa);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        close(fd);
        return e == EADDRINUSE ? ERROR_ALREADY_EXISTS : wipc_plat_error(e);
    }
    *out = fd;
    return 0;
}

DWORD wipc_plat_udp_recv(int fd, void *buf, size_t cap, size_t *len,
                         struct wipc_udp_from *from)
{
    char ctl[CMSG_SPACE(sizeof(struct in_pktinfo))];
    struct sockaddr_in sa;
    struct iovec iov = {buf, cap};
    struct msghdr msg;
    struct cmsghdr *c;
    ssize_t n;

    memset(&msg, 0, sizeof msg);
    msg.msg_name = &sa;
    msg.msg_namelen = sizeof sa;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl;
    msg.msg_controllen = sizeof ctl;
    do {
        n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? ERROR_NO_DATA
                                                       : wipc_plat_error(errno);
    *len = (size_t)n;
    memset(from, 0, sizeof *from);
    from->src_ip = ntohl(sa.sin_addr.s_addr);
    from->src_port = ntohs(sa.sin_port);
    /* The header's destination (ipi_addr) is a local address only for a
     * unicast; a broadcast's is the broadcast address, which differs from
     * the address the interface would answer from (ipi_spec_dst). */
    for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            from->broadcast = pi.ipi_addr.s_addr != pi.ipi_spec_dst.s_addr ||
                              IN_MULTICAST(ntohl(pi.ipi_addr.s_addr));
        }
    return 0;
}

DWORD wipc_plat_udp_socket(int *out)
{
    int one = 1;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return wipc_plat_error(errno);
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    *out = fd;
    return 0;
}

DWORD wipc_plat_udp_sendto(int fd, uint32_t ip, uint16_t port, const void *buf,
                           size_t len)
{
    struct sockaddr_in sa;
    ssize_t n;

    udp_addr(ip, port, &sa);
    do {
        n = sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                   (struct sockaddr *)&sa, sizeof sa);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? udp_send_error(errno) : 0;
}

DWORD wipc_plat_udp_source_for(uint32_t ip, uint16_t port, uint32_t *src)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int fd, one = 1;
    DWORD err = 0;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return wipc_plat_error(errno);
    /* connect() on a datagram socket sends nothing: it only picks the
     * route, and with it the source address. */
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    udp_addr(ip, port, &sa);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
        err = udp_send_error(errno);
    else
        *src = ntohl(sa.sin_addr.s_addr);
    close(fd);
    return err;
}

DWORD wipc_plat_ipv4_broadcasts(uint32_t *out, size_t max, size_t *n)
{
    struct ifaddrs *list, *i;

    *n = 0;
    if (getifaddrs(&list) < 0)
        return wipc_plat_error(errno);
    for (i = list; i && *n < max; i = i->ifa_next) {
        unsigned f = i->ifa_flags;
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
            !(f & IFF_UP) || (f & IFF_LOOPBACK) || !(f & IFF_BROADCAST) ||
            !i->ifa_broadaddr)
            continue;
        out[(*n)++] =
            ntohl(((struct sockaddr_in *)i->ifa_broadaddr)->sin_addr.s_addr);
    }
    freeifaddrs(list);
    return 0;
}

DWORD wipc_plat_ipv4_parse(const char *text, uint32_t *ip)
{
    struct in_addr a;
    if (inet_pton(AF_INET, text, &a) != 1)
        return ERROR_INVALID_PARAMETER;
    *ip = ntohl(a.s_addr);
    return 0;
}

DWORD wipc_plat_ipv4_resolve(const char *name, uint32_t *ip)
{
    struct addrinfo hints, *res = NULL;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo(name, NULL, &hints, &res) != 0 || !res)
        return ERROR_BAD_NETPATH;
    *ip = ntohl(((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr);
    freeaddrinfo(res);
    return 0;
}

DWORD wipc_plat_hostname(char *buf, size_t len)
{
    if (gethostname(buf, len) < 0)
        return wipc_plat_error(errno);
    buf[len - 1] = '\0';
    return 0;
}

DWORD wipc_plat_dgram_socket(int *out)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return wipc_plat_error(errno);
    *out = fd;
    return 0;
}

DWORD wipc_plat_dgram_sendto_id(int fd, uint64_t id, const void *buf,
                                size_t len)
{
    struct sockaddr_un sa;
    /* The same name as wipc_plat_doorbell_bind gives (posix_spool.c). */
    socklen_t sl = wipc_posix_abstract_id_addr(id, &sa);
    ssize_t n;

    do {
        n = sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                   (struct sockaddr *)&sa, sl);
    } while (n < 0 && errno == EINTR);
    if (n >= 0)
        return 0;
    if (errno == ECONNREFUSED || errno == ENOENT)
        return ERROR_FILE_NOT_FOUND;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
        return ERROR_BUSY;
    return wipc_plat_error(errno);
}
