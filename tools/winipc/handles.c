/*
 * handles.c: "winipc handles [PID]", the handle table of a winipc process
 * (the view of Sysinternals' handle), through the per-process handle
 * service (process/service.h): its LIST request returns the table of another
 * process of this user; this process's own table is read directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "process/service.h"
#include "tool.h"

static const char handles_help[] =
    "Usage: winipc handles [PID] [--json]\n"
    "\n"
    "Shows the handle table of process PID, which must run winipc (every\n"
    "winipc process answers through its handle service, on the abstract\n"
    "socket \"winipc-svc-PID\", once it has created its first handle) and\n"
    "belong to this user (or the caller is root).  With no PID: this\n"
    "command's own table, with its standard handles, as a demonstration.\n"
    "\n"
    "Columns:\n"
    "  HANDLE     the value, as the process uses it (0x4, 0x8, ...)\n"
    "  TYPE       the object type, as Windows names it: File (files,\n"
    "             anonymous and named pipes, mailslots), Event, Process,\n"
    "             Thread...\n"
    "  ACCESS     the access mask granted to the handle, in hexadecimal\n"
    "  INHERIT    'yes' if the handle is inherited by child processes\n"
    "             (HANDLE_FLAG_INHERIT); '+protect' marks\n"
    "             HANDLE_FLAG_PROTECT_FROM_CLOSE\n"
    "  OBJECT     what it is (named pipe server or client end, mailslot\n"
    "             receiver or writer, manual- or auto-reset event or timer,\n"
    "             mutex, semaphore, file mapping with its protection and\n"
    "             size, the process id of a process) and the name of a\n"
    "             named object\n"
    "\n"
    "Options:\n"
    "  --json     one JSON object: pid, and handles, an array of objects\n"
    "             with value (a number), type, access, inherit,\n"
    "             protect_from_close, kind, name (null when unnamed) and\n"
    "             tag (winipc's own description of the object)\n"
    "\n"
    "The table is a snapshot: the process may change it at any moment.\n"
    "Exit status: 0; 1 on a Windows error: ERROR_INVALID_PARAMETER (no such\n"
    "process), ERROR_NOT_SUPPORTED (the process does not run winipc, or has\n"
    "no handle yet), ERROR_ACCESS_DENIED (another user's process); 2 for a\n"
    "bad command line.\n";

/* A mapping's PAGE_* protection by name. */
static const char *handle_protect(unsigned prot)
{
    switch (prot) {
    case PAGE_READONLY:
        return "PAGE_READONLY";
    case PAGE_READWRITE:
        return "PAGE_READWRITE";
    case PAGE_WRITECOPY:
        return "PAGE_WRITECOPY";
    case PAGE_EXECUTE_READ:
        return "PAGE_EXECUTE_READ";
    case PAGE_EXECUTE_READWRITE:
        return "PAGE_EXECUTE_READWRITE";
    case PAGE_EXECUTE_WRITECOPY:
        return "PAGE_EXECUTE_WRITECOPY";
    }
    return "PAGE_?";
}

/* What the inheritance tag says about the object, in words (into buf). */
static const char *handle_kind(const struct wipc_remote_handle *h, char *buf,
                               size_t len)
{
    int a = 0;

    if (strncmp(h->tag, "npipe.", 6) == 0) {
        unsigned type = 0;
        sscanf(h->tag + 6, "%d.%u", &a, &type);
        snprintf(buf, len, "named pipe %s (%s)", a ? "server" : "client",
                 type & PIPE_TYPE_MESSAGE ? "message" : "byte");
    } else if (strncmp(h->tag, "mailslot.", 9) == 0) {
        sscanf(h->tag + 9, "%d", &a);
        snprintf(buf, len, "mailslot %s", a ? "receiver" : "writer");
    } else if (strncmp(h->tag, "event.", 6) == 0) {
        sscanf(h->tag + 6, "%d", &a);
        snprintf(buf, len, "%s event", a ? "manual-reset" : "auto-reset");
    } else if (strncmp(h->tag, "timer.", 6) == 0) {
        sscanf(h->tag + 6, "%d", &a);
        snprintf(buf, len, "%s timer", a ? "manual-reset" : "auto-reset");
    } else if (strncmp(h->tag, "mapping.", 8) == 0) {
        unsigned prot = 0;
        unsigned long long size = 0;
        sscanf(h->tag + 8, "%u.%llu", &prot, &size);
        snprintf(buf, len, "file mapping (%s, %llu bytes)",
                 handle_protect(prot), size);
    } else if (strcmp(h->tag, "mutex") == 0 ||
               strcmp(h->tag, "semaphore") == 0) {
        snprintf(buf, len, "%s", h->tag);
    } else if (strncmp(h->tag, "process.", 8) == 0) {
        snprintf(buf, len, "process %s", h->tag + 8);
    } else if (strcmp(h->tag, "file") == 0) {
        snprintf(buf, len, "file or pipe");
    } else {
        snprintf(buf, len, "%s", h->tag[0] ? h->tag : "?");
    }
    return buf;
}

