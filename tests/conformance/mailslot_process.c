/*
 * mailslot_process: mailslots between processes (the children are copies
 * of this program; they never print, they answer through exit codes):
 * several writer processes sending to one mailslot, a writer handle and a
 * mailslot handle inherited by children, the read time-out an inherited
 * handle keeps, and the name once the last handle is gone.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

#define NAME "\\\\.\\mailslot\\winipc_conf_mailslot_process"
#define NAME2 "\\\\.\\mailslot\\winipc_conf_mailslot_process_inherited"
#define NAME3 "\\\\.\\mailslot\\winipc_conf_mailslot_process_late"

#define WRITERS 3
#define PER_WRITER 20

/* A child's work, chosen by argv[1]; its result is its exit code. */
static int child_main(int argc, char **argv)
{
    char msg[32], buf[64];
    DWORD n, next, count, timeout, max;
    HANDLE h;
    int i;

    if (strcmp(argv[1], "send") == 0 && argc > 2) {
        /* Open the mailslot by name; send PER_WRITER numbered messages. */
        h = CreateFileA(NAME, GENERIC_WRITE, SHARE_ALL, NULL, OPEN_EXISTING,
                        FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE)
            return 100;
        for (i = 0; i < PER_WRITER; i++) {
            snprintf(msg, sizeof msg, "%s:%02d", argv[2], i);
            if (!WriteFile(h, msg, (DWORD)strlen(msg), &n, NULL) ||
                n != strlen(msg))
                return 101;
        }
        CloseHandle(h);
        return 0;
    }
    if (strcmp(argv[1], "write-inherited") == 0 && argc > 2) {
        /* A writer handle inherited from the parent. */
        h = conf_handle_arg(argv[2]);
        if (!WriteFile(h, "from the child", 14, &n, NULL))
            return 100;
        return n == 14 ? 0 : 101;
    }
    if (strcmp(argv[1], "info") == 0 && argc > 2) {
        /* GetMailslotInfo through an inherited mailslot handle: the exit
         * code is 1 when it shows what the parent set up (time-out 250,
         * max 64, a first message 5 bytes long). */
        h = conf_handle_arg(argv[2]);
        if (!GetMailslotInfo(h, &max, &next, &count, &timeout))
            return 100;
        return max == 64 && timeout == 250 && next == 5 ? 1 : 102;
    }
    if (strcmp(argv[1], "settimeout") == 0 && argc > 2) {
        /* SetMailslotInfo(1234) through an inherited mailslot handle. */
        return SetMailslotInfo(conf_handle_arg(argv[2]), 1234) ? 0 : 100;
    }
    if (strcmp(argv[1], "read") == 0 && argc > 2) {
        /* Read every message through the inherited handle, after the
         * parent has closed its own (it sets the event argv[3] then):
         * the exit code counts the messages that were as expected. */
        h = conf_handle_arg(argv[2]);
        if (argc > 3 && WaitForSingleObject(conf_handle_arg(argv[3]), 20000) !=
                            WAIT_OBJECT_0)
            return 100;
        SetMailslotInfo(h, 0);
        for (i = 0;; i++) {
            if (!ReadFile(h, buf, sizeof buf, &n, NULL))
                return GetLastError() == ERROR_SEM_TIMEOUT ? i : 101;
            snprintf(msg, sizeof msg, "message %d", i);
            if (n != strlen(msg) || memcmp(buf, msg, n) != 0)
                return 102;
        }
    }
    if (strcmp(argv[1], "late") == 0) {
        /* Writes one message 200 ms after it starts. */
        Sleep(200);
        h = CreateFileA(NAME3, GENERIC_WRITE, SHARE_ALL, NULL, OPEN_EXISTING,
                        FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE)
            return 100;
        if (!WriteFile(h, "late", 4, &n, NULL))
            return 101;
        CloseHandle(h);
        return 0;
    }
    return 99;
}

static void write_msg(HANDLE h, const char *s)
{
    DWORD n;
    if (!WriteFile(h, s, (DWORD)strlen(s), &n, NULL))
        printf("(WriteFile failed: %s)\n", conf_error(GetLastError()));
}

