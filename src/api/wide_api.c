/*
 * wide_api.c: the W variants of the functions that take names (files,
 * directories, named pipes, mailslots, events, mutexes, semaphores,
 * timers, file mappings, job objects).
 *
 * Each converts its names to UTF-8 (core/utf.h: a lone surrogate keeps its
 * own UTF-8 form, so every UTF-16 name stays a distinct name) and calls
 * its A function, which sets the result and the last error; name limits
 * count UTF-16 units in both.  A NULL name stays NULL.
 */
#include <stdlib.h>

#include "api.h"

/* The body of a W function with one name that returns a handle: convert,
 * call the A function (an expression using the UTF-8 name n), free. */
#define WIDE_HANDLE(wname, fail, call)                                         \
    do {                                                                       \
        char *n;                                                               \
        HANDLE h_;                                                             \
        if (!api_utf8((wname), &n))                                            \
            return (fail);                                                     \
        h_ = (call);                                                           \
        free(n);                                                               \
        return h_;                                                             \
    } while (0)

/* The same for a BOOL function. */
#define WIDE_BOOL(wname, call)                                                 \
    do {                                                                       \
        char *n;                                                               \
        BOOL r_;                                                               \
        if (!api_utf8((wname), &n))                                            \
            return FALSE;                                                      \
        r_ = (call);                                                           \
        free(n);                                                               \
        return r_;                                                             \
    } while (0)

/* ---- Files and directories ---------------------------------------------- */

WINIPC_API HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
                                     DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                     DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes,
                                     HANDLE hTemplateFile)
{
    WIDE_HANDLE(lpFileName, INVALID_HANDLE_VALUE,
                CreateFileA(n, dwDesiredAccess, dwShareMode,
                            lpSecurityAttributes, dwCreationDisposition,
                            dwFlagsAndAttributes, hTemplateFile));
}

WINIPC_API BOOL WINAPI DeleteFileW(LPCWSTR lpFileName)
{
    WIDE_BOOL(lpFileName, DeleteFileA(n));
}

WINIPC_API BOOL WINAPI CopyFileW(LPCWSTR lpExistingFileName,
                                 LPCWSTR lpNewFileName, BOOL bFailIfExists)
{
    char *to;
    BOOL r;

    if (!api_utf8(lpNewFileName, &to))
        return FALSE;
    {
        char *n;
        if (!api_utf8(lpExistingFileName, &n)) {
            free(to);
            return FALSE;
        }
        r = CopyFileA(n, to, bFailIfExists);
        free(n);
    }
    free(to);
    return r;
}

WINIPC_API BOOL WINAPI CreateDirectoryW(LPCWSTR lpPathName,
                                        LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
    WIDE_BOOL(lpPathName, CreateDirectoryA(n, lpSecurityAttributes));
}

WINIPC_API BOOL WINAPI RemoveDirectoryW(LPCWSTR lpPathName)
{
    WIDE_BOOL(lpPathName, RemoveDirectoryA(n));
}

WINIPC_API BOOL WINAPI SetCurrentDirectoryW(LPCWSTR lpPathName)
{
    WIDE_BOOL(lpPathName, SetCurrentDirectoryA(n));
}

/* ---- Named pipes and mailslots ------------------------------------------ */

WINIPC_API HANDLE WINAPI CreateNamedPipeW(
    LPCWSTR lpName, DWORD dwOpenMode, DWORD dwPipeMode, DWORD nMaxInstances,
    DWORD nOutBufferSize, DWORD nInBufferSize, DWORD nDefaultTimeOut,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
    WIDE_HANDLE(lpName, INVALID_HANDLE_VALUE,
                CreateNamedPipeA(n, dwOpenMode, dwPipeMode, nMaxInstances,
                                 nOutBufferSize, nInBufferSize,
                                 nDefaultTimeOut, lpSecurityAttributes));
}

WINIPC_API BOOL WINAPI WaitNamedPipeW(LPCWSTR lpNamedPipeName, DWORD nTimeOut)
{
    WIDE_BOOL(lpNamedPipeName, WaitNamedPipeA(n, nTimeOut));
}

WINIPC_API BOOL WINAPI CallNamedPipeW(LPCWSTR lpNamedPipeName,
                                      LPVOID lpInBuffer, DWORD nInBufferSize,
                                      LPVOID lpOutBuffer, DWORD nOutBufferSize,
                                      LPDWORD lpBytesRead, DWORD nTimeOut)
{
    WIDE_BOOL(lpNamedPipeName,
              CallNamedPipeA(n, lpInBuffer, nInBufferSize, lpOutBuffer,
                             nOutBufferSize, lpBytesRead, nTimeOut));
}

/*
 * The user name is the client's, in UTF-16 units: nMaxUserNameSize counts
 * them, and a name that does not fit fails the call as the A function's
 * does (ERROR_INSUFFICIENT_BUFFER).
 */
