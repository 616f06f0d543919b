/*
 * windows.h: the Win32 API of winipc.
 *
 * Types keep their Windows widths (DWORD and LONG are 32-bit, HANDLE is
 * pointer-sized).  Every function that takes text has an "A" variant
 * (narrow strings, UTF-8) and a "W" variant (WCHAR: UTF-16 units); the
 * undecorated names are the W ones when UNICODE is defined, else the A
 * ones, as on Windows.  WCHAR is 16 bits whatever the program's wchar_t:
 * L"..." literals are WCHAR strings when the program is built with
 * -fshort-wchar (pkg-config --cflags winipc has it), and TEXT("...") is
 * one either way (README, "Porting a Windows program").  Every function
 * here is implemented: what is missing is absent.
 */
#ifndef WINIPC_WINDOWS_H
#define WINIPC_WINDOWS_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
/* MinGW's <windows.h> makes these visible too (not <stdio.h>): programs
 * written for Windows call strlen, memcpy, malloc, abs, toupper, INT_MAX
 * without including them. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <winerror.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Calling convention and export ------------------------------------ */

#ifndef WINIPC_API
#if defined(WINIPC_BUILDING)
#define WINIPC_API __attribute__((visibility("default")))
#else
#define WINIPC_API
#endif
#endif

#define WINAPI
#define APIENTRY
#define CALLBACK
#define WINBASEAPI WINIPC_API
#define CONST const
#define VOID void
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif

/* ---- Basic types -------------------------------------------------------- */

typedef int BOOL;
typedef BOOL *PBOOL, *LPBOOL;
typedef unsigned char BYTE, UCHAR, BOOLEAN;
typedef BYTE *PBYTE, *LPBYTE;
typedef char CHAR, CCHAR;
typedef short SHORT;
typedef unsigned short WORD, USHORT;
typedef int INT;
typedef unsigned int UINT;
typedef int32_t LONG;
typedef uint32_t ULONG, DWORD;
typedef int64_t LONGLONG, LONG64, INT64;
typedef uint64_t ULONGLONG, DWORD64, ULONG64, UINT64;
typedef intptr_t INT_PTR, LONG_PTR;
typedef uintptr_t UINT_PTR, ULONG_PTR, DWORD_PTR;
typedef size_t SIZE_T;
typedef LONG_PTR SSIZE_T;
typedef DWORD *PDWORD, *LPDWORD;
typedef LONG *PLONG, *LPLONG;
typedef ULONG *PULONG;
typedef WORD *PWORD, *LPWORD;
typedef INT *PINT, *LPINT;
typedef SIZE_T *PSIZE_T;
typedef ULONG_PTR *PULONG_PTR;
typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef CHAR *PCHAR, *LPCH, *PCH, *LPSTR, *PSTR, *NPSTR;
typedef const CHAR *LPCCH, *PCCH, *LPCSTR, *PCSTR;
typedef void *HANDLE;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef HANDLE HLOCAL, HGLOBAL, HINSTANCE, HMODULE;
typedef DWORD ACCESS_MASK;
typedef ACCESS_MASK *PACCESS_MASK;
typedef LONG HRESULT;
typedef HANDLE HWND;
typedef INT_PTR(WINAPI *FARPROC)(void);

/*
 * WCHAR: one UTF-16 unit.  In C it is unsigned short, which is also what
 * wchar_t is under -fshort-wchar and what char16_t is, so L"..." (with
 * -fshort-wchar) and u"..." literals are both WCHAR strings.  In C++ it is
 * wchar_t when that is 16 bits, else char16_t.  WIPC_WIDE(q) makes the
 * literal q a WCHAR string in either build (TEXT uses it).
 */
#if defined(__cplusplus) && __SIZEOF_WCHAR_T__ != 2
typedef char16_t WCHAR;
#elif defined(__cplusplus)
typedef wchar_t WCHAR;
#else
typedef unsigned short WCHAR;
#endif
#if __SIZEOF_WCHAR_T__ == 2
#define WIPC_WIDE(q) L##q
#else
#define WIPC_WIDE(q) u##q
#endif
typedef WCHAR *PWCHAR, *LPWCH, *PWCH, *LPWSTR, *PWSTR, *NWPSTR;
typedef const WCHAR *LPCWCH, *PCWCH, *LPCWSTR, *PCWSTR;

