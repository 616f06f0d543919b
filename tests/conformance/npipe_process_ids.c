/*
 * npipe_process_ids: GetNamedPipeClientProcessId and
 * GetNamedPipeServerProcessId on both ends, connected and after
 * DisconnectNamedPipe (Wine's test_namedpipe_process_id, which passes on
 * Windows).  Ids appear only as relations to GetCurrentProcessId.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_process_ids"

/* "label: TRUE, error untouched, this process 1" (one line, so that an
 * override can name it). */
static void show_pid(const char *label, BOOL (WINAPI *fn)(HANDLE, PULONG),
                     HANDLE h)
{
    ULONG pid = 0;
    BOOL r;
    SetLastError(CONF_SENTINEL);
    r = fn(h, &pid);
    printf("%s: %s, %s, this process %d\n", label, r ? "TRUE" : "FALSE",
           conf_error(GetLastError()), pid == GetCurrentProcessId());
}

int main(void)
{
    HANDLE s, c;

    SECTION("connected");
    CHECK_CREATED("CreateNamedPipeA", s,
                  CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1,
                                   1024, 1024, 0, NULL));
    CHECK_HANDLE("CreateFileA(client)", c, conf_pipe_client(NAME));
    show_pid("GetNamedPipeClientProcessId(server)",
             GetNamedPipeClientProcessId, s);
    show_pid("GetNamedPipeServerProcessId(server)",
             GetNamedPipeServerProcessId, s);
    show_pid("GetNamedPipeClientProcessId(client)",
             GetNamedPipeClientProcessId, c);
    show_pid("GetNamedPipeServerProcessId(client)",
             GetNamedPipeServerProcessId, c);

    SECTION("after DisconnectNamedPipe");
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    show_pid("GetNamedPipeClientProcessId(server, disconnected)",
             GetNamedPipeClientProcessId, s);
    show_pid("GetNamedPipeServerProcessId(server, disconnected)",
             GetNamedPipeServerProcessId, s);
    show_pid("GetNamedPipeClientProcessId(client, disconnected)",
             GetNamedPipeClientProcessId, c);
    show_pid("GetNamedPipeServerProcessId(client, disconnected)",
             GetNamedPipeServerProcessId, c);
    CloseHandle(c);
    CloseHandle(s);
    CONF_DONE();
}
