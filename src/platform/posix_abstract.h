/*
 * posix_abstract.h: AF_UNIX sockets in the abstract namespace, shared by
 * the platform files that name sockets (named pipes, mailslots, the handle
 * service).  Internal to src/platform/.
 */
#ifndef WIPC_POSIX_ABSTRACT_H
#define WIPC_POSIX_ABSTRACT_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Fills sa with the abstract name (sun_path[0] == '\0' then name); returns
 * the address length to pass to bind() or connect(). */
socklen_t wipc_posix_abstract_addr(const char *name, struct sockaddr_un *sa);

/* The abstract name of the socket that a 64-bit id names (named pipe
 * instances, mailslots): "winipc-" and the id in hex, into name[32]. */
#define WIPC_POSIX_ID_NAME_MAX 32
void wipc_posix_abstract_id_name(uint64_t id, char *name);

/* wipc_posix_abstract_addr of that name. */
socklen_t wipc_posix_abstract_id_addr(uint64_t id, struct sockaddr_un *sa);

/* A close-on-exec socket of type connected to the address sa (connect()
 * is retried after a signal): the descriptor, or -errno. */
int wipc_posix_abstract_connect(const struct sockaddr_un *sa, socklen_t len,
                                int type);

/* A close-on-exec socket of type bound to the address sa: the descriptor,
 * or -errno. */
int wipc_posix_abstract_bind(const struct sockaddr_un *sa, socklen_t len,
                             int type);

/* A close-on-exec socket of type bound to the abstract name and listening
 * with backlog: the descriptor, or -errno. */
int wipc_posix_abstract_listen(const char *name, int type, int backlog);

/* The address of process pid's handle service, "winipc-svc-PID", or with
 * tag != 0 the other name "winipc-svc-PID.TAG" (TAG: 16 hex digits) that
 * it takes when its own is taken (posix_service.c); async-signal-safe, for
 * a suspended child that answers on it before execve (posix_spawn.c). */
socklen_t wipc_posix_svc_addr(uint32_t pid, uint64_t tag,
                              struct sockaddr_un *sa);

/* A random tag for wipc_posix_svc_addr, never 0 (async-signal-safe). */
uint64_t wipc_posix_svc_tag(void);

/* ---- Descriptors passed with a message (SCM_RIGHTS); both calls are
 * async-signal-safe (a suspended child uses them before execve). */

/* Sets msg up to send iov (one buffer) with fds[0..n-1] (none if n is 0);
 * ctl must hold CMSG_SPACE(n * sizeof(int)) bytes. */
void wipc_posix_rights_msg(struct msghdr *msg, struct iovec *iov, void *ctl,
                           const int *fds, size_t n);

/* The descriptors that came with a received msg: the first max go to
 * out[] (their count is returned), any others are closed. */
size_t wipc_posix_rights_take(struct msghdr *msg, int *out, size_t max);

#endif /* WIPC_POSIX_ABSTRACT_H */
