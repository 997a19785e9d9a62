/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: `getppid-loop N` and `seccomp OP ...`, the syscall-filter probes.
 * Owns: nothing global.
 * Runs in: the sandboxed payload.
 *
 *   getppid-loop N        N raw getppid calls in 50 batches: calls=
 *                         ns_per_call= (fastest batch) ns_per_call_median=
 *   seccomp ioctl-loop N  N ioctl(-1, TCGETS) calls (the argument-filtered path)
 *   seccomp int80 NR [A B C]   i386 syscall through int $0x80: ret= errno=
 *   seccomp x32 NR        x86-64 syscall NR | 0x40000000 (x32 ABI): ret= errno=
 *   seccomp clone HEXFLAGS     raw clone(FLAGS | SIGCHLD); the child exits 0
 *   seccomp fork          fork() and wait: fork=ok
 *   seccomp tiocsti FD    ioctl(FD, TIOCSTI, "X"), then on a fresh /dev/tty
 *   seccomp tcp           TCP over 127.0.0.1 inside this process: tcp=ok
 * A call the filter kills ends the probe with SIGSYS (exit 159 outside).
 */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void print_result(long ret, int err)
{
        printf("ret=%ld\nerrno=%s\n", ret, probe_errname(ret < 0 ? err : 0));
}

static double elapsed_ns(const struct timespec *a, const struct timespec *b)
{
        return (double)(b->tv_sec - a->tv_sec) * 1e9 + (double)(b->tv_nsec - a->tv_nsec);
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

/* N calls in 50 batches: the fastest batch is the cost without the noise
 * of other tenants (ns_per_call=), the median batch is printed too. */
static int loop(long n, bool ioctl_path)
{
        enum { BATCHES = 50 };
        double per[BATCHES];
        long each = n / BATCHES > 0 ? n / BATCHES : 1;

        for (int b = 0; b < BATCHES; b++) {
                struct timespec t0, t1;

                clock_gettime(CLOCK_MONOTONIC, &t0);
                for (long i = 0; i < each; i++) {
                        if (ioctl_path)
                                syscall(SYS_ioctl, -1, TCGETS, 0);
                        else
                                syscall(SYS_getppid);
                }
                clock_gettime(CLOCK_MONOTONIC, &t1);
                per[b] = elapsed_ns(&t0, &t1) / (double)each;
        }
        qsort(per, BATCHES, sizeof(per[0]), cmp_double);
        printf("calls=%ld\nns_per_call=%.1f\nns_per_call_median=%.1f\n", each * BATCHES, per[0],
               per[BATCHES / 2]);
        return 0;
}

int cmd_getppid_loop(int argc, char **argv)
{
        (void)argc;
        return loop(probe_parse_long(argv[1], "count"), false);
}

#if defined(__x86_64__)
/* int $0x80 from 64-bit code enters the i386 syscall table (AUDIT_ARCH_I386). */
static long int80(long nr, long a, long b, long c)
{
        long ret;

        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(nr), "b"(a), "c"(b), "d"(c)
                         : "memory", "r8", "r9", "r10", "r11");
        return ret;
}
#endif

static int op_int80(int argc, char **argv)
{
#if defined(__x86_64__)
        long a[3] = { 0 };
        long ret;

        for (int i = 2; i < argc && i < 5; i++)
                a[i - 2] = probe_parse_long(argv[i], "argument");
        fflush(stdout);
        ret = int80(probe_parse_long(argv[1], "syscall number"), a[0], a[1], a[2]);
        printf("ret=%ld\nerrno=%s\n", ret, probe_errname(ret < 0 && ret > -4096 ? (int)-ret : 0));
        return 0;
#else
        (void)argc;
        (void)argv;
        printf("unsupported=1\n");
        return 3;
#endif
}

static int op_x32(int argc, char **argv)
{
        long ret;

        (void)argc;
        fflush(stdout);
        errno = 0;
        ret = syscall(probe_parse_long(argv[1], "syscall number") | 0x40000000L, -1L, 0L, 0L);
        print_result(ret, errno);
        return 0;
}

static int op_clone(int argc, char **argv)
{
        long flags = strtol(argv[1], NULL, 16);
        long ret;
        int status = 0;

        (void)argc;
        fflush(stdout);
        errno = 0;
        ret = syscall(SYS_clone, flags | SIGCHLD, 0L, 0L, 0L, 0L);
        if (ret == 0)
                _exit(0); /* the child: nothing else runs in it */
        print_result(ret, errno);
        if (ret > 0)
                waitpid((pid_t)ret, &status, 0);
        return 0;
}

static int op_fork(void)
{
        int status = -1;
        pid_t pid;

        fflush(stdout);
        pid = fork();
        if (pid < 0)
                return probe_fail_errno("fork", errno);
        if (pid == 0)
                _exit(7);
        if (waitpid(pid, &status, 0) < 0)
                return probe_fail_errno("waitpid", errno);
        printf("fork=%s\n", WIFEXITED(status) && WEXITSTATUS(status) == 7 ? "ok" : "bad");
        return 0;
}

static int op_tiocsti(int argc, char **argv)
{
        char c = 'X';
        int fd = (int)probe_parse_long(argv[1], "fd"), tty;
        long ret;

        (void)argc;
        errno = 0;
        ret = syscall(SYS_ioctl, fd, TIOCSTI, &c);
        printf("fd.ret=%ld\nfd.errno=%s\n", ret, probe_errname(ret < 0 ? errno : 0));
        tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (tty < 0) {
                printf("tty.open_errno=%s\n", probe_errname(errno));
                return 0;
        }
        errno = 0;
        ret = syscall(SYS_ioctl, tty, TIOCSTI, &c);
        printf("tty.ret=%ld\ntty.errno=%s\n", ret, probe_errname(ret < 0 ? errno : 0));
        close(tty);
        return 0;
}

static int op_tcp(void)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof(sa);
        char buf[8] = { 0 };
        int l, c, a;

        l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (l < 0)
                return probe_fail_errno("socket", errno);
        if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 1) < 0 ||
            getsockname(l, (struct sockaddr *)&sa, &len) < 0)
                return probe_fail_errno("bind/listen", errno);
        c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return probe_fail_errno("connect", errno);
        a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        if (a < 0)
                return probe_fail_errno("accept", errno);
        if (send(c, "ping", 4, 0) != 4 || recv(a, buf, sizeof(buf) - 1, 0) != 4)
                return probe_fail_errno("send/recv", errno);
        printf("tcp=%s\nport=%u\n", strcmp(buf, "ping") ? "bad" : "ok", ntohs(sa.sin_port));
        return 0;
}

int cmd_seccomp(int argc, char **argv)
{
        const char *op = argv[1];

        if (!strcmp(op, "ioctl-loop") && argc > 2)
                return loop(probe_parse_long(argv[2], "count"), true);
        if (!strcmp(op, "int80") && argc > 2)
                return op_int80(argc - 1, argv + 1);
        if (!strcmp(op, "x32") && argc > 2)
                return op_x32(argc - 1, argv + 1);
        if (!strcmp(op, "clone") && argc > 2)
                return op_clone(argc - 1, argv + 1);
        if (!strcmp(op, "fork"))
                return op_fork();
        if (!strcmp(op, "tiocsti") && argc > 2)
                return op_tiocsti(argc - 1, argv + 1);
        if (!strcmp(op, "tcp"))
                return op_tcp();
        fprintf(stderr, "usage: probe seccomp ioctl-loop N | int80 NR [A B C] | x32 NR | clone HEXFLAGS | "
                        "fork | tiocsti FD | tcp\n");
        return 2;
}
