/*
 * errors.c: Win32 error codes as names and messages, and the tool's error
 * output.
 *
 * The names come from <winerror.h> itself: the build lists its ERROR_*
 * macros in error_names.inc (see tools/CMakeLists.txt), so a code added
 * there gets its name here with no edit.  The texts are FormatMessageA's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tool.h"

/* Codes FormatMessageA itself reports that winerror.h may lack. */
#ifndef ERROR_NO_WORK_DONE
#define ERROR_NO_WORK_DONE 235L
#endif
#ifndef ERROR_RESOURCE_DATA_NOT_FOUND
#define ERROR_RESOURCE_DATA_NOT_FOUND 1812L
#endif
#ifndef ERROR_RESOURCE_TYPE_NOT_FOUND
#define ERROR_RESOURCE_TYPE_NOT_FOUND 1813L
#endif
#ifndef ERROR_RESOURCE_LANG_NOT_FOUND
#define ERROR_RESOURCE_LANG_NOT_FOUND 1815L
#endif

struct error_name {
    DWORD code;
    const char *name;
};

#define TOOL_ERROR(n)                                                          \
    {                                                                          \
        (DWORD)(n), #n                                                         \
    }

/* ERROR_SUCCESS is found before NO_ERROR, its alias, since it comes
 * first. */
static const struct error_name error_names[] = {
    TOOL_ERROR(ERROR_SUCCESS),
#include "error_names.inc" /* "TOOL_ERROR(ERROR_X)," lines */
    TOOL_ERROR(NO_ERROR),
    TOOL_ERROR(ERROR_NO_WORK_DONE),
    TOOL_ERROR(ERROR_RESOURCE_DATA_NOT_FOUND),
    TOOL_ERROR(ERROR_RESOURCE_TYPE_NOT_FOUND),
    TOOL_ERROR(ERROR_RESOURCE_LANG_NOT_FOUND),
};

#define ERROR_NAMES_COUNT (sizeof error_names / sizeof error_names[0])

const char *tool_error_name(DWORD code)
{
    for (size_t i = 0; i < ERROR_NAMES_COUNT; i++)
        if (error_names[i].code == code)
            return error_names[i].name;
    return NULL;
}

DWORD tool_error_code(const char *name, int *found)
{
    for (size_t i = 0; i < ERROR_NAMES_COUNT; i++) {
        if (strcasecmp(error_names[i].name, name) == 0) {
            *found = 1;
            return error_names[i].code;
        }
    }
    *found = 0;
    return 0;
}

/* The system message for code without its line break, into buf. */
static const char *error_text(DWORD code, char *buf, DWORD len)
{
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
                                 FORMAT_MESSAGE_IGNORE_INSERTS,
                             NULL, code, 0, buf, len, NULL);
    if (n == 0)
        snprintf(buf, len, "Unknown error.");
    else
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            buf[--n] = '\0';
    return buf;
}

/* "ERROR_NAME (code): message", into buf. */
static void error_describe(DWORD code, char *buf, size_t len)
{
    char text[512];
    const char *name = tool_error_name(code);
    error_text(code, text, sizeof text);
    if (name)
        snprintf(buf, len, "%s (%lu): %s", name, (unsigned long)code, text);
    else
        snprintf(buf, len, "error %lu: %s", (unsigned long)code, text);
}

int tool_fail(const char *cmd, const char *what, DWORD code)
{
    char desc[700];
    error_describe(code, desc, sizeof desc);
    fflush(stdout);
    if (what)
        fprintf(stderr, "winipc %s: %s: %s\n", cmd, what, desc);
    else
        fprintf(stderr, "winipc %s: %s\n", cmd, desc);
    return TOOL_EXIT_FAIL;
}

int tool_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "winipc %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'winipc %s --help'.\n", cmd);
    return TOOL_EXIT_USAGE;
}

/* ---- winipc error ------------------------------------------------------- */

static const char error_help[] =
    "Usage: winipc error CODE|NAME...\n"
    "\n"
    "Prints the symbolic name and the system message of Win32 error codes,\n"
    "as FormatMessage gives it:\n"
    "\n"
    "  $ winipc error 2 ERROR_PIPE_BUSY\n"
    "  ERROR_FILE_NOT_FOUND (2): The system cannot find the file specified.\n"
    "  ERROR_PIPE_BUSY (231): All pipe instances are busy.\n"
    "\n"
    "CODE is decimal or 0x-prefixed hexadecimal.  Exit status: 0, or 1 if a\n"
    "code has no message or a name is unknown.\n";

int cmd_error(int argc, char **argv)
{
    int status = TOOL_EXIT_OK;

    if (argc < 2)
        return tool_usage_error("error", "a CODE or NAME is needed");
    for (int i = 1; i < argc; i++) {
        if (tool_is_help(argv[i])) {
            fputs(error_help, stdout);
            return TOOL_EXIT_OK;
        }
    }
    for (int i = 1; i < argc; i++) {
        char desc[700], text[512];
        char *end;
        int found = 1;
        unsigned long v = strtoul(argv[i], &end, 0);
        DWORD code = (DWORD)v;

        if (*argv[i] == '\0' || *end != '\0' || argv[i][0] == '-' ||
            v > 0xFFFFFFFFul)
            code = tool_error_code(argv[i], &found);
        if (!found) {
            fprintf(stderr, "winipc error: %s: unknown error name\n", argv[i]);
            status = TOOL_EXIT_FAIL;
            continue;
        }
        if (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
                               FORMAT_MESSAGE_IGNORE_INSERTS,
                           NULL, code, 0, text, sizeof text, NULL) == 0)
            status = TOOL_EXIT_FAIL; /* no message for this code */
        error_describe(code, desc, sizeof desc);
        printf("%s\n", desc);
    }
    return status;
}
