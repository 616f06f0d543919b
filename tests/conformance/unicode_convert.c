/*
 * unicode_convert: MultiByteToWideChar and WideCharToMultiByte with
 * CP_UTF8 (valid text, invalid UTF-8 of every kind, lone surrogates, the
 * argument and buffer errors), lstrlenW and friends, CommandLineToArgvW.
 * Code pages other than UTF-8 are not shown: winipc's CP_ACP is UTF-8,
 * Wine's is 1252.
 */
#include <windows.h>

#include "conformance.h"

static void show_units(const WCHAR *w, int n)
{
    for (int i = 0; i < n; i++)
        printf(" %04x", (unsigned)w[i]);
    printf("\n");
}

static void mb(const char *label, const char *s, int len, DWORD flags)
{
    WCHAR w[32];
    int r;
    DWORD e;

    SetLastError(CONF_SENTINEL);
    r = MultiByteToWideChar(CP_UTF8, flags, s, len, w, 32);
    e = GetLastError();
    printf("%s: %d, %s:", label, r, conf_error(e));
    show_units(w, r > 0 ? r : 0);
}

static void wc(const char *label, const WCHAR *s, int len, DWORD flags)
{
    char a[64];
    int r;
    DWORD e;

    SetLastError(CONF_SENTINEL);
    r = WideCharToMultiByte(CP_UTF8, flags, s, len, a, 64, NULL, NULL);
    e = GetLastError();
    printf("%s: %d, %s:", label, r, conf_error(e));
    for (int i = 0; i < r; i++)
        printf(" %02x", (unsigned char)a[i]);
    printf("\n");
}

static void argv_of(const char *label, const WCHAR *line)
{
    int n = -1;
    LPWSTR *v;
    char a[256];

    SetLastError(CONF_SENTINEL);
    v = CommandLineToArgvW(line, &n);
    printf("%s: %d arguments,", label, v ? n : -1);
    for (int i = 1; v && i < n; i++) {
        WideCharToMultiByte(CP_UTF8, 0, v[i], -1, a, sizeof a, NULL, NULL);
        printf(" [%s]", a);
    }
    printf(" last NULL %d\n", v ? v[n] == NULL : -1);
    LocalFree(v);
}

