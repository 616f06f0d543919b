/*
 * trace.h: the trace switch (WINIPC_TRACE), for people porting a program.
 *
 * With WINIPC_TRACE=1 (or a comma list of areas, see wipc_trace_areas in
 * trace.c) every Win32 call the program makes to winipc writes one line
 * when it returns: the function, its arguments, its result and the last
 * error, to standard error or to WINIPC_TRACE_FILE.  The entry points
 * (src/api, API_FN in api.h) test wipc_trace_mask, set once when the
 * library is loaded; while it is 0 nothing else of this runs.
 *
 * Only the program's own calls print: a call an entry point makes to
 * another (CreateFileW to CreateFileA) is inside the first and stays
 * quiet, and a callback of the program (an APC, a completion routine) is
 * the program's again (wipc_trace_suspend).
 */
#ifndef WIPC_TRACE_H
#define WIPC_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

/* The areas, one bit each. */
#define WIPC_TRACE_PIPE 0x001u     /* anonymous and named pipes */
#define WIPC_TRACE_MAILSLOT 0x002u /* mailslots */
#define WIPC_TRACE_FILE 0x004u     /* files, directories, std handles */
#define WIPC_TRACE_HANDLE 0x008u   /* CloseHandle, DuplicateHandle, ... */
#define WIPC_TRACE_PROCESS 0x010u  /* processes, threads, jobs */
#define WIPC_TRACE_SYNC                                                        \
    0x020u                     /* waits, events, mutexes, semaphores,          \
                                  timers, file mappings */
#define WIPC_TRACE_IO 0x040u   /* overlapped I/O, ports, APCs */
#define WIPC_TRACE_ENV 0x080u  /* environment, command line */
#define WIPC_TRACE_TEXT 0x100u /* code page conversions */
#define WIPC_TRACE_MEM 0x200u  /* Local/Global/Heap memory */
#define WIPC_TRACE_SYS 0x400u  /* messages, system facts, modules */
/* Calls that belong to several: ReadFile and WriteFile (any handle), the
 * alertable SleepEx. */
#define WIPC_TRACE_RW                                                          \
    (WIPC_TRACE_PIPE | WIPC_TRACE_MAILSLOT | WIPC_TRACE_FILE | WIPC_TRACE_IO)
#define WIPC_TRACE_WAIT (WIPC_TRACE_SYNC | WIPC_TRACE_IO)

/* The enabled areas; 0 (the usual case) when tracing is off.  Written once
 * by the library's constructor, before the program runs. */
extern unsigned wipc_trace_mask;

/* One argument or result, as the entry point's types give it
 * (WIPC_TRACE_ARG below). */
enum wipc_trace_kind {
    WIPC_TA_VOID,  /* no result */
    WIPC_TA_INT,   /* signed */
    WIPC_TA_UINT,  /* unsigned */
    WIPC_TA_PTR,   /* a pointer or handle, in hex */
    WIPC_TA_STR,   /* const char *: a narrow string in */
    WIPC_TA_CHARS, /* char *: a buffer out (a string in for some names) */
    WIPC_TA_WSTR,  /* const WCHAR *: a wide string in */
    WIPC_TA_WCHARS /* WCHAR *: a wide buffer out (or in, by name) */
};

struct wipc_trace_arg {
    enum wipc_trace_kind kind;
    union {
        int64_t i;
        uint64_t u;
        const void *p;
    } v;
};

