/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.h - the sandbox's cgroup v2 leaf: created before the clone (the
 * child is born in it with CLONE_INTO_CGROUP), limits written from
 * [limits], killed on timeout, statistics read and the directory removed
 * when the run ends.
 * Owns struct cgroup_ctx (the directory fds and paths, and what the launcher
 * changed to make room for the leaf). Runs in the parent.
 *
 * Where the leaf goes (cgroup_plan(), read-only):
 *  - root: under $SANDBOX_CGROUP_PARENT, default /sys/fs/cgroup/sandbox,
 *    created if missing, controllers enabled on the way down.
 *  - an ordinary user, "scope" layout: the launcher is alone in a cgroup
 *    delegated to it (systemd-run --user --scope -p Delegate=yes sandbox ..).
 *    It moves itself into a "<pid>.launcher" child, enables the controllers
 *    and creates the leaf beside it; everything is undone at the end.
 *  - an ordinary user, "sibling" layout: the launcher's cgroup holds other
 *    processes (a shell), its parent is delegated to the user and has the
 *    controllers enabled (systemd's user tree, DelegateSubgroup=): the leaf
 *    is created beside the launcher's cgroup.
 * Leaves are named "<id>.sandbox" and locked with flock() while in use, so
 * the next launch can remove empty ones a SIGKILLed launcher left behind. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

struct cgroup_ctx {
        int dir_fd;   /* the leaf; -1: no cgroup for this run */
        char *path;   /* absolute path of the leaf */
        int base_fd;  /* the directory holding the leaf */
        char *name;   /* the leaf's name in base */
        char *launcher_leaf; /* scope layout: where the launcher moved itself */
        unsigned undo_controllers; /* scope layout: CG_* enabled in base by us */
};
#define CGROUP_CTX_INIT {.dir_fd = -1, .path = NULL, .base_fd = -1}

struct cgroup_stats {
        bool valid;                /* cpu.stat was read: the figures below are real */
        bool memory_peak_valid;    /* memory.peak exists (Linux 5.19+, memory controller) */
        bool pids_peak_valid;      /* pids.peak exists (Linux 6.1+, pids controller) */
        uint64_t memory_peak;      /* bytes */
        uint64_t oom_kill;         /* memory.events oom_kill */
        uint64_t cpu_usage_us, cpu_user_us, cpu_system_us;
        uint64_t nr_throttled, throttled_us;
        uint64_t pids_peak;
        uint64_t pids_max_events;  /* pids.events max: forks refused */
        const char *path;          /* the leaf; valid until cgroup_destroy() */
};

/* true when the policy sets a limit that needs a cgroup. */
bool cgroup_needed(const struct policy *p);
/* Creates and configures the leaf named after id when cgroup_needed().
 * On failure returns -errno and *ret_error (allocated) says why and how to
 * fix it; nothing is left behind. */
int cgroup_prepare(const struct policy *p, const char *id, struct cgroup_ctx *ctx, char **ret_error);
/* Kills every process in the cgroup (cgroup.kill, else freeze + SIGKILL). */
int cgroup_kill(struct cgroup_ctx *ctx);

/* The fallback before cgroup.kill (Linux 5.14), its file operations
 * apart so that it can be tested: each round freezes the cgroup (no
 * member can fork while the list is read and killed), reads
 * cgroup.procs, SIGKILLs every member, thaws (the kills take effect)
 * and lets them go (settle: until empty, briefly). Returns 0 once a
 * round finds it empty (thawed), -EBUSY after rounds, or the read's
 * -errno. Pure given ops. */
struct cgroup_kill_ops {
        int (*freeze)(void *ctx, bool on);
        int (*read_procs)(void *ctx, char **ret);
        int (*kill)(void *ctx, pid_t pid);
        void (*settle)(void *ctx);
};
int cgroup_kill_rounds(const struct cgroup_kill_ops *ops, void *ctx, unsigned rounds);
/* Reads the statistics (before cgroup_destroy). */
int cgroup_collect(struct cgroup_ctx *ctx, struct cgroup_stats *ret);
/* Kills what is left, waits (bounded) until the leaf is empty, removes it,
 * undoes the scope layout, closes the fds. Idempotent. Logs a failure. */
void cgroup_destroy(struct cgroup_ctx *ctx);

/* ---- inspection (read-only; also used by sandbox --check) ------------- */

enum { CG_CPU = 1u << 0, CG_MEMORY = 1u << 1, CG_PIDS = 1u << 2, CG_ALL = 7u };
enum cgroup_layout { CGROUP_LAYOUT_PARENT, CGROUP_LAYOUT_SCOPE, CGROUP_LAYOUT_SIBLING };

struct cgroup_plan {
        enum cgroup_layout layout;
        char *base;          /* directory that holds the leaves (may not exist yet as root) */
        unsigned available;  /* CG_* the leaf can get */
        bool nsdelegate;     /* cgroup2 is mounted with nsdelegate */
};

/* Finds where a leaf with the controllers in want would go, without
 * writing anything. Returns 0, or -errno with *ret_error (allocated): one
 * line naming the reason and the fix. With want = 0 it only locates (and
 * fills in what is available). */
int cgroup_plan(unsigned want, struct cgroup_plan *ret, char **ret_error);
void cgroup_plan_done(struct cgroup_plan *plan);
/* Where cgroup2 is mounted (allocated) and whether with nsdelegate;
 * -ENOENT when it is not mounted. */
int cgroup_mount_info(char **ret_mountpoint, bool *ret_nsdelegate);
/* The controllers the policy's limits need (CG_*). */
unsigned cgroup_wanted(const struct policy *p);

/* ---- pure helpers (no syscalls; unit-tested) --------------------------- */

/* An id usable in a cgroup name: a plain name of printable non-blank
 * ASCII, at most 200 bytes. */
bool cgroup_name_valid(const char *id);
/* "<id>.sandbox" into buf; -EINVAL for a bad id, -ENAMETOOLONG. */
int cgroup_leaf_name(const char *id, char *buf, size_t len);
/* true for names cgroup_leaf_name() makes. */
bool cgroup_is_leaf_name(const char *name);
/* cpu.max text: percent of one CPU (50 -> "50000 100000") or a quota and
 * period in microseconds. -EINVAL when neither is set or the quota is
 * below the kernel's 1 ms minimum. */
int cgroup_format_cpu_max(uint32_t percent, uint64_t quota_us, uint64_t period_us, char *buf, size_t len);
/* "cpu io memory pids" -> CG_* mask (unknown names ignored). */
unsigned cgroup_parse_controllers(const char *text);
/* "+cpu +memory" style text for a mask, sign '+' or '-'. */
void cgroup_format_controllers(unsigned mask, char sign, char *buf, size_t len);
/* A single-value file: a number, or "max" (UINT64_MAX). */
int cgroup_parse_u64(const char *text, uint64_t *ret);
/* A flat-keyed file ("key value" lines): the value of key, -ENOENT if
 * absent, -EINVAL if not a number. */
int cgroup_keyed_u64(const char *text, const char *key, uint64_t *ret);
/* Applies the contents of one statistics file (by name: memory.peak,
 * memory.events, cpu.stat, pids.peak, pids.events) to *st. Unknown files
 * and keys are ignored; returns -EINVAL if a known key is malformed. */
int cgroup_stats_parse(const char *file, const char *text, struct cgroup_stats *st);
/* The cgroup v2 path ("0::/a/b") in /proc/self/cgroup text. */
int cgroup_parse_proc_self(const char *text, char **ret_path);
/* The first cgroup2 mount in /proc/self/mountinfo text (one at
 * /sys/fs/cgroup preferred): its mount point and root, unescaped, and
 * whether it has the nsdelegate option. -ENOENT if none. */
int cgroup_parse_mountinfo(const char *text, char **ret_mountpoint, char **ret_root, bool *ret_nsdelegate);
/* path relative to a mount's root: "/a/b" under "/" is "a/b", under "/a"
 * is "b"; "" for the root itself; -EXDEV when outside. */
int cgroup_relative_path(const char *path, const char *mount_root, char **ret_rel);
