/* test_smoke.c: the library loads and its basic calls answer. */
#include "testlib.h"
#include <winipc.h>

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

static void test_version(void)
{
    CHECK_STR(winipc_version(), "0.1.0");
}

static void test_namespace_root(void)
{
    const char *env = getenv("WINIPC_ROOT");
    struct stat st;
    CHECK_STR(winipc_namespace_root(), env && *env ? env : "/tmp/.winipc");
    CHECK_EQ(stat(winipc_namespace_root(), &st), 0);
    CHECK(S_ISDIR(st.st_mode));
}

/* Several threads set different last errors, all before any reads it
 * back (a barrier): each, and the main thread, reads its own. */
#define LE_THREADS 8

static pthread_barrier_t le_barrier;

struct le_thread {
    pthread_t t;
    DWORD value, got_after_set, got_after_barrier;
};

static void *le_thread_main(void *arg)
{
    struct le_thread *lt = arg;
    SetLastError(lt->value);
    lt->got_after_set = GetLastError();
    pthread_barrier_wait(&le_barrier); /* every thread has set its value */
    lt->got_after_barrier = GetLastError();
    pthread_barrier_wait(&le_barrier); /* every thread has read it */
    return NULL;
}

static void test_last_error_is_per_thread_value(void)
{
    struct le_thread lt[LE_THREADS];
    int started = 0;

    SetLastError(1234);
    CHECK_EQ(GetLastError(), 1234);
    SetLastError(0);
    CHECK_EQ(GetLastError(), 0);

    SetLastError(4321);
    CHECK_EQ(pthread_barrier_init(&le_barrier, NULL, LE_THREADS), 0);
    for (int i = 0; i < LE_THREADS; i++) {
        lt[i].value = 1000u + (DWORD)i;
        lt[i].got_after_set = lt[i].got_after_barrier = 0xdeadbeef;
        if (pthread_create(&lt[i].t, NULL, le_thread_main, &lt[i]) != 0)
            break;
        started++;
    }
    CHECK_EQ(started, LE_THREADS);
    for (int i = 0; i < started; i++)
        CHECK_EQ(pthread_join(lt[i].t, NULL), 0);
    for (int i = 0; i < started; i++) {
        CHECK_EQ(lt[i].got_after_set, lt[i].value);
        CHECK_EQ(lt[i].got_after_barrier, lt[i].value);
    }
    /* The main thread's value is untouched by the others. */
    CHECK_EQ(GetLastError(), 4321);
    pthread_barrier_destroy(&le_barrier);
}

int main(void)
{
    TEST_START();
    RUN(test_version);
    RUN(test_namespace_root);
    RUN(test_last_error_is_per_thread_value);
    return TEST_SUMMARY();
}
