/*
 * test_error.c: the last error and FormatMessageA, checked against Windows
 * as Wine 8.0 reproduces it and as Wine's conformance tests (which pass on
 * Windows) record it; where they differ from Microsoft's documentation, the
 * documentation wins and the check says so.  System message texts are
 * Microsoft's ("System Error Codes" pages); Wine ships its own wording.
 */
#include "testlib.h"

#include <stdarg.h>

#ifndef ERROR_NO_WORK_DONE
#define ERROR_NO_WORK_DONE 235
#endif
#ifndef ERROR_RESOURCE_TYPE_NOT_FOUND
#define ERROR_RESOURCE_TYPE_NOT_FOUND 1813
#endif
#ifndef ERROR_RESOURCE_LANG_NOT_FOUND
#define ERROR_RESOURCE_LANG_NOT_FOUND 1815
#endif

#define DEADBEEF 0xdeadbeefu
#define FS FORMAT_MESSAGE_FROM_STRING
#define SYS (FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS)

static char out[512];
static DWORD last_error;

/* FormatMessageA with a va_list of the arguments after size. */
static DWORD fmt(DWORD flags, const char *src, DWORD size, ...)
{
    va_list list;
    DWORD r;

    va_start(list, size);
    memset(out, 'x', sizeof out);
    SetLastError(DEADBEEF);
    r = FormatMessageA(flags, src, 0, 0, out, size, &list);
    last_error = GetLastError();
    va_end(list);
    return r;
}

