/*
 * file_api.c: CreateFileA and the file functions.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/namespace.h"
#include "api.h"

#define FILE_WRITE_RIGHTS (FILE_WRITE_DATA | FILE_APPEND_DATA)

/*
 * "\\?\" before an absolute path ("\\?\/tmp/x", "\\?\\tmp\x": the long-path
 * prefix programs put before GetCurrentDirectory's answer) names that path:
 * the part after the prefix, or name when there is none.  Unlike Windows,
 * '/' stays a separator after it: it is Linux's.
 */
static const char *file_skip_verbatim(const char *name)
{
    if (strncmp(name, "\\\\?\\", 4) == 0 &&
        (name[4] == '\\' || name[4] == '/'))
        return name + 4;
    return name;
}

/* Windows paths use '\' between components; Linux uses '/'. */
static char *file_linux_path(const char *name)
{
    char *p = strdup(file_skip_verbatim(name));
    if (p)
        for (char *c = p; *c; c++)
            if (*c == '\\')
                *c = '/';
    return p;
}

/* Windows refuses wildcards, these other characters and control characters
 * anywhere in a file name (ERROR_INVALID_NAME); Linux would accept them. */
static int file_name_is_invalid(const char *name)
{
    for (name = file_skip_verbatim(name); *name; name++)
        if ((unsigned char)*name < 0x20 || strchr("*?<>|\"", *name))
            return 1;
    return 0;
}

/* "\\.\..." names a device: pipes and mailslots live there. */
static int file_is_device_name(const char *name)
{
    return file_skip_verbatim(name) == name && name[0] == '\\' &&
           name[1] == '\\' &&
           (name[2] == '.' || name[2] == '?') && name[3] == '\\';
}

/*
 * A DOS device name: dev ("nul", "con", "conin$", "conout$") in any case,
 * bare or as "\\.\DEV", optionally followed by a colon ("NUL:") and
 * trailing spaces (Windows, and Wine 8, open the same device for all of
 * them).
 */
static int file_is_dos_device(const char *name, const char *dev)
{
    size_t n = strlen(dev);

    if (strncmp(name, "\\\\.\\", 4) == 0)
        name += 4;
    if (strncasecmp(name, dev, n) != 0)
        return 0;
    name += n;
    if (*name == ':')
        name++;
    while (*name == ' ')
        name++;
    return *name == '\0';
}

/* The null device, "NUL". */
static int file_is_nul(const char *name)
{
    return file_is_dos_device(name, "nul");
}

/*
 * The console's names: CONIN$ (its input), CONOUT$ (its screen buffer), and
 * CON, which is the input for GENERIC_READ and the output for
 * GENERIC_WRITE, and fails with ERROR_FILE_NOT_FOUND for both ("Consoles",
 * CreateFileA; Wine 8 answers ERROR_INVALID_PARAMETER); Wine opens it for
 * no access, as the input.  A process's console is its controlling
 * terminal (docs/processes.md, "Consoles"); one without a terminal has no
 * console, and every name fails with ERROR_INVALID_HANDLE, as on Windows
 * (Wine's console.c test_FreeConsole, which passes on Windows, checks all
 * three).  Every disposition opens the console (Wine's console.c
 * test_CreateFileW); OPEN_ALWAYS reports ERROR_ALREADY_EXISTS, as for NUL.
 * *fd gets the terminal, opened for access's rights.  0 when name is not a
 * console name.
 */
static int file_console_open(const char *name, ACCESS_MASK access,
                             DWORD desired, int *fd, DWORD *err)
{
    int in = file_is_dos_device(name, "conin$");
    int acc;

    if (!in && !file_is_dos_device(name, "conout$") &&
        !file_is_dos_device(name, "con"))
        return 0;
    acc = (access & FILE_WRITE_RIGHTS)
              ? ((access & FILE_READ_DATA) ? O_RDWR : O_WRONLY)
              : O_RDONLY;
    *err = wipc_plat_open_tty(acc, fd);
    if (!*err && !in && file_is_dos_device(name, "con") &&
        (desired & (GENERIC_READ | GENERIC_WRITE)) ==
            (GENERIC_READ | GENERIC_WRITE)) {
        wipc_plat_close(*fd);
        *fd = -1;
        *err = ERROR_FILE_NOT_FOUND;
    }
    return 1;
}

