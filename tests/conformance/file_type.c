/*
 * file_type: GetFileType for each kind of handle, and how a valid handle of
 * no file type is told from a failure.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define F1 "file_type_1.tmp"

static DWORD WINAPI quick(LPVOID arg)
{
    (void)arg;
    return 0;
}

int main(void)
{
    HANDLE f, d, r, w, ev, th, dup;

    f = CreateFileA(F1, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL,
                    CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    d = CreateFileA(".", GENERIC_READ, SHARE_ALL, NULL, OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS, NULL);
    CreatePipe(&r, &w, NULL, 0);
    ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    th = CreateThread(NULL, 0, quick, NULL, 0, NULL);
    WaitForSingleObject(th, 5000);

    SECTION("files and pipes");
    CHECK_DWORD("GetFileType(disk file)", GetFileType(f));
    CHECK_DWORD("GetFileType(directory)", GetFileType(d));
    CHECK_DWORD("GetFileType(pipe read end)", GetFileType(r));
    CHECK_DWORD("GetFileType(pipe write end)", GetFileType(w));
    DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(), &dup, 0, FALSE,
                    0);
    CHECK_DWORD("GetFileType(file duplicated with no access)",
                GetFileType(dup));
    CloseHandle(dup);

    SECTION("objects that are not files");
    CHECK_DWORD("GetFileType(event)", GetFileType(ev));
    CHECK_DWORD("GetFileType(thread)", GetFileType(th));
    CHECK_DWORD("GetFileType(GetCurrentProcess())",
                GetFileType(GetCurrentProcess()));
    CHECK_DWORD("GetFileType(GetCurrentThread())",
                GetFileType(GetCurrentThread()));

    SECTION("not handles");
    CHECK_DWORD("GetFileType(NULL)", GetFileType(NULL));
    CHECK_DWORD("GetFileType(unknown value)", GetFileType(UNKNOWN_HANDLE));
    CloseHandle(ev);
    CHECK_DWORD("GetFileType(closed)", GetFileType(ev));

    CloseHandle(th);
    CloseHandle(r);
    CloseHandle(w);
    CloseHandle(d);
    CloseHandle(f);
    CONF_DONE();
}
