/*
 * test_console.c: the console's names in CreateFileA/W ("CONIN$",
 * "CONOUT$", "CON") and which processes have a console (issue 18).
 *
 * A process's console is its controlling terminal (docs/processes.md,
 * "Consoles").  The test makes one: a pseudo-terminal that a helper
 * process, in a session of its own, takes as its controlling terminal,
 * its standard input /dev/null and its output the test's (so the console
 * is not reached through the standard handles).  In it the helper checks
 * the names, and starts children: one without flags shares the console,
 * one with DETACHED_PROCESS has none (Windows: ERROR_INVALID_HANDLE for
 * each name, Wine's console.c test_FreeConsole), nor has its own child,
 * and one with CREATE_NEW_CONSOLE shares the terminal.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

#include "testlib.h"

/* The exit codes of the "probe" helper. */
#define PROBE_CONSOLE 10    /* the three names open the terminal */
#define PROBE_NO_CONSOLE 20 /* each fails with ERROR_INVALID_HANDLE */
#define PROBE_MIXED 30      /* anything else */

/* 1 if name opens with access, as a character device; 0 if it fails with
 * ERROR_INVALID_HANDLE; -1 otherwise. */
static int probe_name(const char *name, DWORD access)
{
    HANDLE h;
    int r;

    SetLastError(0xdeadbeef);
    h = CreateFileA(name, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                    OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_INVALID_HANDLE ? 0 : -1;
    r = GetFileType(h) == FILE_TYPE_CHAR ? 1 : -1;
    CloseHandle(h);
    return r;
}

/* "probe [PGID]": whether this process has a console; with PGID, also
 * that it is still in that process group (a detached child stays in its
 * parent's group, and so in its job). */
static int helper_probe(int argc, char **argv)
{
    int in = probe_name("CONIN$", GENERIC_READ | GENERIC_WRITE);
    int out = probe_name("CONOUT$", GENERIC_WRITE);
    int con = probe_name("CON", GENERIC_READ);
    int rw = 0;
    HANDLE h;

    if (argc >= 1 && getpgrp() != atoi(argv[0]))
        return PROBE_MIXED + 1;
    /* CON for reading and writing: no console is ERROR_INVALID_HANDLE,
     * a console ERROR_FILE_NOT_FOUND (CreateFileA, "Consoles"). */
    SetLastError(0xdeadbeef);
    h = CreateFileA("CON", GENERIC_READ | GENERIC_WRITE, 0, NULL,
                    OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        rw = GetLastError() == ERROR_INVALID_HANDLE    ? 0
             : GetLastError() == ERROR_FILE_NOT_FOUND ? 1
                                                      : -1;
    else
        CloseHandle(h);
    if (in == 1 && out == 1 && con == 1 && rw == 1)
        return PROBE_CONSOLE;
    if (in == 0 && out == 0 && con == 0 && rw == 0)
        return PROBE_NO_CONSOLE;
    return PROBE_MIXED;
}

/* Starts "self --helper probe ARG" with flags (and si, if given); returns
 * its exit code. */
static DWORD run_probe(DWORD flags, STARTUPINFOA *si, BOOL inherit,
                       const char *arg)
{
    STARTUPINFOA plain = {sizeof plain};
    PROCESS_INFORMATION pi;
    char cmd[4200];
    DWORD code = 0;

    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s %s", test_self_exe(),
             si ? "detached_std" : "probe", arg ? arg : "");
    if (!CreateProcessA(NULL, cmd, NULL, NULL, inherit, flags, NULL, NULL,
                        si ? si : &plain, &pi))
        return 1000 + GetLastError();
    WaitForSingleObject(pi.hProcess, 30000);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

/* "detached_std": a DETACHED_PROCESS child given console handles as its
 * standard handles: it has no console, yet the handles it was given are
 * the terminal's (Wine's process.c detached_cui[1]), and its own child,
 * started without flags, has no console either. */
static int helper_detached_std(int argc, char **argv)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD n;

    (void)argc;
    (void)argv;
    if (helper_probe(0, NULL) != PROBE_NO_CONSOLE)
        return 2;
    if (GetFileType(in) != FILE_TYPE_CHAR || GetFileType(out) != FILE_TYPE_CHAR)
        return 3;
    if (!WriteFile(out, "detached\n", 9, &n, NULL) || n != 9)
        return 4;

    if (run_probe(0, NULL, FALSE, NULL) != PROBE_NO_CONSOLE)
        return 5;
    return 0;
}

/* "terminal": runs in a session whose controlling terminal is the test's
 * pseudo-terminal; standard input is /dev/null.  The test has typed
 * "typed\n" at the terminal and reads what is written to it. */
static int helper_terminal(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    char buf[64], pgid[32];
    /* Each spelling, and whether it opens for reading and writing at once
     * (CON does not: it is the input or the output). */
    static const struct {
        const char *name;
        int rw;
    } names[] = {{"CONIN$", 1},  {"conin$", 1},   {"\\\\.\\CONIN$", 1},
                 {"CONIN$:", 1}, {"CONOUT$", 1},  {"Conout$  ", 1},
                 {"CON", 0},     {"CON:", 0},     {"\\\\.\\con", 0}};
    HANDLE in, out, h;
    DWORD n;

    (void)argc;
    (void)argv;
    /* Standard input is /dev/null, CONIN$ the terminal. */
    in = CreateFileA("CONIN$", GENERIC_READ | GENERIC_WRITE,
                     FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                     0, NULL);
    CHECK(in != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetFileType(in), FILE_TYPE_CHAR);
    memset(buf, 0, sizeof buf);
    CHECK_OK(ReadFile(in, buf, sizeof buf - 1, &n, NULL));
    CHECK_EQ(strncmp(buf, "typed", 5), 0);
    CloseHandle(in);
    out = CreateFileW(L"CONOUT$", GENERIC_WRITE, FILE_SHARE_WRITE, NULL,
                      OPEN_EXISTING, 0, NULL);
    CHECK(out != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(out, "to-console\n", 11, &n, NULL));
    CHECK_EQ(n, 11u);
    CloseHandle(out);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_EQ(probe_name(names[i].name, GENERIC_READ), 1);
        CHECK_EQ(probe_name(names[i].name, GENERIC_WRITE), 1);
        CHECK_EQ(probe_name(names[i].name, GENERIC_READ | GENERIC_WRITE),
                 names[i].rw ? 1 : -1);
    }
    CHECK_EQ(probe_name("CON", 0), 1);
    CHECK_FAILS(CreateFileA("CON", GENERIC_READ | GENERIC_WRITE, 0, NULL,
                            OPEN_EXISTING, 0, NULL) != INVALID_HANDLE_VALUE,
                ERROR_FILE_NOT_FOUND);
    /* Every disposition opens it; OPEN_ALWAYS says it was there. */
    h = CreateFileA("CONOUT$", GENERIC_WRITE, 0, NULL, OPEN_ALWAYS, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), (DWORD)ERROR_ALREADY_EXISTS);
    CloseHandle(h);
    h = CreateFileA("CONOUT$", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0u);
    CloseHandle(h);
    /* A console handle is inherited like any other. */
    h = CreateFileA("CONOUT$", GENERIC_WRITE, 0, &sa, OPEN_EXISTING, 0, NULL);
    CHECK_OK(GetHandleInformation(h, &n));
    CHECK_EQ(n, (DWORD)HANDLE_FLAG_INHERIT);
    CloseHandle(h);

    /* Children: without flags, and with CREATE_NEW_CONSOLE, they share the
     * terminal; DETACHED_PROCESS leaves it and stays in this group. */
    snprintf(pgid, sizeof pgid, "%d", (int)getpgrp());
    CHECK_EQ(run_probe(0, NULL, FALSE, pgid), (DWORD)PROBE_CONSOLE);
    CHECK_EQ(run_probe(CREATE_NEW_CONSOLE, NULL, FALSE, pgid),
             (DWORD)PROBE_CONSOLE);
    CHECK_EQ(run_probe(DETACHED_PROCESS, NULL, FALSE, pgid),
             (DWORD)PROBE_NO_CONSOLE);
    /* This process still has it. */
    CHECK_EQ(helper_probe(0, NULL), PROBE_CONSOLE);

    /* A detached child given the console's handles. */
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = CreateFileA("CONIN$", GENERIC_READ, 0, &sa, OPEN_EXISTING,
                               0, NULL);
    si.hStdOutput = CreateFileA("CONOUT$", GENERIC_READ | GENERIC_WRITE, 0,
                                &sa, OPEN_EXISTING, 0, NULL);
    si.hStdError = si.hStdOutput;
    CHECK_EQ(run_probe(DETACHED_PROCESS, &si, TRUE, NULL), 0u);
    CloseHandle(si.hStdInput);
    CloseHandle(si.hStdOutput);
    return test_failures ? 1 : 0;
}

