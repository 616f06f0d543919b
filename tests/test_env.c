/*
 * test_env.c: the process environment (GetEnvironmentVariableA,
 * SetEnvironmentVariableA, GetEnvironmentStrings[A], FreeEnvironmentStringsA,
 * ExpandEnvironmentStringsA), checked against what Windows does as Wine 8.0
 * reproduces it, and against Microsoft's documentation where they differ.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setenv, fork, execve for the set-up and the child */
#endif
#include "testlib.h"

#include <sys/wait.h>
#include <time.h>

/*
 * White-box part: the snapshot for CreateProcessA (wipc_env_snapshot) is
 * internal, and the shared library hides internal symbols, so this test
 * compiles its own copy of the store.  That copy is a second, independent
 * store in this process; only the test_snapshot_* tests use it.
 */
#include "../src/process/environ.c"

#define DEADBEEF 0xdeadbeefu

/* The value of name (in a static buffer), or NULL if it is not set. */
static const char *get_var(const char *name)
{
    static char buf[256];
    DWORD n;

    SetLastError(0);
    n = GetEnvironmentVariableA(name, buf, sizeof buf);
    if (n >= sizeof buf || (n == 0 && GetLastError() != 0))
        return NULL;
    return buf;
}

/* ---- GetEnvironmentVariableA / SetEnvironmentVariableA ------------------ */

static void test_set_then_get(void)
{
    char buf[64];

    SetLastError(DEADBEEF);
    CHECK_EQ(SetEnvironmentVariableA("WipcFoo", "hello"), TRUE);
    CHECK_EQ(GetLastError(), DEADBEEF); /* success leaves it alone */

    memset(buf, 'X', sizeof buf);
    SetLastError(DEADBEEF);
    CHECK_EQ(GetEnvironmentVariableA("WipcFoo", buf, sizeof buf), 5);
    CHECK_STR(buf, "hello");
    CHECK_EQ(GetLastError(), DEADBEEF);

    /* Names are case-insensitive; a buffer of exactly length + 1 fits. */
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(GetEnvironmentVariableA("WIPCFOO", buf, 6), 5);
    CHECK_STR(buf, "hello");
    CHECK_EQ(GetEnvironmentVariableA("wipcfoo", buf, sizeof buf), 5);
    CHECK_OK(SetEnvironmentVariableA("WipcFoo", NULL));
}

static void test_get_buffer_too_small(void)
{
    char buf[16];

    CHECK_OK(SetEnvironmentVariableA("WipcSmall", "hello"));
    /* Too small: the size needed including the NUL; the buffer untouched;
     * the last error untouched (it is not a failure). */
    for (DWORD size = 0; size <= 5; size++) {
        memset(buf, 'X', sizeof buf);
        SetLastError(DEADBEEF);
        CHECK_EQ(GetEnvironmentVariableA("WipcSmall", buf, size), 6);
        CHECK_EQ(GetLastError(), DEADBEEF);
        CHECK_EQ(buf[0], 'X');
    }
    /* Only asking for the size. */
    CHECK_EQ(GetEnvironmentVariableA("WipcSmall", NULL, 0), 6);
    CHECK_OK(SetEnvironmentVariableA("WipcSmall", NULL));
}

static void test_get_missing(void)
{
    char buf[16];

    memset(buf, 'X', sizeof buf);
    CHECK_FAILS(GetEnvironmentVariableA("WipcNoSuchVar", buf, sizeof buf),
                ERROR_ENVVAR_NOT_FOUND);
    CHECK_EQ(buf[0], 'X');
    CHECK_FAILS(GetEnvironmentVariableA("WipcNoSuchVar", NULL, 0),
                ERROR_ENVVAR_NOT_FOUND);
    CHECK_FAILS(GetEnvironmentVariableA("", buf, sizeof buf),
                ERROR_ENVVAR_NOT_FOUND);
    CHECK_FAILS(GetEnvironmentVariableA(NULL, buf, sizeof buf),
                ERROR_ENVVAR_NOT_FOUND);
}

