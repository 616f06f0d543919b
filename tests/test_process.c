/*
 * test_process.c: CreateProcessA, inheritance, process handles.
 *
 * Expected values follow Windows (checked with the conformance scenarios
 * under Wine and Microsoft's CreateProcess documentation).  The binary
 * re-runs itself for the child side: "test_process --helper NAME ARGS".
 */
#include "testlib.h"

#include <fcntl.h>
#include <dirent.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char self_exe[4096];

static HANDLE handle_arg(const char *s)
{
    return (HANDLE)(uintptr_t)strtoull(s, NULL, 0);
}

/* ---- Helpers (the child side) ------------------------------------------- */

static int helper_exit(int argc, char **argv)
{
    return argc > 0 ? atoi(argv[0]) : 0;
}

/* Writes argv[1] to the handle whose value is argv[0]. */
static int helper_write(int argc, char **argv)
{
    DWORD n;
    if (argc < 2)
        return 90;
    if (!WriteFile(handle_arg(argv[0]), argv[1], (DWORD)strlen(argv[1]), &n,
                   NULL))
        return (int)(GetLastError() & 0x7f) + 100 > 255 ? 254
                                                        : (int)GetLastError();
    return 0;
}

/* Exit code: the handle's inherit flag (1), 0 if it is not valid. */
static int helper_flags(int argc, char **argv)
{
    DWORD flags;
    if (argc < 1)
        return 90;
    if (!GetHandleInformation(handle_arg(argv[0]), &flags))
        return GetLastError() == ERROR_INVALID_HANDLE ? 66 : 67;
    return (int)flags;
}

/* Starts a grandchild that writes to the inherited handle argv[0]. */
static int helper_spawn_writer(int argc, char **argv)
{
    char cmd[8192];
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    DWORD code = 99;
    if (argc < 2)
        return 90;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper write %s \"%s\"", self_exe,
             argv[0], argv[1]);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return 91;
    WaitForSingleObject(pi.hProcess, 30000);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return (int)code;
}

/* Exit code: how many descriptors the child has open. */
static int helper_count_fds(int argc, char **argv)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    (void)argc;
    (void)argv;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

/* Waits on the inherited handle of its parent: exit code is the result of
 * a zero-timeout wait (WAIT_TIMEOUT = 258 & 0xff = 2). */
static int helper_wait_parent(int argc, char **argv)
{
    if (argc < 1)
        return 90;
    return WaitForSingleObject(handle_arg(argv[0]), 0) == WAIT_TIMEOUT ? 3
                                                                       : 4;
}

/* Prints an environment variable (or "<none>") to stdout. */
static int helper_getenv(int argc, char **argv)
{
    char buf[256];
    if (argc < 1)
        return 90;
    if (GetEnvironmentVariableA(argv[0], buf, sizeof buf) == 0)
        strcpy(buf, "<none>");
    printf("%s", buf);
    fflush(stdout);
    return 0;
}

/* Blocks reading stdin until EOF, then exits with 5. */
static int helper_read_stdin(int argc, char **argv)
{
    char buf[64];
    (void)argc;
    (void)argv;
    while (fread(buf, 1, sizeof buf, stdin) > 0)
        ;
    return 5;
}

/* ---- Parent-side utilities ---------------------------------------------- */

