/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_policy.c - unit tests for policy.c: the key table, policy_set for
 * every key type (good and bad values, duplicates, lists), validation,
 * suggestions, canonical value text and policy_print. */
#include "util.h"

#include <inttypes.h>

#include "macro.h"
#include "policy.h"
#include "profile_parse.h"

/* One valid, non-default sample value per key. A key added to the table
 * without a sample here fails test_every_key_has_sample on purpose. */
static const struct {
        const char *section, *key, *value, *canonical;
} samples[] = {
        {"profile", "description", "A test profile", NULL},
        {"profile", "include", "base", NULL},
        {"namespaces", "user", "yes", NULL},
        {"namespaces", "pid", "no", NULL},
        {"namespaces", "ipc", "auto", NULL},
        {"namespaces", "uts", "no", NULL},
        {"namespaces", "cgroup", "no", NULL},
        {"namespaces", "time", "yes", NULL},
        {"process", "hostname", "box-1.example", NULL},
        {"process", "uid", "1000", NULL},
        {"process", "gid", "0", NULL},
        {"process", "cwd", "/work", NULL},
        {"process", "new-session", "true", "yes"},
        {"process", "umask", "27", "0027"},
        {"process", "die-with-parent", "off", "no"},
        {"environment", "clear", "no", NULL},
        {"environment", "keep", "LC_*", NULL},
        {"environment", "set", "A=b=c", NULL},
        {"environment", "unset", "FOO", NULL},
        {"filesystem", "root", "/srv/root", NULL},
        {"filesystem", "ro-bind", "-/usr/share:/share", NULL},
        {"filesystem", "bind", "/data", NULL},
        {"filesystem", "dev-bind", "/dev/dri", NULL},
        {"filesystem", "tmpfs", "/scratch:size=64M,mode=0700", NULL},
        {"filesystem", "overlay", "/opt:/var/tmp/upper", NULL},
        {"filesystem", "hide", "/etc/shadow", NULL},
        {"filesystem", "mkdir", "/run/app", NULL},
        {"filesystem", "private-home", "yes", NULL},
        {"filesystem", "private-tmp", "1", "yes"},
        {"filesystem", "private-dev", "yes", NULL},
        {"filesystem", "proc", "no", NULL},
        {"network", "mode", "veth", NULL},
        {"network", "bridge", "br0", NULL},
        {"network", "address", "10.200.0.2/24", NULL},
        {"network", "host-address", "10.200.0.1/24", NULL},
        {"network", "gateway", "10.200.0.1", NULL},
        {"network", "dns", "fd00::53", NULL},
        {"network", "mtu", "1400", NULL},
        {"network", "protocol", "unix,inet6", NULL},
        {"limits", "memory", "262144K", "256M"},
        {"limits", "memory-swap", "0", NULL},
        {"limits", "cpu", "50", NULL},
        {"limits", "cpu-quota", "020000/100000", "20000/100000"},
        {"limits", "pids", "64", NULL},
        {"limits", "timeout", "90", "90s"},
        {"limits", "nofile", "1024", NULL},
        {"limits", "nproc", "100", NULL},
        {"limits", "fsize", "1G", NULL},
        {"limits", "core", "0", NULL},
        {"seccomp", "profile", "minimal", NULL},
        {"seccomp", "allow", "@basic-io", NULL},
        {"seccomp", "deny", "ptrace", NULL},
        {"seccomp", "action", "errno", "errno:EPERM"},
        {"seccomp", "block-secondary-arch", "no", NULL},
        {"capabilities", "keep", "CAP_NET_BIND_SERVICE", NULL},
        {"capabilities", "no-new-privs", "no", NULL},
};

static const struct key_def *key(const char *section, const char *name) {
        const struct key_def *k = policy_find_key(section, name);
        if (!k)
                fail_msg("key [%s] %s not in the table", section, name);
        return k;
}

static struct origin origin_in(struct policy *p, const char *file, unsigned line) {
        struct origin o = {policy_intern_file(p, file), line};
        assert_non_null(o.file);
        return o;
}

/* Sets a key and expects success. */
static void set_ok(struct policy *p, const char *section, const char *name, const char *value) {
        char *msg = NULL;
        int r = policy_set(p, key(section, name), value, origin_in(p, "t.conf", 1), false, &msg);
        if (r != 0)
                fail_msg("policy_set([%s] %s = '%.80s') = %d: %s", section, name, value, r, msg ? msg : "");
        assert_null(msg);
}

/* Sets a key and expects -EINVAL with a message containing `needle`. */
static void set_bad(struct policy *p, const char *section, const char *name, const char *value, const char *needle) {
        char *msg = NULL;
        int r = policy_set(p, key(section, name), value, origin_in(p, "t.conf", 1), false, &msg);
        if (r != -EINVAL)
                fail_msg("policy_set([%s] %s = '%.80s') = %d, expected -EINVAL", section, name, value, r);
        assert_non_null(msg);
        if (needle)
                assert_contains(msg, needle);
        free(msg);
}

static struct strlist *list_of(struct policy *p, const char *section, const char *name) {
        const struct key_def *k = key(section, name);
        assert_int_equal(k->type, KT_LIST);
        return (struct strlist *)((char *)p + k->offset);
}

static char *text_of(const struct policy *p, const char *section, const char *name) {
        return policy_value_text(p, key(section, name));
}

