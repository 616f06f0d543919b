/*
 * posix_trace.c: where the trace switch writes (core/trace.c): standard
 * error or a file named by WINIPC_TRACE_FILE.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"

/*
 * The file may be in a shared directory such as /tmp, where another user
 * can plant a link or a FIFO under the name: the last component is never
 * followed (O_NOFOLLOW), the open never waits for a FIFO's reader
 * (O_NONBLOCK, cleared after the checks), and what was opened must be a
 * regular file or a FIFO of this user, or a character device (/dev/null,
 * a terminal), which only root can make.
 */
DWORD wipc_plat_trace_open(const char *path, int *out)
{
    struct stat st;
    int fd = open(path,
                  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
                      O_NONBLOCK | O_NOCTTY,
                  0600);
    if (fd < 0)
        return wipc_plat_error(errno);
    if (fstat(fd, &st) != 0 ||
        !(S_ISCHR(st.st_mode) ||
          ((S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)) &&
           st.st_uid == geteuid())) ||
        fcntl(fd, F_SETFL, O_APPEND) != 0) {
        close(fd);
        return ERROR_ACCESS_DENIED;
    }
    *out = fd;
    return 0;
}

/* One write(2) for the whole line, so that lines of several threads and
 * processes never mix; errno is left as it was. */
void wipc_plat_trace_write(int fd, const char *line, size_t len)
{
    int saved = errno;
    ssize_t n;
    do
        n = write(fd, line, len);
    while (n < 0 && errno == EINTR);
    errno = saved;
}
