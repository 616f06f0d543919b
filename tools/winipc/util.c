/*
 * util.c: option parsing, names, users and JSON output for the winipc tool.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

int tool_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int tool_opt_value(const char *cmd, int argc, char **argv, int *i,
                   const char *name, const char **value)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];

    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        tool_usage_error(cmd, "option '%s' needs a value", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int tool_parse_dword(const char *cmd, const char *opt, const char *s,
                     DWORD *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || errno || v > 0xFFFFFFFFull) {
        tool_usage_error(cmd, "%s: '%s' is not a number", opt, s);
        return 0;
    }
    *out = (DWORD)v;
    return 1;
}

void tool_object_name(const char *kind, const char *arg, char *buf, size_t len)
{
    if (strncmp(arg, "\\\\", 2) == 0)
        snprintf(buf, len, "%s", arg);
    else
        snprintf(buf, len, "\\\\.\\%s\\%s", kind, arg);
}

const char *tool_user_name(DWORD uid, char *buf, size_t len)
{
    struct passwd pw, *res = NULL;
    char scratch[1024];

    if (getpwuid_r((uid_t)uid, &pw, scratch, sizeof scratch, &res) == 0 &&
        res && res->pw_name)
        snprintf(buf, len, "%s", res->pw_name);
    else
        snprintf(buf, len, "%lu", (unsigned long)uid);
    return buf;
}

int tool_pid_exists(DWORD pid)
{
    if (pid == 0 || pid > 0x7FFFFFFFu)
        return 0;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* The length of the valid UTF-8 sequence at s (2 to 4), or 0. */
static int utf8_len(const unsigned char *s)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    int n;

    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    /* No overlong forms, surrogates or values past U+10FFFF. */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (int i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

void tool_json_string(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;

    putchar('"');
    while (*s) {
        unsigned char c = *s;
        int n;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c < 0x20 || c == 0x7F)
            printf("\\u%04x", c);
        else if (c < 0x80)
            putchar(c);
        else if ((n = utf8_len(s)) > 0) {
            fwrite(s, 1, (size_t)n, stdout);
            s += n;
            continue;
        } else
            fputs("\\ufffd", stdout); /* not UTF-8: the replacement */
        s++;
    }
    putchar('"');
}

BOOL tool_write_all(HANDLE h, const void *buf, DWORD len)
{
    const char *p = buf;
    while (len > 0) {
        DWORD done = 0;
        if (!WriteFile(h, p, len, &done, NULL))
            return FALSE;
        if (done == 0) {
            SetLastError(ERROR_WRITE_FAULT);
            return FALSE;
        }
        p += done;
        len -= done;
    }
    return TRUE;
}

SECURITY_ATTRIBUTES *tool_public_sa(SECURITY_ATTRIBUTES *sa,
                                    SECURITY_DESCRIPTOR *sd)
{
    InitializeSecurityDescriptor(sd, SECURITY_DESCRIPTOR_REVISION);
    SetSecurityDescriptorDacl(sd, TRUE, NULL, FALSE);
    sa->nLength = sizeof *sa;
    sa->lpSecurityDescriptor = sd;
    sa->bInheritHandle = FALSE;
    return sa;
}
