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

#endif /* WIPC_CMDLINE_H */
