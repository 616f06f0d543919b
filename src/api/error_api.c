/*
 * error_api.c: the thread's last error, and the local heap.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"

static _Thread_local DWORD last_error;

WINIPC_API DWORD WINAPI GetLastError(void) { return last_error; }

WINIPC_API void WINAPI SetLastError(DWORD dwErrCode)
{
    last_error = dwErrCode;
}

WINIPC_API HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes)
{
    void *p;
    if (uFlags & ~(LMEM_FIXED | LMEM_ZEROINIT)) {
        SetLastError(ERROR_INVALID_PARAMETER); /* moveable memory: no */
        return NULL;
    }
    p = (uFlags & LMEM_ZEROINIT) ? calloc(1, uBytes ? uBytes : 1)
                                 : malloc(uBytes ? uBytes : 1);
    if (!p)
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return p;
}

WINIPC_API HLOCAL WINAPI LocalFree(HLOCAL hMem)
{
    free(hMem);
    return NULL;
}
