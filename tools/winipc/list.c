/*
 * list.c: "winipc pipes" and "winipc mailslots", the live named objects of
 * the namespace (pipelist's view), as a table or as JSON.
 *
 * They read the registry files through the library's internal listing
 * functions (objects/registry_list.h): no process is asked anything, so what
 * only a receiver knows (the messages it holds) cannot be shown.
 */
#include <stdio.h>
#include <string.h>

#include "objects/registry_list.h"
#include "tool.h"

static const char pipes_help[] =
    "Usage: winipc pipes [--json]\n"
    "\n"
    "Lists the named pipes that have at least one live server instance,\n"
    "with, for each:\n"
    "  NAME       the name, as its server gave it (\\\\.\\pipe\\...)\n"
    "  PID        the server process(es) holding its instances\n"
    "  USER       the user that created it ('public' pipes admit any user)\n"
    "  INST       live instances: listening for a client, connected, or\n"
    "             disconnected and kept for the next client\n"
    "  LISTEN     how many of them wait for a client right now\n"
    "  MAX        the instance limit (PIPE_UNLIMITED_INSTANCES: 'unlimited')\n"
    "  TYPE       byte or message\n"
    "  READMODE   the read mode its instances were created with (each\n"
    "             handle may change its own with SetNamedPipeHandleState)\n"
    "  ACCESS     inbound, outbound or duplex, as the server sees it\n"
    "\n"
    "Options:\n"
    "  --json     one JSON array, an object per pipe: name, server_pids,\n"
    "             uid, user, public, instances, listening, max_instances\n"
    "             (null when unlimited), type, read_mode, access,\n"
    "             in_buffer_size, out_buffer_size, default_timeout_ms\n"
    "\n"
    "Another user's private pipes cannot be read and are not shown.\n"
    "Objects live under $WINIPC_ROOT (default /tmp/.winipc).\n";

static const char mailslots_help[] =
    "Usage: winipc mailslots [--json]\n"
    "\n"
    "Lists the mailslots whose receiver is alive, with, for each:\n"
    "  NAME       the name, as its receiver gave it (\\\\.\\mailslot\\...)\n"
    "  PID        the process that created the receiver; '?' once it has\n"
    "             exited (an inherited receiver handle keeps the mailslot)\n"
    "  USER       the user that created it ('public' admits any writer)\n"
    "  MAXMSG     the largest message it takes ('any': no limit)\n"
    "  QUEUED     always '?': messages wait in the receiver's socket and in\n"
    "             the receiver's own memory, where only the receiver can\n"
    "             count them (GetMailslotInfo); no other process can\n"
    "\n"
    "Options:\n"
    "  --json     one JSON array, an object per mailslot: name,\n"
    "             receiver_pid (null if unknown), uid, user, public,\n"
    "             max_message_size (null: no limit), queued (always null)\n"
    "\n"
    "Another user's private mailslots cannot be read and are not shown.\n"
    "Objects live under $WINIPC_ROOT (default /tmp/.winipc).\n";

/* --json, --help, or a usage error: 1 to go on, else *status is set. */
static int list_parse(const char *cmd, const char *help, int argc, char **argv,
                      int *json, int *status)
{
    *json = 0;
    for (int i = 1; i < argc; i++) {
        if (tool_is_help(argv[i])) {
            fputs(help, stdout);
            *status = TOOL_EXIT_OK;
            return 0;
        }
        if (strcmp(argv[i], "--json") == 0) {
            *json = 1;
            continue;
        }
        *status = tool_usage_error(cmd, "unexpected argument '%s'", argv[i]);
        return 0;
    }
    return 1;
}

static const char *pipe_access(DWORD open_mode)
{
    switch (open_mode & PIPE_ACCESS_DUPLEX) {
    case PIPE_ACCESS_INBOUND:
        return "inbound";
    case PIPE_ACCESS_OUTBOUND:
        return "outbound";
    default:
        return "duplex";
    }
}

/* The distinct server pids of a pipe, in slot order, as "1,2" into buf or
 * as a JSON array. */
static void pipe_pids(const struct wipc_npipe_status *p, char *buf, size_t len,
                      int json)
{
    size_t used = 0;
    int first = 1;

    buf[0] = '\0';
    if (json)
        used += (size_t)snprintf(buf, len, "[");
    for (size_t i = 0; i < p->ninstances && used < len; i++) {
        DWORD pid = p->instances[i].server_pid;
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= p->instances[j].server_pid == pid;
        if (seen)
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%lu",
                                 first  ? ""
                                 : json ? ", "
                                        : ",",
                                 (unsigned long)pid);
        first = 0;
    }
    if (json && used < len)
        snprintf(buf + used, len - used, "]");
}

static size_t pipe_listening(const struct wipc_npipe_status *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->ninstances; i++)
        n += p->instances[i].listening != 0;
    return n;
}

static void pipes_table(const struct wipc_npipe_status *list, size_t n)
{
    size_t w = 4;
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i].name) > w)
            w = strlen(list[i].name);
    printf("%-*s  %-12s %-10s %5s %6s %9s  %-7s  %-8s  %s\n", (int)w, "NAME",
           "PID", "USER", "INST", "LISTEN", "MAX", "TYPE", "READMODE",
           "ACCESS");
    for (size_t i = 0; i < n; i++) {
        const struct wipc_npipe_status *p = &list[i];
        char pids[256], user[64], max[16];
        pipe_pids(p, pids, sizeof pids, 0);
        tool_user_name(p->owner_uid, user, sizeof user);
        if (p->max_instances >= PIPE_UNLIMITED_INSTANCES)
            snprintf(max, sizeof max, "unlimited");
        else
            snprintf(max, sizeof max, "%lu", (unsigned long)p->max_instances);
        printf("%-*s  %-12s %-10s %5zu %6zu %9s  %-7s  %-8s  %s%s\n", (int)w,
               p->name, pids, user, p->ninstances, pipe_listening(p), max,
               p->pipe_type & PIPE_TYPE_MESSAGE ? "message" : "byte",
               p->read_mode & PIPE_READMODE_MESSAGE ? "message" : "byte",
               pipe_access(p->open_mode), p->is_public ? " public" : "");
    }
}

