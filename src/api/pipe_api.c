/*
 * pipe_api.c: CreatePipe and PeekNamedPipe.
 */
#include "api.h"

/* An anonymous pipe's ends carry the rights Windows gives them. */
#define PIPE_READ_END_ACCESS (FILE_GENERIC_READ | FILE_WRITE_ATTRIBUTES)
#define PIPE_WRITE_END_ACCESS (FILE_GENERIC_WRITE | FILE_READ_ATTRIBUTES)

API_FN(PIPE, BOOL, CreatePipe,
       (PHANDLE hReadPipe, PHANDLE hWritePipe,
        LPSECURITY_ATTRIBUTES lpPipeAttributes, DWORD nSize),
       (hReadPipe, hWritePipe, lpPipeAttributes, nSize))
{
    struct wipc_object *r, *w;
    DWORD flags = api_inherit_flag(lpPipeAttributes);
    HANDLE hr, hw;
    DWORD err;

    if (!hReadPipe || !hWritePipe)
        return api_fail(ERROR_NOACCESS);
    err = wipc_pipe_create(nSize, &r, &w);
    if (err)
        return api_fail(err);
    err = api_publish(r, PIPE_READ_END_ACCESS, flags, &hr);
    if (err) {
        wipc_object_release(w);
        return api_fail(err);
    }
    err = api_publish(w, PIPE_WRITE_END_ACCESS, flags, &hw);
    if (err) {
        wipc_handle_close(hr);
        return api_fail(err);
    }
    *hReadPipe = hr;
    *hWritePipe = hw;
    return TRUE;
}

API_FN(PIPE, BOOL, PeekNamedPipe,
       (HANDLE hNamedPipe, LPVOID lpBuffer, DWORD nBufferSize,
        LPDWORD lpBytesRead, LPDWORD lpTotalBytesAvail,
        LPDWORD lpBytesLeftThisMessage),
       (hNamedPipe, lpBuffer, nBufferSize, lpBytesRead, lpTotalBytesAvail,
        lpBytesLeftThisMessage))
{
    struct wipc_object *obj;
    ACCESS_MASK granted = 0;
    DWORD got = 0, avail = 0, left = 0;
    DWORD err = wipc_handle_ref(hNamedPipe, NULL, 0, &obj, &granted);

    if (err)
        return api_fail(err);
    if (obj->ops == &wipc_npipe_ops) {
        /* "The handle must have GENERIC_READ access to the pipe." */
        err = granted & FILE_READ_DATA
                  ? wipc_npipe_peek(obj, lpBuffer, nBufferSize, &got, &avail,
                                    &left)
                  : ERROR_ACCESS_DENIED;
    } else if (obj->ops != &wipc_pipe_end_ops) {
        /* A file that is not a pipe does not support peeking (Wine:
         * ERROR_NOT_SUPPORTED); other objects are the wrong type of
         * handle. */
        err = wipc_is_file(obj) ? ERROR_NOT_SUPPORTED : ERROR_INVALID_HANDLE;
    } else if (!(granted & FILE_READ_DATA)) { /* the write end, for one */
        err = ERROR_ACCESS_DENIED;
    } else {
        err = wipc_pipe_peek(obj, lpBuffer, nBufferSize, &got, &avail);
        left = 0; /* byte pipe: no messages */
    }
    wipc_object_release(obj);
    if (err)
        return api_fail(err);
    if (lpBytesRead)
        *lpBytesRead = got;
    if (lpTotalBytesAvail)
        *lpTotalBytesAvail = avail;
    if (lpBytesLeftThisMessage)
        *lpBytesLeftThisMessage = left;
    return TRUE;
}
