/*
 * objects.c: "winipc objects", the named events, mutexes, semaphores,
 * waitable timers and file mappings that some process holds (WinObj's
 * view of BaseNamedObjects), as a table or as JSON.
 *
 * It reads the names' registry files (objects/sync.h): which processes
 * hold each object by name, whose it is, whether it is public; and the
 * object's state (signalled, owner, count, size), from the object a holder
 * gives, as to OpenEvent (the tool takes no slot: it is not listed as a
 * holder).
 */
#include <stdio.h>
#include <string.h>

#include "objects/sync.h"
#include "tool.h"

static const char objects_help[] =
    "Usage: winipc objects [--json]\n"
    "\n"
    "Lists the named events, mutexes, semaphores, waitable timers and file\n"
    "mappings that at least one process holds by name, with, for each:\n"
    "  NAME       the name as it was created (\"Global\\\\\" kept; \"Local\\\\\"\n"
    "             is the same as no prefix)\n"
    "  TYPE       Event, Mutant, Semaphore, Timer or Section (Windows' type\n"
    "             names)\n"
    "  USER       the user that created it ('public' at the end: made with a\n"
    "             NULL DACL, any user may open it)\n"
    "  HOLDERS    the processes that created or opened it by name (a process\n"
    "             given a handle otherwise is not listed)\n"
    "  STATE      Event and Timer: signalled or not, manual- or auto-reset;\n"
    "             Mutant: free, or owned by PID.TID (N times), abandoned\n"
    "             (its owner ended owning it: the next wait hears\n"
    "             WAIT_ABANDONED); Semaphore: count N of MAX; Section: its\n"
    "             size in bytes; Job: '-' (not shown); '?' if no holder\n"
    "             gave the object\n"
    "\n"
    "Options:\n"
    "  --json     one JSON array, an object per name: name, type, uid,\n"
    "             user, public, holder_pids, state (null, or an object:\n"
    "             signalled and manual_reset for events and timers;\n"
    "             owner_pid and owner_tid (0 while free), recursion and\n"
    "             abandoned for mutexes; count and maximum for semaphores;\n"
    "             size for sections)\n"
    "\n"
    "Another user's private names cannot be read and are not shown.\n"
    "Objects live under $WINIPC_ROOT (default /tmp/.winipc).\n";

static void holders(const struct wipc_sync_status *o, char *buf, size_t len,
                    int json)
{
    size_t used = (size_t)snprintf(buf, len, "%s", json ? "[" : "");
    size_t shown = o->nholders < WIPC_SYNC_HOLDERS_MAX ? o->nholders
                                                       : WIPC_SYNC_HOLDERS_MAX;
    for (size_t i = 0; i < shown && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%lu",
                                 i == 0 ? "" : json ? ", " : ",",
                                 (unsigned long)o->holders[i]);
    if (!json && o->nholders > shown && used < len)
        used += (size_t)snprintf(buf + used, len - used, ",...");
    if (json && used < len)
        snprintf(buf + used, len - used, "]");
}

/* The STATE column (into buf). */
static const char *state_text(const struct wipc_sync_status *o, char *buf,
                              size_t len)
{
    if (!o->has_state) {
        snprintf(buf, len, o->kind == WIPC_SYNC_JOB ? "-" : "?");
        return buf;
    }
    switch (o->kind) {
    case WIPC_SYNC_EVENT:
    case WIPC_SYNC_TIMER:
        snprintf(buf, len, "%s, %s", o->signalled ? "signalled" : "not signalled",
                 o->manual_reset ? "manual-reset" : "auto-reset");
        break;
    case WIPC_SYNC_MUTEX:
        if (o->owner_pid)
            snprintf(buf, len, "owned by %lu.%lu (%lu time%s)",
                     (unsigned long)o->owner_pid, (unsigned long)o->owner_tid,
                     (unsigned long)o->recursion, o->recursion == 1 ? "" : "s");
        else
            snprintf(buf, len, "%s", o->abandoned ? "abandoned" : "free");
        break;
    case WIPC_SYNC_SEMAPHORE:
        snprintf(buf, len, "count %lld of %lld", (long long)o->count,
                 (long long)o->maximum);
        break;
    case WIPC_SYNC_MAPPING:
        snprintf(buf, len, "%llu bytes", (unsigned long long)o->size);
        break;
    case WIPC_SYNC_JOB:
        break;
    }
    return buf;
}

/* The JSON "state" value. */
static void state_json(const struct wipc_sync_status *o)
{
    if (!o->has_state) {
        printf("null");
        return;
    }
    switch (o->kind) {
    case WIPC_SYNC_EVENT:
    case WIPC_SYNC_TIMER:
        printf("{\"signalled\": %s, \"manual_reset\": %s}",
               o->signalled ? "true" : "false",
               o->manual_reset ? "true" : "false");
        break;
    case WIPC_SYNC_MUTEX:
        printf("{\"owner_pid\": %lu, \"owner_tid\": %lu, \"recursion\": %lu, "
               "\"abandoned\": %s}",
               (unsigned long)o->owner_pid, (unsigned long)o->owner_tid,
               (unsigned long)o->recursion, o->abandoned ? "true" : "false");
        break;
    case WIPC_SYNC_SEMAPHORE:
        printf("{\"count\": %lld, \"maximum\": %lld}", (long long)o->count,
               (long long)o->maximum);
        break;
    case WIPC_SYNC_MAPPING:
        printf("{\"size\": %llu}", (unsigned long long)o->size);
        break;
    case WIPC_SYNC_JOB:
        printf("null");
        break;
    }
}

int cmd_objects(int argc, char **argv)
{
    struct wipc_sync_status *list;
    size_t n, i, w = 4;
    int json = 0;
    DWORD err;

    for (int a = 1; a < argc; a++) {
        if (tool_is_help(argv[a])) {
            fputs(objects_help, stdout);
            return TOOL_EXIT_OK;
        }
        if (strcmp(argv[a], "--json") == 0) {
            json = 1;
            continue;
        }
        return tool_usage_error("objects", "unexpected argument '%s'",
                                argv[a]);
    }
    err = wipc_sync_list(&list, &n);
    if (err)
        return tool_fail("objects", NULL, err);
    for (i = 0; i < n; i++)
        if (strlen(list[i].name) > w)
            w = strlen(list[i].name);
    if (!json)
        printf("%-*s  %-9s  %-10s  %-12s  %s\n", (int)w, "NAME", "TYPE",
               "USER", "HOLDERS", "STATE");
    else
        printf("[");
    for (i = 0; i < n; i++) {
        const struct wipc_sync_status *o = &list[i];
        char pids[256], user[64], state[96];
        holders(o, pids, sizeof pids, json);
        tool_user_name(o->owner_uid, user, sizeof user);
        if (!json) {
            printf("%-*s  %-9s  %-10s  %-12s  %s%s\n", (int)w, o->name,
                   wipc_sync_kind_name(o->kind), user, pids,
                   state_text(o, state, sizeof state),
                   o->is_public ? "  public" : "");
            continue;
        }
        printf("%s\n  {\"name\": ", i ? "," : "");
        tool_json_string(o->name);
        printf(", \"type\": \"%s\", \"uid\": %lu, \"user\": ",
               wipc_sync_kind_name(o->kind), (unsigned long)o->owner_uid);
        tool_json_string(user);
        printf(", \"public\": %s, \"holder_pids\": %s, \"state\": ",
               o->is_public ? "true" : "false", pids);
        state_json(o);
        printf("}");
    }
    if (json)
        printf("%s]\n", n ? "\n" : "");
    free(list);
    return TOOL_EXIT_OK;
}
