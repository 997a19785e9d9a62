/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pin.h - keeps a protected directory where it is: every ancestor of it
 * up to its filesystem's mount root becomes a mount point (a clone of
 * itself, same attributes), and a mount point cannot be renamed
 * (rename(2) EBUSY), so a sandbox with a writable bind above a profile
 * directory cannot move the directory away and put its own in its place.
 * Also used for hide (mounts.c), so a covered entry stays at its path.
 * Owns nothing. Runs in the child (setup), on the host's tree (/oldroot)
 * or in the new root. */
#pragma once

/* dir: an O_PATH fd of the protected directory; pins its ancestors.
 * Returns 0 or -errno. */
int pin_ancestors(int dir);
/* The same, starting with dir itself (the directory that holds a hidden
 * entry). Returns 0 or -errno. */
int pin_up(int dir);