/* A successful format: the result, its length, the last error untouched. */
#define CHECK_FMT(expected, flags, src, ...)                                   \
    do {                                                                       \
        DWORD r__ = fmt(flags, src, sizeof out, ##__VA_ARGS__);                \
        CHECK_STR(r__ ? out : "(failed)", expected);                           \
        CHECK_EQ(r__, strlen(expected));                                       \
        CHECK_EQ(last_error, DEADBEEF);                                        \
    } while (0)

/* A failing format: 0, the error, the output buffer untouched. */
#define CHECK_FMT_FAILS(err, flags, src, ...)                                  \
    do {                                                                       \
        CHECK_EQ(fmt(flags, src, sizeof out, ##__VA_ARGS__), 0);               \
        CHECK_EQ(last_error, err);                                             \
        CHECK_EQ(out[0], 'x');                                                 \
    } while (0)

/* FormatMessageA(FROM_SYSTEM | IGNORE_INSERTS) of id into out. */
static DWORD sys(DWORD id, DWORD lang)
{
    memset(out, 'x', sizeof out);
    SetLastError(DEADBEEF);
    id = FormatMessageA(SYS, NULL, id, lang, out, sizeof out, NULL);
    last_error = GetLastError();
    return id;
}

#define CHECK_SYS(id, text)                                                    \
    do {                                                                       \
        CHECK_EQ(sys(id, 0), strlen(text));                                    \
        CHECK_STR(out, text);                                                  \
        CHECK_EQ(last_error, DEADBEEF);                                        \
    } while (0)

/* ---- The last error ----------------------------------------------------- */

static DWORD WINAPI other_thread(LPVOID arg)
{
    (void)arg;
    SetLastError(42);
    return GetLastError();
}

static void test_last_error_per_thread(void)
{
    HANDLE t;
    DWORD code = 0;

    SetLastError(7);
    t = CreateThread(NULL, 0, other_thread, NULL, 0, NULL);
    CHECK(t != NULL);
    if (t) {
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeThread(t, &code));
        CloseHandle(t);
    }
    CHECK_EQ(code, 42);
    CHECK_EQ(GetLastError(), 7);
}

/* ---- System messages ---------------------------------------------------- */

static void test_system_messages(void)
{
    CHECK_SYS(0, "The operation completed successfully.\r\n");
    CHECK_SYS(ERROR_FILE_NOT_FOUND,
              "The system cannot find the file specified.\r\n");
    CHECK_SYS(ERROR_ACCESS_DENIED, "Access is denied.\r\n");
    CHECK_SYS(ERROR_INVALID_HANDLE, "The handle is invalid.\r\n");
    CHECK_SYS(ERROR_INVALID_PARAMETER, "The parameter is incorrect.\r\n");
    CHECK_SYS(ERROR_BROKEN_PIPE, "The pipe has been ended.\r\n");
    CHECK_SYS(ERROR_INSUFFICIENT_BUFFER,
              "The data area passed to a system call is too small.\r\n");
    CHECK_SYS(ERROR_ALREADY_EXISTS,
              "Cannot create a file when that file already exists.\r\n");
    CHECK_SYS(ERROR_ENVVAR_NOT_FOUND, "The system could not find the "
                                      "environment option that was "
                                      "entered.\r\n");
    CHECK_SYS(ERROR_PIPE_CONNECTED,
              "There is a process on other end of the pipe.\r\n");
    /* 698 (5010 is ERROR_OBJECT_ALREADY_EXISTS). */
    CHECK_EQ(ERROR_OBJECT_NAME_EXISTS, 698);
    CHECK_SYS(ERROR_OBJECT_NAME_EXISTS, "An attempt was made to create an "
                                        "object and the object name already "
                                        "existed.\r\n");
    CHECK_SYS(ERROR_IO_PENDING, "Overlapped I/O operation is in progress.\r\n");
    CHECK_SYS(ERROR_NO_WORK_DONE,
              "The action requested resulted in no work being done. "
              "Error-style clean-up has been performed.\r\n");
    CHECK_SYS(ERROR_BAD_EXE_FORMAT, "%1 is not a valid Win32 application.\r\n");
    CHECK_SYS(ERROR_MR_MID_NOT_FOUND,
              "The system cannot find message text for message number "
              "0x%1 in the message file for %2.\r\n");
}

/*
 * Every code winerror.h defines has a text.  The header is found next to
 * this source file (CMake compiles it with its absolute path), so a code
 * added to winerror.h without a text fails here.
 */
static void test_every_winerror_code_has_text(void)
{
    char path[1024], line[256], name[128];
    const char *slash = strrchr(__FILE__, '/');
    unsigned long code;
    int checked = 0;
    FILE *f;

    snprintf(path, sizeof path, "%.*s/../include/winipc/winerror.h",
             slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".");
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        size_t n;
        if (sscanf(line, "#define %127s %luL", name, &code) != 2 ||
            (strncmp(name, "ERROR_", 6) != 0 && strcmp(name, "NO_ERROR")))
            continue;
        n = sys((DWORD)code, 0);
        test_checks++;
        if (n < 3 || strcmp(out + n - 2, "\r\n") != 0 || last_error != DEADBEEF)
            TEST_FAIL_AT("%s (%lu) has no system message text (error %lu)",
                         name, code, (unsigned long)last_error);
        checked++;
    }
    fclose(f);
    CHECK(checked >= 80);
}

static void test_system_unknown_id(void)
{
    char *p = (char *)1;

    CHECK_EQ(sys(99999, 0), 0);
    CHECK_EQ(last_error, ERROR_MR_MID_NOT_FOUND);
    CHECK_EQ(out[0], 'x');
    /* With FORMAT_MESSAGE_ALLOCATE_BUFFER the pointer is set to NULL. */
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(SYS | FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL, 99999,
                            0, (LPSTR)&p, 0, NULL),
             0);
    CHECK_EQ(GetLastError(), ERROR_MR_MID_NOT_FOUND);
    CHECK(p == NULL);
}

static void test_system_hresult(void)
{
    /* HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) has the Win32 text. */
    CHECK_SYS(0x80070002u, "The system cannot find the file specified.\r\n");
    CHECK_EQ(sys(0x80040002u, 0), 0);
    CHECK_EQ(last_error, ERROR_MR_MID_NOT_FOUND);
}

static void test_system_languages(void)
{
    static const DWORD english[] = {
        0,
        MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
        MAKELANGID(LANG_NEUTRAL, 0x02), /* SUBLANG_SYS_DEFAULT */
        MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
        MAKELANGID(LANG_ENGLISH, 0x02), /* English (UK) */
        MAKELANGID(LANG_ENGLISH, SUBLANG_NEUTRAL),
    };
    for (size_t i = 0; i < sizeof english / sizeof english[0]; i++) {
        CHECK_EQ(sys(ERROR_ACCESS_DENIED, english[i]), 19);
        CHECK_STR(out, "Access is denied.\r\n");
    }
    /* Only English exists.  Wine has German texts and answers 0x407; the
     * documentation: "If the function cannot find a message for that
     * LANGID, it sets Last-Error to ERROR_RESOURCE_LANG_NOT_FOUND". */
    CHECK_EQ(sys(ERROR_ACCESS_DENIED, MAKELANGID(0x07, SUBLANG_DEFAULT)), 0);
    CHECK_EQ(last_error, ERROR_RESOURCE_LANG_NOT_FOUND);
    CHECK_EQ(sys(ERROR_ACCESS_DENIED, 0x12345), 0);
    CHECK_EQ(last_error, ERROR_RESOURCE_LANG_NOT_FOUND);
}

