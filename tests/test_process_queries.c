/*
 * test_process_queries.c: what programs ask about a process (issue 18):
 * GetCommandLineA, GetModuleFileNameA, QueryFullProcessImageNameA,
 * GetProcessImageFileNameA, GetComputerNameExA, GetCurrentDirectoryA in a
 * child, IsWow64Process, GetProcessTimes, GetPriorityClass and
 * SetPriorityClass, and the attribute lists of CreateProcessA
 * (PROC_THREAD_ATTRIBUTE_HANDLE_LIST, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS).
 * Expected values: Microsoft's documentation of each function, and Wine's
 * process.c where it tests them (which Windows passes).
 */
#include "testlib.h"

#include <psapi.h>
#include <errno.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static char self_exe[4096];
static char native_exe[4200]; /* its device form: \Device\HarddiskVolume1\... */
static char **main_argv;

/* ---- Children ------------------------------------------------------------- */

/* report: writes its command line and current directory to its standard
 * output, one per line. */
static int helper_report(int argc, char **argv)
{
    char cwd[4096];
    DWORD n;
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    char line[9000];

    (void)argc;
    (void)argv;
    if (!GetCurrentDirectoryA(sizeof cwd, cwd))
        return 90;
    snprintf(line, sizeof line, "%s\n%s\n", GetCommandLineA(), cwd);
    return WriteFile(out, line, (DWORD)strlen(line), &n, NULL) ? 0 : 91;
}

/* handles V...: exit code = bit i set when handle value V[i] is not a
 * handle here. */
static int helper_handles(int argc, char **argv)
{
    int code = 0;
    for (int i = 0; i < argc; i++) {
        DWORD flags;
        HANDLE h = (HANDLE)(uintptr_t)strtoull(argv[i], NULL, 0);
        if (!GetHandleInformation(h, &flags))
            code |= 1 << i;
    }
    return code;
}

/* exec: execve()s this program as "report" with arguments that need
 * quoting on a Windows command line. */
static int helper_exec(int argc, char **argv)
{
    char *args[] = {self_exe, "--helper", "report", "a b", "", "q\"x",
                    "c\\", "e f\\", NULL};
    (void)argc;
    (void)argv;
    execv(self_exe, args);
    return 90;
}

/* kinds: what each handle value is, two bits each (KIND_*) in the exit
 * code: no handle, a pipe (PeekNamedPipe works), an event (SetEvent
 * works), something else. */
enum { KIND_NONE, KIND_PIPE, KIND_EVENT, KIND_OTHER };

static int helper_kinds(int argc, char **argv)
{
    int code = 0;
    for (int i = 0; i < argc; i++) {
        DWORD flags, avail;
        HANDLE h = (HANDLE)(uintptr_t)strtoull(argv[i], NULL, 0);
        int kind = KIND_OTHER;
        if (!GetHandleInformation(h, &flags))
            kind = KIND_NONE;
        else if (PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL))
            kind = KIND_PIPE;
        else if (SetEvent(h))
            kind = KIND_EVENT;
        code |= kind << (2 * i);
    }
    return code;
}

/* wait: reads standard input until it ends. */
static int helper_wait(int argc, char **argv)
{
    char buf[16];
    DWORD n;
    (void)argc;
    (void)argv;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n,
                    NULL) &&
           n)
        ;
    return 0;
}

/* Runs cmd with its standard output into a pipe; the output in buf. */
static DWORD run_capture(char *cmd, const char *cwd, char *buf, size_t cap)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE rd, wr;
    DWORD n, total = 0, code = 0xdead;

    CHECK_OK(CreatePipe(&rd, &wr, &sa, 0));
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, cwd, &si,
                            &pi));
    CloseHandle(wr);
    while (total < cap - 1 &&
           ReadFile(rd, buf + total, (DWORD)(cap - 1 - total), &n, NULL) && n)
        total += n;
    buf[total] = '\0';
    CloseHandle(rd);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

/* A child that runs until its standard input closes (*in). */
static void start_waiter(PROCESS_INFORMATION *pi, HANDLE *in, DWORD flags)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    HANDLE rd;
    char cmd[8192];

    CHECK_OK(CreatePipe(&rd, in, &sa, 0));
    SetHandleInformation(*in, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = rd;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper wait", self_exe);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, flags, NULL, NULL,
                            &si, pi));
    CloseHandle(rd);
}

