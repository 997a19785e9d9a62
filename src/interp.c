/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* interp.c - see interp.h. */
#define _GNU_SOURCE
#include "interp.h"

#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "macro.h"
#include "sync.h"
#include "sysfilter.h"

enum interp_kind interp_parse_script(const char *data, size_t n, char *buf, size_t len) {
        size_t i = 2, start;

        if (n < 3 || data[0] != '#' || data[1] != '!')
                return INTERP_NONE;
        while (i < n && (data[i] == ' ' || data[i] == '\t'))
                i++;
        start = i;
        while (i < n && data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\0')
                i++;
        if (i == start || i - start >= len)
                return INTERP_NONE;
        memcpy(buf, data + start, i - start);
        buf[i - start] = 0;
        return INTERP_SCRIPT;
}

/* Copies the NUL-terminated interpreter path at [off, off + size). */
static enum interp_kind elf_path(const unsigned char *data, size_t n, uint64_t off, uint64_t size, char *buf,
                                 size_t len) {
        if (off > n || size > n - off || size < 2 || size > len || data[off + size - 1] != 0)
                return INTERP_NONE;
        memcpy(buf, data + off, size);
        return strlen(buf) + 1 == size ? INTERP_ELF : INTERP_NONE;
}

enum interp_kind interp_parse_elf(const unsigned char *data, size_t n, char *buf, size_t len) {
        bool is64;
        uint64_t phoff;
        size_t phentsize, phnum;

        if (n < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG) != 0)
                return INTERP_NONE;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (data[EI_DATA] != ELFDATA2LSB)
                return INTERP_NONE;
#else
        if (data[EI_DATA] != ELFDATA2MSB)
                return INTERP_NONE;
#endif
        is64 = data[EI_CLASS] == ELFCLASS64;
        if (!is64 && data[EI_CLASS] != ELFCLASS32)
                return INTERP_NONE;
        if (n < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
                return INTERP_NONE;
        if (is64) {
                Elf64_Ehdr eh;
                memcpy(&eh, data, sizeof(eh));
                phoff = eh.e_phoff, phentsize = eh.e_phentsize, phnum = eh.e_phnum;
        } else {
                Elf32_Ehdr eh;
                memcpy(&eh, data, sizeof(eh));
                phoff = eh.e_phoff, phentsize = eh.e_phentsize, phnum = eh.e_phnum;
        }
        if (phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
                return INTERP_NONE;
        for (size_t i = 0; i < phnum; i++) {
                uint64_t at = phoff + i * phentsize;
                if (phoff > n || at > n || phentsize > n - at)
                        return INTERP_NONE;
                if (is64) {
                        Elf64_Phdr ph;
                        memcpy(&ph, data + at, sizeof(ph));
                        if (ph.p_type == PT_INTERP)
                                return elf_path(data, n, ph.p_offset, ph.p_filesz, buf, len);
                } else {
                        Elf32_Phdr ph;
                        memcpy(&ph, data + at, sizeof(ph));
                        if (ph.p_type == PT_INTERP)
                                return elf_path(data, n, ph.p_offset, ph.p_filesz, buf, len);
                }
        }
        return INTERP_NONE;
}

/* Whether the loaded filter lets the calls below through (a denied call
 * could kill the process before it reports anything). */
static bool calls_allowed(const struct policy *p) {
        struct seccomp_data calls[] = {
                {.nr = __NR_openat, .args = {(uint64_t)(int64_t)AT_FDCWD, 0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK}},
                {.nr = __NR_pread64, .args = {3, 0, 4096, 0}},
                {.nr = __NR_newfstatat, .args = {(uint64_t)(int64_t)AT_FDCWD, 0, 0, 0}},
                {.nr = __NR_close, .args = {3}},
        };

        return sysfilter_allows(p, calls, ELEMENTSOF(calls));
}

void interp_report_missing(int sync_fd, const struct policy *p, const char *prog, const char *path) {
        unsigned char data[8192];
        char interp[256];
        enum interp_kind kind = INTERP_NONE;
        struct stat st;
        ssize_t n;
        int fd;

        if (!calls_allowed(p))
                return;
        fd = (int)syscall(__NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return;
        n = (ssize_t)syscall(__NR_pread64, fd, data, sizeof(data), 0);
        (void)syscall(__NR_close, fd);
        if (n > 0)
                kind = interp_parse_script((const char *)data, (size_t)n, interp, sizeof(interp));
        if (n > 0 && kind == INTERP_NONE)
                kind = interp_parse_elf(data, (size_t)n, interp, sizeof(interp));
        if (kind == INTERP_NONE || syscall(__NR_newfstatat, AT_FDCWD, interp, &st, 0) == 0)
                return;
        (void)sync_send_pair(sync_fd, STAGE_EXEC, ENOENT, (int)kind, prog, interp);
        _exit(125);
}
