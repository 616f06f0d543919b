/*
 * inherit.c: handle inheritance across CreateProcess (see inherit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/io.h"
#include "../objects/objects.h"
#include "../objects/sync.h"
#include "inherit.h"
#include "job.h"
#include "process.h"
#include "service.h"

/* The second descriptor that goes with obj to another process, made for
 * it (the caller closes it), or -1: a link to the completion port obj is
 * associated with (core/io.h); for a named pipe end, a bundle of its
 * quota's pages and that link (objects.h, wipc_npipe_share_out). */
static DWORD inherit_second_out(struct wipc_object *obj, int *fd)
{
    if (obj->ops == &wipc_npipe_ops)
        return wipc_npipe_share_out(obj, fd);
    return wipc_io_link_out(obj, fd);
}

/* The other side: obj just rebuilt takes fd (-1: none) over. */
static void inherit_second_in(struct wipc_object *obj, int fd)
{
    if (obj->ops == &wipc_npipe_ops)
        wipc_npipe_share_in(obj, fd);
    else
        wipc_io_link_in(obj, fd);
}

/* One item: "VALUE:FD:ACCESS:FLAGS:TAG" (TAG ".RECFD" for a record). */
static size_t inherit_format_item(const struct wipc_inherit_item *it, char *buf,
                                  size_t cap)
{
    int n;
    size_t len;
    if (it->rec_fd >= 0)
        n = snprintf(buf, cap, "%#lx:%d:%#x:%u:%s.%d",
                     (unsigned long)(uintptr_t)it->value, it->fd,
                     (unsigned)it->access, (unsigned)it->flags, it->tag,
                     it->rec_fd);
    else
        n = snprintf(buf, cap, "%#lx:%d:%#x:%u:%s",
                     (unsigned long)(uintptr_t)it->value, it->fd,
                     (unsigned)it->access, (unsigned)it->flags, it->tag);
    len = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
    /* A port link: "/FD" (no tag holds a '/'). */
    if (it->link_fd > 2 && len < cap) {
        n = snprintf(buf + len, cap - len, "/%d", it->link_fd);
        len += n < 0 ? 0 : (size_t)n < cap - len ? (size_t)n : cap - len - 1;
    }
    return len;
}

DWORD wipc_inherit_format(const struct wipc_inherit_item *items, size_t n,
                          char **env)
{
    /* Per item: three numbers of up to 20 characters, three of up to 11,
     * the tag, the separators. */
    size_t cap = sizeof WIPC_INHERIT_ENV + 1 +
                 n * (3 * 20 + 3 * 11 + WIPC_INHERIT_TAG_MAX + 8);
    size_t len;

    *env = NULL;
    if (n == 0)
        return 0;
    *env = malloc(cap);
    if (!*env)
        return ERROR_NOT_ENOUGH_MEMORY;
    len = (size_t)snprintf(*env, cap, "%s=", WIPC_INHERIT_ENV);
    for (size_t i = 0; i < n; i++) {
        if (i)
            (*env)[len++] = ';';
        len += inherit_format_item(&items[i], *env + len, cap - len);
    }
    return 0;
}

/* 1 if value is among only[0..n-1] (or only is NULL: all are). */
static int inherit_listed(HANDLE value, const HANDLE *only, size_t n)
{
    if (!only)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (only[i] == value)
            return 1;
    return 0;
}