/* start_waiter, keeping the read end's value in *rd (closed here). */
static void start_waiter_rd(PROCESS_INFORMATION *pi, HANDLE *in, HANDLE *rd)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    char cmd[8192];

    CHECK_OK(CreatePipe(rd, in, &sa, 0));
    SetHandleInformation(*in, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = *rd;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper wait", self_exe);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                            pi));
    CloseHandle(*rd);
    CloseHandle(pi->hThread);
    pi->hThread = NULL;
}

static void stop_waiter(PROCESS_INFORMATION *pi, HANDLE in)
{
    CloseHandle(in);
    CHECK_EQ(WaitForSingleObject(pi->hProcess, 30000), WAIT_OBJECT_0);
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
}

/* ---- Command line, current directory --------------------------------------- */

/* The child's GetCommandLineA is the parent's lpCommandLine, unchanged
 * (spaces, quotes and all); its directory is lpCurrentDirectory. */
static void test_command_line_and_directory(void)
{
    char cmd[4300], want[8192], out[9000];
    const char *dir = "/tmp";

    snprintf(cmd, sizeof cmd, "\"%s\"  --helper report  \"two words\" x\\\"y",
             self_exe);
    snprintf(want, sizeof want, "%s\n%s\n", cmd, dir);
    CHECK_EQ(run_capture(cmd, dir, out, sizeof out), 0);
    CHECK_STR(out, want);

    /* A program started from a shell (this one, by ctest, without
     * arguments): its arguments as given, quoted where Windows' rules need
     * it. */
    if (!main_argv[1] && !strpbrk(main_argv[0], " \t\""))
        CHECK_STR(GetCommandLineA(), main_argv[0]);
    /* Arguments that need quoting, in a program execve()d (by the helper
     * "exec", so without anything from a winipc parent). */
    snprintf(cmd, sizeof cmd, "\"%s\" --helper exec", self_exe);
    snprintf(want, sizeof want,
             "%s --helper report \"a b\" \"\" \"q\\\"x\" c\\ \"e f\\\\\"\n%s\n",
             self_exe, dir);
    CHECK_EQ(run_capture(cmd, dir, out, sizeof out), 0);
    CHECK_STR(out, want);
}

/* ---- The program ----------------------------------------------------------- */

