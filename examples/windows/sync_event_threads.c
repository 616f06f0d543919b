/*
 * sync_event_threads: in the manner of Microsoft's "Using Event Objects":
 * the main thread writes a shared buffer while reader threads wait on a
 * manual-reset event; SetEvent releases them all at once, and each reads
 * the buffer.  The threads end; the main thread waits for all of them
 * with WaitForMultipleObjects.
 */
#include <windows.h>
#include <stdio.h>

#define THREADCOUNT 4

static HANDLE ghWriteEvent;
static HANDLE ghThreads[THREADCOUNT];
static char gBuffer[64];

static DWORD WINAPI ThreadProc(LPVOID lpParam)
{
    DWORD dwWaitResult;
    int n = (int)(INT_PTR)lpParam;

    dwWaitResult = WaitForSingleObject(ghWriteEvent, INFINITE);
    switch (dwWaitResult) {
    case WAIT_OBJECT_0:
        /* The order of the threads' lines varies: each says which it is. */
        printf("Thread %d reading from buffer: %s\n", n, gBuffer);
        break;
    default:
        printf("Wait error (%lu)\n", (unsigned long)GetLastError());
        return 0;
    }
    return 1;
}

int main(void)
{
    DWORD i, dwWaitResult;

    /* A manual-reset event, not signalled, named (any process of this
     * user could open it with OpenEvent). */
    ghWriteEvent = CreateEventA(NULL, TRUE, FALSE, "WriteEvent");
    if (ghWriteEvent == NULL) {
        printf("CreateEvent failed (%lu)\n", (unsigned long)GetLastError());
        return 1;
    }
    for (i = 0; i < THREADCOUNT; i++) {
        ghThreads[i] = CreateThread(NULL, 0, ThreadProc, (LPVOID)(INT_PTR)i,
                                    0, NULL);
        if (ghThreads[i] == NULL) {
            printf("CreateThread failed (%lu)\n",
                   (unsigned long)GetLastError());
            return 1;
        }
    }
    printf("Main thread writing to the shared buffer...\n");
    lstrcpyA(gBuffer, "the buffer's contents");
    if (!SetEvent(ghWriteEvent)) {
        printf("SetEvent failed (%lu)\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("Main thread waiting for threads to exit...\n");
    dwWaitResult = WaitForMultipleObjects(THREADCOUNT, ghThreads, TRUE,
                                          INFINITE);
    if (dwWaitResult != WAIT_OBJECT_0) {
        printf("WaitForMultipleObjects failed (%lu)\n",
               (unsigned long)GetLastError());
        return 1;
    }
    printf("All threads ended, cleaning up for application exit...\n");
    for (i = 0; i < THREADCOUNT; i++)
        CloseHandle(ghThreads[i]);
    CloseHandle(ghWriteEvent);
    return 0;
}
