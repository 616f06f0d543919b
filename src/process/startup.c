/*
 * startup.c: the process layer's side of the handle table
 * (core/handle.h's wipc_handle_hooks), and what a parent's STARTUPINFO
 * tells its child (startup.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/handle.h"
#include "../objects/sync.h"
#include "inherit.h"
#include "parent.h"
#include "process.h"
#include "service.h"
#include "startup.h"

/* ---- WINIPC_STARTUP ----------------------------------------------------- */

static struct wipc_startup startup_info;

/* Appends s as 's' and its bytes hex-encoded, or "-" for NULL: an empty
 * string must still be a field (the parser's strtok_r skips empty ones). */
static size_t startup_put_text(char *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;

    if (!s) {
        out[0] = '-';
        return 1;
    }
    out[n++] = 's';
    for (; *s; s++) {
        out[n++] = hex[(unsigned char)*s >> 4];
        out[n++] = hex[(unsigned char)*s & 15];
    }
    return n;
}

DWORD wipc_startup_format(const struct wipc_startup *s, char **env)
{
    size_t cap = sizeof WIPC_STARTUP_ENV + 18 * 20 + 40 + 3 +
                 2 * (s->desktop ? strlen(s->desktop) : 1) +
                 2 * (s->title ? strlen(s->title) : 1) +
                 2 * (s->cmdline ? strlen(s->cmdline) : 1);
    char *p = malloc(cap);
    int n;

    *env = p;
    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    n = snprintf(p, cap, "%s=%x,%x,%x,%x,%x,%x,%x,%x,%x", WIPC_STARTUP_ENV,
                 (unsigned)s->flags, (unsigned)s->show, (unsigned)s->x,
                 (unsigned)s->y, (unsigned)s->xsize, (unsigned)s->ysize,
                 (unsigned)s->xchars, (unsigned)s->ychars, (unsigned)s->fill);
    for (int i = 0; i < 3; i++)
        n += snprintf(p + n, cap - (size_t)n, ",%c,%lx,%x", s->std_mode[i],
                      (unsigned long)(uintptr_t)s->std_value[i],
                      (unsigned)s->std_flags[i]);
    p[n++] = ',';
    n += (int)startup_put_text(p + n, s->desktop);
    p[n++] = ',';
    n += (int)startup_put_text(p + n, s->title);
    p[n++] = ',';
    n += (int)startup_put_text(p + n, s->cmdline);
    p[n] = '\0';
    return 0;
}

static int startup_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes startup_put_text's field ("-": NULL) into a malloc'ed string (in
 * place is not possible: the caller's buffer is freed). */
static char *startup_get_text(const char *s)
{
    size_t len;
    char *out;

    if (*s++ != 's')
        return NULL;
    len = strlen(s);
    if (len % 2)
        return NULL;
    out = malloc(len / 2 + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < len / 2; i++) {
        int hi = startup_hex_digit(s[2 * i]), lo = startup_hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (char)(hi << 4 | lo);
    }
    out[len / 2] = '\0';
    return out;
}

/* Parses the variable's value; anything malformed leaves present 0. */
static void startup_parse(char *v)
{
    struct wipc_startup *s = &startup_info;
    DWORD *nums[9] = {&s->flags, &s->show,   &s->x,      &s->y,   &s->xsize,
                      &s->ysize, &s->xchars, &s->ychars, &s->fill};
    char *f[21], *save = NULL;
    int i;

    for (i = 0; i < 21; i++)
        if (!(f[i] = strtok_r(i ? NULL : v, ",", &save)))
            return;
    for (i = 0; i < 9; i++)
        *nums[i] = (DWORD)strtoul(f[i], NULL, 16);
    for (i = 0; i < 3; i++) {
        char m = f[9 + 3 * i][0];
        if (m != WIPC_STD_ORIGINAL && m != WIPC_STD_VALUE &&
            m != WIPC_STD_DUPLICATE)
            return;
        s->std_mode[i] = m;
        s->std_value[i] =
            (HANDLE)(uintptr_t)strtoul(f[10 + 3 * i], NULL, 16);
        s->std_flags[i] = (DWORD)strtoul(f[11 + 3 * i], NULL, 16);
    }
    s->desktop = startup_get_text(f[18]);
    s->title = startup_get_text(f[19]);
    s->cmdline = startup_get_text(f[20]);
    s->present = 1;
}

void wipc_startup_adopt(void)
{
    char *v = wipc_plat_take_env(WIPC_STARTUP_ENV);

    for (int i = 0; i < 3; i++)
        startup_info.std_mode[i] = WIPC_STD_ORIGINAL;
    if (!v)
        return;
    startup_parse(v);
    if (!startup_info.present)
        for (int i = 0; i < 3; i++)
            startup_info.std_mode[i] = WIPC_STD_ORIGINAL;
    free(v);
}

const struct wipc_startup *wipc_startup_get(void) { return &startup_info; }

/* ---- Hooks -------------------------------------------------------------- */

static void startup_process_start(void)
{
    /* First: exit handlers run in reverse, so winipc's runs after those
     * the program registers, as late as it can. */
    wipc_process_init_exit();
    /* Names of events, mutexes, semaphores reach other processes' objects
     * through their handle services. */
    wipc_sync_name_set_fetch(wipc_service_fetch_sync, wipc_service_ensure);
    wipc_service_hold(1);
    wipc_inherit_adopt();
    wipc_startup_adopt();
    wipc_parent_adopt();
    wipc_service_hold(0);
}

const struct wipc_handle_hooks wipc_handle_hooks = {
    .process_start = startup_process_start,
    .before_alloc = wipc_service_ensure,
    .self_process = wipc_process_self,
    .self_thread = wipc_thread_self,
};
