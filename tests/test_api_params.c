/*
 * test_api_params.c: parameters that winipc maps onto Linux, refuses as
 * Windows does, or documents (issue 19, "silent drops"): each test names
 * its Windows evidence (Microsoft's documentation, or Wine 8 where the
 * documentation says nothing).
 *
 * The test re-runs itself for helper processes: "--helper NAME ARGS".
 */
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "testlib.h"

static char self_exe[4096];

/* ---- Helpers (child processes) ------------------------------------------- */

/* Prints "PID PGID NICE" on its standard output. */
static int helper_report(int argc, char **argv)
{
    char line[64];
    DWORD n;
    int nice;
    (void)argc;
    (void)argv;
    errno = 0;
    nice = getpriority(PRIO_PROCESS, 0);
    snprintf(line, sizeof line, "%d %d %d\n", (int)getpid(),
             (int)getpgid(0), nice);
    return WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), line,
                     (DWORD)strlen(line), &n, NULL)
               ? 0
               : 3;
}

/* ---- Process creation ---------------------------------------------------- */

struct child_report {
    int ok;
    int pid, pgid, nice;
    DWORD create_err;
};

/* Runs the "report" helper with flags; what it printed. */
static struct child_report run_report(DWORD flags)
{
    struct child_report r = {0};
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE rd, wr;
    char cmd[4200], buf[128];
    DWORD total = 0, n;

    if (!CreatePipe(&rd, &wr, &sa, 0)) {
        r.create_err = GetLastError();
        return r;
    }
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper report", self_exe);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, flags, NULL, NULL, &si,
                        &pi)) {
        r.create_err = GetLastError();
        CloseHandle(rd);
        CloseHandle(wr);
        return r;
    }
    CloseHandle(wr);
    /* Ends when the child exits (the pipe breaks); the watchdog bounds it. */
    while (total < sizeof buf - 1 &&
           ReadFile(rd, buf + total, (DWORD)(sizeof buf - 1 - total), &n,
                    NULL) &&
           n > 0)
        total += n;
    buf[total] = '\0';
    CloseHandle(rd);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_EQ(GetProcessId(pi.hProcess), pi.dwProcessId);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    r.ok = sscanf(buf, "%d %d %d", &r.pid, &r.pgid, &r.nice) == 3 &&
           (DWORD)r.pid == pi.dwProcessId;
    return r;
}

/* CREATE_NEW_PROCESS_GROUP: "The new process is the root process of a new
 * process group ... The process identifier of the new process group is the
 * same as the process identifier" (Process Creation Flags,
 * learn.microsoft.com/windows/win32/procthread/process-creation-flags). */
static void test_new_process_group(void)
{
    struct child_report r = run_report(CREATE_NEW_PROCESS_GROUP);
    CHECK(r.ok);
    CHECK_EQ(r.pgid, r.pid);
    r = run_report(0);
    CHECK(r.ok);
    CHECK_EQ(r.pgid, (int)getpgid(0)); /* without it: the parent's group */
    CHECK_NE(r.pgid, r.pid);
}

/* What an unprivileged process gets when it asks for nice value want
 * (the rule of wipc_spawn_req: never past the value it started with). */
