/*
 * named_pipe_api.c: the named pipe functions, and the security descriptor
 * calls that build the "NULL DACL" (everyone may connect) idiom.
 */
#include <string.h>

#include "../core/namespace.h"
#include "api.h"

#define PIPE_PREFIX "\\\\.\\pipe\\"
#define PIPE_MODE_BITS                                                         \
    (PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_NOWAIT |                 \
     PIPE_REJECT_REMOTE_CLIENTS)
#define PIPE_OPEN_FLAGS                                                        \
    (PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE |                      \
     FILE_FLAG_WRITE_THROUGH | FILE_FLAG_OVERLAPPED | WRITE_DAC | WRITE_OWNER | \
     0x01000000u /* ACCESS_SYSTEM_SECURITY */)

/* A security descriptor whose DACL is present and NULL lets everyone in;
 * anything else keeps the pipe to its creator's user (see README). */
static int pipe_is_public(const SECURITY_ATTRIBUTES *sa)
{
    const SECURITY_DESCRIPTOR *sd;
    if (!sa || !sa->lpSecurityDescriptor)
        return 0;
    sd = sa->lpSecurityDescriptor;
    return (sd->Control & SE_DACL_PRESENT) && sd->Dacl == NULL;
}

static ACCESS_MASK pipe_server_access(DWORD open_mode)
{
    ACCESS_MASK a = SYNCHRONIZE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES;
    if (open_mode & PIPE_ACCESS_INBOUND)
        a |= FILE_GENERIC_READ;
    if (open_mode & PIPE_ACCESS_OUTBOUND)
        a |= FILE_GENERIC_WRITE;
    return a;
}

WINIPC_API HANDLE WINAPI CreateNamedPipeA(
    LPCSTR lpName, DWORD dwOpenMode, DWORD dwPipeMode, DWORD nMaxInstances,
    DWORD nOutBufferSize, DWORD nInBufferSize, DWORD nDefaultTimeOut,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
    char path[WIPC_NS_PATH_MAX];
    struct wipc_object *obj;
    HANDLE h;
    DWORD err;

    if (!lpName) {
        err = ERROR_PATH_NOT_FOUND;
        goto fail;
    }
    err = wipc_ns_path(lpName, PIPE_PREFIX, WIPC_NS_PIPE, 0, path, sizeof path);
    if (err) {
        err = ERROR_INVALID_NAME;
        goto fail;
    }
    if (!(dwOpenMode & PIPE_ACCESS_DUPLEX) || (dwOpenMode & ~PIPE_OPEN_FLAGS) ||
        (dwPipeMode & ~PIPE_MODE_BITS) ||
        ((dwPipeMode & PIPE_READMODE_MESSAGE) &&
         !(dwPipeMode & PIPE_TYPE_MESSAGE)) ||
        nMaxInstances == 0 || nMaxInstances > PIPE_UNLIMITED_INSTANCES) {
        err = ERROR_INVALID_PARAMETER;
        goto fail;
    }
    err = wipc_npipe_create(path, lpName, dwOpenMode, dwPipeMode, nMaxInstances,
                            nOutBufferSize, nInBufferSize, nDefaultTimeOut,
                            pipe_is_public(lpSecurityAttributes), &obj);
    if (!err)
        err = api_publish(obj, pipe_server_access(dwOpenMode),
                          api_inherit_flag(lpSecurityAttributes), &h);
    if (!err)
        return h;
fail:
    SetLastError(err);
    return INVALID_HANDLE_VALUE;
}

/* Called by CreateFileA for "\\.\pipe\..." names. */
DWORD api_open_named_pipe(LPCSTR name, ACCESS_MASK access, DWORD flags,
                          HANDLE *out)
{
    char path[WIPC_NS_PATH_MAX];
    struct wipc_object *obj;
    DWORD err = wipc_ns_path(name, PIPE_PREFIX, WIPC_NS_PIPE, 0, path,
                             sizeof path);
    if (err)
        return ERROR_FILE_NOT_FOUND;
    err = wipc_npipe_open(path, access, &obj);
    if (err)
        return err;
    return api_publish(obj, access, flags, out);
}

/* Looks up a named pipe handle; a handle of another type is
 * ERROR_INVALID_HANDLE, except a plain file (ERROR_INVALID_FUNCTION, as
 * Windows answers for pipe calls on files). */
static DWORD pipe_ref(HANDLE h, struct wipc_object **obj)
{
    DWORD err = wipc_handle_ref(h, NULL, 0, obj, NULL);
    if (err)
        return err;
    if ((*obj)->ops == &wipc_npipe_ops)
        return 0;
    err = wipc_is_file(*obj) ? ERROR_INVALID_FUNCTION : ERROR_INVALID_HANDLE;
    wipc_object_release(*obj);
    return err;
}

