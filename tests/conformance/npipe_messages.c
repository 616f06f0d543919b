/*
 * npipe_messages: message-type pipes: message boundaries, ERROR_MORE_DATA,
 * byte read mode across messages, zero-length messages, and the type and
 * mode combinations CreateNamedPipeA and SetNamedPipeHandleState accept.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_messages"

static void read_some(const char *label, HANDLE h, DWORD len)
{
    char buf[32] = {0};
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, len, &n, NULL));
    SHOW_UINT("  bytes read", n);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

static void write_msg(const char *label, HANDLE h, const char *s)
{
    DWORD n = 77;
    CHECK_BOOL(label, WriteFile(h, s, (DWORD)strlen(s), &n, NULL));
    SHOW_UINT("  bytes written", n);
}

static void avail(const char *label, HANDLE h)
{
    DWORD a = 77;
    PeekNamedPipe(h, NULL, 0, NULL, &a, NULL);
    SHOW_UINT(label, a);
}

static HANDLE server(const char *label, DWORD mode)
{
    HANDLE h;
    CHECK_CREATED(label, h,
                 CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX, mode, 1, 1024,
                                  1024, 0, NULL));
    return h;
}

int main(void)
{
    HANDLE s, c;
    DWORD mode;

    SECTION("type and read mode");
    s = server("CreateNamedPipeA(TYPE_BYTE | READMODE_MESSAGE)",
               PIPE_TYPE_BYTE | PIPE_READMODE_MESSAGE);
    s = server("CreateNamedPipeA(TYPE_BYTE)", PIPE_TYPE_BYTE);
    mode = PIPE_READMODE_MESSAGE;
    CHECK_BOOL("SetNamedPipeHandleState(byte pipe, READMODE_MESSAGE)",
               SetNamedPipeHandleState(s, &mode, NULL, NULL));
    CloseHandle(s);

    SECTION("message boundaries");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE)",
               PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE);
    c = conf_pipe_client(NAME);
    mode = PIPE_READMODE_MESSAGE;
    CHECK_BOOL("SetNamedPipeHandleState(client, READMODE_MESSAGE)",
               SetNamedPipeHandleState(c, &mode, NULL, NULL));
    write_msg("WriteFile(server, \"hello\")", s, "hello");
    write_msg("WriteFile(server, \"world!\")", s, "world!");
    avail("available after two messages", c);
    read_some("ReadFile(client, 3 bytes)", c, 3);
    avail("available after it", c);
    read_some("ReadFile(client, 32 bytes)", c, 32);
    read_some("ReadFile(client, 32 bytes) again", c, 32);
    write_msg("WriteFile(client, \"abcdef\")", c, "abcdef");
    read_some("ReadFile(server, 2 bytes)", s, 2);
    read_some("ReadFile(server, 2 bytes) again", s, 2);
    read_some("ReadFile(server, 2 bytes) a third time", s, 2);
    avail("available after the whole message", s);

    SECTION("zero-length messages");
    write_msg("WriteFile(server, \"\")", s, "");
    write_msg("WriteFile(server, \"\") again", s, "");
    write_msg("WriteFile(server, \"z\")", s, "z");
    read_some("ReadFile(client, 32 bytes): the empty message", c, 32);
    read_some("ReadFile(client, 32 bytes): the second empty message", c, 32);
    read_some("ReadFile(client, 32 bytes): \"z\"", c, 32);

    SECTION("byte read mode on a message pipe");
    mode = PIPE_READMODE_BYTE;
    CHECK_BOOL("SetNamedPipeHandleState(client, READMODE_BYTE)",
               SetNamedPipeHandleState(c, &mode, NULL, NULL));
    write_msg("WriteFile(server, \"ab\")", s, "ab");
    write_msg("WriteFile(server, \"cd\")", s, "cd");
    write_msg("WriteFile(server, \"ef\")", s, "ef");
    read_some("ReadFile(client, 3 bytes)", c, 3);
    read_some("ReadFile(client, 32 bytes)", c, 32);
    write_msg("WriteFile(server, \"\")", s, "");
    CloseHandle(s);
    read_some("ReadFile(client, 32 bytes): the empty message, server closed",
              c, 32);
    read_some("ReadFile(client, 32 bytes) after it", c, 32);
    CloseHandle(c);

    SECTION("a message pipe whose server reads bytes");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_BYTE)",
               PIPE_TYPE_MESSAGE | PIPE_READMODE_BYTE);
    c = conf_pipe_client(NAME);
    write_msg("WriteFile(client, \"12\")", c, "12");
    write_msg("WriteFile(client, \"345\")", c, "345");
    read_some("ReadFile(server, 32 bytes)", s, 32);
    CloseHandle(c);
    CloseHandle(s);

    SECTION("a byte pipe merges writes");
    s = server("CreateNamedPipeA(TYPE_BYTE)", PIPE_TYPE_BYTE);
    c = conf_pipe_client(NAME);
    write_msg("WriteFile(server, \"ab\")", s, "ab");
    write_msg("WriteFile(server, \"cd\")", s, "cd");
    read_some("ReadFile(client, 32 bytes)", c, 32);
    CloseHandle(c);
    CloseHandle(s);
    CONF_DONE();
}
