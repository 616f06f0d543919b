/*
 * env_api.c: the process environment (GetEnvironmentVariableA and friends).
 *
 * The values live in the core store (process/environ.h), not in the C library's
 * environ, so that these calls are thread-safe and children created by
 * CreateProcessA inherit what SetEnvironmentVariableA set.
 */
#include <stdlib.h>
#include <string.h>

#include "../process/environ.h"
#include "api.h"

/* A size_t count as a DWORD return value, saturating instead of wrapping. */
static DWORD env_dword(size_t n)
{
    return (uint64_t)n > 0xFFFFFFFFu ? 0xFFFFFFFFu : (DWORD)n;
}

API_FN(ENV, DWORD, GetEnvironmentVariableA,
       (LPCSTR lpName, LPSTR lpBuffer, DWORD nSize),
       (lpName, lpBuffer, nSize))
{
    size_t len;
    DWORD err;

    /* A NULL buffer can only be asked for the size. */
    err = wipc_env_get(lpName, lpBuffer, lpBuffer ? nSize : 0, &len);
    if (err) {
        SetLastError(err);
        return 0;
    }
    /* Copied: the length without the NUL.  Too small (buffer untouched):
     * the size needed, with the NUL. */
    return lpBuffer && nSize > len ? env_dword(len) : env_dword(len + 1);
}

API_FN(ENV, BOOL, SetEnvironmentVariableA,
       (LPCSTR lpName, LPCSTR lpValue),
       (lpName, lpValue))
{
    return api_result(wipc_env_set(lpName, lpValue));
}

API_FN0(ENV, LPCH, GetEnvironmentStringsA)
{
    char *block;
    DWORD err = wipc_env_block(&block, NULL);

    if (err) {
        SetLastError(err);
        return NULL;
    }
    return block;
}

/* Without UNICODE, Windows' GetEnvironmentStrings is the narrow block too. */
API_FN0(ENV, LPCH, GetEnvironmentStrings)
{
    return GetEnvironmentStringsA();
}

/* The whole environment becomes the block's entries (environ.h,
 * wipc_env_replace): Microsoft's SetEnvironmentStrings documentation and
 * Wine's environ.c test_SetEnvironmentStrings. */
API_FN(ENV, BOOL, SetEnvironmentStringsA, (LPCH NewEnvironment),
       (NewEnvironment))
{
    return api_result(wipc_env_replace(NewEnvironment));
}

API_FN(ENV, BOOL, FreeEnvironmentStringsA, (LPCH penv), (penv))
{
    free(penv);
    return TRUE; /* as Windows, also for NULL */
}

/*
 * ExpandEnvironmentStringsA asks one character more than the result needs:
 * the documentation says an ANSI buffer must hold "the string length, plus
 * terminating null character, plus one".  So the expansion is stored only
 * when nSize > length + 1, and the return value is then length + 1; when it
 * does not fit, the buffer gets an empty string and the return value is
 * length + 2, the size that will work.  Neither case sets the last error.
 * A buffer given with nSize 0 gets that empty string too: Windows writes
 * its first byte even then (Wine's environ.c:632, rows with count 0, which
 * Windows passes; Wine 8 leaves the buffer alone and is wrong there).
 */
API_FN(ENV, DWORD, ExpandEnvironmentStringsA,
       (LPCSTR lpSrc, LPSTR lpDst, DWORD nSize),
       (lpSrc, lpDst, nSize))
{
    char *out;
    size_t len;
    DWORD err = wipc_env_expand(lpSrc, &out, &len);

    if (err) {
        SetLastError(err);
        return 0;
    }
    if (lpDst && nSize > len + 1) {
        memcpy(lpDst, out, len + 1);
        free(out);
        return env_dword(len + 1);
    }
    if (lpDst)
        lpDst[0] = '\0';
    free(out);
    return env_dword(len + 2);
}
