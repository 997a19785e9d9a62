/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* runner.c - the benchmark's launch driver (bench/, not part of sandbox).
 *
 *   runner seq WARMUP -- N1 CMD1 [ARGS...] [:: N2 CMD2 [ARGS...]]...
 *       runs each CMD WARMUP times untimed, then Ni times, the commands
 *       interleaved round-robin; one line per timed run:
 *       "index wall_us user_us sys_us maxrss_kb status tree_wall_us".
 *       wall_us ends when CMD exits (what its caller waits for). The
 *       runner is a child subreaper: processes CMD leaves behind (bwrap's
 *       monitor exits without reaping its sandbox's PID 1) come back to it
 *       and are reaped too; tree_wall_us ends when the last of them is
 *       gone, and user/sys are getrusage(RUSAGE_CHILDREN) before and
 *       after, so they cover every process of the tree, whoever reaped it.
 *       maxrss comes from wait4() of CMD (the largest of CMD and what it
 *       reaped).
 *   runner par P -- CMD [ARGS...]
 *       starts P copies at once, waits for all (and what they leave
 *       behind); prints "total_us ok failed max_single_us".
 *   A command may start with NAME=VALUE words (as env(1)): they are set
 *   for that command only, without the cost of an extra exec.
 *
 * Children get stdin and stdout on /dev/null; stderr goes to a scratch
 * file whose first lines are copied to our stderr when a run fails, so a
 * peer that cannot run says why. Written in C so that the driver adds
 * the same few microseconds (posix_spawn = clone(CLONE_VM|CLONE_VFORK))
 * to every line, the plain-exec baseline included.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int errfd = -1;
static int shown_errors;

static double now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Leading NAME=VALUE words of a command (as env(1)) set variables for
 * that command only; returns the environment to use and advances *argv. */
static char **command_env(char ***argv) {
        size_t n = 0, k = 0;
        char **a = *argv, **env;

        while (a[k] && a[k][0] != '/' && strchr(a[k], '='))
                k++;
        if (k == 0)
                return environ;
        while (environ[n])
                n++;
        env = calloc(n + k + 1, sizeof(char *));
        if (!env)
                exit(2);
        n = 0;
        for (char **e = environ; *e; e++) {
                bool overridden = false;
                for (size_t i = 0; i < k; i++) {
                        size_t len = (size_t)(strchr(a[i], '=') - a[i]);
                        if (strncmp(*e, a[i], len + 1) == 0)
                                overridden = true;
                }
                if (!overridden)
                        env[n++] = *e;
        }
        for (size_t i = 0; i < k; i++)
                env[n++] = a[i];
        *argv = a + k;
        return env;
}

static pid_t spawn_env(char **argv, char **envp) {
        posix_spawn_file_actions_t fa;
        pid_t pid;
        int r;

        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        if (errfd >= 0)
                posix_spawn_file_actions_adddup2(&fa, errfd, 2);
        r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0) {
                /* reported like a failed run (exit status 127), not fatal */
                fprintf(stderr, "runner: cannot start %s: %s\n", argv[0], strerror(r));
                pid = fork();
                if (pid == 0)
                        _exit(127);
        }
        return pid;
}

static void show_error_output(int status) {
        char buf[600];
        ssize_t k;

        if (shown_errors++ || errfd < 0)
                return;
        fprintf(stderr, "runner: a run failed (wait status 0x%x); its stderr:\n", (unsigned)status);
        k = pread(errfd, buf, sizeof(buf) - 1, 0);
        if (k > 0) {
                buf[k] = 0;
                fprintf(stderr, "%s%s", buf, buf[k - 1] == '\n' ? "" : "\n");
        }
}