/*
 * The permission bits of a file (or, with dir, a directory) that CreateFileA
 * or CreateDirectoryA makes, before the umask, from its security
 * attributes.  winipc has no SIDs, so it reads a security descriptor as far
 * as Linux permissions can say it:
 *  - no security attributes, no descriptor, or a descriptor without a DACL:
 *    the default, 0666 (0777), which the umask narrows as for any Linux
 *    program (Windows: the DACL the parent folder passes on);
 *  - a present, NULL DACL: everybody, 0666 (0777), the umask still applies;
 *  - a present DACL (an empty one, or one with entries, which are not
 *    read): the owner only, 0600 (0700).  An empty DACL denies everybody
 *    on Windows, the owner too; Linux cannot keep a file from its owner,
 *    so the owner keeps access (README, behaviour notes).
 * Used only when the call creates the file: "CreateFile ignores the
 * lpSecurityDescriptor member when opening an existing file or device".
 */
static unsigned file_create_mode(const SECURITY_ATTRIBUTES *sa, int dir)
{
    const SECURITY_DESCRIPTOR *sd = sa ? sa->lpSecurityDescriptor : NULL;
    if (sd && (sd->Control & SE_DACL_PRESENT) && sd->Dacl)
        return dir ? 0700 : 0600;
    return dir ? 0777 : 0666;
}

/*
 * 1 if hTemplateFile names a read-only disk file: "The template file
 * supplies file attributes and extended attributes for the file that is
 * being created" (CreateFileA).  FILE_ATTRIBUTE_READONLY (no write bit) is
 * the one attribute winipc models.  Anything else (NULL, a handle that is
 * not a disk file, not a handle at all) supplies nothing: Wine 8 creates
 * the file whatever the template is, even 0x1234 or an event, and the
 * documentation names no error.
 */
static int file_template_readonly(HANDLE hTemplateFile)
{
    struct wipc_object *obj;
    struct wipc_plat_stat st;
    int ro = 0;
    if (!hTemplateFile || hTemplateFile == INVALID_HANDLE_VALUE ||
        wipc_handle_ref(hTemplateFile, NULL, 0, &obj, NULL) != 0)
        return 0;
    if (obj->ops == &wipc_disk_file_ops &&
        wipc_plat_fstat(wipc_file_get_fd(obj), &st) == 0)
        ro = (st.mode & 0222) == 0;
    wipc_object_release(obj);
    return ro;
}

/*
 * Opens with the disposition's flags.  *existed tells OPEN_ALWAYS and
 * CREATE_ALWAYS apart: they first try to create exclusively, so the answer
 * is exact even when another process creates the file at the same moment.
 */
static DWORD file_open_disposition(const char *path, int acc, DWORD disp,
                                   unsigned mode, int *fd, int *existed)
{
    DWORD err;
    *existed = 0;
    switch (disp) {
    case CREATE_NEW:
        return wipc_plat_open(path, acc | O_CREAT | O_EXCL, mode, fd);
    case OPEN_EXISTING:
        return wipc_plat_open(path, acc, mode, fd);
    case TRUNCATE_EXISTING:
        return wipc_plat_open(path, acc | O_TRUNC, mode, fd);
    case CREATE_ALWAYS:
    case OPEN_ALWAYS:
        for (;;) {
            err = wipc_plat_open(path, acc | O_CREAT | O_EXCL, mode, fd);
            if (err != ERROR_FILE_EXISTS)
                return err;
            err = wipc_plat_open(path,
                                 acc | (disp == CREATE_ALWAYS ? O_TRUNC : 0),
                                 mode, fd);
            if (err != ERROR_FILE_NOT_FOUND) { /* else: removed meanwhile */
                *existed = err == 0;
                return err;
            }
        }
    default:
        return ERROR_INVALID_PARAMETER;
    }
}

