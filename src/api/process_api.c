/*
 * process_api.c: CreateProcessA and the process functions.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../process/cmdline.h"
#include "../process/inherit.h"
#include "../process/job.h"
#include "../process/parent.h"
#include "../process/startup.h"
#include "api.h"

#define PATH_BUF 4096

/* ---- Finding the program ------------------------------------------------ */

static int has_exe_suffix(const char *s)
{
    size_t n = strlen(s);
    return n > 4 && strcasecmp(s + n - 4, ".exe") == 0;
}

/* Looks for name in dir ("" = as given); Windows programs name "x.exe"
 * where Linux has "x", so that is tried second.  0 and the path in out. */
static DWORD find_in(const char *dir, const char *name, char *out)
{
    DWORD err = ERROR_FILE_NOT_FOUND;
    for (int strip = 0; strip < 2; strip++) {
        size_t n = strlen(name) - (strip ? 4 : 0);
        if (strip && !has_exe_suffix(name))
            break;
        if (snprintf(out, PATH_BUF, "%s%s%.*s", dir, *dir ? "/" : "", (int)n,
                     name) >= PATH_BUF)
            return ERROR_FILENAME_EXCED_RANGE;
        DWORD e = wipc_plat_find_file(out);
        if (!e)
            return 0;
        if (!strip)
            err = e;
    }
    return err;
}

/* The directory of this program. */
static void app_dir(char *out)
{
    char *slash;
    if (wipc_plat_exe_path(out, PATH_BUF) != 0) {
        out[0] = '\0';
        return;
    }
    slash = strrchr(out, '/');
    if (slash)
        *slash = '\0';
}

/*
 * Windows' search: a name with a directory part is used as given (relative
 * to the current directory); otherwise the application's directory, the
 * current directory, then PATH.  search_path is 0 for lpApplicationName,
 * which Windows looks for in the current directory only.  The result is
 * absolute, as the child may start in another directory.
 *
 * A name from the command line (search_path 1) that is not found is
 * ERROR_FILE_NOT_FOUND: Windows looks for "NAME.exe" there, which a
 * directory is not either, and a relative name that is not found is
 * ERROR_FILE_NOT_FOUND whichever part is missing (Wine agrees).  An
 * absolute name keeps the file system's answer, ERROR_PATH_NOT_FOUND when
 * its directory is missing, as ReactOS gives it (Wine answers
 * ERROR_FILE_NOT_FOUND there too; no transcript shows the case).
 * lpApplicationName always gets the file system's answer:
 * ERROR_PATH_NOT_FOUND for a missing directory, ERROR_ACCESS_DENIED for a
 * directory.
 */
static DWORD find_program(const char *name_in, int search_path, char *out)
{
    char name[PATH_BUF], dir[PATH_BUF], cwd[PATH_BUF];
    DWORD err;

    if (snprintf(name, sizeof name, "%s", name_in) >= (int)sizeof name)
        return ERROR_FILENAME_EXCED_RANGE;
    for (char *c = name; *c; c++)
        if (*c == '\\')
            *c = '/';
    if (!*name)
        return search_path ? ERROR_FILE_NOT_FOUND : ERROR_PATH_NOT_FOUND;
    if (wipc_plat_getcwd(cwd, sizeof cwd) != 0)
        cwd[0] = '\0';
    if (strchr(name, '/') || !search_path) {
        err = find_in(name[0] == '/' ? "" : cwd, name, out);
        if (search_path && (err == ERROR_ACCESS_DENIED ||
                            (err == ERROR_PATH_NOT_FOUND && name[0] != '/')))
            err = ERROR_FILE_NOT_FOUND;
        return err;
    }
    app_dir(dir);
    if (*dir && find_in(dir, name, out) == 0)
        return 0;
    if (find_in(cwd, name, out) == 0)
        return 0;
    err = ERROR_FILE_NOT_FOUND;
    DWORD n = GetEnvironmentVariableA("PATH", dir, sizeof dir);
    if (n > 0 && n < sizeof dir) {
        char *save = NULL;
        for (char *d = strtok_r(dir, ":", &save); d;
             d = strtok_r(NULL, ":", &save))
            if (*d && find_in(d, name, out) == 0)
                return 0;
    }
    return err;
}