/* The descriptors and WINIPC_HANDLES of inh->list's handles. */
static DWORD inherit_describe_list(struct wipc_inherit *inh,
                                   const HANDLE *only, size_t n_only)
{
    size_t i;

    if (inh->list_n == 0)
        return 0;
    /* A process handle may take a second descriptor along. */
    inh->fds = calloc(2 * inh->list_n, sizeof *inh->fds);
    inh->owned = calloc(inh->list_n, sizeof *inh->owned);
    inh->items = calloc(inh->list_n, sizeof *inh->items);
    if (!inh->fds || !inh->owned || !inh->items)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (i = 0; i < inh->list_n; i++) {
        struct wipc_handle_info *h = &inh->list[i];
        struct wipc_inherit_item *it = &inh->items[inh->n_items];
        int fd = -1, rec_fd = -1;

        if (!h->obj->ops->inherit_info)
            continue; /* threads do not cross processes */
        if (!inherit_listed(h->value, only, n_only))
            continue; /* PROC_THREAD_ATTRIBUTE_HANDLE_LIST names others */
        h->obj->ops->inherit_info(h->obj, &fd, it->tag, sizeof it->tag);
        if (fd < 0)
            continue;
        it->value = h->value;
        it->access = h->access;
        it->flags = h->flags;
        it->fd = (int)(3 + inh->n);
        it->rec_fd = -1;
        inh->fds[inh->n++] = fd;
        /* A process: its exit record goes along, held for the child from
         * now on ("process.PID.FD", see exit_record.h). */
        if (h->obj->ops == &wipc_process_ops &&
            wipc_process_share_fd(h->obj, &rec_fd) == 0) {
            inh->owned[inh->n_owned++] = rec_fd;
            it->rec_fd = (int)(3 + inh->n);
            inh->fds[inh->n++] = rec_fd;
        } else if ((rec_fd = wipc_sync_second_fd(h->obj)) >= 0) {
            /* A mutex's or semaphore's state: "mutex.FD" (owned by the
             * object, which the list holds). */
            it->rec_fd = (int)(3 + inh->n);
            inh->fds[inh->n++] = rec_fd;
        } else if (inherit_second_out(h->obj, &rec_fd) == 0 && rec_fd >= 0) {
            /* A file associated with a completion port: a link to it,
             * "TAG/FD" (made for the child); a named pipe end: its quota
             * and that link. */
            inh->owned[inh->n_owned++] = rec_fd;
            it->link_fd = (int)(3 + inh->n);
            inh->fds[inh->n++] = rec_fd;
        }
        inh->n_items++;
    }
    return wipc_inherit_format(inh->items, inh->n_items, &inh->env);
}

DWORD wipc_inherit_prepare(struct wipc_inherit *inh, const HANDLE *only,
                           size_t n_only)
{
    DWORD err;

    memset(inh, 0, sizeof *inh);
    err = wipc_handle_list_inheritable(&inh->list, &inh->list_n);
    return err ? err : inherit_describe_list(inh, only, n_only);
}

DWORD wipc_inherit_prepare_from(struct wipc_inherit *inh,
                                struct wipc_object *parent, const HANDLE *only,
                                size_t n_only)
{
    DWORD err;

    memset(inh, 0, sizeof *inh);
    err = wipc_service_inheritable_of(parent, &inh->list, &inh->list_n);
    return err ? err : inherit_describe_list(inh, only, n_only);
}

void wipc_inherit_release(struct wipc_inherit *inh)
{
    for (size_t i = 0; i < inh->n_owned; i++)
        wipc_plat_close(inh->owned[i]);
    free(inh->owned);
    wipc_handle_list_free(inh->list, inh->list_n);
    free(inh->fds);
    free(inh->items);
    free(inh->env);
    memset(inh, 0, sizeof *inh);
}

/* Rebuilds one object from its tag, taking over fd. */
static DWORD inherit_make(const char *tag, int fd, struct wipc_object **obj)
{
    if (strcmp(tag, "file") == 0)
        return wipc_file_wrap(fd, obj);
    if (strncmp(tag, "timer.", 6) == 0)
        return wipc_timer_adopt(fd, tag[6] == '1', obj);
    if (strncmp(tag, "mapping.", 8) == 0)
        return wipc_mapping_adopt(fd, tag + 8, obj);
    if (strncmp(tag, "mailslot.", 9) == 0)
        return wipc_mailslot_adopt(fd, tag + 9, obj);
    if (strncmp(tag, "npipe.", 6) == 0)
        return wipc_npipe_adopt(fd, tag + 6, obj);
    if (strncmp(tag, "process.", 8) == 0)
        return wipc_process_get((DWORD)strtoul(tag + 8, NULL, 10), fd, obj);
    if (strncmp(tag, "job.", 4) == 0)
        return wipc_job_adopt(fd, tag + 4, obj);
    return ERROR_INVALID_DATA;
}

