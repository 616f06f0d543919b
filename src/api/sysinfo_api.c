/*
 * sysinfo_api.c: GetTickCount, GetTickCount64, GetSystemInfo,
 * GetComputerNameA, GetUserNameA and GetStartupInfoA.
 */
#include <string.h>
#include <threads.h>

#include "../platform/platform.h"
#include "../platform/platform_sys.h"
#include "../process/startup.h"
#include "api.h"

API_FN0(SYS, DWORD, GetTickCount)
{
    return (DWORD)wipc_plat_boot_ms(); /* wraps after 49.7 days */
}

API_FN0(SYS, ULONGLONG, GetTickCount64) { return wipc_plat_boot_ms(); }

/*
 * The processor fields are the architecture's (wProcessorLevel and
 * wProcessorRevision, which Windows takes from the CPU's family and
 * model, are 0); the address range is what a Windows process of the same
 * width gets; dwAllocationGranularity is Windows' 64 KiB.
 */
API_FN_VOID(SYS, GetSystemInfo, (LPSYSTEM_INFO lpSystemInfo), (lpSystemInfo))
{
    DWORD n = wipc_plat_cpu_count();

    if (!lpSystemInfo)
        return;
    memset(lpSystemInfo, 0, sizeof *lpSystemInfo);
#if defined(__x86_64__)
    lpSystemInfo->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
    lpSystemInfo->dwProcessorType = PROCESSOR_AMD_X8664;
#elif defined(__i386__)
    lpSystemInfo->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_INTEL;
    lpSystemInfo->dwProcessorType = PROCESSOR_INTEL_PENTIUM;
#elif defined(__aarch64__)
    lpSystemInfo->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_ARM64;
#elif defined(__arm__)
    lpSystemInfo->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_ARM;
#else
    lpSystemInfo->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_UNKNOWN;
#endif
    lpSystemInfo->dwPageSize = wipc_plat_page_size();
    lpSystemInfo->lpMinimumApplicationAddress = (LPVOID)(UINT_PTR)0x10000;
#if UINTPTR_MAX > 0xFFFFFFFFu
    lpSystemInfo->lpMaximumApplicationAddress =
        (LPVOID)(UINT_PTR)0x7FFFFFFEFFFFull;
#else
    lpSystemInfo->lpMaximumApplicationAddress = (LPVOID)(UINT_PTR)0x7FFEFFFFu;
#endif
    lpSystemInfo->dwNumberOfProcessors = n;
    lpSystemInfo->dwActiveProcessorMask =
        n >= sizeof(DWORD_PTR) * 8 ? ~(DWORD_PTR)0 : ((DWORD_PTR)1 << n) - 1;
    lpSystemInfo->dwAllocationGranularity = 65536;
}

/*
 * The NetBIOS name, as Windows answers: the host name up to its first '.',
 * in upper case, at most MAX_COMPUTERNAME_LENGTH characters.  *nSize is
 * the buffer's size in characters; on success it gets the name's length
 * (without the NUL); when the buffer is too small, ERROR_BUFFER_OVERFLOW
 * and the size needed (with the NUL), as Wine answers.
 */
