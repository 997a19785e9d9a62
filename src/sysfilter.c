/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysfilter.c - see sysfilter.h. The only file that includes <seccomp.h>.
 *
 * Design: every filter is an allow list in BPF terms.
 *
 *   default action            ERRNO(ENOSYS)
 *   every syscall libseccomp  ALLOW, or the policy's action (errno, kill,
 *   can name on the filter's  log), or argument-filtered (see below), or
 *   architectures             no rule at all (= ENOSYS, on purpose)
 *   foreign architecture      KILL_PROCESS (i386 and x32 too, unless
 *                             block-secondary-arch = no adds them)
 *
 * so a number libseccomp cannot name gets ENOSYS: the x86-64 hole 335-423,
 * syscalls newer than libseccomp 2.5.4's table (statmount 457 ... and the
 * mount-API open_tree_attr 467 on a 6.15+ kernel), garbage numbers. A
 * deny-list profile ("default") compiled with an ALLOW default would let
 * exactly those through, and libc would get EPERM where its fallbacks
 * expect ENOSYS. libseccomp cannot express number ranges, and a second,
 * stacked filter for them would run on every syscall; explicit rules for
 * every known name cost nothing at run time (a binary tree: ~14 BPF
 * instructions, and the kernel caches constant ALLOW verdicts) but about
 * 3 ms of libseccomp code generation at launch.
 *
 * libseccomp evaluates a syscall's argument rules as an OR of ANDs, falls
 * through to the default action when none matches, drops conditional
 * rules next to an unconditional one, and allows one compare per argument
 * and rule. An argument-filtered syscall is therefore written as ALLOW
 * patterns and deny patterns, masked compares on the low 32 bits of one
 * argument; one side is given and the other computed as its complement
 * (sf_complement), so the sides never overlap and no verdict depends on
 * libseccomp's rule order. Only the low 32 bits are compared: the kernel
 * truncates clone flags, ioctl requests, personality and open flags to 32
 * bits, so high garbage must not change the verdict (CVE-2019-10063:
 * TIOCSTI with high bits set). Where both sides are given (personality),
 * values in neither get the default ENOSYS: still a denial.
 *
 * The socketcall/ipc multiplexers of i386 never get rules of their own:
 * libseccomp derives them from the individual calls (socket, semop, ...).
 */
#define _GNU_SOURCE
#include "sysfilter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf_eval.h"
#include "sockfam.h"
#include "value.h"

/* ---- groups (our own lists; names unknown on an arch are skipped) ------ */

struct sf_group {
        const char *name;
        const char *help;
        const char *members; /* space-separated names and @groups; "?x": x
                              * argument-filtered; "~x": x gets ENOSYS */
};

