/*
 * posix_sys.c: clocks, system and user facts, the dynamic linker, terminal
 * keys (platform_sys.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"
#include "platform_sys.h"

uint64_t wipc_plat_boot_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

DWORD wipc_plat_page_size(void)
{
    long n = sysconf(_SC_PAGESIZE);
    return n > 0 ? (DWORD)n : 4096;
}

DWORD wipc_plat_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (DWORD)n : 1;
}

DWORD wipc_plat_host_name(char *buf, size_t cap)
{
    char name[256];
    if (gethostname(name, sizeof name) != 0)
        return wipc_plat_error(errno);
    name[sizeof name - 1] = '\0';
    if (strlen(name) >= cap)
        return ERROR_BUFFER_OVERFLOW;
    memcpy(buf, name, strlen(name) + 1);
    return 0;
}

DWORD wipc_plat_login_name(char *buf, size_t cap, size_t *len)
{
    char store[4096], num[16];
    struct passwd pw, *found = NULL;
    const char *name;
    size_t n;

    if (getpwuid_r(geteuid(), &pw, store, sizeof store, &found) == 0 && found)
        name = found->pw_name;
    else {
        snprintf(num, sizeof num, "%u", (unsigned)geteuid());
        name = num;
    }
    n = strlen(name);
    if (len)
        *len = n;
    if (n >= cap)
        return ERROR_INSUFFICIENT_BUFFER;
    memcpy(buf, name, n + 1);
    return 0;
}

DWORD wipc_plat_module_self(void **handle)
{
    Dl_info info;
    *handle = NULL;
    if (dladdr((void *)wipc_plat_module_self, &info) && info.dli_fname)
        *handle = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    if (!*handle) /* linked statically into the program */
        *handle = dlopen(NULL, RTLD_LAZY);
    return *handle ? 0 : ERROR_MOD_NOT_FOUND;
}

DWORD wipc_plat_module_main(void **handle)
{
    *handle = dlopen(NULL, RTLD_LAZY);
    return *handle ? 0 : ERROR_MOD_NOT_FOUND;
}

void *wipc_plat_module_symbol(void *handle, const char *name)
{
    return dlsym(handle, name);
}

DWORD wipc_plat_tty_getch(int fd, unsigned char *c)
{
    struct termios old, raw;
    int tty = tcgetattr(fd, &old) == 0;
    ssize_t r;

    if (tty) {
        raw = old;
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        raw.c_iflag &= ~(tcflag_t)ICRNL; /* Enter is '\r', as on Windows */
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(fd, TCSANOW, &raw) != 0)
            tty = 0;
    }
    do
        r = read(fd, c, 1);
    while (r < 0 && errno == EINTR);
    if (tty)
        tcsetattr(fd, TCSANOW, &old);
    if (r == 1)
        return 0;
    return r == 0 ? ERROR_HANDLE_EOF : wipc_plat_error(errno);
}

int wipc_plat_tty_key_ready(int fd)
{
    struct termios old, raw;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int tty = tcgetattr(fd, &old) == 0, r;

    /* Canonical mode holds keys back until Enter: look without it. */
    if (tty) {
        raw = old;
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(fd, TCSANOW, &raw) != 0)
            tty = 0;
    }
    do
        r = poll(&p, 1, 0);
    while (r < 0 && errno == EINTR);
    if (tty)
        tcsetattr(fd, TCSANOW, &old);
    return r > 0 && (p.revents & (POLLIN | POLLHUP));
}
