/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* profile_parse.h - the inih adapter: turns the bytes of one profile file
 * into (section, key, value, line) entries, rejecting what inih would
 * silently mangle (long lines, NUL, CR, BOM, continuation lines).
 * Owns struct profile_file. Pure apart from reading the fd; parent only. */
#pragma once

#include <stddef.h>

struct profile_entry {
        char *section;
        char *key;
        char *value;
        unsigned line;
};

struct profile_section {
        char *name;
        unsigned line;
};

struct profile_file {
        struct profile_entry *entries;
        size_t n;
        struct profile_section *sections; /* every [section] header, also empty ones */
        size_t n_sections;
        size_t cap, cap_sections; /* allocated; both arrays grow by doubling */
};

/* Longest line accepted (bytes, without the newline). inih 55 as packaged
 * uses a 200-byte buffer including newline and NUL. */
#define PROFILE_MAX_LINE 198
/* Largest profile file read. */
#define PROFILE_MAX_SIZE (1024 * 1024)

/* Parses len bytes. On error returns -EINVAL (or -ENOMEM) and sets
 * *ret_line (0 for the whole file) and *ret_msg (allocated). */
int profile_parse_buffer(const char *data, size_t len, struct profile_file **ret, unsigned *ret_line, char **ret_msg);

/* Reads all of fd (at most PROFILE_MAX_SIZE) and parses it. */
int profile_parse_fd(int fd, struct profile_file **ret, unsigned *ret_line, char **ret_msg);

void profile_file_free(struct profile_file *f);
