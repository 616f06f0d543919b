/*
 * pipe_blocking: a ReadFile on an empty pipe waits for a writer (data, or
 * the last write handle closing), and a large WriteFile waits for the
 * reader.  Helper threads play the other end.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define BIG 300000

static HANDLE pipe_r, pipe_w;
static char big[BIG], back[BIG];
static DWORD big_written;
static BOOL big_ok;

static DWORD WINAPI late_writer(LPVOID arg)
{
    DWORD n;
    (void)arg;
    Sleep(200);
    WriteFile(pipe_w, "late", 4, &n, NULL);
    return 0;
}

static DWORD WINAPI late_closer(LPVOID arg)
{
    (void)arg;
    Sleep(200);
    CloseHandle(pipe_w);
    return 0;
}

static DWORD WINAPI big_writer(LPVOID arg)
{
    (void)arg;
    big_ok = WriteFile(pipe_w, big, BIG, &big_written, NULL);
    return 0;
}

int main(void)
{
    HANDLE th;
    char buf[16] = {0};
    DWORD n, total, i;
    BOOL ok = TRUE;

    SECTION("a reader waits for data");
    CreatePipe(&pipe_r, &pipe_w, NULL, 0);
    th = CreateThread(NULL, 0, late_writer, NULL, 0, NULL);
    n = 77;
    CHECK_BOOL("ReadFile(16 bytes) on an empty pipe",
               ReadFile(pipe_r, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    WaitForSingleObject(th, 10000);
    CloseHandle(th);

    SECTION("a reader waits for the writer to close");
    th = CreateThread(NULL, 0, late_closer, NULL, 0, NULL);
    n = 77;
    CHECK_BOOL("ReadFile(16 bytes) on an empty pipe",
               ReadFile(pipe_r, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
    WaitForSingleObject(th, 10000);
    CloseHandle(th);
    CloseHandle(pipe_r);

    SECTION("a writer waits for the reader");
    for (i = 0; i < BIG; i++)
        big[i] = (char)(i % 251);
    CreatePipe(&pipe_r, &pipe_w, NULL, 4096);
    th = CreateThread(NULL, 0, big_writer, NULL, 0, NULL);
    total = 0;
    while (total < BIG && ok) {
        ok = ReadFile(pipe_r, back + total,
                      BIG - total > 7000 ? 7000 : BIG - total, &n, NULL);
        total += n;
    }
    CHECK_TRUE("every ReadFile succeeded", ok);
    SHOW_UINT("bytes read in all", total);
    CHECK_TRUE("same bytes", memcmp(big, back, BIG) == 0);
    CHECK_WAIT("WaitForSingleObject(writer thread, 10000)",
               WaitForSingleObject(th, 10000));
    CHECK_TRUE("the writer's WriteFile succeeded", big_ok);
    SHOW_UINT("  bytes written", big_written);
    CloseHandle(th);
    CloseHandle(pipe_w);
    CloseHandle(pipe_r);
    CONF_DONE();
}
