/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_env.c - unit tests for exec_build_env: clear/keep (with patterns),
 * the loader variables that only `set` can pass, unset, set overriding,
 * and odd environment entries. */
#include "util.h"

#include "exec.h"
#include "macro.h"
#include "policy.h"

static void set(struct policy *p, const char *section, const char *key, const char *value) {
        char *msg = NULL;
        struct origin o = {policy_intern_file(p, "env.conf"), 1};
        const struct key_def *k = policy_find_key(section, key);

        assert_non_null(k);
        if (policy_set(p, k, value, o, false, &msg) != 0)
                fail_msg("policy_set([%s] %s = %s): %s", section, key, value, msg ? msg : "");
}

/* exec_build_env takes char *const *: string literals are never written. */
#define S(lit) ((char *)(uintptr_t)(lit))

static char **build(const struct policy *p, char **in) {
        char **out = NULL;

        assert_int_equal(exec_build_env(p, in, &out), 0);
        assert_non_null(out);
        return out;
}

static size_t count(char **env) {
        size_t n = 0;
        while (env[n])
                n++;
        return n;
}

/* The value of NAME in env, or NULL; fails if NAME appears twice. */
static const char *get(char **env, const char *name) {
        size_t len = strlen(name);
        const char *found = NULL;

        for (char **e = env; *e; e++)
                if (strncmp(*e, name, len) == 0 && (*e)[len] == '=') {
                        if (found)
                                fail_msg("%s appears twice in the environment", name);
                        found = *e + len + 1;
                }
        return found;
}

static char *host_env[] = {
        S("PATH=/usr/bin:/bin"),
        S("HOME=/home/u"),
        S("LANG=C.UTF-8"),
        S("LC_ALL=C"),
        S("LC_CTYPE=en_US.UTF-8"),
        S("LCX=not-a-locale"),
        S("TERM=xterm"),
        S("DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus"),
        S("DISPLAY=:0"),
        S("LD_PRELOAD=/tmp/evil.so"),
        S("LD_LIBRARY_PATH=/tmp/evil"),
        S("LD_AUDIT=/tmp/audit.so"),
        S("GCONV_PATH=/tmp/gconv"),
        S("GLIBC_TUNABLES=glibc.malloc.check=3"),
        S("MALLOC_TRACE=/tmp/t"),
        S("TMPDIR=/tmp/x"),
        S("FOO=bar"),
        S("NOEQUALS"),
        S("=emptyname"),
        NULL,
};

static void test_clear_keeps_only_keep(void **state) {
        struct policy *p = policy_new();
        char **out;
        (void)state;

        assert_true(p->env_clear); /* the default */
        set(p, "environment", "keep", "PATH");
        set(p, "environment", "keep", "LC_*");
        set(p, "environment", "keep", "NOT_PRESENT");
        out = build(p, host_env);
        assert_string_equal(get(out, "PATH"), "/usr/bin:/bin");
        assert_string_equal(get(out, "LC_ALL"), "C");
        assert_string_equal(get(out, "LC_CTYPE"), "en_US.UTF-8");
        assert_null(get(out, "LCX")); /* LC_* needs the underscore */
        assert_null(get(out, "HOME"));
        assert_null(get(out, "DBUS_SESSION_BUS_ADDRESS"));
        assert_null(get(out, "DISPLAY"));
        assert_null(get(out, "NOT_PRESENT"));
        assert_int_equal(count(out), 3);
        exec_env_free(out);
        policy_free(p);
}

static void test_clear_with_nothing_kept(void **state) {
        struct policy *p = policy_new();
        char **out;
        (void)state;

        out = build(p, host_env);
        assert_int_equal(count(out), 0);
        exec_env_free(out);
        out = build(p, NULL);
        assert_int_equal(count(out), 0);
        exec_env_free(out);
        policy_free(p);
}

static void test_loader_vars_never_kept(void **state) {
        struct policy *p = policy_new();
        char **out;
        (void)state;

        set(p, "environment", "keep", "LD_PRELOAD");
        set(p, "environment", "keep", "LD_*");
        set(p, "environment", "keep", "*");
        out = build(p, host_env);
        assert_null(get(out, "LD_PRELOAD"));
        assert_null(get(out, "LD_LIBRARY_PATH"));
        assert_null(get(out, "LD_AUDIT"));
        assert_null(get(out, "GCONV_PATH"));
        assert_null(get(out, "GLIBC_TUNABLES"));
        assert_null(get(out, "MALLOC_TRACE"));
        assert_null(get(out, "TMPDIR"));
        assert_string_equal(get(out, "FOO"), "bar"); /* '*' keeps the rest */
        assert_string_equal(get(out, "DISPLAY"), ":0");
        assert_null(get(out, "NOEQUALS"));
        exec_env_free(out);
        policy_free(p);
}