API_FN(FILE, HANDLE, CreateFileA,
       (LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
        LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
        DWORD dwFlagsAndAttributes, HANDLE hTemplateFile),
       (lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
        dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile))
{
    struct wipc_object *obj = NULL;
    ACCESS_MASK access;
    char form[MAX_PATH + 2];
    char *path = NULL;
    int fd = -1, existed = 0, acc, device = 0;
    unsigned mode;
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err;

    (void)dwShareMode; /* share modes are not enforced: see README */
    if (!lpFileName || !*lpFileName) {
        err = ERROR_PATH_NOT_FOUND;
        goto fail;
    }
    if (dwCreationDisposition < CREATE_NEW ||
        dwCreationDisposition > TRUNCATE_EXISTING) {
        err = ERROR_INVALID_PARAMETER;
        goto fail;
    }
    access = wipc_object_map_access(&wipc_disk_file_ops, dwDesiredAccess) |
             SYNCHRONIZE | FILE_READ_ATTRIBUTES;
    /* "The calling process must open the file with the GENERIC_WRITE bit
     * set": the bit itself, not FILE_WRITE_DATA. */
    if (dwCreationDisposition == TRUNCATE_EXISTING &&
        !(dwDesiredAccess & (GENERIC_WRITE | GENERIC_ALL))) {
        err = ERROR_INVALID_PARAMETER;
        goto fail;
    }
    if (api_remote_mailslot_server(lpFileName)) {
        err = api_open_remote_mailslot(lpFileName, access,
                                       api_inherit_flag(lpSecurityAttributes),
                                       &h);
        if (err)
            goto fail;
        SetLastError(0);
        return h;
    }
    /* "\\?\pipe\x", "//./pipe/x": "\\.\pipe\x" (wipc_ns_device_form). */
    lpFileName = wipc_ns_device_form(lpFileName, form, sizeof form);
    /* "NUL": /dev/null, writes vanish and reads end at once.  It always
     * exists and is never created or truncated: every disposition opens
     * it, and only OPEN_ALWAYS reports ERROR_ALREADY_EXISTS (Wine 8). */
    if (file_is_nul(lpFileName)) {
        path = strdup("/dev/null");
        if (!path) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            goto fail;
        }
        acc = (access & FILE_WRITE_RIGHTS)
                  ? ((access & FILE_READ_DATA) ? O_RDWR : O_WRONLY)
                  : O_RDONLY;
        err = file_open_disposition(path, acc | O_NOCTTY, OPEN_EXISTING, 0,
                                    &fd, &existed);
        if (err)
            goto fail;
        existed = dwCreationDisposition == OPEN_ALWAYS;
        device = 1;
        goto wrap;
    }
    if (file_console_open(lpFileName, access, dwDesiredAccess, &fd, &err)) {
        if (err)
            goto fail;
        existed = dwCreationDisposition == OPEN_ALWAYS;
        device = 1;
        goto wrap;
    }
    if (file_is_device_name(lpFileName)) {
        if (wipc_ns_is_prefix(lpFileName, "\\\\.\\pipe\\")) {
            err = api_open_named_pipe(
                lpFileName, access,
                api_inherit_flag(lpSecurityAttributes) |
                    (dwFlagsAndAttributes & FILE_FLAG_OVERLAPPED),
                &h);
            if (err)
                goto fail;
            SetLastError(0);
            return h;
        }
        if (wipc_ns_is_prefix(lpFileName, "\\\\.\\mailslot\\")) {
            err = api_open_mailslot(lpFileName, access,
                                    api_inherit_flag(lpSecurityAttributes),
                                    &h);
            if (err)
                goto fail;
            SetLastError(0);
            return h;
        }
        /* No such device: a path below it is a path not found. */
        err = strchr(lpFileName + 4, '\\') ? ERROR_PATH_NOT_FOUND
                                           : ERROR_FILE_NOT_FOUND;
        goto fail;
    }
    if (file_name_is_invalid(lpFileName)) {
        err = ERROR_INVALID_NAME;
        goto fail;
    }
    path = file_linux_path(lpFileName);
    if (!path) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    acc = (access & FILE_WRITE_RIGHTS)
              ? ((access & FILE_READ_DATA) ? O_RDWR : O_WRONLY)
              : O_RDONLY;
    /* A handle that may only append writes at the end of file, wherever
     * its file pointer is. */
    if ((access & FILE_APPEND_DATA) && !(access & FILE_WRITE_DATA))
        acc |= O_APPEND;
    /* For a file this call creates (O_CREAT ignores it otherwise, and so
     * does Windows the template "when opening an existing file"). */
    mode = file_create_mode(lpSecurityAttributes, 0);
    if ((dwFlagsAndAttributes & FILE_ATTRIBUTE_READONLY) ||
        (dwCreationDisposition != OPEN_EXISTING &&
         dwCreationDisposition != TRUNCATE_EXISTING &&
         file_template_readonly(hTemplateFile)))
        mode &= 0444u;
    err = file_open_disposition(path, acc | O_NOCTTY, dwCreationDisposition,
                                mode, &fd, &existed);
    if (err)
        goto fail;
    /* A directory is a file only to backup semantics. */
    if (!(dwFlagsAndAttributes & FILE_FLAG_BACKUP_SEMANTICS) &&
        wipc_plat_is_dir(fd)) {
        err = ERROR_ACCESS_DENIED;
        goto fail;
    }
