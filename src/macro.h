/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* macro.h - small helpers shared by every module: cleanup attributes,
 * ownership transfer, array sizes, printf attributes.
 * Owns nothing; usable in every process (parent, child setup, PID 1). */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _unused_ __attribute__((unused))
#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p) { free(*(void **)p); }
#define _cleanup_free_ _cleanup_(freep)

/* Closes an fd without retrying on EINTR (the fd is gone either way on
 * Linux) and keeps errno intact; returns -1 so callers can write
 * fd = safe_close(fd). */
static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                close(fd);
                errno = saved;
        }
        return -1;
}
static inline void closep(int *fd) { safe_close(*fd); }
#define _cleanup_close_ _cleanup_(closep)

#define TAKE_PTR(p)                          \
        ({                                   \
                __typeof__(p) _p_ = (p);     \
                (p) = NULL;                  \
                _p_;                         \
        })
#define TAKE_FD(fd)                 \
        ({                          \
                int _fd_ = (fd);    \
                (fd) = -1;          \
                _fd_;               \
        })

/* errno as a negative return value, never 0 even if errno was lost. */
static inline int negative_errno(void) { return errno > 0 ? -errno : -EIO; }

#define streq(a, b) (strcmp((a), (b)) == 0)

/* A newly allocated formatted string, NULL when out of memory. */
char *strprintf(const char *fmt, ...) _printf_(1, 2);
/* Replaces *ret (freeing it) with a formatted message; returns r, for
 * `return fail_msg(ret_error, -EINVAL, "...", ...)`. */
int set_error(char **ret, int r, const char *fmt, ...) _printf_(3, 4);
