/*
 * process_std_handles: the standard handles a child gets, row by row as in
 * Wine's test_StdHandleInheritance (process.c, the console-child tables
 * nothing_cui and detached_cui): the handles passed through STARTUPINFO or
 * set with SetStdHandle, inheritable or not, with bInheritHandles TRUE or
 * FALSE, files, pipes, NULL, INVALID_HANDLE_VALUE and values that are no
 * handle; and what GetStartupInfoA says in the child.  The child does not
 * print: its exit code carries what it found (see child_main).
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

/* What a handle is, in 8 bits: 1 NULL, 2 INVALID_HANDLE_VALUE, else 3 and
 * the file type (disk 1, char 2, pipe 3, unknown 0) << 2, HANDLE_FLAG_INHERIT
 * 0x10, HANDLE_FLAG_PROTECT_FROM_CLOSE 0x20. */
static unsigned encode(HANDLE h)
{
    DWORD type, flags = 0;
    unsigned r;

    if (h == NULL)
        return 1;
    if (h == INVALID_HANDLE_VALUE)
        return 2;
    type = GetFileType(h);
    if (type != FILE_TYPE_DISK && type != FILE_TYPE_CHAR &&
        type != FILE_TYPE_PIPE)
        return 3;
    r = 3 | (unsigned)type << 2;
    if (GetHandleInformation(h, &flags)) {
        if (flags & HANDLE_FLAG_INHERIT)
            r |= 0x10;
        if (flags & HANDLE_FLAG_PROTECT_FROM_CLOSE)
            r |= 0x20;
    }
    return r;
}

/*
 * The child: "dump IN OUT": bits 0-7 what its standard input is, 8-15 its
 * output, bit 16 set when the input's value is IN, bit 17 when the
 * output's is OUT, bits 18-19 GetStartupInfoA's hStdInput: 0 the same as
 * GetStdHandle's, 1 INVALID_HANDLE_VALUE, 2 another value.
 */
static int child_main(const char *in_arg, const char *out_arg)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    STARTUPINFOA si;
    int code = (int)(encode(in) | encode(out) << 8);

    if (in == conf_handle_arg(in_arg))
        code |= 1 << 16;
    if (out == conf_handle_arg(out_arg))
        code |= 1 << 17;
    memset(&si, 0xA5, sizeof si);
    GetStartupInfoA(&si);
    if (si.hStdInput == INVALID_HANDLE_VALUE)
        code |= 1 << 18;
    else if (si.hStdInput != in)
        code |= 2 << 18;
    return code;
}

static void show(unsigned e, char *buf, size_t cap)
{
    static const char *const types[] = {"unknown type", "disk", "char", "pipe"};
    if (e == 1) {
        snprintf(buf, cap, "NULL");
    } else if (e == 2) {
        snprintf(buf, cap, "INVALID_HANDLE_VALUE");
    } else {
        snprintf(buf, cap, "%s%s%s", types[(e >> 2) & 3],
                 (e & 0x10) ? ", inheritable" : "",
                 (e & 0x20) ? ", protected" : "");
    }
}

enum kind { K_DISK, K_PIPE, K_NULL, K_INVALID, K_NONE };

static char file_name[MAX_PATH];

static void make_pair(enum kind k, BOOL inheritable, HANDLE h[2])
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    SECURITY_ATTRIBUTES *psa = inheritable ? &sa : NULL;

    switch (k) {
    case K_DISK:
        h[0] = CreateFileA(file_name, GENERIC_READ, SHARE_ALL, psa,
                           OPEN_ALWAYS, 0, NULL);
        h[1] = CreateFileA(file_name, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                           psa, OPEN_ALWAYS, 0, NULL);
        break;
    case K_PIPE:
        CreatePipe(&h[0], &h[1], psa, 0);
        break;
    case K_NULL:
        h[0] = h[1] = NULL;
        break;
    case K_INVALID:
        h[0] = h[1] = INVALID_HANDLE_VALUE;
        break;
    case K_NONE: /* values that are no handle (Wine's H_DEVIL) */
        h[0] = (HANDLE)(ULONG_PTR)0x066600;
        h[1] = (HANDLE)(ULONG_PTR)0x066610;
        break;
    }
}

