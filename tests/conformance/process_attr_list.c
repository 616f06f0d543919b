/*
 * process_attr_list: a PROC_THREAD_ATTRIBUTE_LIST (issue 18): the size
 * InitializeProcThreadAttributeList wants, UpdateProcThreadAttribute's
 * errors, and the list's memory, which programs (and Wine's kernel32
 * tests, which pass on Windows) read: a header of four DWORDs (mask of
 * attribute numbers, room, count, one not written) and a DWORD_PTR, then
 * attribute, size and value pointer per attribute set, in order.
 */
#include <windows.h>

#include <stddef.h>

#include "conformance.h"

/* MinGW's headers name it only for newer Windows versions. */
#ifndef PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE
#define PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE                                    \
    ProcThreadAttributeValue(22, FALSE, TRUE, FALSE)
#endif

struct entry_seen {
    DWORD_PTR attribute;
    SIZE_T size;
    void *value;
};
struct list_seen {
    DWORD mask, room, count, untouched;
    DWORD_PTR zero;
    struct entry_seen e[4];
};

static void print_list(const char *when, const struct list_seen *l,
                       const void *value)
{
    printf("%s: mask 0x%lx, room %lu, count %lu, untouched 0x%lx, zero %s\n",
           when, (unsigned long)l->mask, (unsigned long)l->room,
           (unsigned long)l->count, (unsigned long)l->untouched,
           l->zero ? "no" : "yes");
    for (DWORD i = 0; i < 4; i++) {
        if (i < l->count)
            printf("%s: entry %lu: attribute 0x%lx, size %lu, value %s\n",
                   when, (unsigned long)i, (unsigned long)l->e[i].attribute,
                   (unsigned long)l->e[i].size,
                   l->e[i].value == value ? "the caller's pointer" : "other");
        else
            printf("%s: entry %lu: %s\n", when, (unsigned long)i,
                   l->e[i].attribute == (DWORD_PTR)0xccccccccccccccccull
                       ? "not written"
                       : "written");
    }
}

int main(void)
{
    struct list_seen l;
    LPPROC_THREAD_ATTRIBUTE_LIST list = (LPPROC_THREAD_ATTRIBUTE_LIST)&l;
    HANDLE hs[4] = {0};
    SIZE_T size = 0;
    char label[64];

    setvbuf(stdout, NULL, _IONBF, 0);
    for (DWORD n = 0; n <= 4; n++) {
        sprintf(label, "size query for %lu", (unsigned long)n);
        CHECK_BOOL(label, InitializeProcThreadAttributeList(NULL, n, 0, &size));
        printf("size for %lu: header + %lu entries of 3 pointers: %s\n",
               (unsigned long)n, (unsigned long)n,
               size == offsetof(struct list_seen, e) +
                           n * sizeof(struct entry_seen)
                   ? "yes"
                   : "no");
    }
    printf("header: %lu bytes\n", (unsigned long)offsetof(struct list_seen, e));
    memset(&l, 0xcc, sizeof l);
    CHECK_BOOL("init for 4", InitializeProcThreadAttributeList(list, 4, 0, &size));
    print_list("after init", &l, hs);

    CHECK_BOOL("unknown attribute",
               UpdateProcThreadAttribute(list, 0, 0xcafe, hs, sizeof(HANDLE),
                                         NULL, NULL));
    CHECK_BOOL("parent process, half a handle",
               UpdateProcThreadAttribute(list, 0,
                                         PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                         hs, sizeof(HANDLE) / 2, NULL, NULL));
    CHECK_BOOL("parent process, two handles",
               UpdateProcThreadAttribute(list, 0,
                                         PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                         hs, 2 * sizeof(HANDLE), NULL, NULL));
    CHECK_BOOL("parent process",
               UpdateProcThreadAttribute(list, 0,
                                         PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                         hs, sizeof(HANDLE), NULL, NULL));
    CHECK_BOOL("parent process again",
               UpdateProcThreadAttribute(list, 0,
                                         PROC_THREAD_ATTRIBUTE_PARENT_PROCESS,
                                         hs, sizeof(HANDLE), NULL, NULL));
    CHECK_BOOL("handle list, a byte short",
               UpdateProcThreadAttribute(list, 0,
                                         PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs,
                                         sizeof hs - 1, NULL, NULL));
    CHECK_BOOL("handle list of 4",
               UpdateProcThreadAttribute(list, 0,
                                         PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs,
                                         sizeof hs, NULL, NULL));
    CHECK_BOOL("handle list again",
               UpdateProcThreadAttribute(list, 0,
                                         PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs,
                                         sizeof hs, NULL, NULL));
    CHECK_BOOL("ideal processor",
               UpdateProcThreadAttribute(list, 0,
                                         PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR,
                                         hs, sizeof(PROCESSOR_NUMBER), NULL,
                                         NULL));
    /* Its value, an HPCON, is a pointer. */
    CHECK_BOOL("pseudoconsole",
               UpdateProcThreadAttribute(list, 0,
                                         PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE,
                                         hs, sizeof(HANDLE), NULL, NULL));
    print_list("after four", &l, hs);
    DeleteProcThreadAttributeList(list);
    CONF_DONE();
}
