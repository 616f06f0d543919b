/*
 * sync_mapping: file mappings: CreateFileMappingA backed by the paging
 * file and by a file, names, MapViewOfFile(Ex) (access, alignment,
 * sizes), two views of one mapping sharing memory, UnmapViewOfFile and
 * FlushViewOfFile, and the 64 KiB allocation granularity.
 */
#include <tchar.h>
#include <windows.h>

#include <string.h>

#include "conformance.h"

#define CHECK_VIEW(label, var, call)                                           \
    do {                                                                       \
        DWORD e_;                                                              \
        SetLastError(CONF_SENTINEL);                                           \
        (var) = (char *)(call);                                                \
        e_ = GetLastError();                                                   \
        printf("%s: %s, %s\n", (label), (var) ? "view" : "NULL",               \
               conf_error(e_));                                                \
    } while (0)

int main(void)
{
    HANDLE m, m2, h, f;
    char *v, *v2, *x;
    SYSTEM_INFO si;
    DWORD n;

    SECTION("the granularity");
    GetSystemInfo(&si);
    printf("dwAllocationGranularity: %u\n", (unsigned)si.dwAllocationGranularity);

    SECTION("paging-file backed");
    CHECK_HANDLE("CreateFileMappingA(size 0)", h,
                 CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
                                    0, 0, NULL));
    CHECK_HANDLE("CreateFileMappingA(protection 0)", h,
                 CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, 0, 0, 4096,
                                    NULL));
    CHECK_HANDLE("CreateFileMappingA(two protections)", h,
                 CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
                                    PAGE_READWRITE | PAGE_READONLY, 0, 4096,
                                    NULL));
    CHECK_HANDLE("CreateFileMappingA(100000 bytes, \"conf_sync_map\")", m,
                 CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
                                    PAGE_READWRITE | SEC_COMMIT, 0, 100000,
                                    "conf_sync_map"));
    CHECK_HANDLE("CreateFileMappingA(same name, other size)", m2,
                 CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY,
                                    0, 5, "conf_sync_map"));
    CHECK_HANDLE("CreateEventA(the mapping's name)", h,
                 CreateEventA(NULL, FALSE, FALSE, "conf_sync_map"));
    CHECK_HANDLE("OpenFileMappingA(no such)", h,
                 OpenFileMappingA(FILE_MAP_READ, FALSE, "conf_sync_nosuch"));
    CHECK_HANDLE("OpenFileMappingA(NULL)", h,
                 OpenFileMappingA(FILE_MAP_READ, FALSE, NULL));
    CHECK_VIEW("MapViewOfFile(all access)", v,
               MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0));
    CHECK_VIEW("MapViewOfFile(second handle, read, at 64 KiB)", v2,
               MapViewOfFile(m2, FILE_MAP_READ, 0, 65536, 0));
    if (v && v2) {
        strcpy(v + 65536, "shared");
        printf("the second view reads: %s\n", v2);
        printf("fresh memory is zero: %d\n", v[99999] == 0 && v[12345] == 0);
    }
    CHECK_VIEW("MapViewOfFile(offset 4096)", x,
               MapViewOfFile(m, FILE_MAP_READ, 0, 4096, 0));
    CHECK_VIEW("MapViewOfFile(offset past the end)", x,
               MapViewOfFile(m, FILE_MAP_READ, 0, 131072, 0));
    CHECK_VIEW("MapViewOfFile(200000 bytes)", x,
               MapViewOfFile(m, FILE_MAP_READ, 0, 0, 200000));
    CHECK_VIEW("MapViewOfFileEx(unaligned address)", x,
               MapViewOfFileEx(m, FILE_MAP_READ, 0, 0, 0, (void *)0x12345));
    CHECK_WAIT("WaitForSingleObject(mapping)", WaitForSingleObject(m, 0));
    CHECK_BOOL("FlushViewOfFile(view, 0)", FlushViewOfFile(v, 0));
    CHECK_BOOL("FlushViewOfFile(inside, 10)", FlushViewOfFile(v + 10, 10));
    CHECK_BOOL("UnmapViewOfFile(inside the view)", UnmapViewOfFile(v + 10));
    CHECK_BOOL("UnmapViewOfFile(again)", UnmapViewOfFile(v));
    CHECK_BOOL("UnmapViewOfFile(NULL)", UnmapViewOfFile(NULL));
    CHECK_BOOL("FlushViewOfFile(unmapped)", FlushViewOfFile(v, 0));
    CHECK_HANDLE("OpenFileMappingA(FILE_MAP_READ)", h,
                 OpenFileMappingA(FILE_MAP_READ, FALSE, "conf_sync_map"));
    CHECK_VIEW("MapViewOfFile(read handle, write)", x,
               MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    CHECK_VIEW("MapViewOfFile(read handle, read)", x,
               MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0));
    if (x)
        printf("it reads: %s\n", x + 65536);
    CloseHandle(h);
    CHECK_HANDLE("OpenFileMappingA(FILE_MAP_WRITE)", h,
                 OpenFileMappingA(FILE_MAP_WRITE, FALSE, "conf_sync_map"));
    CHECK_VIEW("MapViewOfFile(write handle, read)", v,
               MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0));
    CHECK_VIEW("MapViewOfFile(write handle, write)", v,
               MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
    if (v)
        UnmapViewOfFile(v);
    CloseHandle(h);
    CHECK_HANDLE("OpenFileMappingA(FILE_MAP_COPY)", h,
                 OpenFileMappingA(FILE_MAP_COPY, FALSE, "conf_sync_map"));
    CHECK_VIEW("MapViewOfFile(copy handle, copy)", v,
               MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0));
    if (v)
        UnmapViewOfFile(v);
    CloseHandle(h);
    CloseHandle(m);
    CloseHandle(m2);
    CHECK_HANDLE("OpenFileMappingA while a view holds it", h,
                 OpenFileMappingA(FILE_MAP_READ, FALSE, "conf_sync_map"));
    CloseHandle(h);
    UnmapViewOfFile(v2);
    CHECK_BOOL("UnmapViewOfFile(the last view)", UnmapViewOfFile(x));
    CHECK_HANDLE("OpenFileMappingA after every handle and view", h,
                 OpenFileMappingA(FILE_MAP_READ, FALSE, "conf_sync_map"));

    SECTION("read-only and copy-on-write");
    CHECK_HANDLE("CreateFileMappingA(PAGE_READONLY)", m,
                 CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY,
                                    0, 4096, NULL));
    CHECK_VIEW("MapViewOfFile(write)", x,
               MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0));
    CHECK_VIEW("MapViewOfFile(copy)", x,
               MapViewOfFile(m, FILE_MAP_COPY, 0, 0, 0));
    if (x) {
        x[0] = 'c';
        printf("a copy is writable: %c\n", x[0]);
        UnmapViewOfFile(x);
    }
    CloseHandle(m);

    SECTION("file backed");
    CHECK_HANDLE("CreateFileA(new)", f,
                 CreateFileA("sync_mapping.tmp", GENERIC_READ | GENERIC_WRITE,
                             0, NULL, CREATE_ALWAYS, 0, NULL));
    CHECK_HANDLE("CreateFileMappingA(empty file, size 0)", m,
                 CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL));
    CHECK_HANDLE("CreateFileMappingA(size 10000)", m,
                 CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 10000, NULL));
    printf("GetFileSize: %u\n", (unsigned)GetFileSize(f, NULL));
    CHECK_VIEW("MapViewOfFile(write)", v, MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0));
    if (v) {
        strcpy(v, "filedata");
        CHECK_BOOL("FlushViewOfFile", FlushViewOfFile(v, 0));
        UnmapViewOfFile(v);
    }
    CloseHandle(m);
    {
        char b[16] = {0};
        SetFilePointer(f, 0, NULL, FILE_BEGIN);
        ReadFile(f, b, 8, &n, NULL);
        printf("the file reads: %s\n", b);
    }
    CHECK_HANDLE("CreateFileMappingA(read-only, larger than the file)", m,
                 CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 20000, NULL));
    CloseHandle(f);
    CHECK_HANDLE("CreateFileA(read only)", f,
                 CreateFileA("sync_mapping.tmp", GENERIC_READ, FILE_SHARE_READ,
                             NULL, OPEN_EXISTING, 0, NULL));
    CHECK_HANDLE("CreateFileMappingA(PAGE_READWRITE of a read-only file)", m,
                 CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL));
    CHECK_HANDLE("CreateFileMappingA(PAGE_READONLY)", m,
                 CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL));
    CHECK_VIEW("MapViewOfFile(write)", x,
               MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0));
    CHECK_VIEW("MapViewOfFile(read)", x, MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0));
    if (x) {
        printf("it reads: %s\n", x);
        UnmapViewOfFile(x);
    }
    CloseHandle(m);
    CloseHandle(f);
    DeleteFileA("sync_mapping.tmp");
    CONF_DONE();
}