API_FN(SYS, BOOL, GetComputerNameA,
       (LPSTR lpBuffer, LPDWORD nSize),
       (lpBuffer, nSize))
{
    char host[256];
    size_t len;
    DWORD err;

    if (!nSize)
        return api_fail(ERROR_INVALID_PARAMETER);
    err = wipc_plat_host_name(host, sizeof host);
    if (err)
        return api_fail(err);
    len = strcspn(host, ".");
    if (len > MAX_COMPUTERNAME_LENGTH)
        len = MAX_COMPUTERNAME_LENGTH;
    host[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (host[i] >= 'a' && host[i] <= 'z')
            host[i] = (char)(host[i] - 'a' + 'A');
    if (!lpBuffer || *nSize < len + 1) {
        *nSize = (DWORD)len + 1;
        return api_fail(ERROR_BUFFER_OVERFLOW);
    }
    memcpy(lpBuffer, host, len + 1);
    *nSize = (DWORD)len;
    return TRUE;
}

/*
 * The host name in the forms Windows knows: NetBIOS (GetComputerNameA's),
 * the DNS host name (up to the first '.'), the domain (after it, or ""),
 * the fully qualified name; the physical forms are the same here (no
 * cluster).  *nSize: the buffer's size in characters; on success the
 * name's length; when it is too small ERROR_MORE_DATA and the size needed
 * (with the NUL), as the documentation says.
 */
API_FN(SYS, BOOL, GetComputerNameExA,
       (COMPUTER_NAME_FORMAT NameType, LPSTR lpBuffer, LPDWORD nSize),
       (NameType, lpBuffer, nSize))
{
    char host[256];
    const char *name = host;
    size_t len;
    DWORD err;

    if (!nSize || NameType < ComputerNameNetBIOS ||
        NameType >= ComputerNameMax)
        return api_fail(ERROR_INVALID_PARAMETER);
    if (NameType == ComputerNameNetBIOS ||
        NameType == ComputerNamePhysicalNetBIOS) {
        DWORD n = *nSize;
        BOOL ok = GetComputerNameA(lpBuffer, &n);
        if (!ok && GetLastError() == ERROR_BUFFER_OVERFLOW) {
            *nSize = n;
            return api_fail(ERROR_MORE_DATA);
        }
        if (ok)
            *nSize = n;
        return ok;
    }
    err = wipc_plat_host_name(host, sizeof host);
    if (err)
        return api_fail(err);
    len = strlen(host);
    switch (NameType) {
    case ComputerNameDnsHostname:
    case ComputerNamePhysicalDnsHostname:
        len = strcspn(host, ".");
        break;
    case ComputerNameDnsDomain:
    case ComputerNamePhysicalDnsDomain:
        name = host + strcspn(host, ".");
        if (*name)
            name++;
        len = strlen(name);
        break;
    default:
        break;
    }
    if (!lpBuffer || *nSize < len + 1) {
        *nSize = (DWORD)len + 1;
        return api_fail(ERROR_MORE_DATA);
    }
    memcpy(lpBuffer, name, len);
    lpBuffer[len] = '\0';
    *nSize = (DWORD)len;
    return TRUE;
}

/*
 * The login name of the effective user.  *pcbBuffer is the buffer's size
 * in characters and gets the name's length with its NUL, on success and
 * (with ERROR_INSUFFICIENT_BUFFER) when the buffer is too small, as the
 * documentation and Wine say.
 */
API_FN(SYS, BOOL, GetUserNameA,
       (LPSTR lpBuffer, LPDWORD pcbBuffer),
       (lpBuffer, pcbBuffer))
{
    char name[UNLEN + 1];
    size_t len = 0;
    DWORD err;

    if (!pcbBuffer)
        return api_fail(ERROR_INVALID_PARAMETER);
    err = wipc_plat_login_name(name, sizeof name, &len);
    if (err && err != ERROR_INSUFFICIENT_BUFFER)
        return api_fail(err);
    if (err || !lpBuffer || *pcbBuffer < len + 1) {
        *pcbBuffer = (DWORD)len + 1;
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    }
    memcpy(lpBuffer, name, len + 1);
    *pcbBuffer = (DWORD)len + 1;
    return TRUE;
}

/*
 * A child of a winipc CreateProcess sees what its parent passed
 * (process/startup.h): the flags, the window fields, the desktop and the
 * title (the program's path when none was given), and its standard
 * handles as they were when it started when the flags hold
 * STARTF_USESTDHANDLES, else INVALID_HANDLE_VALUE (Wine's process.c,
 * test_StdHandleInheritance, StartupInfoA rows).  A program started
 * otherwise (from a shell) gets what Windows (Wine) reports for a console
 * program started without STARTF_ flags: the structure's size, no flags,
 * an empty desktop name, the program's path as the title, SW_SHOWNORMAL
 * (1), and its standard handles.
 */
static char startup_title[4096];
static once_flag startup_once = ONCE_FLAG_INIT;

static void startup_find_title(void)
{
    if (wipc_plat_exe_path(startup_title, sizeof startup_title) != 0)
        startup_title[0] = '\0';
}

API_FN_VOID(PROCESS, GetStartupInfoA,
       (LPSTARTUPINFOA lpStartupInfo),
       (lpStartupInfo))
{
    static char desktop[1];
    const struct wipc_startup *st = wipc_startup_get();
    STARTUPINFOA *si = lpStartupInfo;

    if (!si)
        return;
    call_once(&startup_once, startup_find_title);
    memset(si, 0, sizeof *si);
    si->cb = sizeof *si;
    si->lpDesktop = st->desktop ? st->desktop : desktop;
    si->lpTitle = st->title ? st->title : startup_title;
    si->wShowWindow = 1; /* SW_SHOWNORMAL */
    si->hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si->hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si->hStdError = GetStdHandle(STD_ERROR_HANDLE);
    if (!st->present)
        return;
    si->dwFlags = st->flags;
    si->wShowWindow = (WORD)st->show;
    si->dwX = st->x;
    si->dwY = st->y;
    si->dwXSize = st->xsize;
    si->dwYSize = st->ysize;
    si->dwXCountChars = st->xchars;
    si->dwYCountChars = st->ychars;
    si->dwFillAttribute = st->fill;
    if (st->flags & STARTF_USESTDHANDLES) {
        si->hStdInput = st->std_value[0];
        si->hStdOutput = st->std_value[1];
        si->hStdError = st->std_value[2];
    } else {
        si->hStdInput = si->hStdOutput = si->hStdError = INVALID_HANDLE_VALUE;
    }
}
