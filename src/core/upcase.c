/*
 * upcase.c: Windows' case folding of names (wipc_upcase, utf.h).
 *
 * Windows compares pipe and mailslot names (and file names) without case
 * by upcasing each UTF-16 unit through its own table (ntdll's
 * RtlUpcaseUnicodeChar, the NLS file l_intl.nls): simple one-to-one
 * mappings only, so that some pairs that Unicode folds are distinct
 * names there: U+0131 dotless i and I, U+017F long s and S, U+00B5 micro
 * and U+039C Mu, U+03C2 final sigma and Sigma, U+212A Kelvin and K,
 * U+00DF sharp s and U+1E9E; a title-case letter (U+01C5) is not its
 * capital's equal.  The table below is that mapping, as Windows behaves
 * and Wine 8 reproduces it (RtlUpcaseUnicodeChar asked for every unit;
 * the conformance scenario npipe_name_case checks names of each script):
 * 1,163 units in 164 runs.
 */
#include "utf.h"

/* Units first..last map to unit + delta; with step 2, every other one
 * (the rest map to themselves). */
static const struct {
    unsigned short first, last;
    int delta;
    unsigned char step;
} upcase_runs[] = {
#include "upcase_runs.inc"
};

uint32_t wipc_upcase(uint32_t c)
{
    size_t lo = 0, hi = sizeof upcase_runs / sizeof *upcase_runs;
    if (c < 0x80)
        return c >= 'a' && c <= 'z' ? c - 32 : c;
    if (c > 0xffff)
        return c;     /* Windows upcases single units only */
    while (lo < hi) { /* the last run starting at or before c */
        size_t mid = (lo + hi) / 2;
        if (upcase_runs[mid].first <= c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return c;
    lo--;
    if (c > upcase_runs[lo].last ||
        (c - upcase_runs[lo].first) % upcase_runs[lo].step)
        return c;
    return (uint32_t)((int)c + upcase_runs[lo].delta);
}