static void assert_text(const struct policy *p, const char *section, const char *name, const char *want) {
        char *t = text_of(p, section, name);
        if (!t || strcmp(t, want) != 0)
                fail_msg("[%s] %s is '%s', expected '%s'", section, name, t ? t : "(null)", want);
        free(t);
}

/* ---- the table ------------------------------------------------------------ */

static void test_table_sane(void **state) {
        (void)state;
        assert_true(policy_n_keys > 40);
        for (size_t i = 0; i < policy_n_keys; i++) {
                const struct key_def *k = &policy_keys[i];
                assert_non_null(k->section);
                assert_non_null(k->key);
                assert_non_null(k->def);
                if (!k->help || !*k->help)
                        fail_msg("[%s] %s has no help text (the man page needs it)", k->section, k->key);
                if (!policy_section_known(k->section))
                        fail_msg("[%s] %s: section not known", k->section, k->key);
                assert_ptr_equal(policy_find_key(k->section, k->key), k);
                assert_int_equal(policy_key_index(k), i);
                if (k->type == KT_SPECIAL && (!k->parse || !k->print))
                        fail_msg("[%s] %s is KT_SPECIAL without parse/print", k->section, k->key);
                for (size_t j = 0; j < i; j++)
                        if (streq(policy_keys[j].section, k->section) && streq(policy_keys[j].key, k->key))
                                fail_msg("[%s] %s is in the table twice", k->section, k->key);
        }
        assert_null(policy_find_key("limits", "nope"));
        assert_null(policy_find_key("nope", "memory"));
        assert_false(policy_section_known("nope"));
        assert_false(policy_section_known(""));
        assert_false(policy_section_known("Limits"));
}

static void test_every_key_has_sample(void **state) {
        (void)state;
        for (size_t i = 0; i < policy_n_keys; i++) {
                bool found = false;
                for (size_t j = 0; j < ELEMENTSOF(samples) && !found; j++)
                        found = streq(samples[j].section, policy_keys[i].section) &&
                                streq(samples[j].key, policy_keys[i].key);
                if (!found)
                        fail_msg("no sample value for [%s] %s in test_policy.c", policy_keys[i].section,
                                 policy_keys[i].key);
        }
        for (size_t j = 0; j < ELEMENTSOF(samples); j++)
                key(samples[j].section, samples[j].key);
}

/* Where the table states a default, a fresh policy has it. */
static void test_defaults_match_table(void **state) {
        struct policy *p = policy_new();
        (void)state;

        assert_non_null(p);
        for (size_t i = 0; i < policy_n_keys; i++) {
                const struct key_def *k = &policy_keys[i];
                char *t;
                if (k->type == KT_LIST || !*k->def || strchr(k->def, '\'') || streq(k->def, "inherited"))
                        continue;
                assert_false(policy_key_is_set(p, k));
                t = policy_value_text(p, k);
                if (t && !streq(t, k->def))
                        fail_msg("[%s] %s: fresh policy has '%s', table says default '%s'", k->section, k->key, t,
                                 k->def);
                free(t);
        }
        assert_int_equal(p->uid, POLICY_UNSET_ID);
        assert_int_equal(p->gid, POLICY_UNSET_ID);
        assert_int_equal(p->umask, -1);
        assert_true(p->env_clear);
        assert_true(p->no_new_privs);
        assert_true(p->block_secondary_arch);
        assert_int_equal(p->net_mode, NET_NONE);
        assert_null(policy_first_unsupported(p));
        policy_free(p);
}

/* ---- setting every key ------------------------------------------------------ */

/* Every sample sets, prints canonically, and the printed text sets the same
 * value again (typed round trip, key by key). */
static void test_samples_round_trip(void **state) {
        (void)state;
        for (size_t j = 0; j < ELEMENTSOF(samples); j++) {
                const struct key_def *k = key(samples[j].section, samples[j].key);
                struct policy *p = policy_new(), *q = policy_new();
                char *t1, *t2;

                set_ok(p, samples[j].section, samples[j].key, samples[j].value);
                assert_true(policy_key_is_set(p, k));
                if (k->type == KT_LIST) {
                        struct strlist *l = list_of(p, samples[j].section, samples[j].key);
                        assert_int_equal(l->n, 1);
                        assert_string_equal(l->items[0].value, samples[j].value);
                        assert_null(policy_value_text(p, k));
                        policy_free(p);
                        policy_free(q);
                        continue;
                }
                t1 = policy_value_text(p, k);
                assert_non_null(t1);
                assert_string_equal(t1, samples[j].canonical ? samples[j].canonical : samples[j].value);
                set_ok(q, samples[j].section, samples[j].key, t1);
                t2 = policy_value_text(q, k);
                assert_string_equal(t1, t2);
                free(t1);
                free(t2);
                policy_free(p);
                policy_free(q);
        }
}

