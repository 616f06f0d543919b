/*
 * env_set_strings: SetEnvironmentStringsW and SetEnvironmentStringsA
 * replace the whole environment with a block "k=v\0...\0\0" (Microsoft's
 * SetEnvironmentStrings documentation; Wine's environ.c
 * test_SetEnvironmentStrings, which passes on Windows): the block is not
 * changed, variables not in it are gone, the old block restores the old
 * environment; an entry without a name fails the call with
 * ERROR_INVALID_PARAMETER and changes nothing; values may hold '='; a name
 * given twice keeps its first place and takes the later entry; an empty
 * block empties the environment.
 *
 * SetEnvironmentStringsA (kernel32's export, winbase.h: the same with an
 * ANSI block) is left to tests/test_env.c: Wine 8's crashes on any block
 * (it converts the block without its final NUL into a buffer of as many
 * bytes as the block has characters).
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

/* GetEnvironmentVariableA of name: its value, or the error. */
static void show_var(const char *label, const char *name)
{
    char buf[64];
    DWORD n;

    SetLastError(CONF_SENTINEL);
    n = GetEnvironmentVariableA(name, buf, sizeof buf);
    if (n == 0 && GetLastError() != CONF_SENTINEL)
        printf("%s: not set, %s\n", label, conf_error(GetLastError()));
    else
        printf("%s: \"%s\"\n", label, n < sizeof buf ? buf : "(long)");
}

/* The environment's entries (ASCII), joined by '|'. */
static void show_block(const char *label)
{
    WCHAR *block = GetEnvironmentStringsW(), *p;

    printf("%s: ", label);
    for (p = block; p && *p; p++) {
        for (; *p; p++)
            putchar(*p < 128 ? (char)*p : '?');
        if (p[1])
            putchar('|');
    }
    printf("\n");
    FreeEnvironmentStringsW(block);
}

/* w, n units, into a WCHAR array (the block's NULs included). */
static void copy_block(WCHAR *w, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        w[i] = (unsigned char)s[i];
}

#define SET_W(label, text)                                                     \
    do {                                                                       \
        copy_block(wide, text, sizeof(text));                                  \
        CHECK_BOOL(label, SetEnvironmentStringsW(wide));                       \
    } while (0)

int main(void)
{
    static const char given[] = "WIPC_SES1=unus\0WIPC_SES3=tres\0";
    WCHAR wide[64], before[64], *old;

    memset(wide, 0, sizeof wide);
    SetEnvironmentVariableA("WIPC_SES1", "heis");
    SetEnvironmentVariableA("WIPC_SES2", "dyo");
    old = GetEnvironmentStringsW();

    SECTION("SetEnvironmentStringsW replaces the environment");
    copy_block(wide, given, sizeof given);
    memcpy(before, wide, sizeof wide);
    CHECK_BOOL("SetEnvironmentStringsW(WIPC_SES1=unus, WIPC_SES3=tres)",
               SetEnvironmentStringsW(wide));
    CHECK_TRUE("the block is not changed",
               memcmp(before, wide, sizeof wide) == 0);
    show_var("WIPC_SES1", "WIPC_SES1");
    show_var("WIPC_SES2", "WIPC_SES2");
    show_var("WIPC_SES3", "WIPC_SES3");
    show_var("PATH", "PATH");
    show_block("the environment");

    SECTION("the old block restores the old environment");
    CHECK_BOOL("SetEnvironmentStringsW(old block)",
               SetEnvironmentStringsW(old));
    show_var("WIPC_SES1", "WIPC_SES1");
    show_var("WIPC_SES2", "WIPC_SES2");
    show_var("WIPC_SES3", "WIPC_SES3");

    SECTION("an entry without a name");
    SET_W("SetEnvironmentStringsW(WIPC_SES_BAD)", "WIPC_SES_BAD\0");
    SET_W("SetEnvironmentStringsW(=unus)", "=unus\0");
    SET_W("SetEnvironmentStringsW(WIPC_SES4=1, WIPC_SES_BAD)",
          "WIPC_SES4=1\0WIPC_SES_BAD\0");
    show_var("WIPC_SES4 (not set by the failed call)", "WIPC_SES4");
    show_var("WIPC_SES1 (kept)", "WIPC_SES1");

    SECTION("entries");
    SET_W("SetEnvironmentStringsW(one=two=three four=five)",
          "one=two=three four=five\0");
    show_var("one", "one");
    SET_W("SetEnvironmentStringsW(WIPC_X=1, WIPC_Y=y, wipc_x=2)",
          "WIPC_X=1\0WIPC_Y=y\0wipc_x=2\0");
    show_var("WIPC_X", "WIPC_X");
    show_block("the environment");

    SECTION("an empty block");
    SET_W("SetEnvironmentStringsW(empty block)", "\0");
    show_block("the environment");
    show_var("WIPC_X", "WIPC_X");

    SetEnvironmentStringsW(old);
    FreeEnvironmentStringsW(old);
    CONF_DONE();
}
