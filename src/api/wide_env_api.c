/*
 * wide_env_api.c: the W variants of the functions that return text: the
 * environment, the current directory, the computer and user names, module
 * file names, message boxes.
 *
 * Each gets the UTF-8 text as its A function (or the store) has it,
 * converts it (core/utf.h) and applies Windows' buffer rules in UTF-16
 * units, so a buffer "large enough" means what it does on Windows.
 */
#include <stdlib.h>
#include <string.h>

#include "../process/environ.h"
#include "api.h"

/* The UTF-16 length of the UTF-8 text s (n bytes), in units. */
static size_t wide_units(const char *s, size_t n)
{
    size_t len;
    wipc_utf8_to_utf16(s, n, NULL, 0, WIPC_UTF_NAME, &len);
    return len;
}

/* s with its NUL into buf (size units, enough: checked by the caller). */
static void wide_copy(const char *s, LPWSTR buf, size_t size)
{
    size_t len;
    wipc_utf8_to_utf16(s, strlen(s) + 1, buf, size, WIPC_UTF_NAME, &len);
}

/* The rule of GetEnvironmentVariable and GetCurrentDirectory: if s and its
 * NUL fit in size units, they are copied and the result is s's length;
 * else the buffer is left alone and the result is the size needed. */
static DWORD wide_result(const char *s, LPWSTR buf, DWORD size)
{
    size_t len = wide_units(s, strlen(s));

    if (buf && size > len) {
        wide_copy(s, buf, size);
        return (DWORD)len;
    }
    return (DWORD)len + 1;
}

API_FN(ENV, DWORD, GetEnvironmentVariableW,
       (LPCWSTR lpName, LPWSTR lpBuffer, DWORD nSize),
       (lpName, lpBuffer, nSize))
{
    char *name, *value = NULL;
    size_t len = 0, cap = 0;
    DWORD err, r = 0;

    if (!api_utf8(lpName, &name))
        return 0;
    /* The value may change between the calls: until it fits. */
    while ((err = wipc_env_get(name, value, cap, &len)) == 0 && len >= cap) {
        free(value);
        cap = len + 1;
        value = malloc(cap);
        if (!value) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
    }
    if (err)
        SetLastError(err);
    else
        r = wide_result(value, lpBuffer, nSize);
    free(value);
    free(name);
    return r;
}

API_FN(ENV, BOOL, SetEnvironmentVariableW,
       (LPCWSTR lpName, LPCWSTR lpValue),
       (lpName, lpValue))
{
    char *name, *value;
    BOOL r;

    if (!api_utf8(lpName, &name))
        return FALSE;
    if (!api_utf8(lpValue, &value)) {
        free(name);
        return FALSE;
    }
    r = SetEnvironmentVariableA(name, value);
    free(value);
    free(name);
    return r;
}

/* The block "k=v\0...\0\0" in UTF-16; FreeEnvironmentStringsW frees it. */
API_FN0(ENV, LPWCH, GetEnvironmentStringsW)
{
    char *block;
    size_t size, len;
    WCHAR *w;
    DWORD err = wipc_env_block(&block, &size);

    if (err) {
        SetLastError(err);
        return NULL;
    }
    len = wide_units(block, size);
    w = malloc(len * sizeof *w);
    if (w)
        wipc_utf8_to_utf16(block, size, w, len, WIPC_UTF_NAME, &len);
    else
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    free(block);
    return w;
}

/* SetEnvironmentStringsA with the block in UTF-16: its units up to the
 * empty entry that ends it, converted whole (NULs included). */
API_FN(ENV, BOOL, SetEnvironmentStringsW, (LPWCH NewEnvironment),
       (NewEnvironment))
{
    const WCHAR *p = NewEnvironment;
    size_t units, bytes;
    char *block;
    BOOL r;

    if (!p) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    while (*p)
        p += wipc_wcslen(p) + 1;
    units = (size_t)(p - NewEnvironment) + 1;
    wipc_utf16_to_utf8(NewEnvironment, units, NULL, 0, WIPC_UTF_NAME, &bytes,
                       NULL);
    block = malloc(bytes);
    if (!block) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    wipc_utf16_to_utf8(NewEnvironment, units, block, bytes, WIPC_UTF_NAME,
                       &bytes, NULL);
    r = SetEnvironmentStringsA(block);
    free(block);
    return r;
}

API_FN(ENV, BOOL, FreeEnvironmentStringsW, (LPWCH penv), (penv))
{
    free(penv);
    return TRUE;
}

/*
 * ExpandEnvironmentStringsW into nSize units of dst: what Windows stores
 * when the result does not fit (Wine's environ.c
 * test_ExpandEnvironmentStringsW, which passes on Windows; Wine 8 stores
 * the same, see the conformance scenario unicode_names).  The text of the
 * source is copied unit by unit while one unit stays free; a variable's
 * value goes in whole, with a NUL after it, if it fits with that NUL, and
 * else only a NUL where it would have begun, and nothing more is stored.
 * So a result that fits ends with its NUL, and one that does not may end
 * without one.  w is the result (units), values where its values are (in
 * the UTF-8 text out).
 */
