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

API_FN(ENV, BOOL, FreeEnvironmentStringsW, (LPWCH penv), (penv))
{
    free(penv);
    return TRUE;
}

/*
 * The W rule differs from ExpandEnvironmentStringsA's: the result (with
 * its NUL) is stored when nSize units hold it, and the return value is
 * its length with the NUL either way (the size needed when it did not
 * fit; the buffer is then left alone and the last error is
 * ERROR_INSUFFICIENT_BUFFER, as Wine 8 answers).
 */
API_FN(ENV, DWORD, ExpandEnvironmentStringsW,
       (LPCWSTR lpSrc, LPWSTR lpDst, DWORD nSize),
       (lpSrc, lpDst, nSize))
{
    char *src, *out;
    size_t len;
    DWORD err;

    if (!api_utf8(lpSrc, &src))
        return 0;
    err = wipc_env_expand(src, &out, &len);
    free(src);
    if (err) {
        SetLastError(err);
        return 0;
    }
    len = wide_units(out, len);
    if (lpDst && nSize > len)
        wide_copy(out, lpDst, nSize);
    else
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
    free(out);
    return (DWORD)len + 1;
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

    if (!lpExeName || !lpdwSize)
        return QueryFullProcessImageNameA(hProcess, dwFlags, NULL, NULL);
    if (!QueryFullProcessImageNameA(hProcess, dwFlags, path, &size))
        return FALSE;
    len = wide_units(path, size);
    if (len >= *lpdwSize)
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
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
