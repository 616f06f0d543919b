/*
 * remote_server.c: a named pipe server for tests/remote/remote_test.py,
 * written as a Windows program would be: one thread per instance, each
 * connecting, reading its client's messages and answering them, then
 * disconnecting and listening again.  It reads message pipes through a
 * 7-byte buffer, so every message longer than that arrives in pieces
 * behind ERROR_MORE_DATA.  What it sees goes to stdout, one line each:
 *
 *   READY                               all instances created
 *   CLIENT remote=1 computer=C user=D\U uid=N auth=1 anon=0 pid=0 cname=C|ERR
 *   MSG LEN                             a whole message (byte pipes: a read)
 *   WRITE LEN ERR                       a write that failed
 *   GONE ERR                            the client went away (the read's error)
 *
 * The client's messages: "big:N" asks for a message of N bytes back,
 * "empty" for an empty one, "exit" ends the process (code 0) at once,
 * "crash" mid-message (after half of a long answer) kills it, anything
 * else is echoed.
 *
 *   remote_server NAME [--message] [--instances N] [--max N] [--public]
 *                      [--reject] [--uid UID]
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>
#include <winipc.h>

static char pipe_name[300];
static int message, is_public, reject;
static DWORD max_inst = 1;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&out_lock);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
    pthread_mutex_unlock(&out_lock);
}

static HANDLE make_instance(void)
{
    SECURITY_DESCRIPTOR sd;
    SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
    InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
    SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE); /* NULL DACL: public */
    DWORD mode = (message ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE
                          : PIPE_TYPE_BYTE | PIPE_READMODE_BYTE) |
                 PIPE_WAIT |
                 (reject ? PIPE_REJECT_REMOTE_CLIENTS : PIPE_ACCEPT_REMOTE_CLIENTS);
    return CreateNamedPipeA(pipe_name, PIPE_ACCESS_DUPLEX, mode, max_inst,
                            65536, 65536, 0, is_public ? &sa : NULL);
}

static void describe(HANDLE h)
{
    WINIPC_PIPE_CLIENT c;
    char cname[256];
    if (!winipc_named_pipe_client(h, &c)) {
        out("CLIENT error=%lu\n", (unsigned long)GetLastError());
        return;
    }
    ULONG cpid = 12345;
    if (!GetNamedPipeClientProcessId(h, &cpid))
        cpid = 100000 + GetLastError();
    if (!GetNamedPipeClientComputerNameA(h, cname, sizeof cname))
        snprintf(cname, sizeof cname, "ERR%lu", (unsigned long)GetLastError());
    out("CLIENT remote=%d computer=%s user=%s\\%s uid=%lu auth=%d anon=%d "
        "pid=%lu cname=%s cpid=%lu\n",
        c.remote, c.computer, c.domain, c.user, (unsigned long)c.uid,
        c.authenticated, c.anonymous, (unsigned long)c.pid, cname,
        (unsigned long)cpid);
}

static void answer(HANDLE h, char *msg, DWORD len)
{
    DWORD n = 0, want = len;
    char *reply = msg;
    msg[len] = 0;
    if (strncmp(msg, "big:", 4) == 0 || strcmp(msg, "crash") == 0) {
        want = strcmp(msg, "crash") == 0 ? 60000 : (DWORD)atol(msg + 4);
        reply = malloc(want ? want : 1);
        for (DWORD i = 0; i < want; i++)
            reply[i] = (char)('a' + i % 26);
        if (strcmp(msg, "crash") == 0) {
            /* Half an answer (byte pipes; a message pipe's write is whole),
             * then the server dies. */
            WriteFile(h, reply, message ? 100 : want / 2, &n, NULL);
            _exit(3);
        }
    } else if (strcmp(msg, "empty") == 0) {
        want = 0;
    } else if (strcmp(msg, "exit") == 0) {
        _exit(0);
    }
    if (!WriteFile(h, reply, want, &n, NULL))
        out("WRITE %lu %lu\n", (unsigned long)want, (unsigned long)GetLastError());
    if (reply != msg)
        free(reply);
}

static void *instance(void *arg)
{
    HANDLE h = arg;
    static char bufs[64][70000];
    static int next;
    pthread_mutex_lock(&out_lock);
    char *buf = bufs[next++ % 64];
    pthread_mutex_unlock(&out_lock);
    for (;;) {
        if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED) {
            out("CONNECT %lu\n", (unsigned long)GetLastError());
            return NULL;
        }
        describe(h);
        for (;;) {
            DWORD got = 0, total = 0;
            BOOL ok;
            /* 7 bytes at a time: a longer message comes in pieces. */
            do {
                ok = ReadFile(h, buf + total, message ? 7 : 65536, &got, NULL);
                total += got;
            } while (!ok && GetLastError() == ERROR_MORE_DATA && total < 65536);
            if (!ok) {
                out("GONE %lu\n", (unsigned long)GetLastError());
                break;
            }
            out("MSG %lu\n", (unsigned long)total);
            answer(h, buf, total);
        }
        DisconnectNamedPipe(h);
    }
}

int main(int argc, char **argv)
{
    int instances = 1;
    if (argc < 2)
        return 2;
    snprintf(pipe_name, sizeof pipe_name, "\\\\.\\pipe\\%s", argv[1]);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--message") == 0)
            message = 1;
        else if (strcmp(argv[i], "--instances") == 0 && i + 1 < argc)
            instances = atoi(argv[++i]);
        else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc)
            max_inst = (DWORD)atoi(argv[++i]);
        else if (strcmp(argv[i], "--public") == 0)
            is_public = 1;
        else if (strcmp(argv[i], "--reject") == 0)
            reject = 1;
        else if (strcmp(argv[i], "--uid") == 0 && i + 1 < argc) {
            uid_t uid = (uid_t)atoi(argv[++i]);
            if (setgid(uid) != 0 || setuid(uid) != 0)
                return 2;
        }
    }
    if (instances > 64)
        return 2;
    pthread_t t[64];
    for (int i = 0; i < instances; i++) {
        HANDLE h = make_instance();
        if (h == INVALID_HANDLE_VALUE) {
            out("CREATE %lu\n", (unsigned long)GetLastError());
            return 1;
        }
        pthread_create(&t[i], NULL, instance, h);
    }
    out("READY\n");
    for (int i = 0; i < instances; i++)
        pthread_join(t[i], NULL);
    return 0;
}
