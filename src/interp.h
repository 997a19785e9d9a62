/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* interp.h - why an execve() of an existing file failed with ENOENT: the
 * interpreter it names (a script's "#!" line, an ELF executable's
 * PT_INTERP loader) is missing. The parsers are pure; interp_report_missing
 * reads the file. Owns nothing. Runs in PID 2 after execve failed; the
 * parent prints the message (sandbox.c). */
#pragma once

#include <stddef.h>

struct policy;

enum interp_kind {
        INTERP_NONE = 0,
        INTERP_SCRIPT = 1, /* "#!" line */
        INTERP_ELF = 2,    /* PT_INTERP */
};

/* The interpreter of a script from the first bytes of the file (the
 * kernel reads 256): "#!" then blanks, the path up to a blank or newline.
 * Returns INTERP_SCRIPT with the path in buf, or INTERP_NONE. */
enum interp_kind interp_parse_script(const char *data, size_t n, char *buf, size_t len);

/* The PT_INTERP path of an ELF file of size n held in data (ELF32 or
 * ELF64, native byte order). Returns INTERP_ELF with the path in buf, or
 * INTERP_NONE (not ELF, static, truncated, or no NUL-terminated path). */
enum interp_kind interp_parse_elf(const unsigned char *data, size_t n, char *buf, size_t len);

/* After execve(path) failed with ENOENT although path is a file: when its
 * interpreter does not exist, reports {STAGE_EXEC, ENOENT, kind, PROG and
 * the interpreter} on sync_fd and exits 125. Returns when the interpreter
 * exists, cannot be read, or the policy's filter may deny the calls this
 * needs (openat, pread64, newfstatat, close). */
void interp_report_missing(int sync_fd, const struct policy *p, const char *prog, const char *path);
