/*
 * npipe_name_case: pipe and mailslot names without case outside ASCII.
 * Windows compares them by upcasing each UTF-16 unit through its own
 * table (simple one-to-one mappings; no folding beyond U+FFFF).  For each
 * run of that table (as Wine 8 gives it: RtlUpcaseUnicodeChar over every
 * unit; winipc's src/core/upcase.c holds the same runs) the scenario makes
 * a pipe named with each small letter and opens it by its capital, and
 * prints how many opened; then pairs that Unicode folds but Windows does
 * not (dotless i, long s, micro, final sigma, Kelvin, sharp s, title
 * case, a letter beyond U+FFFF), and mailslots.  Names carry the process
 * id, so concurrent runs never meet.
 */
#include <windows.h>

#include "conformance.h"

static const struct {
    unsigned short first, last;
    int delta;
    unsigned char step;
} runs[] = {
    {0x0061, 0x007A, -32, 1}, {0x00E0, 0x00F6, -32, 1}, {0x00F8, 0x00FE, -32, 1},
    {0x00FF, 0x00FF, 121, 1}, {0x0101, 0x012F, -1, 2}, {0x0133, 0x0137, -1, 2},
    {0x013A, 0x0148, -1, 2}, {0x014B, 0x0177, -1, 2}, {0x017A, 0x017E, -1, 2},
    {0x0180, 0x0180, 195, 1}, {0x0183, 0x0185, -1, 2}, {0x0188, 0x0188, -1, 1},
    {0x018C, 0x018C, -1, 1}, {0x0192, 0x0192, -1, 1}, {0x0195, 0x0195, 97, 1},
    {0x0199, 0x0199, -1, 1}, {0x019A, 0x019A, 163, 1}, {0x019E, 0x019E, 130, 1},
    {0x01A1, 0x01A5, -1, 2}, {0x01A8, 0x01A8, -1, 1}, {0x01AD, 0x01AD, -1, 1},
    {0x01B0, 0x01B0, -1, 1}, {0x01B4, 0x01B6, -1, 2}, {0x01B9, 0x01B9, -1, 1},
    {0x01BD, 0x01BD, -1, 1}, {0x01BF, 0x01BF, 56, 1}, {0x01C6, 0x01C6, -2, 1},
    {0x01C9, 0x01C9, -2, 1}, {0x01CC, 0x01CC, -2, 1}, {0x01CE, 0x01DC, -1, 2},
    {0x01DD, 0x01DD, -79, 1}, {0x01DF, 0x01EF, -1, 2}, {0x01F3, 0x01F3, -2, 1},
    {0x01F5, 0x01F5, -1, 1}, {0x01F9, 0x021F, -1, 2}, {0x0223, 0x0233, -1, 2},
    {0x023C, 0x023C, -1, 1}, {0x023F, 0x0240, 10815, 1}, {0x0242, 0x0242, -1, 1},
    {0x0247, 0x024F, -1, 2}, {0x0250, 0x0250, 10783, 1}, {0x0251, 0x0251, 10780, 1},
    {0x0252, 0x0252, 10782, 1}, {0x0253, 0x0253, -210, 1}, {0x0254, 0x0254, -206, 1},
    {0x0256, 0x0257, -205, 1}, {0x0259, 0x0259, -202, 1}, {0x025B, 0x025B, -203, 1},
    {0x025C, 0x025C, 42319, 1}, {0x0260, 0x0260, -205, 1}, {0x0261, 0x0261, 42315, 1},
    {0x0263, 0x0263, -207, 1}, {0x0265, 0x0265, 42280, 1}, {0x0266, 0x0266, 42308, 1},
    {0x0268, 0x0268, -209, 1}, {0x0269, 0x0269, -211, 1}, {0x026A, 0x026A, 42308, 1},
    {0x026B, 0x026B, 10743, 1}, {0x026C, 0x026C, 42305, 1}, {0x026F, 0x026F, -211, 1},
    {0x0271, 0x0271, 10749, 1}, {0x0272, 0x0272, -213, 1}, {0x0275, 0x0275, -214, 1},
    {0x027D, 0x027D, 10727, 1}, {0x0280, 0x0280, -218, 1}, {0x0282, 0x0282, 42307, 1},
    {0x0283, 0x0283, -218, 1}, {0x0287, 0x0287, 42282, 1}, {0x0288, 0x0288, -218, 1},
    {0x0289, 0x0289, -69, 1}, {0x028A, 0x028B, -217, 1}, {0x028C, 0x028C, -71, 1},
    {0x0292, 0x0292, -219, 1}, {0x029D, 0x029D, 42261, 1}, {0x029E, 0x029E, 42258, 1},
    {0x0371, 0x0373, -1, 2}, {0x0377, 0x0377, -1, 1}, {0x037B, 0x037D, 130, 1},
    {0x03AC, 0x03AC, -38, 1}, {0x03AD, 0x03AF, -37, 1}, {0x03B1, 0x03C1, -32, 1},
    {0x03C3, 0x03CB, -32, 1}, {0x03CC, 0x03CC, -64, 1}, {0x03CD, 0x03CE, -63, 1},
    {0x03D7, 0x03D7, -8, 1}, {0x03D9, 0x03EF, -1, 2}, {0x03F2, 0x03F2, 7, 1},
    {0x03F3, 0x03F3, -116, 1}, {0x03F8, 0x03F8, -1, 1}, {0x03FB, 0x03FB, -1, 1},
    {0x0430, 0x044F, -32, 1}, {0x0450, 0x045F, -80, 1}, {0x0461, 0x0481, -1, 2},
    {0x048B, 0x04BF, -1, 2}, {0x04C2, 0x04CE, -1, 2}, {0x04CF, 0x04CF, -15, 1},
    {0x04D1, 0x052F, -1, 2}, {0x0561, 0x0586, -48, 1}, {0x10D0, 0x10FA, 3008, 1},
    {0x10FD, 0x10FF, 3008, 1}, {0x13F8, 0x13FD, -8, 1}, {0x1D79, 0x1D79, 35332, 1},
    {0x1D7D, 0x1D7D, 3814, 1}, {0x1D8E, 0x1D8E, 35384, 1}, {0x1E01, 0x1E95, -1, 2},
    {0x1EA1, 0x1EFF, -1, 2}, {0x1F00, 0x1F07, 8, 1}, {0x1F10, 0x1F15, 8, 1},
    {0x1F20, 0x1F27, 8, 1}, {0x1F30, 0x1F37, 8, 1}, {0x1F40, 0x1F45, 8, 1},
    {0x1F51, 0x1F57, 8, 2}, {0x1F60, 0x1F67, 8, 1}, {0x1F70, 0x1F71, 74, 1},
    {0x1F72, 0x1F75, 86, 1}, {0x1F76, 0x1F77, 100, 1}, {0x1F78, 0x1F79, 128, 1},
    {0x1F7A, 0x1F7B, 112, 1}, {0x1F7C, 0x1F7D, 126, 1}, {0x1F80, 0x1F87, 8, 1},
    {0x1F90, 0x1F97, 8, 1}, {0x1FA0, 0x1FA7, 8, 1}, {0x1FB0, 0x1FB1, 8, 1},
    {0x1FB3, 0x1FB3, 9, 1}, {0x1FC3, 0x1FC3, 9, 1}, {0x1FD0, 0x1FD1, 8, 1},
    {0x1FE0, 0x1FE1, 8, 1}, {0x1FE5, 0x1FE5, 7, 1}, {0x1FF3, 0x1FF3, 9, 1},
    {0x214E, 0x214E, -28, 1}, {0x2170, 0x217F, -16, 1}, {0x2184, 0x2184, -1, 1},
    {0x24D0, 0x24E9, -26, 1}, {0x2C30, 0x2C5F, -48, 1}, {0x2C61, 0x2C61, -1, 1},
    {0x2C65, 0x2C65, -10795, 1}, {0x2C66, 0x2C66, -10792, 1}, {0x2C68, 0x2C6C, -1, 2},
    {0x2C73, 0x2C73, -1, 1}, {0x2C76, 0x2C76, -1, 1}, {0x2C81, 0x2CE3, -1, 2},
    {0x2CEC, 0x2CEE, -1, 2}, {0x2CF3, 0x2CF3, -1, 1}, {0x2D00, 0x2D25, -7264, 1},
    {0x2D27, 0x2D27, -7264, 1}, {0x2D2D, 0x2D2D, -7264, 1}, {0xA641, 0xA66D, -1, 2},
    {0xA681, 0xA69B, -1, 2}, {0xA723, 0xA72F, -1, 2}, {0xA733, 0xA76F, -1, 2},
    {0xA77A, 0xA77C, -1, 2}, {0xA77F, 0xA787, -1, 2}, {0xA78C, 0xA78C, -1, 1},
    {0xA791, 0xA793, -1, 2}, {0xA794, 0xA794, 48, 1}, {0xA797, 0xA7A9, -1, 2},
    {0xA7B5, 0xA7C3, -1, 2}, {0xA7C8, 0xA7CA, -1, 2}, {0xA7D1, 0xA7D1, -1, 1},
    {0xA7D7, 0xA7D9, -1, 2}, {0xA7F6, 0xA7F6, -1, 1}, {0xAB53, 0xAB53, -928, 1},
    {0xAB70, 0xABBF, -38864, 1}, {0xFF41, 0xFF5A, -32, 1},
};