/* Runs a helper and returns its exit code (or 1000 + error). */
static DWORD run_helper(const char *args, BOOL inherit)
{
    char cmd[8192];
    PROCESS_INFORMATION pi;
    DWORD code = 0;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s", self_exe, args);
    if (!test_spawn(cmd, inherit, NULL, &pi))
        return 1000 + GetLastError();
    if (WaitForSingleObject(pi.hProcess, 30000) != WAIT_OBJECT_0)
        return 2000;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

/* Reads everything from h until the pipe breaks. */
static DWORD read_all(HANDLE h, char *buf, DWORD cap)
{
    DWORD total = 0, n;
    while (total < cap - 1 && ReadFile(h, buf + total, cap - 1 - total, &n,
                                       NULL))
        total += n;
    buf[total] = '\0';
    return total;
}

/* ---- Tests --------------------------------------------------------------- */

static void test_exit_code_and_wait(void)
{
    CHECK_EQ(run_helper("exit 42", FALSE), 42);
    CHECK_EQ(run_helper("exit 0", FALSE), 0);
}

static void test_still_active_then_code(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE r, w;
    DWORD code = 0;
    char cmd[8192];

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    SetHandleInformation(w, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = r;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper read_stdin", self_exe);
    CHECK_OK(test_spawn(cmd, TRUE, &si, &pi));
    CloseHandle(r);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 0), WAIT_TIMEOUT);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    CHECK_EQ(WaitForSingleObject(pi.hThread, 0), WAIT_TIMEOUT);
    CHECK_EQ(GetProcessId(pi.hProcess), pi.dwProcessId);
    CloseHandle(w); /* the child sees EOF and exits with 5 */
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 5);
    CHECK_EQ(WaitForSingleObject(pi.hThread, 0), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(pi.hThread, &code));
    CHECK_EQ(code, 5);
    /* The code stays readable for as long as a handle is open. */
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 5);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
}

static void test_inherit_same_value(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE r, w, noinh_r, noinh_w;
    char args[128], buf[64];

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    CHECK_OK(CreatePipe(&noinh_r, &noinh_w, NULL, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);

    snprintf(args, sizeof args, "write %#lx hello", (unsigned long)(uintptr_t)w);
    CHECK_EQ(run_helper(args, TRUE), 0);
    CloseHandle(w);
    CHECK_EQ(read_all(r, buf, sizeof buf), 5);
    CHECK_STR(buf, "hello");

    /* The flag itself is inherited; the non-inheritable one stays here. */
    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    snprintf(args, sizeof args, "flags %#lx", (unsigned long)(uintptr_t)w);
    CHECK_EQ(run_helper(args, TRUE), HANDLE_FLAG_INHERIT);
    snprintf(args, sizeof args, "flags %#lx",
             (unsigned long)(uintptr_t)noinh_w);
    CHECK_EQ(run_helper(args, TRUE), 66);
    /* bInheritHandles FALSE: the child starts with none. */
    snprintf(args, sizeof args, "flags %#lx", (unsigned long)(uintptr_t)w);
    CHECK_EQ(run_helper(args, FALSE), 66);
    CloseHandle(r);
    CloseHandle(w);
    CloseHandle(noinh_r);
    CloseHandle(noinh_w);
}

static void test_grandchild_inherits(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE r, w;
    char args[128], buf[64];

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    snprintf(args, sizeof args, "spawn_writer %#lx grand",
             (unsigned long)(uintptr_t)w);
    CHECK_EQ(run_helper(args, TRUE), 0);
    CloseHandle(w);
    CHECK_EQ(read_all(r, buf, sizeof buf), 5);
    CHECK_STR(buf, "grand");
    CloseHandle(r);
}

static void test_nothing_else_leaks(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE r, w, r2, w2;
    int raw = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    /* 0, 1, 2 only. */
    CHECK_EQ(run_helper("count_fds", TRUE), 3);
    CHECK_OK(CreatePipe(&r2, &w2, &sa, 0));
    /* 0, 1, 2, the two inherited ends, and the child's own handle-service
     * socket (a process with handles listens for DuplicateHandle). */
    CHECK_EQ(run_helper("count_fds", TRUE), 6);
    CHECK_EQ(run_helper("count_fds", FALSE), 3);
    close(raw);
    CloseHandle(r);
    CloseHandle(w);
    CloseHandle(r2);
    CloseHandle(w2);
}

static void test_child_waits_for_parent(void)
{
    /* The seeds' scenario: a real, inheritable handle to ourselves. */
    HANDLE self;
    char args[64];
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &self, 0, TRUE,
                             DUPLICATE_SAME_ACCESS));
    snprintf(args, sizeof args, "wait_parent %#lx",
             (unsigned long)(uintptr_t)self);
    CHECK_EQ(run_helper(args, TRUE), 3);
    CloseHandle(self);
}

