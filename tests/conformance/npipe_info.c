/*
 * npipe_info: GetNamedPipeInfo, GetNamedPipeHandleStateA and
 * SetNamedPipeHandleState on both ends of named pipes.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_info"

static void info(const char *label, HANDLE h)
{
    DWORD flags = 77, max = 77;
    CHECK_BOOL(label, GetNamedPipeInfo(h, &flags, NULL, NULL, &max));
    printf("  flags 0x%x, max instances %u\n", (unsigned)flags, (unsigned)max);
}

static void state(const char *label, HANDLE h)
{
    DWORD st = 77, cur = 77;
    CHECK_BOOL(label,
               GetNamedPipeHandleStateA(h, &st, &cur, NULL, NULL, NULL, 0));
    printf("  state 0x%x, current instances %u\n", (unsigned)st, (unsigned)cur);
}

int main(void)
{
    HANDLE s, s2, c, c2, r, w;
    DWORD mode;

    SECTION("a byte pipe");
    CHECK_CREATED("CreateNamedPipeA(TYPE_BYTE, 3 instances)", s,
                 CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 3,
                                  1024, 1024, 0, NULL));
    info("GetNamedPipeInfo(server)", s);
    state("GetNamedPipeHandleStateA(server)", s);
    c = conf_pipe_client(NAME);
    info("GetNamedPipeInfo(client)", c);
    state("GetNamedPipeHandleStateA(client)", c);
    s2 = CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 3, 1024,
                          1024, 0, NULL);
    state("GetNamedPipeHandleStateA(server) with two instances", s);
    c2 = conf_pipe_client(NAME);
    state("GetNamedPipeHandleStateA(second client)", c2);
    CloseHandle(c2);
    CloseHandle(s2);
    state("GetNamedPipeHandleStateA(server) with one instance again", s);

    SECTION("SetNamedPipeHandleState");
    mode = PIPE_NOWAIT;
    CHECK_BOOL("SetNamedPipeHandleState(client, PIPE_NOWAIT)",
               SetNamedPipeHandleState(c, &mode, NULL, NULL));
    state("GetNamedPipeHandleStateA(client)", c);
    state("GetNamedPipeHandleStateA(server), unchanged", s);
    mode = PIPE_WAIT;
    CHECK_BOOL("SetNamedPipeHandleState(client, PIPE_WAIT)",
               SetNamedPipeHandleState(c, &mode, NULL, NULL));
    state("GetNamedPipeHandleStateA(client)", c);
    CHECK_BOOL("SetNamedPipeHandleState(client, all NULL)",
               SetNamedPipeHandleState(c, NULL, NULL, NULL));
    CloseHandle(c);
    CloseHandle(s);

    SECTION("a message pipe");
    CHECK_CREATED("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE | NOWAIT, unlimited)",
                 s,
                 CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX,
                                  PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE |
                                      PIPE_NOWAIT,
                                  PIPE_UNLIMITED_INSTANCES, 1024, 1024, 0,
                                  NULL));
    info("GetNamedPipeInfo(server)", s);
    state("GetNamedPipeHandleStateA(server)", s);
    c = conf_pipe_client(NAME);
    info("GetNamedPipeInfo(client)", c);
    state("GetNamedPipeHandleStateA(client)", c);
    mode = PIPE_READMODE_MESSAGE;
    SetNamedPipeHandleState(c, &mode, NULL, NULL);
    state("GetNamedPipeHandleStateA(client) in message mode", c);
    CloseHandle(c);
    CloseHandle(s);

    SECTION("anonymous pipes and other handles");
    CreatePipe(&r, &w, NULL, 0);
    CHECK_TRUE("GetNamedPipeInfo(anonymous read end) succeeds",
               GetNamedPipeInfo(r, NULL, NULL, NULL, NULL));
    CloseHandle(r);
    CloseHandle(w);
    CHECK_BOOL("GetNamedPipeInfo(unknown handle)",
               GetNamedPipeInfo(UNKNOWN_HANDLE, NULL, NULL, NULL, NULL));
    CONF_DONE();
}