#ifdef UNICODE
typedef WCHAR TCHAR;
#define __TEXT(quote) WIPC_WIDE(quote)
#else
typedef char TCHAR;
#define __TEXT(quote) quote
#endif
typedef TCHAR *LPTSTR, *PTSTR, *LPTCH, *PTCH;
typedef const TCHAR *LPCTSTR, *PCTSTR;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef union _LARGE_INTEGER {
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    struct {
        DWORD LowPart;
        LONG HighPart;
    };
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    union {
        struct {
            DWORD Offset;
            DWORD OffsetHigh;
        };
        PVOID Pointer;
    };
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

/* What an OVERLAPPED's Internal holds while its operation is pending. */
#ifndef STATUS_PENDING
#define STATUS_PENDING ((DWORD)0x00000103L)
#endif
/* An acquire load: the engine thread writes Internal last, as the kernel
 * does on Windows, and a program polls it while the operation runs. */
#define HasOverlappedIoCompleted(lpOverlapped)                                 \
    ((DWORD)__atomic_load_n(&(lpOverlapped)->Internal, __ATOMIC_ACQUIRE) !=   \
     STATUS_PENDING)

typedef DWORD(WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;

/* ---- Helper macros ------------------------------------------------------- */

#undef TEXT
#define TEXT(quote) __TEXT(quote) /* TCHAR strings: wide with UNICODE */
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define ARRAYSIZE(A) (sizeof(A) / sizeof((A)[0]))
#ifndef _countof
#define _countof(A) (sizeof(A) / sizeof((A)[0]))
#endif
#define DBG_UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))

#define ZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define FillMemory(Destination, Length, Fill)                                  \
    memset((Destination), (Fill), (Length))
#define CopyMemory(Destination, Source, Length)                                \
    memcpy((Destination), (Source), (Length))
#define MoveMemory(Destination, Source, Length)                                \
    memmove((Destination), (Source), (Length))
/* Zeroes memory even when the compiler sees no later read of it. */
static inline PVOID SecureZeroMemory(PVOID ptr, SIZE_T cnt)
{
    volatile char *p = (volatile char *)ptr;
    while (cnt--)
        *p++ = 0;
    return ptr;
}

#define MAKEWORD(a, b)                                                         \
    ((WORD)(((BYTE)((DWORD_PTR)(a) & 0xff)) |                                  \
            ((WORD)((BYTE)((DWORD_PTR)(b) & 0xff))) << 8))
#define MAKELONG(a, b)                                                         \
    ((LONG)(((WORD)((DWORD_PTR)(a) & 0xffff)) |                                \
            ((DWORD)((WORD)((DWORD_PTR)(b) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l) ((WORD)((DWORD_PTR)(l) >> 16))
#define LOBYTE(w) ((BYTE)((DWORD_PTR)(w) & 0xff))
#define HIBYTE(w) ((BYTE)((DWORD_PTR)(w) >> 8))

/* ---- Limits, special values -------------------------------------------- */

#define MAX_PATH 260
#define INFINITE 0xFFFFFFFFu
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define INVALID_FILE_SIZE ((DWORD)0xFFFFFFFF)
#define INVALID_SET_FILE_POINTER ((DWORD)-1)
#define MAXIMUM_WAIT_OBJECTS 64
#define STILL_ACTIVE 259

/* ---- Access rights ------------------------------------------------------ */

#define DELETE 0x00010000u
#define READ_CONTROL 0x00020000u
#define WRITE_DAC 0x00040000u
#define WRITE_OWNER 0x00080000u
#define SYNCHRONIZE 0x00100000u
#define STANDARD_RIGHTS_REQUIRED 0x000F0000u
#define STANDARD_RIGHTS_READ READ_CONTROL
#define STANDARD_RIGHTS_WRITE READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE READ_CONTROL
#define STANDARD_RIGHTS_ALL 0x001F0000u
#define SPECIFIC_RIGHTS_ALL 0x0000FFFFu
#define MAXIMUM_ALLOWED 0x02000000u
#define ACCESS_SYSTEM_SECURITY 0x01000000u
#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define GENERIC_EXECUTE 0x20000000u
#define GENERIC_ALL 0x10000000u

#define FILE_READ_DATA 0x0001u
#define FILE_LIST_DIRECTORY 0x0001u
#define FILE_WRITE_DATA 0x0002u
#define FILE_ADD_FILE 0x0002u
#define FILE_APPEND_DATA 0x0004u
#define FILE_ADD_SUBDIRECTORY 0x0004u
#define FILE_CREATE_PIPE_INSTANCE 0x0004u
#define FILE_READ_EA 0x0008u
#define FILE_WRITE_EA 0x0010u
#define FILE_EXECUTE 0x0020u
#define FILE_TRAVERSE 0x0020u
#define FILE_DELETE_CHILD 0x0040u
#define FILE_READ_ATTRIBUTES 0x0080u
#define FILE_WRITE_ATTRIBUTES 0x0100u
#define FILE_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FFu)
#define FILE_GENERIC_READ                                                      \
    (STANDARD_RIGHTS_READ | FILE_READ_DATA | FILE_READ_ATTRIBUTES |            \
     FILE_READ_EA | SYNCHRONIZE)
#define FILE_GENERIC_WRITE                                                     \
    (STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES |         \
     FILE_WRITE_EA | FILE_APPEND_DATA | SYNCHRONIZE)
#define FILE_GENERIC_EXECUTE                                                   \
    (STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | FILE_EXECUTE |           \
     SYNCHRONIZE)

#define EVENT_QUERY_STATE 0x0001u
#define EVENT_MODIFY_STATE 0x0002u
#define EVENT_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define MUTANT_QUERY_STATE 0x0001u
#define MUTANT_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1u)
#define MUTEX_MODIFY_STATE MUTANT_QUERY_STATE
#define MUTEX_ALL_ACCESS MUTANT_ALL_ACCESS
#define SEMAPHORE_MODIFY_STATE 0x0002u
#define SEMAPHORE_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define TIMER_QUERY_STATE 0x0001u
#define TIMER_MODIFY_STATE 0x0002u
#define TIMER_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define CREATE_EVENT_MANUAL_RESET 0x00000001u
#define CREATE_EVENT_INITIAL_SET 0x00000002u
#define CREATE_MUTEX_INITIAL_OWNER 0x00000001u
#define CREATE_WAITABLE_TIMER_MANUAL_RESET 0x00000001u
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002u

/* File mappings: page protections, section flags, section rights and the
 * FILE_MAP_* access of views. */
#ifndef PAGE_NOACCESS
#define PAGE_NOACCESS 0x01u
#define PAGE_READONLY 0x02u
#define PAGE_READWRITE 0x04u
#define PAGE_WRITECOPY 0x08u
#define PAGE_EXECUTE 0x10u
#define PAGE_EXECUTE_READ 0x20u
#define PAGE_EXECUTE_READWRITE 0x40u
#define PAGE_EXECUTE_WRITECOPY 0x80u
#endif
#define SEC_IMAGE 0x01000000u
#define SEC_RESERVE 0x04000000u
#define SEC_COMMIT 0x08000000u
#define SEC_NOCACHE 0x10000000u
#define SEC_WRITECOMBINE 0x40000000u
#define SEC_LARGE_PAGES 0x80000000u
#define SECTION_QUERY 0x0001u
#define SECTION_MAP_WRITE 0x0002u
#define SECTION_MAP_READ 0x0004u
#define SECTION_MAP_EXECUTE 0x0008u
#define SECTION_EXTEND_SIZE 0x0010u
#define SECTION_ALL_ACCESS                                                     \
    (STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_WRITE |            \
     SECTION_MAP_READ | SECTION_MAP_EXECUTE | SECTION_EXTEND_SIZE)
#define FILE_MAP_COPY SECTION_QUERY
#define FILE_MAP_WRITE SECTION_MAP_WRITE
#define FILE_MAP_READ SECTION_MAP_READ
#define FILE_MAP_ALL_ACCESS SECTION_ALL_ACCESS
#define FILE_MAP_EXECUTE 0x0020u

#define PROCESS_TERMINATE 0x0001u
#define PROCESS_CREATE_THREAD 0x0002u
#define PROCESS_VM_OPERATION 0x0008u
#define PROCESS_VM_READ 0x0010u
#define PROCESS_VM_WRITE 0x0020u
#define PROCESS_DUP_HANDLE 0x0040u
#define PROCESS_CREATE_PROCESS 0x0080u
#define PROCESS_SET_QUOTA 0x0100u
#define PROCESS_SET_INFORMATION 0x0200u
#define PROCESS_QUERY_INFORMATION 0x0400u
#define PROCESS_SUSPEND_RESUME 0x0800u
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000u
#define PROCESS_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFFu)

#define THREAD_TERMINATE 0x0001u
#define THREAD_SUSPEND_RESUME 0x0002u
#define THREAD_GET_CONTEXT 0x0008u
#define THREAD_SET_CONTEXT 0x0010u
#define THREAD_SET_INFORMATION 0x0020u
#define THREAD_QUERY_INFORMATION 0x0040u
#define THREAD_QUERY_LIMITED_INFORMATION 0x0800u
#define THREAD_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFFu)

/* ---- Files --------------------------------------------------------------- */

#define FILE_SHARE_READ 0x00000001u
#define FILE_SHARE_WRITE 0x00000002u
#define FILE_SHARE_DELETE 0x00000004u

#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define TRUNCATE_EXISTING 5

#define FILE_ATTRIBUTE_READONLY 0x00000001u
#define FILE_ATTRIBUTE_HIDDEN 0x00000002u
#define FILE_ATTRIBUTE_SYSTEM 0x00000004u
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010u
#define FILE_ATTRIBUTE_ARCHIVE 0x00000020u
#define FILE_ATTRIBUTE_NORMAL 0x00000080u
#define FILE_ATTRIBUTE_TEMPORARY 0x00000100u
#define FILE_FLAG_WRITE_THROUGH 0x80000000u
#define FILE_FLAG_OVERLAPPED 0x40000000u
#define FILE_FLAG_NO_BUFFERING 0x20000000u
#define FILE_FLAG_RANDOM_ACCESS 0x10000000u
#define FILE_FLAG_SEQUENTIAL_SCAN 0x08000000u
#define FILE_FLAG_DELETE_ON_CLOSE 0x04000000u
#define FILE_FLAG_BACKUP_SEMANTICS 0x02000000u
#define FILE_FLAG_POSIX_SEMANTICS 0x01000000u
#define FILE_FLAG_OPEN_REPARSE_POINT 0x00200000u
#define FILE_FLAG_FIRST_PIPE_INSTANCE 0x00080000u

#define FILE_BEGIN 0
#define FILE_CURRENT 1
#define FILE_END 2

#define FILE_TYPE_UNKNOWN 0x0000u
#define FILE_TYPE_DISK 0x0001u
#define FILE_TYPE_CHAR 0x0002u
#define FILE_TYPE_PIPE 0x0003u
#define FILE_TYPE_REMOTE 0x8000u

#define STD_INPUT_HANDLE ((DWORD)-10)
#define STD_OUTPUT_HANDLE ((DWORD)-11)
#define STD_ERROR_HANDLE ((DWORD)-12)

/* ---- Handles -------------------------------------------------------------- */

#define HANDLE_FLAG_INHERIT 0x00000001u
#define HANDLE_FLAG_PROTECT_FROM_CLOSE 0x00000002u

#define DUPLICATE_CLOSE_SOURCE 0x00000001u
#define DUPLICATE_SAME_ACCESS 0x00000002u
#define DUPLICATE_SAME_ATTRIBUTES 0x00000004u

/* ---- Waits ---------------------------------------------------------------- */

#define WAIT_OBJECT_0 0x00000000u
#define WAIT_ABANDONED 0x00000080u
#define WAIT_ABANDONED_0 0x00000080u
#define WAIT_IO_COMPLETION 0x000000C0u
#define WAIT_TIMEOUT 258u
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

/* ---- Threads -------------------------------------------------------------- */

#define CREATE_SUSPENDED 0x00000004u
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000u

/* ---- Named pipes ---------------------------------------------------------- */

#define PIPE_ACCESS_INBOUND 0x00000001u
#define PIPE_ACCESS_OUTBOUND 0x00000002u
#define PIPE_ACCESS_DUPLEX 0x00000003u

#define PIPE_CLIENT_END 0x00000000u
#define PIPE_SERVER_END 0x00000001u

#define PIPE_WAIT 0x00000000u
#define PIPE_NOWAIT 0x00000001u
#define PIPE_READMODE_BYTE 0x00000000u
#define PIPE_READMODE_MESSAGE 0x00000002u
#define PIPE_TYPE_BYTE 0x00000000u
#define PIPE_TYPE_MESSAGE 0x00000004u
#define PIPE_ACCEPT_REMOTE_CLIENTS 0x00000000u
#define PIPE_REJECT_REMOTE_CLIENTS 0x00000008u

#define PIPE_UNLIMITED_INSTANCES 255

#define NMPWAIT_WAIT_FOREVER 0xFFFFFFFFu
#define NMPWAIT_NOWAIT 0x00000001u
#define NMPWAIT_USE_DEFAULT_WAIT 0x00000000u

/* ---- Mailslots -------------------------------------------------------------- */

#define MAILSLOT_NO_MESSAGE ((DWORD)-1)
#define MAILSLOT_WAIT_FOREVER ((DWORD)-1)

/* ---- Security descriptors (enough for the "NULL DACL" idiom) ------------- */

typedef PVOID PSID;
typedef struct _ACL {
    BYTE AclRevision;
    BYTE Sbz1;
    WORD AclSize;
    WORD AceCount;
    WORD Sbz2;
} ACL, *PACL;
typedef WORD SECURITY_DESCRIPTOR_CONTROL;
typedef struct _SECURITY_DESCRIPTOR {
    BYTE Revision;
    BYTE Sbz1;
    SECURITY_DESCRIPTOR_CONTROL Control;
    PSID Owner;
    PSID Group;
    PACL Sacl;
    PACL Dacl;
} SECURITY_DESCRIPTOR, *PSECURITY_DESCRIPTOR;
#define SECURITY_DESCRIPTOR_REVISION 1
#define SECURITY_DESCRIPTOR_MIN_LENGTH sizeof(SECURITY_DESCRIPTOR)
#define SE_DACL_PRESENT 0x0004u
#define SE_DACL_DEFAULTED 0x0008u

/* ---- Processes ------------------------------------------------------------ */

#define DEBUG_PROCESS 0x00000001u
#define DEBUG_ONLY_THIS_PROCESS 0x00000002u
#define DETACHED_PROCESS 0x00000008u
#define CREATE_NEW_CONSOLE 0x00000010u
#define NORMAL_PRIORITY_CLASS 0x00000020u
#define IDLE_PRIORITY_CLASS 0x00000040u
#define HIGH_PRIORITY_CLASS 0x00000080u
#define REALTIME_PRIORITY_CLASS 0x00000100u
#define CREATE_NEW_PROCESS_GROUP 0x00000200u
#define CREATE_UNICODE_ENVIRONMENT 0x00000400u
#define CREATE_SEPARATE_WOW_VDM 0x00000800u
#define CREATE_DEFAULT_ERROR_MODE 0x04000000u
#define CREATE_NO_WINDOW 0x08000000u
#define BELOW_NORMAL_PRIORITY_CLASS 0x00004000u
#define ABOVE_NORMAL_PRIORITY_CLASS 0x00008000u
#define CREATE_BREAKAWAY_FROM_JOB 0x01000000u
#define EXTENDED_STARTUPINFO_PRESENT 0x00080000u

#define STARTF_USESHOWWINDOW 0x00000001u
#define STARTF_USESIZE 0x00000002u
#define STARTF_USEPOSITION 0x00000004u
#define STARTF_USECOUNTCHARS 0x00000008u
#define STARTF_USEFILLATTRIBUTE 0x00000010u
#define STARTF_FORCEONFEEDBACK 0x00000040u
#define STARTF_FORCEOFFFEEDBACK 0x00000080u
#define STARTF_USESTDHANDLES 0x00000100u

typedef struct _STARTUPINFOA {
    DWORD cb;
    LPSTR lpReserved;
    LPSTR lpDesktop;
    LPSTR lpTitle;
    DWORD dwX;
    DWORD dwY;
    DWORD dwXSize;
    DWORD dwYSize;
    DWORD dwXCountChars;
    DWORD dwYCountChars;
    DWORD dwFillAttribute;
    DWORD dwFlags;
    WORD wShowWindow;
    WORD cbReserved2;
    LPBYTE lpReserved2;
    HANDLE hStdInput;
    HANDLE hStdOutput;
    HANDLE hStdError;
} STARTUPINFOA, *LPSTARTUPINFOA;
typedef struct _STARTUPINFOW {
    DWORD cb;
    LPWSTR lpReserved;
    LPWSTR lpDesktop;
    LPWSTR lpTitle;
    DWORD dwX;
    DWORD dwY;
    DWORD dwXSize;
    DWORD dwYSize;
    DWORD dwXCountChars;
    DWORD dwYCountChars;
    DWORD dwFillAttribute;
    DWORD dwFlags;
    WORD wShowWindow;
    WORD cbReserved2;
    LPBYTE lpReserved2;
    HANDLE hStdInput;
    HANDLE hStdOutput;
    HANDLE hStdError;
} STARTUPINFOW, *LPSTARTUPINFOW;
#ifdef UNICODE
typedef STARTUPINFOW STARTUPINFO, *LPSTARTUPINFO;
#else
typedef STARTUPINFOA STARTUPINFO, *LPSTARTUPINFO;
#endif

typedef struct _PROCESS_INFORMATION {
    HANDLE hProcess;
    HANDLE hThread;
    DWORD dwProcessId;
    DWORD dwThreadId;
} PROCESS_INFORMATION, *PPROCESS_INFORMATION, *LPPROCESS_INFORMATION;

typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

/* CreateProcess with EXTENDED_STARTUPINFO_PRESENT: the list of attributes
 * (InitializeProcThreadAttributeList) after the STARTUPINFO. */
typedef struct _PROC_THREAD_ATTRIBUTE_LIST *PPROC_THREAD_ATTRIBUTE_LIST,
    *LPPROC_THREAD_ATTRIBUTE_LIST;
typedef struct _STARTUPINFOEXA {
    STARTUPINFOA StartupInfo;
    LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList;
} STARTUPINFOEXA, *LPSTARTUPINFOEXA;
typedef struct _STARTUPINFOEXW {
    STARTUPINFOW StartupInfo;
    LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList;
} STARTUPINFOEXW, *LPSTARTUPINFOEXW;
#ifdef UNICODE
typedef STARTUPINFOEXW STARTUPINFOEX, *LPSTARTUPINFOEX;
#else
typedef STARTUPINFOEXA STARTUPINFOEX, *LPSTARTUPINFOEX;
#endif

/* An attribute's value: its number (low 16 bits; the list keeps a bit per
 * number), whether it is a thread's, whether the caller gives it, whether
 * it adds to an earlier value. */
#define PROC_THREAD_ATTRIBUTE_NUMBER 0x0000FFFF
#define PROC_THREAD_ATTRIBUTE_THREAD 0x00010000
#define PROC_THREAD_ATTRIBUTE_INPUT 0x00020000
#define PROC_THREAD_ATTRIBUTE_ADDITIVE 0x00040000
typedef enum _PROC_THREAD_ATTRIBUTE_NUM {
    ProcThreadAttributeParentProcess = 0,
    ProcThreadAttributeHandleList = 2,
    ProcThreadAttributeIdealProcessor = 5,
    ProcThreadAttributePseudoConsole = 22
} PROC_THREAD_ATTRIBUTE_NUM;
#define ProcThreadAttributeValue(Number, Thread, Input, Additive)              \
    (((Number) & PROC_THREAD_ATTRIBUTE_NUMBER) |                               \
     ((Thread) ? PROC_THREAD_ATTRIBUTE_THREAD : 0) |                           \
     ((Input) ? PROC_THREAD_ATTRIBUTE_INPUT : 0) |                             \
     ((Additive) ? PROC_THREAD_ATTRIBUTE_ADDITIVE : 0))
#define PROC_THREAD_ATTRIBUTE_PARENT_PROCESS ((DWORD_PTR)0x00020000)
#define PROC_THREAD_ATTRIBUTE_HANDLE_LIST ((DWORD_PTR)0x00020002)
#define PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR ((DWORD_PTR)0x00030005)
#define PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE ((DWORD_PTR)0x00020016)

/* PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR's value. */
typedef struct _PROCESSOR_NUMBER {
    WORD Group;
    BYTE Number;
    BYTE Reserved;
} PROCESSOR_NUMBER, *PPROCESSOR_NUMBER;
/* A pseudoconsole (PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE's value); winipc
 * creates none. */
typedef VOID *HPCON;

#define PROCESS_NAME_NATIVE 0x00000001u

/* ---- Job objects ----------------------------------------------------------- */

#define JOB_OBJECT_ASSIGN_PROCESS 0x0001u
#define JOB_OBJECT_SET_ATTRIBUTES 0x0002u
#define JOB_OBJECT_QUERY 0x0004u
#define JOB_OBJECT_TERMINATE 0x0008u
#define JOB_OBJECT_SET_SECURITY_ATTRIBUTES 0x0010u
#define JOB_OBJECT_ALL_ACCESS 0x1F001Fu

#define JOB_OBJECT_LIMIT_WORKINGSET 0x00000001u
#define JOB_OBJECT_LIMIT_PROCESS_TIME 0x00000002u
#define JOB_OBJECT_LIMIT_JOB_TIME 0x00000004u
#define JOB_OBJECT_LIMIT_ACTIVE_PROCESS 0x00000008u
#define JOB_OBJECT_LIMIT_AFFINITY 0x00000010u
#define JOB_OBJECT_LIMIT_PRIORITY_CLASS 0x00000020u
#define JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME 0x00000040u
#define JOB_OBJECT_LIMIT_SCHEDULING_CLASS 0x00000080u
#define JOB_OBJECT_LIMIT_PROCESS_MEMORY 0x00000100u
#define JOB_OBJECT_LIMIT_JOB_MEMORY 0x00000200u
#define JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION 0x00000400u
#define JOB_OBJECT_LIMIT_BREAKAWAY_OK 0x00000800u
#define JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK 0x00001000u
#define JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE 0x00002000u

#define JOB_OBJECT_MSG_END_OF_JOB_TIME 1
#define JOB_OBJECT_MSG_END_OF_PROCESS_TIME 2
#define JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT 3
#define JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO 4
#define JOB_OBJECT_MSG_NEW_PROCESS 6
#define JOB_OBJECT_MSG_EXIT_PROCESS 7
#define JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS 8

typedef enum _JOBOBJECTINFOCLASS {
    JobObjectBasicAccountingInformation = 1,
    JobObjectBasicLimitInformation = 2,
    JobObjectBasicProcessIdList = 3,
    JobObjectAssociateCompletionPortInformation = 7,
    JobObjectExtendedLimitInformation = 9
} JOBOBJECTINFOCLASS;

typedef struct _JOBOBJECT_BASIC_ACCOUNTING_INFORMATION {
    LARGE_INTEGER TotalUserTime;
    LARGE_INTEGER TotalKernelTime;
    LARGE_INTEGER ThisPeriodTotalUserTime;
    LARGE_INTEGER ThisPeriodTotalKernelTime;
    DWORD TotalPageFaultCount;
    DWORD TotalProcesses;
    DWORD ActiveProcesses;
    DWORD TotalTerminatedProcesses;
} JOBOBJECT_BASIC_ACCOUNTING_INFORMATION,
    *PJOBOBJECT_BASIC_ACCOUNTING_INFORMATION;

typedef struct _JOBOBJECT_BASIC_LIMIT_INFORMATION {
    LARGE_INTEGER PerProcessUserTimeLimit;
    LARGE_INTEGER PerJobUserTimeLimit;
    DWORD LimitFlags;
    SIZE_T MinimumWorkingSetSize;
    SIZE_T MaximumWorkingSetSize;
    DWORD ActiveProcessLimit;
    ULONG_PTR Affinity;
    DWORD PriorityClass;
    DWORD SchedulingClass;
} JOBOBJECT_BASIC_LIMIT_INFORMATION, *PJOBOBJECT_BASIC_LIMIT_INFORMATION;

typedef struct _IO_COUNTERS {
    ULONGLONG ReadOperationCount;
    ULONGLONG WriteOperationCount;
    ULONGLONG OtherOperationCount;
    ULONGLONG ReadTransferCount;
    ULONGLONG WriteTransferCount;
    ULONGLONG OtherTransferCount;
} IO_COUNTERS, *PIO_COUNTERS;

typedef struct _JOBOBJECT_EXTENDED_LIMIT_INFORMATION {
    JOBOBJECT_BASIC_LIMIT_INFORMATION BasicLimitInformation;
    IO_COUNTERS IoInfo;
    SIZE_T ProcessMemoryLimit;
    SIZE_T JobMemoryLimit;
    SIZE_T PeakProcessMemoryUsed;
    SIZE_T PeakJobMemoryUsed;
} JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
    *PJOBOBJECT_EXTENDED_LIMIT_INFORMATION;

typedef struct _JOBOBJECT_BASIC_PROCESS_ID_LIST {
    DWORD NumberOfAssignedProcesses;
    DWORD NumberOfProcessIdsInList;
    ULONG_PTR ProcessIdList[1];
} JOBOBJECT_BASIC_PROCESS_ID_LIST, *PJOBOBJECT_BASIC_PROCESS_ID_LIST;

typedef struct _JOBOBJECT_ASSOCIATE_COMPLETION_PORT {
    PVOID CompletionKey;
    HANDLE CompletionPort;
} JOBOBJECT_ASSOCIATE_COMPLETION_PORT, *PJOBOBJECT_ASSOCIATE_COMPLETION_PORT;

typedef enum _COMPUTER_NAME_FORMAT {
    ComputerNameNetBIOS,
    ComputerNameDnsHostname,
    ComputerNameDnsDomain,
    ComputerNameDnsFullyQualified,
    ComputerNamePhysicalNetBIOS,
    ComputerNamePhysicalDnsHostname,
    ComputerNamePhysicalDnsDomain,
    ComputerNamePhysicalDnsFullyQualified,
    ComputerNameMax
} COMPUTER_NAME_FORMAT;

/* ---- Error messages ------------------------------------------------------- */

#define FORMAT_MESSAGE_ALLOCATE_BUFFER 0x00000100u
#define FORMAT_MESSAGE_IGNORE_INSERTS 0x00000200u
#define FORMAT_MESSAGE_FROM_STRING 0x00000400u
#define FORMAT_MESSAGE_FROM_HMODULE 0x00000800u
#define FORMAT_MESSAGE_FROM_SYSTEM 0x00001000u
#define FORMAT_MESSAGE_ARGUMENT_ARRAY 0x00002000u
#define FORMAT_MESSAGE_MAX_WIDTH_MASK 0x000000FFu

#define LANG_NEUTRAL 0x00
#define LANG_ENGLISH 0x09
#define SUBLANG_NEUTRAL 0x00
#define SUBLANG_DEFAULT 0x01
#define SUBLANG_ENGLISH_US 0x01
#define MAKELANGID(p, s) ((((WORD)(s)) << 10) | (WORD)(p))

/* ---- Memory: the process heap, and Local and Global memory (fixed only:
 * no LMEM_MOVEABLE/GMEM_MOVEABLE, whose handles need LocalLock) ---------- */

#define LMEM_FIXED 0x0000u
#define LMEM_ZEROINIT 0x0040u
#define LPTR (LMEM_FIXED | LMEM_ZEROINIT)
#define GMEM_FIXED 0x0000u
#define GMEM_ZEROINIT 0x0040u
#define GPTR (GMEM_FIXED | GMEM_ZEROINIT)

#define HEAP_NO_SERIALIZE 0x00000001u
#define HEAP_GENERATE_EXCEPTIONS 0x00000004u
#define HEAP_ZERO_MEMORY 0x00000008u
#define HEAP_REALLOC_IN_PLACE_ONLY 0x00000010u

/* ---- System information ---------------------------------------------------- */

#define PROCESSOR_ARCHITECTURE_INTEL 0
#define PROCESSOR_ARCHITECTURE_ARM 5
#define PROCESSOR_ARCHITECTURE_AMD64 9
#define PROCESSOR_ARCHITECTURE_ARM64 12
#define PROCESSOR_ARCHITECTURE_UNKNOWN 0xffff
#define PROCESSOR_INTEL_PENTIUM 586
#define PROCESSOR_AMD_X8664 8664

typedef struct _SYSTEM_INFO {
    union {
        DWORD dwOemId;
        struct {
            WORD wProcessorArchitecture;
            WORD wReserved;
        };
    };
    DWORD dwPageSize;
    LPVOID lpMinimumApplicationAddress;
    LPVOID lpMaximumApplicationAddress;
    DWORD_PTR dwActiveProcessorMask;
    DWORD dwNumberOfProcessors;
    DWORD dwProcessorType;
    DWORD dwAllocationGranularity;
    WORD wProcessorLevel;
    WORD wProcessorRevision;
} SYSTEM_INFO, *LPSYSTEM_INFO;

#define MAX_COMPUTERNAME_LENGTH 15
#define UNLEN 256

/* ---- Message boxes (a console message: see MessageBoxA) -------------------- */

#define MB_OK 0x00000000u
#define MB_OKCANCEL 0x00000001u
#define MB_ABORTRETRYIGNORE 0x00000002u
#define MB_YESNOCANCEL 0x00000003u
#define MB_YESNO 0x00000004u
#define MB_RETRYCANCEL 0x00000005u
#define MB_CANCELTRYCONTINUE 0x00000006u
#define MB_ICONHAND 0x00000010u
#define MB_ICONQUESTION 0x00000020u
#define MB_ICONEXCLAMATION 0x00000030u
#define MB_ICONASTERISK 0x00000040u
#define MB_ICONERROR MB_ICONHAND
#define MB_ICONSTOP MB_ICONHAND
#define MB_ICONWARNING MB_ICONEXCLAMATION
#define MB_ICONINFORMATION MB_ICONASTERISK
#define MB_DEFBUTTON1 0x00000000u
#define MB_DEFBUTTON2 0x00000100u
#define MB_DEFBUTTON3 0x00000200u
#define MB_DEFBUTTON4 0x00000300u
#define MB_APPLMODAL 0x00000000u
#define MB_SYSTEMMODAL 0x00001000u
#define MB_TASKMODAL 0x00002000u
#define MB_HELP 0x00004000u
#define MB_SETFOREGROUND 0x00010000u
#define MB_TOPMOST 0x00040000u
#define MB_TYPEMASK 0x0000000Fu
#define MB_ICONMASK 0x000000F0u
#define MB_DEFMASK 0x00000F00u

#define IDOK 1
#define IDCANCEL 2
#define IDABORT 3
#define IDRETRY 4
#define IDIGNORE 5
#define IDYES 6
#define IDNO 7
#define IDTRYAGAIN 10
#define IDCONTINUE 11

/* ---- Errors -------------------------------------------------------------- */

WINBASEAPI DWORD WINAPI GetLastError(void);
WINBASEAPI void WINAPI SetLastError(DWORD dwErrCode);
WINBASEAPI DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource,
                                       DWORD dwMessageId, DWORD dwLanguageId,
                                       LPSTR lpBuffer, DWORD nSize,
                                       va_list *Arguments);

/* ---- Memory ------------------------------------------------------------------ */

WINBASEAPI HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes);
WINBASEAPI HLOCAL WINAPI LocalFree(HLOCAL hMem);
WINBASEAPI SIZE_T WINAPI LocalSize(HLOCAL hMem);
WINBASEAPI HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes);
WINBASEAPI HGLOBAL WINAPI GlobalFree(HGLOBAL hMem);
WINBASEAPI SIZE_T WINAPI GlobalSize(HGLOBAL hMem);
WINBASEAPI HANDLE WINAPI GetProcessHeap(void);
WINBASEAPI LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags,
                                   SIZE_T dwBytes);
WINBASEAPI LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags,
                                     LPVOID lpMem, SIZE_T dwBytes);
WINBASEAPI BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem);
WINBASEAPI SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);