static int reachable_nice(int want, int cur)
{
    struct rlimit rl;
    int floor;
    if (want >= cur || geteuid() == 0)
        return want;
    if (getrlimit(RLIMIT_NICE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
        return cur;
    floor = 20 - (int)(rl.rlim_cur > 40 ? 40 : rl.rlim_cur);
    if (floor >= cur)
        return cur;
    return floor > want ? floor : want;
}

/*
 * The priority classes as nice values.  Wine 8 accepts every class and
 * reports NORMAL for each child (it does not model process priority), so
 * the mapping is winipc's (README): IDLE 19, BELOW_NORMAL 10, NORMAL 0,
 * ABOVE_NORMAL -5, HIGH -10, REALTIME -20.
 */
static void test_priority_classes(void)
{
    static const struct {
        DWORD flags;
        int nice;
    } cases[] = {
        {IDLE_PRIORITY_CLASS, 19},
        {BELOW_NORMAL_PRIORITY_CLASS, 10},
        {NORMAL_PRIORITY_CLASS, 0},
        {ABOVE_NORMAL_PRIORITY_CLASS, -5},
        {HIGH_PRIORITY_CLASS, -10},
        {REALTIME_PRIORITY_CLASS, -20},
        /* Several classes: Windows takes them (Wine 8: CreateProcess
         * succeeds); the lowest named wins. */
        {IDLE_PRIORITY_CLASS | HIGH_PRIORITY_CLASS, 19},
        {NORMAL_PRIORITY_CLASS | BELOW_NORMAL_PRIORITY_CLASS, 10},
    };
    int cur;
    errno = 0;
    cur = getpriority(PRIO_PROCESS, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct child_report r = run_report(cases[i].flags);
        CHECK_EQ(r.create_err, 0);
        CHECK(r.ok);
        if (r.nice != reachable_nice(cases[i].nice, cur))
            TEST_FAIL_AT("flags %#lx: nice %d, expected %d",
                         (unsigned long)cases[i].flags, r.nice,
                         reachable_nice(cases[i].nice, cur));
    }
}

/* No class: the child keeps the parent's value, except that a parent above
 * NORMAL has a NORMAL child ("If none of the priority class flags is
 * specified, the priority class defaults to NORMAL_PRIORITY_CLASS unless
 * the priority class of the creating process is IDLE_PRIORITY_CLASS or
 * BELOW_NORMAL_PRIORITY_CLASS", CreateProcessA, Remarks). */
static int helper_default_class(int argc, char **argv)
{
    struct child_report r;
    int want = atoi(argv[0]);
    (void)argc;
    if (setpriority(PRIO_PROCESS, 0, want) < 0)
        return 10;
    r = run_report(0);
    if (!r.ok)
        return 11;
    return r.nice == (want < 0 ? 0 : want) ? 0 : 12;
}

static DWORD run_helper(const char *args)
{
    char cmd[4200];
    PROCESS_INFORMATION pi;
    DWORD code = 0;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s", self_exe, args);
    if (!test_spawn(cmd, FALSE, NULL, &pi))
        return 1000 + GetLastError();
    if (WaitForSingleObject(pi.hProcess, 30000) != WAIT_OBJECT_0)
        return 2000;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

static void test_default_priority(void)
{
    CHECK_EQ(run_helper("default_class 7"), 0); /* kept */
    if (geteuid() == 0)
        CHECK_EQ(run_helper("default_class -7"), 0); /* back to NORMAL */
}

/*
 * Without the privilege to raise priority, the child gets as near as it
 * may, never past the parent's own value (Windows gives HIGH for REALTIME
 * to a process without SeIncreaseBasePriorityPrivilege: CreateProcessA,
 * dwCreationFlags).  Runs as nobody, with RLIMIT_NICE argv[0] (which allows
 * down to 20 - argv[0]).
 */
static int helper_unprivileged(int argc, char **argv)
{
    struct rlimit rl;
    struct child_report r;
    (void)argc;
    rl.rlim_cur = rl.rlim_max = (rlim_t)atoi(argv[0]);
    if (setrlimit(RLIMIT_NICE, &rl) < 0)
        return 77; /* no CAP_SYS_RESOURCE here (a container) */
    if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
        return 10;
    r = run_report(REALTIME_PRIORITY_CLASS);
    if (!r.ok || r.nice != atoi(argv[1]))
        return 11;
    r = run_report(IDLE_PRIORITY_CLASS);
    if (!r.ok || r.nice != 19)
        return 12;
    return 0;
}

static void test_unprivileged_priority(void)
{
    if (geteuid() != 0) {
        printf("  (skipped: needs root to become nobody)\n");
        return;
    }
    DWORD code = run_helper("unprivileged 25 -5"); /* floor -5 */
    if (code == 77)
        printf("  (RLIMIT_NICE cannot be raised here: floor case skipped)\n");
    else
        CHECK_EQ(code, 0);
    CHECK_EQ(run_helper("unprivileged 0 0"), 0);   /* stays at 0 */
}

/* CREATE_NEW_CONSOLE: "This flag cannot be used with DETACHED_PROCESS"
 * (Process Creation Flags).  Wine 8 accepts the pair; the documentation
 * wins.  Each alone is accepted (what each does to the console, the
 * terminal: test_console.c). */
static void test_console_flags(void)
{
    struct child_report r = run_report(CREATE_NEW_CONSOLE | DETACHED_PROCESS);
    CHECK_EQ(r.create_err, ERROR_INVALID_PARAMETER);
    CHECK(!r.ok);
    r = run_report(DETACHED_PROCESS);
    CHECK_EQ(r.create_err, 0);
    CHECK(r.ok);
    r = run_report(CREATE_NEW_CONSOLE);
    CHECK_EQ(r.create_err, 0);
    CHECK(r.ok);
}

/* ---- Anonymous pipes ------------------------------------------------------- */

/* GetNamedPipeInfo reports the nSize CreatePipe got, 4096 for 0, on both
 * ends.  Wine 8 (CreatePipe, then GetNamedPipeInfo on each end): nSize 0,
 * 1, 4096, 65536, 1000000 give out = in = 4096, 1, 4096, 65536, 1000000;
 * flags 1 (PIPE_SERVER_END) on the read end, 0 on the write end; max 1. */
static void test_anon_pipe_sizes(void)
{
    static const DWORD sizes[][2] = {
        {0, 4096}, {1, 1}, {4096, 4096}, {65536, 65536}, {1000000, 1000000}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        HANDLE ends[2];
        if (!CreatePipe(&ends[0], &ends[1], NULL, sizes[i][0])) {
            TEST_FAIL_AT("CreatePipe(%lu): %lu", (unsigned long)sizes[i][0],
                         (unsigned long)GetLastError());
            continue;
        }
        for (int e = 0; e < 2; e++) {
            DWORD flags = 99, out = 0, in = 0, max = 0;
            CHECK_OK(GetNamedPipeInfo(ends[e], &flags, &out, &in, &max));
            CHECK_EQ(flags, e == 0 ? PIPE_SERVER_END : PIPE_CLIENT_END);
            CHECK_EQ(out, sizes[i][1]);
            CHECK_EQ(in, sizes[i][1]);
            CHECK_EQ(max, 1);
        }
        CloseHandle(ends[0]);
        CloseHandle(ends[1]);
    }
}

/* The Linux pipe gets the capacity asked for: 1000000 bytes fit in a
 * pipe asked for 1000000 without a reader taking any (PIPE_NOWAIT writes
 * what fits and returns). */
static void test_anon_pipe_capacity(void)
{
    static char buf[1000000];
    DWORD mode = PIPE_NOWAIT, n = 0;
    HANDLE r, w;
    FILE *f = fopen("/proc/sys/fs/pipe-max-size", "re");
    long max = 0;
    if (f) {
        if (fscanf(f, "%ld", &max) != 1)
            max = 0;
        fclose(f);
    }
    if (max < 1000000 || geteuid() != 0) {
        printf("  (skipped: pipe-max-size %ld, or a user pipe quota)\n", max);
        return;
    }
    CHECK_OK(CreatePipe(&r, &w, NULL, 1000000));
    CHECK_OK(SetNamedPipeHandleState(w, &mode, NULL, NULL));
    CHECK_OK(WriteFile(w, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, sizeof buf);
    CloseHandle(r);
    CloseHandle(w);
    /* The default (nSize 0) holds less: Linux's 64 KiB. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(SetNamedPipeHandleState(w, &mode, NULL, NULL));
    CHECK_OK(WriteFile(w, buf, sizeof buf, &n, NULL));
    CHECK(n > 0 && n < sizeof buf);
    CloseHandle(r);
    CloseHandle(w);
}

/*
 * PIPE_NOWAIT on an anonymous pipe's ends.  Wine 8: SetNamedPipeHandleState
 * succeeds on either end; a read of the empty pipe fails at once with
 * ERROR_NO_DATA (232); GetNamedPipeHandleState reports state 1;
 * PIPE_READMODE_MESSAGE is ERROR_INVALID_PARAMETER.  A write that does not
 * fit: WriteFile's documentation ("When writing to a nonblocking,
 * byte-mode pipe handle with insufficient buffer space, WriteFile returns
 * TRUE with *lpNumberOfBytesWritten < nNumberOfBytesToWrite"); Wine 8
 * writes nothing at all then, and the documentation wins.
 */
static void test_anon_pipe_nowait(void)
{
    static char big[100000], back[100000];
    DWORD mode = PIPE_NOWAIT, state = 99, n = 99, total = 0;
    HANDLE r, w, dup;
    char c;

    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7);
    CHECK_OK(CreatePipe(&r, &w, NULL, 4096));
    CHECK_OK(SetNamedPipeHandleState(r, &mode, NULL, NULL));
    CHECK_OK(GetNamedPipeHandleStateA(r, &state, NULL, NULL, NULL, NULL, 0));
    CHECK_EQ(state, PIPE_NOWAIT);
    /* Empty: at once, ERROR_NO_DATA; a null read too. */
    CHECK_FAILS(ReadFile(r, &c, 1, &n, NULL), ERROR_NO_DATA);
    CHECK_EQ(n, 0);
    CHECK_FAILS(ReadFile(r, &c, 0, &n, NULL), ERROR_NO_DATA);
    n = 99;
    CHECK_OK(PeekNamedPipe(r, &c, 1, NULL, &n, NULL)); /* still answers */
    CHECK_EQ(n, 0);
    /* The mode belongs to the end: a duplicate has it too (on Windows it
     * is the file object's, which duplicates share). */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), r, GetCurrentProcess(),
                             &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    state = 99;
    CHECK_OK(GetNamedPipeHandleStateA(dup, &state, NULL, NULL, NULL, NULL,
                                      0));
    CHECK_EQ(state, PIPE_NOWAIT);
    CloseHandle(dup);
    /* The write end is still blocking: its state is its own. */
    state = 99;
    CHECK_OK(GetNamedPipeHandleStateA(w, &state, NULL, NULL, NULL, NULL, 0));
    CHECK_EQ(state, 0);
    mode = PIPE_READMODE_MESSAGE;
    CHECK_FAILS(SetNamedPipeHandleState(w, &mode, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    mode = PIPE_NOWAIT;
    CHECK_OK(SetNamedPipeHandleState(w, &mode, NULL, NULL));
    /* More than fits: TRUE, part written; then full: TRUE, nothing. */
    CHECK_OK(WriteFile(w, big, sizeof big, &n, NULL));
    CHECK(n > 0 && n < sizeof big);
    total = n;
    CHECK_OK(WriteFile(w, big + total, 1, &n, NULL));
    CHECK_EQ(n, 0);
    /* What was written reads back, in order, and nothing more. */
    {
        DWORD got = 0, k = 0;
        while (got < total &&
               ReadFile(r, back + got, (DWORD)sizeof back - got, &k, NULL))
            got += k;
        CHECK_EQ(got, total);
        CHECK_MEM(back, big, total);
    }
    CHECK_FAILS(ReadFile(r, &c, 1, &n, NULL), ERROR_NO_DATA);
    CloseHandle(w);
    CHECK_FAILS(ReadFile(r, &c, 1, &n, NULL), ERROR_BROKEN_PIPE);
    /* PIPE_WAIT puts it back. */
    mode = PIPE_WAIT;
    CHECK_OK(SetNamedPipeHandleState(r, &mode, NULL, NULL));
    state = 99;
    CHECK_OK(GetNamedPipeHandleStateA(r, &state, NULL, NULL, NULL, NULL, 0));
    CHECK_EQ(state, 0);
    CloseHandle(r);
}

/* ---- GetNamedPipeHandleState's user name ------------------------------------ */

static const char *user_of(uid_t uid, char *buf, size_t cap)
{
    struct passwd *pw = getpwuid(uid);
    if (pw)
        snprintf(buf, cap, "%s", pw->pw_name);
    else
        snprintf(buf, cap, "%lu", (unsigned long)uid);
    return buf;
}

/* Connects to the pipe argv[0] as nobody (after RLIMIT-free setuid), writes
 * one byte and waits for one back. */
static int helper_nobody_client(int argc, char **argv)
{
    HANDLE h;
    DWORD n;
    char c = 'x';
    (void)argc;
    if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
        return 10;
    if (!WaitNamedPipeA(argv[0], 20000))
        return 11;
    h = CreateFileA(argv[0], GENERIC_READ | GENERIC_WRITE, 0, NULL,
                    OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 12;
    if (!WriteFile(h, &c, 1, &n, NULL) || !ReadFile(h, &c, 1, &n, NULL))
        return 13;
    CloseHandle(h);
    return 0;
}

/*
 * "lpUserName: ... the user name string associated with the client
 * application" and "This parameter must be NULL if the specified pipe
 * handle is to the client end of a named pipe" (GetNamedPipeHandleState,
 * learn.microsoft.com/windows/win32/api/namedpipeapi/
 * nf-namedpipeapi-getnamedpipehandlestatew).  Wine 8 answers the caller's
 * own user everywhere, the client end too; there the documentation wins.
 */
static void test_pipe_user_name(void)
{
    const char *name = test_unique_name("\\\\.\\pipe\\params-user-", "", "");
    char me[256], user[256];
    DWORD state;
    HANDLE srv, cli, r, w;

    user_of(geteuid(), me, sizeof me);
    srv = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 4096,
                           4096, 0, NULL);
    CHECK(srv != INVALID_HANDLE_VALUE);
    /* No client yet: the caller's user (Wine 8). */
    strcpy(user, "x");
    CHECK_OK(GetNamedPipeHandleStateA(srv, &state, NULL, NULL, NULL, user,
                                      sizeof user));
    CHECK_STR(user, me);
    cli = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                      OPEN_EXISTING, 0, NULL);
    CHECK(cli != INVALID_HANDLE_VALUE);
    strcpy(user, "x");
    CHECK_OK(GetNamedPipeHandleStateA(srv, NULL, NULL, NULL, NULL, user,
                                      sizeof user));
    CHECK_STR(user, me);
    /* Too small for the name and its NUL. */
    CHECK_FAILS(GetNamedPipeHandleStateA(srv, NULL, NULL, NULL, NULL, user,
                                         (DWORD)strlen(me)),
                ERROR_INSUFFICIENT_BUFFER);
    /* The client end: the documentation's "must be NULL". */
    CHECK_FAILS(GetNamedPipeHandleStateA(cli, &state, NULL, NULL, NULL, user,
                                         sizeof user),
                ERROR_INVALID_PARAMETER);
    CHECK_OK(GetNamedPipeHandleStateA(cli, &state, NULL, NULL, NULL, NULL, 0));
    CloseHandle(cli);
    CloseHandle(srv);
    /* An anonymous pipe's ends: the caller's user (Wine 8). */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    strcpy(user, "x");
    CHECK_OK(GetNamedPipeHandleStateA(r, NULL, NULL, NULL, NULL, user,
                                      sizeof user));
    CHECK_STR(user, me);
    CloseHandle(r);
    CloseHandle(w);
}

/* A client of another user: the server learns that user's name (from the
 * kernel's credentials of the connection). */
static void test_pipe_user_name_other_user(void)
{
    const char *name = test_unique_name("\\\\.\\pipe\\params-other-", "", "");
    SECURITY_DESCRIPTOR sd;
    SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
    PROCESS_INFORMATION pi;
    char cmd[4400], expect[256], user[256];
    DWORD n, code = 99;
    HANDLE srv;
    char c;

    if (geteuid() != 0) {
        printf("  (skipped: needs root to become nobody)\n");
        return;
    }
    CHECK_OK(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
    CHECK_OK(SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE));
    srv = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 4096,
                           4096, 0, &sa);
    CHECK(srv != INVALID_HANDLE_VALUE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper nobody_client %s", self_exe,
             name);
    if (!test_spawn(cmd, FALSE, NULL, &pi)) {
        TEST_FAIL_AT("spawn: %lu", (unsigned long)GetLastError());
        CloseHandle(srv);
        return;
    }
    /* Bounded by the helper: it connects or exits, and its exit breaks
     * nothing here, so the watchdog bounds a helper that never connects. */
    if (!ConnectNamedPipe(srv, NULL))
        CHECK_EQ(GetLastError(), ERROR_PIPE_CONNECTED);
    CHECK_OK(ReadFile(srv, &c, 1, &n, NULL));
    strcpy(user, "x");
    CHECK_OK(GetNamedPipeHandleStateA(srv, NULL, NULL, NULL, NULL, user,
                                      sizeof user));
    CHECK_STR(user, user_of(65534, expect, sizeof expect));
    CHECK_OK(WriteFile(srv, &c, 1, &n, NULL));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    GetExitCodeProcess(pi.hProcess, &code);
    CHECK_EQ(code, 0);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CloseHandle(srv);
}

/* ---- Files and directories: security attributes, template ------------------ */

static unsigned mode_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return 07777;
    return st.st_mode & 07777;
}

/* A descriptor with a present DACL: dacl NULL (everybody) or an empty ACL
 * (nobody but the owner, as winipc maps it). */
static void make_sd(SECURITY_DESCRIPTOR *sd, ACL *acl, int empty)
{
    CHECK_OK(InitializeSecurityDescriptor(sd, SECURITY_DESCRIPTOR_REVISION));
    memset(acl, 0, sizeof *acl);
    acl->AclRevision = 2; /* ACL_REVISION, as InitializeAcl makes it */
    acl->AclSize = sizeof *acl;
    CHECK_OK(SetSecurityDescriptorDacl(sd, TRUE, empty ? acl : NULL, FALSE));
}

static HANDLE create(const char *path, DWORD disp, DWORD attrs,
                     SECURITY_ATTRIBUTES *sa, HANDLE tpl)
{
    return CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, sa, disp, attrs,
                       tpl);
}

/*
 * CreateFileA's lpSecurityAttributes as Linux permissions (api file_api.c,
 * file_create_mode): no descriptor or a NULL DACL: 0666 less the umask; a
 * present DACL: 0600 less the umask.  "CreateFile ignores the
 * lpSecurityDescriptor member when opening an existing file" (CreateFileA,
 * learn.microsoft.com/windows/win32/api/fileapi/nf-fileapi-createfilea).
 * Wine 8 creates a file with an empty DACL and lets the same user open it
 * again; Windows' empty DACL would shut the owner out too, which Linux
 * cannot do (a behaviour note).
 */
static void test_create_file_security(void)
{
    const char *path = test_tmp_path("params-sd");
    SECURITY_DESCRIPTOR sd;
    SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
    ACL acl;
    mode_t old = umask(022);
    HANDLE h;

    unlink(path);
    h = create(path, CREATE_NEW, 0, NULL, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0644);
    unlink(path);

    make_sd(&sd, &acl, 0); /* NULL DACL: everybody */
    h = create(path, CREATE_NEW, 0, &sa, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0644);
    unlink(path);

    make_sd(&sd, &acl, 1); /* an empty DACL: the owner only */
    h = create(path, CREATE_NEW, 0, &sa, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0600);
    /* Opening it again (OPEN_ALWAYS, CREATE_ALWAYS) leaves the mode. */
    chmod(path, 0640);
    h = create(path, CREATE_ALWAYS, 0, &sa, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0640);
    unlink(path);
    /* The umask narrows the private mode too, and READONLY takes the
     * write bit away. */
    umask(077);
    h = create(path, OPEN_ALWAYS, 0, NULL, NULL);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0600);
    unlink(path);
    umask(022);
    h = create(path, CREATE_NEW, FILE_ATTRIBUTE_READONLY, &sa, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0400);
    unlink(path);
    umask(old);
}

