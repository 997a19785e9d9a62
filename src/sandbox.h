/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox.h - the orchestrator: clones the sandbox, feeds it its
 * identity maps, forwards signals, enforces the timeout, and turns the
 * outcome into the launcher's exit status.
 * Owns struct sandbox_result. Runs in the parent (host namespaces); its
 * child half runs as the sandbox's PID 1 until it becomes the reaper. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "report.h"

struct sandbox_opts {
        const char *id;
        bool verbose;
};

struct sandbox_result {
        int exit_code;      /* what the launcher exits with */
        int status;         /* program's wait status, -1 if unknown */
        bool timed_out;
        bool setup_failed;
        uint64_t wall_time_us;
        struct run_report report; /* filled in when the program ran */
};

/* The directories that stay read-only inside (see sandbox.c): each of
 * dirs, and its parent when that is named "sandbox", plus /sys and /proc
 * for root. A NULL-terminated list for profile_strv_free(), or -ENOMEM
 * (nothing is returned half-built: a directory left out would lose its
 * protection silently). */
int sandbox_protected_dirs_from(char *const *dirs, bool as_root, char ***ret);

/* With memory.oom.group the OOM killer kills the whole cgroup, PID 1
 * included, so PID 1 cannot report the program's status: true when PID 1
 * (status init_status, no report) was SIGKILLed in a cgroup that saw an
 * OOM kill; the program then counts as killed by SIGKILL, out of memory,
 * not as a launcher failure. Pure. */
struct cgroup_stats;
bool sandbox_oom_took_init(bool have_exit, int init_status, const struct cgroup_stats *cs);

/* Runs argv under the policy. Returns 0 when the result is filled in
 * (also for a failing program); errors are logged and give exit 125. */
int sandbox_run(const struct policy *p, char **argv, const struct sandbox_opts *o, struct sandbox_result *res);