/* One row: through STARTUPINFO (use_si) or SetStdHandle. */
static void row(const char *label, int use_si, BOOL cp_inherit,
                BOOL inheritable, int protect, enum kind k, DWORD cflags)
{
    HANDLE h[2], saved[2];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char args[128], a[64], b[64];
    DWORD code;
    static const char *const si_says[] = {"its handle", "INVALID_HANDLE_VALUE",
                                          "another value", "?"};

    make_pair(k, inheritable, h);
    if (protect) {
        SetHandleInformation(h[0], HANDLE_FLAG_PROTECT_FROM_CLOSE,
                             HANDLE_FLAG_PROTECT_FROM_CLOSE);
        SetHandleInformation(h[1], HANDLE_FLAG_PROTECT_FROM_CLOSE,
                             HANDLE_FLAG_PROTECT_FROM_CLOSE);
    }
    saved[0] = GetStdHandle(STD_INPUT_HANDLE);
    saved[1] = GetStdHandle(STD_OUTPUT_HANDLE);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (use_si) {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = h[0];
        si.hStdOutput = h[1];
    } else {
        SetStdHandle(STD_INPUT_HANDLE, h[0]);
        SetStdHandle(STD_OUTPUT_HANDLE, h[1]);
    }
    snprintf(args, sizeof args, "dump %llu %llu", CONF_HANDLE_ARG(h[0]),
             CONF_HANDLE_ARG(h[1]));
    if (conf_start(args, cp_inherit, cflags, NULL, NULL, &si, &pi)) {
        code = conf_exit_code(&pi);
        show(code & 0xff, a, sizeof a);
        show((code >> 8) & 0xff, b, sizeof b);
        printf("%s: input %s%s; output %s%s; GetStartupInfoA: %s\n", label, a,
               (code & (1 << 16)) ? " (the parent's value)" : "", b,
               (code & (1 << 17)) ? " (the parent's value)" : "",
               si_says[(code >> 18) & 3]);
    } else {
        printf("%s: CreateProcessA FALSE, %s\n", label,
               conf_error(GetLastError()));
    }
    SetStdHandle(STD_INPUT_HANDLE, saved[0]);
    SetStdHandle(STD_OUTPUT_HANDLE, saved[1]);
    if (k == K_DISK || k == K_PIPE) {
        SetHandleInformation(h[0], HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
        SetHandleInformation(h[1], HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
        CloseHandle(h[0]);
        CloseHandle(h[1]);
    }
}

int main(int argc, char **argv)
{
    *conf_self_slot() = argv[0];
    if (argc == 4 && strcmp(argv[1], "dump") == 0)
        return child_main(argv[2], argv[3]);
    if (argc > 1)
        return 99;
    conf_reserve_handles();
    snprintf(file_name, sizeof file_name, "std_handles_%lu.tmp",
             (unsigned long)GetCurrentProcessId());

    SECTION("a console child, no creation flags (Wine's nothing_cui)");
    row("si, cp inherit, inheritable, disk", 1, TRUE, TRUE, 0, K_DISK, 0);
    row("std, cp inherit, inheritable, disk", 0, TRUE, TRUE, 0, K_DISK, 0);
    row("si, cp inherit, inheritable, pipe", 1, TRUE, TRUE, 0, K_PIPE, 0);
    row("std, cp inherit, inheritable, pipe", 0, TRUE, TRUE, 0, K_PIPE, 0);
    row("si, inheritable, disk", 1, FALSE, TRUE, 0, K_DISK, 0);
    row("std, inheritable, disk", 0, FALSE, TRUE, 0, K_DISK, 0);
    row("si, disk", 1, FALSE, FALSE, 0, K_DISK, 0);
    row("std, disk", 0, FALSE, FALSE, 0, K_DISK, 0);
    row("si, protected disk", 1, FALSE, FALSE, 1, K_DISK, 0);
    row("std, protected disk", 0, FALSE, FALSE, 1, K_DISK, 0);
    row("si, cp inherit, disk", 1, TRUE, FALSE, 0, K_DISK, 0);
    row("std, cp inherit, disk", 0, TRUE, FALSE, 0, K_DISK, 0);
    row("si, no handle", 1, FALSE, FALSE, 0, K_NONE, 0);
    row("std, no handle", 0, FALSE, FALSE, 0, K_NONE, 0);
    row("si, INVALID_HANDLE_VALUE", 1, FALSE, FALSE, 0, K_INVALID, 0);
    row("std, INVALID_HANDLE_VALUE", 0, FALSE, FALSE, 0, K_INVALID, 0);
    row("si, NULL", 1, FALSE, FALSE, 0, K_NULL, 0);
    row("std, NULL", 0, FALSE, FALSE, 0, K_NULL, 0);

    SECTION("DETACHED_PROCESS (Wine's detached_cui)");
    row("std, cp inherit, inheritable, disk", 0, TRUE, TRUE, 0, K_DISK,
        DETACHED_PROCESS);
    row("si, cp inherit, inheritable, disk", 1, TRUE, TRUE, 0, K_DISK,
        DETACHED_PROCESS);

    DeleteFileA(file_name);
    conf_release_handles();
    CONF_DONE();
}
