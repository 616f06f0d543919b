/*
 * wide_process_api.c: CreateProcessW, GetStartupInfoW, GetCommandLineW
 * and CommandLineToArgvW.
 */
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "api.h"

static WCHAR *cmdline_w;
static once_flag cmdline_once = ONCE_FLAG_INIT;

static void cmdline_widen(void)
{
    cmdline_w = wipc_utf8_dup16(GetCommandLineA());
}

/* GetCommandLineA's line (process_query_api.c) in UTF-16, made once; an
 * empty one if memory ran out (Windows' never fails). */
API_FN0(ENV, LPWSTR, GetCommandLineW)
{
    static WCHAR empty[1];
    call_once(&cmdline_once, cmdline_widen);
    return cmdline_w ? cmdline_w : empty;
}

/*
 * Splits line (UTF-8) as CommandLineToArgvW does, into a malloc'ed array
 * whose strings follow it in the same block.  The program name ends at the
 * closing quote if it starts with one, else at the first blank; then
 * blanks separate arguments outside quotes, 2n backslashes before a quote
 * give n and the quote opens or closes quoting, 2n+1 give n and a literal
 * quote, and "" inside quotes is a literal quote that also ends the
 * quoting (the rule of CommandLineToArgvW, older than the C runtime's:
 * "a""b c" is one argument, a"b c).  ERROR_NOT_ENOUGH_MEMORY.
 */
static DWORD argv_split(const char *line, char ***out, int *count)
{
    size_t len = strlen(line), n = 0, slots = len / 2 + 2;
    char **v = malloc(slots * sizeof *v + len + slots);
    char *d;
    const char *s = line;

    if (!v)
        return ERROR_NOT_ENOUGH_MEMORY;
    d = (char *)(v + slots);
    v[n++] = d; /* the program name */
    if (*s == '"') {
        for (s++; *s && *s != '"'; s++)
            *d++ = *s;
        if (*s)
            s++;
    } else {
        for (; *s && *s != ' ' && *s != '\t'; s++)
            *d++ = *s;
    }
    *d++ = '\0';
    while (*s) {
        int quoted = 0;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        v[n++] = d;
        for (size_t slashes = 0; *s; s++) {
            if ((*s == ' ' || *s == '\t') && !quoted)
                break;
            if (*s == '\\') {
                *d++ = *s;
                slashes++;
                continue;
            }
            if (*s == '"') {
                d -= slashes / 2 + (slashes & 1); /* keep half of them */
                if (slashes & 1) {
                    *d++ = '"';
                } else if (quoted && s[1] == '"') {
                    *d++ = '"';
                    s++;
                    quoted = 0;
                } else {
                    quoted = !quoted;
                }
            } else {
                *d++ = *s;
            }
            slashes = 0;
        }
        *d++ = '\0';
    }
    v[n] = NULL;
    *out = v;
    *count = (int)n;
    return 0;
}

/*
 * The arguments of lpCmdLine (argv_split) in one LocalAlloc block (the
 * array, NULL after its last pointer, then the strings): LocalFree
 * releases it.  An empty line gives the program's path alone, as
 * Windows.  pNumArgs NULL gives NULL, the last error untouched (Wine 8).
 */
API_FN(ENV, LPWSTR *, CommandLineToArgvW,
       (LPCWSTR lpCmdLine, int *pNumArgs),
       (lpCmdLine, pNumArgs))
{
    char *line, **argv = NULL, path[4096];
    size_t units = 0, len;
    int argc = 0;
    LPWSTR *out = NULL;
    WCHAR *w;
    DWORD err;

    if (!pNumArgs)
        return NULL;
    if (!lpCmdLine || !*lpCmdLine) {
        if (!GetModuleFileNameA(NULL, path, sizeof path))
            return NULL;
        line = NULL;
        argc = 1;
    } else {
        if (!api_utf8(lpCmdLine, &line))
            return NULL;
        err = argv_split(line, &argv, &argc);
        if (err) {
            free(line);
            SetLastError(err);
            return NULL;
        }
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv ? argv[i] : path;
        wipc_utf8_to_utf16(a, strlen(a) + 1, NULL, 0, WIPC_UTF_NAME, &len);
        units += len;
    }
    out = LocalAlloc(LMEM_FIXED, (size_t)(argc + 1) * sizeof *out +
                                     units * sizeof(WCHAR));
    if (out) {
        w = (WCHAR *)(out + argc + 1);
        for (int i = 0; i < argc; i++) {
            const char *a = argv ? argv[i] : path;
            wipc_utf8_to_utf16(a, strlen(a) + 1, w, units, WIPC_UTF_NAME,
                               &len);
            out[i] = w;
            w += len;
            units -= len;
        }
        out[argc] = NULL;
        *pNumArgs = argc;
    }
    free(argv);
    free(line);
    return out;
}

