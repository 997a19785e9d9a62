/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link.h - link mode, like firejail's firecfg: symlinks named after the
 * programs that have profiles, pointing at the launcher, so that running
 * `firefox` runs `sandbox firefox`; and finding the real program behind
 * such a link. Owns nothing. Runs in the parent. */
#pragma once

/* Creates DIR/NAME -> the launcher for every profile NAME on the search
 * path whose program exists on PATH (outside DIR). Returns 0 or -errno;
 * prints one line per link. */
int link_create(const char *dir, char **search_dirs);
/* Removes the symlinks in DIR that point at the launcher, nothing else. */
int link_remove(const char *dir);
/* Finds NAME on PATH, skipping the launcher itself (links to it). Returns
 * an allocated absolute path, or NULL if there is none. */
char *link_find_program(const char *name);
/* True when invoked through a link: argv[0]'s name is not the binary's. */
int link_invoked_as(const char *argv0, const char **ret_name);