static void test_system_inserts(void)
{
    DWORD_PTR args[] = {(DWORD_PTR) "app.exe"};

    /* A system message with an insert needs arguments or IGNORE_INSERTS. */
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL,
                            ERROR_BAD_EXE_FORMAT, 0, out, sizeof out, NULL),
             0);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_EQ(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
                                FORMAT_MESSAGE_ARGUMENT_ARRAY,
                            NULL, ERROR_BAD_EXE_FORMAT, 0, out, sizeof out,
                            (va_list *)args),
             43);
    CHECK_STR(out, "app.exe is not a valid Win32 application.\r\n");
}

static void test_system_width(void)
{
    /* A width turns the text's line breaks into spaces. */
    CHECK_EQ(FormatMessageA(SYS | FORMAT_MESSAGE_MAX_WIDTH_MASK, NULL,
                            ERROR_FILE_NOT_FOUND, 0, out, sizeof out, NULL),
             43);
    CHECK_STR(out, "The system cannot find the file specified. ");
    CHECK_EQ(FormatMessageA(SYS | 20, NULL, ERROR_FILE_NOT_FOUND, 0, out,
                            sizeof out, NULL),
             45);
    CHECK_STR(out, "The system cannot\r\nfind the file\r\nspecified. ");
}

/* ---- Sources, flags, buffers ------------------------------------------- */

static void test_no_source(void)
{
    static const DWORD bad[] = {0, FORMAT_MESSAGE_IGNORE_INSERTS,
                                FORMAT_MESSAGE_ARGUMENT_ARRAY,
                                FORMAT_MESSAGE_MAX_WIDTH_MASK};
    char *p = (char *)1;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_FMT_FAILS(ERROR_INVALID_PARAMETER, bad[i], "test");
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER, "test", 0, 0,
                            (LPSTR)&p, 0, NULL),
             0);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(p == NULL);
}

static void test_source_precedence(void)
{
    /* FORMAT_MESSAGE_FROM_STRING wins over the other source flags. */
    CHECK_FMT("test", FS | FORMAT_MESSAGE_FROM_SYSTEM, "test");
    CHECK_FMT("test", FS | FORMAT_MESSAGE_FROM_HMODULE, "test");
    /* No module has a message table.  The documentation: "If the module has
     * no message table resources, the function fails with
     * ERROR_RESOURCE_TYPE_NOT_FOUND" (Wine reports 1812 for an .exe without
     * any resources).  With FROM_SYSTEM too, the system table answers. */
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE, NULL, 2, 0, out,
                            sizeof out, NULL),
             0);
    CHECK_EQ(GetLastError(), ERROR_RESOURCE_TYPE_NOT_FOUND);
    CHECK_EQ(FormatMessageA(SYS | FORMAT_MESSAGE_FROM_HMODULE, NULL, 2, 0, out,
                            sizeof out, NULL),
             44);
}

static void test_buffer_sizes(void)
{
    /* Too small, by any amount: 0, ERROR_INSUFFICIENT_BUFFER, untouched. */
    for (DWORD size = 0; size <= 4; size++) {
        CHECK_EQ(fmt(FS, "test", size), 0);
        CHECK_EQ(last_error, ERROR_INSUFFICIENT_BUFFER);
        CHECK_EQ(out[0], 'x');
    }
    CHECK_EQ(fmt(FS, "test", 5), 4);
    CHECK_STR(out, "test");
    /* A NULL buffer is only checked against its size. */
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(SYS, NULL, 0, 0, NULL, 1, NULL), 0);
    CHECK_EQ(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
}

