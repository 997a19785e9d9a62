/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* proctree.c - see proctree.h. */
#define _GNU_SOURCE
#include "proctree.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"

int proctree_open(void) {
        int fd;

        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                return negative_errno();
        fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        return fd < 0 ? negative_errno() : fd;
}

size_t proctree_parse(const char *text, pid_t *pids, size_t max) {
        size_t n = 0;

        while (*text && n < max) {
                char *end;
                long v;

                while (*text == ' ' || *text == '\n')
                        text++;
                if (!*text)
                        break;
                errno = 0;
                v = strtol(text, &end, 10);
                if (end == text || errno != 0 || (*end != ' ' && *end != '\n'))
                        break; /* garbage, or cut off at the buffer's end */
                if (v > 0 && v <= INT32_MAX)
                        pids[n++] = (pid_t)v;
                text = end;
        }
        return n;
}

/* Reaps what has exited without blocking; returns how many. */
static unsigned reap_ready(void) {
        unsigned n = 0;

        for (;;) {
                pid_t w = waitpid(-1, NULL, WNOHANG | __WALL);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return n;
                n++;
        }
}

int proctree_kill(int fd) {
        for (;;) {
                char buf[4096];
                pid_t pids[ELEMENTSOF(buf) / 2];
                size_t n;
                ssize_t k;

                /* pread at 0 regenerates the seq_file: always the current list */
                do
                        k = pread(fd, buf, sizeof(buf) - 1, 0);
                while (k < 0 && errno == EINTR);
                if (k < 0)
                        return negative_errno();
                buf[k] = 0;
                n = proctree_parse(buf, pids, ELEMENTSOF(pids));
                if (n == 0) {
                        (void)reap_ready();
                        return 0;
                }
                for (size_t i = 0; i < n; i++)
                        (void)kill(pids[i], SIGKILL);
                /* At least one listed child exists (maybe a zombie): wait for one. */
                if (reap_ready() == 0) {
                        pid_t w;
                        do
                                w = waitpid(-1, NULL, __WALL);
                        while (w < 0 && errno == EINTR);
                        if (w < 0 && errno == ECHILD)
                                return 0;
                }
        }
}