wrap:
    err = wipc_file_wrap(fd, &obj);
    if (err)
        goto fail;
    fd = -1; /* the object owns it now */
    /* Never for a device (the null device's path is /dev/null). */
    if ((dwFlagsAndAttributes & FILE_FLAG_DELETE_ON_CLOSE) && !device) {
        ((struct wipc_file *)obj)->delete_path = path;
        path = NULL;
    }
    err = api_publish(obj, access,
                      api_inherit_flag(lpSecurityAttributes) |
                          (dwFlagsAndAttributes & FILE_FLAG_OVERLAPPED),
                      &h);
    if (err)
        goto fail;
    free(path);
    SetLastError(existed ? ERROR_ALREADY_EXISTS : 0);
    return h;
fail:
    wipc_plat_close(fd);
    free(path);
    SetLastError(err);
    return INVALID_HANDLE_VALUE;
}

/* A file object's descriptor, for the positioning and size functions. */
static DWORD file_ref_fd(HANDLE h, struct wipc_object **obj, int *fd)
{
    DWORD err = wipc_handle_ref(h, NULL, 0, obj, NULL);
    if (err)
        return err;
    if (!wipc_is_file(*obj)) {
        wipc_object_release(*obj);
        return ERROR_INVALID_HANDLE;
    }
    *fd = wipc_file_get_fd(*obj);
    return 0;
}

API_FN(FILE, BOOL, GetFileSizeEx,
       (HANDLE hFile, PLARGE_INTEGER lpFileSize),
       (hFile, lpFileSize))
{
    struct wipc_object *obj;
    int64_t size = 0;
    int fd;
    DWORD err = file_ref_fd(hFile, &obj, &fd);

    if (err)
        return api_fail(err);
    if (obj->ops == &wipc_disk_file_ops)
        err = wipc_plat_file_size(fd, &size);
    else
        err = ERROR_INVALID_FUNCTION; /* pipes and devices have no size */
    wipc_object_release(obj);
    if (!err && !lpFileSize)
        err = ERROR_NOACCESS;
    if (err)
        return api_fail(err);
    lpFileSize->QuadPart = size;
    return TRUE;
}

API_FN(FILE, DWORD, GetFileSize,
       (HANDLE hFile, LPDWORD lpFileSizeHigh),
       (hFile, lpFileSizeHigh))
{
    LARGE_INTEGER size;
    if (!GetFileSizeEx(hFile, &size))
        return INVALID_FILE_SIZE;
    if (lpFileSizeHigh)
        *lpFileSizeHigh = (DWORD)size.u.HighPart;
    /* A size whose low part is all ones must be told from a failure. */
    if (size.u.LowPart == INVALID_FILE_SIZE)
        SetLastError(NO_ERROR);
    return size.u.LowPart;
}

/* Why lseek refused a move (EINVAL): a target before the start of the file
 * (the sum wrapping as Windows' 64-bit arithmetic does) is
 * ERROR_NEGATIVE_SEEK; any other is beyond what the file can have. */
static DWORD file_seek_error(int fd, int64_t dist, DWORD method)
{
    int64_t base = 0;
    if (method == FILE_CURRENT)
        wipc_plat_seek(fd, 0, FILE_CURRENT, &base);
    else if (method == FILE_END)
        wipc_plat_file_size(fd, &base);
    return (int64_t)((uint64_t)base + (uint64_t)dist) < 0
               ? ERROR_NEGATIVE_SEEK
               : ERROR_INVALID_PARAMETER;
}

