/*
 * tchar_printf: <tchar.h>'s _sntprintf, as MinGW's and Microsoft's headers
 * map it (_snprintf without _UNICODE, _snwprintf with it: the Microsoft
 * runtime's rule in both): a result shorter than the count is terminated,
 * one of exactly the count is not, a longer one leaves its first count
 * characters, unterminated, and returns -1.  Each line shows the return
 * value and the buffer's first 8 characters (x: untouched).
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static void show(const char *label, int r, const TCHAR *b)
{
    int i;
    printf("%s: %d, \"", label, r);
    for (i = 0; i < 8; i++)
        putchar(b[i] == 0 ? '0' : (char)b[i]);
    printf("\"\n");
}

static void fill(TCHAR *b)
{
    int i;
    for (i = 0; i < 10; i++)
        b[i] = _T('x');
}

/* _sntprintf of "abcdef" into count characters. */
static void try_count(int count)
{
    TCHAR b[10];
    char label[16];
    int r;

    fill(b);
    r = _sntprintf(b, (size_t)count, _T("%s"), _T("abcdef"));
    snprintf(label, sizeof label, "count %d", count);
    show(label, r, b);
}

int main(void)
{
    TCHAR b[10];
    int r;

    SECTION("_sntprintf(b, count, _T(\"%s\"), _T(\"abcdef\"))");
    try_count(4);
    try_count(6);
    try_count(7);
    try_count(0);
    fill(b);
    r = _sntprintf(b, 8, _T("%d|%c"), 42, _T('z'));
    show("count 8, %d|%c", r, b);
    CONF_DONE();
}
