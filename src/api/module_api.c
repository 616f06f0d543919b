/*
 * module_api.c: GetModuleHandleA and GetProcAddress, for programs that
 * probe for optional functions.  winipc plays every system DLL whose
 * functions it provides (kernel32, kernelbase, ntdll, advapi32, user32): each of
 * those names gives the same module, winipc itself, and GetProcAddress on
 * it finds every function winipc exports.  NULL names the program.
 * Other DLLs are not loaded: ERROR_MOD_NOT_FOUND.
 */
#include <string.h>

#include "../core/namespace.h"
#include "../platform/platform_sys.h"
#include "api.h"

static const char *const module_names[] = {"kernel32", "kernelbase", "ntdll",
                                           "advapi32", "user32"};

/* 1 if name is one of module_names, with or without ".dll", any case. */
static int module_is_winipc(LPCSTR name)
{
    size_t len = strlen(name);
    if (len > 4 && wipc_ns_is_prefix(name + len - 4, ".dll"))
        len -= 4;
    for (size_t i = 0; i < sizeof module_names / sizeof module_names[0]; i++)
        if (len == strlen(module_names[i]) &&
            wipc_ns_is_prefix(name, module_names[i]))
            return 1;
    return 0;
}

API_FN(SYS, HMODULE, GetModuleHandleA, (LPCSTR lpModuleName), (lpModuleName))
{
    void *h = NULL;
    DWORD err;

    if (!lpModuleName)
        err = wipc_plat_module_main(&h);
    else if (module_is_winipc(lpModuleName))
        err = wipc_plat_module_self(&h);
    else
        err = ERROR_MOD_NOT_FOUND;
    if (err) {
        SetLastError(err);
        return NULL;
    }
    return (HMODULE)h;
}

/* An ordinal (MAKEINTRESOURCE: a value below 0x10000) finds nothing:
 * winipc's functions have no ordinals. */
API_FN(SYS, FARPROC, GetProcAddress,
       (HMODULE hModule, LPCSTR lpProcName),
       (hModule, lpProcName))
{
    void *self = NULL, *main = NULL, *f;

    if (!lpProcName || (UINT_PTR)lpProcName < 0x10000u) {
        SetLastError(ERROR_PROC_NOT_FOUND);
        return NULL;
    }
    wipc_plat_module_self(&self);
    wipc_plat_module_main(&main);
    if (!hModule || (hModule != self && hModule != main)) {
        SetLastError(hModule ? ERROR_MOD_NOT_FOUND : ERROR_INVALID_HANDLE);
        return NULL;
    }
    f = wipc_plat_module_symbol(hModule, lpProcName);
    if (!f) {
        SetLastError(ERROR_PROC_NOT_FOUND);
        return NULL;
    }
    return (FARPROC)f;
}