static void test_set_typed_fields(void **state) {
        struct policy *p = policy_new();
        (void)state;

        set_ok(p, "limits", "memory", "256M");
        assert_true(p->memory == 256ULL << 20);
        assert_text(p, "limits", "memory", "256M");
        set_ok(p, "limits", "timeout", "500ms");
        assert_true(p->timeout_ms == 500);
        assert_text(p, "limits", "timeout", "500ms");
        set_ok(p, "limits", "timeout", "3600");
        assert_text(p, "limits", "timeout", "1h");
        set_ok(p, "limits", "cpu-quota", "50000/100000");
        assert_true(p->cpu_quota_us == 50000 && p->cpu_period_us == 100000);
        set_ok(p, "limits", "memory-swap", "0");
        assert_true(p->memory_swap_set && p->memory_swap == 0);
        set_ok(p, "limits", "core", "0");
        assert_true(p->rl_core_set && p->rl_core == 0);
        set_ok(p, "process", "uid", "0");
        assert_int_equal(p->uid, 0);
        set_ok(p, "process", "uid", "4294967294");
        assert_int_equal(p->uid, 4294967294U);
        set_ok(p, "process", "umask", "077");
        assert_int_equal(p->umask, 077);
        assert_text(p, "process", "umask", "0077");
        set_ok(p, "namespaces", "user", "no");
        assert_int_equal(p->ns_user, TRI_NO);
        set_ok(p, "namespaces", "user", "auto");
        assert_int_equal(p->ns_user, TRI_AUTO);
        set_ok(p, "network", "mode", "host");
        assert_int_equal(p->net_mode, NET_HOST);
        set_ok(p, "filesystem", "root", "host-ro");
        assert_int_equal(p->root, ROOT_HOST_RO);
        set_ok(p, "filesystem", "root", "/srv/r");
        assert_int_equal(p->root, ROOT_DIR);
        assert_string_equal(p->root_dir, "/srv/r");
        set_ok(p, "filesystem", "root", "tmpfs");
        assert_int_equal(p->root, ROOT_TMPFS);
        assert_null(p->root_dir);
        set_ok(p, "seccomp", "action", "errno:ENOSYS");
        assert_int_equal(p->sc_action, SF_ACTION_ERRNO);
        assert_int_equal(p->sc_errno, ENOSYS);
        set_ok(p, "seccomp", "action", "log");
        assert_int_equal(p->sc_action, SF_ACTION_LOG);
        set_ok(p, "process", "cwd", "");
        assert_string_equal(p->cwd, "");
        policy_free(p);
}

/* docs/SECURITY-TESTS.md case 15: sizes 0, 12x, empty, negative, 2^64, 2^63+1. */
static void test_bad_sizes(void **state) {
        static const char *const bad[] = {"0", "12x", "", "-1", "1.5G", "18446744073709551616", "9223372036854775808",
                                          "9223372036854775809", "16777216T"};
        struct policy *p = policy_new();
        (void)state;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                set_bad(p, "limits", "memory", bad[i], *bad[i] ? "invalid size" : "empty value");
                set_bad(p, "limits", "fsize", bad[i], NULL);
                if (i > 0) { /* 0 is meaningful for these two */
                        set_bad(p, "limits", "memory-swap", bad[i], NULL);
                        set_bad(p, "limits", "core", bad[i], NULL);
                }
        }
        assert_true(p->memory == 0);
        assert_false(policy_key_is_set(p, key("limits", "memory")));
        assert_false(policy_key_is_set(p, key("limits", "memory-swap")));
        policy_free(p);
}

