/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_sockfam.c - [network] protocol: family names, defaults per network
 * mode, and the socket-family filter stacked under each built-in
 * profile's precompiled syscall filter, run in the cBPF interpreter
 * (bpf_eval) and combined as the kernel combines stacked filters (issue
 * 12 item 5: socket(AF_VSOCK) must fail without network). Offline: no
 * privileges needed; nothing is loaded. */
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "bpf_eval.h"
#include "macro.h"
#include "policy.h"
#include "sockfam.h"
#include "sysfilter.h"

#define RET_ALLOW SECCOMP_RET_ALLOW
#define RET_KILL SECCOMP_RET_KILL_PROCESS
#define EAFNO (SECCOMP_RET_ERRNO | EAFNOSUPPORT)
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#define X32_BIT 0x40000000u

static const char *const profiles[] = {"default", "minimal", "io-heavy", "compute", "network", "unrestricted"};

static struct policy *policy_with(const char *profile, enum net_mode mode) {
        struct policy *p = policy_new();

        assert_non_null(p);
        p->seccomp_profile = strdup(profile);
        p->net_mode = mode;
        return p;
}

/* The kernel's seccomp_run_filters: every filter runs, the most recent
 * first; a verdict replaces the current one only if its action is
 * strictly stronger (signed compare of the action bits), so on a tie the
 * most recent filter's data (errno) wins. sysfilter_load installs the
 * family filter first, then the syscall filter. */
static uint32_t stacked(const struct policy *p, struct seccomp_data *d) {
        struct sock_filter fam[SOCKFAM_MAX_INSNS];
        unsigned short len = 0;
        const struct sock_filter *prog = sysfilter_precompiled(p, &len);
        int n = sysfilter_family_program(p, fam, ELEMENTSOF(fam));
        struct bpf_result r, f;

        assert_non_null(prog);
        assert_true(n > 0);
        r = bpf_eval(prog, len, d);
        f = bpf_eval(fam, (size_t)n, d);
        assert_false(r.bad);
        assert_false(f.bad);
        if ((int32_t)(f.ret & SECCOMP_RET_ACTION_FULL) < (int32_t)(r.ret & SECCOMP_RET_ACTION_FULL))
                return f.ret;
        return r.ret;
}

static uint32_t family_only(const struct policy *p, uint32_t arch, uint32_t nr, uint64_t a0) {
        struct sock_filter fam[SOCKFAM_MAX_INSNS];
        int n = sysfilter_family_program(p, fam, ELEMENTSOF(fam));
        struct seccomp_data d = {.nr = (int)nr, .arch = arch, .args = {a0, SOCK_STREAM}};
        struct bpf_result r;

        assert_true(n > 0);
        r = bpf_eval(fam, (size_t)n, &d);
        assert_false(r.bad);
        return r.ret;
}

static void test_names_and_parse(void **state) {
        sockfam_mask m = 0;
        char *msg = NULL;
        (void)state;

        assert_int_equal(sockfam_from_name("unix"), AF_UNIX);
        assert_int_equal(sockfam_from_name("local"), AF_UNIX);
        assert_int_equal(sockfam_from_name("inet6"), AF_INET6);
        assert_int_equal(sockfam_from_name("vsock"), AF_VSOCK);
        assert_int_equal(sockfam_from_name("netlink"), AF_NETLINK);
        assert_int_equal(sockfam_from_name("AF_UNIX"), -EINVAL);
        assert_int_equal(sockfam_from_name(""), -EINVAL);
        assert_string_equal(sockfam_name(AF_PACKET), "packet");
        assert_null(sockfam_name(0));
        assert_null(sockfam_name(64));

        assert_int_equal(sockfam_parse("unix, inet6 ,netlink", &m, &msg), 0);
        assert_true(m == (SOCKFAM_BIT(AF_UNIX) | SOCKFAM_BIT(AF_INET6) | SOCKFAM_BIT(AF_NETLINK)));
        assert_int_equal(sockfam_parse("vsock", &m, &msg), 0); /* adds */
        assert_true(m & SOCKFAM_BIT(AF_VSOCK));
        m = 0;
        assert_int_equal(sockfam_parse("unix,vsok", &m, &msg), -EINVAL);
        assert_non_null(msg);
        assert_non_null(strstr(msg, "unknown protocol 'vsok'"));
        assert_true(m == 0); /* untouched on failure */
        free(msg);
        msg = NULL;
        assert_int_equal(sockfam_parse(" , ", &m, &msg), -EINVAL);
        assert_non_null(strstr(msg, "empty protocol list"));
        free(msg);
}