static void test_module_file_name(void)
{
    char buf[4096];
    DWORD len = (DWORD)strlen(self_exe);

    SetLastError(0);
    CHECK_EQ(GetModuleFileNameA(NULL, buf, sizeof buf), len);
    CHECK_STR(buf, self_exe);
    CHECK_EQ(GetLastError(), 0);
    CHECK_EQ(GetModuleFileNameA(GetModuleHandleA(NULL), buf, sizeof buf), len);
    /* Too small: nSize characters, the last one the NUL. */
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(GetModuleFileNameA(NULL, buf, 5), 5);
    CHECK_EQ(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    CHECK(memcmp(buf, self_exe, 4) == 0 && buf[4] == '\0' && buf[5] == 'x');
    /* Exactly the length: no room for the NUL. */
    CHECK_EQ(GetModuleFileNameA(NULL, buf, len), len);
    CHECK_EQ(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    SetLastError(0);
    CHECK_EQ(GetModuleFileNameA(NULL, buf, len + 1), len);
    CHECK_EQ(GetLastError(), 0);
}

/* Wine's test_QueryFullProcessImageNameA (process.c:1951). */
static void test_full_image_name(void)
{
    char buf[4096];
    DWORD size, len = (DWORD)strlen(self_exe);
    PROCESS_INFORMATION pi;
    HANDLE in, h;

    size = sizeof buf;
    CHECK_OK(QueryFullProcessImageNameA(GetCurrentProcess(), 0, buf, &size));
    CHECK_EQ(size, len);
    CHECK_STR(buf, self_exe);
    size = sizeof buf;
    CHECK_OK(QueryFullProcessImageNameA(GetCurrentProcess(),
                                        PROCESS_NAME_NATIVE, buf, &size));
    CHECK_STR(buf, native_exe);
    CHECK_EQ(size, (DWORD)strlen(native_exe));
    /* The native form's size counts: one too small fails. */
    size = (DWORD)strlen(native_exe);
    CHECK_FAILS(QueryFullProcessImageNameA(GetCurrentProcess(),
                                           PROCESS_NAME_NATIVE, buf, &size),
                ERROR_INSUFFICIENT_BUFFER);
    /* Too small, even by one: buffer and size untouched. */
    size = len;
    strcpy(buf, "Just some words");
    CHECK_FAILS(QueryFullProcessImageNameA(GetCurrentProcess(), 0, buf, &size),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(size, len);
    CHECK_STR(buf, "Just some words");
    size = 1024;
    CHECK_FAILS(QueryFullProcessImageNameA(GetCurrentProcess(), 0, NULL, &size),
                ERROR_INVALID_PARAMETER);
    CHECK_EQ(size, 1024);
    size = 3; /* too small is said first, buffer or not */
    CHECK_FAILS(QueryFullProcessImageNameA(GetCurrentProcess(), 0, NULL, &size),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(size, 3u);
    size = sizeof buf;
    CHECK_FAILS(QueryFullProcessImageNameA(GetCurrentProcess(), 2, buf, &size),
                ERROR_INVALID_PARAMETER);

    /* A child, while it runs and after it has ended (and been reaped). */
    start_waiter(&pi, &in, 0);
    size = sizeof buf;
    CHECK_OK(QueryFullProcessImageNameA(pi.hProcess, 0, buf, &size));
    CHECK_STR(buf, self_exe);
    h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pi.dwProcessId);
    CHECK(h != NULL);
    size = sizeof buf;
    buf[0] = '\0';
    CHECK_OK(QueryFullProcessImageNameA(h, 0, buf, &size));
    CHECK_STR(buf, self_exe);
    CloseHandle(h);
    /* Without a query right. */
    h = OpenProcess(SYNCHRONIZE, FALSE, pi.dwProcessId);
    size = sizeof buf;
    CHECK_FAILS(QueryFullProcessImageNameA(h, 0, buf, &size),
                ERROR_ACCESS_DENIED);
    CHECK_EQ(GetProcessImageFileNameA(h, buf, sizeof buf), 0);
    CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
    CloseHandle(h);
    CloseHandle(in);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    DWORD code;
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code)); /* reaps it */
    size = sizeof buf;
    buf[0] = '\0';
    CHECK_OK(QueryFullProcessImageNameA(pi.hProcess, 0, buf, &size));
    CHECK_STR(buf, self_exe);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    /* Not a process handle. */
    h = CreateEventA(NULL, TRUE, FALSE, NULL);
    size = sizeof buf;
    CHECK_FAILS(QueryFullProcessImageNameA(h, 0, buf, &size),
                ERROR_INVALID_HANDLE);
    CloseHandle(h);
}

/* psapi's GetProcessImageFileNameA: the length, or 0; the device form. */
static void test_process_image_file_name(void)
{
    char buf[4096];
    DWORD len = (DWORD)strlen(native_exe);

    CHECK_EQ(GetProcessImageFileNameA(GetCurrentProcess(), buf, sizeof buf),
             len);
    CHECK_STR(buf, native_exe);
    CHECK_EQ(K32GetProcessImageFileNameA(GetCurrentProcess(), buf, sizeof buf),
             len);
    CHECK_EQ(GetProcessImageFileNameA(GetCurrentProcess(), buf, len), 0);
    CHECK_EQ(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(GetProcessImageFileNameA(NULL, buf, sizeof buf), 0);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
}

/* ---- Computer name --------------------------------------------------------- */

static void test_computer_name_ex(void)
{
    char host[256], buf[256], netbios[64];
    DWORD n, len;
    size_t dot;

    CHECK_EQ(gethostname(host, sizeof host), 0);
    dot = strcspn(host, ".");
    n = sizeof buf;
    CHECK_OK(GetComputerNameExA(ComputerNameDnsFullyQualified, buf, &n));
    CHECK_STR(buf, host);
    CHECK_EQ(n, strlen(host));
    n = sizeof buf;
    CHECK_OK(GetComputerNameExA(ComputerNameDnsHostname, buf, &n));
    CHECK_EQ(n, dot);
    CHECK(strncmp(buf, host, dot) == 0 && buf[dot] == '\0');
    n = sizeof buf;
    CHECK_OK(GetComputerNameExA(ComputerNamePhysicalDnsDomain, buf, &n));
    CHECK_STR(buf, host[dot] ? host + dot + 1 : "");
    n = sizeof buf;
    CHECK_OK(GetComputerNameExA(ComputerNameNetBIOS, buf, &n));
    len = sizeof netbios;
    CHECK_OK(GetComputerNameA(netbios, &len));
    CHECK_STR(buf, netbios);
    CHECK_EQ(n, len);
    /* Too small: ERROR_MORE_DATA and the size needed, NUL included. */
    n = 1;
    CHECK_FAILS(GetComputerNameExA(ComputerNameDnsFullyQualified, buf, &n),
                ERROR_MORE_DATA);
    CHECK_EQ(n, strlen(host) + 1);
    n = 0;
    CHECK_FAILS(GetComputerNameExA(ComputerNameNetBIOS, NULL, &n),
                ERROR_MORE_DATA);
    CHECK_EQ(n, len + 1);
    n = sizeof buf;
    CHECK_FAILS(GetComputerNameExA(ComputerNameMax, buf, &n),
                ERROR_INVALID_PARAMETER);
}

/* ---- WOW64, times, priority ------------------------------------------------ */

static void test_is_wow64(void)
{
    BOOL wow = TRUE;
    CHECK_OK(IsWow64Process(GetCurrentProcess(), &wow));
    CHECK_EQ(wow, FALSE);
    CHECK_FAILS(IsWow64Process(NULL, &wow), ERROR_INVALID_HANDLE);
}

static uint64_t ft(const FILETIME *f)
{
    return (uint64_t)f->dwHighDateTime << 32 | f->dwLowDateTime;
}

/* FILETIME now, from the system clock. */
static uint64_t now_ft(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100u +
           116444736000000000ull;
}

static void test_process_times(void)
{
    FILETIME c, e, k, u, c2, e2, k2, u2;
    PROCESS_INFORMATION pi;
    HANDLE in;
    uint64_t before = now_ft();
    volatile unsigned long spin = 0;
    DWORD code;

    CHECK_OK(GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u));
    /* Started before now, exit 0 while it runs. */
    CHECK(ft(&c) <= before && ft(&c) > before - 864000000000ull);
    CHECK_EQ(ft(&e), 0);
    /* CPU time spent shows (clock ticks: a bounded loop until it does). */
    for (int i = 0; i < 200 && ft(&u) + ft(&k) == 0; i++) {
        for (unsigned long j = 0; j < 5000000; j++)
            spin += j;
        CHECK_OK(GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u));
    }
    CHECK(ft(&u) + ft(&k) > 0);

    start_waiter(&pi, &in, 0);
    CHECK_OK(GetProcessTimes(pi.hProcess, &c2, &e2, &k2, &u2));
    CHECK(ft(&c2) >= ft(&c));
    CHECK_EQ(ft(&e2), 0);
    CloseHandle(in);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code)); /* reaped */
    CHECK_OK(GetProcessTimes(pi.hProcess, &c2, &e2, &k2, &u2));
    CHECK(ft(&c2) >= ft(&c));
    CHECK(ft(&e2) >= ft(&c2));
    CHECK(ft(&e2) <= now_ft());
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CHECK_FAILS(GetProcessTimes(GetCurrentProcess(), NULL, &e, &k, &u),
                ERROR_NOACCESS);
}

