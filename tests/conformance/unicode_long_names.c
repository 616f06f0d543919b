/*
 * unicode_long_names: how long a name may be.  The A functions of named
 * objects (events, mutexes, semaphores, waitable timers, file mappings,
 * jobs) take names of up to MAX_PATH characters ("The name is limited to
 * MAX_PATH characters"); a longer one fails with ERROR_FILENAME_EXCED_RANGE.
 * Wine 8 refuses 260 already (a buffer of MAX_PATH units with the NUL),
 * except in CreateMutexA: overrides.txt gives the documentation's answer.  The
 * W functions take longer names (the documentation says "limited to
 * MAX_PATH characters" for both forms; Windows' kernel32, as Wine 8
 * reproduces it, applies that to the A conversion only): 260 to 32,000
 * units here (a kernel object's whole name, with its
 * "\Sessions\N\BaseNamedObjects\" directory, fits in 32,767).  Files: a
 * "\\?\" path of more than MAX_PATH characters, as the documentation
 * allows ("up to 32,767 wide characters").  Names carry the process id.
 */
#include <windows.h>

#include "conformance.h"

static char aname[33000];
static WCHAR wname[33000];
static char label[128];

/* A name of n characters: the process id, tag, then letters. */
static void make(int n, char tag)
{
    char pid[16];
    int k = snprintf(pid, sizeof pid, "%lu-%c-",
                     (unsigned long)GetCurrentProcessId(), tag);
    for (int i = 0; i < n; i++)
        aname[i] = i < k ? pid[i] : (char)('a' + i % 26);
    aname[n] = 0;
    for (int i = 0; i <= n; i++)
        wname[i] = (WCHAR)(unsigned char)aname[i];
}

static const char *lab(const char *what, int n)
{
    snprintf(label, sizeof label, "%s, %d characters", what, n);
    return label;
}

/* Each A function with a name of n characters. */
static void a_names(int n)
{
    HANDLE h, h2;
    make(n, 'e');
    CHECK_HANDLE(lab("CreateEventA", n), h, CreateEventA(NULL, TRUE, FALSE, aname));
    CHECK_HANDLE(lab("OpenEventA", n), h2, OpenEventA(SYNCHRONIZE, FALSE, aname));
    CloseHandle(h2);
    CloseHandle(h);
    make(n, 'x');
    CHECK_HANDLE(lab("CreateEventExA", n), h, CreateEventExA(NULL, aname, 0, EVENT_ALL_ACCESS));
    CloseHandle(h);
    make(n, 'm');
    CHECK_HANDLE(lab("CreateMutexA", n), h, CreateMutexA(NULL, FALSE, aname));
    CHECK_HANDLE(lab("OpenMutexA", n), h2, OpenMutexA(SYNCHRONIZE, FALSE, aname));
    CloseHandle(h2);
    CloseHandle(h);
    make(n, 's');
    CHECK_HANDLE(lab("CreateSemaphoreA", n), h, CreateSemaphoreA(NULL, 0, 1, aname));
    CHECK_HANDLE(lab("OpenSemaphoreA", n), h2, OpenSemaphoreA(SYNCHRONIZE, FALSE, aname));
    CloseHandle(h2);
    CloseHandle(h);
    make(n, 't');
    CHECK_HANDLE(lab("CreateWaitableTimerA", n), h, CreateWaitableTimerA(NULL, TRUE, aname));
    CHECK_HANDLE(lab("OpenWaitableTimerA", n), h2, OpenWaitableTimerA(SYNCHRONIZE, FALSE, aname));
    CloseHandle(h2);
    CloseHandle(h);
    make(n, 'f');
    CHECK_HANDLE(lab("CreateFileMappingA", n), h,
                 CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, aname));
    CHECK_HANDLE(lab("OpenFileMappingA", n), h2, OpenFileMappingA(FILE_MAP_READ, FALSE, aname));
    CloseHandle(h2);
    CloseHandle(h);
    make(n, 'j');
    CHECK_CREATED(lab("CreateJobObjectA", n), h, CreateJobObjectA(NULL, aname));
    CHECK_HANDLE(lab("OpenJobObjectA", n), h2, OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, aname));
    CloseHandle(h2);
    CloseHandle(h);
}

