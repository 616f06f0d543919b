/*
 * strsafe_rules: <strsafe.h>'s StringCch and StringCb functions: their
 * HRESULTs (S_OK, STRSAFE_E_INSUFFICIENT_BUFFER, STRSAFE_E_INVALID_PARAMETER)
 * and what the destination holds after each (always terminated; on
 * overflow the truncated string).  Expected: MinGW's strsafe.h under Wine.
 */
#include <tchar.h>
#include <windows.h>
#include <strsafe.h>

#include "conformance.h"

static char dst[16];

/* The HRESULT and the destination: "label: 8007007a \"abc\"". */
static void show(const char *label, HRESULT hr)
{
    printf("%s: %08x \"%s\"\n", label, (unsigned)hr, dst);
}

static TCHAR tdst[16];

/* The HRESULT and the TCHAR destination (ASCII here), as show() does. */
static void tshow(const char *label, HRESULT hr)
{
    char a[17];
    int i;
    for (i = 0; i < 16 && tdst[i]; i++)
        a[i] = (char)tdst[i];
    a[i] = '\0';
    printf("%s: %08x \"%s\"\n", label, (unsigned)hr, a);
}

static void reset(const char *s)
{
    memset(dst, 'Z', sizeof dst);
    memcpy(dst, s, strlen(s) + 1);
}

static HRESULT vprint(char *d, size_t cch, const char *fmt, ...)
{
    HRESULT hr;
    va_list ap;
    va_start(ap, fmt);
    hr = StringCchVPrintfA(d, cch, fmt, ap);
    va_end(ap);
    return hr;
}

static HRESULT vprint_cb(char *d, size_t cb, const char *fmt, ...)
{
    HRESULT hr;
    va_list ap;
    va_start(ap, fmt);
    hr = StringCbVPrintfA(d, cb, fmt, ap);
    va_end(ap);
    return hr;
}

