/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* report.h - the per-run report (docs/DESIGN.md 6): a human summary for
 * --stats and a JSON object for --json.
 * Owns struct run_report. Pure formatting plus writing the file; parent. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct run_report {
        const char *id;
        const char *profile;
        int exit_code;        /* the launcher's exit status */
        int signal;           /* signal that killed the program, 0 if none */
        bool timed_out;
        bool oom_killed;
        uint64_t wall_time_us;
        uint64_t cpu_user_us, cpu_system_us;
        uint64_t memory_peak;     /* bytes; from memory.peak, else max RSS */
        uint64_t memory_limit;    /* bytes, 0 = none (for the OOM message) */
        uint64_t pids_peak;       /* 0: unknown (no cgroup, or before Linux 6.1) */
        uint64_t cpu_throttled_us;
        uint64_t cpu_nr_throttled; /* cpu.stat nr_throttled: periods throttled */
        uint64_t oom_kill;        /* memory.events oom_kill: processes OOM-killed */
        uint64_t pids_max_events; /* pids.events max: forks refused at pids.max */
        bool from_cgroup;         /* figures come from the cgroup */
        char cgroup[512];         /* the leaf's path ("" without one) */
};

void report_print_human(FILE *f, const struct run_report *r);
int report_print_json(FILE *f, const struct run_report *r);
/* Opens (creates, truncates) the report file before the program runs, so
 * nothing the program does can redirect it: directory symlinks are
 * followed only when root or the caller owns them, the last component
 * never (O_NOFOLLOW). "-": *ret_fd = -1 (stdout). Returns 0 or -errno. */
int report_open(const char *path, int *ret_fd);
/* Writes the JSON to an fd from report_open (-1 = stdout); the caller
 * closes fd. Returns 0 or -errno. */
int report_write_json_fd(int fd, const struct run_report *r);
