/*
 * posix_exitrec.h: the part of posix_exitrec.c that a child calls between
 * fork and execve.  Internal to src/platform/.
 */
#ifndef WIPC_POSIX_EXITREC_H
#define WIPC_POSIX_EXITREC_H

#include <stddef.h>

/*
 * In a child before execve (async-signal-safe): gives the exit record at
 * tmp ("DIR/exit.new-...", from wipc_plat_dirfd_path) this process's own
 * name, "DIR/exit.PID-START", by renaming it (never replacing a file
 * there).  0, or -1 if it could not be done.
 */
int wipc_posix_exitrec_place(const char *tmp);

#endif /* WIPC_POSIX_EXITREC_H */
