/*
 * parent.c: the parent process id Windows reports (see parent.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "../platform/platform_sys.h"
#include "parent.h"

DWORD wipc_parent_format(DWORD parent, char **env, char **slot)
{
    size_t cap = sizeof WIPC_PARENT_ENV + WIPC_PLAT_PID_SLOT + 16;
    char *p = malloc(cap);

    *env = p;
    *slot = NULL;
    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    snprintf(p, cap, "%s=%0*u:%0*lu", WIPC_PARENT_ENV, WIPC_PLAT_PID_SLOT, 0u,
             WIPC_PLAT_PID_SLOT, (unsigned long)parent);
    *slot = p + sizeof WIPC_PARENT_ENV;
    return 0;
}

/* The PARENT of a "CHILD:PARENT" value whose CHILD is pid: 0, or
 * ERROR_NOT_FOUND (malformed, or made for another process). */
static DWORD parent_parse(const char *v, DWORD pid, DWORD *parent)
{
    unsigned long child, par;
    char *end;

    if (strlen(v) < WIPC_PLAT_PID_SLOT + 2 || v[WIPC_PLAT_PID_SLOT] != ':')
        return ERROR_NOT_FOUND;
    for (int i = 0; i < WIPC_PLAT_PID_SLOT; i++)
        if (v[i] < '0' || v[i] > '9')
            return ERROR_NOT_FOUND;
    child = strtoul(v, NULL, 10);
    if (v[WIPC_PLAT_PID_SLOT + 1] < '0' || v[WIPC_PLAT_PID_SLOT + 1] > '9')
        return ERROR_NOT_FOUND;
    par = strtoul(v + WIPC_PLAT_PID_SLOT + 1, &end, 10);
    if (*end || child != pid || par > 0xffffffffu)
        return ERROR_NOT_FOUND;
    *parent = (DWORD)par;
    return 0;
}

/* This process's parent: taken before main() (pid: the process it was
 * taken in; a fork()ed child is another process, whose parent is the
 * process that forked it). */
static struct {
    DWORD pid, parent;
    char *in_place; /* this process's entry in its starting environment */
} self_parent;

char *wipc_parent_own_entry(void)
{
    return self_parent.pid == wipc_plat_getpid() ? self_parent.in_place : NULL;
}

void wipc_parent_adopt(void)
{
    char *place = wipc_plat_env_in_place(WIPC_PARENT_ENV);
    char *v = wipc_plat_take_env(WIPC_PARENT_ENV);
    DWORD pid = wipc_plat_getpid(), parent;

    /* Its own entry, of the fixed width a child can write over. */
    if (place && strlen(place) == WIPC_PLAT_PARENT_VALUE && v &&
        parent_parse(v, pid, &parent) == 0)
        self_parent.in_place = place;
    if (!v || parent_parse(v, pid, &parent) != 0)
        parent = wipc_plat_getppid();
    free(v);
    self_parent.parent = parent;
    self_parent.pid = pid;
}

DWORD wipc_parent_of(DWORD pid, DWORD *parent)
{
    char v[64];
    struct wipc_proc_brief b;

    if (pid == wipc_plat_getpid()) {
        /* A fork of the process that took it: its parent is that process
         * (the first look after the fork). */
        if (self_parent.pid != pid)
            *parent = wipc_plat_getppid();
        else
            *parent = self_parent.parent;
        return 0;
    }
    if (wipc_plat_process_env_value(pid, WIPC_PARENT_ENV, v, sizeof v) == 0 &&
        parent_parse(v, pid, parent) == 0)
        return 0;
    if (wipc_plat_process_brief(pid, &b) != 0)
        return ERROR_INVALID_PARAMETER;
    *parent = b.ppid;
    return 0;
}