/*
 * The program of a command line that does not start with a quote
 * (lpApplicationName NULL).  Its name ends at a blank, but which one is
 * ambiguous when the path holds spaces: as Windows, the text up to each
 * blank is tried in turn, shortest first, then the whole line, and the
 * first that names a file is run ("c:\program files\sub dir\program name"
 * tries c:\program, c:\program files\sub, c:\program files\sub dir\program
 * and c:\program files\sub dir\program name).  A directory is passed over.
 * *name_len is the length of the name found; if none is, the error is the
 * first name's.
 */
static DWORD find_unquoted_program(const char *cmdline, char *out,
                                   size_t *name_len)
{
    char name[PATH_BUF];
    DWORD err, first_err = 0;
    size_t end = wipc_cmdline_name_end(cmdline, 0);

    for (;;) {
        if (end >= sizeof name)
            return first_err ? first_err : ERROR_FILENAME_EXCED_RANGE;
        memcpy(name, cmdline, end);
        name[end] = '\0';
        err = find_program(name, 1, out);
        if (!err) {
            *name_len = end;
            return 0;
        }
        if (!first_err)
            first_err = err;
        if (!cmdline[end])
            return first_err;
        end = wipc_cmdline_name_end(cmdline, end + 1);
    }
}

/* ---- The child's environment -------------------------------------------- */

/* A UTF-16 block ("k=v\0...\0\0", for CREATE_UNICODE_ENVIRONMENT) as a
 * malloc'ed UTF-8 block (core/utf.h), or NULL when memory runs out. */
static char *env_from_utf16(const WCHAR *w)
{
    size_t len = 0, n;
    char *out;

    while (w[len] || w[len + 1])
        len++;
    len += 2;
    wipc_utf16_to_utf8(w, len, NULL, 0, WIPC_UTF_NAME, &n, NULL);
    out = malloc(n);
    if (out)
        wipc_utf16_to_utf8(w, len, out, n, WIPC_UTF_NAME, &n, NULL);
    return out;
}

/*
 * envp for the child from a "k=v\0...\0\0" block, without any variable
 * of ours (WINIPC_HANDLES, WINIPC_STARTUP, WINIPC_PARENT), plus
 * extra[0..2] (any may be NULL).  Entries whose name starts with '=' ("=C:=C:\\DIR", Windows'
 * current directories of drives) go along, as on Windows.  Pointers point
 * into block, which must outlive envp.
 */
static char **env_vector(char *block, char *const extra[3])
{
    size_t n = 0, k = 0;
    char **envp;

    for (char *p = block; *p; p += strlen(p) + 1)
        n++;
    envp = calloc(n + 4, sizeof *envp);
    if (!envp)
        return NULL;
    for (char *p = block; *p; p += strlen(p) + 1) {
        if (strncmp(p, WIPC_INHERIT_ENV "=", sizeof WIPC_INHERIT_ENV) == 0 ||
            strncmp(p, WIPC_STARTUP_ENV "=", sizeof WIPC_STARTUP_ENV) == 0 ||
            strncmp(p, WIPC_PARENT_ENV "=", sizeof WIPC_PARENT_ENV) == 0)
            continue;
        envp[k++] = p;
    }
    for (int i = 0; i < 3; i++)
        if (extra[i])
            envp[k++] = extra[i];
    envp[k] = NULL;
    return envp;
}

/* What CreateProcessA builds for the child. */
struct spawn_ctx {
    char path[PATH_BUF];
    char *cmdline;
    char **argv;
    char *env_block;
    int env_block_owned; /* from GetEnvironmentStringsA */
    char *cwd;           /* lpCurrentDirectory with '/' for '\\' */
    char **envp;
    struct wipc_inherit inh;
    struct wipc_object *std_obj[3];
    int std_opened[3];
    struct wipc_startup startup; /* its strings are the caller's */
    char *startup_env;
    char *parent_env; /* WINIPC_PARENT (process/parent.h) */
    DWORD parent_pid; /* what it names */
    struct wipc_spawn_req req;
};

/* ---- Standard handles and STARTUPINFO --------------------------------- */

/* The descriptor behind h if it names a stream (a reference in *obj), else
 * /dev/null (opened into *opened), or -1 if even that fails. */
