/*
 * environ.c: the process's environment store (see environ.h).
 *
 * One array of malloc'ed "name=value" strings under one mutex, in the order
 * Windows keeps them: inherited variables first, new ones appended, replaced
 * ones in place.  Strings are built and freed outside the lock; only pointer
 * moves happen under it.  The store is loaded from `environ` on first use,
 * under the lock, and `environ` is never read again: a program that calls
 * setenv() after that changes only what the C library sees.
 */
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "environ.h"

/* POSIX leaves declaring environ to the application. */
extern char **environ;

struct env_var {
    char *str;       /* "name=value", malloc'ed */
    size_t name_len; /* the name is str[0, name_len), str[name_len] == '=' */
};

static struct {
    wipc_mutex lock;
    int loaded;
    struct env_var *vars;
    size_t count, cap;
} store = {WIPC_MUTEX_INIT, 0, NULL, 0, 0};

/* A growing string for wipc_env_expand, and where its values are. */
struct env_buf {
    char *p;
    size_t len, cap;
    struct wipc_env_piece *values; /* NULL: not asked for */
    size_t nvalues, values_cap;
};

/*
 * The length of the name of entry s: up to its first '=' after the first
 * character.  0 if s has no such '=' (not a valid "name=value" entry).
 */
static size_t env_entry_name_len(const char *s)
{
    const char *eq = s[0] ? strchr(s + 1, '=') : NULL;
    return eq ? (size_t)(eq - s) : 0;
}

static char *env_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

/* 1 if name[0, len) is a valid variable name: non-empty, '=' only first. */
static int env_name_valid(const char *name, size_t len)
{
    return len > 0 && memchr(name + 1, '=', len - 1) == NULL;
}

