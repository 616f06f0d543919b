/*
 * memory_api.c: the process heap (HeapAlloc and friends) and Local and
 * Global memory.  All three hand out blocks of one allocator: each block
 * starts with a header that keeps its size (HeapSize, LocalSize and
 * GlobalSize answer the size asked for, as on Windows) and a tag that
 * tells winipc's blocks from other pointers.  Only fixed memory exists:
 * a block's handle is its address (LMEM_FIXED, GMEM_FIXED), so no
 * LocalLock is needed; the moveable flags are refused.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"

#define MEM_TAG 0x57495043484541ull /* "WIPCHEA" */
#define MEM_FLAGS_OK (LMEM_ZEROINIT) /* also GMEM_ZEROINIT */

/* 16 bytes: the block stays aligned as malloc's is. */
struct mem_header {
    size_t size;
    uint64_t tag;
};

/* The one heap GetProcessHeap names (HeapCreate does not exist). */
static char process_heap;

static void *mem_alloc(size_t size, int zero)
{
    struct mem_header *h;
    if (size > SIZE_MAX - sizeof *h)
        return NULL;
    h = zero ? calloc(1, sizeof *h + size) : malloc(sizeof *h + size);
    if (!h)
        return NULL;
    h->size = size;
    h->tag = MEM_TAG;
    return h + 1;
}

/* The header of p, or NULL if p is not a live block of this allocator. */
static struct mem_header *mem_header(const void *p)
{
    struct mem_header *h;
    if (!p || ((uintptr_t)p & 15u))
        return NULL;
    h = (struct mem_header *)p - 1;
    return h->tag == MEM_TAG ? h : NULL;
}

static void mem_free(struct mem_header *h)
{
    h->tag = 0;
    free(h);
}

/* LocalAlloc and GlobalAlloc: the same fixed memory. */
static void *mem_local_alloc(UINT flags, SIZE_T bytes)
{
    void *p;
    if (flags & ~MEM_FLAGS_OK) {
        SetLastError(ERROR_INVALID_PARAMETER); /* moveable memory: no */
        return NULL;
    }
    p = mem_alloc(bytes, (flags & LMEM_ZEROINIT) != 0);
    if (!p)
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return p;
}

/* LocalFree and GlobalFree: NULL on success, the block on failure. */
static void *mem_local_free(void *p)
{
    struct mem_header *h;
    if (!p)
        return NULL;
    h = mem_header(p);
    if (!h) {
        SetLastError(ERROR_INVALID_HANDLE);
        return p;
    }
    mem_free(h);
    return NULL;
}

/* LocalSize and GlobalSize: 0 with ERROR_INVALID_HANDLE for no block. */
static SIZE_T mem_local_size(const void *p)
{
    struct mem_header *h = mem_header(p);
    if (!h) {
        SetLastError(ERROR_INVALID_HANDLE);
        return 0;
    }
    return h->size;
}

API_FN(MEM, HLOCAL, LocalAlloc, (UINT uFlags, SIZE_T uBytes), (uFlags, uBytes))
{
    return mem_local_alloc(uFlags, uBytes);
}

API_FN(MEM, HLOCAL, LocalFree, (HLOCAL hMem), (hMem))
{
    return mem_local_free(hMem);
}

API_FN(MEM, SIZE_T, LocalSize, (HLOCAL hMem), (hMem))
{
    return mem_local_size(hMem);
}

API_FN(MEM, HGLOBAL, GlobalAlloc,
       (UINT uFlags, SIZE_T dwBytes),
       (uFlags, dwBytes))
{
    return mem_local_alloc(uFlags, dwBytes);
}

API_FN(MEM, HGLOBAL, GlobalFree, (HGLOBAL hMem), (hMem))
{
    return mem_local_free(hMem);
}

API_FN(MEM, SIZE_T, GlobalSize, (HGLOBAL hMem), (hMem))
{
    return mem_local_size(hMem);
}

/* ---- The process heap ------------------------------------------------------ */

API_FN0(MEM, HANDLE, GetProcessHeap) { return &process_heap; }

/* HeapAlloc, HeapReAlloc and HeapSize do not set the last error when they
 * fail ("The function does not call SetLastError"), except for a heap that
 * is not the process heap. */
static int heap_ok(HANDLE heap)
{
    if (heap == &process_heap)
        return 1;
    SetLastError(ERROR_INVALID_HANDLE);
    return 0;
}

API_FN(MEM, LPVOID, HeapAlloc,
       (HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes),
       (hHeap, dwFlags, dwBytes))
{
    if (!heap_ok(hHeap))
        return NULL;
    return mem_alloc(dwBytes, (dwFlags & HEAP_ZERO_MEMORY) != 0);
}

API_FN(MEM, LPVOID, HeapReAlloc,
       (HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes),
       (hHeap, dwFlags, lpMem, dwBytes))
{
    struct mem_header *h, *n;
    size_t old;

    if (!heap_ok(hHeap))
        return NULL;
    h = mem_header(lpMem);
    if (!h) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    old = h->size;
    if (dwBytes <= old) { /* shrinks in place */
        h->size = dwBytes;
        return lpMem;
    }
    if ((dwFlags & HEAP_REALLOC_IN_PLACE_ONLY) ||
        dwBytes > SIZE_MAX - sizeof *h)
        return NULL; /* growing may move the block */
    n = realloc(h, sizeof *n + dwBytes);
    if (!n)
        return NULL; /* the old block is still valid */
    n->size = dwBytes;
    if (dwFlags & HEAP_ZERO_MEMORY)
        memset((char *)(n + 1) + old, 0, dwBytes - old);
    return n + 1;
}

API_FN(MEM, BOOL, HeapFree,
       (HANDLE hHeap, DWORD dwFlags, LPVOID lpMem),
       (hHeap, dwFlags, lpMem))
{
    struct mem_header *h;
    (void)dwFlags;
    if (!heap_ok(hHeap))
        return FALSE;
    if (!lpMem)
        return TRUE; /* as Windows: nothing to free is a success */
    h = mem_header(lpMem);
    if (!h)
        return api_fail(ERROR_INVALID_PARAMETER);
    mem_free(h);
    return TRUE;
}

API_FN(MEM, SIZE_T, HeapSize,
       (HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem),
       (hHeap, dwFlags, lpMem))
{
    struct mem_header *h;
    (void)dwFlags;
    if (!heap_ok(hHeap))
        return (SIZE_T)-1;
    h = mem_header(lpMem);
    if (!h) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return (SIZE_T)-1;
    }
    return h->size;
}
