/*
 * test_std_handles.c: a child's standard handles and STARTUPINFO, as
 * Windows gives them (issue 18).
 *
 * The rows follow Wine's test_StdHandleInheritance (process.c:3574-3590,
 * the console-child tables nothing_cui and detached_cui), which Windows
 * passes; Wine 8 fails several of them itself, so Microsoft's
 * documentation decides where they disagree (CreateProcess: "If this
 * parameter is TRUE, each inheritable handle in the calling process is
 * inherited by the new process"; STARTUPINFO: "the handles must be
 * inheritable and the function's bInheritHandles parameter must be set to
 * TRUE"; GetStdHandle: a process started without standard handles gets
 * NULL).  The child ("dump PATH") writes what it has into a file: each
 * standard handle's value and attributes (encoded as Wine's test encodes
 * them), and GetStartupInfoA's fields.
 */
#include "testlib.h"

#include <unistd.h>

/* Wine's encoding (process.c): bits 0-1 the file type. */
#define HATTR_NULL 0x08
#define HATTR_INVALID 0x04
#define HATTR_TYPE 0x0c
#define HATTR_INHERIT 0x20
#define HATTR_PROTECT 0x40

static char self_exe[4096];

static unsigned encode(HANDLE h)
{
    DWORD type, info;
    unsigned r;

    if (h == NULL)
        return HATTR_NULL;
    if (h == INVALID_HANDLE_VALUE)
        return HATTR_INVALID;
    r = HATTR_TYPE;
    type = GetFileType(h);
    if (type == FILE_TYPE_CHAR || type == FILE_TYPE_DISK ||
        type == FILE_TYPE_PIPE) {
        if (GetHandleInformation(h, &info)) {
            if (info & HANDLE_FLAG_INHERIT)
                r |= HATTR_INHERIT;
            if (info & HANDLE_FLAG_PROTECT_FROM_CLOSE)
                r |= HATTR_PROTECT;
        }
    } else {
        type = FILE_TYPE_UNKNOWN;
    }
    return r | type;
}

/* What a child reports. */
struct report {
    HANDLE std[3];
    unsigned enc[3];
    HANDLE si_std[3];
    unsigned si_enc[3];
    DWORD flags, show, x, y, xsize, ysize, xchars, ychars, fill;
    char title[512], desktop[128];
};

/* ---- The child ----------------------------------------------------------- */

static int helper_dump(int argc, char **argv)
{
    static const DWORD which[3] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
                                   STD_ERROR_HANDLE};
    STARTUPINFOA si;
    FILE *f;

    if (argc < 1 || !(f = fopen(argv[0], "w")))
        return 90;
    memset(&si, 0xA0, sizeof si);
    GetStartupInfoA(&si);
    for (int i = 0; i < 3; i++) {
        HANDLE h = GetStdHandle(which[i]);
        fprintf(f, "%lx %x\n", (unsigned long)(uintptr_t)h, encode(h));
    }
    fprintf(f, "%lx %x\n%lx %x\n%lx %x\n",
            (unsigned long)(uintptr_t)si.hStdInput, encode(si.hStdInput),
            (unsigned long)(uintptr_t)si.hStdOutput, encode(si.hStdOutput),
            (unsigned long)(uintptr_t)si.hStdError, encode(si.hStdError));
    fprintf(f, "%lx %x %lx %lx %lx %lx %lx %lx %lx\n",
            (unsigned long)si.dwFlags, (unsigned)si.wShowWindow,
            (unsigned long)si.dwX, (unsigned long)si.dwY,
            (unsigned long)si.dwXSize, (unsigned long)si.dwYSize,
            (unsigned long)si.dwXCountChars, (unsigned long)si.dwYCountChars,
            (unsigned long)si.dwFillAttribute);
    /* '|' before each: an empty string is still a line. */
    fprintf(f, "|%s\n|%s\n", si.lpTitle ? si.lpTitle : "(null)",
            si.lpDesktop ? si.lpDesktop : "(null)");
    fclose(f);
    /* Descriptor 1 is the stream the parent meant (checked by some rows). */
    if (argc > 1 && write(1, argv[1], strlen(argv[1])) < 0)
        return 91;
    return 0;
}

