/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* idmap.c - see idmap.h.
 *
 * An idmapped mount (mount_setattr MOUNT_ATTR_IDMAP, Linux 5.12) shows
 * each file's owner through the map of a user namespace: an id the map
 * does not cover reads as the overflow id (65534) and never matches the
 * caller's. With "1 1 4294967294" host uid/gid 0 are the only ids left
 * out, so a uid-0 program without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH
 * (the bounding set never keeps them for such a launch by default) is
 * "other" to root's files: /etc/shadow- (root:shadow 0640) cannot be
 * read, /etc/passwd (0644) still can.
 *
 * Only a mount that is not yet attached can be idmapped, and only if its
 * filesystem allows it (ext4, xfs, btrfs, tmpfs since 6.3, overlayfs, ...).
 * A recursive clone is idmapped in one call. When a mount of it refuses
 * (proc, sysfs, ... in a host-ro root), the kernel does not idmap the
 * mounts below the top of a detached tree one by one (EINVAL, 6.18), so
 * the tree is rebuilt: the top mount alone, idmapped, then after it is
 * attached each mount below it (found through the mount table, parents
 * first) cloned alone, idmapped and attached at its place. The kernel's
 * own filesystems (proc, sysfs, devtmpfs, ..., which hold no files a
 * program wrote) are attached as they are; any other mount that refuses
 * is covered by an empty read-only directory of mode 000: what cannot be
 * shown safely is not shown. The top of the tree itself (the source the
 * profile named) refusing fails the launch, unless it is a kernel
 * filesystem (ro-bind = /sys/devices). */
#define _GNU_SOURCE
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdutil.h"
#include "macro.h"

bool idmap_needed(bool by_root, bool userns, uid_t uid, gid_t gid) {
        return by_root && !userns && (uid == 0 || gid == 0);
}

static bool inside(const char *path, const char *dir) {
        size_t n = dir ? strlen(dir) : 0;

        while (n > 1 && dir[n - 1] == '/')
                n--;
        return n > 1 && strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

bool idmap_own_files(const char *src, const char *home, const char *cwd) {
        static const char *const system[] = {"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
                                             "/var", "/boot", "/opt", "/srv"};

        for (size_t i = 0; i < ELEMENTSOF(system); i++)
                if (inside(system[i], src))
                        return false; /* a system tree, or a tree containing one */
        /* X clients refuse a socket directory not owned by root; it holds
         * only sockets (mode 0777) */
        if (inside(src, "/tmp/.X11-unix") || inside(src, "/tmp/.ICE-unix"))
                return true;
        return inside(src, home) || inside(src, cwd);
}

/* The helper only has to exist while its maps are written and its
 * namespace opened; it dies with the launcher if that dies first. */
static _Noreturn void helper_main(pid_t parent) {
        (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (getppid() != parent)
                _exit(0);
        for (;;)
                pause();
}

int idmap_userns_open(pid_t *ret_helper) {
        static const char map[] = "1 1 4294967294\n";
        pid_t parent = getpid(), pid;
        char path[64];
        _cleanup_close_ int dir = -1;
        int fd = -1, r;

        /* fork() semantics (no new stack) in a new user namespace */
        pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
        if (pid < 0)
                return negative_errno();
        if (pid == 0)
                helper_main(parent);
        snprintf(path, sizeof(path), "/proc/%d", (int)pid);
        dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        r = dir < 0 ? negative_errno() : write_file_at(dir, "uid_map", map);
        if (r == 0)
                r = write_file_at(dir, "gid_map", map);
        if (r == 0) {
                fd = openat(dir, "ns/user", O_RDONLY | O_CLOEXEC);
                r = fd < 0 ? negative_errno() : 0;
        }
        /* Killed now, reaped later: waiting here would add its exit (and
         * on a busy machine a scheduling delay) to every launch. */
        (void)kill(pid, SIGKILL);
        *ret_helper = pid;
        return r < 0 ? r : fd;
}

void idmap_helper_reap(pid_t pid) {
        if (pid > 0)
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                        ;
}

/* Filesystems made by the kernel, not stores of anyone's files; none of
 * them can be idmapped. Device nodes are never usable in a bind (nodev). */
static bool kernel_fs(const char *type) {
        static const char *const names[] = {"proc",   "sysfs",     "devtmpfs", "devpts",  "cgroup",
                                            "cgroup2", "securityfs", "debugfs", "tracefs", "bpf",
                                            "mqueue", "pstore",    "efivarfs", "configfs", "fusectl",
                                            "binfmt_misc", "autofs", "nsfs"};

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(type, names[i]))
                        return true;
        return false;
}

/* The same for an fd (the top of a tree), by its magic number. devtmpfs
 * reads as tmpfs, which can be idmapped (Linux 6.3), so it is not here. */
static bool kernel_fs_fd(int fd) {
        static const long magics[] = {PROC_SUPER_MAGIC, SYSFS_MAGIC,    DEVPTS_SUPER_MAGIC, CGROUP_SUPER_MAGIC,
                                      CGROUP2_SUPER_MAGIC, SECURITYFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,
                                      BPF_FS_MAGIC,   0x19800202 /* mqueue */, PSTOREFS_MAGIC,     EFIVARFS_MAGIC,
                                      BINFMTFS_MAGIC, NSFS_MAGIC};
        struct statfs st;

        if (fstatfs(fd, &st) < 0)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(magics); i++)
                if ((long)st.f_type == magics[i])
                        return true;
        return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s) {
        char *w = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
                    s[3] <= '7') {
                        *w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else
                        *w++ = *s;
        }
        *w = 0;
}