static const struct sf_group sf_groups[] = {
        {"@default", "what every program needs to start, run and exit",
         "arch_prctl brk clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep "
         "clock_nanosleep_time64 execve execveat exit exit_group futex futex_time64 futex_waitv futex_wake "
         "futex_wait futex_requeue get_robust_list set_robust_list get_thread_area set_thread_area getcpu "
         "getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getpgid getpgrp getpid "
         "getppid getrandom getresgid getresgid32 getresuid getresuid32 getrlimit ugetrlimit getrusage getsid "
         "gettid gettimeofday getuid getuid32 membarrier nanosleep pause prlimit64 restart_syscall rseq "
         "rt_sigreturn sigreturn sched_getaffinity sched_yield set_tid_address sysinfo time times uname capget"},
        {"@basic-io", "read, write, seek, duplicate and close open descriptors",
         "read write readv writev pread64 pwrite64 preadv pwritev preadv2 pwritev2 close close_range lseek "
         "_llseek dup dup2 dup3 fcntl fcntl64 ioctl sendfile sendfile64 splice tee vmsplice copy_file_range"},
        {"@file-read", "look up and read files; open only read-only (no O_CREAT, O_TRUNC, write modes)",
         "?open ?openat ~openat2 access faccessat faccessat2 stat stat64 fstat fstat64 lstat lstat64 "
         "newfstatat fstatat64 statx statfs statfs64 fstatfs fstatfs64 readlink readlinkat getcwd chdir "
         "fchdir getdents getdents64 fadvise64 fadvise64_64 readahead getxattr lgetxattr fgetxattr "
         "listxattr llistxattr flistxattr"},
        {"@file-system", "create, change, rename and remove files and directories",
         "@file-read open openat openat2 creat mkdir mkdirat rmdir unlink unlinkat rename renameat renameat2 "
         "link linkat symlink symlinkat chmod fchmod fchmodat fchmodat2 truncate truncate64 ftruncate "
         "ftruncate64 fallocate utime utimes utimensat utimensat_time64 futimesat mknod mknodat umask flock "
         "setxattr lsetxattr fsetxattr removexattr lremovexattr fremovexattr inotify_init inotify_init1 "
         "inotify_add_watch inotify_rm_watch fanotify_init fanotify_mark cachestat"},
        {"@chown", "change file owners", "chown chown32 fchown fchown32 lchown lchown32 fchownat"},
        {"@io-event", "wait for descriptors: poll, select, epoll, eventfd",
         "poll ppoll ppoll_time64 select _newselect pselect6 pselect6_time64 epoll_create epoll_create1 "
         "epoll_ctl epoll_wait epoll_pwait epoll_pwait2 eventfd eventfd2"},
        {"@ipc", "pipes, SysV and POSIX message queues, semaphores and shared memory",
         "pipe pipe2 shmget shmat shmdt shmctl semget semop semctl semtimedop semtimedop_time64 msgget msgsnd "
         "msgrcv msgctl mq_open mq_unlink mq_timedsend mq_timedsend_time64 mq_timedreceive "
         "mq_timedreceive_time64 mq_notify mq_getsetattr"},
        {"@process", "create, signal and wait for processes and threads (no new namespaces)",
         "clone clone3 fork vfork kill tkill tgkill rt_sigqueueinfo rt_tgsigqueueinfo wait4 waitid waitpid "
         "pidfd_open pidfd_send_signal process_mrelease prctl setsid setpgid unshare personality"},
        {"@signal", "signal handlers, masks and signalfd",
         "rt_sigaction rt_sigprocmask rt_sigpending rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 "
         "sigaltstack signalfd signalfd4 sigaction signal sigpending sigprocmask sigsuspend"},
        {"@timer", "interval timers, POSIX timers and timerfd",
         "alarm getitimer setitimer timer_create timer_delete timer_getoverrun timer_gettime "
         "timer_gettime64 timer_settime timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 "
         "timerfd_settime timerfd_settime64"},
        {"@memory", "map, protect and advise memory",
         "mmap mmap2 munmap mprotect mremap msync mincore madvise mlock mlock2 munlock mlockall munlockall "
         "remap_file_pages pkey_alloc pkey_free pkey_mprotect memfd_create memfd_secret get_mempolicy "
         "set_mempolicy set_mempolicy_home_node mbind map_shadow_stack"},
        {"@network-io", "sockets: create, connect, accept, send, receive",
         "socket socketpair bind listen connect accept accept4 getsockname getpeername getsockopt setsockopt "
         "sendto recvfrom sendmsg recvmsg sendmmsg recvmmsg recvmmsg_time64 shutdown"},
        {"@sync", "flush file data to storage", "sync syncfs fsync fdatasync sync_file_range"},
        {"@aio", "Linux native asynchronous I/O (io_submit)",
         "io_setup io_destroy io_getevents io_pgetevents io_pgetevents_time64 io_submit io_cancel"},
        {"@io-uring", "io_uring (a second syscall interface that bypasses the filter's view)",
         "io_uring_setup io_uring_enter io_uring_register"},
        {"@resources", "scheduling, priorities, CPU affinity, NUMA placement, resource limits",
         "getpriority setpriority nice ioprio_get ioprio_set sched_setparam sched_getparam "
         "sched_setscheduler sched_getscheduler sched_get_priority_max sched_get_priority_min "
         "sched_rr_get_interval sched_rr_get_interval_time64 sched_setattr sched_getattr sched_setaffinity "
         "setrlimit migrate_pages move_pages"},
        {"@credentials", "change user and group ids and capabilities",
         "setuid setuid32 setgid setgid32 setreuid setreuid32 setregid setregid32 setresuid setresuid32 "
         "setresgid setresgid32 setgroups setgroups32 setfsuid setfsuid32 setfsgid setfsgid32 capset"},
        {"@sandbox", "restrict oneself further: seccomp and landlock",
         "seccomp landlock_create_ruleset landlock_add_rule landlock_restrict_self"},
        {"@namespaces", "create or join namespaces: setns, unshare/clone/clone3 with CLONE_NEW* flags",
         "setns unshare clone clone3"},
        {"@mount", "mount, unmount and change the root, old and new mount API",
         "mount umount umount2 pivot_root chroot fsopen fsconfig fsmount fspick move_mount open_tree "
         "mount_setattr"},
        {"@module", "load and unload kernel modules",
         "init_module finit_module delete_module create_module query_module get_kernel_syms"},
        {"@raw-io", "raw I/O port access", "iopl ioperm"},
        {"@reboot", "reboot and kexec", "reboot kexec_load kexec_file_load"},
        {"@swap", "enable and disable swap", "swapon swapoff"},
        {"@debug", "ptrace, other processes' memory, perf", "ptrace process_vm_readv process_vm_writev "
         "process_madvise perf_event_open kcmp pidfd_getfd"},
        {"@keyring", "the kernel keyring", "add_key keyctl request_key"},
        {"@clock", "set the system clock", "adjtimex clock_adjtime clock_adjtime64 clock_settime "
         "clock_settime64 settimeofday stime"},
        {"@cpu-emulation", "segment descriptors and vm86 modes", "modify_ldt subpage_prot switch_endian vm86 "
         "vm86old"},
        {"@privileged", "calls that need a capability the sandbox drops, or leak host state",
         "acct bpf open_by_handle_at name_to_handle_at quotactl quotactl_fd sethostname setdomainname "
         "syslog vhangup userfaultfd"},
        {"@obsolete", "removed or unimplemented calls",
         "_sysctl afs_syscall bdflush break epoll_ctl_old epoll_wait_old ftime getpmsg gtty idle lock "
         "lookup_dcookie mpx nfsservctl oldfstat oldlstat oldolduname olduname oldstat prof profil putpmsg "
         "readdir security sgetmask ssetmask stty sysfs tuxcall ulimit uselib ustat vserver"},
        {"@system-service", "what a typical service needs: the network profile's groups and @credentials",
         "@default @basic-io @file-system @chown @io-event @ipc @process @signal @timer @memory @network-io "
         "@sync @aio @resources @credentials @sandbox"},
};

/* ---- built-in profiles --------------------------------------------------- */

#define SF_DENY_BASE                                                                                   \
        "@mount @module @raw-io @reboot @swap @keyring @cpu-emulation @io-uring @privileged @obsolete"
#define SF_MINIMAL "@default @basic-io @file-read @memory @signal"
#define SF_IO_HEAVY SF_MINIMAL " @file-system @chown @sync @io-event @aio"
#define SF_COMPUTE SF_IO_HEAVY " @process @ipc @timer @resources @sandbox"
#define SF_NETWORK SF_COMPUTE " @network-io"

struct sf_profile {
        const char *name;
        const char *help;
        const char *allow; /* NULL: every syscall */
        const char *deny;
};

static const struct sf_profile sf_profiles[] = {
        {"default", "everything except a deny list of dangerous calls", NULL, SF_DENY_BASE " @debug"},
        {"minimal", "only read/write standard streams; files read-only; no processes, no sockets",
         SF_MINIMAL, NULL},
        {"io-heavy", "minimal + create and change files and directories; no processes, no sockets",
         SF_IO_HEAVY, NULL},
        {"compute", "io-heavy + processes, threads, IPC, timers, scheduling", SF_COMPUTE, NULL},
        {"network", "compute + sockets", SF_NETWORK, NULL},
        {"unrestricted", "the default deny list without the debugging calls (ptrace, perf)", NULL,
         SF_DENY_BASE},
};

/* ---- argument filters ------------------------------------------------------ */

struct sf_pattern {
        uint32_t mask, value; /* matches when (lo32(arg) & mask) == value */
};

#define SF_MAX_PATTERNS 64
#define SF_NS_FLAGS                                                                                   \
        (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |  \
         CLONE_NEWNET)
