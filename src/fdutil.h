/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fdutil.h - EINTR-safe I/O and fd helpers (read_full, write_full,
 * read_all, close_range with fallback, passing an fd over a socket).
 * Owns nothing. Used in every process. */
#pragma once

#include <stdbool.h>

#include <stddef.h>
#include <sys/types.h>

/* Reads/writes exactly n bytes, retrying on EINTR and short transfers.
 * read_full returns the number of bytes read (short only at EOF). */
ssize_t read_full(int fd, void *buf, size_t n);
int write_full(int fd, const void *buf, size_t n);
/* Reads the whole fd into an allocated NUL-terminated buffer; -EFBIG if
 * it holds more than max bytes. */
int read_all(int fd, size_t max, char **ret, size_t *ret_len);
/* Reads a small file (e.g. in /proc) relative to dirfd. */
int read_file_at(int dirfd, const char *path, size_t max, char **ret);
/* Writes a string to a file relative to dirfd (O_WRONLY, no create). */
int write_file_at(int dirfd, const char *path, const char *s);
/* An O_PATH fd of the directory name in dir, made (mode 0700) first when
 * create and missing. A symbolic link there is followed only when root or
 * the caller owns it (-ELOOP otherwise: a link a sandboxed program or
 * another user planted); anything but a directory is -ENOTDIR. Returns
 * the fd or -errno. */
int fd_open_dir_trusted(int dir, const char *name, bool create);
/* Marks every fd >= from close-on-exec (close_range, else /proc/self/fd). */
int fd_cloexec_from(int from);
/* Closes every fd except the n in keep[] (any order, -1 entries ignored;
 * at most 64 kept, a longer list keeps only its first 64). */
int fd_close_except(const int *keep, size_t n);
/* Sends one fd (SCM_RIGHTS, one data byte) over a unix socket; 0 or
 * -errno. recv_fd returns the received fd, -EBADMSG when the message
 * carried none, -ENODATA at EOF, or -errno. */
int send_fd(int sock, int fd);
int recv_fd(int sock);
