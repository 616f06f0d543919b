/*
 * replay_main.c: runs the fuzz target over a corpus without libFuzzer
 * (any compiler), so that ctest replays it everywhere: each file as it
 * is, then every single-byte change of it to a few values and every
 * truncation, all in a fixed order.
 *
 *   fuzz_mailslot_net_replay DIR-OR-FILE...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long runs;

static void replay_buffer(uint8_t *buf, size_t n)
{
    static const uint8_t values[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
    LLVMFuzzerTestOneInput(buf, n);
    runs++;
    for (size_t i = 0; i < n; i++) {
        uint8_t keep = buf[i];
        for (size_t v = 0; v < sizeof values; v++) {
            buf[i] = values[v];
            LLVMFuzzerTestOneInput(buf, n);
            buf[i] = (uint8_t)(keep ^ (1u << v));
            LLVMFuzzerTestOneInput(buf, n);
            runs += 2;
        }
        buf[i] = keep;
    }
    for (size_t cut = 0; cut < n; cut++, runs++)
        LLVMFuzzerTestOneInput(buf, cut);
}

static int replay_file(const char *path)
{
    static uint8_t buf[1 << 16];
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f) {
        perror(path);
        return 1;
    }
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    replay_buffer(buf, n);
    return 0;
}

int main(int argc, char **argv)
{
    int bad = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        DIR *d;
        struct dirent *e;
        if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            bad |= replay_file(argv[i]);
            files++;
            continue;
        }
        d = opendir(argv[i]);
        while (d && (e = readdir(d))) {
            char path[4096];
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            bad |= replay_file(path);
            files++;
        }
        if (d)
            closedir(d);
    }
    printf("replayed %d files, %lu inputs\n", files, runs);
    printf("%d passed, %d failed\n", bad ? 0 : 1, bad ? 1 : 0);
    return bad || files == 0;
}
