/*
 * pipe_parent_child.c
 *
 * Seed 004: a parent creates a pipe and forks; the child inherits both
 * descriptors, so parent and child share the pipe.  The parent writes
 * "hello", the child reads it into bufin, and each prints its buffers:
 * the parent's bufin still holds "empty", the child's holds "hello".
 *
 * As the seed stresses, read() need not return everything that was asked
 * for: it succeeds as soon as it has read one byte, so the child could see
 * only "hel" laid over "empty" ("helty").  The child therefore checks how
 * much it got.  If the child reads before the parent has written, read()
 * blocks, because a writer (parent and child both hold fd[1]) exists: who
 * runs first does not matter.
 *
 * The seed describes this program without its listing; this is written
 * from the description.
 */
#define _POSIX_C_SOURCE 200809L /* pid_t, fork, pipe, mkfifo in C11 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BUFSIZE 10

int main(void)
{
    char bufin[BUFSIZE] = "empty";
    char bufout[] = "hello";
    int bytesin;
    pid_t childpid;
    int fd[2];

    if (pipe(fd) == -1) {
        perror("Failed to create the pipe");
        return 1;
    }
    bytesin = (int)strlen(bufin);
    childpid = fork();
    if (childpid == -1) {
        perror("Failed to fork");
        return 1;
    }
    if (childpid) { /* parent code */
        if (write(fd[1], bufout, strlen(bufout) + 1) == -1) {
            perror("Failed to write to the pipe");
            return 1;
        }
    } else { /* child code */
        bytesin = (int)read(fd[0], bufin, BUFSIZE);
        if (bytesin == -1) {
            perror("Failed to read from the pipe");
            return 1;
        }
        if ((size_t)bytesin < strlen(bufout) + 1)
            fprintf(stderr, "[%ld] child: short read, %d bytes\n",
                    (long)getpid(), bytesin);
    }
    fprintf(stderr, "[%ld] %s: my bufin is {%.*s}, my bufout is {%s}\n",
            (long)getpid(), childpid ? "parent" : "child", bytesin, bufin,
            bufout);
    return 0;
}
