/*
 * process_parent_id: the parent process id Windows reports, through
 * NtQueryInformationProcess(ProcessBasicInformation)
 * .InheritedFromUniqueProcessId and the toolhelp snapshot's
 * th32ParentProcessID (Microsoft's NtQueryInformationProcess and
 * CreateToolhelp32Snapshot / Process32First documentation; Wine's
 * process.c test_Toolhelp and test_parent_process_attribute).  A child's
 * parent is its creator, or the process PROC_THREAD_ATTRIBUTE_PARENT_PROCESS
 * named, and stays so after that process has ended.  Children answer
 * through their exit code.
 */
#include <tchar.h>
#include <windows.h>
#include <tlhelp32.h>
#include <winternl.h>

#include "conformance.h"

static const char *self;

/* Found as programs find it, in ntdll (MinGW links no ntdll by default). */
typedef NTSTATUS(NTAPI *query_fn)(HANDLE, PROCESSINFOCLASS, PVOID, ULONG,
                                  PULONG);
static query_fn query;

static void find_query(void)
{
    query = (query_fn)(void (*)(void))GetProcAddress(
        GetModuleHandleA("ntdll.dll"), "NtQueryInformationProcess");
}

static unsigned lower(TCHAR c)
{
    unsigned u = (unsigned)c;
    return u >= 'A' && u <= 'Z' ? u + 32 : u;
}

static int same_name(const TCHAR *a, const TCHAR *b)
{
    for (; *a && *b; a++, b++)
        if (lower(*a) != lower(*b))
            return 0;
    return *a == *b;
}

static DWORD my_parent(void)
{
    PROCESS_BASIC_INFORMATION pbi;
    if (query(GetCurrentProcess(), ProcessBasicInformation,
                                  &pbi, sizeof pbi, NULL) != 0)
        return 0xdead;
    return (DWORD)pbi.InheritedFromUniqueProcessId;
}

static void read_to_end(void)
{
    char buf[16];
    DWORD n;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n,
                    NULL) &&
           n)
        ;
}

/* Starts "self ARG" with in (if not NULL) as its inherited standard
 * input, and the attribute list's parent if parent is not NULL. */
static BOOL start(const char *arg, HANDLE in, HANDLE *parent,
                  PROCESS_INFORMATION *pi)
{
    STARTUPINFOEXA si;
    SIZE_T size = 0;
    char cmd[600];
    BOOL ok;

    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = parent ? sizeof si : sizeof si.StartupInfo;
    if (in) {
        si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
        si.StartupInfo.hStdInput = in;
        si.StartupInfo.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
        si.StartupInfo.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    }
    if (parent) {
        InitializeProcThreadAttributeList(NULL, 1, 0, &size);
        si.lpAttributeList = malloc(size);
        InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size);
        UpdateProcThreadAttribute(si.lpAttributeList, 0,
                                  PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, parent,
                                  sizeof *parent, NULL, NULL);
    }
    snprintf(cmd, sizeof cmd, "\"%s\" %s", self, arg);
    ok = CreateProcessA(NULL, cmd, NULL, NULL, in != NULL,
                        parent ? EXTENDED_STARTUPINFO_PRESENT : 0, NULL, NULL,
                        &si.StartupInfo, pi);
    if (parent) {
        DeleteProcThreadAttributeList(si.lpAttributeList);
        free(si.lpAttributeList);
    }
    return ok;
}

static DWORD wait_code(PROCESS_INFORMATION *pi)
{
    DWORD code = 0xdead;
    WaitForSingleObject(pi->hProcess, 60000);
    GetExitCodeProcess(pi->hProcess, &code);
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
    return code;
}

/* The parent toolhelp reports for pid (0xdead: not listed). */
static DWORD toolhelp_parent(DWORD pid, PROCESSENTRY32 *pe)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    DWORD found = 0xdead;

    memset(pe, 0, sizeof *pe);
    pe->dwSize = sizeof *pe;
    if (snap == INVALID_HANDLE_VALUE)
        return found;
    for (BOOL ok = Process32First(snap, pe); ok; ok = Process32Next(snap, pe))
        if (pe->th32ProcessID == pid) {
            found = pe->th32ParentProcessID;
            break;
        }
    CloseHandle(snap);
    return found;
}

