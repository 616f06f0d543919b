/*
 * unicode_api.c: MultiByteToWideChar, WideCharToMultiByte, GetACP,
 * GetOEMCP and the lstr*W functions.
 *
 * Every narrow code page is UTF-8 here (windows.h); the conversions are
 * core/utf.h's, with Windows' rules for their arguments (checked against
 * Wine, and the documentation where Wine differs: the flags and default
 * character arguments that CP_UTF8 does not allow).
 */
#include <stdlib.h>
#include <string.h>

#include "../core/utf.h"
#include "api.h"

/* 1 if cp is a code page winipc converts (all of them as UTF-8); 2 if it
 * is CP_UTF8 itself, whose flags are restricted. */
static int uni_codepage(UINT cp)
{
    if (cp == CP_UTF8)
        return 2;
    return cp == CP_ACP || cp == CP_OEMCP || cp == CP_MACCP ||
           cp == CP_THREAD_ACP;
}

static int uni_fail(DWORD err)
{
    SetLastError(err);
    return 0;
}

/*
 * "For UTF-8 [...] dwFlags must be set to either 0 or MB_ERR_INVALID_CHARS.
 * Otherwise, the function fails with ERROR_INVALID_FLAGS" (the
 * documentation; Wine 8 ignores MB_PRECOMPOSED there).  An invalid
 * sequence is U+FFFD, or with MB_ERR_INVALID_CHARS the call fails with
 * ERROR_NO_UNICODE_TRANSLATION.  A buffer too small is
 * ERROR_INSUFFICIENT_BUFFER, after as much as fits was written.
 */
API_FN(TEXT, int, MultiByteToWideChar,
       (UINT CodePage, DWORD dwFlags, LPCCH lpMultiByteStr, int cbMultiByte,
        LPWSTR lpWideCharStr, int cchWideChar),
       (CodePage, dwFlags, lpMultiByteStr, cbMultiByte, lpWideCharStr,
        cchWideChar))
{
    int cp = uni_codepage(CodePage);
    DWORD allowed = cp == 2 ? MB_ERR_INVALID_CHARS
                            : MB_PRECOMPOSED | MB_COMPOSITE |
                                  MB_USEGLYPHCHARS | MB_ERR_INVALID_CHARS;
    size_t n, len;
    DWORD err;

    if (!lpMultiByteStr || cbMultiByte == 0 || cchWideChar < 0 ||
        (cchWideChar && !lpWideCharStr) || !cp)
        return uni_fail(ERROR_INVALID_PARAMETER);
    if ((dwFlags & ~allowed) ||
        ((dwFlags & MB_PRECOMPOSED) && (dwFlags & MB_COMPOSITE)))
        return uni_fail(ERROR_INVALID_FLAGS);
    n = cbMultiByte < 0 ? strlen(lpMultiByteStr) + 1 : (size_t)cbMultiByte;
    err = wipc_utf8_to_utf16(lpMultiByteStr, n, lpWideCharStr,
                             (size_t)cchWideChar,
                             dwFlags & MB_ERR_INVALID_CHARS ? WIPC_UTF_STRICT
                                                            : 0,
                             &len);
    if (err)
        return uni_fail(err);
    if (len > 0x7FFFFFFF)
        return uni_fail(ERROR_INVALID_PARAMETER);
    if (cchWideChar && len > (size_t)cchWideChar)
        return uni_fail(ERROR_INSUFFICIENT_BUFFER);
    return (int)len;
}

/*
 * CP_UTF8 takes the flags 0 or WC_ERR_INVALID_CHARS (else
 * ERROR_INVALID_FLAGS), and lpDefaultChar and lpUsedDefaultChar must be
 * NULL (else ERROR_INVALID_PARAMETER): the documentation; Wine 8 accepts
 * them.  A lone surrogate is U+FFFD (EF BF BD), or the call fails with
 * ERROR_NO_UNICODE_TRANSLATION under WC_ERR_INVALID_CHARS.  The other code
 * pages (UTF-8 too) put lpDefaultChar, if given, where a lone surrogate
 * was, and tell it in *lpUsedDefaultChar.
 */
