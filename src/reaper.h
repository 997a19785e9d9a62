/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* reaper.h - PID 1 of the sandbox: reaps every zombie, forwards signals
 * sent to it by the launcher to the program, and reports the program's
 * wait status to the launcher before exiting with it; without a PID
 * namespace it also kills the rest of the tree (proctree.h).
 * Owns nothing. Runs as PID 1 inside the new PID namespace (or as the
 * launcher's child with namespaces.pid = no). */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "policy.h"

/* Signals the launcher forwards, NULL... terminated by 0. */
extern const int reaper_forwarded_signals[];

struct reaper_ids {
        uid_t uid;
        gid_t gid;
};

/* PID 1 gives up what it needed for the setup: no capabilities at all
 * (with ids, the program's uid and gid first: a launch by root that
 * switches the program's ids; PID 1 can then signal it without
 * CAP_KILL), not dumpable, no_new_privs and a filter of its own (read,
 * wait4, kill, send, close, exit...). Called before the program may run,
 * so that the program never sees a privileged PID 1. 0 or -errno. */
int reaper_lockdown(const struct policy *p, const struct reaper_ids *ids);

/* Without a PID namespace PID 1 is a child subreaper, and its parent
 * death signal is this one, caught (not SIGKILL), so that it can kill the
 * tree before it exits. */
#define REAPER_PARENT_DEATH_SIGNAL SIGPWR

struct reaper_ctx {
        int sigfd;       /* SIGCHLD, the forwarded signals (all blocked) */
        int sync_fd;
        int children_fd; /* proctree_open() without a PID namespace, else -1 */
        pid_t payload;   /* PID 2 */
        pid_t launcher;  /* the parent, to recognise its death signal */
};

/* Never returns. reaper_lockdown() first. */
_Noreturn void reaper_run(const struct reaper_ctx *c);
