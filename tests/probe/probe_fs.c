/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: `fs OP ARGS...`, filesystem-view attacks for tests/integration/t_fs.sh.
 * Owns: the table of filesystem operations (mount family with real paths,
 * mknod, directory listing that also works for empty directories, the
 * classic chroot escape, the RENAME_EXCHANGE racer).
 * Runs in: the sandboxed payload; `fs exchange` runs on the harness side.
 *
 * Each operation prints `key=value` lines; a probed call that fails prints
 * `errno=NAME` (or `<step>.errno=NAME`) and the subcommand still exits 0,
 * so the test judges the result (`entries` exits 1 when DIR cannot be
 * listed). Usage errors exit 2. Calls go through
 * syscall(2) where glibc could rewrite errno.
 */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int cmd_fs(int argc, char **argv);

static int report(long ret)
{
        printf("ret=%ld\nerrno=%s\n", ret, probe_errname(ret < 0 ? errno : 0));
        return 0;
}

/* remount-rw PATH: MS_REMOUNT|MS_BIND without MS_RDONLY (make a ro bind rw). */
static int fs_remount_rw(char **a)
{
        return report(syscall(SYS_mount, NULL, a[0], NULL, MS_REMOUNT | MS_BIND, NULL));
}

/* setattr-rw PATH: the new API's way to clear MOUNT_ATTR_RDONLY. */
static int fs_setattr_rw(char **a)
{
        struct mount_attr attr = { .attr_clr = MOUNT_ATTR_RDONLY };

        return report(syscall(SYS_mount_setattr, AT_FDCWD, a[0], 0, &attr, sizeof(attr)));
}

/* mount-tmpfs PATH: a new tmpfs over PATH. */
static int fs_mount_tmpfs(char **a)
{
        return report(syscall(SYS_mount, "none", a[0], "tmpfs", 0L, NULL));
}

/* umount PATH: lazy unmount (uncovers what a mask mount hides). */
static int fs_umount(char **a)
{
        return report(syscall(SYS_umount2, a[0], MNT_DETACH));
}

/* pivot: pivot_root(".", ".") from "/" (how a payload would reach the old root). */
static int fs_pivot(char **a)
{
        (void)a;
        if (chdir("/") < 0)
                return probe_fail_errno("chdir /", errno);
        return report(syscall(SYS_pivot_root, ".", "."));
}

/* mknod PATH: a character device node (1:3, like /dev/null). */
static int fs_mknod(char **a)
{
        return report(syscall(SYS_mknodat, AT_FDCWD, a[0], (long)(S_IFCHR | 0600), (long)makedev(1, 3)));
}

static void print_root(const char *prefix)
{
        struct stat st;

        if (stat("/", &st) < 0)
                printf("%s.errno=%s\n", prefix, probe_errname(errno));
        else
                printf("%s=%u:%u:%llu\n", prefix, major(st.st_dev), minor(st.st_dev),
                       (unsigned long long)st.st_ino);
}

static void climb(void)
{
        for (int i = 0; i < 256; i++)
                if (chdir("..") < 0)
                        break;
}

/* unchroot WORKDIR MARKER: the classic escape (chroot into a subdirectory,
 * then walk ".." past the new root and chroot(".")), once from the cwd
 * and once through an fd of the old root (fchdir), plus a plain ".." walk
 * without chroot. Prints root.before, chroot.errno, root.after.*, and
 * marker.* = the errno of opening MARKER at each stage (0 = reachable). */