#define SF_OPEN_WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | __O_TMPFILE)
/* personality(2) flags other than UNAME26 (ADDR_NO_RANDOMIZE ... ADDR_LIMIT_3GB) */
#define SF_PERSONALITY_FLAGS 0x0ffc0000u
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

/* One argument-filtered syscall: masked compares on the low 32 bits of
 * one argument. A side left empty is computed as the exact complement of
 * the other; with both given, values in neither get the default ENOSYS.
 * `always`: the filter applies even when the syscall is allowed by name. */
struct sf_argfilter {
        const char *name;
        unsigned arg;
        bool always;
        struct sf_pattern allow[2], deny[10];
        size_t n_allow, n_deny;
        const char *what;
};

#define SF_PF(f) {(f) | 0x80000000u, (f)}
static const struct sf_argfilter sf_argfilters[] = {
        {"ioctl", 1, true, {{0}}, {{0xffffffffu, TIOCSTI}, {0xffffffffu, TIOCLINUX}}, 0, 2,
         "TIOCSTI and TIOCLINUX denied (low 32 bits compared)"},
        /* The query 0xffffffff has every flag bit set: flags are denied only
         * with bit 31 clear; other values with bit 31 get ENOSYS. */
        {"personality", 0, true, {{SF_PERSONALITY_FLAGS, 0}, {0xffffffffu, 0xffffffffu}},
         {SF_PF(0x0040000), SF_PF(0x0080000), SF_PF(0x0100000), SF_PF(0x0200000), SF_PF(0x0400000),
          SF_PF(0x0800000), SF_PF(0x1000000), SF_PF(0x2000000), SF_PF(0x4000000), SF_PF(0x8000000)}, 2, 10,
         "personality types, UNAME26 and the 0xffffffff query only"},
        {"clone", 0, false, {{SF_NS_FLAGS, 0}}, {{0}}, 1, 0, "no CLONE_NEW* flags"},
        {"unshare", 0, false, {{SF_NS_FLAGS | CLONE_NEWTIME, 0}}, {{0}}, 1, 0, "no CLONE_NEW* flags"},
        {"open", 1, false, {{SF_OPEN_WRITE_FLAGS, 0}}, {{0}}, 1, 0, "read-only"},
        {"openat", 2, false, {{SF_OPEN_WRITE_FLAGS, 0}}, {{0}}, 1, 0, "read-only"},
};

/* A covers B: every value B matches, A matches too. */
static bool sf_covers(struct sf_pattern a, struct sf_pattern b) {
        return (a.mask & ~b.mask) == 0 && ((a.value ^ b.value) & a.mask) == 0;
}

/* Drops patterns covered by another one (and duplicates). */
static size_t sf_absorb(struct sf_pattern *v, size_t n) {
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
                bool drop = false;
                for (size_t j = 0; j < n && !drop; j++)
                        drop = j != i && sf_covers(v[j], v[i]) && (!sf_covers(v[i], v[j]) || j < i);
                if (!drop)
                        v[k++] = v[i];
        }
        return k;
}

static int sf_cmp_pattern(const void *a, const void *b) {
        const struct sf_pattern *x = a, *y = b;
        int px = __builtin_popcount(x->mask), py = __builtin_popcount(y->mask);

        if (px != py)
                return px - py;
        return (x->mask & -x->mask) < (y->mask & -y->mask) ? -1 : (x->mask & -x->mask) > (y->mask & -y->mask);
}

/* The complement of the union of `in` as masked patterns: the intersection
 * over each input of "some bit of its mask differs", expanded and
 * absorbed. The result may overlap itself (one action) but never an input.
 * Sorted: fewest fixed bits, lowest bit first (TCGETS matches early). */
static int sf_complement(const struct sf_pattern *in, size_t n, struct sf_pattern *out, size_t *n_out) {
        enum { MAXP = 32 * SF_MAX_PATTERNS };
        struct sf_pattern cur[MAXP], next[MAXP];
        size_t nc = 1;

        cur[0] = (struct sf_pattern){0, 0};
        for (size_t i = 0; i < n; i++) {
                size_t nn = 0;
                for (size_t c = 0; c < nc; c++)
                        for (uint32_t m = in[i].mask; m; m &= m - 1) {
                                uint32_t bit = m & -m, val = ~in[i].value & bit;
                                if ((cur[c].mask & bit) && (cur[c].value & bit) != val)
                                        continue; /* empty intersection */
                                if (nn == MAXP)
                                        return -E2BIG;
                                next[nn++] = (struct sf_pattern){cur[c].mask | bit, cur[c].value | val};
                        }
                nc = sf_absorb(next, nn);
                if (nc > SF_MAX_PATTERNS)
                        return -E2BIG;
                memcpy(cur, next, nc * sizeof(cur[0]));
        }
        qsort(cur, nc, sizeof(cur[0]), sf_cmp_pattern);
        memcpy(out, cur, nc * sizeof(cur[0]));
        *n_out = nc;
        return 0;
}

/* The allow and deny patterns of one argument filter. */
struct sf_sides {
        struct sf_pattern allow[SF_MAX_PATTERNS], deny[SF_MAX_PATTERNS];
        size_t n_allow, n_deny;
};

static int sf_argfilter_sides(const struct sf_argfilter *a, struct sf_sides *s) {
        *s = (struct sf_sides){.n_allow = a->n_allow, .n_deny = a->n_deny};
        memcpy(s->allow, a->allow, a->n_allow * sizeof(a->allow[0]));
        memcpy(s->deny, a->deny, a->n_deny * sizeof(a->deny[0]));
        if (!a->n_allow)
                return sf_complement(a->deny, a->n_deny, s->allow, &s->n_allow);
        if (!a->n_deny)
                return sf_complement(a->allow, a->n_allow, s->deny, &s->n_deny);
        return 0;
}

static const struct sf_argfilter *sf_find_argfilter(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(sf_argfilters); i++)
                if (streq(sf_argfilters[i].name, name))
                        return &sf_argfilters[i];
        return NULL;
}

static bool sf_pattern_match(const struct sf_pattern *p, size_t n, uint32_t v) {
        for (size_t i = 0; i < n; i++)
                if ((v & p[i].mask) == p[i].value)
                        return true;
        return false;
}

/* ---- the plan: one verdict per syscall name (pure once names are known) -- */

