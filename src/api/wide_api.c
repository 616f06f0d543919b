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
        wipc_wide_call++;                                                      \
        h_ = (call);                                                           \
        wipc_wide_call--;                                                      \
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
        wipc_wide_call++;                                                      \
        r_ = (call);                                                           \
        wipc_wide_call--;                                                      \
        free(n);                                                               \
        return r_;                                                             \
    } while (0)

/* ---- Files and directories ---------------------------------------------- */

API_FN(FILE, HANDLE, CreateFileW,
       (LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
        LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
        DWORD dwFlagsAndAttributes, HANDLE hTemplateFile),
       (lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
        dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile))
{
    WIDE_HANDLE(lpFileName, INVALID_HANDLE_VALUE,
                CreateFileA(n, dwDesiredAccess, dwShareMode,
                            lpSecurityAttributes, dwCreationDisposition,
                            dwFlagsAndAttributes, hTemplateFile));
}

API_FN(FILE, BOOL, DeleteFileW, (LPCWSTR lpFileName), (lpFileName))
{
    WIDE_BOOL(lpFileName, DeleteFileA(n));
}

API_FN(FILE, BOOL, CopyFileW,
       (LPCWSTR lpExistingFileName, LPCWSTR lpNewFileName, BOOL bFailIfExists),
       (lpExistingFileName, lpNewFileName, bFailIfExists))
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

API_FN(FILE, BOOL, CreateDirectoryW,
       (LPCWSTR lpPathName, LPSECURITY_ATTRIBUTES lpSecurityAttributes),
       (lpPathName, lpSecurityAttributes))
{
    WIDE_BOOL(lpPathName, CreateDirectoryA(n, lpSecurityAttributes));
}

API_FN(FILE, BOOL, RemoveDirectoryW, (LPCWSTR lpPathName), (lpPathName))
{
    WIDE_BOOL(lpPathName, RemoveDirectoryA(n));
}

API_FN(FILE, BOOL, SetCurrentDirectoryW, (LPCWSTR lpPathName), (lpPathName))
{
    WIDE_BOOL(lpPathName, SetCurrentDirectoryA(n));
}

/* ---- Named pipes and mailslots ------------------------------------------ */

API_FN(PIPE, HANDLE, CreateNamedPipeW,
       (LPCWSTR lpName, DWORD dwOpenMode, DWORD dwPipeMode, DWORD nMaxInstances,
        DWORD nOutBufferSize, DWORD nInBufferSize, DWORD nDefaultTimeOut,
        LPSECURITY_ATTRIBUTES lpSecurityAttributes),
       (lpName, dwOpenMode, dwPipeMode, nMaxInstances, nOutBufferSize,
        nInBufferSize, nDefaultTimeOut, lpSecurityAttributes))
{
    WIDE_HANDLE(lpName, INVALID_HANDLE_VALUE,
                CreateNamedPipeA(n, dwOpenMode, dwPipeMode, nMaxInstances,
                                 nOutBufferSize, nInBufferSize,
                                 nDefaultTimeOut, lpSecurityAttributes));
}

API_FN(PIPE, BOOL, WaitNamedPipeW,
       (LPCWSTR lpNamedPipeName, DWORD nTimeOut),
       (lpNamedPipeName, nTimeOut))
{
    WIDE_BOOL(lpNamedPipeName, WaitNamedPipeA(n, nTimeOut));
}

API_FN(PIPE, BOOL, CallNamedPipeW,
       (LPCWSTR lpNamedPipeName, LPVOID lpInBuffer, DWORD nInBufferSize,
        LPVOID lpOutBuffer, DWORD nOutBufferSize, LPDWORD lpBytesRead,
        DWORD nTimeOut),
       (lpNamedPipeName, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize,
        lpBytesRead, nTimeOut))
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
API_FN(PIPE, BOOL, GetNamedPipeHandleStateW,
       (HANDLE hNamedPipe, LPDWORD lpState, LPDWORD lpCurInstances,
        LPDWORD lpMaxCollectionCount, LPDWORD lpCollectDataTimeout,
        LPWSTR lpUserName, DWORD nMaxUserNameSize),
       (hNamedPipe, lpState, lpCurInstances, lpMaxCollectionCount,
        lpCollectDataTimeout, lpUserName, nMaxUserNameSize))
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

API_FN(MAILSLOT, HANDLE, CreateMailslotW,
       (LPCWSTR lpName, DWORD nMaxMessageSize, DWORD lReadTimeout,
        LPSECURITY_ATTRIBUTES lpSecurityAttributes),
       (lpName, nMaxMessageSize, lReadTimeout, lpSecurityAttributes))
{
    WIDE_HANDLE(lpName, INVALID_HANDLE_VALUE,
                CreateMailslotA(n, nMaxMessageSize, lReadTimeout,
                                lpSecurityAttributes));
}

/* ---- Named synchronization objects and file mappings -------------------- */

API_FN(SYNC, HANDLE, CreateEventW,
       (LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
        BOOL bInitialState, LPCWSTR lpName),
       (lpEventAttributes, bManualReset, bInitialState, lpName))
{
    WIDE_HANDLE(lpName, NULL,
                CreateEventA(lpEventAttributes, bManualReset, bInitialState,
                             n));
}

