/*
 * inherit.c: handle inheritance across CreateProcess (see inherit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../objects/objects.h"
#include "inherit.h"

#define INHERIT_TAG_MAX 48

DWORD wipc_inherit_prepare(struct wipc_inherit *inh)
{
    size_t i, cap, len, entries = 0;
    DWORD err;

    memset(inh, 0, sizeof *inh);
    err = wipc_handle_list_inheritable(&inh->list, &inh->list_n);
    if (err || inh->list_n == 0)
        return err;
    /* A process handle may take a second descriptor along. */
    inh->fds = calloc(2 * inh->list_n, sizeof *inh->fds);
    inh->owned = calloc(inh->list_n, sizeof *inh->owned);
    cap = sizeof WIPC_INHERIT_ENV + inh->list_n * (3 * 20 + INHERIT_TAG_MAX);
    inh->env = malloc(cap);
    if (!inh->fds || !inh->owned || !inh->env)
        return ERROR_NOT_ENOUGH_MEMORY;
    len = (size_t)snprintf(inh->env, cap, "%s=", WIPC_INHERIT_ENV);
    for (i = 0; i < inh->list_n; i++) {
        struct wipc_handle_info *h = &inh->list[i];
        char tag[INHERIT_TAG_MAX];
        int fd = -1, rec_fd = -1;

        if (!h->obj->ops->inherit_info)
            continue; /* threads do not cross processes */
        h->obj->ops->inherit_info(h->obj, &fd, tag, sizeof tag);
        if (fd < 0)
            continue;
        inh->fds[inh->n] = fd;
        /* A process: its exit record goes along, held for the child from
         * now on ("process.PID.FD", see exit_record.h). */
        if (h->obj->ops == &wipc_process_ops &&
            wipc_process_share_fd(h->obj, &rec_fd) == 0) {
            size_t tl = strlen(tag);
            inh->owned[inh->n_owned++] = rec_fd;
            inh->fds[inh->n + 1] = rec_fd;
            snprintf(tag + tl, sizeof tag - tl, ".%zu", 3 + inh->n + 1);
        }
        len += (size_t)snprintf(inh->env + len, cap - len,
                                "%s%#lx:%zu:%#x:%u:%s", entries++ ? ";" : "",
                                (unsigned long)(uintptr_t)h->value,
                                3 + inh->n, (unsigned)h->access,
                                (unsigned)h->flags, tag);
        inh->n += rec_fd >= 0 ? 2 : 1;
    }
    if (inh->n == 0) {
        free(inh->env);
        inh->env = NULL;
    }
    return 0;
}

void wipc_inherit_release(struct wipc_inherit *inh)
{
    for (size_t i = 0; i < inh->n_owned; i++)
        wipc_plat_close(inh->owned[i]);
    free(inh->owned);
    wipc_handle_list_free(inh->list, inh->list_n);
    free(inh->fds);
    free(inh->env);
    memset(inh, 0, sizeof *inh);
}

/* Rebuilds one object from its tag, taking over fd. */
static DWORD inherit_make(const char *tag, int fd, struct wipc_object **obj)
{
    if (strcmp(tag, "file") == 0)
        return wipc_file_wrap(fd, obj);
    if (strncmp(tag, "event.", 6) == 0)
        return wipc_event_adopt(fd, tag[6] == '1', obj);
    if (strncmp(tag, "mailslot.", 9) == 0)
        return wipc_mailslot_adopt(fd, tag + 9, obj);
    if (strncmp(tag, "npipe.", 6) == 0)
        return wipc_npipe_adopt(fd, tag + 6, obj);
    if (strncmp(tag, "process.", 8) == 0)
        return wipc_process_get((DWORD)strtoul(tag + 8, NULL, 10), fd, obj);
    return ERROR_INVALID_DATA;
}

/* Parses "VALUE:FD:ACCESS:FLAGS:TAG" and enters it. */
static void inherit_adopt_one(char *item)
{
    char *fields[5], *save = NULL;
    struct wipc_object *obj;
    unsigned long value;
    int i, fd;

    for (i = 0; i < 5; i++) {
        fields[i] = strtok_r(i ? NULL : item, ":", &save);
        if (!fields[i])
            return;
    }
    value = strtoul(fields[0], NULL, 16);
    fd = (int)strtol(fields[1], NULL, 10);
    if (fd < 3 || wipc_plat_set_cloexec(fd) != 0)
        return;
    if (strncmp(fields[4], "process.", 8) == 0) {
        /* "process.PID" or "process.PID.FD": FD its exit record's. */
        char *end;
        DWORD pid = (DWORD)strtoul(fields[4] + 8, &end, 10);
        int rec_fd = *end == '.' ? (int)strtol(end + 1, NULL, 10) : -1;
        if (rec_fd >= 0 &&
            (rec_fd < 3 || rec_fd == fd || wipc_plat_set_cloexec(rec_fd) != 0))
            rec_fd = -1;
        /* wipc_process_adopt takes both descriptors, also on failure. */
        if (wipc_process_adopt(pid, fd, rec_fd, &obj) != 0)
            return;
    } else if (inherit_make(fields[4], fd, &obj) != 0) {
        wipc_plat_close(fd);
        return;
    }
    wipc_handle_alloc_at((HANDLE)(uintptr_t)value, obj,
                         (ACCESS_MASK)strtoul(fields[2], NULL, 16),
                         (DWORD)strtoul(fields[3], NULL, 10));
    wipc_object_release(obj);
}

void wipc_inherit_adopt(void)
{
    char *list = wipc_plat_take_env(WIPC_INHERIT_ENV);
    char *item, *save = NULL;

    if (!list)
        return;
    for (item = strtok_r(list, ";", &save); item;
         item = strtok_r(NULL, ";", &save))
        inherit_adopt_one(item);
    free(list);
}

DWORD wipc_inherit_describe(struct wipc_object *obj, int *fd, char *tag,
                            size_t taglen)
{
    *fd = -1;
    if (!obj->ops->inherit_info)
        return ERROR_NOT_SUPPORTED;
    if (obj->ops == &wipc_process_ops)
        wipc_process_prepare_share(obj);
    obj->ops->inherit_info(obj, fd, tag, taglen);
    return *fd < 0 ? ERROR_NOT_SUPPORTED : 0;
}

DWORD wipc_inherit_rebuild(const char *tag, int fd, struct wipc_object **obj)
{
    DWORD err = inherit_make(tag, fd, obj);
    /* wipc_process_get keeps (and on failure closes) the pidfd itself;
     * the other constructors leave fd to the caller when they fail. */
    if (err && strncmp(tag, "process.", 8) != 0)
        wipc_plat_close(fd);
    return err;
}