static void test_empty_value(void)
{
    char buf[16];

    CHECK_OK(SetEnvironmentVariableA("WipcEmpty", ""));
    /* The variable exists: 0 with the last error untouched and "" stored. */
    memset(buf, 'X', sizeof buf);
    SetLastError(DEADBEEF);
    CHECK_EQ(GetEnvironmentVariableA("WipcEmpty", buf, sizeof buf), 0);
    CHECK_EQ(GetLastError(), DEADBEEF);
    CHECK_STR(buf, "");
    CHECK_EQ(GetEnvironmentVariableA("WipcEmpty", NULL, 0), 1);
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(GetEnvironmentVariableA("WipcEmpty", buf, 1), 0);
    CHECK_EQ(buf[0], '\0');
    CHECK_OK(SetEnvironmentVariableA("WipcEmpty", NULL));
}

static void test_delete(void)
{
    char buf[16];

    CHECK_OK(SetEnvironmentVariableA("WipcDel", "x"));
    SetLastError(DEADBEEF);
    CHECK_EQ(SetEnvironmentVariableA("wipcdel", NULL), TRUE);
    CHECK_EQ(GetLastError(), DEADBEEF);
    CHECK_FAILS(GetEnvironmentVariableA("WipcDel", buf, sizeof buf),
                ERROR_ENVVAR_NOT_FOUND);
    /* Deleting what does not exist succeeds. */
    CHECK_EQ(SetEnvironmentVariableA("WipcDel", NULL), TRUE);
    CHECK_EQ(SetEnvironmentVariableA("WipcNeverSet", NULL), TRUE);
}