API_FN(SYNC, HANDLE, OpenEventW,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    WIDE_HANDLE(lpName, NULL, OpenEventA(dwDesiredAccess, bInheritHandle, n));
}

API_FN(SYNC, HANDLE, CreateEventExW,
       (LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName, DWORD dwFlags,
        DWORD dwDesiredAccess),
       (lpEventAttributes, lpName, dwFlags, dwDesiredAccess))
{
    WIDE_HANDLE(lpName, NULL,
                CreateEventExA(lpEventAttributes, n, dwFlags,
                               dwDesiredAccess));
}

API_FN(SYNC, HANDLE, CreateMutexW,
       (LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
        LPCWSTR lpName),
       (lpMutexAttributes, bInitialOwner, lpName))
{
    WIDE_HANDLE(lpName, NULL,
                CreateMutexA(lpMutexAttributes, bInitialOwner, n));
}

API_FN(SYNC, HANDLE, CreateMutexExW,
       (LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCWSTR lpName, DWORD dwFlags,
        DWORD dwDesiredAccess),
       (lpMutexAttributes, lpName, dwFlags, dwDesiredAccess))
{
    WIDE_HANDLE(lpName, NULL,
                CreateMutexExA(lpMutexAttributes, n, dwFlags,
                               dwDesiredAccess));
}

API_FN(SYNC, HANDLE, OpenMutexW,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    WIDE_HANDLE(lpName, NULL, OpenMutexA(dwDesiredAccess, bInheritHandle, n));
}

API_FN(SYNC, HANDLE, CreateSemaphoreW,
       (LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
        LONG lMaximumCount, LPCWSTR lpName),
       (lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName))
{
    WIDE_HANDLE(lpName, NULL,
                CreateSemaphoreA(lpSemaphoreAttributes, lInitialCount,
                                 lMaximumCount, n));
}

API_FN(SYNC, HANDLE, CreateSemaphoreExW,
       (LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
        LONG lMaximumCount, LPCWSTR lpName, DWORD dwFlags,
        DWORD dwDesiredAccess),
       (lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName, dwFlags,
        dwDesiredAccess))
{
    WIDE_HANDLE(lpName, NULL,
                CreateSemaphoreExA(lpSemaphoreAttributes, lInitialCount,
                                   lMaximumCount, n, dwFlags,
                                   dwDesiredAccess));
}

API_FN(SYNC, HANDLE, OpenSemaphoreW,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    WIDE_HANDLE(lpName, NULL,
                OpenSemaphoreA(dwDesiredAccess, bInheritHandle, n));
}

API_FN(SYNC, HANDLE, CreateWaitableTimerW,
       (LPSECURITY_ATTRIBUTES lpTimerAttributes, BOOL bManualReset,
        LPCWSTR lpTimerName),
       (lpTimerAttributes, bManualReset, lpTimerName))
{
    WIDE_HANDLE(lpTimerName, NULL,
                CreateWaitableTimerA(lpTimerAttributes, bManualReset, n));
}

API_FN(SYNC, HANDLE, CreateWaitableTimerExW,
       (LPSECURITY_ATTRIBUTES lpTimerAttributes, LPCWSTR lpTimerName,
        DWORD dwFlags, DWORD dwDesiredAccess),
       (lpTimerAttributes, lpTimerName, dwFlags, dwDesiredAccess))
{
    WIDE_HANDLE(lpTimerName, NULL,
                CreateWaitableTimerExA(lpTimerAttributes, n, dwFlags,
                                       dwDesiredAccess));
}

API_FN(SYNC, HANDLE, OpenWaitableTimerW,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpTimerName),
       (dwDesiredAccess, bInheritHandle, lpTimerName))
{
    WIDE_HANDLE(lpTimerName, NULL,
                OpenWaitableTimerA(dwDesiredAccess, bInheritHandle, n));
}

API_FN(SYNC, HANDLE, CreateFileMappingW,
       (HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
        DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
        LPCWSTR lpName),
       (hFile, lpFileMappingAttributes, flProtect, dwMaximumSizeHigh,
        dwMaximumSizeLow, lpName))
{
    WIDE_HANDLE(lpName, NULL,
                CreateFileMappingA(hFile, lpFileMappingAttributes, flProtect,
                                   dwMaximumSizeHigh, dwMaximumSizeLow, n));
}

API_FN(SYNC, HANDLE, OpenFileMappingW,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    WIDE_HANDLE(lpName, NULL,
                OpenFileMappingA(dwDesiredAccess, bInheritHandle, n));
}

/* ---- Job objects ----------------------------------------------------------- */

API_FN(PROCESS, HANDLE, CreateJobObjectW,
       (LPSECURITY_ATTRIBUTES lpJobAttributes, LPCWSTR lpName),
       (lpJobAttributes, lpName))
{
    WIDE_HANDLE(lpName, NULL, CreateJobObjectA(lpJobAttributes, n));
}

API_FN(PROCESS, HANDLE, OpenJobObjectW,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    WIDE_HANDLE(lpName, NULL, OpenJobObjectA(dwDesiredAccess, bInheritHandle, n));
}
