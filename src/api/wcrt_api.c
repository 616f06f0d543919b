/*
 * wcrt_api.c: the wide-character C library functions that <tchar.h> maps
 * the _tcs and _t names to under _UNICODE (winipc_wcslen, winipc_wprintf,
 * ...), for WCHAR strings: UTF-16, whatever the program's wchar_t.  The C
 * library's own wcs and wprintf functions read 32-bit wchar_t on Linux, so
 * a program built with -fshort-wchar must not call them (README).
 *
 * The printf family follows the Microsoft C runtime's wide rules, which
 * Windows programs are written for: in a wide format, %s and %c take WCHAR
 * strings and characters and %hs, %S, %hc, %C narrow ones (%ls and %ws
 * are wide too).  Narrow strings are UTF-8; what goes to a FILE is UTF-8.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tchar.h>
#include "api.h"

WINIPC_API size_t winipc_wcslen(const WCHAR *s)
{
    return wipc_wcslen(s);
}

WINIPC_API WCHAR *winipc_wcscpy(WCHAR *dst, const WCHAR *src)
{
    memmove(dst, src, (wipc_wcslen(src) + 1) * sizeof *dst);
    return dst;
}

/* As strncpy: n units, the rest zero-filled, no terminator when src has
 * n or more. */
WINIPC_API WCHAR *winipc_wcsncpy(WCHAR *dst, const WCHAR *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = 0;
    return dst;
}

WINIPC_API WCHAR *winipc_wcscat(WCHAR *dst, const WCHAR *src)
{
    winipc_wcscpy(dst + wipc_wcslen(dst), src);
    return dst;
}

WINIPC_API WCHAR *winipc_wcsncat(WCHAR *dst, const WCHAR *src, size_t n)
{
    WCHAR *d = dst + wipc_wcslen(dst);
    size_t i = 0;
    for (; i < n && src[i]; i++)
        d[i] = src[i];
    d[i] = 0;
    return dst;
}

/* The "C" locale's case folding, the Microsoft runtime's default: ASCII. */
static WCHAR wcrt_fold(WCHAR c)
{
    return c >= 'A' && c <= 'Z' ? (WCHAR)(c - 'A' + 'a') : c;
}

static int wcrt_cmp(const WCHAR *a, const WCHAR *b, size_t n, int fold)
{
    for (size_t i = 0; i < n; i++) {
        WCHAR x = fold ? wcrt_fold(a[i]) : a[i];
        WCHAR y = fold ? wcrt_fold(b[i]) : b[i];
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            break;
    }
    return 0;
}

WINIPC_API int winipc_wcscmp(const WCHAR *a, const WCHAR *b)
{
    return wcrt_cmp(a, b, SIZE_MAX, 0);
}

WINIPC_API int winipc_wcsncmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    return wcrt_cmp(a, b, n, 0);
}

WINIPC_API int winipc_wcsicmp(const WCHAR *a, const WCHAR *b)
{
    return wcrt_cmp(a, b, SIZE_MAX, 1);
}

WINIPC_API int winipc_wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    return wcrt_cmp(a, b, n, 1);
}

WINIPC_API WCHAR *winipc_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) {
        if (*s == c)
            return (WCHAR *)s;
        if (!*s)
            return NULL;
    }
}

WINIPC_API WCHAR *winipc_wcsrchr(const WCHAR *s, WCHAR c)
{
    const WCHAR *last = NULL;
    for (;; s++) {
        if (*s == c)
            last = s;
        if (!*s)
            return (WCHAR *)last;
    }
}

WINIPC_API WCHAR *winipc_wcsstr(const WCHAR *s, const WCHAR *sub)
{
    size_t n = wipc_wcslen(sub);
    for (; *s || !n; s++) {
        if (wcrt_cmp(s, sub, n, 0) == 0)
            return (WCHAR *)s;
        if (!*s)
            break;
    }
    return NULL;
}

