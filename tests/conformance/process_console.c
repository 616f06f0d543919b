/*
 * process_console: the console's names in CreateFileA ("CONIN$", "CONOUT$",
 * "CON"), in a process that has no console (a DETACHED_PROCESS child,
 * whose answers are fixed: ERROR_INVALID_HANDLE for each, as Wine's
 * console.c test_FreeConsole checks on Windows) and, as relations that hold
 * whether or not this process runs in a console, in this process and a
 * child of it; and the names of a program QueryFullProcessImageName and
 * GetProcessImageFileName give (the NT device form).
 *
 * The child does not print: "probe" answers in its exit code, 2 bits for
 * each name (see probe).
 */
#include <tchar.h>
#include <windows.h>

#include <psapi.h>
#include <stdlib.h>

#include "conf_proc.h"

/* What opening name with access gave: 0 a character device, 1
 * ERROR_INVALID_HANDLE, 2 ERROR_FILE_NOT_FOUND, 3 anything else. */
static unsigned probe_one(const char *name, DWORD access)
{
    HANDLE h;
    DWORD err;

    SetLastError(CONF_SENTINEL);
    h = CreateFileA(name, access, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) {
        DWORD type = GetFileType(h);
        CloseHandle(h);
        return type == FILE_TYPE_CHAR ? 0 : 3;
    }
    err = GetLastError();
    return err == ERROR_INVALID_HANDLE ? 1 : err == ERROR_FILE_NOT_FOUND ? 2 : 3;
}

static const struct {
    const char *label;
    const char *name;
    DWORD access;
} probes[] = {
    {"CONIN$, read and write", "CONIN$", GENERIC_READ | GENERIC_WRITE},
    {"CONOUT$, write", "CONOUT$", GENERIC_WRITE},
    {"CON, read", "CON", GENERIC_READ},
    {"CON, write", "CON", GENERIC_WRITE},
    {"CON, read and write", "CON", GENERIC_READ | GENERIC_WRITE},
    {"\\\\.\\CONOUT$, read and write", "\\\\.\\CONOUT$",
     GENERIC_READ | GENERIC_WRITE},
};
#define NPROBES (sizeof probes / sizeof probes[0])

/* Every probe, 2 bits each, probe i at bit 2i. */
static unsigned probe(void)
{
    unsigned code = 0;
    for (unsigned i = 0; i < NPROBES; i++)
        code |= probe_one(probes[i].name, probes[i].access) << (2 * i);
    return code;
}

static void show_probe(unsigned code)
{
    static const char *const what[] = {"a character device",
                                       "ERROR_INVALID_HANDLE",
                                       "ERROR_FILE_NOT_FOUND", "another result"};
    for (unsigned i = 0; i < NPROBES; i++)
        printf("  %s: %s\n", probes[i].label, what[(code >> (2 * i)) & 3]);
}

/* Runs "self probe" with flags and si; its exit code, or 0xFFFFFFFF. */
static DWORD run_probe(DWORD flags, BOOL inherit, STARTUPINFOA *si)
{
    PROCESS_INFORMATION pi;
    if (!conf_start("probe", inherit, flags, NULL, NULL, si, &pi))
        return 0xFFFFFFFF;
    return conf_exit_code(&pi);
}

/* "\\Device\\HarddiskVolumeN" and then the Win32 name after its drive
 * ("X:"), with '\\' for '/': 1. */
static int is_device_form(const char *native, const char *win32)
{
    const char *p = "\\Device\\HarddiskVolume";
    size_t n = strlen(p);

    if (strncmp(native, p, n) != 0 || native[n] < '0' || native[n] > '9')
        return 0;
    native += n;
    while (*native >= '0' && *native <= '9')
        native++;
    if (win32[0] && win32[1] == ':')
        win32 += 2;
    for (; *win32; win32++, native++)
        if (*native != (*win32 == '/' ? '\\' : *win32))
            return 0;
    return *native == '\0';
}

