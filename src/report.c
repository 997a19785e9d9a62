/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* report.c - see report.h. */
#define _GNU_SOURCE
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "macro.h"
#include "value.h"

static void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; s && *s; s++) {
                unsigned char c = (unsigned char)*s;
                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (c < 0x20)
                        fprintf(f, "\\u%04x", c);
                else
                        fputc(c, f);
        }
        fputc('"', f);
}

int report_print_json(FILE *f, const struct run_report *r) {
        fprintf(f, "{\"id\":");
        json_string(f, r->id);
        fprintf(f, ",\"profile\":");
        json_string(f, r->profile);
        fprintf(f, ",\"exit_code\":%d,\"signal\":%d,\"timed_out\":%s,\"oom_killed\":%s", r->exit_code, r->signal,
                r->timed_out ? "true" : "false", r->oom_killed ? "true" : "false");
        fprintf(f, ",\"wall_time_us\":%" PRIu64 ",\"cpu_user_us\":%" PRIu64 ",\"cpu_system_us\":%" PRIu64,
                r->wall_time_us, r->cpu_user_us, r->cpu_system_us);
        fprintf(f, ",\"memory_peak\":%" PRIu64 ",\"pids_peak\":%" PRIu64 ",\"cpu_throttled_us\":%" PRIu64,
                r->memory_peak, r->pids_peak, r->cpu_throttled_us);
        fprintf(f, ",\"cpu_nr_throttled\":%" PRIu64 ",\"oom_kill\":%" PRIu64 ",\"pids_max_events\":%" PRIu64,
                r->cpu_nr_throttled, r->oom_kill, r->pids_max_events);
        fprintf(f, ",\"memory_limit\":%" PRIu64 ",\"source\":\"%s\",\"cgroup\":", r->memory_limit,
                r->from_cgroup ? "cgroup" : "rusage");
        if (r->cgroup[0])
                json_string(f, r->cgroup);
        else
                fputs("null", f);
        fputs("}\n", f);
        return ferror(f) ? -EIO : 0;
}

/* "812 B", "1.5 KiB", "31.9 MiB": for people, unlike value_format_size(). */
static void format_bytes(uint64_t v, char *buf, size_t len) {
        static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
        double d = (double)v;
        size_t u = 0;

        if (v < 1024) {
                snprintf(buf, len, "%" PRIu64 " B", v);
                return;
        }
        for (d /= 1024; d >= 1024 && u + 1 < ELEMENTSOF(units); u++)
                d /= 1024;
        snprintf(buf, len, "%.1f %s", d, units[u]);
}

static void print_outcome(FILE *f, const struct run_report *r) {
        char lim[32];

        if (r->oom_killed && r->memory_limit) {
                value_format_size(r->memory_limit, lim, sizeof(lim));
                fprintf(f, "killed: out of memory (limit %s)", lim);
        } else if (r->oom_killed)
                fprintf(f, "killed: out of memory");
        else if (r->timed_out)
                fprintf(f, "killed: timeout");
        else if (r->signal)
                fprintf(f, "killed by signal %d (%s)", r->signal, strsignal(r->signal));
        else
                fprintf(f, "exit status %d", r->exit_code);
}

void report_print_human(FILE *f, const struct run_report *r) {
        char mem[32];

        format_bytes(r->memory_peak, mem, sizeof(mem));
        fprintf(f, "sandbox: %s: ", r->id ? r->id : "run");
        print_outcome(f, r);
        fprintf(f, "; wall %.3f s, cpu %.3f s user + %.3f s system, memory peak %s", r->wall_time_us / 1e6,
                r->cpu_user_us / 1e6, r->cpu_system_us / 1e6, mem);
        if (r->pids_peak)
                fprintf(f, ", pids peak %" PRIu64, r->pids_peak);
        if (r->pids_max_events)
                fprintf(f, ", %" PRIu64 " forks or threads refused (pids limit)", r->pids_max_events);
        if (r->cpu_throttled_us || r->cpu_nr_throttled)
                fprintf(f, ", throttled %.3f s in %" PRIu64 " periods", r->cpu_throttled_us / 1e6,
                        r->cpu_nr_throttled);
        fputc('\n', f);
}

int report_open(const char *path, int *ret_fd) {
        char buf[PATH_MAX], *save = NULL, *name, *next;
        _cleanup_close_ int dir = -1;
        int fd;

        if (streq(path, "-")) {
                *ret_fd = -1;
                return 0;
        }
        if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
                return -ENAMETOOLONG;
        dir = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return negative_errno();
        name = strtok_r(buf, "/", &save);
        if (!name)
                return -EISDIR;
        for (; (next = strtok_r(NULL, "/", &save)); name = next) {
                int d = fd_open_dir_trusted(dir, name, false);
                if (d < 0)
                        return d;
                safe_close(dir);
                dir = d;
        }
        fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
        if (fd < 0)
                return negative_errno();
        *ret_fd = fd;
        return 0;
}

int report_write_json_fd(int fd, const struct run_report *r) {
        FILE *f;
        int ret;

        if (fd < 0)
                return report_print_json(stdout, r) < 0 || fflush(stdout) != 0 ? -EIO : 0;
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return negative_errno();
        f = fdopen(fd, "w");
        if (!f) {
                ret = negative_errno();
                close(fd);
                return ret;
        }
        ret = report_print_json(f, r);
        if (fclose(f) != 0 && ret == 0)
                ret = negative_errno();
        return ret;
}
