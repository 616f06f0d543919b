/*
 * test_process_parent.c: the parent process id Windows reports (issue 18):
 * NtQueryInformationProcess(ProcessBasicInformation).
 * InheritedFromUniqueProcessId and the toolhelp snapshot's
 * th32ParentProcessID.  On Windows a process's parent is its creator, or
 * the process PROC_THREAD_ATTRIBUTE_PARENT_PROCESS named, and the id stays
 * after that parent has ended (Wine's process.c test_Toolhelp and
 * test_parent_process_attribute, which Windows passes); Linux's parent
 * changes when the creator ends.  Expected values and statuses: Microsoft's
 * NtQueryInformationProcess and toolhelp documentation, and Wine's ntdll
 * info.c test_query_process_basic (which Windows passes).
 */
#include "testlib.h"

#include <tlhelp32.h>
#include <winternl.h>

static char self_exe[4096];

/* This process's parent as NtQueryInformationProcess reports it, or
 * 0xdead on failure. */
static DWORD my_parent(void)
{
    PROCESS_BASIC_INFORMATION pbi;
    if (NtQueryInformationProcess(GetCurrentProcess(), ProcessBasicInformation,
                                  &pbi, sizeof pbi, NULL) != STATUS_SUCCESS)
        return 0xdead;
    return (DWORD)pbi.InheritedFromUniqueProcessId;
}

/* parent: exit code = its parent id. */
static int helper_parent(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return (int)my_parent();
}

/* wait_parent: reads standard input until it ends, then exits with its
 * parent id. */
static int helper_wait_parent(int argc, char **argv)
{
    char buf[16];
    DWORD n;
    (void)argc;
    (void)argv;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n,
                    NULL) &&
           n)
        ;
    return (int)my_parent();
}

/* spawn: starts "wait_parent" with its own standard input (inherited:
 * the same pipe) and exits with that child's pid. */
static int helper_spawn(int argc, char **argv)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[8192];

    (void)argc;
    (void)argv;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper wait_parent", self_exe);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return 0;
    return (int)pi.dwProcessId;
}

/* spawn_suspended: starts "parent" suspended (never resumed) and exits
 * with its pid. */
static int helper_spawn_suspended(int argc, char **argv)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[8192];

    (void)argc;
    (void)argv;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper parent", self_exe);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL,
                        NULL, &si, &pi))
        return 0;
    return (int)pi.dwProcessId;
}

/* Runs "--helper NAME" (stdin: in, if not NULL, inherited); its exit code,
 * and its pid in *pid. */
static DWORD run_helper(const char *name, HANDLE in, DWORD *pid)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[8192];
    DWORD code = 0xdead;

    if (in) {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = in;
    }
    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s", self_exe, name);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, in != NULL, 0, NULL, NULL,
                            &si, &pi));
    if (!pi.hProcess)
        return code;
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    if (pid)
        *pid = pi.dwProcessId;
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

/* The snapshot's entry for pid (A form): 1 if found. */
static int snapshot_find(DWORD pid, PROCESSENTRY32 *out)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    int found = 0;

    CHECK(snap != INVALID_HANDLE_VALUE);
    memset(out, 0, sizeof *out);
    out->dwSize = sizeof *out;
    for (BOOL ok = Process32First(snap, out); ok;
         ok = Process32Next(snap, out))
        if (out->th32ProcessID == pid) {
            found = 1;
            break;
        }
    CloseHandle(snap);
    return found;
}

/* ---- NtQueryInformationProcess ------------------------------------------ */

