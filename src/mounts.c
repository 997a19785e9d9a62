/* mounts.c - see mounts.h.
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
 * Needs Linux 5.12 (mount_setattr) and 5.6 (openat2). */
#define _GNU_SOURCE
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
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
#include "pin.h"

/* ---- the plan (pure) ---------------------------------------------------- */

const char *mounts_kind_name(enum mount_kind k) {
        static const char *const names[] = {
                [MK_BIND] = "bind", [MK_RO_BIND] = "ro-bind", [MK_DEV_BIND] = "dev-bind",
                [MK_TMPFS] = "tmpfs", [MK_OVERLAY] = "overlay", [MK_PRIVATE_DEV] = "private-dev",
                [MK_PROC] = "proc", [MK_HIDE] = "hide", [MK_MKDIR] = "mkdir",
        };
        return names[k];
}

static int plan_add(struct mount_plan *pl, enum mount_kind kind, const char *src, const char *dst,
                    const char *upper, const char *options, bool optional) {
        struct mount_op *n = realloc(pl->ops, (pl->n + 1) * sizeof(*n));

        if (!n)
                return -ENOMEM;
        pl->ops = n;
        n[pl->n] = (struct mount_op){
                .kind = kind,
                .src = src ? strdup(src) : NULL,
                .dst = strdup(dst),
                .upper = upper ? strdup(upper) : NULL,
                .options = options ? strdup(options) : NULL,
                .optional = optional,
                .order = pl->n,
        };
        if (!n[pl->n].dst || (src && !n[pl->n].src) || (upper && !n[pl->n].upper) ||
            (options && !n[pl->n].options))
                return -ENOMEM;
        pl->n++;
        return 0;
}