static inline struct wipc_trace_arg wipc_ta_i(int64_t v)
{
    struct wipc_trace_arg a = {WIPC_TA_INT, {.i = v}};
    return a;
}
static inline struct wipc_trace_arg wipc_ta_u(uint64_t v)
{
    struct wipc_trace_arg a = {WIPC_TA_UINT, {.u = v}};
    return a;
}
static inline struct wipc_trace_arg wipc_ta_p(const volatile void *v)
{
    struct wipc_trace_arg a = {WIPC_TA_PTR, {.p = (const void *)v}};
    return a;
}
static inline struct wipc_trace_arg wipc_ta_s(const char *v)
{
    struct wipc_trace_arg a = {WIPC_TA_STR, {.p = v}};
    return a;
}
static inline struct wipc_trace_arg wipc_ta_cs(char *v)
{
    struct wipc_trace_arg a = {WIPC_TA_CHARS, {.p = v}};
    return a;
}
static inline struct wipc_trace_arg wipc_ta_ws(const WCHAR *v)
{
    struct wipc_trace_arg a = {WIPC_TA_WSTR, {.p = v}};
    return a;
}
static inline struct wipc_trace_arg wipc_ta_wcs(WCHAR *v)
{
    struct wipc_trace_arg a = {WIPC_TA_WCHARS, {.p = v}};
    return a;
}
static inline struct wipc_trace_arg wipc_ta_li(LARGE_INTEGER v)
{
    return wipc_ta_i(v.QuadPart);
}
/* Function pointers: as the address they hold. */
#define WIPC_TA_FN(type)                                                       \
    static inline struct wipc_trace_arg wipc_ta_##type(type v)                 \
    {                                                                          \
        struct wipc_trace_arg a = {WIPC_TA_PTR, {.u = (uintptr_t)v}};          \
        return a;                                                              \
    }
WIPC_TA_FN(FARPROC)
WIPC_TA_FN(LPTHREAD_START_ROUTINE)
WIPC_TA_FN(LPOVERLAPPED_COMPLETION_ROUTINE)
WIPC_TA_FN(PAPCFUNC)
WIPC_TA_FN(PTIMERAPCROUTINE)
#undef WIPC_TA_FN

/* The trace form of x, chosen by its type. */
#define WIPC_TRACE_ARG(x)                                                      \
    _Generic((x),                                                             \
        char: wipc_ta_i, signed char: wipc_ta_i, short: wipc_ta_i,            \
        int: wipc_ta_i,                                                       \
        long: wipc_ta_i, long long: wipc_ta_i, unsigned char: wipc_ta_u,      \
        unsigned short: wipc_ta_u, unsigned int: wipc_ta_u,                   \
        unsigned long: wipc_ta_u, unsigned long long: wipc_ta_u,              \
        const char *: wipc_ta_s, char *: wipc_ta_cs,                          \
        const WCHAR *: wipc_ta_ws, WCHAR *: wipc_ta_wcs,                      \
        LARGE_INTEGER: wipc_ta_li, FARPROC: wipc_ta_FARPROC,                  \
        LPTHREAD_START_ROUTINE: wipc_ta_LPTHREAD_START_ROUTINE,               \
        LPOVERLAPPED_COMPLETION_ROUTINE:                                      \
            wipc_ta_LPOVERLAPPED_COMPLETION_ROUTINE,                          \
        PAPCFUNC: wipc_ta_PAPCFUNC,                                           \
        PTIMERAPCROUTINE: wipc_ta_PTIMERAPCROUTINE,                           \
        default: wipc_ta_p)(x)

/*
 * A call of an entry point begins (tracing is on): 1 if it is to print,
 * that is if area is enabled and the call is the program's own, not one
 * an entry point makes; every call must be matched by wipc_trace_leave.
 */
int wipc_trace_enter(unsigned area);

/*
 * The call ends: prints, if on (wipc_trace_enter's answer), one line:
 * name, the arguments (args, n of them, named by the comma list names as
 * the source spells them, "(a, b)"), the result ret (WIPC_TA_VOID for
 * none) and last_error, the thread's last error after the call.
 */
void wipc_trace_leave(int on, const char *name, const char *names,
                      const struct wipc_trace_arg *args, size_t n,
                      struct wipc_trace_arg ret, DWORD last_error);

/* For a function that does not return (ExitProcess): prints its line now,
 * with "= ?" for the result, if area is enabled. */
void wipc_trace_noreturn(unsigned area, const char *name, const char *names,
                         const struct wipc_trace_arg *args, size_t n);

/* Around a callback of the program run from inside an entry point (an
 * APC): its own calls print.  Returns what wipc_trace_resume restores. */
unsigned wipc_trace_suspend(void);
void wipc_trace_resume(unsigned saved);

#endif /* WIPC_TRACE_H */
