/*
 * strsafe.h: the StringCch and StringCb functions of Windows' <strsafe.h>,
 * A (narrow) and W (WCHAR); the unsuffixed names are the W ones with
 * UNICODE, as on Windows.
 *
 * Every function returns an HRESULT: S_OK, STRSAFE_E_INSUFFICIENT_BUFFER
 * (the result did not fit: the destination holds as much of it as fits,
 * terminated) or STRSAFE_E_INVALID_PARAMETER (a size of 0 or above
 * STRSAFE_MAX_CCH, a destination not terminated within its size for the
 * Cat functions: the destination is left as it was).  Cch sizes count
 * characters, Cb sizes bytes; both are the destination's whole size, its
 * terminating NUL included.  The printf formats are the C library's.
 *
 * Unlike Microsoft's header, this one does not turn strcpy, sprintf and
 * the other functions it replaces into errors (STRSAFE_NO_DEPRECATE is
 * implied).  Header-only: nothing here is in the library.
 */
#ifndef WINIPC_STRSAFE_H
#define WINIPC_STRSAFE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STRSAFE_MAX_CCH 2147483647
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AL)
#define STRSAFE_E_INVALID_PARAMETER ((HRESULT)0x80070057L)
#define STRSAFE_E_END_OF_FILE ((HRESULT)0x80070026L)

typedef char *STRSAFE_LPSTR;
typedef const char *STRSAFE_LPCSTR;
typedef WCHAR *STRSAFE_LPWSTR;
typedef const WCHAR *STRSAFE_LPCWSTR;

/*
 * The functions, for one character type: S is the suffix (A or W), CH the
 * character (char or WCHAR), VPRINTF the vsnprintf of that type (a
 * negative result or one of cch or more: it did not fit).
 */
#define WINIPC_STRSAFE_FUNCTIONS(S, CH, VPRINTF)                               \
/* strnlen, which strict C11 programs do not see. */                           \
static inline size_t winipc_strsafe_len##S(const CH * s, size_t max)           \
{                                                                              \
    size_t n = 0;                                                              \
    while (n < max && s[n])                                                    \
        n++;                                                                   \
    return n;                                                                  \
}                                                                              \
                                                                               \
/* Copies at most n characters of src (fewer at its NUL) to dst, a buffer      \
 * of cch characters (already checked: 0 < cch <= STRSAFE_MAX_CCH). */         \
static inline HRESULT winipc_strsafe_copy##S(CH * dst, size_t cch,             \
                                          const CH * src, size_t n)            \
{                                                                              \
    size_t len = winipc_strsafe_len##S(src, n < cch ? n : cch);                \
    HRESULT hr = S_OK;                                                         \
    if (len >= cch) { /* no room for all of it and the NUL */                  \
        len = cch - 1;                                                         \
        hr = STRSAFE_E_INSUFFICIENT_BUFFER;                                    \
    }                                                                          \
    memmove(dst, src, len * sizeof *dst);                                      \
    dst[len] = 0;                                                              \
    return hr;                                                                 \
}                                                                              \
                                                                               \
static inline HRESULT winipc_strsafe_cat##S(CH * dst, size_t cch,              \
                                         const CH * src, size_t n)             \
{                                                                              \
    size_t used;                                                               \
    if (cch == 0 || cch > STRSAFE_MAX_CCH)                                     \
        return STRSAFE_E_INVALID_PARAMETER;                                    \
    used = winipc_strsafe_len##S(dst, cch);                                    \
    if (used == cch)                                                           \
        return STRSAFE_E_INVALID_PARAMETER; /* not terminated */               \
    return winipc_strsafe_copy##S(dst + used, cch - used, src, n);             \
}                                                                              \
                                                                               \
static inline HRESULT StringCchCopy##S(CH * pszDest, size_t cchDest,           \
                                     const CH * pszSrc)                        \
{                                                                              \
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH)                             \
        return STRSAFE_E_INVALID_PARAMETER;                                    \
    return winipc_strsafe_copy##S(pszDest, cchDest, pszSrc, (size_t)-1);       \
}                                                                              \
                                                                               \
