/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* userns.h - writes the uid/gid maps of a child's new user namespace
 * (setgroups "deny", one id mapped to the caller's).
 * Owns nothing. Runs in the parent, after clone(), before "go". */
#pragma once

#include <sys/types.h>

int userns_write_maps(pid_t pid, uid_t inner_uid, uid_t outer_uid, gid_t inner_gid, gid_t outer_gid);
