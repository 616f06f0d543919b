/*
 * main.c: the winipc command-line tool: looks at and talks to the named
 * objects of winipc programs (pipes, mailslots) and their handles, in the
 * spirit of Sysinternals' pipelist and handle, and of socat.
 *
 * The tool is a winipc program like any other: it talks through the Win32
 * API of <windows.h>; only the listings read the namespace through the
 * library's internal enumeration functions (it links the static library).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <winipc.h>

#include "tool.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"pipes", cmd_pipes, "list the named pipes that have a live server"},
    {"mailslots", cmd_mailslots, "list the mailslots that have a receiver"},
    {"objects", cmd_objects, "list named events, mutexes, semaphores, ..."},
    {"handles", cmd_handles, "show the handle table of a winipc process"},
    {"send", cmd_send, "write messages to a mailslot"},
    {"recv", cmd_recv, "create a mailslot and print what it receives"},
    {"serve", cmd_serve, "serve a named pipe: each client talks to a COMMAND"},
    {"connect", cmd_connect, "connect stdin and stdout to a named pipe"},
    {"error", cmd_error, "name and explain Win32 error codes"},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fputs("Usage: winipc COMMAND [ARGS...]\n"
          "       winipc COMMAND --help\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Names: a pipe or mailslot NAME may be given bare (\"echo\" is\n"
          "\\\\.\\pipe\\echo) or in full, starting with two backslashes.\n"
          "Objects live under $WINIPC_ROOT (default /tmp/.winipc).\n"
          "\n"
          "Exit status: 0 on success, 1 when a Windows call failed (the\n"
          "error is printed with its Windows name and message), 2 for a bad\n"
          "command line.\n",
          out);
}

int main(int argc, char **argv)
{
    /* A reader that went away is an error to report, not a signal. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return TOOL_EXIT_USAGE;
    }
    if (tool_is_help(argv[1])) {
        usage(stdout);
        return TOOL_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("winipc %s\n", winipc_version());
        return TOOL_EXIT_OK;
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "winipc: '%s' is not a command.\n", argv[1]);
    usage(stderr);
    return TOOL_EXIT_USAGE;
}
