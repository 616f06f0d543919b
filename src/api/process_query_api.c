/*
 * process_query_api.c: what programs ask about a process: its command
 * line, its program, its times, its priority class, whether it is a WOW64
 * process; and the attribute lists of CreateProcess with
 * EXTENDED_STARTUPINFO_PRESENT.
 */
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "../platform/platform_sys.h"
#include "../process/startup.h"
#include "api.h"

#include <winternl.h>

/* A process handle with one of the query rights (Windows: either
 * PROCESS_QUERY_INFORMATION or PROCESS_QUERY_LIMITED_INFORMATION). */
static DWORD query_ref(HANDLE h, struct wipc_object **obj)
{
    ACCESS_MASK granted = 0;
    DWORD err = wipc_handle_ref(h, &wipc_process_ops, 0, obj, &granted);
    if (err)
        return err;
    if (!(granted & (PROCESS_QUERY_INFORMATION |
                     PROCESS_QUERY_LIMITED_INFORMATION))) {
        wipc_object_release(*obj);
        return ERROR_ACCESS_DENIED;
    }
    return 0;
}

/* ---- GetCommandLineA ----------------------------------------------------- */

static char *cmdline_text;
static once_flag cmdline_once = ONCE_FLAG_INIT;

/* Appends arg to out at *n, quoted as Windows' runtime would split it back
 * (CommandLineToArgvW's rules): in quotes when it is empty or holds a
 * blank or a quote, backslashes doubled before a quote. */
static void cmdline_append(char *out, size_t *n, const char *arg)
{
    int quote = !*arg || strpbrk(arg, " \t\"") != NULL;
    size_t bs = 0;

    if (*n)
        out[(*n)++] = ' ';
    if (quote)
        out[(*n)++] = '"';
    for (const char *p = arg; *p; p++) {
        if (*p == '\\') {
            bs++;
        } else {
            if (*p == '"')
                for (bs++; bs; bs--) /* 2n + 1 backslashes, then the quote */
                    out[(*n)++] = '\\';
            bs = 0;
        }
        out[(*n)++] = *p;
    }
    if (quote) {
        for (; bs; bs--) /* doubled before the closing quote */
            out[(*n)++] = '\\';
        out[(*n)++] = '"';
    }
}

/* The command line a winipc parent gave, or one made from argv (a program
 * started from a shell). */
static void cmdline_make(void)
{
    const struct wipc_startup *st = wipc_startup_get();
    static char empty[1];
    size_t len = 0, n = 0, cap = 64 * 1024;
    char *raw, *out;

    if (st->cmdline) {
        cmdline_text = st->cmdline;
        return;
    }
    cmdline_text = empty;
    raw = malloc(cap);
    if (!raw || wipc_plat_self_cmdline(raw, cap - 1, &len) != 0 ||
        !(out = malloc(3 * len + 3))) {
        free(raw);
        return;
    }
    raw[len] = '\0';
    for (size_t i = 0; i < len; i += strlen(raw + i) + 1)
        cmdline_append(out, &n, raw + i);
    out[n] = '\0';
    free(raw);
    cmdline_text = out;
}

API_FN0(ENV, LPSTR, GetCommandLineA)
{
    call_once(&cmdline_once, cmdline_make);
    return cmdline_text;
}

/* ---- The program of a process --------------------------------------------- */

/*
 * GetModuleFileNameA: the program's path for NULL or the program's module
 * (GetModuleHandleA(NULL)).  A buffer too small gets as much as fits with a
 * NUL, the result is nSize and the error ERROR_INSUFFICIENT_BUFFER
 * (Windows Vista and later, per the documentation).  Other modules (the
 * system DLLs winipc plays) have no file: ERROR_MOD_NOT_FOUND.
 */
API_FN(PROCESS, DWORD, GetModuleFileNameA,
       (HMODULE hModule, LPSTR lpFilename, DWORD nSize),
       (hModule, lpFilename, nSize))
{
    char path[4096];
    void *main = NULL;
    size_t len;
    DWORD err;

    wipc_plat_module_main(&main);
    if (hModule && hModule != (HMODULE)main) {
        SetLastError(ERROR_MOD_NOT_FOUND);
        return 0;
    }
    err = wipc_plat_exe_path(path, sizeof path);
    if (err) {
        SetLastError(err);
        return 0;
    }
    len = strlen(path);
    if (len < nSize) {
        memcpy(lpFilename, path, len + 1);
        return (DWORD)len;
    }
    if (nSize) {
        memcpy(lpFilename, path, nSize - 1);
        lpFilename[nSize - 1] = '\0';
    }
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return nSize;
}

