/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysloop.c - per-syscall cost probe for the benchmark (bench/, static).
 *
 *   sysloop [--filter allow|uncached] [CALLS [REPS]]
 *
 * --filter installs a one-line seccomp filter of our own first (with
 * no_new_privs), to separate the fixed cost of being filtered from the
 * cost of a long filter: "allow" is {RET ALLOW}, which the kernel's
 * per-syscall action cache (Linux 5.11) skips entirely; "uncached" is
 * {LD arg0; RET ALLOW}, which reads an argument and so runs on every
 * syscall (the cost of entering any non-cached filter).
 *
 * Calls getppid() through syscall(2) CALLS times (default 2,000,000), REPS
 * times (default 7), and prints the median and the minimum nanoseconds of
 * the thread's CPU time (user + system, CLOCK_THREAD_CPUTIME_ID) per call, then the Seccomp and Seccomp_filters lines of /proc/self/status so
 * the caller can tell which filter (if any) was active:
 *
 *   ns_per_call_median 61.2
 *   ns_per_call_min 60.8
 *   Seccomp: 2
 *   Seccomp_filters: 1
 *
 * Static, so it runs in any sandbox view that can reach the file. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The thread's own CPU time: on a busy machine, time spent waiting for a
 * CPU is not counted, only the calls themselves (kernel time included). */
static double now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static int install(const char *kind) {
        struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
        struct sock_filter uncached[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog;

        if (strcmp(kind, "allow") == 0)
                prog = (struct sock_fprog){1, allow};
        else if (strcmp(kind, "uncached") == 0)
                prog = (struct sock_fprog){2, uncached};
        else {
                fprintf(stderr, "sysloop: unknown filter '%s'\n", kind);
                return -1;
        }
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
                perror("sysloop: seccomp");
                return -1;
        }
        return 0;
}

int main(int argc, char **argv) {
        long calls;
        int reps;

        if (argc > 2 && strcmp(argv[1], "--filter") == 0) {
                if (install(argv[2]) < 0)
                        return 2;
                argv += 2;
                argc -= 2;
        }
        calls = argc > 1 ? atol(argv[1]) : 2000000;
        reps = argc > 2 ? atoi(argv[2]) : 7;
        double per[64];
        volatile long sink = 0;
        char line[256];
        FILE *f;

        if (calls <= 0 || reps <= 0 || reps > 64) {
                fprintf(stderr, "usage: sysloop [CALLS [REPS<=64]]\n");
                return 2;
        }
        for (long i = 0; i < calls / 10; i++) /* warm-up */
                sink += syscall(SYS_getppid);
        for (int r = 0; r < reps; r++) {
                double t0 = now_ns();
                for (long i = 0; i < calls; i++)
                        sink += syscall(SYS_getppid);
                per[r] = (now_ns() - t0) / (double)calls;
        }
        qsort(per, (size_t)reps, sizeof(double), cmp);
        printf("ns_per_call_median %.2f\nns_per_call_min %.2f\n", per[reps / 2], per[0]);
        f = fopen("/proc/self/status", "re");
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "Seccomp", 7) == 0 || strncmp(line, "NoNewPrivs", 10) == 0)
                        fputs(line, stdout);
        if (!f)
                printf("Seccomp: unknown (no /proc)\n");
        else
                fclose(f);
        return (int)(sink & 0); /* keep the calls */
}