static inline HRESULT StringCchCopyN##S(CH * pszDest, size_t cchDest,          \
                                      const CH * pszSrc, size_t cchToCopy)     \
{                                                                              \
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH ||                           \
        cchToCopy > STRSAFE_MAX_CCH)                                           \
        return STRSAFE_E_INVALID_PARAMETER;                                    \
    return winipc_strsafe_copy##S(pszDest, cchDest, pszSrc, cchToCopy);        \
}                                                                              \
                                                                               \
static inline HRESULT StringCchCat##S(CH * pszDest, size_t cchDest,            \
                                    const CH * pszSrc)                         \
{                                                                              \
    return winipc_strsafe_cat##S(pszDest, cchDest, pszSrc, (size_t)-1);        \
}                                                                              \
                                                                               \
static inline HRESULT StringCchCatN##S(CH * pszDest, size_t cchDest,           \
                                     const CH * pszSrc, size_t cchToAppend)    \
{                                                                              \
    if (cchToAppend > STRSAFE_MAX_CCH)                                         \
        return STRSAFE_E_INVALID_PARAMETER;                                    \
    return winipc_strsafe_cat##S(pszDest, cchDest, pszSrc, cchToAppend);       \
}                                                                              \
                                                                               \
static inline HRESULT StringCchVPrintf##S(CH * pszDest, size_t cchDest,        \
                                        const CH * pszFormat,                  \
                                        va_list argList)                       \
{                                                                              \
    int n;                                                                     \
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH)                             \
        return STRSAFE_E_INVALID_PARAMETER;                                    \
    n = VPRINTF(pszDest, cchDest, pszFormat, argList);                         \
    if (n < 0 || (size_t)n >= cchDest) {                                       \
        pszDest[cchDest - 1] = 0;                                              \
        return STRSAFE_E_INSUFFICIENT_BUFFER;                                  \
    }                                                                          \
    return S_OK;                                                               \
}                                                                              \
                                                                               \
static inline HRESULT StringCchPrintf##S(CH * pszDest, size_t cchDest,         \
                                       const CH * pszFormat, ...)              \
{                                                                              \
    HRESULT hr;                                                                \
    va_list ap;                                                                \
    va_start(ap, pszFormat);                                                   \
    hr = StringCchVPrintf##S(pszDest, cchDest, pszFormat, ap);                 \
    va_end(ap);                                                                \
    return hr;                                                                 \
}                                                                              \
                                                                               \
/* The length of psz without its NUL, which must come within cchMax            \
 * characters; *pcchLength (if not NULL) gets 0 on failure. */                 \
static inline HRESULT StringCchLength##S(const CH * psz, size_t cchMax,        \
                                       size_t *pcchLength)                     \
{                                                                              \
    size_t len = 0;                                                            \
    HRESULT hr = STRSAFE_E_INVALID_PARAMETER;                                  \
    if (psz && cchMax > 0 && cchMax <= STRSAFE_MAX_CCH) {                      \
        len = winipc_strsafe_len##S(psz, cchMax);                              \
        if (len < cchMax)                                                      \
            hr = S_OK;                                                         \
        else                                                                   \
            len = 0;                                                           \
    }                                                                          \
    if (pcchLength)                                                            \
        *pcchLength = len;                                                     \
    return hr;                                                                 \
}                                                                              \
                                                                               \
static inline HRESULT StringCbCopy##S(CH * pszDest, size_t cbDest,             \
                                    const CH * pszSrc)                         \
{                                                                              \
    return StringCchCopy##S(pszDest, cbDest / sizeof(CH), pszSrc);             \
}                                                                              \
                                                                               \
static inline HRESULT StringCbCopyN##S(CH * pszDest, size_t cbDest,            \
                                     const CH * pszSrc, size_t cbToCopy)       \
{                                                                              \
    return StringCchCopyN##S(pszDest, cbDest / sizeof(CH), pszSrc,             \
                           cbToCopy / sizeof(CH));                             \
}                                                                              \
                                                                               \