int main(void)
{
    static const char *const bad[] = {
        "\xc0\x80",         "\xc1\xbf",          "\xe0\x80\x80",
        "\xe0\x9f\xbf",     "\xf0\x80\x80\x80",  "\x80",
        "\x80\x80x",        "\xe2\x82",          "\xe2\x82x",
        "\xed\xa0\x80",     "\xed\xbf\xbf",      "\xf4\x90\x80\x80",
        "\xff",             "\xfe\xff",          "\xf8\x88\x80\x80\x80",
        "\xf0\x9f\x98",     "a\xc3",
    };
    static const WCHAR high[] = {0xd800, 'a', 0}, low[] = {0xdc00, 'a', 0},
                       rev[] = {0xdc00, 0xd800, 0}, pair[] = {0xd83d, 0xde00, 0},
                       tail[] = {'a', 0xd800, 0};
    WCHAR w[16];
    char a[16], label[32];

    SECTION("MultiByteToWideChar, CP_UTF8");
    mb("ascii", "abc", -1, 0);
    mb("latin", "h\xc3\xa9", -1, 0);
    mb("bmp", "\xe2\x9c\x93", -1, 0);
    mb("astral", "\xf0\x9f\x98\x80", -1, 0);
    mb("bom", "\xef\xbb\xbf" "a", -1, 0);
    mb("explicit length", "abcdef", 2, 0);
    mb("explicit length, invalid", "ab\xff", 3, 0);
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(label, sizeof label, "invalid %u", i);
        mb(label, bad[i], -1, 0);
        snprintf(label, sizeof label, "invalid %u, strict", i);
        mb(label, bad[i], -1, MB_ERR_INVALID_CHARS);
    }
    CHECK_DWORD("count only", MultiByteToWideChar(CP_UTF8, 0, "abc", -1, NULL, 0));
    CHECK_DWORD("buffer too small", MultiByteToWideChar(CP_UTF8, 0, "abc", -1, w, 2));
    CHECK_DWORD("surrogate pair split", MultiByteToWideChar(CP_UTF8, 0, "\xf0\x9f\x98\x80", -1, w, 2));
    CHECK_DWORD("length 0", MultiByteToWideChar(CP_UTF8, 0, "abc", 0, w, 8));
    CHECK_DWORD("NULL source", MultiByteToWideChar(CP_UTF8, 0, NULL, -1, w, 8));
    CHECK_DWORD("NULL buffer, size 8", MultiByteToWideChar(CP_UTF8, 0, "abc", -1, NULL, 8));
    CHECK_DWORD("negative size", MultiByteToWideChar(CP_UTF8, 0, "abc", -1, w, -1));
    CHECK_DWORD("unknown code page", MultiByteToWideChar(12345, 0, "abc", -1, w, 8));
    CHECK_DWORD("MB_PRECOMPOSED with CP_UTF8", MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "abc", -1, w, 8));
    CHECK_DWORD("CP_ACP, ASCII", MultiByteToWideChar(CP_ACP, MB_PRECOMPOSED, "abc", -1, w, 8));

    SECTION("WideCharToMultiByte, CP_UTF8");
    wc("ascii", L"abc", -1, 0);
    wc("latin", L"h\x00e9", -1, 0);
    wc("pair", pair, -1, 0);
    wc("lone high", high, -1, 0);
    wc("lone high, strict", high, -1, WC_ERR_INVALID_CHARS);
    wc("lone low", low, -1, 0);
    wc("reversed pair", rev, -1, 0);
    wc("reversed pair, strict", rev, -1, WC_ERR_INVALID_CHARS);
    wc("high at the end", tail, -1, 0);
    wc("high at the end, length 2", tail, 2, 0);
    CHECK_DWORD("count only", WideCharToMultiByte(CP_UTF8, 0, L"abc", -1, NULL, 0, NULL, NULL));
    CHECK_DWORD("buffer too small", WideCharToMultiByte(CP_UTF8, 0, L"abc", -1, a, 2, NULL, NULL));
    CHECK_DWORD("character split", WideCharToMultiByte(CP_UTF8, 0, L"\x00e9", 1, a, 1, NULL, NULL));
    CHECK_DWORD("length 0", WideCharToMultiByte(CP_UTF8, 0, L"abc", 0, a, 8, NULL, NULL));
    CHECK_DWORD("NULL source", WideCharToMultiByte(CP_UTF8, 0, NULL, -1, a, 8, NULL, NULL));
    CHECK_DWORD("NULL buffer, size 8", WideCharToMultiByte(CP_UTF8, 0, L"abc", -1, NULL, 8, NULL, NULL));
    CHECK_DWORD("negative size", WideCharToMultiByte(CP_UTF8, 0, L"abc", -1, a, -1, NULL, NULL));
    CHECK_DWORD("unknown code page", WideCharToMultiByte(12345, 0, L"abc", -1, a, 8, NULL, NULL));
    CHECK_DWORD("default char with CP_UTF8", WideCharToMultiByte(CP_UTF8, 0, L"abc", -1, a, 8, "?", NULL));
    CHECK_DWORD("WC_COMPOSITECHECK with CP_UTF8", WideCharToMultiByte(CP_UTF8, WC_COMPOSITECHECK, L"abc", -1, a, 8, NULL, NULL));
    CHECK_DWORD("CP_ACP, ASCII", WideCharToMultiByte(CP_ACP, 0, L"abc", -1, a, 8, NULL, NULL));

    SECTION("lstr*W");
    CHECK_DWORD("lstrlenW(NULL)", (DWORD)lstrlenW(NULL));
    CHECK_DWORD("lstrlenW(pair)", (DWORD)lstrlenW(pair));
    printf("lstrcpyW: %d\n", lstrcpyW(w, L"ab") == w);
    printf("lstrcatW: %d", lstrcatW(w, L"cd") == w);
    show_units(w, lstrlenW(w) + 1);
    printf("lstrcpynW 3:");
    show_units(lstrcpynW(w, L"abcdef", 3), 3);
    printf("lstrcmpW a b: %d, a A: %d, equal: %d, NULL empty: %d\n",
           lstrcmpW(L"a", L"b") < 0, lstrcmpW(L"a", L"A") < 0,
           lstrcmpW(L"x", L"x"), lstrcmpW(NULL, L""));
    printf("lstrcmpiW ABC abc: %d\n", lstrcmpiW(L"ABC", L"abc"));

    SECTION("CommandLineToArgvW");
    argv_of("plain", L"prog a b c");
    argv_of("quoted", L"prog \"a b\" c");
    argv_of("backslashes", L"prog a\\\\b c\\\\\\\"d \"e\\\\\"");
    argv_of("doubled quotes", L"prog \"e\"\"f\" g");
    argv_of("blanks", L"prog   a\t b  ");
    argv_of("non-ASCII", L"prog \x00e9t\x00e9 \x2713");
    argv_of("quoted program", L"\"C:\\a b\\prog.exe\" x");
    argv_of("empty argument", L"prog \"\" x");
    SetLastError(CONF_SENTINEL);
    printf("NULL count: %s, %s\n",
           CommandLineToArgvW(L"x", NULL) ? "array" : "NULL",
           conf_error(GetLastError()));
    CONF_DONE();
}
