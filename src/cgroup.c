/* cgroup.c - see cgroup.h. Placeholder until [limits] memory/cpu/pids
 * are implemented: those keys are marked unsupported in the key table, so
 * no run needs a cgroup yet. */
#include "cgroup.h"

#include <errno.h>
#include <string.h>

bool cgroup_needed(const struct policy *p) {
        return p->memory || p->memory_swap_set || p->cpu_percent || p->cpu_quota_us || p->pids;
}

int cgroup_prepare(const struct policy *p, const char *id, struct cgroup_ctx *ctx, char **ret_error) {
        (void)id;
        ctx->dir_fd = -1;
        if (!cgroup_needed(p))
                return 0;
        *ret_error = strdup("cgroup limits are not supported yet");
        return -EOPNOTSUPP;
}

int cgroup_kill(struct cgroup_ctx *ctx) { return ctx->dir_fd < 0 ? 0 : -EOPNOTSUPP; }

int cgroup_collect(struct cgroup_ctx *ctx, struct cgroup_stats *ret) {
        (void)ctx;
        memset(ret, 0, sizeof(*ret));
        return 0;
}

void cgroup_destroy(struct cgroup_ctx *ctx) { (void)ctx; }
