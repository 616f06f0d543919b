/*
 * pipe_inherit: anonymous pipes shared with child processes (copies of
 * this program that never print: they answer through exit codes and
 * pipes).  The pattern of Microsoft's "Creating a Child Process with
 * Redirected Input and Output": both ends inheritable, the parent's own
 * end kept out of the child with SetHandleInformation, the child's end
 * closed in the parent once the child runs.  Then what a child's copy of
 * an end does to the other end: end of file, broken pipes, ERROR_NO_DATA.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

/* A child's work, chosen by argv[1]; its result is its exit code. */
static int child_main(int argc, char **argv)
{
    char buf[256];
    DWORD n, total = 0, avail = 0;
    HANDLE r, w, ev;

    if (strcmp(argv[1], "copy") == 0 && argc > 3) {
        /* Copy everything from the inherited read end argv[2] to the
         * inherited write end argv[3] until the read fails; the exit code
         * is that read's error (ERROR_BROKEN_PIPE: 109). */
        r = conf_handle_arg(argv[2]);
        w = conf_handle_arg(argv[3]);
        for (;;) {
            if (!ReadFile(r, buf, sizeof buf, &n, NULL))
                return (int)GetLastError();
            if (!WriteFile(w, buf, n, &n, NULL))
                return 200;
            total += n;
        }
    }
    if (strcmp(argv[1], "peek") == 0 && argc > 4) {
        /* argv[2]: a read end, argv[3]: the same pipe's write end, both
         * inherited; argv[4]: an event the parent sets once it has closed
         * its own write end.  Exit code: 10 * (a peek with our write end
         * still open succeeded) + (the peek after closing it failed with
         * ERROR_BROKEN_PIPE). */
        int code = 0;
        r = conf_handle_arg(argv[2]);
        w = conf_handle_arg(argv[3]);
        ev = conf_handle_arg(argv[4]);
        if (WaitForSingleObject(ev, 20000) != WAIT_OBJECT_0)
            return 100;
        if (PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL) && avail == 0)
            code += 10;
        CloseHandle(w);
        if (!PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL) &&
            GetLastError() == ERROR_BROKEN_PIPE)
            code += 1;
        return code;
    }
    if (strcmp(argv[1], "write") == 0 && argc > 2) {
        /* Writes "abc" to the inherited write end, then exits. */
        w = conf_handle_arg(argv[2]);
        return WriteFile(w, "abc", 3, &n, NULL) && n == 3 ? 0 : 100;
    }
    if (strcmp(argv[1], "sleep") == 0) {
        Sleep(30000);
        return 0;
    }
    return 99;
}

static void show_flags(const char *label, HANDLE h)
{
    DWORD flags = 77;
    SetLastError(CONF_SENTINEL);
    if (GetHandleInformation(h, &flags))
        printf("%s: flags %u\n", label, (unsigned)flags);
    else
        printf("%s: FALSE, %s\n", label, conf_error(GetLastError()));
}

static char *arg2(char *buf, size_t len, const char *verb, HANDLE a, HANDLE b)
{
    snprintf(buf, len, "%s %llu %llu", verb, CONF_HANDLE_ARG(a),
             CONF_HANDLE_ARG(b));
    return buf;
}