static void test_bad_values(void **state) {
        struct policy *p = policy_new();
        char h65[66];
        (void)state;

        memset(h65, 'h', 65);
        h65[65] = 0;
        set_bad(p, "namespaces", "pid", "maybe", "yes, no or auto");
        set_bad(p, "process", "new-session", "yess", "invalid boolean");
        set_bad(p, "process", "hostname", h65, "invalid hostname");
        set_bad(p, "process", "hostname", "a b", "invalid hostname");
        set_bad(p, "process", "hostname", "a/b", "invalid hostname");
        set_bad(p, "process", "hostname", "", "empty value");
        set_bad(p, "process", "uid", "4294967295", "invalid id");
        set_bad(p, "process", "uid", "-1", "invalid id");
        set_bad(p, "process", "uid", "root", "invalid id");
        set_bad(p, "process", "umask", "0800", "invalid mode");
        set_bad(p, "process", "umask", "abc", "invalid mode");
        set_bad(p, "limits", "timeout", "0", "invalid duration");
        set_bad(p, "limits", "timeout", "5w", "invalid duration");
        set_bad(p, "limits", "pids", "0", "invalid number");
        set_bad(p, "limits", "pids", "9223372036854775808", "invalid number");
        set_bad(p, "limits", "pids", "ten", "invalid number");
        set_bad(p, "limits", "cpu", "0", "invalid cpu");
        set_bad(p, "limits", "cpu", "100001", "invalid cpu");
        set_bad(p, "limits", "cpu", "50%", "invalid cpu");
        set_bad(p, "limits", "cpu-quota", "500/100000", "invalid cpu-quota");
        set_bad(p, "limits", "cpu-quota", "max", "invalid cpu-quota");
        set_bad(p, "network", "mode", "bridge", "invalid network mode");
        set_bad(p, "network", "mtu", "0", "invalid number");
        set_bad(p, "network", "mtu", "4294967296", "invalid number");
        set_bad(p, "network", "bridge", "a-very-long-bridge", "interface name");
        set_bad(p, "network", "bridge", ".br", "interface name");
        set_bad(p, "network", "address", "10.0.0.2", "invalid address");
        set_bad(p, "network", "address", "10.0.0.2/33", "invalid address");
        set_bad(p, "network", "host-address", "auto", "invalid host-address");
        set_bad(p, "network", "gateway", "10.0.0.1/24", "invalid gateway");
        set_bad(p, "network", "dns", "dns.example", "invalid dns");
        set_bad(p, "network", "protocol", "unix,vsok", "unknown protocol 'vsok'");
        set_bad(p, "network", "protocol", ",", "empty protocol list");
        set_bad(p, "filesystem", "root", "relative", "invalid root");
        set_bad(p, "filesystem", "ro-bind", "usr", "invalid ro-bind");
        set_bad(p, "filesystem", "ro-bind", "/usr/../etc", "invalid ro-bind");
        set_bad(p, "filesystem", "ro-bind", "/usr/..", "invalid ro-bind");
        set_bad(p, "filesystem", "ro-bind", "/usr:", "invalid ro-bind");
        set_bad(p, "filesystem", "ro-bind", "/usr:rel", "invalid ro-bind");
        set_bad(p, "filesystem", "ro-bind", "-", "invalid ro-bind");
        set_bad(p, "filesystem", "bind", "/a/./b", "invalid bind");
        set_bad(p, "filesystem", "tmpfs", "/t:size=0", "invalid tmpfs option");
        set_bad(p, "filesystem", "tmpfs", "/t:uid=0", "invalid tmpfs option");
        set_bad(p, "filesystem", "tmpfs", "t", "invalid tmpfs");
        set_bad(p, "filesystem", "overlay", "/a:b", "invalid overlay");
        set_bad(p, "filesystem", "hide", "etc/shadow", "invalid hide");
        set_bad(p, "filesystem", "mkdir", "/a/../b", "invalid mkdir");
        set_bad(p, "environment", "set", "NOEQUALS", "invalid set");
        set_bad(p, "environment", "set", "=x", "invalid set");
        set_bad(p, "environment", "set", "1A=x", "invalid set");
        set_bad(p, "environment", "set", "A B=x", "invalid set");
        set_bad(p, "environment", "keep", "A-B", "invalid variable name");
        set_bad(p, "environment", "unset", "LC_*", "invalid variable name"); /* no patterns for unset */
        set_bad(p, "profile", "include", "../etc/passwd", "invalid include");
        set_bad(p, "profile", "include", ".hidden", "invalid include");
        set_bad(p, "seccomp", "profile", "a/b", "'a/b'");
        set_bad(p, "seccomp", "profile", "minimall", "'minimall'");
        set_bad(p, "seccomp", "allow", "notasyscall", "'notasyscall'");
        set_bad(p, "seccomp", "deny", "@nosuchgroup", "'@nosuchgroup'");
        set_bad(p, "capabilities", "keep", "CAP_FROBNICATE", "'CAP_FROBNICATE'");
        set_bad(p, "seccomp", "allow", "PTRACE", "invalid allow");
        set_bad(p, "seccomp", "allow", "@", "invalid allow");
        set_bad(p, "seccomp", "deny", "a b", "invalid deny");
        set_bad(p, "seccomp", "action", "errno:ENOENT", "invalid action");
        set_bad(p, "seccomp", "action", "trap", "invalid action");
        set_bad(p, "capabilities", "keep", "CAP-NET", "invalid capability");
        set_bad(p, "capabilities", "no-new-privs", "maybe", "invalid boolean");
        set_bad(p, "profile", "description", "", "empty value");

        /* Nothing above changed the policy. */
        for (size_t i = 0; i < policy_n_keys; i++)
                if (policy_key_is_set(p, &policy_keys[i]))
                        fail_msg("[%s] %s was set by a failed policy_set", policy_keys[i].section, policy_keys[i].key);
        assert_null(p->hostname);
        assert_int_equal(p->root, ROOT_TMPFS);
        policy_free(p);
}

/* A tmpfs for /tmp needs the sticky bit: mode=1777 (or 01777; see
 * test_mode_leading_zero in test_value.c). */
static void test_tmpfs_sticky_mode(void **state) {
        struct policy *p = policy_new();
        (void)state;

        set_ok(p, "filesystem", "tmpfs", "/tmp:mode=1777");
        set_ok(p, "filesystem", "tmpfs", "/tmp:size=64M,mode=01777");
        set_ok(p, "filesystem", "tmpfs", "/scratch:size=1G,mode=0700");
        policy_free(p);
}

/* Over-long values are refused, not validated in part.
 * BUG (low severity; policy.c check_tmpfs and check_overlay): the directory
 * part is copied into a 4096-byte buffer with snprintf, which truncates, and
 * only the truncated copy is checked, so a '..' after byte 4095 passes
 * (check_bind has the missing length check). Only reachable with --set. */
static void test_long_paths_fully_checked(void **state) {
        struct policy *p = policy_new();
        size_t n = 4200;
        char *v = malloc(n + 16);
        (void)state;

        assert_non_null(v);
        v[0] = '/';
        memset(v + 1, 'a', n - 1);
        strcpy(v + n, "/../etc");
        set_bad(p, "filesystem", "bind", v, NULL);
        set_bad(p, "filesystem", "hide", v, NULL);
        set_bad(p, "filesystem", "tmpfs", v, NULL);
        set_bad(p, "filesystem", "overlay", v, NULL);
        free(v);
        policy_free(p);
}

