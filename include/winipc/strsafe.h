/*
 * strsafe.h: the StringCch and StringCb functions of Windows' <strsafe.h>
 * for narrow strings (the A variants; the unsuffixed names map to them).
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

/* strnlen, which strict C11 programs do not see. */
static inline size_t winipc_strsafe_len(STRSAFE_LPCSTR s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Copies at most n characters of src (fewer at its NUL) to dst, a buffer
 * of cch characters (already checked: 0 < cch <= STRSAFE_MAX_CCH). */
static inline HRESULT winipc_strsafe_copy(STRSAFE_LPSTR dst, size_t cch,
                                          STRSAFE_LPCSTR src, size_t n)
{
    size_t len = winipc_strsafe_len(src, n < cch ? n : cch);
    HRESULT hr = S_OK;
    if (len >= cch) { /* no room for all of it and the NUL */
        len = cch - 1;
        hr = STRSAFE_E_INSUFFICIENT_BUFFER;
    }
    memmove(dst, src, len);
    dst[len] = '\0';
    return hr;
}

static inline HRESULT winipc_strsafe_cat(STRSAFE_LPSTR dst, size_t cch,
                                         STRSAFE_LPCSTR src, size_t n)
{
    size_t used;
    if (cch == 0 || cch > STRSAFE_MAX_CCH)
        return STRSAFE_E_INVALID_PARAMETER;
    used = winipc_strsafe_len(dst, cch);
    if (used == cch)
        return STRSAFE_E_INVALID_PARAMETER; /* not terminated */
    return winipc_strsafe_copy(dst + used, cch - used, src, n);
}

static inline HRESULT StringCchCopyA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                     STRSAFE_LPCSTR pszSrc)
{
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH)
        return STRSAFE_E_INVALID_PARAMETER;
    return winipc_strsafe_copy(pszDest, cchDest, pszSrc, (size_t)-1);
}

static inline HRESULT StringCchCopyNA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                      STRSAFE_LPCSTR pszSrc, size_t cchToCopy)
{
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH ||
        cchToCopy > STRSAFE_MAX_CCH)
        return STRSAFE_E_INVALID_PARAMETER;
    return winipc_strsafe_copy(pszDest, cchDest, pszSrc, cchToCopy);
}

static inline HRESULT StringCchCatA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                    STRSAFE_LPCSTR pszSrc)
{
    return winipc_strsafe_cat(pszDest, cchDest, pszSrc, (size_t)-1);
}

static inline HRESULT StringCchCatNA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                     STRSAFE_LPCSTR pszSrc, size_t cchToAppend)
{
    if (cchToAppend > STRSAFE_MAX_CCH)
        return STRSAFE_E_INVALID_PARAMETER;
    return winipc_strsafe_cat(pszDest, cchDest, pszSrc, cchToAppend);
}

static inline HRESULT StringCchVPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                        STRSAFE_LPCSTR pszFormat,
                                        va_list argList)
{
    int n;
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH)
        return STRSAFE_E_INVALID_PARAMETER;
    n = vsnprintf(pszDest, cchDest, pszFormat, argList);
    if (n < 0 || (size_t)n >= cchDest) {
        pszDest[cchDest - 1] = '\0';
        return STRSAFE_E_INSUFFICIENT_BUFFER;
    }
    return S_OK;
}

static inline HRESULT StringCchPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                       STRSAFE_LPCSTR pszFormat, ...)
{
    HRESULT hr;
    va_list ap;
    va_start(ap, pszFormat);
    hr = StringCchVPrintfA(pszDest, cchDest, pszFormat, ap);
    va_end(ap);
    return hr;
}

/* The length of psz without its NUL, which must come within cchMax
 * characters; *pcchLength (if not NULL) gets 0 on failure. */
static inline HRESULT StringCchLengthA(STRSAFE_LPCSTR psz, size_t cchMax,
                                       size_t *pcchLength)
{
    size_t len = 0;
    HRESULT hr = STRSAFE_E_INVALID_PARAMETER;
    if (psz && cchMax > 0 && cchMax <= STRSAFE_MAX_CCH) {
        len = winipc_strsafe_len(psz, cchMax);
        if (len < cchMax)
            hr = S_OK;
        else
            len = 0;
    }
    if (pcchLength)
        *pcchLength = len;
    return hr;
}

static inline HRESULT StringCbCopyA(STRSAFE_LPSTR pszDest, size_t cbDest,
                                    STRSAFE_LPCSTR pszSrc)
{
    return StringCchCopyA(pszDest, cbDest / sizeof(char), pszSrc);
}

static inline HRESULT StringCbCopyNA(STRSAFE_LPSTR pszDest, size_t cbDest,
                                     STRSAFE_LPCSTR pszSrc, size_t cbToCopy)
{
    return StringCchCopyNA(pszDest, cbDest / sizeof(char), pszSrc,
                           cbToCopy / sizeof(char));
}

static inline HRESULT StringCbCatA(STRSAFE_LPSTR pszDest, size_t cbDest,
                                   STRSAFE_LPCSTR pszSrc)
{
    return StringCchCatA(pszDest, cbDest / sizeof(char), pszSrc);
}

static inline HRESULT StringCbCatNA(STRSAFE_LPSTR pszDest, size_t cbDest,
                                    STRSAFE_LPCSTR pszSrc, size_t cbToAppend)
{
    return StringCchCatNA(pszDest, cbDest / sizeof(char), pszSrc,
                          cbToAppend / sizeof(char));
}

static inline HRESULT StringCbVPrintfA(STRSAFE_LPSTR pszDest, size_t cbDest,
                                       STRSAFE_LPCSTR pszFormat,
                                       va_list argList)
{
    return StringCchVPrintfA(pszDest, cbDest / sizeof(char), pszFormat,
                             argList);
}

static inline HRESULT StringCbPrintfA(STRSAFE_LPSTR pszDest, size_t cbDest,
                                      STRSAFE_LPCSTR pszFormat, ...)
{
    HRESULT hr;
    va_list ap;
    va_start(ap, pszFormat);
    hr = StringCchVPrintfA(pszDest, cbDest / sizeof(char), pszFormat, ap);
    va_end(ap);
    return hr;
}

static inline HRESULT StringCbLengthA(STRSAFE_LPCSTR psz, size_t cbMax,
                                      size_t *pcbLength)
{
    size_t cch = 0;
    HRESULT hr = StringCchLengthA(psz, cbMax / sizeof(char), &cch);
    if (pcbLength)
        *pcbLength = cch * sizeof(char);
    return hr;
}

/* ---- Undecorated names (no UNICODE: the A variants) ---------------------- */

#define StringCchCopy StringCchCopyA
#define StringCchCopyN StringCchCopyNA
#define StringCchCat StringCchCatA
#define StringCchCatN StringCchCatNA
#define StringCchPrintf StringCchPrintfA
#define StringCchVPrintf StringCchVPrintfA
#define StringCchLength StringCchLengthA
#define StringCbCopy StringCbCopyA
#define StringCbCopyN StringCbCopyNA
#define StringCbCat StringCbCatA
#define StringCbCatN StringCbCatNA
#define StringCbPrintf StringCbPrintfA
#define StringCbVPrintf StringCbVPrintfA
#define StringCbLength StringCbLengthA

#ifdef __cplusplus
}
#endif

#endif /* WINIPC_STRSAFE_H */
