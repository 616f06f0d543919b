/*
 * namespace.c: the namespace root, name encoding and registry files
 * (see namespace.h).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "namespace.h"

static char ns_root[WIPC_NS_PATH_MAX];
static pthread_once_t ns_path_once = PTHREAD_ONCE_INIT;
static pthread_once_t ns_once = PTHREAD_ONCE_INIT;

static void ns_init_path(void)
{
    char *env = wipc_plat_getenv_copy("WINIPC_ROOT");
    snprintf(ns_root, sizeof ns_root, "%s",
             env && *env ? env : "/tmp/.winipc");
    free(env);
}

static void ns_init(void)
{
    pthread_once(&ns_path_once, ns_init_path);
    wipc_plat_mkdir_p(ns_root, 01777);
}

const char *wipc_ns_root(void)
{
    pthread_once(&ns_once, ns_init);
    return ns_root;
}

const char *wipc_ns_root_path(void)
{
    pthread_once(&ns_path_once, ns_init_path);
    return ns_root;
}

int wipc_ns_is_prefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char a = *s, b = *prefix;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

DWORD wipc_ns_path(const char *full, const char *prefix, const char *kind,
                   int allow_backslash, char *path, size_t pathlen)
{
    const char *name;
    char enc[3 * WIPC_NS_NAME_MAX + 1];
    size_t n = 0, len;
    int w;

    if (!full || !wipc_ns_is_prefix(full, prefix))
        return ERROR_BAD_PATHNAME;
    name = full + strlen(prefix);
    len = strlen(name);
    if (len == 0 || len > WIPC_NS_NAME_MAX)
        return ERROR_INVALID_NAME;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '\\' && !allow_backslash)
            return ERROR_INVALID_NAME;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-') {
            enc[n++] = (char)c;
        } else {
            snprintf(enc + n, 4, "%%%02X", c);
            n += 3;
        }
    }
    enc[n] = '\0';
    /* A file name holds 255 bytes: long names keep a prefix and a hash. */
    if (n > 200) {
        uint64_t h = 1469598103934665603ull;
        for (size_t i = 0; i < n; i++)
            h = (h ^ (unsigned char)enc[i]) * 1099511628211ull;
        snprintf(enc + 160, sizeof enc - 160, "~%016llx",
                 (unsigned long long)h);
    }
    w = snprintf(path, pathlen, "%s/%s/%s", wipc_ns_root(), kind, enc);
    if (w < 0 || (size_t)w >= pathlen)
        return ERROR_FILENAME_EXCED_RANGE;
    return 0;
}

DWORD wipc_ns_open_locked(const char *path, int create, unsigned mode,
                          int *fd_out, int *created)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = -1, excl = 0;
        DWORD err;

        *created = 0;
        if (create) {
            char dir[WIPC_NS_PATH_MAX];
            char *slash;
            snprintf(dir, sizeof dir, "%s", path);
            slash = strrchr(dir, '/');
            if (slash) {
                *slash = '\0';
                wipc_plat_mkdir_p(dir, 01777);
            }
            err = wipc_plat_open(path, O_RDWR | O_CREAT | O_EXCL, mode, &fd);
            excl = err == 0;
            if (err == ERROR_FILE_EXISTS)
                err = wipc_plat_open(path, O_RDWR, 0, &fd);
        } else {
            err = wipc_plat_open(path, O_RDWR, 0, &fd);
        }
        if (err == ERROR_PATH_NOT_FOUND)
            err = ERROR_FILE_NOT_FOUND;
        if (err == ERROR_FILE_NOT_FOUND && create)
            continue; /* removed between the two opens: again */
        if (err)
            return err;
        if (excl)
            wipc_plat_fchmod(fd, mode); /* past the umask */
        err = wipc_plat_lock_byte(fd, WIPC_NS_LOCK_MUTEX, 1);
        if (err) {
            wipc_plat_close(fd);
            return err;
        }
        if (wipc_plat_same_file(fd, path)) {
            *fd_out = fd;
            *created = excl;
            return 0;
        }
        wipc_plat_close(fd); /* closing drops the lock too */
        if (!create)
            return ERROR_FILE_NOT_FOUND;
    }
    return ERROR_FILE_NOT_FOUND;
}

void wipc_ns_unlock(int fd) { wipc_plat_unlock_byte(fd, WIPC_NS_LOCK_MUTEX); }

void wipc_ns_remove_locked(const char *path) { wipc_plat_unlink(path); }
