/*
 * npipe_process_servers: instances of one pipe name created by two server
 * processes: nMaxInstances counts them all, clients reach either, an open
 * mode that disagrees with the first instance is refused, and
 * FILE_FLAG_FIRST_PIPE_INSTANCE fails while another process has an
 * instance, and succeeds once that process has exited.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_process_servers"
#define NAME2 "\\\\.\\pipe\\winipc_conf_npipe_process_servers_2"
#define NAME3 "\\\\.\\pipe\\winipc_conf_npipe_process_servers_3"
#define NAME4 "\\\\.\\pipe\\winipc_conf_npipe_process_servers_4"
#define NAME5 "\\\\.\\pipe\\winipc_conf_npipe_process_servers_5"

static const char *pipe_name(int key)
{
    return key == 1   ? NAME
           : key == 2 ? NAME2
           : key == 3 ? NAME3
           : key == 4 ? NAME4
                      : NAME5;
}

/*
 * The child: "server KEY ACCESS MAX FIRST ECHO RESULT_W CTL_R" creates an
 * instance of pipe KEY (ACCESS d, i or o: duplex, inbound, outbound; FIRST:
 * with FILE_FLAG_FIRST_PIPE_INSTANCE), writes the result (0 or the error)
 * to RESULT_W, and if it has an instance: with ECHO 1, waits for a client
 * and answers its first message with "child:" + the message; with ECHO 2,
 * does so for two clients in turn, each until it closes, disconnecting it
 * and listening again; then waits for the parent's order and exits (with 0
 * either way).
 */
static int child_main(int argc, char **argv)
{
    DWORD open_mode, err = 0, n;
    HANDLE h, ctl;
    int echo, round;
    char buf[64], reply[80];

    if (argc < 9 || strcmp(argv[1], "server") != 0)
        return 99;
    open_mode = argv[3][0] == 'i'   ? PIPE_ACCESS_INBOUND
                : argv[3][0] == 'o' ? PIPE_ACCESS_OUTBOUND
                                    : PIPE_ACCESS_DUPLEX;
    if (atoi(argv[5]))
        open_mode |= FILE_FLAG_FIRST_PIPE_INSTANCE;
    ctl = conf_handle_arg(argv[8]);
    h = CreateNamedPipeA(pipe_name(atoi(argv[2])), open_mode, PIPE_TYPE_BYTE,
                         (DWORD)atoi(argv[4]), 1024, 1024, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        err = GetLastError();
    if (!WriteFile(conf_handle_arg(argv[7]), &err, sizeof err, &n, NULL))
        return 2;
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    echo = atoi(argv[6]);
    for (round = 0; round < echo; round++) {
        if (!ConnectNamedPipe(h, NULL) &&
            GetLastError() != ERROR_PIPE_CONNECTED &&
            GetLastError() != ERROR_NO_DATA)
            return 3;
        n = 0;
        if (ReadFile(h, buf, sizeof buf, &n, NULL)) {
            memcpy(reply, "child:", 6);
            memcpy(reply + 6, buf, n);
            if (!WriteFile(h, reply, n + 6, &n, NULL))
                return 5;
        } else if (echo == 1) {
            return 4;
        }
        if (echo == 1)
            break;
        while (ReadFile(h, buf, sizeof buf, &n, NULL))
            ; /* until the client closes */
        DisconnectNamedPipe(h);
    }
    conf_await(ctl);
    return 0;
}

struct child_server {
    PROCESS_INFORMATION pi;
    HANDLE ctl_w;
};

/* Starts a server child and prints what its CreateNamedPipeA answered, as
 * CHECK_CREATED prints it. */
static void start_server(struct child_server *cs, const char *label, int key,
                         char access, DWORD max, int first, int echo)
{
    HANDLE ctl_r, res_r, res_w;
    char args[160], spawned[200];
    DWORD err = 12345, n = 0;

    conf_child_pipe(&ctl_r, &cs->ctl_w, 1);
    conf_child_pipe(&res_r, &res_w, 0);
    snprintf(args, sizeof args, "server %d %c %u %d %d %llu %llu", key, access,
             (unsigned)max, first, echo, CONF_HANDLE_ARG(res_w),
             CONF_HANDLE_ARG(ctl_r));
    snprintf(spawned, sizeof spawned, "CreateProcessA(%s)", label);
    cs->pi = conf_spawn(spawned, args, TRUE);
    CloseHandle(ctl_r);
    CloseHandle(res_w);
    if (!ReadFile(res_r, &err, sizeof err, &n, NULL) || n != sizeof err)
        printf("  %s: no answer\n", label);
    else if (err)
        printf("  %s: INVALID_HANDLE_VALUE, %s\n", label, conf_error(err));
    else
        printf("  %s: handle\n", label);
    CloseHandle(res_r);
}

static void stop_server(struct child_server *cs)
{
    conf_order(cs->ctl_w, 'x');
    conf_finish("  ended", &cs->pi);
    CloseHandle(cs->ctl_w);
}

static HANDLE server(const char *label, const char *name, DWORD flags,
                     DWORD max)
{
    HANDLE h;
    CHECK_CREATED(label, h,
                  CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | flags,
                                   PIPE_TYPE_BYTE, max, 1024, 1024, 0, NULL));
    return h;
}

