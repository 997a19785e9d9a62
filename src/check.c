/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check.c - see check.h.
 *
 * Probe, don't guess: namespaces and overlayfs are tried for real in a
 * forked child (its mounts are private to a mount namespace that dies with
 * it); the cgroup line comes from cgroup_plan(), which only reads. */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "fdutil.h"
#include "idmap.h"
#include "macro.h"

enum level { LEVEL_OK, LEVEL_WARN, LEVEL_FAIL };

struct check {
        bool ok;
        bool required; /* not OK -> FAIL instead of WARN */
        char what[512];
        char hint[512];
};

static void what(struct check *c, const char *fmt, ...) _printf_(2, 3);
static void what(struct check *c, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->what, sizeof(c->what), fmt, ap);
        va_end(ap);
}

static void hint(struct check *c, const char *fmt, ...) _printf_(2, 3);
static void hint(struct check *c, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->hint, sizeof(c->hint), fmt, ap);
        va_end(ap);
}

/* First line of a /proc/sys file, "" if absent. */
static void sysctl_read(const char *path, char *buf, size_t len) {
        _cleanup_free_ char *text = NULL;

        buf[0] = 0;
        if (read_file_at(AT_FDCWD, path, 4096, &text) >= 0)
                snprintf(buf, len, "%.*s", (int)strcspn(text, "\n"), text);
}

/* ---- trials in a throwaway child ------------------------------------------ */

struct trial_result {
        int step; /* 0: success; else the failing step (index into the caller's names) */
        int err;
};

static int write_text(const char *path, const char *fmt, ...) _printf_(2, 3);
static int write_text(const char *path, const char *fmt, ...) {
        char buf[128];
        va_list ap;
        int fd, r;

        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = write_full(fd, buf, strlen(buf));
        close(fd);
        return r;
}

/* Steps of the namespace trial, the same order the launcher uses. */
enum { STEP_OK, STEP_UNSHARE, STEP_MAPS, STEP_PRIVATE, STEP_MOUNT, STEP_OVERLAY };
static const char *const step_names[] = {"", "unshare", "uid_map", "make / private", "mount tmpfs", "mount overlay"};

/* Child: new namespaces (a user namespace unless root), then a tmpfs on
 * /tmp, then (overlay) an overlay mount on it. Returns a STEP_* or 0. */
static int trial_namespaces(bool overlay, int *ret_err) {
        bool userns = geteuid() != 0;
        uid_t uid = geteuid();
        gid_t gid = getegid();
        int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWCGROUP;

        if (unshare(flags | (userns ? CLONE_NEWUSER : 0)) < 0)
                return *ret_err = errno, STEP_UNSHARE;
        if (userns && ((*ret_err = -write_text("/proc/self/setgroups", "deny")) != 0 ||
                       (*ret_err = -write_text("/proc/self/uid_map", "%u %u 1", uid, uid)) != 0 ||
                       (*ret_err = -write_text("/proc/self/gid_map", "%u %u 1", gid, gid)) != 0))
                return STEP_MAPS;
        /* Before anything is mounted: nothing may propagate to the host. */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return *ret_err = errno, STEP_PRIVATE;
        if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
                return *ret_err = errno, STEP_MOUNT;
        if (!overlay)
                return STEP_OK;
        if (mkdir("/tmp/l", 0755) < 0 || mkdir("/tmp/u", 0755) < 0 || mkdir("/tmp/w", 0755) < 0 ||
            mkdir("/tmp/m", 0755) < 0)
                return *ret_err = errno, STEP_OVERLAY;
        if (mount("overlay", "/tmp/m", "overlay", 0, "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w") < 0)
                return *ret_err = errno, STEP_OVERLAY;
        return STEP_OK;
}

static struct trial_result run_trial(bool overlay) {
        struct trial_result res = {STEP_UNSHARE, EIO};
        int p[2], st;
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
                return (struct trial_result){STEP_UNSHARE, errno};
        pid = fork();
        if (pid == 0) {
                struct trial_result t = {0, 0};
                close(p[0]);
                t.step = trial_namespaces(overlay, &t.err);
                (void)write_full(p[1], &t, sizeof(t));
                _exit(0);
        }
        close(p[1]);
        if (pid > 0 && read_full(p[0], &res, sizeof(res)) != (ssize_t)sizeof(res))
                res = (struct trial_result){STEP_UNSHARE, ECHILD};
        close(p[0]);
        while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
        if (pid < 0)
                res.err = errno;
        return res;
}

/* ---- the checks -------------------------------------------------------------- */

static void check_kernel(struct check *c) {
        struct utsname u;
        unsigned major = 0, minor = 0;

        if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2) {
                what(c, "kernel version unknown");
                return;
        }
        c->ok = major > 5 || (major == 5 && minor >= 7);
        what(c, "kernel %s", u.release);
        if (!c->ok)
                hint(c, "cgroup limits need Linux 5.7+ (clone3 CLONE_INTO_CGROUP)");
        else if (major == 5 && minor < 19)
                hint(c, "before 5.19 the memory peak is the largest single-process RSS");
}

