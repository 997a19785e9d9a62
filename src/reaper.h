/* reaper.h - PID 1 of the sandbox: reaps every zombie, forwards signals
 * sent to it by the launcher to the program, and reports the program's
 * wait status to the launcher before exiting with it.
 * Owns nothing. Runs as PID 1 inside the new PID namespace. */
#pragma once

#include <sys/types.h>

#include "policy.h"

/* Signals the launcher forwards, NULL... terminated by 0. */
extern const int reaper_forwarded_signals[];

/* PID 1 gives up what it needed for the setup: not dumpable, no
 * capabilities, no_new_privs and a filter of its own (read, wait4, kill,
 * send, close, exit...). Called before the program may run, so that the
 * program never sees a privileged PID 1. Returns 0 or -errno. */
int reaper_lockdown(const struct policy *p);

/* Never returns. sigfd is a signalfd for SIGCHLD plus the forwarded
 * signals (all blocked); payload is PID 2's pid. reaper_lockdown() first. */
_Noreturn void reaper_run(int sigfd, int sync_fd, pid_t payload);
