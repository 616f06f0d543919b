/*
 * process_attributes: what a child gets besides its handles' values
 * (issue 18): environment entries whose name starts with '=' (Windows'
 * current directories of drives), GetStartupInfoA's fields as the parent
 * filled them, GetCommandLineA as the parent wrote it, the handles of a
 * PROC_THREAD_ATTRIBUTE_HANDLE_LIST (only those are inherited), and
 * DuplicateHandle's DUPLICATE_CLOSE_SOURCE within one process, which gives
 * the copy the source's value.  Children answer through exit codes.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

/* With UNICODE, Windows' headers know the narrow block only as the export
 * GetEnvironmentStrings (the macro of that name is the W function). */
#ifdef UNICODE
#undef GetEnvironmentStrings
#define GetEnvironmentStringsA GetEnvironmentStrings
#endif

/* "env ENTRY": 0 if ENTRY is a string of the environment block, else 1. */
static int child_env(const char *entry)
{
    char *block = GetEnvironmentStringsA(), *p;
    int found = 0;
    for (p = block; *p; p += strlen(p) + 1)
        if (strcmp(p, entry) == 0)
            found = 1;
    FreeEnvironmentStringsA(block);
    return found ? 0 : 1;
}

/* "startup": a bit per field that is not what main() sets below. */
static int child_startup(void)
{
    STARTUPINFOA si;
    int r = 0;
    memset(&si, 0xA5, sizeof si);
    GetStartupInfoA(&si);
    if (si.cb != sizeof si)
        r |= 1;
    if (si.dwFlags != (STARTF_USESHOWWINDOW | STARTF_USEPOSITION |
                       STARTF_USESIZE | STARTF_USECOUNTCHARS |
                       STARTF_USEFILLATTRIBUTE))
        r |= 2;
    if (si.wShowWindow != 7)
        r |= 4;
    if (si.dwX != 0x34 || si.dwY != 0x45 || si.dwXSize != 0x56 ||
        si.dwYSize != 0x67)
        r |= 8;
    if (si.dwXCountChars != 0x12 || si.dwYCountChars != 0x23)
        r |= 16;
    if (si.dwFillAttribute != 0xA5)
        r |= 32;
    if (!si.lpTitle || strcmp(si.lpTitle, "the title") != 0)
        r |= 64;
    return r;
}

/* "cmdline ...": 0 if GetCommandLineA ends with the expected tail. */
static int child_cmdline(void)
{
    const char *c = GetCommandLineA();
    const char *tail = "  cmdline   \"two  words\" x\\\"y";
    size_t n = strlen(c), t = strlen(tail);
    return n >= t && strcmp(c + n - t, tail) == 0 ? 0 : 1;
}

/* "handles A B": bit 0 if A is no handle here, bit 1 if B is not. */
static int child_handles(const char *a, const char *b)
{
    DWORD f;
    return (GetHandleInformation(conf_handle_arg(a), &f) ? 0 : 1) |
           (GetHandleInformation(conf_handle_arg(b), &f) ? 0 : 2);
}

static void equals_entries(void)
{
    char block[] = "=C:=C:\\FOO\\BAR\0A=1\0=D:=D:\\X\0";
    SECTION("entries whose name starts with '='");
    conf_run("child looks for =C:=C:\\FOO\\BAR (block given)",
             "env =C:=C:\\FOO\\BAR", FALSE, 0, block, NULL);
    conf_run("child looks for =D:=D:\\X (block given)", "env =D:=D:\\X",
             FALSE, 0, block, NULL);
    CHECK_BOOL("SetEnvironmentVariableA(\"=E:\", \"E:\\\\Y\")",
               SetEnvironmentVariableA("=E:", "E:\\Y"));
    conf_run("child looks for =E:=E:\\Y (inherited)", "env =E:=E:\\Y", FALSE,
             0, NULL, NULL);
    SetEnvironmentVariableA("=E:", NULL);
}