static int std_fd(HANDLE h, struct wipc_object **obj, int *opened)
{
    *obj = NULL;
    *opened = -1;
    if (h && h != INVALID_HANDLE_VALUE &&
        wipc_handle_ref(h, NULL, 0, obj, NULL) == 0) {
        if (wipc_is_stream(*obj) && (*obj)->ops->get_fd(*obj) >= 0)
            return (*obj)->ops->get_fd(*obj);
        wipc_object_release(*obj);
        *obj = NULL;
    }
    if (wipc_plat_open("/dev/null", O_RDWR, 0, opened) != 0)
        return -1;
    return *opened;
}

/* 1 if h is a handle of this process's table (not NULL, not a pseudo
 * handle, not a value that names nothing). */
static int std_is_handle(HANDLE h)
{
    DWORD flags;
    return h && h != INVALID_HANDLE_VALUE && !wipc_handle_is_pseudo(h) &&
           wipc_handle_get_flags(h, &flags) == 0;
}

/*
 * The child's standard handle i, as Windows gives it (Wine's
 * test_StdHandleInheritance, console child; CreateProcess, STARTUPINFO
 * and GetStdHandle documentation):
 * - STARTF_USESTDHANDLES: with bInheritHandles, the value given, unchanged
 *   (an inheritable handle is inherited at it; a handle that is not is
 *   copied as a value only); NULL without bInheritHandles, and for NULL,
 *   INVALID_HANDLE_VALUE or a value that is not a handle.
 * - otherwise DETACHED_PROCESS: NULL (no console, no standard handles).
 * - otherwise this process's standard handle: the one it started with
 *   stays the child's descriptor i; one set since (SetStdHandle) is given
 *   by value with bInheritHandles, and duplicated into the child (same
 *   HANDLE_FLAG_* bits) without.
 * Descriptor i of the child is the stream behind the handle given (the
 * STARTUPINFO handle even when the child gets NULL, as before), the
 * parent's own for an original handle, /dev/null otherwise.
 */
static void spawn_std(struct spawn_ctx *c, int i, HANDLE given, BOOL inherit,
                      DWORD cflags, DWORD siflags)
{
    struct wipc_startup *st = &c->startup;
    HANDLE cur;
    DWORD hflags = 0;

    st->std_mode[i] = WIPC_STD_VALUE;
    st->std_value[i] = NULL;
    if (siflags & STARTF_USESTDHANDLES) {
        c->req.std_fds[i] = std_fd(given, &c->std_obj[i], &c->std_opened[i]);
        if (inherit && std_is_handle(given))
            st->std_value[i] = given;
    } else if (cflags & DETACHED_PROCESS) {
        c->req.std_fds[i] = std_fd(NULL, &c->std_obj[i], &c->std_opened[i]);
    } else if (!api_std_handle_current(i, &cur)) {
        st->std_mode[i] = WIPC_STD_ORIGINAL;
    } else {
        c->req.std_fds[i] = std_fd(cur, &c->std_obj[i], &c->std_opened[i]);
        if (!std_is_handle(cur))
            return;
        if (inherit) {
            st->std_value[i] = cur;
        } else if (c->std_obj[i] && wipc_handle_get_flags(cur, &hflags) == 0) {
            st->std_mode[i] = WIPC_STD_DUPLICATE;
            st->std_flags[i] = hflags;
        }
    }
}

/* WINIPC_STARTUP for the child: si's fields and its standard handles. */
static DWORD spawn_startup(struct spawn_ctx *c, BOOL inherit, DWORD cflags,
                           const STARTUPINFOA *si)
{
    struct wipc_startup *st = &c->startup;
    HANDLE hs[3] = {si->hStdInput, si->hStdOutput, si->hStdError};

    st->flags = si->dwFlags;
    st->show = si->wShowWindow;
    st->x = si->dwX;
    st->y = si->dwY;
    st->xsize = si->dwXSize;
    st->ysize = si->dwYSize;
    st->xchars = si->dwXCountChars;
    st->ychars = si->dwYCountChars;
    st->fill = si->dwFillAttribute;
    st->desktop = si->lpDesktop;
    st->title = si->lpTitle;
    st->cmdline = c->cmdline;
    for (int i = 0; i < 3; i++)
        spawn_std(c, i, hs[i], inherit, cflags, si->dwFlags);
    return wipc_startup_format(st, &c->startup_env);
}

/* ---- CreateProcessA ------------------------------------------------------ */


