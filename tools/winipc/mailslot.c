/*
 * mailslot.c: "winipc send" and "winipc recv", through CreateFile/WriteFile
 * and CreateMailslot/ReadFile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char send_help[] =
    "Usage: winipc send MAILSLOT [MESSAGE...]\n"
    "\n"
    "Writes each MESSAGE to the mailslot as one message (WriteFile on a\n"
    "handle from CreateFile), in order.  With no MESSAGE, each line of\n"
    "standard input is one message, without its line break.\n"
    "\n"
    "MAILSLOT is a bare name (\"log\" is \\\\.\\mailslot\\log) or a full one.\n"
    "\n"
    "Exit status: 0 when every message was written; 1 on a Windows error,\n"
    "e.g. ERROR_FILE_NOT_FOUND when no receiver has the name; 2 for a bad\n"
    "command line.\n";

static const char recv_help[] =
    "Usage: winipc recv MAILSLOT [--timeout MS] [--count N] [--public]\n"
    "\n"
    "Creates the mailslot (CreateMailslot) and prints each message it\n"
    "receives on standard output, followed by a line break, as it comes.\n"
    "The mailslot lasts as long as this command runs.\n"
    "\n"
    "Options:\n"
    "  --timeout MS   stop when no message came for MS milliseconds (the\n"
    "                 mailslot's read timeout); default: wait for ever\n"
    "  --count N      stop after N messages\n"
    "  --public       let every user write to it (a NULL DACL); by default\n"
    "                 only this user may\n"
    "\n"
    "Exit status: 0 after --count messages, or on a timeout once at least\n"
    "one message came; 1 on a Windows error: ERROR_ALREADY_EXISTS when\n"
    "another receiver has the name, ERROR_SEM_TIMEOUT when the timeout\n"
    "passed with no message at all; 2 for a bad command line.\n";

/* ---- send ---------------------------------------------------------------- */

static int send_one(HANDLE h, const char *name, const char *msg, size_t len)
{
    DWORD done = 0;
    if (len > 0xFFFFFFFFu)
        return tool_fail("send", name, ERROR_INVALID_PARAMETER);
    if (!WriteFile(h, msg, (DWORD)len, &done, NULL))
        return tool_fail("send", name, GetLastError());
    return TOOL_EXIT_OK;
}

/* Each line of standard input is a message. */
static int send_lines(HANDLE h, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = TOOL_EXIT_OK;

    while (status == TOOL_EXIT_OK && (n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            n--;
        status = send_one(h, name, line, (size_t)n);
    }
    free(line);
    return status;
}

int cmd_send(int argc, char **argv)
{
    char name[512];
    int i, status = TOOL_EXIT_OK;
    HANDLE h;

    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (tool_is_help(argv[i])) {
            fputs(send_help, stdout);
            return TOOL_EXIT_OK;
        }
    }
    i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    else if (i < argc && argv[i][0] == '-' && argv[i][1])
        return tool_usage_error("send", "unknown option '%s'", argv[i]);
    if (i >= argc)
        return tool_usage_error("send", "a MAILSLOT name is needed");
    tool_object_name("mailslot", argv[i++], name, sizeof name);
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++; /* what follows is messages, even "-x" */
    h = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return tool_fail("send", name, GetLastError());
    if (i >= argc)
        status = send_lines(h, name);
    for (; i < argc && status == TOOL_EXIT_OK; i++)
        status = send_one(h, name, argv[i], strlen(argv[i]));
    CloseHandle(h);
    return status;
}

/* ---- recv ---------------------------------------------------------------- */

/* Reads one message into *buf (grown as the message needs). */
static BOOL recv_one(HANDLE h, char **buf, DWORD *cap, DWORD *got)
{
    for (;;) {
        DWORD next = MAILSLOT_NO_MESSAGE;
        char *grown;

        if (ReadFile(h, *buf, *cap, got, NULL))
            return TRUE;
        if (GetLastError() != ERROR_INSUFFICIENT_BUFFER)
            return FALSE;
        /* The message stays queued: make room for it and read again. */
        if (!GetMailslotInfo(h, NULL, &next, NULL, NULL))
            return FALSE;
        if (next == MAILSLOT_NO_MESSAGE || next <= *cap)
            continue;
        grown = realloc(*buf, next);
        if (!grown) {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return FALSE;
        }
        *buf = grown;
        *cap = next;
    }
}

struct recv_opts {
    const char *slot;
    DWORD timeout, count;
    int has_count, is_public;
};

static int recv_parse(int argc, char **argv, struct recv_opts *o, int *status)
{
    memset(o, 0, sizeof *o);
    o->timeout = MAILSLOT_WAIT_FOREVER;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (tool_is_help(argv[i])) {
            fputs(recv_help, stdout);
            *status = TOOL_EXIT_OK;
            return 0;
        }
        if ((r = tool_opt_value("recv", argc, argv, &i, "--timeout", &v))) {
            if (r < 0 || !tool_parse_dword("recv", "--timeout", v, &o->timeout))
                goto usage;
        } else if ((r = tool_opt_value("recv", argc, argv, &i, "--count",
                                       &v))) {
            if (r < 0 || !tool_parse_dword("recv", "--count", v, &o->count))
                goto usage;
            o->has_count = 1;
        } else if (strcmp(argv[i], "--public") == 0) {
            o->is_public = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            *status = tool_usage_error("recv", "unknown option '%s'", argv[i]);
            return 0;
        } else if (!o->slot) {
            o->slot = argv[i];
        } else {
            *status =
                tool_usage_error("recv", "unexpected argument '%s'", argv[i]);
            return 0;
        }
    }
    if (o->slot)
        return 1;
    *status = tool_usage_error("recv", "a MAILSLOT name is needed");
    return 0;
usage:
    *status = TOOL_EXIT_USAGE;
    return 0;
}

int cmd_recv(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa;
    SECURITY_DESCRIPTOR sd;
    struct recv_opts o;
    char name[512];
    DWORD cap = 65536, got = 0, received = 0;
    char *buf;
    int status;
    HANDLE h;

    if (!recv_parse(argc, argv, &o, &status))
        return status;
    tool_object_name("mailslot", o.slot, name, sizeof name);
    h = CreateMailslotA(name, 0, o.timeout,
                        o.is_public ? tool_public_sa(&sa, &sd) : NULL);
    if (h == INVALID_HANDLE_VALUE)
        return tool_fail("recv", name, GetLastError());
    buf = malloc(cap);
    if (!buf) {
        CloseHandle(h);
        return tool_fail("recv", name, ERROR_NOT_ENOUGH_MEMORY);
    }
    status = TOOL_EXIT_OK;
    while (!o.has_count || received < o.count) {
        if (!recv_one(h, &buf, &cap, &got)) {
            DWORD err = GetLastError();
            if (err != ERROR_SEM_TIMEOUT || received == 0)
                status = tool_fail("recv", name, err);
            break;
        }
        received++;
        fwrite(buf, 1, got, stdout);
        putchar('\n');
        if (fflush(stdout) != 0)
            break; /* nobody reads our output any more */
    }
    free(buf);
    CloseHandle(h);
    return status;
}
