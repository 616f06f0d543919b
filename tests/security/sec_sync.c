/*
 * sec_sync.c: named events, mutexes and semaphores between two users
 * (issue 15, docs/security.md).  A name is its creator's user's: the
 * registry (ROOT/sync.lNAME) is 0600, and the holders' handle services
 * answer their own user only.  So another user can neither open the
 * object nor create another under its name (ERROR_ACCESS_DENIED), and a
 * file another user planted at a name (a link, a file of garbage) is
 * neither followed nor trusted: the creator gets ERROR_ACCESS_DENIED.
 * With a NULL DACL the registry is 0644 and the holders' services hand
 * the object to other users too: they open, use and wait on it (and hear
 * an abandonment) as its creator's user does.  Job objects share the
 * names, but not across users: a public job's keeper is its user's own.
 */
#include "seclib.h"

#define NAME "secsync"

/* A: the three objects under names; waits for "end". */
static void owner(void *arg)
{
    HANDLE m, s, e;
    (void)arg;
    m = CreateMutexA(NULL, TRUE, NAME "_m");
    s = CreateSemaphoreA(NULL, 1, 5, NAME "_s");
    e = CreateEventA(NULL, TRUE, FALSE, NAME "_e");
    CHECK(m && s && e);
    sec_send(SEC_CHAN, "ready");
    sec_expect(SEC_CHAN, "end", NULL, 0, 60000);
    /* Still its own, unchanged. */
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m));
}

/* B: every way at A's names. */
static void intruder(void *arg)
{
    DWORD le;
    HANDLE h;
    (void)arg;
    h = OpenMutexA(SYNCHRONIZE, FALSE, NAME "_m");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "B's OpenMutexA of A's mutex");
    h = CreateMutexA(NULL, FALSE, NAME "_m");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "B's CreateMutexA of A's mutex's name");
    h = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, NAME "_s");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "B's OpenSemaphoreA of A's semaphore");
    h = CreateEventA(NULL, TRUE, TRUE, NAME "_e");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "B's CreateEventA of A's event's name");
    h = OpenEventA(EVENT_MODIFY_STATE, FALSE, NAME "_e");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "B's OpenEventA of A's event");
    /* A name of B's own works, for B. */
    h = CreateEventA(NULL, TRUE, FALSE, NAME "_b");
    CHECK(h != NULL);
    CHECK_EQ(GetLastError(), 0);
    CloseHandle(h);
}

static void test_private_names(void)
{
    struct sec_child a, b;
    if (sec_spawn_ready(&a, SEC_A, 60, owner, NULL, "owner", "ready", NULL, 0))
        return;
    if (sec_spawn(&b, SEC_B, 60, intruder, NULL, "intruder") == 0)
        sec_join(&b);
    sec_send(a.fd, "end");
    sec_join(&a);
}

/* B plants files at names A will use: a symbolic link to a file of B's,
 * and a registry of garbage. */
static void planter(void *arg)
{
    char path[512], target[512];
    int fd;
    (void)arg;
    snprintf(target, sizeof target, "%s/../b-target", sec_root);
    fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(write(fd, "untouched", 9), 9);
        close(fd);
    }
    snprintf(path, sizeof path, "%s/sync.llinked", sec_root);
    CHECK_EQ(symlink(target, path), 0);
    snprintf(path, sizeof path, "%s/sync.lgarbage", sec_root);
    fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    CHECK(fd >= 0);
    if (fd >= 0) {
        char junk[4096];
        memset(junk, 0x5a, sizeof junk);
        CHECK_EQ(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
        close(fd);
    }
}

static void victim(void *arg)
{
    char target[512], buf[32] = "";
    DWORD le;
    HANDLE h;
    int fd;
    (void)arg;
    h = CreateMutexA(NULL, FALSE, "linked");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "A's CreateMutexA at B's symbolic link");
    h = CreateEventA(NULL, TRUE, FALSE, "garbage");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "A's CreateEventA at B's file");
    h = OpenEventA(SYNCHRONIZE, FALSE, "garbage");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "A's OpenEventA at B's file");
    snprintf(target, sizeof target, "%s/../b-target", sec_root);
    fd = open(target, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        CHECK_EQ(read(fd, buf, sizeof buf - 1), 9);
        close(fd);
    }
    CHECK_STR(buf, "untouched");
}

static void test_planted_files(void)
{
    struct sec_child a, b;
    if (sec_spawn(&b, SEC_B, 60, planter, NULL, "planter") == 0)
        sec_join(&b);
    if (sec_spawn(&a, SEC_A, 60, victim, NULL, "victim") == 0)
        sec_join(&a);
}


/* ---- Public names (a NULL DACL) ------------------------------------------ */

/* A: a public event, semaphore, mutex and mapping; waits for B's doings,
 * then checks them. */
static void public_owner(void *arg)
{
    struct sec_public pub;
    HANDLE e, s, m, map;
    char *v;
    LONG prev = -1;
    (void)arg;
    e = CreateEventA(sec_public_sa(&pub), TRUE, FALSE, NAME "_pe");
    s = CreateSemaphoreA(sec_public_sa(&pub), 0, 5, NAME "_ps");
    m = CreateMutexA(sec_public_sa(&pub), TRUE, NAME "_pm");
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, sec_public_sa(&pub),
                             PAGE_READWRITE, 0, 65536, NAME "_pmap");
    v = map ? MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
    CHECK(e && s && m && v);
    sec_send(SEC_CHAN, "ready");
    sec_expect(SEC_CHAN, "done", NULL, 0, 60000);
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseSemaphore(s, 0, &prev));
    CHECK_EQ(prev, 2);
    if (v)
        CHECK_STR(v, "from B");
    /* B waits for the mutex: released, B gets it, and ends owning it. */
    CHECK_OK(ReleaseMutex(m));
    sec_send(SEC_CHAN, "released");
    sec_expect(SEC_CHAN, "end", NULL, 0, 60000);
    CHECK_EQ(WaitForSingleObject(m, 10000), WAIT_ABANDONED);
    CHECK_OK(ReleaseMutex(m));
}

