/*
 * named_pipe_api.c: the named pipe functions, and the security descriptor
 * calls that build the "NULL DACL" (everyone may connect) idiom.
 */
#include <stdio.h>
#include <string.h>

#include <winipc.h>

#include "../core/namespace.h"
#include "../objects/npipe_remote.h"
#include "api.h"

#define PIPE_PREFIX "\\\\.\\pipe\\"
#define PIPE_NAME_MAX 256 /* the whole name, documented */
#define PIPE_MODE_BITS                                                         \
    (PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_NOWAIT |                 \
     PIPE_REJECT_REMOTE_CLIENTS)
#define PIPE_OPEN_FLAGS                                                        \
    (PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE |                      \
     FILE_FLAG_WRITE_THROUGH | FILE_FLAG_OVERLAPPED | WRITE_DAC | WRITE_OWNER | \
     0x01000000u /* ACCESS_SYSTEM_SECURITY */)

/*
 * CreateNamedPipe's answer for a name it cannot use: 0 if lpName is
 * "\\.\pipe\NAME" with a NAME CreateNamedPipe accepts.  As Windows:
 * no name is a path not found; a name too long for the ANSI conversion to
 * a MAX_PATH buffer is ERROR_FILENAME_EXCED_RANGE; an empty NAME or a
 * whole name of more than 256 characters ("can be up to 256 characters
 * long") is an invalid name; so is a path of another file system (a drive,
 * mailslots), while a device that does not exist ("\\.\notpipe\x") is a
 * path not found.  A backslash in NAME is accepted, though the
 * documentation says "any character other than a backslash": Windows makes
 * "\\.\pipe\a\b", and "\\.\pipe\a\" as a pipe other than "\\.\pipe\a"
 * (Wine's test_CreateNamedPipe); wipc_ns_path encodes the backslash (%5C),
 * so the name stays one file name in the namespace.
 */
static DWORD pipe_create_name_error(LPCSTR name)
{
    size_t len = name ? wipc_utf8_units(name) : 0, dev; /* UTF-16 units */
    const char *rest;

    if (len == 0)
        return ERROR_PATH_NOT_FOUND;
    if (len >= MAX_PATH)
        return ERROR_FILENAME_EXCED_RANGE;
    if (wipc_ns_is_prefix(name, PIPE_PREFIX)) {
        rest = name + strlen(PIPE_PREFIX);
        if (!*rest || len > PIPE_NAME_MAX)
            return ERROR_INVALID_NAME;
        return 0;
    }
    if (!wipc_ns_is_prefix(name, "\\\\.\\"))
        return ERROR_INVALID_NAME; /* a relative or drive path */
    rest = name + 4;
    dev = strcspn(rest, "\\");
    if (!rest[dev] || (dev == 2 && rest[1] == ':') ||
        (dev == 4 && wipc_ns_is_prefix(rest, "pipe")) ||
        (dev == 8 && wipc_ns_is_prefix(rest, "mailslot")))
        return ERROR_INVALID_NAME; /* \\.\pipe, \\.\C:\x, \\.\mailslot\x */
    return ERROR_PATH_NOT_FOUND;
}

/*
 * The server end's rights: "the equivalent of GENERIC_READ access" for an
 * inbound pipe, of GENERIC_WRITE for an outbound one, of both for a duplex
 * one (CreateNamedPipe, "Named Pipe Open Modes"), and nothing more, as
 * Wine's test_CreateNamedPipe sees them on Windows.  So an inbound server
 * may not SetNamedPipeHandleState (no FILE_WRITE_ATTRIBUTES) and an
 * outbound one may not GetNamedPipeInfo or GetNamedPipeHandleState (no
 * FILE_READ_ATTRIBUTES), as those functions document.
 */
