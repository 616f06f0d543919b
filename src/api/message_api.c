/*
 * message_api.c: FormatMessageA.
 *
 * The text comes from lpSource (FORMAT_MESSAGE_FROM_STRING, which wins over
 * the other source flags) or from the system table (core/messages.h); there
 * are no module message tables.  The core formats it; this file applies
 * Windows' buffer rules.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/messages.h"
#include "api.h"

/* nSize may not exceed 32K characters: "This buffer cannot be larger than
 * 64K bytes", and Windows formats through a buffer of UTF-16 units. */
#define FMT_MAX_SIZE 32767u

/* "If the length of the formatted message exceeds 128K bytes",
 * FORMAT_MESSAGE_ALLOCATE_BUFFER fails with ERROR_MORE_DATA. */
#define FMT_MAX_ALLOC (128u * 1024u)

/* The message definition selected by the source flags. */
static DWORD fmt_source(DWORD flags, LPCVOID src, DWORD id, DWORD lang,
                        const char **text)
{
    if (flags & FORMAT_MESSAGE_FROM_STRING) {
        if (!src)
            return ERROR_INVALID_PARAMETER; /* Windows crashes */
        *text = src;
        return 0;
    }
    if (flags & FORMAT_MESSAGE_FROM_SYSTEM)
        return wipc_message_lookup(id, lang, text);
    if (flags & FORMAT_MESSAGE_FROM_HMODULE)
        return ERROR_RESOURCE_TYPE_NOT_FOUND; /* no module has a table */
    return ERROR_INVALID_PARAMETER;
}

static DWORD fmt_fail(DWORD err)
{
    SetLastError(err);
    return 0;
}

WINIPC_API DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource,
                                       DWORD dwMessageId, DWORD dwLanguageId,
                                       LPSTR lpBuffer, DWORD nSize,
                                       va_list *Arguments)
{
    int alloc = (dwFlags & FORMAT_MESSAGE_ALLOCATE_BUFFER) != 0;
    const char *text;
    char *out, *p;
    size_t len;
    DWORD err;

    /* With FORMAT_MESSAGE_ALLOCATE_BUFFER, lpBuffer is really an LPSTR*,
     * cleared before anything else can fail. */
    if (alloc) {
        if (!lpBuffer)
            return fmt_fail(ERROR_NOT_ENOUGH_MEMORY);
        *(LPSTR *)lpBuffer = NULL;
    }
    if (nSize > FMT_MAX_SIZE)
        return fmt_fail(ERROR_INVALID_PARAMETER);
    err = fmt_source(dwFlags, lpSource, dwMessageId, dwLanguageId, &text);
    if (!err)
        err = wipc_message_format(text, dwFlags, Arguments, &out, &len);
    if (err)
        return fmt_fail(err);

    if (len == 0)
        err = ERROR_NO_WORK_DONE; /* the buffer is left alone */
    else if (alloc && len >= FMT_MAX_ALLOC)
        err = ERROR_MORE_DATA;
    else if (!alloc && nSize < len + 1)
        err = ERROR_INSUFFICIENT_BUFFER; /* the buffer is left alone */
    else if (!alloc && !lpBuffer)
        err = ERROR_INVALID_PARAMETER; /* Windows crashes */
    if (err) {
        free(out);
        return fmt_fail(err);
    }

    if (alloc) {
        /* nSize is the minimum to allocate; LocalFree releases it. */
        p = LocalAlloc(LMEM_ZEROINIT, nSize > len + 1 ? nSize : len + 1);
        if (!p) {
            free(out);
            return 0; /* LocalAlloc set the error */
        }
        memcpy(p, out, len + 1);
        *(LPSTR *)lpBuffer = p;
    } else {
        memcpy(lpBuffer, out, len + 1);
    }
    free(out);
    return (DWORD)len;
}