static void test_set_invalid_names(void)
{
    char buf[16];

    CHECK_FAILS(SetEnvironmentVariableA(NULL, "x"), ERROR_ENVVAR_NOT_FOUND);
    CHECK_FAILS(SetEnvironmentVariableA(NULL, NULL), ERROR_ENVVAR_NOT_FOUND);
    CHECK_FAILS(SetEnvironmentVariableA("", "x"), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetEnvironmentVariableA("", NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetEnvironmentVariableA("A=B", "x"), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetEnvironmentVariableA("A=B", NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetEnvironmentVariableA("WipcEq=", "x"),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetEnvironmentVariableA("=WipcEq=", "x"),
                ERROR_INVALID_PARAMETER);

    /* A leading '=' is allowed: Windows keeps "=C:=C:\dir" entries. */
    CHECK_OK(SetEnvironmentVariableA("=WipcEq", "eq"));
    CHECK_EQ(GetEnvironmentVariableA("=wipceq", buf, sizeof buf), 2);
    CHECK_STR(buf, "eq");
    CHECK_OK(SetEnvironmentVariableA("=", "x"));
    CHECK_EQ(GetEnvironmentVariableA("=", buf, sizeof buf), 1);
    CHECK_OK(SetEnvironmentVariableA("=WipcEq", NULL));
    CHECK_OK(SetEnvironmentVariableA("=", NULL));

    /* Spaces belong to the name. */
    CHECK_OK(SetEnvironmentVariableA("Wipc Space", "v"));
    CHECK_EQ(GetEnvironmentVariableA("Wipc Space", buf, sizeof buf), 1);
    CHECK_FAILS(GetEnvironmentVariableA("WipcSpace", buf, sizeof buf),
                ERROR_ENVVAR_NOT_FOUND);
    CHECK_OK(SetEnvironmentVariableA("Wipc Space", NULL));
}

static void test_value_with_equals(void)
{
    char buf[16];

    CHECK_OK(SetEnvironmentVariableA("WipcV", "a=b=c"));
    CHECK_EQ(GetEnvironmentVariableA("WipcV", buf, sizeof buf), 5);
    CHECK_STR(buf, "a=b=c");
    /* A name with '=' after its first character never matches. */
    CHECK_FAILS(GetEnvironmentVariableA("WipcV=a", buf, sizeof buf),
                ERROR_ENVVAR_NOT_FOUND);
    CHECK_FAILS(GetEnvironmentVariableA("WipcV=", buf, sizeof buf),
                ERROR_ENVVAR_NOT_FOUND);
    CHECK_FAILS(GetEnvironmentVariableA("WipcV ", buf, sizeof buf),
                ERROR_ENVVAR_NOT_FOUND);
    CHECK_OK(SetEnvironmentVariableA("WipcV", NULL));
}

/* ---- GetEnvironmentStrings[A] -------------------------------------------- */

/* The index of entry in block, or -1; each entry is checked for '='. */
static int block_find(const char *block, const char *entry, int *bad)
{
    int i = 0, found = -1;
    for (const char *p = block; *p; p += strlen(p) + 1, i++) {
        if (!strchr(p + 1, '='))
            (*bad)++;
        if (found < 0 && strcmp(p, entry) == 0)
            found = i;
    }
    return found;
}

static void test_environment_strings(void)
{
    char *a, *b;
    int bad = 0;

    CHECK_OK(SetEnvironmentVariableA("WipcBlock", "v1"));
    a = GetEnvironmentStringsA();
    b = GetEnvironmentStrings();
    CHECK(a != NULL && b != NULL && a != b); /* fresh copies */
    if (!a || !b)
        return;
    CHECK(block_find(a, "WipcBlock=v1", &bad) >= 0);
    CHECK(block_find(b, "WipcBlock=v1", &bad) >= 0);
    CHECK_EQ(bad, 0);
    /* A copy: changing it, or the environment, does not affect the other. */
    a[0] = '!';
    CHECK_OK(SetEnvironmentVariableA("WipcBlock", NULL));
    CHECK(block_find(b, "WipcBlock=v1", &bad) >= 0);
    SetLastError(DEADBEEF);
    CHECK_EQ(FreeEnvironmentStringsA(a), TRUE);
    CHECK_EQ(FreeEnvironmentStringsA(b), TRUE);
    CHECK_EQ(FreeEnvironmentStringsA(NULL), TRUE);
    CHECK_EQ(GetLastError(), DEADBEEF);
}

static void test_replace_keeps_place_takes_new_name(void)
{
    char *block;
    int bad = 0, first, second, third;

    CHECK_OK(SetEnvironmentVariableA("wipccase", "1"));
    CHECK_OK(SetEnvironmentVariableA("WipcAfter", "2"));
    CHECK_OK(SetEnvironmentVariableA("WIPCCASE", "3"));
    CHECK_OK(SetEnvironmentVariableA("WipcNew", "4"));
    block = GetEnvironmentStringsA();
    CHECK(block != NULL);
    if (!block)
        return;
    /* Windows replaces the entry where it is, spelled as the new name, and
     * appends new variables (as Wine 8.0 does). */
    first = block_find(block, "WIPCCASE=3", &bad);
    second = block_find(block, "WipcAfter=2", &bad);
    third = block_find(block, "WipcNew=4", &bad);
    CHECK(first >= 0 && first < second && second < third);
    CHECK_EQ(block_find(block, "wipccase=1", &bad), (unsigned long long)-1);
    CHECK_EQ(block_find(block, "wipccase=3", &bad), (unsigned long long)-1);
    FreeEnvironmentStringsA(block);
    CHECK_OK(SetEnvironmentVariableA("WIPCCASE", NULL));
    CHECK_OK(SetEnvironmentVariableA("WipcAfter", NULL));
    CHECK_OK(SetEnvironmentVariableA("WipcNew", NULL));
}

/* main() put these in the C library's environment before the first call. */
static void test_inherited_from_process_environment(void)
{
    CHECK_STR(get_var("WIPC_TEST_INHERITED"), "from-libc");
    CHECK_STR(get_var("wipc_test_inherited"), "from-libc");
    /* Linux allows several spellings of one name: the exact one wins, and a
     * case-insensitive lookup finds the first in the environment. */
    CHECK_STR(get_var("WipcDup"), "lower");
    CHECK_STR(get_var("WIPCDUP"), "upper");
    CHECK_STR(get_var("wipcdup"), "lower");
    /* The store is winipc's own: the C library does not see new values. */
    CHECK_OK(SetEnvironmentVariableA("WipcOnlyWinipc", "x"));
    CHECK(getenv("WipcOnlyWinipc") == NULL);
    CHECK_OK(SetEnvironmentVariableA("WipcOnlyWinipc", NULL));
}

/* ---- ExpandEnvironmentStringsA ----------------------------------------- */

/* Expands src into a big buffer; checks the result and the return value. */
static void check_expand(const char *src, const char *expected, int line)
{
    char buf[256];
    DWORD r;

    memset(buf, 'X', sizeof buf);
    SetLastError(DEADBEEF);
    r = ExpandEnvironmentStringsA(src, buf, sizeof buf);
    test_checks++;
    if (r != strlen(expected) + 1 || strcmp(buf, expected) != 0 ||
        GetLastError() != DEADBEEF)
        TEST_FAIL_AT("line %d: Expand(\"%s\"): expected %zu \"%s\", got %lu "
                     "\"%s\" (last error %lu)",
                     line, src, strlen(expected) + 1, expected,
                     (unsigned long)r, buf, (unsigned long)GetLastError());
}
#define CHECK_EXPAND(src, expected) check_expand(src, expected, __LINE__)

static void test_expand(void)
{
    CHECK_OK(SetEnvironmentVariableA("WipcA", "alpha"));
    CHECK_OK(SetEnvironmentVariableA("WipcE", ""));
    CHECK_OK(SetEnvironmentVariableA("WipcP", "%WipcA%"));
    CHECK_OK(SetEnvironmentVariableA("=WipcEq", "eq"));

    CHECK_EXPAND("plain", "plain");
    CHECK_EXPAND("", "");
    CHECK_EXPAND("x%WipcA%y", "xalphay");
    CHECK_EXPAND("x%wipca%y", "xalphay");   /* case-insensitive */
    CHECK_EXPAND("x%WipcE%y", "xy");        /* empty value */
    CHECK_EXPAND("x%WipcP%y", "x%WipcA%y"); /* values are not re-expanded */
    CHECK_EXPAND("%WipcA%%WipcA%", "alphaalpha");
    CHECK_EXPAND("%=WipcEq%", "eq");
    /* Unknown names stay as they are, and scanning resumes after them. */
    CHECK_EXPAND("x%WipcNoSuch%y", "x%WipcNoSuch%y");
    CHECK_EXPAND("%WipcNoSuch%WipcA%", "%WipcNoSuch%WipcA%");
    CHECK_EXPAND("%%", "%%");
    CHECK_EXPAND("%%WipcA%", "%%WipcA%");
    CHECK_EXPAND("%WipcA%%", "alpha%");
    CHECK_EXPAND("%", "%");
    CHECK_EXPAND("100%", "100%");
    CHECK_EXPAND("a%b", "a%b");
    CHECK_EXPAND("%WipcA", "%WipcA");
    CHECK_EXPAND("% WipcA%", "% WipcA%");
    CHECK_EXPAND("%Wipc=A%", "%Wipc=A%");
    /* NULL expands like "" (as current Windows does). */
    CHECK_EXPAND(NULL, "");

    CHECK_OK(SetEnvironmentVariableA("WipcA", NULL));
    CHECK_OK(SetEnvironmentVariableA("WipcE", NULL));
    CHECK_OK(SetEnvironmentVariableA("WipcP", NULL));
    CHECK_OK(SetEnvironmentVariableA("=WipcEq", NULL));
}

/*
 * The ANSI version needs one character more than the result: Microsoft's
 * documentation says the buffer must hold "the string length, plus
 * terminating null character, plus one", and Windows (per Wine's later
 * conformance tests) stores the result only when nSize > length + 1,
 * returns length + 2 otherwise and leaves an empty string, without setting
 * the last error.  Wine 8.0 differs (it returns length + 1, truncates, and
 * sets ERROR_INSUFFICIENT_BUFFER); the documentation wins.
 */
static void test_expand_buffer_sizes(void)
{
    char buf[32];

    CHECK_OK(SetEnvironmentVariableA("WipcA", "alpha"));
    SetLastError(DEADBEEF);
    CHECK_EQ(ExpandEnvironmentStringsA("plain", NULL, 0), 7);
    CHECK_EQ(ExpandEnvironmentStringsA("x%WipcA%y", NULL, 0), 9);
    for (DWORD size = 1; size <= 6; size++) {
        memset(buf, 'X', sizeof buf);
        CHECK_EQ(ExpandEnvironmentStringsA("plain", buf, size), 7);
        CHECK_EQ(buf[0], '\0');
        CHECK_EQ(buf[size], 'X');
    }
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(ExpandEnvironmentStringsA("plain", buf, 7), 6);
    CHECK_STR(buf, "plain");
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(ExpandEnvironmentStringsA("x%WipcA%y", buf, 8), 9);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(ExpandEnvironmentStringsA("x%WipcA%y", buf, 9), 8);
    CHECK_STR(buf, "xalphay");
    /* nSize 0 with a buffer: Windows still writes the empty string, one
     * NUL and nothing more (Wine's environ.c:632). */
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(ExpandEnvironmentStringsA("plain", buf, 0), 7);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'X');
    CHECK_EQ(GetLastError(), DEADBEEF);
    CHECK_OK(SetEnvironmentVariableA("WipcA", NULL));
}

/* ---- Threads ------------------------------------------------------------ */

#define ENV_THREADS 8
#define ENV_ROUNDS 1500

static volatile LONG env_thread_errors;

static void env_thread_fail(const char *what, int id, int round)
{
    if (__atomic_add_fetch(&env_thread_errors, 1, __ATOMIC_RELAXED) <= 10)
        fprintf(stderr, "thread %d round %d: %s\n", id, round, what);
}

/* 1 if v is one of the values the threads write to WipcShared. */
static int shared_value_ok(const char *v)
{
    return strlen(v) == 7 && memcmp(v, "shared", 6) == 0 && v[6] >= '0' &&
           v[6] < '0' + ENV_THREADS;
}

static DWORD WINAPI env_thread(LPVOID arg)
{
    int id = (int)(INT_PTR)arg;
    char name[32], value[32], buf[64], *block;

    snprintf(name, sizeof name, "WipcThread%d", id);
    for (int i = 0; i < ENV_ROUNDS; i++) {
        DWORD n;
        snprintf(value, sizeof value, "v%d-%d", id, i);
        if (!SetEnvironmentVariableA(name, value))
            env_thread_fail("set", id, i);
        n = GetEnvironmentVariableA(name, buf, sizeof buf);
        if (n != strlen(value) || strcmp(buf, value) != 0)
            env_thread_fail("get own", id, i);

        snprintf(value, sizeof value, "shared%d", id);
        SetEnvironmentVariableA("WipcShared", value);
        n = GetEnvironmentVariableA("wipcshared", buf, sizeof buf);
        if (n != 7 || !shared_value_ok(buf))
            env_thread_fail("get shared", id, i);
        n = ExpandEnvironmentStringsA("<%WipcShared%>", buf, sizeof buf);
        if (n != 10 || buf[0] != '<' || buf[8] != '>')
            env_thread_fail("expand shared", id, i);

        if (i % 16 == 0) {
            int bad = 0;
            block = GetEnvironmentStringsA();
            if (!block)
                env_thread_fail("block", id, i);
            else
                block_find(block, "", &bad);
            if (bad)
                env_thread_fail("malformed block", id, i);
            FreeEnvironmentStringsA(block);
        }
        if (i % 3 == 0) {
            if (!SetEnvironmentVariableA(name, NULL))
                env_thread_fail("delete", id, i);
            SetLastError(0);
            if (GetEnvironmentVariableA(name, buf, sizeof buf) != 0 ||
                GetLastError() != ERROR_ENVVAR_NOT_FOUND)
                env_thread_fail("get deleted", id, i);
        }
    }
    SetEnvironmentVariableA(name, NULL);
    return 0;
}

static void test_threads(void)
{
    HANDLE t[ENV_THREADS];
    int started = 0;

    __atomic_store_n(&env_thread_errors, 0, __ATOMIC_RELAXED);
    for (int i = 0; i < ENV_THREADS; i++) {
        t[i] = CreateThread(NULL, 0, env_thread, (LPVOID)(INT_PTR)i, 0, NULL);
        CHECK(t[i] != NULL);
        if (t[i])
            started++;
    }
    if (started == ENV_THREADS)
        CHECK_EQ(WaitForMultipleObjects(ENV_THREADS, t, TRUE, 60000),
                 WAIT_OBJECT_0);
    for (int i = 0; i < ENV_THREADS; i++)
        if (t[i])
            CloseHandle(t[i]);
    CHECK_EQ(__atomic_load_n(&env_thread_errors, __ATOMIC_RELAXED), 0);
    CHECK_OK(SetEnvironmentVariableA("WipcShared", NULL));
}

/* ---- The snapshot for CreateProcessA (white-box) ------------------------ */

/* The index of entry in a NULL-terminated envp, or -1. */
static int envp_find(char **envp, const char *entry)
{
    for (int i = 0; envp[i]; i++)
        if (strcmp(envp[i], entry) == 0)
            return i;
    return -1;
}

static void test_snapshot_contents(void)
{
    char **envp;
    int n = 0;

    CHECK_EQ(wipc_env_set("WipcSnap", "one"), 0);
    CHECK_EQ(wipc_env_set("=WipcSnapEq", "x"), 0);
    CHECK_EQ(wipc_env_snapshot(&envp), 0);
    if (!envp)
        return;
    CHECK(envp_find(envp, "WipcSnap=one") >= 0);
    CHECK(envp_find(envp, "=WipcSnapEq=x") >= 0);
    CHECK(envp_find(envp, "WIPC_TEST_INHERITED=from-libc") >= 0);
    for (; envp[n]; n++)
        CHECK(strchr(envp[n] + 1, '=') != NULL);
    CHECK(n >= 3);
    wipc_env_snapshot_free(envp);

    /* A snapshot is a copy: later changes do not reach it. */
    CHECK_EQ(wipc_env_snapshot(&envp), 0);
    CHECK_EQ(wipc_env_set("WipcSnap", NULL), 0);
    CHECK_EQ(wipc_env_set("=WipcSnapEq", NULL), 0);
    if (envp)
        CHECK(envp_find(envp, "WipcSnap=one") >= 0);
    wipc_env_snapshot_free(envp);
    CHECK_EQ(wipc_env_snapshot(&envp), 0);
    if (envp)
        CHECK_EQ(envp_find(envp, "WipcSnap=one"), (unsigned long long)-1);
    wipc_env_snapshot_free(envp);
    wipc_env_snapshot_free(NULL);
}

/* The snapshot works as execve's envp: a child sees the set values. */
static void test_snapshot_reaches_child(void)
{
    char *argv[] = {"/bin/sh", "-c",
                    "test \"$WipcChild\" = 'set by winipc' && "
                    "test -z \"$WipcGone\"",
                    NULL};
    char **envp;
    int status = -1;
    pid_t pid;

    CHECK_EQ(wipc_env_set("WipcChild", "set by winipc"), 0);
    CHECK_EQ(wipc_env_set("WipcGone", "x"), 0);
    CHECK_EQ(wipc_env_set("WipcGone", NULL), 0);
    CHECK_EQ(wipc_env_snapshot(&envp), 0);
    if (!envp)
        return;
    pid = fork();
    if (pid == 0) {
        execve(argv[0], argv, envp);
        _exit(127);
    }
    wipc_env_snapshot_free(envp);
    CHECK(pid > 0);
    /* Wait with a timeout: poll for up to 20 seconds. */
    for (int i = 0; pid > 0 && i < 2000; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        nanosleep(&ts, NULL);
    }
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_EQ(wipc_env_set("WipcChild", NULL), 0);
}

/* ---- SetEnvironmentStrings ---------------------------------------------- */

/* The entries of a block, joined by '|' (in a static buffer). */
static const char *block_entries(const char *block)
{
    static char out[4096];
    size_t n = 0;

    out[0] = '\0';
    for (const char *p = block; *p && n < sizeof out - 1; p += strlen(p) + 1)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", n ? "|" : "",
                              p);
    return out;
}

