/*
 * sync_process: named events, mutexes and semaphores across processes:
 * a child opens what the parent created (and the reverse), a mutex whose
 * owner process is killed is abandoned to the next waiter, a name lives
 * while a child holds it after the parent closed its handle, and mutexes
 * and semaphores are inherited.  Children answer through exit codes.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define MUTEX_NAME "conf_sync_process_mutex"
#define SEM_NAME "conf_sync_process_sem"
#define EVENT_NAME "conf_sync_process_event"

/* Children: "self JOB ARGS...". */
static int child_main(int argc, char **argv)
{
    HANDLE h;
    const char *job = argv[1];
    (void)argc;
    LONG prev = -1;
    int n = 0;

    if (strcmp(job, "take-mutex-and-hang") == 0) {
        /* Takes the named mutex, sets the event READY, waits to be killed. */
        h = OpenMutexA(SYNCHRONIZE, FALSE, MUTEX_NAME);
        if (!h)
            return 100 + conf_error_code();
        if (WaitForSingleObject(h, 10000) != WAIT_OBJECT_0)
            return 3;
        SetEvent(conf_handle_arg(argv[2]));
        Sleep(60000);
        return 4;
    }
    if (strcmp(job, "wait-mutex") == 0) {
        /* The named mutex's wait result (10 s), released if taken. */
        DWORD r;
        h = OpenMutexA(SYNCHRONIZE, FALSE, MUTEX_NAME);
        if (!h)
            return 100 + conf_error_code();
        r = WaitForSingleObject(h, 10000);
        ReleaseMutex(h);
        return (int)r;
    }
    if (strcmp(job, "take-sem-twice") == 0) {
        /* Opens the named semaphore, sets READY, takes it twice. */
        h = OpenSemaphoreA(SYNCHRONIZE, FALSE, SEM_NAME);
        if (!h)
            return 100 + conf_error_code();
        SetEvent(conf_handle_arg(argv[2]));
        while (n < 2 && WaitForSingleObject(h, 10000) == WAIT_OBJECT_0)
            n++;
        return n;
    }
    if (strcmp(job, "set-event") == 0) {
        /* Creates the named event (it exists: 183) and sets it. */
        h = CreateEventA(NULL, TRUE, FALSE, EVENT_NAME);
        if (!h)
            return 100 + conf_error_code();
        n = GetLastError() == ERROR_ALREADY_EXISTS ? 1 : 2;
        return SetEvent(h) ? n : 3;
    }
    if (strcmp(job, "inherited") == 0) {
        /* MUTEX SEM: the mutex is owned by the parent; the semaphore's
         * count goes up by one: its previous count. */
        HANDLE m = conf_handle_arg(argv[2]), s = conf_handle_arg(argv[3]);
        if (WaitForSingleObject(m, 0) != WAIT_TIMEOUT)
            return 101;
        if (ReleaseMutex(m) || GetLastError() != ERROR_NOT_OWNER)
            return 102;
        if (!ReleaseSemaphore(s, 1, &prev))
            return 103;
        return (int)prev;
    }
    return 99;
}