static WCHAR prefix[64];
static int prefix_len;

/* prefix, then the units u (n of them). */
static void make(WCHAR *out, const WCHAR *u, int n)
{
    lstrcpyW(out, prefix);
    for (int i = 0; i < n; i++)
        out[prefix_len + i] = u[i];
    out[prefix_len + n] = 0;
}

/* 1 if a pipe named with units a opens as units b; 0 if not (then *err
 * is the client's error); -1 if the pipe could not be made. */
static int same_pipe(const WCHAR *a, int na, const WCHAR *b, int nb,
                     DWORD *err)
{
    WCHAR sn[80], cn[80];
    HANDLE s, c;
    make(sn, a, na);
    make(cn, b, nb);
    s = CreateNamedPipeW(sn, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 64, 64, 0,
                         NULL);
    if (s == INVALID_HANDLE_VALUE) {
        *err = GetLastError();
        return -1;
    }
    c = CreateFileW(cn, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                    0, NULL);
    *err = c == INVALID_HANDLE_VALUE ? GetLastError() : 0;
    if (c != INVALID_HANDLE_VALUE)
        CloseHandle(c);
    CloseHandle(s);
    return c != INVALID_HANDLE_VALUE;
}

static void pair(const char *label, WCHAR a, WCHAR b)
{
    DWORD err;
    int r = same_pipe(&a, 1, &b, 1, &err);
    printf("%s (U+%04X, U+%04X): %s, error %lu\n", label, a, b,
           r > 0 ? "same" : r == 0 ? "different" : "not made",
           (unsigned long)err);
}

