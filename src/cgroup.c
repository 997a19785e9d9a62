/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.c - see cgroup.h.
 *
 * Three layers, top to bottom in this file: pure text helpers (parsers and
 * formatters, unit-tested with fixtures), small OS wrappers over one cgroup
 * directory fd (every open is dirfd-relative, O_NOFOLLOW|O_CLOEXEC), and the
 * life cycle: plan (read-only) -> prepare -> kill/collect -> destroy.
 *
 * cgroup v2 rules this follows (Documentation/admin-guide/cgroup-v2.rst):
 *  - "no internal processes": a non-root cgroup with controllers enabled in
 *    its cgroup.subtree_control cannot hold processes, so a launcher that
 *    sits in the delegated cgroup must move out of it (scope layout) or use
 *    the parent (sibling layout) before any controller can be enabled.
 *  - moving a process (and clone3 CLONE_INTO_CGROUP, Linux 5.7) needs write
 *    access to cgroup.procs of the common ancestor of source and target.
 *  - cgroup.kill is Linux 5.14, memory.peak 5.19, pids.peak 6.1. */
#define _GNU_SOURCE
#include "cgroup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "fdutil.h"
#include "log.h"
#include "macro.h"
#include "value.h"

#define DEFAULT_PARENT "/sys/fs/cgroup/sandbox"
#define LEAF_SUFFIX ".sandbox"
#define MAX_FILE (64 * 1024)
#define FIX_DELEGATE "run it in a delegated scope of its own: systemd-run --user --scope -p Delegate=yes sandbox ..."
#define FIX_UNIFIED "boot with systemd.unified_cgroup_hierarchy=1 to use cgroup v2 only"

static const char *const controller_names[] = {"cpu", "memory", "pids"}; /* bit order of CG_* */

/* ---- pure helpers --------------------------------------------------------- */

bool cgroup_name_valid(const char *id) {
        if (!id || !value_is_plain_name(id) || strlen(id) > 200)
                return false;
        for (const char *s = id; *s; s++)
                if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
                        return false;
        return true;
}

int cgroup_leaf_name(const char *id, char *buf, size_t len) {
        if (!cgroup_name_valid(id))
                return -EINVAL;
        if ((size_t)snprintf(buf, len, "%s" LEAF_SUFFIX, id) >= len)
                return -ENAMETOOLONG;
        return 0;
}

bool cgroup_is_leaf_name(const char *name) {
        size_t n = strlen(name), s = strlen(LEAF_SUFFIX);
        return n > s && streq(name + n - s, LEAF_SUFFIX) && name[0] != '.';
}

int cgroup_format_cpu_max(uint32_t percent, uint64_t quota_us, uint64_t period_us, char *buf, size_t len) {
        if (percent) {
                quota_us = (uint64_t)percent * 1000u; /* percent of one CPU per 100 ms period */
                period_us = 100000u;
        }
        if (quota_us < 1000u || period_us < 1000u || period_us > 1000000u)
                return -EINVAL;
        if ((size_t)snprintf(buf, len, "%" PRIu64 " %" PRIu64, quota_us, period_us) >= len)
                return -ENAMETOOLONG;
        return 0;
}

unsigned cgroup_parse_controllers(const char *text) {
        unsigned mask = 0;
        const char *s = text;

        while (s && *s) {
                size_t n;
                s += strspn(s, " \t\n");
                n = strcspn(s, " \t\n");
                for (size_t i = 0; i < ELEMENTSOF(controller_names); i++)
                        if (n == strlen(controller_names[i]) && strncmp(s, controller_names[i], n) == 0)
                                mask |= 1u << i;
                s += n;
        }
        return mask;
}

void cgroup_format_controllers(unsigned mask, char sign, char *buf, size_t len) {
        size_t off = 0;

        buf[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(controller_names); i++) {
                int n;
                if (!(mask & (1u << i)))
                        continue;
                n = snprintf(buf + off, len - off, "%s%s%s", off ? " " : "", sign ? (char[]){sign, 0} : "",
                             controller_names[i]);
                if (n < 0 || (size_t)n >= len - off)
                        return;
                off += (size_t)n;
        }
}

static int parse_number(const char *s, size_t n, uint64_t *ret) {
        char buf[32];

        if (n == 3 && strncmp(s, "max", 3) == 0) {
                *ret = UINT64_MAX;
                return 0;
        }
        if (n == 0 || n >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        return value_parse_u64(buf, UINT64_MAX, ret);
}

int cgroup_parse_u64(const char *text, uint64_t *ret) {
        size_t n = strcspn(text, "\n");

        if (text[n] == '\n' && text[n + 1] != 0)
                return -EINVAL;
        return parse_number(text, n, ret);
}

int cgroup_keyed_u64(const char *text, const char *key, uint64_t *ret) {
        size_t klen = strlen(key);

        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                if (strncmp(l, key, klen) != 0 || l[klen] != ' ')
                        continue;
                return parse_number(l + klen + 1, strcspn(l + klen + 1, "\n"), ret);
        }
        return -ENOENT;
}

