/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* profile_parse.c - see profile_parse.h. The only file that includes
 * <ini.h>: inih's "non-zero is success" handler convention, its line
 * counting and its truncation at 200 bytes are dealt with here. */
#define _GNU_SOURCE
#include "profile_parse.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdutil.h"
#include "macro.h"

struct reader {
        const char *data;
        size_t len, pos;
        unsigned line;      /* line last handed to inih */
        unsigned err_line;  /* first error, 0 = none */
        char *err_msg;
        struct profile_file *out;
};

static void fail(struct reader *r, unsigned line, const char *fmt, ...) _printf_(3, 4);
static void fail(struct reader *r, unsigned line, const char *fmt, ...) {
        va_list ap;

        if (r->err_msg) /* keep the first error; inih goes on calling us */
                return;
        va_start(ap, fmt);
        if (vasprintf(&r->err_msg, fmt, ap) < 0)
                r->err_msg = NULL;
        va_end(ap);
        r->err_line = line ? line : 1;
}

static int add_section(struct profile_file *f, const char *name, size_t len, unsigned line);

/* inih's reader callback (fgets-like). Hands inih one line at a time,
 * without leading whitespace so inih never treats it as a continuation.
 * Returns NULL at the end or after an error, which stops inih. */
static char *read_line(char *buf, int num, void *stream) {
        struct reader *r = stream;
        const char *start, *nl;
        size_t n;

        if (r->err_msg || r->pos >= r->len)
                return NULL;
        start = r->data + r->pos;
        nl = memchr(start, '\n', r->len - r->pos);
        n = nl ? (size_t)(nl - start) : r->len - r->pos;
        r->pos += n + (nl ? 1 : 0);
        r->line++;
        if (memchr(start, '\0', n))
                return fail(r, r->line, "NUL byte in profile"), NULL;
        if (memchr(start, '\r', n))
                return fail(r, r->line, "carriage return in profile (CRLF line endings? convert with dos2unix)"), NULL;
        if (r->line == 1 && n >= 3 && memcmp(start, "\xef\xbb\xbf", 3) == 0)
                return fail(r, r->line, "byte-order mark at the start of the profile (save it as plain UTF-8)"), NULL;
        if (n > PROFILE_MAX_LINE)
                return fail(r, r->line, "line too long (%zu bytes; at most %d)", n, PROFILE_MAX_LINE), NULL;
        while (n > 0 && (*start == ' ' || *start == '\t'))
                start++, n--;
        if (n > 2 && *start == '[') {
                const char *close = memchr(start, ']', n);
                if (close && add_section(r->out, start + 1, (size_t)(close - start - 1), r->line) < 0)
                        return fail(r, r->line, "out of memory"), NULL;
        }
        if ((int)n + 2 > num) /* cannot happen with the check above */
                return fail(r, r->line, "line too long"), NULL;
        memcpy(buf, start, n);
        buf[n] = '\n';
        buf[n + 1] = 0;
        return buf;
}

/* Makes room for one more element of size sz in arr (n used, *cap
 * allocated), doubling: a file of n lines costs O(n), not O(n^2).
 * Returns the array (maybe moved) or NULL, arr untouched, on ENOMEM. */
static void *grow(void *arr, size_t n, size_t *cap, size_t sz) {
        void *a;

        if (n < *cap)
                return arr;
        a = reallocarray(arr, *cap ? *cap * 2 : 16, sz);
        if (a)
                *cap = *cap ? *cap * 2 : 16;
        return a;
}

static int add_section(struct profile_file *f, const char *name, size_t len, unsigned line) {
        struct profile_section *n;

        n = grow(f->sections, f->n_sections, &f->cap_sections, sizeof(*n));
        if (!n)
                return -ENOMEM;
        f->sections = n;
        n[f->n_sections].name = strndup(name, len);
        n[f->n_sections].line = line;
        if (!n[f->n_sections].name)
                return -ENOMEM;
        f->n_sections++;
        return 0;
}

static int add_entry(struct profile_file *f, const char *section, const char *key, const char *value, unsigned line) {
        struct profile_entry *n;

        n = grow(f->entries, f->n, &f->cap, sizeof(*n));
        if (!n)
                return -ENOMEM;
        f->entries = n;
        n[f->n] = (struct profile_entry){strdup(section), strdup(key), strdup(value), line};
        if (!n[f->n].section || !n[f->n].key || !n[f->n].value) {
                free(n[f->n].section);
                free(n[f->n].key);
                free(n[f->n].value);
                return -ENOMEM;
        }
        f->n++;
        return 0;
}

/* inih handler: returns non-zero on success, 0 on error (inih's rule). */
static int on_pair(void *user, const char *section, const char *key, const char *value) {
        struct reader *r = user;

        if (r->err_msg)
                return 0;
        if (!*section) {
                fail(r, r->line, "'%s' outside a [section]", key);
                return 0;
        }
        if (!*key) {
                fail(r, r->line, "missing key before '='");
                return 0;
        }
        if (add_entry(r->out, section, key, value, r->line) < 0) {
                fail(r, r->line, "out of memory");
                return 0;
        }
        return 1;
}

int profile_parse_buffer(const char *data, size_t len, struct profile_file **ret, unsigned *ret_line, char **ret_msg) {
        struct reader r = {.data = data, .len = len};
        int line;

        r.out = calloc(1, sizeof(*r.out));
        if (!r.out)
                return -ENOMEM;
        line = ini_parse_stream(read_line, &r, on_pair, &r);
        if (line < 0 && !r.err_msg)
                fail(&r, 1, "cannot parse profile");
        else if (line > 0 && (!r.err_msg || (unsigned)line < r.err_line)) {
                /* inih goes on after its own syntax error: the earlier one wins */
                free(r.err_msg);
                r.err_msg = NULL;
                fail(&r, (unsigned)line, "syntax error (expected '[section]', 'key = value' or a comment)");
        }
        if (r.err_msg) {
                profile_file_free(r.out);
                *ret_line = r.err_line;
                *ret_msg = r.err_msg;
                return -EINVAL;
        }
        *ret = r.out;
        return 0;
}

int profile_parse_fd(int fd, struct profile_file **ret, unsigned *ret_line, char **ret_msg) {
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int r;

        r = read_all(fd, PROFILE_MAX_SIZE, &data, &len);
        if (r == -EFBIG) {
                *ret_line = 0;
                *ret_msg = strdup("profile larger than 1 MiB");
                return -EINVAL;
        }
        if (r < 0)
                return r;
        return profile_parse_buffer(data, len, ret, ret_line, ret_msg);
}

void profile_file_free(struct profile_file *f) {
        if (!f)
                return;
        for (size_t i = 0; i < f->n; i++) {
                free(f->entries[i].section);
                free(f->entries[i].key);
                free(f->entries[i].value);
        }
        free(f->entries);
        for (size_t i = 0; i < f->n_sections; i++)
                free(f->sections[i].name);
        free(f->sections);
        free(f);
}
