/*
 * conf_proc.h: the parent and child helpers of the multi-process
 * scenarios (process_*.c, npipe_process_*.c, pipe_inherit.c,
 * mailslot_process.c and the others that start copies of themselves).
 *
 * A scenario starts "self JOB ARGS..." with CreateProcessA.  Children never
 * print: they answer through their exit code, through the named pipes under
 * test, and through a report pipe, an anonymous pipe whose inheritable
 * write end the child gets as a handle value on its command line.  The
 * child writes report lines (conf_say, CHILD_BOOL); once the child has ended,
 * the parent copies them into its transcript as "  child: LINE"
 * (conf_relay).  A control pipe carries one-byte orders from the parent to a
 * child that must wait for the parent (conf_order / conf_await).
 *
 * Everything is static inline, so a scenario that does not use a helper
 * gets no warning for it.
 */
#ifndef WINIPC_CONF_PROC_H
#define WINIPC_CONF_PROC_H

#include <windows.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"

/* ---- Both sides ------------------------------------------------------------
 */

/* The program's own path (argv[0]), for starting copies of itself. */
static inline const char **conf_self_slot(void)
{
    static const char *self;
    return &self;
}

/* A handle value as it travels on a command line. */
static inline HANDLE conf_handle_arg(const char *s)
{
    return (HANDLE)(ULONG_PTR)strtoull(s, NULL, 10);
}

/* A handle value for a command line: printf("%llu", CONF_HANDLE_ARG(h)). */
#define CONF_HANDLE_ARG(h) ((unsigned long long)(ULONG_PTR)(h))

/* A failure's last error as an exit code, capped at 255 (the 8 bits a
 * program that does not use winipc can pass on Linux). */
static inline int conf_error_code(void)
{
    DWORD e = GetLastError();
    return e < 255 ? (int)e : 255;
}

/* Creates an anonymous pipe of which only *child_end is inheritable. */
static inline void conf_child_pipe(HANDLE *r, HANDLE *w, int child_reads)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    if (!CreatePipe(r, w, &sa, 0)) {
        printf("(CreatePipe failed: error %u)\n", (unsigned)GetLastError());
        *r = *w = INVALID_HANDLE_VALUE;
        return;
    }
    /* The parent's end is not inherited: a child never holds it open. */
    SetHandleInformation(child_reads ? *w : *r, HANDLE_FLAG_INHERIT, 0);
}

/* ---- The parent
 * -------------------------------------------------------------- */

/* Starts "self ARGS" with bInheritHandles inherit, the creation flags,
 * environment and directory given, and si (a plain STARTUPINFOA if NULL);
 * quiet, FALSE on failure (*pi zeroed).  The last error is preset to the
 * sentinel, but a transcript shows it only for a failure: Windows documents
 * none for a success, and its CreateProcessA leaves whatever its internal
 * look-ups set. */
static inline BOOL conf_start(const char *args, BOOL inherit, DWORD flags,
                              void *env, const char *dir, STARTUPINFOA *si,
                              PROCESS_INFORMATION *pi)
{
    STARTUPINFOA plain;
    char cmd[1024];

    memset(pi, 0, sizeof *pi);
    if (!si) {
        memset(&plain, 0, sizeof plain);
        plain.cb = sizeof plain;
        si = &plain;
    }
    snprintf(cmd, sizeof cmd, "\"%s\" %s", *conf_self_slot(), args);
    SetLastError(CONF_SENTINEL);
    return CreateProcessA(*conf_self_slot(), cmd, NULL, NULL, inherit, flags,
                          env, dir, si, pi);
}

/* Fills si so that a child's standard input is the read end *r of a new
 * pipe (its output and error are ours); *gate, the write end, stays out of
 * children.  A child blocked reading its input goes on once the parent
 * writes a byte to *gate (conf_order) or closes it. */
static inline void conf_gate_stdin(STARTUPINFOA *si, HANDLE *r, HANDLE *gate)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};

    CreatePipe(r, gate, &sa, 0);
    SetHandleInformation(*gate, HANDLE_FLAG_INHERIT, 0);
    memset(si, 0, sizeof *si);
    si->cb = sizeof *si;
    si->dwFlags = STARTF_USESTDHANDLES;
    si->hStdInput = *r;
    si->hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si->hStdError = GetStdHandle(STD_ERROR_HANDLE);
}

/* Starts "self ARGS" with si (a plain STARTUPINFOA if NULL) and prints
 * "label: TRUE" (or the failure); returns the process information, zeroed
 * on failure. */
