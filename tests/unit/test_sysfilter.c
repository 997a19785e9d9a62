/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_sysfilter.c - the syscall filter and capability names, offline.
 * Every built-in profile is compiled, exported as PFC and BPF, and the BPF
 * is run in a small userspace cBPF interpreter (ours) over native, i386,
 * x32 (nr | 0x40000000), aarch64 and random architectures, every syscall
 * number below 1024 plus random ones, and random 64-bit arguments
 * (docs/SECURITY-TESTS.md case 11). The interpreter's verdict must equal the
 * policy model's (sysfilter_model_eval) exactly, and is never ALLOW where
 * the model denies. No privileges needed; nothing is loaded. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

#include "bpf_eval.h"
#include "caps.h"
#include "policy.h"
#include "sysfilter.h"

#define RET_ALLOW SECCOMP_RET_ALLOW
#define RET_KILL SECCOMP_RET_KILL_PROCESS
#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | (uint32_t)(e))
#define X32_BIT 0x40000000u
#define AUDIT_ARCH_RANDOM 0x12345678u

static const char *const profiles[] = {"default", "minimal", "io-heavy", "compute", "network", "unrestricted"};

/* docs/SECURITY-TESTS.md case 4: denied by "default" with the policy errno. */
static const char *const case4[] = {
        "ptrace", "process_vm_readv", "process_vm_writev", "keyctl", "add_key", "request_key", "bpf",
        "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
        "open_by_handle_at", "name_to_handle_at", "mount", "umount2", "pivot_root", "chroot", "swapon",
        "swapoff", "reboot", "setns", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree",
        "mount_setattr", "acct", "quotactl", "iopl", "ioperm", "lookup_dcookie", "nfsservctl",
};

/* ---- helpers ------------------------------------------------------------- */

struct prog {
        struct sock_filter *insns;
        size_t n;
};

static void prog_free(struct prog *p) { free(p->insns); }

static struct policy *policy_for(const char *profile, bool block_secondary) {
        struct policy *p = policy_new();

        assert_non_null(p);
        p->seccomp_profile = strdup(profile);
        p->block_secondary_arch = block_secondary;
        return p;
}

static void add_item(struct strlist *l, const char *v) {
        assert_int_equal(strlist_add(l, v, (struct origin){"test", 1}), 0);
}

static char *export_text(const struct policy *p) {
        int fd = memfd_create("pfc", MFD_CLOEXEC);
        off_t len;
        char *buf;

        assert_true(fd >= 0);
        assert_int_equal(sysfilter_export(p, fd, false), 0);
        len = lseek(fd, 0, SEEK_END);
        buf = calloc(1, (size_t)len + 1);
        assert_non_null(buf);
        assert_int_equal(pread(fd, buf, (size_t)len, 0), len);
        close(fd);
        return buf;
}

static struct prog export_bpf(const struct policy *p) {
        int fd = memfd_create("bpf", MFD_CLOEXEC);
        struct prog g;
        off_t len;

        assert_true(fd >= 0);
        assert_int_equal(sysfilter_export(p, fd, true), 0);
        len = lseek(fd, 0, SEEK_END);
        assert_true(len > 0 && len % (off_t)sizeof(struct sock_filter) == 0);
        g.n = (size_t)len / sizeof(struct sock_filter);
        assert_true(g.n <= BPF_MAXINSNS);
        g.insns = malloc((size_t)len);
        assert_non_null(g.insns);
        assert_int_equal(pread(fd, g.insns, (size_t)len, 0), len);
        close(fd);
        return g;
}

static uint32_t run_one(const struct prog *g, uint32_t arch, uint32_t nr, const uint64_t args[6]) {
        struct seccomp_data d = {.nr = (int)nr, .arch = arch};
        struct bpf_result r;

        memcpy(d.args, args, sizeof(d.args));
        r = bpf_eval(g->insns, g->n, &d);
        assert_false(r.bad);
        return r.ret;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        return rng_state;
}

