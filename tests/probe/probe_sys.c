/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: `syscall NAME|NR|list [ARGS...]`, raw system calls by name.
 * Owns: the table of {name, number, harmless arguments}.
 * Runs in: the sandboxed payload.
 *
 * Each entry's default arguments are chosen so that the call, when the
 * seccomp policy allows it, fails harmlessly (EBADF, EFAULT, EINVAL, ESRCH,
 * or EPERM for lack of a capability) and changes nothing; `unallowed`
 * documents the usual result without a filter, so a denied call is told
 * apart from an allowed one by comparing with the policy errno. Extra
 * command-line arguments replace the defaults (decimal, 0x hex, negative).
 * Calls are made with syscall(2): glibc wrappers may rewrite errno.
 */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PTR_BAD 1L         /* an unmapped user pointer: EFAULT */
#define FD_BAD (-1L)       /* EBADF */
#define CLONE_NEWUSER_FLAG 0x10000000L
#define CLONE_ARGS_SIZE_VER0 64L

struct probe_syscall {
        const char *name;
        long nr;
        long args[6];
        const char *unfiltered; /* typical errno with no filter (documentation) */
};

static const struct probe_syscall syscalls[] = {
        /* controls: always allowed by every profile that runs a program */
        { "getpid", SYS_getpid, { 0 }, "0" },
        { "getppid", SYS_getppid, { 0 }, "0" },
        { "chmod", SYS_chmod, { PTR_BAD, 0 }, "EFAULT" },
        { "listen", SYS_listen, { FD_BAD, 0 }, "EBADF" },
        { "prctl", SYS_prctl, { 0x7fffdead }, "EINVAL" },
        { "ioctl_tcgets", SYS_ioctl, { FD_BAD, TCGETS, 0 }, "EBADF" },
        { "ioctl_tiocnotty", SYS_ioctl, { FD_BAD, TIOCNOTTY, 0 }, "EBADF" },
        /* ioctls the default profile must deny (masked 32-bit compare) */
        { "ioctl_tiocsti", SYS_ioctl, { FD_BAD, TIOCSTI, 0 }, "EBADF" },
        { "ioctl_tiocsti_high", SYS_ioctl, { FD_BAD, (0x123L << 32) | TIOCSTI, 0 }, "EBADF" },
        { "ioctl_tioclinux", SYS_ioctl, { FD_BAD, TIOCLINUX, 0 }, "EBADF" },
        /* debugging and process memory */
        { "ptrace", SYS_ptrace, { 2 /* PEEKDATA */, -1, 0, 0 }, "ESRCH" },
        { "process_vm_readv", SYS_process_vm_readv, { 0, 0, 0, 0, 0, 1 }, "EINVAL" },
        { "process_vm_writev", SYS_process_vm_writev, { 0, 0, 0, 0, 0, 1 }, "EINVAL" },
        { "perf_event_open", SYS_perf_event_open, { PTR_BAD, 0, -1, -1, 0 }, "EFAULT" },
        /* keys, bpf, userfaultfd, io_uring */
        { "keyctl", SYS_keyctl, { 0x7fffdead }, "EOPNOTSUPP" },
        { "add_key", SYS_add_key, { PTR_BAD, 0, 0, 0, 0 }, "EFAULT" },
        { "request_key", SYS_request_key, { PTR_BAD, 0, 0, 0 }, "EFAULT" },
        { "bpf", SYS_bpf, { 0, PTR_BAD, 8 }, "EFAULT" },
        { "userfaultfd", SYS_userfaultfd, { ~0L }, "EINVAL|EPERM" },
        { "io_uring_setup", SYS_io_uring_setup, { 1, PTR_BAD }, "EFAULT|EPERM" },
        { "io_uring_enter", SYS_io_uring_enter, { FD_BAD, 0, 0, 0, 0, 0 }, "EBADF" },
        { "io_uring_register", SYS_io_uring_register, { FD_BAD, 0, 0, 0 }, "EBADF" },
        /* modules and kexec (capability checked first: EPERM unprivileged) */
        { "kexec_load", SYS_kexec_load, { 0, 0, 0, ~0L }, "EPERM|EINVAL" },
        { "init_module", SYS_init_module, { PTR_BAD, 0, PTR_BAD }, "EPERM|ENOEXEC" },
        { "finit_module", SYS_finit_module, { FD_BAD, PTR_BAD, 0 }, "EPERM|EBADF" },
        { "open_by_handle_at", SYS_open_by_handle_at, { FD_BAD, PTR_BAD, 0 }, "EPERM|EFAULT" },
        { "name_to_handle_at", SYS_name_to_handle_at, { FD_BAD, PTR_BAD, PTR_BAD, PTR_BAD, 0 }, "EFAULT" },
        /* mounts, old and new API */
        { "mount", SYS_mount, { 0, PTR_BAD, 0, 0, 0 }, "EFAULT" },
        { "umount2", SYS_umount2, { PTR_BAD, 0 }, "EFAULT" },
        { "pivot_root", SYS_pivot_root, { PTR_BAD, PTR_BAD }, "EPERM|EFAULT" },
        { "chroot", SYS_chroot, { PTR_BAD }, "EFAULT" },
        { "fsopen", SYS_fsopen, { PTR_BAD, 0 }, "EPERM|EFAULT" },
        { "fsmount", SYS_fsmount, { FD_BAD, 0, 0 }, "EPERM|EBADF" },
        { "move_mount", SYS_move_mount, { FD_BAD, PTR_BAD, FD_BAD, PTR_BAD, 0 }, "EPERM|EFAULT" },
        { "open_tree", SYS_open_tree, { FD_BAD, PTR_BAD, 0 }, "EFAULT" },
        { "mount_setattr", SYS_mount_setattr, { FD_BAD, PTR_BAD, 0, PTR_BAD, 0 }, "EINVAL" },
        /* system administration */
        { "swapon", SYS_swapon, { PTR_BAD, 0 }, "EPERM|EFAULT" },
        { "swapoff", SYS_swapoff, { PTR_BAD }, "EPERM|EFAULT" },
        { "reboot", SYS_reboot, { 0, 0, 0, 0 }, "EPERM|EINVAL" },
        { "acct", SYS_acct, { PTR_BAD }, "EPERM|EFAULT" },
        { "quotactl", SYS_quotactl, { 0, PTR_BAD, 0, 0 }, "EFAULT|EINVAL" },
        { "personality", SYS_personality, { 0xffffffffL }, "0" },
        /* namespaces: unshare really tries a new user namespace (affects
         * only this short-lived probe) */
        { "setns", SYS_setns, { FD_BAD, 0 }, "EBADF" },
        { "unshare", SYS_unshare, { CLONE_NEWUSER_FLAG }, "0" },
        { "clone3", SYS_clone3, { PTR_BAD, CLONE_ARGS_SIZE_VER0 }, "EFAULT" },
        /* an unknown number */
        { "nosys", 1000, { 0 }, "ENOSYS" },
};