static void test_defaults_per_mode(void **state) {
        const sockfam_mask none = SOCKFAM_BIT(AF_UNIX) | SOCKFAM_BIT(AF_INET) | SOCKFAM_BIT(AF_INET6) |
                                  SOCKFAM_BIT(AF_NETLINK);
        struct policy *p = policy_new();
        char *msg = NULL;
        (void)state;

        assert_non_null(p);
        assert_true(sockfam_allowed(p) == none);
        p->net_mode = NET_HOST;
        assert_true(sockfam_allowed(p) == (none | SOCKFAM_BIT(AF_PACKET)));
        p->net_mode = NET_VETH;
        assert_true(sockfam_allowed(p) == (none | SOCKFAM_BIT(AF_PACKET)));
        assert_false(sockfam_allowed(p) & SOCKFAM_BIT(AF_VSOCK));
        /* Set: exactly the union of the lines, whatever the mode. */
        assert_int_equal(policy_set(p, policy_find_key("network", "protocol"), "unix", (struct origin){"t", 1}, false,
                                    &msg), 0);
        assert_int_equal(policy_set(p, policy_find_key("network", "protocol"), "vsock,inet",
                                    (struct origin){"t", 2}, false, &msg), 0);
        assert_true(sockfam_allowed(p) == (SOCKFAM_BIT(AF_UNIX) | SOCKFAM_BIT(AF_VSOCK) | SOCKFAM_BIT(AF_INET)));
        assert_int_equal(policy_set(p, policy_find_key("network", "protocol"), "unix,nope",
                                    (struct origin){"t", 3}, false, &msg), -EINVAL);
        assert_non_null(msg);
        free(msg);
        policy_free(p);
}

/* The case: with network none, socket(AF_VSOCK, ...) and
 * socketpair(AF_VSOCK, ...) never pass under any built-in profile; where
 * the profile allows sockets, the answer is EAFNOSUPPORT; AF_UNIX and
 * AF_INET keep the profile's own verdict. */
static void test_vsock_denied_every_profile(void **state) {
        (void)state;
#if !defined(__x86_64__)
        skip(); /* the data below uses x86-64's architecture and numbers */
#endif
        for (size_t i = 0; i < ELEMENTSOF(profiles); i++) {
                struct policy *p = policy_with(profiles[i], NET_NONE);
                struct seccomp_data d = {.arch = AUDIT_ARCH_X86_64, .args = {AF_VSOCK, SOCK_STREAM, 0}};
                uint32_t profile_verdict;
                unsigned short len = 0;
                const struct sock_filter *prog = sysfilter_precompiled(p, &len);

                for (int call = 0; call < 2; call++) {
                        d.nr = call ? __NR_socketpair : __NR_socket;
                        d.args[0] = AF_VSOCK;
                        profile_verdict = bpf_eval(prog, len, &d).ret;
                        uint32_t v = stacked(p, &d);
                        if (v == RET_ALLOW)
                                fail_msg("%s: %s(AF_VSOCK) allowed", profiles[i], call ? "socketpair" : "socket");
                        assert_int_equal(v, profile_verdict == RET_ALLOW ? EAFNO : profile_verdict);
                        /* High garbage: the kernel reads an int. */
                        d.args[0] = 0xffffffff00000000ull | AF_VSOCK;
                        assert_int_not_equal(stacked(p, &d), RET_ALLOW);
                        for (int fam = AF_UNIX; fam <= AF_INET; fam++) {
                                d.args[0] = (uint64_t)fam;
                                assert_int_equal(stacked(p, &d), bpf_eval(prog, len, &d).ret);
                                d.args[0] = 0xdead000000000000ull | (uint64_t)fam;
                                assert_int_equal(stacked(p, &d), bpf_eval(prog, len, &d).ret);
                        }
                }
                /* Everything else: the family filter stays out of the way. */
                for (uint32_t nr = 0; nr < 1024; nr++) {
                        if (nr == __NR_socket || nr == __NR_socketpair)
                                continue;
                        d.nr = (int)nr;
                        d.args[0] = AF_VSOCK;
                        assert_int_equal(stacked(p, &d), bpf_eval(prog, len, &d).ret);
                }
                policy_free(p);
        }
}

