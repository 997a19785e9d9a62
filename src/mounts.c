/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mounts.c - see mounts.h (the plan itself: mount_plan.c).
 *
 * How the view is built (child, new mount namespace, all capabilities in
 * its user namespace):
 *  1. "/" becomes private (nothing propagates to or from the host).
 *  2. A staging tmpfs is mounted over an existing directory (/tmp, ...)
 *     and made the root with pivot_root, so the host's root is reachable
 *     only as /oldroot (and /tmp there is the host's /tmp again).
 *  3. The new root /newroot is a tmpfs, a read-only recursive clone of the
 *     host root (host-ro) or a clone of DIR (root = DIR).
 *  4. The plan is applied in order: binds are clones of the source tree
 *     (open_tree) with their attributes set (mount_setattr: read-only,
 *     nosuid, nodev, private) before they are attached (move_mount), so a
 *     read-only bind is never writable, not even for a moment.
 *  5. pivot_root into /newroot and detach the old root: no /oldroot, no
 *     staging directory, no host path remains reachable.
 *
 * Path safety: sources are walked one component at a time from an fd of
 * the old root with O_PATH|O_NOFOLLOW; for a launch by root a symbolic
 * link is followed only when it belongs to root or to the target user (a
 * link planted by another user is refused; an unprivileged caller gains
 * nothing from any link, and in its user namespace every other owner
 * reads as the overflow uid, so there every link is followed), and the object mounted is the one that was opened, so
 * swapping a path for a symlink during setup cannot redirect a bind.
 * Destinations are resolved inside the new root with openat2
 * RESOLVE_IN_ROOT, so no symlink in a chroot tree can lead outside it.
 * The lookups themselves are mount_path.c's.
 * Needs Linux 5.12 (mount_setattr) and 5.6 (openat2). */
#define _GNU_SOURCE
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "idmap.h"
#include "macro.h"
#include "mount_path.h"
#include "pin.h"

/* ---- OS helpers (child only) -------------------------------------------- */

/* A launch by an unprivileged caller follows every symlink (see the top
 * of this file); one by root only root's and the target user's. */
static bool trust_all_links;

struct builder {
        int oldroot;   /* O_PATH fd of the host root (/oldroot) */
        int root;      /* O_PATH fd of the new root (/newroot) */
        int staging;   /* O_PATH fd of the staging tmpfs (/) */
        int empty;     /* O_PATH fd of an empty mode-000 file on it (hide) */
        unsigned n_overlays;
        dev_t ours[64];   /* tmpfs instances made here: the only places */
        size_t n_ours;    /* where mount points may be created */
        unsigned n_staged;     /* mounts built on the staging tmpfs first */
        bool refused_host_mkdir; /* make_path declined to create on the host */
        bool untrusted_link;     /* a destination went through another user's link */
        char idmap_detail[256];  /* the mount idmap_tree refused, or "" */
        bool own_files;          /* this bind: the caller's files, not idmapped */
        struct mounts_ctx *ctx;
        const struct policy *p;
};

static int fail(struct builder *b, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(struct builder *b, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(b->ctx->err_detail, sizeof(b->ctx->err_detail), fmt, ap);
        va_end(ap);
        if (b->idmap_detail[0]) {
                size_t n = strlen(b->ctx->err_detail);
                snprintf(b->ctx->err_detail + n, sizeof(b->ctx->err_detail) - n,
                         " (cannot hide root's files: no idmapped mount of %s)", b->idmap_detail);
        }
        if (b->refused_host_mkdir && r == -ENOENT) {
                size_t n = strlen(b->ctx->err_detail);
                snprintf(b->ctx->err_detail + n, sizeof(b->ctx->err_detail) - n,
                         " (the mount point is missing; sandbox creates mount points only on its own tmpfs, "
                         "never in a host directory)");
        }
        if (b->untrusted_link && r == -EPERM) {
                size_t n = strlen(b->ctx->err_detail);
                snprintf(b->ctx->err_detail + n, sizeof(b->ctx->err_detail) - n,
                         " (goes through a symbolic link owned by another user)");
        }
        if (r == -ESTALE) {
                size_t n = strlen(b->ctx->err_detail);
                snprintf(b->ctx->err_detail + n, sizeof(b->ctx->err_detail) - n,
                         " (the path changed while the view was set up)");
        }
        return r;
}

static bool in_home(const struct builder *b, const char *path) {
        const char *home = b->ctx->home;
        size_t n = home ? strlen(home) : 0;

        return n > 1 && strncmp(path, home, n) == 0 && path[n] == '/';
}

static bool is_ours(const struct builder *b, int fd) {
        struct stat st;

        if (fstat(fd, &st) < 0)
                return false;
        for (size_t i = 0; i < b->n_ours; i++)
                if (b->ours[i] == st.st_dev)
                        return true;
        return false;
}

static void remember(struct builder *b, int fd) {
        struct stat st;

        if (b->n_ours < ELEMENTSOF(b->ours) && fstat(fd, &st) == 0)
                b->ours[b->n_ours++] = st.st_dev;
}

/* An O_PATH fd of an existing destination inside rootfd. The kernel keeps
 * the lookup inside the root (RESOLVE_IN_ROOT); for a launch by root the
 * path is also walked with the source rules, so a symlink planted by
 * another user (in a chroot tree it can write) is refused, and both
 * lookups must reach the same node (-ESTALE if a racer changed it). */
static int resolve_dst(struct builder *b, int rootfd, const char *path) {
        _cleanup_close_ int walked = -1;
        int fd = path_open_in_root(rootfd, path, O_PATH), r;

        if (fd < 0 || trust_all_links)
                return fd;
        r = path_walk(trust_all_links, rootfd, path, true, &walked, NULL, 0);
        if (r == 0 && !path_same_node(fd, walked))
                r = -ESTALE;
        if (r < 0) {
                close(fd);
                if (r == -EPERM)
                        b->untrusted_link = true;
                return r == -ENOENT ? -ESTALE : r;
        }
        return fd;
}

/* An O_PATH fd of path inside the new root, creating it (and its parents)
 * if missing: a directory, or an empty file when as_file. Only on a tmpfs
 * made here: nothing is ever created in a host directory (root = DIR,
 * binds). The caller closes the fd. */
static int make_path(struct builder *b, int rootfd, const char *path, bool as_file) {
        char buf[PATH_MAX];
        char *slash, *name;
        int fd, parent = rootfd; /* a top-level path: the root itself */
        _cleanup_close_ int made = -1;

        if (strlen(path) >= sizeof(buf))
                return -ENAMETOOLONG;
        snprintf(buf, sizeof(buf), "%s", path);
        fd = resolve_dst(b, rootfd, buf);
        if (fd != -ENOENT)
                return fd; /* there already, or an error */
        slash = strrchr(buf, '/');
        if (!slash || !slash[1])
                return -EINVAL;
        *slash = 0;
        name = slash + 1;
        if (buf[0]) {
                parent = made = make_path(b, rootfd, buf, false);
                if (parent < 0)
                        return parent;
        }
        if (!is_ours(b, parent)) {
                b->refused_host_mkdir = true;
                return -ENOENT; /* a mount point missing in a host directory */
        }
        if (as_file) {
                fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (fd < 0 && errno != EEXIST)
                        return negative_errno();
                safe_close(fd);
        } else if (mkdirat(parent, name, 0755) == 0) {
                /* Directories made inside the home belong to the program's
                 * user (~/.config for a bind of ~/.config/app), as they would
                 * if it had made them itself. */
                if (in_home(b, path) && fchownat(parent, name, b->ctx->uid, b->ctx->gid, AT_SYMLINK_NOFOLLOW) < 0)
                        return negative_errno();
        } else if (errno != EEXIST)
                return negative_errno();
        fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

static int set_attrs(int tree, uint64_t attrs, bool recursive) {
        struct mount_attr a = {.attr_set = attrs, .propagation = MS_PRIVATE};

        if (mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
                return negative_errno();
        return 0;
}

/* Moves a detached mount (tree) onto an O_PATH fd inside the new root. */
static int move_onto(int tree, int target) {
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

/* Attaches a detached mount (tree) at dst inside the new root. */
static int attach(struct builder *b, int tree, const char *dst, bool as_file) {
        _cleanup_close_ int target = make_path(b, b->root, dst, as_file);

        return target < 0 ? target : move_onto(tree, target);
}

/* Creates a new filesystem instance; kv is a NULL-terminated list of
 * key, value pairs (value NULL: a flag). */
static int new_fs(const char *type, const char *const *kv, uint64_t attrs) {
        _cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
        int m;

        if (fs < 0)
                return negative_errno();
        for (; kv && kv[0]; kv += 2)
                if (fsconfig(fs, kv[1] ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, kv[0], kv[1], 0) < 0)
                        return negative_errno();
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return negative_errno();
        m = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
        return m < 0 ? negative_errno() : m;
}

/* A new filesystem at dst, or (target >= 0) onto that resolved node. */
static int mount_fs(struct builder *b, const char *type, const char *const *kv, uint64_t attrs, const char *dst,
                    int target) {
        _cleanup_close_ int m = new_fs(type, kv, attrs);
        int r;

        if (m < 0)
                return m;
        r = target >= 0 ? move_onto(m, target) : attach(b, m, dst, false);
        if (r == 0 && streq(type, "tmpfs"))
                remember(b, m);
        return r;
}

static int mount_fs_at(struct builder *b, const char *type, const char *const *kv, uint64_t attrs, const char *dst) {
        return mount_fs(b, type, kv, attrs, dst, -1);
}

/* A detached clone of the tree at srcfd with attributes set. */
static int clone_tree(int srcfd, uint64_t attrs, bool recursive) {
        _cleanup_close_ int tree =
                open_tree(srcfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0));
        int r;

        if (tree < 0)
                return negative_errno();
        r = set_attrs(tree, attrs, recursive);
        return r < 0 ? r : TAKE_FD(tree);
}

/* A clone of the tree at fd with attributes set, attached at dst. */
static int bind_fd(struct builder *b, int srcfd, const char *dst, uint64_t attrs, bool recursive) {
        struct stat st;
        _cleanup_close_ int tree = -1;
        _cleanup_(idmap_strv_freep) char **left = NULL;
        int r;

        if (fstat(srcfd, &st) < 0)
                return negative_errno();
        tree = clone_tree(srcfd, attrs, recursive);
        if (tree < 0)
                return tree;
        if ((attrs & MOUNT_ATTR_RDONLY) && b->ctx->idmap_fd >= 0 && !b->own_files) {
                r = idmap_tree(tree, srcfd, b->oldroot, b->ctx->idmap_fd, b->idmap_detail, sizeof(b->idmap_detail), &left);
                if (r < 0)
                        return r;
        }
        r = attach(b, tree, dst, !S_ISDIR(st.st_mode));
        return r < 0 ? r : idmap_attach(tree, b->oldroot, left, b->ctx->idmap_fd, b->idmap_detail, sizeof(b->idmap_detail));
}

/* The same onto a node already resolved in the new root (which may be
 * the source itself: a read-only bind of a path over itself). */
static int bind_onto(int srcfd, int target, uint64_t attrs, bool recursive) {
        _cleanup_close_ int tree = clone_tree(srcfd, attrs, recursive);

        return tree < 0 ? tree : move_onto(tree, target);
}

/* A new mount (m) is attached on the staging tmpfs first, where nothing
 * else can reach it, and completed there through its own fd (sub-mounts
 * on nodes looked up beneath m); then it moves, with everything on it, to
 * its place in the new root. So the protections of /proc and /dev are
 * always on the mount the program gets, whatever its path resolves to. */
static int stage(struct builder *b, int m) {
        char name[32];

        snprintf(name, sizeof(name), "stage%u", b->n_staged++);
        if (mkdirat(b->staging, name, 0700) < 0 ||
            move_mount(m, "", b->staging, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

/* A new filesystem mounted onto the node name on the staged mount m. */
static int mount_beneath(struct builder *b, int m, const char *name, const char *type, const char *const *kv,
                         uint64_t attrs) {
        _cleanup_close_ int fs = new_fs(type, kv, attrs), target = -1;

        if (fs < 0)
                return fs;
        if (mkdirat(m, name, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        target = path_open_beneath(m, name);
        if (target < 0)
                return target;
        if (move_onto(fs, target) < 0)
                return negative_errno();
        if (streq(type, "tmpfs"))
                remember(b, fs);
        return 0;
}

/* ---- operations --------------------------------------------------------- */

static int op_bind(struct builder *b, const struct mount_op *o) {
        _cleanup_close_ int src = -1;
        char link[PATH_MAX];
        uint64_t attrs = MOUNT_ATTR_NOSUID;
        bool same = streq(o->src, o->dst);
        int r;

        /* A source that is itself a symlink, bound at its own path, is
         * recreated as the same symlink (/bin -> usr/bin on merged /usr). */
        r = path_walk(trust_all_links, b->oldroot, o->src, !same, &src, link, sizeof(link));
        if (r == -ENOENT && o->optional)
                return 0;
        if (r == -EPERM)
                return fail(b, r, "%s '%s' (goes through a symbolic link owned by another user)",
                            mounts_kind_name(o->kind), o->src);
        if (r < 0)
                return fail(b, r, "%s '%s'", mounts_kind_name(o->kind), o->src);
        if (r == 1) {
                _cleanup_close_ int made = -1;
                char dir[PATH_MAX];
                int parent = b->root; /* a link at the top (/bin): the root itself */
                snprintf(dir, sizeof(dir), "%s", o->dst);
                *strrchr(dir, '/') = 0;
                if (dir[0]) {
                        parent = made = make_path(b, b->root, dir, false);
                        if (parent < 0)
                                return fail(b, parent, "symlink '%s'", o->dst);
                }
                char have[PATH_MAX];
                ssize_t n = readlinkat(parent, strrchr(o->dst, '/') + 1, have, sizeof(have) - 1);
                if (n >= 0 && (size_t)n == strlen(link) && memcmp(have, link, (size_t)n) == 0)
                        return 0; /* the same link is there already (root = host-ro, DIR) */
                if (!is_ours(b, parent))
                        return fail(b, -ENOENT, "symlink '%s' (not created in a host directory)", o->dst);
                if (symlinkat(link, parent, strrchr(o->dst, '/') + 1) < 0 && errno != EEXIST)
                        return fail(b, negative_errno(), "symlink '%s'", o->dst);
                return 0;
        }
        if (o->kind == MK_RO_BIND)
                attrs |= MOUNT_ATTR_RDONLY;
        if (o->kind != MK_DEV_BIND)
                attrs |= MOUNT_ATTR_NODEV;
        b->own_files = idmap_own_files(o->src, b->ctx->home, b->ctx->cwd);
        r = bind_fd(b, src, o->dst, attrs, true);
        b->own_files = false;
        if (r < 0)
                return fail(b, r, "%s '%s' on '%s'", mounts_kind_name(o->kind), o->src, o->dst);
        return 0;
}

static int op_tmpfs(struct builder *b, const struct mount_op *o) {
        const char *kv[8] = {"mode", "0755"};
        size_t n = 2;
        _cleanup_free_ char *opts = o->options ? strdup(o->options) : NULL;
        bool owner = false;
        char *save = NULL;
        int r;

        for (char *t = opts ? strtok_r(opts, ",", &save) : NULL; t && n < 6; t = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(t, '=');
                if (streq(t, "owner")) {
                        owner = true;
                        continue;
                }
                if (!eq)
                        continue;
                *eq = 0;
                if (streq(t, "mode"))
                        kv[1] = eq + 1;
                else {
                        kv[n++] = t;
                        kv[n++] = eq + 1;
                }
        }
        kv[n] = NULL;
        /* The owner is set on the new instance itself, before it is
         * attached: never through a path looked up again. */
        _cleanup_close_ int m = new_fs("tmpfs", kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
        if (m < 0)
                return fail(b, m, "tmpfs '%s'", o->dst);
        if (owner && fchownat(m, "", b->ctx->uid, b->ctx->gid, AT_EMPTY_PATH) < 0)
                return fail(b, negative_errno(), "private home '%s'", o->dst);
        r = attach(b, m, o->dst, false);
        if (r < 0)
                return fail(b, r, "tmpfs '%s'", o->dst);
        remember(b, m);
        return 0;
}

/* fd (whose owner is uid, already known, or -1 to look it up) belongs to
 * root or to the target user. */
static bool owned_by_us(const struct builder *b, int fd, uid_t uid) {
        struct stat st;

        if (uid == (uid_t)-1) {
                if (fstat(fd, &st) < 0)
                        return false;
                uid = st.st_uid;
        }
        return uid == 0 || uid == b->ctx->uid;
}

/* Overlay: DIR as the lower layer; writes go to a throwaway upper layer
 * on the staging tmpfs, or to STATE/upper with STATE/work as overlayfs's
 * scratch directory. Every layer is passed as /proc/self/fd/N of an fd
 * opened here without following symlinks. In a user namespace overlayfs
 * needs "userxattr". */
static int op_overlay(struct builder *b, const struct mount_op *o) {
        _cleanup_close_ int lower = -1, state = -1, up = -1, work = -1;
        char lpath[64], upath[PATH_MAX], wpath[PATH_MAX];
        int r;

        r = path_walk(trust_all_links, b->oldroot, o->src, true, &lower, NULL, 0);
        if (r == 0)
                r = path_is_dir(lower);
        if (r < 0)
                return fail(b, r, "overlay '%s'", o->src);
        snprintf(lpath, sizeof(lpath), "/oldroot/proc/self/fd/%d", lower);
        if (o->upper) {
                struct stat su, sw;
                r = path_walk(trust_all_links, b->oldroot, o->upper, true, &state, NULL, 0);
                if (r == 0)
                        r = path_is_dir(state);
                if (r < 0)
                        return fail(b, r, "overlay state directory '%s'", o->upper);
                if (path_is_within(b->oldroot, state, lower) || path_is_within(b->oldroot, lower, state))
                        return fail(b, -EINVAL, "overlay '%s': the state directory '%s' is, contains or is inside "
                                    "the lower directory", o->src, o->upper);
                up = path_open_state_dir(state, "upper", 0755);
                if (up < 0)
                        return fail(b, up, "overlay state directory '%s/upper'", o->upper);
                work = path_open_state_dir(state, "work", 0700);
                if (work < 0)
                        return fail(b, work, "overlay state directory '%s/work'", o->upper);
                if (fstat(up, &su) < 0 || fstat(work, &sw) < 0 || su.st_dev != sw.st_dev)
                        return fail(b, -EXDEV, "overlay state directory '%s' (upper and work on different "
                                    "filesystems)", o->upper);
                /* For a launch by root, what the program sees in place of
                 * DIR must not be another user's to change between runs. */
                if (!trust_all_links && !owned_by_us(b, state, (uid_t)-1))
                        return fail(b, -EPERM, "overlay state directory '%s' (belongs to another user; it must "
                                    "belong to root or the target user)", o->upper);
                if (!trust_all_links && (!owned_by_us(b, up, su.st_uid) || !owned_by_us(b, work, sw.st_uid)))
                        return fail(b, -EPERM, "overlay state directory '%s' (upper or work belongs to another "
                                    "user)", o->upper);
                snprintf(upath, sizeof(upath), "/oldroot/proc/self/fd/%d", up);
                snprintf(wpath, sizeof(wpath), "/oldroot/proc/self/fd/%d", work);
        } else {
                snprintf(upath, sizeof(upath), "/ovl%u/upper", b->n_overlays);
                snprintf(wpath, sizeof(wpath), "/ovl%u/work", b->n_overlays++);
                int u = make_path(b, b->staging, upath, false), w = make_path(b, b->staging, wpath, false);
                safe_close(u);
                safe_close(w);
                if (u < 0 || w < 0)
                        return fail(b, u < 0 ? u : w, "overlay scratch space for '%s'", o->src);
        }
        const char *kv[] = {"lowerdir", lpath, "upperdir", upath, "workdir", wpath, NULL, NULL, NULL};
        r = mount_fs_at(b, "overlay", kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, o->dst);
        if (r == -EINVAL || r == -EPERM) {
                kv[6] = "userxattr";
                r = mount_fs_at(b, "overlay", kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, o->dst);
        }
        if (r < 0)
                return fail(b, r, "overlay '%s'%s", o->src,
                            (r == -EINVAL || r == -EPERM) && b->ctx->unprivileged
                                    ? " (overlayfs refused it; in a user namespace it needs Linux 5.11 and "
                                      "a lower directory on a filesystem it supports)"
                                    : "");
        return 0;
}

/* An empty, inaccessible node over a path: a read-only tmpfs with mode
 * 000 over a directory, an empty mode-000 file over anything else. */
static int hide_node(struct builder *b, int target) {
        const uint64_t attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        struct stat st;

        if (fstat(target, &st) < 0)
                return negative_errno();
        if (S_ISDIR(st.st_mode)) {
                const char *kv[] = {"mode", "0000", "size", "4k", NULL};
                return mount_fs(b, "tmpfs", kv, attrs, NULL, target);
        }
        return bind_onto(b->empty, target, attrs, false);
}

/* The directory that holds the entry at path (target, resolved already):
 * its "..", or for a non-directory the parent path resolved again and
 * checked to hold that very node. */
static int hide_parent(struct builder *b, int target, const char *path) {
        char dir[PATH_MAX];
        const char *base = strrchr(path, '/');
        struct stat t, c;
        int parent;

        if (fstat(target, &t) < 0)
                return negative_errno();
        if (S_ISDIR(t.st_mode)) {
                parent = openat(target, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                return parent < 0 ? negative_errno() : parent;
        }
        if (!base || (size_t)(base - path) >= sizeof(dir))
                return -EINVAL;
        snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
        parent = dir[0] ? resolve_dst(b, b->root, dir) : fcntl(b->root, F_DUPFD_CLOEXEC, 3);
        if (parent < 0)
                return parent == -ENOENT ? -ESTALE : parent;
        if (fstatat(parent, base + 1, &c, AT_SYMLINK_NOFOLLOW) < 0 || c.st_dev != t.st_dev || c.st_ino != t.st_ino) {
                close(parent);
                return -ESTALE;
        }
        return parent;
}

static int op_hide(struct builder *b, const struct mount_op *o) {
        _cleanup_close_ int target = resolve_dst(b, b->root, o->dst), parent = -1;
        int r;

        if (target == -ENOENT)
                return 0; /* nothing to hide */
        r = target < 0 ? target : (parent = hide_parent(b, target, o->dst));
        if (r >= 0)
                r = hide_node(b, target);
        /* Every directory between the covered entry and the root of its
         * mount becomes a mount point (pin.h): renaming one fails with
         * EBUSY, so a program that can write the tree cannot move the
         * entry away from PATH and expose it in the next run. */
        if (r == 0)
                r = pin_up(parent);
        return r < 0 ? fail(b, r, "hide '%s'", o->dst) : 0;
}

static int op_mkdir(struct builder *b, const struct mount_op *o) {
        int fd = make_path(b, b->root, o->dst, false);

        safe_close(fd);
        return fd < 0 ? fail(b, fd, "mkdir '%s'", o->dst) : 0;
}

/* One host device node (NAME in the host's /dev, hostdev) bound over an
 * empty file made for it in the new /dev (dev, our tmpfs). Only a
 * character device is bound: a host /dev entry that is anything else
 * (a symlink, a file) is refused. */
static int bind_dev_node(int hostdev, int dev, const char *name, uint64_t attrs) {
        _cleanup_close_ int src = openat(hostdev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC), dst = -1;
        struct stat st;

        if (src < 0 || fstat(src, &st) < 0)
                return negative_errno();
        if (!S_ISCHR(st.st_mode))
                return -ENODEV;
        dst = openat(dev, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (dst < 0)
                return negative_errno();
        return bind_onto(src, dst, attrs, false);
}

static int op_private_dev(struct builder *b, const struct mount_op *o _unused_) {
        static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
        static const char *const links[][2] = {
                {"ptmx", "pts/ptmx"}, {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
                {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
        };
        const char *dev_kv[] = {"mode", "0755", "size", "64k", NULL};
        const char *pts_kv[] = {"newinstance", NULL, "ptmxmode", "0666", "mode", "0620", NULL};
        const char *shm_kv[] = {"mode", "1777", NULL};
        _cleanup_close_ int dev = -1, hostdev = -1;
        int r;

        r = path_walk(trust_all_links, b->oldroot, "/dev", true, &hostdev, NULL, 0);
        if (r < 0)
                return fail(b, r, "private-dev: the host's '/dev'");
        dev = new_fs("tmpfs", dev_kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
        r = dev < 0 ? dev : stage(b, dev);
        if (r < 0)
                return fail(b, r, "private-dev '/dev'");
        remember(b, dev);
        for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
                r = bind_dev_node(hostdev, dev, nodes[i], MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
                if (r < 0 && r != -ENOENT)
                        return fail(b, r, "private-dev '/dev/%s'%s", nodes[i],
                                    r == -ENODEV ? " (not a character device on the host)" : "");
        }
        r = mount_beneath(b, dev, "pts", "devpts", pts_kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
        if (r < 0)
                return fail(b, r, "private-dev '/dev/pts'");
        r = mount_beneath(b, dev, "shm", "tmpfs", shm_kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
        if (r < 0)
                return fail(b, r, "private-dev '/dev/shm'");
        for (size_t i = 0; i < ELEMENTSOF(links); i++)
                if (symlinkat(links[i][1], dev, links[i][0]) < 0 && errno != EEXIST)
                        return fail(b, negative_errno(), "private-dev '/dev/%s'", links[i][0]);
        r = attach(b, dev, "/dev", false);
        return r < 0 ? fail(b, r, "private-dev '/dev'") : 0;
}

/* A fresh procfs for the new PID namespace, with the files that reach the
 * host kernel (sysctl, sysrq, kcore, keys, ...) read-only or masked. All
 * of it is done on the new proc mount itself (staged, looked up beneath
 * its fd) before it is attached. An entry missing there does not exist on
 * this kernel (nobody else can change this proc instance); any other
 * failure fails the launch. */
static int op_proc(struct builder *b, const struct mount_op *o _unused_) {
        static const char *const ro[] = {"sys", "sysrq-trigger", "irq", "bus", "fs"};
        static const char *const masked[] = {"kcore", "keys", "key-users", "timer_list", "sched_debug",
                                             "kallsyms", "kmsg", "latency_stats", "config.gz", "acpi", "scsi"};
        _cleanup_close_ int m = new_fs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        int r = m < 0 ? m : stage(b, m);

        if (r < 0)
                return fail(b, r, "proc '/proc'");
        for (size_t i = 0; i < ELEMENTSOF(ro); i++) {
                _cleanup_close_ int fd = path_open_beneath(m, ro[i]);
                if (fd == -ENOENT)
                        continue;
                r = fd < 0 ? fd : bind_onto(fd, fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                                            MOUNT_ATTR_NOEXEC, true);
                if (r < 0)
                        return fail(b, r, "proc '/proc/%s'", ro[i]);
        }
        for (size_t i = 0; i < ELEMENTSOF(masked); i++) {
                _cleanup_close_ int fd = path_open_beneath(m, masked[i]);
                if (fd == -ENOENT)
                        continue;
                r = fd < 0 ? fd : hide_node(b, fd);
                if (r < 0)
                        return fail(b, r, "proc: mask '/proc/%s'", masked[i]);
        }
        r = attach(b, m, "/proc", false);
        return r < 0 ? fail(b, r, "proc '/proc'") : 0;
}

static int apply_op(struct builder *b, const struct mount_op *o) {
        switch (o->kind) {
        case MK_BIND:
        case MK_RO_BIND:
        case MK_DEV_BIND:
                return op_bind(b, o);
        case MK_TMPFS:
                return op_tmpfs(b, o);
        case MK_OVERLAY:
                return op_overlay(b, o);
        case MK_PRIVATE_DEV:
                return op_private_dev(b, o);
        case MK_PROC:
                return op_proc(b, o);
        case MK_HIDE:
                return op_hide(b, o);
        case MK_MKDIR:
                return op_mkdir(b, o);
        }
        return -EINVAL;
}

/* ---- the sequence ------------------------------------------------------- */

/* The profile directories become read-only in the old root itself, before
 * anything is cloned from it: every bind that contains one, at whatever
 * path, carries the read-only mount along (AT_RECURSIVE clones). */
static bool is_mount_root(int fd) {
        struct statx st;

        return statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0, &st) == 0 &&
               (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

static int protect_dirs(struct builder *b) {
        for (char *const *d = b->ctx->protect; d && *d; d++) {
                _cleanup_close_ int fd = -1, tree = -1;
                int r = path_walk(trust_all_links, b->oldroot, *d, true, &fd, NULL, 0);
                /* absent, or out of the caller's reach: no bind can expose it */
                if (r == -ENOENT || r == -EACCES || r == -ENOTDIR)
                        continue;
                /* A mount of its own (/sys, /proc) becomes read-only in
                 * place, with everything mounted under it: these mounts are
                 * this namespace's copies. A directory inside a mount gets
                 * a read-only clone of itself on top. */
                if (r == 0 && is_mount_root(fd))
                        r = set_attrs(fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true);
                else if (r == 0) {
                        tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
                        r = tree < 0 ? negative_errno()
                                     : set_attrs(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true);
                        if (r == 0 && move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                                r = negative_errno();
                }
                if (r == 0) /* no ancestor can be renamed away (pin.h) */
                        r = pin_ancestors(fd);
                if (r < 0)
                        return fail(b, r, "read-only profile directory '%s'", *d);
        }
        return 0;
}

/* Steps 1-2: private propagation, staging tmpfs as the root, the host's
 * root at /oldroot. */
static int enter_staging(struct builder *b) {
        static const char *const spots[] = {"/tmp", "/run", "/mnt", "/var/tmp", "/media", "/opt", "/srv", "/home"};
        const char *kv[] = {"mode", "0700", "size", "16m", NULL};
        _cleanup_close_ int m = -1;
        const char *spot = NULL;
        int fd;

        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return fail(b, negative_errno(), "make '/' private");
        m = new_fs("tmpfs", kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
        if (m < 0)
                return fail(b, m, "staging tmpfs");
        for (size_t i = 0; i < ELEMENTSOF(spots) && !spot; i++)
                if (move_mount(m, "", AT_FDCWD, spots[i], MOVE_MOUNT_F_EMPTY_PATH) == 0)
                        spot = spots[i];
        if (!spot)
                return fail(b, -ENOENT, "staging tmpfs (no /tmp, /run or /mnt to mount it on)");
        /* into the mount itself, not the path looked up again */
        if (fchdir(m) < 0 || mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0)
                return fail(b, negative_errno(), "staging directories");
        fd = open("empty", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0000);
        if (fd < 0)
                return fail(b, negative_errno(), "staging directories");
        close(fd);
        if (syscall(SYS_pivot_root, ".", "oldroot") < 0 || chdir("/") < 0)
                return fail(b, negative_errno(), "pivot_root into the staging tmpfs");
        b->staging = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        b->oldroot = open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
        b->empty = open("/empty", O_PATH | O_CLOEXEC);
        if (b->staging < 0 || b->oldroot < 0 || b->empty < 0)
                return fail(b, negative_errno(), "staging directories");
        remember(b, b->staging);
        return 0;
}

/* The root directory that cannot be used, named as the caller gave it:
 * "--chroot '/x'" or "FILE:LINE: root '/x'". */
static int fail_root(struct builder *b, int r, const char *dir) {
        const struct key_def *k = policy_find_key("filesystem", "root");
        struct origin o = k ? b->p->origin[policy_key_index(k)] : (struct origin){0};

        if (o.file && o.line)
                return fail(b, r, "%s:%u: root '%s'", o.file, o.line, dir);
        if (o.file && o.file[0] == '-')
                return fail(b, r, "%s '%s'", o.file, dir);
        return fail(b, r, "root '%s'", dir);
}

/* Step 3: the base of the new root. */
static int make_root(struct builder *b) {
        const struct policy *p = b->p;
        _cleanup_close_ int tree = -1, src = -1;
        _cleanup_(idmap_strv_freep) char **left = NULL;
        int r;

        if (p->root == ROOT_TMPFS) {
                const char *kv[] = {"mode", "0755", NULL};
                tree = new_fs("tmpfs", kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
                r = tree < 0 ? tree : 0;
        } else {
                const char *dir = p->root == ROOT_DIR ? p->root_dir : "/";
                r = path_walk(trust_all_links, b->oldroot, dir, true, &src, NULL, 0);
                if (r == 0)
                        r = path_is_dir(src);
                if (r < 0)
                        return fail_root(b, r, dir);
                tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
                r = tree < 0 ? negative_errno()
                             : set_attrs(tree, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                                       (p->root == ROOT_HOST_RO ? MOUNT_ATTR_RDONLY : 0), true);
                if (r == 0 && p->root == ROOT_HOST_RO && b->ctx->idmap_fd >= 0)
                        r = idmap_tree(tree, src, b->oldroot, b->ctx->idmap_fd, b->idmap_detail,
                                       sizeof(b->idmap_detail), &left);
        }
        if (r < 0)
                return fail(b, r, "new root");
        if (move_mount(tree, "", b->staging, "newroot", MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return fail(b, negative_errno(), "new root");
        r = idmap_attach(tree, b->oldroot, left, b->ctx->idmap_fd, b->idmap_detail, sizeof(b->idmap_detail));
        if (r < 0)
                return fail(b, r, "new root");
        b->root = openat(b->staging, "newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (b->root < 0)
                return fail(b, negative_errno(), "new root");
        if (p->root == ROOT_TMPFS)
                remember(b, b->root);
        return 0;
}

/* Step 5: a tmpfs root becomes read-only (only the mounts on it are
 * writable), then pivot_root(".", ".") and detach the old root. */
static int enter_root(struct builder *b) {
        if (b->p->root == ROOT_TMPFS) {
                struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
                if (mount_setattr(b->root, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
                        return fail(b, negative_errno(), "read-only root");
        }
        if (fchdir(b->root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
                return fail(b, negative_errno(), "pivot_root into the new root");
        if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
                return fail(b, negative_errno(), "detach the old root");
        return 0;
}

int mounts_setup(const struct policy *p, struct mounts_ctx *ctx) {
        struct builder b = {.oldroot = -1, .root = -1, .staging = -1, .empty = -1, .ctx = ctx, .p = p};
        struct mount_plan plan = {0};
        int r;

        ctx->err_detail[0] = 0;
        trust_all_links = ctx->unprivileged;
        r = mounts_plan(p, ctx->home, &plan);
        if (r < 0)
                return fail(&b, r, "mount plan");
        r = enter_staging(&b);
        if (r == 0)
                r = protect_dirs(&b);
        if (r == 0)
                r = make_root(&b);
        for (size_t i = 0; r == 0 && i < plan.n; i++)
                r = apply_op(&b, &plan.ops[i]);
        if (r == 0)
                r = enter_root(&b);
        mounts_plan_free(&plan);
        safe_close(b.oldroot);
        safe_close(b.root);
        safe_close(b.staging);
        safe_close(b.empty);
        return r;
}
