// pipe1.cpp
//
// Seed 003 (Chapter 11-1): pipe() example. The child writes a string into
// the pipe, the parent reads it and prints it.
//
// Changed from the seed: the unused parameters of main are left unnamed,
// because -Wextra warns about them and the build treats warnings as errors.

#include <iostream>
#include <unistd.h>

using namespace std;

#define BUF_SIZE 30

int main(int /* argc */, char * /* argv */[])
{
    int fds[2];
    char str[] = "Who are you?";
    char buf[BUF_SIZE];
    pid_t pid;

    pipe(fds);
    pid = fork();
    if (pid == 0)
        write(fds[1], str, sizeof(str));
    else {
        read(fds[0], buf, BUF_SIZE);
        cout << buf << endl;
    }
    return 0;
}