API_FN(TEXT, int, WideCharToMultiByte,
       (UINT CodePage, DWORD dwFlags, LPCWCH lpWideCharStr, int cchWideChar,
        LPSTR lpMultiByteStr, int cbMultiByte, LPCCH lpDefaultChar,
        LPBOOL lpUsedDefaultChar),
       (CodePage, dwFlags, lpWideCharStr, cchWideChar, lpMultiByteStr,
        cbMultiByte, lpDefaultChar, lpUsedDefaultChar))
{
    int cp = uni_codepage(CodePage), replaced = 0;
    DWORD allowed = cp == 2 ? WC_ERR_INVALID_CHARS
                            : WC_COMPOSITECHECK | WC_DISCARDNS |
                                  WC_SEPCHARS | WC_DEFAULTCHAR |
                                  WC_NO_BEST_FIT_CHARS;
    size_t n, len;
    DWORD err;

    if (!lpWideCharStr || cchWideChar == 0 || cbMultiByte < 0 ||
        (cbMultiByte && !lpMultiByteStr) || !cp ||
        (cp == 2 && (lpDefaultChar || lpUsedDefaultChar)))
        return uni_fail(ERROR_INVALID_PARAMETER);
    if (dwFlags & ~allowed)
        return uni_fail(ERROR_INVALID_FLAGS);
    n = cchWideChar < 0 ? wipc_wcslen(lpWideCharStr) + 1
                        : (size_t)cchWideChar;
    if (lpDefaultChar && *lpDefaultChar) {
        /* Each lone surrogate becomes the default character: convert the
         * pieces between them. */
        size_t o = 0, i = 0, dlen = strlen(lpDefaultChar), part;
        size_t cap = (size_t)cbMultiByte;
        while (i < n) {
            size_t j = i;
            while (j < n) {
                WCHAR c = lpWideCharStr[j];
                if (c >= 0xD800 && c < 0xDC00 && j + 1 < n &&
                    lpWideCharStr[j + 1] >= 0xDC00 &&
                    lpWideCharStr[j + 1] < 0xE000) {
                    j += 2;
                    continue;
                }
                if (c >= 0xD800 && c < 0xE000)
                    break;
                j++;
            }
            wipc_utf16_to_utf8(lpWideCharStr + i, j - i,
                               lpMultiByteStr ? lpMultiByteStr + (o < cap ? o : cap) : NULL,
                               o < cap ? cap - o : 0, 0, &part, NULL);
            o += part;
            if (j < n) {
                for (size_t k = 0; k < dlen; k++, o++)
                    if (o < cap)
                        lpMultiByteStr[o] = lpDefaultChar[k];
                replaced = 1;
                j++;
            }
            i = j;
        }
        len = o;
    } else {
        err = wipc_utf16_to_utf8(lpWideCharStr, n, lpMultiByteStr,
                                 (size_t)cbMultiByte,
                                 dwFlags & WC_ERR_INVALID_CHARS
                                     ? WIPC_UTF_STRICT
                                     : 0,
                                 &len, &replaced);
        if (err)
            return uni_fail(err);
    }
    if (len > 0x7FFFFFFF)
        return uni_fail(ERROR_INVALID_PARAMETER);
    if (cbMultiByte && len > (size_t)cbMultiByte)
        return uni_fail(ERROR_INSUFFICIENT_BUFFER);
    if (lpUsedDefaultChar)
        *lpUsedDefaultChar = replaced;
    return (int)len;
}

API_FN0(TEXT, UINT, GetACP)
{
    return CP_UTF8;
}

API_FN0(TEXT, UINT, GetOEMCP)
{
    return CP_UTF8;
}

/* ---- lstr*W: as the A functions (string_api.c) ------------------------- */

/* Windows reads NULL, catches the fault and says ERROR_INVALID_PARAMETER
 * (Wine 8 the same). */
WINIPC_API int WINAPI lstrlenW(LPCWSTR lpString)
{
    if (!lpString)
        SetLastError(ERROR_INVALID_PARAMETER);
    return (int)wipc_wcslen(lpString);
}

WINIPC_API LPWSTR WINAPI lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2)
{
    if (!lpString1 || !lpString2)
        return NULL;
    memmove(lpString1, lpString2,
            (wipc_wcslen(lpString2) + 1) * sizeof(WCHAR));
    return lpString1;
}

WINIPC_API LPWSTR WINAPI lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2,
                                   int iMaxLength)
{
    size_t n = 0;

    if (!lpString1 || !lpString2)
        return NULL;
    if (iMaxLength <= 0)
        return lpString1;
    while (n < (size_t)iMaxLength - 1 && lpString2[n])
        n++;
    memmove(lpString1, lpString2, n * sizeof(WCHAR));
    lpString1[n] = 0;
    return lpString1;
}

WINIPC_API LPWSTR WINAPI lstrcatW(LPWSTR lpString1, LPCWSTR lpString2)
{
    if (!lpString1 || !lpString2)
        return NULL;
    lstrcpyW(lpString1 + wipc_wcslen(lpString1), lpString2);
    return lpString1;
}

/* The comparisons convert to UTF-8 and sort as lstrcmpA does (one memory
 * cannot be found for is empty).  A NULL string comes before every other,
 * the empty one too (Wine 8, as CompareStringW). */
static int uni_compare(LPCWSTR a, LPCWSTR b, int ignore_case)
{
    DWORD err;
    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    char *pa = wipc_utf16_dup(a, &err);
    char *pb = wipc_utf16_dup(b, &err);
    int r = ignore_case ? lstrcmpiA(pa, pb) : lstrcmpA(pa, pb);

    free(pa);
    free(pb);
    return r;
}

WINIPC_API int WINAPI lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2)
{
    return uni_compare(lpString1, lpString2, 0);
}

WINIPC_API int WINAPI lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2)
{
    return uni_compare(lpString1, lpString2, 1);
}
