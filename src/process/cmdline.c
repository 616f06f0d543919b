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

/* Splits cmdline; argv[0] is its first name_len bytes, taken literally, or
 * found by the runtime's rule if name_len is CMDLINE_RUNTIME_NAME. */
#define CMDLINE_RUNTIME_NAME ((size_t)-1)

static DWORD cmdline_split(const char *cmdline, size_t name_len,
                           char ***argv_out, int *argc)
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
    if (name_len == CMDLINE_RUNTIME_NAME) {
        cmdline_program(&p, &o);
    } else {
        memcpy(o, p, name_len);
        o += name_len;
        *o++ = '\0';
        p += name_len;
    }
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

DWORD wipc_cmdline_split(const char *cmdline, char ***argv, int *argc)
{
    return cmdline_split(cmdline, CMDLINE_RUNTIME_NAME, argv, argc);
}

DWORD wipc_cmdline_split_at(const char *cmdline, size_t name_len, char ***argv,
                            int *argc)
{
    if (name_len > strlen(cmdline))
        return ERROR_INVALID_PARAMETER;
    return cmdline_split(cmdline, name_len, argv, argc);
}

size_t wipc_cmdline_name_end(const char *cmdline, size_t from)
{
    while (cmdline[from] && !cmdline_blank(cmdline[from]))
        from++;
    return from;
}