static void test_std_handles_to_shell(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE r, w;
    char buf[256];
    char cmd[] = "/bin/sh -c \"echo out; echo err 1>&2; exit 3\"";
    DWORD code;

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = NULL;
    si.hStdOutput = w;
    si.hStdError = w;
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                            &pi));
    CloseHandle(w);
    read_all(r, buf, sizeof buf);
    CHECK_STR(buf, "out\nerr\n");
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 3);
    CloseHandle(r);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

/* Runs "helper getenv NAME" with env/cwd and returns what it printed. */
static void capture(const char *cmdline, LPVOID env, const char *cwd,
                    char *out, DWORD cap)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE r, w;
    char *cmd = strdup(cmdline);

    out[0] = '\0';
    CreatePipe(&r, &w, &sa, 0);
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    if (CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, env, cwd, &si, &pi)) {
        CloseHandle(w);
        read_all(r, out, cap);
        WaitForSingleObject(pi.hProcess, 30000);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    } else {
        CloseHandle(w);
        snprintf(out, cap, "CreateProcess failed: %lu",
                 (unsigned long)GetLastError());
    }
    CloseHandle(r);
    free(cmd);
}

static void test_environment(void)
{
    char cmd[8192], out[256];
    static char block[] = "ALPHA=1\0WINIPC_TEST_VAR=from-block\0";

    CHECK_OK(SetEnvironmentVariableA("WINIPC_TEST_VAR", "set-in-parent"));
    snprintf(cmd, sizeof cmd, "\"%s\" --helper getenv WINIPC_TEST_VAR",
             self_exe);
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "set-in-parent");
    capture(cmd, block, NULL, out, sizeof out);
    CHECK_STR(out, "from-block");
    CHECK_OK(SetEnvironmentVariableA("WINIPC_TEST_VAR", NULL));
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "<none>");
}

static void test_current_directory(void)
{
    char out[256];
    capture("/bin/sh -c pwd", NULL, "/tmp", out, sizeof out);
    CHECK_STR(out, "/tmp\n");
}

static void test_argv_quoting(void)
{
    char out[512];
    /* sh prints its arguments one per line. */
    capture("/bin/sh -c \"printf '[%s]' \\\"$@\\\"\" sh a\\\\b \"c d\" "
            "e\\\"f \"g\"\"h\"",
            NULL, NULL, out, sizeof out);
    CHECK_STR(out, "[a\\\\b][c d][e\"f][g\"h]");
}

/* A script that prints "TAG:" and its arguments, each followed by '|'. */
static void write_tag_script(const char *path, const char *tag)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        TEST_FAIL_AT("cannot create %s", path);
        return;
    }
    fprintf(f, "#!/bin/sh\nprintf '%%s:' '%s'\nprintf '%%s|' \"$@\"\n", tag);
    fclose(f);
    chmod(path, 0755);
}

/* An unquoted program path with spaces (lpApplicationName NULL): the text
 * up to each blank is tried, shortest first; the first file found runs,
 * with the rest of the line as its arguments; directories are passed
 * over.  The scripts tell which file ran. */
