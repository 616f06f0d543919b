/*
 * sec_exit_records.c: exit records that another user puts in the
 * shared namespace root never change the exit code that root reads
 * (issue 12, item 8; docs/processes.md, "Exit codes").
 *
 * A record is believed only if its owner is the reader's user, root, or
 * the user of the process it describes.  The test runs as root, in a
 * namespace root of its own that is root's and mode 01777 (as /tmp/.winipc
 * is), so that "nobody" can make files in it.  The process P whose code is
 * read is a winipc program (this binary, "--helper block CODE") that the
 * test starts with a plain fork and exec, so that it has no record until
 * somebody opens it: "nobody" (a child of the test that switched to that
 * user) plants one first, and only then does the test OpenProcess P.
 * GetExitCodeProcess must answer STILL_ACTIVE while P runs and then P's
 * real code, never the planted one, whether P is root's or another user's.
 * The same for a symbolic link at the record's name (its target stays
 * untouched), a FIFO (nothing hangs), a folder, and a hard link to a root
 * file (two links: never used).  And the rule's other side: a record that
 * P's own user made is believed, with all 32 bits of P's code.
 *
 * Without root the binary prints why and passes.
 */
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define NOBODY 65534
#define OTHER_UID 54321 /* a user with no name, whose process P may be */
#define FORGED_CODE 0x0BAD1DEAu
#define REC_MAGIC 0x31525857u

static char self_exe[4096];
static char root[256];

/* ---- Helpers (other processes) ------------------------------------------ */

/* Reads standard input to its end. */
static void drain_stdin(void)
{
    char buf[64];
    ssize_t n;
    do {
        n = read(0, buf, sizeof buf);
    } while (n > 0 || (n < 0 && errno == EINTR));
}

/* block CODE: P.  Waits for the end of standard input, then ExitProcess. */
static int helper_block(int argc, char **argv)
{
    drain_stdin();
    ExitProcess(argc > 0 ? (UINT)strtoul(argv[0], NULL, 0) : 0);
}

/* watch PID: opens PID (so makes its record, as this user), writes a byte
 * to standard output, and holds the handle until standard input ends. */
static int helper_watch(int argc, char **argv)
{
    HANDLE h;
    if (argc < 1)
        return 90;
    h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                    (DWORD)strtoul(argv[0], NULL, 0));
    if (!h)
        return 91;
    if (write(1, "r", 1) != 1)
        return 94;
    drain_stdin();
    CloseHandle(h);
    return 0;
}

/* ---- Test-side utilities ------------------------------------------------ */

/* In a fork()ed child: becomes uid (and its group), for good. */
static void become(uid_t uid)
{
    if (uid == 0)
        return;
    if (setgroups(0, NULL) < 0 || setgid((gid_t)uid) < 0 || setuid(uid) < 0)
        _exit(120);
}

/* Runs this binary with args as user uid (fork and exec, no winipc), its
 * standard input the read end of a new pipe (*in: the write end) and, if
 * out is not NULL, its standard output the write end of another (*out: the
 * read end). */
static pid_t start_as(uid_t uid, const char *const *args, int *in, int *out)
{
    int ip[2], op[2] = {-1, -1};
    char *argv[8];
    size_t n = 0;
    pid_t pid;

    if (pipe2(ip, O_CLOEXEC) < 0 || (out && pipe2(op, O_CLOEXEC) < 0))
        return -1;
    argv[n++] = self_exe;
    while (*args && n < 7)
        argv[n++] = (char *)*args++;
    argv[n] = NULL;
    pid = fork();
    if (pid == 0) {
        become(uid);
        if (dup2(ip[0], 0) < 0 || (out && dup2(op[1], 1) < 0))
            _exit(121);
        execv(self_exe, argv);
        _exit(127);
    }
    close(ip[0]);
    *in = ip[1];
    if (out) {
        close(op[1]);
        *out = op[0];
    }
    return pid;
}