/* Low 32 bits worth trying on any argument; high bits are random. */
static const uint32_t interesting[] = {
        0, 1, TIOCSTI, 0x541C /* TIOCLINUX */, TCGETS, TIOCGWINSZ, 0xffffffffu, SIGCHLD,
        CLONE_NEWUSER | SIGCHLD, CLONE_NEWNS, CLONE_NEWNET, CLONE_VM | CLONE_THREAD, CLONE_NEWTIME, O_RDONLY,
        O_WRONLY | O_CREAT, O_RDWR, O_RDONLY | O_TRUNC, O_TMPFILE | O_RDWR, O_RDONLY | O_CLOEXEC, 0x0040000,
        0x0020000, 0x80040000u, 0x0400000 | 8,
};

static void random_args(uint64_t args[6]) {
        for (int i = 0; i < 6; i++) {
                uint64_t hi = rnd() % 3 == 0 ? 0 : rnd() << 32;
                if (rnd() % 2)
                        args[i] = hi | interesting[rnd() % (sizeof(interesting) / sizeof(interesting[0]))];
                else
                        args[i] = rnd();
        }
}

static unsigned verdicts_checked;

/* One (arch, nr): several argument vectors; BPF == model, and never ALLOW
 * unless the model allows. */
static void check_point(const struct prog *g, const struct sysfilter_model *m, uint32_t arch, uint32_t nr,
                        unsigned rounds) {
        for (unsigned k = 0; k < rounds; k++) {
                uint64_t args[6];
                uint32_t want, got;

                random_args(args);
                want = sysfilter_model_eval(m, arch, nr, args);
                got = run_one(g, arch, nr, args);
                if (want != got)
                        fail_msg("arch %#x nr %#x args %#llx %#llx %#llx: BPF %#x, model %#x", arch, nr,
                                 (unsigned long long)args[0], (unsigned long long)args[1],
                                 (unsigned long long)args[2], got, want);
                verdicts_checked++;
        }
}

static void fuzz_policy(const struct policy *p) {
        static const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, AUDIT_ARCH_RANDOM};
        struct sysfilter_model *m = NULL;
        struct prog g = export_bpf(p);

        assert_int_equal(sysfilter_model_new(p, &m), 0);
        for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
                for (uint32_t nr = 0; nr < 1024; nr++) {
                        check_point(&g, m, arches[a], nr, 3);
                        if (arches[a] == AUDIT_ARCH_X86_64)
                                check_point(&g, m, arches[a], nr | X32_BIT, 2);
                }
                for (int i = 0; i < 200; i++)
                        check_point(&g, m, arches[a], (uint32_t)rnd(), 1);
                check_point(&g, m, arches[a], UINT32_MAX, 2);
        }
        for (int i = 0; i < 200; i++)
                check_point(&g, m, (uint32_t)rnd(), (uint32_t)rnd() % 1024, 1);
        sysfilter_model_free(m);
        prog_free(&g);
}

/* ---- tests ---------------------------------------------------------------- */

static void test_profiles_build_and_export(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
                for (int block = 0; block < 2; block++) {
                        struct policy *p = policy_for(profiles[i], block);
                        char *pfc = export_text(p);
                        struct prog g = export_bpf(p);

                        assert_non_null(strstr(pfc, "action ERRNO(38);")); /* default: ENOSYS */
                        /* An arch check first: load seccomp_data.arch, compare. */
                        assert_int_equal(g.insns[0].code, BPF_LD | BPF_W | BPF_ABS);
                        assert_int_equal(g.insns[0].k, offsetof(struct seccomp_data, arch));
                        assert_int_equal(BPF_CLASS(g.insns[1].code), BPF_JMP);
                        printf("# %-12s %-9s %4zu BPF instructions\n", profiles[i], block ? "native" : "+i386/x32",
                               g.n);
                        free(pfc);
                        prog_free(&g);
                        policy_free(p);
                }
}

