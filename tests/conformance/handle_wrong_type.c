/*
 * handle_wrong_type: every core function given a handle of the wrong type,
 * a NULL handle, or a pseudo handle it does not accept.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static DWORD WINAPI quick(LPVOID arg)
{
    (void)arg;
    return 0;
}

int main(void)
{
    HANDLE ev, th, f, r, w, out;
    char buf[8] = "abc";
    DWORD n, code;
    LONG high;

    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    th = CreateThread(NULL, 0, quick, NULL, 0, NULL);
    WaitForSingleObject(th, 5000);
    f = CreateFileA("handle_wrong_type.tmp", GENERIC_READ | GENERIC_WRITE, 0,
                    NULL, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    CreatePipe(&r, &w, NULL, 0);

    SECTION("ReadFile and WriteFile");
    CHECK_BOOL("ReadFile(event)", ReadFile(ev, buf, 1, &n, NULL));
    CHECK_BOOL("ReadFile(thread)", ReadFile(th, buf, 1, &n, NULL));
    CHECK_BOOL("ReadFile(GetCurrentProcess())",
               ReadFile(GetCurrentProcess(), buf, 1, &n, NULL));
    CHECK_BOOL("ReadFile(GetCurrentThread())",
               ReadFile(GetCurrentThread(), buf, 1, &n, NULL));
    CHECK_BOOL("ReadFile(NULL)", ReadFile(NULL, buf, 1, &n, NULL));
    CHECK_BOOL("WriteFile(event)", WriteFile(ev, buf, 1, &n, NULL));
    CHECK_BOOL("WriteFile(thread)", WriteFile(th, buf, 1, &n, NULL));
    CHECK_BOOL("WriteFile(GetCurrentProcess())",
               WriteFile(GetCurrentProcess(), buf, 1, &n, NULL));
    CHECK_BOOL("WriteFile(NULL)", WriteFile(NULL, buf, 1, &n, NULL));
    CHECK_BOOL("FlushFileBuffers(event)", FlushFileBuffers(ev));
    CHECK_BOOL("FlushFileBuffers(GetCurrentProcess())",
               FlushFileBuffers(GetCurrentProcess()));
    CHECK_BOOL("FlushFileBuffers(NULL)", FlushFileBuffers(NULL));

    SECTION("file size and position");
    CHECK_DWORD("GetFileSize(event)", GetFileSize(ev, NULL));
    CHECK_DWORD("GetFileSize(thread)", GetFileSize(th, NULL));
    CHECK_DWORD("GetFileSize(NULL)", GetFileSize(NULL, NULL));
    high = 0;
    CHECK_DWORD("SetFilePointer(event)",
                SetFilePointer(ev, 0, &high, FILE_BEGIN));
    CHECK_DWORD("SetFilePointer(GetCurrentProcess())",
                SetFilePointer(GetCurrentProcess(), 0, NULL, FILE_BEGIN));
    CHECK_DWORD("SetFilePointer(NULL)",
                SetFilePointer(NULL, 0, NULL, FILE_BEGIN));
    CHECK_BOOL("SetEndOfFile(event)", SetEndOfFile(ev));
    CHECK_BOOL("SetEndOfFile(NULL)", SetEndOfFile(NULL));

    SECTION("pipes");
    CHECK_BOOL("PeekNamedPipe(event)",
               PeekNamedPipe(ev, NULL, 0, NULL, &n, NULL));
    CHECK_BOOL("PeekNamedPipe(thread)",
               PeekNamedPipe(th, NULL, 0, NULL, &n, NULL));
    CHECK_BOOL("PeekNamedPipe(NULL)",
               PeekNamedPipe(NULL, NULL, 0, NULL, &n, NULL));

    SECTION("events");
    CHECK_BOOL("SetEvent(file)", SetEvent(f));
    CHECK_BOOL("SetEvent(pipe)", SetEvent(w));
    CHECK_BOOL("SetEvent(thread)", SetEvent(th));
    CHECK_BOOL("SetEvent(GetCurrentProcess())", SetEvent(GetCurrentProcess()));
    CHECK_BOOL("SetEvent(GetCurrentThread())", SetEvent(GetCurrentThread()));
    CHECK_BOOL("SetEvent(NULL)", SetEvent(NULL));
    CHECK_BOOL("ResetEvent(file)", ResetEvent(f));
    CHECK_BOOL("ResetEvent(thread)", ResetEvent(th));
    CHECK_BOOL("ResetEvent(NULL)", ResetEvent(NULL));

    SECTION("threads and processes");
    CHECK_DWORD("ResumeThread(event)", ResumeThread(ev));
    CHECK_DWORD("ResumeThread(file)", ResumeThread(f));
    CHECK_DWORD("ResumeThread(GetCurrentProcess())",
                ResumeThread(GetCurrentProcess()));
    CHECK_DWORD("ResumeThread(NULL)", ResumeThread(NULL));
    CHECK_BOOL("GetExitCodeThread(event)", GetExitCodeThread(ev, &code));
    CHECK_BOOL("GetExitCodeThread(GetCurrentProcess())",
               GetExitCodeThread(GetCurrentProcess(), &code));
    CHECK_BOOL("GetExitCodeThread(NULL)", GetExitCodeThread(NULL, &code));
    CHECK_DWORD("GetThreadId(event)", GetThreadId(ev));
    CHECK_DWORD("GetThreadId(GetCurrentProcess())",
                GetThreadId(GetCurrentProcess()));
    CHECK_DWORD("GetThreadId(NULL)", GetThreadId(NULL));
    CHECK_DWORD("GetProcessId(event)", GetProcessId(ev));
    CHECK_DWORD("GetProcessId(thread)", GetProcessId(th));
    CHECK_DWORD("GetProcessId(GetCurrentThread())",
                GetProcessId(GetCurrentThread()));
    CHECK_DWORD("GetProcessId(NULL)", GetProcessId(NULL));
    CHECK_BOOL("DuplicateHandle(file as source process)",
               DuplicateHandle(f, ev, GetCurrentProcess(), &out, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("DuplicateHandle(thread as target process)",
               DuplicateHandle(GetCurrentProcess(), ev, th, &out, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));

    CloseHandle(ev);
    CloseHandle(th);
    CloseHandle(f);
    CloseHandle(r);
    CloseHandle(w);
    CONF_DONE();
}
