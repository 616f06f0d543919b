/*
 * objects.c: "winipc objects", the named events, mutexes, semaphores,
 * waitable timers and file mappings that some process holds (WinObj's
 * view of BaseNamedObjects), as a table or as JSON.
 *
 * It reads the names' registry files (objects/sync.h): which processes
 * hold each object by name, whose it is, whether it is public.  The
 * object's state (signalled, owner, count) lives in its holders'
 * descriptors, which the tool does not take: it is not shown.
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
    "\n"
    "Options:\n"
    "  --json     one JSON array, an object per name: name, type, uid,\n"
    "             user, public, holder_pids\n"
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
        printf("%-*s  %-9s  %-10s  %s\n", (int)w, "NAME", "TYPE", "USER",
               "HOLDERS");
    else
        printf("[");
    for (i = 0; i < n; i++) {
        const struct wipc_sync_status *o = &list[i];
        char pids[256], user[64];
        holders(o, pids, sizeof pids, json);
        tool_user_name(o->owner_uid, user, sizeof user);
        if (!json) {
            printf("%-*s  %-9s  %-10s  %s%s\n", (int)w, o->name,
                   wipc_sync_kind_name(o->kind), user, pids,
                   o->is_public ? "  public" : "");
            continue;
        }
        printf("%s\n  {\"name\": ", i ? "," : "");
        tool_json_string(o->name);
        printf(", \"type\": \"%s\", \"uid\": %lu, \"user\": ",
               wipc_sync_kind_name(o->kind), (unsigned long)o->owner_uid);
        tool_json_string(user);
        printf(", \"public\": %s, \"holder_pids\": %s}",
               o->is_public ? "true" : "false", pids);
    }
    if (json)
        printf("%s]\n", n ? "\n" : "");
    free(list);
    return TOOL_EXIT_OK;
}