/* ---- Strings (lstrcmpA: Windows' word sort of ASCII; see string_api.c) ---- */

WINBASEAPI int WINAPI lstrlenA(LPCSTR lpString);
WINBASEAPI LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2);
WINBASEAPI LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2,
                                  int iMaxLength);
WINBASEAPI LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2);
WINBASEAPI int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2);
WINBASEAPI int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2);

/* ---- System information, modules, message boxes ----------------------------- */

WINBASEAPI DWORD WINAPI GetTickCount(void);
WINBASEAPI ULONGLONG WINAPI GetTickCount64(void);
WINBASEAPI void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);
WINBASEAPI BOOL WINAPI GetComputerNameA(LPSTR lpBuffer, LPDWORD nSize);
WINBASEAPI BOOL WINAPI GetUserNameA(LPSTR lpBuffer, LPDWORD pcbBuffer);
WINBASEAPI HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName);
WINBASEAPI FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName);
WINBASEAPI int WINAPI MessageBoxA(HWND hWnd, LPCSTR lpText, LPCSTR lpCaption,
                                  UINT uType);

/* ---- Handles and objects -------------------------------------------------- */

WINBASEAPI BOOL WINAPI CloseHandle(HANDLE hObject);
WINBASEAPI BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle,
                                       HANDLE hSourceHandle,
                                       HANDLE hTargetProcessHandle,
                                       LPHANDLE lpTargetHandle,
                                       DWORD dwDesiredAccess,
                                       BOOL bInheritHandle, DWORD dwOptions);
