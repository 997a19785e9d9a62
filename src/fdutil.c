/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fdutil.c - see fdutil.h. */
#define _GNU_SOURCE
#include "fdutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <stdbool.h>

#include "macro.h"

ssize_t read_full(int fd, void *buf, size_t n) {
        size_t done = 0;

        while (done < n) {
                ssize_t k = read(fd, (char *)buf + done, n - done);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return negative_errno();
                if (k == 0)
                        break;
                done += (size_t)k;
        }
        return (ssize_t)done;
}

int write_full(int fd, const void *buf, size_t n) {
        size_t done = 0;

        while (done < n) {
                ssize_t k = write(fd, (const char *)buf + done, n - done);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return negative_errno();
                done += (size_t)k;
        }
        return 0;
}

int read_all(int fd, size_t max, char **ret, size_t *ret_len) {
        size_t cap = 4096, len = 0;
        char *buf = malloc(cap + 1);

        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k;
                if (len == cap) {
                        char *n;
                        if (cap > max) {
                                free(buf);
                                return -EFBIG;
                        }
                        cap *= 2;
                        n = realloc(buf, cap + 1);
                        if (!n) {
                                free(buf);
                                return -ENOMEM;
                        }
                        buf = n;
                }
                k = read(fd, buf + len, cap - len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        int r = negative_errno();
                        free(buf);
                        return r;
                }
                if (k == 0)
                        break;
                len += (size_t)k;
        }
        if (len > max) {
                free(buf);
                return -EFBIG;
        }
        buf[len] = 0;
        *ret = buf;
        if (ret_len)
                *ret_len = len;
        return 0;
}

int read_file_at(int dirfd, const char *path, size_t max, char **ret) {
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return negative_errno();
        return read_all(fd, max, ret, NULL);
}

int write_file_at(int dirfd, const char *path, const char *s) {
        _cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);

        if (fd < 0)
                return negative_errno();
        return write_full(fd, s, strlen(s));
}

static bool in_set(int fd, const int *set, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (set[i] == fd)
                        return true;
        return false;
}

/* Applies op to every open fd >= from that is not in keep: the fallback for
 * kernels without close_range (before 5.9; CLOSE_RANGE_CLOEXEC 5.11). */
static int fd_walk(int from, const int *keep, size_t n, int (*op)(int fd)) {
        DIR *d = opendir("/proc/self/fd");
        struct dirent *de;

        if (!d)
                return negative_errno();
        while ((de = readdir(d))) {
                int fd = atoi(de->d_name);
                if (de->d_name[0] == '.' || fd < from || fd == dirfd(d) || in_set(fd, keep, n))
                        continue;
                op(fd);
        }
        closedir(d);
        return 0;
}

static int set_cloexec(int fd) { return fcntl(fd, F_SETFD, FD_CLOEXEC); }
static int close_one(int fd) { return close(fd); }

int fd_cloexec_from(int from) {
        if (syscall(SYS_close_range, (unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
                return 0;
        return fd_walk(from, NULL, 0, set_cloexec);
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* close_range over the gaps between the fds to keep. */
int fd_close_except(const int *keep, size_t n) {
        int sorted[64] = {0}; /* PID 1 keeps 5 fds plus up to SYNC_MAX_FDS leases */
        size_t m = 0;
        unsigned lo = 0;

        for (size_t i = 0; i < n && m < ELEMENTSOF(sorted); i++)
                if (keep[i] >= 0)
                        sorted[m++] = keep[i];
        qsort(sorted, m, sizeof(int), cmp_int);
        for (size_t i = 0; i <= m; i++) {
                unsigned hi = i < m ? (unsigned)sorted[i] : ~0U;
                if (hi > lo && syscall(SYS_close_range, lo, i < m ? hi - 1 : hi, 0) < 0)
                        return fd_walk(0, sorted, m, close_one);
                lo = hi + 1;
        }
        return 0;
}

int send_fd(int sock, int fd) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } u = {0};
        char byte = 'f';
        struct iovec iov = {&byte, 1};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        ssize_t k;

        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
        do
                k = sendmsg(sock, &m, MSG_NOSIGNAL);
        while (k < 0 && errno == EINTR);
        return k == 1 ? 0 : k < 0 ? -errno : -EIO;
}

int recv_fd(int sock) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } u;
        char byte;
        struct iovec iov = {&byte, 1};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
        struct cmsghdr *c;
        ssize_t k;
        int fd;

        do
                k = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        if (k == 0)
                return -ENODATA;
        c = CMSG_FIRSTHDR(&m);
        if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)) ||
            (m.msg_flags & MSG_CTRUNC))
                return -EBADMSG;
        memcpy(&fd, CMSG_DATA(c), sizeof(int));
        return fd;
}

int fd_open_dir_trusted(int dir, const char *name, bool create) {
        _cleanup_close_ int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;

        if (fd < 0 && errno == ENOENT && create) {
                if (mkdirat(dir, name, 0700) < 0 && errno != EEXIST)
                        return negative_errno();
                fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0 || fstat(fd, &st) < 0)
                return negative_errno();
        if (S_ISLNK(st.st_mode)) {
                if (st.st_uid != 0 && st.st_uid != getuid())
                        return -ELOOP;
                safe_close(fd);
                fd = openat(dir, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return negative_errno();
        } else if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        return TAKE_FD(fd);
}