static void test_x32_range_rejected(void **state) {
        struct policy *p = policy_for("default", true);
        struct prog g = export_bpf(p);
        uint64_t args[6] = {0};
        bool jge = false;

        (void)state;
        for (size_t i = 0; i < g.n; i++)
                jge = jge || (g.insns[i].code == (BPF_JMP | BPF_JGE | BPF_K) && g.insns[i].k == X32_BIT);
        assert_true(jge);
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_getpid, args), RET_ALLOW);
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_getpid | X32_BIT, args), RET_KILL);
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, 0x40000200u /* x32 rt_sigaction */, args), RET_KILL);
        assert_int_equal(run_one(&g, AUDIT_ARCH_I386, 20 /* getpid */, args), RET_KILL);
        assert_int_equal(run_one(&g, AUDIT_ARCH_AARCH64, 172, args), RET_KILL);
        prog_free(&g);
        policy_free(p);
}

static void test_tiocsti_masked(void **state) {
        for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
                struct policy *p = policy_for(profiles[i], false);
                char *pfc = export_text(p);
                struct prog g = export_bpf(p);
                uint64_t sti[6] = {(uint64_t)-1, TIOCSTI}, high[6] = {(uint64_t)-1, (0x123ull << 32) | TIOCSTI};
                uint64_t lin[6] = {(uint64_t)-1, 0xffffffff0000541Cull}, get[6] = {(uint64_t)-1, TCGETS};

                (void)state;
                assert_non_null(strstr(pfc, "& 0xffffffff == 21522")); /* masked, low word */
                assert_null(strstr(pfc, "$a1 == 21522"));              /* never an unmasked compare */
                assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_ioctl, sti), RET_ERRNO(EPERM));
                assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_ioctl, high), RET_ERRNO(EPERM));
                assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_ioctl, lin), RET_ERRNO(EPERM));
                assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_ioctl, get), RET_ALLOW);
                assert_int_equal(run_one(&g, AUDIT_ARCH_I386, 54 /* ioctl */, sti), RET_ERRNO(EPERM));
                assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, X32_BIT | 514 /* x32 ioctl */, high), RET_ERRNO(EPERM));
                free(pfc);
                prog_free(&g);
                policy_free(p);
        }
}

static void test_deny_table(void **state) {
        struct policy *p = policy_for("default", true);
        struct prog g = export_bpf(p);
        uint64_t args[6] = {0}, newuser[6] = {CLONE_NEWUSER | SIGCHLD}, fork_[6] = {SIGCHLD};

        (void)state;
        for (size_t i = 0; i < sizeof(case4) / sizeof(case4[0]); i++) {
                int nr = -1;
                /* names only, via the exported text: no libseccomp here */
                if (streq(case4[i], "lookup_dcookie"))
                        nr = SYS_lookup_dcookie;
#define NR(x) else if (streq(case4[i], #x)) nr = SYS_##x;
                NR(ptrace) NR(process_vm_readv) NR(process_vm_writev) NR(keyctl) NR(add_key) NR(request_key)
                NR(bpf) NR(perf_event_open) NR(userfaultfd) NR(io_uring_setup) NR(io_uring_enter)
                NR(io_uring_register) NR(kexec_load) NR(kexec_file_load) NR(init_module) NR(finit_module)
                NR(delete_module) NR(open_by_handle_at) NR(name_to_handle_at) NR(mount) NR(umount2)
                NR(pivot_root) NR(chroot) NR(swapon) NR(swapoff) NR(reboot) NR(setns) NR(fsopen) NR(fsconfig)
                NR(fsmount) NR(fspick) NR(move_mount) NR(open_tree) NR(mount_setattr) NR(acct) NR(quotactl)
                NR(iopl) NR(ioperm) NR(nfsservctl)
#undef NR
                assert_true(nr >= 0);
                if (run_one(&g, AUDIT_ARCH_X86_64, (uint32_t)nr, args) != RET_ERRNO(EPERM))
                        fail_msg("%s is not denied", case4[i]);
        }
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_unshare, newuser), RET_ERRNO(EPERM));
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_clone, newuser), RET_ERRNO(EPERM));
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_clone, fork_), RET_ALLOW);
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_clone3, args), RET_ERRNO(ENOSYS));
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, 1000, args), RET_ERRNO(ENOSYS));
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, 335, args), RET_ERRNO(ENOSYS));  /* x86-64 hole */
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, 467, args), RET_ERRNO(ENOSYS));  /* open_tree_attr */
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, SYS_getppid, args), RET_ALLOW);
        prog_free(&g);
        policy_free(p);
}