/* Microsoft's sample: a child copies its input pipe to its output pipe. */
static void redirected(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_INFORMATION pi;
    HANDLE in_r, in_w, out_r, out_w;
    char args[96], buf[64];
    DWORD n = 0, avail = 0;

    SECTION("a child between two pipes");
    CHECK_BOOL("CreatePipe(input, inheritable)",
               CreatePipe(&in_r, &in_w, &sa, 0));
    CHECK_BOOL("CreatePipe(output, inheritable)",
               CreatePipe(&out_r, &out_w, &sa, 0));
    CHECK_BOOL("SetHandleInformation(input write end, not inheritable)",
               SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0));
    CHECK_BOOL("SetHandleInformation(output read end, not inheritable)",
               SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0));
    show_flags("  input read end", in_r);
    show_flags("  input write end", in_w);
    pi = conf_spawn_with("CreateProcessA(copy, bInheritHandles TRUE)",
                         arg2(args, sizeof args, "copy", in_r, out_w), TRUE,
                         NULL);
    CHECK_BOOL("CloseHandle(input read end)", CloseHandle(in_r));
    CHECK_BOOL("CloseHandle(output write end)", CloseHandle(out_w));
    CHECK_BOOL("WriteFile(input, \"ping\")",
               WriteFile(in_w, "ping", 4, &n, NULL));
    CHECK_BOOL("ReadFile(output)", ReadFile(out_r, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    CHECK_BOOL("WriteFile(input, \"pong\")",
               WriteFile(in_w, "pong", 4, &n, NULL));
    CHECK_BOOL("CloseHandle(input write end)", CloseHandle(in_w));
    conf_finish("  the child saw the end (109: ERROR_BROKEN_PIPE)", &pi);
    CHECK_BOOL("PeekNamedPipe(output)",
               PeekNamedPipe(out_r, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  available", avail);
    CHECK_BOOL("ReadFile(output)", ReadFile(out_r, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    n = 77;
    CHECK_BOOL("ReadFile(output) after the child ended",
               ReadFile(out_r, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
    CloseHandle(out_r);
}

/* A running child that inherited a write end keeps the pipe open. */
static void copies_in_children(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_INFORMATION pi;
    HANDLE r, w, ev;
    char args[96];
    DWORD n = 77, avail = 77;

    SECTION("a child that holds both ends");
    CreatePipe(&r, &w, &sa, 0);
    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    snprintf(args, sizeof args, "peek %llu %llu %llu", CONF_HANDLE_ARG(r),
             CONF_HANDLE_ARG(w), CONF_HANDLE_ARG(ev));
    pi = conf_spawn("CreateProcessA(peek, bInheritHandles TRUE)", args, TRUE);
    CHECK_BOOL("CloseHandle(write end)", CloseHandle(w));
    CHECK_BOOL("PeekNamedPipe(read end) while the child holds a write end",
               PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  available", avail);
    SetEvent(ev);
    conf_finish(
        "  ended (11: the pipe broke when the child closed its write end)",
        &pi);
    CHECK_BOOL("ReadFile(read end)", ReadFile(r, args, 8, &n, NULL));
    CloseHandle(r);
    CloseHandle(ev);

    SECTION("bInheritHandles FALSE");
    CreatePipe(&r, &w, &sa, 0);
    pi = conf_spawn("CreateProcessA(sleep, bInheritHandles FALSE)", "sleep",
                    FALSE);
    CHECK_BOOL("CloseHandle(write end)", CloseHandle(w));
    n = 77;
    CHECK_BOOL("ReadFile(read end) while the child runs",
               ReadFile(r, args, 8, &n, NULL));
    SHOW_UINT("  bytes read", n);
    CloseHandle(r);
    CreatePipe(&r, &w, &sa, 0);
    CHECK_BOOL("CloseHandle(read end)", CloseHandle(r));
    n = 77;
    CHECK_BOOL("WriteFile(write end) while the child runs",
               WriteFile(w, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CloseHandle(w);
    CHECK_BOOL("TerminateProcess(child)", TerminateProcess(pi.hProcess, 3));
    conf_finish("  ended", &pi);

    SECTION("bInheritHandles TRUE");
    CreatePipe(&r, &w, &sa, 0);
    pi = conf_spawn("CreateProcessA(sleep, bInheritHandles TRUE)", "sleep",
                    TRUE);
    CHECK_BOOL("CloseHandle(write end)", CloseHandle(w));
    avail = 77;
    CHECK_BOOL("PeekNamedPipe(read end) while the child runs",
               PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  available", avail);
    CHECK_BOOL("TerminateProcess(child)", TerminateProcess(pi.hProcess, 3));
    conf_finish("  ended", &pi);
    n = 77;
    CHECK_BOOL("ReadFile(read end) after the child ended",
               ReadFile(r, args, 8, &n, NULL));
    SHOW_UINT("  bytes read", n);
    CloseHandle(r);

    SECTION("a child that wrote and ended");
    CreatePipe(&r, &w, &sa, 0);
    snprintf(args, sizeof args, "write %llu", CONF_HANDLE_ARG(w));
    pi = conf_spawn("CreateProcessA(write, bInheritHandles TRUE)", args, TRUE);
    CHECK_BOOL("CloseHandle(write end)", CloseHandle(w));
    conf_finish("  ended", &pi);
    avail = 77;
    CHECK_BOOL("PeekNamedPipe(read end)",
               PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  available", avail);
    n = 77;
    CHECK_BOOL("ReadFile(read end)", ReadFile(r, args, 8, &n, NULL));
    conf_show_bytes("  data", args, n <= 8 ? n : 0);
    n = 77;
    CHECK_BOOL("ReadFile(read end) again", ReadFile(r, args, 8, &n, NULL));
    SHOW_UINT("  bytes read", n);
    CloseHandle(r);

    SECTION("the reader is a child that ended");
    CreatePipe(&r, &w, &sa, 0);
    SetHandleInformation(w, HANDLE_FLAG_INHERIT, 0);
    pi = conf_spawn("CreateProcessA(sleep, bInheritHandles TRUE)", "sleep",
                    TRUE);
    CHECK_BOOL("CloseHandle(read end)", CloseHandle(r));
    n = 77;
    CHECK_BOOL("WriteFile(write end) while the child runs",
               WriteFile(w, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CHECK_BOOL("TerminateProcess(child)", TerminateProcess(pi.hProcess, 3));
    conf_finish("  ended", &pi);
    n = 77;
    CHECK_BOOL("WriteFile(write end) after the child ended",
               WriteFile(w, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CloseHandle(w);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];
    redirected();
    copies_in_children();
    CONF_DONE();
}
