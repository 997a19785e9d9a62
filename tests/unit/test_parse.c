/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_parse.c - unit tests for profile_parse.c, the inih adapter: entries
 * and line numbers, comments, long lines, NUL, CR, BOM, syntax errors,
 * indented lines (never inih continuations), and profile_parse_fd. */
#include "util.h"

#include "macro.h"
#include "profile_parse.h"

static struct profile_file *parse_ok_len(const char *data, size_t len) {
        struct profile_file *f = NULL;
        unsigned line = 12345;
        char *msg = NULL;
        int r = profile_parse_buffer(data, len, &f, &line, &msg);

        if (r != 0)
                fail_msg("profile_parse_buffer failed: %d line %u: %s", r, line, msg ? msg : "(no message)");
        assert_non_null(f);
        return f;
}

static struct profile_file *parse_ok(const char *text) { return parse_ok_len(text, strlen(text)); }

/* Expects a parse error at `line` whose message contains `needle`. */
static void parse_fail_len(const char *data, size_t len, unsigned want_line, const char *needle) {
        struct profile_file *f = NULL;
        unsigned line = 12345;
        char *msg = NULL;
        int r = profile_parse_buffer(data, len, &f, &line, &msg);

        if (r == 0) {
                profile_file_free(f);
                fail_msg("profile_parse_buffer accepted input, expected an error at line %u ('%s')", want_line, needle);
        }
        assert_int_equal(r, -EINVAL);
        assert_null(f);
        assert_non_null(msg);
        if (line != want_line)
                fail_msg("error at line %u, expected %u: %s", line, want_line, msg);
        assert_contains(msg, needle);
        free(msg);
}

static void parse_fail(const char *text, unsigned want_line, const char *needle) {
        parse_fail_len(text, strlen(text), want_line, needle);
}

static void assert_entry(const struct profile_file *f, size_t i, const char *section, const char *key,
                         const char *value, unsigned line) {
        if (i >= f->n)
                fail_msg("entry %zu missing (have %zu)", i, f->n);
        assert_string_equal(f->entries[i].section, section);
        assert_string_equal(f->entries[i].key, key);
        assert_string_equal(f->entries[i].value, value);
        if (f->entries[i].line != line)
                fail_msg("entry %zu (%s = %s) at line %u, expected %u", i, key, value, f->entries[i].line, line);
}

static void test_simple(void **state) {
        (void)state;
        struct profile_file *f = parse_ok("[profile]\n"
                                          "description = A test profile\n"
                                          "[limits]\n"
                                          "memory = 256M\n"
                                          "pids=64\n"
                                          "timeout   =   30s   \n");
        assert_int_equal(f->n, 4);
        assert_entry(f, 0, "profile", "description", "A test profile", 2);
        assert_entry(f, 1, "limits", "memory", "256M", 4);
        assert_entry(f, 2, "limits", "pids", "64", 5);
        assert_entry(f, 3, "limits", "timeout", "30s", 6);
        profile_file_free(f);
}

static void test_empty(void **state) {
        (void)state;
        struct profile_file *f = parse_ok("");
        assert_int_equal(f->n, 0);
        profile_file_free(f);
        f = parse_ok("\n\n# only comments\n; and these\n\n");
        assert_int_equal(f->n, 0);
        profile_file_free(f);
}

static void test_comments_and_blank_lines(void **state) {
        (void)state;
        struct profile_file *f = parse_ok("# a comment\n"
                                          "; another comment\n"
                                          "\n"
                                          "[environment]\n"
                                          "\n"
                                          "   # indented comment\n"
                                          "keep = PATH ; inline comment\n"
                                          "keep = A;B\n"
                                          "set = X=1 # not a comment\n"
                                          "keep = LC_*\t; tab before the semicolon\n"
                                          "\n"
                                          "\n"
                                          "unset = FOO\n"
                                          "unset = BAR\n"); /* no trailing newline after this? there is */
        assert_int_equal(f->n, 6);
        assert_entry(f, 0, "environment", "keep", "PATH", 7);
        assert_entry(f, 1, "environment", "keep", "A;B", 8);
        assert_entry(f, 2, "environment", "set", "X=1 # not a comment", 9);
        assert_entry(f, 3, "environment", "keep", "LC_*", 10);
        assert_entry(f, 4, "environment", "unset", "FOO", 13);
        assert_entry(f, 5, "environment", "unset", "BAR", 14);
        profile_file_free(f);
}

static void test_no_trailing_newline(void **state) {
        (void)state;
        struct profile_file *f = parse_ok("[limits]\nmemory = 1G");
        assert_int_equal(f->n, 1);
        assert_entry(f, 0, "limits", "memory", "1G", 2);
        profile_file_free(f);
}

