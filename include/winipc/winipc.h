/*
 * winipc.h: winipc's own extensions for Linux programs, beside the Win32 API
 * of <windows.h>.
 */
#ifndef WINIPC_WINIPC_H
#define WINIPC_WINIPC_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WINIPC_VERSION_MAJOR 0
#define WINIPC_VERSION_MINOR 1
#define WINIPC_VERSION_PATCH 0

/*
 * The library's version as "MAJOR.MINOR.PATCH" (a static string).  Compare
 * it with the WINIPC_VERSION_* macros to see which header a program was
 * built against.
 */
WINIPC_API const char *winipc_version(void);

/*
 * The file descriptor behind a handle, for poll(), epoll or select(): it is
 * readable when a read will not block (pipes, files) or when the object is
 * signalled (events, threads, processes).  The descriptor stays owned by the
 * handle: do not close it, and do not use it after CloseHandle.  Returns -1
 * with GetLastError() set to ERROR_INVALID_HANDLE for an unknown or pseudo
 * handle.
 */
WINIPC_API int winipc_handle_fd(HANDLE handle);

/*
 * Wraps an open file descriptor as a handle.  On success the handle owns
 * the descriptor (CloseHandle closes it), which is made close-on-exec; the
 * handle's type follows the descriptor (FILE_TYPE_DISK, _CHAR or _PIPE), its
 * access is GENERIC_READ and/or GENERIC_WRITE as the descriptor's open mode
 * allows.  Returns NULL with GetLastError() set on failure (the descriptor
 * is then left open and untouched): ERROR_INVALID_HANDLE for a descriptor
 * that is not open.
 */
WINIPC_API HANDLE winipc_handle_from_fd(int fd);

/*
 * The namespace root: the directory under which named pipes and mailslots
 * are registered ($WINIPC_ROOT if set when the library first needs it,
 * else /tmp/.winipc).  Processes that talk to each other by name must
 * share it.  A static string; the directory is created if missing.
 */
WINIPC_API const char *winipc_namespace_root(void);

/*
 * What a named pipe server can learn of the client connected to its
 * instance: for a client of another machine (reached through Samba and
 * winipc-smbd-bridge, docs/remote-pipes.md), what smbd said of its SMB
 * session; for a client of this machine, its user and process.
 */
typedef struct {
    BOOL remote;        /* on another machine */
    DWORD uid;          /* its Unix user (remote: smbd's mapping of the user) */
    DWORD pid;          /* local: its process; remote: 0 (not known) */
    BOOL authenticated; /* remote: logged in, not a guest; local: TRUE */
    BOOL anonymous;     /* remote: an anonymous (null) session */
    char computer[256]; /* remote: the client machine's name */
    char address[256];  /* remote: its IP address */
    char user[256];     /* remote: the account name ("ANONYMOUS LOGON" ...) */
    char domain[256];   /* remote: the account's domain */
} WINIPC_PIPE_CLIENT;

/*
 * Fills *client for the client of the server end Pipe.  Returns FALSE
 * with GetLastError() set: ERROR_INVALID_HANDLE (not a named pipe),
 * ERROR_INVALID_PARAMETER (a client end, or client NULL),
 * ERROR_PIPE_NOT_CONNECTED (no client).
 */
WINIPC_API BOOL winipc_named_pipe_client(HANDLE Pipe,
                                         WINIPC_PIPE_CLIENT *client);

#ifdef __cplusplus
}
#endif

#endif /* WINIPC_WINIPC_H */
