/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_mounts.c - the mount plan (mounts_plan, pure): which mounts a policy
 * asks for, how [-]SRC[:DST] and DIR[:options] are read, and the order they
 * are applied in (parents before children, profile order within a depth,
 * mounts before mkdir before hide). */
#include "util.h"

#include "mounts.h"
#include "policy.h"

static struct policy *with(const char *const *kv) {
        struct policy *p = policy_new();
        const char *file;

        assert_non_null(p);
        file = policy_intern_file(p, "t.conf");
        for (unsigned line = 1; kv && kv[0]; kv += 2, line++) {
                char sec[32], *key;
                char *msg = NULL;
                snprintf(sec, sizeof(sec), "%s", kv[0]);
                key = strchr(sec, '.');
                assert_non_null(key);
                *key++ = 0;
                const struct key_def *k = policy_find_key(sec, key);
                assert_non_null(k);
                if (policy_set(p, k, kv[1], (struct origin){file, line}, false, &msg) < 0)
                        fail_msg("policy_set %s=%s: %s", kv[0], kv[1], msg ? msg : "?");
        }
        return p;
}

static const struct mount_op *find(const struct mount_plan *pl, enum mount_kind kind, const char *dst, size_t *ret_i) {
        for (size_t i = 0; i < pl->n; i++)
                if (pl->ops[i].kind == kind && strcmp(pl->ops[i].dst, dst) == 0) {
                        if (ret_i)
                                *ret_i = i;
                        return &pl->ops[i];
                }
        fail_msg("no %s op for '%s'", mounts_kind_name(kind), dst);
        return NULL;
}

static void test_defaults(void **state) {
        struct policy *p = with(NULL);
        struct mount_plan pl;
        (void)state;

        /* policy defaults: only a fresh /proc */
        assert_int_equal(mounts_plan(p, "/home/u", &pl), 0);
        assert_int_equal(pl.n, 1);
        assert_int_equal(pl.ops[0].kind, MK_PROC);
        mounts_plan_free(&pl);
        policy_free(p);
}

static void test_bind_forms(void **state) {
        const char *kv[] = {"filesystem.ro-bind", "/usr",           "filesystem.bind",     "/srv/data:/data",
                            "filesystem.ro-bind", "-/opt/maybe",    "filesystem.dev-bind", "/dev/dri:/dev/dri",
                            "filesystem.ro-bind", "-/a/b:/c/d",     NULL};
        struct policy *p = with(kv);
        struct mount_plan pl;
        const struct mount_op *o;
        (void)state;

        assert_int_equal(mounts_plan(p, NULL, &pl), 0);
        o = find(&pl, MK_RO_BIND, "/usr", NULL);
        assert_string_equal(o->src, "/usr");
        assert_false(o->optional);
        o = find(&pl, MK_BIND, "/data", NULL);
        assert_string_equal(o->src, "/srv/data");
        o = find(&pl, MK_RO_BIND, "/opt/maybe", NULL);
        assert_true(o->optional);
        assert_string_equal(o->src, "/opt/maybe");
        o = find(&pl, MK_DEV_BIND, "/dev/dri", NULL);
        assert_string_equal(o->src, "/dev/dri");
        o = find(&pl, MK_RO_BIND, "/c/d", NULL);
        assert_true(o->optional);
        assert_string_equal(o->src, "/a/b");
        mounts_plan_free(&pl);
        policy_free(p);
}

