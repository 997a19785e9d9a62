/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mounts.h - the sandbox's filesystem view: a private mount namespace
 * with a new root assembled from the policy's [filesystem] section, a
 * fresh /proc with its dangerous files masked, and the old root detached.
 * Owns the staging tmpfs; the plan it applies is mount_plan.h's. Runs in
 * the child (future PID 1) after "go". */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mount_plan.h"
#include "policy.h"

struct mounts_ctx {
        const char *home;      /* the caller's home path (private-home) */
        uid_t uid;             /* owner of private-home inside */
        gid_t gid;
        char *const *protect;  /* profile directories, kept read-only */
        bool unprivileged;     /* launched by a non-root user */
        const char *cwd;      /* the caller's working directory, or NULL */
        int idmap_fd;          /* >= 0: read-only host trees are idmapped
                                * through this user namespace (idmap.h) */
        char err_detail[512];  /* out: what failed ("ro-bind '/x'") */
};

/* Builds the view and pivots into it. Returns 0 or -errno; on failure
 * ctx->err_detail names the operation and path. */
int mounts_setup(const struct policy *p, struct mounts_ctx *ctx);
