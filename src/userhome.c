/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* userhome.c - see userhome.h. */
#define _GNU_SOURCE
#include "userhome.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "macro.h"

static int copy_path(const char *s, char *buf, size_t n) {
        int k = snprintf(buf, n, "%s", s);

        return k < 0 || (size_t)k >= n ? -ENAMETOOLONG : 0;
}

int user_home(char *buf, size_t n) {
        const char *env = getenv("HOME");
        struct passwd pw, *hit = NULL;
        _cleanup_free_ char *storage = NULL;
        long max = sysconf(_SC_GETPW_R_SIZE_MAX);
        size_t len = max > 0 ? (size_t)max : 16384;
        int r;

        if (env && env[0] == '/')
                return copy_path(env, buf, n);
        storage = malloc(len);
        if (!storage)
                return -ENOMEM;
        r = getpwuid_r(getuid(), &pw, storage, len, &hit);
        if (r != 0)
                return -r;
        if (!hit || !pw.pw_dir || pw.pw_dir[0] != '/')
                return -ENOENT;
        return copy_path(pw.pw_dir, buf, n);
}
