/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: the static helper the integration tests run inside the sandbox.
 * Owns: the subcommand table and the simple reporting subcommands.
 * Runs in: the sandboxed payload; `runas` also runs on the harness side.
 *
 * Every subcommand prints `key=value` lines on stdout (line-buffered) and
 * exits 0 unless its description says otherwise. Failures of the operation
 * being probed print `errno=NAME` and exit 1; usage errors exit 2.
 * Build: gcc -static -O2 -Wall -Wextra -o build/probe <every .c in tests/probe>
 */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---- shared helpers ---------------------------------------------------- */

const char *probe_errname(int err)
{
        static char buf[32];
        const char *n = err ? strerrorname_np(err) : "0";

        if (n)
                return n;
        snprintf(buf, sizeof(buf), "E%d", err);
        return buf;
}

const char *probe_signame(int sig)
{
        static char buf[32];
        const char *n = sigabbrev_np(sig);

        if (n)
                snprintf(buf, sizeof(buf), "SIG%s", n);
        else
                snprintf(buf, sizeof(buf), "SIG%d", sig);
        return buf;
}

long probe_parse_long(const char *s, const char *what)
{
        char *end = NULL;
        long v;

        errno = 0;
        v = strtol(s, &end, 0);
        if (errno || end == s || *end) {
                fprintf(stderr, "probe: bad %s '%s'\n", what, s);
                exit(2);
        }
        return v;
}

double probe_parse_seconds(const char *s)
{
        char *end = NULL;
        double v;

        errno = 0;
        v = strtod(s, &end);
        if (errno || end == s || *end || v < 0) {
                fprintf(stderr, "probe: bad duration '%s'\n", s);
                exit(2);
        }
        return v;
}

double probe_now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void probe_sleep(double seconds)
{
        struct timespec ts = {
                .tv_sec = (time_t)seconds,
                .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9),
        };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

int probe_fail_errno(const char *what, int err)
{
        printf("errno=%s\n", probe_errname(err));
        fflush(stdout);
        fprintf(stderr, "probe: %s: %s\n", what, strerror(err));
        return 1;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_num(const void *a, const void *b)
{
        long x = atol(*(char *const *)a), y = atol(*(char *const *)b);

        return (x > y) - (x < y);
}

/* Sorted names of a directory, without "." and ".."; NULL + errno on error.
 * fd_dir: /proc/self/fd style, sorted numerically, without the listing fd. */
static char **list_dir(const char *path, size_t *ret_n, bool fd_dir)
{
        DIR *d = opendir(path);
        char **v = NULL;
        size_t n = 0;
        struct dirent *de;

        if (!d)
                return NULL;
        while ((de = readdir(d))) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                if (fd_dir && atoi(de->d_name) == dirfd(d))
                        continue;
                v = realloc(v, (n + 1) * sizeof(*v));
                if (!v)
                        abort();
                v[n++] = strdup(de->d_name);
        }
        closedir(d);
        if (n > 0) /* qsort(NULL, 0, ...) lets gcc drop the NULL check below */
                qsort(v, n, sizeof(*v), fd_dir ? cmp_num : cmp_str);
        *ret_n = n;
        return v ? v : calloc(1, sizeof(*v));
}

/* ---- simple subcommands ----------------------------------------------- */

static int cmd_exit(int argc, char **argv)
{
        (void)argc;
        exit((int)probe_parse_long(argv[1], "exit code"));
}

static int cmd_signal(int argc, char **argv)
{
        int sig = (int)probe_parse_long(argv[1], "signal");
        struct rlimit nocore = { 0, 0 };
        sigset_t set;

        (void)argc;
        setrlimit(RLIMIT_CORE, &nocore);
        signal(sig, SIG_DFL);
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        fflush(stdout);
        kill(getpid(), sig);
        probe_sleep(1);
        printf("survived=%s\n", probe_signame(sig));
        return 1;
}

static int cmd_sleep(int argc, char **argv)
{
        (void)argc;
        probe_sleep(probe_parse_seconds(argv[1]));
        return 0;
}

static int cmd_pid(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        printf("pid=%ld\nppid=%ld\n", syscall(SYS_getpid), syscall(SYS_getppid));
        return 0;
}

static int cmd_ns(int argc, char **argv)
{
        size_t n = 0;
        char **names = list_dir("/proc/self/ns", &n, false);

        (void)argc;
        (void)argv;
        if (!names)
                return probe_fail_errno("/proc/self/ns", errno);
        for (size_t i = 0; i < n; i++) {
                char path[PATH_MAX], target[256];
                ssize_t len;
                const char *ino;

                snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
                len = readlink(path, target, sizeof(target) - 1);
                if (len < 0) {
                        printf("ns.%s.errno=%s\n", names[i], probe_errname(errno));
                        continue;
                }
                target[len] = '\0';
                ino = strchr(target, '[');
                printf("ns.%s=%.*s\n", names[i],
                       ino ? (int)strcspn(ino + 1, "]") : (int)len,
                       ino ? ino + 1 : target);
        }
        return 0;
}