/* relay PATH: starts "dump PATH" with bInheritHandles TRUE and no
 * STARTF_USESTDHANDLES, so that it gets this child's standard handles. */
static int helper_relay(int argc, char **argv)
{
    char cmd[8192];
    PROCESS_INFORMATION pi;
    DWORD code = 1;

    if (argc < 1)
        return 90;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper dump \"%s\"", self_exe,
             argv[0]);
    if (!test_spawn(cmd, TRUE, NULL, &pi))
        return 91;
    WaitForSingleObject(pi.hProcess, 30000);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return (int)code;
}

/* ---- The parent ---------------------------------------------------------- */

/* Runs HELPER PATH [TEXT] with the given inheritance, creation flags and
 * STARTUPINFO; reads what the child wrote into *r. */
static void run_child(const char *helper, BOOL inherit, DWORD cflags,
                      STARTUPINFOA *si, const char *text, struct report *r)
{
    const char *path = test_tmp_path("stdh-report");
    char cmd[8192];
    PROCESS_INFORMATION pi;
    DWORD code = 0xdead;
    FILE *f;

    memset(r, 0, sizeof *r);
    unlink(path);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s \"%s\" %s", self_exe,
             helper, path, text ? text : "");
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, inherit, cflags, NULL,
                            NULL, si, &pi));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    for (int i = 0; i < 3; i++) {
        unsigned long v = 0;
        if (fscanf(f, "%lx %x", &v, &r->enc[i]) != 2)
            TEST_FAIL_AT("report: std %d unreadable", i);
        r->std[i] = (HANDLE)(uintptr_t)v;
    }
    for (int i = 0; i < 3; i++) {
        unsigned long v = 0;
        if (fscanf(f, "%lx %x", &v, &r->si_enc[i]) != 2)
            TEST_FAIL_AT("report: si std %d unreadable", i);
        r->si_std[i] = (HANDLE)(uintptr_t)v;
    }
    if (fscanf(f, "%x %x %x %x %x %x %x %x %x ", &r->flags, &r->show, &r->x,
               &r->y, &r->xsize, &r->ysize, &r->xchars, &r->ychars,
               &r->fill) != 9 ||
        !fgets(r->title, sizeof r->title, f) ||
        !fgets(r->desktop, sizeof r->desktop, f))
        TEST_FAIL_AT("report: fields unreadable");
    r->title[strcspn(r->title, "\n")] = '\0';
    r->desktop[strcspn(r->desktop, "\n")] = '\0';
    if (r->title[0] != '|' || r->desktop[0] != '|')
        TEST_FAIL_AT("report: title or desktop line unmarked");
    memmove(r->title, r->title + 1, strlen(r->title));
    memmove(r->desktop, r->desktop + 1, strlen(r->desktop));
    fclose(f);
    unlink(path);
}

enum kind { K_DISK, K_PIPE, K_NULL, K_INVALID, K_DEVIL };

/* The two handles of a row (input, output), as Wine's build_startupinfo
 * makes them. */
static void make_pair(enum kind k, BOOL inheritable, HANDLE h[2])
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    SECURITY_ATTRIBUTES *psa = inheritable ? &sa : NULL;
    const char *file = test_tmp_path("stdh-file");

    switch (k) {
    case K_DISK:
        h[1] = CreateFileA(file, GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, psa,
                           CREATE_ALWAYS, 0, NULL);
        h[0] = CreateFileA(file, GENERIC_READ,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, psa,
                           OPEN_EXISTING, 0, NULL);
        CHECK(h[0] != INVALID_HANDLE_VALUE && h[1] != INVALID_HANDLE_VALUE);
        break;
    case K_PIPE:
        CHECK_OK(CreatePipe(&h[0], &h[1], psa, 0));
        break;
    case K_NULL:
        h[0] = h[1] = NULL;
        break;
    case K_INVALID:
        h[0] = h[1] = INVALID_HANDLE_VALUE;
        break;
    case K_DEVIL: /* values that are no handle (Wine's H_DEVIL) */
        h[0] = (HANDLE)(ULONG_PTR)0x066600;
        h[1] = (HANDLE)(ULONG_PTR)0x066610;
        break;
    }
}

