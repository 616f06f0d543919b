/*
 * conformance.h: the transcript helpers shared by the conformance scenarios.
 *
 * A scenario is plain Win32 C: it builds unchanged with MinGW for Windows
 * (where refresh.sh runs it under Wine to produce expected/NAME.txt) and
 * natively against winipc.  It prints one line per behaviour checked, and
 * nothing that varies between runs: no handle values, ids or timings, only
 * results, error codes and relations between values.
 *
 * Every checked call runs with the last error preset to a sentinel, so the
 * transcript also shows whether a successful call touched the last error:
 * "error untouched" means it did not.
 */
#ifndef WINIPC_CONFORMANCE_H
#define WINIPC_CONFORMANCE_H

#include <windows.h>

#include <stdio.h>
#include <string.h>

#define CONF_SENTINEL 0xDEADBEEFu

/* winipc does not enforce share modes (see README), so every scenario
 * shares everything: sharing violations are not part of the transcripts. */
#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* A value no handle table of a small program reaches. */
#define UNKNOWN_HANDLE ((HANDLE)(ULONG_PTR)0x3fffff0)

struct conf_error_name {
    DWORD code;
    const char *name;
};

/* "error untouched", "error ERROR_NAME" or "error 1234" (no known name). */
static inline const char *conf_error(DWORD e)
{
    static const struct conf_error_name conf_error_names[] = {
        {0, "ERROR_SUCCESS"},
        {1, "ERROR_INVALID_FUNCTION"},
        {2, "ERROR_FILE_NOT_FOUND"},
        {3, "ERROR_PATH_NOT_FOUND"},
        {4, "ERROR_TOO_MANY_OPEN_FILES"},
        {5, "ERROR_ACCESS_DENIED"},
        {6, "ERROR_INVALID_HANDLE"},
        {8, "ERROR_NOT_ENOUGH_MEMORY"},
        {12, "ERROR_INVALID_ACCESS"},
        {13, "ERROR_INVALID_DATA"},
        {14, "ERROR_OUTOFMEMORY"},
        {18, "ERROR_NO_MORE_FILES"},
        {25, "ERROR_SEEK"},
        {31, "ERROR_GEN_FAILURE"},
        {32, "ERROR_SHARING_VIOLATION"},
        {38, "ERROR_HANDLE_EOF"},
        {50, "ERROR_NOT_SUPPORTED"},
        {80, "ERROR_FILE_EXISTS"},
        {87, "ERROR_INVALID_PARAMETER"},
        {109, "ERROR_BROKEN_PIPE"},
        {120, "ERROR_CALL_NOT_IMPLEMENTED"},
        {121, "ERROR_SEM_TIMEOUT"},
        {122, "ERROR_INSUFFICIENT_BUFFER"},
        {123, "ERROR_INVALID_NAME"},
        {131, "ERROR_NEGATIVE_SEEK"},
        {132, "ERROR_SEEK_ON_DEVICE"},
        {161, "ERROR_BAD_PATHNAME"},
        {183, "ERROR_ALREADY_EXISTS"},
        {193, "ERROR_BAD_EXE_FORMAT"},
        {203, "ERROR_ENVVAR_NOT_FOUND"},
        {206, "ERROR_FILENAME_EXCED_RANGE"},
        {230, "ERROR_BAD_PIPE"},
        {231, "ERROR_PIPE_BUSY"},
        {232, "ERROR_NO_DATA"},
        {233, "ERROR_PIPE_NOT_CONNECTED"},
        {234, "ERROR_MORE_DATA"},
        {258, "WAIT_TIMEOUT"},
        {267, "ERROR_DIRECTORY"},
        {288, "ERROR_NOT_OWNER"},
        {317, "ERROR_MR_MID_NOT_FOUND"},
        {487, "ERROR_INVALID_ADDRESS"},
        {535, "ERROR_PIPE_CONNECTED"},
        {536, "ERROR_PIPE_LISTENING"},
        {735, "ERROR_ABANDONED_WAIT_0"},
        {995, "ERROR_OPERATION_ABORTED"},
        {996, "ERROR_IO_INCOMPLETE"},
        {997, "ERROR_IO_PENDING"},
        {998, "ERROR_NOACCESS"},
        {1004, "ERROR_INVALID_FLAGS"},
        {1168, "ERROR_NOT_FOUND"},
        {1784, "ERROR_INVALID_USER_BUFFER"},
        {1816, "ERROR_NOT_ENOUGH_QUOTA"},
    };
    static char buf[64];
    size_t i;
    if (e == CONF_SENTINEL)
        return "error untouched";
    for (i = 0; i < sizeof conf_error_names / sizeof conf_error_names[0]; i++)
        if (conf_error_names[i].code == e) {
            snprintf(buf, sizeof buf, "error %s", conf_error_names[i].name);
            return buf;
        }
    snprintf(buf, sizeof buf, "error %u", (unsigned)e);
    return buf;
}

