/*
 * fifo_unlink.c
 *
 * Seed 004: a FIFO stays until it is removed, like an ordinary file: with
 * rm, or with unlink() on its path, as here.
 *
 * Usage: fifo_unlink FIFO_PATH
 */
#define _POSIX_C_SOURCE 200809L /* pid_t, fork, pipe, mkfifo in C11 */

#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "Usage: %s FIFO_PATH\n", argv[0]);
        return 1;
    }
    if (unlink(argv[1]) == -1) {
        perror("Failed to unlink the FIFO");
        return 1;
    }
    fprintf(stderr, "unlinked %s\n", argv[1]);
    return 0;
}