/* CreateDirectoryA: the same rule, 0777 / 0700 less the umask. */
static void test_create_directory_security(void)
{
    const char *path = test_tmp_path("params-dir");
    SECURITY_DESCRIPTOR sd;
    SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
    ACL acl;
    mode_t old = umask(022);

    rmdir(path);
    CHECK_OK(CreateDirectoryA(path, NULL));
    CHECK_EQ(mode_of(path), 0755);
    CHECK_OK(RemoveDirectoryA(path));
    make_sd(&sd, &acl, 0);
    CHECK_OK(CreateDirectoryA(path, &sa));
    CHECK_EQ(mode_of(path), 0755);
    CHECK_OK(RemoveDirectoryA(path));
    make_sd(&sd, &acl, 1);
    CHECK_OK(CreateDirectoryA(path, &sa));
    CHECK_EQ(mode_of(path), 0700);
    CHECK_FAILS(CreateDirectoryA(path, &sa), ERROR_ALREADY_EXISTS);
    CHECK_EQ(mode_of(path), 0700);
    CHECK_OK(RemoveDirectoryA(path));
    umask(old);
}

/*
 * hTemplateFile: "The template file supplies file attributes ... for the
 * file that is being created ... When opening an existing file, CreateFile
 * ignores this parameter" (CreateFileA).  winipc models one attribute,
 * FILE_ATTRIBUTE_READONLY.  A template that is no disk file (0x1234, an
 * event) is ignored: Wine 8 creates the file with either, and the
 * documentation names no error.
 */
