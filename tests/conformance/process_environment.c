/*
 * process_environment: what a child started with CreateProcessA sees of
 * its environment and current directory.  lpEnvironment as an ANSI block
 * (exactly its variables, none of the parent's), as a
 * CREATE_UNICODE_ENVIRONMENT block, and NULL (the parent's current
 * environment, SetEnvironmentVariableA included); lpCurrentDirectory, and
 * ERROR_DIRECTORY for one that does not exist.  The children answer
 * through exit codes; directories are shown only as relations.
 */
#include <tchar.h>
#include <windows.h>

#include <ctype.h>
#include <stdlib.h>

#include "conf_proc.h"

#define DIR_NAME "process_environment_dir"

/* The last component of a path ('\\' or '/' separated). */
static const char *last_component(const char *path)
{
    const char *p = path + strlen(path);
    while (p > path && (p[-1] == '\\' || p[-1] == '/'))
        p--;
    while (p > path && p[-1] != '\\' && p[-1] != '/')
        p--;
    return p;
}

/* Compares path's last component with name, ignoring case and a
 * trailing separator. */
static int same_name(const char *path, const char *name)
{
    const char *c = last_component(path);
    size_t n = strlen(name);
    size_t i;
    for (i = 0; i < n; i++)
        if (tolower((unsigned char)c[i]) != tolower((unsigned char)name[i]))
            return 0;
    return c[n] == '\0' || c[n] == '\\' || c[n] == '/';
}

/*
 * The children:
 *   getenv NAME VALUE   0: NAME is VALUE, 1: it has another value,
 *                       2: not found (ERROR_ENVVAR_NOT_FOUND), 3: other
 *   cwd NAME            0: the current directory's last component is NAME,
 *                       1: it is not, 2: GetCurrentDirectoryA failed
 *   open FILE           0: FILE opens (relative to the current directory)
 */