WINIPC_API BOOL WINAPI ConnectNamedPipe(HANDLE hNamedPipe,
                                        LPOVERLAPPED lpOverlapped)
{
    struct wipc_object *obj;
    DWORD err = pipe_ref(hNamedPipe, &obj);
    if (err)
        return api_fail(err);
    err = wipc_npipe_connect(obj);
    wipc_object_release(obj);
    if (lpOverlapped) {
        /* Completed synchronously: say so through the OVERLAPPED too. */
        lpOverlapped->Internal = err;
        lpOverlapped->InternalHigh = 0;
        if (lpOverlapped->hEvent)
            SetEvent(lpOverlapped->hEvent);
    }
    return api_result(err);
}

WINIPC_API BOOL WINAPI DisconnectNamedPipe(HANDLE hNamedPipe)
{
    struct wipc_object *obj;
    DWORD err = pipe_ref(hNamedPipe, &obj);
    if (err)
        return api_fail(err);
    err = wipc_npipe_disconnect(obj);
    wipc_object_release(obj);
    return api_result(err);
}

WINIPC_API BOOL WINAPI WaitNamedPipeA(LPCSTR lpNamedPipeName, DWORD nTimeOut)
{
    char path[WIPC_NS_PATH_MAX];
    DWORD err;
    if (!lpNamedPipeName)
        return api_fail(ERROR_PATH_NOT_FOUND);
    err = wipc_ns_path(lpNamedPipeName, PIPE_PREFIX, WIPC_NS_PIPE, 0, path,
                       sizeof path);
    if (err)
        return api_fail(err == ERROR_BAD_PATHNAME ? ERROR_BAD_PATHNAME
                                                  : ERROR_FILE_NOT_FOUND);
    return api_result(wipc_npipe_wait(path, nTimeOut));
}

WINIPC_API BOOL WINAPI SetNamedPipeHandleState(HANDLE hNamedPipe,
                                               LPDWORD lpMode,
                                               LPDWORD lpMaxCollectionCount,
                                               LPDWORD lpCollectDataTimeout)
{
    struct wipc_object *obj;
    DWORD err = pipe_ref(hNamedPipe, &obj);
    (void)lpMaxCollectionCount; /* remote pipes only: nothing to collect */
    (void)lpCollectDataTimeout;
    if (err)
        return api_fail(err);
    err = wipc_npipe_set_mode(obj, lpMode);
    wipc_object_release(obj);
    return api_result(err);
}

WINIPC_API BOOL WINAPI GetNamedPipeHandleStateA(
    HANDLE hNamedPipe, LPDWORD lpState, LPDWORD lpCurInstances,
    LPDWORD lpMaxCollectionCount, LPDWORD lpCollectDataTimeout,
    LPSTR lpUserName, DWORD nMaxUserNameSize)
{
    struct wipc_npipe_info info;
    struct wipc_object *obj;
    DWORD err = pipe_ref(hNamedPipe, &obj);

    if (err)
        return api_fail(err);
    wipc_npipe_info(obj, &info);
    wipc_object_release(obj);
    if (lpState)
        *lpState = info.read_mode | info.nowait;
    if (lpCurInstances)
        *lpCurInstances = info.cur_instances;
    if (lpMaxCollectionCount)
        *lpMaxCollectionCount = 0;
    if (lpCollectDataTimeout)
        *lpCollectDataTimeout = 0;
    if (lpUserName && nMaxUserNameSize)
        lpUserName[0] = '\0';
    return TRUE;
}

WINIPC_API BOOL WINAPI GetNamedPipeInfo(HANDLE hNamedPipe, LPDWORD lpFlags,
                                        LPDWORD lpOutBufferSize,
                                        LPDWORD lpInBufferSize,
                                        LPDWORD lpMaxInstances)
{
    struct wipc_npipe_info info;
    struct wipc_object *obj;
    DWORD err = pipe_ref(hNamedPipe, &obj);

    if (err)
        return api_fail(err);
    wipc_npipe_info(obj, &info);
    wipc_object_release(obj);
    if (lpFlags)
        *lpFlags = (info.server ? PIPE_SERVER_END : PIPE_CLIENT_END) |
                   info.pipe_type;
    if (lpOutBufferSize)
        *lpOutBufferSize = info.out_size;
    if (lpInBufferSize)
        *lpInBufferSize = info.in_size;
    if (lpMaxInstances)
        *lpMaxInstances = info.max_instances;
    return TRUE;
}