static int env_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int env_name_eq_nocase(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (env_lower((unsigned char)a[i]) != env_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/*
 * The index of the variable named name[0, len), or store.count if there is
 * none.  An exact-case match wins over an earlier case-insensitive one (the
 * inherited Linux environment may hold "Path" and "PATH").  Lock held.
 */
static size_t env_find_in(const struct env_var *vars, size_t count,
                          const char *name, size_t len)
{
    size_t nocase = count;

    for (size_t i = 0; i < count; i++) {
        const struct env_var *v = &vars[i];
        if (v->name_len != len)
            continue;
        if (memcmp(v->str, name, len) == 0)
            return i;
        if (nocase == count && env_name_eq_nocase(v->str, name, len))
            nocase = i;
    }
    return nocase;
}

static size_t env_find_locked(const char *name, size_t len)
{
    return env_find_in(store.vars, store.count, name, len);
}

static DWORD env_reserve_locked(size_t n)
{
    size_t ncap;
    struct env_var *nv;

    if (n <= store.cap)
        return 0;
    ncap = store.cap ? store.cap * 2 : 64;
    while (ncap < n)
        ncap *= 2;
    nv = realloc(store.vars, ncap * sizeof *nv);
    if (!nv)
        return ERROR_NOT_ENOUGH_MEMORY;
    store.vars = nv;
    store.cap = ncap;
    return 0;
}

/*
 * Copies `environ` into the store the first time it is needed.  Entries
 * without a name (no '=' after the first character) are skipped: Windows
 * cannot represent them.  On failure the store stays unloaded and empty, so
 * a later call retries.  Lock held.
 */
static DWORD env_load_locked(void)
{
    char **e = environ;
    size_t n = 0;

    if (store.loaded)
        return 0;
    while (e && e[n])
        n++;
    if (env_reserve_locked(n))
        return ERROR_NOT_ENOUGH_MEMORY;
    for (size_t i = 0; i < n; i++) {
        size_t name_len = env_entry_name_len(e[i]);
        char *copy;

        if (!name_len)
            continue;
        copy = env_strdup(e[i]);
        if (!copy)
            goto fail;
        store.vars[store.count].str = copy;
        store.vars[store.count].name_len = name_len;
        store.count++;
    }
    store.loaded = 1;
    return 0;

fail:
    while (store.count)
        free(store.vars[--store.count].str);
    return ERROR_NOT_ENOUGH_MEMORY;
}

DWORD wipc_env_get(const char *name, char *buf, size_t size, size_t *len)
{
    size_t name_len = name ? strlen(name) : 0;
    DWORD err;

    if (!env_name_valid(name, name_len))
        return ERROR_ENVVAR_NOT_FOUND;
    wipc_mutex_lock(&store.lock);
    err = env_load_locked();
    if (!err) {
        size_t i = env_find_locked(name, name_len);
        if (i == store.count) {
            err = ERROR_ENVVAR_NOT_FOUND;
        } else {
            const char *value = store.vars[i].str + name_len + 1;
            *len = strlen(value);
            if (size > *len)
                memcpy(buf, value, *len + 1);
        }
    }
    wipc_mutex_unlock(&store.lock);
    return err;
}

DWORD wipc_env_set(const char *name, const char *value)
{
    size_t name_len, value_len, i;
    char *str = NULL, *old = NULL;
    DWORD err;

    if (!name)
        return ERROR_ENVVAR_NOT_FOUND;
    name_len = strlen(name);
    if (!env_name_valid(name, name_len))
        return ERROR_INVALID_PARAMETER;
    if (value) {
        value_len = strlen(value);
        str = malloc(name_len + value_len + 2);
        if (!str)
            return ERROR_NOT_ENOUGH_MEMORY;
        memcpy(str, name, name_len);
        str[name_len] = '=';
        memcpy(str + name_len + 1, value, value_len + 1);
    }

    wipc_mutex_lock(&store.lock);
    err = env_load_locked();
    if (err)
        goto out;
    i = env_find_locked(name, name_len);
    if (!str) {
        /* Delete: a variable that does not exist is already deleted. */
        if (i < store.count) {
            old = store.vars[i].str;
            memmove(&store.vars[i], &store.vars[i + 1],
                    (store.count - i - 1) * sizeof store.vars[0]);
            store.count--;
        }
    } else if (i < store.count) {
        old = store.vars[i].str; /* replaced in place, with the new name */
        store.vars[i].str = str;
        str = NULL;
    } else if (!(err = env_reserve_locked(store.count + 1))) {
        store.vars[store.count].str = str;
        store.vars[store.count].name_len = name_len;
        store.count++;
        str = NULL;
    }
out:
    wipc_mutex_unlock(&store.lock);
    free(old);
    free(str); /* not stored: failure */
    return err;
}

DWORD wipc_env_replace(const char *block)
{
    struct env_var *vars = NULL, *old;
    size_t count = 0, cap = 0, old_count, i;
    const char *p;

    if (!block)
        return ERROR_INVALID_PARAMETER;
    for (p = block; *p; p += strlen(p) + 1)
        if (!env_entry_name_len(p))
            return ERROR_INVALID_PARAMETER;
    /* The new list, built as SetEnvironmentVariable would build it from an
     * empty environment: a name given twice keeps its first place and
     * takes the later entry (and its spelling). */
    for (p = block; *p; p += strlen(p) + 1) {
        size_t name_len = env_entry_name_len(p);
        char *copy = env_strdup(p);

        if (!copy)
            goto nomem;
        i = env_find_in(vars, count, p, name_len);
        if (i < count) {
            free(vars[i].str);
            vars[i].str = copy;
            continue;
        }
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct env_var *nv = realloc(vars, ncap * sizeof *nv);
            if (!nv) {
                free(copy);
                goto nomem;
            }
            vars = nv;
            cap = ncap;
        }
        vars[count].str = copy;
        vars[count].name_len = name_len;
        count++;
    }

    wipc_mutex_lock(&store.lock);
    old = store.vars;
    old_count = store.count;
    store.vars = vars;
    store.count = count;
    store.cap = cap;
    store.loaded = 1; /* `environ` is no longer what it stands for */
    wipc_mutex_unlock(&store.lock);
    for (i = 0; i < old_count; i++)
        free(old[i].str);
    free(old);
    return 0;

nomem:
    for (i = 0; i < count; i++)
        free(vars[i].str);
    free(vars);
    return ERROR_NOT_ENOUGH_MEMORY;
}

/* The bytes of all "k=v\0" strings, without the block's final NUL. */
static size_t env_strings_size_locked(void)
{
    size_t size = 0;
    for (size_t i = 0; i < store.count; i++)
        size += strlen(store.vars[i].str) + 1;
    return size;
}

DWORD wipc_env_block(char **block, size_t *size)
{
    size_t total;
    char *p;
    DWORD err;

    *block = NULL;
    wipc_mutex_lock(&store.lock);
    err = env_load_locked();
    if (err)
        goto out;
    total = env_strings_size_locked() + 1;
    if (total < 2)
        total = 2; /* an empty block is still two NULs */
    p = malloc(total);
    if (!p) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto out;
    }
    *block = p;
    for (size_t i = 0; i < store.count; i++) {
        size_t n = strlen(store.vars[i].str) + 1;
        memcpy(p, store.vars[i].str, n);
        p += n;
    }
    memset(p, 0, (size_t)(*block + total - p));
    if (size)
        *size = total;
out:
    wipc_mutex_unlock(&store.lock);
    return err;
}