int main(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_INFORMATION pi;
    HANDLE m, s, e, ready;
    char args[128];
    LONG prev = -7;

    *conf_self_slot() = argv[0];
    if (argc > 1)
        return child_main(argc, argv);
    ready = CreateEventA(&sa, FALSE, FALSE, NULL);

    SECTION("a named mutex across processes");
    CHECK_HANDLE("CreateMutexA(owned)", m, CreateMutexA(NULL, TRUE, MUTEX_NAME));
    pi = conf_spawn("child waits for it", "wait-mutex", FALSE);
    CHECK_WAIT("child still waiting", WaitForSingleObject(pi.hProcess, 200));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(m));
    printf("child: exit code %u (its wait's result)\n",
           (unsigned)conf_exit_code(&pi));

    SECTION("the owner process killed");
    snprintf(args, sizeof args, "take-mutex-and-hang %llu",
             CONF_HANDLE_ARG(ready));
    pi = conf_spawn("child takes it", args, TRUE);
    CHECK_WAIT("child has it", WaitForSingleObject(ready, 10000));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(m, 0));
    CHECK_BOOL("TerminateProcess", TerminateProcess(pi.hProcess, 9));
    CHECK_WAIT("WaitForSingleObject(10 s)", WaitForSingleObject(m, 10000));
    CHECK_WAIT("WaitForSingleObject(0) again", WaitForSingleObject(m, 0));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(m));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(m));
    CHECK_BOOL("ReleaseMutex once more", ReleaseMutex(m));
    conf_exit_code(&pi);
    snprintf(args, sizeof args, "take-mutex-and-hang %llu",
             CONF_HANDLE_ARG(ready));
    pi = conf_spawn("child takes it again", args, TRUE);
    CHECK_WAIT("child has it", WaitForSingleObject(ready, 10000));
    {
        PROCESS_INFORMATION w = conf_spawn("another child waits for it",
                                           "wait-mutex", FALSE);
        CHECK_WAIT("it still waits", WaitForSingleObject(w.hProcess, 200));
        CHECK_BOOL("TerminateProcess(owner)", TerminateProcess(pi.hProcess, 9));
        printf("waiting child: exit code %u (its wait's result)\n",
               (unsigned)conf_exit_code(&w));
    }
    conf_exit_code(&pi);
    CloseHandle(m);

    SECTION("a name held by a child only");
    CHECK_HANDLE("CreateSemaphoreA(0, 10)", s,
                 CreateSemaphoreA(NULL, 0, 10, SEM_NAME));
    snprintf(args, sizeof args, "take-sem-twice %llu", CONF_HANDLE_ARG(ready));
    pi = conf_spawn("child opens it", args, TRUE);
    CHECK_WAIT("child has it", WaitForSingleObject(ready, 10000));
    CHECK_BOOL("CloseHandle", CloseHandle(s));
    CHECK_HANDLE("OpenSemaphoreA", s,
                 OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, SEM_NAME));
    SetLastError(CONF_SENTINEL);
    printf("ReleaseSemaphore(2): %d", ReleaseSemaphore(s, 2, &prev));
    printf(", previous %ld\n", (long)prev);
    CHECK_BOOL("ReleaseSemaphore(11)", ReleaseSemaphore(s, 11, NULL));
    printf("child: exit code %u (taken)\n", (unsigned)conf_exit_code(&pi));
    CloseHandle(s);
    CHECK_HANDLE("OpenSemaphoreA after every holder", s,
                 OpenSemaphoreA(SYNCHRONIZE, FALSE, SEM_NAME));

    SECTION("a named event");
    CHECK_HANDLE("CreateEventA(manual)", e,
                 CreateEventA(NULL, TRUE, FALSE, EVENT_NAME));
    pi = conf_spawn("child creates it too and sets it", "set-event", FALSE);
    CHECK_WAIT("WaitForSingleObject", WaitForSingleObject(e, 10000));
    printf("child: exit code %u (1: it existed)\n",
           (unsigned)conf_exit_code(&pi));
    CHECK_HANDLE("CreateMutexA(the event's name)", m,
                 CreateMutexA(NULL, FALSE, EVENT_NAME));
    CloseHandle(e);

    SECTION("inheritance");
    CHECK_HANDLE("CreateMutexA(owned, inheritable)", m,
                 CreateMutexA(&sa, TRUE, NULL));
    CHECK_HANDLE("CreateSemaphoreA(3, 5, inheritable)", s,
                 CreateSemaphoreA(&sa, 3, 5, NULL));
    snprintf(args, sizeof args, "inherited %llu %llu", CONF_HANDLE_ARG(m),
             CONF_HANDLE_ARG(s));
    conf_run("child", args, TRUE, 0, NULL, NULL);
    SetLastError(CONF_SENTINEL);
    printf("ReleaseSemaphore(1): %d", ReleaseSemaphore(s, 1, &prev));
    printf(", previous %ld\n", (long)prev);
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(m));
    CloseHandle(m);
    CloseHandle(s);
    CloseHandle(ready);
    CONF_DONE();
}