static void test_priority_class(void)
{
    PROCESS_INFORMATION pi;
    HANDLE in, h;
    int nice;

    errno = 0;
    nice = getpriority(PRIO_PROCESS, 0);
    if (nice == 0)
        CHECK_EQ(GetPriorityClass(GetCurrentProcess()), NORMAL_PRIORITY_CLASS);
    /* A child started BELOW_NORMAL reports it; lowered to IDLE it is at
     * nice 19 (every thread); raising it back needs privilege. */
    start_waiter(&pi, &in, BELOW_NORMAL_PRIORITY_CLASS);
    CHECK_EQ(GetPriorityClass(pi.hProcess), BELOW_NORMAL_PRIORITY_CLASS);
    CHECK_OK(SetPriorityClass(pi.hProcess, IDLE_PRIORITY_CLASS));
    CHECK_EQ(GetPriorityClass(pi.hProcess), IDLE_PRIORITY_CLASS);
    CHECK_EQ(getpriority(PRIO_PROCESS, (id_t)pi.dwProcessId), 19);
    if (geteuid() == 0) {
        CHECK_OK(SetPriorityClass(pi.hProcess, HIGH_PRIORITY_CLASS));
        CHECK_EQ(GetPriorityClass(pi.hProcess), HIGH_PRIORITY_CLASS);
        CHECK_EQ(getpriority(PRIO_PROCESS, (id_t)pi.dwProcessId), -10);
    }
    CHECK_FAILS(SetPriorityClass(pi.hProcess, 0x12345), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetPriorityClass(pi.hProcess, IDLE_PRIORITY_CLASS |
                                                  HIGH_PRIORITY_CLASS),
                ERROR_INVALID_PARAMETER);
    /* Rights: PROCESS_SET_INFORMATION to set, a query right to read. */
    h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pi.dwProcessId);
    CHECK_FAILS(SetPriorityClass(h, NORMAL_PRIORITY_CLASS), ERROR_ACCESS_DENIED);
    CloseHandle(h);
    h = OpenProcess(SYNCHRONIZE, FALSE, pi.dwProcessId);
    CHECK_EQ(GetPriorityClass(h), 0);
    CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
    CloseHandle(h);
    stop_waiter(&pi, in);
}

