/*
 * registry_list.c: listings of the named objects (see registry_list.h).
 *
 * The root's names of a kind are read first, then each registry file on its own:
 * the per-type code (named_pipe.c, mailslot.c) knows the file's layout and
 * what makes its object live.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "registry_list.h"

/* Reads the folder of kind and calls status(path, entry) for each file,
 * keeping the entries that succeed; on failure, clear (if not NULL) frees
 * what the kept entries hold. */
static DWORD list_kind(const char *kind, size_t entry_size,
                       DWORD (*status)(const char *path, void *entry),
                       void (*clear)(void *entry), void **out, size_t *n_out)
{
    char **names = NULL;
    size_t nnames = 0, n = 0;
    char *list = NULL;
    DWORD err;

    *out = NULL;
    *n_out = 0;
    err = wipc_ns_list(kind, &names, &nnames);
    if (err || nnames == 0)
        return err;
    list = calloc(nnames, entry_size);
    if (!list) {
        wipc_plat_free_names(names, nnames);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (size_t i = 0; i < nnames; i++) {
        err = status(names[i], list + n * entry_size);
        if (err == ERROR_NOT_ENOUGH_MEMORY)
            break;
        if (!err)
            n++;
        err = 0; /* gone, private, untrusted or not ours to read: skipped */
    }
    wipc_plat_free_names(names, nnames);
    if (err || n == 0) {
        for (size_t i = 0; clear && i < n; i++)
            clear(list + i * entry_size);
        free(list);
        list = NULL;
        n = 0;
    }
    *out = list;
    *n_out = n;
    return err;
}

static DWORD list_pipe_status(const char *path, void *entry)
{
    return wipc_npipe_status(path, entry);
}

static void list_pipe_clear(void *entry)
{
    wipc_npipe_status_clear(entry);
}

static DWORD list_mailslot_status(const char *path, void *entry)
{
    return wipc_mailslot_status(path, entry);
}

DWORD wipc_registry_list_pipes(struct wipc_npipe_status **out, size_t *n)
{
    void *list;
    DWORD err = list_kind(WIPC_NS_PIPE, sizeof **out, list_pipe_status,
                          list_pipe_clear, &list, n);
    *out = list;
    return err;
}

void wipc_registry_free_pipes(struct wipc_npipe_status *list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        wipc_npipe_status_clear(&list[i]);
    free(list);
}

DWORD wipc_registry_list_mailslots(struct wipc_mailslot_status **out, size_t *n)
{
    void *list;
    DWORD err = list_kind(WIPC_NS_MAILSLOT, sizeof **out, list_mailslot_status,
                          NULL, &list, n);
    *out = list;
    return err;
}

void wipc_registry_free_mailslots(struct wipc_mailslot_status *list, size_t n)
{
    (void)n;
    free(list);
}
