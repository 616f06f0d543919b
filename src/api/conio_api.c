/*
 * conio_api.c: <conio.h>'s console keys: _getch, _getche, _kbhit, _putch
 * and _ungetch.
 *
 * Windows reads them from the console.  Here the console is standard
 * input when it is a terminal: _getch reads one key as it is pressed,
 * without echo and without waiting for Enter (which it returns as '\r',
 * as Windows does); other keys come as the terminal sends them (an arrow
 * is its escape sequence, one byte per call, not Windows' 0xE0 and a scan
 * code).  When standard input is not a terminal (a pipe, a file, a batch
 * run), _getch reads its next byte, so a program's "press any key" can be
 * fed; at end of input it returns EOF (-1), as Windows' _getch does in a
 * process without a console (Wine).  _kbhit is non-zero when _getch would
 * not wait (end of input included).  _putch writes to standard output,
 * unbuffered: like Windows' console writes, it passes printf's buffer.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "../platform/platform.h"
#include "../platform/platform_sys.h"
#include "api.h"

#define CONIO_IN 0  /* standard input */
#define CONIO_OUT 1 /* standard output */

/* The character _ungetch pushed back, or EOF. */
static _Atomic int conio_pushed = EOF;

WINIPC_API int _getch(void)
{
    unsigned char c;
    int pushed = atomic_exchange(&conio_pushed, EOF);
    if (pushed != EOF)
        return pushed;
    return wipc_plat_tty_getch(CONIO_IN, &c) == 0 ? c : EOF;
}

WINIPC_API int _putch(int c)
{
    unsigned char b = (unsigned char)c;
    size_t n = 0;
    if (wipc_plat_write(CONIO_OUT, &b, 1, -1, &n) != 0 || n != 1)
        return EOF;
    return b;
}

WINIPC_API int _getche(void)
{
    int c = _getch();
    if (c != EOF)
        _putch(c);
    return c;
}

WINIPC_API int _kbhit(void)
{
    if (atomic_load(&conio_pushed) != EOF)
        return 1;
    return wipc_plat_tty_key_ready(CONIO_IN);
}

/* One character back for the next _getch; EOF if one is already there. */
WINIPC_API int _ungetch(int c)
{
    int none = EOF;
    if (c == EOF ||
        !atomic_compare_exchange_strong(&conio_pushed, &none,
                                        (unsigned char)c))
        return EOF;
    return (unsigned char)c;
}
