/*
 * messages.c: the system message table and the FormatMessage engine (see
 * messages.h).
 *
 * The texts are Microsoft's, as its "System Error Codes" pages list them;
 * Windows stores each with a trailing "\r\n".  The engine works in one pass
 * over the definition, appending to a growing buffer; the line-width rule
 * (low byte of the flags, 1..254) is applied as each character is appended,
 * so it sees inserted text too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"
#include "utf.h"

/* ---- The table ---------------------------------------------------------- */

struct msg_entry {
    DWORD id;
    const char *text;
};

#define MSG(id, text)                                                          \
    {                                                                          \
        id, text "\r\n"                                                        \
    }

/* Sorted by id, for the binary search. */
static const struct msg_entry msg_table[] = {
    MSG(0, "The operation completed successfully."),
    MSG(1, "Incorrect function."),
    MSG(2, "The system cannot find the file specified."),
    MSG(3, "The system cannot find the path specified."),
    MSG(4, "The system cannot open the file."),
    MSG(5, "Access is denied."),
    MSG(6, "The handle is invalid."),
    MSG(8, "Not enough memory resources are available to process this "
           "command."),
    MSG(10, "The environment is incorrect."),
    MSG(11, "An attempt was made to load a program with an incorrect "
            "format."),
    MSG(12, "The access code is invalid."),
    MSG(13, "The data is invalid."),
    MSG(14, "Not enough storage is available to complete this operation."),
    MSG(15, "The system cannot find the drive specified."),
    MSG(17, "The system cannot move the file to a different disk drive."),
    MSG(18, "There are no more files."),
    MSG(19, "The media is write protected."),
    MSG(21, "The device is not ready."),
    MSG(24, "The program issued a command but the command length is "
            "incorrect."),
    MSG(25, "The drive cannot locate a specific area or track on the disk."),
    MSG(29, "The system cannot write to the specified device."),
    MSG(30, "The system cannot read from the specified device."),
    MSG(31, "A device attached to the system is not functioning."),
    MSG(32, "The process cannot access the file because it is being used by "
            "another process."),
    MSG(33, "The process cannot access the file because another process has "
            "locked a portion of the file."),
    MSG(38, "Reached the end of the file."),
    MSG(39, "The disk is full."),
    MSG(50, "The request is not supported."),
    MSG(53, "The network path was not found."),
    MSG(54, "The network is busy."),
    MSG(67, "The network name cannot be found."),
    MSG(80, "The file exists."),
    MSG(82, "The directory or file cannot be created."),
    MSG(87, "The parameter is incorrect."),
    MSG(109, "The pipe has been ended."),
    MSG(110, "The system cannot open the device or file specified."),
    MSG(111, "The file name is too long."),
    MSG(112, "There is not enough space on the disk."),
    MSG(120, "This function is not supported on this system."),
    MSG(121, "The semaphore timeout period has expired."),
    MSG(122, "The data area passed to a system call is too small."),
    MSG(123, "The filename, directory name, or volume label syntax is "
             "incorrect."),
    MSG(126, "The specified module could not be found."),
    MSG(127, "The specified procedure could not be found."),
    MSG(128, "There are no child processes to wait for."),
    MSG(131, "An attempt was made to move the file pointer before the "
             "beginning of the file."),
    MSG(132, "The file pointer cannot be set on the specified device or "
             "file."),
    MSG(145, "The directory is not empty."),
    MSG(160, "One or more arguments are not correct."),
    MSG(161, "The specified path is invalid."),
    MSG(170, "The requested resource is in use."),
    MSG(183, "Cannot create a file when that file already exists."),
    MSG(193, "%1 is not a valid Win32 application."),
    MSG(203, "The system could not find the environment option that was "
             "entered."),
    MSG(206, "The filename or extension is too long."),
    MSG(229, "The pipe is local."),
    MSG(230, "The pipe state is invalid."),
    MSG(231, "All pipe instances are busy."),
    MSG(232, "The pipe is being closed."),
    MSG(233, "No process is on the other end of the pipe."),
    MSG(234, "More data is available."),
    MSG(235, "The action requested resulted in no work being done. "
             "Error-style clean-up has been performed."),
    MSG(259, "No more data is available."),
    MSG(267, "The directory name is invalid."),
    MSG(288, "Attempt to release mutex not owned by caller."),
    MSG(298, "Too many posts were made to a semaphore."),
    MSG(299, "Only part of a ReadProcessMemory or WriteProcessMemory request "
             "was completed."),
    MSG(317, "The system cannot find message text for message number 0x%1 "
             "in the message file for %2."),
    MSG(487, "Attempt to access invalid address."),
    MSG(534, "Arithmetic result exceeded 32 bits."),
    MSG(535, "There is a process on other end of the pipe."),
    MSG(536, "Waiting for a process to open the other end of the pipe."),
    MSG(698, "An attempt was made to create an object and the object name "
             "already existed."),
    /* Microsoft's page gives the name itself as the description. */
    MSG(735, "ERROR_ABANDONED_WAIT_0"),
    MSG(995, "The I/O operation has been aborted because of either a thread "
             "exit or an application request."),
    MSG(996, "Overlapped I/O event is not in a signaled state."),
    MSG(997, "Overlapped I/O operation is in progress."),
    MSG(998, "Invalid access to memory location."),
    MSG(1004, "Invalid flags."),
    MSG(1006, "The volume for a file has been externally altered so that the "
              "opened file is no longer valid."),
    MSG(1053, "The service did not respond to the start or control request "
              "in a timely fashion."),
    MSG(1067, "The process terminated unexpectedly."),
    MSG(1113, "No mapping for the Unicode character exists in the target "
              "multi-byte code page."),
    MSG(1132, "The base address or the file offset specified does not have "
              "the proper alignment."),
    MSG(1168, "Element not found."),
    MSG(1314, "A required privilege is not held by the client."),
    MSG(1450, "Insufficient system resources exist to complete the requested "
              "service."),
    MSG(1460, "This operation returned because the timeout period expired."),
    MSG(1579, "Invalid message box style."),
    MSG(1784, "The supplied user buffer is not valid for the requested "
              "operation."),
    MSG(1812, "The specified image file did not contain a resource section."),
    MSG(1813, "The specified resource type cannot be found in the image "
              "file."),
    MSG(1815, "The specified resource language ID cannot be found in the "
              "image file."),
    MSG(1816, "Not enough quota is available to process this command."),
    MSG(5010, "The object already exists."),
};

