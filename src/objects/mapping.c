/*
 * mapping.c: file mappings (sections) and their views.
 *
 * A mapping is a descriptor that every holder maps: a sealed memfd of the
 * mapping's size for one "backed by the paging file" (INVALID_HANDLE_VALUE),
 * or the file's own descriptor (a duplicate) for a file.  So the memory is
 * the same pages in every process that maps it, whether it got the
 * mapping by name, by inheritance or by DuplicateHandle ("mapping.PROT.SIZE"
 * is its tag).  A view is an mmap of it, which keeps the memory by itself:
 * the memory lives while any handle or view does, and the name while any
 * handle does (as on Windows, where the last CloseHandle removes the name
 * even while views remain).  Views are found by any address inside them
 * (UnmapViewOfFile, FlushViewOfFile).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objects.h"
#include "sync.h"

#define MAP_GRANULARITY 65536u /* GetSystemInfo's dwAllocationGranularity */
#define MAP_PAGE 4096u

struct wipc_mapping {
    struct wipc_object obj;
    int fd;
    uint64_t size;
    DWORD protect; /* PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, or
                    * their PAGE_EXECUTE_ forms */
};

static inline struct wipc_mapping *map_of(struct wipc_object *obj)
{
    return (struct wipc_mapping *)obj;
}

static int map_writable(DWORD protect)
{
    return protect == PAGE_READWRITE || protect == PAGE_EXECUTE_READWRITE;
}

static int map_executable(DWORD protect)
{
    return protect == PAGE_EXECUTE_READ || protect == PAGE_EXECUTE_READWRITE ||
           protect == PAGE_EXECUTE_WRITECOPY;
}

static void map_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                             size_t taglen)
{
    *fd = map_of(obj)->fd;
    snprintf(tag, taglen, "mapping.%u.%" PRIu64,
             (unsigned)map_of(obj)->protect, map_of(obj)->size);
}

static int map_get_fd(struct wipc_object *obj) { return map_of(obj)->fd; }

static const char *map_name(struct wipc_object *obj)
{
    return wipc_sync_name_of(obj);
}

static void map_destroy(struct wipc_object *obj)
{
    wipc_sync_name_forget(obj);
    wipc_plat_close(map_of(obj)->fd);
    free(obj);
}

const struct wipc_object_ops wipc_mapping_ops = {
    .type_name = "Section",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | SECTION_QUERY | SECTION_MAP_READ,
                STANDARD_RIGHTS_WRITE | SECTION_MAP_WRITE,
                STANDARD_RIGHTS_EXECUTE | SECTION_MAP_EXECUTE,
                SECTION_ALL_ACCESS},
    /* No signal_fd: not waitable (and its handles have no SYNCHRONIZE). */
    .inherit_info = map_inherit_info,
    .get_fd = map_get_fd,
    .name = map_name,
    .destroy = map_destroy,
};

static DWORD map_new(int fd, uint64_t size, DWORD protect,
                     struct wipc_object **out)
{
    struct wipc_mapping *m = calloc(1, sizeof *m);
    if (!m)
        return ERROR_NOT_ENOUGH_MEMORY;
    wipc_object_init(&m->obj, &wipc_mapping_ops);
    m->fd = fd;
    m->size = size;
    m->protect = protect;
    *out = &m->obj;
    return 0;
}

DWORD wipc_mapping_create(struct wipc_object *file, DWORD protect,
                          uint64_t size, struct wipc_object **out)
{
    int fd = -1;
    DWORD err;

    if (!file) {
        err = wipc_plat_memfd("winipc-mapping", size, &fd);
        if (err)
            return err == ERROR_INVALID_PARAMETER ? ERROR_NOT_ENOUGH_MEMORY
                                                  : err;
    } else {
        int64_t cur = 0;
        int readable = 0, writable = 0;
        enum wipc_fd_kind kind;
        int ffd = wipc_file_get_fd(file);

        err = wipc_plat_fd_info(ffd, &kind, &readable, &writable);
        if (!err && (kind != WIPC_FD_DISK || !readable))
            err = ERROR_ACCESS_DENIED;
        if (!err && map_writable(protect) && !writable)
            err = ERROR_ACCESS_DENIED;
        if (!err)
            err = wipc_plat_file_size(ffd, &cur);
        if (err)
            return err;
        if (size == 0) {
            if (cur == 0)
                return ERROR_FILE_INVALID; /* an empty file */
            size = (uint64_t)cur;
        } else if (size > (uint64_t)cur) {
            /* A larger mapping extends a file it may write. */
            if (!map_writable(protect))
                return ERROR_NOT_ENOUGH_MEMORY;
            err = wipc_plat_fd_grow(ffd, size);
            if (err)
                return err;
        }
        err = wipc_plat_dup(ffd, &fd);
        if (err)
            return err;
    }
    err = map_new(fd, size, protect, out);
    if (err)
        wipc_plat_close(fd);
    return err;
}