/* P: "block CODE" as user uid. */
/* Waits (at most 10 s) until process pid runs as uid: start_as's child
 * changes its user after fork, and until then another user may not open
 * it (OpenProcess answers ERROR_ACCESS_DENIED for a root process). */
static int wait_uid(pid_t pid, uid_t uid)
{
    for (int i = 0; i < 10000; i++) {
        char path[64], line[256];
        FILE *f;
        unsigned real = (unsigned)-1;
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
        if ((f = fopen(path, "re")) != NULL) {
            while (fgets(line, sizeof line, f))
                if (sscanf(line, "Uid: %u", &real) == 1)
                    break;
            fclose(f);
        }
        if (real == (unsigned)uid)
            return 1;
        usleep(1000);
    }
    return 0;
}

static pid_t start_p(uid_t uid, DWORD code, int *in)
{
    char arg[32];
    const char *args[] = {"--helper", "block", arg, NULL};
    pid_t p;
    snprintf(arg, sizeof arg, "%#lx", (unsigned long)code);
    p = start_as(uid, args, in, NULL);
    CHECK(p <= 0 || wait_uid(p, uid));
    return p;
}

/* ROOT/exit.PID-START for process pid. */
static void record_path(pid_t pid, char *buf, size_t len)
{
    snprintf(buf, len, "%s/exit.%d-%llu", root, (int)pid,
             test_proc_start_time(pid));
}

/* A record for pid that says TERMINATED with FORGED_CODE. */
static void forged_record(pid_t pid, uint32_t rec[6])
{
    uint64_t s = test_proc_start_time(pid);
    rec[0] = REC_MAGIC;
    rec[1] = 2;
    rec[2] = FORGED_CODE;
    rec[3] = (uint32_t)pid;
    memcpy(&rec[4], &s, 8);
}

enum plant { PLANT_FILE, PLANT_SYMLINK, PLANT_FIFO, PLANT_DIR };

/* Has "nobody" put at path what how says (target: a symbolic link's), and
 * returns 1 if that worked. */
static int plant_as_nobody(enum plant how, const char *path, pid_t pid,
                           const char *target)
{
    int status = 0;
    pid_t c = fork();

    if (c == 0) {
        uint32_t rec[6];
        int fd, ok = 0;
        become(NOBODY);
        switch (how) {
        case PLANT_FILE:
            forged_record(pid, rec);
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            ok = fd >= 0 && write(fd, rec, sizeof rec) == (ssize_t)sizeof rec;
            break;
        case PLANT_SYMLINK:
            ok = symlink(target, path) == 0;
            break;
        case PLANT_FIFO:
            ok = mkfifo(path, 0600) == 0;
            break;
        case PLANT_DIR:
            ok = mkdir(path, 0700) == 0;
            break;
        }
        _exit(ok ? 0 : 1);
    }
    return c > 0 && waitpid(c, &status, 0) == c && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

/* What a root file that must stay untouched holds. */
static const char untouched[24 + 10] =
    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
    "\0\0\0\0untouched";

/* A root file at path, mode 0600, holding untouched (or rec if not NULL). */
static void make_root_file(const char *path, const uint32_t *rec)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    if (rec)
        CHECK_EQ(write(fd, rec, 24), 24);
    else
        CHECK_EQ(write(fd, untouched, sizeof untouched), sizeof untouched);
    close(fd);
}

/* Checks that the root file at path still holds what make_root_file put
 * there, with owner root and mode 0600. */
static void check_root_file(const char *path, const uint32_t *rec)
{
    char buf[64];
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    CHECK(fd >= 0);
    if (fd < 0)
        return;
    n = read(fd, buf, sizeof buf);
    CHECK(fstat(fd, &st) == 0 && st.st_uid == 0 &&
          (st.st_mode & 07777) == 0600);
    close(fd);
    if (rec) {
        CHECK_EQ(n, 24);
        CHECK(n == 24 && memcmp(buf, rec, 24) == 0);
    } else {
        CHECK_EQ(n, sizeof untouched);
        CHECK(n == (ssize_t)sizeof untouched &&
              memcmp(buf, untouched, sizeof untouched) == 0);
    }
}

