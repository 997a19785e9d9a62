/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox.c - see sandbox.h.
 *
 * parent (host namespaces)          child = PID 1 in the new namespaces
 * clone(NEWUSER|NEWPID|NEWNS|...) ──► wait for "go"
 * userns_write_maps                 fork ──────────► PID 2: exec_payload():
 * send "go"                         hostname            [own netns, lo up]
 *                                   mounts              rlimits, ids, caps,
 *                                   [join PID 2's       no_new_privs
 *                                    netns]             [seccomp]
 *                                   reaper_lockdown()
 *                                   send the root ───►  check the root, cwd
 * wait, forward signals, timeout    reaper_run()        [seccomp], execve
 *
 * PID 2 is forked before the mounts so that its own setup (and, with
 * net.mode = none, the network namespace, the costliest of them to make)
 * runs on another CPU while PID 1 builds the view. Its filter is loaded
 * before the wait when it allows the calls left (exec.c), else after.
 */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argarea.h"
#include "caps.h"
#include "cgroup.h"
#include "exec.h"
#include "interp.h"
#include "fdutil.h"
#include "log.h"
#include "mounts.h"
#include "net.h"
#include "proctree.h"
#include "profile.h"
#include "reaper.h"
#include "sync.h"
#include "idmap.h"
#include "userhome.h"
#include "userns.h"

/* Everything the child needs; filled in by the parent before clone(). */
struct launch {
        const struct policy *p;
        char **argv;
        char **envp;
        bool userns;
        uid_t uid, outer_uid;
        gid_t gid, outer_gid;
        bool switch_ids;
        bool payload_netns; /* PID 2 makes the network namespace, PID 1 joins it */
        char cwd[4096];
        const char *home;    /* home_buf or NULL */
        char home_buf[4096];
        char **protect;  /* profile directories: read-only inside */
        int idmap_fd;    /* -1, or the user namespace of idmap.h */
        pid_t idmap_helper; /* its helper, reaped at the end */
        int sync_fd;     /* child's end */
        pid_t launcher;
        struct argarea args; /* the launcher's argv and environ strings */
        sigset_t blocked;
};

static uint64_t now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static unsigned long clone_flags(const struct launch *l) {
        const struct policy *p = l->p;
        unsigned long f = CLONE_NEWNS;

        if (l->userns)
                f |= CLONE_NEWUSER;
        if (p->ns_pid != TRI_NO)
                f |= CLONE_NEWPID;
        if (p->ns_ipc != TRI_NO)
                f |= CLONE_NEWIPC;
        if (p->ns_uts != TRI_NO)
                f |= CLONE_NEWUTS;
        if (p->ns_cgroup != TRI_NO)
                f |= CLONE_NEWCGROUP;
        if (p->net_mode != NET_HOST && !l->payload_netns)
                f |= CLONE_NEWNET;
        return f;
}

/* PID 1 joins the network namespace PID 2 made. No fd means PID 2 is
 * gone (it reported why): PID 1 then only reaps it. */
static int join_payload_netns(int fd, bool *ret_gone) {
        int ns = recv_fd(fd), r = 0;

        *ret_gone = ns == -ENODATA || ns == -ECONNRESET;
        if (*ret_gone)
                return 0;
        if (ns < 0)
                return ns;
        if (setns(ns, CLONE_NEWNET) < 0)
                r = negative_errno();
        close(ns);
        return r;
}

/* Without a PID namespace, PID 1 is a subreaper that kills the tree when
 * it ends, also when the launcher dies (its parent death signal, blocked
 * and read from the signalfd, reaper.h). Returns the children list fd. */
static int init_tree(struct launch *l) {
        int fd;

        sigaddset(&l->blocked, REAPER_PARENT_DEATH_SIGNAL);
        if (sigprocmask(SIG_BLOCK, &l->blocked, NULL) < 0)
                sync_fail(l->sync_fd, STAGE_SETUP, errno, "sigprocmask");
        fd = proctree_open();
        if (fd < 0)
                sync_fail(l->sync_fd, STAGE_SETUP, -fd, "/proc/thread-self/children");
        return fd;
}