static void close_pair(enum kind k, HANDLE h[2])
{
    if (k != K_DISK && k != K_PIPE)
        return;
    for (int i = 0; i < 2; i++) {
        SetHandleInformation(h[i], HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
        CloseHandle(h[i]);
    }
}

/* One row: the handles go either through STARTUPINFO (use_si) or through
 * SetStdHandle (restored after).  want: the attributes of the child's
 * input and output handles (HATTR_*), or 0 for "the parent's values,
 * copied" (Wine's HATTR_DANGLING). */
static void row(const char *name, int use_si, BOOL cp_inherit,
                BOOL inheritable, int protect, enum kind k, DWORD cflags,
                unsigned want)
{
    HANDLE h[2], saved[2];
    STARTUPINFOA si = {sizeof si};
    struct report r;
    int before = test_failures;

    make_pair(k, inheritable, h);
    if (protect)
        for (int i = 0; i < 2; i++)
            SetHandleInformation(h[i], HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                 HANDLE_FLAG_PROTECT_FROM_CLOSE);
    saved[0] = GetStdHandle(STD_INPUT_HANDLE);
    saved[1] = GetStdHandle(STD_OUTPUT_HANDLE);
    if (use_si) {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = h[0];
        si.hStdOutput = h[1];
    } else {
        SetStdHandle(STD_INPUT_HANDLE, h[0]);
        SetStdHandle(STD_OUTPUT_HANDLE, h[1]);
    }
    run_child("dump", cp_inherit, cflags, &si, NULL, &r);
    SetStdHandle(STD_INPUT_HANDLE, saved[0]);
    SetStdHandle(STD_OUTPUT_HANDLE, saved[1]);
    for (int i = 0; i < 2; i++) {
        if (want == 0) {
            /* The value is copied; the object is not inherited. */
            CHECK_EQ((uintptr_t)r.std[i], (uintptr_t)h[i]);
            CHECK_EQ((uintptr_t)r.si_std[i],
                     (uintptr_t)(use_si ? h[i] : INVALID_HANDLE_VALUE));
            continue;
        }
        CHECK_EQ(r.enc[i], want);
        if (want != HATTR_NULL && (want & HATTR_INHERIT) && cp_inherit)
            CHECK_EQ((uintptr_t)r.std[i], (uintptr_t)h[i]); /* same value */
        /* STARTUPINFO in the child: the handles it was given, or
         * INVALID_HANDLE_VALUE without STARTF_USESTDHANDLES (Wine's
         * StartupInfoA rows). */
        CHECK_EQ(r.si_enc[i], use_si ? want : HATTR_INVALID);
    }
    /* hStdError was NULL in STARTUPINFO: the child has none. */
    if (use_si)
        CHECK_EQ(r.enc[2], HATTR_NULL);
    close_pair(k, h);
    if (test_failures != before)
        printf("  (row %s)\n", name);
}

/* nothing_cui: a console child, no creation flags. */
static void test_rows_console_child(void)
{
    const unsigned disk = HATTR_TYPE | FILE_TYPE_DISK;
    const unsigned pipe = HATTR_TYPE | FILE_TYPE_PIPE;

    row("si inherit", 1, TRUE, TRUE, 0, K_DISK, 0, disk | HATTR_INHERIT);
    row("std inherit", 0, TRUE, TRUE, 0, K_DISK, 0, disk | HATTR_INHERIT);
    row("si inherit pipe", 1, TRUE, TRUE, 0, K_PIPE, 0, pipe | HATTR_INHERIT);
    row("std inherit pipe", 0, TRUE, TRUE, 0, K_PIPE, 0, pipe | HATTR_INHERIT);
    row("si no cp-inherit", 1, FALSE, TRUE, 0, K_DISK, 0, HATTR_NULL);
    /* Without bInheritHandles the parent's standard handles are
     * duplicated into a console child, attributes and all. */
    row("std no cp-inherit", 0, FALSE, TRUE, 0, K_DISK, 0,
        disk | HATTR_INHERIT);
    row("si nothing", 1, FALSE, FALSE, 0, K_DISK, 0, HATTR_NULL);
    row("std nothing", 0, FALSE, FALSE, 0, K_DISK, 0, disk);
    row("std nothing pipe", 0, FALSE, FALSE, 0, K_PIPE, 0, pipe);
    row("si protect", 1, FALSE, FALSE, 1, K_DISK, 0, HATTR_NULL);
    row("std protect", 0, FALSE, FALSE, 1, K_DISK, 0, disk | HATTR_PROTECT);
    /* A handle that is not inheritable: its value is copied as it is. */
    row("si dangling", 1, TRUE, FALSE, 0, K_DISK, 0, 0);
    row("std dangling", 0, TRUE, FALSE, 0, K_DISK, 0, 0);
    row("si devil", 1, FALSE, FALSE, 0, K_DEVIL, 0, HATTR_NULL);
    row("std devil", 0, FALSE, FALSE, 0, K_DEVIL, 0, HATTR_NULL);
    row("si invalid", 1, FALSE, FALSE, 0, K_INVALID, 0, HATTR_NULL);
    row("std invalid", 0, FALSE, FALSE, 0, K_INVALID, 0, HATTR_NULL);
    row("si null", 1, FALSE, FALSE, 0, K_NULL, 0, HATTR_NULL);
    row("std null", 0, FALSE, FALSE, 0, K_NULL, 0, HATTR_NULL);
    /* With bInheritHandles, what is not a handle still gives NULL. */
    row("si devil inherit", 1, TRUE, FALSE, 0, K_DEVIL, 0, HATTR_NULL);
    row("si invalid inherit", 1, TRUE, FALSE, 0, K_INVALID, 0, HATTR_NULL);
    row("std null inherit", 0, TRUE, FALSE, 0, K_NULL, 0, HATTR_NULL);
}

/* detached_cui: DETACHED_PROCESS.  Only STARTUPINFO's handles reach it. */
static void test_rows_detached_child(void)
{
    const unsigned disk = HATTR_TYPE | FILE_TYPE_DISK;

    row("detached std", 0, TRUE, TRUE, 0, K_DISK, DETACHED_PROCESS,
        HATTR_NULL);
    row("detached si", 1, TRUE, TRUE, 0, K_DISK, DETACHED_PROCESS,
        disk | HATTR_INHERIT);
}

/* A child's standard handles as its own child gets them (relay), and
 * those of a parent that never set its standard handles: the child has its
 * own descriptors 0-2, not inheritable.  GetStartupInfoA says
 * INVALID_HANDLE_VALUE without STARTF_USESTDHANDLES. */
static void test_handed_down(void)
{
    STARTUPINFOA si = {sizeof si};
    struct report r;
    HANDLE rd, wr;
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};

    /* The relay's output is a pipe, not inheritable; it sets nothing. */
    CHECK_OK(CreatePipe(&rd, &wr, &sa, 0));
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    run_child("relay", TRUE, 0, &si, NULL, &r);
    CloseHandle(wr);
    /* The grandchild got the relay's standard output by value (an
     * inheritable handle, so inherited at that value). */
    CHECK_EQ(r.enc[1], HATTR_TYPE | HATTR_INHERIT | FILE_TYPE_PIPE);
    CHECK_EQ((uintptr_t)r.std[1], (uintptr_t)wr);
    CHECK_EQ(r.si_enc[1], HATTR_INVALID);
    /* Its input was NULL in the relay: NULL again. */
    CHECK_EQ(r.enc[0], HATTR_NULL);
    CloseHandle(rd);

    /* This process has set none of its standard handles (this test runs
     * first): its child gets its own descriptors 0-2 as fresh handles,
     * not inheritable, whatever bInheritHandles says. */
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    run_child("dump", TRUE, 0, &si, NULL, &r);
    for (int i = 1; i < 3; i++) {
        CHECK(r.std[i] != NULL && r.std[i] != INVALID_HANDLE_VALUE);
        CHECK_EQ(r.enc[i] & ~3u, HATTR_TYPE);
        CHECK_EQ(r.si_enc[i], HATTR_INVALID);
    }
}