/*
 * The NT device form of a program's path, as PROCESS_NAME_NATIVE and
 * GetProcessImageFileName give it on Windows
 * ("\Device\HarddiskVolume3\Windows\notepad.exe").  Linux has one file
 * tree, whatever its mounts: winipc names it volume 1, so the device form is
 * "\Device\HarddiskVolume1" and the Linux path with '\' for '/'
 * (/usr/bin/x: \Device\HarddiskVolume1\usr\bin\x).  In place: path has
 * room for cap bytes and holds *len of them.
 */
#define QUERY_NT_VOLUME "\\Device\\HarddiskVolume1"

static DWORD query_native_form(char *path, size_t cap, size_t *len)
{
    size_t pre = sizeof QUERY_NT_VOLUME - 1;

    if (*len + pre >= cap)
        return ERROR_INSUFFICIENT_BUFFER;
    memmove(path + pre, path, *len + 1);
    memcpy(path, QUERY_NT_VOLUME, pre);
    *len += pre;
    for (char *c = path + pre; *c; c++)
        if (*c == '/')
            *c = '\\';
    return 0;
}

/*
 * QueryFullProcessImageNameA: *lpdwSize is the buffer's size in
 * characters; on success the path's length.  A buffer too small leaves
 * buffer and size alone (ERROR_INSUFFICIENT_BUFFER), even without a
 * buffer; no buffer with a size large enough is ERROR_INVALID_PARAMETER
 * (Wine's test_QueryFullProcessImageNameA, which Windows passes).
 * PROCESS_NAME_NATIVE gives the device form (query_native_form).
 */
API_FN(PROCESS, BOOL, QueryFullProcessImageNameA,
       (HANDLE hProcess, DWORD dwFlags, LPSTR lpExeName, PDWORD lpdwSize),
       (hProcess, dwFlags, lpExeName, lpdwSize))
{
    struct wipc_object *obj;
    char path[4096];
    size_t len = 0;
    DWORD err;

    if ((dwFlags & ~PROCESS_NAME_NATIVE) || !lpdwSize)
        return api_fail(ERROR_INVALID_PARAMETER);
    if ((err = query_ref(hProcess, &obj)) != 0)
        return api_fail(err);
    err = wipc_process_image(obj, path, sizeof path, &len);
    wipc_object_release(obj);
    if (!err && (dwFlags & PROCESS_NAME_NATIVE))
        err = query_native_form(path, sizeof path, &len);
    /* Too small comes first, a missing buffer after (Wine 8 answers so). */
    if (!err && len >= *lpdwSize)
        err = ERROR_INSUFFICIENT_BUFFER;
    else if (!err && !lpExeName)
        err = ERROR_INVALID_PARAMETER;
    if (err)
        return api_fail(err);
    memcpy(lpExeName, path, len + 1);
    *lpdwSize = (DWORD)len;
    return TRUE;
}

/* The length copied, or 0 (ERROR_INSUFFICIENT_BUFFER when it does not fit
 * with its NUL).  The device form, as on Windows (query_native_form). */
API_FN(PROCESS, DWORD, GetProcessImageFileNameA,
       (HANDLE hProcess, LPSTR lpImageFileName, DWORD nSize),
       (hProcess, lpImageFileName, nSize))
{
    struct wipc_object *obj;
    char path[4096];
    size_t len = 0;
    DWORD err;

    if ((err = query_ref(hProcess, &obj)) != 0) {
        SetLastError(err);
        return 0;
    }
    err = wipc_process_image(obj, path, sizeof path, &len);
    wipc_object_release(obj);
    if (!err)
        err = query_native_form(path, sizeof path, &len);
    if (!err && (!lpImageFileName || len >= nSize))
        err = ERROR_INSUFFICIENT_BUFFER;
    if (err) {
        SetLastError(err);
        return 0;
    }
    memcpy(lpImageFileName, path, len + 1);
    return (DWORD)len;
}

