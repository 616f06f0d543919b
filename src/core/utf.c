/*
 * utf.c: UTF-16 <-> UTF-8 (see utf.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf.h"

#define REPLACEMENT 0xFFFDu

size_t wipc_wcslen(const WCHAR *s)
{
    size_t n = 0;
    if (s)
        while (s[n])
            n++;
    return n;
}

/* Writes the UTF-8 form of code point c (up to 4 bytes) to o. */
static size_t utf8_put(uint32_t c, unsigned char *o)
{
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | (c >> 6));
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (c >> 12));
        o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (c >> 18));
    o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

DWORD wipc_utf16_to_utf8(const WCHAR *src, size_t n, char *dst, size_t cap,
                         unsigned flags, size_t *out, int *replaced)
{
    size_t i = 0, o = 0;
    unsigned char tmp[4];

    if (replaced)
        *replaced = 0;
    while (i < n) {
        uint32_t c = src[i++];
        size_t k;

        if (c >= 0xD800 && c < 0xDC00 && i < n && src[i] >= 0xDC00 &&
            src[i] < 0xE000) {
            c = 0x10000 + ((c - 0xD800) << 10) + (src[i++] - 0xDC00u);
        } else if (c >= 0xD800 && c < 0xE000 && !(flags & WIPC_UTF_NAME)) {
            if (flags & WIPC_UTF_STRICT)
                return ERROR_NO_UNICODE_TRANSLATION;
            c = REPLACEMENT; /* a lone surrogate */
            if (replaced)
                *replaced = 1;
        }
        k = utf8_put(c, tmp);
        for (size_t j = 0; j < k; j++, o++)
            if (o < cap)
                dst[o] = (char)tmp[j];
    }
    *out = o;
    return 0;
}

/*
 * Decodes one character of s[0..n) (n >= 1): its code point in *c, or
 * REPLACEMENT for an invalid sequence (*bad set).  Returns the bytes used.
 * A sequence is given up at the first byte that shows it invalid: a lead
 * byte that never starts one, a missing continuation byte (the bytes read
 * so far make one U+FFFD), or a first continuation byte that makes it
 * overlong, a surrogate or too large (it is part of the U+FFFD).
 */
static size_t utf8_get(const unsigned char *s, size_t n, unsigned flags,
                       uint32_t *c, int *bad)
{
    unsigned b = s[0], need;
    uint32_t v;

    *bad = 0;
    if (b < 0x80) {
        *c = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        v = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        v = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        v = b & 0x07;
    } else {
        goto invalid_1;
    }
    for (unsigned k = 1; k <= need; k++) {
        if (k >= n || (s[k] & 0xC0) != 0x80) {
            *bad = 1;
            *c = REPLACEMENT;
            return k;
        }
        v = (v << 6) | (s[k] & 0x3F);
        if (k == 1 && need == 2 &&
            (v < 0x20 || (v >= 0x360 && v < 0x380 && !(flags & WIPC_UTF_NAME))))
            goto invalid_2; /* overlong, or a surrogate */
        if (k == 1 && need == 3 && (v < 0x10 || v > 0x10F))
            goto invalid_2; /* overlong, or above U+10FFFF */
    }
    *c = v;
    return need + 1;
invalid_2:
    *bad = 1;
    *c = REPLACEMENT;
    return 2;
invalid_1:
    *bad = 1;
    *c = REPLACEMENT;
    return 1;
}

DWORD wipc_utf8_to_utf16(const char *src, size_t n, WCHAR *dst, size_t cap,
                         unsigned flags, size_t *out)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0, o = 0;

    while (i < n) {
        uint32_t c;
        int bad;

        i += utf8_get(s + i, n - i, flags, &c, &bad);
        if (bad && (flags & WIPC_UTF_STRICT))
            return ERROR_NO_UNICODE_TRANSLATION;
        if (c >= 0x10000) {
            if (o < cap)
                dst[o] = (WCHAR)(0xD800 + ((c - 0x10000) >> 10));
            if (o + 1 < cap)
                dst[o + 1] = (WCHAR)(0xDC00 + ((c - 0x10000) & 0x3FF));
            o += 2;
        } else {
            if (o < cap)
                dst[o] = (WCHAR)c;
            o++;
        }
    }
    *out = o;
    return 0;
}

char *wipc_utf16_dup(const WCHAR *src, DWORD *err)
{
    size_t n = wipc_wcslen(src), len;
    char *s;

    *err = 0;
    if (!src)
        return NULL;
    wipc_utf16_to_utf8(src, n, NULL, 0, WIPC_UTF_NAME, &len, NULL);
    s = malloc(len + 1);
    if (!s) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    wipc_utf16_to_utf8(src, n, s, len, WIPC_UTF_NAME, &len, NULL);
    s[len] = '\0';
    return s;
}

WCHAR *wipc_utf8_dup16(const char *src)
{
    size_t n, len;
    WCHAR *w;

    if (!src)
        return NULL;
    n = strlen(src);
    wipc_utf8_to_utf16(src, n, NULL, 0, WIPC_UTF_NAME, &len);
    w = malloc((len + 1) * sizeof *w);
    if (!w)
        return NULL;
    wipc_utf8_to_utf16(src, n, w, len, WIPC_UTF_NAME, &len);
    w[len] = 0;
    return w;
}

size_t wipc_utf8_units(const char *s)
{
    size_t len;
    wipc_utf8_to_utf16(s, strlen(s), NULL, 0, WIPC_UTF_NAME, &len);
    return len;
}

_Thread_local int wipc_wide_call;