static void public_user(void *arg)
{
    HANDLE e, s, m, map, h;
    char *v;
    DWORD le;
    (void)arg;
    e = OpenEventA(EVENT_MODIFY_STATE, FALSE, NAME "_pe");
    CHECK(e != NULL);
    CHECK_OK(SetEvent(e));
    SetLastError(0);
    h = CreateEventA(NULL, FALSE, FALSE, NAME "_pe");
    le = GetLastError();
    CHECK(h != NULL);
    CHECK_EQ(le, ERROR_ALREADY_EXISTS);
    h = CreateMutexA(NULL, FALSE, NAME "_pe");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_INVALID_HANDLE,
                         "B's CreateMutexA at A's public event's name");
    s = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, NAME "_ps");
    CHECK(s != NULL);
    CHECK_OK(ReleaseSemaphore(s, 2, NULL));
    map = OpenFileMappingA(FILE_MAP_WRITE, FALSE, NAME "_pmap");
    v = map ? MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0) : NULL;
    CHECK(v != NULL);
    if (v)
        strcpy(v, "from B");
    m = OpenMutexA(SYNCHRONIZE, FALSE, NAME "_pm");
    CHECK(m != NULL);
    CHECK_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT); /* A owns it */
    sec_send(SEC_CHAN, "done");
    sec_expect(SEC_CHAN, "go", NULL, 0, 60000);
    CHECK_EQ(WaitForSingleObject(m, 10000), WAIT_OBJECT_0);
    /* B ends owning it: A hears WAIT_ABANDONED. */
}

static void test_public_names(void)
{
    struct sec_child a, b;
    if (sec_spawn_ready(&a, SEC_A, 60, public_owner, NULL, "owner", "ready",
                        NULL, 0))
        return;
    if (sec_spawn(&b, SEC_B, 60, public_user, NULL, "user") == 0) {
        if (sec_expect(b.fd, "done", NULL, 0, 30000) == 0) {
            sec_send(a.fd, "done");
            if (sec_expect(a.fd, "released", NULL, 0, 30000) == 0)
                sec_send(b.fd, "go");
        }
        sec_join(&b);
    }
    sec_send(a.fd, "end");
    sec_join(&a);
}

/* ---- Job objects ------------------------------------------------------------ */

/* A: a private job and a public one (a NULL DACL); waits for "end", then
 * checks both are unchanged. */
static void job_owner(void *arg)
{
    struct sec_public pub;
    JOBOBJECT_BASIC_LIMIT_INFORMATION bl;
    HANDLE j = CreateJobObjectA(NULL, NAME "_j");
    HANDLE pj = CreateJobObjectA(sec_public_sa(&pub), NAME "_pj");
    (void)arg;
    CHECK(j && pj);
    sec_send(SEC_CHAN, "ready");
    sec_expect(SEC_CHAN, "end", NULL, 0, 60000);
    memset(&bl, 0xcc, sizeof bl);
    CHECK_OK(QueryInformationJobObject(j, JobObjectBasicLimitInformation, &bl,
                                       sizeof bl, NULL));
    CHECK_EQ(bl.LimitFlags, 0);
    CHECK_EQ(WaitForSingleObject(j, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(pj, 0), WAIT_TIMEOUT);
}

/* B: A's jobs by name.  The private one's registry is A's (0600); the
 * public one's holder hands it over, but its keeper's descriptors are A's
 * (/proc/PID/fd/ of another user): neither is reachable. */
static void job_intruder(void *arg)
{
    HANDLE h;
    DWORD le;
    (void)arg;
    h = OpenJobObjectA(JOB_OBJECT_ALL_ACCESS, FALSE, NAME "_j");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "B's OpenJobObjectA of A's job");
    h = CreateJobObjectA(NULL, NAME "_j");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "B's CreateJobObjectA at A's job's name");
    h = OpenJobObjectA(JOB_OBJECT_ALL_ACCESS, FALSE, NAME "_pj");
    le = GetLastError();
    SEC_CHECK_FAILS_WITH(h != NULL, le, ERROR_ACCESS_DENIED,
                         "B's OpenJobObjectA of A's public job");
    /* A job of B's own works, for B. */
    h = CreateJobObjectA(NULL, NAME "_jb");
    CHECK(h != NULL);
    CloseHandle(h);
}

static void test_jobs(void)
{
    struct sec_child a, b;
    if (sec_spawn_ready(&a, SEC_A, 60, job_owner, NULL, "owner", "ready",
                        NULL, 0))
        return;
    if (sec_spawn(&b, SEC_B, 60, job_intruder, NULL, "intruder") == 0)
        sec_join(&b);
    sec_send(a.fd, "end");
    sec_join(&a);
}

int main(void)
{
    sec_init();
    SEC_RUN(test_private_names);
    SEC_RUN(test_planted_files);
    SEC_RUN(test_public_names);
    SEC_RUN(test_jobs);
    return sec_summary();
}