static HANDLE open_writer(const char *name, SECURITY_ATTRIBUTES *sa)
{
    return CreateFileA(name, GENERIC_WRITE, SHARE_ALL, sa, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
}

static void several_writers(void)
{
    PROCESS_INFORMATION pi[WRITERS];
    HANDLE procs[WRITERS], ms;
    DWORD next = 0, count = 0, n, code;
    int seen[WRITERS] = {0}, in_order = 1, intact = 1, total = 0, i;
    char args[32], buf[64];

    SECTION("several writer processes");
    CHECK_HANDLE("CreateMailslotA", ms, CreateMailslotA(NAME, 0, 0, NULL));
    for (i = 0; i < WRITERS; i++) {
        snprintf(args, sizeof args, "send w%d", i);
        pi[i] = conf_spawn("CreateProcessA(send)", args, FALSE);
        procs[i] = pi[i].hProcess;
    }
    CHECK_WAIT("all writers ended",
               WaitForMultipleObjects(WRITERS, procs, TRUE, 30000));
    for (i = 0; i < WRITERS; i++) {
        code = 12345;
        GetExitCodeProcess(pi[i].hProcess, &code);
        printf("  writer %d: exit code %u\n", i, (unsigned)code);
        CloseHandle(pi[i].hProcess);
        CloseHandle(pi[i].hThread);
    }
    CHECK_BOOL("GetMailslotInfo",
               GetMailslotInfo(ms, NULL, &next, &count, NULL));
    SHOW_UINT("  messages queued", count);
    SHOW_UINT("  next size", next);
    for (;;) {
        int w, k;
        SetLastError(CONF_SENTINEL);
        if (!ReadFile(ms, buf, sizeof buf - 1, &n, NULL))
            break;
        buf[n] = '\0';
        total++;
        if (n != 5 || sscanf(buf, "w%d:%d", &w, &k) != 2 || w < 0 ||
            w >= WRITERS) {
            intact = 0;
            continue;
        }
        if (k != seen[w])
            in_order = 0;
        seen[w] = k + 1;
    }
    printf("reading until the mailslot is empty ends with %s\n",
           conf_error(GetLastError()));
    SHOW_UINT("  messages read", total);
    CHECK_TRUE("  every message whole", intact);
    CHECK_TRUE("  each writer's messages in the order it sent them", in_order);
    for (i = 0; i < WRITERS; i++)
        printf("  writer %d: %d messages\n", i, seen[i]);
    CHECK_BOOL("GetMailslotInfo when empty",
               GetMailslotInfo(ms, NULL, &next, &count, NULL));
    SHOW_UINT("  messages queued", count);
    SHOW_UINT("  next size", next);
    CloseHandle(ms);
}

static void inherited_writer(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_INFORMATION pi;
    HANDLE ms, w;
    DWORD n = 0;
    char args[64], buf[64];

    SECTION("a writer handle inherited by a child");
    CHECK_HANDLE("CreateMailslotA", ms, CreateMailslotA(NAME2, 0, 0, NULL));
    w = open_writer(NAME2, &sa);
    CHECK_TRUE("CreateFileA(inheritable writer) succeeded",
               w != INVALID_HANDLE_VALUE);
    snprintf(args, sizeof args, "write-inherited %llu", CONF_HANDLE_ARG(w));
    pi = conf_spawn("CreateProcessA(write-inherited, bInheritHandles TRUE)",
                    args, TRUE);
    conf_finish("  ended", &pi);
    CHECK_BOOL("ReadFile(mailslot)", ReadFile(ms, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    CloseHandle(w);
    CloseHandle(ms);
}

static void inherited_mailslot(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_INFORMATION pi;
    HANDLE ms, w, ev;
    char args[96], msg[32];
    DWORD timeout = 0;
    int i;

    SECTION("a mailslot handle inherited by a child");
    CHECK_HANDLE("CreateMailslotA(max 64, time-out 250, inheritable)", ms,
                 CreateMailslotA(NAME2, 64, 250, &sa));
    w = open_writer(NAME2, NULL);
    write_msg(w, "first");
    write_msg(w, "second message");
    snprintf(args, sizeof args, "info %llu", CONF_HANDLE_ARG(ms));
    pi = conf_spawn("CreateProcessA(info, bInheritHandles TRUE)", args, TRUE);
    conf_finish("  ended (1: the child saw max 64, time-out 250, next 5)", &pi);
    snprintf(args, sizeof args, "settimeout %llu", CONF_HANDLE_ARG(ms));
    pi = conf_spawn("CreateProcessA(settimeout, bInheritHandles TRUE)", args,
                    TRUE);
    conf_finish("  ended (0: its SetMailslotInfo(1234) succeeded)", &pi);
    CHECK_BOOL("GetMailslotInfo",
               GetMailslotInfo(ms, NULL, NULL, NULL, &timeout));
    SHOW_UINT("  time-out (the child's)", timeout);
    SetMailslotInfo(ms, 250);

    /* The seeds' example: the parent closes its handle, the child reads. */
    CHECK_BOOL("ReadFile(first)",
               ReadFile(ms, msg, sizeof msg, (DWORD[]){0}, NULL));
    CHECK_BOOL("ReadFile(second)",
               ReadFile(ms, msg, sizeof msg, (DWORD[]){0}, NULL));
    for (i = 0; i < 4; i++) {
        snprintf(msg, sizeof msg, "message %d", i);
        write_msg(w, msg);
    }
    CloseHandle(w);
    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    snprintf(args, sizeof args, "read %llu %llu", CONF_HANDLE_ARG(ms),
             CONF_HANDLE_ARG(ev));
    pi = conf_spawn("CreateProcessA(read, bInheritHandles TRUE)", args, TRUE);
    CHECK_BOOL("CloseHandle(our mailslot handle)", CloseHandle(ms));
    SetEvent(ev);
    conf_finish("  ended (exit code: messages the child read)", &pi);
    CloseHandle(ev);
    SetLastError(CONF_SENTINEL);
    w = open_writer(NAME2, NULL);
    printf("CreateFileA(name) after the child, its last holder, ended: %s, "
           "%s\n",
           conf_handle(w), conf_error(GetLastError()));
    if (w != INVALID_HANDLE_VALUE)
        CloseHandle(w);
    CHECK_HANDLE("CreateMailslotA(the same name again)", ms,
                 CreateMailslotA(NAME2, 0, 0, NULL));
    CloseHandle(ms);
}

static void waiting_reader(void)
{
    PROCESS_INFORMATION pi;
    HANDLE ms;
    DWORD n = 0;
    char buf[16];

    SECTION("a read waiting for another process");
    CHECK_HANDLE("CreateMailslotA(MAILSLOT_WAIT_FOREVER)", ms,
                 CreateMailslotA(NAME3, 0, MAILSLOT_WAIT_FOREVER, NULL));
    pi = conf_spawn("CreateProcessA(late)", "late", FALSE);
    CHECK_BOOL("ReadFile(waits for the child's message)",
               ReadFile(ms, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    conf_finish("  ended", &pi);
    CloseHandle(ms);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];
    several_writers();
    inherited_writer();
    inherited_mailslot();
    waiting_reader();
    CONF_DONE();
}