static void test_other_families_and_modes(void **state) {
        (void)state;
#if !defined(__x86_64__)
        skip();
#endif
        struct policy *p = policy_with("default", NET_NONE);
        static const int denied[] = {AF_VSOCK, AF_PACKET, 38 /* alg */, AF_BLUETOOTH, AF_CAN, AF_UNSPEC, 46, 63, 64,
                                     255, 0x7fffffff};
        static const int allowed[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};

        for (size_t i = 0; i < ELEMENTSOF(denied); i++)
                assert_int_equal(family_only(p, AUDIT_ARCH_X86_64, __NR_socket, (uint64_t)denied[i]), EAFNO);
        for (size_t i = 0; i < ELEMENTSOF(allowed); i++)
                assert_int_equal(family_only(p, AUDIT_ARCH_X86_64, __NR_socket, (uint64_t)allowed[i]), RET_ALLOW);
        /* x32 numbers are the x86-64 ones plus X32_BIT. */
        assert_int_equal(family_only(p, AUDIT_ARCH_X86_64, __NR_socket | X32_BIT, AF_VSOCK), EAFNO);
        assert_int_equal(family_only(p, AUDIT_ARCH_X86_64, __NR_socketpair | X32_BIT, AF_VSOCK), EAFNO);
        assert_int_equal(family_only(p, AUDIT_ARCH_X86_64, __NR_socket | X32_BIT, AF_UNIX), RET_ALLOW);
        /* Secondary architectures blocked (the default): killed, as by the
         * syscall filter. */
        assert_int_equal(family_only(p, AUDIT_ARCH_I386, 359, AF_UNIX), RET_KILL);
        assert_int_equal(family_only(p, AUDIT_ARCH_I386, 20, 0), RET_KILL);
        /* Filtered: i386's own numbers, and socketcall's SOCKET and
         * SOCKETPAIR fail (the family is behind a pointer). */
        p->block_secondary_arch = false;
        assert_int_equal(family_only(p, AUDIT_ARCH_I386, 359, AF_VSOCK), EAFNO);
        assert_int_equal(family_only(p, AUDIT_ARCH_I386, 360, AF_VSOCK), EAFNO);
        assert_int_equal(family_only(p, AUDIT_ARCH_I386, 359, AF_UNIX), RET_ALLOW);
        assert_int_equal(family_only(p, AUDIT_ARCH_I386, 102, 1), EAFNO);
        assert_int_equal(family_only(p, AUDIT_ARCH_I386, 102, 8), EAFNO);
        assert_int_equal(family_only(p, AUDIT_ARCH_I386, 102, 3 /* connect */), RET_ALLOW);
        assert_int_equal(family_only(p, AUDIT_ARCH_I386, 20 /* getpid */, 0), RET_ALLOW);
        assert_int_equal(family_only(p, AUDIT_ARCH_AARCH64, 198, AF_UNIX), RET_KILL);
        policy_free(p);

        /* host and veth add packet; vsock still needs the key. */
        p = policy_with("network", NET_HOST);
        assert_int_equal(family_only(p, AUDIT_ARCH_X86_64, __NR_socket, AF_PACKET), RET_ALLOW);
        assert_int_equal(family_only(p, AUDIT_ARCH_X86_64, __NR_socket, AF_VSOCK), EAFNO);
        policy_free(p);
}

static void test_program_shape(void **state) {
        struct sock_filter buf[SOCKFAM_MAX_INSNS];
        struct seccomp_data d = {.nr = __NR_getppid, .arch = AUDIT_ARCH_X86_64};
        sockfam_mask all = 0;
        int n;
        (void)state;

        for (int f = 1; sockfam_name(f); f++)
                all |= SOCKFAM_BIT(f);
        assert_int_equal(sockfam_program(all, AUDIT_ARCH_X86_64, false, buf, ELEMENTSOF(buf)), 0);
        assert_int_equal(sockfam_program(~(sockfam_mask)0, AUDIT_ARCH_X86_64, true, buf, ELEMENTSOF(buf)), 0);
        /* Every family but one: the longest program, still well in reach. */
        n = sockfam_program(all & ~SOCKFAM_BIT(AF_VSOCK), AUDIT_ARCH_X86_64, true, buf, ELEMENTSOF(buf));
        assert_true(n > 0 && n <= SOCKFAM_MAX_INSNS);
        assert_int_equal(sockfam_program(SOCKFAM_BIT(AF_UNIX), AUDIT_ARCH_X86_64, true, buf, 4), -E2BIG);
        /* Cost per syscall of the default list: what every call pays. */
        n = sockfam_program(sockfam_allowed(&(struct policy){0}), AUDIT_ARCH_X86_64, false, buf, ELEMENTSOF(buf));
        assert_true(n > 0);
        printf("# family filter: %d instructions; getppid runs %u, socket(AF_INET) %u\n", n,
               bpf_eval(buf, (size_t)n, &d).steps,
               bpf_eval(buf, (size_t)n, &(struct seccomp_data){.nr = __NR_socket, .arch = AUDIT_ARCH_X86_64,
                                                               .args = {AF_INET}}).steps);
        assert_true(bpf_eval(buf, (size_t)n, &d).steps <= 7);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names_and_parse),
                cmocka_unit_test(test_defaults_per_mode),
                cmocka_unit_test(test_vsock_denied_every_profile),
                cmocka_unit_test(test_other_families_and_modes),
                cmocka_unit_test(test_program_shape),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
