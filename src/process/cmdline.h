/*
 * cmdline.h: Windows command lines, split as the Microsoft C runtime splits
 * them into argv.
 */
#ifndef WIPC_CMDLINE_H
#define WIPC_CMDLINE_H

#include <windows.h>

/*
 * Splits cmdline into a malloc'ed, NULL-terminated argv (one allocation:
 * free it with free()).  The program name (argv[0]) ends at the closing
 * quote if it starts with one, else at the first blank, with backslashes
 * taken literally; the other arguments follow the runtime's rules: blanks
 * separate arguments outside quotes, 2n backslashes before a quote give n
 * backslashes and the quote opens or closes quoting, 2n+1 give n and a
 * literal quote, "" inside quotes is a literal quote.  ERROR_NOT_ENOUGH_MEMORY
 * on failure.
 */
DWORD wipc_cmdline_split(const char *cmdline, char ***argv, int *argc);

/*
 * wipc_cmdline_split, but the program name is the first name_len bytes of
 * cmdline, taken literally (an unquoted name with blanks, as CreateProcessA
 * found it); the arguments follow from there.  ERROR_INVALID_PARAMETER if
 * name_len is longer than cmdline, ERROR_NOT_ENOUGH_MEMORY.
 */
DWORD wipc_cmdline_split_at(const char *cmdline, size_t name_len, char ***argv,
                            int *argc);

/* Where a program name that starts at cmdline[0] and is not quoted could
 * end: the index of the first blank (space or tab) at or after from, or
 * the length of cmdline. */
size_t wipc_cmdline_name_end(const char *cmdline, size_t from);

#endif /* WIPC_CMDLINE_H */
