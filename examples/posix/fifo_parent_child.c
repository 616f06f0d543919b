/*
 * fifo_parent_child.c
 *
 * Seed 004: a FIFO (named pipe).  Unlike pipe(), mkfifo() only creates the
 * object, a file with a name and rwx permissions (here 644) that ls shows;
 * a process must open() it to read or write.  The parent creates the FIFO
 * and forks; the child opens it for writing and writes a message, the
 * parent opens it for reading and prints the message: this time the data
 * goes from child to parent.  The FIFO is not unlinked, so it stays in the
 * directory after both processes have ended (remove it with fifo_unlink or
 * rm).
 *
 * Usage: fifo_parent_child FIFO_PATH
 *
 * The seed describes this program without its listing; this is written
 * from the description.
 */
#define _POSIX_C_SOURCE 200809L /* pid_t, fork, pipe, mkfifo in C11 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUFSIZE 256
#define FIFO_PERM (S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH) /* 644 */

static int do_fifo_child(const char *fifoname, const char *message)
{
    char buf[BUFSIZE];
    int fd, len;

    fprintf(stderr, "[%ld] child: opening %s for writing\n", (long)getpid(),
            fifoname);
    fd = open(fifoname, O_WRONLY);
    if (fd == -1) {
        perror("child: failed to open the FIFO for writing");
        return 1;
    }
    len = snprintf(buf, sizeof(buf), "[%ld] %s", (long)getpid(), message);
    if (write(fd, buf, (size_t)len) != len) {
        perror("child: failed to write to the FIFO");
        return 1;
    }
    close(fd);
    fprintf(stderr, "[%ld] child: wrote {%s}, done\n", (long)getpid(), buf);
    return 0;
}

static int do_fifo_parent(const char *fifoname)
{
    char buf[BUFSIZE];
    ssize_t n;
    int fd;

    fprintf(stderr, "[%ld] parent: opening %s for reading\n", (long)getpid(),
            fifoname);
    fd = open(fifoname, O_RDONLY);
    if (fd == -1) {
        perror("parent: failed to open the FIFO for reading");
        return 1;
    }
    n = read(fd, buf, sizeof(buf));
    if (n == -1) {
        perror("parent: failed to read from the FIFO");
        return 1;
    }
    close(fd);
    fprintf(stderr, "[%ld] parent: read {%.*s}\n", (long)getpid(), (int)n, buf);
    return 0;
}

int main(int argc, char *argv[])
{
    pid_t childpid;
    int status, rc;

    if (argc != 2) {
        fprintf(stderr, "Usage: %s FIFO_PATH\n", argv[0]);
        return 1;
    }
    if (mkfifo(argv[1], FIFO_PERM) == -1) {
        if (errno != EEXIST) {
            fprintf(stderr, "[%ld]: failed to create the FIFO %s: %s\n",
                    (long)getpid(), argv[1], strerror(errno));
            return 1;
        }
        fprintf(stderr, "[%ld]: the FIFO %s already exists, using it\n",
                (long)getpid(), argv[1]);
    } else {
        fprintf(stderr, "[%ld]: created the FIFO %s\n", (long)getpid(),
                argv[1]);
    }

    childpid = fork();
    if (childpid == -1) {
        perror("Failed to fork");
        return 1;
    }
    if (childpid == 0) /* the child writes */
        return do_fifo_child(argv[1], "this was written by the child");
    rc = do_fifo_parent(argv[1]);
    if (waitpid(childpid, &status, 0) == -1 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        rc = 1;
    return rc;
}
