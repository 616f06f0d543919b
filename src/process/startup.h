/*
 * startup.h: what a parent's STARTUPINFO tells its child.
 *
 * CreateProcess passes the child the fields of its STARTUPINFO and what
 * each of the child's standard handles is to be, in one environment
 * variable that a winipc child takes before main() (and removes):
 *
 *   WINIPC_STARTUP=FLAGS,SHOW,X,Y,XSIZE,YSIZE,XCHARS,YCHARS,FILL,
 *                  M0,V0,F0,M1,V1,F1,M2,V2,F2,DESKTOP,TITLE,CMDLINE
 *
 * Numbers in hex; DESKTOP, TITLE and CMDLINE (the command line as the
 * parent gave it, for GetCommandLineA) hex-encoded bytes, or "-" when the
 * parent gave none.  Mi is the mode of standard handle i (input, output,
 * error): 'o' the descriptor the child starts with (0, 1 or 2), wrapped
 * when first asked for, as in a process started from a shell; 'v' the
 * handle value Vi, unchanged (a handle the child inherits at that value,
 * a value copied but not inherited, or 0 for NULL); 'd' a new handle to
 * descriptor i with the HANDLE_FLAG_* bits Fi (the parent's standard
 * handle, duplicated into a child that inherits nothing).
 */
#ifndef WIPC_STARTUP_H
#define WIPC_STARTUP_H

#include <windows.h>

#define WIPC_STARTUP_ENV "WINIPC_STARTUP"

enum wipc_std_mode {
    WIPC_STD_ORIGINAL = 'o',
    WIPC_STD_VALUE = 'v',
    WIPC_STD_DUPLICATE = 'd',
};

struct wipc_startup {
    int present; /* 0: not started by a winipc CreateProcess */
    DWORD flags, show, x, y, xsize, ysize, xchars, ychars, fill;
    char *desktop, *title, *cmdline; /* NULL: not given */
    char std_mode[3];      /* enum wipc_std_mode */
    HANDLE std_value[3];
    DWORD std_flags[3];
};

/*
 * "WINIPC_STARTUP=..." for s (malloc'ed, in *env).  ERROR_NOT_ENOUGH_MEMORY.
 */
DWORD wipc_startup_format(const struct wipc_startup *s, char **env);

/* Takes WINIPC_STARTUP from the environment (runs before main()). */
void wipc_startup_adopt(void);

/* What this process's parent passed (present 0 if nothing); never NULL,
 * valid for the life of the process. */
const struct wipc_startup *wipc_startup_get(void);

#endif /* WIPC_STARTUP_H */
