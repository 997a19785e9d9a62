/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_launch.c - unit tests for the launcher's small helpers: one
 * resolution of the home directory (userhome.c) and the protected
 * directory list, which must fail whole on ENOMEM (sandbox.c). strdup
 * and strndup are replaced in this binary by versions that fail on the
 * Nth call when armed. */
#include "util.h"

#include <pwd.h>

#include <signal.h>

#include "cgroup.h"
#include "profile.h"
#include "sandbox.h"
#include "userhome.h"

static int fail_countdown = -1; /* the call that fails: 0 = the next one */

static char *dup_n(const char *s, size_t n) {
        size_t len = strnlen(s, n);
        char *d;

        if (fail_countdown == 0) {
                fail_countdown = -1;
                errno = ENOMEM;
                return NULL;
        }
        if (fail_countdown > 0)
                fail_countdown--;
        d = malloc(len + 1);
        if (d) {
                memcpy(d, s, len);
                d[len] = 0;
        }
        return d;
}

char *strdup(const char *s) { return dup_n(s, SIZE_MAX); }
char *strndup(const char *s, size_t n) { return dup_n(s, n); }

static void test_home_from_env(void **state) {
        char buf[256];
        (void)state;

        assert_int_equal(setenv("HOME", "/home/someone", 1), 0);
        assert_int_equal(user_home(buf, sizeof(buf)), 0);
        assert_string_equal(buf, "/home/someone");
        assert_int_equal(user_home(buf, 5), -ENAMETOOLONG);
}

/* Unset, empty or relative: the passwd entry, as everywhere else. */
static void test_home_from_passwd(void **state) {
        const char *bad[] = {NULL, "", "relative/home"};
        struct passwd *pw = getpwuid(getuid());
        char buf[4096], want[4096];
        (void)state;

        if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/')
                fail_msg("no passwd entry with a home for uid %u", (unsigned)getuid());
        snprintf(want, sizeof(want), "%s", pw->pw_dir);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                if (bad[i])
                        assert_int_equal(setenv("HOME", bad[i], 1), 0);
                else
                        assert_int_equal(unsetenv("HOME"), 0);
                assert_int_equal(user_home(buf, sizeof(buf)), 0);
                assert_string_equal(buf, want);
        }
}

static void test_protected_dirs(void **state) {
        char d0[] = "/etc/sandbox/profiles.d", d1[] = "/home/u/.config/sandbox/profiles.d";
        char *dirs[] = {d0, d1, NULL};
        const char *want[] = {"/etc/sandbox", "/etc/sandbox/profiles.d", "/home/u/.config/sandbox",
                              "/home/u/.config/sandbox/profiles.d", "/sys", "/proc", NULL};
        char **out = NULL;
        size_t i;
        (void)state;

        assert_int_equal(sandbox_protected_dirs_from(dirs, true, &out), 0);
        for (i = 0; want[i]; i++) {
                assert_non_null(out[i]);
                assert_string_equal(out[i], want[i]);
        }
        assert_null(out[i]);
        profile_strv_free(out);
}

/* Every one of the six copies failing gives -ENOMEM and no list. */
static void test_protected_dirs_enomem(void **state) {
        char d0[] = "/etc/sandbox/profiles.d", d1[] = "/home/u/.config/sandbox/profiles.d";
        char *dirs[] = {d0, d1, NULL};
        (void)state;

        for (int n = 0; n < 6; n++) {
                char **out = NULL;
                fail_countdown = n;
                assert_int_equal(sandbox_protected_dirs_from(dirs, true, &out), -ENOMEM);
                assert_null(out);
                assert_int_equal(fail_countdown, -1); /* the Nth call did fail */
        }
        fail_countdown = -1;
}

/* PID 1 SIGKILLed with the cgroup's OOM kill: the program's status;
 * anything else without a report stays a launcher failure. */
static void test_oom_took_init(void **state) {
        struct cgroup_stats oom = {.valid = true, .oom_kill = 1}, none = {.valid = true}, nocg = {0};
        int killed = SIGKILL, termed = SIGTERM, exited = 1 << 8;
        (void)state;

        assert_true(sandbox_oom_took_init(false, killed, &oom));
        assert_false(sandbox_oom_took_init(true, killed, &oom));  /* it did report */
        assert_false(sandbox_oom_took_init(false, killed, &none)); /* killed from outside */
        assert_false(sandbox_oom_took_init(false, killed, &nocg));
        assert_false(sandbox_oom_took_init(false, termed, &oom));
        assert_false(sandbox_oom_took_init(false, exited, &oom));
        assert_false(sandbox_oom_took_init(false, -1, &oom));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_home_from_env),
                cmocka_unit_test(test_home_from_passwd),
                cmocka_unit_test(test_protected_dirs),
                cmocka_unit_test(test_protected_dirs_enomem),
                cmocka_unit_test(test_oom_took_init),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