/* The process's command name from /proc (into buf), or "?". */
static const char *process_name(DWORD pid, char *buf, size_t len)
{
    char path[64];
    FILE *f;

    snprintf(path, sizeof path, "/proc/%lu/comm", (unsigned long)pid);
    snprintf(buf, len, "?");
    f = fopen(path, "r");
    if (f) {
        if (fgets(buf, (int)len, f))
            buf[strcspn(buf, "\n")] = '\0';
        fclose(f);
    }
    return buf;
}

static void handles_table(DWORD pid, const struct wipc_remote_handle *list,
                          size_t n)
{
    char comm[64];

    printf("pid %lu (%s): %zu handle%s\n", (unsigned long)pid,
           process_name(pid, comm, sizeof comm), n, n == 1 ? "" : "s");
    printf("%-8s %-9s %-10s %-8s %s\n", "HANDLE", "TYPE", "ACCESS", "INHERIT",
           "OBJECT");
    for (size_t i = 0; i < n; i++) {
        const struct wipc_remote_handle *h = &list[i];
        char value[24], kind[96];
        snprintf(value, sizeof value, "0x%lx",
                 (unsigned long)(uintptr_t)h->value);
        printf("%-8s %-9s 0x%08lx %-8s %s%s%s\n", value, h->type,
               (unsigned long)h->access,
               h->flags & HANDLE_FLAG_PROTECT_FROM_CLOSE
                   ? (h->flags & HANDLE_FLAG_INHERIT ? "yes+prot" : "no+prot")
                   : (h->flags & HANDLE_FLAG_INHERIT ? "yes" : "no"),
               handle_kind(h, kind, sizeof kind), h->name[0] ? " " : "",
               h->name);
    }
}

static void handles_json(DWORD pid, const struct wipc_remote_handle *list,
                         size_t n)
{
    printf("{\"pid\": %lu, \"handles\": [", (unsigned long)pid);
    for (size_t i = 0; i < n; i++) {
        const struct wipc_remote_handle *h = &list[i];
        char kind[96];
        printf("%s\n  {\"value\": %lu, \"type\": ", i ? "," : "",
               (unsigned long)(uintptr_t)h->value);
        tool_json_string(h->type);
        printf(", \"access\": %lu, \"inherit\": %s, "
               "\"protect_from_close\": %s, \"kind\": ",
               (unsigned long)h->access,
               h->flags & HANDLE_FLAG_INHERIT ? "true" : "false",
               h->flags & HANDLE_FLAG_PROTECT_FROM_CLOSE ? "true" : "false");
        tool_json_string(handle_kind(h, kind, sizeof kind));
        printf(", \"name\": ");
        if (h->name[0])
            tool_json_string(h->name);
        else
            printf("null");
        printf(", \"tag\": ");
        tool_json_string(h->tag);
        printf("}");
    }
    printf("%s]}\n", n ? "\n" : "");
}

int cmd_handles(int argc, char **argv)
{
    struct wipc_remote_handle *list;
    const char *pid_arg = NULL;
    char what[32];
    DWORD pid = GetCurrentProcessId();
    size_t n;
    int json = 0;
    DWORD err;

    for (int i = 1; i < argc; i++) {
        if (tool_is_help(argv[i])) {
            fputs(handles_help, stdout);
            return TOOL_EXIT_OK;
        }
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return tool_usage_error("handles", "unknown option '%s'", argv[i]);
        else if (!pid_arg)
            pid_arg = argv[i];
        else
            return tool_usage_error("handles", "unexpected argument '%s'",
                                    argv[i]);
    }
    if (pid_arg && !tool_parse_dword("handles", "PID", pid_arg, &pid))
        return TOOL_EXIT_USAGE;
    if (!pid_arg) {
        /* Something to show: the standard handles are made on first use. */
        GetStdHandle(STD_INPUT_HANDLE);
        GetStdHandle(STD_OUTPUT_HANDLE);
        GetStdHandle(STD_ERROR_HANDLE);
    }
    err = wipc_service_list(pid, &list, &n);
    if (err) {
        snprintf(what, sizeof what, "pid %lu", (unsigned long)pid);
        return tool_fail("handles", what, err);
    }
    if (json)
        handles_json(pid, list, n);
    else
        handles_table(pid, list, n);
    free(list);
    return TOOL_EXIT_OK;
}