API_FN(PROCESS, DWORD, K32GetProcessImageFileNameA,
       (HANDLE hProcess, LPSTR lpImageFileName, DWORD nSize),
       (hProcess, lpImageFileName, nSize))
{
    return GetProcessImageFileNameA(hProcess, lpImageFileName, nSize);
}

/* ---- WOW64, times, priority -------------------------------------------- */

/* No process is a 32-bit one under a 64-bit system's emulation here. */
API_FN(PROCESS, BOOL, IsWow64Process,
       (HANDLE hProcess, PBOOL Wow64Process),
       (hProcess, Wow64Process))
{
    struct wipc_object *obj;
    DWORD err = query_ref(hProcess, &obj);
    if (err)
        return api_fail(err);
    wipc_object_release(obj);
    if (!Wow64Process)
        return api_fail(ERROR_NOACCESS);
    *Wow64Process = FALSE;
    return TRUE;
}

static void to_filetime(uint64_t v, LPFILETIME ft)
{
    ft->dwLowDateTime = (DWORD)v;
    ft->dwHighDateTime = (DWORD)(v >> 32);
}

/* Creation and exit as FILETIMEs (exit 0 while it runs), kernel and user
 * time in 100 ns units, from the kernel's accounting (clock ticks). */
API_FN(PROCESS, BOOL, GetProcessTimes,
       (HANDLE hProcess, LPFILETIME lpCreationTime, LPFILETIME lpExitTime,
        LPFILETIME lpKernelTime, LPFILETIME lpUserTime),
       (hProcess, lpCreationTime, lpExitTime, lpKernelTime, lpUserTime))
{
    struct wipc_object *obj;
    struct wipc_proc_times t;
    uint64_t exit_time = 0;
    DWORD err;

    if (!lpCreationTime || !lpExitTime || !lpKernelTime || !lpUserTime)
        return api_fail(ERROR_NOACCESS);
    if ((err = query_ref(hProcess, &obj)) != 0)
        return api_fail(err);
    wipc_process_times(obj, &t, &exit_time);
    wipc_object_release(obj);
    to_filetime(t.creation, lpCreationTime);
    to_filetime(exit_time, lpExitTime);
    to_filetime(t.kernel, lpKernelTime);
    to_filetime(t.user, lpUserTime);
    return TRUE;
}

/* The classes and the nice values they are (as CreateProcessA sets them,
 * docs/processes.md), highest nice first. */
static const struct {
    DWORD cls;
    int nice;
} priority_classes[] = {
    {IDLE_PRIORITY_CLASS, 19},         {BELOW_NORMAL_PRIORITY_CLASS, 10},
    {NORMAL_PRIORITY_CLASS, 0},        {ABOVE_NORMAL_PRIORITY_CLASS, -5},
    {HIGH_PRIORITY_CLASS, -10},        {REALTIME_PRIORITY_CLASS, -20},
};
#define N_CLASSES (sizeof priority_classes / sizeof priority_classes[0])

/* The class whose nice value is nearest (ties to the lower priority). */
static DWORD priority_class_of(int nice)
{
    size_t best = 0;
    for (size_t i = 1; i < N_CLASSES; i++) {
        int d = abs(priority_classes[i].nice - nice);
        if (d < abs(priority_classes[best].nice - nice))
            best = i;
    }
    return priority_classes[best].cls;
}

LONG api_base_priority(int nice)
{
    switch (priority_class_of(nice)) {
    case IDLE_PRIORITY_CLASS:
        return 4;
    case BELOW_NORMAL_PRIORITY_CLASS:
        return 6;
    case ABOVE_NORMAL_PRIORITY_CLASS:
        return 10;
    case HIGH_PRIORITY_CLASS:
        return 13;
    case REALTIME_PRIORITY_CLASS:
        return 24;
    default:
        return 8;
    }
}

API_FN(PROCESS, DWORD, GetPriorityClass, (HANDLE hProcess), (hProcess))
{
    struct wipc_object *obj;
    int nice = 0;
    DWORD err = query_ref(hProcess, &obj);

    if (!err) {
        err = wipc_plat_get_nice(wipc_process_id(obj), &nice);
        wipc_object_release(obj);
    }
    if (err) {
        SetLastError(err);
        return 0;
    }
    return priority_class_of(nice);
}

