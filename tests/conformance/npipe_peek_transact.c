/*
 * npipe_peek_transact: PeekNamedPipe on named pipes of both types, and
 * TransactNamedPipe against a server thread that answers each request.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_peek_transact"

static void peek(const char *label, HANDLE h, DWORD len)
{
    char buf[32] = {0};
    DWORD got = 77, avail = 77, left = 77;
    CHECK_BOOL(label,
               PeekNamedPipe(h, len ? buf : NULL, len, &got, &avail, &left));
    /* lpBytesLeftThisMessage only for a peek that copies nothing: after a
     * peek that copies part of a message, whether it counts the bytes
     * copied is not documented. */
    if (len)
        printf("  read %u, available %u\n", (unsigned)got, (unsigned)avail);
    else
        printf("  read %u, available %u, left this message %u\n",
               (unsigned)got, (unsigned)avail, (unsigned)left);
    conf_show_bytes("  data", buf, got <= sizeof buf ? got : 0);
}

/* lpBytesLeftThisMessage after a peek that copies len bytes: what is left
 * of the message less the bytes copied, and 0 less them in a byte pipe
 * (Wine's test_CreateNamedPipe, which passes on Windows). */
static void peek_left(const char *label, HANDLE h, DWORD len)
{
    char buf[32] = {0};
    DWORD got = 77, avail = 77, left = 77;
    CHECK_BOOL(label, PeekNamedPipe(h, buf, len, &got, &avail, &left));
    printf("  read %u, available %u, left this message %u\n", (unsigned)got,
           (unsigned)avail, (unsigned)left);
}

static void read_some(const char *label, HANDLE h, DWORD len)
{
    char buf[32] = {0};
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, len, &n, NULL));
    SHOW_UINT("  bytes read", n);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

/* The server thread: reads one request and answers "reply:" + request. */
static DWORD WINAPI answer(LPVOID param)
{
    HANDLE s = (HANDLE)param;
    char buf[64];
    char reply[80];
    DWORD n = 0;
    if (!ReadFile(s, buf, sizeof buf, &n, NULL))
        return 1;
    memcpy(reply, "reply:", 6);
    memcpy(reply + 6, buf, n);
    return WriteFile(s, reply, n + 6, &n, NULL) ? 0 : 2;
}

static void transact(const char *label, HANDLE s, HANDLE c, const char *req,
                     DWORD outlen)
{
    char buf[32] = {0};
    DWORD n = 77, code = 77;
    HANDLE t = CreateThread(NULL, 0, answer, s, 0, NULL);
    CHECK_BOOL(label, TransactNamedPipe(c, (void *)req, (DWORD)strlen(req), buf,
                                        outlen, &n, NULL));
    SHOW_UINT("  bytes read", n);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    WaitForSingleObject(t, 10000);
    GetExitCodeThread(t, &code);
    SHOW_UINT("  server thread exit code", code);
    CloseHandle(t);
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
    DWORD mode, n;

    SECTION("PeekNamedPipe on a message pipe");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE)",
               PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE);
    c = conf_pipe_client(NAME);
    mode = PIPE_READMODE_MESSAGE;
    SetNamedPipeHandleState(c, &mode, NULL, NULL);
    peek("PeekNamedPipe(empty)", c, 32);
    WriteFile(s, "hello", 5, &n, NULL);
    WriteFile(s, "world!", 6, &n, NULL);
    peek("PeekNamedPipe(no buffer)", c, 0);
    peek("PeekNamedPipe(32-byte buffer)", c, 32);
    read_some("ReadFile(32 bytes)", c, 32);
    peek("PeekNamedPipe(32-byte buffer) after one read", c, 32);
    read_some("ReadFile(32 bytes)", c, 32);
    peek("PeekNamedPipe(empty again)", c, 32);

    WriteFile(s, "0123456789", 10, &n, NULL);
    peek_left("PeekNamedPipe(4 bytes of a 10-byte message)", c, 4);
    peek_left("PeekNamedPipe(32 bytes, a 10-byte message)", c, 32);
    read_some("ReadFile(32 bytes)", c, 32);

    SECTION("TransactNamedPipe");
    transact("TransactNamedPipe(\"ping\")", s, c, "ping", 32);
    transact("TransactNamedPipe(\"ping\", 6-byte buffer)", s, c, "ping", 6);
    read_some("ReadFile(the rest of the reply)", c, 32);
    CloseHandle(c);
    CloseHandle(s);

    SECTION("TransactNamedPipe on a byte pipe");
    s = server("CreateNamedPipeA(TYPE_BYTE)", PIPE_TYPE_BYTE);
    c = conf_pipe_client(NAME);
    n = 77;
    CHECK_BOOL("TransactNamedPipe(byte pipe)",
               TransactNamedPipe(c, "ping", 4, &mode, sizeof mode, &n, NULL));
    peek("PeekNamedPipe(server) after it", s, 32);
    WriteFile(c, "abcd", 4, &n, NULL);
    peek_left("PeekNamedPipe(server, 2 of 4 bytes)", s, 2);
    CloseHandle(c);
    CloseHandle(s);
    CONF_DONE();
}