/* ---- Attribute lists --------------------------------------------------------- */

static void test_attribute_list_calls(void)
{
    SIZE_T size = 0, size2;
    LPPROC_THREAD_ATTRIBUTE_LIST l;
    HANDLE hs[2] = {GetCurrentProcess(), GetCurrentProcess()};

    CHECK_FAILS(InitializeProcThreadAttributeList(NULL, 2, 0, &size),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK(size > 0);
    l = malloc(size);
    size2 = size - 1;
    CHECK_FAILS(InitializeProcThreadAttributeList(l, 2, 0, &size2),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(size2, size);
    CHECK_FAILS(InitializeProcThreadAttributeList(l, 2, 1, &size),
                ERROR_INVALID_PARAMETER);
    CHECK_OK(InitializeProcThreadAttributeList(l, 2, 0, &size));
    CHECK_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                          hs, 0, NULL, NULL),
                ERROR_BAD_LENGTH);
    CHECK_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                          hs, 3, NULL, NULL),
                ERROR_BAD_LENGTH);
    CHECK_FAILS(UpdateProcThreadAttribute(l, 0,
                                          PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                          hs, 2 * sizeof(HANDLE), NULL, NULL),
                ERROR_BAD_LENGTH);
    CHECK_FAILS(UpdateProcThreadAttribute(l, 0, 0x12345, hs, sizeof(HANDLE),
                                          NULL, NULL),
                ERROR_NOT_SUPPORTED);
    CHECK_FAILS(UpdateProcThreadAttribute(l, 1, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                          hs, sizeof(HANDLE), NULL, NULL),
                ERROR_INVALID_PARAMETER);
    CHECK_OK(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                       hs, sizeof hs, NULL, NULL));
    CHECK_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                          hs, sizeof hs, NULL, NULL),
                ERROR_OBJECT_NAME_EXISTS);
    CHECK_OK(UpdateProcThreadAttribute(l, 0,
                                       PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                       hs, sizeof(HANDLE), NULL, NULL));
    DeleteProcThreadAttributeList(l);
    /* One entry's room, used twice. */
    size = 0;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    CHECK_OK(InitializeProcThreadAttributeList(l, 1, 0, &size));
    CHECK_OK(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                       hs, sizeof(HANDLE), NULL, NULL));
    CHECK_FAILS(UpdateProcThreadAttribute(l, 0,
                                          PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                          hs, sizeof(HANDLE), NULL, NULL),
                ERROR_GEN_FAILURE);
    DeleteProcThreadAttributeList(l);
    free(l);
}

/* CreateProcessA with a STARTUPINFOEXA list holding ATTR = VALUE of CB
 * bytes: code 0 or its error. */
