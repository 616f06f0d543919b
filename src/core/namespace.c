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
#include "utf.h"

static char ns_root[WIPC_NS_PATH_MAX];
static pthread_once_t ns_path_once = PTHREAD_ONCE_INIT;
static pthread_once_t ns_once = PTHREAD_ONCE_INIT;

/* The root, as checked once per process: its descriptor, or why it cannot
 * be used (ns_err); foreign: it is another user's (ns_owner), whose files
 * alone may be read there, and where nothing may be made. */
static int ns_dirfd = -1;
static DWORD ns_err, ns_owner;
static int ns_foreign;

static void ns_init_path(void)
{
    char *env = wipc_plat_getenv_copy("WINIPC_ROOT");
    snprintf(ns_root, sizeof ns_root, "%s",
             env && *env ? env : "/tmp/.winipc");
    free(env);
}

/*
 * Root's root is everybody's (sticky, like /tmp: nobody removes another's
 * file); a user's own is that user's alone (others may use its objects as
 * clients, never make any there).  A folder that others may write without
 * the sticky bit, or anything but a folder, is nobody's to trust.
 */
static void ns_init(void)
{
    DWORD me = wipc_plat_geteuid();
    struct wipc_plat_stat st;
    int made = 0;

    pthread_once(&ns_path_once, ns_init_path);
    ns_err = wipc_plat_dir_open(ns_root, 1, me == 0 ? 01777 : 0755,
                                &ns_dirfd, &made);
    if (!ns_err)
        ns_err = wipc_plat_fstat(ns_dirfd, &st);
    if (ns_err) {
        if (ns_err != ERROR_NOT_ENOUGH_MEMORY)
            ns_err = ERROR_ACCESS_DENIED;
        return;
    }
    ns_owner = st.uid;
    if (st.type != WIPC_PLAT_DIR ||
        ((st.uid == 0 || st.uid == me) && (st.mode & 022) &&
         !(st.mode & 01000))) {
        ns_err = ERROR_ACCESS_DENIED;
        wipc_plat_close(ns_dirfd);
        ns_dirfd = -1;
        return;
    }
    ns_foreign = st.uid != 0 && st.uid != me;
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

DWORD wipc_ns_dir(int *dirfd)
{
    pthread_once(&ns_once, ns_init);
    *dirfd = ns_dirfd;
    return ns_err;
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

static int ns_is_sep(char c)
{
    return c == '\\' || c == '/';
}

const char *wipc_ns_device_form(const char *name, char *out, size_t outlen)
{
    int verbatim, mailslot;
    size_t dev, len, i;
    const char *rest;

    if (!name || !ns_is_sep(name[0]) || !ns_is_sep(name[1]) ||
        (name[2] != '.' && name[2] != '?') || !ns_is_sep(name[3]) ||
        !name[4] || ns_is_sep(name[4]))
        return name;
    verbatim = strncmp(name, "\\\\?\\", 4) == 0;
    rest = name + 4;
    dev = verbatim ? strcspn(rest, "\\") : strcspn(rest, "\\/");
    len = strlen(name);
    if (len >= outlen)
        return name;
    mailslot = !verbatim && dev == 8 && wipc_ns_is_prefix(rest, "mailslot");
    memcpy(out, "\\\\.\\", 4);
    for (i = 0; i < len - 4; i++) {
        char c = rest[i];
        if (c == '/' && (i == dev || (mailslot && i > dev)))
            c = '\\';
        out[4 + i] = c;
    }
    out[len] = '\0';
    return out;
}

/*
 * Names are equal without case as Windows compares them: ASCII letters
 * fold to lower case (the registry file names were always so), every
 * other character of the Basic Multilingual Plane to its capital by
 * Windows' table (wipc_upcase), which never maps it to ASCII.  Folds the
 * UTF-8 (or WTF-8: a lone surrogate, which stays as it is) character at
 * s, of at most len bytes, into out (*outlen bytes); returns the bytes
 * of s used.  A byte that starts no valid sequence is copied alone.
 */
static size_t ns_fold_char(const char *s, size_t len, unsigned char out[4],
                           size_t *outlen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 1;
    uint32_t c;
    size_t i;

    if (n == 4 || n > len) /* beyond U+FFFF (never folded), or cut short */
        n = n > len ? 1 : 4;
    for (i = 1; i < n && n < 4; i++)
        if ((p[i] & 0xc0) != 0x80)
            n = 1;
    if (n == 2 || n == 3) {
        c = n == 2 ? (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f)
                   : (uint32_t)(p[0] & 0x0f) << 12 |
                         (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
        c = c >= (n == 2 ? 0x80u : 0x800u) ? wipc_upcase(c) : 0;
        if (c >= 0x80) {
            if (c < 0x800) {
                out[0] = (unsigned char)(0xc0 | c >> 6);
                out[1] = (unsigned char)(0x80 | (c & 0x3f));
                *outlen = 2;
            } else {
                out[0] = (unsigned char)(0xe0 | c >> 12);
                out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
                out[2] = (unsigned char)(0x80 | (c & 0x3f));
                *outlen = 3;
            }
            return n;
        }
    }
    memcpy(out, p, n); /* an overlong form or a stray byte: as it is */
    *outlen = n;
    return n;
}

DWORD wipc_ns_path(const char *full, const char *prefix, const char *kind,
                   int allow_backslash, char *name_out, size_t namelen)
{
    const char *name;
    /* WIPC_NS_NAME_MAX UTF-16 units are at most 3 UTF-8 bytes each. */
    char enc[9 * WIPC_NS_NAME_MAX + 1];
    size_t n = 0, len;
    int w;

    if (!full || !wipc_ns_is_prefix(full, prefix))
        return ERROR_BAD_PATHNAME;
    name = full + strlen(prefix);
    len = strlen(name);
    if (len == 0 || wipc_utf8_units(name) > WIPC_NS_NAME_MAX)
        return ERROR_INVALID_NAME; /* the limit counts UTF-16 units */
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)name[i], u[4];
        size_t k, used;
        if (c == '\\' && !allow_backslash)
            return ERROR_INVALID_NAME;
        if (c >= 0x80) { /* Windows' capital of the character */
            used = ns_fold_char(name + i, len - i, u, &k);
            for (size_t j = 0; j < k; j++, n += 3)
                snprintf(enc + n, 4, "%%%02X", u[j]);
            i += used;
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-') {
            enc[n++] = (char)c;
        } else {
            snprintf(enc + n, 4, "%%%02X", c);
            n += 3;
        }
        i++;
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
    w = snprintf(name_out, namelen, "%s.%s", kind, enc);
    if (w < 0 || (size_t)w >= namelen)
        return ERROR_FILENAME_EXCED_RANGE;
    return 0;
}

/*
 * The checks of an open registry file (see namespace.h): a regular file
 * with one link (no hard link to a file elsewhere), that nobody but its
 * owner may write, owned by the caller if the caller is to write it, and in
 * another user's root owned by that user.
 */
static DWORD ns_check(int fd, enum wipc_ns_how how, struct wipc_ns_file *f)
{
    struct wipc_plat_stat st;
    DWORD me = wipc_plat_geteuid();
    DWORD err = wipc_plat_fstat(fd, &st);

    if (err)
        return err;
    /* Removed since it was opened (a client that found it empty, as a
     * new registry is for a moment, and took it for a dead pipe's): gone,
     * not a link to something else. */
    if (st.type == WIPC_PLAT_FILE && st.nlink == 0)
        return ERROR_FILE_NOT_FOUND;
    if (st.type != WIPC_PLAT_FILE || st.nlink != 1 || (st.mode & 022) ||
        (how != WIPC_NS_READ && how != WIPC_NS_PEEK && st.uid != me) ||
        (ns_foreign && st.uid != ns_owner))
        return ERROR_ACCESS_DENIED;
    f->fd = fd;
    f->owner = st.uid;
    f->size = st.size;
    f->dev = st.dev;
    f->ino = st.ino;
    /* Only the caller's user (and root) can open a 0600 file of its own:
     * nobody else can hold its locks. */
    f->bounded = !(st.uid == me && (st.mode & 077) == 0);
    f->mine = st.uid == me;
    return 0;
}

DWORD wipc_ns_lock(const struct wipc_ns_file *f, int shared)
{
    return wipc_plat_lock_byte_bounded(f->fd, WIPC_NS_LOCK_MUTEX, shared,
                                       f->bounded ? WIPC_NS_LOCK_BOUND_MS
                                                  : -1);
}

/* 1 if the file at name is (dev, ino). */
static int ns_is_at(uint64_t dev, uint64_t ino, const char *name)
{
    struct wipc_plat_stat st;
    int dirfd;
    return wipc_ns_dir(&dirfd) == 0 &&
           wipc_plat_statat(dirfd, name, &st) == 0 && st.dev == dev &&
           st.ino == ino;
}

int wipc_ns_still_there(int fd, const char *name)
{
    struct wipc_plat_stat st;
    return wipc_plat_fstat(fd, &st) == 0 && ns_is_at(st.dev, st.ino, name);
}

DWORD wipc_ns_open(const char *name, enum wipc_ns_how how, unsigned mode,
                   struct wipc_ns_file *f, int *created)
{
    int dirfd;
    DWORD err = wipc_ns_dir(&dirfd);

    *created = 0;
    f->fd = -1;
    if (err)
        return err;
    if (how == WIPC_NS_CREATE && ns_foreign)
        return ERROR_ACCESS_DENIED; /* another user's root: nothing of ours */
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = -1, excl = 0;

        if (how == WIPC_NS_CREATE) {
            /* Made with no access for anyone else, and given its mode
             * through the descriptor, past the umask. */
            err = wipc_plat_openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL,
                                   0600, &fd);
            excl = err == 0;
            if (err == ERROR_FILE_EXISTS)
                err = wipc_plat_openat(dirfd, name, O_RDWR, 0, &fd);
            if (err == ERROR_FILE_NOT_FOUND)
                continue; /* removed between the two opens: again */
        } else {
            /* A reader opens its own user's files read-write, so that it
             * may write what the object lets its own user write (a named
             * pipe's client marks its instance busy); others' read-only. */
            err = wipc_plat_openat(dirfd, name, O_RDWR, 0, &fd);
            if (err == ERROR_ACCESS_DENIED &&
                (how == WIPC_NS_READ || how == WIPC_NS_PEEK))
                err = wipc_plat_openat(dirfd, name, O_RDONLY, 0, &fd);
        }
        if (err)
            return err;
        if (excl)
            err = wipc_plat_fchmod(fd, mode);
        if (!err)
            err = ns_check(fd, how, f);
        if (!err && how != WIPC_NS_PEEK)
            err = wipc_ns_lock(f, how == WIPC_NS_READ);
        if (err) {
            wipc_plat_close(fd);
            f->fd = -1;
            if (err == ERROR_FILE_NOT_FOUND && how == WIPC_NS_CREATE)
                continue; /* removed under us: make it again */
            return err;
        }
        /* A reader is not held up to look: see namespace.h. */
        if (how == WIPC_NS_READ || how == WIPC_NS_PEEK ||
            ns_is_at(f->dev, f->ino, name)) {
            *created = excl;
            return 0;
        }
        wipc_plat_close(fd); /* closing drops the lock too */
        f->fd = -1;
        if (how != WIPC_NS_CREATE)
            return ERROR_FILE_NOT_FOUND;
    }
    return ERROR_FILE_NOT_FOUND;
}

DWORD wipc_ns_recheck(struct wipc_ns_file *f)
{
    return ns_check(f->fd, WIPC_NS_PEEK, f);
}

void wipc_ns_unlock(int fd) { wipc_plat_unlock_byte(fd, WIPC_NS_LOCK_MUTEX); }

void wipc_ns_remove_locked(const char *name)
{
    struct wipc_plat_stat st;
    int dirfd;
    if (wipc_ns_dir(&dirfd) == 0 && wipc_plat_statat(dirfd, name, &st) == 0 &&
        st.uid == wipc_plat_geteuid())
        wipc_plat_unlinkat(dirfd, name);
}

DWORD wipc_ns_list(const char *kind, char ***names, size_t *n)
{
    char prefix[32];
    int dirfd;
    DWORD err = wipc_ns_dir(&dirfd);

    *names = NULL;
    *n = 0;
    if (err)
        return err;
    snprintf(prefix, sizeof prefix, "%s.", kind);
    return wipc_plat_list_dirfd(dirfd, prefix, names, n);
}
