/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount_plan.h - the ordered list of mounts a policy asks for (struct
 * mount_plan), built and checked by pure functions; mounts.c applies it in
 * the child. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

/* Refuses a mount that would replace the sandbox's own protections: a
 * bind, tmpfs, overlay or mkdir destination that is "/", is or is under
 * /proc (proc = yes), or is /dev or under /dev/pts (private-dev = yes);
 * an overlay whose state directory is, contains or is inside its lower
 * directory. Returns 0, or -EINVAL with *ret_msg (allocated, no FILE:LINE
 * prefix) and *ret_origin the offending value's origin. Pure. */
int mounts_plan_check(const struct policy *p, char **ret_msg, struct origin *ret_origin);