static void startup_fields(void)
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char title[] = "the title", empty[] = "";

    SECTION("GetStartupInfoA in the child");
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESHOWWINDOW | STARTF_USEPOSITION | STARTF_USESIZE |
                 STARTF_USECOUNTCHARS | STARTF_USEFILLATTRIBUTE;
    si.wShowWindow = 7;
    si.dwX = 0x34;
    si.dwY = 0x45;
    si.dwXSize = 0x56;
    si.dwYSize = 0x67;
    si.dwXCountChars = 0x12;
    si.dwYCountChars = 0x23;
    si.dwFillAttribute = 0xA5;
    si.lpTitle = title;
    if (conf_start("startup", FALSE, 0, NULL, NULL, &si, &pi))
        printf("fields that differ (bits): %u\n", (unsigned)conf_exit_code(&pi));
    else
        printf("CreateProcessA: FALSE, %s\n", conf_error(GetLastError()));
    si.lpDesktop = empty; /* an empty string is a value like any other */
    if (conf_start("startup", FALSE, 0, NULL, NULL, &si, &pi))
        printf("lpDesktop \"\": fields that differ (bits): %u\n",
               (unsigned)conf_exit_code(&pi));
    else
        printf("CreateProcessA: FALSE, %s\n", conf_error(GetLastError()));
    conf_run("GetCommandLineA as written", " cmdline   \"two  words\" x\\\"y",
             FALSE, 0, NULL, NULL);
}

/* CreateProcessA with a handle list of n handles: the child's answer. */
static void with_list(const char *label, HANDLE *list, size_t n, BOOL inherit,
                      HANDLE a, HANDLE b)
{
    STARTUPINFOEXA si;
    PROCESS_INFORMATION pi;
    SIZE_T size = 0;
    char args[128];

    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    si.lpAttributeList = (LPPROC_THREAD_ATTRIBUTE_LIST)malloc(size);
    InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size);
    UpdateProcThreadAttribute(si.lpAttributeList, 0,
                              PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list,
                              n * sizeof(HANDLE), NULL, NULL);
    snprintf(args, sizeof args, "handles %llu %llu", CONF_HANDLE_ARG(a),
             CONF_HANDLE_ARG(b));
    if (conf_start(args, inherit, EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                   &si.StartupInfo, &pi))
        printf("%s: exit code %u\n", label, (unsigned)conf_exit_code(&pi));
    else
        printf("%s: CreateProcessA FALSE, %s\n", label,
               conf_error(GetLastError()));
    DeleteProcThreadAttributeList(si.lpAttributeList);
    free(si.lpAttributeList);
}

static void handle_list(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE a = CreateEventA(&sa, TRUE, FALSE, NULL);
    HANDLE b = CreateEventA(&sa, TRUE, FALSE, NULL);
    HANDLE c = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE list[2];
    SIZE_T size = 0;
    BOOL ok;
    DWORD e;

    SECTION("PROC_THREAD_ATTRIBUTE_HANDLE_LIST (exit code: bit 0 A "
            "missing, bit 1 B missing)");
    SetLastError(CONF_SENTINEL);
    ok = InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    e = GetLastError();
    printf("InitializeProcThreadAttributeList(NULL, 1): %s, %s, size > 0: %s\n",
           ok ? "TRUE" : "FALSE", conf_error(e), size > 0 ? "yes" : "no");
    list[0] = a;
    with_list("list A", list, 1, TRUE, a, b);
    list[0] = b;
    with_list("list B", list, 1, TRUE, a, b);
    list[0] = a;
    list[1] = b;
    with_list("list A and B", list, 2, TRUE, a, b);
    list[0] = c;
    with_list("list a handle that is not inheritable", list, 1, TRUE, a, b);
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
}

static void close_source(void)
{
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), copy = NULL;
    SECTION("DuplicateHandle with DUPLICATE_CLOSE_SOURCE within one process");
    CHECK_BOOL("DuplicateHandle(CLOSE_SOURCE | SAME_ACCESS)",
               DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(),
                               &copy, 0, FALSE,
                               DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS));
    printf("  the copy has the source's value: %s\n", copy == ev ? "yes" : "no");
    CHECK_BOOL("  SetEvent(copy)", SetEvent(copy));
    CHECK_BOOL("  CloseHandle(copy)", CloseHandle(copy));
    CHECK_BOOL("  CloseHandle(copy) again", CloseHandle(copy));
}

int main(int argc, char **argv)
{
    *conf_self_slot() = argv[0];
    if (argc == 3 && strcmp(argv[1], "env") == 0)
        return child_env(argv[2]);
    if (argc == 2 && strcmp(argv[1], "startup") == 0)
        return child_startup();
    if (argc > 1 && strcmp(argv[1], "cmdline") == 0)
        return child_cmdline();
    if (argc == 4 && strcmp(argv[1], "handles") == 0)
        return child_handles(argv[2], argv[3]);
    if (argc > 1)
        return 99;
    conf_reserve_handles();
    equals_entries();
    startup_fields();
    handle_list();
    close_source();
    conf_release_handles();
    CONF_DONE();
}