/* A handle as a transcript may show it: never its value. */
static inline const char *conf_handle(HANDLE h)
{
    if (h == NULL)
        return "NULL";
    if (h == INVALID_HANDLE_VALUE)
        return "INVALID_HANDLE_VALUE";
    if (h == (HANDLE)(LONG_PTR)-2)
        return "pseudo thread handle";
    return "handle";
}

/* A wait function's result by name. */
static inline const char *conf_wait(DWORD r)
{
    static char buf[32];
    if (r == WAIT_TIMEOUT)
        return "WAIT_TIMEOUT";
    if (r == WAIT_FAILED)
        return "WAIT_FAILED";
    if (r < MAXIMUM_WAIT_OBJECTS) {
        snprintf(buf, sizeof buf, "WAIT_OBJECT_0+%u", (unsigned)r);
        return buf;
    }
    if (r >= WAIT_ABANDONED && r < WAIT_ABANDONED + MAXIMUM_WAIT_OBJECTS) {
        snprintf(buf, sizeof buf, "WAIT_ABANDONED_0+%u",
                 (unsigned)(r - WAIT_ABANDONED));
        return buf;
    }
    snprintf(buf, sizeof buf, "%u", (unsigned)r);
    return buf;
}

/* Checks a BOOL call: "label: TRUE, error untouched". */
#define CHECK_BOOL(label, call)                                                \
    do {                                                                       \
        BOOL r_;                                                               \
        DWORD e_;                                                              \
        SetLastError(CONF_SENTINEL);                                           \
        r_ = (call);                                                           \
        e_ = GetLastError();                                                   \
        printf("%s: %s, %s\n", (label), r_ ? "TRUE" : "FALSE",                 \
               conf_error(e_));                                                \
    } while (0)

/* Checks a call returning a DWORD count or code, printed in decimal. */
#define CHECK_DWORD(label, call)                                               \
    do {                                                                       \
        DWORD r_;                                                              \
        DWORD e_;                                                              \
        SetLastError(CONF_SENTINEL);                                           \
        r_ = (call);                                                           \
        e_ = GetLastError();                                                   \
        printf("%s: %u, %s\n", (label), (unsigned)r_, conf_error(e_));         \
    } while (0)

/* Checks a wait: "label: WAIT_OBJECT_0+1, error untouched". */
#define CHECK_WAIT(label, call)                                                \
    do {                                                                       \
        DWORD r_;                                                              \
        DWORD e_;                                                              \
        SetLastError(CONF_SENTINEL);                                           \
        r_ = (call);                                                           \
        e_ = GetLastError();                                                   \
        printf("%s: %s, %s\n", (label), conf_wait(r_), conf_error(e_));        \
    } while (0)

/* Checks a call returning a handle, which it stores in var. */
#define CHECK_HANDLE(label, var, call)                                         \
    do {                                                                       \
        DWORD e_;                                                              \
        SetLastError(CONF_SENTINEL);                                           \
        (var) = (call);                                                        \
        e_ = GetLastError();                                                   \
        printf("%s: %s, %s\n", (label), conf_handle(var), conf_error(e_));     \
    } while (0)