static void test_empty_value_and_equals(void **state) {
        (void)state;
        struct profile_file *f = parse_ok("[process]\ncwd =\nhostname = a=b\n");
        assert_int_equal(f->n, 2);
        assert_entry(f, 0, "process", "cwd", "", 2);
        assert_entry(f, 1, "process", "hostname", "a=b", 3);
        profile_file_free(f);
}

static void test_key_outside_section(void **state) {
        (void)state;
        parse_fail("memory = 1G\n[limits]\n", 1, "outside a [section]");
        parse_fail("# comment\n\nmemory = 1G\n", 3, "'memory' outside a [section]");
}

static void test_missing_key(void **state) {
        (void)state;
        parse_fail("[limits]\n= 1G\n", 2, "missing key");
}

static void test_key_without_equals(void **state) {
        (void)state;
        parse_fail("[limits]\nmemory 1G\n", 2, "syntax error");
        parse_fail("[limits]\nmemory = 1G\n\n\nprivate-tmp\n", 5, "syntax error");
}

static void test_syntax_error_lines(void **state) {
        (void)state;
        parse_fail("[profile]\ndescription = x\n\n[limits\nmemory = 1G\n", 4, "syntax error");
        parse_fail("[profile]\n[\n", 2, "syntax error");
        /* The first error is the one reported, even when more follow. */
        parse_fail("[a]\nk = v\nbad line one\nbad line two\n", 3, "syntax error");
}

/* The first error in the file is the one reported.
 * BUG (profile_parse.c profile_parse_buffer): inih goes on after a syntax
 * error (INI_STOP_ON_FIRST_ERROR is 0) and keeps calling the handler; a
 * handler error on a later line then replaces inih's earlier syntax error,
 * so "[limits" (no ']') on line 1 is reported as "line 2: 'memory' outside
 * a [section]". */
static void test_first_error_wins(void **state) {
        (void)state;
        parse_fail("[limits\nmemory = 1G\n", 1, "syntax error");
        parse_fail("[a]\nbad line\n[b]\n= x\n", 2, "syntax error");
}

static void make_line(char *buf, size_t total) {
        /* "[profile]\n" + "description = xxxx...x" of exactly `total` bytes + "\n" */
        const char *head = "[profile]\ndescription = ";
        size_t hl = strlen("[profile]\n"), kl = strlen("description = ");

        memcpy(buf, head, hl + kl);
        memset(buf + hl + kl, 'x', total - kl);
        buf[hl + total] = '\n';
        buf[hl + total + 1] = 0;
}

static void test_line_198_and_199(void **state) {
        char buf[512];
        struct profile_file *f;
        (void)state;

        make_line(buf, 198);
        f = parse_ok(buf);
        assert_int_equal(f->n, 1);
        assert_int_equal(strlen(f->entries[0].value), 198 - strlen("description = "));
        profile_file_free(f);

        make_line(buf, 199);
        parse_fail(buf, 2, "line too long (199 bytes; at most 198)");

        make_line(buf, 300);
        parse_fail(buf, 2, "line too long");
}

static void test_long_comment_line(void **state) {
        /* Over-long lines are refused even when they are comments: inih
         * would split them and parse the tail as a new line. */
        char buf[512];
        (void)state;

        memset(buf, '#', 300);
        strcpy(buf + 300, "\n[limits]\nmemory = 1G\n");
        parse_fail(buf, 1, "line too long");
}

static void test_line_1mib(void **state) {
        size_t n = 1024 * 1024;
        char *buf = malloc(n + 32);
        (void)state;

        assert_non_null(buf);
        strcpy(buf, "[limits]\nmemory = ");
        memset(buf + strlen(buf), '1', n);
        buf[18 + n] = '\n';
        buf[19 + n] = 0;
        parse_fail_len(buf, 19 + n, 2, "line too long");
        free(buf);
}

static void test_nul_byte(void **state) {
        static const char data[] = "[limits]\nmemory = 1G\x00garbage\npids = 10\n";
        static const char data2[] = "[limits]\nmemory = 1G\n\x00";
        (void)state;

        parse_fail_len(data, sizeof(data) - 1, 2, "NUL byte");
        parse_fail_len(data2, sizeof(data2) - 1, 3, "NUL byte");
}

static void test_crlf(void **state) {
        (void)state;
        parse_fail("[limits]\r\nmemory = 1G\r\n", 1, "carriage return");
        parse_fail("[limits]\nmemory = 1G\npids = 5\r\n", 3, "carriage return");
        parse_fail("[limits]\nmemory = 1G\rpids = 5\n", 2, "carriage return");
}

