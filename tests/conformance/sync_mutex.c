/*
 * sync_mutex: CreateMutexA and ReleaseMutex in one process: recursive
 * ownership by a thread, ERROR_NOT_OWNER, abandonment by a thread that
 * ends owning the mutex (WAIT_ABANDONED once, then owned), and mutexes in
 * WaitForMultipleObjects with events and semaphores.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static HANDLE mutex;

/* Tries the mutex and releases it: 1 if it got it, 2 if it timed out and
 * ReleaseMutex then failed with ERROR_NOT_OWNER. */
static DWORD WINAPI try_and_release(LPVOID arg)
{
    DWORD r;
    (void)arg;
    r = WaitForSingleObject(mutex, 0);
    if (r == WAIT_OBJECT_0)
        return ReleaseMutex(mutex) ? 1 : 3;
    return !ReleaseMutex(mutex) && GetLastError() == ERROR_NOT_OWNER ? 2 : 4;
}

/* Takes the mutex twice and ends owning it. */
static DWORD WINAPI take_and_end(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(mutex, 10000);
    WaitForSingleObject(mutex, 0);
    return 0;
}

static DWORD run(LPTHREAD_START_ROUTINE fn)
{
    DWORD code = 12345;
    HANDLE t = CreateThread(NULL, 0, fn, NULL, 0, NULL);
    WaitForSingleObject(t, 10000);
    GetExitCodeThread(t, &code);
    CloseHandle(t);
    return code;
}

int main(void)
{
    HANDLE ev, sem, hs[3];

    SECTION("recursive ownership");
    CHECK_HANDLE("CreateMutexA(owned)", mutex, CreateMutexA(NULL, TRUE, NULL));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(mutex));
    CHECK_BOOL("ReleaseMutex when free", ReleaseMutex(mutex));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(mutex, 0));
    CHECK_WAIT("WaitForSingleObject(0) again", WaitForSingleObject(mutex, 0));
    CHECK_WAIT("WaitForSingleObject(INFINITE) a third time",
               WaitForSingleObject(mutex, INFINITE));
    CHECK_DWORD("another thread tries it", run(try_and_release));
    CHECK_BOOL("ReleaseMutex 1", ReleaseMutex(mutex));
    CHECK_BOOL("ReleaseMutex 2", ReleaseMutex(mutex));
    CHECK_DWORD("another thread tries it", run(try_and_release));
    CHECK_BOOL("ReleaseMutex 3", ReleaseMutex(mutex));
    CHECK_DWORD("another thread tries it", run(try_and_release));
    CHECK_BOOL("ReleaseMutex 4", ReleaseMutex(mutex));
    CHECK_BOOL("ReleaseMutex(NULL)", ReleaseMutex(NULL));

    SECTION("abandoned by a thread that ends");
    CHECK_DWORD("thread takes it twice and ends", run(take_and_end));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(mutex, 0));
    CHECK_WAIT("WaitForSingleObject(0) again", WaitForSingleObject(mutex, 0));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(mutex));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(mutex));
    CHECK_BOOL("ReleaseMutex once more", ReleaseMutex(mutex));

    SECTION("with other objects");
    CHECK_HANDLE("CreateEventA(auto, not signalled)", ev,
                 CreateEventA(NULL, FALSE, FALSE, NULL));
    CHECK_HANDLE("CreateSemaphoreA(1, 1)", sem,
                 CreateSemaphoreA(NULL, 1, 1, NULL));
    hs[0] = ev;
    hs[1] = mutex;
    hs[2] = sem;
    CHECK_WAIT("wait-any", WaitForMultipleObjects(3, hs, FALSE, 0));
    CHECK_WAIT("wait-all, event not set",
               WaitForMultipleObjects(3, hs, TRUE, 50));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(mutex));
    CHECK_BOOL("ReleaseMutex once more", ReleaseMutex(mutex));
    CHECK_DWORD("thread takes the mutex and ends", run(take_and_end));
    CHECK_BOOL("SetEvent", SetEvent(ev));
    CHECK_WAIT("wait-all, mutex abandoned",
               WaitForMultipleObjects(3, hs, TRUE, 1000));
    CHECK_WAIT("event consumed", WaitForSingleObject(ev, 0));
    CHECK_WAIT("semaphore taken", WaitForSingleObject(sem, 0));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(mutex));
    CHECK_BOOL("ReleaseMutex once more", ReleaseMutex(mutex));
    CHECK_DWORD("thread takes the mutex and ends", run(take_and_end));
    CHECK_WAIT("wait-any, mutex abandoned at 1",
               WaitForMultipleObjects(3, hs, FALSE, 1000));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(mutex));
    CHECK_BOOL("ReleaseSemaphore on a mutex", ReleaseSemaphore(mutex, 1, NULL));
    CHECK_BOOL("ReleaseMutex on a semaphore", ReleaseMutex(sem));
    CHECK_BOOL("ReleaseMutex on an event", ReleaseMutex(ev));
    CloseHandle(ev);
    CloseHandle(sem);
    CloseHandle(mutex);
    CONF_DONE();
}
