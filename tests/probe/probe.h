/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: the static helper the integration tests run inside the sandbox.
 * Owns: nothing global; each subcommand reports on stdout as key=value lines.
 * Runs in: the sandboxed payload (and, for `runas`, in the harness itself).
 */
#ifndef PROBE_H
#define PROBE_H

#define _GNU_SOURCE 1
#include <stdbool.h>

/* A subcommand: argv[0] is the subcommand name, argc counts it too. */
struct probe_cmd {
        const char *name;
        int min_args; /* arguments after the subcommand name */
        int (*run)(int argc, char **argv);
        const char *usage;
};

/* Helpers shared by the subcommand files (probe.c). */
const char *probe_errname(int err);
const char *probe_signame(int sig); /* "SIGTERM", or "SIG<n>" */
long probe_parse_long(const char *s, const char *what);
double probe_parse_seconds(const char *s);
void probe_sleep(double seconds);
double probe_now(void); /* CLOCK_MONOTONIC seconds */
int probe_fail_errno(const char *what, int err); /* prints errno=NAME, returns 1 */

/* probe_sys.c */
int cmd_syscall(int argc, char **argv);

/* probe_stress.c */
int cmd_memhog(int argc, char **argv);
int cmd_forkbomb(int argc, char **argv);
int cmd_burn(int argc, char **argv);
int cmd_threads(int argc, char **argv);
int cmd_orphans(int argc, char **argv);
int cmd_ignore_term_fork(int argc, char **argv);

/* probe_proc.c */
int cmd_daemon(int argc, char **argv);

#endif