static inline PROCESS_INFORMATION conf_spawn_with(const char *label,
                                                  const char *args,
                                                  BOOL inherit,
                                                  STARTUPINFOA *si)
{
    PROCESS_INFORMATION pi;
    if (conf_start(args, inherit, 0, NULL, NULL, si, &pi))
        printf("%s: TRUE\n", label);
    else
        printf("%s: FALSE, %s\n", label, conf_error(GetLastError()));
    return pi;
}

/* conf_spawn_with with a plain STARTUPINFOA. */
static inline PROCESS_INFORMATION conf_spawn(const char *label,
                                             const char *args, BOOL inherit)
{
    return conf_spawn_with(label, args, inherit, NULL);
}

/* Waits (20 s at most) for a child to end, closes its handles and returns
 * its exit code (12345 if there is none). */
static inline DWORD conf_exit_code(PROCESS_INFORMATION *pi)
{
    DWORD code = 12345;
    WaitForSingleObject(pi->hProcess, 20000);
    GetExitCodeProcess(pi->hProcess, &code);
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
    pi->hProcess = pi->hThread = NULL;
    return code;
}

/* Runs "self ARGS" (conf_start) to its end and prints "label: exit code
 * N", or "label: CreateProcessA FALSE, ERROR" if it does not start. */
static inline void conf_run(const char *label, const char *args, BOOL inherit,
                            DWORD flags, void *env, const char *dir)
{
    PROCESS_INFORMATION pi;
    if (!conf_start(args, inherit, flags, env, dir, NULL, &pi)) {
        printf("%s: CreateProcessA FALSE, %s\n", label,
               conf_error(GetLastError()));
        return;
    }
    printf("%s: exit code %u\n", label, (unsigned)conf_exit_code(&pi));
}

/* Waits (20 s at most) for a child to end and prints how, and its exit
 * code; closes its handles. */
static inline void conf_finish(const char *label, PROCESS_INFORMATION *pi)
{
    DWORD code = 12345;
    if (!pi->hProcess) {
        printf("%s: no process\n", label);
        return;
    }
    printf("%s: wait %s", label,
           conf_wait(WaitForSingleObject(pi->hProcess, 20000)));
    GetExitCodeProcess(pi->hProcess, &code);
    printf(", exit code %u\n", (unsigned)code);
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
    pi->hProcess = pi->hThread = NULL;
}