static void test_unquoted_spaces(void)
{
    char base[256], dir[300], path[400], cmd[512], out[256], cwd[4096];

    snprintf(base, sizeof base, "%s", test_tmp_path("spaces"));
    snprintf(dir, sizeof dir, "%s/my dir", base);
    CHECK_EQ(mkdir(base, 0755), 0);
    CHECK_EQ(mkdir(dir, 0755), 0);
    snprintf(path, sizeof path, "%s/prog name", dir);
    write_tag_script(path, "whole");
    snprintf(cmd, sizeof cmd, "%s/prog name a \"b c\"", dir);
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "whole:a|b c|");
    snprintf(cmd, sizeof cmd, "%s\\my dir\\prog name\ta", base);
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "whole:a|");

    /* A shorter name wins. */
    snprintf(path, sizeof path, "%s/prog", dir);
    write_tag_script(path, "prog");
    snprintf(cmd, sizeof cmd, "%s/prog name a", dir);
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "prog:name|a|");
    snprintf(cmd, sizeof cmd, "\"%s/prog name\" a", dir);
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "whole:a|");

    /* A directory is no program: the search goes on. */
    snprintf(path, sizeof path, "%s/my", base);
    CHECK_EQ(mkdir(path, 0755), 0);
    snprintf(cmd, sizeof cmd, "%s/my dir/prog name a", base);
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "prog:name|a|");
    CHECK_EQ(rmdir(path), 0);
    write_tag_script(path, "my");
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "my:dir/prog|name|a|");

    /* The first file found is taken, even one that cannot run. */
    CHECK_EQ(chmod(path, 0644), 0);
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "CreateProcess failed: 5"); /* ERROR_ACCESS_DENIED */
    CHECK_EQ(unlink(path), 0);

    /* No directory part: each name is searched for, here in the current
     * directory. */
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_EQ(chdir(dir), 0);
    snprintf(path, sizeof path, "%s/prog", dir);
    CHECK_EQ(unlink(path), 0);
    capture("prog name a", NULL, NULL, out, sizeof out);
    CHECK_STR(out, "whole:a|");
    CHECK_EQ(chdir(cwd), 0);

    /* None exists: the first name's error.  A relative name is never
     * ERROR_PATH_NOT_FOUND on a command line. */
    snprintf(cmd, sizeof cmd, "%s/my dir/no such prog a", base);
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "CreateProcess failed: 2");
    snprintf(cmd, sizeof cmd, "%s/no such dir/prog a", base);
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "CreateProcess failed: 2");
    capture("/no/such/dir/prog name a", NULL, NULL, out, sizeof out);
    CHECK_STR(out, "CreateProcess failed: 3");
    capture("winipc-no-such-dir/prog name a", NULL, NULL, out, sizeof out);
    CHECK_STR(out, "CreateProcess failed: 2");
    capture("\"winipc-no-such-dir/prog name\" a", NULL, NULL, out, sizeof out);
    CHECK_STR(out, "CreateProcess failed: 2");
    snprintf(cmd, sizeof cmd, "%s a", dir); /* a directory */
    capture(cmd, NULL, NULL, out, sizeof out);
    CHECK_STR(out, "CreateProcess failed: 2");

    snprintf(path, sizeof path, "%s/prog name", dir);
    CHECK_EQ(unlink(path), 0);
    CHECK_EQ(rmdir(dir), 0);
    CHECK_EQ(rmdir(base), 0);
}

static void test_errors(void)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd1[] = "winipc-no-such-program-xyz";
    char cmd2[] = "/no/such/dir/prog";
    char cmd3[] = "./winipc-test-noexec";
    char cmd4[] = "./winipc-test-badexe";
    char cmd5[] = "/bin/true";
    const char *dir = test_tmp_path("errors");
    char cwd[4096];
    FILE *f;

    /* The scratch files go in a directory of this process's own, so that
     * two runs at once do not take each other's. */
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_EQ(mkdir(dir, 0700), 0);
    CHECK_EQ(chdir(dir), 0);
    CHECK_FAILS(CreateProcessA(NULL, cmd1, NULL, NULL, FALSE, 0, NULL, NULL,
                               &si, &pi),
                ERROR_FILE_NOT_FOUND);
    CHECK_FAILS(CreateProcessA(NULL, cmd2, NULL, NULL, FALSE, 0, NULL, NULL,
                               &si, &pi),
                ERROR_PATH_NOT_FOUND);
    f = fopen("winipc-test-noexec", "w");
    fputs("#!/bin/sh\nexit 0\n", f);
    fclose(f);
    chmod("winipc-test-noexec", 0644);
    CHECK_FAILS(CreateProcessA(NULL, cmd3, NULL, NULL, FALSE, 0, NULL, NULL,
                               &si, &pi),
                ERROR_ACCESS_DENIED);
    f = fopen("winipc-test-badexe", "w");
    fputs("\x01\x02garbage", f);
    fclose(f);
    chmod("winipc-test-badexe", 0755);
    CHECK_FAILS(CreateProcessA(NULL, cmd4, NULL, NULL, FALSE, 0, NULL, NULL,
                               &si, &pi),
                ERROR_BAD_EXE_FORMAT);
    CHECK_FAILS(CreateProcessA(NULL, cmd5, NULL, NULL, FALSE, 0, NULL,
                               "/no/such/dir", &si, &pi),
                ERROR_DIRECTORY);
    /* A directory that is a file, not a directory. */
    CHECK_FAILS(CreateProcessA(NULL, cmd5, NULL, NULL, FALSE, 0, NULL,
                               "winipc-test-badexe", &si, &pi),
                ERROR_DIRECTORY);
    /* A data file that is not executable is no program at all, as on
     * Windows; a directory named as the program cannot be run. */
    f = fopen("winipc-test-data", "w");
    fputs("just text\n", f);
    fclose(f);
    chmod("winipc-test-data", 0644);
    CHECK_FAILS(CreateProcessA("winipc-test-data", NULL, NULL, NULL, FALSE, 0,
                               NULL, NULL, &si, &pi),
                ERROR_BAD_EXE_FORMAT);
    CHECK_FAILS(CreateProcessA("/tmp", NULL, NULL, NULL, FALSE, 0, NULL, NULL,
                               &si, &pi),
                ERROR_ACCESS_DENIED);
    unlink("winipc-test-noexec");
    unlink("winipc-test-badexe");
    unlink("winipc-test-data");
    CHECK_EQ(chdir(cwd), 0);
    CHECK_EQ(rmdir(dir), 0);
}