int main(void)
{
    size_t n;
    HRESULT hr;
    char unterminated[4] = {'a', 'b', 'c', 'd'};

    printf("S_OK %08x, STRSAFE_E_INSUFFICIENT_BUFFER %08x, "
           "STRSAFE_E_INVALID_PARAMETER %08x\n",
           (unsigned)S_OK, (unsigned)STRSAFE_E_INSUFFICIENT_BUFFER,
           (unsigned)STRSAFE_E_INVALID_PARAMETER);

    SECTION("StringCchCopyA");
    reset("old");
    show("fits", StringCchCopyA(dst, 16, "hello"));
    reset("old");
    show("exactly fits (5 + NUL in 6)", StringCchCopyA(dst, 6, "hello"));
    reset("old");
    show("one too long (5 in 5)", StringCchCopyA(dst, 5, "hello"));
    reset("old");
    show("truncated to 1", StringCchCopyA(dst, 2, "hello"));
    reset("old");
    show("size 1", StringCchCopyA(dst, 1, "hello"));
    reset("old");
    show("size 0", StringCchCopyA(dst, 0, "hello"));
    reset("old");
    show("empty source", StringCchCopyA(dst, 16, ""));
    reset("old");
    show("size above STRSAFE_MAX_CCH",
         StringCchCopyA(dst, (size_t)STRSAFE_MAX_CCH + 1, "x"));
    reset("old");
    show("StringCchCopyNA(3 of 5)", StringCchCopyNA(dst, 16, "hello", 3));
    reset("old");
    show("StringCchCopyNA(5 of 5 in 4)", StringCchCopyNA(dst, 4, "hello", 5));

    SECTION("StringCchCatA");
    reset("ab");
    show("fits", StringCchCatA(dst, 16, "cd"));
    reset("ab");
    show("exactly fits", StringCchCatA(dst, 5, "cd"));
    reset("ab");
    show("truncated", StringCchCatA(dst, 4, "cd"));
    reset("abc");
    show("destination already full", StringCchCatA(dst, 4, "d"));
    reset("ab");
    show("size 0", StringCchCatA(dst, 0, "cd"));
    memset(dst, 0, sizeof dst);
    memcpy(dst, unterminated, 4);
    dst[4] = 0;
    show("destination not terminated within size",
         StringCchCatA(dst, 4, "x"));
    reset("ab");
    show("StringCchCatNA(1 of 2)", StringCchCatNA(dst, 16, "cd", 1));

    SECTION("StringCchPrintfA and StringCchVPrintfA");
    reset("old");
    show("fits", StringCchPrintfA(dst, 16, "%s-%d", "ab", 42));
    reset("old");
    show("exactly fits", StringCchPrintfA(dst, 6, "%d", 12345));
    reset("old");
    show("one too long", StringCchPrintfA(dst, 5, "%d", 12345));
    reset("old");
    show("truncated", StringCchPrintfA(dst, 3, "%s", "hello"));
    reset("old");
    show("size 0", StringCchPrintfA(dst, 0, "%s", "hello"));
    reset("old");
    show("empty output", StringCchPrintfA(dst, 16, "%s", ""));
    reset("old");
    show("VPrintf fits", vprint(dst, 16, "[%5.2f]", 3.14159));
    reset("old");
    show("VPrintf truncated", vprint(dst, 4, "%c%c%c%c%c", 'v', 'w', 'x', 'y',
                                     'z'));

    SECTION("StringCchLengthA");
    n = 77;
    hr = StringCchLengthA("hello", 16, &n);
    printf("\"hello\" in 16: %08x, %u\n", (unsigned)hr, (unsigned)n);
    n = 77;
    hr = StringCchLengthA("hello", 6, &n);
    printf("\"hello\" in 6: %08x, %u\n", (unsigned)hr, (unsigned)n);
    n = 77;
    hr = StringCchLengthA("hello", 5, &n);
    printf("\"hello\" in 5 (no NUL within): %08x, %u\n", (unsigned)hr,
           (unsigned)n);
    n = 77;
    hr = StringCchLengthA(NULL, 5, &n);
    printf("NULL: %08x, %u\n", (unsigned)hr, (unsigned)n);
    n = 77;
    hr = StringCchLengthA("x", 0, &n);
    printf("max 0: %08x, %u\n", (unsigned)hr, (unsigned)n);
    hr = StringCchLengthA("hello", 16, NULL);
    printf("no length pointer: %08x\n", (unsigned)hr);

    SECTION("StringCb functions (sizes in bytes)");
    reset("old");
    show("StringCbCopyA fits", StringCbCopyA(dst, sizeof dst, "hello"));
    reset("old");
    show("StringCbCopyA truncated", StringCbCopyA(dst, 3, "hello"));
    reset("old");
    show("StringCbCopyA size 0", StringCbCopyA(dst, 0, "hello"));
    reset("ab");
    show("StringCbCatA fits", StringCbCatA(dst, sizeof dst, "cd"));
    reset("ab");
    show("StringCbCatA truncated", StringCbCatA(dst, 3, "cd"));
    reset("old");
    show("StringCbPrintfA fits", StringCbPrintfA(dst, sizeof dst, "%03d", 7));
    reset("old");
    show("StringCbPrintfA truncated", StringCbPrintfA(dst, 4, "%s", "hello"));
    reset("old");
    show("StringCbVPrintfA", vprint_cb(dst, 8, "%x", 255u));
    reset("ab");
    show("StringCbCopyNA(2 of 5)", StringCbCopyNA(dst, sizeof dst, "hello", 2));
    reset("ab");
    show("StringCbCatNA(3 of 5)", StringCbCatNA(dst, sizeof dst, "hello", 3));
    n = 77;
    hr = StringCbLengthA("hello", 16, &n);
    printf("StringCbLengthA(\"hello\", 16): %08x, %u\n", (unsigned)hr,
           (unsigned)n);
    n = 77;
    hr = StringCbLengthA("hello", 3, &n);
    printf("StringCbLengthA(\"hello\", 3): %08x, %u\n", (unsigned)hr,
           (unsigned)n);

    /* TCHAR text: the same program with UNICODE uses the W functions, and
     * the same lines come out (sizes in bytes differ: printed per TCHAR). */
    SECTION("unsuffixed names");
    tshow("StringCchCopy", StringCchCopy(tdst, 16, TEXT("abc")));
    tshow("StringCchCat", StringCchCat(tdst, 16, TEXT("def")));
    tshow("StringCchCat, full", StringCchCat(tdst, 8, TEXT("ghijk")));
    tshow("StringCchPrintf", StringCchPrintf(tdst, 16, TEXT("%d"), 5));
    tshow("StringCchPrintf, %s", StringCchPrintf(tdst, 16, TEXT("<%s>"), TEXT("t")));
    tshow("StringCbCopy", StringCbCopy(tdst, sizeof tdst, TEXT("x")));
    tshow("StringCbCat", StringCbCat(tdst, sizeof tdst, TEXT("y")));
    tshow("StringCbPrintf", StringCbPrintf(tdst, sizeof tdst, TEXT("%s"), TEXT("z")));
    tshow("StringCbCopy, 3 TCHARs", StringCbCopy(tdst, 3 * sizeof(TCHAR), TEXT("abcd")));
    StringCchCopy(tdst, 16, TEXT("hello"));
    hr = StringCchLength(tdst, 16, &n);
    printf("StringCchLength: %08x, %u\n", (unsigned)hr, (unsigned)n);
    hr = StringCbLength(tdst, 16 * sizeof(TCHAR), &n);
    printf("StringCbLength: %08x, %u TCHARs\n", (unsigned)hr,
           (unsigned)(n / sizeof(TCHAR)));
    CONF_DONE();
}