static void test_lists_append(void **state) {
        struct policy *p = policy_new();
        struct strlist *l;
        (void)state;

        set_ok(p, "environment", "keep", "PATH");
        set_ok(p, "environment", "keep", "HOME");
        set_ok(p, "environment", "keep", "PATH"); /* duplicates are kept: harmless */
        l = list_of(p, "environment", "keep");
        assert_int_equal(l->n, 3);
        assert_string_equal(l->items[0].value, "PATH");
        assert_string_equal(l->items[1].value, "HOME");
        assert_true(strlist_contains(l, "HOME"));
        assert_false(strlist_contains(l, "USER"));

        /* Lists never count as "set twice". */
        {
                char *msg = NULL;
                struct origin o = origin_in(p, "same.conf", 3);
                assert_int_equal(policy_set(p, key("filesystem", "ro-bind"), "/usr", o, true, &msg), 0);
                o.line = 4;
                assert_int_equal(policy_set(p, key("filesystem", "ro-bind"), "/opt", o, true, &msg), 0);
                l = list_of(p, "filesystem", "ro-bind");
                assert_int_equal(l->n, 2);
                assert_int_equal(l->items[1].origin.line, 4);
                assert_string_equal(l->items[1].origin.file, "same.conf");
        }
        policy_free(p);
}

static void test_duplicate_scalar(void **state) {
        struct policy *p = policy_new();
        const struct key_def *mem = key("limits", "memory");
        struct origin a2 = origin_in(p, "a.conf", 2), a7 = origin_in(p, "a.conf", 7), b3 = origin_in(p, "b.conf", 3);
        char *msg = NULL;
        (void)state;

        assert_int_equal(policy_set(p, mem, "1G", a2, true, &msg), 0);
        assert_int_equal(policy_set(p, mem, "2G", a7, true, &msg), -EEXIST);
        assert_contains(msg, "'memory' is set twice in this file (first at line 2)");
        free(msg);
        msg = NULL;
        assert_true(p->memory == 1ULL << 30);
        assert_int_equal(p->origin[policy_key_index(mem)].line, 2);

        /* Another file may override (include first, own keys after). */
        assert_int_equal(policy_set(p, mem, "2G", b3, true, &msg), 0);
        assert_true(p->memory == 2ULL << 30);
        assert_ptr_equal(p->origin[policy_key_index(mem)].file, b3.file);
        /* The command line overrides without the duplicate check. */
        assert_int_equal(policy_set(p, mem, "3G", b3, false, &msg), 0);
        assert_true(p->memory == 3ULL << 30);

        /* Interned file names are shared. */
        assert_ptr_equal(policy_intern_file(p, "a.conf"), a2.file);
        assert_true(policy_intern_file(p, "c.conf") != a2.file);
        policy_free(p);
}

/* ---- validation --------------------------------------------------------- */

static void expect_invalid(struct policy *p, const char *needle, const char *file, unsigned line) {
        char *msg = NULL;
        struct origin o = {0};

        assert_int_equal(policy_validate(p, &msg, &o), -EINVAL);
        assert_contains(msg, needle);
        assert_non_null(o.file);
        assert_string_equal(o.file, file);
        assert_int_equal(o.line, line);
        free(msg);
}

static void test_validate(void **state) {
        struct policy *p;
        char *msg = NULL;
        struct origin o = {0};
        char *err = NULL;
        (void)state;

        p = policy_new();
        assert_int_equal(policy_validate(p, &msg, &o), 0);
        assert_int_equal(policy_set(p, key("limits", "cpu"), "50", origin_in(p, "x.conf", 3), true, &err), 0);
        assert_int_equal(policy_validate(p, &msg, &o), 0);
        assert_int_equal(policy_set(p, key("limits", "cpu-quota"), "20000/100000", origin_in(p, "x.conf", 4), true, &err),
                         0);
        expect_invalid(p, "'cpu' and 'cpu-quota' both set", "x.conf", 4);
        policy_free(p);

        p = policy_new();
        assert_int_equal(policy_set(p, key("limits", "memory-swap"), "0", origin_in(p, "y.conf", 9), true, &err), 0);
        expect_invalid(p, "'memory-swap' needs 'memory'", "y.conf", 9);
        assert_int_equal(policy_set(p, key("limits", "memory"), "1G", origin_in(p, "y.conf", 10), true, &err), 0);
        assert_int_equal(policy_validate(p, &msg, &o), 0);
        policy_free(p);

        static const struct {
                const char *key, *value;
        } veth_only[] = {{"bridge", "br0"},       {"address", "10.0.0.2/24"}, {"host-address", "10.0.0.1/24"},
                         {"gateway", "10.0.0.1"}, {"dns", "10.0.0.1"},        {"mtu", "1400"}};
        for (size_t i = 0; i < ELEMENTSOF(veth_only); i++) {
                char want[64];
                p = policy_new();
                assert_int_equal(policy_set(p, key("network", veth_only[i].key), veth_only[i].value,
                                            origin_in(p, "z.conf", 5), true, &err),
                                 0);
                snprintf(want, sizeof(want), "'%s' needs 'mode = veth'", veth_only[i].key);
                expect_invalid(p, want, "z.conf", 5);
                assert_int_equal(policy_set(p, key("network", "mode"), "host", origin_in(p, "z.conf", 6), true, &err), 0);
                expect_invalid(p, want, "z.conf", 5);
                /* With veth the key is meaningful (it may still fail other checks). */
                assert_int_equal(policy_set(p, key("network", "mode"), "veth", origin_in(p, "w.conf", 6), true, &err), 0);
                if (policy_validate(p, &msg, &o) < 0) {
                        if (strstr(msg, "needs 'mode = veth'"))
                                fail_msg("still '%s' with mode = veth", msg);
                        free(msg);
                        msg = NULL;
                }
                policy_free(p);
        }
}