static int fs_unchroot(char **a)
{
        int rootfd;
        long r;

        print_root("root.before");
        if (chdir(a[0]) < 0)
                return probe_fail_errno(a[0], errno);
        if (mkdir("x", 0700) < 0 && errno != EEXIST)
                return probe_fail_errno("mkdir x", errno);
        rootfd = open("/", O_RDONLY | O_DIRECTORY); /* deliberately kept open */
        if (rootfd < 0)
                return probe_fail_errno("/", errno);

        /* no chroot: ".." from "/" must stay at "/" */
        climb();
        print_root("root.after.dotdot");
        printf("marker.dotdot.errno=%s\n",
               probe_errname(access(a[1], F_OK) < 0 ? errno : 0));

        if (chdir(a[0]) < 0)
                return probe_fail_errno(a[0], errno);
        r = syscall(SYS_chroot, "x");
        printf("chroot.errno=%s\n", probe_errname(r < 0 ? errno : 0));
        if (r == 0) {
                climb();
                r = syscall(SYS_chroot, ".");
                printf("chroot.dot.errno=%s\n", probe_errname(r < 0 ? errno : 0));
        }
        print_root("root.after.chroot");
        printf("marker.chroot.errno=%s\n", probe_errname(access(a[1], F_OK) < 0 ? errno : 0));

        /* fchdir variant: chroot somewhere, then use the kept fd of "/" */
        if (chdir(a[0]) < 0 && chdir("/") < 0)
                return probe_fail_errno("chdir", errno);
        r = syscall(SYS_chroot, "x");
        printf("chroot.fchdir.errno=%s\n", probe_errname(r < 0 ? errno : 0));
        if (fchdir(rootfd) < 0)
                printf("fchdir.errno=%s\n", probe_errname(errno));
        climb();
        r = syscall(SYS_chroot, ".");
        printf("chroot.fchdir.dot.errno=%s\n", probe_errname(r < 0 ? errno : 0));
        print_root("root.after.fchdir");
        printf("marker.fchdir.errno=%s\n", probe_errname(access(a[1], F_OK) < 0 ? errno : 0));
        {
                /* openat(rootfd, "../../..") must resolve inside, too */
                int fd = openat(rootfd, "../../../..", O_PATH | O_DIRECTORY);
                struct stat st;

                if (fd >= 0 && fstat(fd, &st) == 0)
                        printf("openat.dotdot=%u:%u:%llu\n", major(st.st_dev), minor(st.st_dev),
                               (unsigned long long)st.st_ino);
                else
                        printf("openat.dotdot.errno=%s\n", probe_errname(errno));
        }
        return 0;
}

static int not_dots(const struct dirent *de)
{
        return strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
}

/* entries DIR: entry=NAME (sorted) and count=N; an empty directory too. */
static int fs_entries(char **a)
{
        struct dirent **list = NULL;
        int n = scandir(a[0], &list, not_dots, alphasort);

        if (n < 0)
                return probe_fail_errno(a[0], errno);
        for (int i = 0; i < n; i++) {
                printf("entry=%s\n", list[i]->d_name);
                free(list[i]);
        }
        free(list);
        printf("count=%d\n", n);
        return 0;
}

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
        (void)sig;
        stop = 1;
}

/* exchange A B SECONDS: swap A and B with renameat2(RENAME_EXCHANGE) as
 * fast as possible for SECONDS (or until SIGTERM); prints swaps=N. */
static int fs_exchange(char **a)
{
        double until = probe_now() + probe_parse_seconds(a[2]);
        unsigned long n = 0;

        signal(SIGTERM, on_stop);
        signal(SIGINT, on_stop);
        while (!stop && probe_now() < until) {
                if (syscall(SYS_renameat2, AT_FDCWD, a[0], AT_FDCWD, a[1], 2 /* RENAME_EXCHANGE */) < 0)
                        return probe_fail_errno("renameat2", errno);
                n++;
        }
        /* Even count: A and B end where they started. */
        if (n % 2 && syscall(SYS_renameat2, AT_FDCWD, a[0], AT_FDCWD, a[1], 2) == 0)
                n++;
        printf("swaps=%lu\n", n);
        return 0;
}

static const struct {
        const char *name;
        int nargs;
        int (*run)(char **args);
        const char *usage;
} ops[] = {
        { "remount-rw", 1, fs_remount_rw, "PATH" },
        { "setattr-rw", 1, fs_setattr_rw, "PATH" },
        { "mount-tmpfs", 1, fs_mount_tmpfs, "PATH" },
        { "umount", 1, fs_umount, "PATH" },
        { "pivot", 0, fs_pivot, "" },
        { "mknod", 1, fs_mknod, "PATH" },
        { "entries", 1, fs_entries, "DIR" },
        { "unchroot", 2, fs_unchroot, "WORKDIR MARKER" },
        { "exchange", 3, fs_exchange, "A B SECONDS" },
};

int cmd_fs(int argc, char **argv)
{
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
                if (strcmp(argv[1], ops[i].name))
                        continue;
                if (argc - 2 < ops[i].nargs) {
                        fprintf(stderr, "usage: probe fs %s %s\n", ops[i].name, ops[i].usage);
                        return 2;
                }
                return ops[i].run(argv + 2);
        }
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
                fprintf(stderr, "probe fs %s %s\n", ops[i].name, ops[i].usage);
        return 2;
}