static void userns_hint(struct check *c, const struct trial_result *t) {
        char clone_ok[16], max_ns[16], aa[16];

        sysctl_read("/proc/sys/kernel/unprivileged_userns_clone", clone_ok, sizeof(clone_ok));
        sysctl_read("/proc/sys/user/max_user_namespaces", max_ns, sizeof(max_ns));
        sysctl_read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", aa, sizeof(aa));
        if (streq(aa, "1") && t->step != STEP_UNSHARE)
                hint(c, "kernel.apparmor_restrict_unprivileged_userns = 1 takes capabilities away in new user "
                        "namespaces: give sandbox an AppArmor profile with 'userns,', or set the sysctl to 0");
        else if (streq(clone_ok, "0"))
                hint(c, "sysctl -w kernel.unprivileged_userns_clone=1");
        else if (streq(max_ns, "0"))
                hint(c, "sysctl -w user.max_user_namespaces=15000");
        else
                hint(c, "unprivileged user namespaces are disabled or restricted (a container, or an LSM)");
}

static void check_namespaces(struct check *c) {
        struct trial_result t;
        bool userns = geteuid() != 0;
        const char *what_ns = userns ? "unprivileged user namespaces (with mount, pid, net, ipc, uts, cgroup)"
                                     : "namespaces (mount, pid, net, ipc, uts, cgroup; no user namespace as root)";

        c->required = true;
        t = run_trial(false);
        c->ok = t.step == STEP_OK;
        if (c->ok) {
                what(c, "%s", what_ns);
                return;
        }
        what(c, "%s: %s failed: %s", userns ? "unprivileged user namespaces" : "namespaces", step_names[t.step],
             strerror(t.err));
        if (userns)
                userns_hint(c, &t);
        else
                hint(c, "a container that forbids new namespaces, or a kernel without them");
}

static void cgroup_unavailable(struct check *c, char *err) {
        char *fix = err ? strstr(err, "; ") : NULL;

        if (fix) {
                *fix = 0;
                hint(c, "%s", fix + 2);
        }
        what(c, "cgroup v2 limits unavailable: %s", err ? err : "unknown error");
}

/* The full set of controllers, else what there is; read-only. */
static void check_cgroup(struct check *c) {
        struct cgroup_plan plan = {0};
        _cleanup_free_ char *err = NULL, *err_any = NULL;
        char have[64], missing[64];

        if (cgroup_plan(CG_ALL, &plan, &err) < 0 && cgroup_plan(0, &plan, &err_any) < 0) {
                cgroup_unavailable(c, err);
                return;
        }
        cgroup_format_controllers(plan.available, 0, have, sizeof(have));
        cgroup_format_controllers(CG_ALL & ~plan.available, 0, missing, sizeof(missing));
        c->ok = plan.available == CG_ALL;
        what(c, "cgroup v2 limits: %s (leaves in %s, %s layout)", plan.available ? have : "none", plan.base,
             plan.layout == CGROUP_LAYOUT_PARENT  ? "root parent"
             : plan.layout == CGROUP_LAYOUT_SCOPE ? "delegated scope"
                                                  : "delegated parent");
        if (!c->ok)
                hint(c, "no %s controller here; limits that need it fail", missing);
        cgroup_plan_done(&plan);
}

/* Returns false when cgroup2 is not mounted (no line then). */
static bool check_nsdelegate(struct check *c) {
        _cleanup_free_ char *mountpoint = NULL;
        bool nsdelegate = false;

        if (cgroup_mount_info(&mountpoint, &nsdelegate) < 0)
                return false;
        c->ok = nsdelegate;
        what(c, "cgroup2 at %s mounted %s nsdelegate", mountpoint, nsdelegate ? "with" : "without");
        if (!nsdelegate)
                hint(c, "a sandboxed program that can reach the cgroup tree could leave its limits; mount cgroup2 "
                        "with -o nsdelegate (systemd does)");
        return true;
}

/* Child: no_new_privs and an allow-everything filter, as the launcher
 * loads its real one. Returns 0 or an errno. */
static int trial_seccomp(void) {
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        struct sock_fprog prog = {1, &allow};

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return errno;
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
                return errno;
        return 0;
}

static int run_seccomp_trial(void) {
        int st = 0;
        pid_t pid = fork();

        if (pid == 0)
                _exit(trial_seccomp());
        if (pid < 0)
                return errno;
        while (waitpid(pid, &st, 0) < 0)
                if (errno != EINTR)
                        return errno;
        return WIFEXITED(st) ? WEXITSTATUS(st) : EIO;
}

