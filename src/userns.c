/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* userns.c - see userns.h. user_namespaces(7): setgroups must be "deny"
 * before an unprivileged process may write gid_map. */
#define _GNU_SOURCE
#include "userns.h"

#include <fcntl.h>
#include <stdio.h>

#include "fdutil.h"
#include "macro.h"

int userns_write_maps(pid_t pid, uid_t inner_uid, uid_t outer_uid, gid_t inner_gid, gid_t outer_gid) {
        char path[64], map[64];
        _cleanup_close_ int dir = -1;
        int r;

        snprintf(path, sizeof(path), "/proc/%d", (int)pid);
        dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return negative_errno();
        r = write_file_at(dir, "setgroups", "deny");
        if (r < 0 && r != -ENOENT) /* kernels before 3.19 have no setgroups file */
                return r;
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)inner_uid, (unsigned)outer_uid);
        r = write_file_at(dir, "uid_map", map);
        if (r < 0)
                return r;
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)inner_gid, (unsigned)outer_gid);
        return write_file_at(dir, "gid_map", map);
}