static int cmd_ifaces(int argc, char **argv)
{
        FILE *f = fopen("/proc/net/dev", "re");
        char line[512];

        (void)argc;
        (void)argv;
        if (!f) {
                struct if_nameindex *ifs = if_nameindex();

                if (!ifs)
                        return probe_fail_errno("if_nameindex", errno);
                for (struct if_nameindex *i = ifs; i->if_index; i++)
                        printf("iface=%s\n", i->if_name);
                if_freenameindex(ifs);
                return 0;
        }
        while (fgets(line, sizeof(line), f)) {
                char *colon = strchr(line, ':');
                char *name = line;

                if (!colon)
                        continue; /* the two header lines */
                *colon = '\0';
                name += strspn(name, " ");
                printf("iface=%s\n", name);
        }
        fclose(f);
        return 0;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
        got_signal = sig;
}

static int cmd_wait_signal(int argc, char **argv)
{
        static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT,
                                    SIGUSR1, SIGUSR2, SIGWINCH };
        double timeout = probe_parse_seconds(argv[1]);
        struct sigaction sa = { .sa_handler = on_signal };
        struct timespec ts = {
                .tv_sec = (time_t)timeout,
                .tv_nsec = (long)((timeout - (double)(time_t)timeout) * 1e9),
        };
        sigset_t set;
        int sig;

        (void)argc;
        sigemptyset(&set);
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
                sigaction(sigs[i], &sa, NULL);
                sigaddset(&set, sigs[i]);
        }
        /* Blocked + sigtimedwait: no race between "ready" and the wait. */
        sigprocmask(SIG_BLOCK, &set, NULL);
        printf("ready\n");
        fflush(stdout);
        do
                sig = sigtimedwait(&set, NULL, &ts);
        while (sig < 0 && errno == EINTR);
        if (sig < 0) {
                printf("timeout\n");
                return 3;
        }
        printf("got=%s\n", probe_signame(sig));
        return 0;
}

static void print_status_fields(const char *path, const char *prefix)
{
        static const char *const keys[] = {
                "Uid", "Gid", "Groups", "NoNewPrivs", "Seccomp",
                "Seccomp_filters", "CapInh", "CapPrm", "CapEff", "CapBnd",
                "CapAmb",
        };
        FILE *f = fopen(path, "re");
        char line[1024];

        if (!f) {
                printf("%serrno=%s\n", prefix, probe_errname(errno));
                return;
        }
        while (fgets(line, sizeof(line), f)) {
                char *colon = strchr(line, ':');
                char *val;

                if (!colon)
                        continue;
                *colon = '\0';
                for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                        if (strcmp(line, keys[i]))
                                continue;
                        val = colon + 1;
                        val += strspn(val, " \t");
                        val[strcspn(val, "\n")] = '\0';
                        for (char *p = val; *p; p++)
                                if (*p == '\t')
                                        *p = ' ';
                        /* Trailing blanks (Groups: ends with a space). */
                        for (size_t l = strlen(val); l && val[l - 1] == ' '; l--)
                                val[l - 1] = '\0';
                        printf("%s%s=%s\n", prefix, line, val);
                }
        }
        fclose(f);
}

static int cmd_status(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        print_status_fields("/proc/self/status", "");
        print_status_fields("/proc/1/status", "pid1.");
        return 0;
}

static int cmd_fds(int argc, char **argv)
{
        size_t n = 0;
        char **names = list_dir("/proc/self/fd", &n, true);

        (void)argc;
        (void)argv;
        if (!names)
                return probe_fail_errno("/proc/self/fd", errno);
        for (size_t i = 0; i < n; i++) {
                char path[PATH_MAX], target[PATH_MAX];
                ssize_t len;

                snprintf(path, sizeof(path), "/proc/self/fd/%s", names[i]);
                len = readlink(path, target, sizeof(target) - 1);
                if (len < 0)
                        continue; /* the listing fd itself, already closed */
                target[len] = '\0';
                printf("fd=%s -> %s\n", names[i], target);
        }
        return 0;
}

static int cmd_hostname(int argc, char **argv)
{
        struct utsname u;

        (void)argc;
        (void)argv;
        if (uname(&u) < 0)
                return probe_fail_errno("uname", errno);
        printf("hostname=%s\n", u.nodename);
        return 0;
}

