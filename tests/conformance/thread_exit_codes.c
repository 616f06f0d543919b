/*
 * thread_exit_codes: the exit codes of threads (returned, given to
 * ExitThread from a nested call, full 32-bit values), waits on thread
 * handles (single, any, all), thread handles used after their thread
 * ended (duplicates, ids), the main thread seen from another thread
 * through a real handle, a thread that outlives the thread that created
 * it, and ResumeThread's counts on suspended threads.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define N_THREADS 8

static DWORD WINAPI return_param(LPVOID arg)
{
    return (DWORD)(ULONG_PTR)arg;
}

/* ExitThread(code) from depth calls down (never returns for depth >= 0). */
static DWORD nested_exit(DWORD code, int depth)
{
    if (depth > 0)
        return nested_exit(code, depth - 1) + 1;
    if (depth == 0)
        ExitThread(code);
    return 1;
}

static DWORD WINAPI exit_nested(LPVOID arg)
{
    return nested_exit((DWORD)(ULONG_PTR)arg, 3);
}

/* Waits for its event, then returns 40 + its index. */
struct gated {
    HANDLE go;
    DWORD index;
};

static DWORD WINAPI wait_then_return(LPVOID arg)
{
    struct gated *g = arg;
    WaitForSingleObject(g->go, 20000);
    return 40 + g->index;
}

/* Looks at the main thread through a duplicated handle. */
struct main_view {
    HANDLE main_thread;
    DWORD wait_result, exit_code, id;
    BOOL got_code;
};

static DWORD WINAPI look_at_main(LPVOID arg)
{
    struct main_view *v = arg;
    v->wait_result = WaitForSingleObject(v->main_thread, 50);
    v->got_code = GetExitCodeThread(v->main_thread, &v->exit_code);
    v->id = GetThreadId(v->main_thread);
    return 0;
}

/* Starts a grandchild thread that waits for an event, and returns its
 * handle through the parameter. */
struct family {
    HANDLE go;
    HANDLE grandchild;
};

static DWORD WINAPI parent_thread(LPVOID arg)
{
    struct family *f = arg;
    static struct gated g;
    g.go = f->go;
    g.index = 9;
    f->grandchild = CreateThread(NULL, 0, wait_then_return, &g, 0, NULL);
    return 5;
}

static void show_code(const char *label, HANDLE t)
{
    DWORD code = 12345;
    SetLastError(CONF_SENTINEL);
    if (GetExitCodeThread(t, &code))
        printf("%s: TRUE, exit code %u, %s\n", label, (unsigned)code,
               conf_error(GetLastError()));
    else
        printf("%s: FALSE, %s\n", label, conf_error(GetLastError()));
}

