/*
 * tool.h: what the files of the winipc command-line tool share.
 *
 * Each command is one function taking the arguments after its name
 * (argv[0] is the command's name) and returning the process exit status.
 */
#ifndef WINIPC_TOOL_H
#define WINIPC_TOOL_H

#include <stddef.h>

#include <windows.h>

/* Exit statuses, as most Unix tools use them. */
#define TOOL_EXIT_OK 0
#define TOOL_EXIT_FAIL 1  /* a Windows call failed: the error is printed */
#define TOOL_EXIT_USAGE 2 /* bad command line */

int cmd_pipes(int argc, char **argv);
int cmd_mailslots(int argc, char **argv);
int cmd_objects(int argc, char **argv);
int cmd_handles(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_recv(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_connect(int argc, char **argv);
int cmd_error(int argc, char **argv);

/* ---- errors.c ------------------------------------------------------------ */

/* The symbolic name of a Win32 error code ("ERROR_FILE_NOT_FOUND"), or
 * NULL if the table does not know it. */
const char *tool_error_name(DWORD code);

/* The code of a symbolic name (case-insensitive); 0 and *found = 0 if
 * unknown. */
DWORD tool_error_code(const char *name, int *found);

/* Prints "winipc CMD: WHAT: ERROR_NAME (code): message" to stderr; what
 * may be NULL.  Returns TOOL_EXIT_FAIL. */
int tool_fail(const char *cmd, const char *what, DWORD code);

/* Prints "winipc CMD: message" and a hint to run --help; returns
 * TOOL_EXIT_USAGE. */
int tool_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- util.c -------------------------------------------------------------- */

/* 1 if arg is -h or --help. */
int tool_is_help(const char *arg);

/*
 * Matches argv[*i] against the long option name ("--timeout"): its value
 * is either "--timeout=V" or the next argument (then *i moves past it).
 * Returns 1 with *value set, 0 if argv[*i] is another option, -1 if the
 * value is missing (an error is printed).
 */
int tool_opt_value(const char *cmd, int argc, char **argv, int *i,
                   const char *name, const char **value);

/* Parses a decimal DWORD (whole string); prints an error and returns 0 on
 * failure. */
int tool_parse_dword(const char *cmd, const char *opt, const char *s,
                     DWORD *out);

/*
 * The full Windows name for a command-line name: "NAME" becomes
 * "\\.\pipe\NAME" (kind "pipe") or "\\.\mailslot\NAME"; a name that starts
 * with "\\" is taken as it is.  Writes into buf (NUL-terminated, cut to
 * len).
 */
void tool_object_name(const char *kind, const char *arg, char *buf, size_t len);

/* The login name of uid, or its number as text (into buf). */
const char *tool_user_name(DWORD uid, char *buf, size_t len);

/* 1 if a process with this id exists (it may belong to another user). */
int tool_pid_exists(DWORD pid);

/* Writes s as a JSON string, quotes included. */
void tool_json_string(const char *s);

/* Writes all of buf to h (WriteFile loops over short writes). */
BOOL tool_write_all(HANDLE h, const void *buf, DWORD len);

/*
 * A security descriptor with a NULL DACL (every user may connect), for
 * --public: fills sd and sa and returns &sa.
 */
SECURITY_ATTRIBUTES *tool_public_sa(SECURITY_ATTRIBUTES *sa,
                                    SECURITY_DESCRIPTOR *sd);

#endif /* WINIPC_TOOL_H */
