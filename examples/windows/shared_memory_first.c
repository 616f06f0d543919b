/*
 * shared_memory_first: in the manner of Microsoft's "Creating Named Shared
 * Memory", the first process: it creates a file mapping backed by the
 * paging file under the name Local\MyFileMappingObject, maps a view of it,
 * copies a message into it, and (where the sample waits for a key while
 * you start the second process) starts shared_memory_second itself and
 * waits for it.  The second process opens the mapping by name and prints
 * the message.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define BUF_SIZE 256

static const char szName[] = "Local\\MyFileMappingObject";
static const char szMsg[] = "Message from first process.";

int main(int argc, char **argv)
{
    HANDLE hMapFile;
    char *pBuf;
    char cmd[MAX_PATH + 32], *slash;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code = 1;
    (void)argc;

    hMapFile = CreateFileMappingA(INVALID_HANDLE_VALUE, /* the paging file */
                                  NULL,                 /* default security */
                                  PAGE_READWRITE,       /* read/write access */
                                  0,         /* maximum object size (high) */
                                  BUF_SIZE,  /* maximum object size (low) */
                                  szName);   /* name of the mapping object */
    if (hMapFile == NULL) {
        printf("Could not create file mapping object (%lu).\n",
               (unsigned long)GetLastError());
        return 1;
    }
    pBuf = (char *)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0,
                                 BUF_SIZE);
    if (pBuf == NULL) {
        printf("Could not map view of file (%lu).\n",
               (unsigned long)GetLastError());
        CloseHandle(hMapFile);
        return 1;
    }
    CopyMemory(pBuf, szMsg, sizeof szMsg);
    printf("first process: wrote \"%s\" into %s\n", szMsg, szName);
    fflush(stdout);

    /* The second process: this program's folder, shared_memory_second. */
    snprintf(cmd, sizeof cmd, "%s", argv[0]);
    slash = strrchr(cmd, '/');
    if (!slash)
        slash = strrchr(cmd, '\\');
    snprintf(slash ? slash + 1 : cmd,
             sizeof cmd - (size_t)(slash ? slash + 1 - cmd : 0),
             "shared_memory_second");
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si,
                        &pi)) {
        printf("CreateProcess failed (%lu).\n", (unsigned long)GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    printf("first process: the second process ended with exit code %lu\n",
           (unsigned long)code);
    UnmapViewOfFile(pBuf);
    CloseHandle(hMapFile);
    return (int)code;
}