/* STARTUPINFOW's fields into si (the strings converted into *desktop and
 * *title, to free()).  FALSE with the last error set if memory runs out. */
static BOOL startup_to_a(const STARTUPINFOW *w, STARTUPINFOA *si,
                         char **desktop, char **title)
{
    memcpy(si, w, sizeof *si); /* the same layout; the strings replaced */
    si->cb = sizeof *si;
    si->lpReserved = NULL;
    *title = NULL;
    if (!api_utf8(w->lpDesktop, desktop) || !api_utf8(w->lpTitle, title)) {
        free(*desktop);
        return FALSE;
    }
    si->lpDesktop = *desktop;
    si->lpTitle = *title;
    return TRUE;
}

/*
 * The names, the command line and the current directory convert to UTF-8;
 * so does the environment block with CREATE_UNICODE_ENVIRONMENT (a narrow
 * block without it, as on Windows: CreateProcessA reads either).
 */
API_FN(PROCESS, BOOL, CreateProcessW,
       (LPCWSTR lpApplicationName, LPWSTR lpCommandLine,
        LPSECURITY_ATTRIBUTES lpProcessAttributes,
        LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles,
        DWORD dwCreationFlags, LPVOID lpEnvironment, LPCWSTR lpCurrentDirectory,
        LPSTARTUPINFOW lpStartupInfo,
        LPPROCESS_INFORMATION lpProcessInformation),
       (lpApplicationName, lpCommandLine, lpProcessAttributes,
        lpThreadAttributes, bInheritHandles, dwCreationFlags, lpEnvironment,
        lpCurrentDirectory, lpStartupInfo, lpProcessInformation))
{
    char *app = NULL, *cmd = NULL, *dir = NULL, *desktop = NULL, *title = NULL;
    STARTUPINFOA si;
    BOOL r = FALSE;

    if (!lpStartupInfo || !lpProcessInformation)
        return CreateProcessA(NULL, NULL, NULL, NULL, FALSE, 0, NULL, NULL,
                              NULL, lpProcessInformation);
    if (api_utf8(lpApplicationName, &app) && api_utf8(lpCommandLine, &cmd) &&
        api_utf8(lpCurrentDirectory, &dir) &&
        startup_to_a(lpStartupInfo, &si, &desktop, &title))
        r = CreateProcessA(app, cmd, lpProcessAttributes, lpThreadAttributes,
                           bInheritHandles, dwCreationFlags, lpEnvironment,
                           dir, &si, lpProcessInformation);
    else
        memset(lpProcessInformation, 0, sizeof *lpProcessInformation);
    free(title);
    free(desktop);
    free(dir);
    free(cmd);
    free(app);
    return r;
}

/* GetStartupInfoA's answer, with its strings in UTF-16 (made once). */
static WCHAR *startup_w_desktop, *startup_w_title;
static once_flag startup_w_once = ONCE_FLAG_INIT;

static void startup_w_build(void)
{
    STARTUPINFOA si;
    GetStartupInfoA(&si);
    startup_w_desktop = wipc_utf8_dup16(si.lpDesktop ? si.lpDesktop : "");
    startup_w_title = wipc_utf8_dup16(si.lpTitle ? si.lpTitle : "");
}

API_FN_VOID(PROCESS, GetStartupInfoW,
       (LPSTARTUPINFOW lpStartupInfo),
       (lpStartupInfo))
{
    STARTUPINFOA si;
    static WCHAR empty[1];
    HANDLE in, out, err;

    if (!lpStartupInfo)
        return;
    call_once(&startup_w_once, startup_w_build);
    GetStartupInfoA(&si);
    in = lpStartupInfo->hStdInput;
    out = lpStartupInfo->hStdOutput;
    err = lpStartupInfo->hStdError;
    memcpy(lpStartupInfo, &si, sizeof si);
    /* Without STARTF_USESTDHANDLES the W call leaves the caller's handle
     * fields as they were, where the A call stores INVALID_HANDLE_VALUE or
     * the standard handles (Wine's process.c:3584-3587, which passes on
     * Windows: HATTR_UNTOUCHED for StartupInfoW). */
    if (!(si.dwFlags & STARTF_USESTDHANDLES)) {
        lpStartupInfo->hStdInput = in;
        lpStartupInfo->hStdOutput = out;
        lpStartupInfo->hStdError = err;
    }
    lpStartupInfo->cb = sizeof *lpStartupInfo;
    lpStartupInfo->lpDesktop = startup_w_desktop ? startup_w_desktop : empty;
    lpStartupInfo->lpTitle = startup_w_title ? startup_w_title : empty;
}
