/*
 * toolhelp_api.c: toolhelp snapshots (tlhelp32.h): the processes of the
 * system and their threads, as they are when the snapshot is taken.  A
 * process's entry carries the parent id Windows reports
 * (process/parent.h); docs/processes.md, "The parent process", says what
 * each field holds.
 */
#include <stdlib.h>
#include <string.h>

#include "../process/parent.h"
#include "../platform/platform_sys.h"
#include "api.h"

#include <tlhelp32.h>

struct snap_process {
    DWORD pid, parent, threads;
    LONG base;
    char name[260];
};

struct snap_thread {
    DWORD tid, pid;
    LONG base;
};

struct snapshot {
    struct wipc_object obj;
    wipc_mutex lock;
    struct snap_process *procs;
    size_t n_procs, next_proc;
    struct snap_thread *threads;
    size_t n_threads, next_thread;
};

static void snapshot_destroy(struct wipc_object *obj)
{
    struct snapshot *s = (struct snapshot *)obj;
    free(s->procs);
    free(s->threads);
    wipc_mutex_destroy(&s->lock);
    free(s);
}

/* Not waitable, as a Windows snapshot (a section) is not. */
static const struct wipc_object_ops snapshot_ops = {
    .type_name = "Section",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | SECTION_QUERY | SECTION_MAP_READ,
                STANDARD_RIGHTS_WRITE | SECTION_MAP_WRITE,
                STANDARD_RIGHTS_EXECUTE | SECTION_MAP_EXECUTE,
                SECTION_ALL_ACCESS},
    .destroy = snapshot_destroy,
};

/* The threads of process p appended to s (a process gone meanwhile has
 * none). */
static DWORD snapshot_add_threads(struct snapshot *s, size_t *cap,
                                  const struct snap_process *p)
{
    DWORD *tids = NULL;
    size_t n = 0;

    if (wipc_plat_process_threads(p->pid, &tids, &n) != 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s->n_threads == *cap) {
            size_t nc = *cap ? *cap * 2 : 1024;
            struct snap_thread *nt = realloc(s->threads, nc * sizeof *nt);
            if (!nt) {
                free(tids);
                return ERROR_NOT_ENOUGH_MEMORY;
            }
            s->threads = nt;
            *cap = nc;
        }
        s->threads[s->n_threads].tid = tids[i];
        s->threads[s->n_threads].pid = p->pid;
        s->threads[s->n_threads++].base = p->base;
    }
    free(tids);
    return 0;
}