static void spawn_ctx_free(struct spawn_ctx *c)
{
    free(c->cwd);
    free(c->cmdline);
    free(c->argv);
    free(c->envp);
    free(c->startup_env);
    free(c->parent_env);
    if (c->env_block_owned == 1)
        FreeEnvironmentStringsA(c->env_block);
    else if (c->env_block_owned == 2)
        free(c->env_block);
    wipc_inherit_release(&c->inh);
    for (int i = 0; i < 3; i++) {
        wipc_object_release(c->std_obj[i]);
        wipc_plat_close(c->std_opened[i]);
    }
}

static DWORD spawn_prepare(struct spawn_ctx *c, LPCSTR app, LPCSTR cmdline,
                           BOOL inherit, DWORD flags, LPVOID env,
                           LPCSTR cwd, const STARTUPINFOA *si)
{
    const HANDLE *only = NULL;
    struct wipc_object *parent;
    size_t n_only = 0;
    int argc;
    DWORD err;

    for (int i = 0; i < 3; i++) {
        c->std_opened[i] = -1;
        c->req.std_fds[i] = -1;
    }
    c->cmdline = strdup(cmdline ? cmdline : app);
    if (!c->cmdline)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (app || c->cmdline[0] == '"') {
        err = wipc_cmdline_split(c->cmdline, &c->argv, &argc);
        if (!err)
            err = app ? find_program(app, 0, c->path)
                      : find_program(c->argv[0], 1, c->path);
    } else {
        /* The child's argv[0] is the name found, as Windows quotes it on
         * the child's command line when it holds a blank. */
        size_t name_len = 0;
        err = find_unquoted_program(c->cmdline, c->path, &name_len);
        if (!err)
            err = wipc_cmdline_split_at(c->cmdline, name_len, &c->argv, &argc);
    }
    if (err)
        return err;
    if ((err = api_attr_list_apply(si, flags, inherit, &only, &n_only,
                                   &parent)) != 0)
        return err;
    /* PROC_THREAD_ATTRIBUTE_PARENT_PROCESS: the handles inherited are that
     * process's, at its values. */
    if (inherit && parent)
        err = wipc_inherit_prepare_from(&c->inh, parent, only, n_only);
    else if (inherit)
        err = wipc_inherit_prepare(&c->inh, only, n_only);
    /* The parent id Windows reports for the child: that process's, or
     * this one's. */
    c->parent_pid = parent ? wipc_process_id(parent) : wipc_plat_getpid();
    if (!err)
        err = wipc_parent_format(c->parent_pid, &c->parent_env,
                                 &c->req.pid_slot);
    c->req.own_entry = wipc_parent_own_entry();
    wipc_object_release(parent);
    if (err)
        return err;
    if (env && (flags & CREATE_UNICODE_ENVIRONMENT)) {
        c->env_block = env_from_utf16(env);
        c->env_block_owned = 2;
    } else if (env) {
        c->env_block = env;
    } else {
        c->env_block = GetEnvironmentStringsA();
        c->env_block_owned = 1;
    }
    if (!c->env_block)
        return ERROR_NOT_ENOUGH_MEMORY;
    if ((err = spawn_startup(c, inherit, flags, si)) != 0)
        return err;
    c->envp = env_vector(c->env_block,
                         (char *const[3]){c->inh.env, c->startup_env,
                                          c->parent_env});
    if (!c->envp)
        return ERROR_NOT_ENOUGH_MEMORY;
    c->req.path = c->path;
    c->req.argv = c->argv;
    c->req.envp = c->envp;
    if (cwd && *cwd) {
        c->cwd = strdup(cwd);
        if (!c->cwd)
            return ERROR_NOT_ENOUGH_MEMORY;
        for (char *p = c->cwd; *p; p++)
            if (*p == '\\')
                *p = '/';
    }
    c->req.cwd = c->cwd;
    c->req.inherit_fds = c->inh.fds;
    c->req.n_inherit = c->inh.n;
    return 0;
}

/* Makes the two handles of PROCESS_INFORMATION (proc's reference goes to
 * them). */
