/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* idmap.h - keeps root's own files out of a uid-0 program's reach: the
 * read-only host trees of a root launch get an idmapped mount whose map
 * leaves host uid 0 and gid 0 unmapped, so root's files read as the
 * overflow id and a program without capabilities gets only the "other"
 * permission bits on them.
 * Owns the helper user namespace (fd). idmap_userns_open runs in the
 * parent before clone(); idmap_tree in the child (setup, before attach). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whether a launch needs it: by root, without a user namespace, with the
 * program running as uid 0 or gid 0. Pure. */
bool idmap_needed(bool by_root, bool userns, uid_t uid, gid_t gid);

/* Whether a read-only bind of src shows the caller's own files, which keep
 * their ownership like a writable bind: src is inside (or is) the
 * caller's home or working directory and does not contain a system tree
 * (/usr, /etc, /var, ...), or it is the X11/ICE socket directory (X
 * clients refuse one that is not owned by root). Pure. */
bool idmap_own_files(const char *src, const char *home, const char *cwd);

/* A user namespace fd whose maps are "1 1 4294967294" (everything but
 * 0 maps to itself). Makes a short-lived helper process and kills it;
 * *ret_helper is its pid (set even on failure), for idmap_helper_reap
 * later. Returns the fd (O_CLOEXEC) or -errno. */
int idmap_userns_open(pid_t *ret_helper);
/* Reaps the helper (pid <= 0: nothing). */
void idmap_helper_reap(pid_t pid);

/* Applies the mapping of userns_fd to a detached tree (open_tree clone of
 * srcfd, not yet attached, read-only) in one recursive call. When a mount
 * of the tree refuses (the kernel idmaps only whole detached trees), the
 * tree fd becomes a clone of the top mount alone, idmapped, and
 * *ret_left lists the mounts below it (free with idmap_strv_free) for
 * idmap_attach. oldroot: an fd of the host root, /oldroot, under which
 * "proc/self/mountinfo" is the current mount table. A tree whose own
 * filesystem cannot be idmapped (EINVAL: tmpfs before Linux 6.3, ramfs,
 * ...) is left as it is, with the host's owners. Returns 0 or -errno; on
 * failure detail says what refused. */
int idmap_tree(int tree, int srcfd, int oldroot, int userns_fd, char *detail, size_t n, char ***ret_left);
/* After the tree is attached: each mount of left cloned alone, read-only
 * and idmapped, at its place in the tree; mounts of the kernel's own
 * filesystems (proc, sysfs, devtmpfs, ...: see idmap.c) keep their
 * ownership; any other that cannot be idmapped is covered by an empty
 * mode-000 read-only tmpfs. left NULL: nothing. Returns 0 or -errno. */
int idmap_attach(int tree, int oldroot, char *const *left, int userns_fd, char *detail, size_t n);
void idmap_strv_free(char **v);
static inline void idmap_strv_freep(char ***v) {
        idmap_strv_free(*v);
}