static void test_buffer_limit(void)
{
    /* "This buffer cannot be larger than 64K bytes": Windows takes nSize in
     * characters of its internal UTF-16 buffer, so 32767 is the most. */
    size_t n = 32766;
    char *s = malloc(n + 1), *b = malloc(n + 2);

    CHECK(s && b);
    if (!s || !b)
        goto out;
    memset(s, 'A', n);
    s[n] = '\0';
    CHECK_EQ(FormatMessageA(FS, s, 0, 0, b, 32767, NULL), n);
    CHECK_EQ(strcmp(b, s), 0);
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(FS, "abc", 0, 0, b, 32768, NULL), 0);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
out:
    free(s);
    free(b);
}

static void test_allocate_buffer(void)
{
    char *p = (char *)1;

    CHECK_EQ(FormatMessageA(FS | FORMAT_MESSAGE_ALLOCATE_BUFFER, "test", 0, 0,
                            (LPSTR)&p, 0, NULL),
             4);
    CHECK(p != NULL && p != (char *)1);
    if (p && p != (char *)1)
        CHECK_STR(p, "test");
    CHECK(LocalFree(p) == NULL);

    /* nSize is the least to allocate: the buffer may be filled up to it. */
    p = NULL;
    CHECK_EQ(FormatMessageA(SYS | FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL,
                            ERROR_ACCESS_DENIED, 0, (LPSTR)&p, 1024, NULL),
             19);
    if (p) {
        CHECK_STR(p, "Access is denied.\r\n");
        memset(p, 'z', 1024);
    }
    LocalFree(p);

    /* A NULL lpBuffer: ERROR_NOT_ENOUGH_MEMORY, as Windows. */
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(SYS | FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL, 0, 0,
                            NULL, 0, NULL),
             0);
    CHECK_EQ(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);

    /* An empty result allocates nothing. */
    p = (char *)1;
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(FS | FORMAT_MESSAGE_ALLOCATE_BUFFER, "", 0, 0,
                            (LPSTR)&p, 0, NULL),
             0);
    CHECK_EQ(GetLastError(), ERROR_NO_WORK_DONE);
    CHECK(p == NULL);
}

/* ---- Message definitions ------------------------------------------------ */

static void test_escapes(void)
{
    CHECK_FMT("test", FS, "test");
    CHECK_FMT("test", FS, "test%0test"); /* %0 ends the message */
    CHECK_FMT("yah!", FS, "yah%!%0   ");
    CHECK_FMT(" %% ", FS, " %%%% ");
    CHECK_FMT(" ..  427", FS, " %.%.  %1!d!", 0x1ab);
    CHECK_FMT("    ", FS, "% %   ");
    CHECK_FMT("\r\n\r\t", FS, "%n%r%t");
    CHECK_FMT("aZ,", FS, "%a%Z%,"); /* any other escaped character */
    /* Line breaks of the text become "\r\n". */
    CHECK_FMT("hi\r\n", FS, "hi\n");
    CHECK_FMT("hi\r\n", FS, "hi\r\n");
    CHECK_FMT("\r\n", FS, "\r");
    CHECK_FMT("\r\n\r\n", FS, "\r\r\n");
    CHECK_FMT("\r\n\r\n", FS, "\n\r");
    CHECK_FMT("a\tb", FS, "a\tb");
    /* A '%' at the end is an error; an empty result is "no work done". */
    CHECK_FMT_FAILS(ERROR_INVALID_PARAMETER, FS, "%");
    CHECK_FMT_FAILS(ERROR_INVALID_PARAMETER, FS, "test%");
    CHECK_FMT_FAILS(ERROR_NO_WORK_DONE, FS, "");
    CHECK_FMT_FAILS(ERROR_NO_WORK_DONE, FS, "%0test");
}

static void test_ignore_inserts(void)
{
    DWORD ii = FS | FORMAT_MESSAGE_IGNORE_INSERTS;

    CHECK_FMT("test", ii, "test%0test");
    CHECK_FMT("test%1%2!*.*s!%99", ii, "test%1%2!*.*s!%99");
    /* Only %n, %r, %t and %0 are processed. */
    CHECK_FMT("%%% %.%!", ii, "%%% %.%!");
    CHECK_FMT("%a%Z%,", ii, "%a%Z%,");
    CHECK_FMT("\r\n\r\t", ii, "%n%r%t");
    CHECK_FMT("hi\r\n", ii, "hi\n");
    CHECK_FMT("\r\n\r\n", ii, "\r\r\n");
    CHECK_FMT_FAILS(ERROR_INVALID_PARAMETER, ii, "100%");
    CHECK_FMT_FAILS(ERROR_NO_WORK_DONE, ii, "%0test");
}

