/*
 * platform_sys.h: the part of the platform contract (see platform.h) that
 * the system information, module and console helpers use: clocks since
 * boot, the page size and processor count, the host and user names, the
 * dynamic linker's view of winipc itself, and single-key reads from a
 * terminal.  Every function returns a Win32 error code (0 = success) unless
 * it says otherwise.  (posix_sys.c)
 */
#ifndef WIPC_PLATFORM_SYS_H
#define WIPC_PLATFORM_SYS_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

/* Milliseconds since the system started, time asleep included
 * (CLOCK_BOOTTIME): GetTickCount's clock. */
uint64_t wipc_plat_boot_ms(void);

/* The size of a memory page in bytes. */
DWORD wipc_plat_page_size(void);

/* The number of processors online (at least 1). */
DWORD wipc_plat_cpu_count(void);

/* The machine's host name (gethostname), NUL-terminated in buf of cap
 * bytes; ERROR_BUFFER_OVERFLOW if it does not fit. */
DWORD wipc_plat_host_name(char *buf, size_t cap);

/* The login name of the process's effective user (its passwd entry, or
 * its number when it has none), NUL-terminated in buf of cap bytes;
 * ERROR_INSUFFICIENT_BUFFER if it does not fit (*len, if not NULL, gets
 * its length without the NUL either way). */
DWORD wipc_plat_login_name(char *buf, size_t cap, size_t *len);

/* The dynamic linker's handle of the object winipc is part of (the shared
 * library, or the program it is linked into statically), never closed;
 * NULL if it has none (ERROR_MOD_NOT_FOUND). */
DWORD wipc_plat_module_self(void **handle);

/* The dynamic linker's handle of the main program, never closed. */
DWORD wipc_plat_module_main(void **handle);

/* The address of the symbol name exported by the object handle denotes
 * (dlsym), or NULL. */
void *wipc_plat_module_symbol(void *handle, const char *name);

/*
 * Console keys.  When fd is a terminal: wipc_plat_tty_getch reads one key
 * without waiting for a line and without echo, Enter as '\r' (the
 * terminal's settings are restored before it returns, signals from the
 * keyboard still work), and
 * wipc_plat_tty_key_ready says, without waiting, whether a key is there
 * (1 or 0).  When fd is not a terminal, getch reads one byte and
 * key_ready says whether a read would not block.  getch: *c gets the byte,
 * ERROR_HANDLE_EOF at end of input.
 */
DWORD wipc_plat_tty_getch(int fd, unsigned char *c);
int wipc_plat_tty_key_ready(int fd);

/* ---- Processes (posix_procinfo.c) --------------------------------------- */

/* 100 ns intervals between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
#define WIPC_FILETIME_UNIX_EPOCH 116444736000000000ull

/* The absolute path of process pid's program (/proc/PID/exe) in buf of cap
 * bytes, NUL-terminated, *len its length.  ERROR_INVALID_PARAMETER when
 * the process is gone (or a zombie), ERROR_ACCESS_DENIED when it is not
 * ours to look at, ERROR_INSUFFICIENT_BUFFER. */
DWORD wipc_plat_process_exe(DWORD pid, char *buf, size_t cap, size_t *len);

/* A process's times as GetProcessTimes gives them (100 ns units): when it
 * started (since 1601, as a FILETIME) and the CPU time it has used in
 * kernel and user mode.  ERROR_INVALID_PARAMETER when it is gone. */
struct wipc_proc_times {
    uint64_t creation, kernel, user;
};
DWORD wipc_plat_process_times(DWORD pid, struct wipc_proc_times *t);

/* Now, as a FILETIME (100 ns units since 1601). */
uint64_t wipc_plat_filetime_now(void);

/* The nice value of process pid (of its main thread), and setting it for
 * every thread it has.  ERROR_INVALID_PARAMETER when the process is gone,
 * ERROR_ACCESS_DENIED without the right to change it. */
DWORD wipc_plat_get_nice(DWORD pid, int *nice);
DWORD wipc_plat_set_nice(DWORD pid, int nice);

/* The lowest nice value this process may set (-20 with privilege, else
 * what RLIMIT_NICE allows). */
DWORD wipc_plat_nice_floor(int *floor);

/* This process's arguments as the kernel keeps them (/proc/self/cmdline:
 * NUL-separated), up to cap bytes; *len the bytes read. */
DWORD wipc_plat_self_cmdline(char *buf, size_t cap, size_t *len);

/*
 * The value of environment variable name in the environment process pid
 * started its program with (/proc/PID/environ: what execve gave it, which
 * the process's own setenv/unsetenv do not change), NUL-terminated in buf
 * of cap bytes.  Reads at most 4 MiB of it.  ERROR_ENVVAR_NOT_FOUND when
 * it is not there (or longer than cap - 1), ERROR_INVALID_PARAMETER when
 * the process is gone, ERROR_ACCESS_DENIED when it is not ours to read.
 */
DWORD wipc_plat_process_env_value(DWORD pid, const char *name, char *buf,
                                  size_t cap);

/* What a process list (toolhelp) says of one process: its Linux parent
 * (the process that would reap it now), its thread count, its nice value
 * and its program's file name without the directory (the program's file,
 * or the kernel's name of the process when that cannot be read: another
 * user's process, a kernel thread).  ERROR_INVALID_PARAMETER when it is
 * gone. */
struct wipc_proc_brief {
    DWORD ppid, threads;
    int nice;
    char name[260];
};
DWORD wipc_plat_process_brief(DWORD pid, struct wipc_proc_brief *b);

/* The ids of the processes that exist now (malloc'ed, *n of them, in
 * increasing order).  ERROR_NOT_ENOUGH_MEMORY, or the system's error. */
DWORD wipc_plat_process_ids(DWORD **pids, size_t *n);

/* The pid of this process's Linux parent now (getppid). */
DWORD wipc_plat_getppid(void);

/* The ids of process pid's threads (malloc'ed, *n of them, in increasing
 * order: the first is the main thread, whose id is the pid).
 * ERROR_INVALID_PARAMETER when it is gone. */
DWORD wipc_plat_process_threads(DWORD pid, DWORD **tids, size_t *n);

/* The processors process pid may run on (bit i: processor i, for the first
 * 64).  ERROR_INVALID_PARAMETER when it is gone. */
DWORD wipc_plat_process_affinity(DWORD pid, uint64_t *mask);

#endif /* WIPC_PLATFORM_SYS_H */
