/*
 * process_parent_attribute: PROC_THREAD_ATTRIBUTE_PARENT_PROCESS naming
 * another process (Microsoft's UpdateProcThreadAttribute documentation:
 * "the parent process ... is used instead of the calling process as the
 * parent for the process being created"; Wine's process.c
 * test_parent_process_attribute).  A waiter holds its standard input, a
 * pipe's read end, at a value this process made inheritable and then
 * closed; a child created with the waiter as its parent and
 * bInheritHandles TRUE inherits that handle at that value, and none of
 * this process's (an inheritable event).  Children answer through their
 * exit code: two bits per handle value (0 no handle, 1 a pipe, 2 an
 * event, 3 something else).
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static const char *self;

/* What the handle value s is in this process: 0 to 3 as above. */
static int kind_of(const char *s)
{
    HANDLE h = (HANDLE)(ULONG_PTR)strtoull(s, NULL, 10);
    DWORD flags, avail;

    if (!GetHandleInformation(h, &flags))
        return 0;
    if (PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL))
        return 1;
    if (SetEvent(h))
        return 2;
    return 3;
}

/* Starts "self kinds RD MINE" with parent as its parent process; prints
 * what CreateProcessA answers and the kinds the child saw. */
static void run_kinds(const char *label, HANDLE parent, BOOL inherit,
                      HANDLE rd, HANDLE mine)
{
    STARTUPINFOEXA si;
    PROCESS_INFORMATION pi;
    SIZE_T size = 0;
    char cmd[600];
    DWORD code = 0xdead;
    BOOL ok;

    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    si.lpAttributeList = malloc(size);
    InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size);
    UpdateProcThreadAttribute(si.lpAttributeList, 0,
                              PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &parent,
                              sizeof parent, NULL, NULL);
    snprintf(cmd, sizeof cmd, "\"%s\" kinds %llu %llu", self,
             (unsigned long long)(ULONG_PTR)rd,
             (unsigned long long)(ULONG_PTR)mine);
    SetLastError(CONF_SENTINEL);
    ok = CreateProcessA(NULL, cmd, NULL, NULL, inherit,
                        EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                        &si.StartupInfo, &pi);
    printf("%s: CreateProcessA %s, %s\n", label, ok ? "TRUE" : "FALSE",
           ok ? "-" : conf_error(GetLastError()));
    if (ok) {
        WaitForSingleObject(pi.hProcess, 60000);
        GetExitCodeProcess(pi.hProcess, &code);
        printf("%s: the pipe's value is %s, the event's value %s\n", label,
               (code & 3) == 1 ? "the pipe" : "not the pipe",
               (code >> 2 & 3) == 2 ? "the event" : "not the event");
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    DeleteProcThreadAttributeList(si.lpAttributeList);
    free(si.lpAttributeList);
}

int main(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa;
    STARTUPINFOA si;
    PROCESS_INFORMATION waiter;
    HANDLE mine, rd, in, other;
    char cmd[600], buf[16];
    DWORD n;

    self = argv[0];
    if (argc == 4 && strcmp(argv[1], "kinds") == 0)
        return kind_of(argv[2]) | kind_of(argv[3]) << 2;
    if (argc == 2 && strcmp(argv[1], "wait") == 0) {
        while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n,
                        NULL) &&
               n)
            ;
        return 0;
    }

    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    sa.nLength = sizeof sa;
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;
    /* The event: inheritable, but not by the waiter. */
    mine = CreateEventA(&sa, TRUE, FALSE, NULL);
    SetHandleInformation(mine, HANDLE_FLAG_INHERIT, 0);
    CreatePipe(&rd, &in, &sa, 0);
    SetHandleInformation(in, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = rd;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" wait", self);
    CHECK_TRUE("CreateProcessA(waiter, its stdin the pipe)",
               CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                              &waiter));
    CloseHandle(rd);
    SetHandleInformation(mine, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);

    SECTION("the waiter as the parent");
    run_kinds("bInheritHandles TRUE", waiter.hProcess, TRUE, rd, mine);
    run_kinds("bInheritHandles FALSE", waiter.hProcess, FALSE, rd, mine);
    other = OpenProcess(PROCESS_CREATE_PROCESS, FALSE, waiter.dwProcessId);
    run_kinds("OpenProcess(PROCESS_CREATE_PROCESS) handle", other, TRUE, rd,
              mine);
    CloseHandle(other);
    other = OpenProcess(SYNCHRONIZE, FALSE, waiter.dwProcessId);
    run_kinds("OpenProcess(SYNCHRONIZE) handle", other, TRUE, rd, mine);
    CloseHandle(other);

    SECTION("this process as the parent");
    run_kinds("GetCurrentProcess()", GetCurrentProcess(), TRUE, rd, mine);

    CloseHandle(in);
    CHECK_WAIT("the waiter ends", WaitForSingleObject(waiter.hProcess, 60000));
    CloseHandle(waiter.hProcess);
    CloseHandle(waiter.hThread);
    CloseHandle(mine);
    CONF_DONE();
}
