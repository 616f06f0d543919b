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

/* Async-signal-safe: the state letter (field 3: 'Z' for a zombie) and the
 * start time of process pid: 0, or -errno. */
int wipc_posix_stat_state(unsigned pid, char *state,
                          unsigned long long *start);

/* Async-signal-safe: the state letter (field 3) and the process group
 * (field 5) of process pid in one read: 0, or -errno. */
int wipc_posix_stat_group(unsigned pid, char *state, long long *pgrp);

/* The numbers of fields[0..n-1] (each > 2) of /proc/PID/stat into out:
 * 0, or -errno (-ESRCH: no such process). */
int wipc_posix_stat_numbers(unsigned pid, const int *fields, long long *out,
                            size_t n);

/* Appends the decimal v to buf at *len, and a NUL (async-signal-safe):
 * 0, or -1 if it does not fit in cap. */
int wipc_posix_put_dec(char *buf, size_t cap, size_t *len,
                       unsigned long long v);

#endif /* WIPC_POSIX_EXIT_H */
