// echo_mpclient.cpp
//
// The client seed 003 (Chapter 11-2) uses with echo_storeserver: the
// multi-process echo client of the chapter before (Chapter 10), which it
// names but does not show. The I/O is split between two processes: the
// child sends what the user types (until "q" or "Q"), the parent prints
// what the server echoes back (until the server closes the connection).
//
// The output is printed with printf, as in the book (with cout << buf, GCC
// -O3 warns, wrongly, that read() could be given a null buffer).
//
// Changed from the book's client:
// - read_routine reads at most BUF_SIZE - 1 bytes, so that the terminating
//   0 it stores after the data stays inside buf, and it also stops when
//   read fails (-1), which the book would use as an index.
// - write_routine treats end of input like "q": fgets returns NULL at end
//   of file and leaves buf as it was, so the book's loop would send its
//   last line again forever.

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sys/socket.h>
#include <unistd.h>

using namespace std;

#define BUF_SIZE 30
void error_handling(const char *message);
void read_routine(int sock, char *buf);
void write_routine(int sock, char *buf);

int main(int argc, char *argv[])
{
    int sock;
    pid_t pid;
    char buf[BUF_SIZE];
    struct sockaddr_in serv_adr;

    if (argc != 3) {
        cout << "Usage : " << argv[0] << " <IP> <port>\n";
        exit(1);
    }

    sock = socket(PF_INET, SOCK_STREAM, 0);
    memset(&serv_adr, 0, sizeof(serv_adr));
    serv_adr.sin_family = AF_INET;
    serv_adr.sin_addr.s_addr = inet_addr(argv[1]);
    serv_adr.sin_port = htons(atoi(argv[2]));

    if (connect(sock, (struct sockaddr *)&serv_adr, sizeof(serv_adr)) == -1)
        error_handling("connect() error!");

    pid = fork();
    if (pid == 0)
        write_routine(sock, buf);
    else
        read_routine(sock, buf);

    close(sock);
    return 0;
}

void read_routine(int sock, char *buf)
{
    while (1) {
        int str_len = read(sock, buf, BUF_SIZE - 1); // book: BUF_SIZE
        if (str_len <= 0)                            // book: == 0
            return;

        buf[str_len] = 0;
        printf("Message from server: %s", buf);
    }
}

void write_routine(int sock, char *buf)
{
    while (1) {
        if (fgets(buf, BUF_SIZE, stdin) == NULL || // book: no NULL check
            !strcmp(buf, "q\n") || !strcmp(buf, "Q\n")) {
            shutdown(sock, SHUT_WR);
            return;
        }
        write(sock, buf, strlen(buf));
    }
}

void error_handling(const char *message)
{
    fputs(message, stderr);
    fputc('\n', stderr);
    exit(1);
}
