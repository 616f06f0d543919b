/*
 * pipe_quota: CreatePipe's nSize is the pipe's buffer and quota.
 * GetNamedPipeInfo reports nSize on both ends as both buffer sizes (0:
 * 4,096); a write that fits returns at once, one that does not waits (in
 * a thread of its own here) until the reader has taken enough.  (nSize
 * not a power of two of pages: Windows holds the pipe to nSize exactly,
 * winipc's Linux pipe to nSize rounded up to one; not shown here.)
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static char data[70000], back[70000];

struct writer {
    HANDLE h;
    DWORD len, n;
    BOOL ok;
};

static DWORD WINAPI write_thread(LPVOID arg)
{
    struct writer *w = arg;
    w->n = 77;
    w->ok = WriteFile(w->h, data, w->len, &w->n, NULL);
    return 0;
}

static void info(const char *label, HANDLE h)
{
    DWORD flags = 77, out = 77, in = 77, max = 77;
    CHECK_BOOL(label, GetNamedPipeInfo(h, &flags, &out, &in, &max));
    printf("  out %u, in %u, instances %u\n", (unsigned)out, (unsigned)in,
           (unsigned)max);
}

/* A write of len bytes: whether it is over within wait_ms (10 s for one
 * that fits: it returns at once; 200 ms for one that waits for the
 * reader), then all of it read. */
static void write_len(HANDLE r, HANDLE w, DWORD len, DWORD wait_ms)
{
    struct writer wr = {w, len, 0, FALSE};
    HANDLE t = CreateThread(NULL, 0, write_thread, &wr, 0, NULL);
    DWORD got = 0, n = 0;
    char l[80];

    snprintf(l, sizeof l, "write %u", (unsigned)len);
    CHECK_WAIT(l, WaitForSingleObject(t, wait_ms));
    while (got < len && ReadFile(r, back, sizeof back, &n, NULL))
        got += n;
    printf("  read: %u\n", (unsigned)got);
    CHECK_WAIT("  the write", WaitForSingleObject(t, 10000));
    printf("  written: %s, %u\n", wr.ok ? "TRUE" : "FALSE", (unsigned)wr.n);
    CloseHandle(t);
}

static void pipe_of(DWORD size, DWORD fits)
{
    HANDLE r, w;
    printf("-- nSize %u\n", (unsigned)size);
    CHECK_BOOL("CreatePipe", CreatePipe(&r, &w, NULL, size));
    info("GetNamedPipeInfo(read end)", r);
    info("GetNamedPipeInfo(write end)", w);
    if (fits) {
        write_len(r, w, fits, 10000);
        write_len(r, w, fits + 1, 200);
    }
    CloseHandle(r);
    CloseHandle(w);
}

int _tmain(void)
{
    pipe_of(0, 4096);
    pipe_of(1, 0);
    pipe_of(4096, 4096);
    pipe_of(65536, 65536);
    CONF_DONE();
}
