/* mounts.h - the sandbox's filesystem view: a private mount namespace
 * with a new root assembled from the policy's [filesystem] section, a
 * fresh /proc, and the old root detached.
 * Owns nothing persistent. Runs in the child (future PID 1) after "go". */
#pragma once

#include "policy.h"

struct mounts_ctx {
        const char *home;  /* the caller's home path (private-home) */
        uid_t uid;         /* owner of private-home inside */
        gid_t gid;
        const char *err_path; /* out: the path that failed */
};

/* Returns 0 or -errno; on failure ctx->err_path names the path. */
int mounts_setup(const struct policy *p, struct mounts_ctx *ctx);
