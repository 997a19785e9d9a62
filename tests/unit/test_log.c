/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_log.c - unit tests for log.c: control characters in messages are
 * escaped (issue 12 item 19), whole escapes only when a buffer is short,
 * log_plain prints whatever the level, %m refers to the given error. */
#include "util.h"

#include "log.h"

static void expect_escape(const char *in, const char *want) {
        char out[256];

        assert_int_equal(log_escape(in, out, sizeof(out)), strlen(want));
        assert_string_equal(out, want);
}

static void test_escape(void **state) {
        (void)state;
        expect_escape("", "");
        expect_escape("/plain/path 'quoted' \\ and UTF-8 \xc3\xa9", "/plain/path 'quoted' \\ and UTF-8 \xc3\xa9");
        expect_escape("a\nb", "a\\nb");
        expect_escape("tab\there", "tab\\there");
        expect_escape("cr\r", "cr\\r");
        expect_escape("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
        expect_escape("\x01\x1f\x7f", "\\x01\\x1f\\x7f");
}

static void test_escape_truncates_whole(void **state) {
        char out[6];
        (void)state;

        assert_int_equal(log_escape("ab\x1b" "cd", out, sizeof(out)), 2); /* "ab\x1b" needs 6 + NUL */
        assert_string_equal(out, "ab");
        assert_int_equal(log_escape("abcdefgh", out, sizeof(out)), 5);
        assert_string_equal(out, "abcde");
        assert_int_equal(log_escape("x", out, 0), 0);
}

static void test_messages_escaped(void **state) {
        struct tu_capture c;
        char *got;
        (void)state;

        log_set_level(LOG_ERR);
        tu_capture_begin(&c);
        log_error("Failed to mount '%s'", "/x\ny\x1b]0;title\x07");
        log_error_errno(-ENOENT, "cannot open '%s': %m", "a\tb");
        log_plain("%s:%u: invalid bind '%s'", "/p/new\nline.conf", 3, "rel\x1b[2J");
        log_set_level(LOG_QUIET);
        log_error("not shown");
        log_plain("shown when quiet");
        log_set_level(LOG_ERR);
        got = tu_capture_end(&c);
        assert_string_equal(got, "sandbox: Failed to mount '/x\\ny\\x1b]0;title\\x07'\n"
                                 "sandbox: cannot open 'a\\tb': No such file or directory\n"
                                 "/p/new\\nline.conf:3: invalid bind 'rel\\x1b[2J'\n"
                                 "shown when quiet\n");
        free(got);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_escape),
                cmocka_unit_test(test_escape_truncates_whole),
                cmocka_unit_test(test_messages_escaped),
        };
        return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