WINBASEAPI BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);
WINBASEAPI BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask,
                                            DWORD dwFlags);

/* ---- Files ---------------------------------------------------------------- */

WINBASEAPI HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
                                     DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                     DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes,
                                     HANDLE hTemplateFile);
WINBASEAPI BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer,
                                DWORD nNumberOfBytesToRead,
                                LPDWORD lpNumberOfBytesRead,
                                LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer,
                                 DWORD nNumberOfBytesToWrite,
                                 LPDWORD lpNumberOfBytesWritten,
                                 LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI FlushFileBuffers(HANDLE hFile);

/* ---- Overlapped I/O (handles opened with FILE_FLAG_OVERLAPPED) ----------- */

WINBASEAPI BOOL WINAPI GetOverlappedResult(HANDLE hFile,
                                           LPOVERLAPPED lpOverlapped,
                                           LPDWORD lpNumberOfBytesTransferred,
                                           BOOL bWait);
WINBASEAPI BOOL WINAPI GetOverlappedResultEx(HANDLE hFile,
                                             LPOVERLAPPED lpOverlapped,
                                             LPDWORD lpNumberOfBytesTransferred,
                                             DWORD dwMilliseconds,
                                             BOOL bAlertable);
WINBASEAPI BOOL WINAPI CancelIo(HANDLE hFile);
WINBASEAPI BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI CancelSynchronousIo(HANDLE hThread);