static void test_inserts(void)
{
    CHECK_FMT("test", FS, "%1", "test");
    CHECK_FMT("test", FS, "%1!s!", "test");
    CHECK_FMT("test", FS, "%1%2", "te", "st");
    CHECK_FMT("stte", FS, "%2%1", "te", "st");
    CHECK_FMT("test", FS, "%1%3%2%1", "t", "s", "e");
    CHECK_FMT("j", FS, "%10", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    /* Two digits at most: %100 is %10 and "0". */
    CHECK_FMT("j0", FS, "%100", "a", "b", "c", "d", "e", "f", "g", "h", "i",
              "j");
    CHECK_FMT("(null)", FS, "%1", (char *)NULL);
    CHECK_FMT("[x\ny]", FS, "[%1]", "x\ny"); /* inserted text is as is */
    CHECK_FMT("a\r\nb", FS, "%1%n%2", "a", "b");
}

static void test_insert_formats(void)
{
    CHECK_FMT("123", FS, "%1!d!%2!d!%3!d!", 1, 2, 3);
    CHECK_FMT("-5", FS, "%1!d!", -5);
    CHECK_FMT("42", FS, "%1!i!", 42);
    CHECK_FMT("4294967291", FS, "%1!u!", -5);
    CHECK_FMT("   1", FS, "%1!4d!", 1);
    CHECK_FMT("1   ", FS, "%1!-4d!", 1);
    CHECK_FMT("  11", FS, "%1!4d!", 11);
    CHECK_FMT("   b", FS, "%1!4x!", 11);
    CHECK_FMT("   B", FS, "%1!4X!", 11);
    CHECK_FMT("B   ", FS, "%1!-4X!", 11);
    CHECK_FMT(" 1AB", FS, "%1!4X!", 0x1ab);
    CHECK_FMT("deadbeef", FS, "%1!x!", 0xdeadbeefu);
    CHECK_FMT("0000beef", FS, "%1!08x!", 0xbeef);
    CHECK_FMT("0xbeef", FS, "%1!#x!", 0xbeef);
    CHECK_FMT("010", FS, "%1!#o!", 8);
    CHECK_FMT("+5", FS, "%1!+d!", 5);
    CHECK_FMT(" 5", FS, "%1! d!", 5);
    /* long is 32-bit on Windows. */
    CHECK_FMT("4000000000", FS, "%1!lu!", 4000000000u);
    CHECK_FMT("-7", FS, "%1!ld!", -7);
    CHECK_FMT("abc", FS, "%1!lx!", 0xabc);
    CHECK_FMT("-3", FS, "%1!I32d!", -3);
    CHECK_FMT("9029", FS, "%1!hd!", 0x12345);
    CHECK_FMT("65535", FS, "%1!hu!", 0x1ffff);
    CHECK_FMT("18446744073709551615", FS, "%1!I64u!", (unsigned long long)-1);
    CHECK_FMT("-1", FS, "%1!I64d!", -1LL);
    CHECK_FMT("-1", FS, "%1!lld!", -1LL);
    CHECK_FMT("123456789ab", FS, "%1!I64x!", 0x123456789abULL);
    CHECK_FMT("12345", FS, "%1!Iu!", (size_t)12345);
    CHECK_FMT("77", FS, "%1!zu!", (size_t)77);
    CHECK_FMT("0000000000001234", FS, "%1!p!", (void *)0x1234);
    CHECK_FMT("test", FS, "%1!c!%2!c!%3!c!%1!c!", 't', 'e', 's');
    CHECK_FMT("    z", FS, "%1!5c!", 'z');
    CHECK_FMT("hs", FS, "%1!hs!", "hs");
    CHECK_FMT("   ab|", FS, "%1!5s!|", "ab");
    CHECK_FMT("ab   |", FS, "%1!-5s!|", "ab");
    CHECK_FMT("a|", FS, "%1!.1s!|", "ab");
    CHECK_FMT("abc!", FS, "%1!s!!", "abc");
    CHECK_FMT("(null)", FS, "%1!s!", (char *)NULL);
    CHECK_FMT("    (null)", FS, "%1!10s!", (char *)NULL);
    CHECK_FMT("(nu", FS, "%1!.3s!", (char *)NULL);
    /* Wide strings and characters (wchar_t here). */
    CHECK_FMT("wide", FS, "%1!ls!", L"wide");
    CHECK_FMT("wideS", FS, "%1!S!", L"wideS");
    CHECK_FMT("W", FS, "%1!lc!", L'W');
    CHECK_FMT("\xc3\xa9t\xc3\xa9", FS, "%1!ws!", L"\u00e9t\u00e9");
    /* Unknown conversions print themselves; none prints nothing. */
    CHECK_FMT("q", FS, "%1!q!", 5);
    /* "Floating-point format specifiers ... are not supported": Windows
     * prints them as unknown conversions.  %n too (Wine writes through the
     * argument; Windows' C library refuses %n). */
    CHECK_FMT("f", FS, "%1!f!", 1);
    CHECK_FMT("[n]", FS, "[%1!n!]", 1);
    CHECK_FMT("%", FS, "%1!%!", 5);
    CHECK_FMT("[]", FS, "[%1!5.2!]", 5);
    CHECK_FMT_FAILS(ERROR_NO_WORK_DONE, FS, "%1!!", "abc");
}

static void test_insert_errors(void)
{
    va_list *none = NULL;

    CHECK_FMT_FAILS(ERROR_INVALID_PARAMETER, FS, "%1!s", "abc");
    CHECK_FMT_FAILS(ERROR_INVALID_PARAMETER, FS, "%1!", "abc");
    CHECK_FMT_FAILS(ERROR_INVALID_PARAMETER, FS, "[%1!***d!]", 1, 2, 3, 4);
    /* An insert without arguments. */
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(FS, "%1", 0, 0, out, sizeof out, none), 0);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(DEADBEEF);
    CHECK_EQ(FormatMessageA(FS | FORMAT_MESSAGE_ARGUMENT_ARRAY, "%1", 0, 0, out,
                            sizeof out, none),
             0);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    /* Text without inserts needs none. */
    CHECK_EQ(FormatMessageA(FS, "a%nb", 0, 0, out, sizeof out, none), 4);
}