static DWORD snapshot_take(struct snapshot *s, DWORD flags)
{
    DWORD *pids = NULL, err;
    size_t n = 0, cap_threads = 0;

    if ((err = wipc_plat_process_ids(&pids, &n)) != 0)
        return err;
    s->procs = calloc(n ? n : 1, sizeof *s->procs);
    if (!s->procs) {
        free(pids);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (size_t i = 0; i < n && !err; i++) {
        struct wipc_proc_brief b;
        struct snap_process *p = &s->procs[s->n_procs];

        if (wipc_plat_process_brief(pids[i], &b) != 0)
            continue; /* gone since it was listed */
        p->pid = pids[i];
        p->threads = b.threads;
        p->base = api_base_priority(b.nice);
        memcpy(p->name, b.name, sizeof p->name);
        if (wipc_parent_of(pids[i], &p->parent) != 0)
            p->parent = b.ppid;
        if (flags & TH32CS_SNAPTHREAD)
            err = snapshot_add_threads(s, &cap_threads, p);
        s->n_procs++;
    }
    free(pids);
    if (!(flags & TH32CS_SNAPPROCESS))
        s->n_procs = 0; /* only the threads were asked for */
    return err;
}

/*
 * TH32CS_SNAPPROCESS and TH32CS_SNAPTHREAD (th32ProcessID is not used by
 * either).  Heaps and modules are Windows DLL images' and heaps' lists,
 * which a Linux process does not have in that form: ERROR_NOT_SUPPORTED
 * rather than an empty list.
 */
API_FN(PROCESS, HANDLE, CreateToolhelp32Snapshot,
       (DWORD dwFlags, DWORD th32ProcessID), (dwFlags, th32ProcessID))
{
    struct snapshot *s;
    HANDLE h;
    DWORD err;

    (void)th32ProcessID;
    if (dwFlags & (TH32CS_SNAPHEAPLIST | TH32CS_SNAPMODULE |
                   TH32CS_SNAPMODULE32)) {
        SetLastError(ERROR_NOT_SUPPORTED);
        return INVALID_HANDLE_VALUE;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    wipc_object_init(&s->obj, &snapshot_ops);
    wipc_mutex_init(&s->lock);
    err = snapshot_take(s, dwFlags);
    if (!err)
        err = api_publish(&s->obj,
                          SECTION_ALL_ACCESS,
                          (dwFlags & TH32CS_INHERIT) ? HANDLE_FLAG_INHERIT : 0,
                          &h);
    else
        wipc_object_release(&s->obj);
    if (err) {
        SetLastError(err);
        return INVALID_HANDLE_VALUE;
    }
    return h;
}

/* The snapshot behind h (a reference), or an error. */
static DWORD snapshot_ref(HANDLE h, struct snapshot **s)
{
    struct wipc_object *obj;
    DWORD err = wipc_handle_ref(h, &snapshot_ops, 0, &obj, NULL);
    if (!err)
        *s = (struct snapshot *)obj;
    return err;
}

/* Copies the next process entry of h (the first: first) into *out, its
 * name in name (cap bytes).  ERROR_NO_MORE_FILES past the last. */
static DWORD snapshot_next_process(HANDLE h, int first,
                                   struct snap_process *out)
{
    struct snapshot *s;
    DWORD err = snapshot_ref(h, &s);

    if (err)
        return err;
    wipc_mutex_lock(&s->lock);
    if (first)
        s->next_proc = 0;
    if (s->next_proc < s->n_procs)
        *out = s->procs[s->next_proc++];
    else
        err = ERROR_NO_MORE_FILES;
    wipc_mutex_unlock(&s->lock);
    wipc_object_release(&s->obj);
    return err;
}

/* The fields both PROCESSENTRY32 forms share (not the name). */
#define SNAP_FILL(e, p)                                                        \
    do {                                                                       \
        (e)->cntUsage = 0;                                                     \
        (e)->th32ProcessID = (p).pid;                                          \
        (e)->th32DefaultHeapID = 0;                                            \
        (e)->th32ModuleID = 0;                                                 \
        (e)->cntThreads = (p).threads;                                         \
        (e)->th32ParentProcessID = (p).parent;                                 \
        (e)->pcPriClassBase = (p).base;                                        \
        (e)->dwFlags = 0;                                                      \
    } while (0)

static BOOL process32_a(HANDLE h, LPPROCESSENTRY32 e, int first)
{
    struct snap_process p;
    DWORD err;

    if (!e)
        return api_fail(ERROR_NOACCESS);
    if (e->dwSize < sizeof *e)
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    if ((err = snapshot_next_process(h, first, &p)) != 0)
        return api_fail(err);
    SNAP_FILL(e, p);
    memcpy(e->szExeFile, p.name, sizeof e->szExeFile);
    e->szExeFile[sizeof e->szExeFile - 1] = '\0';
    return TRUE;
}

static BOOL process32_w(HANDLE h, LPPROCESSENTRY32W e, int first)
{
    struct snap_process p;
    size_t units = 0;
    DWORD err;

    if (!e)
        return api_fail(ERROR_NOACCESS);
    if (e->dwSize < sizeof *e)
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    if ((err = snapshot_next_process(h, first, &p)) != 0)
        return api_fail(err);
    SNAP_FILL(e, p);
    wipc_utf8_to_utf16(p.name, strlen(p.name) + 1, e->szExeFile, MAX_PATH,
                       WIPC_UTF_NAME, &units);
    e->szExeFile[MAX_PATH - 1] = 0;
    return TRUE;
}

API_FN(PROCESS, BOOL, Process32First, (HANDLE hSnapshot, LPPROCESSENTRY32 lppe),
       (hSnapshot, lppe))
{
    return process32_a(hSnapshot, lppe, 1);
}

API_FN(PROCESS, BOOL, Process32Next, (HANDLE hSnapshot, LPPROCESSENTRY32 lppe),
       (hSnapshot, lppe))
{
    return process32_a(hSnapshot, lppe, 0);
}

API_FN(PROCESS, BOOL, Process32FirstW,
       (HANDLE hSnapshot, LPPROCESSENTRY32W lppe), (hSnapshot, lppe))
{
    return process32_w(hSnapshot, lppe, 1);
}

API_FN(PROCESS, BOOL, Process32NextW,
       (HANDLE hSnapshot, LPPROCESSENTRY32W lppe), (hSnapshot, lppe))
{
    return process32_w(hSnapshot, lppe, 0);
}

static BOOL thread32(HANDLE h, LPTHREADENTRY32 e, int first)
{
    struct snapshot *s;
    struct snap_thread t;
    DWORD err;

    if (!e)
        return api_fail(ERROR_NOACCESS);
    if (e->dwSize < sizeof *e)
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    if ((err = snapshot_ref(h, &s)) != 0)
        return api_fail(err);
    wipc_mutex_lock(&s->lock);
    if (first)
        s->next_thread = 0;
    if (s->next_thread < s->n_threads)
        t = s->threads[s->next_thread++];
    else
        err = ERROR_NO_MORE_FILES;
    wipc_mutex_unlock(&s->lock);
    wipc_object_release(&s->obj);
    if (err)
        return api_fail(err);
    e->cntUsage = 0;
    e->th32ThreadID = t.tid;
    e->th32OwnerProcessID = t.pid;
    e->tpBasePri = t.base;
    e->tpDeltaPri = 0; /* THREAD_PRIORITY_NORMAL */
    e->dwFlags = 0;
    return TRUE;
}

API_FN(PROCESS, BOOL, Thread32First, (HANDLE hSnapshot, LPTHREADENTRY32 lpte),
       (hSnapshot, lpte))
{
    return thread32(hSnapshot, lpte, 1);
}

API_FN(PROCESS, BOOL, Thread32Next, (HANDLE hSnapshot, LPTHREADENTRY32 lpte),
       (hSnapshot, lpte))
{
    return thread32(hSnapshot, lpte, 0);
}
