/*
 * call_named_pipe_api.c: CallNamedPipeA, a client's whole exchange in one
 * call: CreateFileA (with WaitNamedPipeA while every instance is busy),
 * message read mode, TransactNamedPipe, CloseHandle.  It sits above
 * file_api.c and named_pipe_api.c, which it calls.
 */
#include "api.h"

API_FN(PIPE, BOOL, CallNamedPipeA,
       (LPCSTR lpNamedPipeName, LPVOID lpInBuffer, DWORD nInBufferSize,
        LPVOID lpOutBuffer, DWORD nOutBufferSize, LPDWORD lpBytesRead,
        DWORD nTimeOut),
       (lpNamedPipeName, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize,
        lpBytesRead, nTimeOut))
{
    DWORD mode = PIPE_READMODE_MESSAGE;
    HANDLE h;
    BOOL ok;

    h = CreateFileA(lpNamedPipeName, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                    OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PIPE_BUSY) {
        if (!WaitNamedPipeA(lpNamedPipeName, nTimeOut))
            return FALSE;
        h = CreateFileA(lpNamedPipeName, GENERIC_READ | GENERIC_WRITE, 0,
                        NULL, OPEN_EXISTING, 0, NULL);
    }
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    ok = SetNamedPipeHandleState(h, &mode, NULL, NULL) &&
         TransactNamedPipe(h, lpInBuffer, nInBufferSize, lpOutBuffer,
                           nOutBufferSize, lpBytesRead, NULL);
    if (!ok) {
        DWORD err = GetLastError();
        CloseHandle(h);
        SetLastError(err);
        return FALSE;
    }
    CloseHandle(h);
    return TRUE;
}