/* The descriptors behind the handles: descriptor 1 of the child is the
 * stream its standard output names, also for a handle set with
 * SetStdHandle. */
static void test_descriptor_follows_handle(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    struct report r;
    HANDLE rd, wr, saved = GetStdHandle(STD_OUTPUT_HANDLE);
    char buf[32] = "";
    DWORD n = 0;

    CHECK_OK(CreatePipe(&rd, &wr, &sa, 0));
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    CHECK_OK(SetStdHandle(STD_OUTPUT_HANDLE, wr));
    run_child("dump", FALSE, 0, &si, "via-set-std", &r);
    CHECK_OK(SetStdHandle(STD_OUTPUT_HANDLE, saved));
    CloseHandle(wr);
    CHECK_OK(ReadFile(rd, buf, sizeof buf - 1, &n, NULL));
    buf[n] = '\0';
    CHECK_STR(buf, "via-set-std");
    /* A duplicate in the child, with the handle's inherit flag. */
    CHECK_EQ(r.enc[1], HATTR_TYPE | HATTR_INHERIT | FILE_TYPE_PIPE);
    CloseHandle(rd);
}

/* GetStartupInfoA in the child: what the parent passed (Wine's
 * test_Startup); the title defaults to the program's path. */
static void test_startup_fields(void)
{
    static char title[] = "I'm the title string";
    static char desktop[] = "winsta0\\default";
    STARTUPINFOA si = {sizeof si};
    struct report r;

    si.dwFlags = STARTF_USESHOWWINDOW;
    si.wShowWindow = 1; /* SW_SHOWNORMAL */
    run_child("dump", FALSE, 0, &si, NULL, &r);
    CHECK_EQ(r.flags, STARTF_USESHOWWINDOW);
    CHECK_EQ(r.show, 1);
    CHECK_EQ(r.x, 0);
    CHECK_EQ(r.fill, 0);
    CHECK_STR(r.title, self_exe);
    CHECK_STR(r.desktop, "");

    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESHOWWINDOW | STARTF_USESIZE | STARTF_USEPOSITION |
                 STARTF_USECOUNTCHARS | STARTF_USEFILLATTRIBUTE;
    si.wShowWindow = 7;
    si.lpTitle = title;
    si.lpDesktop = desktop;
    si.dwXCountChars = 0x12121212;
    si.dwYCountChars = 0x23232323;
    si.dwX = 0x34343434;
    si.dwY = 0x45454545;
    si.dwXSize = 0x56565656;
    si.dwYSize = 0x67676767;
    si.dwFillAttribute = 0xA55A;
    run_child("dump", FALSE, 0, &si, NULL, &r);
    CHECK_EQ(r.flags, si.dwFlags);
    CHECK_EQ(r.show, 7);
    CHECK_EQ(r.x, 0x34343434);
    CHECK_EQ(r.y, 0x45454545);
    CHECK_EQ(r.xsize, 0x56565656);
    CHECK_EQ(r.ysize, 0x67676767);
    CHECK_EQ(r.xchars, 0x12121212);
    CHECK_EQ(r.ychars, 0x23232323);
    CHECK_EQ(r.fill, 0xA55A);
    CHECK_STR(r.title, title);
    CHECK_STR(r.desktop, desktop);

    /* Empty strings are values too (Wine's process.c passes lpDesktop ""):
     * the child still sees every field. */
    si.lpTitle = (char *)"";
    si.lpDesktop = (char *)"";
    run_child("dump", FALSE, 0, &si, NULL, &r);
    CHECK_EQ(r.flags, si.dwFlags);
    CHECK_EQ(r.show, 7);
    CHECK_EQ(r.x, 0x34343434);
    CHECK_EQ(r.fill, 0xA55A);
    CHECK_STR(r.title, "");
    CHECK_STR(r.desktop, "");
    /* Not handed down further: the variable is gone from the child's
     * environment (checked by the relay rows' defaults). */
}

int main(int argc, char **argv)
{
    snprintf(self_exe, sizeof self_exe, "%s", test_self_exe());
    TEST_HELPERS(argc, argv, {"dump", helper_dump}, {"relay", helper_relay});
    RUN(test_handed_down);
    RUN(test_startup_fields);
    RUN(test_rows_console_child);
    RUN(test_rows_detached_child);
    RUN(test_descriptor_follows_handle);
    return TEST_SUMMARY();
}
