/*
 * bench_remote_echo.c: the two echo servers of bench/bench_remote.py, which
 * an SMB client reaches through smbd:
 *
 *   bench_remote_echo winipc NAME   a winipc message-mode pipe server, as a
 *                                   Windows program would be (4 instances,
 *                                   a thread each: connect, serve,
 *                                   disconnect), reached through
 *                                   winipc-smbd-bridge
 *   bench_remote_echo raw SOCKET    the baseline: a minimal server written
 *                                   for the benchmark that listens on
 *                                   smbd's np/ socket itself, answers the
 *                                   handshake itself (message mode) and
 *                                   echoes what smbd sends (2-byte framed
 *                                   messages, sent back as they came)
 *
 * Both print READY once they listen.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <windows.h>

#define BUF 65536

/* ---- winipc ------------------------------------------------------------ */

static void *winipc_instance(void *arg)
{
    HANDLE h = arg;
    char *buf = malloc(BUF);
    DWORD n, w;
    while (buf) {
        if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
            break;
        while (ReadFile(h, buf, BUF, &n, NULL))
            if (!WriteFile(h, buf, n, &w, NULL))
                break;
        DisconnectNamedPipe(h);
    }
    free(buf);
    CloseHandle(h);
    return NULL;
}

/* INSTANCES instances, each with its thread that connects, serves its
 * client and disconnects, over and over: a client always finds one
 * listening (as the raw server's accept loop always listens). */
#define INSTANCES 4

static int serve_winipc(const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "\\\\.\\pipe\\%s", name);
    pthread_t t[INSTANCES];
    for (int i = 0; i < INSTANCES; i++) {
        HANDLE h = CreateNamedPipeA(
            path, PIPE_ACCESS_DUPLEX,
            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
            PIPE_UNLIMITED_INSTANCES, BUF, BUF, 0, NULL);
        if (h == INVALID_HANDLE_VALUE) {
            fprintf(stderr, "CreateNamedPipe: %lu\n",
                    (unsigned long)GetLastError());
            return 1;
        }
        if (pthread_create(&t[i], NULL, winipc_instance, h) != 0)
            return 1;
    }
    printf("READY\n");
    fflush(stdout);
    for (int i = 0; i < INSTANCES; i++)
        pthread_join(t[i], NULL);
    return 0;
}

/* ---- raw: the handshake done here -------------------------------------- */

static int read_full(int fd, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

static void *raw_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    uint8_t head[12], rep[36] = {0, 0, 0, 32, 'N', 'P', 'A', 'M'};
    char *buf = malloc(BUF);
    /* The request: its length (big-endian), "NPAM", the level; the rest is
     * not looked at (this baseline trusts whoever connects). */
    if (!buf || read_full(fd, head, 12) != 0)
        goto out;
    uint32_t len = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 |
                   (uint32_t)head[2] << 8 | head[3];
    if (len < 8 || len > (1u << 20))
        goto out;
    for (uint32_t left = len - 8; left > 0;) {
        uint32_t c = left < BUF ? left : BUF;
        if (read_full(fd, buf, c) != 0)
            goto out;
        left -= c;
    }
    memcpy(rep + 8, head + 8, 4);  /* the level */
    memcpy(rep + 12, head + 8, 4); /* the union's switch */
    rep[16] = 2;                   /* message mode */
    rep[18] = 0xff, rep[19] = 0x05;
    rep[25] = 0x10; /* allocation size 4096 */
    if (write(fd, rep, sizeof rep) != (ssize_t)sizeof rep)
        goto out;
    for (;;) {
        ssize_t n = read(fd, buf, BUF);
        if (n <= 0 || write(fd, buf, (size_t)n) != n)
            break;
    }
out:
    free(buf);
    close(fd);
    return NULL;
}

static int serve_raw(const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    unlink(path);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(l, 64) != 0) {
        perror(path);
        return 1;
    }
    printf("READY\n");
    fflush(stdout);
    for (;;) {
        int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        pthread_t t;
        if (pthread_create(&t, NULL, raw_conn, (void *)(intptr_t)fd) == 0)
            pthread_detach(t);
        else
            close(fd);
    }
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "winipc") == 0)
        return serve_winipc(argv[2]);
    if (argc == 3 && strcmp(argv[1], "raw") == 0)
        return serve_raw(argv[2]);
    fprintf(stderr, "usage: bench_remote_echo winipc NAME | raw SOCKET\n");
    return 2;
}
