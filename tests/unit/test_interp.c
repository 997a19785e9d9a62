/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_interp.c - unit tests for interp.c's pure parsers: a script's "#!"
 * interpreter and an ELF executable's PT_INTERP loader (issue 12 item 19),
 * on hand-made headers and truncated or hostile ones. */
#include "util.h"

#include <elf.h>

#include "interp.h"

static void expect_script(const char *data, const char *want) {
        char buf[64] = "unchanged";
        enum interp_kind k = interp_parse_script(data, strlen(data), buf, sizeof(buf));

        if (!want) {
                assert_int_equal(k, INTERP_NONE);
                return;
        }
        assert_int_equal(k, INTERP_SCRIPT);
        assert_string_equal(buf, want);
}

static void test_script(void **state) {
        (void)state;
        expect_script("#!/bin/sh\necho\n", "/bin/sh");
        expect_script("#! /usr/bin/env python3\n", "/usr/bin/env");
        expect_script("#!\t/opt/x -e\n", "/opt/x");
        expect_script("#!/no/newline", "/no/newline");
        expect_script("#!\n", NULL);
        expect_script("#!   \n", NULL);
        expect_script("#", NULL);
        expect_script("echo\n", NULL);
        expect_script("\x7f" "ELF", NULL);
        /* longer than the buffer: not reported */
        expect_script("#!/a/very/long/interpreter/path/that/does/not/fit/in/sixty-four/bytes\n", NULL);
}

/* A minimal ELF64 image: header, one PT_LOAD, one PT_INTERP at 0x100. */
static size_t make_elf64(unsigned char *img, size_t cap, const char *interp, bool with_interp) {
        Elf64_Ehdr eh = {0};
        Elf64_Phdr ph[2] = {{0}};
        size_t n = 0x100 + strlen(interp) + 1;

        assert_true(n <= cap);
        memset(img, 0, cap);
        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS64;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_phoff = sizeof(eh);
        eh.e_phentsize = sizeof(Elf64_Phdr);
        eh.e_phnum = 2;
        ph[0].p_type = PT_LOAD;
        ph[1].p_type = with_interp ? PT_INTERP : PT_NOTE;
        ph[1].p_offset = 0x100;
        ph[1].p_filesz = strlen(interp) + 1;
        memcpy(img, &eh, sizeof(eh));
        memcpy(img + sizeof(eh), ph, sizeof(ph));
        memcpy(img + 0x100, interp, strlen(interp) + 1);
        return n;
}

static void test_elf64(void **state) {
        unsigned char img[512];
        char buf[64];
        size_t n;
        (void)state;

        n = make_elf64(img, sizeof(img), "/lib64/ld-linux-x86-64.so.2", true);
        assert_int_equal(interp_parse_elf(img, n, buf, sizeof(buf)), INTERP_ELF);
        assert_string_equal(buf, "/lib64/ld-linux-x86-64.so.2");
        /* static: no PT_INTERP */
        n = make_elf64(img, sizeof(img), "/x", false);
        assert_int_equal(interp_parse_elf(img, n, buf, sizeof(buf)), INTERP_NONE);
        /* truncated before the path, and before the program headers */
        n = make_elf64(img, sizeof(img), "/lib/ld.so", true);
        assert_int_equal(interp_parse_elf(img, 0x104, buf, sizeof(buf)), INTERP_NONE);
        assert_int_equal(interp_parse_elf(img, sizeof(Elf64_Ehdr) + 8, buf, sizeof(buf)), INTERP_NONE);
        assert_int_equal(interp_parse_elf(img, 10, buf, sizeof(buf)), INTERP_NONE);
        /* a path without its NUL, or longer than the buffer */
        img[0x100 + strlen("/lib/ld.so")] = 'x';
        assert_int_equal(interp_parse_elf(img, n, buf, sizeof(buf)), INTERP_NONE);
        n = make_elf64(img, sizeof(img), "/lib/ld.so", true);
        assert_int_equal(interp_parse_elf(img, n, buf, 5), INTERP_NONE);
        /* an embedded NUL (the size says more) */
        img[0x100 + 4] = 0;
        assert_int_equal(interp_parse_elf(img, n, buf, sizeof(buf)), INTERP_NONE);
        /* a program header table far outside the file */
        n = make_elf64(img, sizeof(img), "/lib/ld.so", true);
        ((Elf64_Ehdr *)(void *)img)->e_phoff = UINT64_MAX - 8;
        assert_int_equal(interp_parse_elf(img, n, buf, sizeof(buf)), INTERP_NONE);
        /* not ELF, or foreign byte order */
        assert_int_equal(interp_parse_elf((const unsigned char *)"#!/bin/sh\n", 10, buf, sizeof(buf)), INTERP_NONE);
        n = make_elf64(img, sizeof(img), "/lib/ld.so", true);
        img[EI_DATA] = ELFDATA2MSB;
        assert_int_equal(interp_parse_elf(img, n, buf, sizeof(buf)), INTERP_NONE);
}

static void test_elf32(void **state) {
        unsigned char img[512] = {0};
        Elf32_Ehdr eh = {0};
        Elf32_Phdr ph = {0};
        char buf[64];
        (void)state;

        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS32;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_phoff = sizeof(eh);
        eh.e_phentsize = sizeof(ph);
        eh.e_phnum = 1;
        ph.p_type = PT_INTERP;
        ph.p_offset = 0x80;
        ph.p_filesz = sizeof("/lib/ld-linux.so.2");
        memcpy(img, &eh, sizeof(eh));
        memcpy(img + sizeof(eh), &ph, sizeof(ph));
        memcpy(img + 0x80, "/lib/ld-linux.so.2", sizeof("/lib/ld-linux.so.2"));
        assert_int_equal(interp_parse_elf(img, 0x80 + sizeof("/lib/ld-linux.so.2"), buf, sizeof(buf)), INTERP_ELF);
        assert_string_equal(buf, "/lib/ld-linux.so.2");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_script),
                cmocka_unit_test(test_elf64),
                cmocka_unit_test(test_elf32),
        };
        return cmocka_run_group_tests_name("interp", tests, NULL, NULL);
}
