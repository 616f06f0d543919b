/*
 * format_message: FormatMessageA from the system table and from strings:
 * inserts, escapes, argument arrays and va_lists, allocated and too-small
 * buffers, and unknown message ids.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static void show(const char *label, DWORD n, DWORD e, const char *buf)
{
    printf("%s: %u, %s", label, (unsigned)n, conf_error(e));
    if (n > 0) {
        printf(", ");
        conf_show_bytes("text", buf, n);
    } else {
        printf("\n");
    }
}

static void from_system(const char *label, DWORD id)
{
    char buf[512];
    DWORD n, e;
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
                           FORMAT_MESSAGE_IGNORE_INSERTS,
                       NULL, id, 0, buf, sizeof buf, NULL);
    e = GetLastError();
    show(label, n, e, buf);
}

static void from_string(const char *label, DWORD flags, const char *fmt,
                        const DWORD_PTR *args)
{
    char buf[256];
    DWORD n, e;
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | flags, fmt, 0, 0, buf,
                       sizeof buf, (va_list *)args);
    e = GetLastError();
    show(label, n, e, buf);
}

/* FormatMessageA with the caller's own arguments as a va_list. */
static void from_valist(const char *label, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    DWORD n, e;
    va_start(ap, fmt);
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING, fmt, 0, 0, buf, sizeof buf,
                       &ap);
    e = GetLastError();
    va_end(ap);
    show(label, n, e, buf);
}