static ACCESS_MASK pipe_server_access(DWORD open_mode)
{
    ACCESS_MASK a = 0;
    if (open_mode & PIPE_ACCESS_INBOUND)
        a |= FILE_GENERIC_READ;
    if (open_mode & PIPE_ACCESS_OUTBOUND)
        a |= FILE_GENERIC_WRITE;
    return a;
}

API_FN(PIPE, HANDLE, CreateNamedPipeA,
       (LPCSTR lpName, DWORD dwOpenMode, DWORD dwPipeMode, DWORD nMaxInstances,
        DWORD nOutBufferSize, DWORD nInBufferSize, DWORD nDefaultTimeOut,
        LPSECURITY_ATTRIBUTES lpSecurityAttributes),
       (lpName, dwOpenMode, dwPipeMode, nMaxInstances, nOutBufferSize,
        nInBufferSize, nDefaultTimeOut, lpSecurityAttributes))
{
    char path[WIPC_NS_PATH_MAX], form[4 * MAX_PATH]; /* UTF-8 */
    struct wipc_object *obj;
    HANDLE h;
    DWORD err;

    /* "\\?\pipe\x", "//./pipe/x": the same pipe as "\\.\pipe\x". */
    lpName = wipc_ns_device_form(lpName, form, sizeof form);
    err = pipe_create_name_error(lpName);
    if (!err &&
        wipc_ns_path(lpName, PIPE_PREFIX, WIPC_NS_PIPE, 1, path, sizeof path))
        err = ERROR_INVALID_NAME;
    if (err)
        goto fail;
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
                            api_sa_is_public(lpSecurityAttributes), &obj);
    if (!err)
        err = api_publish(obj, pipe_server_access(dwOpenMode),
                          api_inherit_flag(lpSecurityAttributes) |
                              (dwOpenMode & FILE_FLAG_OVERLAPPED),
                          &h);
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
    DWORD err;

    if (wipc_utf8_units(name) > MAX_PATH)
        return ERROR_FILENAME_EXCED_RANGE; /* the ANSI name does not convert */
    err = wipc_ns_path(name, PIPE_PREFIX, WIPC_NS_PIPE, 1, path, sizeof path);
    if (err)
        return ERROR_FILE_NOT_FOUND; /* no pipe can have this name */
    err = wipc_npipe_open(path, access, &obj);
    if (err)
        return err;
    /* A pending ConnectNamedPipe of this process completes in this call. */
    wipc_io_kick(obj);
    err = api_publish(obj, access, flags, out);
    return err;
}

/*
 * Looks up a pipe handle: a named pipe end, or an anonymous pipe's end
 * (on Windows those are named pipes too: *anon is set then).  A handle of
 * another type is ERROR_INVALID_HANDLE, except a plain file
 * (ERROR_INVALID_FUNCTION, as Windows answers for pipe calls on files).
 * need: the rights the call requires (ERROR_ACCESS_DENIED, checked after
 * the type); *granted (if not NULL) gets the handle's rights.  Takes a
 * reference on success.
 */
static DWORD pipe_ref_ex(HANDLE h, ACCESS_MASK need, struct wipc_object **obj,
                         int *anon, ACCESS_MASK *granted)
{
    ACCESS_MASK g = 0;
    DWORD err = wipc_handle_ref(h, NULL, 0, obj, &g);
    if (err)
        return err;
    *anon = (*obj)->ops == &wipc_pipe_end_ops;
    if ((*obj)->ops != &wipc_npipe_ops && !*anon)
        err = wipc_is_file(*obj) ? ERROR_INVALID_FUNCTION
                                 : ERROR_INVALID_HANDLE;
    else if ((g & need) != need)
        err = ERROR_ACCESS_DENIED;
    if (err) {
        wipc_object_release(*obj);
        return err;
    }
    if (granted)
        *granted = g;
    return 0;
}

