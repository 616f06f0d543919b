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
#include "../../src/core/upcase_runs.inc"
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