static void test_bom(void **state) {
        (void)state;
        parse_fail("\xef\xbb\xbf[limits]\nmemory = 1G\n", 1, "byte-order mark");
}

static void test_indented_lines(void **state) {
        (void)state;
        /* With inih's INI_ALLOW_MULTILINE an indented line after a key would
         * be handed over as another value of that key. Here it is a line of
         * its own. */
        struct profile_file *f = parse_ok("[environment]\n"
                                          "keep = A\n"
                                          "    keep = B\n"
                                          "\tunset = C\n"
                                          "  [limits]\n"
                                          "  memory = 1G\n");
        assert_int_equal(f->n, 4);
        assert_entry(f, 0, "environment", "keep", "A", 2);
        assert_entry(f, 1, "environment", "keep", "B", 3);
        assert_entry(f, 2, "environment", "unset", "C", 4);
        assert_entry(f, 3, "limits", "memory", "1G", 6);
        profile_file_free(f);

        /* An indented bare word is a syntax error, not a continuation. */
        parse_fail("[environment]\nkeep = A\n    B\n", 3, "syntax error");
}

static void test_section_names(void **state) {
        (void)state;
        struct profile_file *f = parse_ok("[a]\nk = 1\n[b] ; comment\nk = 2\n[a]\nk = 3\n");
        assert_int_equal(f->n, 3);
        assert_entry(f, 0, "a", "k", "1", 2);
        assert_entry(f, 1, "b", "k", "2", 4);
        assert_entry(f, 2, "a", "k", "3", 6);
        profile_file_free(f);
}

static void test_many_lines(void **state) {
        /* Line numbers stay right across many lines. */
        size_t cap = 200000, len = 0;
        char *buf = malloc(cap);
        struct profile_file *f;
        (void)state;

        assert_non_null(buf);
        len += (size_t)sprintf(buf + len, "[environment]\n");
        for (int i = 0; i < 5000; i++)
                len += (size_t)sprintf(buf + len, i % 3 ? "keep = V%d\n" : "\n# c %d\n", i);
        f = parse_ok_len(buf, len);
        for (size_t i = 1; i < f->n; i++)
                assert_true(f->entries[i].line > f->entries[i - 1].line);
        assert_entry(f, 0, "environment", "keep", "V1", 4);
        profile_file_free(f);
        free(buf);
}

static void test_parse_fd(void **state) {
        char *dir = tu_mkdtemp();
        char *path;
        int fd;
        struct profile_file *f = NULL;
        unsigned line = 0;
        char *msg = NULL;
        (void)state;

        path = tu_write(dir, "ok.conf", "[limits]\nmemory = 1G\n");
        fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(profile_parse_fd(fd, &f, &line, &msg), 0);
        assert_int_equal(f->n, 1);
        profile_file_free(f);
        close(fd);
        free(path);

        /* More than PROFILE_MAX_SIZE bytes: refused as a whole. */
        {
                size_t n = PROFILE_MAX_SIZE + 1;
                char *big = malloc(n);
                assert_non_null(big);
                for (size_t i = 0; i < n; i++)
                        big[i] = (i % 64 == 63) ? '\n' : '#';
                path = tu_write_bytes(dir, "big.conf", big, n, 0644);
                free(big);
        }
        fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        f = NULL;
        assert_int_equal(profile_parse_fd(fd, &f, &line, &msg), -EINVAL);
        assert_null(f);
        assert_int_equal(line, 0);
        assert_contains(msg, "larger than 1 MiB");
        free(msg);
        close(fd);
        free(path);
        tu_rm_rf(dir);
        free(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_simple),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_comments_and_blank_lines),
                cmocka_unit_test(test_no_trailing_newline),
                cmocka_unit_test(test_empty_value_and_equals),
                cmocka_unit_test(test_key_outside_section),
                cmocka_unit_test(test_missing_key),
                cmocka_unit_test(test_key_without_equals),
                cmocka_unit_test(test_syntax_error_lines),
                cmocka_unit_test(test_first_error_wins),
                cmocka_unit_test(test_line_198_and_199),
                cmocka_unit_test(test_long_comment_line),
                cmocka_unit_test(test_line_1mib),
                cmocka_unit_test(test_nul_byte),
                cmocka_unit_test(test_crlf),
                cmocka_unit_test(test_bom),
                cmocka_unit_test(test_indented_lines),
                cmocka_unit_test(test_section_names),
                cmocka_unit_test(test_many_lines),
                cmocka_unit_test(test_parse_fd),
        };
        return cmocka_run_group_tests_name("profile_parse", tests, NULL, NULL);
}
