/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bpfdump.c - inspects the seccomp filters of a running process (bench/).
 *
 *   bpfdump PID [NR...]
 *   bpfdump --save FILE PID       newest filter of PID to FILE (raw sock_filter[])
 *   bpfdump --load-bench FILE N   loads FILE as a seccomp filter in N fresh
 *                                 children; prints the median microseconds
 *                                 of the seccomp(2) call (kernel checks, JIT)
 *
 * Needs CAP_SYS_ADMIN (root). Attaches with PTRACE_SEIZE, reads every
 * filter with PTRACE_SECCOMP_GET_FILTER (index 0 = newest), detaches, and
 * prints one line per filter:
 *
 *   filter 0 insns 612 nr 110 path 37 verdict 0x7fff0000 cacheable yes
 *
 * For each NR (default: getppid) the filter is run for a native x86-64
 * call with zero arguments: "path" is the number of BPF instructions
 * executed, "cacheable" says whether that path looked only at the
 * architecture and the syscall number and allowed the call, as the
 * kernel's per-syscall action cache (Linux 5.11, seccomp_cache_prepare)
 * requires before it skips the filter for that syscall. Every filter
 * stacked on a process runs on every non-cached syscall.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <time.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

struct verdict {
        unsigned steps;
        unsigned ret;
        int reads_args; /* loaded something other than nr/arch */
        int error;
};

/* A classic-BPF interpreter, enough for seccomp filters. */
static struct verdict run(const struct sock_filter *f, unsigned n, unsigned nr) {
        struct seccomp_data d = {.nr = (int)nr, .arch = AUDIT_ARCH_X86_64};
        unsigned A = 0, X = 0, M[BPF_MEMWORDS] = {0};
        struct verdict v = {0};

        for (unsigned pc = 0; pc < n; pc++) {
                const struct sock_filter *i = &f[pc];
                unsigned k = i->k, src;
                v.steps++;
                switch (BPF_CLASS(i->code)) {
                case BPF_LD:
                        if (BPF_MODE(i->code) == BPF_ABS) {
                                if (k != offsetof(struct seccomp_data, nr) && k != offsetof(struct seccomp_data, arch))
                                        v.reads_args = 1;
                                if (k + 4 > sizeof(d)) {
                                        v.error = 1;
                                        return v;
                                }
                                memcpy(&A, (const char *)&d + k, 4);
                        } else if (BPF_MODE(i->code) == BPF_IMM)
                                A = k;
                        else if (BPF_MODE(i->code) == BPF_MEM)
                                A = M[k % BPF_MEMWORDS];
                        else if (BPF_MODE(i->code) == BPF_LEN)
                                A = sizeof(d);
                        break;
                case BPF_LDX:
                        X = BPF_MODE(i->code) == BPF_MEM ? M[k % BPF_MEMWORDS] : BPF_MODE(i->code) == BPF_LEN ? sizeof(d) : k;
                        break;
                case BPF_ST:
                        M[k % BPF_MEMWORDS] = A;
                        break;
                case BPF_STX:
                        M[k % BPF_MEMWORDS] = X;
                        break;
                case BPF_ALU:
                        src = BPF_SRC(i->code) == BPF_X ? X : k;
                        switch (BPF_OP(i->code)) {
                        case BPF_ADD: A += src; break;
                        case BPF_SUB: A -= src; break;
                        case BPF_MUL: A *= src; break;
                        case BPF_DIV: A = src ? A / src : 0; break;
                        case BPF_MOD: A = src ? A % src : 0; break;
                        case BPF_OR: A |= src; break;
                        case BPF_AND: A &= src; break;
                        case BPF_XOR: A ^= src; break;
                        case BPF_LSH: A <<= src; break;
                        case BPF_RSH: A >>= src; break;
                        case BPF_NEG: A = -A; break;
                        }
                        break;
                case BPF_JMP: {
                        int t;
                        src = BPF_SRC(i->code) == BPF_X ? X : k;
                        switch (BPF_OP(i->code)) {
                        case BPF_JA:
                                pc += k;
                                continue;
                        case BPF_JEQ: t = A == src; break;
                        case BPF_JGT: t = A > src; break;
                        case BPF_JGE: t = A >= src; break;
                        case BPF_JSET: t = (A & src) != 0; break;
                        default: v.error = 1; return v;
                        }
                        pc += t ? i->jt : i->jf;
                        break;
                }
                case BPF_RET:
                        v.ret = BPF_RVAL(i->code) == BPF_A ? A : k;
                        return v;
                case BPF_MISC:
                        if (BPF_MISCOP(i->code) == BPF_TAX)
                                X = A;
                        else
                                A = X;
                        break;
                }
        }
        v.error = 1;
        return v;
}

