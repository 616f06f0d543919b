/*
 * pipe_peek: PeekNamedPipe on anonymous pipes: counts after several
 * writes, peeks that do not consume, partial peeks across write
 * boundaries, which out-parameters may be NULL, the write end, a pipe
 * whose writer is gone, and pipes of the sizes CreatePipe is given
 * (nSize is a suggestion: only writes that fit a buffer of that size are
 * made without a reader, each in a helper thread that is waited for).
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

/* One peek, its counts and the bytes it copied. */
static void peek(const char *label, HANDLE r, DWORD len)
{
    char buf[64];
    DWORD got = 77, avail = 77;
    CHECK_BOOL(label, PeekNamedPipe(r, len ? buf : NULL, len, &got, &avail,
                                    NULL));
    printf("  read %u, available %u\n", (unsigned)got, (unsigned)avail);
    if (len && got <= sizeof buf)
        conf_show_bytes("  data", buf, got);
}

static void put(HANDLE w, const char *s)
{
    DWORD n;
    if (!WriteFile(w, s, (DWORD)strlen(s), &n, NULL))
        printf("(WriteFile failed: %s)\n", conf_error(GetLastError()));
}

static void take(const char *label, HANDLE r, DWORD len)
{
    char buf[64];
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(r, buf, len, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

struct writer_job {
    HANDLE w;
    DWORD len;
    BOOL ok;
    DWORD written;
};

static DWORD WINAPI writer_thread(LPVOID arg)
{
    static char big[65536];
    struct writer_job *j = arg;
    memset(big, 'b', sizeof big);
    j->ok = WriteFile(j->w, big, j->len, &j->written, NULL);
    return 0;
}

/* Writes len bytes into a pipe created with nSize, nobody reading. */
static void fill(const char *label, DWORD size, DWORD len)
{
    struct writer_job job;
    HANDLE r, w, t;
    DWORD avail = 0, total = 0, n;
    char buf[4096];
    int done;

    if (!CreatePipe(&r, &w, NULL, size)) {
        printf("%s: CreatePipe failed, %s\n", label, conf_error(GetLastError()));
        return;
    }
    job.w = w;
    job.len = len;
    job.ok = FALSE;
    job.written = 0;
    t = CreateThread(NULL, 0, writer_thread, &job, 0, NULL);
    done = WaitForSingleObject(t, 5000) == WAIT_OBJECT_0;
    printf("%s: the write completed without a reader: %d\n", label, done);
    if (done) {
        printf("  WriteFile: %s, bytes written %u\n", job.ok ? "TRUE" : "FALSE",
               (unsigned)job.written);
        PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL);
        printf("  PeekNamedPipe: available %u\n", (unsigned)avail);
    }
    while (total < len && ReadFile(r, buf, sizeof buf, &n, NULL))
        total += n;
    WaitForSingleObject(t, 10000);
    CloseHandle(t);
    CloseHandle(r);
    CloseHandle(w);
}

int main(void)
{
    HANDLE r, w, r2;
    DWORD got = 77, avail = 77, left = 77;
    char buf[64];

    SECTION("several writes");
    CreatePipe(&r, &w, NULL, 0);
    put(w, "one");
    put(w, "two");
    put(w, "three");
    peek("PeekNamedPipe(no buffer)", r, 0);
    peek("PeekNamedPipe(4 bytes): across the first write's end", r, 4);
    peek("PeekNamedPipe(4 bytes) again: nothing was consumed", r, 4);
    peek("PeekNamedPipe(64 bytes)", r, 64);
    take("ReadFile(5 bytes)", r, 5);
    peek("PeekNamedPipe(64 bytes)", r, 64);
    put(w, "four");
    peek("PeekNamedPipe(64 bytes) after another write", r, 64);
    take("ReadFile(64 bytes)", r, 64);
    peek("PeekNamedPipe(64 bytes) when empty", r, 64);

    SECTION("NULL out-parameters");
    put(w, "xyz");
    CHECK_BOOL("PeekNamedPipe(all NULL)",
               PeekNamedPipe(r, NULL, 0, NULL, NULL, NULL));
    got = 77;
    CHECK_BOOL("PeekNamedPipe(buffer, only bytes read)",
               PeekNamedPipe(r, buf, sizeof buf, &got, NULL, NULL));
    SHOW_UINT("  read", got);
    conf_show_bytes("  data", buf, got <= sizeof buf ? got : 0);
    avail = 77;
    CHECK_BOOL("PeekNamedPipe(no buffer, only available)",
               PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  available", avail);
    left = 77;
    CHECK_BOOL("PeekNamedPipe(only left this message)",
               PeekNamedPipe(r, NULL, 0, NULL, NULL, &left));
    CHECK_BOOL("PeekNamedPipe(buffer of 0 bytes)",
               PeekNamedPipe(r, buf, 0, &got, &avail, NULL));
    printf("  read %u, available %u\n", (unsigned)got, (unsigned)avail);

    SECTION("other handles");
    CHECK_BOOL("PeekNamedPipe(write end)",
               PeekNamedPipe(w, NULL, 0, NULL, &avail, NULL));
    CHECK_BOOL("DuplicateHandle(read end)",
               DuplicateHandle(GetCurrentProcess(), r, GetCurrentProcess(), &r2,
                               0, FALSE, DUPLICATE_SAME_ACCESS));
    peek("PeekNamedPipe(duplicate of the read end)", r2, 64);
    take("ReadFile(duplicate, 2 bytes)", r2, 2);
    peek("PeekNamedPipe(original read end)", r, 64);
    CloseHandle(r2);

    SECTION("the writer closed");
    put(w, "tail");
    CHECK_BOOL("CloseHandle(write end)", CloseHandle(w));
    peek("PeekNamedPipe(64 bytes)", r, 64);
    peek("PeekNamedPipe(2 bytes)", r, 2);
    take("ReadFile(64 bytes)", r, 64);
    avail = 77;
    CHECK_BOOL("PeekNamedPipe when empty",
               PeekNamedPipe(r, buf, sizeof buf, &got, &avail, NULL));
    CHECK_BOOL("PeekNamedPipe(all NULL) when empty",
               PeekNamedPipe(r, NULL, 0, NULL, NULL, NULL));
    CloseHandle(r);

    SECTION("sizes");
    fill("CreatePipe(4096), 4096 bytes", 4096, 4096);
    fill("CreatePipe(65536), 65536 bytes", 65536, 65536);
    fill("CreatePipe(65536), 1000 bytes", 65536, 1000);
    CONF_DONE();
}