struct stat_field {
        const char *file;
        const char *key; /* NULL: single-value file */
        size_t offset;
        size_t valid_offset; /* a bool to set, or NO_FLAG */
};
#define SF(f) offsetof(struct cgroup_stats, f)
#define NO_FLAG SIZE_MAX
static const struct stat_field stat_fields[] = {
        {"memory.peak", NULL, SF(memory_peak), SF(memory_peak_valid)},
        {"memory.events", "oom_kill", SF(oom_kill), NO_FLAG},
        {"cpu.stat", "usage_usec", SF(cpu_usage_us), SF(valid)},
        {"cpu.stat", "user_usec", SF(cpu_user_us), NO_FLAG},
        {"cpu.stat", "system_usec", SF(cpu_system_us), NO_FLAG},
        {"cpu.stat", "nr_throttled", SF(nr_throttled), NO_FLAG},
        {"cpu.stat", "throttled_usec", SF(throttled_us), NO_FLAG},
        {"pids.peak", NULL, SF(pids_peak), SF(pids_peak_valid)},
        {"pids.events", "max", SF(pids_max_events), NO_FLAG},
};

int cgroup_stats_parse(const char *file, const char *text, struct cgroup_stats *st) {
        int ret = 0;

        for (size_t i = 0; i < ELEMENTSOF(stat_fields); i++) {
                const struct stat_field *f = &stat_fields[i];
                uint64_t v;
                int r;

                if (!streq(f->file, file))
                        continue;
                r = f->key ? cgroup_keyed_u64(text, f->key, &v) : cgroup_parse_u64(text, &v);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        ret = r;
                        continue;
                }
                *(uint64_t *)((char *)st + f->offset) = v;
                if (f->valid_offset != NO_FLAG)
                        *(bool *)((char *)st + f->valid_offset) = true;
        }
        return ret;
}

int cgroup_parse_proc_self(const char *text, char **ret_path) {
        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                size_t n;
                char *path;
                if (strncmp(l, "0::", 3) != 0)
                        continue;
                n = strcspn(l + 3, "\n");
                if (n == 0 || l[3] != '/')
                        return -EINVAL;
                path = strndup(l + 3, n);
                if (!path)
                        return -ENOMEM;
                *ret_path = path;
                return 0;
        }
        return -ENOENT;
}

/* mountinfo escapes blanks and backslashes as \ooo. */
static char *unescape_field(const char *s, size_t n) {
        char *out = malloc(n + 1), *o = out;

        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '\\' && i + 3 < n && isdigit((unsigned char)s[i + 1]) &&
                    isdigit((unsigned char)s[i + 2]) && isdigit((unsigned char)s[i + 3])) {
                        *o++ = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
                        i += 3;
                } else
                        *o++ = s[i];
        }
        *o = 0;
        return out;
}

/* Splits one mountinfo line: field[3] root, [4] mount point, [5] options,
 * then after " - ": fstype, source, super options. */
struct mi_line {
        const char *f[6];
        size_t n[6];
        const char *fstype, *superopts;
        size_t fstype_n, superopts_n;
};

static int mi_split(const char *l, size_t len, struct mi_line *m) {
        const char *end = l + len, *s = l, *dash;
        size_t k = 0;

        while (k < 6 && s < end) {
                m->f[k] = s;
                m->n[k] = strcspn(s, " \n");
                if (s + m->n[k] > end)
                        m->n[k] = (size_t)(end - s);
                s += m->n[k] + 1;
                k++;
        }
        dash = k == 6 ? strstr(s - 1, " - ") : NULL;
        if (!dash || dash >= end)
                return -EINVAL;
        m->fstype = dash + 3;
        m->fstype_n = strcspn(m->fstype, " \n");
        s = m->fstype + m->fstype_n + 1;                /* source */
        s = s < end ? s + strcspn(s, " \n") + 1 : end;  /* super options */
        m->superopts = s < end ? s : end;
        m->superopts_n = s < end ? strcspn(s, " \n") : 0;
        return 0;
}

static bool has_option(const char *opts, size_t n, const char *opt) {
        size_t k = strlen(opt);

        for (const char *s = opts; s < opts + n;) {
                size_t w = strcspn(s, ",");
                if (w > (size_t)(opts + n - s))
                        w = (size_t)(opts + n - s);
                if (w == k && strncmp(s, opt, k) == 0)
                        return true;
                s += w + 1;
        }
        return false;
}

int cgroup_parse_mountinfo(const char *text, char **ret_mountpoint, char **ret_root, bool *ret_nsdelegate) {
        struct mi_line best = {0};
        bool found = false;
        char *mp, *root;

        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                struct mi_line m;
                if (mi_split(l, strcspn(l, "\n"), &m) < 0 || m.fstype_n != 7 || strncmp(m.fstype, "cgroup2", 7) != 0)
                        continue;
                if (!found || (m.n[4] == 14 && strncmp(m.f[4], "/sys/fs/cgroup", 14) == 0))
                        best = m;
                found = true;
        }
        if (!found)
                return -ENOENT;
        mp = unescape_field(best.f[4], best.n[4]);
        root = unescape_field(best.f[3], best.n[3]);
        if (!mp || !root) {
                free(mp);
                free(root);
                return -ENOMEM;
        }
        *ret_mountpoint = mp;
        *ret_root = root;
        *ret_nsdelegate = has_option(best.f[5], best.n[5], "nsdelegate") ||
                          has_option(best.superopts, best.superopts_n, "nsdelegate");
        return 0;
}

