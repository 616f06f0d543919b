/*
 * cmdline.c: the Microsoft C runtime's command-line splitting.
 */
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

static int cmdline_blank(char c) { return c == ' ' || c == '\t'; }

/* Copies the program name from *p into *out; advances both. */
static void cmdline_program(const char **p, char **out)
{
    const char *s = *p;
    char *o = *out;
    if (*s == '"') {
        for (s++; *s && *s != '"'; s++)
            *o++ = *s;
        if (*s == '"')
            s++;
    } else {
        for (; *s && !cmdline_blank(*s); s++)
            *o++ = *s;
    }
    *o++ = '\0';
    *p = s;
    *out = o;
}

/* Copies one argument from *p into *out; advances both. */
static void cmdline_argument(const char **p, char **out)
{
    const char *s = *p;
    char *o = *out;
    int quoted = 0;

    while (*s && (quoted || !cmdline_blank(*s))) {
        size_t n = 0;
        while (s[n] == '\\')
            n++;
        if (s[n] == '"') {
            for (size_t i = 0; i < n / 2; i++)
                *o++ = '\\';
            s += n;
            if (n % 2) {
                *o++ = '"';
                s++;
            } else if (quoted && s[1] == '"') {
                *o++ = '"'; /* "" inside quotes */
                s += 2;
            } else {
                quoted = !quoted;
                s++;
            }
        } else if (n > 0) {
            for (size_t i = 0; i < n; i++)
                *o++ = '\\';
            s += n;
        } else {
            *o++ = *s++;
        }
    }
    *o++ = '\0';
    *p = s;
    *out = o;
}

DWORD wipc_cmdline_split(const char *cmdline, char ***argv_out, int *argc)
{
    size_t len = strlen(cmdline);
    /* At most len/2 + 2 arguments; their text fits in len + 1 + count. */
    size_t max_args = len / 2 + 2;
    char **argv = malloc(max_args * sizeof *argv + 2 * len + 2 + max_args);
    char *o;
    const char *p = cmdline;
    int n = 0;

    if (!argv)
        return ERROR_NOT_ENOUGH_MEMORY;
    o = (char *)(argv + max_args);
    argv[n++] = o;
    cmdline_program(&p, &o);
    for (;;) {
        while (cmdline_blank(*p))
            p++;
        if (!*p)
            break;
        argv[n++] = o;
        cmdline_argument(&p, &o);
    }
    argv[n] = NULL;
    *argv_out = argv;
    *argc = n;
    return 0;
}
