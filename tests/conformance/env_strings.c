/*
 * env_strings: GetEnvironmentStringsA and FreeEnvironmentStringsA (the
 * block is a copy), and ExpandEnvironmentStringsA: references, unknown
 * names, stray percent signs, and buffer sizes.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

/* With UNICODE, Windows' headers know the narrow block only as the export
 * GetEnvironmentStrings (the macro of that name is the W function). */
#ifdef UNICODE
#undef GetEnvironmentStrings
#define GetEnvironmentStringsA GetEnvironmentStrings
#endif

#define NAME "WINIPC_CONF_STR"

/* 1 if the block holds the entry "NAME=value". */
static int block_has(const char *block, const char *entry)
{
    const char *p;
    for (p = block; *p; p += strlen(p) + 1)
        if (strcmp(p, entry) == 0)
            return 1;
    return 0;
}

/* 1 if some entry of the block starts with prefix. */
static int block_has_prefix(const char *block, const char *prefix)
{
    const char *p;
    for (p = block; *p; p += strlen(p) + 1)
        if (strncmp(p, prefix, strlen(prefix)) == 0)
            return 1;
    return 0;
}

/* ExpandEnvironmentStringsA into a buffer that is large enough. */
static void expand(const char *label, const char *src)
{
    char buf[128];
    DWORD n, e;
    SetLastError(CONF_SENTINEL);
    n = ExpandEnvironmentStringsA(src, buf, sizeof buf);
    e = GetLastError();
    printf("%s: %u, %s, \"%s\"\n", label, (unsigned)n, conf_error(e),
           n > 0 && n <= sizeof buf ? buf : "");
}

/* ExpandEnvironmentStringsA into a buffer that is too small: Windows
 * versions answer the length plus 1 or plus 2 (an ANSI buffer is documented
 * to need one more character than the result), and document no last
 * error, so the transcript shows only that the answer is one of those. */
static void expand_small(const char *label, const char *src, DWORD size,
                         DWORD length)
{
    char buf[128];
    DWORD n = ExpandEnvironmentStringsA(src, size ? buf : NULL, size);
    CHECK_TRUE(label, n == length + 1 || n == length + 2);
}

int main(void)
{
    char *block, *block2;

    SetEnvironmentVariableA(NAME, "value1");
    SetEnvironmentVariableA(NAME "_GONE", NULL);

    SECTION("GetEnvironmentStringsA");
    block = GetEnvironmentStringsA();
    CHECK_TRUE("GetEnvironmentStringsA() != NULL", block != NULL);
    CHECK_TRUE("holds NAME=value1", block_has(block, NAME "=value1"));
    SetEnvironmentVariableA(NAME, "value2");
    SetEnvironmentVariableA(NAME "_NEW", "new");
    CHECK_TRUE("the old block is a copy: still NAME=value1",
               block_has(block, NAME "=value1"));
    CHECK_TRUE("the old block has no NAME_NEW",
               !block_has_prefix(block, NAME "_NEW="));
    block2 = GetEnvironmentStringsA();
    CHECK_TRUE("a new block holds NAME=value2",
               block_has(block2, NAME "=value2"));
    CHECK_TRUE("a new block holds NAME_NEW=new",
               block_has(block2, NAME "_NEW=new"));
    CHECK_TRUE("two calls give two blocks", block != block2);
    CHECK_BOOL("FreeEnvironmentStringsA(first)",
               FreeEnvironmentStringsA(block));
    CHECK_BOOL("FreeEnvironmentStringsA(second)",
               FreeEnvironmentStringsA(block2));
    SetEnvironmentVariableA(NAME "_NEW", NULL);
    block = GetEnvironmentStringsA();
    CHECK_TRUE("after deleting NAME_NEW it is gone",
               !block_has_prefix(block, NAME "_NEW="));
    FreeEnvironmentStringsA(block);

    SECTION("ExpandEnvironmentStringsA");
    expand("plain text", "plain");
    expand("empty string", "");
    expand("one reference", "x%" NAME "%y");
    expand("lower-case reference", "%winipc_conf_str%");
    expand("two references", "%" NAME "%%" NAME "%");
    expand("unknown name", "a%" NAME "_GONE%b");
    expand("a lone percent sign", "100%");
    expand("two percent signs", "%%");
    expand("an unclosed reference", "%" NAME);
    expand("percent signs around text", "5% and 10%");

    SECTION("ExpandEnvironmentStringsA buffers too small");
    expand_small("\"x%NAME%y\" into 4 bytes: length+1 or +2", "x%" NAME "%y", 4,
                 8);
    expand_small("\"x%NAME%y\" into NULL, 0: length+1 or +2", "x%" NAME "%y", 0,
                 8);
    expand_small("\"plain\" into 5 bytes: length+1 or +2", "plain", 5, 5);
    SetEnvironmentVariableA(NAME, NULL);
    CONF_DONE();
}
