/* test_reaper.c - unit tests for PID 1's helpers: the children list
 * parser (proctree.c) and killing a real process tree as a subreaper. */
#include "util.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

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
                cmocka_unit_test(test_proctree_kill),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