/* Child: set up the namespaces, start the program as PID 2, become the
 * reaper. Fail-closed: any error is reported and the child exits. */
static _Noreturn void child_main(struct launch *l) {
        const struct policy *p = l->p;
        struct sync_msg go;
        struct mounts_ctx mctx = {.home = l->home, .uid = l->uid, .gid = l->gid, .protect = l->protect,
                                  .unprivileged = l->outer_uid != 0, .idmap_fd = l->idmap_fd,
                                  .cwd = l->cwd[0] ? l->cwd : NULL};
        const char *what = NULL;
        struct exec_root root;
        bool gone = false;
        pid_t pid;
        int sigfd, pv[2], r, children_fd = -1;
        /* kept: sigfd, sync_fd, pv[0], children_fd, stderr (ASan only), then the
         * leases "go" brings */
        int keep[5 + SYNC_MAX_FDS];
        _Static_assert(5 + SYNC_MAX_FDS <= 64, "fd_close_except keeps at most 64 fds");
        size_t n_leases = 0;

        if (p->ns_pid == TRI_NO)
                children_fd = init_tree(l);
        if (p->die_with_parent && prctl(PR_SET_PDEATHSIG, children_fd >= 0 ? REAPER_PARENT_DEATH_SIGNAL : SIGKILL,
                                        0, 0, 0) < 0)
                sync_fail(l->sync_fd, STAGE_SETUP, errno, "PR_SET_PDEATHSIG");
        /* The launcher died before the line above? (Its pid is 0 in a new
         * PID namespace.) */
        if (p->die_with_parent && getppid() != (children_fd >= 0 ? l->launcher : 0))
                _exit(125);
        /* While the parent writes the maps: the bounding set, for PID 1 and
         * (inherited) the program, down to the keep list. Mounting needs
         * only the effective set, which this leaves alone. */
        r = caps_bound_to_keep(p);
        if (r < 0)
                sync_fail(l->sync_fd, STAGE_CAPABILITIES, -r, "bounding set");
        /* "go" brings the veth address leases: PID 1 holds them until the
         * sandbox ends, even if the launcher is killed first (net.h). */
        if (sync_recv_fds(l->sync_fd, &go, keep + 5, SYNC_MAX_FDS, &n_leases) != 1 || go.stage != STAGE_GO)
                _exit(125); /* the parent is gone or gave up */

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pv) < 0)
                sync_fail(l->sync_fd, STAGE_SETUP, errno, "socketpair");
        /* A time namespace applies to the children of the caller, so PID 1
         * makes it just before forking the program (time_namespaces(7)). */
        if (p->ns_time != TRI_NO && unshare(CLONE_NEWTIME) < 0 && (p->ns_time == TRI_YES || errno != EINVAL))
                sync_fail(l->sync_fd, STAGE_SETUP, errno, "time namespace");
        /* Non-dumpable before the fork, so the program can never ptrace
         * PID 1 while it still has its capabilities (execve makes the
         * program dumpable again). */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                sync_fail(l->sync_fd, STAGE_SETUP, errno, "PR_SET_DUMPABLE");
        pid = fork();
        if (pid < 0)
                sync_fail(l->sync_fd, STAGE_FORK, errno, NULL);
        if (pid == 0) {
                struct exec_ctx ec = {
                        .policy = p, .argv = l->argv, .envp = l->envp, .sync_fd = l->sync_fd,
                        .switch_ids = l->switch_ids, .uid = l->uid, .gid = l->gid,
                        .cwd = l->cwd[0] ? l->cwd : NULL, .home = l->home,
                        .root_fd = pv[1], .own_netns = l->payload_netns,
                };
                if (p->die_with_parent)
                        (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
                close(pv[0]);
                exec_payload(&ec);
        }
        close(pv[1]);

        if (p->ns_uts != TRI_NO && sethostname(p->hostname ? p->hostname : "sandbox",
                                               strlen(p->hostname ? p->hostname : "sandbox")) < 0)
                sync_fail(l->sync_fd, STAGE_HOSTNAME, errno, NULL);
        sigfd = signalfd(-1, &l->blocked, SFD_CLOEXEC);
        if (sigfd < 0)
                sync_fail(l->sync_fd, STAGE_SETUP, errno, "signalfd");
        r = mounts_setup(p, &mctx);
        if (r < 0)
                sync_fail(l->sync_fd, STAGE_MOUNTS, -r, mctx.err_detail);
        if (l->payload_netns) {
                what = "join the program's network namespace";
                r = join_payload_netns(pv[0], &gone);
        } else
                r = net_setup_child(p, &what);
        if (r < 0)
                sync_fail(l->sync_fd, STAGE_NETWORK, -r, what);
        r = exec_root_id(&root);
        if (r < 0)
                sync_fail(l->sync_fd, STAGE_MOUNTS, -r, "statx of the new root");
        /* PID 1 keeps nothing of the caller's (no terminal, no files, no
         * command line or environment for /proc/1/cmdline to show) and is
         * locked down before the program may run. */
        argarea_wipe(&l->args, "sandbox-init");
        keep[0] = sigfd, keep[1] = l->sync_fd, keep[2] = pv[0], keep[3] = children_fd;
#if defined(__SANITIZE_ADDRESS__)
        keep[4] = STDERR_FILENO; /* make asan: the sanitizer's reports from PID 1 */
#else
        keep[4] = -1;
#endif
        (void)fd_close_except(keep, 5 + n_leases);
        r = reaper_lockdown(p, l->switch_ids ? &(struct reaper_ids){l->uid, l->gid} : NULL);
        if (r < 0)
                sync_fail(l->sync_fd, STAGE_SECCOMP, -r, "PID 1");
        /* The root goes to PID 2 last; PID 1 then blocks at once in the
         * reaper loop, so the program runs on this CPU without waiting for
         * an idle one to wake. If PID 2 is gone, the reaper reports it. */
        if (!gone)
                (void)send(pv[0], &root, sizeof(root), MSG_NOSIGNAL);
        close(pv[0]);
        reaper_run(&(struct reaper_ctx){.sigfd = sigfd, .sync_fd = l->sync_fd, .children_fd = children_fd,
                                        .payload = pid, .launcher = l->launcher});
}