#define N_SYSCALLS (sizeof(syscalls) / sizeof(syscalls[0]))

static long parse_arg(const char *s)
{
        char *end = NULL;
        long v;

        errno = 0;
        if (*s == '-')
                v = strtol(s, &end, 0);
        else
                v = (long)strtoul(s, &end, 0);
        if (errno || end == s || *end) {
                fprintf(stderr, "probe: bad syscall argument '%s'\n", s);
                exit(2);
        }
        return v;
}

static const struct probe_syscall *lookup(const char *name)
{
        for (size_t i = 0; i < N_SYSCALLS; i++)
                if (!strcmp(syscalls[i].name, name))
                        return &syscalls[i];
        return NULL;
}

static void list(void)
{
        for (size_t i = 0; i < N_SYSCALLS; i++)
                printf("name=%s nr=%ld unfiltered=%s\n", syscalls[i].name,
                       syscalls[i].nr, syscalls[i].unfiltered);
}

int cmd_syscall(int argc, char **argv)
{
        const struct probe_syscall *sc = lookup(argv[1]);
        long nr, args[6] = { 0 };
        long ret;
        int err;

        if (!strcmp(argv[1], "list")) {
                list();
                return 0;
        }
        if (sc) {
                nr = sc->nr;
                memcpy(args, sc->args, sizeof(args));
        } else {
                nr = parse_arg(argv[1]); /* a raw number, e.g. 1000 */
        }
        if (argc > 2) {
                memset(args, 0, sizeof(args));
                for (int i = 2; i < argc && i < 8; i++)
                        args[i - 2] = parse_arg(argv[i]);
        }
        errno = 0;
        ret = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
        err = ret < 0 ? errno : 0;
        printf("ret=%ld\nerrno=%s\n", ret, probe_errname(err));
        return 0;
}
