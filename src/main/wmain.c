/*
 * wmain.c: libwinipc_main, the entry point of wide programs.
 *
 * A Windows program may start at wmain (or _tmain under _UNICODE) with its
 * arguments and environment in UTF-16.  Linux starts programs at main, so
 * this static library supplies the main that converts them (as
 * MultiByteToWideChar does with CP_UTF8: invalid UTF-8 becomes U+FFFD)
 * and calls wmain, as MinGW's -municode start-up does.  pkg-config and
 * CMake link it after the program's objects: a program that has its own
 * main never pulls it in.  Not part of libwinipc itself.
 */
#include <stdio.h>
#include <stdlib.h>

#include <windows.h>

extern char **environ;

/* wmain(argc, argv) or wmain(argc, argv, envp): an extra argument is
 * harmless to the two-argument form in the C calling convention. */
int wmain(int argc, WCHAR **argv, WCHAR **envp);

/* A NULL-terminated UTF-16 copy of the n strings of v (NULL if memory
 * runs out). */
static WCHAR **widen(char **v, size_t n)
{
    WCHAR **w = calloc(n + 1, sizeof *w);

    for (size_t i = 0; w && i < n; i++) {
        int len = MultiByteToWideChar(CP_UTF8, 0, v[i], -1, NULL, 0);
        w[i] = len > 0 ? malloc((size_t)len * sizeof(WCHAR)) : NULL;
        if (!w[i])
            return NULL;
        MultiByteToWideChar(CP_UTF8, 0, v[i], -1, w[i], len);
    }
    return w;
}

/* Kept for the program's whole life, as Windows keeps them. */
static WCHAR **wargv, **wenvp;

int main(int argc, char **argv)
{
    size_t nenv = 0;

    while (environ && environ[nenv])
        nenv++;
    wargv = widen(argv, (size_t)argc);
    wenvp = widen(environ, nenv);
    if (!wargv || !wenvp) {
        static const char msg[] = "wmain: out of memory\n";
        fwrite(msg, 1, sizeof msg - 1, stderr);
        return 1;
    }
    return wmain(argc, wargv, wenvp);
}
