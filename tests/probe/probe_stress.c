/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: process, memory and CPU subcommands (reaper and limit tests).
 * Owns: the children and threads it creates; it reaps or kills them itself.
 * Runs in: the sandboxed payload.
 */
#include "probe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Children must never run the parent's stdio buffers or atexit handlers. */
static pid_t fork_flushed(void)
{
        fflush(NULL);
        return fork();
}

static void sleep_forever(void)
{
        for (;;)
                pause();
}

/* Count processes in state Z visible in /proc, printing each one. */
static int count_zombies(void)
{
        DIR *d = opendir("/proc");
        struct dirent *de;
        int zombies = 0;

        if (!d)
                return -1;
        while ((de = readdir(d))) {
                char path[300], buf[512], *rp;
                FILE *f;
                size_t n;

                if (!isdigit((unsigned char)de->d_name[0]))
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
                f = fopen(path, "re");
                if (!f)
                        continue;
                n = fread(buf, 1, sizeof(buf) - 1, f);
                fclose(f);
                buf[n] = '\0';
                /* comm may hold spaces and parentheses: state follows the last ')'. */
                rp = strrchr(buf, ')');
                if (rp && rp[1] == ' ' && rp[2] == 'Z') {
                        zombies++;
                        printf("zombie=%s\n", de->d_name);
                }
        }
        closedir(d);
        return zombies;
}

int cmd_orphans(int argc, char **argv)
{
        long n = probe_parse_long(argv[1], "count");

        (void)argc;
        for (long i = 0; i < n; i++) {
                pid_t child = fork_flushed();

                if (child < 0)
                        return probe_fail_errno("fork", errno);
                if (child == 0) {
                        pid_t grandchild = fork();

                        if (grandchild == 0) {
                                probe_sleep(0.2);
                                _exit(0);
                        }
                        _exit(grandchild < 0 ? 1 : 0);
                }
                while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        probe_sleep(1.0);
        printf("orphans=%ld\n", n);
        printf("zombies=%d\n", count_zombies());
        return 0;
}

int cmd_ignore_term_fork(int argc, char **argv)
{
        long n = probe_parse_long(argv[1], "count");

        (void)argc;
        signal(SIGTERM, SIG_IGN);
        for (long i = 0; i < n; i++) {
                pid_t child = fork_flushed();

                if (child < 0)
                        return probe_fail_errno("fork", errno);
                if (child == 0)
                        sleep_forever();
        }
        printf("ready\n");
        fflush(stdout);
        sleep_forever();
        return 0;
}

int cmd_memhog(int argc, char **argv)
{
        long mb = probe_parse_long(argv[1], "size in MiB");
        size_t len = (size_t)mb << 20;
        long page = sysconf(_SC_PAGESIZE);
        volatile char *p;

        (void)argc;
        p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
                return probe_fail_errno("mmap", errno);
        for (size_t off = 0; off < len; off += (size_t)page)
                p[off] = 1;
        printf("touched=%ld\n", mb);
        return 0;
}

/* forkbomb N [HOLD]: fork N children that sleep (and die with us); report
 * successes and EAGAIN failures, hold HOLD seconds, then kill and reap. */
int cmd_forkbomb(int argc, char **argv)
{
        long n = probe_parse_long(argv[1], "count");
        double hold = argc > 2 ? probe_parse_seconds(argv[2]) : 0;
        pid_t *kids = calloc((size_t)n + 1, sizeof(*kids));
        long ok = 0, eagain = 0, other = 0;

        if (!kids)
                return probe_fail_errno("calloc", ENOMEM);
        for (long i = 0; i < n; i++) {
                pid_t child = fork_flushed();

                if (child == 0) {
                        prctl(PR_SET_PDEATHSIG, SIGKILL);
                        sleep_forever();
                }
                if (child > 0)
                        kids[ok++] = child;
                else if (errno == EAGAIN)
                        eagain++;
                else
                        other++;
        }
        printf("forked=%ld\neagain=%ld\nother=%ld\n", ok, eagain, other);
        fflush(stdout);
        probe_sleep(hold);
        for (long i = 0; i < ok; i++)
                kill(kids[i], SIGKILL);
        for (long i = 0; i < ok; i++)
                while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
                        ;
        free(kids);
        return 0;
}

int cmd_burn(int argc, char **argv)
{
        double seconds = probe_parse_seconds(argv[1]);
        double start = probe_now();
        volatile unsigned long spin = 0;
        struct rusage ru;

        (void)argc;
        while (probe_now() - start < seconds)
                for (int i = 0; i < 100000; i++)
                        spin++;
        getrusage(RUSAGE_SELF, &ru);
        printf("burned=%.3f\ncpu_us=%lld\n", probe_now() - start,
               (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
                       (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec);
        return 0;
}

static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t threads_cond = PTHREAD_COND_INITIALIZER;
static int threads_release;

static void *thread_wait(void *arg)
{
        (void)arg;
        pthread_mutex_lock(&threads_lock);
        while (!threads_release)
                pthread_cond_wait(&threads_cond, &threads_lock);
        pthread_mutex_unlock(&threads_lock);
        return NULL;
}

/* threads N [HOLD]: start N waiting threads, hold, then release and join. */
int cmd_threads(int argc, char **argv)
{
        long n = probe_parse_long(argv[1], "count");
        double hold = argc > 2 ? probe_parse_seconds(argv[2]) : 0;
        pthread_t *tids = calloc((size_t)n + 1, sizeof(*tids));
        long ok = 0, eagain = 0, other = 0;
        pthread_attr_t attr;

        if (!tids)
                return probe_fail_errno("calloc", ENOMEM);
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 64 * 1024);
        for (long i = 0; i < n; i++) {
                int r = pthread_create(&tids[ok], &attr, thread_wait, NULL);

                if (r == 0)
                        ok++;
                else if (r == EAGAIN)
                        eagain++;
                else
                        other++;
        }
        printf("threads=%ld\neagain=%ld\nother=%ld\n", ok, eagain, other);
        fflush(stdout);
        probe_sleep(hold);
        pthread_mutex_lock(&threads_lock);
        threads_release = 1;
        pthread_cond_broadcast(&threads_cond);
        pthread_mutex_unlock(&threads_lock);
        for (long i = 0; i < ok; i++)
                pthread_join(tids[i], NULL);
        free(tids);
        return 0;
}