/*
 * The class becomes the nice value of every thread of the process.  A
 * value below the process's own needs privilege (CAP_SYS_NICE or
 * RLIMIT_NICE): without it the process gets the lowest it may have, never
 * past its current value, and the call succeeds, as Windows gives HIGH for
 * REALTIME to a caller without SeIncreaseBasePriorityPrivilege.
 */
API_FN(PROCESS, BOOL, SetPriorityClass,
       (HANDLE hProcess, DWORD dwPriorityClass),
       (hProcess, dwPriorityClass))
{
    struct wipc_object *obj;
    int want = 0, cur = 0, floor = -20;
    size_t i;
    DWORD pid, err;

    for (i = 0; i < N_CLASSES; i++)
        if (priority_classes[i].cls == dwPriorityClass)
            break;
    if (i == N_CLASSES)
        return api_fail(ERROR_INVALID_PARAMETER);
    want = priority_classes[i].nice;
    err = wipc_handle_ref(hProcess, &wipc_process_ops,
                          PROCESS_SET_INFORMATION, &obj, NULL);
    if (err)
        return api_fail(err);
    pid = wipc_process_id(obj);
    wipc_object_release(obj);
    if ((err = wipc_plat_get_nice(pid, &cur)) != 0 ||
        (err = wipc_plat_nice_floor(&floor)) != 0)
        return api_fail(err);
    if (want < cur && want < floor)
        want = floor < cur ? floor : cur;
    return api_result(wipc_plat_set_nice(pid, want));
}

/* ---- NtQueryInformationProcess ------------------------------------------ */

/*
 * ProcessBasicInformation, the class programs use to find a process's
 * parent (docs/processes.md, "The parent process").  The checks come in
 * Windows' order (Wine's ntdll info.c test_query_process_basic, which
 * Windows passes): the class, the length (exactly the structure's, else
 * STATUS_INFO_LENGTH_MISMATCH with ReturnLength the size needed), the
 * buffer, then the handle.  Other classes: STATUS_INVALID_INFO_CLASS
 * (winipc answers no class it cannot answer truthfully).
 */
API_FN(PROCESS, NTSTATUS, NtQueryInformationProcess,
       (HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
        PVOID ProcessInformation, ULONG ProcessInformationLength,
        PULONG ReturnLength),
       (ProcessHandle, ProcessInformationClass, ProcessInformation,
        ProcessInformationLength, ReturnLength))
{
    PROCESS_BASIC_INFORMATION pbi;
    struct wipc_object *obj;
    ACCESS_MASK granted = 0;
    uint64_t mask = 0;
    DWORD pid, parent = 0, err;
    int nice = 0;

    if (ProcessInformationClass != ProcessBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (ReturnLength)
        *ReturnLength = sizeof pbi;
    if (ProcessInformationLength != sizeof pbi)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!ProcessInformation)
        return STATUS_ACCESS_VIOLATION;
    err = wipc_handle_ref(ProcessHandle, NULL, 0, &obj, &granted);
    if (err)
        return STATUS_INVALID_HANDLE;
    if (obj->ops != &wipc_process_ops) {
        wipc_object_release(obj);
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    if (!(granted & (PROCESS_QUERY_INFORMATION |
                     PROCESS_QUERY_LIMITED_INFORMATION))) {
        wipc_object_release(obj);
        return STATUS_ACCESS_DENIED;
    }
    pid = wipc_process_id(obj);
    memset(&pbi, 0, sizeof pbi);
    pbi.ExitStatus = (NTSTATUS)wipc_process_exit_code(obj);
    if (wipc_process_parent(obj, &parent) != 0)
        parent = 0; /* ended before anyone asked: not known */
    wipc_object_release(obj);
    /* No PEB: PebBaseAddress stays NULL.  What the process has ended
     * with no longer has a mask nor a priority: 0. */
    if (wipc_plat_process_affinity(pid, &mask) == 0)
        pbi.AffinityMask = (ULONG_PTR)mask;
    if (wipc_plat_get_nice(pid, &nice) == 0)
        pbi.BasePriority = api_base_priority(nice);
    pbi.UniqueProcessId = pid;
    pbi.InheritedFromUniqueProcessId = parent;
    memcpy(ProcessInformation, &pbi, sizeof pbi);
    return STATUS_SUCCESS;
}