static void test_secondary_arch_same_rules(void **state) {
        struct policy *p = policy_for("default", false);
        struct prog g = export_bpf(p);
        uint64_t args[6] = {0}, newuser[6] = {CLONE_NEWUSER};

        (void)state;
        assert_int_equal(run_one(&g, AUDIT_ARCH_I386, 26 /* ptrace */, args), RET_ERRNO(EPERM));
        assert_int_equal(run_one(&g, AUDIT_ARCH_I386, 310 /* unshare */, newuser), RET_ERRNO(EPERM));
        assert_int_equal(run_one(&g, AUDIT_ARCH_I386, 21 /* mount */, args), RET_ERRNO(EPERM));
        assert_int_equal(run_one(&g, AUDIT_ARCH_I386, 20 /* getpid */, args), RET_ALLOW);
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, X32_BIT | 521 /* x32 ptrace */, args), RET_ERRNO(EPERM));
        assert_int_equal(run_one(&g, AUDIT_ARCH_X86_64, X32_BIT | 39 /* getpid */, args), RET_ALLOW);
        assert_int_equal(run_one(&g, AUDIT_ARCH_AARCH64, 172, args), RET_KILL);
        prog_free(&g);
        policy_free(p);
}

static void test_fuzz_every_profile(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
                for (int block = 0; block < 2; block++) {
                        struct policy *p = policy_for(profiles[i], block);
                        fuzz_policy(p);
                        policy_free(p);
                }
        printf("# %u verdicts compared\n", verdicts_checked);
}

static void test_fuzz_actions_and_lists(void **state) {
        struct policy *p = policy_for("network", false);

        (void)state;
        add_item(&p->sc_allow, "ptrace");
        add_item(&p->sc_allow, "@namespaces");
        add_item(&p->sc_deny, "write");
        add_item(&p->sc_deny, "@file-read");
        for (int action = 0; action < 4; action++) {
                p->sc_action = action == 3 ? SF_ACTION_ERRNO : (enum sf_action)action;
                p->sc_errno = action == 3 ? ENOSYS : EACCES;
                fuzz_policy(p);
        }
        policy_free(p);
        fuzz_policy(NULL); /* the reaper's filter */
}

static void test_lists_change_verdicts(void **state) {
        struct policy *p = policy_for("default", true);
        struct sysfilter_model *m = NULL;
        uint64_t a0[6] = {0}, newuser[6] = {CLONE_NEWUSER | SIGCHLD}, rdonly[6] = {0, 0, O_RDONLY};
        uint64_t creat[6] = {0, 0, O_WRONLY | O_CREAT};

        (void)state;
        add_item(&p->sc_allow, "ptrace");
        add_item(&p->sc_deny, "getppid");
        add_item(&p->sc_allow, "clone"); /* by name: CLONE_NEW* still needs @namespaces */
        p->sc_action = SF_ACTION_KILL;
        assert_int_equal(sysfilter_model_new(p, &m), 0);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_ptrace, a0), RET_ALLOW);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_getppid, a0), RET_KILL);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_mount, a0), RET_KILL);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_clone, newuser), RET_KILL);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_clone3, a0), RET_ERRNO(ENOSYS));
        sysfilter_model_free(m);
        policy_free(p);

        p = policy_for("minimal", true);
        assert_int_equal(sysfilter_model_new(p, &m), 0);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_openat, rdonly), RET_ALLOW);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_openat, creat), RET_ERRNO(EPERM));
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_openat2, a0), RET_ERRNO(ENOSYS));
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_socket, a0), RET_ERRNO(EPERM));
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_fork, a0), RET_ERRNO(EPERM));
        sysfilter_model_free(m);
        policy_free(p);

        p = policy_for("compute", true);
        add_item(&p->sc_allow, "@namespaces");
        assert_int_equal(sysfilter_model_new(p, &m), 0);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_clone, newuser), RET_ALLOW);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_clone3, a0), RET_ALLOW);
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_socket, a0), RET_ERRNO(EPERM));
        sysfilter_model_free(m);
        policy_free(p);
}

