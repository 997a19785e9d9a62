/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount_path.h - path lookups for the mount set-up (mounts.c) that a
 * racer cannot redirect: sources walked one component at a time with a
 * rule for whose symlinks are followed, destinations resolved inside the
 * new root, nodes looked up beneath a mount's own fd, and the overlay
 * state directories. Runs in the child; every function returns an fd
 * it opened (the caller closes it) or -errno. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* openat2 of path inside rootfd (RESOLVE_IN_ROOT, no magic links). */
int path_open_in_root(int rootfd, const char *path, int flags);

/* Walks path from rootfd one component at a time with O_PATH|O_NOFOLLOW.
 * Unless trust_all_links, a symlink owned by anyone but root or the
 * caller's euid fails with -EPERM. An absolute link restarts at rootfd
 * and ".." at the top stays there. With follow_last false, a final
 * symlink is returned as an O_PATH fd of the link itself and its text in
 * link (if non-NULL), and the result is 1. Returns 0 with *ret_fd. */
int path_walk(bool trust_all_links, int rootfd, const char *path, bool follow_last, int *ret_fd, char *link,
              size_t linklen);

/* Same device and inode. */
bool path_same_node(int a, int b);

/* An O_PATH fd of name beneath the mount m: no symlink, no "..", no other
 * mount on the way (openat2 RESOLVE_BENEATH|NO_SYMLINKS|NO_XDEV). */
int path_open_beneath(int m, const char *name);

/* Whether the directory inner is outer or below it, walking ".." from
 * inner up to top; true if that cannot be told. */
bool path_is_within(int top, int inner, int outer);

/* STATE/name, created (mode) if missing and opened O_PATH|O_NOFOLLOW:
 * -ELOOP for a symlink, -ENOTDIR for anything but a directory. */
int path_open_state_dir(int state, const char *name, mode_t mode);

/* 0 if fd is a directory, else -ENOTDIR (or fstat's -errno). */
int path_is_dir(int fd);