static DWORD create_with_value(DWORD_PTR attr, void *value, SIZE_T cb,
                               BOOL inherit, const char *args,
                               DWORD *exit_code)
{
    STARTUPINFOEXA si;
    PROCESS_INFORMATION pi;
    SIZE_T size = 0;
    char cmd[8192];
    DWORD err = 0;

    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    si.lpAttributeList = malloc(size);
    CHECK_OK(InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size));
    CHECK_OK(UpdateProcThreadAttribute(si.lpAttributeList, 0, attr, value, cb,
                                       NULL, NULL));
    snprintf(cmd, sizeof cmd, "\"%s\" --helper handles %s", self_exe, args);
    if (CreateProcessA(NULL, cmd, NULL, NULL, inherit,
                       EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                       &si.StartupInfo, &pi)) {
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(pi.hProcess, exit_code));
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    } else {
        err = GetLastError();
    }
    DeleteProcThreadAttributeList(si.lpAttributeList);
    free(si.lpAttributeList);
    return err;
}

static DWORD create_with(DWORD_PTR attr, HANDLE *hs, size_t n, BOOL inherit,
                         const char *args, DWORD *exit_code)
{
    return create_with_value(attr, hs, n * sizeof(HANDLE), inherit, args,
                             exit_code);
}

/* The list's memory as Windows lays it out (Wine's kernel32 tests read it
 * and pass on Windows): a header of four DWORDs and a DWORD_PTR, then the
 * entries in the order they were set. */
struct attr_entry_seen {
    DWORD_PTR attribute;
    SIZE_T size;
    void *value;
};
struct attr_list_seen {
    DWORD mask, room, used, untouched;
    DWORD_PTR zero;
    struct attr_entry_seen e[10];
};

static void test_attribute_list_layout(void)
{
    struct attr_list_seen l, want;
    HANDLE hs[4] = {0};
    PROCESSOR_NUMBER pn = {0, 0, 0};
    SIZE_T size = 0;
    DWORD code = 0;

    CHECK_EQ(sizeof(struct attr_list_seen), 24 + 10 * 3 * sizeof(void *));
    for (DWORD n = 0; n <= 10; n++) {
        CHECK_FAILS(InitializeProcThreadAttributeList(NULL, n, 0, &size),
                    ERROR_INSUFFICIENT_BUFFER);
        CHECK_EQ(size, offsetof(struct attr_list_seen, e) +
                           n * sizeof(struct attr_entry_seen));
        memset(&l, 0xcc, sizeof l);
        CHECK_OK(InitializeProcThreadAttributeList(
            (LPPROC_THREAD_ATTRIBUTE_LIST)&l, n, 0, &size));
        CHECK_EQ(l.mask, 0);
        CHECK_EQ(l.room, n);
        CHECK_EQ(l.used, 0);
        CHECK_EQ(l.untouched, 0xccccccccu);
        CHECK_EQ(l.zero, 0);
        CHECK_EQ(l.e[0].attribute, (DWORD_PTR)0xccccccccccccccccull);
    }
    memset(&want, 0xcc, sizeof want);
    want.mask = want.used = 0;
    want.room = 10;
    want.zero = 0;
#define LIST ((LPPROC_THREAD_ATTRIBUTE_LIST)&l)
#define WANT(attr, num, cb)                                                    \
    do {                                                                       \
        want.mask |= 1u << (num);                                              \
        want.e[want.used].attribute = (attr);                                  \
        want.e[want.used].size = (cb);                                         \
        want.e[want.used++].value = hs;                                        \
    } while (0)
    CHECK_FAILS(UpdateProcThreadAttribute(LIST, 0, 0xcafe, hs,
                                          sizeof(PROCESSOR_NUMBER), NULL, NULL),
                ERROR_NOT_SUPPORTED);
    CHECK_FAILS(UpdateProcThreadAttribute(LIST, 0,
                                          PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                          hs, sizeof(HANDLE) / 2, NULL, NULL),
                ERROR_BAD_LENGTH);
    CHECK_OK(UpdateProcThreadAttribute(LIST, 0,
                                       PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                       hs, sizeof(HANDLE), NULL, NULL));
    WANT(PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, ProcThreadAttributeParentProcess,
         sizeof(HANDLE));
    CHECK_FAILS(UpdateProcThreadAttribute(LIST, 0,
                                          PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                          hs, sizeof hs - 1, NULL, NULL),
                ERROR_BAD_LENGTH);
    CHECK_OK(UpdateProcThreadAttribute(LIST, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                       hs, sizeof hs, NULL, NULL));
    WANT(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, ProcThreadAttributeHandleList,
         sizeof hs);
    CHECK_FAILS(UpdateProcThreadAttribute(LIST, 0,
                                          PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR,
                                          hs, sizeof(HANDLE), NULL, NULL),
                ERROR_BAD_LENGTH);
    CHECK_OK(UpdateProcThreadAttribute(LIST, 0,
                                       PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR, hs,
                                       sizeof(PROCESSOR_NUMBER), NULL, NULL));
    WANT(PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR, ProcThreadAttributeIdealProcessor,
         sizeof(PROCESSOR_NUMBER));
    CHECK_FAILS(UpdateProcThreadAttribute(LIST, 0,
                                          PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR,
                                          hs, sizeof(PROCESSOR_NUMBER), NULL,
                                          NULL),
                ERROR_OBJECT_NAME_EXISTS);
    CHECK_OK(UpdateProcThreadAttribute(LIST, 0,
                                       PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE, hs,
                                       sizeof(HPCON), NULL, NULL));
    WANT(PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE, ProcThreadAttributePseudoConsole,
         sizeof(HPCON));
    CHECK_EQ(l.mask, 0x400025u);
    CHECK(memcmp(&l, &want, sizeof l) == 0);
    DeleteProcThreadAttributeList(LIST);
#undef WANT
#undef LIST
    /* CreateProcessA: the ideal processor is a hint (ignored); there is no
     * pseudoconsole to attach the child to. */
    CHECK_EQ(create_with_value(PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR, &pn,
                               sizeof pn, FALSE, "", &code),
             0);
    CHECK_EQ(code, 0);
    CHECK_EQ(create_with_value(PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE, hs,
                               sizeof(HPCON), FALSE, "", &code),
             ERROR_NOT_SUPPORTED);
}

