/*
 * message_api.c: FormatMessageA and FormatMessageW.
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

/*
 * FormatMessageA and FormatMessageW: the same engine, whose text is UTF-8;
 * wide is 1 for the W function, whose lpSource (FORMAT_MESSAGE_FROM_STRING)
 * is a WCHAR string, whose inserts read WCHAR strings, and whose result,
 * sizes and limits are in WCHAR units.  *out gets the malloc'ed result
 * (char or WCHAR) and *len its length in units.
 */
static DWORD fmt_text(DWORD flags, LPCVOID src, DWORD id, DWORD lang,
                      va_list *args, int wide, void **out, size_t *len)
{
    char *wsrc = NULL, *text_out;
    const char *text;
    size_t n;
    WCHAR *w;
    DWORD err;

    if (wide && (flags & FORMAT_MESSAGE_FROM_STRING) && src) {
        wsrc = wipc_utf16_dup(src, &err);
        if (err)
            return err;
        src = wsrc;
    }
    err = fmt_source(flags, src, id, lang, &text);
    if (!err)
        err = wipc_message_format(text, flags | (wide ? WIPC_MSG_WIDE : 0),
                                  args, &text_out, len);
    free(wsrc);
    if (err || !wide) {
        *out = err ? NULL : text_out;
        return err;
    }
    wipc_utf8_to_utf16(text_out, *len, NULL, 0, WIPC_UTF_NAME, &n);
    w = malloc((n + 1) * sizeof *w);
    if (w) {
        wipc_utf8_to_utf16(text_out, *len, w, n, WIPC_UTF_NAME, &n);
        w[n] = 0;
    }
    free(text_out);
    *out = w;
    *len = n;
    return w ? 0 : ERROR_NOT_ENOUGH_MEMORY;
}

static DWORD fmt_message(DWORD flags, LPCVOID src, DWORD id, DWORD lang,
                         void *buffer, DWORD size, va_list *args, int wide)
{
    int alloc = (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) != 0;
    size_t unit = wide ? sizeof(WCHAR) : 1, len;
    void *out, *p;
    DWORD err;

    /* With FORMAT_MESSAGE_ALLOCATE_BUFFER, the buffer is really a pointer
     * to one, cleared before anything else can fail. */
    if (alloc) {
        if (!buffer)
            return fmt_fail(ERROR_NOT_ENOUGH_MEMORY);
        *(void **)buffer = NULL;
    }
    if (size > FMT_MAX_SIZE)
        return fmt_fail(ERROR_INVALID_PARAMETER);
    err = fmt_text(flags, src, id, lang, args, wide, &out, &len);
    if (err)
        return fmt_fail(err);

    if (len == 0)
        err = ERROR_NO_WORK_DONE; /* the buffer is left alone */
    else if (alloc && len * unit >= FMT_MAX_ALLOC)
        err = ERROR_MORE_DATA;
    else if (!alloc && size < len + 1)
        err = ERROR_INSUFFICIENT_BUFFER; /* the buffer is left alone */
    else if (!alloc && !buffer)
        err = ERROR_INVALID_PARAMETER; /* Windows crashes */
    if (err) {
        free(out);
        return fmt_fail(err);
    }

    if (alloc) {
        /* size is the minimum to allocate; LocalFree releases it. */
        p = LocalAlloc(LMEM_ZEROINIT, (size > len + 1 ? size : len + 1) * unit);
        if (!p) {
            free(out);
            return 0; /* LocalAlloc set the error */
        }
        memcpy(p, out, (len + 1) * unit);
        *(void **)buffer = p;
    } else {
        memcpy(buffer, out, (len + 1) * unit);
    }
    free(out);
    return (DWORD)len;
}

API_FN(SYS, DWORD, FormatMessageA,
       (DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
        LPSTR lpBuffer, DWORD nSize, va_list *Arguments),
       (dwFlags, lpSource, dwMessageId, dwLanguageId, lpBuffer, nSize,
        Arguments))
{
    return fmt_message(dwFlags, lpSource, dwMessageId, dwLanguageId,
                       lpBuffer, nSize, Arguments, 0);
}

/* FormatMessageA's rules, in WCHAR units: "This buffer cannot be larger
 * than 64K bytes" is the same 32K units. */
API_FN(SYS, DWORD, FormatMessageW,
       (DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
        LPWSTR lpBuffer, DWORD nSize, va_list *Arguments),
       (dwFlags, lpSource, dwMessageId, dwLanguageId, lpBuffer, nSize,
        Arguments))
{
    return fmt_message(dwFlags, lpSource, dwMessageId, dwLanguageId,
                       lpBuffer, nSize, Arguments, 1);
}