/* A named pipe end only (an anonymous pipe's is ERROR_INVALID_FUNCTION). */
static DWORD pipe_ref(HANDLE h, struct wipc_object **obj)
{
    int anon;
    DWORD err = pipe_ref_ex(h, 0, obj, &anon, NULL);
    if (!err && anon) {
        wipc_object_release(*obj);
        err = ERROR_INVALID_FUNCTION;
    }
    return err;
}

/* An anonymous pipe's read end is the server end of its pipe. */
static int anon_is_server(ACCESS_MASK granted)
{
    return (granted & FILE_READ_DATA) != 0;
}

API_FN(PIPE, BOOL, ConnectNamedPipe,
       (HANDLE hNamedPipe, LPOVERLAPPED lpOverlapped),
       (hNamedPipe, lpOverlapped))
{
    struct wipc_object *obj;
    ACCESS_MASK granted;
    int anon;
    DWORD err;

    if (lpOverlapped)
        lpOverlapped->Internal = WIPC_STATUS_PENDING;
    err = pipe_ref_ex(hNamedPipe, 0, &obj, &anon, &granted);
    if (err)
        return api_fail(err);
    if (anon && anon_is_server(granted)) {
        /* Its client end was opened at once: connected, unless closed. */
        DWORD got, avail;
        err = wipc_pipe_peek(obj, NULL, 0, &got, &avail) == ERROR_BROKEN_PIPE
                  ? ERROR_NO_DATA
                  : ERROR_PIPE_CONNECTED;
    } else if (anon) {
        err = ERROR_INVALID_FUNCTION; /* a client end */
    } else if (lpOverlapped && (obj->flags & WIPC_OBJ_OVERLAPPED)) {
        /* Pending until a client comes (ERROR_IO_PENDING), or failed at
         * once (ERROR_PIPE_CONNECTED: one came before). */
        DWORD none;
        lpOverlapped->InternalHigh = 0;
        err = api_io_start(obj, WIPC_IO_CONNECT, NULL, 0, -1, lpOverlapped,
                           &none);
        wipc_object_release(obj);
        return api_result(err);
    } else {
        api_overlapped_sync_begin(lpOverlapped);
        wipc_plat_sync_io_begin(); /* CancelSynchronousIo may end it */
        err = wipc_npipe_connect(obj);
        wipc_plat_sync_io_end();
    }
    wipc_object_release(obj);
    /* Completed synchronously: say so through the OVERLAPPED too. */
    api_overlapped_sync_done(lpOverlapped, err, 0);
    return api_result(err);
}

API_FN(PIPE, BOOL, DisconnectNamedPipe, (HANDLE hNamedPipe), (hNamedPipe))
{
    struct wipc_object *obj;
    DWORD err = pipe_ref(hNamedPipe, &obj);
    if (err)
        return api_fail(err);
    err = wipc_npipe_disconnect(obj);
    wipc_io_kick(obj);
    wipc_object_release(obj);
    return api_result(err);
}

API_FN(PIPE, BOOL, WaitNamedPipeA,
       (LPCSTR lpNamedPipeName, DWORD nTimeOut),
       (lpNamedPipeName, nTimeOut))
{
    char path[WIPC_NS_PATH_MAX], form[4 * MAX_PATH]; /* UTF-8 */
    DWORD err;
    if (!lpNamedPipeName)
        return api_fail(ERROR_PATH_NOT_FOUND);
    lpNamedPipeName = wipc_ns_device_form(lpNamedPipeName, form, sizeof form);
    if (wipc_utf8_units(lpNamedPipeName) >= MAX_PATH)
        return api_fail(ERROR_FILENAME_EXCED_RANGE);
    err = wipc_ns_path(lpNamedPipeName, PIPE_PREFIX, WIPC_NS_PIPE, 1, path,
                       sizeof path);
    if (err)
        return api_fail(err == ERROR_BAD_PATHNAME ? ERROR_BAD_PATHNAME
                                                  : ERROR_FILE_NOT_FOUND);
    return api_result(wipc_npipe_wait(path, nTimeOut));
}