struct minfo {
        uint64_t id;
        char *point; /* unescaped, in place */
        char *type;
};

/* Splits one mountinfo line (modified in place). Returns false if it is
 * malformed. Format: proc(5), "/proc/pid/mountinfo". */
static bool parse_line(char *line, struct minfo *m) {
        char *f[5], *save = NULL, *dash;
        size_t i = 0;

        dash = strstr(line, " - ");
        if (!dash)
                return false;
        *dash = 0;
        for (char *t = strtok_r(line, " ", &save); t && i < ELEMENTSOF(f); t = strtok_r(NULL, " ", &save))
                f[i++] = t;
        if (i < ELEMENTSOF(f))
                return false;
        m->id = strtoull(f[0], NULL, 10);
        m->point = f[4];
        unescape(m->point);
        save = NULL;
        m->type = strtok_r(dash + 3, " ", &save);
        return m->type != NULL;
}

static int mnt_id(int fd, uint64_t *ret, bool *ret_root) {
        struct statx st;

        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &st) < 0)
                return negative_errno();
        if (!(st.stx_mask & STATX_MNT_ID))
                return -EOPNOTSUPP;
        *ret = st.stx_mnt_id;
        if (ret_root)
                *ret_root = (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
                            (st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
        return 0;
}

static int add_left(char ***left, size_t *n_left, const char *s) {
        char **v = realloc(*left, (*n_left + 2) * sizeof(char *));

        if (!v)
                return -ENOMEM;
        *left = v;
        v[*n_left] = strdup(s);
        if (!v[*n_left])
                return -ENOMEM;
        v[++*n_left] = NULL;
        return 0;
}

static unsigned depth(const char *p) {
        unsigned d = 0;

        for (; *p; p++)
                d += *p == '/';
        return d;
}

static int by_depth(const void *a, const void *b) {
        const char *x = *(char *const *)a, *y = *(char *const *)b;
        unsigned dx = depth(x), dy = depth(y);

        return dx != dy ? (dx < dy ? -1 : 1) : strcmp(x, y);
}

/* The mounts below the source, for idmap_attach: left[0] is the source's
 * path (as mountinfo shows it), then one "K<rel>" (a kernel filesystem)
 * or "-<rel>" per mount point below it, parents first. */
static int list_below(int srcfd, int oldroot, char ***ret_left) {
        _cleanup_(idmap_strv_freep) char **left = NULL;
        _cleanup_free_ char *table = NULL;
        char link[64], src[4096], *save = NULL, buf[4096];
        size_t n_left = 0, len;
        ssize_t k;
        int r;

        snprintf(link, sizeof(link), "proc/self/fd/%d", srcfd);
        k = readlinkat(oldroot, link, src, sizeof(src) - 1);
        if (k < 0)
                return negative_errno();
        src[k] = 0;
        len = streq(src, "/") ? 0 : (size_t)k;
        r = read_file_at(oldroot, "proc/self/mountinfo", 16u << 20, &table);
        if (r == 0)
                r = add_left(&left, &n_left, src);
        for (char *line = r == 0 ? strtok_r(table, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
                struct minfo m;
                if (!parse_line(line, &m))
                        return -EBADMSG;
                if (strncmp(m.point, src, len) != 0 || m.point[len] != '/' || !m.point[len + 1])
                        continue;
                snprintf(buf, sizeof(buf), "%c%s", kernel_fs(m.type) ? 'K' : '-', m.point + len + 1);
                r = add_left(&left, &n_left, buf);
        }
        if (r < 0)
                return r;
        if (n_left > 2)
                qsort(left + 1, n_left - 1, sizeof(char *), by_depth);
        *ret_left = TAKE_PTR(left);
        return 0;
}

static int set_ro(int fd) {
        struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
                               .propagation = MS_PRIVATE};

        return mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0 ? negative_errno() : 0;
}

void idmap_strv_free(char **v) {
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
}

int idmap_tree(int tree, int srcfd, int oldroot, int userns_fd, char *detail, size_t n, char ***ret_left) {
        struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
        _cleanup_close_ int top = -1;
        int r;

        detail[0] = 0;
        if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) == 0)
                return 0;
        if (errno != EINVAL) {
                r = negative_errno();
                snprintf(detail, n, "this tree");
                return r;
        }
        /* Some mount below refuses, and the kernel idmaps only the top of
         * a detached tree: the tree becomes a clone of the top mount
         * alone (same fd number), idmapped; the mounts below are cloned
         * one by one after it is attached (idmap_attach). */
        top = open_tree(srcfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (top < 0 || set_ro(top) < 0) {
                r = negative_errno();
                snprintf(detail, n, "the top of this tree");
                return r;
        }
        if (mount_setattr(top, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0) {
                if (errno != EINVAL) {
                        r = negative_errno();
                        snprintf(detail, n, "the top of this tree");
                        return r;
                }
                /* The tree's own filesystem cannot be idmapped (tmpfs
                 * before Linux 6.3, ramfs, the initramfs rootfs, most
                 * network filesystems): the tree keeps the host's owners,
                 * as it did before idmapping existed (documented in
                 * sandbox(1) and docs/SECURITY.md; --check says so). */
                if (!kernel_fs_fd(top))
                        return 0;
        }
        r = list_below(srcfd, oldroot, ret_left);
        if (r < 0) {
                snprintf(detail, n, "the mounts below this tree (mountinfo)");
                return r;
        }
        if (dup3(top, tree, O_CLOEXEC) < 0) {
                idmap_strv_free(*ret_left);
                *ret_left = NULL;
                return negative_errno();
        }
        return 0;
}

/* An empty, read-only directory nobody may enter (mode 000) */
static int cover(int target) {
        _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), m = -1;

        if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0000", 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return negative_errno();
        m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        if (m < 0 || move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

static bool under_any(const char *rel, char *const *covered, size_t n) {
        for (size_t i = 0; i < n; i++) {
                size_t l = strlen(covered[i]);
                if (strncmp(rel, covered[i], l) == 0 && rel[l] == '/')
                        return true;
        }
        return false;
}

/* One mount below: the one now reachable at rel in the host tree (a
 * path with stacked mounts leads to the top one, done once; a path that
 * no longer leads to a mount root is unreachable there and skipped),
 * cloned alone, read-only, idmapped (a kernel filesystem: as it is; any
 * other that refuses: covered instead), and attached at rel in the tree.
 * Returns 1 when rel was covered. */
static int attach_one(int tree, int oldroot, const char *src, const char *rel, bool kernel, int userns_fd) {
        struct open_how how = {.flags = O_PATH | O_CLOEXEC,
                               .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH};
        struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
        _cleanup_close_ int from = -1, clone = -1, target = -1;
        char path[8192];
        bool root = false;
        uint64_t id;
        int r;

        snprintf(path, sizeof(path), "%s%s%s", src, src[0] ? "/" : "", rel);
        from = (int)syscall(SYS_openat2, oldroot, path, &how, sizeof(how));
        if (from < 0)
                return negative_errno();
        r = mnt_id(from, &id, &root);
        if (r < 0 || !root)
                return r;
        target = (int)syscall(SYS_openat2, tree, rel, &how, sizeof(how));
        if (target < 0)
                return negative_errno();
        clone = open_tree(from, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (clone < 0)
                return negative_errno();
        r = set_ro(clone);
        if (r == 0 && mount_setattr(clone, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
                r = negative_errno();
        if (r == -EINVAL && !kernel)
                return cover(target) < 0 ? negative_errno() : 1;
        if (r < 0 && !(r == -EINVAL && kernel))
                return r;
        if (move_mount(clone, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

int idmap_attach(int tree, int oldroot, char *const *left, int userns_fd, char *detail, size_t n) {
        const char *src;
        size_t n_left = 0, n_cov = 0;
        _cleanup_free_ char **covered = NULL;

        if (!left)
                return 0;
        /* the source as a path below the host root (/oldroot) */
        src = left[0];
        if (strncmp(src, "/oldroot", 8) != 0 || (src[8] && src[8] != '/'))
                return -EXDEV;
        src += src[8] ? 9 : 8;
        while (left[n_left + 1])
                n_left++;
        covered = calloc(n_left + 1, sizeof(char *));
        if (!covered)
                return -ENOMEM;
        for (size_t i = 1; i <= n_left; i++) {
                const char *rel = left[i] + 1;
                int r;
                if (under_any(rel, covered, n_cov))
                        continue;
                r = attach_one(tree, oldroot, src, rel, left[i][0] == 'K', userns_fd);
                if (r == 1)
                        covered[n_cov++] = left[i] + 1;
                else if (r < 0) {
                        snprintf(detail, n, "'/%s' below it", rel);
                        return r;
                }
        }
        return 0;
}
