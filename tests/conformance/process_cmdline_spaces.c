/*
 * process_cmdline_spaces: CreateProcessA with lpApplicationName NULL and a
 * command line whose program path holds spaces but no quotes.  Windows
 * tries the text up to each blank in turn, shortest first ("c:\program
 * files\sub dir\program name" tries c:\program.exe, then c:\program
 * files\sub.exe...), skips directories, runs the first file it finds, and
 * gives the child the rest of the line as its arguments.
 *
 * The programs are copies of this one (CopyFileA) under names with spaces,
 * in a scratch directory named after the scenario.  A child started as
 * "NAME... report H" writes the arguments it got before "report" to the
 * inherited pipe handle H; they show which name was run.  The command lines
 * name the programs without ".exe", which the files have on Windows only.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#ifdef _WIN32
#define EXE ".exe"
#else
#define EXE ""
#endif

#define ROOT "process_cmdline_spaces_dir"
#define MY_DIR ROOT "\\my dir"

/* The child: reports its arguments before "report H", one per line. */
static int child_main(int argc, char **argv)
{
    char label[32];
    int i;

    *conf_out_slot() = conf_handle_arg(argv[argc - 1]);
    for (i = 0; i < argc - 2; i++) {
        snprintf(label, sizeof label, "argv[%d]", i);
        conf_say_bytes(label, argv[i], (DWORD)strlen(argv[i]));
    }
    return 0;
}

/* CreateProcessA(NULL, "CMD report H") with the report pipe's write end as
 * H; prints the result, then the child's arguments and exit code. */
static void run(const char *label, const char *cmd)
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char line[512];
    HANDLE r, w;
    BOOL ok;
    DWORD e;

    conf_child_pipe(&r, &w, 0);
    snprintf(line, sizeof line, "%s report %llu", cmd, CONF_HANDLE_ARG(w));
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    memset(&pi, 0, sizeof pi);
    SetLastError(CONF_SENTINEL);
    ok = CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
    e = GetLastError();
    CloseHandle(w);
    if (ok) {
        DWORD code = conf_exit_code(&pi);
        printf("%s: TRUE\n", label);
        conf_relay(r);
        printf("  exit code %u\n", (unsigned)code);
    } else {
        printf("%s: FALSE, %s\n", label, conf_error(e));
    }
    CloseHandle(r);
}

/* A copy of this program named name (quiet unless it fails). */
static void copy_self(const char *name)
{
    if (!CopyFileA(*conf_self_slot(), name, FALSE))
        printf("(could not copy the program to %s: error %u)\n", name,
               (unsigned)GetLastError());
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[argc - 2], "report") == 0)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];
    CreateDirectoryA(ROOT, NULL);
    CreateDirectoryA(MY_DIR, NULL);

    SECTION("only the whole name exists");
    copy_self(MY_DIR "\\prog name" EXE);
    run("unquoted", MY_DIR "\\prog name first \"second arg\"");
    run("unquoted, a tab after the name", MY_DIR "\\prog name\tfirst");
    run("unquoted, with .exe", MY_DIR "\\prog name.exe first");
    run("quoted", "\"" MY_DIR "\\prog name\" first");
    SetCurrentDirectoryA(MY_DIR);
    run("no directory part, in the current directory", "prog name first");
    SetCurrentDirectoryA("..\\..");

    SECTION("a shorter name exists too");
    copy_self(MY_DIR "\\prog" EXE);
    run("unquoted", MY_DIR "\\prog name first");
    run("quoted", "\"" MY_DIR "\\prog name\" first");

    SECTION("a directory has the shortest name");
    CreateDirectoryA(ROOT "\\my" EXE, NULL);
    run("unquoted", MY_DIR "\\prog name first");
    RemoveDirectoryA(ROOT "\\my" EXE);

    SECTION("a program has the shortest name");
    copy_self(ROOT "\\my" EXE);
    run("unquoted", MY_DIR "\\prog name first");
    DeleteFileA(ROOT "\\my" EXE);

    SECTION("a data file has the shortest name");
    conf_make_file(ROOT "\\my" EXE, "not a program\r\n");
    run("unquoted", MY_DIR "\\prog name first");
    DeleteFileA(ROOT "\\my" EXE);

    SECTION("no name exists");
    run("a missing program in an existing directory",
        MY_DIR "\\no such program first");
    run("a missing directory after an existing one",
        ROOT "\\no such dir\\prog name first");
    run("every name in a missing directory", ROOT "\\missing\\prog name first");
    run("quoted, in a missing directory",
        "\"" ROOT "\\missing\\prog name\" first");
    run("the whole name is a directory", MY_DIR " first");

    DeleteFileA(MY_DIR "\\prog" EXE);
    DeleteFileA(MY_DIR "\\prog name" EXE);
    RemoveDirectoryA(MY_DIR);
    RemoveDirectoryA(ROOT);
    CONF_DONE();
}
