/*
 * event_wait_all: WaitForMultipleObjects with bWaitAll over manual- and
 * auto-reset events, with other threads waiting at the same time: a wait
 * for all takes nothing until every member is signalled, a member that was
 * signalled and reset meanwhile does not count, waiters for all compete
 * for auto-reset members as a whole, and a waiter for one of the members
 * takes it from under a waiter for all.  No array names an object twice.
 * Timing appears only as wide margins (a waiter that is still waiting
 * after 200 ms, waits for results of 10 s).
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

struct waiter {
    HANDLE objs[4];
    DWORD n;
    BOOL all;
    DWORD timeout;
    DWORD result;
    HANDLE thread;
};

static DWORD WINAPI wait_thread(LPVOID arg)
{
    struct waiter *w = arg;
    w->result = WaitForMultipleObjects(w->n, w->objs, w->all, w->timeout);
    return 0;
}

static void start(struct waiter *w, DWORD n, const HANDLE *objs, BOOL all,
                  DWORD timeout)
{
    DWORD i;
    for (i = 0; i < n; i++)
        w->objs[i] = objs[i];
    w->n = n;
    w->all = all;
    w->timeout = timeout;
    w->result = 12345;
    w->thread = CreateThread(NULL, 0, wait_thread, w, 0, NULL);
}

/* Starts a waiter for all of h0 and h1, timeout 10 s. */
static void start_all2(struct waiter *w, HANDLE h0, HANDLE h1)
{
    HANDLE objs[2];
    objs[0] = h0;
    objs[1] = h1;
    start(w, 2, objs, TRUE, 10000);
}

/* "label: WAIT_..." for the waiter's thread after up to ms, then its
 * result if it ended. */
static void check_waiter(const char *label, struct waiter *w, DWORD ms)
{
    DWORD r = WaitForSingleObject(w->thread, ms);
    if (r == WAIT_OBJECT_0)
        printf("%s: ended, its wait returned %s\n", label,
               conf_wait(w->result));
    else
        printf("%s: still waiting (%s)\n", label, conf_wait(r));
}

static void finish(struct waiter *w)
{
    WaitForSingleObject(w->thread, 10000);
    CloseHandle(w->thread);
}

static HANDLE ev(BOOL manual, BOOL state)
{
    return CreateEventA(NULL, manual, state, NULL);
}

static void state(const char *label, HANDLE h)
{
    CHECK_WAIT(label, WaitForSingleObject(h, 0));
}

int main(void)
{
    struct waiter a, b;
    HANDLE set[4], m, x, y, z;
    HANDLE threads[2];

    SECTION("a wait for all takes nothing before every member is signalled");
    x = ev(FALSE, TRUE);
    y = ev(FALSE, FALSE);
    start_all2(&a, x, y);
    check_waiter("waiter for all (x signalled, y not)", &a, 200);
    state("WaitForSingleObject(x, 0) takes x from under it", x);
    SetEvent(y);
    check_waiter("SetEvent(y): waiter for all (y signalled, x not)", &a, 200);
    SetEvent(x);
    check_waiter("SetEvent(x): waiter for all", &a, 10000);
    finish(&a);
    state("  x consumed", x);
    state("  y consumed", y);
    CloseHandle(x);
    CloseHandle(y);

    SECTION("a member signalled and reset meanwhile does not count");
    m = ev(TRUE, FALSE);
    y = ev(FALSE, FALSE);
    start_all2(&a, m, y);
    SetEvent(m);
    ResetEvent(m);
    SetEvent(y);
    check_waiter("SetEvent(m), ResetEvent(m), SetEvent(y)", &a, 200);
    SetEvent(m);
    check_waiter("SetEvent(m) again", &a, 10000);
    finish(&a);
    state("  m (manual) still signalled", m);
    state("  y (auto) consumed", y);
    CloseHandle(m);
    CloseHandle(y);

    SECTION("two waiters for all compete for auto-reset members");
    x = ev(FALSE, FALSE);
    y = ev(FALSE, FALSE);
    start_all2(&a, x, y);
    start_all2(&b, y, x);
    Sleep(100);
    SetEvent(x);
    SetEvent(y);
    threads[0] = a.thread;
    threads[1] = b.thread;
    CHECK_TRUE("SetEvent(x), SetEvent(y): one waiter ended",
               WaitForMultipleObjects(2, threads, FALSE, 10000) < 2);
    CHECK_WAIT("  the other is still waiting after 200 ms",
               WaitForMultipleObjects(2, threads, TRUE, 200));
    state("  x consumed", x);
    state("  y consumed", y);
    SetEvent(x);
    SetEvent(y);
    CHECK_WAIT("SetEvent(x), SetEvent(y) again: both ended",
               WaitForMultipleObjects(2, threads, TRUE, 10000));
    printf("  their results: %s", conf_wait(a.result));
    printf(", %s\n", conf_wait(b.result));
    finish(&a);
    finish(&b);
    CloseHandle(x);
    CloseHandle(y);

    SECTION("a waiter for one member and a waiter for all");
    x = ev(FALSE, FALSE);
    y = ev(FALSE, FALSE);
    start_all2(&a, x, y);
    start(&b, 1, &x, FALSE, 10000);
    Sleep(100);
    SetEvent(x);
    check_waiter("SetEvent(x): the waiter for x", &b, 10000);
    finish(&b);
    check_waiter("  the waiter for all", &a, 200);
    SetEvent(y);
    check_waiter("SetEvent(y): the waiter for all", &a, 200);
    SetEvent(x);
    check_waiter("SetEvent(x): the waiter for all", &a, 10000);
    finish(&a);
    CloseHandle(x);
    CloseHandle(y);

    SECTION("manual-reset members");
    x = ev(TRUE, FALSE);
    y = ev(TRUE, FALSE);
    z = ev(TRUE, FALSE);
    set[0] = x;
    set[1] = y;
    set[2] = z;
    start(&a, 3, set, TRUE, 10000);
    start(&b, 3, set, TRUE, 10000);
    SetEvent(z);
    SetEvent(x);
    check_waiter("x and z signalled: first waiter for all", &a, 200);
    SetEvent(y);
    check_waiter("SetEvent(y): first waiter for all", &a, 10000);
    check_waiter("  second waiter for all", &b, 10000);
    finish(&a);
    finish(&b);
    state("  x still signalled", x);
    state("  y still signalled", y);
    state("  z still signalled", z);
    ResetEvent(y);
    CHECK_WAIT("ResetEvent(y): wait all, timeout 100",
               WaitForMultipleObjects(3, set, TRUE, 100));
    CHECK_WAIT("  wait any", WaitForMultipleObjects(3, set, FALSE, 0));
    CloseHandle(x);
    CloseHandle(y);
    CloseHandle(z);

    SECTION("a wait for all that times out");
    x = ev(FALSE, TRUE);
    y = ev(TRUE, TRUE);
    z = ev(FALSE, FALSE);
    set[0] = x;
    set[1] = y;
    set[2] = z;
    start(&a, 3, set, TRUE, 150);
    check_waiter("waiter for all, timeout 150", &a, 10000);
    finish(&a);
    state("  x not consumed", x);
    state("  y still signalled", y);
    state("  z not signalled", z);
    CloseHandle(x);
    CloseHandle(y);
    CloseHandle(z);
    CONF_DONE();
}
