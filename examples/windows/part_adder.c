/*
 * part_adder.c: the child of wait_child.c (seed 001).
 *
 * Adds up the numbers from argv[1] to argv[2] and returns the sum as its
 * exit code, which the parent reads with GetExitCodeProcess; -1 for bad
 * arguments.  It takes a second over it, so that the parent finds it
 * still running (non-signaled) before it waits.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    DWORD start, end, total = 0, i;

    if (argc != 3)
        return -1;
    start = (DWORD)_ttoi(argv[1]);
    end = (DWORD)_ttoi(argv[2]);
    for (i = start; i <= end; i++)
        total += i;
    Sleep(1000);
    _tprintf(_T("part_adder %lu..%lu: returning %lu\n"), (unsigned long)start,
             (unsigned long)end, (unsigned long)total);
    return (int)total;
}