/* Completion routines run as APCs in the thread's alertable waits. */
typedef VOID(WINAPI *LPOVERLAPPED_COMPLETION_ROUTINE)(
    DWORD dwErrorCode, DWORD dwNumberOfBytesTransfered,
    LPOVERLAPPED lpOverlapped);
typedef VOID(WINAPI *PAPCFUNC)(ULONG_PTR Parameter);
WINBASEAPI BOOL WINAPI ReadFileEx(HANDLE hFile, LPVOID lpBuffer,
                                  DWORD nNumberOfBytesToRead,
                                  LPOVERLAPPED lpOverlapped,
                                  LPOVERLAPPED_COMPLETION_ROUTINE
                                      lpCompletionRoutine);
WINBASEAPI BOOL WINAPI WriteFileEx(HANDLE hFile, LPCVOID lpBuffer,
                                   DWORD nNumberOfBytesToWrite,
                                   LPOVERLAPPED lpOverlapped,
                                   LPOVERLAPPED_COMPLETION_ROUTINE
                                       lpCompletionRoutine);
/* I/O completion ports */
typedef struct _OVERLAPPED_ENTRY {
    ULONG_PTR lpCompletionKey;
    LPOVERLAPPED lpOverlapped;
    ULONG_PTR Internal;
    DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;
#define FILE_SKIP_COMPLETION_PORT_ON_SUCCESS 0x1
#define FILE_SKIP_SET_EVENT_ON_HANDLE 0x2
#define FILE_SKIP_SET_USER_EVENT_ON_FAST_IO 0x4
WINBASEAPI HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle,
                                                HANDLE ExistingCompletionPort,
                                                ULONG_PTR CompletionKey,
                                                DWORD NumberOfConcurrentThreads);
WINBASEAPI BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort,
                                                 LPDWORD lpNumberOfBytes,
                                                 PULONG_PTR lpCompletionKey,
                                                 LPOVERLAPPED *lpOverlapped,
                                                 DWORD dwMilliseconds);
WINBASEAPI BOOL WINAPI GetQueuedCompletionStatusEx(
    HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries,
    ULONG ulCount, PULONG ulNumEntriesRemoved, DWORD dwMilliseconds,
    BOOL fAlertable);
WINBASEAPI BOOL WINAPI PostQueuedCompletionStatus(
    HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
    ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI SetFileCompletionNotificationModes(HANDLE FileHandle,
                                                          UCHAR Flags);

WINBASEAPI DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread,
                                     ULONG_PTR dwData);
WINBASEAPI DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
WINBASEAPI DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle,
                                              DWORD dwMilliseconds,
                                              BOOL bAlertable);
WINBASEAPI DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount,
                                                 const HANDLE *lpHandles,
                                                 BOOL bWaitAll,
                                                 DWORD dwMilliseconds,
                                                 BOOL bAlertable);
WINBASEAPI DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh);
WINBASEAPI BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize);
WINBASEAPI DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove,
                                       PLONG lpDistanceToMoveHigh,
                                       DWORD dwMoveMethod);
WINBASEAPI BOOL WINAPI SetFilePointerEx(HANDLE hFile,
                                        LARGE_INTEGER liDistanceToMove,
                                        PLARGE_INTEGER lpNewFilePointer,
                                        DWORD dwMoveMethod);
WINBASEAPI BOOL WINAPI SetEndOfFile(HANDLE hFile);
WINBASEAPI BOOL WINAPI DeleteFileA(LPCSTR lpFileName);
WINBASEAPI BOOL WINAPI CopyFileA(LPCSTR lpExistingFileName,
                                 LPCSTR lpNewFileName, BOOL bFailIfExists);
