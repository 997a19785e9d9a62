/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util.h - helpers shared by the cmocka unit tests: throwaway directory
 * trees, writing files with exact modes, capturing stderr, substring
 * asserts and a normaliser for policy_print output.
 * Every test binary is one .c file (see the Makefile), so everything here
 * is static and marked unused; include this header first. */
#pragma once

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "policy.h"
#include "value.h"

#define TU_UNUSED __attribute__((unused))

/* ---- asserts ------------------------------------------------------------ */

TU_UNUSED static void tu_assert_contains(const char *hay, const char *needle, const char *file, int line) {
        if (!hay) {
                print_error("expected a string containing '%s', got NULL\n", needle);
                _fail(file, line);
        }
        if (!strstr(hay, needle)) {
                print_error("expected '%s' to contain '%s'\n", hay, needle);
                _fail(file, line);
        }
}
#define assert_contains(hay, needle) tu_assert_contains((hay), (needle), __FILE__, __LINE__)

TU_UNUSED static void tu_assert_prefix(const char *s, const char *prefix, const char *file, int line) {
        if (!s || strncmp(s, prefix, strlen(prefix)) != 0) {
                print_error("expected '%s' to start with '%s'\n", s ? s : "(null)", prefix);
                _fail(file, line);
        }
}
#define assert_prefix(s, prefix) tu_assert_prefix((s), (prefix), __FILE__, __LINE__)

/* A message in the "FILE:LINE: " form, with `needle` in the rest. */
TU_UNUSED static void tu_assert_file_line(const char *msg, const char *file_path, unsigned lineno, const char *needle,
                                          const char *file, int line) {
        char prefix[4200];

        snprintf(prefix, sizeof(prefix), "%s:%u: ", file_path, lineno);
        tu_assert_prefix(msg, prefix, file, line);
        if (needle)
                tu_assert_contains(msg + strlen(prefix), needle, file, line);
}
#define assert_file_line(msg, path, lineno, needle) \
        tu_assert_file_line((msg), (path), (lineno), (needle), __FILE__, __LINE__)

/* ---- files ---------------------------------------------------------------- */

TU_UNUSED static char *tu_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
TU_UNUSED static char *tu_strdupf(const char *fmt, ...) {
        va_list ap;
        char *s = NULL;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        assert_non_null(s);
        return s;
}

/* A fresh directory under $TMPDIR (or /tmp); the caller frees the name. */
TU_UNUSED static char *tu_mkdtemp(void) {
        const char *base = getenv("TMPDIR");
        char *t = tu_strdupf("%s/sandbox-unit-XXXXXX", base && base[0] == '/' ? base : "/tmp");

        assert_non_null(mkdtemp(t));
        assert_int_equal(chmod(t, 0755), 0);
        return t;
}

static int tu_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void)st;
        (void)ftw;
        if (flag == FTW_DP)
                return rmdir(path) < 0 ? -1 : 0;
        return unlink(path) < 0 ? -1 : 0;
}

