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

void tool_object_name(const char *kind, const char *arg, char *buf,
                      size_t len)
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

void tool_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c < 0x20 || c == 0x7F)
            printf("\\u%04x", c);
        else
            putchar(c); /* UTF-8 passes through */
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