static void test_terminate(void)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[] = "/bin/sleep 30";
    DWORD code;

    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si,
                            &pi));
    CHECK_OK(TerminateProcess(pi.hProcess, 1234));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 1234);
    CHECK_FAILS(TerminateProcess(pi.hProcess, 1), ERROR_ACCESS_DENIED);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

static void test_wait_multiple_children(void)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi[3];
    HANDLE hs[3];
    char cmd[8192];
    int i;

    for (i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "\"%s\" --helper exit %d", self_exe, i + 10);
        CHECK_OK(test_spawn(cmd, FALSE, &si, &pi[i]));
        hs[i] = pi[i].hProcess;
    }
    CHECK_EQ(WaitForMultipleObjects(3, hs, TRUE, 30000), WAIT_OBJECT_0);
    for (i = 0; i < 3; i++) {
        DWORD code;
        GetExitCodeProcess(hs[i], &code);
        CHECK_EQ(code, (DWORD)(i + 10));
        CloseHandle(pi[i].hProcess);
        CloseHandle(pi[i].hThread);
    }
}

static void test_open_process(void)
{
    HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE,
                           GetCurrentProcessId());
    CHECK(h != NULL);
    CHECK_EQ(GetProcessId(h), GetCurrentProcessId());
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CloseHandle(h);
    CHECK_FAILS(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0),
                ERROR_INVALID_PARAMETER);
    /* A process of root's, opened by a user that is not root: pid 1 when
     * we are not root ourselves; when we are (CI, containers), this
     * process, opened by a helper running as nobody. */
    if (geteuid() != 0) {
        CHECK_FAILS(OpenProcess(PROCESS_TERMINATE, FALSE, 1),
                    ERROR_ACCESS_DENIED);
    } else {
        char pid[32];
        int status = -1;
        pid_t child;
        snprintf(pid, sizeof pid, "%lu", (unsigned long)getpid());
        fflush(NULL);
        child = fork();
        if (child == 0) {
            if (setgroups(0, NULL) != 0 || setgid(65534) != 0 ||
                setuid(65534) != 0 || geteuid() != 65534)
                _exit(96);
            execl(self_exe, self_exe, "--helper", "open_denied", pid,
                  (char *)NULL);
            _exit(97);
        }
        CHECK(child > 0);
        if (child > 0) {
            CHECK_EQ(waitpid(child, &status, 0), child);
            /* 0: ERROR_ACCESS_DENIED; 96: setuid failed; 97: exec failed;
             * 1: another result (the helper printed it). */
            CHECK(WIFEXITED(status));
            CHECK_EQ(WEXITSTATUS(status), 0);
        }
    }
}

/* open_denied PID: OpenProcess(PROCESS_TERMINATE) on PID must fail with
 * ERROR_ACCESS_DENIED (run as a user that does not own PID). */
