/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_value.c - unit tests for value.c: sizes, durations, booleans,
 * tristate, modes, CPU quota, CIDR, ${VAR} expansion, edit distance, plain
 * names, and the canonical size/duration printers. */
#include "util.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "macro.h"
#include "value.h"

/* ---- sizes ---------------------------------------------------------------- */

struct size_case {
        const char *in;
        int r;
        uint64_t v;
};

static void check_sizes(const struct size_case *c, size_t n) {
        for (size_t i = 0; i < n; i++) {
                uint64_t v = 0xdeadbeef;
                int r = value_parse_size(c[i].in, &v);
                if (r != c[i].r)
                        fail_msg("value_parse_size('%s') = %d, expected %d", c[i].in, r, c[i].r);
                if (r == 0 && v != c[i].v)
                        fail_msg("value_parse_size('%s') = %" PRIu64 ", expected %" PRIu64, c[i].in, v, c[i].v);
                if (r < 0 && v != 0xdeadbeef)
                        fail_msg("value_parse_size('%s') touched *ret on failure", c[i].in);
        }
}

static void test_size_valid(void **state) {
        (void)state;
        static const struct size_case c[] = {
                {"0", 0, 0},
                {"1", 0, 1},
                {"512", 0, 512},
                {"512K", 0, 512ULL << 10},
                {"512k", 0, 512ULL << 10},
                {"512KB", 0, 512ULL << 10},
                {"512KiB", 0, 512ULL << 10},
                {"100M", 0, 100ULL << 20},
                {"100MiB", 0, 100ULL << 20},
                {"1G", 0, 1ULL << 30},
                {"1GB", 0, 1ULL << 30},
                {"2T", 0, 2ULL << 40},
                {"4096B", 0, 4096},
                {"9223372036854775807", 0, (uint64_t)INT64_MAX}, /* 2^63-1 */
                {"8388607T", 0, 8388607ULL << 40},
        };
        check_sizes(c, ELEMENTSOF(c));
}

static void test_size_invalid(void **state) {
        (void)state;
        static const struct size_case c[] = {
                {"", -EINVAL, 0},
                {"12x", -EINVAL, 0},
                {"-1", -EINVAL, 0},
                {"+1", -EINVAL, 0},
                {"1.5G", -EINVAL, 0},
                {" 1G", -EINVAL, 0},
                {"1G ", -EINVAL, 0},
                {"1 G", -EINVAL, 0},
                {"G", -EINVAL, 0},
                {"1g", -EINVAL, 0}, /* units are upper case (k is the one exception) */
                {"1E", -EINVAL, 0},
                {"0x10", -EINVAL, 0},
                {"18446744073709551616", -ERANGE, 0},  /* 2^64 */
                {"18446744073709551615", -ERANGE, 0},  /* 2^64-1: fits u64, not the kernel's s64 */
                {"9223372036854775808", -ERANGE, 0},   /* 2^63 */
                {"9223372036854775809", -ERANGE, 0},   /* 2^63+1 */
                {"99999999999999999999999", -ERANGE, 0},
                {"8388608T", -ERANGE, 0},  /* 2^63 */
                {"16777216T", -ERANGE, 0}, /* 2^64: the multiplication overflows */
                {"8589934592G", -ERANGE, 0},
        };
        check_sizes(c, ELEMENTSOF(c));
}

/* ---- durations ---------------------------------------------------------- */