int cgroup_relative_path(const char *path, const char *mount_root, char **ret_rel) {
        size_t n = strlen(mount_root);
        const char *rest;
        char *rel;

        while (n > 0 && mount_root[n - 1] == '/')
                n--;
        if (path[0] != '/' || strncmp(path, mount_root, n) != 0 || (path[n] != '/' && path[n] != 0))
                return -EXDEV;
        rest = path + n;
        rest += strspn(rest, "/");
        if (strstr(rest, "/..") || strncmp(rest, "..", 2) == 0)
                return -EXDEV; /* outside our cgroup namespace */
        rel = strdup(rest);
        if (!rel)
                return -ENOMEM;
        while (*rel && rel[strlen(rel) - 1] == '/')
                rel[strlen(rel) - 1] = 0;
        *ret_rel = rel;
        return 0;
}

/* ---- OS wrappers over a cgroup directory fd ------------------------------ */

static int cg_open_dir(int dirfd, const char *name) {
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

static int cg_read(int dirfd, const char *file, char **ret) {
        _cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return negative_errno();
        return read_all(fd, MAX_FILE, ret, NULL);
}

static int cg_write(int dirfd, const char *file, const char *text) {
        _cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return negative_errno();
        return write_full(fd, text, strlen(text));
}

/* CG_* listed in a controllers file, or -errno. */
static int cg_controllers(int dirfd, const char *file) {
        _cleanup_free_ char *text = NULL;
        int r = cg_read(dirfd, file, &text);

        return r < 0 ? r : (int)cgroup_parse_controllers(text);
}

static int cg_keyed(int dirfd, const char *file, const char *key, uint64_t *ret) {
        _cleanup_free_ char *text = NULL;
        int r = cg_read(dirfd, file, &text);

        return r < 0 ? r : cgroup_keyed_u64(text, key, ret);
}

static bool cg_is_cgroup2(int fd) {
        struct statfs sfs;
        return fstatfs(fd, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/* Delegated to us: our directory, and we may write the files that move
 * processes and enable controllers. */
static bool cg_delegated(int fd) {
        struct stat st;

        return fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
               faccessat(fd, "cgroup.procs", W_OK, AT_EACCESS) == 0 &&
               faccessat(fd, "cgroup.subtree_control", W_OK, AT_EACCESS) == 0;
}

/* 1 if cgroup.procs lists exactly the pid, 0 if it lists others, -errno. */
static int cg_procs_only(int fd, pid_t pid) {
        _cleanup_free_ char *text = NULL;
        char me[32];
        int r = cg_read(fd, "cgroup.procs", &text);

        if (r < 0)
                return r;
        if (pid == 0)
                return text[0] == 0;
        snprintf(me, sizeof(me), "%d\n", (int)pid);
        return streq(text, me);
}

static int cg_walk(int root_fd, const char *rel, int *ret_fd) {
        _cleanup_free_ char *copy = strdup(rel);
        _cleanup_close_ int fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        if (fd < 0)
                return negative_errno();
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                int next;
                if (streq(c, ".") || streq(c, ".."))
                        return -EXDEV;
                next = cg_open_dir(fd, c);
                if (next < 0)
                        return next;
                safe_close(fd);
                fd = next;
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* Enables the controllers of mask that subtree_control lacks; those in
 * required must succeed. *ret_enabled (may be NULL) gets what was added,
 * also on failure, so that it can be undone. */
static int cg_enable(int fd, unsigned mask, unsigned required, unsigned *ret_enabled) {
        int have = cg_controllers(fd, "cgroup.subtree_control");
        unsigned added = 0;
        int r = have < 0 ? have : 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(controller_names); i++) {
                char op[16];
                int k;
                if (!(mask & (1u << i)) || ((unsigned)have & (1u << i)))
                        continue;
                snprintf(op, sizeof(op), "+%s", controller_names[i]);
                k = cg_write(fd, "cgroup.subtree_control", op);
                if (k == 0)
                        added |= 1u << i;
                else if (required & (1u << i))
                        r = k;
        }
        if (ret_enabled)
                *ret_enabled = added;
        return r;
}


/* "the memory controller is", "the cpu and memory controllers are", ... */
static void controllers_phrase(unsigned mask, char *buf, size_t len) {
        size_t n = 0, k = 0;

        for (size_t i = 0; i < ELEMENTSOF(controller_names); i++)
                n += !!(mask & (1u << i));
        snprintf(buf, len, "the ");
        for (size_t i = 0; i < ELEMENTSOF(controller_names); i++) {
                if (!(mask & (1u << i)))
                        continue;
                k++;
                snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", controller_names[i],
                         k + 1 == n ? (n > 2 ? ", and " : " and ") : k < n ? ", " : "");
        }
        snprintf(buf + strlen(buf), len - strlen(buf), n > 1 ? " controllers are" : " controller is");
}

/* ---- plan: where the leaf goes (read-only) ------------------------------- */

struct cg_mount {
        char *mountpoint, *root;
        bool nsdelegate;
        int fd;
};

static void cg_mount_done(struct cg_mount *m) {
        free(m->mountpoint);
        free(m->root);
        m->fd = safe_close(m->fd);
}

static int cg_mount_find(struct cg_mount *m, char **err) {
        _cleanup_free_ char *text = NULL;
        int r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", 4 << 20, &text);

        m->fd = -1;
        if (r >= 0)
                r = cgroup_parse_mountinfo(text, &m->mountpoint, &m->root, &m->nsdelegate);
        if (r < 0) {
                *err = strprintf("no cgroup v2 hierarchy is mounted; %s", FIX_UNIFIED);
                return r == -ENOENT ? -EOPNOTSUPP : r;
        }
        m->fd = open(m->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (m->fd < 0 || !cg_is_cgroup2(m->fd)) {
                r = m->fd < 0 ? negative_errno() : -EOPNOTSUPP;
                *err = strprintf("cannot open the cgroup v2 hierarchy at '%s': %s", m->mountpoint, strerror(-r));
                return r;
        }
        return 0;
}

/* The hierarchy itself must carry the controllers: on a v1/hybrid host
 * they are bound to v1 and no delegation can help. */
static int check_hierarchy(const struct cg_mount *m, unsigned want, char **err) {
        int avail = cg_controllers(m->fd, "cgroup.controllers");
        char names[96];

        if (avail < 0) {
                *err = strprintf("cannot read '%s/cgroup.controllers': %s", m->mountpoint, strerror(-avail));
                return avail;
        }
        if ((want & ~(unsigned)avail) == 0)
                return 0;
        controllers_phrase(want & ~(unsigned)avail, names, sizeof(names));
        *err = strprintf("%s missing from the cgroup v2 hierarchy at '%s' (this system uses cgroup v1 for it); %s",
                    names, m->mountpoint, FIX_UNIFIED);
        return -EOPNOTSUPP;
}

static const char *parent_path(void) {
        const char *e = getenv("SANDBOX_CGROUP_PARENT");
        return e && *e ? e : DEFAULT_PARENT;
}

/* Root: the configured parent, or its nearest existing ancestor. */
static int plan_parent(const struct cg_mount *m, unsigned want, struct cgroup_plan *plan, char **err) {
        const char *parent = parent_path();
        _cleanup_free_ char *rel = NULL, *copy = NULL;
        _cleanup_close_ int fd = fcntl(m->fd, F_DUPFD_CLOEXEC, 3);
        char names[96], *save = NULL;
        int avail, r = cgroup_relative_path(parent, m->mountpoint, &rel);

        if (r < 0 || parent[0] != '/') {
                *err = strprintf("'%s' is not on the cgroup v2 hierarchy (mounted at '%s'); set SANDBOX_CGROUP_PARENT "
                            "to a directory below it, or %s", parent, m->mountpoint, FIX_UNIFIED);
                return -EOPNOTSUPP;
        }
        copy = strdup(rel);
        if (!copy || fd < 0)
                return -ENOMEM;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                int next = cg_open_dir(fd, c);
                if (next < 0)
                        break; /* created by cgroup_prepare */
                safe_close(fd);
                fd = next;
        }
        avail = cg_controllers(fd, "cgroup.controllers");
        if (avail < 0 || !cg_is_cgroup2(fd)) {
                *err = strprintf("'%s' is not a usable cgroup v2 directory", parent);
                return avail < 0 ? avail : -ENOTDIR;
        }
        if (want & ~(unsigned)avail) {
                controllers_phrase(want & ~(unsigned)avail, names, sizeof(names));
                *err = strprintf("%s not available below '%s'; enable them in its parent's cgroup.subtree_control",
                            names, parent);
                return -EOPNOTSUPP;
        }
        plan->layout = CGROUP_LAYOUT_PARENT;
        plan->available = (unsigned)avail & CG_ALL;
        plan->base = strdup(parent);
        return plan->base ? 0 : -ENOMEM;
}

static char *join_path(const char *mountpoint, const char *rel) {
        return strprintf("%s%s%s", mountpoint, *rel ? "/" : "", rel);
}

/* The launcher's own cgroup: its path below the mount and an fd. */
static int self_cgroup(const struct cg_mount *m, char **ret_rel, int *ret_fd, char **err) {
        _cleanup_free_ char *text = NULL, *path = NULL;
        int r = read_file_at(AT_FDCWD, "/proc/self/cgroup", MAX_FILE, &text);

        if (r >= 0)
                r = cgroup_parse_proc_self(text, &path);
        if (r >= 0)
                r = cgroup_relative_path(path, m->root, ret_rel);
        if (r >= 0)
                r = cg_walk(m->fd, *ret_rel, ret_fd);
        if (r < 0)
                *err = strprintf("cannot find this process's cgroup v2 directory: %s", strerror(-r));
        return r;
}

/* Controllers a sibling of our cgroup could get in the parent pfd. */
static unsigned sibling_available(int pfd) {
        int have = cg_controllers(pfd, "cgroup.subtree_control");
        int avail = cg_controllers(pfd, "cgroup.controllers");
        unsigned m = have < 0 ? 0 : (unsigned)have;

        if (avail >= 0 && cg_procs_only(pfd, 0) == 1)
                m |= (unsigned)avail; /* no processes: the rest can be enabled */
        return m & CG_ALL;
}

static int plan_user_fail(const char *cpath, bool delegated, unsigned want, unsigned avail, char **err) {
        char names[96];
        uid_t uid = geteuid();

        if (!delegated)
                *err = strprintf("cgroup '%s' is not delegated to uid %u; %s", cpath, (unsigned)uid, FIX_DELEGATE);
        else if (want & ~avail) {
                controllers_phrase(want & ~avail, names, sizeof(names));
                *err = strprintf("%s not delegated to cgroup '%s'; %s", names, cpath, FIX_DELEGATE);
        } else
                *err = strprintf("cgroup '%s' also holds other processes, and cgroup v2 allows no processes in a cgroup "
                            "whose children have controllers; %s", cpath, FIX_DELEGATE);
        return -EPERM;
}

/* An ordinary user: the scope layout if we are alone in a delegated
 * cgroup, else the sibling layout if the parent is delegated to us. */
static int plan_user(const struct cg_mount *m, unsigned want, struct cgroup_plan *plan, char **err) {
        _cleanup_free_ char *rel = NULL, *cpath = NULL;
        _cleanup_close_ int cfd = -1, pfd = -1;
        bool cdeleg;
        int r = self_cgroup(m, &rel, &cfd, err);
        int cavail;

        if (r < 0)
                return r;
        cpath = join_path(m->mountpoint, rel);
        if (!cpath)
                return -ENOMEM;
        cdeleg = *rel && cg_delegated(cfd);
        cavail = cg_controllers(cfd, "cgroup.controllers");
        cavail = cavail < 0 ? 0 : cavail & (int)CG_ALL;
        if (cdeleg && (want & ~(unsigned)cavail) == 0 && cg_procs_only(cfd, getpid()) == 1) {
                plan->layout = CGROUP_LAYOUT_SCOPE;
                plan->available = (unsigned)cavail;
                plan->base = TAKE_PTR(cpath);
                return 0;
        }
        if (*rel && (pfd = cg_open_dir(cfd, "..")) >= 0 && strchr(rel, '/') && cg_delegated(pfd) &&
            (want & ~sibling_available(pfd)) == 0) {
                plan->layout = CGROUP_LAYOUT_SIBLING;
                plan->available = sibling_available(pfd);
                *strrchr(cpath, '/') = 0;
                plan->base = TAKE_PTR(cpath);
                return 0;
        }
        return plan_user_fail(cpath, cdeleg, want, (unsigned)cavail, err);
}

int cgroup_plan(unsigned want, struct cgroup_plan *ret, char **ret_error) {
        struct cg_mount m = {.fd = -1};
        struct cgroup_plan plan = {0};
        int r = cg_mount_find(&m, ret_error);

        if (r >= 0)
                r = check_hierarchy(&m, want, ret_error);
        if (r >= 0)
                r = geteuid() == 0 ? plan_parent(&m, want, &plan, ret_error) : plan_user(&m, want, &plan, ret_error);
        if (r >= 0) {
                plan.nsdelegate = m.nsdelegate;
                *ret = plan;
        } else if (!*ret_error)
                *ret_error = strprintf("cgroup v2: %s", strerror(-r));
        cg_mount_done(&m);
        return r;
}

int cgroup_mount_info(char **ret_mountpoint, bool *ret_nsdelegate) {
        _cleanup_free_ char *text = NULL, *root = NULL;
        int r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", 4 << 20, &text);

        return r < 0 ? r : cgroup_parse_mountinfo(text, ret_mountpoint, &root, ret_nsdelegate);
}

void cgroup_plan_done(struct cgroup_plan *plan) {
        free(plan->base);
        plan->base = NULL;
}

unsigned cgroup_wanted(const struct policy *p) {
        return (p->memory || p->memory_swap_set ? CG_MEMORY : 0u) | (p->cpu_percent || p->cpu_quota_us ? CG_CPU : 0u) |
               (p->pids ? CG_PIDS : 0u);
}

bool cgroup_needed(const struct policy *p) { return cgroup_wanted(p) != 0; }

/* ---- prepare: make room for the leaf ---------------------------------- */

/* One level down from *fd into name (created if missing), after letting
 * *fd pass the controllers down. */
static int descend(int *fd, const char *name, unsigned mask, unsigned want) {
        int next, r = cg_enable(*fd, mask, want, NULL);

        if (r < 0)
                return r;
        if (mkdirat(*fd, name, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        next = cg_open_dir(*fd, name);
        if (next < 0)
                return next;
        if (!cg_is_cgroup2(next)) {
                safe_close(next);
                return -ENOTDIR;
        }
        safe_close(*fd);
        *fd = next;
        return 0;
}

/* Root: create the parent below the mount, enabling controllers on the way
 * so that every level passes them down ("and in its parent's"). */
static int base_parent(const struct cgroup_plan *plan, unsigned want, int *ret_fd, char **err) {
        struct cg_mount m = {.fd = -1};
        _cleanup_free_ char *rel = NULL;
        _cleanup_close_ int fd = -1;
        char *save = NULL;
        int r = cg_mount_find(&m, err);

        if (r >= 0)
                r = cgroup_relative_path(plan->base, m.mountpoint, &rel);
        if (r >= 0 && (fd = fcntl(m.fd, F_DUPFD_CLOEXEC, 3)) < 0)
                r = negative_errno();
        for (char *c = r >= 0 ? strtok_r(rel, "/", &save) : NULL; c && r >= 0; c = strtok_r(NULL, "/", &save))
                r = descend(&fd, c, plan->available, want);
        if (r >= 0)
                r = cg_enable(fd, plan->available, want, NULL);
        if (r < 0 && !*err)
                *err = strprintf("cannot prepare the cgroup parent '%s' (enabling controllers needs a parent without "
                            "processes): %s", plan->base, strerror(-r));
        cg_mount_done(&m);
        if (r >= 0)
                *ret_fd = TAKE_FD(fd);
        return r;
}

/* Opens an existing cgroup by absolute path, one O_NOFOLLOW step at a
 * time from the cgroup2 mount. */
static int open_below_mount(const char *path, int *ret_fd) {
        struct cg_mount m = {.fd = -1};
        _cleanup_free_ char *rel = NULL, *ignored = NULL;
        int r = cg_mount_find(&m, &ignored);

        if (r >= 0)
                r = cgroup_relative_path(path, m.mountpoint, &rel);
        if (r >= 0)
                r = cg_walk(m.fd, rel, ret_fd);
        cg_mount_done(&m);
        return r;
}

/* Scope layout: move the launcher into "<pid>.launcher", then enable the
 * controllers in the (now empty of processes) delegated cgroup. */
static int base_scope(const struct cgroup_plan *plan, unsigned want, struct cgroup_ctx *ctx, char **err) {
        char name[64];
        _cleanup_close_ int lfd = -1;
        int r;

        snprintf(name, sizeof(name), "%d.launcher", (int)getpid());
        if (mkdirat(ctx->base_fd, name, 0755) < 0 && errno != EEXIST)
                r = negative_errno();
        else if (!(ctx->launcher_leaf = strdup(name)))
                return -ENOMEM;
        else if ((lfd = cg_open_dir(ctx->base_fd, name)) < 0)
                r = lfd;
        else if ((r = cg_write(lfd, "cgroup.procs", "0")) >= 0)
                r = cg_enable(ctx->base_fd, plan->available, want, &ctx->undo_controllers);
        if (r < 0)
                *err = strprintf("cannot set up the delegated cgroup '%s': %s", plan->base, strerror(-r));
        return r;
}

static int base_open(const struct cgroup_plan *plan, unsigned want, struct cgroup_ctx *ctx, char **err) {
        int r;

        if (plan->layout == CGROUP_LAYOUT_PARENT)
                return base_parent(plan, want, &ctx->base_fd, err);
        r = open_below_mount(plan->base, &ctx->base_fd);
        if (r < 0) {
                *err = strprintf("cannot open the cgroup '%s': %s", plan->base, strerror(-r));
                return r;
        }
        if (plan->layout == CGROUP_LAYOUT_SCOPE)
                return base_scope(plan, want, ctx, err);
        r = cg_enable(ctx->base_fd, want, want, NULL); /* sibling: only what is needed, never undone */
        if (r < 0)
                *err = strprintf("cannot enable controllers in '%s': %s", plan->base, strerror(-r));
        return r;
}

/* A leaf a SIGKILLed launcher left: ours by name and owner, unlocked, empty. */
static void remove_if_stale(int base_fd, const char *name) {
        _cleanup_close_ int fd = cg_open_dir(base_fd, name);
        uint64_t populated = 1;
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != geteuid() || flock(fd, LOCK_EX | LOCK_NB) < 0)
                return;
        if (cg_keyed(fd, "cgroup.events", "populated", &populated) < 0 || populated != 0)
                return;
        if (unlinkat(base_fd, name, AT_REMOVEDIR) == 0)
                log_debug("removed the stale cgroup '%s'", name);
}

static void remove_stale(int base_fd) {
        int fd = openat(base_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd < 0 ? NULL : fdopendir(fd);
        struct dirent *de;

        if (!d) {
                safe_close(fd);
                return;
        }
        while ((de = readdir(d)))
                if (de->d_type == DT_DIR && cgroup_is_leaf_name(de->d_name))
                        remove_if_stale(base_fd, de->d_name);
        closedir(d);
}

/* mkdir + open + lock. The lock (held until the fd is closed) tells a
 * concurrent remove_stale() the leaf is in use; if one removed it between
 * our mkdir and our lock, try again. */
static int leaf_create(int base_fd, const char *name, int *ret_fd) {
        for (int attempt = 0; attempt < 3; attempt++) {
                _cleanup_close_ int fd = -1;
                if (mkdirat(base_fd, name, 0755) < 0)
                        return negative_errno();
                fd = cg_open_dir(base_fd, name);
                if (fd == -ENOENT)
                        continue;
                if (fd < 0)
                        return fd;
                while (flock(fd, LOCK_EX) < 0)
                        if (errno != EINTR)
                                return negative_errno();
                if (faccessat(fd, "cgroup.procs", F_OK, 0) < 0)
                        continue;
                *ret_fd = TAKE_FD(fd);
                return 0;
        }
        return -EAGAIN;
}

static int set_limit(const struct cgroup_ctx *ctx, const char *file, const char *value, bool optional, char **err) {
        int r = cg_write(ctx->dir_fd, file, value);

        if (r >= 0 || (optional && r == -ENOENT))
                return 0;
        *err = strprintf("cannot set %s = %s in cgroup '%s': %s%s", file, value, ctx->path, strerror(-r),
                    r == -ENOENT ? " (controller or kernel feature missing)" : "");
        return r;
}

static int write_limits(const struct policy *p, const struct cgroup_ctx *ctx, char **err) {
        char v[64];
        int r = 0;

        if (p->memory) {
                snprintf(v, sizeof(v), "%" PRIu64, p->memory);
                r = set_limit(ctx, "memory.max", v, false, err);
                /* one OOM kill takes the whole sandbox (4.19+) */
                if (r >= 0)
                        r = set_limit(ctx, "memory.oom.group", "1", true, err);
        }
        if (r >= 0 && p->memory_swap_set) {
                snprintf(v, sizeof(v), "%" PRIu64, p->memory_swap);
                r = set_limit(ctx, "memory.swap.max", v, false, err);
        }
        if (r >= 0 && (p->cpu_percent || p->cpu_quota_us)) {
                r = cgroup_format_cpu_max(p->cpu_percent, p->cpu_quota_us, p->cpu_period_us, v, sizeof(v));
                r = r < 0 ? (*err = strprintf("invalid cpu limit"), r) : set_limit(ctx, "cpu.max", v, false, err);
        }
        if (r >= 0 && p->pids) {
                snprintf(v, sizeof(v), "%" PRIu64, p->pids);
                r = set_limit(ctx, "pids.max", v, false, err);
        }
        return r;
}

static const char *layout_name(enum cgroup_layout l) {
        return l == CGROUP_LAYOUT_PARENT ? "parent" : l == CGROUP_LAYOUT_SCOPE ? "scope" : "sibling";
}

static int leaf_setup(const struct policy *p, const struct cgroup_plan *plan, struct cgroup_ctx *ctx, char **err) {
        int r;

        remove_stale(ctx->base_fd);
        r = leaf_create(ctx->base_fd, ctx->name, &ctx->dir_fd);
        if (r == -EEXIST) {
                *err = strprintf("cgroup '%s' exists: a sandbox with this id is running; choose another --id", ctx->path);
                return r;
        }
        if (r < 0) {
                *err = strprintf("cannot create the cgroup '%s': %s", ctx->path, strerror(-r));
                return r;
        }
        log_debug("cgroup '%s' (%s layout)", ctx->path, layout_name(plan->layout));
        return write_limits(p, ctx, err);
}

int cgroup_prepare(const struct policy *p, const char *id, struct cgroup_ctx *ctx, char **ret_error) {
        struct cgroup_plan plan = {0};
        unsigned want = cgroup_wanted(p);
        char name[256];
        int r;

        *ctx = (struct cgroup_ctx)CGROUP_CTX_INIT;
        if (!want)
                return 0;
        if (cgroup_leaf_name(id, name, sizeof(name)) < 0) {
                *ret_error = strprintf("the id '%s' cannot name a cgroup (printable ASCII without blanks or '/', "
                                  "at most 200 bytes)", id);
                return -EINVAL;
        }
        r = cgroup_plan(want, &plan, ret_error);
        if (r < 0) {
                char *e = strprintf("[limits] need cgroup v2: %s", *ret_error);
                free(*ret_error);
                *ret_error = e;
                return r;
        }
        ctx->name = strdup(name);
        ctx->path = strprintf("%s/%s", plan.base, name);
        r = ctx->name && ctx->path ? base_open(&plan, want, ctx, ret_error) : -ENOMEM;
        if (r >= 0)
                r = leaf_setup(p, &plan, ctx, ret_error);
        cgroup_plan_done(&plan);
        if (r < 0)
                cgroup_destroy(ctx);
        return r;
}

/* ---- kill, collect, destroy ---------------------------------------------- */

int cgroup_kill_rounds(const struct cgroup_kill_ops *ops, void *ctx, unsigned rounds) {
        for (unsigned round = 0; round < rounds; round++) {
                _cleanup_free_ char *procs = NULL;
                int r;

                (void)ops->freeze(ctx, true);
                r = ops->read_procs(ctx, &procs);
                if (r < 0 || !procs[0]) {
                        (void)ops->freeze(ctx, false);
                        return r < 0 ? r : 0;
                }
                for (char *s = procs; *s; s += strcspn(s, "\n"), s += *s == '\n') {
                        long pid = strtol(s, NULL, 10);
                        if (pid > 0)
                                (void)ops->kill(ctx, (pid_t)pid);
                }
                (void)ops->freeze(ctx, false);
                ops->settle(ctx);
        }
        return -EBUSY;
}

static int wait_empty(int dirfd, unsigned timeout_ms);

static int kill_freeze(void *ctx, bool on) { return cg_write(*(int *)ctx, "cgroup.freeze", on ? "1" : "0"); }
static int kill_read_procs(void *ctx, char **ret) { return cg_read(*(int *)ctx, "cgroup.procs", ret); }
static int kill_pid(void *ctx _unused_, pid_t pid) { return kill(pid, SIGKILL) < 0 ? negative_errno() : 0; }
static void kill_settle(void *ctx) { (void)wait_empty(*(int *)ctx, 20); }

/* Before cgroup.kill (5.14): cgroup_kill_rounds() on the cgroup's files. */
static int kill_each(int fd) {
        static const struct cgroup_kill_ops ops = {kill_freeze, kill_read_procs, kill_pid, kill_settle};

        return cgroup_kill_rounds(&ops, &fd, 10);
}

int cgroup_kill(struct cgroup_ctx *ctx) {
        int r;

        if (!ctx || ctx->dir_fd < 0)
                return 0;
        r = cg_write(ctx->dir_fd, "cgroup.kill", "1");
        return r == -ENOENT ? kill_each(ctx->dir_fd) : r;
}

int cgroup_collect(struct cgroup_ctx *ctx, struct cgroup_stats *ret) {
        static const char *const files[] = {"memory.peak", "memory.events", "cpu.stat", "pids.peak", "pids.events"};

        memset(ret, 0, sizeof(*ret));
        if (!ctx || ctx->dir_fd < 0)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *text = NULL;
                if (cg_read(ctx->dir_fd, files[i], &text) >= 0)
                        (void)cgroup_stats_parse(files[i], text, ret);
        }
        ret->path = ctx->path;
        return ret->valid ? 0 : -ENODATA;
}

static uint64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Waits until cgroup.events says "populated 0" (it wakes pollers with
 * POLLPRI on change), at most timeout_ms. */
static int wait_empty(int dirfd, unsigned timeout_ms) {
        _cleanup_close_ int fd = openat(dirfd, "cgroup.events", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        uint64_t end = now_ms() + timeout_ms;

        if (fd < 0)
                return negative_errno();
        for (;;) {
                char buf[256];
                uint64_t populated = 1;
                ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
                struct pollfd pfd = {fd, POLLPRI, 0};
                if (n < 0 && errno != EINTR)
                        return negative_errno();
                buf[n > 0 ? n : 0] = 0;
                if (cgroup_keyed_u64(buf, "populated", &populated) >= 0 && populated == 0)
                        return 0;
                if (now_ms() >= end)
                        return -ETIMEDOUT;
                (void)poll(&pfd, 1, 50);
        }
}

static int remove_leaf(struct cgroup_ctx *ctx) {
        (void)cgroup_kill(ctx);
        (void)wait_empty(ctx->dir_fd, 5000);
        for (int i = 0; i < 50; i++) {
                if (unlinkat(ctx->base_fd, ctx->name, AT_REMOVEDIR) == 0 || errno == ENOENT)
                        return 0;
                if (errno != EBUSY)
                        break;
                usleep(20000);
        }
        return negative_errno();
}

/* Scope layout: disable what we enabled, move back, remove our leaf. */
static int undo_scope(struct cgroup_ctx *ctx) {
        char ops[64];
        int r = 0;

        if (ctx->undo_controllers) {
                cgroup_format_controllers(ctx->undo_controllers, '-', ops, sizeof(ops));
                r = cg_write(ctx->base_fd, "cgroup.subtree_control", ops);
        }
        if (r >= 0)
                r = cg_write(ctx->base_fd, "cgroup.procs", "0");
        if (r >= 0 && unlinkat(ctx->base_fd, ctx->launcher_leaf, AT_REMOVEDIR) < 0 && errno != ENOENT)
                r = negative_errno();
        return r;
}

void cgroup_destroy(struct cgroup_ctx *ctx) {
        int r;

        if (!ctx)
                return;
        if (ctx->dir_fd >= 0 && ctx->name) {
                r = remove_leaf(ctx);
                if (r < 0)
                        log_error_errno(r, "Failed to remove the cgroup '%s': %m", ctx->path);
        }
        ctx->dir_fd = safe_close(ctx->dir_fd); /* drops the lock */
        if (ctx->launcher_leaf && ctx->base_fd >= 0) {
                r = undo_scope(ctx);
                if (r < 0)
                        log_error_errno(r, "Failed to restore the delegated cgroup of '%s': %m", ctx->path);
        }
        ctx->base_fd = safe_close(ctx->base_fd);
        free(ctx->path);
        free(ctx->name);
        free(ctx->launcher_leaf);
        ctx->path = ctx->name = ctx->launcher_leaf = NULL;
        ctx->undo_controllers = 0;
}