static int helper_open_denied(int argc, char **argv)
{
    HANDLE h;
    DWORD err;
    if (argc < 1)
        return 90;
    SetLastError(0xdeadbeef);
    h = OpenProcess(PROCESS_TERMINATE, FALSE, (DWORD)strtoul(argv[0], NULL, 0));
    err = GetLastError();
    if (h == NULL && err == ERROR_ACCESS_DENIED)
        return 0;
    fprintf(stderr, "open_denied: OpenProcess(%s) as uid %lu: %s, error %lu\n",
            argv[0], (unsigned long)geteuid(), h ? "opened" : "failed",
            (unsigned long)err);
    return 1;
}

static void test_create_suspended(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE r, w;
    char cmd[8192], buf[64];
    DWORD n, code;

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper write %#lx resumed", self_exe,
             (unsigned long)(uintptr_t)w);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED,
                            NULL, NULL, &si, &pi));
    CloseHandle(w);
    /* Nothing runs until ResumeThread. */
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 200), WAIT_TIMEOUT);
    CHECK_OK(PeekNamedPipe(r, NULL, 0, NULL, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_EQ(ResumeThread(pi.hThread), 1);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    CHECK_EQ(read_all(r, buf, sizeof buf), 7);
    CHECK_STR(buf, "resumed");
    CHECK_EQ(ResumeThread(pi.hThread), 0);
    CloseHandle(r);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* A suspended child can be terminated. */
    snprintf(cmd, sizeof cmd, "\"%s\" --helper exit 1", self_exe);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED,
                            NULL, NULL, &si, &pi));
    CHECK_OK(TerminateProcess(pi.hProcess, 77));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 77);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

static int is_zombie(DWORD pid)
{
    char path[64], buf[512], *p;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%u/stat", (unsigned)pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    buf[0] = '\0';
    fgets(buf, sizeof buf, f);
    fclose(f);
    p = strrchr(buf, ')');
    return p && p[2] == 'Z';
}

static void test_no_zombies(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[] = "/bin/sh -c \"read x\"";
    char path[64];
    HANDLE r, w;
    int i;

    /* The child ends when its standard input does: only once its handles
     * here are closed, so that it is still running then. */
    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    SetHandleInformation(w, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = r;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                            &pi));
    CloseHandle(r);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 0), WAIT_TIMEOUT);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess); /* still running: the reaper takes it */
    CloseHandle(w);           /* now it ends */
    snprintf(path, sizeof path, "/proc/%u", (unsigned)pi.dwProcessId);
    for (i = 0; i < 100 && access(path, F_OK) == 0; i++)
        Sleep(100); /* polling the state, with a bound */
    /* Reaped within 10 s, not left a zombie (nor running). */
    CHECK(!is_zombie(pi.dwProcessId));
    CHECK(access(path, F_OK) != 0);
}

int main(int argc, char **argv)
{
    {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
        self_exe[n > 0 ? n : 0] = '\0';
    }
    TEST_HELPERS(argc, argv, {"exit", helper_exit}, {"write", helper_write},
                 {"flags", helper_flags},
                 {"spawn_writer", helper_spawn_writer},
                 {"count_fds", helper_count_fds},
                 {"wait_parent", helper_wait_parent},
                 {"getenv", helper_getenv},
                 {"read_stdin", helper_read_stdin},
                 {"open_denied", helper_open_denied});
    RUN(test_exit_code_and_wait);
    RUN(test_still_active_then_code);
    RUN(test_inherit_same_value);
    RUN(test_grandchild_inherits);
    RUN(test_nothing_else_leaks);
    RUN(test_child_waits_for_parent);
    RUN(test_std_handles_to_shell);
    RUN(test_environment);
    RUN(test_current_directory);
    RUN(test_argv_quoting);
    RUN(test_unquoted_spaces);
    RUN(test_errors);
    RUN(test_terminate);
    RUN(test_wait_multiple_children);
    RUN(test_open_process);
    RUN(test_no_zombies);
    RUN(test_create_suspended);
    return TEST_SUMMARY();
}