static void image_names(void)
{
    char win32[MAX_PATH], native[MAX_PATH + 64], psapi[MAX_PATH + 64];
    DWORD size = sizeof win32;
    WCHAR w[4];

    SECTION("the program's names");
    QueryFullProcessImageNameA(GetCurrentProcess(), 0, win32, &size);
    size = sizeof native;
    CHECK_BOOL("QueryFullProcessImageNameA, PROCESS_NAME_NATIVE",
               QueryFullProcessImageNameA(GetCurrentProcess(),
                                          PROCESS_NAME_NATIVE, native, &size));
    CHECK_TRUE("  size is its length", size == strlen(native));
    CHECK_TRUE("  \\Device\\HarddiskVolumeN and the Win32 name after its drive",
               is_device_form(native, win32));
    size = GetProcessImageFileNameA(GetCurrentProcess(), psapi, sizeof psapi);
    CHECK_TRUE("GetProcessImageFileNameA gives the same",
               size == strlen(native) && strcmp(psapi, native) == 0);
    size = 0;
    CHECK_BOOL("QueryFullProcessImageNameW, no buffer, size 0",
               QueryFullProcessImageNameW(GetCurrentProcess(), 0, NULL, &size));
    SHOW_UINT("  size", size);
    size = 3;
    CHECK_BOOL("QueryFullProcessImageNameW, 3 units",
               QueryFullProcessImageNameW(GetCurrentProcess(), 0, w, &size));
    SHOW_UINT("  size", size);
    size = 3;
    CHECK_BOOL("QueryFullProcessImageNameA, no buffer, size 3",
               QueryFullProcessImageNameA(GetCurrentProcess(), 0, NULL, &size));
    size = MAX_PATH;
    CHECK_BOOL("QueryFullProcessImageNameA, no buffer, size MAX_PATH",
               QueryFullProcessImageNameA(GetCurrentProcess(), 0, NULL, &size));
}

int main(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si;
    unsigned self, all_open, none_open;
    DWORD child;
    HANDLE in, out;

    *conf_self_slot() = argv[0];
    if (argc >= 2 && strcmp(argv[1], "probe") == 0)
        return (int)probe();

    SECTION("a DETACHED_PROCESS child: no console");
    child = run_probe(DETACHED_PROCESS, FALSE, NULL);
    show_probe(child);

    /* This process may run in a console or not (a terminal, a CI run):
     * only relations. */
    SECTION("this process, in a console or not, and its children");
    self = probe();
    all_open = 2u << 8; /* every name opens, but CON for both: not found */
    none_open = 0x555;  /* ERROR_INVALID_HANDLE for each */
    CHECK_TRUE("the names all open the console, or all fail with "
               "ERROR_INVALID_HANDLE",
               self == all_open || self == none_open);
    /* (Windows gives a console program started by a process without a
     * console a new console; Linux cannot: docs/processes.md.) */
    CHECK_TRUE("a child started without flags has a console if this "
               "process has one",
               self != all_open || run_probe(0, FALSE, NULL) == all_open);
    /* A detached child given this console's handles: it has no console,
     * yet they are character devices in it. */
    in = CreateFileA("CONIN$", GENERIC_READ, SHARE_ALL, &sa, OPEN_EXISTING, 0,
                     NULL);
    out = CreateFileA("CONOUT$", GENERIC_READ | GENERIC_WRITE, SHARE_ALL, &sa,
                      OPEN_EXISTING, 0, NULL);
    CHECK_TRUE("CONIN$ and CONOUT$ open as the probe said",
               (in != INVALID_HANDLE_VALUE) == (self == all_open) &&
                   (out != INVALID_HANDLE_VALUE) == (self == all_open));
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in;
    si.hStdOutput = si.hStdError = out;
    CHECK_TRUE("a DETACHED_PROCESS child given them has no console either",
               run_probe(DETACHED_PROCESS, TRUE, &si) == none_open);
    if (in != INVALID_HANDLE_VALUE)
        CloseHandle(in);
    if (out != INVALID_HANDLE_VALUE)
        CloseHandle(out);

    image_names();
    CONF_DONE();
}
