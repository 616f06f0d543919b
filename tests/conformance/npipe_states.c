/*
 * npipe_states: a named pipe instance through its states: listening,
 * connected, closed by the client, disconnected by the server; and
 * ConnectNamedPipe in each (PIPE_NOWAIT, or after the client connected,
 * so that nothing blocks).
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_states"

static void io(const char *what, HANDLE h)
{
    char label[96], buf[8];
    DWORD n = 77;
    snprintf(label, sizeof label, "WriteFile(%s)", what);
    CHECK_BOOL(label, WriteFile(h, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    n = 77;
    snprintf(label, sizeof label, "ReadFile(%s)", what);
    CHECK_BOOL(label, ReadFile(h, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
}

int main(void)
{
    HANDLE s, c;
    DWORD mode, n;
    char buf[8];

    SECTION("a blocking pipe: the client connects first");
    CHECK_CREATED("CreateNamedPipeA", s,
                 CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX,
                                  PIPE_TYPE_BYTE | PIPE_WAIT, 1, 1024, 1024, 0,
                                  NULL));
    c = conf_check_pipe_client("CreateFileA", NAME);
    CHECK_BOOL("ConnectNamedPipe(already connected)", ConnectNamedPipe(s, NULL));
    CHECK_BOOL("ConnectNamedPipe(again)", ConnectNamedPipe(s, NULL));
    CHECK_BOOL("WriteFile(server, \"ab\")", WriteFile(s, "ab", 2, &n, NULL));
    n = 77;
    CHECK_BOOL("ReadFile(client)", ReadFile(c, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);

    SECTION("the client closes its end");
    CloseHandle(c);
    io("server, client closed", s);
    CHECK_BOOL("ConnectNamedPipe(client closed)", ConnectNamedPipe(s, NULL));

    SECTION("DisconnectNamedPipe");
    CHECK_BOOL("DisconnectNamedPipe(client closed)", DisconnectNamedPipe(s));
    io("server, disconnected", s);
    CHECK_BOOL("DisconnectNamedPipe(again)", DisconnectNamedPipe(s));

    SECTION("the server disconnects an open client");
    mode = PIPE_READMODE_BYTE | PIPE_NOWAIT;
    CHECK_BOOL("SetNamedPipeHandleState(server, PIPE_NOWAIT)",
               SetNamedPipeHandleState(s, &mode, NULL, NULL));
    CHECK_BOOL("ConnectNamedPipe(disconnected, PIPE_NOWAIT)",
               ConnectNamedPipe(s, NULL));
    CHECK_BOOL("ConnectNamedPipe(listening, PIPE_NOWAIT)",
               ConnectNamedPipe(s, NULL));
    c = conf_check_pipe_client("CreateFileA(listening pipe)", NAME);
    CHECK_BOOL("ConnectNamedPipe(connected, PIPE_NOWAIT)",
               ConnectNamedPipe(s, NULL));
    CHECK_BOOL("DisconnectNamedPipe(connected)", DisconnectNamedPipe(s));
    io("client, disconnected", c);
    io("server, disconnected", s);
    CloseHandle(c);
    CloseHandle(s);

    SECTION("a new PIPE_NOWAIT pipe");
    CHECK_CREATED("CreateNamedPipeA(PIPE_NOWAIT)", s,
                 CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX,
                                  PIPE_TYPE_BYTE | PIPE_NOWAIT, 1, 1024, 1024,
                                  0, NULL));
    io("server, never connected", s);
    CHECK_BOOL("ConnectNamedPipe(new, PIPE_NOWAIT)", ConnectNamedPipe(s, NULL));
    c = conf_check_pipe_client("CreateFileA", NAME);
    CHECK_BOOL("ConnectNamedPipe(connected, PIPE_NOWAIT)",
               ConnectNamedPipe(s, NULL));
    n = 77;
    CHECK_BOOL("ReadFile(server, nothing queued, PIPE_NOWAIT)",
               ReadFile(s, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
    CloseHandle(c);
    CloseHandle(s);
    CONF_DONE();
}