static int cmd_id(int argc, char **argv)
{
        gid_t groups[NGROUPS_MAX];
        int n = getgroups(NGROUPS_MAX, groups);

        (void)argc;
        (void)argv;
        printf("uid=%u\ngid=%u\neuid=%u\negid=%u\ngroups=", getuid(), getgid(),
               geteuid(), getegid());
        for (int i = 0; i < n; i++)
                printf("%s%u", i ? "," : "", groups[i]);
        printf("\n");
        return 0;
}

static int cmd_cwd(int argc, char **argv)
{
        char buf[PATH_MAX];

        (void)argc;
        (void)argv;
        if (!getcwd(buf, sizeof(buf)))
                return probe_fail_errno("getcwd", errno);
        printf("cwd=%s\n", buf);
        return 0;
}

static int cmd_env(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        for (char **e = environ; *e; e++)
                printf("%s\n", *e);
        return 0;
}

static int cmd_cat(int argc, char **argv)
{
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        char buf[65536];
        ssize_t r;

        (void)argc;
        if (fd < 0)
                return probe_fail_errno(argv[1], errno);
        fflush(stdout);
        while ((r = read(fd, buf, sizeof(buf))) != 0) {
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return probe_fail_errno(argv[1], errno);
                }
                if (fwrite(buf, 1, (size_t)r, stdout) != (size_t)r)
                        return 1;
        }
        close(fd);
        return 0;
}

static int cmd_write(int argc, char **argv)
{
        int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        size_t len = strlen(argv[2]);
        ssize_t w;

        (void)argc;
        if (fd < 0)
                return probe_fail_errno(argv[1], errno);
        w = write(fd, argv[2], len);
        if (w < 0)
                return probe_fail_errno(argv[1], errno);
        if (close(fd) < 0)
                return probe_fail_errno(argv[1], errno);
        printf("written=%zd\n", w);
        return 0;
}

static const char *file_type(mode_t m)
{
        switch (m & S_IFMT) {
        case S_IFREG: return "file";
        case S_IFDIR: return "dir";
        case S_IFLNK: return "symlink";
        case S_IFCHR: return "chr";
        case S_IFBLK: return "blk";
        case S_IFIFO: return "fifo";
        case S_IFSOCK: return "sock";
        default: return "unknown";
        }
}

/* lstat(2): a symlink is reported as such, with its target. */
static int cmd_stat(int argc, char **argv)
{
        struct stat st;

        (void)argc;
        if (lstat(argv[1], &st) < 0)
                return probe_fail_errno(argv[1], errno);
        printf("type=%s\nmode=%04o\nino=%llu\ndev=%u:%u\nuid=%u\ngid=%u\nsize=%lld\n",
               file_type(st.st_mode), (unsigned)(st.st_mode & 07777),
               (unsigned long long)st.st_ino, major(st.st_dev),
               minor(st.st_dev), st.st_uid, st.st_gid, (long long)st.st_size);
        if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
                printf("rdev=%u:%u\n", major(st.st_rdev), minor(st.st_rdev));
        if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t len = readlink(argv[1], target, sizeof(target) - 1);

                if (len >= 0)
                        printf("target=%.*s\n", (int)len, target);
        }
        return 0;
}

static int cmd_ls(int argc, char **argv)
{
        size_t n = 0;
        char **names = list_dir(argv[1], &n, false);

        (void)argc;
        if (!names)
                return probe_fail_errno(argv[1], errno);
        for (size_t i = 0; i < n; i++)
                printf("entry=%s\n", names[i]);
        return 0;
}

/* runas UID GID [--] CMD ARGS...: drop to UID/GID with no supplementary
 * groups and exec. Exits 125 if the switch fails, 126/127 if exec fails. */
static int cmd_runas(int argc, char **argv)
{
        uid_t uid = (uid_t)probe_parse_long(argv[1], "uid");
        gid_t gid = (gid_t)probe_parse_long(argv[2], "gid");
        char **cmd = argv + 3;

        if (argc > 3 && !strcmp(cmd[0], "--"))
                cmd++;
        if (!*cmd) {
                fprintf(stderr, "probe: runas: no command\n");
                return 2;
        }
        if (syscall(SYS_setgroups, 0, NULL) < 0 ||
            setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
                fprintf(stderr, "probe: runas %u:%u: %s\n", uid, gid, strerror(errno));
                return 125;
        }
        execvp(cmd[0], cmd);
        fprintf(stderr, "probe: runas: exec '%s': %s\n", cmd[0], strerror(errno));
        return errno == ENOENT ? 127 : 126;
}

/* ---- dispatch ----------------------------------------------------------- */