/* Runs "kinds ARGS" with PROC_THREAD_ATTRIBUTE_PARENT_PROCESS *parent:
 * its exit code in *code (0xdead if it could not be started). */
static void create_kinds(HANDLE *parent, BOOL inherit, const char *args,
                         DWORD *code)
{
    STARTUPINFOEXA si;
    PROCESS_INFORMATION pi;
    SIZE_T size = 0;
    char cmd[8192];

    *code = 0xdead;
    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    si.lpAttributeList = malloc(size);
    CHECK_OK(InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size));
    CHECK_OK(UpdateProcThreadAttribute(si.lpAttributeList, 0,
                                       PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                       parent, sizeof(HANDLE), NULL, NULL));
    snprintf(cmd, sizeof cmd, "\"%s\" --helper kinds %s", self_exe, args);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, inherit,
                            EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                            &si.StartupInfo, &pi));
    if (pi.hProcess) {
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(pi.hProcess, code));
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    DeleteProcThreadAttributeList(si.lpAttributeList);
    free(si.lpAttributeList);
}

/* PROC_THREAD_ATTRIBUTE_HANDLE_LIST: of the inheritable handles, only
 * those listed reach the child. */
static void test_handle_list(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE a = CreateEventA(&sa, TRUE, FALSE, NULL);
    HANDLE b = CreateEventA(&sa, TRUE, FALSE, NULL);
    HANDLE c = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE list[1] = {a};
    char args[128];
    DWORD code = 0xdead;

    snprintf(args, sizeof args, "%#lx %#lx", (unsigned long)(uintptr_t)a,
             (unsigned long)(uintptr_t)b);
    CHECK_EQ(create_with(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list, 1, TRUE, args,
                         &code),
             0);
    CHECK_EQ(code, 2); /* a is there, b is not */
    list[0] = b;
    CHECK_EQ(create_with(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list, 1, TRUE, args,
                         &code),
             0);
    CHECK_EQ(code, 1);
    /* The documented conditions: bInheritHandles TRUE, inheritable
     * handles, no pseudo handles. */
    CHECK_EQ(create_with(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list, 1, FALSE,
                         args, &code),
             ERROR_INVALID_PARAMETER);
    list[0] = c;
    CHECK_EQ(create_with(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list, 1, TRUE, args,
                         &code),
             ERROR_INVALID_PARAMETER);
    list[0] = GetCurrentProcess();
    CHECK_EQ(create_with(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list, 1, TRUE, args,
                         &code),
             ERROR_INVALID_PARAMETER);
    list[0] = (HANDLE)(uintptr_t)0x7ff0;
    CHECK_EQ(create_with(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list, 1, TRUE, args,
                         &code),
             ERROR_INVALID_HANDLE);
    /* Without the list both go. */
    {
        char cmd[8192];
        PROCESS_INFORMATION pi;
        snprintf(cmd, sizeof cmd, "\"%s\" --helper handles %s", self_exe, args);
        CHECK_OK(test_spawn(cmd, TRUE, NULL, &pi));
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
        CHECK_EQ(code, 0);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
}

/* PROC_THREAD_ATTRIBUTE_PARENT_PROCESS: this process itself, or another
 * one, whose inheritable handles the child inherits at their values, and
 * not this process's (Wine's process.c test_parent_process_attribute).
 * The waiter holds its standard input, the pipe's read end, at the value
 * it has here (inherited with bInheritHandles TRUE); this process closes
 * its own.  The child ("kinds") says what each value is. */
static void test_parent_process_attribute(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE self = GetCurrentProcess(), other, in, mine, rd;
    PROCESS_INFORMATION pi;
    DWORD code = 0xdead;
    char args[64];

    CHECK_EQ(create_with(PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &self, 1, FALSE,
                         "", &code),
             0);
    CHECK_EQ(code, 0);
    /* An inheritable event of this process only, made before the pipe, so
     * that the pipe's value is another. */
    mine = CreateEventA(&sa, TRUE, FALSE, NULL);
    CHECK(mine != NULL);
    SetHandleInformation(mine, HANDLE_FLAG_INHERIT, 0); /* not the waiter's */
    start_waiter_rd(&pi, &in, &rd);
    SetHandleInformation(mine, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    snprintf(args, sizeof args, "%llu %llu", (unsigned long long)(uintptr_t)rd,
             (unsigned long long)(uintptr_t)mine);
    create_kinds(&pi.hProcess, TRUE, args, &code);
    CHECK_EQ(code & 3, KIND_PIPE);  /* the waiter's handle, inherited */
    CHECK((code >> 2 & 3) != KIND_EVENT); /* not this process's */
    /* This process as the parent: its own handles (rd it has closed). */
    create_kinds(&self, TRUE, args, &code);
    CHECK((code & 3) != KIND_PIPE);
    CHECK_EQ(code >> 2 & 3, KIND_EVENT);
    /* Without bInheritHandles: nothing from either. */
    create_kinds(&pi.hProcess, FALSE, args, &code);
    CHECK_EQ(code & 3, KIND_NONE);
    CHECK_EQ(code >> 2 & 3, KIND_NONE);

    other = OpenProcess(SYNCHRONIZE, FALSE, pi.dwProcessId);
    CHECK_EQ(create_with(PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &other, 1,
                         FALSE, "", &code),
             ERROR_ACCESS_DENIED); /* needs PROCESS_CREATE_PROCESS */
    CloseHandle(other);
    other = OpenProcess(PROCESS_CREATE_PROCESS, FALSE, pi.dwProcessId);
    CHECK(other != NULL);
    create_kinds(&other, TRUE, args, &code);
    CHECK_EQ(code & 3, KIND_PIPE);
    CloseHandle(other);
    CloseHandle(in);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    /* A parent that has ended: its handle table is gone. */
    CHECK_EQ(create_with(PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &pi.hProcess, 1,
                         TRUE, "", &code),
             ERROR_ACCESS_DENIED);
    CloseHandle(pi.hProcess);
    CloseHandle(mine);
}

int main(int argc, char **argv)
{
    snprintf(self_exe, sizeof self_exe, "%s", test_self_exe());
    snprintf(native_exe, sizeof native_exe, "\\Device\\HarddiskVolume1%s",
             self_exe);
    for (char *c = native_exe; *c; c++)
        if (*c == '/')
            *c = '\\';
    main_argv = argv;
    TEST_HELPERS(argc, argv, {"report", helper_report},
                 {"handles", helper_handles}, {"wait", helper_wait},
                 {"exec", helper_exec}, {"kinds", helper_kinds});
    RUN(test_command_line_and_directory);
    RUN(test_module_file_name);
    RUN(test_full_image_name);
    RUN(test_process_image_file_name);
    RUN(test_computer_name_ex);
    RUN(test_is_wow64);
    RUN(test_process_times);
    RUN(test_priority_class);
    RUN(test_attribute_list_calls);
    RUN(test_attribute_list_layout);
    RUN(test_handle_list);
    RUN(test_parent_process_attribute);
    return TEST_SUMMARY();
}