WINIPC_API WCHAR *winipc_wcsdup(const WCHAR *s)
{
    size_t n = (wipc_wcslen(s) + 1) * sizeof *s;
    WCHAR *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

/* strtol and strtoul on the ASCII prefix of s (digits are ASCII). */
static void wcrt_ascii(const WCHAR *s, char *buf, size_t cap)
{
    size_t i = 0;
    for (; i + 1 < cap && s[i] && s[i] < 0x80; i++)
        buf[i] = (char)s[i];
    buf[i] = '\0';
}

WINIPC_API long winipc_wcstol(const WCHAR *s, WCHAR **end, int base)
{
    char buf[128], *e;
    long v;
    wcrt_ascii(s, buf, sizeof buf);
    v = strtol(buf, &e, base);
    if (end)
        *end = (WCHAR *)s + (e - buf);
    return v;
}

WINIPC_API unsigned long winipc_wcstoul(const WCHAR *s, WCHAR **end, int base)
{
    char buf[128], *e;
    unsigned long v;
    wcrt_ascii(s, buf, sizeof buf);
    v = strtoul(buf, &e, base);
    if (end)
        *end = (WCHAR *)s + (e - buf);
    return v;
}

WINIPC_API int winipc_wtoi(const WCHAR *s)
{
    return (int)winipc_wcstol(s, NULL, 10);
}

WINIPC_API long winipc_wtol(const WCHAR *s)
{
    return winipc_wcstol(s, NULL, 10);
}

/* ---- printf ------------------------------------------------------------- */

struct wbuf {
    WCHAR *p;
    size_t len, cap;
    int oom;
};

static void wbuf_put(struct wbuf *b, const WCHAR *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        WCHAR *np = realloc(b->p, cap * sizeof *np);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n * sizeof *s);
    b->len += n;
}

/* n bytes of UTF-8 (ASCII from snprintf, or a converted string). */
static void wbuf_utf8(struct wbuf *b, const char *s, size_t n)
{
    WCHAR small[256], *w = small;
    size_t len;
    wipc_utf8_to_utf16(s, n, NULL, 0, 0, &len);
    if (len > 256 && !(w = malloc(len * sizeof *w))) {
        b->oom = 1;
        return;
    }
    wipc_utf8_to_utf16(s, n, w, len, 0, &len);
    wbuf_put(b, w, len);
    if (w != small)
        free(w);
}

/* A string conversion: s (units of WCHAR, or UTF-8 when narrow), with the
 * precision (maximum units) and the width (padding), left-justified or not. */
static void wcrt_string(struct wbuf *b, const void *s, int narrow, long width,
                        long prec, int left)
{
    static const WCHAR null_w[] = {'(', 'n', 'u', 'l', 'l', ')', 0};
    WCHAR *conv = NULL, space = ' ';
    const WCHAR *w;
    size_t n;

    if (!s) {
        w = null_w;
    } else if (narrow) {
        conv = wipc_utf8_dup16(s);
        if (!conv) {
            b->oom = 1;
            return;
        }
        w = conv;
    } else {
        w = s;
    }
    n = 0;
    while (w[n] && (prec < 0 || n < (size_t)prec))
        n++;
    for (long k = (long)n; !left && k < width; k++)
        wbuf_put(b, &space, 1);
    wbuf_put(b, w, n);
    for (long k = (long)n; left && k < width; k++)
        wbuf_put(b, &space, 1);
    free(conv);
}

/* A number's value, fetched once, for snprintf. */
struct wval {
    enum { WV_S64, WV_U64, WV_PTR, WV_DBL, WV_LDBL } kind;
    long long s;
    unsigned long long u;
    void *p;
    double d;
    long double ld;
};

static int wval_print(char *dst, size_t cap, const char *spec,
                      const struct wval *v)
{
    switch (v->kind) {
    case WV_S64:
        return snprintf(dst, cap, spec, v->s);
    case WV_U64:
        return snprintf(dst, cap, spec, v->u);
    case WV_PTR:
        return snprintf(dst, cap, spec, v->p);
    case WV_DBL:
        return snprintf(dst, cap, spec, v->d);
    case WV_LDBL:
        return snprintf(dst, cap, spec, v->ld);
    }
    return -1;
}