static DWORD spawn_publish(struct wipc_object *proc, DWORD pid,
                           const SECURITY_ATTRIBUTES *psa,
                           const SECURITY_ATTRIBUTES *tsa,
                           PROCESS_INFORMATION *pi)
{
    struct wipc_object *thread;
    HANDLE hp, ht;
    DWORD err = wipc_thread_of_process(proc, pid, &thread);
    if (err) {
        /* A suspended child nobody could resume must not linger. */
        if (wipc_process_suspended(proc))
            wipc_process_terminate(proc, 1);
        wipc_object_release(proc);
        return err;
    }
    err = api_publish(proc, PROCESS_ALL_ACCESS, api_inherit_flag(psa), &hp);
    if (err) {
        wipc_object_release(thread);
        return err;
    }
    err = api_publish(thread, THREAD_ALL_ACCESS, api_inherit_flag(tsa), &ht);
    if (err) {
        wipc_handle_close(hp);
        return err;
    }
    pi->hProcess = hp;
    pi->hThread = ht;
    pi->dwProcessId = pid;
    pi->dwThreadId = pid; /* the main thread's id is the process id */
    return 0;
}

/*
 * The priority class flags as the child's nice value.  Windows' classes run
 * from IDLE (base priority 4) to REALTIME (24); Linux's nice values from 19
 * to -20: IDLE 19, BELOW_NORMAL 10, NORMAL 0, ABOVE_NORMAL -5, HIGH -10,
 * REALTIME -20 (a nice value, not a real-time scheduling policy).  Windows
 * takes a combination of classes without complaint (Wine 8 does; ReactOS
 * reads the flags from IDLE upwards), and the lowest class named wins.  No
 * class: the child keeps the parent's value, as Windows' child keeps an
 * IDLE or BELOW_NORMAL parent's class, except that a parent above NORMAL
 * has a NORMAL child.  Values below the parent's need privilege: see
 * wipc_spawn_req.
 */
