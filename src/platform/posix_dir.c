/*
 * posix_dir.c: listing a directory (the namespace root, for listings of
 * the named objects).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

static int dir_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends a copy of name to the growing array (*names, *n, *cap). */
static DWORD dir_append(char ***names, size_t *n, size_t *cap, const char *name)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char **grown = realloc(*names, ncap * sizeof *grown);
        if (!grown)
            return ERROR_NOT_ENOUGH_MEMORY;
        *names = grown;
        *cap = ncap;
    }
    (*names)[*n] = strdup(name);
    if (!(*names)[*n])
        return ERROR_NOT_ENOUGH_MEMORY;
    (*n)++;
    return 0;
}

/* The names in d that start with prefix (and are longer), sorted; closes
 * d. */
static DWORD dir_read(DIR *d, const char *prefix, char ***names_out,
                      size_t *n_out)
{
    char **names = NULL;
    size_t n = 0, cap = 0, plen = strlen(prefix);
    struct dirent *e;
    DWORD err = 0;

    /* readdir's errors are only told through errno. */
    for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strncmp(e->d_name, prefix, plen) != 0 || !e->d_name[plen])
            continue;
        err = dir_append(&names, &n, &cap, e->d_name);
        if (err)
            break;
    }
    if (!err && errno)
        err = wipc_plat_error(errno);
    closedir(d);
    if (err) {
        wipc_plat_free_names(names, n);
        return err;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, dir_cmp);
    *names_out = names;
    *n_out = n;
    return 0;
}

DWORD wipc_plat_list_dir(const char *path, char ***names_out, size_t *n_out)
{
    DIR *d;

    *names_out = NULL;
    *n_out = 0;
    d = opendir(path);
    if (!d)
        return errno == ENOENT ? 0 : wipc_plat_error(errno);
    return dir_read(d, "", names_out, n_out);
}

DWORD wipc_plat_list_dirfd(int dirfd, const char *prefix, char ***names_out,
                           size_t *n_out)
{
    /* A descriptor of its own for the listing, which closedir closes. */
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;

    *names_out = NULL;
    *n_out = 0;
    if (fd < 0)
        return wipc_plat_error(errno);
    d = fdopendir(fd);
    if (!d) {
        DWORD err = wipc_plat_error(errno);
        close(fd);
        return err;
    }
    return dir_read(d, prefix, names_out, n_out);
}

void wipc_plat_free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}
