/*
 * copy.h: moving data between handles, for "serve" and "connect".
 *
 * Each function copies until its source ends or a write fails, and says
 * which in *end.  The end of a pipe's other side (ERROR_BROKEN_PIPE,
 * ERROR_PIPE_NOT_CONNECTED) is a clean end of the source, not an error.
 */
#ifndef WINIPC_TOOL_COPY_H
#define WINIPC_TOOL_COPY_H

#include <windows.h>

struct copy_end {
    int by_dest; /* 1: a write failed; 0: the source ended */
    DWORD err;   /* the error, 0 for a clean end of the source */
};

/* Bytes as they come; the source ends with a 0-byte read. */
void copy_bytes(HANDLE from, HANDLE to, struct copy_end *end);

/* Each message read from pipe (in message read mode) is written to `to`
 * followed by a line break. */
void copy_messages_to_lines(HANDLE pipe, HANDLE to, struct copy_end *end);

/* Each line read from `from` is written to pipe as one message, without its
 * line break; a last line without one is sent too. */
void copy_lines_to_messages(HANDLE from, HANDLE pipe, struct copy_end *end);

#endif /* WINIPC_TOOL_COPY_H */
