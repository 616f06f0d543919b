/*
 * platform_net.h: the part of the platform contract (see platform.h) that
 * mailslots between machines use: IPv4 UDP sockets, interface addresses,
 * host names, and datagrams to an abstract AF_UNIX socket by its id.
 *
 * IPv4 addresses and ports are in host byte order.  Every descriptor is
 * close-on-exec; every function returns a Win32 error code (0 = success).
 * (posix_udp.c)
 */
#ifndef WIPC_PLATFORM_NET_H
#define WIPC_PLATFORM_NET_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

/*
 * A non-blocking UDP socket bound to port on every address, with
 * SO_REUSEADDR (so that every receiving process of a host can bind the
 * same port, and each gets its own copy of every broadcast) and IP_PKTINFO
 * (so that wipc_plat_udp_recv can tell broadcasts from unicasts).
 * ERROR_ACCESS_DENIED for a privileged port without the privilege,
 * ERROR_ALREADY_EXISTS if another socket holds the port exclusively.
 */
DWORD wipc_plat_udp_listen(uint16_t port, int *out);

/* What wipc_plat_udp_recv says of one datagram. */
struct wipc_udp_from {
    uint32_t src_ip;
    uint16_t src_port;
    int broadcast; /* sent to a broadcast (or multicast) address */
};

/*
 * Receives one datagram without waiting: ERROR_NO_DATA if none.
 * *len is its whole size, larger than cap if it was cut.
 */
DWORD wipc_plat_udp_recv(int fd, void *buf, size_t cap, size_t *len,
                         struct wipc_udp_from *from);

/* An unbound UDP socket that may send to broadcast addresses. */
DWORD wipc_plat_udp_socket(int *out);

/*
 * Sends one datagram to ip:port without waiting for room (a full queue
 * drops it: ERROR_BUSY).  ERROR_BAD_NETPATH if there is no route.
 */
DWORD wipc_plat_udp_sendto(int fd, uint32_t ip, uint16_t port, const void *buf,
                           size_t len);

/* The local address the kernel would send from to reach ip:port. */
DWORD wipc_plat_udp_source_for(uint32_t ip, uint16_t port, uint32_t *src);

/*
 * The broadcast addresses of the IPv4 interfaces that are up, not loopback
 * and can broadcast, at most max of them, in *n.
 */
DWORD wipc_plat_ipv4_broadcasts(uint32_t *out, size_t max, size_t *n);

/* Parses a dotted IPv4 address: ERROR_INVALID_PARAMETER if it is not. */
DWORD wipc_plat_ipv4_parse(const char *text, uint32_t *ip);

/* Looks name up as a host (hosts file, DNS: getaddrinfo) for an IPv4
 * address.  ERROR_BAD_NETPATH if it has none. */
DWORD wipc_plat_ipv4_resolve(const char *name, uint32_t *ip);

/* This machine's host name (gethostname). */
DWORD wipc_plat_hostname(char *buf, size_t len);

/* An unbound AF_UNIX datagram socket for wipc_plat_dgram_sendto_id. */
DWORD wipc_plat_dgram_socket(int *out);

/*
 * Sends one datagram from fd to the abstract socket named by id (see
 * wipc_plat_doorbell_bind) without waiting: ERROR_BUSY if its queue is full,
 * ERROR_FILE_NOT_FOUND if nobody is bound there.
 */
DWORD wipc_plat_dgram_sendto_id(int fd, uint64_t id, const void *buf,
                                size_t len);

#endif /* WIPC_PLATFORM_NET_H */