/* A client end of the named pipe name, for reading and writing. */
static inline HANDLE conf_pipe_client(const char *name)
{
    return CreateFileA(name, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL,
                       OPEN_EXISTING, 0, NULL);
}

/* conf_pipe_client, checked: "label: handle, error". */
static inline HANDLE conf_check_pipe_client(const char *label,
                                            const char *name)
{
    HANDLE h;
    CHECK_HANDLE(label, h, conf_pipe_client(name));
    return h;
}

/* Checks a call returning a handle, which it stores in var, showing the
 * last error only when the call fails (for calls such as CreateNamedPipeA,
 * whose last error after a success Windows does not document). */
#define CHECK_CREATED(label, var, call)                                        \
    do {                                                                       \
        DWORD e_;                                                              \
        SetLastError(CONF_SENTINEL);                                           \
        (var) = (call);                                                        \
        e_ = GetLastError();                                                   \
        if ((var) == INVALID_HANDLE_VALUE || (var) == NULL)                    \
            printf("%s: %s, %s\n", (label), conf_handle(var), conf_error(e_)); \
        else                                                                   \
            printf("%s: handle\n", (label));                                  \
    } while (0)

/* A relation between values that must hold: "label: 1". */
#define CHECK_TRUE(label, cond) printf("%s: %d\n", (label), (cond) ? 1 : 0)

/* A value that is the same on every run (a count, a flag word). */
#define SHOW_UINT(label, value) printf("%s: %u\n", (label), (unsigned)(value))

/* A buffer's bytes, quoted, with \r \n \t and other controls escaped. */
static inline void conf_show_bytes(const char *label, const void *buf, size_t n)
{
    const unsigned char *p = (const unsigned char *)buf;
    size_t i;
    printf("%s: \"", label);
    for (i = 0; i < n; i++) {
        if (p[i] == '\r')
            printf("\\r");
        else if (p[i] == '\n')
            printf("\\n");
        else if (p[i] == '\t')
            printf("\\t");
        else if (p[i] == '"' || p[i] == '\\')
            printf("\\%c", p[i]);
        else if (p[i] < 0x20 || p[i] >= 0x7f)
            printf("\\x%02x", p[i]);
        else
            putchar(p[i]);
    }
    printf("\"\n");
}

#define SHOW_STRING(label, s) conf_show_bytes((label), (s), strlen(s))

/* Creates (or replaces) the file name holding text; quiet on success. */
static inline void conf_make_file(const char *name, const char *text)
{
    DWORD n = 0;
    HANDLE h = CreateFileA(name, GENERIC_WRITE, SHARE_ALL, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE ||
        !WriteFile(h, text, (DWORD)strlen(text), &n, NULL))
        printf("(could not write %s: error %u)\n", name,
               (unsigned)GetLastError());
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
}

/* The whole content of a file, read through a new handle, as a string. */
static inline const char *conf_file_content(const char *name)
{
    static char buf[256];
    DWORD n = 0;
    HANDLE h = CreateFileA(name, GENERIC_READ, SHARE_ALL, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return "(cannot open)";
    if (!ReadFile(h, buf, sizeof buf - 1, &n, NULL))
        n = 0;
    buf[n] = '\0';
    CloseHandle(h);
    return buf;
}

/* A section heading, so a diff shows where it is. */
#define SECTION(name) printf("-- %s\n", (name))

/* The transcript is written as it goes, not when the program ends: a run
 * that hangs shows where, and one that is ended from outside loses nothing
 * it printed (the C library of Windows buffers a file fully and has no line
 * buffering). */
__attribute__((constructor)) static void conf_unbuffered(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

/* Ends main with the transcript's last line, so that a run ended early
 * (status 0 and a truncated transcript) cannot pass for a whole one. */
#define CONF_DONE()                                                            \
    do {                                                                       \
        printf("-- end\n");                                                   \
        fflush(stdout);                                                        \
        return 0;                                                              \
    } while (0)

#endif /* WINIPC_CONFORMANCE_H */