/* The whole environment replaced, as Wine's environ.c
 * test_SetEnvironmentStrings checks (it passes on Windows), then restored. */
static void test_set_environment_strings(void)
{
    static const char given[] = "WipcSes1=unus\0WipcSes3=tres\0";
    char block[sizeof given], *old, *now;

    CHECK_OK(SetEnvironmentVariableA("WipcSes1", "heis"));
    CHECK_OK(SetEnvironmentVariableA("WipcSes2", "dyo"));
    old = GetEnvironmentStringsA();
    CHECK(old != NULL);
    if (!old)
        return;
    memcpy(block, given, sizeof given);
    SetLastError(DEADBEEF);
    CHECK_EQ(SetEnvironmentStringsA(block), TRUE);
    CHECK_EQ(GetLastError(), DEADBEEF);
    CHECK(memcmp(block, given, sizeof given) == 0); /* not changed */
    CHECK_STR(get_var("WipcSes1"), "unus");
    CHECK(get_var("WipcSes2") == NULL);
    CHECK_STR(get_var("WipcSes3"), "tres");
    CHECK(get_var("PATH") == NULL);
    now = GetEnvironmentStringsA();
    CHECK(now != NULL);
    if (now)
        CHECK_STR(block_entries(now), "WipcSes1=unus|WipcSes3=tres");
    FreeEnvironmentStringsA(now);

    /* Back: the old block, as GetEnvironmentStrings gave it. */
    CHECK_EQ(SetEnvironmentStringsA(old), TRUE);
    CHECK_STR(get_var("WipcSes1"), "heis");
    CHECK_STR(get_var("WipcSes2"), "dyo");
    CHECK(get_var("WipcSes3") == NULL);
    CHECK_STR(get_var("WIPC_TEST_INHERITED"), "from-libc");
    now = GetEnvironmentStringsA();
    CHECK(now != NULL);
    if (now)
        CHECK_STR(block_entries(now), block_entries(old));
    FreeEnvironmentStringsA(now);
    FreeEnvironmentStringsA(old);
    CHECK_OK(SetEnvironmentVariableA("WipcSes1", NULL));
    CHECK_OK(SetEnvironmentVariableA("WipcSes2", NULL));
}

