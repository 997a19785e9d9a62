/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rlimits.c - see rlimits.h. */
#include "rlimits.h"

#include <errno.h>
#include <sys/resource.h>

int rlimits_apply(const struct policy *p, const char **ret_what) {
        const struct {
                int resource;
                uint64_t value;
                bool set;
                const char *name;
        } table[] = {
                {RLIMIT_NOFILE, p->rl_nofile, p->rl_nofile > 0, "nofile"},
                {RLIMIT_NPROC, p->rl_nproc, p->rl_nproc > 0, "nproc"},
                {RLIMIT_FSIZE, p->rl_fsize, p->rl_fsize > 0, "fsize"},
                {RLIMIT_CORE, p->rl_core, p->rl_core_set, "core"},
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                struct rlimit rl = {table[i].value, table[i].value};
                if (!table[i].set)
                        continue;
                if (setrlimit(table[i].resource, &rl) < 0) {
                        *ret_what = table[i].name;
                        return negative_errno();
                }
        }
        return 0;
}