static void show_status(const char *label, NTSTATUS st)
{
    printf("%s: 0x%08lx\n", label, (unsigned long)(ULONG)st);
}

int main(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_BASIC_INFORMATION pbi;
    PROCESS_INFORMATION pi, waiter;
    PROCESSENTRY32 pe;
    THREADENTRY32 te;
    HANDLE rd, wr, h, snap;
    ULONG len;
    DWORD code, spawner, grandchild, n;
    TCHAR name[MAX_PATH], *base;
    BOOL ok, seen;

    self = argv[0];
    find_query();
    if (argc == 2 && strcmp(argv[1], "parent") == 0)
        return (int)my_parent();
    if (argc == 2 && strcmp(argv[1], "wait_parent") == 0) {
        read_to_end();
        return (int)my_parent();
    }
    if (argc == 2 && strcmp(argv[1], "spawn") == 0) {
        if (!start("wait_parent", GetStdHandle(STD_INPUT_HANDLE), NULL, &pi))
            return 0;
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        return (int)pi.dwProcessId;
    }

    SECTION("NtQueryInformationProcess(ProcessBasicInformation)");
    len = 0;
    memset(&pbi, 0xcc, sizeof pbi);
    show_status("this process",
                query(GetCurrentProcess(),
                                          ProcessBasicInformation, &pbi,
                                          sizeof pbi, &len));
    CHECK_TRUE("ReturnLength is the structure's size", len == sizeof pbi);
    CHECK_TRUE("UniqueProcessId is this process's id",
               pbi.UniqueProcessId == GetCurrentProcessId());
    CHECK_TRUE("ExitStatus is STILL_ACTIVE", pbi.ExitStatus == STILL_ACTIVE);
    CHECK_TRUE("AffinityMask is not 0", pbi.AffinityMask != 0);
    show_status("an unknown class",
                query(NULL, (PROCESSINFOCLASS)-1, NULL, 0,
                                          NULL));
    show_status("length 0", query(
                                NULL, ProcessBasicInformation, NULL, 0, NULL));
    len = 0;
    show_status("twice the length",
                query(GetCurrentProcess(),
                                          ProcessBasicInformation, &pbi,
                                          sizeof pbi * 2, &len));
    CHECK_TRUE("ReturnLength then is the structure's size",
               len == sizeof pbi);
    show_status("a NULL handle",
                query(NULL, ProcessBasicInformation, &pbi,
                                          sizeof pbi, NULL));
    h = CreateEventA(NULL, TRUE, FALSE, NULL);
    show_status("an event handle",
                query(h, ProcessBasicInformation, &pbi,
                                          sizeof pbi, NULL));
    CloseHandle(h);
    h = OpenProcess(SYNCHRONIZE, FALSE, GetCurrentProcessId());
    show_status("a handle with SYNCHRONIZE only",
                query(h, ProcessBasicInformation, &pbi,
                                          sizeof pbi, NULL));
    CloseHandle(h);
    h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                    GetCurrentProcessId());
    show_status("a handle with PROCESS_QUERY_LIMITED_INFORMATION",
                query(h, ProcessBasicInformation, &pbi,
                                          sizeof pbi, NULL));
    CloseHandle(h);

    SECTION("a child");
    CHECK_TRUE("CreateProcessA", start("parent", NULL, NULL, &pi));
    WaitForSingleObject(pi.hProcess, 60000);
    GetExitCodeProcess(pi.hProcess, &code);
    CHECK_TRUE("the child's parent is this process",
               code == GetCurrentProcessId());
    show_status("the ended child asked",
                query(pi.hProcess, ProcessBasicInformation,
                                          &pbi, sizeof pbi, NULL));
    CHECK_TRUE("its InheritedFromUniqueProcessId is this process",
               pbi.InheritedFromUniqueProcessId == GetCurrentProcessId());
    CHECK_TRUE("its ExitStatus is its exit code", (DWORD)pbi.ExitStatus == code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    SECTION("a grandchild whose parent has ended");
    CreatePipe(&rd, &wr, &sa, 0);
    SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
    CHECK_TRUE("CreateProcessA(spawner)", start("spawn", rd, NULL, &pi));
    spawner = pi.dwProcessId;
    grandchild = wait_code(&pi);
    CloseHandle(rd);
    h = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE,
                    grandchild);
    CHECK_TRUE("OpenProcess(grandchild)", h != NULL);
    show_status("NtQueryInformationProcess(grandchild)",
                query(h, ProcessBasicInformation, &pbi,
                                          sizeof pbi, NULL));
    CHECK_TRUE("its parent is the spawner",
               pbi.InheritedFromUniqueProcessId == spawner);
    CHECK_TRUE("toolhelp: its parent is the spawner",
               toolhelp_parent(grandchild, &pe) == spawner);
    CloseHandle(wr);
    WaitForSingleObject(h, 60000);
    code = 0xdead;
    GetExitCodeProcess(h, &code);
    CHECK_TRUE("the grandchild's own answer is the spawner", code == spawner);
    CloseHandle(h);

    SECTION("PROC_THREAD_ATTRIBUTE_PARENT_PROCESS");
    CreatePipe(&rd, &wr, &sa, 0);
    SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
    CHECK_TRUE("CreateProcessA(waiter)", start("wait_parent", rd, NULL, &waiter));
    CloseHandle(rd);
    CHECK_TRUE("CreateProcessA(child of the waiter)",
               start("parent", NULL, &waiter.hProcess, &pi));
    WaitForSingleObject(pi.hProcess, 60000);
    GetExitCodeProcess(pi.hProcess, &code);
    CHECK_TRUE("the child's parent is the waiter",
               code == waiter.dwProcessId);
    query(pi.hProcess, ProcessBasicInformation, &pbi,
                              sizeof pbi, NULL);
    CHECK_TRUE("its creator sees the waiter as its parent",
               pbi.InheritedFromUniqueProcessId == waiter.dwProcessId);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(wr);
    CHECK_TRUE("the waiter's parent is this process",
               wait_code(&waiter) == GetCurrentProcessId());

    SECTION("toolhelp");
    CHECK_TRUE("this process is listed, with its parent",
               toolhelp_parent(GetCurrentProcessId(), &pe) == my_parent());
    GetModuleFileName(NULL, name, MAX_PATH);
    base = name;
    for (TCHAR *c = name; *c; c++)
        if (*c == '\\' || *c == '/')
            base = c + 1;
    CHECK_TRUE("szExeFile is its program's file name",
               same_name(pe.szExeFile, base));
    CHECK_TRUE("cntUsage, th32ModuleID, th32DefaultHeapID, dwFlags are 0",
               pe.cntUsage == 0 && pe.th32ModuleID == 0 &&
                   pe.th32DefaultHeapID == 0 && pe.dwFlags == 0);
    CHECK_TRUE("cntThreads is at least 1", pe.cntThreads >= 1);
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    memset(&pe, 0, sizeof pe);
    pe.dwSize = sizeof pe - 1;
    CHECK_BOOL("Process32First, dwSize too small", Process32First(snap, &pe));
    pe.dwSize = sizeof pe;
    n = 0;
    for (ok = Process32First(snap, &pe); ok; ok = Process32Next(snap, &pe))
        n++;
    printf("after the last: %s\n", conf_error(GetLastError()));
    CHECK_TRUE("more than one process", n > 1);
    memset(&te, 0, sizeof te);
    te.dwSize = sizeof te;
    CHECK_BOOL("Thread32First on a process snapshot", Thread32First(snap, &te));
    CloseHandle(snap);
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    seen = FALSE;
    for (ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te))
        if (te.th32ThreadID == GetCurrentThreadId())
            seen = te.th32OwnerProcessID == GetCurrentProcessId();
    CHECK_TRUE("a thread snapshot lists this thread in this process", seen);
    CHECK_BOOL("Process32First on a thread snapshot", Process32First(snap, &pe));
    CloseHandle(snap);
    CHECK_BOOL("Process32First(NULL)", Process32First(NULL, &pe));
    CONF_DONE();
}