WINIPC_API BOOL WINAPI GetNamedPipeHandleStateW(
    HANDLE hNamedPipe, LPDWORD lpState, LPDWORD lpCurInstances,
    LPDWORD lpMaxCollectionCount, LPDWORD lpCollectDataTimeout,
    LPWSTR lpUserName, DWORD nMaxUserNameSize)
{
    char name[4 * (UNLEN + 1)];
    size_t len;

    if (!GetNamedPipeHandleStateA(hNamedPipe, lpState, lpCurInstances,
                                  lpMaxCollectionCount, lpCollectDataTimeout,
                                  lpUserName ? name : NULL,
                                  lpUserName ? sizeof name : 0))
        return FALSE;
    if (!lpUserName)
        return TRUE;
    wipc_utf8_to_utf16(name, strlen(name) + 1, lpUserName, nMaxUserNameSize,
                       WIPC_UTF_NAME, &len);
    if (len > nMaxUserNameSize) {
        if (nMaxUserNameSize)
            lpUserName[0] = 0;
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    }
    return TRUE;
}

WINIPC_API HANDLE WINAPI CreateMailslotW(
    LPCWSTR lpName, DWORD nMaxMessageSize, DWORD lReadTimeout,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
    WIDE_HANDLE(lpName, INVALID_HANDLE_VALUE,
                CreateMailslotA(n, nMaxMessageSize, lReadTimeout,
                                lpSecurityAttributes));
}

/* ---- Named synchronization objects and file mappings -------------------- */

WINIPC_API HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState,
                                      LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL,
                CreateEventA(lpEventAttributes, bManualReset, bInitialState,
                             n));
}

WINIPC_API HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess,
                                    BOOL bInheritHandle, LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL, OpenEventA(dwDesiredAccess, bInheritHandle, n));
}

WINIPC_API HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                        LPCWSTR lpName, DWORD dwFlags,
                                        DWORD dwDesiredAccess)
{
    WIDE_HANDLE(lpName, NULL,
                CreateEventExA(lpEventAttributes, n, dwFlags,
                               dwDesiredAccess));
}

WINIPC_API HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                      BOOL bInitialOwner, LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL,
                CreateMutexA(lpMutexAttributes, bInitialOwner, n));
}

WINIPC_API HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                        LPCWSTR lpName, DWORD dwFlags,
                                        DWORD dwDesiredAccess)
{
    WIDE_HANDLE(lpName, NULL,
                CreateMutexExA(lpMutexAttributes, n, dwFlags,
                               dwDesiredAccess));
}

WINIPC_API HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess,
                                    BOOL bInheritHandle, LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL, OpenMutexA(dwDesiredAccess, bInheritHandle, n));
}

WINIPC_API HANDLE WINAPI CreateSemaphoreW(
    LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
    LONG lMaximumCount, LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL,
                CreateSemaphoreA(lpSemaphoreAttributes, lInitialCount,
                                 lMaximumCount, n));
}

WINIPC_API HANDLE WINAPI CreateSemaphoreExW(
    LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
    LONG lMaximumCount, LPCWSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess)
{
    WIDE_HANDLE(lpName, NULL,
                CreateSemaphoreExA(lpSemaphoreAttributes, lInitialCount,
                                   lMaximumCount, n, dwFlags,
                                   dwDesiredAccess));
}

WINIPC_API HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess,
                                        BOOL bInheritHandle, LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL,
                OpenSemaphoreA(dwDesiredAccess, bInheritHandle, n));
}

WINIPC_API HANDLE WINAPI CreateWaitableTimerW(
    LPSECURITY_ATTRIBUTES lpTimerAttributes, BOOL bManualReset,
    LPCWSTR lpTimerName)
{
    WIDE_HANDLE(lpTimerName, NULL,
                CreateWaitableTimerA(lpTimerAttributes, bManualReset, n));
}

WINIPC_API HANDLE WINAPI CreateWaitableTimerExW(
    LPSECURITY_ATTRIBUTES lpTimerAttributes, LPCWSTR lpTimerName,
    DWORD dwFlags, DWORD dwDesiredAccess)
{
    WIDE_HANDLE(lpTimerName, NULL,
                CreateWaitableTimerExA(lpTimerAttributes, n, dwFlags,
                                       dwDesiredAccess));
}

WINIPC_API HANDLE WINAPI OpenWaitableTimerW(DWORD dwDesiredAccess,
                                            BOOL bInheritHandle,
                                            LPCWSTR lpTimerName)
{
    WIDE_HANDLE(lpTimerName, NULL,
                OpenWaitableTimerA(dwDesiredAccess, bInheritHandle, n));
}

WINIPC_API HANDLE WINAPI CreateFileMappingW(
    HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
    DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
    LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL,
                CreateFileMappingA(hFile, lpFileMappingAttributes, flProtect,
                                   dwMaximumSizeHigh, dwMaximumSizeLow, n));
}

WINIPC_API HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess,
                                          BOOL bInheritHandle, LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL,
                OpenFileMappingA(dwDesiredAccess, bInheritHandle, n));
}

/* ---- Job objects ----------------------------------------------------------- */

WINIPC_API HANDLE WINAPI CreateJobObjectW(LPSECURITY_ATTRIBUTES lpJobAttributes,
                                          LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL, CreateJobObjectA(lpJobAttributes, n));
}

WINIPC_API HANDLE WINAPI OpenJobObjectW(DWORD dwDesiredAccess,
                                        BOOL bInheritHandle, LPCWSTR lpName)
{
    WIDE_HANDLE(lpName, NULL, OpenJobObjectA(dwDesiredAccess, bInheritHandle, n));
}