static HANDLE open5(const char *label)
{
    HANDLE h;
    CHECK_HANDLE(label, h,
                 CreateFileA(NAME5, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));
    return h;
}

/* A message to the child's instance, and its answer. */
static void echo5(const char *who, HANDLE c)
{
    char label[64], buf[32] = {0};
    DWORD n = 77;
    snprintf(label, sizeof label, "WriteFile(%s, \"hi\")", who);
    CHECK_BOOL(label, WriteFile(c, "hi", 2, &n, NULL));
    snprintf(label, sizeof label, "ReadFile(%s)", who);
    CHECK_BOOL(label, ReadFile(c, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

static void instances(const char *label, HANDLE h)
{
    DWORD cur = 77;
    CHECK_BOOL(label,
               GetNamedPipeHandleStateA(h, NULL, &cur, NULL, NULL, NULL, 0));
    SHOW_UINT("  current instances", cur);
}

int main(int argc, char **argv)
{
    struct child_server a, b;
    HANDLE s1, s2, c1, c2, c3;
    ULONG pid;
    DWORD n;
    char buf[32] = {0};

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("two server processes, nMaxInstances 2");
    s1 = server("CreateNamedPipeA(nMaxInstances 2)", NAME, 0, 2);
    start_server(&a, "child CreateNamedPipeA(second instance)", 1, 'd', 2, 0,
                 1);
    s2 = server("CreateNamedPipeA(third instance)", NAME, 0, 2);
    start_server(&b, "child CreateNamedPipeA(third instance)", 1, 'd', 2, 0, 0);
    stop_server(&b);
    instances("GetNamedPipeHandleStateA(server)", s1);

    SECTION("clients of both processes' instances");
    c1 = conf_check_pipe_client("CreateFileA(first client)", NAME);
    CHECK_BOOL("ConnectNamedPipe(this process's instance)",
               ConnectNamedPipe(s1, NULL));
    c2 = conf_check_pipe_client("CreateFileA(second client)", NAME);
    c3 = conf_check_pipe_client("CreateFileA(third client)", NAME);
    pid = 0;
    CHECK_BOOL("GetNamedPipeServerProcessId(first client)",
               GetNamedPipeServerProcessId(c1, &pid));
    CHECK_TRUE("  == this process's id", pid == GetCurrentProcessId());
    pid = 0;
    CHECK_BOOL("GetNamedPipeServerProcessId(second client)",
               GetNamedPipeServerProcessId(c2, &pid));
    CHECK_TRUE("  == the child's id", pid == a.pi.dwProcessId);
    CHECK_BOOL("WriteFile(second client, \"ping\")",
               WriteFile(c2, "ping", 4, &n, NULL));
    n = 77;
    CHECK_BOOL("ReadFile(second client)",
               ReadFile(c2, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    CHECK_BOOL("WaitNamedPipeA(both instances busy, 0)",
               WaitNamedPipeA(NAME, 0));

    SECTION("the other server process exits");
    stop_server(&a);
    n = 77;
    CHECK_BOOL("ReadFile(second client)",
               ReadFile(c2, buf, sizeof buf, &n, NULL));
    instances("GetNamedPipeHandleStateA(server)", s1);
    s2 = server("CreateNamedPipeA(second instance again)", NAME, 0, 2);
    CloseHandle(s2);
    CloseHandle(c2);
    CloseHandle(c1);
    CloseHandle(s1);
    (void)c3;

    SECTION("instances must agree with the first");
    s1 = server("CreateNamedPipeA(duplex, nMaxInstances 4)", NAME2, 0, 4);
    start_server(&a, "child CreateNamedPipeA(inbound)", 2, 'i', 4, 0, 0);
    stop_server(&a);
    start_server(&a, "child CreateNamedPipeA(outbound)", 2, 'o', 4, 0, 0);
    stop_server(&a);
    start_server(&a, "child CreateNamedPipeA(duplex, nMaxInstances 3)", 2, 'd',
                 3, 0, 0);
    instances("GetNamedPipeHandleStateA(server)", s1);
    stop_server(&a);
    CloseHandle(s1);

    SECTION("FILE_FLAG_FIRST_PIPE_INSTANCE, this process first");
    s1 = server("CreateNamedPipeA(FIRST_PIPE_INSTANCE)", NAME3,
                FILE_FLAG_FIRST_PIPE_INSTANCE, 2);
    start_server(
        &a, "child CreateNamedPipeA(FIRST_PIPE_INSTANCE) after this process", 3,
        'd', 2, 1, 0);
    stop_server(&a);
    start_server(&a,
                 "child CreateNamedPipeA(without the flag) after this process",
                 3, 'd', 2, 0, 0);
    stop_server(&a);
    CloseHandle(s1);

    SECTION("a client goes to the instance listening the longest");
    CHECK_CREATED("CreateNamedPipeA(PIPE_NOWAIT, nMaxInstances 2)", s1,
                  CreateNamedPipeA(NAME5, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_BYTE | PIPE_NOWAIT, 2, 1024, 1024,
                                   0, NULL));
    start_server(&a,
                 "child CreateNamedPipeA(second instance, serves 2 clients)", 5,
                 'd', 2, 0, 2);
    c1 = open5("CreateFileA(first client)");
    CHECK_BOOL("ConnectNamedPipe(this process's instance)",
               ConnectNamedPipe(s1, NULL));
    c2 = open5("CreateFileA(second client)");
    pid = 0;
    GetNamedPipeServerProcessId(c2, &pid);
    CHECK_TRUE("  its server is the child", pid == a.pi.dwProcessId);
    echo5("second client", c2);
    CloseHandle(c2);
    CloseHandle(c1);
    CHECK_BOOL("DisconnectNamedPipe(this process's instance)",
               DisconnectNamedPipe(s1));
    CHECK_BOOL("WaitNamedPipeA(the child's instance listens again, 10000)",
               WaitNamedPipeA(NAME5, 10000));
    CHECK_BOOL("ConnectNamedPipe(this process's instance, PIPE_NOWAIT)",
               ConnectNamedPipe(s1, NULL));
    c3 = open5("CreateFileA(third client)");
    pid = 0;
    GetNamedPipeServerProcessId(c3, &pid);
    CHECK_TRUE("  its server is the child, which listened first",
               pid == a.pi.dwProcessId);
    CHECK_BOOL("ConnectNamedPipe(this process's instance, PIPE_NOWAIT)",
               ConnectNamedPipe(s1, NULL));
    if (pid == a.pi.dwProcessId)
        echo5("third client", c3);
    c2 = open5("CreateFileA(fourth client)");
    CHECK_BOOL("ConnectNamedPipe(this process's instance, PIPE_NOWAIT)",
               ConnectNamedPipe(s1, NULL));
    CloseHandle(c2);
    CloseHandle(c3);
    stop_server(&a);
    CloseHandle(s1);

    SECTION("FILE_FLAG_FIRST_PIPE_INSTANCE, the child first");
    start_server(&a, "child CreateNamedPipeA(FIRST_PIPE_INSTANCE)", 4, 'd', 2,
                 1, 0);
    s1 = server("CreateNamedPipeA(FIRST_PIPE_INSTANCE) while the child has one",
                NAME4, FILE_FLAG_FIRST_PIPE_INSTANCE, 2);
    if (s1 != INVALID_HANDLE_VALUE)
        CloseHandle(s1);
    stop_server(&a);
    s1 = server("CreateNamedPipeA(FIRST_PIPE_INSTANCE) after the child exited",
                NAME4, FILE_FLAG_FIRST_PIPE_INSTANCE, 2);
    CloseHandle(s1);
    CONF_DONE();
}