static void test_basic_information(void)
{
    PROCESS_BASIC_INFORMATION pbi;
    ULONG len = 0;
    HANDLE ev, h;
    HMODULE ntdll;
    NTSTATUS(NTAPI * fn)(HANDLE, PROCESSINFOCLASS, PVOID, ULONG, PULONG);

    memset(&pbi, 0xcc, sizeof pbi);
    CHECK_EQ(NtQueryInformationProcess(GetCurrentProcess(),
                                       ProcessBasicInformation, &pbi,
                                       sizeof pbi, &len),
             STATUS_SUCCESS);
    CHECK_EQ(len, sizeof pbi);
    CHECK_EQ(pbi.UniqueProcessId, GetCurrentProcessId());
    CHECK_EQ((DWORD)pbi.ExitStatus, STILL_ACTIVE);
    CHECK(pbi.PebBaseAddress == NULL); /* winipc has no PEB */
    CHECK(pbi.AffinityMask != 0);
    CHECK(pbi.BasePriority >= 4 && pbi.BasePriority <= 24);
    /* Started by ctest, a program that does not use winipc: the Linux
     * parent. */
    CHECK_EQ(pbi.InheritedFromUniqueProcessId, (ULONG_PTR)getppid());

    /* The checks in Windows' order: class, length, buffer, handle. */
    CHECK_EQ(NtQueryInformationProcess(NULL, (PROCESSINFOCLASS)-1, NULL, 0,
                                       NULL),
             STATUS_INVALID_INFO_CLASS);
    CHECK_EQ(NtQueryInformationProcess(GetCurrentProcess(),
                                       (PROCESSINFOCLASS)1, &pbi, sizeof pbi,
                                       NULL),
             STATUS_INVALID_INFO_CLASS);
    CHECK_EQ(NtQueryInformationProcess(NULL, ProcessBasicInformation, NULL, 0,
                                       NULL),
             STATUS_INFO_LENGTH_MISMATCH);
    len = 0;
    CHECK_EQ(NtQueryInformationProcess(GetCurrentProcess(),
                                       ProcessBasicInformation, &pbi,
                                       sizeof pbi * 2, &len),
             STATUS_INFO_LENGTH_MISMATCH);
    CHECK_EQ(len, sizeof pbi);
    CHECK_EQ(NtQueryInformationProcess(GetCurrentProcess(),
                                       ProcessBasicInformation, &pbi,
                                       sizeof pbi - 1, NULL),
             STATUS_INFO_LENGTH_MISMATCH);
    CHECK_EQ(NtQueryInformationProcess(NULL, ProcessBasicInformation, NULL,
                                       sizeof pbi, NULL),
             STATUS_ACCESS_VIOLATION);
    CHECK_EQ(NtQueryInformationProcess(NULL, ProcessBasicInformation, &pbi,
                                       sizeof pbi, NULL),
             STATUS_INVALID_HANDLE);
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_EQ(NtQueryInformationProcess(ev, ProcessBasicInformation, &pbi,
                                       sizeof pbi, NULL),
             STATUS_OBJECT_TYPE_MISMATCH);
    CloseHandle(ev);
    h = OpenProcess(SYNCHRONIZE, FALSE, GetCurrentProcessId());
    CHECK(h != NULL);
    CHECK_EQ(NtQueryInformationProcess(h, ProcessBasicInformation, &pbi,
                                       sizeof pbi, NULL),
             STATUS_ACCESS_DENIED);
    CloseHandle(h);
    h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                    GetCurrentProcessId());
    CHECK_EQ(NtQueryInformationProcess(h, ProcessBasicInformation, &pbi,
                                       sizeof pbi, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(pbi.UniqueProcessId, GetCurrentProcessId());
    CloseHandle(h);

    /* Found the way programs find it: in ntdll. */
    ntdll = GetModuleHandleA("ntdll.dll");
    CHECK(ntdll != NULL);
    fn = (NTSTATUS(NTAPI *)(HANDLE, PROCESSINFOCLASS, PVOID, ULONG,
                            PULONG))(void (*)(void))GetProcAddress(
        ntdll, "NtQueryInformationProcess");
    CHECK(fn == NtQueryInformationProcess);
}

/* A child's parent is its creator, in the child and for its creator,
 * also once it has ended. */
static void test_child_parent(void)
{
    PROCESS_INFORMATION pi;
    PROCESS_BASIC_INFORMATION pbi;
    char cmd[8192];
    DWORD code = 0;

    CHECK_EQ(run_helper("parent", NULL, NULL), GetCurrentProcessId());
    snprintf(cmd, sizeof cmd, "\"%s\" --helper parent", self_exe);
    CHECK_OK(test_spawn(cmd, FALSE, NULL, &pi));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, GetCurrentProcessId());
    CHECK_EQ(NtQueryInformationProcess(pi.hProcess, ProcessBasicInformation,
                                       &pbi, sizeof pbi, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(pbi.InheritedFromUniqueProcessId, GetCurrentProcessId());
    CHECK_EQ(pbi.UniqueProcessId, pi.dwProcessId);
    CHECK_EQ((DWORD)pbi.ExitStatus, GetCurrentProcessId()); /* its code */
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

/*
 * The parent's id stays after the parent has ended (Linux gives the
 * orphan to a subreaper or init): "spawn" starts "wait_parent" on the
 * same standard input and ends.  This process then asks about the
 * grandchild (NtQueryInformationProcess, toolhelp), and the grandchild
 * itself reports its parent once its input ends.
 */
static void test_parent_after_exit(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_BASIC_INFORMATION pbi;
    PROCESSENTRY32 pe;
    HANDLE rd, wr, g;
    DWORD spawner = 0, grandchild, code = 0xdead;

    CHECK_OK(CreatePipe(&rd, &wr, &sa, 0));
    SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
    grandchild = run_helper("spawn", rd, &spawner);
    CloseHandle(rd);
    CHECK(grandchild != 0 && grandchild != 0xdead);
    g = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE,
                    grandchild);
    CHECK(g != NULL);
    /* Its creator has ended: Linux has given it another parent. */
    {
        char path[64], buf[512];
        FILE *f;
        int ppid = 0;
        snprintf(path, sizeof path, "/proc/%lu/stat", (unsigned long)grandchild);
        f = fopen(path, "r");
        CHECK(f != NULL);
        if (f) {
            if (fgets(buf, sizeof buf, f))
                sscanf(strrchr(buf, ')') + 2, "%*c %d", &ppid);
            fclose(f);
        }
        CHECK((DWORD)ppid != spawner);
    }
    CHECK_EQ(NtQueryInformationProcess(g, ProcessBasicInformation, &pbi,
                                       sizeof pbi, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(pbi.InheritedFromUniqueProcessId, spawner);
    CHECK_EQ((DWORD)pbi.ExitStatus, STILL_ACTIVE);
    CHECK(snapshot_find(grandchild, &pe));
    CHECK_EQ(pe.th32ParentProcessID, spawner);
    CloseHandle(wr); /* its input ends: it reports and exits */
    CHECK_EQ(WaitForSingleObject(g, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(g, &code));
    CHECK_EQ(code, spawner);
    CloseHandle(g);
}

/* A child created suspended (it waits before running its program) whose
 * creator has ended: its parent is still its creator (Wine's process.c
 * test_Toolhelp, the "nested" process). */
static void test_suspended_parent_after_exit(void)
{
    PROCESS_BASIC_INFORMATION pbi;
    PROCESSENTRY32 pe;
    DWORD spawner = 0, child;
    HANDLE h;

    child = run_helper("spawn_suspended", NULL, &spawner);
    CHECK(child != 0 && child != 0xdead);
    CHECK(snapshot_find(child, &pe));
    CHECK_EQ(pe.th32ParentProcessID, spawner);
    h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_TERMINATE | SYNCHRONIZE,
                    FALSE, child);
    CHECK(h != NULL);
    CHECK_EQ(NtQueryInformationProcess(h, ProcessBasicInformation, &pbi,
                                       sizeof pbi, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(pbi.InheritedFromUniqueProcessId, spawner);
    CHECK_OK(TerminateProcess(h, 7));
    CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    CloseHandle(h);
}

/* PROC_THREAD_ATTRIBUTE_PARENT_PROCESS: the child's parent is the process
 * named (Wine's process.c:4561), for itself and for its creator. */
static void test_parent_attribute(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOEXA si;
    PROCESS_INFORMATION waiter, pi;
    PROCESS_BASIC_INFORMATION pbi;
    SIZE_T size = 0;
    HANDLE rd, wr;
    char cmd[8192];
    DWORD code = 0xdead;

    CHECK_OK(CreatePipe(&rd, &wr, &sa, 0));
    SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = rd;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper wait_parent", self_exe);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL,
                            &si.StartupInfo, &waiter));
    CloseHandle(rd);

    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    si.lpAttributeList = malloc(size);
    CHECK_OK(InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size));
    CHECK_OK(UpdateProcThreadAttribute(si.lpAttributeList, 0,
                                       PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                       &waiter.hProcess, sizeof(HANDLE), NULL,
                                       NULL));
    snprintf(cmd, sizeof cmd, "\"%s\" --helper parent", self_exe);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE,
                            EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                            &si.StartupInfo, &pi));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, waiter.dwProcessId);
    CHECK_EQ(NtQueryInformationProcess(pi.hProcess, ProcessBasicInformation,
                                       &pbi, sizeof pbi, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(pbi.InheritedFromUniqueProcessId, waiter.dwProcessId);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    DeleteProcThreadAttributeList(si.lpAttributeList);
    free(si.lpAttributeList);
    CloseHandle(wr);
    CHECK_EQ(WaitForSingleObject(waiter.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(waiter.hProcess, &code));
    CHECK_EQ(code, GetCurrentProcessId());
    CloseHandle(waiter.hProcess);
    CloseHandle(waiter.hThread);
}

/* A winipc parent's entry in a program's environment is that program's
 * only: a child that a program without winipc starts (here: sh) has its
 * Linux parent, not the entry it inherited. */
static void test_entry_not_inherited(void)
{
    char cmd[8192];
    DWORD code = 0xdead, sh = 0;
    PROCESS_INFORMATION pi;

    /* sh runs the helper as its child (no exec: "; exit"), which reports
     * sh's pid as its parent; sh exits with the helper's code, and the
     * helper's parent must be sh, not this process. */
    snprintf(cmd, sizeof cmd,
             "/bin/sh -c \"'%s' --helper parent; exit $?\"", self_exe);
    CHECK_OK(test_spawn(cmd, FALSE, NULL, &pi));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    sh = pi.dwProcessId;
    /* An exit status carries 8 bits. */
    CHECK_EQ(code, sh & 0xff);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

/* ---- Toolhelp ------------------------------------------------------------ */

static void test_toolhelp_processes(void)
{
    PROCESSENTRY32 pe;
    PROCESSENTRY32W pw;
    THREADENTRY32 te;
    HANDLE snap;
    DWORD child = 0, n = 0, mine = 0;
    int found_self = 0, found_w = 0;
    const char *base = strrchr(self_exe, '/') + 1;
    WCHAR wbase[260];

    CHECK(snapshot_find(GetCurrentProcessId(), &pe));
    CHECK_EQ(pe.th32ParentProcessID, (DWORD)getppid());
    CHECK_STR(pe.szExeFile, base);
    CHECK_EQ(pe.cntUsage, 0);
    CHECK_EQ(pe.th32ModuleID, 0);
    CHECK_EQ(pe.dwFlags, 0);
    CHECK(pe.cntThreads >= 1);
    CHECK(pe.pcPriClassBase >= 4 && pe.pcPriClassBase <= 24);

    /* A child that has ended is not listed. */
    run_helper("parent", NULL, &child);
    CHECK(!snapshot_find(child, &pe));

    /* W: the same list, the name in UTF-16. */
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    CHECK(snap != INVALID_HANDLE_VALUE);
    memset(&pw, 0, sizeof pw);
    pw.dwSize = sizeof pw - 1;
    SetLastError(0xdeadbeef);
    CHECK(!Process32FirstW(snap, &pw));
    CHECK_EQ(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    pw.dwSize = sizeof pw;
    for (size_t i = 0; i <= strlen(base); i++)
        wbase[i] = (WCHAR)base[i];
    for (BOOL ok = Process32FirstW(snap, &pw); ok; ok = Process32NextW(snap, &pw)) {
        n++;
        if (pw.th32ProcessID == GetCurrentProcessId()) {
            found_w = 1;
            CHECK(memcmp(pw.szExeFile, wbase,
                         (strlen(base) + 1) * sizeof(WCHAR)) == 0);
        }
    }
    CHECK_EQ(GetLastError(), ERROR_NO_MORE_FILES);
    CHECK(found_w);
    CHECK(n > 1);
    /* First starts over. */
    CHECK_OK(Process32FirstW(snap, &pw));
    /* No threads were asked for. */
    memset(&te, 0, sizeof te);
    te.dwSize = sizeof te;
    SetLastError(0xdeadbeef);
    CHECK(!Thread32First(snap, &te));
    CHECK_EQ(GetLastError(), ERROR_NO_MORE_FILES);
    CloseHandle(snap);

    /* Threads: this process's, its main thread's id its pid. */
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    CHECK(snap != INVALID_HANDLE_VALUE);
    for (BOOL ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te))
        if (te.th32OwnerProcessID == GetCurrentProcessId()) {
            mine++;
            found_self |= te.th32ThreadID == GetCurrentThreadId();
        }
    CHECK(mine >= 1);
    CHECK(found_self);
    memset(&pe, 0, sizeof pe);
    pe.dwSize = sizeof pe;
    SetLastError(0xdeadbeef);
    CHECK(!Process32First(snap, &pe)); /* no processes were asked for */
    CHECK_EQ(GetLastError(), ERROR_NO_MORE_FILES);
    CloseHandle(snap);

    /* Errors. */
    SetLastError(0xdeadbeef);
    CHECK(CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0) ==
          INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_NOT_SUPPORTED);
    SetLastError(0xdeadbeef);
    CHECK(!Process32First(NULL, &pe));
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    snap = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetLastError(0xdeadbeef);
    CHECK(!Process32First(snap, &pe));
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CloseHandle(snap);
}

int main(int argc, char **argv)
{
    snprintf(self_exe, sizeof self_exe, "%s", test_self_exe());
    TEST_HELPERS(argc, argv, {"parent", helper_parent},
                 {"wait_parent", helper_wait_parent}, {"spawn", helper_spawn},
                 {"spawn_suspended", helper_spawn_suspended});
    RUN(test_basic_information);
    RUN(test_child_parent);
    RUN(test_parent_after_exit);
    RUN(test_suspended_parent_after_exit);
    RUN(test_parent_attribute);
    RUN(test_entry_not_inherited);
    RUN(test_toolhelp_processes);
    return TEST_SUMMARY();
}