static void pipes_json(const struct wipc_npipe_status *list, size_t n)
{
    printf("[");
    for (size_t i = 0; i < n; i++) {
        const struct wipc_npipe_status *p = &list[i];
        char pids[512], user[64];
        pipe_pids(p, pids, sizeof pids, 1);
        printf("%s\n  {\"name\": ", i ? "," : "");
        tool_json_string(p->name);
        printf(", \"server_pids\": %s, \"uid\": %lu, \"user\": ", pids,
               (unsigned long)p->owner_uid);
        tool_json_string(tool_user_name(p->owner_uid, user, sizeof user));
        printf(", \"public\": %s, \"instances\": %zu, \"listening\": %zu, ",
               p->is_public ? "true" : "false", p->ninstances,
               pipe_listening(p));
        if (p->max_instances >= PIPE_UNLIMITED_INSTANCES)
            printf("\"max_instances\": null, ");
        else
            printf("\"max_instances\": %lu, ", (unsigned long)p->max_instances);
        printf("\"type\": \"%s\", \"read_mode\": \"%s\", \"access\": \"%s\", "
               "\"in_buffer_size\": %lu, \"out_buffer_size\": %lu, "
               "\"default_timeout_ms\": %lu}",
               p->pipe_type & PIPE_TYPE_MESSAGE ? "message" : "byte",
               p->read_mode & PIPE_READMODE_MESSAGE ? "message" : "byte",
               pipe_access(p->open_mode), (unsigned long)p->in_size,
               (unsigned long)p->out_size, (unsigned long)p->default_timeout);
    }
    printf("%s]\n", n ? "\n" : "");
}

int cmd_pipes(int argc, char **argv)
{
    struct wipc_npipe_status *list;
    size_t n;
    int json, status;
    DWORD err;

    if (!list_parse("pipes", pipes_help, argc, argv, &json, &status))
        return status;
    err = wipc_registry_list_pipes(&list, &n);
    if (err)
        return tool_fail("pipes", NULL, err);
    if (json)
        pipes_json(list, n);
    else
        pipes_table(list, n);
    wipc_registry_free_pipes(list, n);
    return TOOL_EXIT_OK;
}

/* ---- Mailslots ----------------------------------------------------------- */

/* The receiver's pid if that process still runs, else 0 (unknown). */
static DWORD mailslot_pid(const struct wipc_mailslot_status *m)
{
    return tool_pid_exists(m->receiver_pid) ? m->receiver_pid : 0;
}

static void mailslots_table(const struct wipc_mailslot_status *list, size_t n)
{
    size_t w = 4;
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i].name) > w)
            w = strlen(list[i].name);
    printf("%-*s  %-8s %-10s %8s %7s\n", (int)w, "NAME", "PID", "USER",
           "MAXMSG", "QUEUED");
    for (size_t i = 0; i < n; i++) {
        const struct wipc_mailslot_status *m = &list[i];
        char pid[16], user[64], max[16];
        DWORD p = mailslot_pid(m);
        if (p)
            snprintf(pid, sizeof pid, "%lu", (unsigned long)p);
        else
            snprintf(pid, sizeof pid, "?");
        if (m->max_msg)
            snprintf(max, sizeof max, "%lu", (unsigned long)m->max_msg);
        else
            snprintf(max, sizeof max, "any");
        printf("%-*s  %-8s %-10s %8s %7s%s\n", (int)w, m->name, pid,
               tool_user_name(m->owner_uid, user, sizeof user), max, "?",
               m->is_public ? "  public" : "");
    }
}

static void mailslots_json(const struct wipc_mailslot_status *list, size_t n)
{
    printf("[");
    for (size_t i = 0; i < n; i++) {
        const struct wipc_mailslot_status *m = &list[i];
        char user[64];
        DWORD p = mailslot_pid(m);
        printf("%s\n  {\"name\": ", i ? "," : "");
        tool_json_string(m->name);
        if (p)
            printf(", \"receiver_pid\": %lu", (unsigned long)p);
        else
            printf(", \"receiver_pid\": null");
        printf(", \"uid\": %lu, \"user\": ", (unsigned long)m->owner_uid);
        tool_json_string(tool_user_name(m->owner_uid, user, sizeof user));
        printf(", \"public\": %s, ", m->is_public ? "true" : "false");
        if (m->max_msg)
            printf("\"max_message_size\": %lu, ", (unsigned long)m->max_msg);
        else
            printf("\"max_message_size\": null, ");
        printf("\"queued\": null}");
    }
    printf("%s]\n", n ? "\n" : "");
}

int cmd_mailslots(int argc, char **argv)
{
    struct wipc_mailslot_status *list;
    size_t n;
    int json, status;
    DWORD err;

    if (!list_parse("mailslots", mailslots_help, argc, argv, &json, &status))
        return status;
    err = wipc_registry_list_mailslots(&list, &n);
    if (err)
        return tool_fail("mailslots", NULL, err);
    if (json)
        mailslots_json(list, n);
    else
        mailslots_table(list, n);
    wipc_registry_free_mailslots(list, n);
    return TOOL_EXIT_OK;
}