static void test_duration(void **state) {
        (void)state;
        static const struct size_case c[] = {
                {"30", 0, 30000},
                {"0", 0, 0},
                {"30s", 0, 30000},
                {"500ms", 0, 500},
                {"5m", 0, 300000},
                {"5min", 0, 300000},
                {"1h", 0, 3600000},
                {"1d", 0, 86400000},
                {"9223372036854775ms", 0, 9223372036854775ULL},
                {"", -EINVAL, 0},
                {"s", -EINVAL, 0},
                {"5w", -EINVAL, 0},
                {"5M", -EINVAL, 0},
                {"5 s", -EINVAL, 0},
                {"1.5h", -EINVAL, 0},
                {"-5s", -EINVAL, 0},
                {"5sec", -EINVAL, 0},
                {"5hm", -EINVAL, 0},
                {"9223372036854776ms", -ERANGE, 0},
                {"9223372036854776", -ERANGE, 0},
                {"213503982335d", -ERANGE, 0},
                {"18446744073709551616ms", -ERANGE, 0},
        };
        for (size_t i = 0; i < ELEMENTSOF(c); i++) {
                uint64_t v = 0xdeadbeef;
                int r = value_parse_duration(c[i].in, &v);
                if (r != c[i].r)
                        fail_msg("value_parse_duration('%s') = %d, expected %d", c[i].in, r, c[i].r);
                if (r == 0 && v != c[i].v)
                        fail_msg("value_parse_duration('%s') = %" PRIu64 ", expected %" PRIu64, c[i].in, v, c[i].v);
                if (r < 0)
                        assert_int_equal(v, 0xdeadbeef);
        }
}

/* ---- format round trips ------------------------------------------------- */

static void test_format_size(void **state) {
        static const struct {
                uint64_t v;
                const char *s;
        } c[] = {
                {0, "0"},          {1, "1"},
                {1023, "1023"},    {1024, "1K"},
                {1536, "1536"},    {256ULL << 20, "256M"},
                {1ULL << 30, "1G"}, {3ULL << 40, "3T"},
                {1025ULL << 20, "1025M"}, {(uint64_t)INT64_MAX, "9223372036854775807"},
        };
        char buf[32];
        (void)state;

        for (size_t i = 0; i < ELEMENTSOF(c); i++) {
                uint64_t back = 0;
                value_format_size(c[i].v, buf, sizeof(buf));
                assert_string_equal(buf, c[i].s);
                assert_int_equal(value_parse_size(buf, &back), 0);
                assert_true(back == c[i].v);
        }
        /* Round trip over a spread of values, including awkward ones. */
        for (uint64_t v = 1; v < (1ULL << 62); v = v * 3 + 7) {
                uint64_t back = 0;
                value_format_size(v, buf, sizeof(buf));
                assert_int_equal(value_parse_size(buf, &back), 0);
                assert_true(back == v);
                value_format_size(v << 10, buf, sizeof(buf));
                assert_int_equal(value_parse_size(buf, &back), 0);
                assert_true(back == v << 10);
        }
}

static void test_format_duration(void **state) {
        static const struct {
                uint64_t ms;
                const char *s;
        } c[] = {
                {0, "0"},        {1, "1ms"},       {500, "500ms"},    {1000, "1s"},
                {1500, "1500ms"}, {30000, "30s"},  {90000, "90s"},    {60000, "1m"},
                {3600000, "1h"}, {5400000, "90m"}, {86400000, "1d"}, {172800000, "2d"},
        };
        char buf[32];
        (void)state;

        for (size_t i = 0; i < ELEMENTSOF(c); i++) {
                uint64_t back = 0;
                value_format_duration(c[i].ms, buf, sizeof(buf));
                assert_string_equal(buf, c[i].s);
                assert_int_equal(value_parse_duration(buf, &back), 0);
                assert_true(back == c[i].ms);
        }
        for (uint64_t v = 1; v < (uint64_t)INT64_MAX / 1000; v = v * 5 + 3) {
                uint64_t back = 0;
                value_format_duration(v, buf, sizeof(buf));
                assert_int_equal(value_parse_duration(buf, &back), 0);
                assert_true(back == v);
        }
}

/* ---- booleans, tristate, numbers, modes ---------------------------------- */

static void test_bool(void **state) {
        static const char *const yes[] = {"yes", "true", "on", "1"};
        static const char *const no[] = {"no", "false", "off", "0"};
        static const char *const bad[] = {"", "y", "n", "2", "yess", "auto", " yes", "yes ", "-1"};
        bool b;
        (void)state;

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                b = false;
                assert_int_equal(value_parse_bool(yes[i], &b), 0);
                assert_true(b);
                b = true;
                assert_int_equal(value_parse_bool(no[i], &b), 0);
                assert_false(b);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                b = true;
                if (value_parse_bool(bad[i], &b) != -EINVAL)
                        fail_msg("value_parse_bool('%s') accepted", bad[i]);
                assert_true(b);
        }
}