TU_UNUSED static void tu_rm_rf(const char *dir) {
        if (dir)
                (void)nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p for the parent directories of dir/rel. */
static void tu_mkparents(const char *path) {
        char *copy = strdup(path);
        assert_non_null(copy);
        for (char *s = copy + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (mkdir(copy, 0755) < 0 && errno != EEXIST)
                        fail_msg("mkdir %s: %s", copy, strerror(errno));
                *s = '/';
        }
        free(copy);
}

/* Writes len bytes to dir/rel with exactly `mode`; returns the path. */
TU_UNUSED static char *tu_write_bytes(const char *dir, const char *rel, const void *data, size_t len, mode_t mode) {
        char *path = tu_strdupf("%s/%s", dir, rel);
        int fd;

        tu_mkparents(path);
        (void)unlink(path);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                fail_msg("open %s: %s", path, strerror(errno));
        for (size_t done = 0; done < len;) {
                ssize_t k = write(fd, (const char *)data + done, len - done);
                assert_true(k > 0);
                done += (size_t)k;
        }
        assert_int_equal(fchmod(fd, mode), 0);
        close(fd);
        return path;
}

/* Writes a text file with mode 0644; returns the path (caller frees). */
TU_UNUSED static char *tu_write(const char *dir, const char *rel, const char *text) {
        return tu_write_bytes(dir, rel, text, strlen(text), 0644);
}

/* ---- stderr capture ---------------------------------------------------- */

struct tu_capture {
        int saved;
        FILE *tmp;
};

TU_UNUSED static void tu_capture_begin(struct tu_capture *c) {
        fflush(stderr);
        c->tmp = tmpfile();
        assert_non_null(c->tmp);
        c->saved = dup(STDERR_FILENO);
        assert_true(c->saved >= 0);
        assert_true(dup2(fileno(c->tmp), STDERR_FILENO) >= 0);
}

/* Restores stderr and returns what was written (caller frees). */
TU_UNUSED static char *tu_capture_end(struct tu_capture *c) {
        char *buf;
        long n;

        fflush(stderr);
        assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
        close(c->saved);
        n = ftell(c->tmp);
        assert_true(n >= 0);
        buf = calloc(1, (size_t)n + 1);
        assert_non_null(buf);
        rewind(c->tmp);
        if (n > 0)
                assert_int_equal(fread(buf, 1, (size_t)n, c->tmp), (size_t)n);
        fclose(c->tmp);
        return buf;
}

/* ---- policy_print normaliser ------------------------------------------ */

/* Keeps only the lines that carry configuration: drops comment lines
 * ('#'), blank lines, and the " ; ORIGIN" comment policy_print appends to
 * every value. What is left is what a re-parse would see. */
TU_UNUSED static char *tu_normalize_print(const char *text) {
        size_t n = strlen(text);
        char *out = calloc(1, n + 1), *o = out;
        const char *p = text;

        assert_non_null(out);
        while (*p) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                if (len > 0 && p[0] != '#') {
                        size_t keep = len;
                        for (size_t i = len; i >= 3; i--)
                                if (memcmp(p + i - 3, " ; ", 3) == 0) {
                                        keep = i - 3;
                                        break;
                                }
                        memcpy(o, p, keep);
                        o += keep;
                        *o++ = '\n';
                }
                p += len + (nl ? 1 : 0);
        }
        *o = 0;
        return out;
}

/* ---- CIDR tables ---------------------------------------------------------- */

struct tu_cidr_case {
        const char *in;
        int family;        /* 0: must fail with -EINVAL, outputs untouched */
        unsigned prefix;
        const char *canon; /* inet_ntop of the address; NULL: not checked */
};

/* Runs value_parse_cidr over a table (test_value.c, test_net.c). */
TU_UNUSED static void tu_check_cidr(const struct tu_cidr_case *c, size_t n) {
        for (size_t i = 0; i < n; i++) {
                int fam = -1;
                unsigned char a[16];
                unsigned pre = 999;
                char text[INET6_ADDRSTRLEN];
                int r = value_parse_cidr(c[i].in, &fam, a, &pre);

                if (c[i].family == 0) {
                        if (r != -EINVAL)
                                fail_msg("value_parse_cidr('%s') = %d, expected -EINVAL", c[i].in, r);
                        assert_int_equal(fam, -1);
                        assert_int_equal(pre, 999);
                        continue;
                }
                if (r != 0)
                        fail_msg("value_parse_cidr('%s') = %d, expected success", c[i].in, r);
                assert_int_equal(fam, c[i].family);
                assert_int_equal(pre, c[i].prefix);
                if (c[i].canon) {
                        assert_non_null(inet_ntop(fam, a, text, sizeof(text)));
                        assert_string_equal(text, c[i].canon);
                }
        }
}

/* policy_print of p into an allocated string (the caller frees it). */
TU_UNUSED static char *tu_print_policy(const struct policy *p) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        assert_non_null(f);
        assert_int_equal(policy_print(p, f), 0);
        fclose(f);
        return buf;
}