static void test_create_file_template(void)
{
    const char *tpl_path = test_tmp_path("params-tpl");
    const char *path = test_tmp_path("params-new");
    mode_t old = umask(022);
    HANDLE tpl, h, ev;

    unlink(tpl_path);
    unlink(path);
    tpl = CreateFileA(tpl_path, GENERIC_READ, 0, NULL, CREATE_NEW,
                      FILE_ATTRIBUTE_READONLY, NULL);
    CHECK(tpl != INVALID_HANDLE_VALUE);
    CHECK_EQ(mode_of(tpl_path), 0444);
    h = create(path, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL, tpl);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0444);
    /* An existing file: ignored (OPEN_ALWAYS finds it). */
    chmod(path, 0644);
    h = create(path, OPEN_ALWAYS, 0, NULL, tpl);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0644);
    unlink(path);
    CloseHandle(tpl);
    /* A writable template supplies nothing. */
    tpl = CreateFileA(tpl_path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    chmod(tpl_path, 0644);
    h = create(path, CREATE_NEW, 0, NULL, tpl);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0644);
    unlink(path);
    CloseHandle(tpl);
    /* Not a file: ignored, as Wine 8 does. */
    h = create(path, CREATE_NEW, 0, NULL, (HANDLE)(ULONG_PTR)0x1234);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_EQ(mode_of(path), 0644);
    unlink(path);
    ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    h = create(path, CREATE_NEW, 0, NULL, ev);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CloseHandle(ev);
    CHECK_EQ(mode_of(path), 0644);
    unlink(path);
    unlink(tpl_path);
    umask(old);
}

int main(int argc, char **argv)
{
    if (!realpath("/proc/self/exe", self_exe))
        return 2;
    TEST_HELPERS(argc, argv, {"report", helper_report},
                 {"default_class", helper_default_class},
                 {"unprivileged", helper_unprivileged},
                 {"nobody_client", helper_nobody_client});
    RUN(test_new_process_group);
    RUN(test_priority_classes);
    RUN(test_default_priority);
    RUN(test_unprivileged_priority);
    RUN(test_console_flags);
    RUN(test_anon_pipe_sizes);
    RUN(test_anon_pipe_capacity);
    RUN(test_anon_pipe_nowait);
    RUN(test_pipe_user_name);
    RUN(test_pipe_user_name_other_user);
    RUN(test_create_file_security);
    RUN(test_create_directory_security);
    RUN(test_create_file_template);
    return TEST_SUMMARY();
}
