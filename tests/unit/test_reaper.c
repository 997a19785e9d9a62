/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_reaper.c - unit tests for PID 1's pure helpers: the children list
 * parser (proctree.c), the /proc/self/stat argument-area parser and the
 * wipe (argarea.c), and killing a real process tree as a subreaper. */
#include "util.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "argarea.h"
#include "proctree.h"

static void test_proctree_parse(void **state) {
        pid_t p[4];
        (void)state;

        assert_int_equal(proctree_parse("", p, 4), 0);
        assert_int_equal(proctree_parse("12 345 ", p, 4), 2);
        assert_int_equal(p[0], 12);
        assert_int_equal(p[1], 345);
        /* a number cut off at the end of the buffer waits for the next round */
        assert_int_equal(proctree_parse("12 34", p, 4), 1);
        assert_int_equal(proctree_parse("1 2 3 4 5 ", p, 4), 4);
        assert_int_equal(p[3], 4);
        assert_int_equal(proctree_parse("x 1 ", p, 4), 0);
}

/* Fields 48-51 of a stat line whose comm holds ") (" and blanks. */
static void test_argarea_parse(void **state) {
        char line[1024] = "42 (a) b (c) S";
        struct argarea a = {0};
        (void)state;

        for (int f = 4; f <= 52; f++) {
                char num[32];
                snprintf(num, sizeof(num), " %d", f < 48 ? f : 1000 * f);
                strcat(line, num);
        }
        strcat(line, "\n");
        assert_int_equal(argarea_parse(line, &a), 0);
        assert_int_equal(a.arg_start, 48000);
        assert_int_equal(a.arg_end, 49000);
        assert_int_equal(a.env_start, 50000);
        assert_int_equal(a.env_end, 51000);
        assert_int_equal(argarea_parse("42 (a) S 1 2 3\n", &a), -EINVAL);
        assert_int_equal(argarea_parse("no paren", &a), -EINVAL);
}

/* The real areas of this process: after the wipe, /proc/self/cmdline is
 * the name and NULs only (done in a child: the parent keeps its argv). */
static void test_argarea_wipe(void **state) {
        struct argarea a;
        pid_t pid;
        int st;
        (void)state;

        assert_int_equal(argarea_get(&a), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                char buf[65536] = {0};
                int fd;
                ssize_t n;

                argarea_wipe(&a, "sandbox-init");
                fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
                n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
                if (n < 13 || strcmp(buf, "sandbox-init") != 0)
                        _exit(1);
                for (ssize_t i = 12; i < n; i++)
                        if (buf[i])
                                _exit(2);
                _exit(0);
        }
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
}

/* A subreaper's tree: a child, and a setsid() grandchild it orphans;
 * proctree_kill() leaves no child behind. Done in a forked subreaper so
 * that the test runner's own children are not touched. */
static void test_proctree_kill(void **state) {
        pid_t pid;
        int st;
        (void)state;

        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                int fd = proctree_open(), p[2];
                char c;
                if (fd < 0 || pipe(p) < 0)
                        _exit(1);
                if (fork() == 0) {
                        if (fork() == 0) {
                                (void)setsid();
                                if (write(p[1], "x", 1) != 1)
                                        _exit(4);
                                for (;;)
                                        pause();
                        }
                        for (;;)
                                pause();
                }
                if (read(p[0], &c, 1) != 1 || proctree_kill(fd) < 0)
                        _exit(2);
                _exit(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD ? 0 : 3);
        }
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_proctree_parse),
                cmocka_unit_test(test_argarea_parse),
                cmocka_unit_test(test_argarea_wipe),
                cmocka_unit_test(test_proctree_kill),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
