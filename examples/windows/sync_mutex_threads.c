/*
 * sync_mutex_threads: in the manner of Microsoft's "Using Mutex Objects":
 * two threads write to a "database" (a counter) under a mutex, each taking
 * it with WaitForSingleObject and giving it back with ReleaseMutex, so no
 * write is lost.  A third thread then ends while it owns the mutex: the
 * next wait reports WAIT_ABANDONED, as the sample's comment warns.
 */
#include <windows.h>
#include <stdio.h>

#define THREADCOUNT 2
#define WRITES 20

static HANDLE ghMutex;
static int gDatabase;

static DWORD WINAPI WriteToDatabase(LPVOID lpParam)
{
    DWORD dwCount = 0, dwWaitResult;
    (void)lpParam;

    while (dwCount < WRITES) {
        dwWaitResult = WaitForSingleObject(ghMutex, INFINITE);
        switch (dwWaitResult) {
        case WAIT_OBJECT_0:
            /* Write to the database. */
            gDatabase++;
            dwCount++;
            if (!ReleaseMutex(ghMutex))
                printf("ReleaseMutex failed (%lu)\n",
                       (unsigned long)GetLastError());
            break;
        case WAIT_ABANDONED:
            /* The database is in an indeterminate state. */
            return FALSE;
        }
    }
    return TRUE;
}

static DWORD WINAPI TakeAndEnd(LPVOID lpParam)
{
    (void)lpParam;
    WaitForSingleObject(ghMutex, INFINITE);
    return 0; /* ends owning the mutex */
}

int main(void)
{
    HANDLE aThread[THREADCOUNT], t;
    DWORD i, r;

    ghMutex = CreateMutexA(NULL, FALSE, NULL);
    if (ghMutex == NULL) {
        printf("CreateMutex error: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    for (i = 0; i < THREADCOUNT; i++) {
        aThread[i] = CreateThread(NULL, 0, WriteToDatabase, NULL, 0, NULL);
        if (aThread[i] == NULL) {
            printf("CreateThread error: %lu\n", (unsigned long)GetLastError());
            return 1;
        }
    }
    WaitForMultipleObjects(THREADCOUNT, aThread, TRUE, INFINITE);
    printf("%d threads wrote %d times each: the database says %d\n",
           THREADCOUNT, WRITES, gDatabase);
    for (i = 0; i < THREADCOUNT; i++)
        CloseHandle(aThread[i]);

    t = CreateThread(NULL, 0, TakeAndEnd, NULL, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    r = WaitForSingleObject(ghMutex, INFINITE);
    printf("after a thread ended owning the mutex, the wait says %s\n",
           r == WAIT_ABANDONED ? "WAIT_ABANDONED" : "something else");
    ReleaseMutex(ghMutex);
    CloseHandle(ghMutex);
    return 0;
}