WINBASEAPI BOOL WINAPI CreateDirectoryA(LPCSTR lpPathName,
                                        LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI RemoveDirectoryA(LPCSTR lpPathName);
WINBASEAPI DWORD WINAPI GetCurrentDirectoryA(DWORD nBufferLength,
                                            LPSTR lpBuffer);
WINBASEAPI BOOL WINAPI SetCurrentDirectoryA(LPCSTR lpPathName);
WINBASEAPI DWORD WINAPI GetFileType(HANDLE hFile);
WINBASEAPI HANDLE WINAPI GetStdHandle(DWORD nStdHandle);
WINBASEAPI BOOL WINAPI SetStdHandle(DWORD nStdHandle, HANDLE hHandle);

/* ---- Anonymous pipes ------------------------------------------------------ */

WINBASEAPI BOOL WINAPI CreatePipe(PHANDLE hReadPipe, PHANDLE hWritePipe,
                                  LPSECURITY_ATTRIBUTES lpPipeAttributes,
                                  DWORD nSize);
WINBASEAPI BOOL WINAPI PeekNamedPipe(HANDLE hNamedPipe, LPVOID lpBuffer,
                                     DWORD nBufferSize, LPDWORD lpBytesRead,
                                     LPDWORD lpTotalBytesAvail,
                                     LPDWORD lpBytesLeftThisMessage);

/* ---- Named pipes ---------------------------------------------------------- */

WINBASEAPI HANDLE WINAPI CreateNamedPipeA(
    LPCSTR lpName, DWORD dwOpenMode, DWORD dwPipeMode, DWORD nMaxInstances,
    DWORD nOutBufferSize, DWORD nInBufferSize, DWORD nDefaultTimeOut,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI ConnectNamedPipe(HANDLE hNamedPipe,
                                        LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI DisconnectNamedPipe(HANDLE hNamedPipe);
WINBASEAPI BOOL WINAPI WaitNamedPipeA(LPCSTR lpNamedPipeName, DWORD nTimeOut);
WINBASEAPI BOOL WINAPI SetNamedPipeHandleState(HANDLE hNamedPipe,
                                               LPDWORD lpMode,
                                               LPDWORD lpMaxCollectionCount,
                                               LPDWORD lpCollectDataTimeout);
WINBASEAPI BOOL WINAPI GetNamedPipeHandleStateA(
    HANDLE hNamedPipe, LPDWORD lpState, LPDWORD lpCurInstances,
    LPDWORD lpMaxCollectionCount, LPDWORD lpCollectDataTimeout,
    LPSTR lpUserName, DWORD nMaxUserNameSize);
WINBASEAPI BOOL WINAPI GetNamedPipeInfo(HANDLE hNamedPipe, LPDWORD lpFlags,
                                        LPDWORD lpOutBufferSize,
                                        LPDWORD lpInBufferSize,
                                        LPDWORD lpMaxInstances);
WINBASEAPI BOOL WINAPI TransactNamedPipe(HANDLE hNamedPipe, LPVOID lpInBuffer,
                                         DWORD nInBufferSize,
                                         LPVOID lpOutBuffer,
                                         DWORD nOutBufferSize,
                                         LPDWORD lpBytesRead,
                                         LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI CallNamedPipeA(LPCSTR lpNamedPipeName,
                                      LPVOID lpInBuffer, DWORD nInBufferSize,
                                      LPVOID lpOutBuffer, DWORD nOutBufferSize,
                                      LPDWORD lpBytesRead, DWORD nTimeOut);
WINBASEAPI BOOL WINAPI GetNamedPipeClientProcessId(HANDLE Pipe,
                                                   PULONG ClientProcessId);
WINBASEAPI BOOL WINAPI GetNamedPipeServerProcessId(HANDLE Pipe,
                                                   PULONG ServerProcessId);
WINBASEAPI BOOL WINAPI GetNamedPipeClientComputerNameA(
    HANDLE Pipe, LPSTR ClientComputerName, ULONG ClientComputerNameLength);
WINBASEAPI HANDLE WINAPI CreateMailslotA(
    LPCSTR lpName, DWORD nMaxMessageSize, DWORD lReadTimeout,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI GetMailslotInfo(HANDLE hMailslot,
                                       LPDWORD lpMaxMessageSize,
                                       LPDWORD lpNextSize,
                                       LPDWORD lpMessageCount,
                                       LPDWORD lpReadTimeout);
WINBASEAPI BOOL WINAPI SetMailslotInfo(HANDLE hMailslot, DWORD lReadTimeout);
WINBASEAPI BOOL WINAPI InitializeSecurityDescriptor(
    PSECURITY_DESCRIPTOR pSecurityDescriptor, DWORD dwRevision);
WINBASEAPI BOOL WINAPI SetSecurityDescriptorDacl(
    PSECURITY_DESCRIPTOR pSecurityDescriptor, BOOL bDaclPresent, PACL pDacl,
    BOOL bDaclDefaulted);

/* ---- Events and waits ----------------------------------------------------- */

WINBASEAPI HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState,
                                      LPCSTR lpName);
WINBASEAPI BOOL WINAPI SetEvent(HANDLE hEvent);
WINBASEAPI BOOL WINAPI ResetEvent(HANDLE hEvent);
WINBASEAPI BOOL WINAPI PulseEvent(HANDLE hEvent);
WINBASEAPI HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess,
                                    BOOL bInheritHandle, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                        LPCSTR lpName, DWORD dwFlags,
                                        DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                        LPCSTR lpName, DWORD dwFlags,
                                        DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateSemaphoreExA(
    LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
    LONG lMaximumCount, LPCSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess);
WINBASEAPI DWORD WINAPI SignalObjectAndWait(HANDLE hObjectToSignal,
                                            HANDLE hObjectToWaitOn,
                                            DWORD dwMilliseconds,
                                            BOOL bAlertable);
WINBASEAPI HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                      BOOL bInitialOwner, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess,
                                    BOOL bInheritHandle, LPCSTR lpName);
WINBASEAPI BOOL WINAPI ReleaseMutex(HANDLE hMutex);
WINBASEAPI HANDLE WINAPI CreateSemaphoreA(
    LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
    LONG lMaximumCount, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess,
                                        BOOL bInheritHandle, LPCSTR lpName);
WINBASEAPI BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
                                        LPLONG lpPreviousCount);
typedef VOID(CALLBACK *PTIMERAPCROUTINE)(LPVOID lpArgToCompletionRoutine,
                                        DWORD dwTimerLowValue,
                                        DWORD dwTimerHighValue);
WINBASEAPI HANDLE WINAPI CreateWaitableTimerA(
    LPSECURITY_ATTRIBUTES lpTimerAttributes, BOOL bManualReset,
    LPCSTR lpTimerName);
WINBASEAPI HANDLE WINAPI OpenWaitableTimerA(DWORD dwDesiredAccess,
                                            BOOL bInheritHandle,
                                            LPCSTR lpTimerName);
WINBASEAPI BOOL WINAPI SetWaitableTimer(HANDLE hTimer,
                                        const LARGE_INTEGER *lpDueTime,
                                        LONG lPeriod,
                                        PTIMERAPCROUTINE pfnCompletionRoutine,
                                        LPVOID lpArgToCompletionRoutine,
                                        BOOL fResume);
WINBASEAPI BOOL WINAPI CancelWaitableTimer(HANDLE hTimer);
WINBASEAPI HANDLE WINAPI CreateWaitableTimerExA(
    LPSECURITY_ATTRIBUTES lpTimerAttributes, LPCSTR lpTimerName,
    DWORD dwFlags, DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateFileMappingA(
    HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
    DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
    LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess,
                                          BOOL bInheritHandle, LPCSTR lpName);
WINBASEAPI LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject,
                                       DWORD dwDesiredAccess,
                                       DWORD dwFileOffsetHigh,
                                       DWORD dwFileOffsetLow,
                                       SIZE_T dwNumberOfBytesToMap);
WINBASEAPI LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject,
                                         DWORD dwDesiredAccess,
                                         DWORD dwFileOffsetHigh,
                                         DWORD dwFileOffsetLow,
                                         SIZE_T dwNumberOfBytesToMap,
                                         LPVOID lpBaseAddress);
WINBASEAPI BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress);
WINBASEAPI BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress,
                                       SIZE_T dwNumberOfBytesToFlush);
WINBASEAPI DWORD WINAPI WaitForSingleObject(HANDLE hHandle,
                                            DWORD dwMilliseconds);
WINBASEAPI DWORD WINAPI WaitForMultipleObjects(DWORD nCount,
                                               const HANDLE *lpHandles,
                                               BOOL bWaitAll,
                                               DWORD dwMilliseconds);

/* ---- Threads and processes ------------------------------------------------ */

WINBASEAPI HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes,
                                      SIZE_T dwStackSize,
                                      LPTHREAD_START_ROUTINE lpStartAddress,
                                      LPVOID lpParameter,
                                      DWORD dwCreationFlags,
                                      LPDWORD lpThreadId);
WINBASEAPI void WINAPI ExitThread(DWORD dwExitCode)
    __attribute__((noreturn));
WINBASEAPI BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
WINBASEAPI DWORD WINAPI ResumeThread(HANDLE hThread);
WINBASEAPI HANDLE WINAPI GetCurrentThread(void);
WINBASEAPI DWORD WINAPI GetCurrentThreadId(void);
WINBASEAPI DWORD WINAPI GetThreadId(HANDLE Thread);
WINBASEAPI HANDLE WINAPI GetCurrentProcess(void);
WINBASEAPI DWORD WINAPI GetCurrentProcessId(void);
WINBASEAPI DWORD WINAPI GetProcessId(HANDLE Process);
WINBASEAPI void WINAPI Sleep(DWORD dwMilliseconds);

WINBASEAPI BOOL WINAPI CreateProcessA(
    LPCSTR lpApplicationName, LPSTR lpCommandLine,
    LPSECURITY_ATTRIBUTES lpProcessAttributes,
    LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles,
    DWORD dwCreationFlags, LPVOID lpEnvironment, LPCSTR lpCurrentDirectory,
    LPSTARTUPINFOA lpStartupInfo, LPPROCESS_INFORMATION lpProcessInformation);
