/*
 * tchar.h: generic-text mappings.  Without _UNICODE, _TCHAR is char and
 * every _t name is its narrow C library function.  With _UNICODE, _TCHAR
 * is WCHAR (16 bits, as on Windows) and the _t names map to winipc's
 * wide functions below, not to the C library's wcs and wprintf functions,
 * which read 32-bit wchar_t on Linux.  The wide printf family follows the
 * Microsoft C runtime: in a wide format %s and %c are WCHAR, %hs and %S
 * narrow.  _tmain is wmain: winipc's libwinipc_main, which pkg-config and
 * CMake link, calls it with the arguments in UTF-16 (README).  _sntprintf
 * and _vsntprintf are the Microsoft runtime's _snprintf family in both
 * modes, as MinGW's and Microsoft's headers map them (conformance
 * tchar_printf).
 */
#ifndef WINIPC_TCHAR_H
#define WINIPC_TCHAR_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- winipc's wide C library functions (WCHAR strings, UTF-8 files) ---- */

WINIPC_API size_t winipc_wcslen(const WCHAR *s);
WINIPC_API WCHAR *winipc_wcscpy(WCHAR *dst, const WCHAR *src);
WINIPC_API WCHAR *winipc_wcsncpy(WCHAR *dst, const WCHAR *src, size_t n);
WINIPC_API WCHAR *winipc_wcscat(WCHAR *dst, const WCHAR *src);
WINIPC_API WCHAR *winipc_wcsncat(WCHAR *dst, const WCHAR *src, size_t n);
WINIPC_API int winipc_wcscmp(const WCHAR *a, const WCHAR *b);
WINIPC_API int winipc_wcsncmp(const WCHAR *a, const WCHAR *b, size_t n);
WINIPC_API int winipc_wcsicmp(const WCHAR *a, const WCHAR *b);
WINIPC_API int winipc_wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n);
WINIPC_API WCHAR *winipc_wcschr(const WCHAR *s, WCHAR c);
WINIPC_API WCHAR *winipc_wcsrchr(const WCHAR *s, WCHAR c);
WINIPC_API WCHAR *winipc_wcsstr(const WCHAR *s, const WCHAR *sub);
WINIPC_API WCHAR *winipc_wcsdup(const WCHAR *s);
WINIPC_API long winipc_wcstol(const WCHAR *s, WCHAR **end, int base);
WINIPC_API unsigned long winipc_wcstoul(const WCHAR *s, WCHAR **end,
                                        int base);
WINIPC_API int winipc_wtoi(const WCHAR *s);
WINIPC_API long winipc_wtol(const WCHAR *s);
WINIPC_API int winipc_wprintf(const WCHAR *fmt, ...);
WINIPC_API int winipc_fwprintf(FILE *f, const WCHAR *fmt, ...);
WINIPC_API int winipc_vwprintf(const WCHAR *fmt, va_list ap);
WINIPC_API int winipc_vfwprintf(FILE *f, const WCHAR *fmt, va_list ap);
WINIPC_API int winipc_swprintf(WCHAR *buf, size_t cch, const WCHAR *fmt,
                               ...);
WINIPC_API int winipc_vswprintf(WCHAR *buf, size_t cch, const WCHAR *fmt,
                                va_list ap);
WINIPC_API int winipc_snwprintf(WCHAR *buf, size_t count, const WCHAR *fmt,
                                ...);
WINIPC_API int winipc_vsnwprintf(WCHAR *buf, size_t count, const WCHAR *fmt,
                                 va_list ap);