static inline HRESULT StringCbCat##S(CH * pszDest, size_t cbDest,              \
                                   const CH * pszSrc)                          \
{                                                                              \
    return StringCchCat##S(pszDest, cbDest / sizeof(CH), pszSrc);              \
}                                                                              \
                                                                               \
static inline HRESULT StringCbCatN##S(CH * pszDest, size_t cbDest,             \
                                    const CH * pszSrc, size_t cbToAppend)      \
{                                                                              \
    return StringCchCatN##S(pszDest, cbDest / sizeof(CH), pszSrc,              \
                          cbToAppend / sizeof(CH));                            \
}                                                                              \
                                                                               \
static inline HRESULT StringCbVPrintf##S(CH * pszDest, size_t cbDest,          \
                                       const CH * pszFormat,                   \
                                       va_list argList)                        \
{                                                                              \
    return StringCchVPrintf##S(pszDest, cbDest / sizeof(CH), pszFormat,        \
                             argList);                                         \
}                                                                              \
                                                                               \
static inline HRESULT StringCbPrintf##S(CH * pszDest, size_t cbDest,           \
                                      const CH * pszFormat, ...)               \
{                                                                              \
    HRESULT hr;                                                                \
    va_list ap;                                                                \
    va_start(ap, pszFormat);                                                   \
    hr = StringCchVPrintf##S(pszDest, cbDest / sizeof(CH), pszFormat, ap);     \
    va_end(ap);                                                                \
    return hr;                                                                 \
}                                                                              \
                                                                               \
static inline HRESULT StringCbLength##S(const CH * psz, size_t cbMax,          \
                                      size_t *pcbLength)                       \
{                                                                              \
    size_t cch = 0;                                                            \
    HRESULT hr = StringCchLength##S(psz, cbMax / sizeof(CH), &cch);            \
    if (pcbLength)                                                             \
        *pcbLength = cch * sizeof(CH);                                         \
    return hr;                                                                 \
}                                                                              \
    /* end of WINIPC_STRSAFE_FUNCTIONS */

WINIPC_API int winipc_vswprintf(WCHAR *buf, size_t cch, const WCHAR *fmt,
                                va_list ap);

WINIPC_STRSAFE_FUNCTIONS(A, char, vsnprintf)
/* The W variants: the same rules in WCHAR units; the printf formats are
 * winipc_vswprintf's (<tchar.h>: %s is a WCHAR string). */
WINIPC_STRSAFE_FUNCTIONS(W, WCHAR, winipc_vswprintf)

/* ---- Undecorated names: the W variants with UNICODE, else the A ones ---- */

#ifdef UNICODE
#define WIPC_STRSAFE_AW(name) name##W
#else
#define WIPC_STRSAFE_AW(name) name##A
#endif
#define StringCchCopy WIPC_STRSAFE_AW(StringCchCopy)
#define StringCchCopyN WIPC_STRSAFE_AW(StringCchCopyN)
#define StringCchCat WIPC_STRSAFE_AW(StringCchCat)
#define StringCchCatN WIPC_STRSAFE_AW(StringCchCatN)
#define StringCchPrintf WIPC_STRSAFE_AW(StringCchPrintf)
#define StringCchVPrintf WIPC_STRSAFE_AW(StringCchVPrintf)
#define StringCchLength WIPC_STRSAFE_AW(StringCchLength)
#define StringCbCopy WIPC_STRSAFE_AW(StringCbCopy)
#define StringCbCopyN WIPC_STRSAFE_AW(StringCbCopyN)
#define StringCbCat WIPC_STRSAFE_AW(StringCbCat)
#define StringCbCatN WIPC_STRSAFE_AW(StringCbCatN)
#define StringCbPrintf WIPC_STRSAFE_AW(StringCbPrintf)
#define StringCbVPrintf WIPC_STRSAFE_AW(StringCbVPrintf)
#define StringCbLength WIPC_STRSAFE_AW(StringCbLength)

#ifdef __cplusplus
}
#endif

#endif /* WINIPC_STRSAFE_H */