#define LANG_SYS_DEFAULT_ID                                                    \
    0x0800 /* MAKELANGID(LANG_NEUTRAL, SUBLANG_SYS_DEFAULT) */

/* 1 if the English table can answer for lang_id. */
static int msg_lang_ok(DWORD lang_id)
{
    if (lang_id > 0xFFFF)
        return 0;
    if (lang_id == 0 || lang_id == MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT) ||
        lang_id == LANG_SYS_DEFAULT_ID)
        return 1;
    return (lang_id & 0x3FF) == LANG_ENGLISH;
}

DWORD wipc_message_lookup(DWORD id, DWORD lang_id, const char **text)
{
    size_t lo = 0, hi = sizeof msg_table / sizeof msg_table[0];

    if (!msg_lang_ok(lang_id))
        return ERROR_RESOURCE_LANG_NOT_FOUND;
    /* HRESULT_FROM_WIN32(e): severity error, facility Win32 (7). */
    if ((id >> 31) == 1 && ((id >> 16) & 0x1FFF) == 7)
        id &= 0xFFFF;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (msg_table[mid].id == id) {
            *text = msg_table[mid].text;
            return 0;
        }
        if (msg_table[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return ERROR_MR_MID_NOT_FOUND;
}

/* ---- Output, with line wrapping ----------------------------------------- */

#define MSG_NO_SPACE ((size_t)-1)

struct msg_out {
    char *buf;
    size_t len, cap;
    unsigned width; /* wrap at this many chars; 0 or 0xFF: never */
    size_t col;     /* characters since the last line break */
    size_t space;   /* start of the run of spaces last seen on this line */
    int in_space;
    int wide;  /* FormatMessageW: 's' and 'c' inserts are WCHAR */
    DWORD err; /* sticky ERROR_NOT_ENOUGH_MEMORY */
};

/*
 * The line is full: break it at the last run of spaces, which the "\r\n"
 * replaces, moving the word after it to the new line; a line without spaces
 * breaks right here, in the middle of its word.
 */
static void out_break_line(struct msg_out *o)
{
    size_t start = o->len, rest = o->len, tail;

    if (o->space != MSG_NO_SPACE) {
        start = rest = o->space;
        while (rest < o->len && o->buf[rest] == ' ')
            rest++;
    }
    tail = o->len - rest;
    memmove(o->buf + start + 2, o->buf + rest, tail);
    o->buf[start] = '\r';
    o->buf[start + 1] = '\n';
    o->len = start + 2 + tail;
    o->col = tail;
    o->space = MSG_NO_SPACE;
    o->in_space = 0;
}

static void out_char(struct msg_out *o, char c)
{
    if (o->err)
        return;
    if (o->cap - o->len < 4) { /* c, a possible "\r\n", the NUL */
        size_t ncap = o->cap ? o->cap * 2 : 128;
        char *nb = realloc(o->buf, ncap);
        if (!nb) {
            o->err = ERROR_NOT_ENOUGH_MEMORY;
            return;
        }
        o->buf = nb;
        o->cap = ncap;
    }
    o->buf[o->len++] = c;
    if (o->width == 0 || o->width == FORMAT_MESSAGE_MAX_WIDTH_MASK)
        return;
    if (c == '\r' || c == '\n') {
        o->col = 0;
        o->space = MSG_NO_SPACE;
        o->in_space = 0;
        return;
    }
    if (c == ' ' && !o->in_space)
        o->space = o->len - 1;
    o->in_space = c == ' ';
    if (++o->col == o->width)
        out_break_line(o);
}

static void out_str(struct msg_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out_char(o, s[i]);
}

/* ---- Arguments ---------------------------------------------------------- */

#define MSG_MAX_ARGS 128 /* %99 plus '*' arguments, with room to spare */

/*
 * Windows' argument model: `last` is the highest argument used so far, and
 * a '*' or the value after one takes argument last + 1.  With a va_list the
 * arguments are read in order into a cache (a va_list cannot be indexed).
 */
struct msg_args {
    const DWORD_PTR *array; /* FORMAT_MESSAGE_ARGUMENT_ARRAY */
    va_list *list;          /* otherwise */
    DWORD_PTR cache[MSG_MAX_ARGS];
    int last;
};

/* Argument nr (1-based), or the next one (last + 1) when nr is -1. */
static DWORD args_get(struct msg_args *a, int nr, DWORD_PTR *val)
{
    if (nr == -1)
        nr = a->last + 1;
    if (nr < 1 || nr > MSG_MAX_ARGS)
        return ERROR_INVALID_PARAMETER;
    if (a->array) {
        *val = a->array[nr - 1];
        if (a->last < nr)
            a->last = nr;
        return 0;
    }
    while (a->last < nr)
        a->cache[a->last++] = va_arg(*a->list, DWORD_PTR);
    *val = a->cache[nr - 1];
    return 0;
}

/* ---- Inserts ------------------------------------------------------------ */

/* A parsed !format!: printf flags, width, precision, length, conversion. */
struct msg_spec {
    char flags[8];
    int stars; /* '*' count: width and/or precision from arguments */
    int width_star, prec_star;
    long width, prec;  /* -1: none */
    char length[4];    /* "", "h", "l", "ll" (I64, z, I on 64-bit), "w" */
    char conv;         /* 0: none */
    const char *trail; /* characters after the conversion, output as is */
    size_t trail_len;
};

static const char *spec_number(const char *p, const char *end, long *n)
{
    *n = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        if (*n < 1000000)
            *n = *n * 10 + (*p - '0');
        p++;
    }
    return p;
}

/* Parses [p, end) as flags, width, .precision, length, conversion. */
static DWORD spec_parse(const char *p, const char *end, struct msg_spec *s)
{
    size_t nf = 0;

    memset(s, 0, sizeof *s);
    s->width = s->prec = -1;
    while (p < end && strchr("-+ #0", *p) && *p && nf < sizeof s->flags - 1)
        s->flags[nf++] = *p++;
    if (p < end && *p == '*') {
        s->width_star = 1;
        s->stars++;
        p++;
    } else if (p < end && *p >= '1' && *p <= '9') {
        p = spec_number(p, end, &s->width);
    }
    if (p < end && *p == '.') {
        p++;
        if (p < end && *p == '*') {
            s->prec_star = 1;
            s->stars++;
            p++;
        } else {
            p = spec_number(p, end, &s->prec);
        }
    }
    if (p < end && strchr("0123456789 +-*#.", *p))
        return ERROR_INVALID_PARAMETER; /* "***", flags after the width */
    if (s->width > 1000000 || s->prec > 1000000)
        return ERROR_INVALID_PARAMETER;

    if (end - p >= 3 && memcmp(p, "I64", 3) == 0) {
        strcpy(s->length, "ll");
        p += 3;
    } else if (end - p >= 3 && memcmp(p, "I32", 3) == 0) {
        p += 3;
    } else if (p < end && (*p == 'I' || *p == 'z')) {
        strcpy(s->length, sizeof(void *) == 8 ? "ll" : "");
        p++;
    } else if (end - p >= 2 && (memcmp(p, "ll", 2) == 0)) {
        strcpy(s->length, "ll");
        p += 2;
    } else if (end - p >= 2 && memcmp(p, "hh", 2) == 0) {
        strcpy(s->length, "h"); /* Windows' printf takes "hh" as "h" */
        p += 2;
    } else if (p < end && (*p == 'h' || *p == 'l' || *p == 'w')) {
        s->length[0] = *p++;
    }
    if (p < end)
        s->conv = *p++;
    s->trail = p;
    s->trail_len = (size_t)(end - p);
    return 0;
}

/* A malloc'ed UTF-8 copy of the WCHAR string w (NULL: out of memory). */
static char *wide_str_to_utf8(const WCHAR *w)
{
    DWORD err;
    return wipc_utf16_dup(w, &err);
}

/* How a value is handed to snprintf. */
enum msg_kind { MSG_STR, MSG_CHAR, MSG_S32, MSG_U32, MSG_S64, MSG_U64 };

static int msg_snprintf(char *dst, size_t size, const char *fmt,
                        enum msg_kind kind, DWORD_PTR v, const char *str)
{
    switch (kind) {
    case MSG_STR:
        return snprintf(dst, size, fmt, str);
    case MSG_CHAR:
        return snprintf(dst, size, fmt, (int)(unsigned char)v);
    case MSG_S32:
        return snprintf(dst, size, fmt, (int)(int32_t)(uint32_t)v);
    case MSG_U32:
        return snprintf(dst, size, fmt, (unsigned)(uint32_t)v);
    case MSG_S64:
        return snprintf(dst, size, fmt, (long long)v);
    case MSG_U64:
        return snprintf(dst, size, fmt, (unsigned long long)v);
    }
    return -1;
}

/*
 * Formats one value with the C library's snprintf and appends it to o.
 * fmt is built here only from checked pieces (flags, numbers, "h"/"ll" and
 * one of d i u x X o c s), never from the caller's text.
 */
static DWORD insert_printf(struct msg_out *o, const struct msg_spec *s,
                           long width, long prec, const char *len, char conv,
                           enum msg_kind kind, DWORD_PTR v, const char *str)
{
    char fmt[64], small[128], *buf = small;
    int n = snprintf(fmt, sizeof fmt, "%%%s", s->flags);

    if (s->width_star && width < 0) { /* a negative '*' left-justifies */
        n += snprintf(fmt + n, sizeof fmt - (size_t)n, "-");
        width = -width;
    }
    if (s->width_star || s->width >= 0)
        n += snprintf(fmt + n, sizeof fmt - (size_t)n, "%ld", width);
    if (prec >= 0)
        n += snprintf(fmt + n, sizeof fmt - (size_t)n, ".%ld", prec);
    snprintf(fmt + n, sizeof fmt - (size_t)n, "%s%c", len, conv);

    n = msg_snprintf(small, sizeof small, fmt, kind, v, str);
    if (n < 0)
        return ERROR_INVALID_PARAMETER;
    if ((size_t)n >= sizeof small) {
        buf = malloc((size_t)n + 1);
        if (!buf)
            return ERROR_NOT_ENOUGH_MEMORY;
        msg_snprintf(buf, (size_t)n + 1, fmt, kind, v, str);
    }
    out_str(o, buf, (size_t)n);
    if (buf != small)
        free(buf);
    return 0;
}

/*
 * Reads the arguments of insert number nr with spec s into vals: the '*'
 * values first, the value last.  Windows' va_list path drops one argument
 * when '*' is used (the value reuses the slot of the last '*' argument and
 * reads the next one from the list); conformance tests on Windows rely on
 * this, so it is reproduced.
 */
static DWORD insert_args(struct msg_args *a, int nr, int stars,
                         DWORD_PTR vals[3])
{
    DWORD err = args_get(a, nr, &vals[0]);

    for (int k = 1; !err && k <= stars; k++) {
        if (k == stars && !a->array)
            a->last--;
        err = args_get(a, -1, &vals[k]);
    }
    return err;
}

/* Appends the value of a 'c' or 's' conversion. */
static DWORD insert_text(struct msg_out *o, const struct msg_spec *s,
                         long width, long prec, DWORD_PTR v)
{
    /* In FormatMessageW a plain 's' or 'c' is wide and "hs", 'S' narrow;
     * in FormatMessageA the other way round ("ls" and "ws" are wide). */
    int wide = o->wide ? !(s->conv == 'S' || s->conv == 'C' ||
                           s->length[0] == 'h')
                       : (s->conv == 'S' || s->conv == 'C' ||
                          s->length[0] == 'l' || s->length[0] == 'w');
    char one[8], *conv_str = NULL;
    WCHAR unit;
    size_t n;
    const char *str;
    DWORD err;

    if (s->conv == 'c' || s->conv == 'C') {
        if (!wide)
            return insert_printf(o, s, width, prec, "", 'c', MSG_CHAR, v, NULL);
        unit = (WCHAR)v;
        wipc_utf16_to_utf8(&unit, 1, one, sizeof one - 1, 0, &n, NULL);
        one[n] = '\0';
        str = one;
    } else if (!v) {
        str = "(null)"; /* as Windows' printf */
    } else if (wide) {
        conv_str = wide_str_to_utf8((const WCHAR *)v);
        if (!conv_str)
            return ERROR_NOT_ENOUGH_MEMORY;
        str = conv_str;
    } else {
        str = (const char *)v;
    }
    err = insert_printf(o, s, width, prec, "", 's', MSG_STR, 0, str);
    free(conv_str);
    return err;
}

/* Appends the value of an integer or pointer conversion. */
static DWORD insert_number(struct msg_out *o, const struct msg_spec *s,
                           long width, long prec, DWORD_PTR v)
{
    int is64 = strcmp(s->length, "ll") == 0, sign = strchr("di", s->conv) != 0;
    const char *len = s->length[0] == 'h' ? "h" : "";
    enum msg_kind kind;

    if (s->conv == 'p') { /* Windows prints all the digits, upper case */
        char digits[2 * sizeof(void *) + 1];
        snprintf(digits, sizeof digits, "%0*llX", (int)(2 * sizeof(void *)),
                 (unsigned long long)v);
        out_str(o, digits, strlen(digits));
        return 0;
    }
    if (is64) {
        len = "ll";
        kind = sign ? MSG_S64 : MSG_U64;
    } else {
        kind = sign ? MSG_S32 : MSG_U32;
    }
    return insert_printf(o, s, width, prec, len, s->conv, kind, v, NULL);
}

/*
 * Handles insert number nr, *pp pointing just after its digits (at an
 * optional !format!, "!s!" when absent).  Advances *pp past the format.
 */
static DWORD msg_insert(struct msg_out *o, struct msg_args *a, int nr,
                        const char **pp)
{
    const char *p = *pp, *spec = "s", *end;
    struct msg_spec s;
    DWORD_PTR vals[3];
    long width, prec;
    DWORD err;

    end = spec + 1;
    if (*p == '!') {
        spec = p + 1;
        end = strchr(spec, '!');
        if (!end)
            return ERROR_INVALID_PARAMETER;
        *pp = end + 1;
    }
    err = spec_parse(spec, end, &s);
    if (!err)
        err = insert_args(a, nr, s.stars, vals);
    if (err)
        return err;
    width = s.width_star ? (long)(int32_t)(uint32_t)vals[0] : s.width;
    prec = s.prec_star ? (long)(int32_t)(uint32_t)vals[s.stars - 1] : s.prec;
    if (labs(width) > 1000000 || prec > 1000000)
        return ERROR_INVALID_PARAMETER;
    if (prec < -1)
        prec = -1; /* a negative '*' precision is no precision */

    switch (s.conv) {
    case 'c':
    case 'C':
    case 's':
    case 'S':
        err = insert_text(o, &s, width, prec, vals[s.stars]);
        break;
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o':
    case 'p':
        err = insert_number(o, &s, width, prec, vals[s.stars]);
        break;
    case 0: /* "!5!": no conversion, no output */
        break;
    default:
        /* Windows' printf prints an unknown conversion as itself.  So do
         * the floating-point ones ("not supported", the documentation says;
         * the argument is no double anyway) and %n, which is never allowed
         * to write through an argument. */
        out_char(o, s.conv);
        break;
    }
    if (!err)
        out_str(o, s.trail, s.trail_len);
    return err;
}

/* ---- The engine --------------------------------------------------------- */

/* Runs the definition text into o. */
static DWORD msg_run(const char *p, DWORD flags, struct msg_args *a,
                     int have_args, struct msg_out *o)
{
    int ignore = (flags & FORMAT_MESSAGE_IGNORE_INSERTS) != 0;

    while (*p && !o->err) {
        char c = *p++;

        if (c == '\r' || c == '\n') {
            /* A line break of the text: kept, or a space with a width. */
            if (c == '\r' && *p == '\n')
                p++;
            if (o->width)
                out_char(o, ' ');
            else
                out_str(o, "\r\n", 2);
            continue;
        }
        if (c != '%') {
            out_char(o, c);
            continue;
        }
        c = *p;
        if (!c)
            return ERROR_INVALID_PARAMETER; /* a '%' ends the text */
        p++;
        if (c >= '1' && c <= '9' && !ignore) {
            int nr = c - '0';
            DWORD err;
            if (*p >= '0' && *p <= '9')
                nr = nr * 10 + (*p++ - '0');
            if (!have_args)
                return ERROR_INVALID_PARAMETER;
            err = msg_insert(o, a, nr, &p);
            if (err)
                return err;
            continue;
        }
        switch (c) {
        case 'n': /* hard line break, kept whatever the width */
            out_str(o, "\r\n", 2);
            break;
        case 'r':
            out_char(o, '\r');
            break;
        case 't':
            out_char(o, '\t');
            break;
        case '0': /* the message ends here, without a line break */
            return 0;
        default: /* "%%", "%.", "%!", "% ": the character itself */
            if (ignore)
                out_char(o, '%');
            out_char(o, c);
            break;
        }
    }
    return 0;
}

DWORD wipc_message_format(const char *text, DWORD flags, va_list *args,
                          char **out, size_t *len)
{
    struct msg_out o = {
        NULL,         0, 0, flags & FORMAT_MESSAGE_MAX_WIDTH_MASK, 0,
        MSG_NO_SPACE, 0, (flags & WIPC_MSG_WIDE) != 0, 0};
    struct msg_args a;
    DWORD err;

    *out = NULL;
    a.last = 0;
    a.list = NULL;
    a.array = NULL;
    if (flags & FORMAT_MESSAGE_ARGUMENT_ARRAY)
        a.array = (const DWORD_PTR *)args;
    else
        a.list = args;

    err = msg_run(text, flags, &a, args != NULL, &o);
    if (!err)
        err = o.err;
    if (!err && !o.buf) { /* nothing was output */
        o.buf = malloc(1);
        if (!o.buf)
            err = ERROR_NOT_ENOUGH_MEMORY;
    }
    if (err) {
        free(o.buf);
        return err;
    }
    o.buf[o.len] = '\0';
    *out = o.buf;
    *len = o.len;
    return 0;
}
