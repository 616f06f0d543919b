/*
 * trace.c: the trace switch (trace.h): which areas are on, where the lines
 * go, and how a call's line is written.
 *
 * A line, written with one write(2) so that lines of several threads and
 * processes never mix:
 *
 *   winipc[PID.TID] CreateFileA("a.txt", 0x80000000 GENERIC_READ, 1 ...,
 *       NULL, 3 OPEN_EXISTING, 0x80, NULL) = 0x8, last error 0
 *
 * Strings are quoted with C escapes (a W string as L"...", converted to
 * UTF-8), pointers and handles in hex, numbers in decimal, flags in hex
 * with their names where this file knows them (by the parameter's name in
 * Microsoft's documentation, which the entry points use).
 */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"

unsigned wipc_trace_mask;

/* Where lines go (2: standard error) and how deep this thread is in entry
 * points: only calls at depth 0 are the program's own. */
static int trace_fd = 2;
static _Thread_local unsigned trace_depth;

static const struct {
    const char *name;
    unsigned bits;
} trace_areas[] = {
    {"pipe", WIPC_TRACE_PIPE},
    {"mailslot", WIPC_TRACE_MAILSLOT},
    {"file", WIPC_TRACE_FILE},
    {"handle", WIPC_TRACE_HANDLE},
    {"process", WIPC_TRACE_PROCESS},
    {"sync", WIPC_TRACE_SYNC},
    {"io", WIPC_TRACE_IO},
    {"env", WIPC_TRACE_ENV},
    {"text", WIPC_TRACE_TEXT},
    {"mem", WIPC_TRACE_MEM},
    {"sys", WIPC_TRACE_SYS},
    {"all", ~0u},
    {"1", ~0u},
};

/* ---- The line ------------------------------------------------------------ */

#define TRACE_LINE_MAX 4096
#define TRACE_STR_MAX 256 /* bytes of a string shown before "..." */

struct line {
    char buf[TRACE_LINE_MAX];
    size_t len;
};

