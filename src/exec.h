/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec.h - the payload's last steps: its environment (a pure function),
 * then rlimits, credentials, capabilities, no_new_privs, the wait for the
 * root, the working directory, seccomp and execve in the one order that
 * is safe.
 * Owns struct exec_ctx. Runs in the payload process (PID 2). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

struct exec_ctx {
        const struct policy *policy;
        char **argv;
        char **envp;          /* from exec_build_env */
        int sync_fd;          /* failures are reported here */
        bool switch_ids;      /* root without user namespace: setres[ug]id */
        uid_t uid;
        gid_t gid;
        const char *cwd;      /* caller's cwd, tried when [process] cwd is unset */
        const char *home;
        int root_fd;          /* socket to PID 1: struct exec_root arrives when the root is ready */
        bool own_netns;       /* make the network namespace (net.mode = none) */
};

/* The payload process is forked before PID 1 builds the filesystem view,
 * so that its own setup runs in parallel. PID 1's pivot_root moves the
 * payload's root along; PID 1 then sends the identity of the new root and
 * the payload checks its "/" against it before it goes on (fail-closed).
 * With own_netns the payload first makes the network namespace, brings up
 * lo and sends one byte, so that PID 1 can join it. */
struct exec_root {
        uint64_t mnt_id;
        uint64_t ino;
};
/* The identity of the caller's "/"; 0 or -errno. */
int exec_root_id(struct exec_root *ret);

/* Builds the payload's environment from `environ` and the policy's
 * [environment] section. Variables that change how the dynamic loader or
 * libc behave (LD_PRELOAD, LD_LIBRARY_PATH, ...) pass only through `set`.
 * Returns 0 and an allocated NULL-terminated vector, or -ENOMEM. */
int exec_build_env(const struct policy *p, char *const *environ_in, char ***ret);
void exec_env_free(char **envp);
/* true for variables that are dropped unless set explicitly. */
bool exec_env_is_unsafe(const char *name, size_t len);

/* Never returns: execs the program or reports {stage, errno} on the sync
 * channel and exits 125 (127/126 for a missing/unusable program). Exits
 * 125 silently when PID 1 closes root_fd without sending the root (PID 1
 * has reported its own failure then). */
_Noreturn void exec_payload(const struct exec_ctx *ctx);