static void test_reaper_filter(void **state) {
        struct sysfilter_model *m = NULL;
        uint64_t a0[6] = {0};
        static const int allowed[] = {SYS_read, SYS_wait4, SYS_kill, SYS_exit_group, SYS_sendto, SYS_rt_sigprocmask};
        static const int denied[] = {SYS_open, SYS_openat, SYS_execve, SYS_ptrace, SYS_socket, SYS_clone,
#if !defined(__SANITIZE_ADDRESS__) /* the ASan build's reaper may map memory */
                                     SYS_mmap
#endif
        };

        (void)state;
        assert_int_equal(sysfilter_model_new(NULL, &m), 0);
        for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
                assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, (uint32_t)allowed[i], a0), RET_ALLOW);
        for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
                assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_X86_64, (uint32_t)denied[i], a0), RET_ERRNO(ENOSYS));
        assert_int_equal(sysfilter_model_eval(m, AUDIT_ARCH_I386, 3, a0), RET_KILL);
        sysfilter_model_free(m);
}

/* Instructions executed per call: the cost that every syscall pays. */
static void test_cost(void **state) {
        struct policy *p = policy_for("default", true);
        struct prog g = export_bpf(p);
        struct seccomp_data d = {.nr = SYS_getppid, .arch = AUDIT_ARCH_X86_64};
        unsigned worst = 0;

        (void)state;
        printf("# default: getppid %u insns,", bpf_eval(g.insns, g.n, &d).steps);
        d.nr = SYS_ioctl;
        d.args[1] = TCGETS;
        printf(" ioctl(TCGETS) %u,", bpf_eval(g.insns, g.n, &d).steps);
        d.args[1] = TIOCSTI;
        printf(" ioctl(TIOCSTI) %u,", bpf_eval(g.insns, g.n, &d).steps);
        for (int nr = 0; nr < 1024; nr++) {
                unsigned s;
                d.nr = nr;
                d.args[1] = TCGETS;
                s = bpf_eval(g.insns, g.n, &d).steps;
                worst = s > worst ? s : worst;
        }
        printf(" worst %u\n", worst);
        assert_true(worst < 150);
        prog_free(&g);
        policy_free(p);
}

static void test_names(void **state) {
        char hint[64], small[4];

        (void)state;
        assert_true(sysfilter_name_known("open", hint, sizeof(hint)));
        assert_string_equal(hint, "");
        assert_true(sysfilter_name_known("socketcall", hint, sizeof(hint))); /* i386 only, still a name */
        assert_true(sysfilter_name_known("@file-system", hint, sizeof(hint)));
        assert_false(sysfilter_name_known("opne", hint, sizeof(hint)));
        assert_string_equal(hint, "open");
        assert_false(sysfilter_name_known("@file-sytem", hint, sizeof(hint)));
        assert_string_equal(hint, "@file-system");
        assert_false(sysfilter_name_known("zzzzzzzzzzzz", hint, sizeof(hint)));
        assert_string_equal(hint, "");
        assert_true(sysfilter_profile_known("io-heavy", hint, sizeof(hint)));
        assert_false(sysfilter_profile_known("minmal", hint, sizeof(hint)));
        assert_string_equal(hint, "minimal");
        /* the caller's buffer, cut to fit; none at all is fine too */
        assert_false(sysfilter_profile_known("minmal", small, sizeof(small)));
        assert_string_equal(small, "min");
        assert_false(sysfilter_name_known("opne", NULL, 0));
}

