/*
 * pipe_self.c
 *
 * Seed 004: one process creates a pipe, writes into it through fd[1] and
 * reads back what it wrote through fd[0]; the seed notes that such a use is
 * of no practical value, but it shows the two ends.  Each line typed goes
 * into the pipe and comes back out.  At end of file (CTRL+D) the process
 * closes the write end: the pipe is then empty with no writer left, so
 * read() returns 0, end of file, instead of blocking.
 *
 * The seed describes this program without its listing; this is written
 * from the description.
 */
#define _POSIX_C_SOURCE 200809L /* pid_t, fork, pipe, mkfifo in C11 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BUFSIZE 256

int main(void)
{
    char buf[BUFSIZE];
    int fd[2];
    ssize_t n;

    if (pipe(fd) == -1) {
        perror("Failed to create the pipe");
        return 1;
    }
    while (fgets(buf, sizeof(buf), stdin) != NULL) {
        if (write(fd[1], buf, strlen(buf)) == -1) {
            perror("Failed to write to the pipe");
            return 1;
        }
        n = read(fd[0], buf, sizeof(buf));
        if (n == -1) {
            perror("Failed to read from the pipe");
            return 1;
        }
        printf("read %ld bytes back from the pipe: %.*s", (long)n, (int)n, buf);
    }

    /* End of file on the input: no more data will be written. */
    close(fd[1]);
    n = read(fd[0], buf, sizeof(buf));
    printf("read returned %ld: end of file, the pipe is empty and has no "
           "writer\n",
           (long)n);
    close(fd[0]);
    return 0;
}
