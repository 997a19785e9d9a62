/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* replay_main.c - main() for fuzz targets built without libFuzzer (plain
 * gcc in `make unit`): feeds every file named on the command line, and
 * every regular file in every directory named there (sorted), to
 * LLVMFuzzerTestOneInput. Each input runs in a forked child so that one
 * crasher does not hide the others; REPLAY_NOFORK=1 runs them in-process
 * (for gdb). Prints "replayed N inputs, M failed"; exits 1 on any failure
 * or when there was nothing to replay. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

struct counts {
        unsigned replayed, failed;
};

static int read_input(const char *path, uint8_t **ret, size_t *ret_len) {
        int fd = open(path, O_RDONLY | O_CLOEXEC), r;
        char *buf = NULL;

        if (fd < 0)
                return -errno;
        r = read_all(fd, 64u << 20, &buf, ret_len);
        close(fd);
        *ret = (uint8_t *)buf;
        return r;
}

/* Runs one input; returns 0 if it passed. */
static int run_one(const char *path) {
        uint8_t *data = NULL;
        size_t len = 0;
        int r = read_input(path, &data, &len), status;
        pid_t pid;

        if (r < 0) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(-r));
                return -1;
        }
        if (getenv("REPLAY_NOFORK")) {
                LLVMFuzzerTestOneInput(data, len);
                free(data);
                return 0;
        }
        fflush(NULL);
        pid = fork();
        if (pid < 0) {
                fprintf(stderr, "replay: fork: %s\n", strerror(errno));
                free(data);
                return -1;
        }
        if (pid == 0) {
                LLVMFuzzerTestOneInput(data, len);
                _exit(0);
        }
        free(data);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFSIGNALED(status))
                fprintf(stderr, "replay: FAILED %s (signal %d)\n", path, WTERMSIG(status));
        else
                fprintf(stderr, "replay: FAILED %s (exit status %d)\n", path, WEXITSTATUS(status));
        return -1;
}

static int cmp_names(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static int only_files(const struct dirent *d) { return d->d_name[0] != '.'; }

static void replay_path(const char *path, struct counts *c) {
        struct stat st;
        struct dirent **list = NULL;
        int n;

        if (stat(path, &st) < 0) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
                c->failed++;
                return;
        }
        if (!S_ISDIR(st.st_mode)) {
                c->replayed++;
                if (run_one(path) < 0)
                        c->failed++;
                return;
        }
        n = scandir(path, &list, only_files, cmp_names);
        if (n < 0) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
                c->failed++;
                return;
        }
        for (int i = 0; i < n; i++) {
                char *full = NULL;
                if (asprintf(&full, "%s/%s", path, list[i]->d_name) >= 0 && stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
                        c->replayed++;
                        if (run_one(full) < 0)
                                c->failed++;
                }
                free(full);
                free(list[i]);
        }
        free(list);
}

int main(int argc, char **argv) {
        struct counts c = {0, 0};

        if (argc < 2) {
                fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
                return 2;
        }
        if (LLVMFuzzerInitialize)
                LLVMFuzzerInitialize(&argc, &argv);
        for (int i = 1; i < argc; i++)
                replay_path(argv[i], &c);
        printf("replayed %u inputs, %u failed\n", c.replayed, c.failed);
        if (c.replayed == 0) {
                fprintf(stderr, "replay: nothing to replay\n");
                return 1;
        }
        return c.failed ? 1 : 0;
}
