/* mounts.c - see mounts.h. */
#define _GNU_SOURCE
#include "mounts.h"

#include <errno.h>
#include <sys/mount.h>

#include "macro.h"

int mounts_setup(const struct policy *p, struct mounts_ctx *ctx) {
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
                ctx->err_path = "/";
                return negative_errno();
        }
        if (p->proc && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
                ctx->err_path = "/proc";
                return negative_errno();
        }
        return 0;
}
