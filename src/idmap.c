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
 * A recursive clone is tried in one call; when that is refused, each
 * mount of the tree is idmapped on its own, found through the mount
 * table, and the kernel's own filesystems (proc, sysfs, devtmpfs, ...,
 * which hold no files a program wrote) are left as they are. Any other
 * mount below the top that refuses is covered (idmap_cover, after the
 * tree is attached) by an empty read-only directory of mode 000: what
 * cannot be shown safely is not shown. The top of the tree itself (the
 * source the profile named) refusing fails the launch. */
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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdutil.h"
#include "macro.h"

bool idmap_needed(bool by_root, bool userns, uid_t uid, gid_t gid) {
        return by_root && !userns && (uid == 0 || gid == 0);
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

static int set_idmap(int fd, int userns_fd) {
        struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};

        return mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0 ? negative_errno() : 0;
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

/* One mount of the clone: the one at rel (a path below the tree's top,
 * "" for the top). A path that no longer leads to the root of a mount
 * is covered by another mount (unreachable) or was already done. */
static int idmap_one(int tree, const char *rel, const char *type, int userns_fd, uint64_t *done, size_t *n_done) {
        struct open_how how = {.flags = O_PATH | O_CLOEXEC,
                               .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH};
        _cleanup_close_ int fd = -1;
        uint64_t id;
        bool root = true;
        int r;

        if (rel[0]) {
                fd = (int)syscall(SYS_openat2, tree, rel, &how, sizeof(how));
                if (fd < 0)
                        return negative_errno();
        }
        r = mnt_id(fd >= 0 ? fd : tree, &id, &root);
        if (r < 0)
                return r;
        for (size_t i = 0; i < *n_done; i++)
                if (done[i] == id)
                        return 0;
        if (rel[0] && !root)
                return 0;
        done[(*n_done)++] = id;
        r = set_idmap(fd >= 0 ? fd : tree, userns_fd);
        if (r == -EINVAL && kernel_fs(type))
                return 0;
        if (r == -EINVAL && rel[0])
                return 1; /* to be covered */
        return r;
}

static int add_left(char ***left, size_t *n_left, const char *rel) {
        char **v = realloc(*left, (*n_left + 2) * sizeof(char *));

        if (!v)
                return -ENOMEM;
        *left = v;
        v[*n_left] = strdup(rel);
        if (!v[*n_left])
                return -ENOMEM;
        v[++*n_left] = NULL;
        return 0;
}

static int idmap_each(int tree, int srcfd, int oldroot, int userns_fd, char *detail, size_t n, char ***left) {
        _cleanup_free_ char *table = NULL;
        _cleanup_free_ uint64_t *done = NULL;
        char link[64], src[4096], *save = NULL;
        size_t n_lines = 1, n_done = 0, n_left = 0, len;
        uint64_t top;
        bool top_done = false;
        ssize_t k;
        int r;

        snprintf(link, sizeof(link), "proc/self/fd/%d", srcfd);
        k = readlinkat(oldroot, link, src, sizeof(src) - 1);
        if (k < 0)
                return negative_errno();
        src[k] = 0;
        len = streq(src, "/") ? 0 : (size_t)k;
        r = mnt_id(srcfd, &top, NULL);
        if (r == 0)
                r = read_file_at(oldroot, "proc/self/mountinfo", 16u << 20, &table);
        if (r < 0)
                return r;
        for (const char *c = table; *c; c++)
                n_lines += *c == '\n';
        done = calloc(n_lines + 1, sizeof(*done));
        if (!done)
                return -ENOMEM;
        /* the top (found by its id) and every mount below the source */
        for (char *line = strtok_r(table, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct minfo m;
                const char *rel;
                if (!parse_line(line, &m))
                        return -EBADMSG;
                if (m.id == top)
                        rel = "";
                else if (strncmp(m.point, src, len) == 0 && m.point[len] == '/' && m.point[len + 1])
                        rel = m.point + len + 1;
                else
                        continue;
                top_done |= !rel[0];
                r = idmap_one(tree, rel, m.type, userns_fd, done, &n_done);
                if (r == 1)
                        r = add_left(left, &n_left, rel);
                if (r < 0) {
                        snprintf(detail, n, "'%s' (%s)", m.point, m.type);
                        return r;
                }
        }
        if (!top_done) {
                snprintf(detail, n, "'%s' (not in the mount table)", src);
                return -ENOENT;
        }
        return 0;
}

void idmap_strv_free(char **v) {
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
}

int idmap_tree(int tree, int srcfd, int oldroot, int userns_fd, char *detail, size_t n, char ***ret_left) {
        _cleanup_(idmap_strv_freep) char **left = NULL;
        int r;

        struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};

        detail[0] = 0;
        if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) == 0)
                return 0;
        if (errno != EINVAL) {
                r = negative_errno();
                snprintf(detail, n, "this tree");
                return r;
        }
        r = idmap_each(tree, srcfd, oldroot, userns_fd, detail, n, &left);
        if (r == 0)
                *ret_left = TAKE_PTR(left);
        return r;
}

/* An empty, read-only directory nobody may enter (mode 000) */
int idmap_cover(int tree, char *const *left) {
        struct open_how how = {.flags = O_PATH | O_CLOEXEC,
                               .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH};

        for (; left && *left; left++) {
                _cleanup_close_ int target = (int)syscall(SYS_openat2, tree, *left, &how, sizeof(how));
                _cleanup_close_ int fs = -1, m = -1;
                if (target < 0)
                        return negative_errno();
                fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
                if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0000", 0) < 0 ||
                    fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
                    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                        return negative_errno();
                m = fsmount(fs, FSMOUNT_CLOEXEC,
                            MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
                if (m < 0 || move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                        return negative_errno();
        }
        return 0;
}