DWORD wipc_env_snapshot(char ***envp)
{
    size_t ptrs, total;
    char **array, *p;
    DWORD err;

    *envp = NULL;
    wipc_mutex_lock(&store.lock);
    err = env_load_locked();
    if (err)
        goto out;
    ptrs = (store.count + 1) * sizeof(char *);
    total = ptrs + env_strings_size_locked();
    array = malloc(total);
    if (!array) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto out;
    }
    /* The strings follow the pointer array in the same block. */
    p = (char *)array + ptrs;
    for (size_t i = 0; i < store.count; i++) {
        size_t n = strlen(store.vars[i].str) + 1;
        memcpy(p, store.vars[i].str, n);
        array[i] = p;
        p += n;
    }
    array[store.count] = NULL;
    *envp = array;
out:
    wipc_mutex_unlock(&store.lock);
    return err;
}

void wipc_env_snapshot_free(char **envp)
{
    free(envp);
}

static DWORD env_buf_append(struct env_buf *b, const char *s, size_t n)
{
    if (b->cap - b->len <= n) {
        size_t ncap = b->cap ? b->cap : 64;
        char *np;
        while (ncap - b->len <= n)
            ncap *= 2;
        np = realloc(b->p, ncap);
        if (!np)
            return ERROR_NOT_ENOUGH_MEMORY;
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* Notes that b's last n bytes are a variable's value, if asked to. */
static DWORD env_buf_value(struct env_buf *b, size_t n, int want)
{
    if (!want)
        return 0;
    if (b->nvalues == b->values_cap) {
        size_t ncap = b->values_cap ? b->values_cap * 2 : 8;
        struct wipc_env_piece *nv = realloc(b->values, ncap * sizeof *nv);
        if (!nv)
            return ERROR_NOT_ENOUGH_MEMORY;
        b->values = nv;
        b->values_cap = ncap;
    }
    b->values[b->nvalues].off = b->len - n;
    b->values[b->nvalues].len = n;
    b->nvalues++;
    return 0;
}

/* Expands src into b (and the values' places, if want).  Lock held, store
 * loaded. */
static DWORD env_expand_locked(const char *src, struct env_buf *b, int want)
{
    const char *p = src;
    DWORD err = env_buf_append(b, "", 0); /* b->p is a string even if empty */

    while (!err && *p) {
        const char *close;
        size_t i;

        if (*p != '%') {
            const char *pct = strchr(p, '%');
            size_t n = pct ? (size_t)(pct - p) : strlen(p);
            err = env_buf_append(b, p, n);
            p += n;
            continue;
        }
        close = strchr(p + 1, '%');
        if (!close) /* no closing '%': the rest is literal */
            return env_buf_append(b, p, strlen(p));
        i = close == p + 1 ? store.count
                           : env_find_locked(p + 1, (size_t)(close - p - 1));
        if (i < store.count) {
            const char *value = store.vars[i].str + store.vars[i].name_len + 1;
            err = env_buf_append(b, value, strlen(value));
            if (!err)
                err = env_buf_value(b, strlen(value), want);
        } else {
            err = env_buf_append(b, p, (size_t)(close - p + 1));
        }
        p = close + 1;
    }
    return err;
}

DWORD wipc_env_expand_values(const char *src, char **out, size_t *len,
                             struct wipc_env_piece **values, size_t *nvalues)
{
    struct env_buf b = {NULL, 0, 0, NULL, 0, 0};
    DWORD err;

    *out = NULL;
    wipc_mutex_lock(&store.lock);
    err = env_load_locked();
    if (!err)
        err = env_expand_locked(src ? src : "", &b, values != NULL);
    wipc_mutex_unlock(&store.lock);
    if (err) {
        free(b.p);
        free(b.values);
        return err;
    }
    *out = b.p;
    *len = b.len;
    if (values) {
        *values = b.values;
        *nvalues = b.nvalues;
    }
    return 0;
}

DWORD wipc_env_expand(const char *src, char **out, size_t *len)
{
    return wipc_env_expand_values(src, out, len, NULL, NULL);
}