/* Appends v formatted by spec (a format built here, never the caller's). */
static void wcrt_number(struct wbuf *b, const char *spec, const struct wval *v)
{
    char small[128], *out = small;
    int n = wval_print(small, sizeof small, spec, v);

    if (n >= (int)sizeof small) {
        out = malloc((size_t)n + 1);
        if (!out) {
            b->oom = 1;
            return;
        }
        wval_print(out, (size_t)n + 1, spec, v);
    }
    if (n > 0)
        wbuf_utf8(b, out, (size_t)n);
    if (out != small)
        free(out);
}

/*
 * One conversion at fmt (after its '%'): parses flags, width, precision and
 * length, fetches the argument and appends it.  Returns the position after
 * the conversion.  Numbers go through the C library's snprintf with a
 * format built here from the parsed pieces.
 */
static const WCHAR *wcrt_conv(struct wbuf *b, const WCHAR *f, va_list *ap)
{
    char spec[64];
    struct wval v;
    size_t k = 0;
    long width = -1, prec = -1;
    int left = 0, len_h = 0, len_l = 0, len_ll = 0, len_z = 0, len_j = 0,
        len_t = 0, len_L = 0;
    WCHAR c;

    spec[k++] = '%';
    while (*f && strchr("-+ #0", (int)*f) && *f < 0x80) {
        left |= *f == '-';
        if (k < 10)
            spec[k++] = (char)*f;
        f++;
    }
    if (*f == '*') {
        width = va_arg(*ap, int);
        if (width < 0) {
            left = 1;
            spec[k++] = '-';
            width = -width;
        }
        f++;
    } else {
        for (width = -1; *f >= '0' && *f <= '9'; f++)
            width = (width < 0 ? 0 : width * 10) + (*f - '0');
    }
    if (width > 100000)
        width = 100000;
    if (width >= 0)
        k += (size_t)snprintf(spec + k, sizeof spec - k, "%ld", width);
    if (*f == '.') {
        f++;
        if (*f == '*') {
            prec = va_arg(*ap, int);
            f++;
        } else {
            for (prec = 0; *f >= '0' && *f <= '9'; f++)
                prec = prec * 10 + (*f - '0');
        }
        if (prec > 100000)
            prec = 100000;
        if (prec >= 0)
            k += (size_t)snprintf(spec + k, sizeof spec - k, ".%ld", prec);
    }
    for (;; f++) {
        if (*f == 'h')
            len_h++;
        else if (*f == 'l')
            len_l++;
        else if (*f == 'w')
            len_l = 1;
        else if (*f == 'L' || *f == 'q')
            len_L = 1;
        else if (*f == 'z')
            len_z = 1;
        else if (*f == 'j')
            len_j = 1;
        else if (*f == 't')
            len_t = 1;
        else if (*f == 'I' && f[1] == '6' && f[2] == '4')
            len_ll = 1, f += 2;
        else if (*f == 'I' && f[1] == '3' && f[2] == '2')
            f += 2;
        else if (*f == 'I')
            len_z = 1;
        else
            break;
    }
    if (len_l >= 2)
        len_ll = 1;
    c = *f;
    if (!c)
        return f;
    f++;
    switch (c) {
    case 's':
    case 'S': {
        void *s = va_arg(*ap, void *);
        int narrow = len_h || (c == 'S' && !len_l);
        wcrt_string(b, s, narrow, width, prec, left);
        return f;
    }
    case 'c':
    case 'C': {
        WCHAR one[2] = {(WCHAR)va_arg(*ap, int), 0};
        char nc[2] = {(char)one[0], 0};
        int narrow = len_h || (c == 'C' && !len_l);
        wcrt_string(b, narrow ? (void *)nc : (void *)one, narrow, width, -1,
                    left);
        return f;
    }
    case '%':
        wbuf_put(b, &c, 1);
        return f;
    case 'n': /* never written through: the C runtime disables it too */
        (void)va_arg(*ap, void *);
        return f;
    }
    if (c >= 0x80 || !strchr("diouxXeEfFgGaAp", (int)c)) {
        wbuf_put(b, &c, 1); /* unknown: printed as itself */
        return f;
    }
    if (strchr("di", (int)c)) {
        v.kind = WV_S64;
        v.s = len_ll ? va_arg(*ap, long long)
              : len_l ? va_arg(*ap, long)
              : len_z || len_t ? (long long)va_arg(*ap, ptrdiff_t)
              : len_j ? (long long)va_arg(*ap, intmax_t)
                      : va_arg(*ap, int);
        if (len_h == 1 && !len_l)
            v.s = (short)v.s;
        else if (len_h >= 2)
            v.s = (signed char)v.s;
        snprintf(spec + k, sizeof spec - k, "ll%c", (char)c);
    } else if (strchr("ouxX", (int)c)) {
        v.kind = WV_U64;
        v.u = len_ll ? va_arg(*ap, unsigned long long)
              : len_l ? va_arg(*ap, unsigned long)
              : len_z || len_t ? va_arg(*ap, size_t)
              : len_j ? (unsigned long long)va_arg(*ap, uintmax_t)
                      : va_arg(*ap, unsigned);
        if (len_h == 1 && !len_l)
            v.u = (unsigned short)v.u;
        else if (len_h >= 2)
            v.u = (unsigned char)v.u;
        snprintf(spec + k, sizeof spec - k, "ll%c", (char)c);
    } else if (c == 'p') {
        v.kind = WV_PTR;
        v.p = va_arg(*ap, void *);
        snprintf(spec + k, sizeof spec - k, "p");
    } else if (len_L) {
        v.kind = WV_LDBL;
        v.ld = va_arg(*ap, long double);
        snprintf(spec + k, sizeof spec - k, "L%c", (char)c);
    } else {
        v.kind = WV_DBL;
        v.d = va_arg(*ap, double);
        snprintf(spec + k, sizeof spec - k, "%c", (char)c);
    }
    wcrt_number(b, spec, &v);
    return f;
}

