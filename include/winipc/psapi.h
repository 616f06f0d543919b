/*
 * psapi.h: the process status functions winipc provides
 * (GetProcessImageFileNameA), declared in windows.h.
 */
#ifndef WINIPC_PSAPI_H
#define WINIPC_PSAPI_H

#include <windows.h>

#endif /* WINIPC_PSAPI_H */