static void test_tristate(void **state) {
        int t = 42;
        (void)state;

        assert_int_equal(value_parse_tristate("auto", &t), 0);
        assert_int_equal(t, 0);
        assert_int_equal(value_parse_tristate("yes", &t), 0);
        assert_int_equal(t, 2);
        assert_int_equal(value_parse_tristate("no", &t), 0);
        assert_int_equal(t, 1);
        assert_int_equal(value_parse_tristate("on", &t), 0);
        assert_int_equal(t, 2);
        t = 42;
        assert_int_equal(value_parse_tristate("maybe", &t), -EINVAL);
        assert_int_equal(value_parse_tristate("", &t), -EINVAL);
        assert_int_equal(value_parse_tristate("AUTO", &t), -EINVAL);
        assert_int_equal(t, 42);
}

static void test_u64(void **state) {
        uint64_t v = 7;
        (void)state;

        assert_int_equal(value_parse_u64("0", 10, &v), 0);
        assert_true(v == 0);
        assert_int_equal(value_parse_u64("10", 10, &v), 0);
        assert_true(v == 10);
        assert_int_equal(value_parse_u64("11", 10, &v), -ERANGE);
        assert_int_equal(value_parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
        assert_true(v == UINT64_MAX);
        assert_int_equal(value_parse_u64("18446744073709551616", UINT64_MAX, &v), -ERANGE);
        assert_int_equal(value_parse_u64("", 10, &v), -EINVAL);
        assert_int_equal(value_parse_u64("-1", 10, &v), -EINVAL);
        assert_int_equal(value_parse_u64("1k", 10000, &v), -EINVAL);
        assert_int_equal(value_parse_u64(" 1", 10, &v), -EINVAL);
        assert_true(v == UINT64_MAX);
}

/* Modes are octal up to 07777 (tmpfs mode=1777 needs the sticky bit). */
static void test_mode(void **state) {
        static const struct {
                const char *in;
                int r, v;
        } c[] = {
                {"022", 0, 022},     {"0", 0, 0},          {"0777", 0, 0777},  {"777", 0, 0777},
                {"1777", 0, 01777},  {"7777", 0, 07777},   {"1000", 0, 01000}, {"", -EINVAL, 0},
                {"8", -EINVAL, 0},   {"0778", -EINVAL, 0}, {"-1", -EINVAL, 0}, {"0o22", -EINVAL, 0},
                {"177777", -ERANGE, 0}, {"01777", 0, 01777}, {"00022", 0, 022}, {"1234567", -EINVAL, 0},
        };
        (void)state;

        for (size_t i = 0; i < ELEMENTSOF(c); i++) {
                int m = -5, r = value_parse_mode(c[i].in, &m);
                if (r != c[i].r)
                        fail_msg("value_parse_mode('%s') = %d, expected %d", c[i].in, r, c[i].r);
                assert_int_equal(m, r == 0 ? c[i].v : -5);
        }
}

/* The usual way to write a sticky mode has a leading 0.
 * BUG (value.c value_parse_mode): the 4-character limit predates the
 * 07777 range, so "01777" and "00022" are refused while "1777" is taken. */
static void test_mode_leading_zero(void **state) {
        int m = -5;
        (void)state;

        assert_int_equal(value_parse_mode("01777", &m), 0);
        assert_int_equal(m, 01777);
        assert_int_equal(value_parse_mode("00022", &m), 0);
        assert_int_equal(m, 022);
}

static void test_cpu_quota(void **state) {
        static const struct {
                const char *in;
                int r;
                uint64_t q, p;
        } c[] = {
                {"20000/100000", 0, 20000, 100000},
                {"1000/1000", 0, 1000, 1000},
                {"1000/1000000", 0, 1000, 1000000},
                {"200000/100000", 0, 200000, 100000}, /* two CPUs */
                {"999/100000", -ERANGE, 0, 0},
                {"1000/999", -ERANGE, 0, 0},
                {"1000/1000001", -ERANGE, 0, 0},
                {"0/100000", -ERANGE, 0, 0},
                {"9223372036854776/100000", -ERANGE, 0, 0},
                {"18446744073709551616/100000", -ERANGE, 0, 0},
                {"", -EINVAL, 0, 0},
                {"1000", -EINVAL, 0, 0},
                {"1000/", -EINVAL, 0, 0},
                {"/1000", -EINVAL, 0, 0},
                {"1000/1000/1", -EINVAL, 0, 0},
                {"1000 /1000", -EINVAL, 0, 0},
                {"max/100000", -EINVAL, 0, 0},
                {"-1000/100000", -EINVAL, 0, 0},
        };
        (void)state;

        for (size_t i = 0; i < ELEMENTSOF(c); i++) {
                uint64_t q = 1, p = 1;
                int r = value_parse_cpu_quota(c[i].in, &q, &p);
                if (r != c[i].r)
                        fail_msg("value_parse_cpu_quota('%s') = %d, expected %d", c[i].in, r, c[i].r);
                if (r == 0) {
                        assert_true(q == c[i].q);
                        assert_true(p == c[i].p);
                } else {
                        assert_true(q == 1 && p == 1);
                }
        }
}

/* ---- addresses -------------------------------------------------------------- */

static void test_cidr(void **state) {
        static const struct tu_cidr_case c[] = {
                {"10.0.0.2/24", AF_INET, 24},
                {"10.0.0.2/0", AF_INET, 0},
                {"10.0.0.2/32", AF_INET, 32},
                {"fd00::2/64", AF_INET6, 64},
                {"::/0", AF_INET6, 0},
                {"fd00::2/128", AF_INET6, 128},
                {"::ffff:10.0.0.1/96", AF_INET6, 96},
                {"10.0.0.2/33", 0, 0},
                {"10.0.0.2/-1", 0, 0},
                {"10.0.0.2/", 0, 0},
                {"10.0.0.2", 0, 0},
                {"10.0.0.2/24x", 0, 0},
                {"10.0.0.2/ 24", 0, 0},
                {"10.0.0.2/99999999999999999999999", 0, 0},
                {"10.0.0.256/24", 0, 0},
                {"10.0.0/24", 0, 0},
                {"/24", 0, 0},
                {"fd00::2/129", 0, 0},
                {"fd00::2::3/64", 0, 0},
                {"fd00::g/64", 0, 0},
                {"", 0, 0},
                {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/24", 0, 0},
        };
        (void)state;

        tu_check_cidr(c, ELEMENTSOF(c));

        {
                int fam;
                unsigned char a[16];
                unsigned pre;
                static const unsigned char want[4] = {10, 200, 0, 2};
                assert_int_equal(value_parse_cidr("10.200.0.2/24", &fam, a, &pre), 0);
                assert_memory_equal(a, want, 4);
        }
}

static void test_ip(void **state) {
        int fam = -1;
        unsigned char a[16];
        (void)state;

        assert_int_equal(value_parse_ip("10.0.0.1", &fam, a), 0);
        assert_int_equal(fam, AF_INET);
        assert_int_equal(value_parse_ip("fd00::1", &fam, a), 0);
        assert_int_equal(fam, AF_INET6);
        assert_int_equal(value_parse_ip("10.0.0.1/24", &fam, a), -EINVAL);
        assert_int_equal(value_parse_ip("", &fam, a), -EINVAL);
        assert_int_equal(value_parse_ip("localhost", &fam, a), -EINVAL);
        assert_int_equal(value_parse_ip("1.2.3", &fam, a), -EINVAL);
}

/* ---- expansion ------------------------------------------------------------ */

static const struct value_vars full_vars = {
        .home = "/home/tester",
        .uid = "1000",
        .xdg_runtime_dir = "/run/user/1000",
        .program = "firefox",
        .id = "firefox-42",
        .cwd = "/home/tester/src",
};

static void expect_expand(const struct value_vars *v, const char *in, const char *out) {
        char *ret = NULL, *bad = NULL;
        int r = value_expand(in, v, &ret, &bad);

        if (r != 0)
                fail_msg("value_expand('%s') = %d (bad '%s'), expected '%s'", in, r, bad ? bad : "", out);
        assert_string_equal(ret, out);
        assert_null(bad);
        free(ret);
}

static void expect_expand_fail(const struct value_vars *v, const char *in, const char *bad_want) {
        char *ret = NULL, *bad = NULL;
        int r = value_expand(in, v, &ret, &bad);

        if (r != -EINVAL)
                fail_msg("value_expand('%s') = %d ('%s'), expected -EINVAL", in, r, ret ? ret : "");
        assert_null(ret);
        assert_non_null(bad);
        assert_string_equal(bad, bad_want);
        free(bad);
}

static void test_expand(void **state) {
        (void)state;
        expect_expand(&full_vars, "", "");
        expect_expand(&full_vars, "/plain/path", "/plain/path");
        expect_expand(&full_vars, "~", "/home/tester");
        expect_expand(&full_vars, "~/x", "/home/tester/x");
        expect_expand(&full_vars, "~user", "~user"); /* ~user is not expanded */
        expect_expand(&full_vars, "~user/x", "~user/x");
        expect_expand(&full_vars, "/a/~/b", "/a/~/b"); /* only a leading ~ */
        expect_expand(&full_vars, "${HOME}", "/home/tester");
        expect_expand(&full_vars, "${HOME}/.cache/${PROGRAM}", "/home/tester/.cache/firefox");
        expect_expand(&full_vars, "${XDG_RUNTIME_DIR}/${ID}.sock", "/run/user/1000/firefox-42.sock");
        expect_expand(&full_vars, "uid=${UID}", "uid=1000");
        expect_expand(&full_vars, "${CWD}/build", "/home/tester/src/build");
        expect_expand(&full_vars, "${UID}${UID}", "10001000");
        expect_expand(&full_vars, "$HOME", "$HOME"); /* only the ${} form */
        expect_expand(&full_vars, "a$b{c}", "a$b{c}");
        expect_expand(&full_vars, "~/${PROGRAM}", "/home/tester/firefox");
        expect_expand(&full_vars, "cost: 5$", "cost: 5$");

        expect_expand_fail(&full_vars, "${FOO}", "${FOO}");
        expect_expand_fail(&full_vars, "/x/${FOO}/y", "${FOO}");
        expect_expand_fail(&full_vars, "${home}", "${home}"); /* names are case-sensitive */
        expect_expand_fail(&full_vars, "${}", "${}");
        expect_expand_fail(&full_vars, "${HOME", "${HOME");
        expect_expand_fail(&full_vars, "/x/${HOME", "${HOME");
        expect_expand_fail(&full_vars, "${HOME}/${", "${");
}

static void test_expand_missing(void **state) {
        const struct value_vars none = {0};
        const struct value_vars no_xdg = {.home = "/h", .uid = "0", .program = "p", .id = "i"};
        (void)state;

        expect_expand_fail(&none, "~", "~");
        expect_expand_fail(&none, "~/x", "~");
        expect_expand_fail(&none, "${HOME}", "${HOME}");
        expect_expand_fail(&no_xdg, "${XDG_RUNTIME_DIR}/bus", "${XDG_RUNTIME_DIR}");
        expect_expand_fail(&no_xdg, "${CWD}", "${CWD}");
        expect_expand(&none, "~user", "~user");
        expect_expand(&none, "/plain", "/plain");
        expect_expand(&no_xdg, "${HOME}", "/h");
}

static void test_expand_long(void **state) {
        char in[4096];
        char *ret = NULL, *bad = NULL;
        size_t n = 0;
        (void)state;

        while (n + 8 < sizeof(in)) {
                memcpy(in + n, "${HOME}", 7);
                n += 7;
        }
        in[n] = 0;
        assert_int_equal(value_expand(in, &full_vars, &ret, &bad), 0);
        assert_int_equal(strlen(ret), (n / 7) * strlen("/home/tester"));
        free(ret);
}

/* ---- expansion part by part (issue 12 item 3) ------------------------------ */

static void expect_split(const struct value_vars *v, const char *seps, const char *in, const char *out) {
        char *ret = NULL, *bad = NULL, sep = 0;
        int r = value_expand_split(in, seps, v, &ret, &bad, &sep);

        if (r != 0)
                fail_msg("value_expand_split('%s', '%s') = %d (bad '%s'), expected '%s'", in, seps ? seps : "(null)",
                         r, bad ? bad : "", out);
        assert_string_equal(ret, out);
        assert_null(bad);
        free(ret);
}

static void expect_split_edom(const struct value_vars *v, const char *seps, const char *in, const char *bad_want,
                              char sep_want) {
        char *ret = NULL, *bad = NULL, sep = 0;
        int r = value_expand_split(in, seps, v, &ret, &bad, &sep);

        if (r != -EDOM)
                fail_msg("value_expand_split('%s', '%s') = %d ('%s'), expected -EDOM", in, seps, r, ret ? ret : "");
        assert_null(ret);
        assert_string_equal(bad, bad_want);
        assert_int_equal(sep, sep_want);
        free(bad);
}

static void test_expand_split(void **state) {
        const struct value_vars colon_cwd = {.home = "/home/u", .uid = "1000", .program = "p", .id = "i",
                                             .cwd = "/home/u/:/x"};
        const struct value_vars odd_home = {.home = "/h:o,me", .uid = "1000", .program = "a:b", .id = "i",
                                            .cwd = "-/w", .xdg_runtime_dir = "/run/a=b"};
        (void)state;

        /* no separators: value_expand */
        expect_split(&full_vars, NULL, "~/x", "/home/tester/x");
        expect_split(&colon_cwd, NULL, "${CWD}", "/home/u/:/x");
        expect_split(&colon_cwd, "", "${CWD}", "/home/u/:/x");
        /* SRC:DST, each part expanded (a leading ~ of DST too) */
        expect_split(&full_vars, ":", "~/data:/data", "/home/tester/data:/data");
        expect_split(&full_vars, ":", "-~/data", "-/home/tester/data");
        expect_split(&full_vars, ":", "/a:~/b", "/a:~/b"); /* a '~' only at the start, as before */
        expect_split(&full_vars, "=", "E=~/bin/vi", "E=~/bin/vi");
        expect_split(&full_vars, "=", "E=-~", "E=-~");
        expect_split(&full_vars, ":", "/a:${HOME}/b", "/a:/home/tester/b");
        expect_split(&full_vars, ":", "${CWD}:${CWD}", "/home/tester/src:/home/tester/src");
        expect_split(&full_vars, ":", "/a:", "/a:");
        expect_split(&colon_cwd, ":", "/src:${CWD}", "/src:/home/u/:/x"); /* DST is the last part */
        /* cd ~/:/x; bind = ${CWD} must not become /home/u/ -> /x */
        expect_split_edom(&colon_cwd, ":", "${CWD}", "/home/u/:/x", ':');
        expect_split_edom(&colon_cwd, ":", "-${CWD}", "-/home/u/:/x", ':');
        expect_split_edom(&colon_cwd, ":", "${CWD}:/x", "/home/u/:/x", ':');
        expect_split_edom(&odd_home, ":", "~/.cache", "/h:o,me/.cache", ':');
        expect_split_edom(&odd_home, ":", "${HOME}", "/h:o,me", ':');
        expect_split_edom(&odd_home, ":", "/x/${PROGRAM}", "/x/a:b", ':');
        /* an expansion cannot make a path optional */
        expect_split_edom(&odd_home, ":", "${CWD}", "-/w", '-');
        expect_split(&odd_home, ":", "-${CWD}", "--/w");
        /* tmpfs DIR:OPTIONS: ',' in the directory is fine, not new in the options */
        expect_split(&full_vars, ":,", "/t,x", "/t,x");
        expect_split_edom(&odd_home, ":,", "${HOME}", "/h:o,me", ':');
        expect_split(&full_vars, ":,", "/t,x:size=1M,mode=0700", "/t,x:size=1M,mode=0700");
        expect_split_edom(&odd_home, ":,", "/t:size=${HOME}", "size=/h:o,me", ',');
        /* NAME=VALUE: the name cannot gain a '=', the value may */
        expect_split(&odd_home, "=", "RT=${XDG_RUNTIME_DIR}", "RT=/run/a=b");
        expect_split_edom(&odd_home, "=", "${XDG_RUNTIME_DIR}=1", "/run/a=b", '=');
        /* unknown variables are reported as by value_expand, in either part */
        {
                char *ret = NULL, *bad = NULL, sep = 0;
                assert_int_equal(value_expand_split("/a:${FOO}", ":", &full_vars, &ret, &bad, &sep), -EINVAL);
                assert_null(ret);
                assert_string_equal(bad, "${FOO}");
                free(bad);
        }
}

/* ---- edit distance and names ---------------------------------------------- */

static void test_edit_distance(void **state) {
        char longa[100];
        (void)state;

        assert_int_equal(value_edit_distance("", ""), 0);
        assert_int_equal(value_edit_distance("abc", "abc"), 0);
        assert_int_equal(value_edit_distance("", "abc"), 3);
        assert_int_equal(value_edit_distance("abc", ""), 3);
        assert_int_equal(value_edit_distance("kitten", "sitting"), 3);
        assert_int_equal(value_edit_distance("memroy", "memory"), 2);
        assert_int_equal(value_edit_distance("memor", "memory"), 1);
        assert_int_equal(value_edit_distance("pids", "pid"), 1);
        assert_int_equal(value_edit_distance("flaw", "lawn"), 2);
        memset(longa, 'a', sizeof(longa) - 1);
        longa[sizeof(longa) - 1] = 0;
        assert_true(value_edit_distance(longa, "a") >= 64); /* too long to compare: "far" */
        assert_true(value_edit_distance("a", longa) >= 64);
}

static void test_plain_name(void **state) {
        char n255[256], n256[257];
        (void)state;

        memset(n255, 'a', 255);
        n255[255] = 0;
        memset(n256, 'a', 256);
        n256[256] = 0;

        assert_true(value_is_plain_name("firefox"));
        assert_true(value_is_plain_name("default"));
        assert_true(value_is_plain_name("a..b"));
        assert_true(value_is_plain_name("gnome-calculator_2.x"));
        assert_true(value_is_plain_name(n255));
        assert_false(value_is_plain_name(n256));
        assert_false(value_is_plain_name(""));
        assert_false(value_is_plain_name("/"));
        assert_false(value_is_plain_name("."));
        assert_false(value_is_plain_name(".."));
        assert_false(value_is_plain_name(".hidden"));
        assert_false(value_is_plain_name("a/b"));
        assert_false(value_is_plain_name("../etc"));
        assert_false(value_is_plain_name("a\nb"));
        assert_false(value_is_plain_name("a\tb"));
        assert_false(value_is_plain_name("a\x7f"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_size_valid),     cmocka_unit_test(test_size_invalid),
                cmocka_unit_test(test_duration),       cmocka_unit_test(test_format_size),
                cmocka_unit_test(test_format_duration), cmocka_unit_test(test_bool),
                cmocka_unit_test(test_tristate),       cmocka_unit_test(test_u64),
                cmocka_unit_test(test_mode),
                cmocka_unit_test(test_mode_leading_zero),           cmocka_unit_test(test_cpu_quota),
                cmocka_unit_test(test_cidr),           cmocka_unit_test(test_ip),
                cmocka_unit_test(test_expand),         cmocka_unit_test(test_expand_missing),
                cmocka_unit_test(test_expand_long),    cmocka_unit_test(test_expand_split),
                cmocka_unit_test(test_edit_distance),
                cmocka_unit_test(test_plain_name),
        };
        return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
