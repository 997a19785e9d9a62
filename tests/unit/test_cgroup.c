/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_cgroup.c - unit tests for the pure parts of cgroup.c (file parsers
 * with fixtures taken from real kernels, including missing and unknown
 * keys; cpu.max formatting; leaf names; mountinfo and /proc/self/cgroup)
 * and for the run report's text and JSON (report.c). */
#include "util.h"

#include <inttypes.h>

#include "cgroup.h"
#include "macro.h"
#include "policy.h"
#include "report.h"

/* ---- names ------------------------------------------------------------------- */

static void test_name_valid(void **state) {
        char long_id[256];

        (void)state;
        assert_true(cgroup_name_valid("firefox-1234"));
        assert_true(cgroup_name_valid("build_2024.01@ci+x:y"));
        assert_false(cgroup_name_valid(NULL));
        assert_false(cgroup_name_valid(""));
        assert_false(cgroup_name_valid("."));
        assert_false(cgroup_name_valid(".."));
        assert_false(cgroup_name_valid(".hidden"));
        assert_false(cgroup_name_valid("a/b"));
        assert_false(cgroup_name_valid("../x"));
        assert_false(cgroup_name_valid("a b"));
        assert_false(cgroup_name_valid("a\nb"));
        assert_false(cgroup_name_valid("a\tb"));
        assert_false(cgroup_name_valid("caf\xc3\xa9"));
        memset(long_id, 'a', 200);
        long_id[200] = 0;
        assert_true(cgroup_name_valid(long_id));
        long_id[200] = 'a';
        long_id[201] = 0;
        assert_false(cgroup_name_valid(long_id));
}

