/* log.c - see log.h. */
#include "log.h"

#include <errno.h>
#include <stdio.h>

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
