/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pin.c - see pin.h. rename(2): EBUSY when oldpath or newpath is a mount
 * point in the caller's mount namespace (is_local_mountpoint); the clones
 * made here are carried into every bind of a tree containing them
 * (AT_RECURSIVE clones), so the sandbox's copies are mount points too. */
#define _GNU_SOURCE
#include "pin.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"

static int is_mount_root(int fd) {
        struct statx st;

        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0, &st) < 0)
                return negative_errno();
        if (!(st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
                return -EOPNOTSUPP;
        return !!(st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* A clone of the tree at fd (with everything mounted below it) on fd */
static int pin_one(int fd) {
        _cleanup_close_ int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);

        if (tree < 0 || move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

int pin_up(int dir) {
        _cleanup_close_ int cur = fcntl(dir, F_DUPFD_CLOEXEC, 3);

        for (;;) {
                int r, up;

                if (cur < 0)
                        return negative_errno();
                r = is_mount_root(cur);
                if (r < 0)
                        return r;
                if (r == 1)
                        return 0; /* its own dentry is a mount point already */
                up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                r = pin_one(cur);
                safe_close(cur);
                cur = up;
                if (r < 0)
                        return r;
        }
}

int pin_ancestors(int dir) {
        _cleanup_close_ int parent = openat(dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

        return parent < 0 ? negative_errno() : pin_up(parent);
}