static void put(struct line *l, const char *s, size_t n)
{
    /* Keep room for "...\n" when a line runs over. */
    size_t room = TRACE_LINE_MAX - 5 - l->len;
    if (l->len > TRACE_LINE_MAX - 5)
        return;
    if (n > room) {
        n = room;
        memcpy(l->buf + l->len, s, n);
        l->len += n;
        memcpy(l->buf + l->len, "...", 3);
        l->len = TRACE_LINE_MAX - 1; /* full: nothing more goes in */
        return;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void puts_(struct line *l, const char *s)
{
    put(l, s, strlen(s));
}

static void putf(struct line *l, const char *fmt, unsigned long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, fmt, v);
    put(l, tmp, (size_t)n);
}

/* One code point, escaped as a C string shows it. */
static void put_char(struct line *l, uint32_t c)
{
    char tmp[8];
    switch (c) {
    case '"':
        puts_(l, "\\\"");
        return;
    case '\\':
        puts_(l, "\\\\");
        return;
    case '\n':
        puts_(l, "\\n");
        return;
    case '\r':
        puts_(l, "\\r");
        return;
    case '\t':
        puts_(l, "\\t");
        return;
    }
    if (c < 0x20 || c == 0x7f) {
        putf(l, "\\x%02llx", c);
    } else if (c < 0x80) {
        tmp[0] = (char)c;
        put(l, tmp, 1);
    } else if (c >= 0xd800 && c <= 0xdfff) { /* a lone surrogate */
        putf(l, "\\u%04llX", c);
    } else if (c < 0x800) {
        tmp[0] = (char)(0xc0 | c >> 6);
        tmp[1] = (char)(0x80 | (c & 0x3f));
        put(l, tmp, 2);
    } else if (c < 0x10000) {
        tmp[0] = (char)(0xe0 | c >> 12);
        tmp[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        tmp[2] = (char)(0x80 | (c & 0x3f));
        put(l, tmp, 3);
    } else {
        tmp[0] = (char)(0xf0 | c >> 18);
        tmp[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        tmp[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        tmp[3] = (char)(0x80 | (c & 0x3f));
        put(l, tmp, 4);
    }
}

/* The length of a UTF-8 sequence starting at s (at most max bytes), or 0
 * if it is not a valid one. */
static size_t utf8_seq(const unsigned char *s, size_t max, uint32_t *c)
{
    size_t n, i;
    uint32_t min;
    if (s[0] < 0xc2 || s[0] > 0xf4)
        return 0;
    n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
    min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (n > max)
        return 0;
    *c = s[0] & (0x7f >> n);
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        *c = *c << 6 | (s[i] & 0x3f);
    }
    return *c >= min && *c <= 0x10ffff ? n : 0;
}

/* A narrow string: valid UTF-8 as it is, other bytes as \xNN. */
static void put_str(struct line *l, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, len = strnlen(s, TRACE_STR_MAX + 1);
    puts_(l, "\"");
    while (i < len && i < TRACE_STR_MAX) {
        uint32_t c;
        size_t n = p[i] < 0x80 ? 0 : utf8_seq(p + i, len - i, &c);
        if (p[i] < 0x80) {
            put_char(l, p[i]);
            n = 1;
        } else if (n) {
            put(l, s + i, n);
        } else {
            putf(l, "\\x%02llx", p[i]);
            n = 1;
        }
        i += n;
    }
    puts_(l, i < len ? "\"..." : "\"");
}

/* A wide string: UTF-16 converted, lone surrogates as \uXXXX. */
static void put_wstr(struct line *l, const WCHAR *s)
{
    size_t i;
    puts_(l, "L\"");
    for (i = 0; s[i] && i < TRACE_STR_MAX; i++) {
        uint32_t c = s[i];
        if (c >= 0xd800 && c < 0xdc00 && s[i + 1] >= 0xdc00 &&
            s[i + 1] < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (s[i + 1] - 0xdc00);
            i++;
        }
        put_char(l, c);
    }
    puts_(l, s[i] ? "\"..." : "\"");
}

static void put_ptr(struct line *l, const void *p)
{
    if (p)
        putf(l, "%#llx", (unsigned long long)(uintptr_t)p);
    else
        puts_(l, "NULL");
}

/* ---- Names of values, by the parameter's documented name --------------- */

struct flag {
    DWORD bits;
    const char *name;
};

#define F(x)                                                                   \
    {                                                                          \
        x, #x                                                                  \
    }
static const struct flag access_flags[] = {
    F(GENERIC_READ),    F(GENERIC_WRITE), F(GENERIC_EXECUTE), F(GENERIC_ALL),
    F(MAXIMUM_ALLOWED), F(SYNCHRONIZE),   {0, NULL}};
static const struct flag share_flags[] = {
    F(FILE_SHARE_READ), F(FILE_SHARE_WRITE), F(FILE_SHARE_DELETE), {0, NULL}};
static const struct flag file_flags[] = {F(FILE_FLAG_WRITE_THROUGH),
                                         F(FILE_FLAG_OVERLAPPED),
                                         F(FILE_FLAG_NO_BUFFERING),
                                         F(FILE_FLAG_RANDOM_ACCESS),
                                         F(FILE_FLAG_SEQUENTIAL_SCAN),
                                         F(FILE_FLAG_DELETE_ON_CLOSE),
                                         F(FILE_FLAG_BACKUP_SEMANTICS),
                                         F(FILE_FLAG_FIRST_PIPE_INSTANCE),
                                         F(FILE_ATTRIBUTE_NORMAL),
                                         F(FILE_ATTRIBUTE_TEMPORARY),
                                         {0, NULL}};
static const struct flag open_mode_flags[] = {F(PIPE_ACCESS_DUPLEX),
                                              F(PIPE_ACCESS_INBOUND),
                                              F(PIPE_ACCESS_OUTBOUND),
                                              F(FILE_FLAG_FIRST_PIPE_INSTANCE),
                                              F(FILE_FLAG_WRITE_THROUGH),
                                              F(FILE_FLAG_OVERLAPPED),
                                              {0, NULL}};
static const struct flag pipe_mode_flags[] = {F(PIPE_TYPE_MESSAGE),
                                              F(PIPE_READMODE_MESSAGE),
                                              F(PIPE_NOWAIT),
                                              F(PIPE_REJECT_REMOTE_CLIENTS),
                                              {0, NULL}};
static const struct flag creation_flags[] = {F(DEBUG_PROCESS),
                                             F(CREATE_SUSPENDED),
                                             F(DETACHED_PROCESS),
                                             F(CREATE_NEW_CONSOLE),
                                             F(CREATE_NEW_PROCESS_GROUP),
                                             F(CREATE_UNICODE_ENVIRONMENT),
                                             F(EXTENDED_STARTUPINFO_PRESENT),
                                             F(CREATE_BREAKAWAY_FROM_JOB),
                                             F(CREATE_NO_WINDOW),
                                             {0, NULL}};
static const struct flag duplicate_flags[] = {
    F(DUPLICATE_CLOSE_SOURCE), F(DUPLICATE_SAME_ACCESS), {0, NULL}};
/* Values rather than bits. */
static const struct flag dispositions[] = {
    F(CREATE_NEW),  F(CREATE_ALWAYS),     F(OPEN_EXISTING),
    F(OPEN_ALWAYS), F(TRUNCATE_EXISTING), {0, NULL}};
static const struct flag move_methods[] = {
    F(FILE_BEGIN), F(FILE_CURRENT), F(FILE_END), {0, NULL}};
static const struct flag std_handles[] = {
    F(STD_INPUT_HANDLE), F(STD_OUTPUT_HANDLE), F(STD_ERROR_HANDLE), {0, NULL}};
static const struct flag timeouts[] = {F(INFINITE), {0, NULL}};
static const struct flag code_pages[] = {F(CP_ACP), F(CP_UTF8), {0, NULL}};
#undef F

static const struct {
    const char *param;
    const struct flag *table;
    int is_bits;
} named_params[] = {
    {"dwDesiredAccess", access_flags, 1},
    {"dwShareMode", share_flags, 1},
    {"dwFlagsAndAttributes", file_flags, 1},
    {"dwOpenMode", open_mode_flags, 1},
    {"dwPipeMode", pipe_mode_flags, 1},
    {"dwCreationFlags", creation_flags, 1},
    {"dwOptions", duplicate_flags, 1},
    {"dwCreationDisposition", dispositions, 0},
    {"dwMoveMethod", move_methods, 0},
    {"nStdHandle", std_handles, 0},
    {"dwMilliseconds", timeouts, 0},
    {"nTimeOut", timeouts, 0},
    {"nDefaultTimeOut", timeouts, 0},
    {"CodePage", code_pages, 0},
};

/* A name that holds flags: shown in hex even when this file has no names
 * for them. */
static int is_flags_name(const char *name, size_t n)
{
    static const char *const words[] = {"Flags",   "Mode",       "Access",
                                        "Options", "Attributes", "Mask"};
    size_t i, w;
    for (i = 0; i < sizeof words / sizeof *words; i++) {
        w = strlen(words[i]);
        if (n >= w && memmem(name, n, words[i], w))
            return 1;
    }
    return 0;
}

static int name_is(const char *name, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(name, s, n) == 0;
}

/* v with the names of its bits (or of its value): "0xc0000000
 * GENERIC_READ|GENERIC_WRITE", unknown bits last in hex. */
static void put_flags(struct line *l, DWORD v, const struct flag *t,
                      int is_bits)
{
    DWORD rest = v;
    int any = 0;
    if (is_bits)
        putf(l, "%#llx", v);
    else
        putf(l, v >= 0x10000 ? "%#llx" : "%llu", v);
    for (; t->name; t++) {
        int hit =
            is_bits ? t->bits && (rest & t->bits) == t->bits : v == t->bits;
        if (!hit)
            continue;
        puts_(l, any ? "|" : " ");
        puts_(l, t->name);
        any = 1;
        rest &= is_bits ? ~t->bits : 0;
        if (!is_bits)
            return;
    }
    if (any && rest)
        putf(l, "|%#llx", rest);
}

/* Out parameters whose DWORD is shown after a successful call. */
static int is_count_out(const char *name, size_t n)
{
    static const char *const outs[] = {"lpNumberOfBytesRead",
                                       "lpNumberOfBytesWritten",
                                       "lpNumberOfBytesTransferred",
                                       "lpNumberOfBytes",
                                       "lpBytesRead",
                                       "lpTotalBytesAvail",
                                       "lpBytesLeftThisMessage",
                                       "lpExitCode"};
    size_t i;
    for (i = 0; i < sizeof outs / sizeof *outs; i++)
        if (name_is(name, n, outs[i]))
            return 1;
    return 0;
}

/* Parameters of type LPSTR/LPWSTR that carry a string in. */
static int is_string_in(const char *name, size_t n)
{
    return name_is(name, n, "lpCommandLine");
}

static void put_arg(struct line *l, const char *name, size_t n,
                    struct wipc_trace_arg a, int success)
{
    size_t i;
    switch (a.kind) {
    case WIPC_TA_INT:
        putf(l, "%lld", (unsigned long long)a.v.i);
        return;
    case WIPC_TA_UINT:
        for (i = 0; i < sizeof named_params / sizeof *named_params; i++)
            if (name_is(name, n, named_params[i].param)) {
                put_flags(l, (DWORD)a.v.u, named_params[i].table,
                          named_params[i].is_bits);
                return;
            }
        putf(l, is_flags_name(name, n) ? "%#llx" : "%llu", a.v.u);
        return;
    case WIPC_TA_CHARS:
    case WIPC_TA_WCHARS:
        if (!is_string_in(name, n))
            break;
        /* fall through */
    case WIPC_TA_STR:
    case WIPC_TA_WSTR:
        /* A small value is an atom or an ordinal, not a string. */
        if ((uintptr_t)a.v.p >= 0x10000) {
            if (a.kind == WIPC_TA_STR || a.kind == WIPC_TA_CHARS)
                put_str(l, a.v.p);
            else
                put_wstr(l, a.v.p);
            return;
        }
        break;
    case WIPC_TA_PTR:
        if (success && a.v.p && is_count_out(name, n)) {
            putf(l, "[%llu]", *(const DWORD *)a.v.p);
            return;
        }
        break;
    case WIPC_TA_VOID:
        return;
    }
    put_ptr(l, a.v.p);
}

static void put_wait_result(struct line *l, DWORD r)
{
    if (r < MAXIMUM_WAIT_OBJECTS)
        putf(l, " WAIT_OBJECT_0+%llu", r);
    else if (r >= WAIT_ABANDONED_0 && r < WAIT_ABANDONED_0 + 64)
        putf(l, " WAIT_ABANDONED_0+%llu", r - WAIT_ABANDONED_0);
    else if (r == WAIT_IO_COMPLETION)
        puts_(l, " WAIT_IO_COMPLETION");
    else if (r == WAIT_TIMEOUT)
        puts_(l, " WAIT_TIMEOUT");
    else if (r == WAIT_FAILED)
        puts_(l, " WAIT_FAILED");
}

static void put_result(struct line *l, const char *name,
                       struct wipc_trace_arg r)
{
    switch (r.kind) {
    case WIPC_TA_VOID:
        return;
    case WIPC_TA_INT:
        putf(l, " = %lld", (unsigned long long)r.v.i);
        return;
    case WIPC_TA_UINT:
        putf(l, r.v.u >= 0x80000000u ? " = %#llx" : " = %llu", r.v.u);
        if (!strncmp(name, "WaitFor", 7) || !strcmp(name, "SleepEx") ||
            !strcmp(name, "SignalObjectAndWait"))
            put_wait_result(l, (DWORD)r.v.u);
        return;
    default:
        puts_(l, " = ");
        put_ptr(l, r.v.p);
        return;
    }
}

static void trace_line(const char *name, const char *names,
                       const struct wipc_trace_arg *args, size_t n,
                       struct wipc_trace_arg ret, const char *tail)
{
    struct line l;
    const char *p = names;
    int success = ret.kind == WIPC_TA_INT && ret.v.i != 0;
    size_t i;

    l.len = 0;
    putf(&l, "winipc[%llu", wipc_plat_getpid());
    putf(&l, ".%llu] ", wipc_plat_gettid());
    puts_(&l, name);
    puts_(&l, "(");
    if (*p == '(')
        p++;
    for (i = 0; i < n; i++) {
        size_t len;
        while (*p == ' ' || *p == ',')
            p++;
        len = strcspn(p, ",) ");
        if (i)
            puts_(&l, ", ");
        put_arg(&l, p, len, args[i], success);
        p += len;
    }
    puts_(&l, ")");
    put_result(&l, name, ret);
    puts_(&l, tail);
    if (l.len > TRACE_LINE_MAX - 2)
        l.len = TRACE_LINE_MAX - 2;
    l.buf[l.len++] = '\n';
    wipc_plat_trace_write(trace_fd, l.buf, l.len);
}

/* ---- The calls ----------------------------------------------------------- */

int wipc_trace_enter(unsigned area)
{
    return trace_depth++ == 0 && (wipc_trace_mask & area);
}

void wipc_trace_leave(int on, const char *name, const char *names,
                      const struct wipc_trace_arg *args, size_t n,
                      struct wipc_trace_arg ret, DWORD last_error)
{
    char tail[40];
    trace_depth--;
    if (!on)
        return;
    snprintf(tail, sizeof tail, ", last error %lu", (unsigned long)last_error);
    trace_line(name, names, args, n, ret, tail);
}

void wipc_trace_noreturn(unsigned area, const char *name, const char *names,
                         const struct wipc_trace_arg *args, size_t n)
{
    struct wipc_trace_arg none = {WIPC_TA_VOID, {0}};
    if (trace_depth == 0 && (wipc_trace_mask & area))
        trace_line(name, names, args, n, none, " = ?");
}

unsigned wipc_trace_suspend(void)
{
    unsigned saved = trace_depth;
    trace_depth = 0;
    return saved;
}

void wipc_trace_resume(unsigned saved)
{
    trace_depth = saved;
}

/* ---- Set-up -------------------------------------------------------------- */

static void trace_warn(const char *what, const char *value)
{
    char msg[512];
    int n = snprintf(msg, sizeof msg, "winipc: %s%s\n", what, value);
    if (n > (int)sizeof msg - 1)
        n = (int)sizeof msg - 1;
    wipc_plat_trace_write(2, msg, (size_t)n);
}

/* "1", "all", or a comma list of area names: their bits (an unknown name
 * is reported on standard error and ignored). */
static unsigned trace_parse(const char *v)
{
    unsigned mask = 0;
    while (*v) {
        size_t len = strcspn(v, ",");
        size_t i;
        int known = len == 0;
        for (i = 0; i < sizeof trace_areas / sizeof *trace_areas; i++)
            if (name_is(v, len, trace_areas[i].name)) {
                mask |= trace_areas[i].bits;
                known = 1;
            }
        if (!known) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)len, v);
            trace_warn("WINIPC_TRACE: unknown area (pipe, mailslot, file, "
                       "handle, process, sync, io, env, text, mem, sys, "
                       "all): ",
                       name);
        }
        v += len;
        if (*v == ',')
            v++;
    }
    return mask;
}

/* Read once, when the library is loaded: after this, an entry point's
 * only cost is the test of wipc_trace_mask. */
__attribute__((constructor)) static void trace_init(void)
{
    char *v = wipc_plat_getenv_copy("WINIPC_TRACE");
    char *file;
    unsigned mask;
    if (!v)
        return;
    mask = strcmp(v, "0") ? trace_parse(v) : 0;
    free(v);
    if (!mask)
        return;
    file = wipc_plat_getenv_copy("WINIPC_TRACE_FILE");
    if (file && *file) {
        DWORD err = wipc_plat_trace_open(file, &trace_fd);
        if (err) {
            trace_warn("WINIPC_TRACE_FILE: cannot open (tracing is off): ",
                       file);
            mask = 0;
        }
    }
    free(file);
    wipc_trace_mask = mask;
}