static int child_main(int argc, char **argv)
{
    char buf[MAX_PATH + 1];
    DWORD n;

    if (argc == 4 && strcmp(argv[1], "getenv") == 0) {
        SetLastError(0);
        n = GetEnvironmentVariableA(argv[2], buf, sizeof buf);
        if (n == 0)
            return GetLastError() == ERROR_ENVVAR_NOT_FOUND ? 2 : 3;
        if (n >= sizeof buf)
            return 3;
        return strcmp(buf, argv[3]) == 0 ? 0 : 1;
    }
    if (argc == 3 && strcmp(argv[1], "cwd") == 0) {
        n = GetCurrentDirectoryA(sizeof buf, buf);
        if (n == 0 || n >= sizeof buf)
            return 2;
        return same_name(buf, argv[2]) ? 0 : 1;
    }
    if (argc == 3 && strcmp(argv[1], "open") == 0) {
        HANDLE h = CreateFileA(argv[2], GENERIC_READ, SHARE_ALL, NULL,
                               OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        CloseHandle(h);
        return 0;
    }
    return 99;
}

/* Runs "self ARGS" with the given environment, flags and directory, and
 * prints its exit code (or CreateProcessA's failure). */
static void run(const char *label, const char *args, void *env, DWORD flags,
                const char *dir)
{
    conf_run(label, args, FALSE, flags, env, dir);
}

int main(int argc, char **argv)
{
    static char block[] = "WINIPC_CONF_A=alpha\0"
                          "WINIPC_CONF_B=beta gamma\0"
                          "\0";
    /* UTF-16 code units (WCHAR on Windows). */
    static const unsigned short wblock[] = {'W', 'I', 'N', 'I', 'P', 'C', '_',
                                            'C', 'O', 'N', 'F', '_', 'W', '=',
                                            'w', 'i', 'd', 'e', 0,   0};
    char cwd[MAX_PATH + 1], dir[MAX_PATH + 64], file[MAX_PATH + 96];
    char args[MAX_PATH + 96];
    DWORD n;

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    printf("getenv children: 0 = the value, 1 = another value, "
           "2 = not found\n");
    SetEnvironmentVariableA("WINIPC_CONF_PARENT", "parent");

    SECTION("lpEnvironment: an ANSI block");
    run("WINIPC_CONF_A", "getenv WINIPC_CONF_A alpha", block, 0, NULL);
    run("WINIPC_CONF_B (a value with a space)",
        "getenv WINIPC_CONF_B \"beta gamma\"", block, 0, NULL);
    run("winipc_conf_a (names ignore case)", "getenv winipc_conf_a alpha",
        block, 0, NULL);
    run("WINIPC_CONF_PARENT (the parent's, not in the block)",
        "getenv WINIPC_CONF_PARENT parent", block, 0, NULL);

    SECTION("lpEnvironment: a CREATE_UNICODE_ENVIRONMENT block");
    run("WINIPC_CONF_W", "getenv WINIPC_CONF_W wide", (void *)wblock,
        CREATE_UNICODE_ENVIRONMENT, NULL);
    run("WINIPC_CONF_PARENT", "getenv WINIPC_CONF_PARENT parent",
        (void *)wblock, CREATE_UNICODE_ENVIRONMENT, NULL);

    SECTION("lpEnvironment NULL: the parent's current environment");
    run("WINIPC_CONF_PARENT", "getenv WINIPC_CONF_PARENT parent", NULL, 0,
        NULL);
    SetEnvironmentVariableA("WINIPC_CONF_PARENT", "changed");
    run("WINIPC_CONF_PARENT after SetEnvironmentVariableA(changed)",
        "getenv WINIPC_CONF_PARENT changed", NULL, 0, NULL);
    SetEnvironmentVariableA("WINIPC_CONF_PARENT", NULL);
    run("WINIPC_CONF_PARENT after SetEnvironmentVariableA(NULL)",
        "getenv WINIPC_CONF_PARENT changed", NULL, 0, NULL);
    run("WINIPC_CONF_A (only in the block)", "getenv WINIPC_CONF_A alpha", NULL,
        0, NULL);

    SECTION("lpCurrentDirectory");
    printf("cwd children: 0 = the directory named, 1 = another one\n");
    n = GetCurrentDirectoryA(sizeof cwd, cwd);
    CHECK_TRUE("GetCurrentDirectoryA", n > 0 && n < sizeof cwd);
    snprintf(dir, sizeof dir, "%s\\%s", cwd, DIR_NAME);
    CreateDirectoryA(DIR_NAME, NULL);
    snprintf(file, sizeof file, "%s\\marker.txt", dir);
    conf_make_file(file, "marker");
    snprintf(args, sizeof args, "cwd \"%s\"", last_component(cwd));
    run("lpCurrentDirectory NULL: the child's directory has its name", args,
        NULL, 0, NULL);
    run("lpCurrentDirectory NULL: child opens marker.txt (1: not there)",
        "open marker.txt", NULL, 0, NULL);
    run("lpCurrentDirectory = the new directory: its name", "cwd " DIR_NAME,
        NULL, 0, dir);
    run("lpCurrentDirectory = the new directory: child opens marker.txt",
        "open marker.txt", NULL, 0, dir);
    CHECK_BOOL("SetCurrentDirectoryA(the new directory)",
               SetCurrentDirectoryA(dir));
    run("lpCurrentDirectory NULL after SetCurrentDirectoryA: its name",
        "cwd " DIR_NAME, NULL, 0, NULL);
    CHECK_BOOL("SetCurrentDirectoryA(back)", SetCurrentDirectoryA(cwd));
    snprintf(args, sizeof args, "%s\\process_environment_no_such_dir", cwd);
    run("lpCurrentDirectory that does not exist", "cwd x", NULL, 0, args);
    run("lpCurrentDirectory naming a file", "cwd x", NULL, 0, file);

    DeleteFileA(file);
    CHECK_BOOL("RemoveDirectoryA", RemoveDirectoryA(DIR_NAME));
    CONF_DONE();
}
