/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount_path.c - see mount_path.h. */
#define _GNU_SOURCE
#include "mount_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "macro.h"

int path_open_in_root(int rootfd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t)(flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

        return fd < 0 ? negative_errno() : fd;
}

static void walk_move(int *cur, int rootfd, int to) {
        if (*cur != rootfd)
                close(*cur);
        *cur = to;
}

int path_walk(bool trust_all_links, int rootfd, const char *path, bool follow_last, int *ret_fd, char *link,
              size_t linklen) {
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

bool path_same_node(int a, int b) {
        struct stat x, y;

        return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* An O_PATH fd of name on the mount m: no symlink, no "..", no other
 * mount on the way. */
int path_open_beneath(int m, const char *name) {
        struct open_how how = {
                .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        int fd = (int)syscall(SYS_openat2, m, name, &how, sizeof(how));

        return fd < 0 ? negative_errno() : fd;
}

/* Whether the directory inner is outer or below it: walks inner's
 * ancestors with ".." (crossing mounts) up to the host root. */
bool path_is_within(int top, int inner, int outer) {
        int cur = inner;
        bool found = false;

        for (unsigned i = 0; i < 4096 && !found; i++) {
                int up;
                found = path_same_node(cur, outer);
                if (found || path_same_node(cur, top))
                        break;
                up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (cur != inner)
                        close(cur);
                cur = up;
                if (cur < 0)
                        return true; /* cannot tell: treat as overlapping */
        }
        if (cur != inner)
                close(cur);
        return found;
}

/* STATE/name for overlayfs: created if missing, opened without following
 * a symlink; a symlink or anything but a directory is refused (the
 * kernel would otherwise follow a link the state's owner planted, and
 * write, or clean up work files, wherever it points). */
int path_open_state_dir(int state, const char *name, mode_t mode) {
        struct stat st;
        int fd;

        if (mkdirat(state, name, mode) < 0 && errno != EEXIST)
                return negative_errno();
        fd = openat(state, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
                int r = fstat(fd, &st) < 0 ? negative_errno() : S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
                close(fd);
                return r;
        }
        return fd;
}

int path_is_dir(int fd) {
        struct stat st;

        if (fstat(fd, &st) < 0)
                return negative_errno();
        return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}