/* Each W function with a name of n characters. */
static void w_names(int n)
{
    HANDLE h, h2;
    make(n, 'e');
    CHECK_HANDLE(lab("CreateEventW", n), h, CreateEventW(NULL, TRUE, FALSE, wname));
    CHECK_HANDLE(lab("CreateEventW again", n), h2, CreateEventW(NULL, TRUE, FALSE, wname));
    CloseHandle(h2);
    CHECK_HANDLE(lab("OpenEventW", n), h2, OpenEventW(SYNCHRONIZE, FALSE, wname));
    CloseHandle(h2);
    CHECK_HANDLE(lab("CreateMutexW, the event's name", n), h2, CreateMutexW(NULL, FALSE, wname));
    CloseHandle(h);
    make(n, 'm');
    CHECK_HANDLE(lab("CreateMutexW", n), h, CreateMutexW(NULL, FALSE, wname));
    CHECK_HANDLE(lab("OpenMutexW", n), h2, OpenMutexW(SYNCHRONIZE, FALSE, wname));
    CloseHandle(h2);
    CloseHandle(h);
    make(n, 's');
    CHECK_HANDLE(lab("CreateSemaphoreW", n), h, CreateSemaphoreW(NULL, 0, 1, wname));
    CHECK_HANDLE(lab("OpenSemaphoreW", n), h2, OpenSemaphoreW(SYNCHRONIZE, FALSE, wname));
    CloseHandle(h2);
    CloseHandle(h);
    make(n, 't');
    CHECK_HANDLE(lab("CreateWaitableTimerW", n), h, CreateWaitableTimerW(NULL, TRUE, wname));
    CHECK_HANDLE(lab("OpenWaitableTimerW", n), h2, OpenWaitableTimerW(SYNCHRONIZE, FALSE, wname));
    CloseHandle(h2);
    CloseHandle(h);
    make(n, 'f');
    CHECK_HANDLE(lab("CreateFileMappingW", n), h,
                 CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, wname));
    CHECK_HANDLE(lab("OpenFileMappingW", n), h2, OpenFileMappingW(FILE_MAP_READ, FALSE, wname));
    CloseHandle(h2);
    CloseHandle(h);
    make(n, 'j');
    CHECK_CREATED(lab("CreateJobObjectW", n), h, CreateJobObjectW(NULL, wname));
    CHECK_HANDLE(lab("OpenJobObjectW", n), h2, OpenJobObjectW(JOB_OBJECT_QUERY, FALSE, wname));
    CloseHandle(h2);
    CloseHandle(h);
}

int main(void)
{
    static const int alens[] = {259, 260, 261, 300};
    static const int wlens[] = {259, 260, 300, 1000, 10000, 32000};
    static WCHAR path[2000], cwd[1024];
    HANDLE h;
    DWORD n;
    int len, depth;

    SECTION("A names: up to MAX_PATH - 1 characters");
    for (unsigned i = 0; i < sizeof alens / sizeof *alens; i++)
        a_names(alens[i]);
    SECTION("W names: longer");
    for (unsigned i = 0; i < sizeof wlens / sizeof *wlens; i++)
        w_names(wlens[i]);

    SECTION("\\\\?\\ paths beyond MAX_PATH");
    GetCurrentDirectoryW(1024, cwd);
    lstrcpyW(path, L"\\\\?\\");
    lstrcatW(path, cwd);
    len = lstrlenW(path);
    for (depth = 0; depth < 3; depth++) {
        path[len++] = '\\';
        for (int i = 0; i < 100; i++)
            path[len++] = (WCHAR)(i == 0 ? 'L' : 'a' + i % 26);
        path[len] = 0;
        snprintf(label, sizeof label, "CreateDirectoryW, level %d", depth + 1);
        CHECK_BOOL(label, CreateDirectoryW(path, NULL));
    }
    CHECK_TRUE("the path is longer than MAX_PATH", len > MAX_PATH + 300);
    lstrcatW(path, L"\\f.txt");
    CHECK_HANDLE("CreateFileW, new", h,
                 CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL));
    CHECK_BOOL("WriteFile", WriteFile(h, "long", 4, &n, NULL));
    CloseHandle(h);
    CHECK_HANDLE("CreateFileW, existing", h,
                 CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL));
    CHECK_DWORD("GetFileSize", GetFileSize(h, NULL));
    CloseHandle(h);
    CHECK_BOOL("DeleteFileW", DeleteFileW(path));
    path[len] = 0;
    for (depth = 3; depth > 0; depth--) {
        snprintf(label, sizeof label, "RemoveDirectoryW, level %d", depth);
        CHECK_BOOL(label, RemoveDirectoryW(path));
        len -= 101;
        path[len] = 0;
    }
    CONF_DONE();
}