static void test_tmpfs_overlay_private(void **state) {
        const char *kv[] = {"filesystem.tmpfs",        "/scratch:size=1M,mode=0700", "filesystem.tmpfs", "/plain",
                            "filesystem.overlay",      "/src",                       "filesystem.overlay", "/lib2:/state",
                            "filesystem.private-home", "yes",                        "filesystem.private-tmp", "yes",
                            "filesystem.private-dev",  "yes",                        NULL};
        struct policy *p = with(kv);
        struct mount_plan pl;
        const struct mount_op *o;
        (void)state;

        assert_int_equal(mounts_plan(p, "/home/u", &pl), 0);
        o = find(&pl, MK_TMPFS, "/scratch", NULL);
        assert_non_null(strstr(o->options, "size=1M"));
        assert_non_null(strstr(o->options, "owner")); /* a profile's tmpfs belongs to the program's user */
        o = find(&pl, MK_TMPFS, "/plain", NULL);
        assert_string_equal(o->options, "owner");
        o = find(&pl, MK_OVERLAY, "/src", NULL);
        assert_null(o->upper);
        o = find(&pl, MK_OVERLAY, "/lib2", NULL);
        assert_string_equal(o->upper, "/state");
        o = find(&pl, MK_TMPFS, "/home/u", NULL);
        assert_non_null(strstr(o->options, "owner"));
        o = find(&pl, MK_TMPFS, "/tmp", NULL);
        assert_string_equal(o->options, "mode=1777"); /* /tmp stays root's, sticky */
        find(&pl, MK_PRIVATE_DEV, "/dev", NULL);
        mounts_plan_free(&pl);
        policy_free(p);

        /* private-home without a usable home: nothing to mount */
        p = with((const char *[]){"filesystem.private-home", "yes", NULL});
        assert_int_equal(mounts_plan(p, "/", &pl), 0);
        for (size_t i = 0; i < pl.n; i++)
                assert_int_not_equal(pl.ops[i].kind, MK_TMPFS);
        mounts_plan_free(&pl);
        assert_int_equal(mounts_plan(p, NULL, &pl), 0);
        for (size_t i = 0; i < pl.n; i++)
                assert_int_not_equal(pl.ops[i].kind, MK_TMPFS);
        mounts_plan_free(&pl);
        policy_free(p);
}

/* Parents before children whatever the profile order; at one depth,
 * mounts, then mkdir, then hide; otherwise profile order, so a later bind
 * of the same path covers an earlier one. */
static void test_order(void **state) {
        const char *kv[] = {"filesystem.hide",    "/home/u/.ssh",     "filesystem.bind",    "/home/u/work",
                            "filesystem.mkdir",   "/home/u/new",      "filesystem.tmpfs",   "/home/u",
                            "filesystem.ro-bind", "/etc",             "filesystem.bind",    "/srv:/etc",
                            "filesystem.hide",    "/etc/shadow",      NULL};
        struct policy *p = with(kv);
        struct mount_plan pl;
        size_t home, work, mk, ssh, etc1, etc2, shadow;
        (void)state;

        assert_int_equal(mounts_plan(p, NULL, &pl), 0);
        find(&pl, MK_TMPFS, "/home/u", &home);
        find(&pl, MK_BIND, "/home/u/work", &work);
        find(&pl, MK_MKDIR, "/home/u/new", &mk);
        find(&pl, MK_HIDE, "/home/u/.ssh", &ssh);
        find(&pl, MK_RO_BIND, "/etc", &etc1);
        find(&pl, MK_BIND, "/etc", &etc2);
        find(&pl, MK_HIDE, "/etc/shadow", &shadow);
        assert_true(home < work && work < mk && mk < ssh);
        assert_true(etc1 < etc2 && etc2 < shadow);
        for (size_t i = 1; i < pl.n; i++) { /* depth never decreases */
                unsigned a = 0, b = 0;
                for (const char *c = pl.ops[i - 1].dst; *c; c++)
                        a += *c == '/' && c[1];
                for (const char *c = pl.ops[i].dst; *c; c++)
                        b += *c == '/' && c[1];
                assert_true(a <= b);
        }
        mounts_plan_free(&pl);
        policy_free(p);
}

/* The printed plan names every mount, in order, as comments. */
static void test_print(void **state) {
        const char *kv[] = {"filesystem.ro-bind", "-/opt:/o", "filesystem.overlay", "/src:/state", NULL};
        struct policy *p = with(kv);
        struct mount_plan pl;
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        (void)state;

        assert_int_equal(mounts_plan(p, NULL, &pl), 0);
        mounts_plan_print(&pl, f);
        fclose(f);
        assert_non_null(strstr(buf, "# mount: ro-bind     (optional) /opt -> /o\n"));
        assert_non_null(strstr(buf, "# mount: overlay     /src -> /src state /state\n"));
        for (char *l = buf; *l; l = strchr(l, '\n') + 1)
                assert_int_equal(l[0], '#');
        free(buf);
        mounts_plan_free(&pl);
        policy_free(p);
}

