/*
 * compat_helpers: what <windows.h> brings beside the IPC calls, as
 * programs written for Windows use it: lstrlenA and friends (with
 * CompareString's word sort), ZeroMemory and CopyMemory, Local, Global and
 * process-heap memory, HRESULT macros, GetSystemInfo, GetComputerNameA and
 * GetUserNameA's size rules, GetTickCount, GetStartupInfoA,
 * GetModuleHandleA and GetProcAddress on kernel32.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static void cmp(const char *a, const char *b)
{
    printf("lstrcmpA(\"%s\", \"%s\") = %d, lstrcmpiA = %d\n", a, b,
           lstrcmpA(a, b), lstrcmpiA(a, b));
}

int main(void)
{
    char buf[64], *p, *q;
    TCHAR tbuf[16];
    DWORD n, n2;
    HANDLE heap;
    SYSTEM_INFO si;
    STARTUPINFOA st;
    HMODULE k32;
    FARPROC f;

    SECTION("lstrlenA, lstrcpyA, lstrcatA, lstrcpynA");
    SHOW_UINT("lstrlenA(\"hello\")", lstrlenA("hello"));
    SHOW_UINT("lstrlenA(NULL)", lstrlenA(NULL));
    CHECK_TRUE("lstrcpyA returns its destination", lstrcpyA(buf, "ab") == buf);
    CHECK_TRUE("lstrcatA returns its destination", lstrcatA(buf, "cd") == buf);
    SHOW_STRING("  result", buf);
    CHECK_TRUE("lstrcpyA(buf, NULL) is NULL", lstrcpyA(buf, NULL) == NULL);
    CHECK_TRUE("lstrcatA(buf, NULL) is NULL", lstrcatA(buf, NULL) == NULL);
    SHOW_STRING("  buf unchanged", buf);
    lstrcpynA(buf, "abcdef", 4);
    SHOW_STRING("lstrcpynA(\"abcdef\", 4)", buf);
    lstrcpy(tbuf, TEXT("mapped")); /* TCHAR: also built with UNICODE */
    SHOW_UINT("lstrlen (unsuffixed)", lstrlen(tbuf));

    SECTION("lstrcmpA and lstrcmpiA sort words");
    cmp("a", "B");
    cmp("a", "A");
    cmp("A", "a");
    cmp("abc", "abd");
    cmp("abc", "ab");
    cmp("co-op", "coop");
    cmp("coop", "co-op");
    cmp("it's", "its");
    cmp("1", "a");
    cmp("_", "a");
    cmp("[", "a");
    cmp(" ", "!");
    cmp("+", "!");
    cmp("Zebra", "apple");
    cmp("aB", "Ab");
    cmp("", "a");
    printf("lstrcmpA(NULL, \"a\") = %d, (\"a\", NULL) = %d, (NULL, NULL) = %d\n",
           lstrcmpA(NULL, "a"), lstrcmpA("a", NULL), lstrcmpA(NULL, NULL));

    SECTION("memory macros");
    memset(buf, 'x', sizeof buf);
    ZeroMemory(buf, 4);
    CHECK_TRUE("ZeroMemory zeroes 4 bytes", buf[0] == 0 && buf[3] == 0 &&
                                                buf[4] == 'x');
    CopyMemory(buf, "abcd", 4);
    MoveMemory(buf + 1, buf, 3);
    FillMemory(buf + 4, 2, '-');
    buf[6] = 0;
    SHOW_STRING("CopyMemory, MoveMemory, FillMemory", buf);

    SECTION("Local, Global and process-heap memory");
    p = (char *)LocalAlloc(LPTR, 10);
    CHECK_TRUE("LocalAlloc(LPTR, 10) zeroed", p != NULL && p[0] == 0 && p[9] == 0);
    CHECK_DWORD("LocalSize", (DWORD)LocalSize(p));
    CHECK_TRUE("LocalFree returns NULL", LocalFree(p) == NULL);
    p = (char *)GlobalAlloc(GPTR, 33);
    CHECK_DWORD("GlobalSize(GPTR, 33)", (DWORD)GlobalSize(p));
    CHECK_TRUE("GlobalFree returns NULL", GlobalFree(p) == NULL);
    CHECK_TRUE("LocalFree(NULL) returns NULL", LocalFree(NULL) == NULL);
    CHECK_DWORD("LocalSize(NULL)", (DWORD)LocalSize(NULL));
    p = (char *)LocalAlloc(LMEM_FIXED, 64);
    SetLastError(CONF_SENTINEL);
    q = (char *)LocalFree(p + 16);
    printf("LocalFree(inside a block) returns it: %d, %s\n", q == p + 16,
           conf_error(GetLastError()));
    LocalFree(p);
    heap = GetProcessHeap();
    CHECK_TRUE("GetProcessHeap", heap != NULL);
    p = (char *)HeapAlloc(heap, HEAP_ZERO_MEMORY, 5);
    CHECK_DWORD("HeapSize(5)", (DWORD)HeapSize(heap, 0, p));
    memset(p, 7, 5);
    p = (char *)HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, 20);
    CHECK_DWORD("HeapSize after HeapReAlloc(20)", (DWORD)HeapSize(heap, 0, p));
    printf("  kept %d, zeroed %d %d\n", p[4], p[5], p[19]);
    p = (char *)HeapReAlloc(heap, 0, p, 3);
    CHECK_DWORD("HeapSize after HeapReAlloc(3)", (DWORD)HeapSize(heap, 0, p));
    CHECK_BOOL("HeapFree", HeapFree(heap, 0, p));
    CHECK_BOOL("HeapFree(NULL)", HeapFree(heap, 0, NULL));
    p = (char *)HeapAlloc(heap, 0, 0);
    CHECK_TRUE("HeapAlloc(0) is a block", p != NULL);
    CHECK_DWORD("  its HeapSize", (DWORD)HeapSize(heap, 0, p));
    HeapFree(heap, 0, p);

    SECTION("HRESULT");
    /* As 32-bit values: printf's long is 64 bits wide on Linux. */
    printf("S_OK %d, S_FALSE %d, E_FAIL %08x, E_INVALIDARG %08x, "
           "E_OUTOFMEMORY %08x\n",
           (int)S_OK, (int)S_FALSE, (unsigned)E_FAIL, (unsigned)E_INVALIDARG,
           (unsigned)E_OUTOFMEMORY);
    printf("HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) %08x, (0) %08x\n",
           (unsigned)HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED),
           (unsigned)HRESULT_FROM_WIN32(0));
    printf("SUCCEEDED(S_FALSE) %d, FAILED(E_FAIL) %d, FAILED(S_OK) %d\n",
           SUCCEEDED(S_FALSE), FAILED(E_FAIL), FAILED(S_OK));
    printf("MAKEWORD(1, 2) %u, LOWORD(0x12345678) %x, HIWORD %x\n",
           MAKEWORD(1, 2), LOWORD(0x12345678), HIWORD(0x12345678));

    SECTION("system information");
    GetSystemInfo(&si);
    SHOW_UINT("dwAllocationGranularity", si.dwAllocationGranularity);
    CHECK_TRUE("dwPageSize is a power of two >= 4096",
               si.dwPageSize >= 4096 && (si.dwPageSize & (si.dwPageSize - 1)) == 0);
    CHECK_TRUE("dwNumberOfProcessors >= 1", si.dwNumberOfProcessors >= 1);
    CHECK_TRUE("lpMinimumApplicationAddress 0x10000",
               si.lpMinimumApplicationAddress == (LPVOID)0x10000);
    n = GetTickCount();
    CHECK_TRUE("GetTickCount and GetTickCount64 agree",
               (DWORD)(GetTickCount64() - n) < 10000);
    n = sizeof buf;
    CHECK_BOOL("GetComputerNameA", GetComputerNameA(buf, &n));
    CHECK_TRUE("  size is its length", n == (DWORD)lstrlenA(buf) && n > 0);
    n2 = n;
    n = 1;
    CHECK_BOOL("GetComputerNameA(1-character buffer)", GetComputerNameA(buf, &n));
    CHECK_TRUE("  size needed is the length + 1", n == n2 + 1);
    n = sizeof buf;
    CHECK_BOOL("GetUserNameA", GetUserNameA(buf, &n));
    CHECK_TRUE("  size is the length + 1", n == (DWORD)lstrlenA(buf) + 1);
    n2 = n;
    n = 1;
    CHECK_BOOL("GetUserNameA(1-character buffer)", GetUserNameA(buf, &n));
    CHECK_TRUE("  size needed is the length + 1", n == n2);
    n = 0;
    CHECK_BOOL("GetUserNameA(NULL, 0)", GetUserNameA(NULL, &n));
    CHECK_TRUE("  size needed is the length + 1", n == n2);
    memset(&st, 0x55, sizeof st);
    GetStartupInfoA(&st);
    printf("GetStartupInfoA: cb %d, dwFlags %lu, wShowWindow %u, lpReserved %d\n",
           st.cb == sizeof st, (unsigned long)st.dwFlags, st.wShowWindow,
           st.lpReserved == NULL);
    printf("  standard handles %d %d %d\n",
           st.hStdInput == GetStdHandle(STD_INPUT_HANDLE),
           st.hStdOutput == GetStdHandle(STD_OUTPUT_HANDLE),
           st.hStdError == GetStdHandle(STD_ERROR_HANDLE));

    SECTION("GetModuleHandleA and GetProcAddress");
    k32 = GetModuleHandleA("kernel32.dll");
    CHECK_TRUE("GetModuleHandleA(kernel32.dll)", k32 != NULL);
    CHECK_TRUE("  KERNEL32.DLL and kernel32 are the same",
               GetModuleHandleA("KERNEL32.DLL") == k32 &&
                   GetModuleHandleA("kernel32") == k32);
    CHECK_TRUE("GetModuleHandleA(NULL)", GetModuleHandleA(NULL) != NULL);
    SetLastError(CONF_SENTINEL);
    f = GetProcAddress(k32, "CreateFileA");
    printf("GetProcAddress(CreateFileA) is CreateFileA: %d, %s\n",
           (void (*)(void))f == (void (*)(void))CreateFileA,
           conf_error(GetLastError()));
    SetLastError(CONF_SENTINEL);
    f = GetProcAddress(k32, "NoSuchFunctionAnywhere");
    printf("GetProcAddress(NoSuchFunctionAnywhere): %s, %s\n",
           f ? "found" : "NULL", conf_error(GetLastError()));
    SetLastError(CONF_SENTINEL);
    k32 = GetModuleHandleA("nosuchmodule.dll");
    printf("GetModuleHandleA(nosuchmodule.dll): %s, %s\n",
           k32 ? "found" : "NULL", conf_error(GetLastError()));
    CONF_DONE();
}
