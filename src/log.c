/* log.c - see log.h; also strprintf() and set_error() of macro.h. */
#define _GNU_SOURCE
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static enum log_level log_level = LOG_ERR;

void log_set_level(enum log_level level) { log_level = level; }
enum log_level log_get_level(void) { return log_level; }

static void log_vmsg(enum log_level level, int err, const char *fmt, va_list ap) _printf_(3, 0);
static void log_vmsg(enum log_level level, int err, const char *fmt, va_list ap) {
        char buf[2048];

        if (level > log_level)
                return;
        errno = err; /* so that %m prints the error we were given */
        vsnprintf(buf, sizeof(buf), fmt, ap);
        fprintf(stderr, "sandbox: %s\n", buf);
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
