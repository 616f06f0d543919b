/*
 * msgbox_api.c: MessageBoxA, for console programs.  There is no window:
 * the box is one line on standard error, "CAPTION: TEXT" (the caption
 * "Error" when there is none, as Windows), and the answer is the box's
 * default button, as if the user pressed Enter at once: IDOK for MB_OK and
 * MB_OKCANCEL, IDYES for MB_YESNO..., the button MB_DEFBUTTONn selects.
 */
#include <stdio.h>

#include "api.h"

static const int msgbox_buttons[][3] = {
    [MB_OK] = {IDOK},
    [MB_OKCANCEL] = {IDOK, IDCANCEL},
    [MB_ABORTRETRYIGNORE] = {IDABORT, IDRETRY, IDIGNORE},
    [MB_YESNOCANCEL] = {IDYES, IDNO, IDCANCEL},
    [MB_YESNO] = {IDYES, IDNO},
    [MB_RETRYCANCEL] = {IDRETRY, IDCANCEL},
    [MB_CANCELTRYCONTINUE] = {IDCANCEL, IDTRYAGAIN, IDCONTINUE},
};

API_FN(SYS, int, MessageBoxA,
       (HWND hWnd, LPCSTR lpText, LPCSTR lpCaption, UINT uType),
       (hWnd, lpText, lpCaption, uType))
{
    UINT type = uType & MB_TYPEMASK, def = (uType & MB_DEFMASK) >> 8;
    int id;

    (void)hWnd;
    if (type >= sizeof msgbox_buttons / sizeof msgbox_buttons[0]) {
        SetLastError(ERROR_INVALID_MSGBOX_STYLE);
        return 0;
    }
    /* A default button the box does not have: the first (MB_DEFBUTTON4
     * names the Help button, which only closes nothing). */
    id = def < 3 ? msgbox_buttons[type][def] : 0;
    if (!id)
        id = msgbox_buttons[type][0];
    fprintf(stderr, "%s: %s\n", lpCaption ? lpCaption : "Error",
            lpText ? lpText : "");
    fflush(stderr);
    return id;
}