WINBASEAPI void WINAPI GetStartupInfoA(LPSTARTUPINFOA lpStartupInfo);

/* ---- Process queries (issue 18) ------------------------------------------ */

WINBASEAPI LPSTR WINAPI GetCommandLineA(void);
WINBASEAPI DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename,
                                           DWORD nSize);
WINBASEAPI BOOL WINAPI QueryFullProcessImageNameA(HANDLE hProcess,
                                                  DWORD dwFlags,
                                                  LPSTR lpExeName,
                                                  PDWORD lpdwSize);
WINBASEAPI DWORD WINAPI GetProcessImageFileNameA(HANDLE hProcess,
                                                 LPSTR lpImageFileName,
                                                 DWORD nSize);
WINBASEAPI DWORD WINAPI K32GetProcessImageFileNameA(HANDLE hProcess,
                                                    LPSTR lpImageFileName,
                                                    DWORD nSize);
WINBASEAPI BOOL WINAPI GetComputerNameExA(COMPUTER_NAME_FORMAT NameType,
                                          LPSTR lpBuffer, LPDWORD nSize);
WINBASEAPI BOOL WINAPI IsWow64Process(HANDLE hProcess, PBOOL Wow64Process);
WINBASEAPI BOOL WINAPI GetProcessTimes(HANDLE hProcess,
                                       LPFILETIME lpCreationTime,
                                       LPFILETIME lpExitTime,
                                       LPFILETIME lpKernelTime,
                                       LPFILETIME lpUserTime);
WINBASEAPI DWORD WINAPI GetPriorityClass(HANDLE hProcess);
WINBASEAPI BOOL WINAPI SetPriorityClass(HANDLE hProcess,
                                        DWORD dwPriorityClass);
WINBASEAPI BOOL WINAPI InitializeProcThreadAttributeList(
    LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList, DWORD dwAttributeCount,
    DWORD dwFlags, PSIZE_T lpSize);
WINBASEAPI BOOL WINAPI UpdateProcThreadAttribute(
    LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList, DWORD dwFlags,
    DWORD_PTR Attribute, PVOID lpValue, SIZE_T cbSize, PVOID lpPreviousValue,
    PSIZE_T lpReturnSize);
WINBASEAPI void WINAPI DeleteProcThreadAttributeList(
    LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList);

/* ---- Job objects (issue 18) ------------------------------------------------ */

WINBASEAPI HANDLE WINAPI CreateJobObjectA(LPSECURITY_ATTRIBUTES lpJobAttributes,
                                          LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenJobObjectA(DWORD dwDesiredAccess,
                                        BOOL bInheritHandle, LPCSTR lpName);
WINBASEAPI BOOL WINAPI AssignProcessToJobObject(HANDLE hJob, HANDLE hProcess);
WINBASEAPI BOOL WINAPI TerminateJobObject(HANDLE hJob, UINT uExitCode);
WINBASEAPI BOOL WINAPI IsProcessInJob(HANDLE ProcessHandle, HANDLE JobHandle,
                                      PBOOL Result);
WINBASEAPI BOOL WINAPI SetInformationJobObject(
    HANDLE hJob, JOBOBJECTINFOCLASS JobObjectInformationClass,
    LPVOID lpJobObjectInformation, DWORD cbJobObjectInformationLength);
WINBASEAPI BOOL WINAPI QueryInformationJobObject(
    HANDLE hJob, JOBOBJECTINFOCLASS JobObjectInformationClass,
    LPVOID lpJobObjectInformation, DWORD cbJobObjectInformationLength,
    LPDWORD lpReturnLength);
WINBASEAPI BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode);
WINBASEAPI BOOL WINAPI TerminateProcess(HANDLE hProcess, UINT uExitCode);
WINBASEAPI void WINAPI ExitProcess(UINT uExitCode) __attribute__((noreturn));
WINBASEAPI HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess,
                                     BOOL bInheritHandle, DWORD dwProcessId);

/* ---- Environment ---------------------------------------------------------- */

WINBASEAPI DWORD WINAPI GetEnvironmentVariableA(LPCSTR lpName, LPSTR lpBuffer,
                                                DWORD nSize);
WINBASEAPI BOOL WINAPI SetEnvironmentVariableA(LPCSTR lpName, LPCSTR lpValue);
/* The narrow block is the export GetEnvironmentStrings; as in Windows'
 * headers, GetEnvironmentStringsA is its name only without UNICODE (where
 * GetEnvironmentStrings is GetEnvironmentStringsW). */
WINBASEAPI LPCH WINAPI GetEnvironmentStrings(void);
#ifndef UNICODE
WINBASEAPI LPCH WINAPI GetEnvironmentStringsA(void);
#endif
WINBASEAPI BOOL WINAPI FreeEnvironmentStringsA(LPCH penv);
WINBASEAPI BOOL WINAPI SetEnvironmentStringsA(LPCH NewEnvironment);
WINBASEAPI DWORD WINAPI ExpandEnvironmentStringsA(LPCSTR lpSrc, LPSTR lpDst,
                                                  DWORD nSize);

/* ---- Text: code pages, wide strings, command lines ------------------------ */

/* Every narrow code page winipc knows is UTF-8: CP_ACP, CP_OEMCP,
 * CP_THREAD_ACP and CP_MACCP convert as CP_UTF8 (GetACP answers 65001, as
 * Windows does with "Use Unicode UTF-8 for worldwide language support"). */
#define CP_ACP 0
#define CP_OEMCP 1
#define CP_MACCP 2
#define CP_THREAD_ACP 3
#define CP_UTF8 65001
#define MB_PRECOMPOSED 0x00000001u
#define MB_COMPOSITE 0x00000002u
#define MB_USEGLYPHCHARS 0x00000004u
#define MB_ERR_INVALID_CHARS 0x00000008u
#define WC_COMPOSITECHECK 0x00000200u
#define WC_DISCARDNS 0x00000010u
#define WC_SEPCHARS 0x00000020u
#define WC_DEFAULTCHAR 0x00000040u
#define WC_ERR_INVALID_CHARS 0x00000080u
#define WC_NO_BEST_FIT_CHARS 0x00000400u

WINBASEAPI int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags,
                                          LPCCH lpMultiByteStr,
                                          int cbMultiByte,
                                          LPWSTR lpWideCharStr,
                                          int cchWideChar);
WINBASEAPI int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags,
                                          LPCWCH lpWideCharStr,
                                          int cchWideChar,
                                          LPSTR lpMultiByteStr,
                                          int cbMultiByte,
                                          LPCCH lpDefaultChar,
                                          LPBOOL lpUsedDefaultChar);
WINBASEAPI UINT WINAPI GetACP(void);
WINBASEAPI UINT WINAPI GetOEMCP(void);

WINBASEAPI int WINAPI lstrlenW(LPCWSTR lpString);
WINBASEAPI LPWSTR WINAPI lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2);
WINBASEAPI LPWSTR WINAPI lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2,
                                   int iMaxLength);
WINBASEAPI LPWSTR WINAPI lstrcatW(LPWSTR lpString1, LPCWSTR lpString2);
WINBASEAPI int WINAPI lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2);
WINBASEAPI int WINAPI lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2);

/* GetCommandLineA's line in UTF-16.  CommandLineToArgvW (shellapi.h on
 * Windows) splits one; LocalFree frees its result. */
WINBASEAPI LPWSTR WINAPI GetCommandLineW(void);
WINBASEAPI LPWSTR *WINAPI CommandLineToArgvW(LPCWSTR lpCmdLine,
                                             int *pNumArgs);
WINBASEAPI DWORD WINAPI GetModuleFileNameW(HMODULE hModule,
                                           LPWSTR lpFilename, DWORD nSize);
WINBASEAPI BOOL WINAPI QueryFullProcessImageNameW(HANDLE hProcess,
                                                  DWORD dwFlags,
                                                  LPWSTR lpExeName,
                                                  PDWORD lpdwSize);
WINBASEAPI DWORD WINAPI GetProcessImageFileNameW(HANDLE hProcess,
                                                 LPWSTR lpImageFileName,
                                                 DWORD nSize);
WINBASEAPI DWORD WINAPI K32GetProcessImageFileNameW(HANDLE hProcess,
                                                    LPWSTR lpImageFileName,
                                                    DWORD nSize);
WINBASEAPI BOOL WINAPI GetComputerNameExW(COMPUTER_NAME_FORMAT NameType,
                                          LPWSTR lpBuffer, LPDWORD nSize);

/* ---- The W variants ------------------------------------------------------- */

WINBASEAPI DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource,
                                       DWORD dwMessageId, DWORD dwLanguageId,
                                       LPWSTR lpBuffer, DWORD nSize,
                                       va_list *Arguments);
WINBASEAPI HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
                                     DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                     DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes,
                                     HANDLE hTemplateFile);
