/* exec.h - the payload's last steps: its environment (a pure function),
 * then rlimits, credentials, capabilities, no_new_privs, seccomp and
 * execve in the one order that is safe.
 * Owns struct exec_ctx. Runs in the payload process (PID 2). */
#pragma once

#include <stdbool.h>
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
};

/* Builds the payload's environment from `environ` and the policy's
 * [environment] section. Variables that change how the dynamic loader or
 * libc behave (LD_PRELOAD, LD_LIBRARY_PATH, ...) pass only through `set`.
 * Returns 0 and an allocated NULL-terminated vector, or -ENOMEM. */
int exec_build_env(const struct policy *p, char *const *environ_in, char ***ret);
void exec_env_free(char **envp);
/* true for variables that are dropped unless set explicitly. */
bool exec_env_is_unsafe(const char *name, size_t len);

/* Never returns: execs the program or reports {stage, errno} on the sync
 * channel and exits 125 (127/126 for a missing/unusable program). */
_Noreturn void exec_payload(const struct exec_ctx *ctx);
