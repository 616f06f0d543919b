/* test_smoke.c: the library loads and its basic calls answer. */
#include "testlib.h"
#include <winipc.h>

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

static void test_last_error_is_per_thread_value(void)
{
    SetLastError(1234);
    CHECK_EQ(GetLastError(), 1234);
    SetLastError(0);
    CHECK_EQ(GetLastError(), 0);
}

int main(void)
{
    TEST_START();
    RUN(test_version);
    RUN(test_namespace_root);
    RUN(test_last_error_is_per_thread_value);
    return TEST_SUMMARY();
}
