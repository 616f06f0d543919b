/*
 * objects_holder.c: the named objects of tests/tool/objects.sh, in states
 * it knows, held until standard input ends.  Prints "ready PID TID" (the
 * main thread's id) once they are all made.
 */
#include <windows.h>

#include <stdio.h>
#include <unistd.h>
#include <winipc.h>

static HANDLE abandon_me;

static DWORD WINAPI take_and_end(LPVOID arg)
{
    (void)arg;
    return WaitForSingleObject(abandon_me, 5000); /* ends owning it */
}

int main(void)
{
    LARGE_INTEGER due;
    HANDLE h, t;
    char c;

    /* Events: a manual one set, an auto one not, an auto one set whose
     * descriptor is in use (fd mode). */
    if (!CreateEventA(NULL, TRUE, TRUE, "ev_manual_set") ||
        !CreateEventA(NULL, FALSE, FALSE, "ev_auto") ||
        !(h = CreateEventA(NULL, FALSE, TRUE, "ev_fd")) ||
        winipc_handle_fd(h) < 0)
        return 1;
    /* Mutexes: owned twice by this thread, free, abandoned. */
    if (!(h = CreateMutexA(NULL, TRUE, "mx_owned")) ||
        WaitForSingleObject(h, 0) != WAIT_OBJECT_0 ||
        !CreateMutexA(NULL, FALSE, "mx_free") ||
        !(abandon_me = CreateMutexA(NULL, FALSE, "mx_abandoned")))
        return 2;
    t = CreateThread(NULL, 0, take_and_end, NULL, 0, NULL);
    if (!t || WaitForSingleObject(t, 10000) != WAIT_OBJECT_0)
        return 3;
    /* A semaphore at 2 of 5. */
    if (!CreateSemaphoreA(NULL, 2, 5, "sem"))
        return 4;
    /* Timers: a manual one that is due (and waited for), an auto one
     * never set. */
    due.QuadPart = -1;
    if (!(h = CreateWaitableTimerA(NULL, TRUE, "tm_due")) ||
        !SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE) ||
        WaitForSingleObject(h, 10000) != WAIT_OBJECT_0 ||
        !CreateWaitableTimerA(NULL, FALSE, "tm_idle"))
        return 5;
    /* A mapping of 100,000 bytes. */
    if (!CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                            100000, "map"))
        return 6;
    printf("ready %lu %lu\n", (unsigned long)GetCurrentProcessId(),
           (unsigned long)GetCurrentThreadId());
    fflush(stdout);
    while (read(0, &c, 1) > 0)
        ;
    return 0;
}