/* clone() that behaves like fork(); with a cgroup fd the child is born in
 * that cgroup (clone3 CLONE_INTO_CGROUP, Linux 5.7), so no process of the
 * sandbox ever runs outside its limits. */
static pid_t sandbox_clone(unsigned long flags, int cgroup_fd) {
        if (cgroup_fd >= 0) {
                struct clone_args args = {
                        .flags = flags | CLONE_INTO_CGROUP,
                        .exit_signal = SIGCHLD,
                        .cgroup = (uint64_t)cgroup_fd,
                };
                return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
        }
        return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

static int block_signals(sigset_t *ret_set, sigset_t *ret_old) {
        sigemptyset(ret_set);
        sigaddset(ret_set, SIGCHLD);
        for (const int *s = reaper_forwarded_signals; *s; s++)
                sigaddset(ret_set, *s);
        if (sigprocmask(SIG_BLOCK, ret_set, ret_old) < 0)
                return negative_errno();
        return 0;
}

/* The timeout's timerfd in *ret_fd, or -1 when there is no timeout
 * (ms == 0). Returns 0 or -errno; *ret_fd is untouched on failure. */
static int start_timer(uint64_t ms, int *ret_fd) {
        struct itimerspec its = {.it_value = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L}};
        _cleanup_close_ int fd = -1;

        if (ms == 0) {
                *ret_fd = -1;
                return 0;
        }
        fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (timerfd_settime(fd, 0, &its, NULL) < 0)
                return negative_errno();
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* Turns a child's failure report into one message and an exit code. */
static int report_failure(const struct sync_msg *m) {
        if (m->stage == STAGE_EXEC && m->status == INTERP_SCRIPT) { /* interp.c */
                log_error("'%s': interpreter '%s' not found", m->detail, sync_detail_second(m));
                return 126;
        }
        if (m->stage == STAGE_EXEC && m->status == INTERP_ELF) {
                log_error("'%s': its ELF interpreter '%s' not found", m->detail, sync_detail_second(m));
                return 126;
        }
        if (m->stage == STAGE_EXEC) {
                log_error("'%s': %s", m->detail, strerror(m->err));
                return m->err == ENOENT ? 127 : 126;
        }
        if (m->stage == STAGE_FORK && m->err == EAGAIN) {
                log_error("failed to %s: %s (is limits.pids too low? it counts the sandbox's init too)",
                          sync_stage_name(m->stage), strerror(m->err));
                return 125;
        }
        if (m->detail[0] && strchr(m->detail, '\''))
                log_error("failed to %s: %s: %s", sync_stage_name(m->stage), m->detail, strerror(m->err));
        else if (m->detail[0])
                log_error("failed to %s: '%s': %s", sync_stage_name(m->stage), m->detail, strerror(m->err));
        else
                log_error("failed to %s: %s", sync_stage_name(m->stage), strerror(m->err));
        return 125;
}

struct waiter {
        pid_t pid;
        int status;          /* PID 1's own wait status */
        bool reaped;
        bool have_exit;      /* PID 1 sent the program's status */
        int program_status;
        bool failed;
        struct sync_msg failure;
        bool timed_out;
        bool forward_tty;    /* forward terminal signals too (new session) */
        struct rusage ru;    /* of PID 1 and everything it reaped */
        struct cgroup_ctx *cg;
};

static void handle_msg(struct waiter *w, const struct sync_msg *m) {
        if (m->stage == STAGE_EXIT) {
                w->have_exit = true;
                w->program_status = m->status;
        } else if (m->stage != STAGE_READY && !w->failed) {
                w->failed = true;
                w->failure = *m;
        }
}

static void drain_sync(struct waiter *w, int fd) {
        struct sync_msg m;

        while (recv(fd, &m, sizeof(m), MSG_DONTWAIT) == (ssize_t)sizeof(m))
                handle_msg(w, &m);
}

static void handle_signal(struct waiter *w, int sigfd) {
        struct signalfd_siginfo si;

        if (read_full(sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
                return;
        if (si.ssi_signo == SIGCHLD) {
                int st;
                pid_t r = wait4(w->pid, &st, WNOHANG, &w->ru);
                if (r == w->pid) {
                        w->reaped = true;
                        w->status = st;
                }
                return;
        }
        /* A terminal's signals reach the program through its process
         * group; forward them only when it has a session of its own. */
        if (si.ssi_code != SI_KERNEL || w->forward_tty)
                (void)kill(w->pid, (int)si.ssi_signo);
}

static int wait_child(struct waiter *w, int sigfd, int sync_fd, int timer_fd) {
        while (!w->reaped) {
                struct pollfd pfd[3] = {{sigfd, POLLIN, 0}, {sync_fd, POLLIN, 0}, {timer_fd, POLLIN, 0}};
                int n = poll(pfd, timer_fd >= 0 ? 3 : 2, -1);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return negative_errno();
                if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                        struct sync_msg m;
                        int k = sync_recv(sync_fd, &m);
                        if (k == 1) {
                                handle_msg(w, &m);
                                if (w->failed) {
                                        (void)cgroup_kill(w->cg);
                                        (void)kill(w->pid, SIGKILL);
                                }
                        } else if (k != -EBADMSG)
                                sync_fd = -1; /* everyone in the sandbox closed it: wait for PID 1 only */
                }
                if (pfd[2].revents & POLLIN) {
                        w->timed_out = true;
                        (void)cgroup_kill(w->cg);
                        (void)kill(w->pid, SIGKILL); /* PID 1: the kernel kills the rest */
                        timer_fd = -1;
                }
                if (pfd[0].revents & POLLIN)
                        handle_signal(w, sigfd);
        }
        return 0;
}

bool sandbox_oom_took_init(bool have_exit, int init_status, const struct cgroup_stats *cs) {
        return !have_exit && cs->valid && cs->oom_kill > 0 && init_status != -1 && WIFSIGNALED(init_status) &&
               WTERMSIG(init_status) == SIGKILL;
}

/* PID 1 exited without reporting the program's status (killed from
 * outside, or its own filter or a sanitizer ended it): its status is not
 * the program's, so it is a launcher failure. */
static int report_init_death(const struct waiter *w, struct sandbox_result *res) {
        res->setup_failed = true;
        if (WIFSIGNALED(w->status))
                log_error("sandbox init (PID 1) died: killed by signal %d (%s)", WTERMSIG(w->status),
                          strsignal(WTERMSIG(w->status)));
        else if (WIFEXITED(w->status))
                log_error("sandbox init (PID 1) died: exit status %d", WEXITSTATUS(w->status));
        else
                log_error("sandbox init (PID 1) died");
        return 125;
}

static int exit_code(const struct waiter *w, struct sandbox_result *res) {
        int st = w->have_exit ? w->program_status : w->status;

        res->status = w->have_exit ? w->program_status : -1;
        if (w->failed) {
                res->setup_failed = w->failure.stage != STAGE_EXEC;
                return report_failure(&w->failure);
        }
        if (w->timed_out) {
                res->timed_out = true;
                return 124;
        }
        if (!w->have_exit)
                return report_init_death(w, res);
        if (WIFEXITED(st))
                return WEXITSTATUS(st);
        if (WIFSIGNALED(st))
                return 128 + WTERMSIG(st);
        return 125;
}

/* Fills the run report: the cgroup's counters where there is one,
 * otherwise wait4()'s rusage of PID 1 (which includes everything it
 * reaped). memory.peak needs Linux 5.19; before that the peak is the
 * largest RSS of a single process. */
static void fill_report(const struct waiter *w, const struct cgroup_stats *cs, struct sandbox_result *res) {
        struct run_report *r = &res->report;
        int st = w->have_exit ? w->program_status : w->status;

        r->exit_code = res->exit_code;
        r->timed_out = res->timed_out;
        r->wall_time_us = res->wall_time_us;
        r->signal = !res->timed_out && !w->failed && w->have_exit && WIFSIGNALED(st) ? WTERMSIG(st) : 0;
        r->memory_peak = (uint64_t)w->ru.ru_maxrss * 1024u;
        if (cs->valid) {
                r->from_cgroup = true;
                r->cpu_user_us = cs->cpu_user_us;
                r->cpu_system_us = cs->cpu_system_us;
                if (cs->memory_peak_valid)
                        r->memory_peak = cs->memory_peak;
                r->pids_peak = cs->pids_peak;
                r->cpu_throttled_us = cs->throttled_us;
                r->cpu_nr_throttled = cs->nr_throttled;
                r->oom_kill = cs->oom_kill;
                r->pids_max_events = cs->pids_max_events;
                r->oom_killed = cs->oom_kill > 0;
                snprintf(r->cgroup, sizeof(r->cgroup), "%s", cs->path ? cs->path : "");
        } else {
                r->cpu_user_us = (uint64_t)w->ru.ru_utime.tv_sec * 1000000u + (uint64_t)w->ru.ru_utime.tv_usec;
                r->cpu_system_us = (uint64_t)w->ru.ru_stime.tv_sec * 1000000u + (uint64_t)w->ru.ru_stime.tv_usec;
        }
}

int sandbox_protected_dirs_from(char *const *dirs, bool as_root, char ***ret) {
        char **out;
        size_t n = 0, k = 0;

        for (char *const *d = dirs; *d; d++)
                n++;
        out = calloc(2 * n + 3, sizeof(char *));
        if (!out)
                return -ENOMEM;
        for (char *const *d = dirs; *d; d++) {
                char *slash = strrchr(*d, '/');
                if (slash && slash > *d && slash - *d >= 8 && strncmp(slash - 8, "/sandbox", 8) == 0)
                        if (!(out[k++] = strndup(*d, (size_t)(slash - *d))))
                                goto out_nomem;
                if (!(out[k++] = strdup(*d)))
                        goto out_nomem;
        }
        if (as_root && (!(out[k++] = strdup("/sys")) || !(out[k++] = strdup("/proc"))))
                goto out_nomem;
        *ret = out;
        return 0;

out_nomem:
        profile_strv_free(out); /* NULL-terminated at the failed entry */
        return -ENOMEM;
}

/* The profile directories and their "sandbox" parents: a sandboxed
 * program must never be able to loosen its next run. For a launch by root
 * also the host's /sys and /proc (their files belong to uid 0, which a
 * root payload is even without capabilities: cgroup limits, sysfs knobs),
 * so that no bind of them, or of a tree containing them, is writable. */
static int protected_dirs(char ***ret) {
        char **dirs = NULL;
        int r = profile_search_path(&dirs);

        if (r == 0)
                r = profile_dirs_prepare(dirs); /* a missing one is made, to be protected */
        if (r < 0) {
                profile_strv_free(dirs);
                return r;
        }
        r = sandbox_protected_dirs_from(dirs, geteuid() == 0, ret);
        profile_strv_free(dirs);
        return r;
}

static int prepare_launch(const struct policy *p, char **argv, struct launch *l) {
        uid_t uid = getuid();
        gid_t gid = getgid();
        int r;

        l->p = p;
        l->argv = argv;
        l->outer_uid = uid;
        l->outer_gid = gid;
        l->userns = p->ns_user == TRI_YES || (p->ns_user == TRI_AUTO && geteuid() != 0);
        if (!l->userns && geteuid() != 0)
                return log_error_errno(-EPERM, "'namespaces.user = no' needs root");
        {
                const char *key = NULL;
                if (caps_check_launch(p, geteuid() == 0, &key) < 0)
                        return log_error_errno(-EPERM, "'capabilities.%s' needs root", key ? key : "keep");
        }
        l->uid = p->uid != POLICY_UNSET_ID ? p->uid : uid;
        l->gid = p->gid != POLICY_UNSET_ID ? p->gid : gid;
        if (p->uid != POLICY_UNSET_ID && p->gid == POLICY_UNSET_ID) {
                /* uid without gid: the user's primary group, like chroot --userspec */
                struct passwd *pw = getpwuid(p->uid);
                l->gid = pw ? pw->pw_gid : p->uid;
        }
        l->switch_ids = !l->userns && (l->uid != uid || l->gid != gid);
        l->payload_netns = p->net_mode == NET_NONE;
        l->home = user_home(l->home_buf, sizeof(l->home_buf)) == 0 ? l->home_buf : NULL;
        if (!getcwd(l->cwd, sizeof(l->cwd)))
                l->cwd[0] = 0;
        r = argarea_get(&l->args);
        if (r < 0)
                return log_error_errno(r, "Failed to read '/proc/self/stat': %m");
        r = exec_build_env(p, environ, &l->envp);
        if (r < 0)
                return log_error_errno(r, "Failed to build the environment: %m");
        r = protected_dirs(&l->protect);
        if (r < 0)
                return log_error_errno(r, "out of memory");
        l->idmap_fd = idmap_needed(geteuid() == 0, l->userns, l->uid, l->gid) ? idmap_userns_open(&l->idmap_helper) : -1;
        if (l->idmap_fd < -1)
                return log_error_errno(l->idmap_fd, "Failed to create the user namespace that hides root's files: %m");
        return 0;
}

int sandbox_run(const struct policy *p, char **argv, const struct sandbox_opts *o, struct sandbox_result *res) {
        struct launch l = {.idmap_fd = -1};
        struct cgroup_ctx cg = CGROUP_CTX_INIT;
        struct cgroup_stats cs = {0};
        struct net_ctx net = NET_CTX_INIT;
        struct waiter w = {.status = -1, .cg = &cg};
        _cleanup_close_ int tree_fd = -1;
        _cleanup_free_ char *err = NULL;
        sigset_t old;
        _cleanup_close_ int sigfd = -1, timer_fd = -1, parent_fd = -1;
        int sv[2], r;
        uint64_t start = now_us();

        r = prepare_launch(p, argv, &l);
        if (r < 0)
                return r;
        /* Signals first: a SIGTERM from now on is held and forwarded, so it
         * can never end the launcher between creating the cgroup and
         * removing it. */
        r = block_signals(&l.blocked, &old);
        if (r < 0)
                goto out_env;
        r = cgroup_prepare(p, o->id, &cg, &err);
        if (r < 0) {
                log_error("%s", err ? err : strerror(-r));
                goto out_signals;
        }
        sigfd = signalfd(-1, &l.blocked, SFD_CLOEXEC);
        if (sigfd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
                r = log_error_errno(negative_errno(), "Failed to set up the launcher: %m");
                goto out_cgroup;
        }
        parent_fd = sv[0];
        l.sync_fd = sv[1];
        l.launcher = getpid();
        /* Without a PID namespace the launcher is a subreaper too: what
         * PID 1 leaves behind when it is killed (timeout) reparents here. */
        if (p->ns_pid == TRI_NO) {
                tree_fd = proctree_open();
                if (tree_fd < 0) {
                        r = log_error_errno(tree_fd, "Failed to open '/proc/thread-self/children' "
                                                     "(needed with 'namespaces.pid = no'): %m");
                        close(sv[1]);
                        goto out_cgroup;
                }
        }
        w.forward_tty = p->new_session;

        w.pid = sandbox_clone(clone_flags(&l), cg.dir_fd);
        if (w.pid < 0) {
                r = negative_errno();
                close(sv[1]);
                log_error_errno(r, "Failed to create the namespaces: %m%s",
                                r == -EPERM || r == -ENOSPC ? " (are unprivileged user namespaces disabled? "
                                                              "see 'sandbox --check')" : "");
                goto out_cgroup;
        }
        if (w.pid == 0) {
                close(sv[0]);
                child_main(&l);
        }
        close(sv[1]);

        if (l.userns) {
                r = userns_write_maps(w.pid, l.uid, l.outer_uid, l.gid, l.outer_gid);
                if (r < 0) {
                        log_error_errno(r, "Failed to write the user namespace maps: %m");
                        goto out_kill;
                }
        }
        r = net_setup_parent(p, o->id, w.pid, &net, &err);
        if (r < 0) {
                log_error("%s", err ? err : strerror(-r));
                goto out_kill;
        }
        r = start_timer(p->timeout_ms, &timer_fd);
        if (r < 0) {
                log_error_errno(r, "Failed to start the timeout: %m");
                goto out_kill;
        }
        r = sync_send_fds(parent_fd, STAGE_GO, net.lease_fds, net.n_leases);
        if (r < 0 && r != -EPIPE && r != -ECONNRESET) {
                log_error_errno(r, "Failed to start the sandbox: %m");
                goto out_kill;
        }
        r = wait_child(&w, sigfd, parent_fd, timer_fd);
        if (r < 0) {
                log_error_errno(r, "Failed to wait for the sandbox: %m");
                goto out_kill;
        }
        if (tree_fd >= 0)
                (void)proctree_kill(tree_fd);
        drain_sync(&w, parent_fd);
        res->wall_time_us = now_us() - start;
        (void)cgroup_collect(&cg, &cs);
        if (sandbox_oom_took_init(w.have_exit, w.status, &cs)) {
                w.have_exit = true; /* the program went with it */
                w.program_status = w.status;
        }
        res->exit_code = exit_code(&w, res);
        fill_report(&w, &cs, res);
        r = 0;
        goto out_net;

out_kill:
        (void)cgroup_kill(&cg);
        (void)kill(w.pid, SIGKILL);
        while (waitpid(w.pid, NULL, 0) < 0 && errno == EINTR)
                ;
        if (tree_fd >= 0)
                (void)proctree_kill(tree_fd);
out_net:
        net_cleanup_parent(&net);
out_cgroup:
        cgroup_destroy(&cg);
out_signals:
        sigprocmask(SIG_SETMASK, &old, NULL);
out_env:
        exec_env_free(l.envp);
        profile_strv_free(l.protect);
        safe_close(l.idmap_fd);
        idmap_helper_reap(l.idmap_helper);
        return r;
}
