/*
 * mapping_api.c: file mappings (objects/mapping.c): CreateFileMappingA,
 * OpenFileMappingA, MapViewOfFile(Ex), UnmapViewOfFile, FlushViewOfFile.
 */
#include "../objects/sync.h"
#include "api.h"

/* The one PAGE_* protection of flProtect (SEC_* flags aside), or 0. */
static DWORD mapping_protect(DWORD fl)
{
    DWORD sec = fl & 0xFFFFFF00u;
    DWORD page = fl & 0xFFu;
    if (sec & ~(SEC_COMMIT | SEC_RESERVE | SEC_NOCACHE | SEC_WRITECOMBINE |
                SEC_LARGE_PAGES | SEC_IMAGE))
        return 0;
    if ((sec & SEC_COMMIT) && (sec & SEC_RESERVE))
        return 0;
    switch (page) {
    case PAGE_READONLY:
    case PAGE_READWRITE:
    case PAGE_WRITECOPY:
    case PAGE_EXECUTE_READ:
    case PAGE_EXECUTE_READWRITE:
    case PAGE_EXECUTE_WRITECOPY:
        return page;
    }
    return 0;
}

/* What a CreateFileMapping handle may do with its protection. */
static ACCESS_MASK mapping_access(DWORD protect)
{
    ACCESS_MASK a = STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_READ;
    if (protect == PAGE_READWRITE || protect == PAGE_EXECUTE_READWRITE)
        a |= SECTION_MAP_WRITE;
    if (protect & (PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE |
                   PAGE_EXECUTE_WRITECOPY))
        a |= SECTION_MAP_EXECUTE;
    return a;
}

API_FN(SYNC, HANDLE, CreateFileMappingA,
       (HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
        DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
        LPCSTR lpName),
       (hFile, lpFileMappingAttributes, flProtect, dwMaximumSizeHigh,
        dwMaximumSizeLow, lpName))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_sync_params p = {.kind = WIPC_SYNC_MAPPING};
    struct wipc_object *obj = NULL;
    HANDLE h;
    int existed = 0;
    DWORD err = 0;

    p.protect = mapping_protect(flProtect);
    p.is_public = api_sa_is_public(lpFileMappingAttributes);
    p.size = (uint64_t)dwMaximumSizeHigh << 32 | dwMaximumSizeLow;
    if (!p.protect) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    /* NULL is taken as INVALID_HANDLE_VALUE, as Wine does. */
    if (hFile != INVALID_HANDLE_VALUE && hFile != NULL) {
        err = wipc_handle_ref(hFile, NULL, 0, &p.file, NULL);
        if (!err && !wipc_is_file(p.file))
            err = ERROR_INVALID_HANDLE;
    } else if (p.size == 0) {
        err = ERROR_INVALID_PARAMETER; /* paging-file backed: needs a size */
    }
    if (!err) {
        if (lpName && *lpName)
            err = wipc_sync_name_get(lpName, WIPC_SYNC_MAPPING, &p, &obj,
                                     &existed);
        else
            err = wipc_mapping_create(p.file, p.protect, p.size, &obj);
    }
    wipc_object_release(p.file);
    if (!err)
        err = api_publish(obj, mapping_access(p.protect),
                          api_inherit_flag(lpFileMappingAttributes), &h);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    SetLastError(existed ? ERROR_ALREADY_EXISTS : NO_ERROR);
    return h;
}

API_FN(SYNC, HANDLE, OpenFileMappingA,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_object *obj;
    ACCESS_MASK granted = 0;
    HANDLE h;
    DWORD err;

    if (!lpName) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!*lpName) {
        SetLastError(ERROR_INVALID_HANDLE);
        return NULL;
    }
    err = wipc_sync_name_get(lpName, WIPC_SYNC_MAPPING, NULL, &obj, NULL);
    if (!err &&
        (err = api_open_access(&wipc_mapping_ops, dwDesiredAccess,
                               FILE_MAP_EXECUTE, &granted)) != 0)
        wipc_object_release(obj);
    if (!err)
        err = api_publish(obj, granted,
                          bInheritHandle ? HANDLE_FLAG_INHERIT : 0, &h);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    return h;
}

API_FN(SYNC, LPVOID, MapViewOfFileEx,
       (HANDLE hFileMappingObject, DWORD dwDesiredAccess,
        DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
        SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress),
       (hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh, dwFileOffsetLow,
        dwNumberOfBytesToMap, lpBaseAddress))
{
    struct wipc_object *obj;
    ACCESS_MASK granted = 0;
    void *view = NULL;
    DWORD err = wipc_handle_ref(hFileMappingObject, &wipc_mapping_ops, 0,
                                &obj, &granted);

    if (err) {
        SetLastError(err);
        return NULL;
    }
    err = wipc_mapping_map(obj, granted, dwDesiredAccess,
                           (uint64_t)dwFileOffsetHigh << 32 | dwFileOffsetLow,
                           dwNumberOfBytesToMap, lpBaseAddress, &view);
    wipc_object_release(obj);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    return view;
}

API_FN(SYNC, LPVOID, MapViewOfFile,
       (HANDLE hFileMappingObject, DWORD dwDesiredAccess,
        DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
        SIZE_T dwNumberOfBytesToMap),
       (hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh, dwFileOffsetLow,
        dwNumberOfBytesToMap))
{
    return MapViewOfFileEx(hFileMappingObject, dwDesiredAccess,
                           dwFileOffsetHigh, dwFileOffsetLow,
                           dwNumberOfBytesToMap, NULL);
}

API_FN(SYNC, BOOL, UnmapViewOfFile, (LPCVOID lpBaseAddress), (lpBaseAddress))
{
    return api_result(wipc_mapping_unmap(lpBaseAddress));
}

API_FN(SYNC, BOOL, FlushViewOfFile,
       (LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush),
       (lpBaseAddress, dwNumberOfBytesToFlush))
{
    return api_result(wipc_mapping_flush(lpBaseAddress, dwNumberOfBytesToFlush));
}