static void check_seccomp(struct check *c) {
        static const struct { unsigned action; const char *name; } actions[] = {
                {SECCOMP_RET_KILL_PROCESS, "kill_process"}, {SECCOMP_RET_ERRNO, "errno"}, {SECCOMP_RET_LOG, "log"}};
        char list[64] = "";
        int err = run_seccomp_trial();

        c->required = true;
        for (size_t i = 0; i < ELEMENTSOF(actions); i++) {
                unsigned a = actions[i].action;
                if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &a) == 0)
                        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", list[0] ? " " : "",
                                 actions[i].name);
        }
        c->ok = err == 0 && strstr(list, "errno") != NULL;
        if (err)
                what(c, "seccomp filters: loading one failed: %s", strerror(err));
        else
                what(c, "seccomp filters (actions: %s)", list[0] ? list : "none");
        if (!c->ok)
                hint(c, "a kernel built with CONFIG_SECCOMP_FILTER, 4.14 or later");
}

static void check_overlay(struct check *c) {
        struct trial_result t;
        bool userns = geteuid() != 0;
        struct stat st;

        if (stat("/tmp", &st) < 0 || !S_ISDIR(st.st_mode)) {
                what(c, "overlayfs: not tried (no /tmp to mount on)");
                return;
        }
        t = run_trial(true);
        c->ok = t.step == STEP_OK;
        if (c->ok) {
                what(c, "overlayfs%s", userns ? " in a user namespace" : "");
                return;
        }
        what(c, "overlayfs%s: %s failed: %s", userns ? " in a user namespace" : "", step_names[t.step],
             strerror(t.err));
        hint(c, "[filesystem] overlay needs Linux 5.11+ for unprivileged users and the overlay module");
}

static bool have_cap(unsigned cap) {
        struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct d[2] = {{0}};

        if (syscall(SYS_capget, &h, d) < 0)
                return false;
        return d[cap / 32].effective & (1u << (cap % 32));
}

static void check_netadmin(struct check *c) {
        c->ok = have_cap(CAP_NET_ADMIN);
        what(c, "veth networking%s", c->ok ? " (CAP_NET_ADMIN)" : " needs CAP_NET_ADMIN in the host network namespace");
        if (!c->ok)
                hint(c, "run as root for [network] mode = veth; unprivileged runs can use none or host");
}

static void check_landlock(struct check *c) {
        long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

        c->ok = abi > 0;
        if (c->ok)
                what(c, "Landlock ABI %ld", abi);
        else {
                what(c, "Landlock unavailable: %s", strerror(errno));
                hint(c, "Linux 5.13+ with landlock in the lsm= list; not needed by the default profile");
        }
}

/* Root only: can the filesystems of /usr and /etc be idmapped (what keeps
 * root's own files out of a uid-0 program's reach, idmap.h)? Tried on
 * detached clones, which never touch the host's mount table. */
static void check_idmap(struct check *c) {
        static const char *const dirs[] = {"/usr", "/etc"};
        pid_t helper = -1;
        int ns = idmap_userns_open(&helper), err = 0;
        const char *bad = NULL;

        for (size_t i = 0; ns >= 0 && i < ELEMENTSOF(dirs) && !bad; i++) {
                struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)ns};
                _cleanup_close_ int t = open_tree(AT_FDCWD, dirs[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
                if (t < 0 || mount_setattr(t, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
                        err = errno, bad = dirs[i];
        }
        if (ns < 0)
                err = -ns;
        safe_close(ns);
        idmap_helper_reap(helper);
        c->ok = ns >= 0 && !bad;
        if (c->ok) {
                what(c, "idmapped mounts of /usr and /etc (root's own files stay out of a uid-0 program's reach)");
                return;
        }
        what(c, "idmapped mounts%s%s: %s", bad ? " of " : "", bad ? bad : "", strerror(err));
        hint(c, "a uid-0 program launched by root can read root-only files there; run it with --uid/--gid, "
                "or use Linux 6.3+ for tmpfs");
}

static enum level print_check(FILE *out, const struct check *c) {
        enum level l = c->ok ? LEVEL_OK : c->required ? LEVEL_FAIL : LEVEL_WARN;
        static const char *const names[] = {"OK", "WARN", "FAIL"};

        fprintf(out, "%-4s  %s", names[l], c->what);
        if (c->hint[0])
                fprintf(out, "  (%s)", c->hint);
        fputc('\n', out);
        return l;
}

int check_run(FILE *out) {
        struct check c[9] = {{0}};
        bool failed = false;
        size_t n = 0;

        fflush(out); /* the trials fork */
        check_kernel(&c[n++]);
        check_namespaces(&c[n++]);
        check_seccomp(&c[n++]);
        check_cgroup(&c[n++]);
        if (check_nsdelegate(&c[n]))
                n++;
        check_overlay(&c[n++]);
        check_netadmin(&c[n++]);
        check_landlock(&c[n++]);
        if (geteuid() == 0)
                check_idmap(&c[n++]);
        for (size_t i = 0; i < n; i++)
                failed |= print_check(out, &c[i]) == LEVEL_FAIL;
        return fflush(out) != 0 || failed ? 1 : 0;
}