static void expand_w_store(const char *out, const WCHAR *w, size_t units,
                           const struct wipc_env_piece *values, size_t n,
                           LPWSTR dst, DWORD nSize)
{
    size_t pos = 0, i = 0, byte = 0;

    while (pos < units) {
        if (i < n && values[i].off == byte) {
            size_t len = wide_units(out + byte, values[i].len);
            if (pos + len + 1 > nSize) {
                if (pos < nSize)
                    dst[pos] = 0;
                return;
            }
            memcpy(dst + pos, w + pos, len * sizeof *w);
            dst[pos + len] = 0;
            pos += len;
            byte += values[i++].len;
        } else {
            size_t end = i < n ? values[i].off : strlen(out);
            size_t len = wide_units(out + byte, end - byte);
            for (size_t k = 0; k < len; k++, pos++) {
                if (pos + 1 >= nSize)
                    return;
                dst[pos] = w[pos];
            }
            byte = end;
        }
    }
    if (pos < nSize)
        dst[pos] = 0;
}

/*
 * The return value is the result's length with its NUL whether it fits or
 * not, and the last error is left alone either way (Wine's environ.c:453
 * and :463, which pass on Windows; Wine 8 sets ERROR_INSUFFICIENT_BUFFER).
 * What a buffer too small receives: expand_w_store.
 */
API_FN(ENV, DWORD, ExpandEnvironmentStringsW,
       (LPCWSTR lpSrc, LPWSTR lpDst, DWORD nSize),
       (lpSrc, lpDst, nSize))
{
    struct wipc_env_piece *values = NULL;
    size_t len, units, n = 0;
    char *src, *out;
    WCHAR *w;
    DWORD err;

    if (!api_utf8(lpSrc, &src))
        return 0;
    err = wipc_env_expand_values(src, &out, &len, &values, &n);
    free(src);
    if (err) {
        SetLastError(err);
        return 0;
    }
    units = wide_units(out, len);
    if (lpDst && nSize > 0) {
        w = malloc((units + 1) * sizeof *w);
        if (!w) {
            free(values);
            free(out);
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return 0;
        }
        wide_copy(out, w, units + 1);
        expand_w_store(out, w, units, values, n, lpDst, nSize);
        free(w);
    }
    free(values);
    free(out);
    return (DWORD)units + 1;
}

API_FN(FILE, DWORD, GetCurrentDirectoryW,
       (DWORD nBufferLength, LPWSTR lpBuffer),
       (nBufferLength, lpBuffer))
{
    char cwd[4096];

    if (!GetCurrentDirectoryA(sizeof cwd, cwd))
        return 0;
    return wide_result(cwd, lpBuffer, nBufferLength);
}

/* The computer names' rule, in units: the name and its NUL into buffer
 * (*size units), *size its length; too small (or no buffer) is error
 * (ERROR_BUFFER_OVERFLOW or ERROR_MORE_DATA) with *size the size needed. */
static BOOL wide_name(const char *name, LPWSTR buffer, LPDWORD size,
                      DWORD error)
{
    size_t len = wide_units(name, strlen(name));

    if (!buffer || *size < len + 1) {
        *size = (DWORD)len + 1;
        return api_fail(error);
    }
    wide_copy(name, buffer, *size);
    *size = (DWORD)len;
    return TRUE;
}

/* GetComputerNameA's rules, in units: too small (or no buffer) is
 * ERROR_BUFFER_OVERFLOW with *nSize the size needed. */
API_FN(SYS, BOOL, GetComputerNameW,
       (LPWSTR lpBuffer, LPDWORD nSize),
       (lpBuffer, nSize))
{
    char name[MAX_COMPUTERNAME_LENGTH * 4 + 1];
    DWORD size = sizeof name;

    if (!nSize)
        return api_fail(ERROR_INVALID_PARAMETER);
    if (!GetComputerNameA(name, &size))
        return FALSE;
    return wide_name(name, lpBuffer, nSize, ERROR_BUFFER_OVERFLOW);
}

/* GetUserNameA's rules, in units: *pcbBuffer gets the length with the NUL,
 * and too small a buffer is ERROR_INSUFFICIENT_BUFFER. */
API_FN(SYS, BOOL, GetUserNameW,
       (LPWSTR lpBuffer, LPDWORD pcbBuffer),
       (lpBuffer, pcbBuffer))
{
    char name[4 * (UNLEN + 1)];
    DWORD size = sizeof name;
    size_t len;

    if (!pcbBuffer)
        return api_fail(ERROR_INVALID_PARAMETER);
    if (!GetUserNameA(name, &size))
        return FALSE;
    len = wide_units(name, strlen(name));
    if (!lpBuffer || *pcbBuffer < len + 1) {
        *pcbBuffer = (DWORD)len + 1;
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    }
    wide_copy(name, lpBuffer, *pcbBuffer);
    *pcbBuffer = (DWORD)len + 1;
    return TRUE;
}

