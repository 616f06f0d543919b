/*
 * messages.h: Windows' system message table and the FormatMessage engine.
 *
 * The table holds Windows' exact English text for every error code in
 * winerror.h (and the few codes FormatMessageA itself reports), each ending
 * in "\r\n" as in Windows' message resources.  The engine expands a message
 * definition: %1..%99 inserts with optional !printf-format!, the escapes %n
 * %r %t %0 %% %. %! "% ", line breaks, and the line width of the low byte of
 * the FormatMessage flags.
 */
#ifndef WIPC_MESSAGES_H
#define WIPC_MESSAGES_H

#include <stdarg.h>
#include <stddef.h>

#include <windows.h>

/* Codes FormatMessageA reports that winerror.h may not define (yet). */
#ifndef ERROR_NO_WORK_DONE
#define ERROR_NO_WORK_DONE 235L
#endif
#ifndef ERROR_RESOURCE_TYPE_NOT_FOUND
#define ERROR_RESOURCE_TYPE_NOT_FOUND 1813L
#endif
#ifndef ERROR_RESOURCE_LANG_NOT_FOUND
#define ERROR_RESOURCE_LANG_NOT_FOUND 1815L
#endif

/*
 * The system message text of id in language lang_id, in *text (static, never
 * freed).  An HRESULT that wraps a Win32 error (0x8007xxxx) gives that
 * error's text.  Only English exists: lang_id must be 0, the user or system
 * default (MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT / SUBLANG_SYS_DEFAULT)) or
 * any LANG_ENGLISH id, else ERROR_RESOURCE_LANG_NOT_FOUND.  Returns
 * ERROR_MR_MID_NOT_FOUND for an unknown id.
 */
DWORD wipc_message_lookup(DWORD id, DWORD lang_id, const char **text);

/*
 * Formats the message definition text as FormatMessageA does, with the
 * FORMAT_MESSAGE_IGNORE_INSERTS, FORMAT_MESSAGE_ARGUMENT_ARRAY and
 * FORMAT_MESSAGE_MAX_WIDTH_MASK bits of flags (others are ignored).  args
 * is FormatMessageA's Arguments: a va_list pointer, or with
 * FORMAT_MESSAGE_ARGUMENT_ARRAY an array of DWORD_PTR; arguments are read as
 * DWORD_PTR values, and a va_list is consumed in order as inserts need it.
 * *out receives a malloc'ed NUL-terminated result (free() it) and *len its
 * length.  Conversions other than d i u x X o c C s S p (with h, l, w, ll,
 * I, I32, I64, z) print themselves, as in Windows; so do the unsupported
 * floating-point ones and %n.  Returns ERROR_INVALID_PARAMETER for a '%' at
 * the end of text, an insert without args, an unterminated !format!, more
 * than two '*' in one format; ERROR_NOT_ENOUGH_MEMORY.  On failure *out is
 * NULL.
 */
DWORD wipc_message_format(const char *text, DWORD flags, va_list *args,
                          char **out, size_t *len);

/* A flag of wipc_message_format (no FORMAT_MESSAGE_* bit): FormatMessageW's
 * inserts, where "s" and "c" take WCHAR strings and characters and "hs",
 * "S" narrow ones.  The text and the result stay UTF-8. */
#define WIPC_MSG_WIDE 0x80000000u

#endif /* WIPC_MESSAGES_H */
