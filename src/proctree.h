/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* proctree.h - ending a sandbox's process tree without a PID namespace.
 * The caller is a child subreaper (PR_SET_CHILD_SUBREAPER), so every
 * orphan of the tree becomes its child; proctree_kill() kills its
 * children round after round, reaping them, until none are left.
 * Owns nothing. Runs in the parent and in the PID-1 reaper. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Becomes a child subreaper and opens this thread's children list
 * (/proc/thread-self/children, CONFIG_PROC_CHILDREN). Returns the fd
 * (close-on-exec) or -errno. */
int proctree_open(void);

/* Parses a children list ("12 345 ", as the kernel writes it) into at
 * most max pids. A number cut off at the end of a full buffer (no blank
 * after it) is left for the next round. Returns the count. Pure. */
size_t proctree_parse(const char *text, pid_t *pids, size_t max);

/* SIGKILLs every child listed in fd (see proctree_open) and reaps it,
 * again until the list is empty: grandchildren reparent to the caller as
 * their parents die, and new ones cannot outrun a SIGKILL. The caller
 * must already have reaped the children whose status it wants. Returns
 * 0 or -errno. Uses pread, kill and wait4 only (the reaper's filter). */
int proctree_kill(int fd);
