/*
 * posix_exit.h: helpers of posix_exit.c shared with other platform files.
 * Internal to src/platform/.
 */
#ifndef WIPC_POSIX_EXIT_H
#define WIPC_POSIX_EXIT_H

#include <stddef.h>

/* The start time of process pid (field 22 of /proc/PID/stat, clock ticks
 * after boot): 0, or -errno. */
int wipc_posix_stat_start(unsigned pid, unsigned long long *start);

/*
 * In a child before execve (async-signal-safe): gives the exit record open
 * at fd its name in dir, "DIR/PID-START", for this process (never replacing
 * a file there); the new path is left in final.  0, or -1 if it could not
 * be done.
 */
int wipc_posix_exit_record_place(int fd, const char *dir, char *final,
                                 size_t cap);

#endif /* WIPC_POSIX_EXIT_H */