/*
 * Width and precision from arguments.  Windows counts '*' arguments after
 * the highest argument used so far, and its va_list path drops one argument
 * when '*' is used; Wine's conformance tests record both on Windows.
 */
static void test_insert_star_va_list(void)
{
    CHECK_FMT("   t", FS, "%1!*s!", 4, "t");
    CHECK_FMT("  03", FS, "%1!4.2u!", 3);
    CHECK_FMT("  001", FS, "%1!*.*u!", 5, 3, 1);
    CHECK_FMT("  001, 0002", FS, "%1!*.*u!,%1!*.*u!", 5, 3, 1, 4, 2);
    CHECK_FMT("  001,  0002", FS, "%1!*.*u!,%3!*.*u!", 5, 3, 1, 6, 4, 2);
    CHECK_FMT("    3,x", FS, "%1!*u!,%2", 5, 3, "x");
    CHECK_FMT("0003|x", FS, "%1!.*u!|%2!s!", 4, 3, "x");
    CHECK_FMT("42    ", FS, "%1!*d!", -6, 42); /* negative: left-justified */
}

static void test_insert_argument_array(void)
{
    DWORD_PTR args[] = {6, 4, 2, 5, 3, 1};
    DWORD_PTR strs[] = {(DWORD_PTR) "one", (DWORD_PTR) "two", 3};

    CHECK_EQ(FormatMessageA(FS | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                            "%1!*.*u!,%1!*.*u!", 0, 0, out, sizeof out,
                            (va_list *)args),
             13);
    CHECK_STR(out, "  0002, 00003");
    CHECK_EQ(FormatMessageA(FS | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                            "%1!*.*u!,%4!*.*u!", 0, 0, out, sizeof out,
                            (va_list *)args),
             12);
    CHECK_STR(out, "  0002,  001");
    CHECK_EQ(FormatMessageA(FS | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                            "%2 %1 %3!d! %1", 0, 0, out, sizeof out,
                            (va_list *)strs),
             13);
    CHECK_STR(out, "two one 3 one");
}

/* ---- Line width --------------------------------------------------------- */