DWORD wipc_mapping_adopt(int fd, const char *args, struct wipc_object **out)
{
    char *end;
    DWORD protect = (DWORD)strtoul(args, &end, 10);
    uint64_t size = *end == '.' ? strtoull(end + 1, NULL, 10) : 0;
    int64_t cur = 0;

    /* What another process says is checked against what fd is. */
    if (size == 0 || wipc_plat_file_size(fd, &cur) != 0 ||
        (uint64_t)cur < size)
        return ERROR_INVALID_DATA;
    return map_new(fd, size, protect, out);
}

/* ---- Views ------------------------------------------------------------------------ */

struct map_view {
    struct map_view *next;
    char *base;
    size_t len;
};

static wipc_mutex views_lock = WIPC_MUTEX_INIT;
static struct map_view *views;

DWORD wipc_mapping_map(struct wipc_object *obj, ACCESS_MASK granted,
                       DWORD access, uint64_t offset, size_t len, void *at,
                       void **out)
{
    struct wipc_mapping *m = map_of(obj);
    int write = (access & FILE_MAP_WRITE) != 0;
    int copy = !write && (access & ~FILE_MAP_EXECUTE) == FILE_MAP_COPY;
    int exec = (access & FILE_MAP_EXECUTE) != 0;
    struct map_view *v;
    uint64_t limit = (m->size + MAP_PAGE - 1) / MAP_PAGE * MAP_PAGE;
    DWORD err;

    if (offset % MAP_GRANULARITY || (uintptr_t)at % MAP_GRANULARITY)
        return ERROR_MAPPED_ALIGNMENT;
    /* The right each kind of view needs, as Wine checks them: a write
     * view SECTION_MAP_WRITE, a copy SECTION_QUERY (FILE_MAP_COPY), a
     * read view SECTION_MAP_READ. */
    if (!(granted & (write  ? SECTION_MAP_WRITE
                     : copy ? SECTION_QUERY
                            : SECTION_MAP_READ)) ||
        (exec && !(granted & SECTION_MAP_EXECUTE)))
        return ERROR_ACCESS_DENIED;
    if ((write && !map_writable(m->protect)) ||
        (exec && !map_executable(m->protect)))
        return ERROR_ACCESS_DENIED;
    if (offset >= m->size)
        return ERROR_INVALID_PARAMETER;
    if (len == 0)
        len = (size_t)(m->size - offset);
    if (len > limit - offset)
        return ERROR_ACCESS_DENIED;
    v = calloc(1, sizeof *v);
    if (!v)
        return ERROR_NOT_ENOUGH_MEMORY;
    err = wipc_plat_mmap(m->fd, offset, len, write, copy, exec, at,
                         (void **)&v->base);
    if (err) {
        free(v);
        return err;
    }
    v->len = len;
    wipc_mutex_lock(&views_lock);
    v->next = views;
    views = v;
    wipc_mutex_unlock(&views_lock);
    *out = v->base;
    return 0;
}

/* The view holding addr, taken out of the list if take. */
static struct map_view *view_find_locked(const void *addr, int take)
{
    struct map_view **pp, *v;
    for (pp = &views; (v = *pp); pp = &v->next)
        if ((const char *)addr >= v->base &&
            (const char *)addr < v->base + v->len) {
            if (take)
                *pp = v->next;
            return v;
        }
    return NULL;
}

DWORD wipc_mapping_unmap(const void *addr)
{
    struct map_view *v;
    wipc_mutex_lock(&views_lock);
    v = view_find_locked(addr, 1);
    wipc_mutex_unlock(&views_lock);
    if (!v)
        return ERROR_INVALID_ADDRESS;
    wipc_plat_unmap(v->base, v->len);
    free(v);
    return 0;
}

DWORD wipc_mapping_flush(const void *addr, size_t len)
{
    struct map_view *v;
    DWORD err = ERROR_INVALID_PARAMETER;
    wipc_mutex_lock(&views_lock);
    v = view_find_locked(addr, 0);
    if (v) {
        size_t room = (size_t)(v->base + v->len - (const char *)addr);
        err = wipc_plat_msync((void *)addr, len == 0 || len > room ? room : len);
    }
    wipc_mutex_unlock(&views_lock);
    return err;
}

uint64_t wipc_mapping_size(struct wipc_object *obj)
{
    return map_of(obj)->size;
}