static void test_leaf_name(void **state) {
        char buf[256], tiny[8];

        (void)state;
        assert_int_equal(cgroup_leaf_name("probe-42", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "probe-42.sandbox");
        assert_int_equal(cgroup_leaf_name("a/b", buf, sizeof(buf)), -EINVAL);
        assert_int_equal(cgroup_leaf_name("probe-42", tiny, sizeof(tiny)), -ENAMETOOLONG);
        assert_true(cgroup_is_leaf_name("probe-42.sandbox"));
        assert_false(cgroup_is_leaf_name(".sandbox"));
        assert_false(cgroup_is_leaf_name("probe-42"));
        assert_false(cgroup_is_leaf_name("app.slice"));
        assert_false(cgroup_is_leaf_name("1234.launcher"));
        assert_false(cgroup_is_leaf_name("x.sandbox.old"));
}

/* ---- cpu.max ------------------------------------------------------------------ */

static void test_cpu_max(void **state) {
        char buf[64];

        (void)state;
        assert_int_equal(cgroup_format_cpu_max(50, 0, 0, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "50000 100000");
        assert_int_equal(cgroup_format_cpu_max(20, 0, 0, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "20000 100000");
        assert_int_equal(cgroup_format_cpu_max(1, 0, 0, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "1000 100000");
        assert_int_equal(cgroup_format_cpu_max(250, 0, 0, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "250000 100000"); /* two and a half CPUs */
        assert_int_equal(cgroup_format_cpu_max(100000, 0, 0, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "100000000 100000");
        assert_int_equal(cgroup_format_cpu_max(0, 20000, 100000, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "20000 100000");
        assert_int_equal(cgroup_format_cpu_max(0, 5000, 10000, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "5000 10000");
        assert_int_equal(cgroup_format_cpu_max(0, 0, 0, buf, sizeof(buf)), -EINVAL);
        assert_int_equal(cgroup_format_cpu_max(0, 999, 100000, buf, sizeof(buf)), -EINVAL);
        assert_int_equal(cgroup_format_cpu_max(0, 1000, 999, buf, sizeof(buf)), -EINVAL);
        assert_int_equal(cgroup_format_cpu_max(0, 1000, 1000001, buf, sizeof(buf)), -EINVAL);
        assert_int_equal(cgroup_format_cpu_max(50, 0, 0, buf, 5), -ENAMETOOLONG);
}

/* ---- controllers ------------------------------------------------------------- */

static void test_controllers(void **state) {
        char buf[64];

        (void)state;
        assert_int_equal(cgroup_parse_controllers("cpuset cpu io memory hugetlb pids rdma misc\n"), CG_ALL);
        assert_int_equal(cgroup_parse_controllers("hugetlb\n"), 0);
        assert_int_equal(cgroup_parse_controllers(""), 0);
        assert_int_equal(cgroup_parse_controllers("\n"), 0);
        assert_int_equal(cgroup_parse_controllers("memory pids"), CG_MEMORY | CG_PIDS);
        assert_int_equal(cgroup_parse_controllers("cpuset cpuacct"), 0); /* prefixes are not names */
        cgroup_format_controllers(CG_ALL, '+', buf, sizeof(buf));
        assert_string_equal(buf, "+cpu +memory +pids");
        cgroup_format_controllers(CG_MEMORY | CG_PIDS, '-', buf, sizeof(buf));
        assert_string_equal(buf, "-memory -pids");
        cgroup_format_controllers(CG_CPU, 0, buf, sizeof(buf));
        assert_string_equal(buf, "cpu");
        cgroup_format_controllers(0, '+', buf, sizeof(buf));
        assert_string_equal(buf, "");
}

/* ---- value files ------------------------------------------------------------ */

static void test_parse_u64(void **state) {
        uint64_t v = 0;

        (void)state;
        assert_int_equal(cgroup_parse_u64("33554432\n", &v), 0);
        assert_int_equal(v, 33554432);
        assert_int_equal(cgroup_parse_u64("max\n", &v), 0);
        assert_true(v == UINT64_MAX);
        assert_int_equal(cgroup_parse_u64("0", &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(cgroup_parse_u64("", &v), -EINVAL);
        assert_int_equal(cgroup_parse_u64("\n", &v), -EINVAL);
        assert_int_equal(cgroup_parse_u64("12x\n", &v), -EINVAL);
        assert_int_equal(cgroup_parse_u64("-1\n", &v), -EINVAL);
        assert_int_equal(cgroup_parse_u64("1\n2\n", &v), -EINVAL);
        assert_int_equal(cgroup_parse_u64("99999999999999999999999\n", &v), -ERANGE);
}

static const char cpu_stat_6_1[] = "usage_usec 401234\n"
                                   "user_usec 300000\n"
                                   "system_usec 101234\n"
                                   "nr_periods 21\n"
                                   "nr_throttled 19\n"
                                   "throttled_usec 1598765\n"
                                   "nr_bursts 0\n"
                                   "burst_usec 0\n";
/* cpu controller not enabled: only the core keys; newer kernels add more. */
static const char cpu_stat_core[] = "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\ncore_sched.force_idle_usec 0\n";
static const char memory_events[] = "low 0\nhigh 0\nmax 112\noom 1\noom_kill 1\noom_group_kill 1\n";
static const char pids_events[] = "max 48\n";

static void test_keyed(void **state) {
        uint64_t v = 7;

        (void)state;
        assert_int_equal(cgroup_keyed_u64(cpu_stat_6_1, "usage_usec", &v), 0);
        assert_int_equal(v, 401234);
        assert_int_equal(cgroup_keyed_u64(cpu_stat_6_1, "throttled_usec", &v), 0);
        assert_int_equal(v, 1598765);
        assert_int_equal(cgroup_keyed_u64(cpu_stat_6_1, "burst_usec", &v), 0);
        assert_int_equal(v, 0);
        /* "max" must not match "max_something", "oom" not "oom_kill" */
        assert_int_equal(cgroup_keyed_u64(memory_events, "oom", &v), 0);
        assert_int_equal(v, 1);
        assert_int_equal(cgroup_keyed_u64(memory_events, "oom_kill", &v), 0);
        assert_int_equal(v, 1);
        assert_int_equal(cgroup_keyed_u64("max_x 3\nmax 5\n", "max", &v), 0);
        assert_int_equal(v, 5);
        assert_int_equal(cgroup_keyed_u64(cpu_stat_core, "nr_throttled", &v), -ENOENT);
        assert_int_equal(cgroup_keyed_u64("", "max", &v), -ENOENT);
        assert_int_equal(cgroup_keyed_u64("max", "max", &v), -ENOENT);
        assert_int_equal(cgroup_keyed_u64("max x\n", "max", &v), -EINVAL);
        assert_int_equal(cgroup_keyed_u64("populated 0\nfrozen 0", "frozen", &v), 0); /* no final newline */
        assert_int_equal(v, 0);
}

static void test_stats_parse(void **state) {
        struct cgroup_stats st = {0};

        (void)state;
        assert_int_equal(cgroup_stats_parse("cpu.stat", cpu_stat_6_1, &st), 0);
        assert_true(st.valid);
        assert_int_equal(st.cpu_usage_us, 401234);
        assert_int_equal(st.cpu_user_us, 300000);
        assert_int_equal(st.cpu_system_us, 101234);
        assert_int_equal(st.nr_throttled, 19);
        assert_int_equal(st.throttled_us, 1598765);
        assert_int_equal(cgroup_stats_parse("memory.events", memory_events, &st), 0);
        assert_int_equal(st.oom_kill, 1);
        assert_int_equal(cgroup_stats_parse("memory.peak", "33550336\n", &st), 0);
        assert_true(st.memory_peak_valid);
        assert_int_equal(st.memory_peak, 33550336);
        assert_int_equal(cgroup_stats_parse("pids.events", pids_events, &st), 0);
        assert_int_equal(st.pids_max_events, 48);
        assert_int_equal(cgroup_stats_parse("pids.peak", "16\n", &st), 0);
        assert_true(st.pids_peak_valid);
        assert_int_equal(st.pids_peak, 16);
        /* unknown files and keys change nothing */
        assert_int_equal(cgroup_stats_parse("io.stat", "8:0 rbytes=1\n", &st), 0);
        assert_int_equal(cgroup_stats_parse("memory.events", "new_key 9\n", &st), 0);
        assert_int_equal(st.oom_kill, 1);
}

static void test_stats_missing(void **state) {
        struct cgroup_stats st = {0};

        (void)state;
        /* cpu controller off: the core keys only; nothing throttled */
        assert_int_equal(cgroup_stats_parse("cpu.stat", cpu_stat_core, &st), 0);
        assert_true(st.valid);
        assert_int_equal(st.cpu_usage_us, 1500);
        assert_int_equal(st.nr_throttled, 0);
        assert_false(st.memory_peak_valid);
        assert_false(st.pids_peak_valid);
        /* malformed known key: reported, the rest still parsed */
        memset(&st, 0, sizeof(st));
        assert_int_equal(cgroup_stats_parse("cpu.stat", "usage_usec x\nuser_usec 5\n", &st), -EINVAL);
        assert_false(st.valid);
        assert_int_equal(st.cpu_user_us, 5);
        assert_int_equal(cgroup_stats_parse("memory.peak", "", &st), -EINVAL);
        assert_false(st.memory_peak_valid);
}

/* ---- where we are ------------------------------------------------------------ */

static void test_proc_self(void **state) {
        char *p = NULL;

        (void)state;
        assert_int_equal(cgroup_parse_proc_self("0::/user.slice/user-1000.slice/session-2.scope\n", &p), 0);
        assert_string_equal(p, "/user.slice/user-1000.slice/session-2.scope");
        free(p);
        /* hybrid host: v1 lines first */
        assert_int_equal(cgroup_parse_proc_self("9:name=systemd:/\n4:memory:/x\n1:cpu:/\n0::/\n", &p), 0);
        assert_string_equal(p, "/");
        free(p);
        assert_int_equal(cgroup_parse_proc_self("4:memory:/x\n1:cpu:/\n", &p), -ENOENT);
        assert_int_equal(cgroup_parse_proc_self("", &p), -ENOENT);
        assert_int_equal(cgroup_parse_proc_self("0::\n", &p), -EINVAL);
        assert_int_equal(cgroup_parse_proc_self("10::/x\n", &p), -ENOENT);
}

static const char mountinfo_hybrid[] =
        "22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw\n"
        "25 22 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
        "26 25 0:22 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw\n"
        "27 25 0:23 / /sys/fs/cgroup/memory rw,nosuid shared:11 - cgroup cgroup rw,memory\n";
static const char mountinfo_unified[] =
        "22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw\n"
        "30 22 0:26 /sandbox /mnt/cg\\040x rw - cgroup2 cgroup2 rw\n"
        "25 22 0:21 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
        "rw,nsdelegate,memory_recursiveprot\n";

static void test_mountinfo(void **state) {
        char *mp = NULL, *root = NULL;
        bool nsd = true;

        (void)state;
        assert_int_equal(cgroup_parse_mountinfo(mountinfo_hybrid, &mp, &root, &nsd), 0);
        assert_string_equal(mp, "/sys/fs/cgroup/unified");
        assert_string_equal(root, "/");
        assert_false(nsd);
        free(mp);
        free(root);
        /* /sys/fs/cgroup preferred over an earlier bind elsewhere */
        assert_int_equal(cgroup_parse_mountinfo(mountinfo_unified, &mp, &root, &nsd), 0);
        assert_string_equal(mp, "/sys/fs/cgroup");
        assert_true(nsd);
        free(mp);
        free(root);
        /* escapes; no optional fields */
        assert_int_equal(cgroup_parse_mountinfo("30 22 0:26 /a\\134b /mnt/cg\\040x rw - cgroup2 none rw\n", &mp, &root,
                                                &nsd),
                         0);
        assert_string_equal(mp, "/mnt/cg x");
        assert_string_equal(root, "/a\\b");
        free(mp);
        free(root);
        assert_int_equal(cgroup_parse_mountinfo("27 25 0:23 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
                                                &mp, &root, &nsd),
                         -ENOENT);
        assert_int_equal(cgroup_parse_mountinfo("garbage\n\n", &mp, &root, &nsd), -ENOENT);
        /* cgroup2 as a field other than fstype does not count */
        assert_int_equal(cgroup_parse_mountinfo("1 2 0:1 / /cgroup2 rw - tmpfs cgroup2 rw\n", &mp, &root, &nsd),
                         -ENOENT);
}

static void test_relative(void **state) {
        char *rel = NULL;

        (void)state;
        assert_int_equal(cgroup_relative_path("/a/b", "/", &rel), 0);
        assert_string_equal(rel, "a/b");
        free(rel);
        assert_int_equal(cgroup_relative_path("/a/b", "/a", &rel), 0);
        assert_string_equal(rel, "b");
        free(rel);
        assert_int_equal(cgroup_relative_path("/", "/", &rel), 0);
        assert_string_equal(rel, "");
        free(rel);
        assert_int_equal(cgroup_relative_path("/sys/fs/cgroup/sandbox/", "/sys/fs/cgroup", &rel), 0);
        assert_string_equal(rel, "sandbox");
        free(rel);
        assert_int_equal(cgroup_relative_path("/sys/fs/cgroup", "/sys/fs/cgroup", &rel), 0);
        assert_string_equal(rel, "");
        free(rel);
        assert_int_equal(cgroup_relative_path("/ab", "/a", &rel), -EXDEV);
        assert_int_equal(cgroup_relative_path("/sys/fs/cgroup/sandbox", "/sys/fs/cgroup/unified", &rel), -EXDEV);
        assert_int_equal(cgroup_relative_path("/../../x", "/", &rel), -EXDEV); /* outside our namespace */
        assert_int_equal(cgroup_relative_path("a/b", "/", &rel), -EXDEV);
}

/* ---- policy -> controllers ---------------------------------------------------- */

static void test_wanted(void **state) {
        struct policy *p = policy_new();

        (void)state;
        assert_non_null(p);
        assert_false(cgroup_needed(p));
        assert_int_equal(cgroup_wanted(p), 0);
        p->memory = 32 << 20;
        assert_int_equal(cgroup_wanted(p), CG_MEMORY);
        p->cpu_percent = 50;
        assert_int_equal(cgroup_wanted(p), CG_MEMORY | CG_CPU);
        p->memory = 0;
        p->cpu_percent = 0;
        p->cpu_quota_us = 20000;
        p->pids = 16;
        assert_int_equal(cgroup_wanted(p), CG_CPU | CG_PIDS);
        assert_true(cgroup_needed(p));
        policy_free(p);
}

/* ---- report ----------------------------------------------------------------- */

static char *render(void (*fn)(FILE *, const struct run_report *), const struct run_report *r) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        assert_non_null(f);
        fn(f, r);
        fclose(f);
        return buf;
}

static void json(FILE *f, const struct run_report *r) { assert_int_equal(report_print_json(f, r), 0); }

static void test_report_oom(void **state) {
        struct run_report r = {.id = "probe-1", .profile = "p\"q", .exit_code = 137, .signal = 9, .oom_killed = true,
                               .wall_time_us = 1500000, .memory_peak = 33554432, .memory_limit = 32 << 20,
                               .oom_kill = 1, .from_cgroup = true};
        char *s;

        (void)state;
        snprintf(r.cgroup, sizeof(r.cgroup), "/sys/fs/cgroup/sandbox/probe-1.sandbox");
        s = render(report_print_human, &r);
        tu_assert_contains(s, "sandbox: probe-1: killed: out of memory (limit 32M); wall 1.500 s", __FILE__, __LINE__);
        tu_assert_contains(s, "memory peak 32.0 MiB", __FILE__, __LINE__);
        free(s);
        s = render(json, &r);
        tu_assert_contains(s, "\"oom_killed\":true", __FILE__, __LINE__);
        tu_assert_contains(s, "\"profile\":\"p\\\"q\"", __FILE__, __LINE__);
        tu_assert_contains(s, "\"oom_kill\":1", __FILE__, __LINE__);
        tu_assert_contains(s, "\"memory_peak\":33554432", __FILE__, __LINE__);
        tu_assert_contains(s, "\"source\":\"cgroup\",\"cgroup\":\"/sys/fs/cgroup/sandbox/probe-1.sandbox\"}",
                           __FILE__, __LINE__);
        free(s);
}

static void test_report_plain(void **state) {
        struct run_report r = {.id = "x", .exit_code = 3, .wall_time_us = 2000, .cpu_user_us = 1000,
                               .memory_peak = 800, .pids_peak = 16, .pids_max_events = 48,
                               .cpu_throttled_us = 1600000, .cpu_nr_throttled = 19};
        char *s;

        (void)state;
        s = render(report_print_human, &r);
        tu_assert_contains(s, "exit status 3;", __FILE__, __LINE__);
        tu_assert_contains(s, "memory peak 800 B, pids peak 16, 48 forks or threads refused (pids limit), "
                              "throttled 1.600 s in 19 periods\n", __FILE__, __LINE__);
        free(s);
        s = render(json, &r);
        tu_assert_contains(s, "\"profile\":\"\"", __FILE__, __LINE__);
        tu_assert_contains(s, "\"oom_killed\":false", __FILE__, __LINE__);
        tu_assert_contains(s, "\"cpu_nr_throttled\":19,", __FILE__, __LINE__);
        tu_assert_contains(s, "\"pids_max_events\":48,", __FILE__, __LINE__);
        tu_assert_contains(s, "\"source\":\"rusage\",\"cgroup\":null}\n", __FILE__, __LINE__);
        free(s);
}

/* ---- the pre-5.14 kill fallback --------------------------------------------- */

/* A fake cgroup: members, a freezer, and a log of the operations. A
 * member in respawn forks one new member (pid + 100) while the cgroup is
 * thawed, once; immortal members never die. */
struct fake_cg {
        pid_t members[16];
        size_t n;
        bool frozen;
        int freezes, thaws;
        bool unbalanced;   /* frozen twice, or thawed while thawed */
        bool killed_thawed; /* a kill while not frozen */
        pid_t respawn, immortal;
        char log[512];
};

static void fake_log(struct fake_cg *f, const char *what) {
        strncat(f->log, what, sizeof(f->log) - strlen(f->log) - 1);
}

static int fake_freeze(void *ctx, bool on) {
        struct fake_cg *f = ctx;

        if (f->frozen == on)
                f->unbalanced = true;
        f->frozen = on;
        on ? f->freezes++ : f->thaws++;
        fake_log(f, on ? "F" : "T");
        if (!on && f->respawn) { /* it forks as soon as it runs again */
                f->members[f->n++] = f->respawn + 100;
                f->respawn = 0;
        }
        return 0;
}

static int fake_read(void *ctx, char **ret) {
        struct fake_cg *f = ctx;
        char buf[256] = "";

        fake_log(f, "R");
        for (size_t i = 0; i < f->n; i++)
                snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%d\n", (int)f->members[i]);
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

static int fake_kill(void *ctx, pid_t pid) {
        struct fake_cg *f = ctx;

        fake_log(f, "K");
        if (!f->frozen)
                f->killed_thawed = true;
        for (size_t i = 0; i < f->n; i++)
                if (f->members[i] == pid && pid != f->immortal) {
                        f->members[i] = f->members[--f->n];
                        break;
                }
        return 0;
}

static void fake_settle(void *ctx) { fake_log(ctx, "S"); }

static const struct cgroup_kill_ops fake_ops = {fake_freeze, fake_read, fake_kill, fake_settle};

/* Freeze, read, kill, thaw in every round; the last round finds it empty. */
static void test_kill_rounds(void **state) {
        struct fake_cg f = {.members = {10, 11}, .n = 2};
        (void)state;

        assert_int_equal(cgroup_kill_rounds(&fake_ops, &f, 10), 0);
        assert_string_equal(f.log, "FRKKTSFRT");
        assert_int_equal(f.n, 0);
        assert_false(f.frozen);
        assert_false(f.unbalanced);
        assert_false(f.killed_thawed);
}

/* A fork that raced the first round is caught frozen in the second. */
static void test_kill_rounds_respawn(void **state) {
        struct fake_cg f = {.members = {10}, .n = 1, .respawn = 10};
        (void)state;

        assert_int_equal(cgroup_kill_rounds(&fake_ops, &f, 10), 0);
        assert_string_equal(f.log, "FRKTSFRKTSFRT");
        assert_int_equal(f.freezes, 3);
        assert_int_equal(f.thaws, 3);
        assert_false(f.unbalanced);
        assert_false(f.killed_thawed);
}

/* A member that never goes: -EBUSY after the rounds, thawed. */
static void test_kill_rounds_busy(void **state) {
        struct fake_cg f = {.members = {10}, .n = 1, .immortal = 10};
        (void)state;

        assert_int_equal(cgroup_kill_rounds(&fake_ops, &f, 3), -EBUSY);
        assert_string_equal(f.log, "FRKTSFRKTSFRKTS");
        assert_false(f.frozen);
        assert_false(f.unbalanced);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_name_valid),    cmocka_unit_test(test_leaf_name),
                cmocka_unit_test(test_cpu_max),       cmocka_unit_test(test_controllers),
                cmocka_unit_test(test_parse_u64),     cmocka_unit_test(test_keyed),
                cmocka_unit_test(test_stats_parse),   cmocka_unit_test(test_stats_missing),
                cmocka_unit_test(test_proc_self),     cmocka_unit_test(test_mountinfo),
                cmocka_unit_test(test_relative),      cmocka_unit_test(test_wanted),
                cmocka_unit_test(test_report_oom),    cmocka_unit_test(test_report_plain),
                cmocka_unit_test(test_kill_rounds),   cmocka_unit_test(test_kill_rounds_respawn),
                cmocka_unit_test(test_kill_rounds_busy),
        };
        return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