/* "[-]SRC[:DST]" */
static int plan_binds(struct mount_plan *pl, const struct strlist *l, enum mount_kind kind) {
        for (size_t i = 0; i < l->n; i++) {
                const char *v = l->items[i].value;
                bool optional = v[0] == '-';
                _cleanup_free_ char *src = strdup(optional ? v + 1 : v);
                char *colon;
                int r;

                if (!src)
                        return -ENOMEM;
                colon = strchr(src, ':');
                if (colon)
                        *colon = 0;
                r = plan_add(pl, kind, src, colon ? colon + 1 : src, NULL, NULL, optional);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* "DIR[:opts]" (tmpfs) or "DIR[:UPPER]" (overlay) */
static int plan_split(struct mount_plan *pl, const struct strlist *l, enum mount_kind kind) {
        for (size_t i = 0; i < l->n; i++) {
                _cleanup_free_ char *dir = strdup(l->items[i].value);
                char *colon;
                int r;

                if (!dir)
                        return -ENOMEM;
                colon = strchr(dir, ':');
                if (colon)
                        *colon++ = 0;
                if (kind == MK_OVERLAY)
                        r = plan_add(pl, kind, dir, dir, colon, NULL, false);
                else if (kind == MK_TMPFS) {
                        /* a profile's tmpfs belongs to the program's user */
                        _cleanup_free_ char *opts = NULL;
                        if (asprintf(&opts, "%s%sowner", colon ? colon : "", colon ? "," : "") < 0)
                                return -ENOMEM;
                        r = plan_add(pl, kind, NULL, dir, NULL, opts, false);
                }
                else
                        r = plan_add(pl, kind, NULL, dir, NULL, NULL, kind == MK_HIDE);
                if (r < 0)
                        return r;
        }
        return 0;
}

static unsigned path_depth(const char *p) {
        unsigned d = 0;

        for (; *p; p++)
                if (*p == '/' && p[1] && p[1] != '/')
                        d++;
        return d;
}

/* By depth (parents first); at one depth mounts before mkdir before hide;
 * then profile order. */
static int op_rank(const struct mount_op *o) {
        switch (o->kind) {
        case MK_MKDIR:
                return 1;
        case MK_HIDE:
                return 2;
        default:
                return 0;
        }
}

static int op_cmp(const void *a, const void *b) {
        const struct mount_op *x = a, *y = b;
        unsigned dx = path_depth(x->dst), dy = path_depth(y->dst);

        if (dx != dy)
                return dx < dy ? -1 : 1;
        if (op_rank(x) != op_rank(y))
                return op_rank(x) - op_rank(y);
        return x->order < y->order ? -1 : x->order > y->order;
}

int mounts_plan(const struct policy *p, const char *home, struct mount_plan *ret) {
        struct mount_plan pl = {0};
        int r = 0;

        if (p->proc)
                r = plan_add(&pl, MK_PROC, NULL, "/proc", NULL, NULL, false);
        if (r == 0 && p->private_dev)
                r = plan_add(&pl, MK_PRIVATE_DEV, NULL, "/dev", NULL, NULL, false);
        if (r == 0 && p->private_tmp)
                r = plan_add(&pl, MK_TMPFS, NULL, "/tmp", NULL, "mode=1777", false);
        if (r == 0 && p->private_home && home && home[0] == '/' && home[1])
                r = plan_add(&pl, MK_TMPFS, NULL, home, NULL, "mode=0700,owner", false);
        if (r == 0)
                r = plan_binds(&pl, &p->ro_bind, MK_RO_BIND);
        if (r == 0)
                r = plan_binds(&pl, &p->bind, MK_BIND);
        if (r == 0)
                r = plan_binds(&pl, &p->dev_bind, MK_DEV_BIND);
        if (r == 0)
                r = plan_split(&pl, &p->tmpfs, MK_TMPFS);
        if (r == 0)
                r = plan_split(&pl, &p->overlay, MK_OVERLAY);
        if (r == 0)
                r = plan_split(&pl, &p->hide, MK_HIDE);
        if (r == 0)
                r = plan_split(&pl, &p->mkdir, MK_MKDIR);
        if (r < 0) {
                mounts_plan_free(&pl);
                return r;
        }
        qsort(pl.ops, pl.n, sizeof(*pl.ops), op_cmp);
        *ret = pl;
        return 0;
}

void mounts_plan_free(struct mount_plan *pl) {
        for (size_t i = 0; i < pl->n; i++) {
                free(pl->ops[i].src);
                free(pl->ops[i].dst);
                free(pl->ops[i].upper);
                free(pl->ops[i].options);
        }
        free(pl->ops);
        pl->ops = NULL;
        pl->n = 0;
}

void mounts_plan_print(const struct mount_plan *pl, FILE *f) {
        for (size_t i = 0; i < pl->n; i++) {
                const struct mount_op *o = &pl->ops[i];
                fprintf(f, "# mount: %-11s %s%s%s%s%s%s%s%s\n", mounts_kind_name(o->kind),
                        o->optional ? "(optional) " : "", o->src ? o->src : "", o->src ? " -> " : "", o->dst,
                        o->upper ? " state " : "", o->upper ? o->upper : "", o->options ? " " : "",
                        o->options ? o->options : "");
        }
}

/* ---- OS helpers (child only) -------------------------------------------- */

struct builder {
        int oldroot;   /* O_PATH fd of the host root (/oldroot) */
        int root;      /* O_PATH fd of the new root (/newroot) */
        int staging;   /* O_PATH fd of the staging tmpfs (/) */
        int empty;     /* O_PATH fd of an empty mode-000 file on it (hide) */
        unsigned n_overlays;
        dev_t ours[64];   /* tmpfs instances made here: the only places */
        size_t n_ours;    /* where mount points may be created */
        bool refused_host_mkdir; /* make_path declined to create on the host */
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
        return r;
}

static int open_in_root(int rootfd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t)(flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

        return fd < 0 ? negative_errno() : fd;
}

/* Walks path from rootfd without trusting symlinks that belong to other
 * users. With follow_last false, a final symlink is returned as an O_PATH
 * fd of the link itself and its text in link (if non-NULL). */
static bool trust_all_links;

static void walk_move(int *cur, int rootfd, int to) {
        if (*cur != rootfd)
                close(*cur);
        *cur = to;
}

static int walk_source(int rootfd, const char *path, bool follow_last, int *ret_fd, char *link, size_t linklen) {
        char rest[2 * PATH_MAX];
        int cur = rootfd; /* rootfd is the caller's: never closed here */
        unsigned hops = 0, depth = 0;
        char *p = rest;
        int r = 0;

        if (strlen(path) >= PATH_MAX)
                return -ENAMETOOLONG;
        snprintf(rest, sizeof(rest), "%s", path);
        for (;;) {
                char comp[NAME_MAX + 1], target[PATH_MAX];
                struct stat st;
                size_t n;
                ssize_t k;
                int fd;
                bool last;

                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                n = strcspn(p, "/");
                if (n > NAME_MAX) {
                        r = -ENAMETOOLONG;
                        break;
                }
                memcpy(comp, p, n);
                comp[n] = 0;
                p += n;
                while (*p == '/')
                        p++;
                last = !*p;
                if (streq(comp, ".") || (streq(comp, "..") && depth == 0))
                        continue; /* ".." at the top stays at the top */
                fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                        r = negative_errno();
                        break;
                }
                /* readlink of the O_PATH fd itself (empty path): the node
                 * exists, so ENOENT (or EINVAL) means "not a symlink" */
                k = readlinkat(fd, "", target, sizeof(target) - 1);
                if (k < 0 && (errno == ENOENT || errno == EINVAL)) {
                        walk_move(&cur, rootfd, fd);
                        depth = streq(comp, "..") ? depth - 1 : depth + 1;
                        continue;
                }
                if (k >= 0 && ++hops > 40)
                        r = -ELOOP;
                else if (k < 0)
                        r = negative_errno();
                else if (!trust_all_links &&
                         (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ||
                          (st.st_uid != 0 && st.st_uid != geteuid())))
                        r = -EPERM;
                if (r < 0) {
                        close(fd);
                        break;
                }
                target[k] = 0;
                if (last && !follow_last) {
                        if (link)
                                snprintf(link, linklen, "%s", target);
                        walk_move(&cur, rootfd, rootfd);
                        *ret_fd = fd;
                        return 1; /* a symlink */
                }
                close(fd);
                if (strlen(target) + strlen(p) + 2 >= sizeof(rest)) {
                        r = -ENAMETOOLONG;
                        break;
                }
                {
                        /* rest := target + "/" + what was left of it */
                        size_t tl = (size_t)k, pl = strlen(p);
                        memmove(rest + tl + 1, p, pl + 1);
                        memcpy(rest, target, tl);
                        rest[tl] = '/';
                }
                p = rest;
                if (target[0] == '/') {
                        walk_move(&cur, rootfd, rootfd);
                        depth = 0;
                }
        }
        if (r < 0) {
                walk_move(&cur, rootfd, rootfd);
                return r;
        }
        if (cur == rootfd) { /* the path was the root itself */
                cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (cur < 0)
                        return negative_errno();
        }
        *ret_fd = cur;
        return 0;
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
        fd = open_in_root(rootfd, buf, O_PATH);
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

/* ---- operations --------------------------------------------------------- */

static int op_bind(struct builder *b, const struct mount_op *o) {
        _cleanup_close_ int src = -1;
        char link[PATH_MAX];
        uint64_t attrs = MOUNT_ATTR_NOSUID;
        bool same = streq(o->src, o->dst);
        int r;

        /* A source that is itself a symlink, bound at its own path, is
         * recreated as the same symlink (/bin -> usr/bin on merged /usr). */
        r = walk_source(b->oldroot, o->src, !same, &src, link, sizeof(link));
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
        r = mount_fs_at(b, "tmpfs", kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, o->dst);
        if (r < 0)
                return fail(b, r, "tmpfs '%s'", o->dst);
        if (owner) {
                _cleanup_close_ int fd = open_in_root(b->root, o->dst, O_RDONLY | O_DIRECTORY);
                if (fd < 0 || fchown(fd, b->ctx->uid, b->ctx->gid) < 0)
                        return fail(b, fd < 0 ? fd : negative_errno(), "private home '%s'", o->dst);
        }
        return 0;
}

/* Overlay: DIR as the lower layer; writes go to a throwaway upper layer
 * on the staging tmpfs, or to UPPER/upper with UPPER/work as overlayfs's
 * scratch directory. In a user namespace overlayfs needs "userxattr". */
static int op_overlay(struct builder *b, const struct mount_op *o) {
        _cleanup_close_ int lower = -1, state = -1;
        char lpath[64], upath[PATH_MAX], wpath[PATH_MAX];
        int r;

        r = walk_source(b->oldroot, o->src, true, &lower, NULL, 0);
        if (r < 0)
                return fail(b, r, "overlay '%s'", o->src);
        snprintf(lpath, sizeof(lpath), "/oldroot/proc/self/fd/%d", lower);
        if (o->upper) {
                r = walk_source(b->oldroot, o->upper, true, &state, NULL, 0);
                if (r < 0)
                        return fail(b, r, "overlay upper directory '%s'", o->upper);
                if ((mkdirat(state, "upper", 0755) < 0 && errno != EEXIST) ||
                    (mkdirat(state, "work", 0700) < 0 && errno != EEXIST))
                        return fail(b, negative_errno(), "overlay upper directory '%s'", o->upper);
                snprintf(upath, sizeof(upath), "/oldroot/proc/self/fd/%d/upper", state);
                snprintf(wpath, sizeof(wpath), "/oldroot/proc/self/fd/%d/work", state);
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
                            r == -EINVAL || r == -EPERM ? " (overlayfs refused this directory; a user "
                                                          "namespace needs Linux 5.11)" : "");
        return 0;
}

/* An empty, inaccessible node over a path: a read-only tmpfs with mode
 * 000 over a directory, an empty mode-000 file over anything else. */
static int op_hide(struct builder *b, const struct mount_op *o) {
        _cleanup_close_ int target = open_in_root(b->root, o->dst, O_PATH);
        const uint64_t attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        struct stat st;
        int r;

        if (target == -ENOENT)
                return 0; /* nothing to hide */
        if (target < 0 || fstat(target, &st) < 0)
                return fail(b, target < 0 ? target : negative_errno(), "hide '%s'", o->dst);
        if (S_ISDIR(st.st_mode)) {
                const char *kv[] = {"mode", "0000", "size", "4k", NULL};
                r = mount_fs(b, "tmpfs", kv, attrs, o->dst, target);
        } else
                r = bind_onto(b->empty, target, attrs, false);
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

        r = walk_source(b->oldroot, "/dev", true, &hostdev, NULL, 0);
        if (r < 0)
                return fail(b, r, "private-dev: the host's '/dev'");
        r = mount_fs_at(b, "tmpfs", dev_kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev");
        if (r < 0)
                return fail(b, r, "private-dev '/dev'");
        dev = open_in_root(b->root, "/dev", O_PATH | O_DIRECTORY);
        if (dev < 0)
                return fail(b, dev, "private-dev '/dev'");
        for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
                r = bind_dev_node(hostdev, dev, nodes[i], MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
                if (r < 0 && r != -ENOENT)
                        return fail(b, r, "private-dev '/dev/%s'%s", nodes[i],
                                    r == -ENODEV ? " (not a character device on the host)" : "");
        }
        r = mount_fs_at(b, "devpts", pts_kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev/pts");
        if (r < 0)
                return fail(b, r, "private-dev '/dev/pts'");
        r = mount_fs_at(b, "tmpfs", shm_kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "/dev/shm");
        if (r < 0)
                return fail(b, r, "private-dev '/dev/shm'");
        for (size_t i = 0; i < ELEMENTSOF(links); i++)
                if (symlinkat(links[i][1], dev, links[i][0]) < 0 && errno != EEXIST)
                        return fail(b, negative_errno(), "private-dev '/dev/%s'", links[i][0]);
        return 0;
}

/* A fresh procfs for the new PID namespace, with the files that reach the
 * host kernel (sysctl, sysrq, kcore, keys, ...) read-only or masked. */
static int op_proc(struct builder *b, const struct mount_op *o _unused_) {
        static const char *const ro[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs"};
        static const char *const masked[] = {"/proc/kcore", "/proc/keys", "/proc/key-users", "/proc/timer_list",
                                             "/proc/sched_debug", "/proc/kallsyms", "/proc/kmsg",
                                             "/proc/latency_stats", "/proc/config.gz", "/proc/acpi", "/proc/scsi"};
        int r = mount_fs_at(b, "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, "/proc");

        if (r < 0)
                return fail(b, r, "proc '/proc'");
        for (size_t i = 0; i < ELEMENTSOF(ro); i++) {
                _cleanup_close_ int fd = open_in_root(b->root, ro[i], O_PATH);
                if (fd == -ENOENT)
                        continue;
                r = fd < 0 ? fd : bind_onto(fd, fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                                            MOUNT_ATTR_NOEXEC, true);
                if (r < 0)
                        return fail(b, r, "proc '%s'", ro[i]);
        }
        for (size_t i = 0; i < ELEMENTSOF(masked); i++) {
                struct mount_op h = {.kind = MK_HIDE, .dst = (char *)masked[i]};
                r = op_hide(b, &h);
                if (r < 0)
                        return r;
        }
        return 0;
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
                int r = walk_source(b->oldroot, *d, true, &fd, NULL, 0);
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
        if (chdir(spot) < 0 || mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0)
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
                r = walk_source(b->oldroot, dir, true, &src, NULL, 0);
                if (r < 0)
                        return fail(b, r, "root '%s'", dir);
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