API_FN(SYS, HMODULE, GetModuleHandleW, (LPCWSTR lpModuleName), (lpModuleName))
{
    char *name;
    HMODULE h;

    if (!api_utf8(lpModuleName, &name))
        return NULL;
    h = GetModuleHandleA(name);
    free(name);
    return h;
}

/*
 * GetModuleFileNameA's rule in units: the path with its NUL when it fits
 * in nSize units (the result is its length); else as much as fits with a
 * NUL in the last unit, the result nSize and the last error
 * ERROR_INSUFFICIENT_BUFFER.
 */
API_FN(PROCESS, DWORD, GetModuleFileNameW,
       (HMODULE hModule, LPWSTR lpFilename, DWORD nSize),
       (hModule, lpFilename, nSize))
{
    char path[4096];
    size_t len;

    if (!GetModuleFileNameA(hModule, path, sizeof path))
        return 0;
    wipc_utf8_to_utf16(path, strlen(path), lpFilename, nSize, WIPC_UTF_NAME,
                       &len);
    if (len < nSize) {
        lpFilename[len] = 0;
        return (DWORD)len;
    }
    if (nSize)
        lpFilename[nSize - 1] = 0;
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return nSize;
}

/* GetComputerNameExA's rules, in units (ERROR_MORE_DATA and the size
 * needed when too small). */
API_FN(SYS, BOOL, GetComputerNameExW,
       (COMPUTER_NAME_FORMAT NameType, LPWSTR lpBuffer, LPDWORD nSize),
       (NameType, lpBuffer, nSize))
{
    char name[1024];
    DWORD size = sizeof name;

    if (!nSize)
        return api_fail(ERROR_INVALID_PARAMETER);
    if (!GetComputerNameExA(NameType, name, &size))
        return FALSE;
    return wide_name(name, lpBuffer, nSize, ERROR_MORE_DATA);
}

/* QueryFullProcessImageNameA's rules, in units: too small leaves buffer
 * and size alone (ERROR_INSUFFICIENT_BUFFER). */
API_FN(PROCESS, BOOL, QueryFullProcessImageNameW,
       (HANDLE hProcess, DWORD dwFlags, LPWSTR lpExeName, PDWORD lpdwSize),
       (hProcess, dwFlags, lpExeName, lpdwSize))
{
    char path[4096];
    DWORD size = sizeof path;
    size_t len;

    if (!lpdwSize)
        return QueryFullProcessImageNameA(hProcess, dwFlags, NULL, NULL);
    if (!QueryFullProcessImageNameA(hProcess, dwFlags, path, &size))
        return FALSE;
    len = wide_units(path, size);
    /* Without a buffer, a size too small is still that (Wine's
     * process.c:2056, which passes on Windows); one large enough would be
     * written to, where Windows crashes: refused, as by the A function. */
    if (len >= *lpdwSize)
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    if (!lpExeName)
        return api_fail(ERROR_INVALID_PARAMETER);
    wide_copy(path, lpExeName, *lpdwSize);
    *lpdwSize = (DWORD)len;
    return TRUE;
}

/* GetProcessImageFileNameA's rules, in units. */
API_FN(PROCESS, DWORD, GetProcessImageFileNameW,
       (HANDLE hProcess, LPWSTR lpImageFileName, DWORD nSize),
       (hProcess, lpImageFileName, nSize))
{
    char path[4096];
    size_t len;

    if (!GetProcessImageFileNameA(hProcess, path, sizeof path))
        return 0;
    len = wide_units(path, strlen(path));
    if (!lpImageFileName || len >= nSize) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    wide_copy(path, lpImageFileName, nSize);
    return (DWORD)len;
}

API_FN(PROCESS, DWORD, K32GetProcessImageFileNameW,
       (HANDLE hProcess, LPWSTR lpImageFileName, DWORD nSize),
       (hProcess, lpImageFileName, nSize))
{
    return GetProcessImageFileNameW(hProcess, lpImageFileName, nSize);
}

API_FN(SYS, int, MessageBoxW,
       (HWND hWnd, LPCWSTR lpText, LPCWSTR lpCaption, UINT uType),
       (hWnd, lpText, lpCaption, uType))
{
    char *text, *caption;
    int r;

    if (!api_utf8(lpText, &text))
        return 0;
    if (!api_utf8(lpCaption, &caption)) {
        free(text);
        return 0;
    }
    r = MessageBoxA(hWnd, text, caption, uType);
    free(caption);
    free(text);
    return r;
}
