/*
 * npipe_instances: nMaxInstances, FILE_FLAG_FIRST_PIPE_INSTANCE, and what
 * clients get when every instance is busy.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_instances"
#define NAME2 "\\\\.\\pipe\\winipc_conf_npipe_instances_2"

static HANDLE server(const char *label, const char *name, DWORD flags,
                     DWORD max)
{
    HANDLE h;
    CHECK_CREATED(label, h,
                 CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | flags,
                                  PIPE_TYPE_BYTE, max, 1024, 1024, 0, NULL));
    return h;
}

int main(void)
{
    HANDLE s1, s2, s3, c1, c2, c3;

    SECTION("one instance");
    s1 = server("CreateNamedPipeA(nMaxInstances 1)", NAME, 0, 1);
    s2 = server("CreateNamedPipeA(second instance)", NAME, 0, 1);
    c1 = conf_check_pipe_client("CreateFileA(first client)", NAME);
    c2 = conf_check_pipe_client("CreateFileA(second client)", NAME);
    CHECK_BOOL("WaitNamedPipeA(all busy, 100)", WaitNamedPipeA(NAME, 100));
    CloseHandle(c1);
    CloseHandle(s1);

    SECTION("FILE_FLAG_FIRST_PIPE_INSTANCE");
    s1 = server("CreateNamedPipeA(first instance, FIRST_PIPE_INSTANCE)", NAME2,
                FILE_FLAG_FIRST_PIPE_INSTANCE, 2);
    s2 = server("CreateNamedPipeA(second instance, FIRST_PIPE_INSTANCE)", NAME2,
                FILE_FLAG_FIRST_PIPE_INSTANCE, 2);
    if (s2 != INVALID_HANDLE_VALUE)
        CloseHandle(s2);
    s2 = server("CreateNamedPipeA(second instance)", NAME2, 0, 2);
    s3 = server("CreateNamedPipeA(third instance of 2)", NAME2, 0, 2);

    SECTION("two instances, three clients");
    c1 = conf_check_pipe_client("CreateFileA(first client)", NAME2);
    c2 = conf_check_pipe_client("CreateFileA(second client)", NAME2);
    c3 = conf_check_pipe_client("CreateFileA(third client)", NAME2);
    CHECK_BOOL("WaitNamedPipeA(all busy, 0)", WaitNamedPipeA(NAME2, 0));
    CloseHandle(c1);
    CloseHandle(s1);
    s1 = server("CreateNamedPipeA(again, after one closed)", NAME2, 0, 2);
    CHECK_BOOL("WaitNamedPipeA(free instance, 0)", WaitNamedPipeA(NAME2, 0));
    c1 = conf_check_pipe_client("CreateFileA(client of it)", NAME2);
    CloseHandle(c1);
    CloseHandle(c2);
    CloseHandle(s1);
    CloseHandle(s2);

    SECTION("PIPE_UNLIMITED_INSTANCES");
    s1 = server("CreateNamedPipeA(unlimited)", NAME, 0,
                PIPE_UNLIMITED_INSTANCES);
    s2 = server("CreateNamedPipeA(unlimited, second)", NAME, 0,
                PIPE_UNLIMITED_INSTANCES);
    s3 = server("CreateNamedPipeA(unlimited, third)", NAME, 0,
                PIPE_UNLIMITED_INSTANCES);
    CloseHandle(s1);
    CloseHandle(s2);
    CloseHandle(s3);
    (void)c3;
    CONF_DONE();
}