WINIPC_API int winipc_swprintf_unbounded(WCHAR *buf, const WCHAR *fmt, ...);
/* The Microsoft runtime's _snprintf: no terminator when the text fills
 * count, -1 when it is longer (_sntprintf without _UNICODE). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
WINIPC_API int winipc_snprintf(char *buf, size_t count, const char *fmt, ...);
#if defined(__GNUC__)
__attribute__((format(printf, 3, 0)))
#endif
WINIPC_API int winipc_vsnprintf(char *buf, size_t count, const char *fmt,
                                va_list ap);
WINIPC_API int winipc_fputws(const WCHAR *s, FILE *f);
WINIPC_API WCHAR *winipc_fgetws(WCHAR *buf, int n, FILE *f);
WINIPC_API FILE *winipc_wfopen(const WCHAR *name, const WCHAR *mode);

#ifdef __cplusplus
} /* C++: wmain(int, WCHAR **) keeps C linkage, as main does */
extern "C" int wmain(int argc, WCHAR **argv);
extern "C" {
#endif

#ifdef _UNICODE

typedef WCHAR _TCHAR, _TSCHAR, _TUCHAR, _TXCHAR;
typedef unsigned int _TINT;
#define _T(x) WIPC_WIDE(x)
#define _TEXT(x) WIPC_WIDE(x)
#define _TEOF (-1)

#define _tmain wmain
#define _tprintf winipc_wprintf
#define _ftprintf winipc_fwprintf
#define _stprintf winipc_swprintf_unbounded
#define _sntprintf winipc_snwprintf
#define _stprintf_s winipc_swprintf
#define _vtprintf winipc_vwprintf
#define _vftprintf winipc_vfwprintf
#define _vstprintf winipc_vswprintf
#define _vsntprintf winipc_vsnwprintf
#define _fgetts winipc_fgetws
#define _fputts winipc_fputws
#define _tfopen winipc_wfopen
#define _tcslen winipc_wcslen
#define _tcscpy winipc_wcscpy
#define _tcsncpy winipc_wcsncpy
#define _tcscat winipc_wcscat
#define _tcsncat winipc_wcsncat
#define _tcscmp winipc_wcscmp
#define _tcsncmp winipc_wcsncmp
#define _tcsicmp winipc_wcsicmp
#define _tcsnicmp winipc_wcsnicmp
#define _tcschr winipc_wcschr
#define _tcsrchr winipc_wcsrchr
#define _tcsstr winipc_wcsstr
#define _tcsdup winipc_wcsdup
#define _tcstol winipc_wcstol
#define _tcstoul winipc_wcstoul
#define _ttoi winipc_wtoi
#define _ttol winipc_wtol
#define _wtoi winipc_wtoi
#define _wtol winipc_wtol
#define _wcsicmp winipc_wcsicmp
#define _wcsnicmp winipc_wcsnicmp
#define _wcsdup winipc_wcsdup
#define _wfopen winipc_wfopen
#define _snwprintf winipc_snwprintf

#else /* !_UNICODE */

typedef char _TCHAR, _TSCHAR;
typedef unsigned char _TUCHAR;
typedef char _TXCHAR;
typedef int _TINT;
#define _T(x) x
#define _TEXT(x) x
#define _TEOF EOF

#define _tmain main
#define _tprintf printf
#define _ftprintf fprintf
#define _stprintf sprintf
#define _sntprintf winipc_snprintf
#define _vtprintf vprintf
#define _vftprintf vfprintf
#define _vstprintf vsprintf
#define _vsntprintf winipc_vsnprintf
#define _tscanf scanf
#define _ftscanf fscanf
#define _stscanf sscanf
#define _fgetts fgets
#define _fputts fputs
#define _puttc putc
#define _puttchar putchar
#define _gettc getc
#define _gettchar getchar
#define _tfopen fopen
#define _tcslen strlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcsncat strncat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcsicmp strcasecmp
#define _tcsnicmp strncasecmp
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcstok strtok
#define _tcsdup strdup
#define _tcstol strtol
#define _tcstoul strtoul
#define _ttoi atoi
#define _ttol atol
#define _tgetenv getenv
#define _tsystem system

#endif /* _UNICODE */

#ifdef __cplusplus
}
#endif

#endif /* WINIPC_TCHAR_H */