static void test_no_clear(void **state) {
        struct policy *p = policy_new();
        char **out;
        (void)state;

        set(p, "environment", "clear", "no");
        set(p, "environment", "unset", "DBUS_SESSION_BUS_ADDRESS");
        set(p, "environment", "unset", "DISPLAY");
        set(p, "environment", "unset", "NOT_PRESENT");
        out = build(p, host_env);
        assert_string_equal(get(out, "PATH"), "/usr/bin:/bin");
        assert_string_equal(get(out, "HOME"), "/home/u");
        assert_string_equal(get(out, "LCX"), "not-a-locale");
        assert_string_equal(get(out, "FOO"), "bar");
        assert_null(get(out, "DBUS_SESSION_BUS_ADDRESS"));
        assert_null(get(out, "DISPLAY"));
        assert_null(get(out, "LD_PRELOAD"));
        assert_null(get(out, "LD_LIBRARY_PATH"));
        assert_null(get(out, "LD_AUDIT"));
        assert_null(get(out, "GLIBC_TUNABLES"));
        assert_null(get(out, "NOEQUALS"));
        for (char **e = out; *e; e++)
                assert_non_null(strchr(*e, '='));
        exec_env_free(out);
        policy_free(p);
}

static void test_unset_beats_keep(void **state) {
        struct policy *p = policy_new();
        char **out;
        (void)state;

        set(p, "environment", "keep", "FOO");
        set(p, "environment", "keep", "PATH");
        set(p, "environment", "unset", "FOO");
        out = build(p, host_env);
        assert_null(get(out, "FOO"));
        assert_non_null(get(out, "PATH"));
        exec_env_free(out);
        policy_free(p);
}

static void test_set(void **state) {
        struct policy *p = policy_new();
        char **out;
        (void)state;

        set(p, "environment", "keep", "PATH");
        set(p, "environment", "keep", "FOO");
        set(p, "environment", "set", "FOO=overridden");
        set(p, "environment", "set", "NEW=1");
        set(p, "environment", "set", "LD_PRELOAD=/usr/lib/libwanted.so"); /* explicit: allowed */
        set(p, "environment", "set", "PATH=/sandbox/bin");
        set(p, "environment", "set", "EMPTY=");
        set(p, "environment", "set", "EQ=a=b");
        set(p, "environment", "set", "NEW=2"); /* the last set wins */
        set(p, "environment", "unset", "EQ");   /* unset applies to the inherited environment only */
        out = build(p, host_env);
        assert_string_equal(get(out, "FOO"), "overridden");
        assert_string_equal(get(out, "NEW"), "2");
        assert_string_equal(get(out, "LD_PRELOAD"), "/usr/lib/libwanted.so");
        assert_string_equal(get(out, "PATH"), "/sandbox/bin");
        assert_string_equal(get(out, "EMPTY"), "");
        assert_string_equal(get(out, "EQ"), "a=b");
        assert_null(get(out, "LD_LIBRARY_PATH"));
        assert_int_equal(count(out), 6);
        exec_env_free(out);
        policy_free(p);
}

static void test_duplicate_inherited(void **state) {
        struct policy *p = policy_new();
        char *in[] = {S("A=1"), S("B=x"), S("A=2"), NULL};
        char **out;
        (void)state;

        set(p, "environment", "clear", "no");
        out = build(p, in);
        assert_string_equal(get(out, "A"), "2");
        assert_int_equal(count(out), 2);
        exec_env_free(out);
        policy_free(p);
}

static void test_unsafe_names(void **state) {
        (void)state;
        assert_true(exec_env_is_unsafe("LD_PRELOAD", 10));
        assert_true(exec_env_is_unsafe("LD_LIBRARY_PATH", 15));
        assert_true(exec_env_is_unsafe("LD_PRELOAD=x", 10));
        assert_false(exec_env_is_unsafe("LD_PRELOADX", 11));
        assert_false(exec_env_is_unsafe("LD_PRELOA", 9));
        assert_false(exec_env_is_unsafe("PATH", 4));
        assert_false(exec_env_is_unsafe("", 0));
}

/* `unset` must remove a variable whatever its name's length.
 * BUG (exec.c name_in): names of 256 bytes or more are copied into a
 * 256-byte buffer and silently never match, so `unset = LONGNAME` (and
 * `keep`) is ignored for them and the variable passes with clear = no. */
static void test_unset_long_name(void **state) {
        struct policy *p = policy_new();
        char name[301], entry[310];
        char *in[] = {entry, S("SHORT=1"), NULL};
        char **out;
        (void)state;

        memset(name, 'V', 300);
        name[300] = 0;
        snprintf(entry, sizeof(entry), "%s=secret", name);
        set(p, "environment", "clear", "no");
        set(p, "environment", "unset", name);
        out = build(p, in);
        assert_null(get(out, name));
        assert_non_null(get(out, "SHORT"));
        exec_env_free(out);
        policy_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_clear_keeps_only_keep),
                cmocka_unit_test(test_clear_with_nothing_kept),
                cmocka_unit_test(test_loader_vars_never_kept),
                cmocka_unit_test(test_no_clear),
                cmocka_unit_test(test_unset_beats_keep),
                cmocka_unit_test(test_set),
                cmocka_unit_test(test_duplicate_inherited),
                cmocka_unit_test(test_unsafe_names),
                cmocka_unit_test(test_unset_long_name),
        };
        return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