/* Reads from the terminal's master until a and b have come (or 10 s
 * without anything). */
static int read_until(int master, const char *a, const char *b)
{
    char buf[4096];
    size_t len = 0;
    struct pollfd p = {master, POLLIN, 0};

    while (len < sizeof buf - 1 && poll(&p, 1, 10000) == 1) {
        ssize_t n = read(master, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, a) && strstr(buf, b))
            return 1;
    }
    return 0;
}

static void test_terminal_console(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    int status = -1, keep;
    const char *slave;
    pid_t pid;

    CHECK(master >= 0);
    CHECK_EQ(grantpt(master), 0);
    CHECK_EQ(unlockpt(master), 0);
    slave = ptsname(master);
    CHECK(slave != NULL);
    /* Held open here, so that the master reads what is written while no
     * process of the helper's has the terminal open (else: EIO). */
    keep = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHECK(keep >= 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        int fd, null;
        char *args[] = {(char *)test_self_exe(), "--helper", "terminal",
                        NULL};
        /* A session of its own, whose controlling terminal is the slave
         * (the first terminal its leader opens). */
        if (setsid() < 0 || (fd = open(slave, O_RDWR)) < 0 ||
            ioctl(fd, TIOCSCTTY, 0) < 0 ||
            (null = open("/dev/null", O_RDONLY)) < 0 || dup2(null, 0) < 0)
            _exit(98);
        close(fd);
        execv(args[0], args);
        _exit(97);
    }
    CHECK(pid > 0);
    CHECK_EQ(write(master, "typed\n", 6), 6);
    /* What the helper and its detached child write reaches the terminal. */
    CHECK_EQ(read_until(master, "to-console", "detached"), 1);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    close(keep);
    close(master);
}

/* A process without a console: a DETACHED_PROCESS child, whatever this
 * process has. */
static void test_no_console(void)
{
    CHECK_EQ(run_probe(DETACHED_PROCESS, NULL, FALSE, NULL),
             (DWORD)PROBE_NO_CONSOLE);
}

int main(int argc, char **argv)
{
    TEST_HELPERS(argc, argv, {"probe", helper_probe},
                 {"terminal", helper_terminal},
                 {"detached_std", helper_detached_std});
    RUN(test_terminal_console);
    RUN(test_no_console);
    return TEST_SUMMARY();
}