WINBASEAPI BOOL WINAPI DeleteFileW(LPCWSTR lpFileName);
WINBASEAPI BOOL WINAPI CopyFileW(LPCWSTR lpExistingFileName,
                                 LPCWSTR lpNewFileName, BOOL bFailIfExists);
WINBASEAPI BOOL WINAPI CreateDirectoryW(LPCWSTR lpPathName,
                                        LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI RemoveDirectoryW(LPCWSTR lpPathName);
WINBASEAPI DWORD WINAPI GetCurrentDirectoryW(DWORD nBufferLength,
                                            LPWSTR lpBuffer);
WINBASEAPI BOOL WINAPI SetCurrentDirectoryW(LPCWSTR lpPathName);
WINBASEAPI HANDLE WINAPI CreateNamedPipeW(
    LPCWSTR lpName, DWORD dwOpenMode, DWORD dwPipeMode, DWORD nMaxInstances,
    DWORD nOutBufferSize, DWORD nInBufferSize, DWORD nDefaultTimeOut,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI WaitNamedPipeW(LPCWSTR lpNamedPipeName, DWORD nTimeOut);
WINBASEAPI BOOL WINAPI GetNamedPipeHandleStateW(
    HANDLE hNamedPipe, LPDWORD lpState, LPDWORD lpCurInstances,
    LPDWORD lpMaxCollectionCount, LPDWORD lpCollectDataTimeout,
    LPWSTR lpUserName, DWORD nMaxUserNameSize);
WINBASEAPI BOOL WINAPI CallNamedPipeW(LPCWSTR lpNamedPipeName,
                                      LPVOID lpInBuffer, DWORD nInBufferSize,
                                      LPVOID lpOutBuffer, DWORD nOutBufferSize,
                                      LPDWORD lpBytesRead, DWORD nTimeOut);
WINBASEAPI HANDLE WINAPI CreateMailslotW(
    LPCWSTR lpName, DWORD nMaxMessageSize, DWORD lReadTimeout,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState,
                                      LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess,
                                    BOOL bInheritHandle, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                        LPCWSTR lpName, DWORD dwFlags,
                                        DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                      BOOL bInitialOwner, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                        LPCWSTR lpName, DWORD dwFlags,
                                        DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess,
                                    BOOL bInheritHandle, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI CreateSemaphoreW(
    LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
    LONG lMaximumCount, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI CreateSemaphoreExW(
    LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
    LONG lMaximumCount, LPCWSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess,
                                        BOOL bInheritHandle, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI CreateWaitableTimerW(
    LPSECURITY_ATTRIBUTES lpTimerAttributes, BOOL bManualReset,
    LPCWSTR lpTimerName);
WINBASEAPI HANDLE WINAPI CreateWaitableTimerExW(
    LPSECURITY_ATTRIBUTES lpTimerAttributes, LPCWSTR lpTimerName,
    DWORD dwFlags, DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI OpenWaitableTimerW(DWORD dwDesiredAccess,
                                            BOOL bInheritHandle,
                                            LPCWSTR lpTimerName);
WINBASEAPI HANDLE WINAPI CreateJobObjectW(LPSECURITY_ATTRIBUTES lpJobAttributes,
                                          LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenJobObjectW(DWORD dwDesiredAccess,
                                        BOOL bInheritHandle, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI CreateFileMappingW(
    HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
    DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
    LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess,
                                          BOOL bInheritHandle, LPCWSTR lpName);
WINBASEAPI BOOL WINAPI CreateProcessW(
    LPCWSTR lpApplicationName, LPWSTR lpCommandLine,
    LPSECURITY_ATTRIBUTES lpProcessAttributes,
    LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles,
    DWORD dwCreationFlags, LPVOID lpEnvironment, LPCWSTR lpCurrentDirectory,
    LPSTARTUPINFOW lpStartupInfo, LPPROCESS_INFORMATION lpProcessInformation);
WINBASEAPI void WINAPI GetStartupInfoW(LPSTARTUPINFOW lpStartupInfo);
WINBASEAPI DWORD WINAPI GetEnvironmentVariableW(LPCWSTR lpName,
                                                LPWSTR lpBuffer, DWORD nSize);
WINBASEAPI BOOL WINAPI SetEnvironmentVariableW(LPCWSTR lpName,
                                               LPCWSTR lpValue);
WINBASEAPI LPWCH WINAPI GetEnvironmentStringsW(void);
WINBASEAPI BOOL WINAPI FreeEnvironmentStringsW(LPWCH penv);
WINBASEAPI BOOL WINAPI SetEnvironmentStringsW(LPWCH NewEnvironment);
WINBASEAPI DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR lpSrc,
                                                  LPWSTR lpDst, DWORD nSize);
WINBASEAPI BOOL WINAPI GetComputerNameW(LPWSTR lpBuffer, LPDWORD nSize);
WINBASEAPI BOOL WINAPI GetUserNameW(LPWSTR lpBuffer, LPDWORD pcbBuffer);
WINBASEAPI HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName);
WINBASEAPI int WINAPI MessageBoxW(HWND hWnd, LPCWSTR lpText,
                                  LPCWSTR lpCaption, UINT uType);

/* ---- Undecorated names: the W variants with UNICODE, else the A ones ----- */

#ifdef UNICODE
#define WIPC_AW(name) name##W
#define GetEnvironmentStrings GetEnvironmentStringsW
#else
#define WIPC_AW(name) name##A
#endif
#define FormatMessage WIPC_AW(FormatMessage)
#define CreateFile WIPC_AW(CreateFile)
#define DeleteFile WIPC_AW(DeleteFile)
#define CopyFile WIPC_AW(CopyFile)
#define CreateDirectory WIPC_AW(CreateDirectory)
#define RemoveDirectory WIPC_AW(RemoveDirectory)
#define GetCurrentDirectory WIPC_AW(GetCurrentDirectory)
#define SetCurrentDirectory WIPC_AW(SetCurrentDirectory)
#define CreateEvent WIPC_AW(CreateEvent)
#define OpenEvent WIPC_AW(OpenEvent)
#define CreateEventEx WIPC_AW(CreateEventEx)
#define CreateMutexEx WIPC_AW(CreateMutexEx)
#define CreateSemaphoreEx WIPC_AW(CreateSemaphoreEx)
#define CreateWaitableTimerEx WIPC_AW(CreateWaitableTimerEx)
#define CreateMutex WIPC_AW(CreateMutex)
#define OpenMutex WIPC_AW(OpenMutex)
#define CreateSemaphore WIPC_AW(CreateSemaphore)
#define OpenSemaphore WIPC_AW(OpenSemaphore)
#define CreateWaitableTimer WIPC_AW(CreateWaitableTimer)
#define OpenWaitableTimer WIPC_AW(OpenWaitableTimer)
#define CreateFileMapping WIPC_AW(CreateFileMapping)
#define OpenFileMapping WIPC_AW(OpenFileMapping)
#define CreateProcess WIPC_AW(CreateProcess)
#define CreateNamedPipe WIPC_AW(CreateNamedPipe)
#define WaitNamedPipe WIPC_AW(WaitNamedPipe)
#define GetNamedPipeHandleState WIPC_AW(GetNamedPipeHandleState)
#define CallNamedPipe WIPC_AW(CallNamedPipe)
#define CreateMailslot WIPC_AW(CreateMailslot)
#define GetEnvironmentVariable WIPC_AW(GetEnvironmentVariable)
#define SetEnvironmentVariable WIPC_AW(SetEnvironmentVariable)
#define FreeEnvironmentStrings WIPC_AW(FreeEnvironmentStrings)
#define SetEnvironmentStrings WIPC_AW(SetEnvironmentStrings)
#define ExpandEnvironmentStrings WIPC_AW(ExpandEnvironmentStrings)
#define GetStartupInfo WIPC_AW(GetStartupInfo)
#define GetCommandLine WIPC_AW(GetCommandLine)
#define GetModuleFileName WIPC_AW(GetModuleFileName)
#define CreateJobObject WIPC_AW(CreateJobObject)
#define OpenJobObject WIPC_AW(OpenJobObject)
#define lstrlen WIPC_AW(lstrlen)
#define lstrcpy WIPC_AW(lstrcpy)
#define lstrcpyn WIPC_AW(lstrcpyn)
#define lstrcat WIPC_AW(lstrcat)
#define lstrcmp WIPC_AW(lstrcmp)
#define lstrcmpi WIPC_AW(lstrcmpi)
#define GetComputerName WIPC_AW(GetComputerName)
#define GetComputerNameEx WIPC_AW(GetComputerNameEx)
#define QueryFullProcessImageName WIPC_AW(QueryFullProcessImageName)
#define GetProcessImageFileName WIPC_AW(GetProcessImageFileName)
#define GetUserName WIPC_AW(GetUserName)
#define GetModuleHandle WIPC_AW(GetModuleHandle)
#define MessageBox WIPC_AW(MessageBox)

#ifdef __cplusplus
}
#endif

#endif /* WINIPC_WINDOWS_H */