/* Loads "[network]\nmode = veth\n" + lines through policy_set (one line
 * each, from line 2 on) and expects policy_validate to fail on line
 * `line` with `needle`, or to pass when needle is NULL. */
static void expect_net(const char *const *lines, unsigned line, const char *needle) {
        struct policy *p = policy_new();
        char *msg = NULL, *err = NULL;
        struct origin o = {0};
        unsigned n = 2;
        int r;

        assert_int_equal(policy_set(p, key("network", "mode"), "veth", origin_in(p, "n.conf", 1), false, &err), 0);
        for (const char *const *l = lines; *l; l++, n++) {
                char *k = strdup(*l), *eq = strchr(k, '=');
                assert_non_null(eq);
                *eq = 0;
                if (policy_set(p, key("network", k), eq + 1, origin_in(p, "n.conf", n), false, &err) != 0)
                        fail_msg("[network] %s: %s", *l, err ? err : "");
                free(k);
        }
        r = policy_validate(p, &msg, &o);
        if (!needle) {
                if (r != 0)
                        fail_msg("expected a valid network policy, got: %s", msg);
        } else {
                if (r == 0)
                        fail_msg("expected '%s' at line %u, but the policy validated", needle, line);
                assert_contains(msg, needle);
                assert_int_equal(o.line, line);
                free(msg);
        }
        policy_free(p);
}

static void test_validate_network(void **state) {
        (void)state;
        expect_net((const char *const[]){"address=10.0.0.2/24", "gateway=10.0.0.1", "dns=10.0.0.1", "mtu=1400", NULL}, 0,
                   NULL);
        expect_net((const char *const[]){"address=auto", "address=fd00::2/64", "dns=127.0.0.53", NULL}, 0, NULL);
        expect_net((const char *const[]){"address=10.0.0.2/24", "gateway=10.1.0.1", NULL}, 3, "not inside the subnet");
        expect_net((const char *const[]){"address=10.0.0.2/24", "gateway=10.0.0.2", NULL}, 3, "own address");
        expect_net((const char *const[]){"address=10.0.0.2/24", "address=10.0.0.2/16", NULL}, 3, "collides");
        expect_net((const char *const[]){"address=auto", "address=10.0.0.2/24", NULL}, 3, "auto");
        expect_net((const char *const[]){"address=10.0.0.2/24", "address=auto", NULL}, 3, "auto");
        expect_net((const char *const[]){"address=10.0.0.2/24", "mtu=67", NULL}, 3, "out of range");
        expect_net((const char *const[]){"address=10.0.0.2/24", "mtu=65536", NULL}, 3, "out of range");
        expect_net((const char *const[]){"address=fd00::2/64", "mtu=1279", NULL}, 3, "1280");
        expect_net((const char *const[]){"dns=10.0.0.1", "dns=10.0.0.2", "dns=10.0.0.3", "dns=10.0.0.4", NULL}, 5,
                   "more than 3 'dns'");
        expect_net((const char *const[]){"bridge=br0", "host-address=10.0.0.1/24", NULL}, 3, "routed link");
        expect_net((const char *const[]){"address=10.0.0.2/24", "host-address=10.0.0.2/24", NULL}, 3, "collides");
}

static void test_network_addresses(void **state) {
        struct policy *p = policy_new();
        (void)state;

        set_ok(p, "network", "address", "10.0.0.2/24");
        set_ok(p, "network", "address", "10.0.0.2/32");
        set_ok(p, "network", "address", "fd00::2/64");
        set_bad(p, "network", "address", "127.0.0.2/8", "loopback");
        set_bad(p, "network", "address", "10.0.0.0/24", "network address");
        set_bad(p, "network", "address", "10.0.0.255/24", "broadcast address");
        set_bad(p, "network", "address", "224.0.0.1/24", "multicast");
        set_bad(p, "network", "address", "10.0.0.2/0", "prefix /0");
        set_bad(p, "network", "address", "::1/128", "loopback");
        set_bad(p, "network", "address", "ff02::1/64", "multicast");
        set_bad(p, "network", "address", "::ffff:10.0.0.1/96", "IPv4-mapped");
        set_bad(p, "network", "host-address", "auto", "invalid host-address");
        set_bad(p, "network", "gateway", "127.0.0.1", "loopback");
        set_ok(p, "network", "dns", "127.0.0.53"); /* a resolver inside the sandbox */
        set_bad(p, "network", "dns", "0.0.0.0", NULL);
        policy_free(p);
}

