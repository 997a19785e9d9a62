/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* argarea.c - see argarea.h. */
#define _GNU_SOURCE
#include "argarea.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdutil.h"
#include "macro.h"

int argarea_parse(const char *stat, struct argarea *ret) {
        /* comm (field 2) may hold blanks and ')': fields count from the last ')' */
        const char *s = strrchr(stat, ')');
        uintptr_t v[4];
        int field = 2;

        if (!s)
                return -EINVAL;
        s++;
        while (field < 51) {
                char *end;
                unsigned long long x;

                while (*s == ' ')
                        s++;
                if (!*s || *s == '\n')
                        return -EINVAL;
                field++;
                if (field < 48) {
                        s += strcspn(s, " \n");
                        continue;
                }
                errno = 0;
                x = strtoull(s, &end, 10);
                if (end == s || errno != 0 || (*end != ' ' && *end != '\n' && *end != 0))
                        return -EINVAL;
                v[field - 48] = (uintptr_t)x;
                s = end;
        }
        if (v[0] == 0 || v[0] >= v[1] || v[2] > v[3])
                return -EINVAL;
        *ret = (struct argarea){v[0], v[1], v[2], v[3]};
        return 0;
}

int argarea_get(struct argarea *ret) {
        _cleanup_free_ char *text = NULL;
        int r = read_file_at(AT_FDCWD, "/proc/self/stat", 4096, &text);

        return r < 0 ? r : argarea_parse(text, ret);
}

void argarea_wipe(const struct argarea *a, const char *name) {
        size_t len = a->arg_end - a->arg_start, n = strlen(name);

        memset((void *)a->arg_start, 0, len);
        memcpy((void *)a->arg_start, name, n < len ? n : len - 1);
        if (a->env_end > a->env_start)
                memset((void *)a->env_start, 0, a->env_end - a->env_start);
}
