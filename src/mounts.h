/* mounts.h - the sandbox's filesystem view: a private mount namespace
 * with a new root assembled from the policy's [filesystem] section, a
 * fresh /proc with its dangerous files masked, and the old root detached.
 * Owns struct mount_plan (built by a pure function) and the staging
 * tmpfs. Runs in the child (future PID 1) after "go". */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

enum mount_kind {
        MK_BIND,      /* read-write bind */
        MK_RO_BIND,
        MK_DEV_BIND,
        MK_TMPFS,
        MK_OVERLAY,
        MK_PRIVATE_DEV,
        MK_PROC,
        MK_HIDE,
        MK_MKDIR,
};

struct mount_op {
        enum mount_kind kind;
        char *src;       /* host path (binds, overlay lower), NULL otherwise */
        char *dst;       /* path inside the sandbox */
        char *upper;     /* overlay: persistent state directory, or NULL */
        char *options;   /* tmpfs: "size=...,mode=..." */
        bool optional;   /* '-' prefix: a missing source is skipped */
        size_t order;    /* position in the profile, for a stable sort */
};

struct mount_plan {
        struct mount_op *ops;
        size_t n;
};

/* Builds the ordered mount plan (parents before children, profile order
 * within one depth). home: the caller's home path for private-home. Pure.
 * Returns 0 or -ENOMEM. */
int mounts_plan(const struct policy *p, const char *home, struct mount_plan *ret);
void mounts_plan_free(struct mount_plan *plan);
const char *mounts_kind_name(enum mount_kind k);
/* Prints the plan as comments ("# mount: ro-bind /usr -> /usr"). */
void mounts_plan_print(const struct mount_plan *plan, FILE *f);

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