enum sf_level { SF_DENY = 0, SF_NOSYS, SF_FILTER, SF_ALLOW };

struct sf_plan {
        char **names; /* sorted, unique: every name the filter's arches know */
        size_t n_names;
        uint8_t *level; /* enum sf_level, per name */
        bool ns_ok;     /* @namespaces allowed: no CLONE_NEW* restriction */
        uint32_t deny_action;
        uint32_t arches[3]; /* SCMP_ARCH_*, [0] = native */
        size_t n_arches;
};

/* PID 1's whole universe: its loop reads the signalfd, reaps, forwards
 * signals, reports on the sync socket and exits. Everything else, known
 * or not, gets ENOSYS (a 17-rule filter builds in well under 1 ms). */
#define SF_REAPER_ALLOW                                                                                \
        "read write close wait4 waitid kill tgkill exit exit_group rt_sigprocmask rt_sigreturn "     \
        "restart_syscall sendto sendmsg getpid gettid clock_gettime pread64" SF_REAPER_SANITIZER
/* An ASan build (make asan) only: the sanitizer runtime in PID 1 calls
 * sigaltstack before every noreturn call (_exit included), and maps memory
 * and takes locks to print a report. Never in a normal build. */
#if defined(__SANITIZE_ADDRESS__)
#define SF_REAPER_SANITIZER " sigaltstack mmap munmap mprotect madvise futex sched_yield"
#else
#define SF_REAPER_SANITIZER ""
#endif

static void sf_plan_done(struct sf_plan *pl) {
        for (size_t i = 0; i < pl->n_names; i++)
                free(pl->names[i]);
        free(pl->names);
        free(pl->level);
        *pl = (struct sf_plan){0};
}

static int sf_cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static ssize_t sf_name_index(const struct sf_plan *pl, const char *name) {
        char *const *hit = bsearch(&name, pl->names, pl->n_names, sizeof(char *), sf_cmp_str);
        return hit ? hit - pl->names : -1;
}

static const struct sf_group *sf_find_group(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(sf_groups); i++)
                if (streq(sf_groups[i].name, name))
                        return &sf_groups[i];
        return NULL;
}

static const struct sf_profile *sf_find_profile(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(sf_profiles); i++)
                if (streq(sf_profiles[i].name, name ? name : "default"))
                        return &sf_profiles[i];
        return NULL;
}

static int sf_apply_list(struct sf_plan *pl, const char *list, bool grant, unsigned depth);

/* One name or @group: grant raises the level ("?x" to FILTER, "~x" to
 * NOSYS, "x" to ALLOW); deny sets DENY. Names this filter's arches do not
 * know are skipped. @namespaces is special: allowing it lifts the
 * CLONE_NEW* restriction, denying it restores the restriction only (clone
 * itself stays as it was). */
static int sf_apply_token(struct sf_plan *pl, const char *tok, bool grant, unsigned depth) {
        enum sf_level lv = tok[0] == '?' ? SF_FILTER : tok[0] == '~' ? SF_NOSYS : SF_ALLOW;
        const char *name = tok + (lv != SF_ALLOW);
        ssize_t i;

        if (name[0] == '@') {
                const struct sf_group *g = sf_find_group(name);
                if (!g || depth > 4)
                        return -EINVAL;
                if (streq(name, "@namespaces")) {
                        pl->ns_ok = grant;
                        if (!grant)
                                return 0;
                }
                return sf_apply_list(pl, g->members, grant, depth + 1);
        }
        i = sf_name_index(pl, name);
        if (i < 0)
                return 0;
        if (!grant)
                pl->level[i] = SF_DENY;
        else if (pl->level[i] < lv)
                pl->level[i] = (uint8_t)lv;
        return 0;
}

static int sf_apply_list(struct sf_plan *pl, const char *list, bool grant, unsigned depth) {
        char tok[64];

        for (const char *s = list; *s;) {
                size_t n = strcspn(s, " ");
                if (n >= sizeof(tok))
                        return -EINVAL;
                memcpy(tok, s, n);
                tok[n] = 0;
                if (n > 0) {
                        int r = sf_apply_token(pl, tok, grant, depth);
                        if (r < 0)
                                return r;
                }
                s += n + (s[n] == ' ');
        }
        return 0;
}

static void sf_set_ceiling(struct sf_plan *pl, const char *name, enum sf_level max) {
        ssize_t i = sf_name_index(pl, name);
        if (i >= 0 && pl->level[i] > max)
                pl->level[i] = (uint8_t)max;
}

/* Restrictions that no allow list lifts: ioctl and personality keep their
 * argument filter; without @namespaces, no CLONE_NEW* flags and no setns;
 * clone3 hides its flags behind a pointer, so it gets ENOSYS and libc
 * falls back to clone. */
static void sf_apply_ceilings(struct sf_plan *pl) {
        for (size_t i = 0; i < ELEMENTSOF(sf_argfilters); i++)
                if (sf_argfilters[i].always)
                        sf_set_ceiling(pl, sf_argfilters[i].name, SF_FILTER);
        if (pl->ns_ok)
                return;
        sf_set_ceiling(pl, "setns", SF_DENY);
        sf_set_ceiling(pl, "clone", SF_FILTER);
        sf_set_ceiling(pl, "unshare", SF_FILTER);
        sf_set_ceiling(pl, "clone3", SF_NOSYS);
}