API_FN(FILE, BOOL, SetFilePointerEx,
       (HANDLE hFile, LARGE_INTEGER liDistanceToMove,
        PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod),
       (hFile, liDistanceToMove, lpNewFilePointer, dwMoveMethod))
{
    struct wipc_object *obj;
    int64_t pos = 0;
    int fd;
    DWORD err;

    if (dwMoveMethod > FILE_END)
        return api_fail(ERROR_INVALID_PARAMETER);
    err = wipc_handle_ref(hFile, NULL, 0, &obj, NULL);
    if (err)
        return api_fail(err);
    if (obj->ops->file_type == FILE_TYPE_PIPE) {
        /* A pipe has no file pointer (Wine: ERROR_INVALID_FUNCTION, or
         * ERROR_NEGATIVE_SEEK first for a negative FILE_BEGIN). */
        err = dwMoveMethod == FILE_BEGIN && liDistanceToMove.QuadPart < 0
                  ? ERROR_NEGATIVE_SEEK
                  : ERROR_INVALID_FUNCTION;
    } else if (!wipc_is_file(obj)) {
        err = ERROR_INVALID_HANDLE;
    } else {
        fd = wipc_file_get_fd(obj);
        err = wipc_plat_seek(fd, liDistanceToMove.QuadPart, (int)dwMoveMethod,
                             &pos);
        if (err == ERROR_INVALID_PARAMETER)
            err = file_seek_error(fd, liDistanceToMove.QuadPart, dwMoveMethod);
    }
    wipc_object_release(obj);
    if (err)
        return api_fail(err);
    if (lpNewFilePointer)
        lpNewFilePointer->QuadPart = pos;
    return TRUE;
}

API_FN(FILE, DWORD, SetFilePointer,
       (HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
        DWORD dwMoveMethod),
       (hFile, lDistanceToMove, lpDistanceToMoveHigh, dwMoveMethod))
{
    LARGE_INTEGER dist, pos;
    if (lpDistanceToMoveHigh)
        dist.QuadPart = (LONGLONG)(((uint64_t)(DWORD)*lpDistanceToMoveHigh
                                    << 32) |
                                   (DWORD)lDistanceToMove);
    else
        dist.QuadPart = lDistanceToMove;
    if (!SetFilePointerEx(hFile, dist, &pos, dwMoveMethod))
        return INVALID_SET_FILE_POINTER;
    if (lpDistanceToMoveHigh)
        *lpDistanceToMoveHigh = pos.u.HighPart;
    if (pos.u.LowPart == INVALID_SET_FILE_POINTER)
        SetLastError(NO_ERROR);
    return pos.u.LowPart;
}

API_FN(FILE, BOOL, SetEndOfFile, (HANDLE hFile), (hFile))
{
    struct wipc_object *obj;
    ACCESS_MASK granted = 0;
    DWORD err = wipc_handle_ref(hFile, NULL, 0, &obj, &granted);
    if (err)
        return api_fail(err);
    /* Only a disk file has an end to set: other files (pipes, devices)
     * fail as Wine fails them, before the access check; objects that are
     * not files are the wrong type of handle. */
    if (obj->ops->file_type == FILE_TYPE_UNKNOWN)
        err = ERROR_INVALID_HANDLE;
    else if (obj->ops != &wipc_disk_file_ops)
        err = ERROR_INVALID_FUNCTION;
    else if (!(granted & FILE_WRITE_DATA))
        err = ERROR_ACCESS_DENIED;
    else
        err = wipc_plat_truncate_here(wipc_file_get_fd(obj));
    wipc_object_release(obj);
    return api_result(err);
}

/* Runs op on the Linux form of a file or directory name.  devices: a
 * device name (CON, NUL...) fails with ERROR_FILE_NOT_FOUND, as DeleteFileA
 * does. */
static BOOL path_call(LPCSTR name, int devices, DWORD (*op)(const char *))
{
    char *path;
    DWORD err;

    if (!name || !*name)
        return api_fail(ERROR_PATH_NOT_FOUND);
    if (devices && file_is_device_name(name))
        return api_fail(ERROR_FILE_NOT_FOUND);
    if (file_name_is_invalid(name))
        return api_fail(ERROR_INVALID_NAME);
    path = file_linux_path(name);
    if (!path)
        return api_fail(ERROR_NOT_ENOUGH_MEMORY);
    err = op(path);
    free(path);
    return api_result(err);
}

