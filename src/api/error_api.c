/*
 * error_api.c: the thread's last error (LocalAlloc and LocalFree are in
 * memory_api.c).
 */
#include "api.h"

static _Thread_local DWORD last_error;

WINIPC_API DWORD WINAPI GetLastError(void) { return last_error; }

WINIPC_API void WINAPI SetLastError(DWORD dwErrCode)
{
    last_error = dwErrCode;
}