/* Parses "VALUE:FD:ACCESS:FLAGS:TAG" and enters it. */
static void inherit_adopt_one(char *item)
{
    char *fields[5], *save = NULL, *slash;
    struct wipc_object *obj;
    unsigned long value;
    int i, fd, link = -1;

    for (i = 0; i < 5; i++) {
        fields[i] = strtok_r(i ? NULL : item, ":", &save);
        if (!fields[i])
            return;
    }
    value = strtoul(fields[0], NULL, 16);
    fd = (int)strtol(fields[1], NULL, 10);
    if ((slash = strchr(fields[4], '/')) != NULL) {
        /* "TAG/FD": a link to the parent's completion port (core/io.h). */
        *slash = '\0';
        link = (int)strtol(slash + 1, NULL, 10);
        if (link < 3 || link == fd || wipc_plat_set_cloexec(link) != 0)
            link = -1;
    }
    if (fd < 3 || wipc_plat_set_cloexec(fd) != 0) {
        wipc_plat_close(link);
        return;
    }
    if (strncmp(fields[4], "process.", 8) == 0) {
        /* "process.PID" or "process.PID.FD": FD its exit record's. */
        char *end;
        DWORD pid = (DWORD)strtoul(fields[4] + 8, &end, 10);
        int rec_fd = *end == '.' ? (int)strtol(end + 1, NULL, 10) : -1;
        if (rec_fd >= 0 &&
            (rec_fd < 3 || rec_fd == fd || wipc_plat_set_cloexec(rec_fd) != 0))
            rec_fd = -1;
        /* A handle to this process itself (duplicated into it while it
         * was suspended) needs no record of its own. */
        if (rec_fd >= 0 && pid == wipc_plat_getpid()) {
            wipc_plat_close(rec_fd);
            rec_fd = -1;
        }
        /* wipc_process_adopt takes both descriptors, also on failure. */
        if (wipc_process_adopt(pid, fd, rec_fd, &obj) != 0)
            return;
    } else if (strncmp(fields[4], "mutex.", 6) == 0 ||
               strncmp(fields[4], "semaphore.", 10) == 0 ||
               strncmp(fields[4], "event.", 6) == 0) {
        /* "mutex.FD", "event.1.FD": FD its state's. */
        char *dot = strrchr(fields[4], '.');
        int fd2 = (int)strtol(dot + 1, NULL, 10);
        *dot = '\0';
        if (fd2 < 3 || fd2 == fd || wipc_plat_set_cloexec(fd2) != 0) {
            wipc_plat_close(fd);
            return;
        }
        /* Takes both descriptors, also on failure. */
        if (wipc_sync_rebuild(fields[4], fd, fd2, &obj) != 0)
            return;
    } else if (wipc_inherit_rebuild(fields[4], fd, &obj) != 0) {
        wipc_plat_close(link);
        return;
    }
    inherit_second_in(obj, link);
    link = -1;
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

DWORD wipc_inherit_describe2(struct wipc_object *obj, int *fd, int *fd2,
                             char *tag, size_t taglen)
{
    DWORD err = wipc_inherit_describe(obj, fd, tag, taglen);
    int second = err ? -1 : wipc_sync_second_fd(obj);
    *fd2 = -1;
    if (err)
        return err;
    /* The caller closes the second descriptor: a copy of the object's. */
    if (second >= 0)
        err = wipc_plat_dup(second, fd2);
    else
        err = inherit_second_out(obj, fd2);
    return err;
}

DWORD wipc_inherit_rebuild2(const char *tag, int fd, int fd2,
                            struct wipc_object **obj)
{
    DWORD err;
    if (wipc_sync_tag(tag))
        return wipc_sync_rebuild(tag, fd, fd2, obj);
    err = wipc_inherit_rebuild(tag, fd, obj);
    if (err)
        wipc_plat_close(fd2);
    else
        inherit_second_in(*obj, fd2);
    return err;
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
    /* wipc_process_get and wipc_job_adopt keep (and on failure close) the
     * descriptor themselves; the other constructors leave fd to the caller
     * when they fail. */
    if (err && strncmp(tag, "process.", 8) != 0 && strncmp(tag, "job.", 4) != 0)
        wipc_plat_close(fd);
    return err;
}
