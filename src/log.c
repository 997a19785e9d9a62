/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.c - see log.h; also strprintf() and set_error() of macro.h. */
#define _GNU_SOURCE
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum log_level log_level = LOG_ERR;

void log_set_level(enum log_level level) { log_level = level; }
enum log_level log_get_level(void) { return log_level; }

size_t log_escape(const char *s, char *out, size_t len) {
        static const char hex[] = "0123456789abcdef";
        size_t o = 0;

        if (len == 0)
                return 0;
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                char esc[5] = {c, 0};
                if (c == '\n' || c == '\t' || c == '\r')
                        esc[0] = '\\', esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r', esc[2] = 0;
                else if (c < 0x20 || c == 0x7f)
                        esc[0] = '\\', esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15], esc[4] = 0;
                size_t n = strlen(esc);
                if (o + n >= len)
                        break; /* truncated at a whole character or escape */
                memcpy(out + o, esc, n);
                o += n;
        }
        out[o] = 0;
        return o;
}

/* Formats, escapes and writes one line: PREFIX MESSAGE\n, in one write. */
static void log_vline(const char *prefix, int err, const char *fmt, va_list ap) _printf_(3, 0);
static void log_vline(const char *prefix, int err, const char *fmt, va_list ap) {
        char buf[2048], esc[4 * sizeof(buf)];

        errno = err; /* so that %m prints the error we were given */
        vsnprintf(buf, sizeof(buf), fmt, ap);
        log_escape(buf, esc, sizeof(esc));
        fprintf(stderr, "%s%s\n", prefix, esc);
}

static void log_vmsg(enum log_level level, int err, const char *fmt, va_list ap) _printf_(3, 0);
static void log_vmsg(enum log_level level, int err, const char *fmt, va_list ap) {
        if (level > log_level)
                return;
        log_vline("sandbox: ", err, fmt, ap);
}

void log_plain(const char *fmt, ...) {
        va_list ap;
        int saved = errno;

        va_start(ap, fmt);
        log_vline("", saved, fmt, ap);
        va_end(ap);
        errno = saved;
}

void log_msg(enum log_level level, const char *fmt, ...) {
        va_list ap;
        int saved = errno;

        va_start(ap, fmt);
        log_vmsg(level, saved, fmt, ap);
        va_end(ap);
        errno = saved;
}

int log_msg_errno(enum log_level level, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, r < 0 ? -r : r, fmt, ap);
        va_end(ap);
        return r;
}

static char *vstrprintf(const char *fmt, va_list ap) _printf_(1, 0);
static char *vstrprintf(const char *fmt, va_list ap) {
        char *s = NULL;

        return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

char *strprintf(const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        s = vstrprintf(fmt, ap);
        va_end(ap);
        return s;
}

int set_error(char **ret, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        free(*ret);
        *ret = vstrprintf(fmt, ap);
        va_end(ap);
        return r;
}
