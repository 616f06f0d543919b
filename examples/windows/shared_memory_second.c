/*
 * shared_memory_second: in the manner of Microsoft's "Creating Named
 * Shared Memory", the second process: it opens the file mapping the first
 * process created (Local\MyFileMappingObject), maps a view, and prints
 * the message found there.
 */
#include <windows.h>
#include <stdio.h>

#define BUF_SIZE 256

static const char szName[] = "Local\\MyFileMappingObject";

int main(void)
{
    HANDLE hMapFile;
    const char *pBuf;

    hMapFile = OpenFileMappingA(FILE_MAP_ALL_ACCESS, /* read/write access */
                                FALSE,               /* do not inherit */
                                szName);             /* name */
    if (hMapFile == NULL) {
        printf("Could not open file mapping object (%lu).\n",
               (unsigned long)GetLastError());
        return 1;
    }
    pBuf = (const char *)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0,
                                       BUF_SIZE);
    if (pBuf == NULL) {
        printf("Could not map view of file (%lu).\n",
               (unsigned long)GetLastError());
        CloseHandle(hMapFile);
        return 1;
    }
    printf("second process: read \"%s\"\n", pBuf);
    UnmapViewOfFile(pBuf);
    CloseHandle(hMapFile);
    return 0;
}