static int reap(pid_t pid, struct rusage *ru) {
        int st;

        while (wait4(pid, &st, 0, ru) < 0)
                if (errno != EINTR) {
                        perror("runner: wait4");
                        exit(2);
                }
        if (errfd >= 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
                show_error_output(st);
        else if (errfd >= 0 && !shown_errors)
                (void)!ftruncate(errfd, 0);
        return st;
}

static long tv_us(struct timeval tv) { return tv.tv_sec * 1000000L + tv.tv_usec; }

/* Reaps whatever descendants came back to us (we are a subreaper) until
 * none is left. */
static void reap_orphans(void) {
        while (waitpid(-1, NULL, 0) >= 0 || errno == EINTR)
                ;
}

static long children_cpu_us(long *ret_sys) {
        struct rusage ru;

        getrusage(RUSAGE_CHILDREN, &ru);
        *ret_sys = tv_us(ru.ru_stime);
        return tv_us(ru.ru_utime);
}

/* "N CMD ARGS... :: N CMD ARGS..." -> cmds[], counts[] (argv is split in place). */
#define MAX_CMDS 32
static int split_cmds(char **argv, char **cmds[], long counts[]) {
        int k = 0;

        while (*argv && k < MAX_CMDS) {
                counts[k] = atol(*argv++);
                cmds[k++] = argv;
                while (*argv && strcmp(*argv, "::") != 0)
                        argv++;
                if (*argv)
                        *argv++ = NULL;
        }
        return k;
}

/* Round-robin: in each round every command whose share is not used up
 * runs once, so a load spike on a busy machine hits every line alike and
 * the ratios stay fair. A command with fewer runs than the largest count
 * is spread evenly over the rounds. */
static int cmd_seq(long warm, char **argv) {
        char **cmds[MAX_CMDS], **envs[MAX_CMDS];
        long counts[MAX_CMDS], done[MAX_CMDS] = {0}, max = 0;
        struct rusage ru;
        int k = split_cmds(argv, cmds, counts);

        for (int j = 0; j < k; j++) {
                envs[j] = command_env(&cmds[j]);
                if (counts[j] > max)
                        max = counts[j];
                for (long i = 0; i < warm; i++) {
                        (void)reap(spawn_env(cmds[j], envs[j]), &ru);
                        reap_orphans();
                }
        }
        for (long round = 0; round < max; round++)
                for (int j = 0; j < k; j++) {
                        if (done[j] >= counts[j] || (round + 1) * counts[j] < (done[j] + 1) * max)
                                continue;
                        long s0, s1, u0 = children_cpu_us(&s0), u1;
                        double t0 = now_us();
                        pid_t pid = spawn_env(cmds[j], envs[j]);
                        int st = reap(pid, &ru);
                        double t1 = now_us(), t2;
                        reap_orphans();
                        t2 = now_us();
                        u1 = children_cpu_us(&s1);
                        done[j]++;
                        printf("%d %.1f %ld %ld %ld %d %.1f\n", j, t1 - t0, u1 - u0, s1 - s0, ru.ru_maxrss,
                               WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), t2 - t0);
                }
        return 0;
}

static int cmd_par(long p, char **argv) {
        pid_t *pids = calloc((size_t)p, sizeof(pid_t));
        double *start = calloc((size_t)p, sizeof(double));
        double t0, maxone = 0;
        long ok = 0, failed = 0;
        char **envp = command_env(&argv);

        if (!pids || !start)
                return 2;
        t0 = now_us();
        for (long i = 0; i < p; i++) {
                start[i] = now_us();
                pids[i] = spawn_env(argv, envp);
        }
        for (long done = 0; done < p; done++) {
                int st;
                pid_t w = waitpid(-1, &st, 0);
                double t = now_us();
                bool ours = false;
                if (w < 0) {
                        if (errno == EINTR) {
                                done--;
                                continue;
                        }
                        break;
                }
                for (long i = 0; i < p; i++)
                        if (pids[i] == w) {
                                ours = true;
                                if (t - start[i] > maxone)
                                        maxone = t - start[i];
                        }
                if (!ours) { /* left behind by one of them */
                        done--;
                        continue;
                }
                if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                        ok++;
                else {
                        failed++;
                        show_error_output(st);
                }
        }
        reap_orphans();
        printf("%.1f %ld %ld %.1f\n", now_us() - t0, ok, failed, maxone);
        free(pids);
        free(start);
        return 0;
}

int main(int argc, char **argv) {
        char tmpl[] = "/tmp/bench-runner-XXXXXX";

        if (argc < 5 || strcmp(argv[3], "--") != 0) {
                fprintf(stderr, "usage: runner seq WARMUP -- N CMD... [:: N CMD...]...\n"
                                "       runner par P -- CMD...\n"
                                "(a command may start with NAME=VALUE words, as env(1))\n");
                return 2;
        }
        errfd = mkstemp(tmpl);
        if (errfd >= 0) {
                unlink(tmpl);
                (void)fcntl(errfd, F_SETFL, O_APPEND); /* after ftruncate, write from 0 */
        }
        setvbuf(stdout, NULL, _IOFBF, 1 << 16);
        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                perror("runner: PR_SET_CHILD_SUBREAPER");
        if (strcmp(argv[1], "seq") == 0)
                return cmd_seq(atol(argv[2]), argv + 4);
        if (strcmp(argv[1], "par") == 0)
                return cmd_par(atol(argv[2]), argv + 4);
        fprintf(stderr, "runner: unknown mode '%s'\n", argv[1]);
        return 2;
}
