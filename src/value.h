/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* value.h - pure parsers and printers for profile values: sizes,
 * durations, booleans, numbers, modes, CIDR, variable expansion.
 * Owns nothing; no syscalls. Used by the policy code in the parent. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* All return 0 on success and -EINVAL (bad syntax) or -ERANGE (too large);
 * *ret is untouched on failure. */

/* "512", "100K", "100M", "1G", "2T" (binary units, optional "B"/"iB"). */
int value_parse_size(const char *s, uint64_t *ret);
/* "30" (seconds), "30s", "500ms", "5m", "1h", "1d". Result in ms. */
int value_parse_duration(const char *s, uint64_t *ret_ms);
/* yes/no/true/false/on/off/1/0 */
int value_parse_bool(const char *s, bool *ret);
/* yes/no/auto */
int value_parse_tristate(const char *s, int *ret);
/* Decimal unsigned integer up to max. */
int value_parse_u64(const char *s, uint64_t max, uint64_t *ret);
/* Octal mode 0..07777 (with setuid, setgid and sticky bits) */
int value_parse_mode(const char *s, int *ret);
/* "QUOTA_US/PERIOD_US", quota >= 1000, 1000 <= period <= 1000000 */
int value_parse_cpu_quota(const char *s, uint64_t *ret_quota, uint64_t *ret_period);

/* Canonical text: sizes as the largest exact binary unit ("256M"),
 * durations as the largest exact unit ("30s", "1500ms"). Buffer >= 32. */
void value_format_size(uint64_t v, char *buf, size_t len);
void value_format_duration(uint64_t ms, char *buf, size_t len);

/* An IPv4 or IPv6 address with a prefix ("10.0.0.2/24", "fd00::2/64");
 * ret_addr gets 16 bytes (IPv4 in the first 4). */
int value_parse_cidr(const char *s, int *ret_family, unsigned char ret_addr[16], unsigned *ret_prefix);
/* An address without prefix. */
int value_parse_ip(const char *s, int *ret_family, unsigned char ret_addr[16]);

/* Variables for expansion. NULL members expand to an error. */
struct value_vars {
        const char *home;
        const char *uid;
        const char *xdg_runtime_dir;
        const char *program;
        const char *id;
        const char *cwd;
};

/* value_escape's inverse for printing: "$" -> "$$", a leading "~" -> "$~";
 * returns an allocated string or NULL. */
char *value_escape(const char *s);
/* Expands a leading "~" or "~/" (also after a leading "-", the mark of
 * an optional path) and ${HOME} ${UID} ${XDG_RUNTIME_DIR}
 * ${PROGRAM} ${ID} ${CWD}; "$$" is a literal "$" and "$~" a literal "~"
 * (so printed values reload unchanged); any other "$" is kept. Returns 0 and an allocated string, -EINVAL with
 * *ret_bad set to the offending variable name (allocated), or -ENOMEM. */
int value_expand(const char *s, const struct value_vars *vars, char **ret, char **ret_bad);
/* value_expand for a value made of parts: s is split at the first seps[0]
 * of the raw text, before anything is expanded, and each part is expanded
 * on its own (a leading "~" only in the first part, as in a whole value),
 * so an expanded variable never changes how the value splits.
 * -EDOM when it would: the expanded head contains seps[0] or gained a
 * leading '-' (the mark of an optional path), or the expanded tail holds
 * more of one of seps[1..] (e.g. ',' between tmpfs options) than its raw
 * text; *ret_bad is then the expanded part (allocated) and *ret_sep the
 * character ('-' for the leading mark). seps NULL or "": value_expand. */
int value_expand_split(const char *s, const char *seps, const struct value_vars *vars, char **ret, char **ret_bad,
                       char *ret_sep);

/* Levenshtein distance, for "did you mean". */
unsigned value_edit_distance(const char *a, const char *b);

/* A plain profile name: non-empty, no '/', not "." or "..", no NUL, at
 * most 255 bytes, no leading '.'. */
bool value_is_plain_name(const char *s);