WINIPC_API BOOL WINAPI TransactNamedPipe(HANDLE hNamedPipe, LPVOID lpInBuffer,
                                         DWORD nInBufferSize,
                                         LPVOID lpOutBuffer,
                                         DWORD nOutBufferSize,
                                         LPDWORD lpBytesRead,
                                         LPOVERLAPPED lpOverlapped)
{
    struct wipc_npipe_info info;
    struct wipc_object *obj;
    DWORD written, err = pipe_ref(hNamedPipe, &obj);
    int busy;

    if (lpBytesRead)
        *lpBytesRead = 0;
    if (err)
        return api_fail(err);
    wipc_npipe_info(obj, &info);
    busy = wipc_npipe_has_unread(obj);
    wipc_object_release(obj);
    if (!(info.pipe_type & PIPE_TYPE_MESSAGE) ||
        !(info.read_mode & PIPE_READMODE_MESSAGE))
        return api_fail(ERROR_BAD_PIPE);
    if (busy)
        return api_fail(ERROR_PIPE_BUSY);
    if (!WriteFile(hNamedPipe, lpInBuffer, nInBufferSize, &written,
                   lpOverlapped))
        return FALSE;
    return ReadFile(hNamedPipe, lpOutBuffer, nOutBufferSize, lpBytesRead,
                    lpOverlapped);
}

WINIPC_API BOOL WINAPI CallNamedPipeA(LPCSTR lpNamedPipeName,
                                      LPVOID lpInBuffer, DWORD nInBufferSize,
                                      LPVOID lpOutBuffer, DWORD nOutBufferSize,
                                      LPDWORD lpBytesRead, DWORD nTimeOut)
{
    DWORD mode = PIPE_READMODE_MESSAGE;
    HANDLE h;
    BOOL ok;

    h = CreateFileA(lpNamedPipeName, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                    OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PIPE_BUSY) {
        if (!WaitNamedPipeA(lpNamedPipeName, nTimeOut))
            return FALSE;
        h = CreateFileA(lpNamedPipeName, GENERIC_READ | GENERIC_WRITE, 0,
                        NULL, OPEN_EXISTING, 0, NULL);
    }
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    ok = SetNamedPipeHandleState(h, &mode, NULL, NULL) &&
         TransactNamedPipe(h, lpInBuffer, nInBufferSize, lpOutBuffer,
                           nOutBufferSize, lpBytesRead, NULL);
    if (!ok) {
        DWORD err = GetLastError();
        CloseHandle(h);
        SetLastError(err);
        return FALSE;
    }
    CloseHandle(h);
    return TRUE;
}

static BOOL pipe_pid(HANDLE h, PULONG out, int want_server)
{
    struct wipc_object *obj;
    DWORD pid = 0, err = pipe_ref(h, &obj);
    if (err)
        return api_fail(err);
    err = wipc_npipe_peer_pid(obj, want_server, &pid);
    wipc_object_release(obj);
    if (err)
        return api_fail(err);
    if (!out)
        return api_fail(ERROR_NOACCESS);
    *out = pid;
    return TRUE;
}

WINIPC_API BOOL WINAPI GetNamedPipeClientProcessId(HANDLE Pipe,
                                                   PULONG ClientProcessId)
{
    return pipe_pid(Pipe, ClientProcessId, 0);
}

WINIPC_API BOOL WINAPI GetNamedPipeServerProcessId(HANDLE Pipe,
                                                   PULONG ServerProcessId)
{
    return pipe_pid(Pipe, ServerProcessId, 1);
}

WINIPC_API BOOL WINAPI InitializeSecurityDescriptor(
    PSECURITY_DESCRIPTOR pSecurityDescriptor, DWORD dwRevision)
{
    if (!pSecurityDescriptor)
        return api_fail(ERROR_NOACCESS);
    if (dwRevision != SECURITY_DESCRIPTOR_REVISION)
        return api_fail(1305); /* ERROR_UNKNOWN_REVISION */
    memset(pSecurityDescriptor, 0, sizeof *pSecurityDescriptor);
    pSecurityDescriptor->Revision = SECURITY_DESCRIPTOR_REVISION;
    return TRUE;
}

WINIPC_API BOOL WINAPI SetSecurityDescriptorDacl(
    PSECURITY_DESCRIPTOR pSecurityDescriptor, BOOL bDaclPresent, PACL pDacl,
    BOOL bDaclDefaulted)
{
    SECURITY_DESCRIPTOR *sd = pSecurityDescriptor;
    if (!sd)
        return api_fail(ERROR_NOACCESS);
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return api_fail(1305);
    sd->Control &= (WORD) ~(SE_DACL_PRESENT | SE_DACL_DEFAULTED);
    if (bDaclPresent) {
        sd->Control |= SE_DACL_PRESENT;
        sd->Dacl = pDacl;
        if (bDaclDefaulted)
            sd->Control |= SE_DACL_DEFAULTED;
    } else {
        sd->Dacl = NULL;
    }
    return TRUE;
}
