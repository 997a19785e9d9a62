/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_fdutil.c - unit tests for the fd helpers that need no privileges:
 * passing an fd over a unix socket (how PID 1 gets the program's network
 * namespace), closing all but a few fds, and the full read/write loops. */
#include "util.h"

#include <sys/socket.h>

#include "fdutil.h"

static void socketpair_or_fail(int sv[2]) {
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

/* The fd that arrives refers to the same open file, close-on-exec. */
static void test_send_recv_fd(void **state) {
        int sv[2], p[2], got;
        char c = 0;
        (void)state;

        socketpair_or_fail(sv);
        assert_int_equal(pipe(p), 0);
        assert_int_equal(send_fd(sv[0], p[0]), 0);
        got = recv_fd(sv[1]);
        assert_true(got >= 0);
        assert_int_not_equal(got, p[0]);
        assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC);
        assert_int_equal(write(p[1], "x", 1), 1);
        assert_int_equal(read(got, &c, 1), 1);
        assert_int_equal(c, 'x');
        close(got);
        close(p[0]);
        close(p[1]);
        close(sv[0]);
        close(sv[1]);
}

/* A message without an fd, and the peer's close, are told apart. */
static void test_recv_fd_errors(void **state) {
        int sv[2];
        (void)state;

        socketpair_or_fail(sv);
        assert_int_equal(send(sv[0], "n", 1, 0), 1);
        assert_int_equal(recv_fd(sv[1]), -EBADMSG);
        close(sv[0]);
        assert_int_equal(recv_fd(sv[1]), -ENODATA);
        close(sv[1]);
        assert_int_equal(send_fd(-1, 0), -EBADF);
}

/* Sending to a closed peer fails with EPIPE, without SIGPIPE. */
static void test_send_fd_closed_peer(void **state) {
        int sv[2];
        (void)state;

        socketpair_or_fail(sv);
        close(sv[1]);
        assert_int_equal(send_fd(sv[0], 0), -EPIPE);
        close(sv[0]);
}

static void test_close_except(void **state) {
        int a[2], b[2];
        (void)state;

        assert_int_equal(pipe(a), 0);
        assert_int_equal(pipe(b), 0);
        /* keep 0-2, a[1] and b[0]; the list may hold -1 and any order */
        assert_int_equal(fd_close_except((const int[]){b[0], -1, 2, 1, 0, a[1]}, 6), 0);
        assert_int_equal(fcntl(a[0], F_GETFD), -1);
        assert_int_equal(errno, EBADF);
        assert_int_equal(fcntl(b[1], F_GETFD), -1);
        assert_true(fcntl(a[1], F_GETFD) >= 0);
        assert_true(fcntl(b[0], F_GETFD) >= 0);
        close(a[1]);
        close(b[0]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_send_recv_fd),
                cmocka_unit_test(test_recv_fd_errors),
                cmocka_unit_test(test_send_fd_closed_peer),
                cmocka_unit_test(test_close_except),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
