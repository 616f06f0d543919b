/*
 * npipe_flush: what FlushFileBuffers answers on a named pipe end whose
 * peer acted before the flush began (the waiting cases are in
 * npipe_transport and tests/test_named_pipe.c): a client its server
 * disconnected fails with ERROR_PIPE_NOT_CONNECTED, whether it had sent
 * anything or not; an end whose peer closed succeeds, read or unread,
 * from either side.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_flush"

static HANDLE server(void)
{
    return CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX,
                            PIPE_TYPE_BYTE | PIPE_WAIT, 1, 1024, 1024, 0,
                            NULL);
}

int _tmain(void)
{
    HANDLE s, c;
    DWORD n;
    char buf[16];

    puts("-- the server disconnects a client that had written");
    s = server();
    c = conf_pipe_client(NAME);
    CHECK_BOOL("client WriteFile", WriteFile(c, "hello", 5, &n, NULL));
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    CHECK_BOOL("client FlushFileBuffers", FlushFileBuffers(c));
    CloseHandle(c);
    CloseHandle(s);

    puts("-- the server disconnects a client that had written nothing");
    s = server();
    c = conf_pipe_client(NAME);
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    CHECK_BOOL("client FlushFileBuffers", FlushFileBuffers(c));
    CHECK_BOOL("client FlushFileBuffers again", FlushFileBuffers(c));
    CloseHandle(c);
    CloseHandle(s);

    puts("-- the client closes without reading what the server wrote");
    s = server();
    c = conf_pipe_client(NAME);
    CHECK_BOOL("server WriteFile", WriteFile(s, "hello", 5, &n, NULL));
    CloseHandle(c);
    CHECK_BOOL("server FlushFileBuffers", FlushFileBuffers(s));
    CloseHandle(s);

    puts("-- the client closes, nothing written");
    s = server();
    c = conf_pipe_client(NAME);
    CloseHandle(c);
    CHECK_BOOL("server FlushFileBuffers", FlushFileBuffers(s));
    CloseHandle(s);

    puts("-- the client reads everything, then closes");
    s = server();
    c = conf_pipe_client(NAME);
    CHECK_BOOL("server WriteFile", WriteFile(s, "hello", 5, &n, NULL));
    CHECK_BOOL("client ReadFile", ReadFile(c, buf, sizeof buf, &n, NULL));
    CloseHandle(c);
    CHECK_BOOL("server FlushFileBuffers", FlushFileBuffers(s));
    CloseHandle(s);

    puts("-- the server closes without reading what the client wrote");
    s = server();
    c = conf_pipe_client(NAME);
    CHECK_BOOL("client WriteFile", WriteFile(c, "hello", 5, &n, NULL));
    CloseHandle(s);
    CHECK_BOOL("client FlushFileBuffers", FlushFileBuffers(c));
    CloseHandle(c);
    CONF_DONE();
}
