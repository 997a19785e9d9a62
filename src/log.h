/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.h - messages to stderr: "sandbox: ..." lines, the log level, and
 * the FILE:LINE form used for profile errors.
 * Owns the only mutable global (the log level). Used in every process. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include "macro.h"

enum log_level { LOG_QUIET = 0, LOG_ERR = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Print "sandbox: MSG\n" on stderr if the level allows it. %m works and
 * refers to -r for the _errno variants. The _errno variants return r
 * (which must be negative) so callers can write return log_error_errno(r, ...). */
void log_msg(enum log_level level, const char *fmt, ...) _printf_(2, 3);
int log_msg_errno(enum log_level level, int r, const char *fmt, ...) _printf_(3, 4);

/* Print "MSG\n" on stderr whatever the level: the complete one-line
 * errors that carry their own prefix ("FILE:LINE: ...", "--bind: ..."). */
void log_plain(const char *fmt, ...) _printf_(1, 2);

/* Every message is printed through this: control characters (bytes below
 * 0x20 and 0x7f) become \n, \t, \r or \xHH, so a profile value, a path
 * or a program name cannot break the line or reach the terminal as an
 * escape sequence. Writes at most len - 1 bytes and a NUL (whole escapes
 * only); returns the length written. */
size_t log_escape(const char *s, char *out, size_t len);

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_error_errno(r, ...) log_msg_errno(LOG_ERR, r, __VA_ARGS__)
#define log_debug_errno(r, ...) log_msg_errno(LOG_DEBUG, r, __VA_ARGS__)