static struct sock_filter *get_filter(pid_t pid, long idx, long *ret_n) {
        long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)idx, NULL);
        struct sock_filter *f;

        if (n < 0)
                return NULL;
        f = calloc((size_t)n, sizeof(*f));
        if (!f || ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)idx, f) != n) {
                free(f);
                return NULL;
        }
        *ret_n = n;
        return f;
}

static int attach(pid_t pid) {
        int st;

        if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) {
                fprintf(stderr, "bpfdump: attach %d: %s\n", pid, strerror(errno));
                return -1;
        }
        if (waitpid(pid, &st, __WALL) < 0) {
                perror("bpfdump: waitpid");
                return -1;
        }
        return 0;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static int save(const char *file, pid_t pid) {
        long n = 0;
        struct sock_filter *f;
        FILE *o;

        if (attach(pid) < 0)
                return 1;
        f = get_filter(pid, 0, &n);
        ptrace(PTRACE_DETACH, pid, 0, 0);
        if (!f) {
                fprintf(stderr, "bpfdump: %d has no filter\n", pid);
                return 1;
        }
        o = fopen(file, "we");
        if (!o || fwrite(f, sizeof(*f), (size_t)n, o) != (size_t)n || fclose(o) != 0) {
                perror("bpfdump: write");
                return 1;
        }
        printf("saved %ld instructions\n", n);
        return 0;
}

static int load_bench(const char *file, int n) {
        static struct sock_filter f[BPF_MAXINSNS];
        double us[1024];
        FILE *in = fopen(file, "re");
        size_t len;

        if (!in) {
                perror("bpfdump: open");
                return 1;
        }
        len = fread(f, sizeof(f[0]), BPF_MAXINSNS, in);
        fclose(in);
        if (n > 1024)
                n = 1024;
        for (int i = 0; i < n; i++) {
                int p[2];
                pid_t c;
                if (pipe(p) < 0)
                        return 1;
                c = fork();
                if (c == 0) {
                        struct sock_fprog prog = {(unsigned short)len, f};
                        struct timespec a, b;
                        double d;
                        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                        clock_gettime(CLOCK_MONOTONIC, &a);
                        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
                                _exit(1);
                        clock_gettime(CLOCK_MONOTONIC, &b);
                        d = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
                        (void)!write(p[1], &d, sizeof(d));
                        _exit(0);
                }
                close(p[1]);
                if (read(p[0], &us[i], sizeof(us[i])) != sizeof(us[i]))
                        us[i] = -1;
                close(p[0]);
                waitpid(c, NULL, 0);
        }
        qsort(us, (size_t)n, sizeof(us[0]), cmp_double);
        printf("insns %zu load_us_median %.1f load_us_min %.1f\n", len, us[n / 2], us[0]);
        return 0;
}

int main(int argc, char **argv) {
        pid_t pid;
        int nf = 0;
        unsigned nrs[32] = {SYS_getppid};
        int nnr = 1;

        if (argc < 2) {
                fprintf(stderr, "usage: bpfdump PID [NR...]\n");
                return 2;
        }
        if (strcmp(argv[1], "--save") == 0 && argc == 4)
                return save(argv[2], atoi(argv[3]));
        if (strcmp(argv[1], "--load-bench") == 0 && argc == 4)
                return load_bench(argv[2], atoi(argv[3]));
        pid = atoi(argv[1]);
        if (argc > 2) {
                nnr = 0;
                for (int i = 2; i < argc && nnr < 32; i++)
                        nrs[nnr++] = (unsigned)atoi(argv[i]);
        }
        if (attach(pid) < 0)
                return 1;
        for (long idx = 0;; idx++) {
                long n = 0;
                struct sock_filter *f = get_filter(pid, idx, &n);
                if (!f) {
                        if (errno != ENOENT && idx == 0)
                                fprintf(stderr, "bpfdump: PTRACE_SECCOMP_GET_FILTER: %s\n", strerror(errno));
                        break;
                }
                for (int j = 0; j < nnr; j++) {
                        struct verdict v = run(f, (unsigned)n, nrs[j]);
                        printf("filter %ld insns %ld nr %u path %u verdict 0x%08x cacheable %s%s\n", idx, n, nrs[j],
                               v.steps, v.ret,
                               !v.error && !v.reads_args && (v.ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW
                                       ? "yes"
                                       : "no",
                               v.error ? " (could not evaluate)" : "");
                }
                free(f);
                nf++;
        }
        printf("filters %d\n", nf);
        ptrace(PTRACE_DETACH, pid, 0, 0);
        return 0;
}