API_FN(PIPE, BOOL, SetNamedPipeHandleState,
       (HANDLE hNamedPipe, LPDWORD lpMode, LPDWORD lpMaxCollectionCount,
        LPDWORD lpCollectDataTimeout),
       (hNamedPipe, lpMode, lpMaxCollectionCount, lpCollectDataTimeout))
{
    struct wipc_object *obj;
    int anon;
    DWORD err;

    /* Nothing to set: kernel32 does not even look at the handle. */
    if (!lpMode && !lpMaxCollectionCount && !lpCollectDataTimeout)
        return TRUE;
    /* "GENERIC_WRITE access ... or GENERIC_READ and FILE_WRITE_ATTRIBUTES
     * access for a read-only pipe": FILE_WRITE_ATTRIBUTES either way. */
    err = pipe_ref_ex(hNamedPipe, lpMode ? FILE_WRITE_ATTRIBUTES : 0, &obj,
                      &anon, NULL);
    if (err)
        return api_fail(err);
    if (lpMode && anon) {
        /* A byte pipe: message-read mode is ERROR_INVALID_PARAMETER (Wine
         * 8); PIPE_NOWAIT and PIPE_WAIT set the end's wait mode, which
         * every handle to that end shares (objects/pipe.c). */
        if (*lpMode & ~(PIPE_READMODE_MESSAGE | PIPE_NOWAIT) ||
            (*lpMode & PIPE_READMODE_MESSAGE))
            err = ERROR_INVALID_PARAMETER;
        else
            err = wipc_pipe_set_nowait(obj, (*lpMode & PIPE_NOWAIT) != 0);
    } else if (lpMode) {
        err = wipc_npipe_set_mode(obj, lpMode);
    }
    wipc_object_release(obj);
    /* Collection count and timeout are remote pipes' ("must be NULL if
     * ... client and server processes are on the same computer"). */
    if (!err && (lpMaxCollectionCount || lpCollectDataTimeout))
        err = ERROR_INVALID_PARAMETER;
    return api_result(err);
}

/* What the query functions report of a pipe end. */
static void pipe_info(struct wipc_object *obj, int anon, ACCESS_MASK granted,
                      struct wipc_npipe_info *info)
{
    if (!anon) {
        wipc_npipe_info(obj, info);
        return;
    }
    /* CreatePipe's pipe: one instance, byte type.  Both ends report the
     * nSize CreatePipe got as both buffer sizes, 4096 for 0 (Wine 8:
     * nSize 0, 1, 4096, 65536, 1000000 give 4096, 1, 4096, 65536,
     * 1000000); the Linux pipe got that capacity as far as it can
     * (platform.h, wipc_plat_pipe). */
    memset(info, 0, sizeof *info);
    info->server = anon_is_server(granted);
    info->pipe_type = PIPE_TYPE_BYTE;
    info->read_mode = PIPE_READMODE_BYTE;
    info->nowait = wipc_pipe_nowait(obj) ? PIPE_NOWAIT : 0;
    info->max_instances = info->cur_instances = 1;
    info->out_size = info->in_size = wipc_pipe_size(obj);
}

/*
 * GetNamedPipeHandleState's user name: "the user name string associated
 * with the client application" (GetNamedPipeHandleState).
 *  - A server end with a client: the client's user, from the credentials
 *    the kernel gave when it connected (SO_PEERCRED), not from anything the
 *    client says.  (Windows asks the client's token, which needs the client
 *    to allow impersonation; a Linux peer's uid needs no such consent.)
 *  - A client end: "This parameter must be NULL if the specified pipe
 *    handle is to the client end of a named pipe": ERROR_INVALID_PARAMETER.
 *    Wine 8 answers this process's user instead; the documentation wins.
 *  - A server end without a client, and an anonymous pipe's ends: this
 *    process's user, as Wine 8 answers (the documentation says nothing).
 * A name that does not fit in size bytes (its NUL included) is
 * ERROR_INSUFFICIENT_BUFFER, as GetUserName says; Wine 8 then returns TRUE
 * with a truncated name, which no caller can use.
 */