static void test_unsupported(void **state) {
        struct policy *p = policy_new();
        const struct key_def *k;
        (void)state;

        assert_null(policy_first_unsupported(p));
        set_ok(p, "limits", "timeout", "5s"); /* enforced by the launcher itself */
        assert_null(policy_first_unsupported(p));
        for (size_t i = 0; i < policy_n_keys; i++)
                if (policy_keys[i].flags & KF_UNSUPPORTED) {
                        struct policy *q = policy_new();
                        for (size_t j = 0; j < ELEMENTSOF(samples); j++)
                                if (streq(samples[j].section, policy_keys[i].section) &&
                                    streq(samples[j].key, policy_keys[i].key))
                                        set_ok(q, samples[j].section, samples[j].key, samples[j].value);
                        k = policy_first_unsupported(q);
                        assert_ptr_equal(k, &policy_keys[i]);
                        policy_free(q);
                }
        policy_free(p);
}

/* ---- suggestions ---------------------------------------------------------- */

static void test_suggest(void **state) {
        char buf[96], small[8];
        const char *s;
        (void)state;

        s = policy_suggest_key("limits", "memroy", buf, sizeof(buf));
        assert_non_null(s);
        assert_string_equal(s, "memory");
        s = policy_suggest_key("limits", "timout", buf, sizeof(buf));
        assert_non_null(s);
        assert_string_equal(s, "timeout");
        s = policy_suggest_key("process", "memory", buf, sizeof(buf));
        assert_non_null(s);
        assert_string_equal(s, "[limits] memory");
        s = policy_suggest_key("", "private-tmp", buf, sizeof(buf));
        assert_non_null(s);
        assert_string_equal(s, "[filesystem] private-tmp");
        assert_null(policy_suggest_key("limits", "completely-unrelated", buf, sizeof(buf)));
        assert_null(policy_suggest_key("limits", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", buf, sizeof(buf)));
        /* the caller's buffer, truncated to its size; two calls do not share one */
        s = policy_suggest_key("", "private-tmp", small, sizeof(small));
        assert_ptr_equal(s, small);
        assert_string_equal(small, "[filesy");
        assert_string_equal(buf, "[filesystem] private-tmp");
}

/* ---- printing ------------------------------------------------------------- */

static void test_print_fresh(void **state) {
        struct policy *p = policy_new();
        char *out = tu_print_policy(p);
        struct profile_file *f = NULL;
        unsigned line = 0;
        char *msg = NULL;
        const char *last = out;
        (void)state;

        /* Every section, in order, and every key as a default comment. */
        static const char *const secs[] = {"[profile]", "[namespaces]", "[process]", "[environment]", "[filesystem]",
                                           "[network]", "[limits]", "[seccomp]", "[capabilities]"};
        for (size_t i = 0; i < ELEMENTSOF(secs); i++) {
                const char *s = strstr(last, secs[i]);
                if (!s)
                        fail_msg("'%s' missing or out of order in:\n%s", secs[i], out);
                last = s;
        }
        assert_contains(out, "# user = auto (default)");
        assert_contains(out, "# action = errno:EPERM (default)");
        /* Nothing but sections: a fresh policy prints as an empty profile. */
        assert_int_equal(profile_parse_buffer(out, strlen(out), &f, &line, &msg), 0);
        assert_int_equal(f->n, 0);
        profile_file_free(f);
        free(out);
        policy_free(p);
}

static void test_print_values_and_origins(void **state) {
        struct policy *p = policy_new();
        char *err = NULL, *out;
        (void)state;

        p->name = strdup("demo");
        assert_int_equal(policy_set(p, key("limits", "memory"), "1024M", origin_in(p, "/p/demo.conf", 12), true, &err), 0);
        assert_int_equal(policy_set(p, key("environment", "keep"), "PATH", origin_in(p, "/p/base.conf", 3), true, &err),
                         0);
        assert_int_equal(policy_set(p, key("profile", "include"), "base", origin_in(p, "/p/demo.conf", 2), true, &err), 0);
        assert_int_equal(policy_set(p, key("limits", "timeout"), "120", origin_in(p, "--timeout", 0), false, &err), 0);
        out = tu_print_policy(p);
        assert_contains(out, "# Resolved policy for 'demo'.");
        /* Each value is preceded by a comment saying where it came from. */
        assert_contains(out, "\n# /p/demo.conf:12\nmemory = 1G\n");
        assert_contains(out, "\n# /p/base.conf:3\nkeep = PATH\n");
        assert_contains(out, "\n# /p/demo.conf:2\n# include = base\n"); /* applied already: commented */
        assert_contains(out, "\n# --timeout\ntimeout = 2m\n");
        free(out);
        policy_free(p);
}

/* Every sample, printed and parsed back, gives the same printed text. */
static void test_print_reparse_all_samples(void **state) {
        struct policy *p = policy_new(), *q = policy_new();
        char *out1, *out2, *n1, *n2;
        struct profile_file *f = NULL;
        unsigned line = 0;
        char *msg = NULL;
        (void)state;

        for (size_t j = 0; j < ELEMENTSOF(samples); j++)
                if (!streq(samples[j].key, "cpu-quota")) /* cpu and cpu-quota exclude each other */
                        set_ok(p, samples[j].section, samples[j].key, samples[j].value);
        out1 = tu_print_policy(p);
        if (profile_parse_buffer(out1, strlen(out1), &f, &line, &msg) != 0)
                fail_msg("printed policy does not parse: line %u: %s\n%s", line, msg, out1);
        for (size_t i = 0; i < f->n; i++) {
                char *e = NULL;
                const struct key_def *k = policy_find_key(f->entries[i].section, f->entries[i].key);
                assert_non_null(k);
                if (policy_set(q, k, f->entries[i].value, origin_in(q, "printed.conf", f->entries[i].line), true, &e) != 0)
                        fail_msg("printed line %u ([%s] %s = %s) does not apply: %s", f->entries[i].line,
                                 f->entries[i].section, f->entries[i].key, f->entries[i].value, e ? e : "");
        }
        profile_file_free(f);
        out2 = tu_print_policy(q);
        n1 = tu_normalize_print(out1);
        n2 = tu_normalize_print(out2);
        assert_string_equal(n1, n2);
        free(n1);
        free(n2);
        free(out1);
        free(out2);
        policy_free(p);
        policy_free(q);
}

static void expect_print_reparses(struct policy *p, const char *value) {
        char *out = tu_print_policy(p), *msg = NULL;
        struct profile_file *f = NULL;
        unsigned line = 0;

        if (profile_parse_buffer(out, strlen(out), &f, &line, &msg) != 0)
                fail_msg("policy_print output does not parse again: line %u: %s", line, msg);
        assert_int_equal(f->n, 1);
        assert_string_equal(f->entries[0].value, value);
        profile_file_free(f);
        free(out);
}

/* Whatever loaded from a profile prints as a profile that loads again.
 * BUG (policy.c policy_print): the longest value a profile line can carry
 * ("description=" + 186 bytes = 198) is printed as "description = VALUE",
 * 200 bytes, over PROFILE_MAX_LINE, so --print-profile output does not load
 * again; values lengthened by ${VAR} expansion overflow the same way. */
static void test_print_long_value_reparses(void **state) {
        struct policy *p = policy_new();
        char value[200], *err = NULL;
        struct profile_file *f = NULL;
        unsigned line = 0;
        char *msg = NULL, src[256];
        (void)state;

        memset(value, 'd', 186);
        value[186] = 0;
        snprintf(src, sizeof(src), "[profile]\ndescription=%s\n", value);
        assert_int_equal(profile_parse_buffer(src, strlen(src), &f, &line, &msg), 0); /* the source is valid */
        assert_string_equal(f->entries[0].value, value);
        profile_file_free(f);
        assert_int_equal(policy_set(p, key("profile", "description"), value, origin_in(p, "/p/x.conf", 2), true, &err),
                         0);
        expect_print_reparses(p, value);
        policy_free(p);
}

/* BUG (policy.c policy_print; found by fuzz_profile): "description=;-)"
 * (no blank before ';', so not a comment) is printed as
 * "description = ;-)", which reads back as an empty value plus a comment
 * and no longer loads ("empty value for 'description'"). */
static void test_print_value_starting_with_semicolon(void **state) {
        struct policy *p = policy_new();
        char *err = NULL;
        struct profile_file *f = NULL;
        unsigned line = 0;
        char *msg = NULL;
        static const char src[] = "[profile]\ndescription=;-) smile\n";
        (void)state;

        assert_int_equal(profile_parse_buffer(src, strlen(src), &f, &line, &msg), 0);
        assert_string_equal(f->entries[0].value, ";-) smile");
        assert_int_equal(policy_set(p, key("profile", "description"), f->entries[0].value, origin_in(p, "/p/x.conf", 2),
                                    true, &err),
                         0);
        profile_file_free(f);
        expect_print_reparses(p, ";-) smile");
        policy_free(p);
}

/* BUG (policy.c policy_print, print_origin): origin comments are lines too;
 * a profile under a directory path longer than ~190 bytes (legal: PATH_MAX
 * is 4096) gives "# FILE:LINE" lines that the 198-byte limit refuses, so the
 * printed policy does not load again. */
static void test_print_long_origin_reparses(void **state) {
        struct policy *p = policy_new();
        char file[300], *err = NULL;
        (void)state;

        memset(file, 'p', sizeof(file));
        file[0] = '/';
        strcpy(file + 240, "/x.conf");
        assert_int_equal(policy_set(p, key("limits", "memory"), "1G", origin_in(p, file, 2), true, &err), 0);
        expect_print_reparses(p, "1G");
        policy_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table_sane),
                cmocka_unit_test(test_every_key_has_sample),
                cmocka_unit_test(test_defaults_match_table),
                cmocka_unit_test(test_samples_round_trip),
                cmocka_unit_test(test_set_typed_fields),
                cmocka_unit_test(test_bad_sizes),
                cmocka_unit_test(test_bad_values),
                cmocka_unit_test(test_tmpfs_sticky_mode),
                cmocka_unit_test(test_long_paths_fully_checked),
                cmocka_unit_test(test_lists_append),
                cmocka_unit_test(test_duplicate_scalar),
                cmocka_unit_test(test_validate),
                cmocka_unit_test(test_validate_network),
                cmocka_unit_test(test_network_addresses),
                cmocka_unit_test(test_unsupported),
                cmocka_unit_test(test_suggest),
                cmocka_unit_test(test_print_fresh),
                cmocka_unit_test(test_print_values_and_origins),
                cmocka_unit_test(test_print_reparse_all_samples),
                cmocka_unit_test(test_print_long_value_reparses),
                cmocka_unit_test(test_print_long_origin_reparses),
                cmocka_unit_test(test_print_value_starting_with_semicolon),
        };
        return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