/*
 * Root's view of P (started as p_uid with code): OpenProcess, STILL_ACTIVE,
 * then, once P has ended, want (never FORGED_CODE).  P is our child (a
 * plain fork), so without a record root reads the status it reaps: codes
 * below 256 come through whole.
 */
static void check_root_reads(pid_t p, int p_in, DWORD want)
{
    HANDLE h =
        OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE, (DWORD)p);
    DWORD code = 0;

    CHECK(h != NULL);
    if (!h) {
        close(p_in);
        waitpid(p, NULL, 0);
        return;
    }
    CHECK_OK(GetExitCodeProcess(h, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    close(p_in); /* P ends */
    CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(h, &code));
    CHECK_EQ(code, want);
    CHECK_NE(code, FORGED_CODE);
    CloseHandle(h);
}

/* P ("block code" as uid, its standard input *in) and the path of its
 * record (into path); P's pid, or 0 or less (a failed check) if it did not
 * start. */
static pid_t start_p_rec(uid_t uid, DWORD code, int *in, char *path, size_t len)
{
    pid_t p = start_p(uid, code, in);
    CHECK(p > 0);
    if (p > 0)
        record_path(p, path, len);
    return p;
}

/* P (p_uid's, ending with code), with "nobody"'s how (target: a symbolic
 * link's) at its record's name (path) before root opens P: root must read
 * code (check_root_reads).  rec, if not NULL: the record "nobody" forges
 * for P.  -1 if P did not start. */
static int check_plant(uid_t p_uid, DWORD code, enum plant how,
                       const char *target, char *path, size_t len,
                       uint32_t rec[6])
{
    int in;
    pid_t p = start_p_rec(p_uid, code, &in, path, len);

    if (p <= 0)
        return -1;
    if (rec)
        forged_record(p, rec);
    CHECK(plant_as_nobody(how, path, p, target));
    if (how == PLANT_FIFO)
        alarm(60); /* nothing may block on it */
    check_root_reads(p, in, code);
    if (how == PLANT_FIFO)
        alarm(TEST_WATCHDOG);
    return 0;
}

/* "nobody" plants a forged record for P (p_uid's) before root opens P. */
static void check_planted_record(uid_t p_uid)
{
    char path[512];
    uint32_t rec[6];
    struct stat st;

    if (check_plant(p_uid, 42, PLANT_FILE, NULL, path, sizeof path, rec))
        return;
    /* The forgery is nobody's still, untouched (P did not write into it:
     * not a record P's user or root made). */
    CHECK(lstat(path, &st) == 0 && st.st_uid == NOBODY);
    {
        uint32_t got[6] = {0};
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        CHECK(fd >= 0 && read(fd, got, sizeof got) == (ssize_t)sizeof got &&
              memcmp(got, rec, sizeof got) == 0);
        if (fd >= 0)
            close(fd);
    }
    unlink(path);
}

/* ---- Tests -------------------------------------------------------------- */

/* The attack of issue 12, item 8: a record for a root process. */
static void test_forged_record_for_root_process(void)
{
    check_planted_record(0);
}

/* The same for another user's process, which root reads. */
static void test_forged_record_for_other_users_process(void)
{
    check_planted_record(OTHER_UID);
}

/* The other side of the rule: a record made by P's own user is believed,
 * and carries all 32 bits of P's code; root, its last holder, removes it. */