static DWORD pipe_user_name(struct wipc_object *obj, int anon,
                            const struct wipc_npipe_info *info, LPSTR name,
                            DWORD size)
{
    DWORD uid = wipc_plat_geteuid();
    if (!anon && !info->server)
        return ERROR_INVALID_PARAMETER;
    if (!anon && wipc_npipe_client_uid(obj, &uid) != 0)
        uid = wipc_plat_geteuid();
    return wipc_plat_user_name(uid, name, size);
}

API_FN(PIPE, BOOL, GetNamedPipeHandleStateA,
       (HANDLE hNamedPipe, LPDWORD lpState, LPDWORD lpCurInstances,
        LPDWORD lpMaxCollectionCount, LPDWORD lpCollectDataTimeout,
        LPSTR lpUserName, DWORD nMaxUserNameSize),
       (hNamedPipe, lpState, lpCurInstances, lpMaxCollectionCount,
        lpCollectDataTimeout, lpUserName, nMaxUserNameSize))
{
    struct wipc_npipe_info info;
    struct wipc_object *obj;
    ACCESS_MASK granted;
    int anon;
    DWORD err;

    /* Nothing asked: kernel32 does not even look at the handle. */
    if (!lpState && !lpCurInstances && !lpMaxCollectionCount &&
        !lpCollectDataTimeout && !lpUserName)
        return TRUE;
    /* "GENERIC_READ access ... or GENERIC_WRITE and FILE_READ_ATTRIBUTES
     * access for a write-only pipe": FILE_READ_ATTRIBUTES either way. */
    err = pipe_ref_ex(hNamedPipe, FILE_READ_ATTRIBUTES, &obj, &anon, &granted);
    if (err)
        return api_fail(err);
    pipe_info(obj, anon, granted, &info);
    if (lpUserName)
        err = pipe_user_name(obj, anon, &info, lpUserName, nMaxUserNameSize);
    wipc_object_release(obj);
    if (lpState)
        *lpState = info.read_mode | info.nowait;
    if (lpCurInstances)
        *lpCurInstances = info.cur_instances;
    /* Remote pipes only: "This parameter must be NULL if ... client and
     * server processes are on the same computer". */
    if (!err && (lpMaxCollectionCount || lpCollectDataTimeout))
        err = ERROR_INVALID_PARAMETER;
    return api_result(err);
}