/* Reads once from r: "label: TRUE, error untouched" and "  data: ...". */
static inline void conf_read_pipe(const char *label, HANDLE r)
{
    char buf[64];
    DWORD n = 0;
    CHECK_BOOL(label, ReadFile(r, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

/* Reads up to 32 bytes from h: "label: TRUE, error untouched", the bytes
 * read and the data. */
static inline void conf_read_some(const char *label, HANDLE h)
{
    char buf[32] = {0};
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

/*
 * Handles the parent keeps open (not inheritable) so that the handles it
 * makes afterwards have values above any a freshly started process has:
 * a child that tries such a value finds nothing there (not some object of
 * its own), whatever the Windows version puts in its handle table.
 */
#define CONF_RESERVED_HANDLES 400

static inline HANDLE *conf_reserved_slots(void)
{
    static HANDLE reserved[CONF_RESERVED_HANDLES];
    return reserved;
}

static inline void conf_reserve_handles(void)
{
    int i;
    for (i = 0; i < CONF_RESERVED_HANDLES; i++)
        conf_reserved_slots()[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
}

static inline void conf_release_handles(void)
{
    int i;
    for (i = 0; i < CONF_RESERVED_HANDLES; i++)
        CloseHandle(conf_reserved_slots()[i]);
}

/* Prints the report lines a child wrote to the pipe read end r, each as
 * "  child: LINE".  Call once the child has ended: it reads only what is
 * queued, so it never waits. */
static inline void conf_relay(HANDLE r)
{
    static char buf[8192];
    size_t len = 0;
    char *line, *end;

    for (;;) {
        DWORD avail = 0, n = 0, want;
        if (!PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL) || avail == 0 ||
            len >= sizeof buf - 1)
            break;
        want = (DWORD)(sizeof buf - 1 - len);
        if (avail < want)
            want = avail;
        if (!ReadFile(r, buf + len, want, &n, NULL) || n == 0)
            break;
        len += n;
    }
    buf[len] = '\0';
    for (line = buf; *line; line = end) {
        end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        printf("  child: %.*s\n", (int)(end - line), line);
        if (*end)
            end++;
    }
}

/* Sends a one-byte order to a child waiting in conf_await (quietly: a child
 * that has already ended does not need it). */
static inline BOOL conf_order(HANDLE w, char c)
{
    DWORD n;
    return WriteFile(w, &c, 1, &n, NULL);
}

/* Waits (10 s at most, polling) until f(arg) is true; returns it. */
static inline int conf_poll(int (*f)(void *), void *arg)
{
    int i;
    for (i = 0; i < 1000; i++) {
        if (f(arg))
            return 1;
        Sleep(10);
    }
    return f(arg);
}

/* ---- A thread that marks a moment
 * -------------------------------------------- */

/* Sets an event after a delay: a blocking call that returns with the event
 * already set has lasted at least about the delay (a lower bound only). */
struct conf_timer {
    HANDLE event;
    DWORD ms;
};

static inline DWORD WINAPI conf_timer_main(LPVOID param)
{
    struct conf_timer *t = (struct conf_timer *)param;
    Sleep(t->ms);
    SetEvent(t->event);
    return 0;
}

static inline HANDLE conf_timer_start(struct conf_timer *t, DWORD ms)
{
    t->event = CreateEventA(NULL, TRUE, FALSE, NULL);
    t->ms = ms;
    return CreateThread(NULL, 0, conf_timer_main, t, 0, NULL);
}

/* 1 if the timer has fired; ends it. */
static inline int conf_timer_fired(struct conf_timer *t, HANDLE thread)
{
    int fired = WaitForSingleObject(t->event, 0) == WAIT_OBJECT_0;
    WaitForSingleObject(thread, 10000);
    CloseHandle(thread);
    CloseHandle(t->event);
    return fired;
}

/* ---- A child
 * ----------------------------------------------------------------- */

/* The report pipe's write end. */
static inline HANDLE *conf_out_slot(void)
{
    static HANDLE out = INVALID_HANDLE_VALUE;
    return &out;
}

/* Writes one report line. */
static inline void conf_say(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    DWORD n;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if (len > (int)sizeof line - 2)
        len = (int)sizeof line - 2;
    line[len++] = '\n';
    WriteFile(*conf_out_slot(), line, (DWORD)len, &n, NULL);
}

/* A report line for a BOOL call, as CHECK_BOOL prints it. */
#define CHILD_BOOL(label, call)                                                \
    do {                                                                       \
        BOOL r_;                                                               \
        DWORD e_;                                                              \
        SetLastError(CONF_SENTINEL);                                           \
        r_ = (call);                                                           \
        e_ = GetLastError();                                                   \
        conf_say("%s: %s, %s", (label), r_ ? "TRUE" : "FALSE",                 \
                 conf_error(e_));                                              \
    } while (0)

/* A report line for bytes read: "label: "data"", escaped as
 * conf_show_bytes does. */
static inline void conf_say_bytes(const char *label, const void *buf, DWORD n)
{
    const unsigned char *p = (const unsigned char *)buf;
    char out[400];
    size_t o = 0;
    DWORD i;
    for (i = 0; i < n && o < sizeof out - 8; i++) {
        if (p[i] == '"' || p[i] == '\\')
            o += (size_t)snprintf(out + o, sizeof out - o, "\\%c", p[i]);
        else if (p[i] < 0x20 || p[i] >= 0x7f)
            o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02x", p[i]);
        else
            out[o++] = (char)p[i];
    }
    out[o] = '\0';
    conf_say("%s: \"%s\"", label, out);
}

/* Waits for the parent's next order on the control pipe's read end; 0 if
 * the pipe ended instead. */
static inline char conf_await(HANDLE r)
{
    char c = 0;
    DWORD n = 0;
    if (!ReadFile(r, &c, 1, &n, NULL) || n != 1)
        return 0;
    return c;
}

/* Opens a pipe as a client, waiting up to 10 s for a free instance. */
static inline HANDLE conf_open(const char *name, DWORD access)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    int tries;
    for (tries = 0; tries < 3 && h == INVALID_HANDLE_VALUE; tries++) {
        h = CreateFileA(name, access, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL);
        if (h == INVALID_HANDLE_VALUE &&
            (GetLastError() != ERROR_PIPE_BUSY || !WaitNamedPipeA(name, 10000)))
            break;
    }
    return h;
}

#endif /* WINIPC_CONF_PROC_H */
