/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link.c - see link.h. */
#define _GNU_SOURCE
#include "link.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "profile.h"

static int self_exe(char *buf, size_t len) {
        ssize_t n = readlink("/proc/self/exe", buf, len - 1);

        if (n < 0)
                return negative_errno();
        buf[n] = 0;
        return 0;
}

static bool is_self(const char *path) {
        struct stat a, b;

        return stat(path, &a) == 0 && stat("/proc/self/exe", &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int link_invoked_as(const char *argv0, const char **ret_name) {
        char exe[PATH_MAX];
        const char *name = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
        const char *ename;

        if (self_exe(exe, sizeof(exe)) < 0)
                return 0;
        ename = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
        if (streq(name, ename) || streq(name, "sandbox"))
                return 0;
        *ret_name = name;
        return 1;
}

/* First NAME on PATH that is an executable file and not the launcher;
 * entries inside skip_dir are ignored too. */
static char *find_on_path(const char *name, const char *skip_dir) {
        const char *path = getenv("PATH");

        if (!path)
                path = "/usr/local/bin:/usr/bin:/bin";
        for (const char *p = path; *p;) {
                size_t n = strcspn(p, ":");
                char full[PATH_MAX];
                struct stat st;

                snprintf(full, sizeof(full), "%.*s/%s", (int)n, p, name);
                p += n + (p[n] == ':');
                if (n == 0 || (skip_dir && strlen(skip_dir) == n && strncmp(full, skip_dir, n) == 0))
                        continue;
                if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0 && !is_self(full))
                        return strdup(full);
        }
        return NULL;
}

char *link_find_program(const char *name) { return find_on_path(name, NULL); }

int link_create(const char *dir, char **search_dirs) {
        char exe[PATH_MAX];
        _cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        char **names = NULL;
        int r, made = 0;

        if (dfd < 0)
                return log_error_errno(negative_errno(), "--link: cannot open '%s': %m", dir);
        if (faccessat(dfd, ".", W_OK, 0) < 0)
                return log_error_errno(negative_errno(), "--link: '%s' is not writable: %m", dir);
        r = self_exe(exe, sizeof(exe));
        if (r < 0)
                return log_error_errno(r, "--link: cannot find the launcher: %m");
        r = profile_names(search_dirs, &names);
        if (r < 0)
                return log_error_errno(r, "--link: cannot list profiles: %m");
        for (char **n = names; *n; n++) {
                _cleanup_free_ char *prog = find_on_path(*n, dir);
                if (streq(*n, "default") || !prog)
                        continue; /* an include, or a program that is not installed */
                if (symlinkat(exe, dfd, *n) < 0) {
                        if (errno != EEXIST)
                                log_error("--link: cannot create '%s/%s': %m", dir, *n);
                        continue;
                }
                printf("%s/%s -> %s (runs %s)\n", dir, *n, exe, prog);
                made++;
        }
        profile_strv_free(names);
        printf("%d link%s created in %s\n", made, made == 1 ? "" : "s", dir);
        return 0;
}

int link_remove(const char *dir) {
        char exe[PATH_MAX], target[PATH_MAX];
        DIR *d = opendir(dir);
        struct dirent *de;
        int removed = 0, r;

        if (!d)
                return log_error_errno(negative_errno(), "--unlink: cannot open '%s': %m", dir);
        r = self_exe(exe, sizeof(exe));
        while (r == 0 && (de = readdir(d))) {
                ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
                if (n < 0)
                        continue;
                target[n] = 0;
                if (!streq(target, exe))
                        continue; /* not one of ours */
                if (unlinkat(dirfd(d), de->d_name, 0) < 0)
                        log_error("--unlink: cannot remove '%s/%s': %m", dir, de->d_name);
                else
                        removed++;
        }
        closedir(d);
        if (r < 0)
                return log_error_errno(r, "--unlink: cannot find the launcher: %m");
        printf("%d link%s removed from %s\n", removed, removed == 1 ? "" : "s", dir);
        return 0;
}