/* mounts_plan_check: key=value that must be refused, with the line it
 * sits on (with(): one key per line) and a part of the message. */
static void refused(const char *const *kv, unsigned line, const char *text) {
        struct policy *p = with(kv);
        struct origin o = {0};
        char *msg = NULL;

        assert_int_equal(mounts_plan_check(p, &msg, &o), -EINVAL);
        assert_non_null(msg);
        if (!strstr(msg, text))
                fail_msg("message '%s' lacks '%s'", msg, text);
        assert_int_equal(o.line, line);
        assert_string_equal(o.file, "t.conf");
        free(msg);
        policy_free(p);
}

static void accepted(const char *const *kv) {
        struct policy *p = with(kv);
        struct origin o = {0};
        char *msg = NULL;

        if (mounts_plan_check(p, &msg, &o) != 0)
                fail_msg("refused: %s", msg ? msg : "?");
        policy_free(p);
}

static void test_check_protections(void **state) {
        (void)state;
        /* the examples (proc = yes and private-dev = yes) */
        const char *proc_dev[] = {"filesystem.proc", "yes", "filesystem.private-dev", "yes", NULL};
        refused((const char *[]){"filesystem.proc", "yes", "filesystem.bind", "/tmp:/proc", NULL}, 2, "own /proc");
        refused((const char *[]){"filesystem.proc", "yes", "filesystem.bind", "/proc", NULL}, 2, "bind '/proc'");
        refused((const char *[]){"filesystem.proc", "yes", "filesystem.tmpfs", "/proc", NULL}, 2, "tmpfs '/proc'");
        refused((const char *[]){"filesystem.proc", "yes", "filesystem.ro-bind", "/etc:/proc/sys", NULL}, 2,
                "ro-bind '/etc:/proc/sys'");
        refused((const char *[]){"filesystem.proc", "yes", "filesystem.ro-bind", "-/x://proc//sys/", NULL}, 2,
                "own /proc");
        refused((const char *[]){"filesystem.tmpfs", "/", NULL}, 1, "replace the root '/'");
        refused((const char *[]){"filesystem.bind", "/:/", NULL}, 1, "replace the root '/'");
        refused((const char *[]){"filesystem.ro-bind", "/", NULL}, 1, "replace the root '/'");
        refused((const char *[]){"filesystem.overlay", "/", NULL}, 1, "replace the root '/'");
        refused((const char *[]){"filesystem.overlay", "/srv/d:/srv/d", NULL}, 1, "state directory '/srv/d'");
        refused((const char *[]){"filesystem.overlay", "/srv/d:/srv/d/state", NULL}, 1, "is inside");
        refused((const char *[]){"filesystem.overlay", "/srv/d/low:/srv/d", NULL}, 1, "contains");
        refused((const char *[]){"filesystem.private-dev", "yes", "filesystem.tmpfs", "/dev", NULL}, 2, "private '/dev'");
        refused((const char *[]){"filesystem.private-dev", "yes", "filesystem.dev-bind", "/dev/pts", NULL}, 2,
                "private '/dev/pts'");
        refused((const char *[]){"filesystem.mkdir", "/proc/x", NULL}, 1, "own /proc");
        /* what stays allowed */
        accepted(proc_dev);
        accepted((const char *[]){"filesystem.proc", "no", "filesystem.bind", "/tmp:/proc", NULL});
        accepted((const char *[]){"filesystem.private-dev", "no", "filesystem.tmpfs", "/dev", NULL});
        accepted((const char *[]){"filesystem.private-dev", "yes", "filesystem.dev-bind", "/dev/dri", NULL});
        accepted((const char *[]){"filesystem.ro-bind", "/procfiles:/procx", "filesystem.bind", "/srv:/root", NULL});
        accepted((const char *[]){"filesystem.overlay", "/srv/d:/srv/dstate", "filesystem.hide", "/proc/x", NULL});
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_bind_forms),
                cmocka_unit_test(test_tmpfs_overlay_private),
                cmocka_unit_test(test_order),
                cmocka_unit_test(test_print),
                cmocka_unit_test(test_check_protections),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