static void spawn_priority(DWORD flags, struct wipc_spawn_req *req)
{
    static const struct {
        DWORD flag;
        int nice;
    } classes[] = {
        {IDLE_PRIORITY_CLASS, 19},         {BELOW_NORMAL_PRIORITY_CLASS, 10},
        {NORMAL_PRIORITY_CLASS, 0},        {ABOVE_NORMAL_PRIORITY_CLASS, -5},
        {HIGH_PRIORITY_CLASS, -10},        {REALTIME_PRIORITY_CLASS, -20},
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (flags & classes[i].flag) {
            req->set_nice = 1;
            req->nice = classes[i].nice;
            return;
        }
    req->set_nice = 2; /* raise to NORMAL only */
    req->nice = 0;
}

API_FN(PROCESS, BOOL, CreateProcessA,
       (LPCSTR lpApplicationName, LPSTR lpCommandLine,
        LPSECURITY_ATTRIBUTES lpProcessAttributes,
        LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles,
        DWORD dwCreationFlags, LPVOID lpEnvironment, LPCSTR lpCurrentDirectory,
        LPSTARTUPINFOA lpStartupInfo,
        LPPROCESS_INFORMATION lpProcessInformation),
       (lpApplicationName, lpCommandLine, lpProcessAttributes,
        lpThreadAttributes, bInheritHandles, dwCreationFlags, lpEnvironment,
        lpCurrentDirectory, lpStartupInfo, lpProcessInformation))
{
    struct spawn_ctx *c;
    struct wipc_object *proc = NULL;
    DWORD pid = 0, err;
    int in_job = 0;

    /* Whatever the outcome, PROCESS_INFORMATION starts zeroed: a failed
     * call leaves all four fields 0, as Windows does (Wine's
     * process.c:945-948, which Windows passes). */
    if (lpProcessInformation)
        memset(lpProcessInformation, 0, sizeof *lpProcessInformation);
    if (!lpStartupInfo || !lpProcessInformation)
        return api_fail(ERROR_NOACCESS);
    if (!lpApplicationName && !lpCommandLine)
        return api_fail(ERROR_PATH_NOT_FOUND);
    if (dwCreationFlags & (DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS))
        return api_fail(ERROR_NOT_SUPPORTED);
    /* "This flag cannot be used with DETACHED_PROCESS" (CREATE_NEW_CONSOLE,
     * Process Creation Flags).  Wine 8 accepts the pair; the documentation
     * is the reference, and Windows refuses it. */
    if ((dwCreationFlags & (CREATE_NEW_CONSOLE | DETACHED_PROCESS)) ==
        (CREATE_NEW_CONSOLE | DETACHED_PROCESS))
        return api_fail(ERROR_INVALID_PARAMETER);
    /* Alone, each is accepted.  A detached child leaves the terminal, its
     * console (docs/processes.md, "Consoles"), and without
     * STARTF_USESTDHANDLES has no standard handles, as on Windows
     * (spawn_std).  CREATE_NEW_CONSOLE cannot open a new terminal: the
     * child shares this process's. */
    c = calloc(1, sizeof *c);
    if (!c)
        return api_fail(ERROR_NOT_ENOUGH_MEMORY);
    err = spawn_prepare(c, lpApplicationName, lpCommandLine, bInheritHandles,
                        dwCreationFlags, lpEnvironment, lpCurrentDirectory,
                        lpStartupInfo);
    c->req.suspended = (dwCreationFlags & CREATE_SUSPENDED) != 0;
    c->req.new_pgroup = (dwCreationFlags & CREATE_NEW_PROCESS_GROUP) != 0;
    c->req.detach_tty = (dwCreationFlags & DETACHED_PROCESS) != 0;
    spawn_priority(dwCreationFlags, &c->req);
    /* A process in a job has its children in it, unless it may break
     * away (process/job.h). */
    if (!err)
        err = wipc_job_spawn_check(
            (dwCreationFlags & CREATE_BREAKAWAY_FROM_JOB) != 0,
            &c->req.new_pgroup, &c->req.join_pgroup, &in_job);
    if (!err) {
        err = wipc_process_spawn(&c->req, &c->inh, &proc, &pid);
        if (err && in_job)
            wipc_job_spawn_undo(c->req.join_pgroup);
        else if (in_job)
            wipc_job_spawned(proc, c->req.join_pgroup);
    }
    if (!err) {
        wipc_process_set_image(proc, c->path);
        wipc_process_set_parent(proc, c->parent_pid);
    }
    spawn_ctx_free(c);
    free(c);
    if (!err)
        err = spawn_publish(proc, pid, lpProcessAttributes,
                            lpThreadAttributes, lpProcessInformation);
    return api_result(err);
}

/* ---- Process handles ----------------------------------------------------- */

API_FN(PROCESS, BOOL, GetExitCodeProcess,
       (HANDLE hProcess, LPDWORD lpExitCode),
       (hProcess, lpExitCode))
{
    struct wipc_object *obj;
    ACCESS_MASK granted = 0;
    DWORD err = wipc_handle_ref(hProcess, &wipc_process_ops, 0, &obj, &granted);
    if (err)
        return api_fail(err);
    /* Either query right will do (a handle opened with SYNCHRONIZE alone
     * may wait, not ask). */
    if (!(granted & (PROCESS_QUERY_INFORMATION |
                     PROCESS_QUERY_LIMITED_INFORMATION))) {
        wipc_object_release(obj);
        return api_fail(ERROR_ACCESS_DENIED);
    }
    if (!lpExitCode) {
        wipc_object_release(obj);
        return api_fail(ERROR_NOACCESS);
    }
    *lpExitCode = wipc_process_exit_code(obj);
    wipc_object_release(obj);
    return TRUE;
}

API_FN(PROCESS, BOOL, TerminateProcess,
       (HANDLE hProcess, UINT uExitCode),
       (hProcess, uExitCode))
{
    struct wipc_object *obj;
    DWORD err = wipc_handle_ref(hProcess, &wipc_process_ops,
                                PROCESS_TERMINATE, &obj, NULL);
    if (err)
        return api_fail(err);
    err = wipc_process_terminate(obj, uExitCode);
    wipc_object_release(obj);
    return api_result(err);
}

API_FN_NORETURN(PROCESS, ExitProcess, (UINT uExitCode), (uExitCode))
{
    wipc_plat_exit_process(uExitCode);
}

API_FN(PROCESS, HANDLE, OpenProcess,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwProcessId),
       (dwDesiredAccess, bInheritHandle, dwProcessId))
{
    struct wipc_object *obj = NULL;
    DWORD err;

    if (dwProcessId == 0) {
        SetLastError(ERROR_INVALID_PARAMETER); /* the idle process */
        return NULL;
    }
    err = wipc_process_get(dwProcessId, -1, &obj);
    return api_open_result(err, obj, dwDesiredAccess, bInheritHandle);
}
