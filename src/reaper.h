/* reaper.h - PID 1 of the sandbox: reaps every zombie, forwards signals
 * sent to it by the launcher to the program, and reports the program's
 * wait status to the launcher before exiting with it.
 * Owns nothing. Runs as PID 1 inside the new PID namespace. */
#pragma once

#include <sys/types.h>

/* Signals the launcher forwards, NULL... terminated by 0. */
extern const int reaper_forwarded_signals[];

/* Never returns. sigfd is a signalfd for SIGCHLD plus the forwarded
 * signals (all blocked); payload is PID 2's pid. */
_Noreturn void reaper_run(int sigfd, int sync_fd, pid_t payload);
