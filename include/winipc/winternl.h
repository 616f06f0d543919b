/*
 * winternl.h: the NT native call winipc provides, NtQueryInformationProcess,
 * for the information class programs use to find a process's parent
 * (ProcessBasicInformation), as Microsoft documents it.  Other classes
 * answer STATUS_INVALID_INFO_CLASS.  GetModuleHandleA("ntdll") and
 * GetProcAddress find it as on Windows.
 */
#ifndef WINIPC_WINTERNL_H
#define WINIPC_WINTERNL_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WINIPC_NTSTATUS_DEFINED
#define WINIPC_NTSTATUS_DEFINED
typedef LONG NTSTATUS;
#endif
typedef LONG KPRIORITY;

#ifndef NT_SUCCESS
#define NT_SUCCESS(status) (((NTSTATUS)(status)) >= 0)
#endif
#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#endif
#ifndef STATUS_INVALID_INFO_CLASS
#define STATUS_INVALID_INFO_CLASS ((NTSTATUS)0xC0000003L)
#endif
#ifndef STATUS_INFO_LENGTH_MISMATCH
#define STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004L)
#endif
#ifndef STATUS_ACCESS_VIOLATION
#define STATUS_ACCESS_VIOLATION ((NTSTATUS)0xC0000005L)
#endif
#ifndef STATUS_INVALID_HANDLE
#define STATUS_INVALID_HANDLE ((NTSTATUS)0xC0000008L)
#endif
#ifndef STATUS_ACCESS_DENIED
#define STATUS_ACCESS_DENIED ((NTSTATUS)0xC0000022L)
#endif
#ifndef STATUS_OBJECT_TYPE_MISMATCH
#define STATUS_OBJECT_TYPE_MISMATCH ((NTSTATUS)0xC0000024L)
#endif

/* The classes Microsoft's winternl.h names. */
typedef enum _PROCESSINFOCLASS {
    ProcessBasicInformation = 0,
    ProcessDebugPort = 7,
    ProcessWow64Information = 26,
    ProcessImageFileName = 27,
    ProcessBreakOnTermination = 29
} PROCESSINFOCLASS;

typedef struct _PEB PEB, *PPEB; /* winipc has none: PebBaseAddress is NULL */

typedef struct _PROCESS_BASIC_INFORMATION {
    NTSTATUS ExitStatus;      /* STATUS_PENDING (STILL_ACTIVE) while it runs */
    PPEB PebBaseAddress;
    ULONG_PTR AffinityMask;
    KPRIORITY BasePriority;   /* its priority class's base priority */
    ULONG_PTR UniqueProcessId;
    ULONG_PTR InheritedFromUniqueProcessId;
} PROCESS_BASIC_INFORMATION, *PPROCESS_BASIC_INFORMATION;

#ifndef NTAPI
#define NTAPI
#endif

WINBASEAPI NTSTATUS NTAPI NtQueryInformationProcess(
    HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
    PVOID ProcessInformation, ULONG ProcessInformationLength,
    PULONG ReturnLength);

#ifdef __cplusplus
}
#endif

#endif /* WINIPC_WINTERNL_H */