static void test_max_width_mask(void)
{
    DWORD w = FS | FORMAT_MESSAGE_MAX_WIDTH_MASK;
    char in[300], ref[300];

    CHECK_FMT("hi ", w, "hi\n");
    CHECK_FMT("hi ", w, "hi\r\n");
    CHECK_FMT(" ", w, "\r");
    CHECK_FMT("  ", w, "\r\r\n");
    CHECK_FMT("a\r\nb", w, "a%nb"); /* hard line breaks stay */
    CHECK_FMT("a\rb", w, "a%rb");
    CHECK_FMT("hi ", w | FORMAT_MESSAGE_IGNORE_INSERTS, "hi\n");
    CHECK_FMT_FAILS(ERROR_NO_WORK_DONE, w, "%0");
    /* No wrapping, however long the line. */
    strcpy(in, "first line%n");
    strcpy(ref, "first line\r\n");
    for (int i = 0; i < 26; i++) {
        strcat(in, "123456789 ");
        strcat(ref, "123456789 ");
    }
    CHECK_FMT(ref, w, in);
}

static void test_wrap(void)
{
    CHECK_FMT("short long line", FS | 20, "short long line");
    CHECK_FMT("short long\r\nline", FS | 11, "short long line");
    CHECK_FMT("short long long\r\nline", FS | 20, "short long long line");
    CHECK_FMT("short\r\nlong line", FS | 10, "short long line");
    CHECK_FMT("short long\r\nline", FS | 16, "short long    line");
    CHECK_FMT("short long\r\nwordlongerthanal\r\nine", FS | 16,
              "short long    wordlongerthanaline");
    CHECK_FMT("short long\r\n  line", FS | 12, "short long    line");
    CHECK_FMT("short long\r\n\r\nwordlongerth\r\nanaline", FS | 12,
              "short long    wordlongerthanaline");
    CHECK_FMT("   short line", FS | 15, "   short line");
    CHECK_FMT("\r\nshortlong\r\nline", FS | 11, "   shortlong line");
    CHECK_FMT("l1\r\n\r\nshortlong\r\nline", FS | 11, "l1%n   shortlong line");
    CHECK_FMT("\r\n\r\n\r\n ", FS | 5, "                ");
    CHECK_FMT("l1\r\n\r\n\r\n  ", FS | 5, "l1               ");
    CHECK_FMT("shortlon\r\n", FS | 8, "shortlon");
    CHECK_FMT("shortlon\r\ngline", FS | 8, "shortlongline");
    CHECK_FMT("short\r\nlong\r\nline", FS | 7, "short long line");
    CHECK_FMT("short long\r\nline", FS | 11, "short\nlong line");
    CHECK_FMT("shortlon\r\n\r\n", FS | 8, "shortlon%n");
    CHECK_FMT("short\r\nlong line", FS | 10, "short%nlong line");
    CHECK_FMT("short\r\nlong\r\nline", FS | 8, "short%nlong line");
    CHECK_FMT("short\rlong line", FS | 10, "short%rlong line");
    CHECK_FMT("short\rlong\r\nline", FS | 8, "short%rlong line");
    CHECK_FMT("short\r\nlong\r\nline%1", FS | FORMAT_MESSAGE_IGNORE_INSERTS | 8,
              "short%nlong line%1");
    CHECK_FMT("short\r\nlong\tline", FS | 11, "short long\tline");
    CHECK_FMT("short\r\nlong-line", FS | 11, "short long-line");
    CHECK_FMT("short\r\nlong.line", FS | 11, "short long.line");
    CHECK_FMT("a\r\nb\r\n\r\nc\r\nd\r\n", FS | 1, "ab cd");
}

int main(void)
{
    TEST_START();
    RUN(test_last_error_per_thread);
    RUN(test_system_messages);
    RUN(test_every_winerror_code_has_text);
    RUN(test_system_unknown_id);
    RUN(test_system_hresult);
    RUN(test_system_languages);
    RUN(test_system_inserts);
    RUN(test_system_width);
    RUN(test_no_source);
    RUN(test_source_precedence);
    RUN(test_buffer_sizes);
    RUN(test_buffer_limit);
    RUN(test_allocate_buffer);
    RUN(test_escapes);
    RUN(test_ignore_inserts);
    RUN(test_inserts);
    RUN(test_insert_formats);
    RUN(test_insert_errors);
    RUN(test_insert_star_va_list);
    RUN(test_insert_argument_array);
    RUN(test_max_width_mask);
    RUN(test_wrap);
    return TEST_SUMMARY();
}