static void test_policy_keys(void **state) {
        struct policy *p = policy_new();
        const struct key_def *allow = policy_find_key("seccomp", "allow");
        const struct key_def *prof = policy_find_key("seccomp", "profile");
        const struct key_def *keep = policy_find_key("capabilities", "keep");
        struct origin o = {"t.conf", 3};
        char *msg = NULL;

        (void)state;
        assert_int_equal(policy_set(p, allow, "opne", o, true, &msg), -EINVAL);
        assert_string_equal(msg, "unknown syscall 'opne' (did you mean 'open'?)");
        free(msg);
        msg = NULL;
        assert_int_equal(policy_set(p, allow, "@netwrk-io", o, true, &msg), -EINVAL);
        assert_string_equal(msg, "unknown syscall group '@netwrk-io' (did you mean '@network-io'?)");
        free(msg);
        msg = NULL;
        assert_int_equal(policy_set(p, allow, "@namespaces", o, true, &msg), 0);
        assert_int_equal(policy_set(p, prof, "minmal", o, true, &msg), -EINVAL);
        assert_non_null(strstr(msg, "did you mean 'minimal'?"));
        free(msg);
        msg = NULL;
        assert_int_equal(policy_set(p, prof, "network", o, true, &msg), 0);
        assert_string_equal(p->seccomp_profile, "network");
        assert_int_equal(policy_set(p, keep, "CAP_NET_ADMN", o, true, &msg), -EINVAL);
        assert_string_equal(msg, "unknown capability 'CAP_NET_ADMN' (did you mean 'CAP_NET_ADMIN'?)");
        free(msg);
        msg = NULL;
        assert_int_equal(policy_set(p, keep, "cap_net_raw", o, true, &msg), 0);
        assert_null(policy_first_unsupported(p));
        policy_free(p);
}

static void test_caps_names_and_launch_check(void **state) {
        struct policy *p = policy_new();
        const char *key = NULL;

        (void)state;
        assert_true(caps_name_valid("CAP_SYS_ADMIN"));
        assert_true(caps_name_valid("cap_kill"));
        assert_false(caps_name_valid("SYS_ADMIN"));
        assert_false(caps_name_valid("CAP_FOO"));
        {
                char hint[64];
                caps_suggest("CAP_SYS_ADMN", hint, sizeof(hint));
                assert_string_equal(hint, "CAP_SYS_ADMIN");
                caps_suggest("CAP_ZZZZZZZZZZZZZZZZ", hint, sizeof(hint));
                assert_string_equal(hint, "");
        }
        assert_int_equal(caps_check_launch(p, false, &key), 0);
        p->no_new_privs = false;
        assert_int_equal(caps_check_launch(p, false, &key), -EPERM);
        assert_string_equal(key, "no-new-privs");
        assert_int_equal(caps_check_launch(p, true, &key), 0);
        p->no_new_privs = true;
        add_item(&p->cap_keep, "CAP_NET_RAW");
        assert_int_equal(caps_check_launch(p, false, &key), -EPERM);
        assert_string_equal(key, "keep");
        policy_free(p);
}

/* --print-profile's summary must still parse as INI: comments only. */
static void test_print_policy_is_comments(void **state) {
        for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
                struct policy *p = policy_for(profiles[i], i % 2);
                char *buf = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&buf, &len);

                (void)state;
                assert_int_equal(sysfilter_print_policy(p, f), 0);
                fclose(f);
                for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                        assert_true(*l == '#' || *l == '\n');
                free(buf);
                policy_free(p);
        }
}

/* The programs compiled into the launcher at build time (tools/gen-bpf.c)
 * are exactly what libseccomp builds now for the same policies, and a
 * policy with its own rules is not served from them. */