/* Formats fmt into a malloc'ed WCHAR string (b->p, b->len units). */
static int wcrt_format(struct wbuf *b, const WCHAR *fmt, va_list ap)
{
    va_list aq;
    const WCHAR *f = fmt, *run;

    va_copy(aq, ap);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    wbuf_put(b, f, 0);
    while (*f && !b->oom) {
        for (run = f; *f && *f != '%'; f++)
            ;
        wbuf_put(b, run, (size_t)(f - run));
        if (*f == '%')
            f = wcrt_conv(b, f + 1, &aq);
    }
    va_end(aq);
    if (b->oom) {
        free(b->p);
        b->p = NULL;
        return -1;
    }
    b->p[b->len] = 0;
    return 0;
}

/* ISO swprintf's rule: at most cch units with the terminator; -1 (the
 * buffer terminated at its end) when the result does not fit. */
WINIPC_API int winipc_vswprintf(WCHAR *buf, size_t cch, const WCHAR *fmt,
                                va_list ap)
{
    struct wbuf b;
    int r;

    if (wcrt_format(&b, fmt, ap) < 0)
        return -1;
    if (b.len < cch) {
        memcpy(buf, b.p, (b.len + 1) * sizeof *buf);
        r = (int)b.len;
    } else {
        if (cch) {
            memcpy(buf, b.p, (cch - 1) * sizeof *buf);
            buf[cch - 1] = 0;
        }
        r = -1;
    }
    free(b.p);
    return r;
}

WINIPC_API int winipc_swprintf(WCHAR *buf, size_t cch, const WCHAR *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = winipc_vswprintf(buf, cch, fmt, ap);
    va_end(ap);
    return r;
}

/* The Microsoft runtime's _snwprintf: count units at most; when the result
 * has exactly count units it is not terminated, when it has more the
 * buffer holds the first count and the result is -1. */
WINIPC_API int winipc_vsnwprintf(WCHAR *buf, size_t count, const WCHAR *fmt,
                                 va_list ap)
{
    struct wbuf b;
    int r;

    if (wcrt_format(&b, fmt, ap) < 0)
        return -1;
    if (b.len <= count) {
        memcpy(buf, b.p,
               (b.len < count ? b.len + 1 : b.len) * sizeof *buf);
        r = (int)b.len;
    } else {
        memcpy(buf, b.p, count * sizeof *buf);
        r = -1;
    }
    free(b.p);
    return r;
}

