// echo_storeserver.cpp
//
// Seed 003 (Chapter 11-2): the multi-process echo server, extended so that
// the strings clients send are also stored in a file, in the order the
// server receives them. A separate process does the storing: every child
// that serves a client writes what it echoes into a pipe, and the writer
// process reads the pipe and writes echomsg.txt (after ten reads it closes
// the file and ends). Clients use echo_mpclient.cpp.
//
// Changed from the seed:
// - The server listens on 127.0.0.1 (INADDR_LOOPBACK) instead of every
//   address (INADDR_ANY): this example must not be reachable from outside.
// - <cstdlib> and <cstring> are included for exit, atoi and memset (the
//   seed relied on other headers pulling them in, which they need not do).
// - error_handling takes a const char *: C++ does not convert a string
//   literal to char *, so the seed's calls did not compile.

#include <arpa/inet.h>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace std;

#define BUF_SIZE 100
void error_handling(const char *message);
void read_childproc(int sig);

int main(int argc, char *argv[])
{
    int serv_sock, clnt_sock;
    struct sockaddr_in serv_adr, clnt_adr;

    int fds[2];
    pid_t pid;
    struct sigaction act;
    socklen_t adr_sz;
    int str_len, state;
    char buf[BUF_SIZE];

    if (argc != 2) {
        cout << "Usage : " << argv[0] << " <port>\n";
        exit(1);
    }

    act.sa_handler = read_childproc;
    sigemptyset(&act.sa_mask);
    act.sa_flags = 0;
    state = sigaction(SIGCHLD, &act, 0);
    (void)state; // Changed from the seed: the result was stored, not used.

    serv_sock = socket(PF_INET, SOCK_STREAM, 0);
    memset(&serv_adr, 0, sizeof(serv_adr));
    serv_adr.sin_family = AF_INET;
    serv_adr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); // seed: INADDR_ANY
    serv_adr.sin_port = htons(atoi(argv[1]));

    if (::bind(serv_sock, (sockaddr *)&serv_adr, sizeof(serv_adr)) == -1)
        error_handling("bind() error");

    if (::listen(serv_sock, 5) == -1)
        error_handling("listen() error");

    pipe(fds);
    pid = fork();
    if (pid == 0) {
        FILE *fp = fopen("echomsg.txt", "wt");
        char msgbuf[BUF_SIZE];

        for (int i = 0; i < 10; i++) {
            int len = read(fds[0], msgbuf, BUF_SIZE);
            fwrite((void *)msgbuf, 1, len, fp);
        }
        fclose(fp);
        return 0;
    }

    while (1) {
        adr_sz = sizeof(clnt_adr);
        clnt_sock = accept(serv_sock, (struct sockaddr *)&clnt_adr, &adr_sz);
        if (clnt_sock == -1)
            continue;
        else
            cout << "new client connected..." << endl;

        pid = fork();
        if (pid == -1) {
            close(clnt_sock);
            continue;
        } else if (pid == 0) {
            close(serv_sock);
            while ((str_len = read(clnt_sock, buf, BUF_SIZE)) != 0) {
                write(clnt_sock, buf, str_len);
                write(fds[1], buf, str_len);
            }

            close(clnt_sock);
            cout << "client disconnected..." << endl;
            return 0;
        } else
            close(clnt_sock);
    }
    close(serv_sock);
    return 0;
}

void read_childproc(int /* sig */)
{
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);

    if (WIFEXITED(status))
        cout << "Removed proc id : " << pid << endl;
}

void error_handling(const char *message)
{
    fputs(message, stderr);
    fputc('\n', stderr);
    exit(1);
}
