/*
 * copy.c: moving data between handles for "serve" and "connect": bytes as
 * they come, or lines to messages and messages to lines on message pipes.
 */
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "tool.h"

#define COPY_BUF 65536u

/* Errors that mean the other side of a pipe has ended, not a failure. */
static int copy_is_end(DWORD err)
{
    return err == ERROR_BROKEN_PIPE || err == ERROR_PIPE_NOT_CONNECTED ||
           err == ERROR_HANDLE_EOF;
}

static void copy_source_ended(struct copy_end *end, DWORD err)
{
    end->by_dest = 0;
    end->err = copy_is_end(err) ? 0 : err;
}

static void copy_dest_failed(struct copy_end *end)
{
    end->by_dest = 1;
    end->err = GetLastError();
}

void copy_bytes(HANDLE from, HANDLE to, struct copy_end *end)
{
    char *buf = malloc(COPY_BUF);
    DWORD got;

    if (!buf) {
        copy_source_ended(end, ERROR_NOT_ENOUGH_MEMORY);
        return;
    }
    for (;;) {
        if (!ReadFile(from, buf, COPY_BUF, &got, NULL)) {
            copy_source_ended(end, GetLastError());
            break;
        }
        if (got == 0) { /* end of file */
            copy_source_ended(end, 0);
            break;
        }
        if (!tool_write_all(to, buf, got)) {
            copy_dest_failed(end);
            break;
        }
    }
    free(buf);
}

void copy_messages_to_lines(HANDLE pipe, HANDLE to, struct copy_end *end)
{
    char *buf = malloc(COPY_BUF);
    DWORD got;

    if (!buf) {
        copy_source_ended(end, ERROR_NOT_ENOUGH_MEMORY);
        return;
    }
    for (;;) {
        BOOL whole = ReadFile(pipe, buf, COPY_BUF, &got, NULL);
        DWORD err = whole ? 0 : GetLastError();

        if (!whole && err != ERROR_MORE_DATA) {
            copy_source_ended(end, err);
            break;
        }
        /* A long message comes in pieces (ERROR_MORE_DATA); its line ends
         * with its last piece. */
        if ((got && !tool_write_all(to, buf, got)) ||
            (whole && !tool_write_all(to, "\n", 1))) {
            copy_dest_failed(end);
            break;
        }
    }
    free(buf);
}

/* Writes one message (even an empty one), whole. */
static BOOL copy_write_message(HANDLE pipe, const char *buf, size_t len)
{
    DWORD done = 0;
    if (!WriteFile(pipe, buf, (DWORD)len, &done, NULL))
        return FALSE;
    if (done != len) {
        SetLastError(ERROR_WRITE_FAULT);
        return FALSE;
    }
    return TRUE;
}

/* Sends each complete line of acc[0..*len) as a message, keeping the
 * rest at the start of acc.  FALSE if a write failed. */
static BOOL copy_send_lines(HANDLE pipe, char *acc, size_t *len)
{
    size_t start = 0;
    for (;;) {
        char *nl = memchr(acc + start, '\n', *len - start);
        size_t n;
        if (!nl)
            break;
        n = (size_t)(nl - (acc + start));
        if (!copy_write_message(pipe, acc + start, n))
            return FALSE;
        start += n + 1;
    }
    memmove(acc, acc + start, *len - start);
    *len -= start;
    return TRUE;
}

void copy_lines_to_messages(HANDLE from, HANDLE pipe, struct copy_end *end)
{
    size_t cap = COPY_BUF * 2, len = 0;
    char *acc = malloc(cap);
    DWORD got;

    if (!acc) {
        copy_source_ended(end, ERROR_NOT_ENOUGH_MEMORY);
        return;
    }
    for (;;) {
        if (cap - len < COPY_BUF) { /* a long line: make room */
            char *grown = cap > 0x7FFFFFFFu ? NULL : realloc(acc, cap * 2);
            if (!grown) {
                copy_source_ended(end, ERROR_NOT_ENOUGH_MEMORY);
                break;
            }
            acc = grown;
            cap *= 2;
        }
        BOOL ok = ReadFile(from, acc + len, COPY_BUF, &got, NULL);
        if (!ok || got == 0) {
            copy_source_ended(end, ok ? 0 : GetLastError());
            /* The last line may lack its line break. */
            if (len > 0 && !copy_write_message(pipe, acc, len))
                copy_dest_failed(end);
            break;
        }
        len += got;
        if (!copy_send_lines(pipe, acc, &len)) {
            copy_dest_failed(end);
            break;
        }
    }
    free(acc);
}
