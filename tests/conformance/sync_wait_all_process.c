/*
 * sync_wait_all_process: WaitForMultipleObjects(bWaitAll) in a child over
 * named objects that this process uses singly: the child's wait takes all
 * of them at once or none.  While it waits for a mutex held here, the
 * semaphore and the event it also waits for stay free for this process;
 * once the mutex is released, it has taken all three.  Then the child
 * waits for all of them again and again while this process takes them
 * one at a time, the event (given back last) first: holding it, this
 * process must find the others free every time.  Children answer through
 * exit codes.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define MUTEX_NAME "conf_wait_all_process_mutex"
#define SEM_NAME "conf_wait_all_process_sem"
#define EVENT_NAME "conf_wait_all_process_event"
#define ROUNDS 300

/* The three objects, opened by name (0 if one is missing). */
static int open_all(HANDLE *h)
{
    h[0] = OpenMutexA(SYNCHRONIZE, FALSE, MUTEX_NAME);
    h[1] = OpenSemaphoreA(SYNCHRONIZE | SEMAPHORE_MODIFY_STATE, FALSE,
                          SEM_NAME);
    h[2] = OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, EVENT_NAME);
    return h[0] && h[1] && h[2];
}

/* Children: "self JOB". */
static int child_main(char **argv)
{
    HANDLE h[3];
    DWORD r;
    int n;

    if (!open_all(h))
        return 100 + conf_error_code();
    if (strcmp(argv[1], "wait-all-once") == 0) {
        /* Keeps what it took: the mutex is abandoned as it ends. */
        return (int)WaitForMultipleObjects(3, h, TRUE, 20000);
    }
    if (strcmp(argv[1], "wait-all-loop") == 0) {
        for (n = 0; n < ROUNDS; n++) {
            r = WaitForMultipleObjects(3, h, TRUE, 20000);
            if (r != WAIT_OBJECT_0)
                return 1000 + (int)r;
            if (!ReleaseMutex(h[0]) || !ReleaseSemaphore(h[1], 1, NULL) ||
                !SetEvent(h[2]))
                return 2;
        }
        return 0;
    }
    return 99;
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    HANDLE m, s, e;
    int taken = 0, rounds = 0;

    *conf_self_slot() = argv[0];
    if (argc > 1)
        return child_main(argv);

    SECTION("a child waits for all of a mutex held here, a semaphore, an event");
    CHECK_HANDLE("CreateMutexA(owned)", m, CreateMutexA(NULL, TRUE, MUTEX_NAME));
    CHECK_HANDLE("CreateSemaphoreA(1, 1)", s,
                 CreateSemaphoreA(NULL, 1, 1, SEM_NAME));
    CHECK_HANDLE("CreateEventA(auto, set)", e,
                 CreateEventA(NULL, FALSE, TRUE, EVENT_NAME));
    pi = conf_spawn("child waits for all three", "wait-all-once", FALSE);
    CHECK_WAIT("child still waiting", WaitForSingleObject(pi.hProcess, 300));
    CHECK_WAIT("the semaphore is free here", WaitForSingleObject(s, 0));
    CHECK_BOOL("ReleaseSemaphore", ReleaseSemaphore(s, 1, NULL));
    CHECK_WAIT("the event is free here", WaitForSingleObject(e, 0));
    CHECK_BOOL("SetEvent", SetEvent(e));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(m));
    printf("child: exit code %u (its wait's result)\n",
           (unsigned)conf_exit_code(&pi));
    CHECK_WAIT("the semaphore (the child took it)", WaitForSingleObject(s, 0));
    CHECK_WAIT("the event (the child took it)", WaitForSingleObject(e, 0));
    CHECK_WAIT("the mutex (the child ended owning it)",
               WaitForSingleObject(m, 0));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(m));
    CHECK_BOOL("ReleaseSemaphore", ReleaseSemaphore(s, 1, NULL));
    CHECK_BOOL("SetEvent", SetEvent(e));

    SECTION("the child waits for all again and again, this process singly");
    pi = conf_spawn("child waits for all, 300 times", "wait-all-loop", FALSE);
    while (WaitForSingleObject(pi.hProcess, 0) == WAIT_TIMEOUT) {
        if (WaitForSingleObject(e, 100) != WAIT_OBJECT_0)
            continue;
        rounds++;
        /* The child gave the others back before the event: they are free
         * unless its wait holds some of them now. */
        if (WaitForSingleObject(m, 0) == WAIT_OBJECT_0)
            ReleaseMutex(m);
        else
            taken++;
        if (WaitForSingleObject(s, 0) == WAIT_OBJECT_0)
            ReleaseSemaphore(s, 1, NULL);
        else
            taken++;
        SetEvent(e);
    }
    printf("child: exit code %u\n", (unsigned)conf_exit_code(&pi));
    printf("rounds here: %s\n", rounds > 0 ? "some" : "none");
    printf("objects found taken while this process held the event: %d\n",
           taken);
    CloseHandle(m);
    CloseHandle(s);
    CloseHandle(e);
    CONF_DONE();
}
