/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* userhome.h - the caller's home directory, resolved one way for every
 * use (${HOME} in profiles, the mount plan, the private home): $HOME when
 * it is an absolute path, else the passwd entry of the real uid.
 * Owns nothing. Runs in the parent. */
#pragma once

#include <stddef.h>

/* Copies the home directory into buf (n bytes). Returns 0, -ENOENT when
 * neither source names one, -ENAMETOOLONG, or -errno of the lookup. */
int user_home(char *buf, size_t n);