API_FN(PIPE, BOOL, GetNamedPipeInfo,
       (HANDLE hNamedPipe, LPDWORD lpFlags, LPDWORD lpOutBufferSize,
        LPDWORD lpInBufferSize, LPDWORD lpMaxInstances),
       (hNamedPipe, lpFlags, lpOutBufferSize, lpInBufferSize, lpMaxInstances))
{
    struct wipc_npipe_info info;
    struct wipc_object *obj;
    ACCESS_MASK granted;
    int anon;
    /* FILE_READ_ATTRIBUTES, as GetNamedPipeHandleState. */
    DWORD err =
        pipe_ref_ex(hNamedPipe, FILE_READ_ATTRIBUTES, &obj, &anon, &granted);

    if (err)
        return api_fail(err);
    pipe_info(obj, anon, granted, &info);
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

/* TransactNamedPipe on a handle opened with FILE_FLAG_OVERLAPPED: the
 * write and the read as one pending operation (named_pipe.c,
 * np_io_transact), reported through ov as a read.  Releases obj. */
static BOOL transact_overlapped(struct wipc_object *obj, void *in, DWORD in_len,
                                void *out, DWORD out_len, DWORD *read,
                                OVERLAPPED *ov)
{
    struct wipc_io io = {.kind = WIPC_IO_WRITE, .buf = in, .len = in_len,
                         .offset = -1, .rbuf = out, .rlen = out_len};
    DWORD done = 0, err;

    ov->Internal = WIPC_STATUS_PENDING;
    err = api_io_start_op(obj, &io, ov, &done);
    if (read && !err)
        *read = done; /* a partial message (ERROR_MORE_DATA) leaves it 0 */
    wipc_io_kick(obj); /* see io_transfer */
    wipc_object_release(obj);
    return api_result(err);
}

API_FN(PIPE, BOOL, TransactNamedPipe,
       (HANDLE hNamedPipe, LPVOID lpInBuffer, DWORD nInBufferSize,
        LPVOID lpOutBuffer, DWORD nOutBufferSize, LPDWORD lpBytesRead,
        LPOVERLAPPED lpOverlapped),
       (hNamedPipe, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize,
        lpBytesRead, lpOverlapped))
{
    struct wipc_npipe_info info;
    struct wipc_object *obj;
    ACCESS_MASK granted;
    int anon, busy = 0;
    DWORD written, err;

    if (lpBytesRead)
        *lpBytesRead = 0;
    /* The transceive request needs read and write access, which is
     * checked before the pipe looks at its modes. */
    err = pipe_ref_ex(hNamedPipe, FILE_READ_DATA | FILE_WRITE_DATA, &obj,
                      &anon, &granted);
    if (err)
        return api_fail(err);
    pipe_info(obj, anon, granted, &info);
    if (!anon)
        busy = wipc_npipe_has_unread(obj);
    if (!(info.pipe_type & PIPE_TYPE_MESSAGE) ||
        !(info.read_mode & PIPE_READMODE_MESSAGE))
        err = ERROR_BAD_PIPE;
    else if (busy)
        err = ERROR_PIPE_BUSY;
    if (err) {
        wipc_object_release(obj);
        return api_fail(err);
    }
    /* An overlapped handle: one operation, which pends as a whole (its
     * write may have to wait for room before the read begins). */
    if (lpOverlapped && (obj->flags & WIPC_OBJ_OVERLAPPED) &&
        obj->ops->io_progress && (lpInBuffer || !nInBufferSize) &&
        (lpOutBuffer || !nOutBufferSize))
        return transact_overlapped(obj, lpInBuffer, nInBufferSize,
                                   lpOutBuffer, nOutBufferSize, lpBytesRead,
                                   lpOverlapped);
    wipc_object_release(obj);
    if (!WriteFile(hNamedPipe, lpInBuffer, nInBufferSize, &written,
                   lpOverlapped))
        return FALSE;
    return ReadFile(hNamedPipe, lpOutBuffer, nOutBufferSize, lpBytesRead,
                    lpOverlapped);
}

static BOOL pipe_pid(HANDLE h, PULONG out, int want_server)
{
    struct wipc_object *obj;
    int anon;
    DWORD pid = 0, err = pipe_ref_ex(h, 0, &obj, &anon, NULL);
    if (err)
        return api_fail(err);
    if (!out) {
        /* Windows' answer (Wine's test_namedpipe_process_id). */
        wipc_object_release(obj);
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    }
    if (anon) /* both ends of an anonymous pipe are made by its creator */
        pid = GetCurrentProcessId();
    else
        err = wipc_npipe_peer_pid(obj, want_server, &pid);
    wipc_object_release(obj);
    if (err)
        return api_fail(err);
    *out = pid;
    return TRUE;
}

API_FN(PIPE, BOOL, GetNamedPipeClientProcessId,
       (HANDLE Pipe, PULONG ClientProcessId),
       (Pipe, ClientProcessId))
{
    return pipe_pid(Pipe, ClientProcessId, 0);
}

API_FN(PIPE, BOOL, GetNamedPipeServerProcessId,
       (HANDLE Pipe, PULONG ServerProcessId),
       (Pipe, ServerProcessId))
{
    return pipe_pid(Pipe, ServerProcessId, 1);
}

/* Windows' answer for a client of this machine is ERROR_PIPE_LOCAL; for
 * one of another machine (through Samba: docs/remote-pipes.md), the name
 * its SMB client gave. */
API_FN(PIPE, BOOL, GetNamedPipeClientComputerNameA,
       (HANDLE Pipe, LPSTR ClientComputerName, ULONG ClientComputerNameLength),
       (Pipe, ClientComputerName, ClientComputerNameLength))
{
    struct wipc_object *obj;
    struct wipc_npr_handover r;
    int anon;
    DWORD err = pipe_ref_ex(Pipe, 0, &obj, &anon, NULL);
    if (err)
        return api_fail(err);
    err = anon ? ERROR_PIPE_LOCAL : wipc_npipe_remote_client(obj, &r);
    wipc_object_release(obj);
    if (err == ERROR_PIPE_NOT_CONNECTED)
        err = ERROR_PIPE_LOCAL;
    if (err)
        return api_fail(err);
    size_t n = strlen(r.computer);
    if (!ClientComputerName || ClientComputerNameLength <= n)
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    memcpy(ClientComputerName, r.computer, n + 1);
    return TRUE;
}

WINIPC_API BOOL winipc_named_pipe_client(HANDLE Pipe,
                                         WINIPC_PIPE_CLIENT *client)
{
    struct wipc_object *obj;
    struct wipc_npr_handover r;
    struct wipc_npipe_info info;
    int anon;
    DWORD pid = 0, uid = 0, err = pipe_ref_ex(Pipe, 0, &obj, &anon, NULL);
    if (err)
        return api_fail(err);
    if (!anon)
        wipc_npipe_info(obj, &info);
    if (anon || !info.server || !client) {
        wipc_object_release(obj);
        return api_fail(ERROR_INVALID_PARAMETER);
    }
    memset(client, 0, sizeof *client);
    err = wipc_npipe_remote_client(obj, &r);
    if (err == ERROR_PIPE_LOCAL) {
        err = wipc_npipe_client_uid(obj, &uid);
        if (!err)
            err = wipc_npipe_peer_pid(obj, 0, &pid);
        client->uid = uid;
        client->pid = pid;
        client->authenticated = TRUE;
    } else if (!err) {
        client->remote = TRUE;
        client->uid = r.uid;
        client->authenticated = (r.flags & WIPC_NPR_AUTHENTICATED) != 0;
        client->anonymous = (r.flags & WIPC_NPR_ANONYMOUS) != 0;
        snprintf(client->computer, sizeof client->computer, "%s", r.computer);
        snprintf(client->address, sizeof client->address, "%s", r.address);
        snprintf(client->user, sizeof client->user, "%s", r.user);
        snprintf(client->domain, sizeof client->domain, "%s", r.domain);
    }
    wipc_object_release(obj);
    return err ? api_fail(err) : TRUE;
}

API_FN(SYS, BOOL, InitializeSecurityDescriptor,
       (PSECURITY_DESCRIPTOR pSecurityDescriptor, DWORD dwRevision),
       (pSecurityDescriptor, dwRevision))
{
    if (!pSecurityDescriptor)
        return api_fail(ERROR_NOACCESS);
    if (dwRevision != SECURITY_DESCRIPTOR_REVISION)
        return api_fail(1305); /* ERROR_UNKNOWN_REVISION */
    memset(pSecurityDescriptor, 0, sizeof *pSecurityDescriptor);
    pSecurityDescriptor->Revision = SECURITY_DESCRIPTOR_REVISION;
    return TRUE;
}

API_FN(SYS, BOOL, SetSecurityDescriptorDacl,
       (PSECURITY_DESCRIPTOR pSecurityDescriptor, BOOL bDaclPresent, PACL pDacl,
        BOOL bDaclDefaulted),
       (pSecurityDescriptor, bDaclPresent, pDacl, bDaclDefaulted))
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
