/*
 * utf.h: UTF-16 <-> UTF-8, the one place where winipc converts text.
 *
 * winipc keeps every name, path and environment string as UTF-8 (what
 * Linux file names and the A functions carry); the W functions convert at
 * their boundary with these.  A WCHAR is one UTF-16 unit, whatever the
 * program's wchar_t is.
 *
 * Two kinds of conversion:
 * - Windows' own (MultiByteToWideChar/WideCharToMultiByte with CP_UTF8):
 *   an invalid sequence becomes U+FFFD, or fails the call with
 *   WIPC_UTF_STRICT.  A malformed UTF-8 sequence gives one U+FFFD for each
 *   byte that cannot start a character, and one for a lead byte together
 *   with the continuation bytes read before the sequence proved invalid (a
 *   truncated one, an overlong form, a surrogate, a value above U+10FFFF):
 *   "\xE0\x80\x80" is two U+FFFD, "\xE2\x82" one, as Windows does it.
 * - Names (WIPC_UTF_NAME): a lone surrogate, which Windows accepts in a
 *   name, is kept as its 3-byte form (WTF-8) so that every UTF-16 name
 *   has its own UTF-8 name and comes back unchanged.
 */
#ifndef WIPC_UTF_H
#define WIPC_UTF_H

#include <stddef.h>
#include <stdint.h>
#include <windows.h>

/* Flags of the conversions. */
#define WIPC_UTF_STRICT 1u /* fail on invalid input (ERROR_NO_UNICODE_TRANSLATION) */
#define WIPC_UTF_NAME 2u   /* lone surrogates as WTF-8, and back */

/* The number of units before the terminating 0 of s (0 for NULL). */
size_t wipc_wcslen(const WCHAR *s);

/*
 * Converts n UTF-16 units of src to UTF-8 in dst (cap bytes; dst may be
 * NULL with cap 0 to count).  *out receives the bytes the whole conversion
 * needs; while they fit, they are written.  A lone surrogate becomes
 * U+FFFD, or its WTF-8 form with WIPC_UTF_NAME; *replaced (if not NULL)
 * is set to 1 when U+FFFD was used.  Returns ERROR_NO_UNICODE_TRANSLATION
 * for a lone surrogate under WIPC_UTF_STRICT, else 0 (a short dst is the
 * caller's check: *out > cap).
 */
DWORD wipc_utf16_to_utf8(const WCHAR *src, size_t n, char *dst, size_t cap,
                         unsigned flags, size_t *out, int *replaced);

/*
 * Converts n bytes of UTF-8 src to UTF-16 in dst (cap units), as above:
 * *out is the units needed.  Invalid sequences become U+FFFD (see the top
 * of this file); with WIPC_UTF_NAME an encoded surrogate (ED A0..BF xx) is
 * that surrogate.  ERROR_NO_UNICODE_TRANSLATION under WIPC_UTF_STRICT.
 */
DWORD wipc_utf8_to_utf16(const char *src, size_t n, WCHAR *dst, size_t cap,
                         unsigned flags, size_t *out);

/*
 * A malloc'ed UTF-8 copy of the NUL-terminated UTF-16 string src, with
 * WIPC_UTF_NAME; NULL for src NULL with *err 0; NULL with *err
 * ERROR_NOT_ENOUGH_MEMORY when memory runs out.
 */
char *wipc_utf16_dup(const WCHAR *src, DWORD *err);

/* A malloc'ed UTF-16 copy of the NUL-terminated UTF-8 string src (names:
 * WIPC_UTF_NAME), or NULL when memory runs out (or src is NULL). */
WCHAR *wipc_utf8_dup16(const char *src);

/* The number of UTF-16 units the NUL-terminated UTF-8 string s converts to
 * (WIPC_UTF_NAME), without the terminator: Windows' name limits count these. */
size_t wipc_utf8_units(const char *s);

/* Non-zero while a W function runs its A function (src/api/wide_api.c):
 * limits that belong to the A form (its MAX_PATH buffer) do not apply. */
extern _Thread_local int wipc_wide_call;

/* The unit Windows compares c as in a name without case: its capital by
 * Windows' table (upcase.c), c itself if it has none (code points above
 * U+FFFF always). */
uint32_t wipc_upcase(uint32_t c);

#endif /* WIPC_UTF_H */