static int sf_apply_strlist(struct sf_plan *pl, const struct strlist *l, bool grant) {
        for (size_t i = 0; i < l->n; i++) {
                int r = sf_apply_token(pl, l->items[i].value, grant, 0);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Profile, then the policy's allow list, then its deny list (deny wins),
 * then the ceilings. p == NULL: the reaper's plan. */
static int sf_plan_levels(struct sf_plan *pl, const struct policy *p) {
        const struct sf_profile *prof = p ? sf_find_profile(p->seccomp_profile) : NULL;
        int r;

        if (p && !prof)
                return -EINVAL;
        memset(pl->level, prof && !prof->allow ? SF_ALLOW : SF_DENY, pl->n_names);
        r = sf_apply_list(pl, prof ? (prof->allow ? prof->allow : "") : SF_REAPER_ALLOW, true, 0);
        if (r == 0 && prof && prof->deny)
                r = sf_apply_list(pl, prof->deny, false, 0);
        if (r == 0 && p)
                r = sf_apply_strlist(pl, &p->sc_allow, true);
        if (r == 0 && p)
                r = sf_apply_strlist(pl, &p->sc_deny, false);
        if (r < 0)
                return r;
        sf_apply_ceilings(pl);
        return 0;
}

static uint32_t sf_deny_action(const struct policy *p) {
        if (!p)
                return SCMP_ACT_ERRNO(EPERM);
        if (p->sc_action == SF_ACTION_KILL)
                return SCMP_ACT_KILL_PROCESS;
        if (p->sc_action == SF_ACTION_LOG)
                return SCMP_ACT_LOG;
        return SCMP_ACT_ERRNO((uint32_t)p->sc_errno);
}

/* ---- architectures and names --------------------------------------------- */

#define SF_NR_SPAN 1024 /* syscall numbers enumerated per architecture */
#define SF_X32_BIT 0x40000000u

/* The native architecture and, unless blocked, its secondary ones. */
static void sf_plan_arches(struct sf_plan *pl, bool block_secondary) {
        uint32_t native = seccomp_arch_native();

        pl->arches[0] = native;
        pl->n_arches = 1;
        if (block_secondary)
                return;
        if (native == SCMP_ARCH_X86_64) {
                pl->arches[pl->n_arches++] = SCMP_ARCH_X86;
                pl->arches[pl->n_arches++] = SCMP_ARCH_X32;
        } else if (native == SCMP_ARCH_AARCH64)
                pl->arches[pl->n_arches++] = SCMP_ARCH_ARM;
}

static uint32_t sf_arch_base(uint32_t arch) { return arch == SCMP_ARCH_X32 ? SF_X32_BIT : 0; }

static bool sf_multiplexer(const char *name) { return streq(name, "socketcall") || streq(name, "ipc"); }

/* The calls i386's socketcall(2) and ipc(2) multiplex, by first argument;
 * libseccomp derives the multiplexer's rules from theirs. */
static const char *const sf_socketcall_ops[] = {
        NULL, "socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername", "socketpair",
        "send", "recv", "sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt", "sendmsg", "recvmsg",
        "accept4", "recvmmsg", "sendmmsg",
};
static const char *const sf_ipc_ops[] = {
        [1] = "semop", [2] = "semget", [3] = "semctl", [4] = "semtimedop", [11] = "msgsnd", [12] = "msgrcv",
        [13] = "msgget", [14] = "msgctl", [21] = "shmat", [22] = "shmdt", [23] = "shmget", [24] = "shmctl",
};

static bool sf_muxed(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(sf_socketcall_ops); i++)
                if (sf_socketcall_ops[i] && streq(sf_socketcall_ops[i], name))
                        return true;
        for (size_t i = 0; i < ELEMENTSOF(sf_ipc_ops); i++)
                if (sf_ipc_ops[i] && streq(sf_ipc_ops[i], name))
                        return true;
        return false;
}

/* Appends an allocated name (taken even on failure; NULL: -ENOMEM). */
static int sf_plan_push(struct sf_plan *pl, size_t *cap, char *s) {
        if (!s)
                return -ENOMEM;
        if (pl->n_names == *cap) {
                char **nv = realloc(pl->names, (*cap = *cap ? *cap * 2 : 512) * sizeof(char *));
                if (!nv) {
                        free(s);
                        return -ENOMEM;
                }
                pl->names = nv;
        }
        pl->names[pl->n_names++] = s;
        return 0;
}

static int sf_plan_sort(struct sf_plan *pl) {
        size_t k = 0;

        qsort(pl->names, pl->n_names, sizeof(char *), sf_cmp_str);
        for (size_t i = 0; i < pl->n_names; i++) {
                if (k > 0 && streq(pl->names[k - 1], pl->names[i]))
                        free(pl->names[i]);
                else
                        pl->names[k++] = pl->names[i];
        }
        pl->n_names = k;
        pl->level = calloc(k ? k : 1, 1);
        return pl->level ? 0 : -ENOMEM;
}

/* The plan's names, sorted: every name libseccomp can number on the
 * plan's arches, or (only != NULL) those of a space-separated list. */
static int sf_plan_names(struct sf_plan *pl, const char *only) {
        size_t cap = 0;
        int r = 0;

        for (const char *t = only; t && *t && r == 0;) {
                size_t n = strcspn(t, " ");
                r = sf_plan_push(pl, &cap, strndup(t, n));
                t += n + (t[n] == ' ');
        }
        for (size_t a = 0; !only && a < pl->n_arches && r == 0; a++)
                for (uint32_t n = 0; n < SF_NR_SPAN && r == 0; n++) {
                        char *s = seccomp_syscall_resolve_num_arch(pl->arches[a], (int)(sf_arch_base(pl->arches[a]) + n));
                        if (s)
                                r = sf_plan_push(pl, &cap, s);
                }
        return r < 0 ? r : sf_plan_sort(pl);
}

/* The whole plan for a policy (p == NULL: the reaper). */
static int sf_plan_build(struct sf_plan *pl, const struct policy *p) {
        int r;

        *pl = (struct sf_plan){.deny_action = sf_deny_action(p)};
        sf_plan_arches(pl, p ? p->block_secondary_arch : true);
        r = sf_plan_names(pl, p ? NULL : SF_REAPER_ALLOW);
        if (r == 0)
                r = sf_plan_levels(pl, p);
        if (r < 0)
                sf_plan_done(pl);
        return r;
}

/* ---- compiling the plan into a libseccomp context -------------------------- */

static int sf_add_patterns(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned arg, const struct sf_pattern *pt,
                           size_t n) {
        for (size_t i = 0; i < n; i++) {
                struct scmp_arg_cmp c = {.arg = arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = pt[i].mask,
                                         .datum_b = pt[i].value};
                int r = seccomp_rule_add_array(ctx, action, nr, 1, &c);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int sf_add_filtered(scmp_filter_ctx ctx, const struct sf_plan *pl, const char *name, int nr) {
        const struct sf_argfilter *a = sf_find_argfilter(name);
        struct sf_sides s;
        int r;

        if (!a)
                return -EINVAL; /* a "?name" without an argument filter */
        r = sf_argfilter_sides(a, &s);
        if (r == 0)
                r = sf_add_patterns(ctx, SCMP_ACT_ALLOW, nr, a->arg, s.allow, s.n_allow);
        if (r == 0 && pl->deny_action != SCMP_ACT_ERRNO(ENOSYS))
                r = sf_add_patterns(ctx, pl->deny_action, nr, a->arg, s.deny, s.n_deny);
        return r;
}

/* The rules of a context holding one architecture. Names it does not
 * have get none (a pseudo-numbered rule would only add dead code), except
 * the calls its multiplexers carry. libseccomp takes native (or pseudo)
 * numbers and translates them by name. */
static int sf_add_rules(scmp_filter_ctx ctx, const struct sf_plan *pl, uint32_t arch) {
        for (size_t i = 0; i < pl->n_names; i++) {
                int here = seccomp_syscall_resolve_name_arch(arch, pl->names[i]), r = 0;
                int nr = seccomp_syscall_resolve_name(pl->names[i]);

                if (here == __NR_SCMP_ERROR || (here < 0 && !sf_muxed(pl->names[i])) || sf_multiplexer(pl->names[i]))
                        continue;
                if (pl->level[i] == SF_ALLOW)
                        r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
                else if (pl->level[i] == SF_DENY && pl->deny_action != SCMP_ACT_ERRNO(ENOSYS))
                        r = seccomp_rule_add(ctx, pl->deny_action, nr, 0);
                else if (pl->level[i] == SF_FILTER)
                        r = sf_add_filtered(ctx, pl, pl->names[i], nr);
                if (r < 0)
                        return r;
        }
        return 0;
}

static void sf_ctx_freep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}

/* A context for one architecture of the plan. */
static int sf_build_arch(const struct sf_plan *pl, uint32_t arch, scmp_filter_ctx *ret) {
        _cleanup_(sf_ctx_freep) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
        int r;

        if (!ctx)
                return -ENOMEM;
        if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0 ||
            (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0 ||
            (r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
            (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
                return r;
        if (arch != pl->arches[0] &&
            ((r = seccomp_arch_add(ctx, arch)) < 0 || (r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) < 0))
                return r;
        r = sf_add_rules(ctx, pl, arch);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(ctx);
        return 0;
}

/* A ready context for the policy (p == NULL: the reaper): one context per
 * architecture, merged (libseccomp's generator is much slower on one
 * context holding every architecture's names). */
static int sf_build(const struct policy *p, scmp_filter_ctx *ret) {
        _cleanup_(sf_ctx_freep) scmp_filter_ctx ctx = NULL;
        struct sf_plan pl;
        int r = sf_plan_build(&pl, p);

        if (r < 0)
                return r;
        for (size_t a = 0; r == 0 && a < pl.n_arches; a++) {
                scmp_filter_ctx one = NULL;
                r = sf_build_arch(&pl, pl.arches[a], &one);
                if (r == 0 && !ctx)
                        ctx = one;
                else if (r == 0 && (r = seccomp_merge(ctx, one)) < 0)
                        seccomp_release(one); /* merge consumes `one` only on success */
        }
        sf_plan_done(&pl);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(ctx);
        return 0;
}

/* ---- load and export ------------------------------------------------------- */

/* ---- precompiled filters ------------------------------------------------------
 * Building a filter with libseccomp costs about 4 ms per launch, most of the
 * launcher's time. The built-in profiles in their plain form (no allow/deny,
 * the default action, secondary architectures blocked) and the reaper's
 * filter are therefore compiled at build time (tools/gen-bpf.c exports them
 * with sysfilter_export) and loaded here with seccomp(2) directly; any other
 * policy is built with libseccomp as before. tests/unit/test_sysfilter.c
 * checks that the embedded programs equal freshly exported ones. */
#ifndef SF_NO_PRECOMPILED
#include "bpf_builtin.inc"
#else
static const struct sf_precompiled {
        const char *profile;
        const struct sock_filter *prog;
        unsigned short len;
} sf_precompiled[1];
static const struct sock_filter sf_bpf_reaper[1];
#define SF_BPF_REAPER_LEN 0
#endif

static bool sf_plain(const struct policy *p) {
        return p->sc_allow.n == 0 && p->sc_deny.n == 0 && p->sc_action == SF_ACTION_ERRNO && p->sc_errno == EPERM &&
               p->block_secondary_arch;
}

const struct sock_filter *sysfilter_precompiled(const struct policy *p, unsigned short *ret_len) {
        const char *name = p ? (p->seccomp_profile ? p->seccomp_profile : "default") : NULL;

        if (!p) {
                *ret_len = SF_BPF_REAPER_LEN;
                return SF_BPF_REAPER_LEN ? sf_bpf_reaper : NULL;
        }
        if (!sf_plain(p))
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(sf_precompiled); i++)
                if (sf_precompiled[i].profile && streq(sf_precompiled[i].profile, name)) {
                        *ret_len = sf_precompiled[i].len;
                        return sf_precompiled[i].prog;
                }
        return NULL;
}

int sysfilter_family_program(const struct policy *p, struct sock_filter *buf, size_t cap) {
        return sockfam_program(sockfam_allowed(p), seccomp_arch_native(), !p->block_secondary_arch, buf, cap);
}

bool sysfilter_allows(const struct policy *p, struct seccomp_data *calls, size_t n) {
        struct sock_filter fam[SOCKFAM_MAX_INSNS];
        int n_fam = sysfilter_family_program(p, fam, ELEMENTSOF(fam));
        unsigned short len = 0;
        const struct sock_filter *prog = sysfilter_precompiled(p, &len);

        if (!prog || n_fam < 0)
                return false;
        for (size_t i = 0; i < n; i++) {
                calls[i].arch = seccomp_arch_native();
                struct bpf_result r = bpf_eval(prog, len, &calls[i]);
                struct bpf_result f = n_fam ? bpf_eval(fam, (size_t)n_fam, &calls[i])
                                            : (struct bpf_result){.ret = SECCOMP_RET_ALLOW};
                if (r.bad || r.ret != SECCOMP_RET_ALLOW || f.bad || f.ret != SECCOMP_RET_ALLOW)
                        return false;
        }
        return true;
}

static int sf_load_prog(const struct sock_filter *prog, unsigned short len) {
        struct sock_fprog fp = {.len = len, .filter = (struct sock_filter *)prog};

        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
                return negative_errno();
        return 0;
}

/* The socket-family filter first: the syscall filter may deny seccomp(2)
 * itself, and, loaded last, its errno wins a tie (a profile without
 * sockets keeps answering EPERM). */
static int sf_load_family(const struct policy *p) {
        struct sock_filter prog[SOCKFAM_MAX_INSNS];
        int n = sysfilter_family_program(p, prog, ELEMENTSOF(prog));

        if (n <= 0)
                return n;
        return sf_load_prog(prog, (unsigned short)n);
}

int sysfilter_load(const struct policy *p) {
        _cleanup_(sf_ctx_freep) scmp_filter_ctx ctx = NULL;
        unsigned short len = 0;
        const struct sock_filter *prog = sysfilter_precompiled(p, &len);
        int r = sf_load_family(p);

        if (r < 0)
                return r;
        if (prog)
                return sf_load_prog(prog, len);
        r = sf_build(p, &ctx);
        return r < 0 ? r : seccomp_load(ctx);
}

int sysfilter_load_reaper(void) {
        _cleanup_(sf_ctx_freep) scmp_filter_ctx ctx = NULL;
        unsigned short len = 0;
        const struct sock_filter *prog = sysfilter_precompiled(NULL, &len);
        int r = prog ? 0 : sf_build(NULL, &ctx);

        if (r < 0)
                return r;
        return prog ? sf_load_prog(prog, len) : seccomp_load(ctx);
}

int sysfilter_export(const struct policy *p, int fd, bool bpf) {
        /* p == NULL: the reaper's filter */
        _cleanup_(sf_ctx_freep) scmp_filter_ctx ctx = NULL;
        int r = sf_build(p, &ctx);

        if (r < 0)
                return r;
        return bpf ? seccomp_export_bpf(ctx, fd) : seccomp_export_pfc(ctx, fd);
}

/* ---- names, suggestions ------------------------------------------------------ */

/* Copies the closest of cands to name into hint (hint_len bytes, may be
 * 0), or "" when none is close. */
static void sf_suggest(const char *name, const char *const *cands, size_t n, char *hint, size_t hint_len) {
        unsigned best = strlen(name) < 4 ? 2 : 3;
        const char *hit = "";

        for (size_t i = 0; i < n; i++) {
                unsigned d = value_edit_distance(name, cands[i]);
                if (d < best) {
                        best = d;
                        hit = cands[i];
                }
        }
        if (hint_len)
                snprintf(hint, hint_len, "%s", hit);
}

bool sysfilter_name_known(const char *name, char *hint, size_t hint_len) {
        struct sf_plan pl = {0};

        if (hint_len)
                hint[0] = 0;
        if (name[0] == '@') {
                const char *groups[ELEMENTSOF(sf_groups)];
                for (size_t i = 0; i < ELEMENTSOF(sf_groups); i++)
                        groups[i] = sf_groups[i].name;
                if (sf_find_group(name))
                        return true;
                sf_suggest(name, groups, ELEMENTSOF(groups), hint, hint_len);
                return false;
        }
        if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR)
                return true;
        sf_plan_arches(&pl, false);
        if (sf_plan_names(&pl, NULL) == 0)
                sf_suggest(name, (const char *const *)pl.names, pl.n_names, hint, hint_len);
        sf_plan_done(&pl);
        return false;
}

bool sysfilter_profile_known(const char *name, char *hint, size_t hint_len) {
        const char *names[ELEMENTSOF(sf_profiles)];

        for (size_t i = 0; i < ELEMENTSOF(sf_profiles); i++)
                names[i] = sf_profiles[i].name;
        if (hint_len)
                hint[0] = 0;
        if (sf_find_profile(name))
                return true;
        sf_suggest(name, names, ELEMENTSOF(names), hint, hint_len);
        return false;
}

/* ---- --list-profiles and --print-profile ------------------------------------- */

/* Names at a level from min to max, multiplexers not counted. */
static size_t sf_count(const struct sf_plan *pl, enum sf_level min, enum sf_level max) {
        size_t n = 0;
        for (size_t i = 0; i < pl->n_names; i++)
                n += pl->level[i] >= min && pl->level[i] <= max && !sf_multiplexer(pl->names[i]);
        return n;
}

/* Native syscalls a group names (grant its list to an all-denied plan). */
static size_t sf_group_size(struct sf_plan *pl, const struct sf_group *g) {
        memset(pl->level, SF_DENY, pl->n_names);
        if (sf_apply_list(pl, g->members, true, 0) < 0)
                return 0;
        return sf_count(pl, SF_NOSYS, SF_ALLOW);
}

int sysfilter_list(FILE *f) {
        struct sf_plan pl = {0};
        int r;

        fprintf(f, "\n# Built-in seccomp profiles ([seccomp] profile = NAME; native syscalls allowed):\n");
        for (size_t i = 0; i < ELEMENTSOF(sf_profiles); i++) {
                struct policy p = {.seccomp_profile = (char *)sf_profiles[i].name, .block_secondary_arch = true};
                r = sf_plan_build(&pl, &p);
                if (r < 0)
                        return r;
                fprintf(f, "%-20s %3zu  %s\n", sf_profiles[i].name, sf_count(&pl, SF_FILTER, SF_ALLOW), sf_profiles[i].help);
                sf_plan_done(&pl);
        }
        fprintf(f, "\n# Syscall groups ([seccomp] allow/deny = @GROUP; syscalls named):\n");
        sf_plan_arches(&pl, true);
        r = sf_plan_names(&pl, NULL);
        for (size_t i = 0; r == 0 && i < ELEMENTSOF(sf_groups); i++)
                fprintf(f, "%-20s %3zu  %s\n", sf_groups[i].name, sf_group_size(&pl, &sf_groups[i]), sf_groups[i].help);
        sf_plan_done(&pl);
        return r < 0 ? r : ferror(f) ? -EIO : 0;
}

/* "#   label: a b c" wrapped at 78 columns, for one level. */
static void sf_print_names(FILE *f, const struct sf_plan *pl, enum sf_level lv, const char *label) {
        size_t col = (size_t)fprintf(f, "#   %s:", label);

        for (size_t i = 0; i < pl->n_names; i++) {
                if (pl->level[i] != lv || sf_multiplexer(pl->names[i]))
                        continue;
                if (col + 1 + strlen(pl->names[i]) > 78)
                        col = (size_t)fprintf(f, "\n#    ") - 1;
                col += (size_t)fprintf(f, " %s", pl->names[i]);
        }
        fputc('\n', f);
}

static const char *sf_action_text(uint32_t action, char *buf, size_t n) {
        if (action == SCMP_ACT_KILL_PROCESS)
                return "kill";
        if (action == SCMP_ACT_LOG)
                return "log (allowed and logged)";
        snprintf(buf, n, "errno %s", strerrorname_np((int)(action & 0xffff)) ?: "?");
        return buf;
}

int sysfilter_print_policy(const struct policy *p, FILE *f) {
        _cleanup_free_ char *fam = NULL;
        struct sf_plan pl;
        char buf[32];
        size_t allowed, denied;
        int r = sf_plan_build(&pl, p);

        if (r < 0)
                return r;
        allowed = sf_count(&pl, SF_ALLOW, SF_ALLOW);
        denied = sf_count(&pl, SF_DENY, SF_DENY);
        fprintf(f, "\n# Effective syscall filter: profile %s, %zu architecture(s)%s.\n",
                p->seccomp_profile ? p->seccomp_profile : "default", pl.n_arches,
                pl.n_arches == 1 ? ", other architectures (i386, x32) killed" : "");
        fprintf(f, "#   %zu allowed, %zu denied with %s; unknown numbers: errno ENOSYS.\n", allowed, denied,
                sf_action_text(pl.deny_action, buf, sizeof(buf)));
        sf_print_names(f, &pl, allowed < denied ? SF_ALLOW : SF_DENY, allowed < denied ? "allowed" : "denied");
        for (size_t i = 0; i < ELEMENTSOF(sf_argfilters); i++) {
                ssize_t k = sf_name_index(&pl, sf_argfilters[i].name);
                if (k >= 0 && pl.level[k] == SF_FILTER)
                        fprintf(f, "#   %s: %s\n", sf_argfilters[i].name, sf_argfilters[i].what);
        }
        sf_print_names(f, &pl, SF_NOSYS, "errno ENOSYS (libc falls back)");
        sf_plan_done(&pl);
        fam = sockfam_mask_text(sockfam_allowed(p));
        fprintf(f, "#   socket families%s: %s; others: errno EAFNOSUPPORT.\n",
                p->protocol.n ? "" : " (default of the network mode)", fam ? fam : "?");
        return ferror(f) ? -EIO : 0;
}

/* ---- the policy model, for tests ---------------------------------------------- */

struct sysfilter_model {
        struct sf_plan pl;
        int16_t idx[3][SF_NR_SPAN]; /* per plan arch: number -> name index, -1 */
};

int sysfilter_model_new(const struct policy *p, struct sysfilter_model **ret) {
        struct sysfilter_model *m = calloc(1, sizeof(*m));
        int r;

        if (!m)
                return -ENOMEM;
        r = sf_plan_build(&m->pl, p);
        if (r < 0) {
                free(m);
                return r;
        }
        for (size_t a = 0; a < m->pl.n_arches; a++)
                for (uint32_t n = 0; n < SF_NR_SPAN; n++) {
                        _cleanup_free_ char *s =
                                seccomp_syscall_resolve_num_arch(m->pl.arches[a], (int)(sf_arch_base(m->pl.arches[a]) + n));
                        m->idx[a][n] = (int16_t)(s ? sf_name_index(&m->pl, s) : -1);
                }
        *ret = m;
        return 0;
}

void sysfilter_model_free(struct sysfilter_model *m) {
        if (!m)
                return;
        sf_plan_done(&m->pl);
        free(m);
}

static uint32_t sf_verdict(const struct sf_plan *pl, ssize_t i, const uint64_t args[6]) {
        const struct sf_argfilter *a;
        struct sf_sides s;

        if (i < 0 || pl->level[i] == SF_NOSYS)
                return SCMP_ACT_ERRNO(ENOSYS);
        if (pl->level[i] == SF_ALLOW)
                return SCMP_ACT_ALLOW;
        if (pl->level[i] == SF_DENY)
                return pl->deny_action;
        a = sf_find_argfilter(pl->names[i]);
        if (!a || sf_argfilter_sides(a, &s) < 0)
                return SCMP_ACT_ERRNO(ENOSYS);
        if (sf_pattern_match(s.deny, s.n_deny, (uint32_t)args[a->arg]))
                return pl->deny_action;
        if (sf_pattern_match(s.allow, s.n_allow, (uint32_t)args[a->arg]))
                return SCMP_ACT_ALLOW;
        return SCMP_ACT_ERRNO(ENOSYS);
}

/* A multiplexer's verdict is that of the call its first argument names. */
static uint32_t sf_verdict_mux(const struct sf_plan *pl, const char *name, const uint64_t args[6]) {
        uint32_t op = (uint32_t)args[0];
        const char *call = NULL;

        if (streq(name, "socketcall") && op < ELEMENTSOF(sf_socketcall_ops))
                call = sf_socketcall_ops[op];
        else if (streq(name, "ipc") && op < ELEMENTSOF(sf_ipc_ops))
                call = sf_ipc_ops[op];
        return sf_verdict(pl, call ? sf_name_index(pl, call) : -1, args);
}

uint32_t sysfilter_model_eval(const struct sysfilter_model *m, uint32_t arch, uint32_t nr, const uint64_t args[6]) {
        const struct sf_plan *pl = &m->pl;
        uint32_t want = arch;
        size_t a;
        ssize_t i;

        if (arch == AUDIT_ARCH_X86_64 && nr >= SF_X32_BIT && nr != UINT32_MAX) {
                want = SCMP_ARCH_X32;
                nr -= SF_X32_BIT;
        }
        for (a = 0; a < pl->n_arches && pl->arches[a] != want; a++)
                ;
        if (a == pl->n_arches)
                return SCMP_ACT_KILL_PROCESS;
        if (nr >= SF_NR_SPAN)
                return SCMP_ACT_ERRNO(ENOSYS);
        i = m->idx[a][nr];
        if (i >= 0 && sf_multiplexer(pl->names[i]))
                return sf_verdict_mux(pl, pl->names[i], args);
        return sf_verdict(pl, i, args);
}