int main(void)
{
    char pid[16];
    DWORD err;
    int total = 0;

    snprintf(pid, sizeof pid, "%lu", (unsigned long)GetCurrentProcessId());
    lstrcpyW(prefix, L"\\\\.\\pipe\\conf-case-");
    prefix_len = lstrlenW(prefix);
    for (int i = 0; pid[i]; i++)
        prefix[prefix_len++] = (WCHAR)pid[i];
    prefix[prefix_len++] = '-';
    prefix[prefix_len] = 0;

    SECTION("every run of the table: a pipe by the small letter, opened by "
            "the capital");
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++) {
        int n = 0, same = 0;
        for (unsigned c = runs[r].first; c <= runs[r].last;
             c += runs[r].step) {
            WCHAR a = (WCHAR)c, b = (WCHAR)(c + runs[r].delta);
            n++;
            same += same_pipe(&a, 1, &b, 1, &err) == 1;
            /* And the other way round, for the run's first letter. */
            if (c == runs[r].first)
                same += same_pipe(&b, 1, &a, 1, &err) == 1;
        }
        printf("U+%04X..U+%04X step %u, %+d: %d of %d\n", runs[r].first,
               runs[r].last, runs[r].step, runs[r].delta, same, n + 1);
        total += same;
    }
    printf("pairs that matched: %d\n", total);

    SECTION("letters Unicode folds and Windows does not");
    pair("dotless i, I", 0x0131, 'I');
    pair("dotless i, i", 0x0131, 'i');
    pair("capital I with dot, i", 0x0130, 'i');
    pair("long s, s", 0x017F, 's');
    pair("long s, S", 0x017F, 'S');
    pair("micro, Mu", 0x00B5, 0x039C);
    pair("micro, mu", 0x00B5, 0x03BC);
    pair("final sigma, Sigma", 0x03C2, 0x03A3);
    pair("final sigma, sigma", 0x03C2, 0x03C3);
    pair("Kelvin, k", 0x212A, 'k');
    pair("Kelvin, K", 0x212A, 'K');
    pair("Ohm, omega", 0x2126, 0x03C9);
    pair("Angstrom, a ring", 0x212B, 0x00E5);
    pair("sharp s, capital sharp s", 0x00DF, 0x1E9E);
    pair("dz caron, title case", 0x01C6, 0x01C5);
    pair("title case, capital", 0x01C5, 0x01C4);
    pair("y diaeresis, capital", 0x00FF, 0x0178);
    pair("a, fullwidth A", 'a', 0xFF21);
    pair("e acute, e", 0x00E9, 'e');
    pair("a umlaut, A umlaut", 0x00E4, 0x00C4);
    {
        /* Deseret small and capital long I (U+10428, U+10400). */
        static const WCHAR small[] = {0xD801, 0xDC28},
                           capital[] = {0xD801, 0xDC00};
        int r = same_pipe(small, 2, capital, 2, &err);
        printf("beyond U+FFFF (U+10428, U+10400): %s, error %lu\n",
               r > 0 ? "same" : r == 0 ? "different" : "not made",
               (unsigned long)err);
    }

    SECTION("a name of several scripts, each letter's case changed");
    {
        static const WCHAR lower[] = {0x00E4, 0x0151, 0x03C9, 0x0436,
                                      0x0574, 0x1E03, 'x'},
                           upper[] = {0x00C4, 0x0150, 0x03A9, 0x0416,
                                      0x0544, 0x1E02, 'X'};
        int r = same_pipe(lower, 7, upper, 7, &err);
        printf("pipe: %s, error %lu\n", r > 0 ? "same" : "different",
               (unsigned long)err);
    }

    SECTION("mailslots");
    {
        WCHAR name[80], other[80];
        HANDLE m, c;
        char tail[32];
        snprintf(tail, sizeof tail, "conf-case-%s-", pid);
        for (int v = 0; v < 3; v++) {
            static const WCHAR letters[3][2] = {
                {0x0436, 0x0416}, {0x00FE, 0x00DE}, {0x0131, 'I'}};
            int k;
            lstrcpyW(name, L"\\\\.\\mailslot\\");
            k = lstrlenW(name);
            for (int i = 0; tail[i]; i++)
                name[k++] = (WCHAR)tail[i];
            name[k] = 0;
            lstrcpyW(other, name);
            name[k] = letters[v][0];
            other[k] = letters[v][1];
            name[k + 1] = other[k + 1] = 0;
            m = CreateMailslotW(name, 0, 0, NULL);
            c = CreateFileW(other, GENERIC_WRITE, FILE_SHARE_READ, NULL,
                            OPEN_EXISTING, 0, NULL);
            printf("mailslot U+%04X opened as U+%04X: %s, error %lu\n",
                   letters[v][0], letters[v][1],
                   m == INVALID_HANDLE_VALUE  ? "not made"
                   : c != INVALID_HANDLE_VALUE ? "same"
                                               : "different",
                   c == INVALID_HANDLE_VALUE ? (unsigned long)GetLastError()
                                             : 0ul);
            if (c != INVALID_HANDLE_VALUE)
                CloseHandle(c);
            CloseHandle(m);
        }
    }
    CONF_DONE();
}