int main(void)
{
    static const DWORD_PTR words[] = {(DWORD_PTR) "world", (DWORD_PTR) "again"};
    static const DWORD_PTR numbers[] = {1, 2, (DWORD_PTR)-3, 255};
    char buf[16], *alloc = NULL;
    DWORD n, e;

    SECTION("system messages");
    from_system("ERROR_SUCCESS", ERROR_SUCCESS);
    from_system("ERROR_FILE_NOT_FOUND", ERROR_FILE_NOT_FOUND);
    from_system("ERROR_PATH_NOT_FOUND", ERROR_PATH_NOT_FOUND);
    from_system("ERROR_ACCESS_DENIED", ERROR_ACCESS_DENIED);
    from_system("ERROR_INVALID_HANDLE", ERROR_INVALID_HANDLE);
    from_system("ERROR_INVALID_PARAMETER", ERROR_INVALID_PARAMETER);
    from_system("ERROR_BROKEN_PIPE", ERROR_BROKEN_PIPE);
    from_system("ERROR_NO_DATA", ERROR_NO_DATA);
    from_system("ERROR_ALREADY_EXISTS", ERROR_ALREADY_EXISTS);
    from_system("ERROR_ENVVAR_NOT_FOUND", ERROR_ENVVAR_NOT_FOUND);
    from_system("unknown id 0x2000FFFF", 0x2000FFFF);

    SECTION("strings with inserts");
    from_string("\"Hello, %1.\"", FORMAT_MESSAGE_ARGUMENT_ARRAY, "Hello, %1.",
                words);
    from_string("\"%2 %1\"", FORMAT_MESSAGE_ARGUMENT_ARRAY, "%2 %1", words);
    from_string("\"%1!d! + %2!d! = %3!d!\"", FORMAT_MESSAGE_ARGUMENT_ARRAY,
                "%1!d! + %2!d! = %3!d!", numbers);
    from_string("\"%4!x! %4!X! %4!04x!\"", FORMAT_MESSAGE_ARGUMENT_ARRAY,
                "%4!x! %4!X! %4!04x!", numbers);
    from_string("\"%1!s!\"", FORMAT_MESSAGE_ARGUMENT_ARRAY, "%1!s!", words);
    from_string("\"%1\" with IGNORE_INSERTS", FORMAT_MESSAGE_IGNORE_INSERTS,
                "%1 and %2!d!", NULL);
    from_valist("va_list \"%1 %2!d!\"", "%1 %2!d!", "text", 42);

    SECTION("escapes");
    from_string("\"100%%\"", FORMAT_MESSAGE_ARGUMENT_ARRAY, "100%%", words);
    from_string("\"a%.b\"", FORMAT_MESSAGE_ARGUMENT_ARRAY, "a%.b", words);
    from_string("\"a%!b\"", FORMAT_MESSAGE_ARGUMENT_ARRAY, "a%!b", words);
    from_string("\"a% b\"", FORMAT_MESSAGE_ARGUMENT_ARRAY, "a% b", words);
    from_string("\"a%nb%rc%td\"", FORMAT_MESSAGE_ARGUMENT_ARRAY, "a%nb%rc%td",
                words);
    from_string("\"a\\nb\" (bare line feed)", FORMAT_MESSAGE_ARGUMENT_ARRAY,
                "a\nb", words);
    from_string("\"abc%0def\"", FORMAT_MESSAGE_ARGUMENT_ARRAY, "abc%0def",
                words);
    SECTION("escapes with IGNORE_INSERTS");
    from_string("IGNORE_INSERTS \"a%nb\"", FORMAT_MESSAGE_IGNORE_INSERTS,
                "a%nb", NULL);
    from_string("IGNORE_INSERTS \"100%%\"", FORMAT_MESSAGE_IGNORE_INSERTS,
                "100%%", NULL);
    from_string("IGNORE_INSERTS \"a%.b\"", FORMAT_MESSAGE_IGNORE_INSERTS,
                "a%.b", NULL);
    from_string("IGNORE_INSERTS \"a%!b\"", FORMAT_MESSAGE_IGNORE_INSERTS,
                "a%!b", NULL);
    from_string("IGNORE_INSERTS \"a% b\"", FORMAT_MESSAGE_IGNORE_INSERTS,
                "a% b", NULL);
    from_string("IGNORE_INSERTS \"abc%0def\"", FORMAT_MESSAGE_IGNORE_INSERTS,
                "abc%0def", NULL);
    from_string("IGNORE_INSERTS \"line\\r\\n\" kept",
                FORMAT_MESSAGE_IGNORE_INSERTS, "line\r\n", NULL);

    SECTION("bad flags");
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(0, "test", 0, 0, buf, sizeof buf, NULL);
    e = GetLastError();
    printf("no source flag: %u, %s\n", (unsigned)n, conf_error(e));
    alloc = (char *)buf;
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER, "test", 0, 0,
                       (LPSTR)&alloc, 0, NULL);
    e = GetLastError();
    printf("ALLOCATE_BUFFER and no source flag: %u, %s\n", (unsigned)n,
           conf_error(e));
    CHECK_TRUE("  the pointer is set to NULL", alloc == NULL);

    SECTION("buffers");
    alloc = NULL;
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(
        FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ALLOCATE_BUFFER |
            FORMAT_MESSAGE_ARGUMENT_ARRAY,
        "allocated %1", 0, 0, (LPSTR)&alloc, 0, (va_list *)words);
    e = GetLastError();
    show("ALLOCATE_BUFFER(\"allocated %1\")", n, e, alloc ? alloc : "");
    CHECK_TRUE("  LocalFree returns NULL", LocalFree(alloc) == NULL);
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
                           FORMAT_MESSAGE_IGNORE_INSERTS |
                           FORMAT_MESSAGE_ALLOCATE_BUFFER,
                       NULL, ERROR_ACCESS_DENIED, 0, (LPSTR)&alloc, 0, NULL);
    e = GetLastError();
    CHECK_TRUE("ALLOCATE_BUFFER from the system: same length as into a buffer",
               n > 0 && n == strlen(alloc));
    LocalFree(alloc);
    from_string("\"0123456789\" into 16 bytes", FORMAT_MESSAGE_IGNORE_INSERTS,
                "0123456789", NULL);
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING |
                           FORMAT_MESSAGE_IGNORE_INSERTS,
                       "abc", 0, 0, buf, 0, NULL);
    e = GetLastError();
    printf("\"abc\" into 0 bytes: %u, %s\n", (unsigned)n, conf_error(e));
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING |
                           FORMAT_MESSAGE_IGNORE_INSERTS,
                       "0123456789abcdefghij", 0, 0, buf, sizeof buf, NULL);
    e = GetLastError();
    printf("\"0123456789abcdefghij\" into 16 bytes: %u, %s\n", (unsigned)n,
           conf_error(e));
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING |
                           FORMAT_MESSAGE_IGNORE_INSERTS,
                       "0123456789abcdef", 0, 0, buf, sizeof buf, NULL);
    e = GetLastError();
    printf("\"0123456789abcdef\" (16 bytes) into 16 bytes: %u, %s\n",
           (unsigned)n, conf_error(e));
    SetLastError(CONF_SENTINEL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
                           FORMAT_MESSAGE_IGNORE_INSERTS,
                       NULL, ERROR_ACCESS_DENIED, 0, buf, 4, NULL);
    e = GetLastError();
    printf("ERROR_ACCESS_DENIED into 4 bytes: %u, %s\n", (unsigned)n,
           conf_error(e));
    CONF_DONE();
}
