/*
 * conio.h: console keys, as Windows' <conio.h> has them: _getch, _getche,
 * _kbhit, _putch, _ungetch, and their old names getch, getche, kbhit,
 * putch, ungetch (macros here, so they never meet curses' functions of
 * the same names at link time).
 *
 * The console is standard input when it is a terminal: _getch returns one
 * key as it is pressed, without echo and without Enter (Enter is '\r').
 * Otherwise (a pipe, a file, a batch run) _getch returns standard input's
 * next byte, and EOF (-1) at its end.  _putch writes to standard output
 * without its stdio buffer.  See src/api/conio_api.c.
 */
#ifndef WINIPC_CONIO_H
#define WINIPC_CONIO_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI int _getch(void);
WINBASEAPI int _getche(void);
WINBASEAPI int _kbhit(void);
WINBASEAPI int _putch(int _Ch);
WINBASEAPI int _ungetch(int _Ch);

#ifndef NO_OLDNAMES
#define getch _getch
#define getche _getche
#define kbhit _kbhit
#define putch _putch
#define ungetch _ungetch
#endif

#ifdef __cplusplus
}
#endif

#endif /* WINIPC_CONIO_H */