int main(void)
{
    static const DWORD codes[] = {0, 1, 255, 256, 0x12345678, 0x7FFFFFFF,
                                  0x80000000u, 0xFFFFFFFEu};
    HANDLE t[N_THREADS], dup, go;
    struct gated g[N_THREADS];
    struct main_view view;
    struct family fam;
    DWORD i, tid, tid2;
    char label[96];

    SECTION("returned codes");
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
        t[i] = CreateThread(NULL, 0, return_param,
                            (LPVOID)(ULONG_PTR)codes[i], 0, NULL);
    CHECK_WAIT("WaitForMultipleObjects(8 threads, wait all)",
               WaitForMultipleObjects(N_THREADS, t, TRUE, 10000));
    for (i = 0; i < N_THREADS; i++) {
        snprintf(label, sizeof label, "  GetExitCodeThread(returned 0x%X)",
                 (unsigned)codes[i]);
        show_code(label, t[i]);
        CloseHandle(t[i]);
    }

    SECTION("ExitThread from a nested call");
    for (i = 0; i < 3; i++)
        t[i] = CreateThread(NULL, 0, exit_nested,
                            (LPVOID)(ULONG_PTR)codes[i + 3], 0, NULL);
    CHECK_WAIT("WaitForMultipleObjects(3 threads, wait all)",
               WaitForMultipleObjects(3, t, TRUE, 10000));
    for (i = 0; i < 3; i++) {
        snprintf(label, sizeof label, "  GetExitCodeThread(ExitThread(0x%X))",
                 (unsigned)codes[i + 3]);
        show_code(label, t[i]);
        CloseHandle(t[i]);
    }

    SECTION("threads that end in an order of our choosing");
    for (i = 0; i < 4; i++) {
        g[i].go = CreateEventA(NULL, TRUE, FALSE, NULL);
        g[i].index = i;
        t[i] = CreateThread(NULL, 0, wait_then_return, &g[i], 0, NULL);
    }
    CHECK_WAIT("wait any, none ended, timeout 50",
               WaitForMultipleObjects(4, t, FALSE, 50));
    SetEvent(g[2].go);
    CHECK_WAIT("third released: wait any",
               WaitForMultipleObjects(4, t, FALSE, 10000));
    show_code("  GetExitCodeThread(third)", t[2]);
    show_code("  GetExitCodeThread(first, still running)", t[0]);
    CHECK_WAIT("  wait all, timeout 50",
               WaitForMultipleObjects(4, t, TRUE, 50));
    SetEvent(g[3].go);
    WaitForSingleObject(t[3], 10000);
    CHECK_WAIT("fourth ended too: wait any returns the lowest",
               WaitForMultipleObjects(4, t, FALSE, 0));
    SetEvent(g[0].go);
    SetEvent(g[1].go);
    CHECK_WAIT("all released: wait all",
               WaitForMultipleObjects(4, t, TRUE, 10000));
    for (i = 0; i < 4; i++) {
        snprintf(label, sizeof label, "  GetExitCodeThread(thread %u)",
                 (unsigned)i);
        show_code(label, t[i]);
        CloseHandle(g[i].go);
    }

    SECTION("handles of ended threads");
    tid = GetThreadId(t[1]);
    CHECK_BOOL("DuplicateHandle(ended thread)",
               DuplicateHandle(GetCurrentProcess(), t[1], GetCurrentProcess(),
                               &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    for (i = 0; i < 4; i++)
        CloseHandle(t[i]);
    show_code("GetExitCodeThread(duplicate, originals closed)", dup);
    CHECK_WAIT("WaitForSingleObject(duplicate, 0)",
               WaitForSingleObject(dup, 0));
    CHECK_WAIT("WaitForSingleObject(duplicate, INFINITE)",
               WaitForSingleObject(dup, INFINITE));
    CHECK_TRUE("GetThreadId(duplicate) is the thread's id",
               GetThreadId(dup) == tid && tid != 0);
    CHECK_BOOL("ResumeThread(ended thread) does not fail",
               ResumeThread(dup) != (DWORD)-1);
    CHECK_BOOL("CloseHandle(duplicate)", CloseHandle(dup));

    SECTION("the main thread seen from another thread");
    CHECK_BOOL("DuplicateHandle(GetCurrentThread())",
               DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                               GetCurrentProcess(), &view.main_thread, 0,
                               FALSE, DUPLICATE_SAME_ACCESS));
    t[0] = CreateThread(NULL, 0, look_at_main, &view, 0, NULL);
    WaitForSingleObject(t[0], 10000);
    CloseHandle(t[0]);
    printf("  its wait (timeout 50): %s\n", conf_wait(view.wait_result));
    printf("  its GetExitCodeThread: %s, exit code %u\n",
           view.got_code ? "TRUE" : "FALSE", (unsigned)view.exit_code);
    CHECK_TRUE("  its GetThreadId is our GetCurrentThreadId",
               view.id == GetCurrentThreadId());
    CloseHandle(view.main_thread);

    SECTION("a thread that outlives its creator");
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    fam.go = go;
    fam.grandchild = NULL;
    t[0] = CreateThread(NULL, 0, parent_thread, &fam, 0, NULL);
    CHECK_WAIT("WaitForSingleObject(creator)", WaitForSingleObject(t[0], 10000));
    show_code("  GetExitCodeThread(creator)", t[0]);
    CHECK_WAIT("WaitForSingleObject(its thread, 50)",
               WaitForSingleObject(fam.grandchild, 50));
    show_code("  GetExitCodeThread(its thread)", fam.grandchild);
    SetEvent(go);
    CHECK_WAIT("SetEvent: WaitForSingleObject(its thread)",
               WaitForSingleObject(fam.grandchild, 10000));
    show_code("  GetExitCodeThread(its thread)", fam.grandchild);
    CloseHandle(fam.grandchild);
    CloseHandle(t[0]);
    CloseHandle(go);

    SECTION("suspended threads");
    go = CreateEventA(NULL, TRUE, TRUE, NULL);
    g[0].go = go;
    g[0].index = 7;
    t[0] = CreateThread(NULL, 0, wait_then_return, &g[0], CREATE_SUSPENDED,
                        &tid);
    t[1] = CreateThread(NULL, 0, wait_then_return, &g[0], CREATE_SUSPENDED,
                        &tid2);
    CHECK_TRUE("two suspended threads have distinct ids",
               tid != tid2 && tid != 0 && tid2 != 0);
    CHECK_WAIT("wait any, timeout 100", WaitForMultipleObjects(2, t, FALSE,
                                                               100));
    show_code("GetExitCodeThread(suspended)", t[1]);
    CHECK_DWORD("ResumeThread(second)", ResumeThread(t[1]));
    CHECK_WAIT("wait any", WaitForMultipleObjects(2, t, FALSE, 10000));
    CHECK_DWORD("ResumeThread(second) after it ended", ResumeThread(t[1]));
    CHECK_WAIT("WaitForSingleObject(first, 100)", WaitForSingleObject(t[0],
                                                                      100));
    CHECK_DWORD("ResumeThread(first)", ResumeThread(t[0]));
    CHECK_WAIT("wait all", WaitForMultipleObjects(2, t, TRUE, 10000));
    show_code("GetExitCodeThread(first)", t[0]);
    show_code("GetExitCodeThread(second)", t[1]);
    CloseHandle(t[0]);
    CloseHandle(t[1]);
    CloseHandle(go);
    CONF_DONE();
}