static int cmd_help(int argc, char **argv);
int cmd_fs(int argc, char **argv); /* probe_fs.c */
int cmd_getppid_loop(int argc, char **argv); /* probe_seccomp.c */
int cmd_seccomp(int argc, char **argv);      /* probe_seccomp.c */
int cmd_socket(int argc, char **argv);       /* probe_net.c */
int cmd_openmode(int argc, char **argv);     /* probe_view.c */
int cmd_renamepath(int argc, char **argv);   /* probe_view.c */
int cmd_perms(int argc, char **argv);           /* probe_perms.c */

static const struct probe_cmd commands[] = {
        { "exit", 1, cmd_exit, "N: exit(N)" },
        { "signal", 1, cmd_signal, "N: kill self with signal N (default action)" },
        { "sleep", 1, cmd_sleep, "SECONDS: sleep (fractions ok)" },
        { "pid", 0, cmd_pid, ": pid= ppid=" },
        { "ns", 0, cmd_ns, ": ns.<name>=<inode> for /proc/self/ns/*" },
        { "ifaces", 0, cmd_ifaces, ": iface=<name> per network interface" },
        { "orphans", 1, cmd_orphans, "N: orphan N grandchildren, print zombies=" },
        { "wait-signal", 1, cmd_wait_signal, "SECONDS: ready, then got=SIGNAME (exit 3 on timeout)" },
        { "ignore-term-fork", 1, cmd_ignore_term_fork, "N [MARKER]: ignore TERM, N children, ready, sleep forever" },
        { "status", 0, cmd_status, ": Uid/Gid/Cap*/Seccomp*/NoNewPrivs of self and pid1." },
        { "fds", 0, cmd_fds, ": fd=<n> -> <target>" },
        { "hostname", 0, cmd_hostname, ": hostname=" },
        { "id", 0, cmd_id, ": uid= gid= euid= egid= groups=" },
        { "cwd", 0, cmd_cwd, ": cwd=" },
        { "env", 0, cmd_env, ": the environment" },
        { "cat", 1, cmd_cat, "FILE: copy FILE to stdout" },
        { "write", 2, cmd_write, "FILE TEXT: write TEXT to FILE (errno= and exit 1 on failure)" },
        { "stat", 1, cmd_stat, "PATH: lstat: type= mode= ino= dev= uid= gid= size=" },
        { "ls", 1, cmd_ls, "DIR: entry=<name>, sorted" },
        { "runas", 3, cmd_runas, "UID GID [--] CMD ARGS...: drop privileges and exec" },
        { "memhog", 1, cmd_memhog, "MB: touch MB MiB, print touched=MB" },
        { "forkbomb", 1, cmd_forkbomb, "N [HOLD]: fork N sleepers, forked= eagain=" },
        { "burn", 1, cmd_burn, "SECONDS: busy loop for SECONDS of wall time" },
        { "threads", 1, cmd_threads, "N [HOLD]: start N threads, threads= eagain=" },
        { "syscall", 1, cmd_syscall, "NAME|NR|list [ARGS...]: raw syscall, ret= errno=" },
        { "fs", 1, cmd_fs, "OP ARGS...: filesystem attacks (probe_fs.c; probe fs help)" },
        { "getppid-loop", 1, cmd_getppid_loop, "N: N raw getppid calls, ns_per_call=" },
        { "seccomp", 1, cmd_seccomp, "OP ARGS...: syscall-filter probes (probe_seccomp.c)" },
        { "socket", 2, cmd_socket, "FAMILY TYPE: raw socket(2): socket=ok or errno= (probe_net.c)" },
        { "socketpair", 2, cmd_socket, "FAMILY TYPE: raw socketpair(2): socketpair=ok or errno=" },
        { "daemon", 1, cmd_daemon, "FILE [MARKER]: double fork + setsid; the daemon writes its pid to FILE; ready" },
        { "openmode", 2, cmd_openmode, "r|w PATH...: PATH=ok|ERRNO, opened only (probe_view.c)" },
        { "renamepath", 2, cmd_renamepath, "OLD NEW: rename(2), errno=0|NAME (probe_view.c)" },
        { "perms", 1, cmd_perms, "noread DIR...: files without o+r must not open (probe_perms.c)" },
        { "help", 0, cmd_help, ": this list" },
};

static int cmd_help(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                printf("probe %s %s\n", commands[i].name, commands[i].usage);
        return 0;
}

int main(int argc, char **argv)
{
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc < 2) {
                cmd_help(0, NULL);
                return 2;
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
                const struct probe_cmd *c = &commands[i];

                if (strcmp(argv[1], c->name))
                        continue;
                if (argc - 2 < c->min_args) {
                        fprintf(stderr, "usage: probe %s %s\n", c->name, c->usage);
                        return 2;
                }
                return c->run(argc - 1, argv + 1);
        }
        fprintf(stderr, "probe: unknown subcommand '%s' (try: probe help)\n", argv[1]);
        return 2;
}
