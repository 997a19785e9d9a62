/* cgroup.h - the sandbox's cgroup v2 leaf: created before the clone (the
 * child is born in it with CLONE_INTO_CGROUP), limits written from
 * [limits], killed on timeout, statistics read and the directory removed
 * when the run ends.
 * Owns struct cgroup_ctx (the directory fd and path). Runs in the parent. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

struct cgroup_ctx {
        int dir_fd;   /* -1: no cgroup for this run */
        char *path;   /* absolute path of the leaf */
};
#define CGROUP_CTX_INIT {.dir_fd = -1, .path = NULL}

struct cgroup_stats {
        bool valid;
        uint64_t memory_peak;      /* bytes */
        uint64_t oom_kill;         /* memory.events oom_kill */
        uint64_t cpu_usage_us, cpu_user_us, cpu_system_us;
        uint64_t nr_throttled, throttled_us;
        uint64_t pids_peak;
        uint64_t pids_max_events;  /* pids.events max */
};

/* true when the policy sets a limit that needs a cgroup. */
bool cgroup_needed(const struct policy *p);
/* Creates and configures the leaf named after id when cgroup_needed().
 * On failure returns -errno and *ret_error says why and how to fix it. */
int cgroup_prepare(const struct policy *p, const char *id, struct cgroup_ctx *ctx, char **ret_error);
/* Kills every process in the cgroup (cgroup.kill, else SIGKILL to each). */
int cgroup_kill(struct cgroup_ctx *ctx);
/* Reads the statistics (before cgroup_destroy). */
int cgroup_collect(struct cgroup_ctx *ctx, struct cgroup_stats *ret);
/* Kills what is left, removes the directory, closes the fd. Idempotent. */
void cgroup_destroy(struct cgroup_ctx *ctx);
