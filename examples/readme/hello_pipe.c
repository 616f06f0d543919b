#include <windows.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    const char *name = "\\\\.\\pipe\\hello";
    char buf[64], cmd[512];
    DWORD n;
    STARTUPINFOA si = {0};
    PROCESS_INFORMATION pi;
    if (argc > 1) { /* the child: a client that sends one message */
        HANDLE h = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        return !WriteFile(h, "hello, parent", 13, &n, NULL);
    }
    HANDLE pipe = CreateNamedPipeA(name, PIPE_ACCESS_INBOUND, PIPE_TYPE_MESSAGE,
                                   1, 0, 0, 0, NULL);
    si.cb = sizeof si;
    snprintf(cmd, sizeof cmd, "\"%s\" client", argv[0]); /* this program, as the child */
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi) ||
        (!ConnectNamedPipe(pipe, NULL) && GetLastError() != ERROR_PIPE_CONNECTED) ||
        !ReadFile(pipe, buf, sizeof buf, &n, NULL)) {
        printf("error %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    printf("child %lu says: %.*s\n", (unsigned long)pi.dwProcessId, (int)n, buf);
    return 0;
}