static void check_precompiled(const struct policy *p, const char *what) {
        unsigned short len = 0;
        const struct sock_filter *prog = sysfilter_precompiled(p, &len);
        int fd = memfd_create("bpf", MFD_CLOEXEC);
        off_t size;
        void *fresh;

        if (!prog)
                fail_msg("no precompiled filter for %s", what);
        assert_true(fd >= 0);
        assert_int_equal(sysfilter_export(p, fd, true), 0);
        size = lseek(fd, 0, SEEK_END);
        if ((size_t)size != len * sizeof(*prog))
                fail_msg("%s: precompiled %u instructions, libseccomp now %zu", what, len, (size_t)size / sizeof(*prog));
        fresh = malloc((size_t)size);
        assert_non_null(fresh);
        assert_int_equal(pread(fd, fresh, (size_t)size, 0), size);
        if (memcmp(fresh, prog, (size_t)size) != 0)
                fail_msg("%s: the precompiled filter differs from libseccomp's: rebuild", what);
        free(fresh);
        close(fd);
}

static void test_precompiled_match(void **state) {
        static const char *const names[] = {"default", "minimal", "io-heavy", "compute", "network", "unrestricted"};
        unsigned short len;
        (void)state;

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                struct policy *p = policy_new();
                assert_non_null(p);
                p->seccomp_profile = strdup(names[i]);
                check_precompiled(p, names[i]);
                /* not plain any more: libseccomp at run time */
                p->block_secondary_arch = false;
                assert_null(sysfilter_precompiled(p, &len));
                p->block_secondary_arch = true;
                p->sc_errno = EACCES;
                assert_null(sysfilter_precompiled(p, &len));
                policy_free(p);
        }
        check_precompiled(NULL, "the reaper");
}

/* sysfilter_allows: what the payload asks before it loads its filter
 * ahead of the wait for the root. The answer must agree with the model,
 * and be false whenever the filter is built at run time. */
static void test_allows(void **state) {
        struct seccomp_data rd = {.nr = SYS_read, .args = {5, 0, 16}}, chd = {.nr = SYS_chdir};
        struct seccomp_data rcv = {.nr = SYS_recvfrom, .args = {5, 0, 16}}, mnt = {.nr = SYS_mount};
        (void)state;

        for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
                struct policy *p = policy_for(profiles[i], true);
                struct sysfilter_model *m = NULL;
                struct seccomp_data both[2] = {rd, chd}, one = rcv;

                assert_int_equal(sysfilter_model_new(p, &m), 0);
                assert_true(sysfilter_allows(p, both, 2));
                assert_int_equal(both[0].arch, AUDIT_ARCH_X86_64); /* filled in */
                assert_int_equal(sysfilter_allows(p, &one, 1),
                                 sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_recvfrom, (const uint64_t *)rcv.args) == RET_ALLOW);
                one = mnt;
                assert_int_equal(sysfilter_allows(p, &one, 1),
                                 sysfilter_model_eval(m, AUDIT_ARCH_X86_64, SYS_mount, (const uint64_t *)mnt.args) == RET_ALLOW);
                sysfilter_model_free(m);
                /* built by libseccomp at run time: no answer, so "no" */
                add_item(&p->sc_deny, "getppid");
                one = rd;
                assert_false(sysfilter_allows(p, &one, 1));
                policy_free(p);
        }
        {
                struct policy *p = policy_for("minimal", true);
                struct seccomp_data one = rcv;
                assert_false(sysfilter_allows(p, &one, 1)); /* no sockets in "minimal" */
                policy_free(p);
                p = policy_for("default", true);
                one = mnt;
                assert_false(sysfilter_allows(p, &one, 1));
                policy_free(p);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_profiles_build_and_export),
                cmocka_unit_test(test_x32_range_rejected),
                cmocka_unit_test(test_tiocsti_masked),
                cmocka_unit_test(test_deny_table),
                cmocka_unit_test(test_secondary_arch_same_rules),
                cmocka_unit_test(test_fuzz_every_profile),
                cmocka_unit_test(test_fuzz_actions_and_lists),
                cmocka_unit_test(test_lists_change_verdicts),
                cmocka_unit_test(test_reaper_filter),
                cmocka_unit_test(test_cost),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_policy_keys),
                cmocka_unit_test(test_caps_names_and_launch_check),
                cmocka_unit_test(test_print_policy_is_comments),
                cmocka_unit_test(test_precompiled_match),
                cmocka_unit_test(test_allows),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