static void test_process_owner_vouches(void)
{
    const char *args[] = {"--helper", "watch", NULL, NULL};
    char pid_arg[32], path[512], c = 0;
    int p_in, w_in, w_out, status = 0;
    pid_t p = start_p_rec(NOBODY, 0x12345678, &p_in, path, sizeof path), w;
    struct stat st;

    if (p <= 0)
        return;
    snprintf(pid_arg, sizeof pid_arg, "%d", (int)p);
    args[2] = pid_arg;
    w = start_as(NOBODY, args, &w_in, &w_out);
    CHECK(w > 0);
    CHECK_EQ(read(w_out, &c, 1), 1);
    CHECK(lstat(path, &st) == 0 && st.st_uid == NOBODY);
    {
        HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE,
                               (DWORD)p);
        DWORD code = 0;
        CHECK(h != NULL);
        close(w_in); /* the watcher lets go: root holds the record now */
        close(w_out);
        CHECK(waitpid(w, &status, 0) == w && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0);
        CHECK_OK(GetExitCodeProcess(h, &code));
        CHECK_EQ(code, STILL_ACTIVE);
        close(p_in);
        CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(h, &code));
        CHECK_EQ(code, 0x12345678);
        CloseHandle(h);
    }
    errno = 0;
    CHECK(lstat(path, &st) < 0 && errno == ENOENT);
    unlink(path);
}

/* A symbolic link at the record's name, to a root file: neither root's
 * OpenProcess nor P's exit follows it. */
static void test_symlink_not_followed(void)
{
    char path[512];
    const char *target = test_tmp_path("exit-trust-target");

    make_root_file(target, NULL);
    if (!check_plant(0, 43, PLANT_SYMLINK, target, path, sizeof path, NULL)) {
        check_root_file(target, NULL);
        unlink(path);
    }
    unlink(target);
}

/* A FIFO at the record's name: nothing blocks on it (the watchdog would
 * end the test), nothing is written into it. */
static void test_fifo_does_not_hang(void)
{
    char path[512];

    if (!check_plant(0, 44, PLANT_FIFO, NULL, path, sizeof path, NULL))
        unlink(path);
}

/* A folder at the record's name. */
static void test_directory_at_name(void)
{
    char path[512];

    if (!check_plant(0, 45, PLANT_DIR, NULL, path, sizeof path, NULL))
        CHECK_EQ(rmdir(path), 0);
}

/* A hard link to a root file at the record's name (what another user can
 * make where fs.protected_hardlinks is off; made by root here): a file
 * with two links is never used as a record, whatever it holds, so P's exit
 * does not write into it and root does not read it. */
static void test_hard_link_refused(void)
{
    char path[512];
    const char *target = test_tmp_path("exit-trust-linked");
    uint32_t rec[6];
    int in;
    pid_t p = start_p_rec(0, 46, &in, path, sizeof path);

    if (p <= 0)
        return;
    forged_record(p, rec);
    make_root_file(target, rec);
    CHECK_EQ(link(target, path), 0);
    check_root_reads(p, in, 46);
    check_root_file(target, rec);
    unlink(path);
    unlink(target);
}

int main(int argc, char **argv)
{
    {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
        self_exe[n > 0 ? n : 0] = '\0';
    }
    TEST_HELPERS(argc, argv, {"block", helper_block}, {"watch", helper_watch});
    if (geteuid() != 0) {
        printf("     skipped: planting records as another user needs root\n");
        return TEST_SUMMARY();
    }
    /* A namespace root of our own, shared as /tmp/.winipc is: root's,
     * sticky and writable by everybody. */
    snprintf(root, sizeof root, "/tmp/winipc-test-%d-trustroot", (int)getpid());
    if (mkdir(root, 0700) < 0 || chmod(root, 01777) < 0) {
        printf("cannot make %s: %s\n", root, strerror(errno));
        return 1;
    }
    setenv("WINIPC_ROOT", root, 1);
    SetEnvironmentVariableA("WINIPC_ROOT", root);
    RUN(test_forged_record_for_root_process);
    RUN(test_forged_record_for_other_users_process);
    RUN(test_process_owner_vouches);
    RUN(test_symlink_not_followed);
    RUN(test_fifo_does_not_hang);
    RUN(test_directory_at_name);
    RUN(test_hard_link_refused);
    CHECK_EQ(rmdir(root), 0); /* nothing left behind */
    return TEST_SUMMARY();
}