WINIPC_API int winipc_snwprintf(WCHAR *buf, size_t count, const WCHAR *fmt,
                                ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = winipc_vsnwprintf(buf, count, fmt, ap);
    va_end(ap);
    return r;
}

/* The Microsoft runtime's _snprintf, which <tchar.h>'s _sntprintf is
 * without _UNICODE (as with MinGW and Microsoft's headers): count bytes at
 * most; a result of exactly count bytes is not terminated, a longer one
 * leaves its first count bytes and returns -1 (C's snprintf would
 * terminate and return the length). */
WINIPC_API int winipc_vsnprintf(char *buf, size_t count, const char *fmt,
                                va_list ap)
{
    va_list aq;
    char *tmp;
    int n;

    va_copy(aq, ap);
    n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        return -1;
    if ((size_t)n < count)
        return vsnprintf(buf, count, fmt, ap);
    tmp = malloc((size_t)n + 1);
    if (!tmp)
        return -1;
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    memcpy(buf, tmp, (size_t)n <= count ? (size_t)n : count);
    free(tmp);
    return (size_t)n <= count ? n : -1;
}

WINIPC_API int winipc_snprintf(char *buf, size_t count, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = winipc_vsnprintf(buf, count, fmt, ap);
    va_end(ap);
    return r;
}

/* The Microsoft runtime's legacy _swprintf: no size (the caller's buffer is
 * large enough, as with sprintf). */
WINIPC_API int winipc_swprintf_unbounded(WCHAR *buf, const WCHAR *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = winipc_vsnwprintf(buf, SIZE_MAX / sizeof(WCHAR) - 1, fmt, ap);
    va_end(ap);
    return r;
}

/* Writes n units of w to f as UTF-8; the units written, or -1. */
static int wcrt_write(FILE *f, const WCHAR *w, size_t n)
{
    char small[512], *s = small;
    size_t len;
    int r = (int)n;

    wipc_utf16_to_utf8(w, n, NULL, 0, 0, &len, NULL);
    if (len > sizeof small && !(s = malloc(len)))
        return -1;
    wipc_utf16_to_utf8(w, n, s, len, 0, &len, NULL);
    if (fwrite(s, 1, len, f) != len)
        r = -1;
    if (s != small)
        free(s);
    return r;
}

WINIPC_API int winipc_vfwprintf(FILE *f, const WCHAR *fmt, va_list ap)
{
    struct wbuf b;
    int r;

    if (wcrt_format(&b, fmt, ap) < 0)
        return -1;
    r = wcrt_write(f, b.p, b.len);
    free(b.p);
    return r;
}

WINIPC_API int winipc_fwprintf(FILE *f, const WCHAR *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = winipc_vfwprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

WINIPC_API int winipc_vwprintf(const WCHAR *fmt, va_list ap)
{
    return winipc_vfwprintf(stdout, fmt, ap);
}

WINIPC_API int winipc_wprintf(const WCHAR *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = winipc_vfwprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}

WINIPC_API int winipc_fputws(const WCHAR *s, FILE *f)
{
    return wcrt_write(f, s, wipc_wcslen(s)) < 0 ? EOF : 0;
}

/* A line of f (UTF-8) as at most n - 1 units and a terminator; NULL at the
 * end of the file.  A character that does not fit whole is cut. */
WINIPC_API WCHAR *winipc_fgetws(WCHAR *buf, int n, FILE *f)
{
    char line[4096];
    size_t len;

    if (n <= 0 || !fgets(line, n < (int)sizeof line ? n : (int)sizeof line, f))
        return NULL;
    wipc_utf8_to_utf16(line, strlen(line), buf, (size_t)n - 1, 0, &len);
    buf[len < (size_t)n - 1 ? len : (size_t)n - 1] = 0;
    return buf;
}

WINIPC_API FILE *winipc_wfopen(const WCHAR *name, const WCHAR *mode)
{
    DWORD err;
    char *n = wipc_utf16_dup(name, &err), *m = wipc_utf16_dup(mode, &err);
    FILE *f = n && m ? fopen(n, m) : NULL;
    free(n);
    free(m);
    return f;
}