/* An entry without a name fails the whole call, which changes nothing. */
static void test_set_environment_strings_invalid(void)
{
    char no_equals[] = "WipcSesBad\0";
    char empty_name[] = "=unus\0";
    char second_bad[] = "WipcSesFirst=1\0WipcSesBad\0";

    CHECK_OK(SetEnvironmentVariableA("WipcSesKept", "kept"));
    CHECK_FAILS(SetEnvironmentStringsA(no_equals), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetEnvironmentStringsA(empty_name), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetEnvironmentStringsA(second_bad), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetEnvironmentStringsA(NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetEnvironmentStringsW(NULL), ERROR_INVALID_PARAMETER);
    CHECK_STR(get_var("WipcSesKept"), "kept");
    CHECK(get_var("WipcSesFirst") == NULL);
    CHECK_OK(SetEnvironmentVariableA("WipcSesKept", NULL));
}

/* Names as SetEnvironmentVariable takes them: "=C:" entries (the name ends
 * at the first '=' after the first character), '=' in values, a name given
 * twice (the later entry, in the first one's place, as Wine 8 does), an
 * empty block (no variables at all), and the W block in UTF-16. */
static void test_set_environment_strings_entries(void)
{
    char entries[] = "=C:=C:\\dir\0one=two=three four=five\0WipcX=1\0"
                     "Z=z\0wipcx=2\0";
    char empty[] = "\0";
    WCHAR wide[] = u"WipcW=\u00e9\u20ac\0WipcW2=\0";
    WCHAR wide_copy[sizeof wide / sizeof wide[0]];
    WCHAR wbuf[16];
    char *old = GetEnvironmentStringsA(), *now;

    CHECK(old != NULL);
    if (!old)
        return;
    CHECK_EQ(SetEnvironmentStringsA(entries), TRUE);
    CHECK_STR(get_var("=C:"), "C:\\dir");
    CHECK_STR(get_var("one"), "two=three four=five");
    CHECK_STR(get_var("WIPCX"), "2");
    now = GetEnvironmentStringsA();
    if (now)
        CHECK_STR(block_entries(now),
                  "=C:=C:\\dir|one=two=three four=five|wipcx=2|Z=z");
    FreeEnvironmentStringsA(now);

    CHECK_EQ(SetEnvironmentStringsA(empty), TRUE);
    now = GetEnvironmentStringsA();
    CHECK(now != NULL && now[0] == '\0' && now[1] == '\0');
    FreeEnvironmentStringsA(now);
    CHECK(get_var("one") == NULL);

    memcpy(wide_copy, wide, sizeof wide);
    SetLastError(DEADBEEF);
    CHECK_EQ(SetEnvironmentStringsW(wide), TRUE);
    CHECK_EQ(GetLastError(), DEADBEEF);
    CHECK(memcmp(wide, wide_copy, sizeof wide) == 0);
    CHECK_STR(get_var("WipcW"), "\xc3\xa9\xe2\x82\xac");
    CHECK_EQ(GetEnvironmentVariableW(u"WipcW", wbuf, 16), 2);
    CHECK(wbuf[0] == 0xe9 && wbuf[1] == 0x20ac && wbuf[2] == 0);
    CHECK_STR(get_var("WipcW2"), "");
    now = GetEnvironmentStringsA();
    if (now)
        CHECK_STR(block_entries(now), "WipcW=\xc3\xa9\xe2\x82\xac|WipcW2=");
    FreeEnvironmentStringsA(now);

    CHECK_EQ(SetEnvironmentStringsA(old), TRUE);
    CHECK_STR(get_var("WIPC_TEST_INHERITED"), "from-libc");
    FreeEnvironmentStringsA(old);
}

/* What CreateProcess gives a child (the snapshot) is the new environment. */
static void test_replace_reaches_snapshot(void)
{
    char **envp;
    int n = 0;

    CHECK_EQ(wipc_env_replace("WipcOnly=1\0=D:=D:\\\0"), 0);
    CHECK_EQ(wipc_env_snapshot(&envp), 0);
    if (!envp)
        return;
    for (; envp[n]; n++)
        ;
    CHECK_EQ(n, 2);
    CHECK(envp_find(envp, "WipcOnly=1") == 0);
    CHECK(envp_find(envp, "=D:=D:\\") == 1);
    wipc_env_snapshot_free(envp);
    CHECK_EQ(wipc_env_replace("WipcOnly\0"), ERROR_INVALID_PARAMETER);
    CHECK_EQ(wipc_env_snapshot(&envp), 0);
    if (envp)
        CHECK(envp_find(envp, "WipcOnly=1") == 0);
    wipc_env_snapshot_free(envp);
}

int main(void)
{
    /* Before any environment call, so that the stores load these. */
    setenv("WIPC_TEST_INHERITED", "from-libc", 1);
    setenv("WipcDup", "lower", 1);
    setenv("WIPCDUP", "upper", 1);

    TEST_START();
    RUN(test_inherited_from_process_environment);
    RUN(test_set_then_get);
    RUN(test_get_buffer_too_small);
    RUN(test_get_missing);
    RUN(test_empty_value);
    RUN(test_delete);
    RUN(test_set_invalid_names);
    RUN(test_value_with_equals);
    RUN(test_environment_strings);
    RUN(test_replace_keeps_place_takes_new_name);
    RUN(test_expand);
    RUN(test_expand_buffer_sizes);
    RUN(test_threads);
    RUN(test_snapshot_contents);
    RUN(test_snapshot_reaches_child);
    RUN(test_set_environment_strings);
    RUN(test_set_environment_strings_invalid);
    RUN(test_set_environment_strings_entries);
    RUN(test_replace_reaches_snapshot);
    return TEST_SUMMARY();
}