API_FN(FILE, BOOL, DeleteFileA, (LPCSTR lpFileName), (lpFileName))
{
    return path_call(lpFileName, 1, wipc_plat_unlink);
}

API_FN(FILE, BOOL, CopyFileA,
       (LPCSTR lpExistingFileName, LPCSTR lpNewFileName, BOOL bFailIfExists),
       (lpExistingFileName, lpNewFileName, bFailIfExists))
{
    char *src, *dst;
    DWORD err;

    if (!lpExistingFileName || !*lpExistingFileName || !lpNewFileName ||
        !*lpNewFileName)
        return api_fail(ERROR_PATH_NOT_FOUND);
    if (file_name_is_invalid(lpExistingFileName) ||
        file_name_is_invalid(lpNewFileName))
        return api_fail(ERROR_INVALID_NAME);
    src = file_linux_path(lpExistingFileName);
    dst = file_linux_path(lpNewFileName);
    err = src && dst ? wipc_plat_copy_file(src, dst, bFailIfExists != 0)
                     : ERROR_NOT_ENOUGH_MEMORY;
    free(src);
    free(dst);
    if (err)
        return api_fail(err);
    /* Windows sets ERROR_SUCCESS (Wine's kernel32 file tests, CopyFileW). */
    SetLastError(0);
    return TRUE;
}

/* ---- Directories --------------------------------------------------------- */

API_FN(FILE, BOOL, CreateDirectoryA,
       (LPCSTR lpPathName, LPSECURITY_ATTRIBUTES lpSecurityAttributes),
       (lpPathName, lpSecurityAttributes))
{
    char *path;
    DWORD err;

    if (!lpPathName || !*lpPathName)
        return api_fail(ERROR_PATH_NOT_FOUND);
    if (file_name_is_invalid(lpPathName))
        return api_fail(ERROR_INVALID_NAME);
    path = file_linux_path(lpPathName);
    if (!path)
        return api_fail(ERROR_NOT_ENOUGH_MEMORY);
    /* The mode from the security attributes: file_create_mode. */
    err = wipc_plat_mkdir(path, file_create_mode(lpSecurityAttributes, 1));
    free(path);
    return api_result(err);
}

API_FN(FILE, BOOL, RemoveDirectoryA, (LPCSTR lpPathName), (lpPathName))
{
    return path_call(lpPathName, 0, wipc_plat_rmdir);
}

API_FN(FILE, BOOL, SetCurrentDirectoryA, (LPCSTR lpPathName), (lpPathName))
{
    return path_call(lpPathName, 0, wipc_plat_chdir);
}

/* The length without the terminating zero when it fits, else the size
 * needed including it; 0 on failure.  The path is the Linux one ('/'). */
API_FN(FILE, DWORD, GetCurrentDirectoryA,
       (DWORD nBufferLength, LPSTR lpBuffer),
       (nBufferLength, lpBuffer))
{
    char cwd[4096];
    size_t n;
    DWORD err = wipc_plat_getcwd(cwd, sizeof cwd);

    if (err) {
        SetLastError(err);
        return 0;
    }
    n = strlen(cwd);
    if (!lpBuffer || n >= nBufferLength)
        return (DWORD)n + 1;
    memcpy(lpBuffer, cwd, n + 1);
    return (DWORD)n;
}

API_FN(FILE, DWORD, GetFileType, (HANDLE hFile), (hFile))
{
    struct wipc_object *obj;
    DWORD type;
    DWORD err = wipc_handle_ref(hFile, NULL, 0, &obj, NULL);

    if (err) {
        SetLastError(err);
        return FILE_TYPE_UNKNOWN;
    }
    type = obj->ops->file_type;
    wipc_object_release(obj);
    /* Objects that are not files (events, threads, processes) have no file
     * type: Windows fails them as the wrong type of handle. */
    if (type == FILE_TYPE_UNKNOWN)
        SetLastError(ERROR_INVALID_HANDLE);
    return type;
}
