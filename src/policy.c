/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* policy.c - see policy.h. The key table here drives the profile parser,
 * --set, --print-profile and the man page's key list. Pure code. */
#define _GNU_SOURCE
#include "mount_plan.h"
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h> /* AF_INET, AF_INET6 for the [network] checks */

#include "caps.h"
#include "log.h"
#include "sockfam.h"
#include "sysfilter.h"
#include "value.h"

#define OFF(f) offsetof(struct policy, f)


/* Stores a copy of v in k's string field, replacing the old value. */
static int set_string(struct policy *p, const struct key_def *k, const char *v) {
        char *s = strdup(v);

        if (!s)
                return -ENOMEM;
        free(*(char **)((char *)p + k->offset));
        *(char **)((char *)p + k->offset) = s;
        return 0;
}

/* ---- special parsers ---------------------------------------------------- */

static int parse_net_mode(struct policy *p, const struct key_def *k _unused_, const char *v, char **msg) {
        if (streq(v, "none"))
                p->net_mode = NET_NONE;
        else if (streq(v, "host"))
                p->net_mode = NET_HOST;
        else if (streq(v, "veth"))
                p->net_mode = NET_VETH;
        else {
                *msg = strprintf("invalid network mode '%s' (use none, host or veth)", v);
                return -EINVAL;
        }
        return 0;
}

static char *print_net_mode(const struct policy *p, const struct key_def *k _unused_) {
        static const char *const names[] = {"none", "host", "veth"};
        return strdup(names[p->net_mode]);
}

static int parse_root(struct policy *p, const struct key_def *k _unused_, const char *v, char **msg) {
        char *dir = NULL;

        if (streq(v, "tmpfs"))
                p->root = ROOT_TMPFS;
        else if (streq(v, "host-ro"))
                p->root = ROOT_HOST_RO;
        else if (v[0] == '/') {
                dir = strdup(v);
                if (!dir)
                        return -ENOMEM;
                p->root = ROOT_DIR;
        } else {
                *msg = strprintf("invalid root '%s' (use tmpfs, host-ro or an absolute directory)", v);
                return -EINVAL;
        }
        free(p->root_dir);
        p->root_dir = dir;
        return 0;
}

static char *print_root(const struct policy *p, const struct key_def *k _unused_) {
        if (p->root == ROOT_DIR)
                return strdup(p->root_dir);
        return strdup(p->root == ROOT_TMPFS ? "tmpfs" : "host-ro");
}

static int parse_cpu_quota(struct policy *p, const struct key_def *k _unused_, const char *v, char **msg) {
        int r = value_parse_cpu_quota(v, &p->cpu_quota_us, &p->cpu_period_us);

        if (r < 0)
                *msg = strprintf("invalid cpu-quota '%s' (use QUOTA_US/PERIOD_US, e.g. 20000/100000; "
                            "quota >= 1000, period 1000..1000000)", v);
        return r < 0 ? -EINVAL : 0;
}

static char *print_cpu_quota(const struct policy *p, const struct key_def *k _unused_) {
        return strprintf("%" PRIu64 "/%" PRIu64, p->cpu_quota_us, p->cpu_period_us);
}

static int parse_cpu(struct policy *p, const struct key_def *k _unused_, const char *v, char **msg) {
        uint64_t pct;

        if (value_parse_u64(v, 100000, &pct) < 0 || pct == 0) {
                *msg = strprintf("invalid cpu '%s' (percent of one CPU, 1..100000; 50 = half a CPU)", v);
                return -EINVAL;
        }
        p->cpu_percent = (uint32_t)pct;
        return 0;
}

static char *print_u32(const struct policy *p, const struct key_def *k);

static int parse_memory_swap(struct policy *p, const struct key_def *k _unused_, const char *v, char **msg) {
        if (value_parse_size(v, &p->memory_swap) < 0) {
                *msg = strprintf("invalid size '%s' (use bytes or a number with K, M, G or T, e.g. 256M)", v);
                return -EINVAL;
        }
        p->memory_swap_set = true;
        return 0;
}

static int parse_core(struct policy *p, const struct key_def *k _unused_, const char *v, char **msg) {
        if (value_parse_size(v, &p->rl_core) < 0) {
                *msg = strprintf("invalid size '%s' (use bytes or a number with K, M, G or T, e.g. 256M)", v);
                return -EINVAL;
        }
        p->rl_core_set = true;
        return 0;
}

static char *print_size_raw(const struct policy *p, const struct key_def *k) {
        char buf[32];
        value_format_size(*(const uint64_t *)((const char *)p + k->offset), buf, sizeof(buf));
        return strdup(buf);
}

static int parse_action(struct policy *p, const struct key_def *k _unused_, const char *v, char **msg) {
        if (streq(v, "kill")) {
                p->sc_action = SF_ACTION_KILL;
                return 0;
        }
        if (streq(v, "log")) {
                p->sc_action = SF_ACTION_LOG;
                return 0;
        }
        if (streq(v, "errno")) {
                p->sc_action = SF_ACTION_ERRNO;
                p->sc_errno = EPERM;
                return 0;
        }
        if (strncmp(v, "errno:", 6) == 0) {
                static const struct {
                        const char *name;
                        int err;
                } errs[] = {{"EPERM", EPERM}, {"EACCES", EACCES}, {"ENOSYS", ENOSYS}, {"EINVAL", EINVAL}};
                for (size_t i = 0; i < ELEMENTSOF(errs); i++)
                        if (streq(v + 6, errs[i].name)) {
                                p->sc_action = SF_ACTION_ERRNO;
                                p->sc_errno = errs[i].err;
                                return 0;
                        }
        }
        *msg = strprintf("invalid action '%s' (use errno, errno:EPERM, errno:EACCES, errno:ENOSYS, "
                    "errno:EINVAL, kill or log)", v);
        return -EINVAL;
}

static char *print_action(const struct policy *p, const struct key_def *k _unused_) {
        if (p->sc_action == SF_ACTION_KILL)
                return strdup("kill");
        if (p->sc_action == SF_ACTION_LOG)
                return strdup("log");
        return strprintf("errno:%s", p->sc_errno == EACCES   ? "EACCES"
                                : p->sc_errno == ENOSYS ? "ENOSYS"
                                : p->sc_errno == EINVAL ? "EINVAL"
                                                        : "EPERM");
}

static int parse_hostname(struct policy *p, const struct key_def *k, const char *v, char **msg) {
        size_t n = strlen(v);

        if (n == 0 || n > 64) {
                *msg = strprintf("invalid hostname '%s' (1..64 characters)", v);
                return -EINVAL;
        }
        for (const char *c = v; *c; c++)
                if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.' && *c != '_') {
                        *msg = strprintf("invalid hostname '%s' (letters, digits, '-', '_' and '.')", v);
                        return -EINVAL;
                }
        return set_string(p, k, v);
}

static char *print_string(const struct policy *p, const struct key_def *k) {
        const char *s = *(char *const *)((const char *)p + k->offset);
        return s ? strdup(s) : NULL;
}

/* ---- list item validators (KT_LIST with a parse function) ------------- */

static bool path_ok(const char *s) { return s[0] == '/' && !strstr(s, "/../") && !strstr(s, "/./") &&
                                             !(strlen(s) >= 3 && streq(s + strlen(s) - 3, "/..")); }

/* SRC[:DST], optional leading '-' = "ignore a missing source". */
static int check_bind(struct policy *p _unused_, const struct key_def *k, const char *v, char **msg) {
        const char *s = v[0] == '-' ? v + 1 : v;
        const char *colon = strchr(s, ':');
        char src[4096];

        if (strlen(s) >= sizeof(src))
                return *msg = strprintf("path too long"), -EINVAL;
        snprintf(src, sizeof(src), "%.*s", colon ? (int)(colon - s) : (int)strlen(s), s);
        if (!path_ok(src) || (colon && !path_ok(colon + 1))) {
                *msg = strprintf("invalid %s '%s' (use [-]SOURCE[:DEST] with absolute paths, no '..')", k->key, v);
                return -EINVAL;
        }
        return 0;
}

static int check_abs_path(struct policy *p _unused_, const struct key_def *k, const char *v, char **msg) {
        if (!path_ok(v)) {
                *msg = strprintf("invalid %s '%s' (an absolute path without '..' is required)", k->key, v);
                return -EINVAL;
        }
        return 0;
}

/* tmpfs = DIR[:size=SIZE,mode=MODE] -- the options are checked here. */
static int check_tmpfs(struct policy *p, const struct key_def *k, const char *v, char **msg) {
        const char *colon = strchr(v, ':');
        _cleanup_free_ char *dir = strndup(v, colon ? (size_t)(colon - v) : strlen(v));

        if (!dir)
                return -ENOMEM;
        if (check_abs_path(p, k, dir, msg) < 0)
                return -EINVAL;
        if (colon) {
                _cleanup_free_ char *opts = strdup(colon + 1);
                char *save = NULL;
                if (!opts)
                        return -ENOMEM;
                for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                        uint64_t sz;
                        int mode;
                        if (strncmp(o, "size=", 5) == 0 && value_parse_size(o + 5, &sz) == 0 && sz > 0)
                                continue;
                        if (strncmp(o, "mode=", 5) == 0 && value_parse_mode(o + 5, &mode) == 0)
                                continue;
                        *msg = strprintf("invalid tmpfs option '%s' (use size=SIZE and mode=OCTAL)", o);
                        return -EINVAL;
                }
        }
        return 0;
}

/* overlay = DIR[:UPPERDIR] */
static int check_overlay(struct policy *p, const struct key_def *k, const char *v, char **msg) {
        const char *colon = strchr(v, ':');
        _cleanup_free_ char *dir = strndup(v, colon ? (size_t)(colon - v) : strlen(v));

        if (!dir)
                return -ENOMEM;
        if (!path_ok(dir) || (colon && !path_ok(colon + 1))) {
                *msg = strprintf("invalid overlay '%s' (use DIR or DIR:UPPERDIR, absolute paths)", v);
                return -EINVAL;
        }
        (void)p;
        (void)k;
        return 0;
}

static bool env_name_ok(const char *s, size_t n, bool glob) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || (glob && (s[i] == '*' || s[i] == '?'))))
                        return false;
        return !isdigit((unsigned char)s[0]);
}

static int check_env_set(struct policy *p _unused_, const struct key_def *k _unused_, const char *v, char **msg) {
        const char *eq = strchr(v, '=');

        if (!eq || !env_name_ok(v, (size_t)(eq - v), false)) {
                *msg = strprintf("invalid set '%s' (use NAME=VALUE)", v);
                return -EINVAL;
        }
        return 0;
}

static int check_env_name(struct policy *p _unused_, const struct key_def *k, const char *v, char **msg) {
        if (!env_name_ok(v, strlen(v), streq(k->key, "keep"))) {
                *msg = strprintf("invalid variable name '%s'%s", v, streq(k->key, "keep") ? " (NAME or a pattern like LC_*)" : "");
                return -EINVAL;
        }
        return 0;
}

/* Why an address cannot be an interface address or gateway, or NULL.
 * prefix < 0: a bare address (no subnet checks). */
static const char *net_addr_problem(int fam, const unsigned char *a, int prefix) {
        static const unsigned char v6_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        static const unsigned char zero[16] = {0};

        if (prefix == 0)
                return "prefix /0";
        if (fam == AF_INET6) {
                if (a[0] == 0xff)
                        return "a multicast address";
                if (memcmp(a, zero, 15) == 0 && a[15] <= 1)
                        return a[15] ? "the loopback address" : "the unspecified address";
                return memcmp(a, v6_mapped, 12) == 0 ? "an IPv4-mapped address" : NULL;
        }
        if (a[0] == 0 || a[0] == 127)
                return a[0] ? "a loopback address" : "in 0.0.0.0/8";
        if (a[0] >= 224)
                return "a multicast or reserved address";
        if (prefix > 0 && prefix <= 30) {
                uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
                uint32_t host = v & (uint32_t)((1ULL << (32 - prefix)) - 1);
                if (host == 0 || host == (uint32_t)((1ULL << (32 - prefix)) - 1))
                        return host ? "the subnet's broadcast address" : "the subnet's network address";
        }
        return NULL;
}

static int check_cidr(struct policy *p _unused_, const struct key_def *k, const char *v, char **msg) {
        int fam;
        unsigned char a[16];
        unsigned pre;
        const char *why;

        if (streq(v, "auto") && streq(k->key, "address"))
                return 0;
        if (value_parse_cidr(v, &fam, a, &pre) < 0) {
                *msg = strprintf("invalid %s '%s' (use ADDRESS/PREFIX, e.g. 10.200.0.2/24 or fd00::2/64%s)", k->key, v,
                            streq(k->key, "address") ? ", or auto" : "");
                return -EINVAL;
        }
        why = net_addr_problem(fam, a, (int)pre);
        if (why) {
                *msg = strprintf("invalid %s '%s': %s", k->key, v, why);
                return -EINVAL;
        }
        return 0;
}


/* gateway (a unicast address) and dns (any address a resolver may use,
 * loopback included: a resolver inside the sandbox). */
static int check_ip(struct policy *p, const struct key_def *k, const char *v, char **msg) {
        int fam;
        unsigned char a[16];
        const char *why;

        if (value_parse_ip(v, &fam, a) < 0) {
                *msg = strprintf("invalid %s '%s' (an IPv4 or IPv6 address, no prefix)", k->key, v);
                return -EINVAL;
        }
        why = net_addr_problem(fam, a, -1);
        if (why && !(streq(k->key, "dns") && strstr(why, "loopback"))) {
                *msg = strprintf("invalid %s '%s': %s", k->key, v, why);
                return -EINVAL;
        }
        return k->type == KT_LIST ? 0 : set_string(p, k, v);
}

static int check_host_cidr(struct policy *p, const struct key_def *k, const char *v, char **msg) {
        int r = check_cidr(p, k, v, msg);

        return r < 0 ? r : set_string(p, k, v);
}

static int check_name(struct policy *p, const struct key_def *k, const char *v, char **msg) {
        if (!value_is_plain_name(v)) {
                *msg = strprintf("invalid %s '%s' (a plain name: no '/', no leading '.')", k->key, v);
                return -EINVAL;
        }
        if (k->type == KT_LIST)
                return 0;
        return set_string(p, k, v);
}

/* [seccomp] names: `profile` must be a built-in profile (and is stored
 * here, KT_SPECIAL); `allow`/`deny` items a syscall libseccomp knows or an
 * @group. Unknown names come with the closest known one. */
static int check_syscall_name(struct policy *p, const struct key_def *k, const char *v, char **msg) {
        const char *s = v[0] == '@' ? v + 1 : v;
        char hint[64];

        if (streq(k->key, "profile")) {
                if (!sysfilter_profile_known(v, hint, sizeof(hint))) {
                        *msg = strprintf("unknown seccomp profile '%s'%s%s%s (built-in: default, minimal, io-heavy, "
                                    "compute, network, unrestricted)", v, hint[0] ? " (did you mean '" : "",
                                    hint, hint[0] ? "'?)" : "");
                        return -EINVAL;
                }
                return set_string(p, k, v);
        }
        for (; *s; s++)
                if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
                        break;
        if (*s || !v[v[0] == '@']) {
                *msg = strprintf("invalid %s '%s' (a syscall name or an @group)", k->key, v);
                return -EINVAL;
        }
        if (sysfilter_name_known(v, hint, sizeof(hint)))
                return 0;
        *msg = strprintf("unknown syscall%s '%s'%s%s%s", v[0] == '@' ? " group" : "", v,
                    hint[0] ? " (did you mean '" : "", hint, hint[0] ? "'?)" : "");
        return -EINVAL;
}

static int check_cap_name(struct policy *p _unused_, const struct key_def *k _unused_, const char *v, char **msg) {
        char hint[64];

        for (const char *s = v; *s; s++)
                if (!(isalnum((unsigned char)*s) || *s == '_'))
                        goto bad;
        if (!*v)
                goto bad;
        if (caps_name_valid(v))
                return 0;
        caps_suggest(v, hint, sizeof(hint));
        *msg = strprintf("unknown capability '%s'%s%s%s", v, hint[0] ? " (did you mean '" : "", hint,
                    hint[0] ? "'?)" : "");
        return -EINVAL;
bad:
        *msg = strprintf("invalid capability '%s' (e.g. CAP_NET_BIND_SERVICE)", v);
        return -EINVAL;
}

static int check_description(struct policy *p, const struct key_def *k, const char *v, char **msg _unused_) {
        return set_string(p, k, v);
}

/* The kernel's dev_valid_name() (1..15 bytes, no '/', ':' or whitespace),
 * and no leading '.' (rules out "." and ".."). */
static int parse_bridge(struct policy *p, const struct key_def *k, const char *v, char **msg) {
        bool ok = *v && strlen(v) < 16 && v[0] != '.';

        for (const char *c = v; ok && *c; c++)
                ok = *c != '/' && *c != ':' && !isspace((unsigned char)*c) && (unsigned char)*c > 0x20 && *c != 0x7f;
        if (!ok) {
                *msg = strprintf("invalid %s '%s' (an interface name: 1 to 15 characters, no '/', ':', spaces or leading '.')", k->key, v);
                return -EINVAL;
        }
        return set_string(p, k, v);
}

/* [network] protocol: a comma-separated list of socket family names. */
static int check_protocol(struct policy *p _unused_, const struct key_def *k _unused_, const char *v, char **msg) {
        sockfam_mask m = 0;

        return sockfam_parse(v, &m, msg);
}

static char *print_u32(const struct policy *p, const struct key_def *k) {
        return strprintf("%" PRIu32, *(const uint32_t *)((const char *)p + k->offset));
}

/* ---- the table ---------------------------------------------------------- */

#define LIST(sec, key, field, check, fl, help) \
        {sec, key, KT_LIST, OFF(field), fl, check, NULL, "", help}

const struct key_def policy_keys[] = {
        {"profile", "description", KT_SPECIAL, OFF(description), KF_NOEXPAND, check_description, print_string, "",
         "One line saying what the profile is for (shown by --list-profiles)."},
        LIST("profile", "include", include, check_name, KF_NOEXPAND,
             "Profile NAME to apply before this file (repeatable; searched like profiles)."),

        {"namespaces", "user", KT_TRISTATE, OFF(ns_user), KF_SECURITY, NULL, NULL, "auto",
         "New user namespace: auto = when not running as root."},
        {"namespaces", "pid", KT_TRISTATE, OFF(ns_pid), KF_SECURITY, NULL, NULL, "yes", "New PID namespace."},
        {"namespaces", "ipc", KT_TRISTATE, OFF(ns_ipc), KF_SECURITY, NULL, NULL, "yes", "New IPC namespace."},
        {"namespaces", "uts", KT_TRISTATE, OFF(ns_uts), KF_SECURITY, NULL, NULL, "yes", "New UTS namespace (hostname)."},
        {"namespaces", "cgroup", KT_TRISTATE, OFF(ns_cgroup), KF_SECURITY, NULL, NULL, "yes", "New cgroup namespace."},
        {"namespaces", "time", KT_TRISTATE, OFF(ns_time), 0, NULL, NULL, "no",
         "New time namespace for the program (Linux 5.6; auto = when the kernel has it)."},

        {"process", "hostname", KT_SPECIAL, OFF(hostname), 0, parse_hostname, print_string, "sandbox",
         "Host name inside the UTS namespace."},
        {"process", "uid", KT_ID, OFF(uid), 0, NULL, NULL, "caller's",
         "User id the program runs as (root: switched to; otherwise mapped); the gid follows its primary group unless set."},
        {"process", "gid", KT_ID, OFF(gid), 0, NULL, NULL, "caller's", "Group id the program runs as."},
        {"process", "cwd", KT_STRING, OFF(cwd), 0, NULL, NULL, "caller's",
         "Working directory inside (default: the caller's if visible, else the home or /), "
         "entered with the program's identity."},
        {"process", "new-session", KT_BOOL, OFF(new_session), 0, NULL, NULL, "no",
         "Start a new session (setsid): no controlling terminal."},
        {"process", "umask", KT_MODE, OFF(umask), 0, NULL, NULL, "inherited", "File mode creation mask (octal)."},
        {"process", "die-with-parent", KT_BOOL, OFF(die_with_parent), KF_SECURITY, NULL, NULL, "yes",
         "Kill the sandbox when the launcher dies."},

        {"environment", "clear", KT_BOOL, OFF(env_clear), KF_SECURITY, NULL, NULL, "yes",
         "Start from an empty environment plus keep and set."},
        LIST("environment", "keep", env_keep, check_env_name, 0, "Variable NAME (or pattern) to keep when clear = yes."),
        LIST("environment", "set", env_set, check_env_set, 0, "NAME=VALUE to set."),
        LIST("environment", "unset", env_unset, check_env_name, 0, "Variable NAME to remove."),

        {"filesystem", "root", KT_SPECIAL, 0, 0, parse_root, print_root, "tmpfs",
         "tmpfs (empty root built from binds), host-ro (host root read-only) or DIR (chroot-style)."},
        LIST("filesystem", "ro-bind", ro_bind, check_bind, 0, "[-]SRC[:DST] bind read-only ('-': skip if missing)."),
        LIST("filesystem", "bind", bind, check_bind, KF_SECURITY, "[-]SRC[:DST] bind read-write."),
        LIST("filesystem", "dev-bind", dev_bind, check_bind, KF_SECURITY, "[-]SRC[:DST] bind allowing device nodes."),
        LIST("filesystem", "tmpfs", tmpfs, check_tmpfs, 0, "DIR[:size=SIZE,mode=MODE] empty tmpfs."),
        LIST("filesystem", "overlay", overlay, check_overlay, 0,
             "DIR[:UPPERDIR] copy-on-write view of DIR; writes go to a throwaway layer or UPPERDIR."),
        LIST("filesystem", "hide", hide, check_abs_path, 0, "PATH to cover with an empty, inaccessible node."),
        LIST("filesystem", "mkdir", mkdir, check_abs_path, 0, "DIR to create inside the sandbox."),
        {"filesystem", "private-home", KT_BOOL, OFF(private_home), 0, NULL, NULL, "no",
         "Empty tmpfs at the user's home path."},
        {"filesystem", "private-tmp", KT_BOOL, OFF(private_tmp), 0, NULL, NULL, "no", "Empty tmpfs at /tmp."},
        {"filesystem", "private-dev", KT_BOOL, OFF(private_dev), 0, NULL, NULL, "no",
         "Minimal /dev: null zero full random urandom tty, pts, shm."},
        {"filesystem", "proc", KT_BOOL, OFF(proc), 0, NULL, NULL, "yes", "Fresh /proc for the new PID namespace."},

        {"network", "mode", KT_SPECIAL, OFF(net_mode), KF_SECURITY, parse_net_mode, print_net_mode, "none",
         "none (own namespace, loopback only), host (the host's network: weaker, abstract sockets such as "
         "X11's are reachable) or veth (root: a veth pair, eth0 inside)."},
        {"network", "bridge", KT_SPECIAL, OFF(bridge), 0, parse_bridge, print_string, "",
         "Existing bridge for the veth's host end (without it: a routed link)."},
        LIST("network", "address", address, check_cidr, 0,
             "ADDRESS/PREFIX of eth0 inside (repeatable, IPv4 and IPv6), or auto (one IPv4 address, leased)."),
        {"network", "host-address", KT_SPECIAL, OFF(host_address), 0, check_host_cidr, print_string, "",
         "ADDRESS/PREFIX on the veth's host end (routed link; not with bridge or address = auto)."},
        {"network", "gateway", KT_SPECIAL, OFF(gateway), 0, check_ip, print_string, "",
         "Default route inside via this address (with address = auto: the host end or the bridge)."},
        LIST("network", "dns", dns, check_ip, 0, "Name server for a private read-only /etc/resolv.conf inside (up to 3)."),
        {"network", "mtu", KT_U32, OFF(mtu), 0, NULL, NULL, "", "MTU of both veth ends (68..65535, 1280 with IPv6)."},
        LIST("network", "protocol", protocol, check_protocol, KF_SECURITY | KF_NOEXPAND,
             "Socket families the program may create, e.g. unix,inet,inet6 (others fail with EAFNOSUPPORT); "
             "unset: unix,inet,inet6,netlink with mode none, and packet too with host and veth."),

        {"limits", "memory", KT_SIZE, OFF(memory), 0, NULL, NULL, "", "memory.max of the sandbox's cgroup."},
        {"limits", "memory-swap", KT_SPECIAL, OFF(memory_swap), 0, parse_memory_swap, print_size_raw, "",
         "memory.swap.max (0 = no swap)."},
        {"limits", "cpu", KT_SPECIAL, OFF(cpu_percent), 0, parse_cpu, print_u32, "",
         "CPU bandwidth in percent of one CPU (cpu.max)."},
        {"limits", "cpu-quota", KT_SPECIAL, 0, 0, parse_cpu_quota, print_cpu_quota, "",
         "cpu.max as QUOTA_US/PERIOD_US."},
        {"limits", "pids", KT_U64, OFF(pids), 0, NULL, NULL, "", "pids.max: processes and threads."},
        {"limits", "timeout", KT_DURATION, OFF(timeout_ms), 0, NULL, NULL, "",
         "Kill everything after this long; exit status 124."},
        {"limits", "nofile", KT_U64, OFF(rl_nofile), 0, NULL, NULL, "", "RLIMIT_NOFILE."},
        {"limits", "nproc", KT_U64, OFF(rl_nproc), 0, NULL, NULL, "", "RLIMIT_NPROC."},
        {"limits", "fsize", KT_SIZE, OFF(rl_fsize), 0, NULL, NULL, "", "RLIMIT_FSIZE."},
        {"limits", "core", KT_SPECIAL, OFF(rl_core), 0, parse_core, print_size_raw, "", "RLIMIT_CORE (0 = no core dumps)."},

        {"seccomp", "profile", KT_SPECIAL, OFF(seccomp_profile), KF_SECURITY | KF_NOEXPAND, check_syscall_name,
         print_string, "default",
         "Built-in syscall profile: default, minimal, io-heavy, compute, network, unrestricted."},
        LIST("seccomp", "allow", sc_allow, check_syscall_name, KF_SECURITY | KF_NOEXPAND,
             "Syscall or @group to allow on top of the profile (@namespaces: allow CLONE_NEW* and setns)."),
        LIST("seccomp", "deny", sc_deny, check_syscall_name, KF_NOEXPAND,
             "Syscall or @group to deny (applied after allow: deny wins)."),
        {"seccomp", "action", KT_SPECIAL, OFF(sc_action), KF_SECURITY | KF_NOEXPAND, parse_action, print_action, "errno:EPERM",
         "What a denied syscall does: errno[:ENAME], kill or log (allow and log)."},
        {"seccomp", "block-secondary-arch", KT_BOOL, OFF(block_secondary_arch), KF_SECURITY, NULL, NULL, "yes",
         "Kill i386 and x32 syscalls; no = filter them with the same rules."},

        LIST("capabilities", "keep", cap_keep, check_cap_name, KF_SECURITY | KF_NOEXPAND,
             "Capability to keep (root only; everything else is dropped)."),
        {"capabilities", "no-new-privs", KT_BOOL, OFF(no_new_privs), KF_SECURITY, NULL, NULL, "yes",
         "Set no_new_privs (only root may turn it off)."},
};
const size_t policy_n_keys = ELEMENTSOF(policy_keys);

size_t policy_key_index(const struct key_def *k) { return (size_t)(k - policy_keys); }

static const char *const sections[] = {"profile", "namespaces", "process", "environment", "filesystem",
                                       "network", "limits", "seccomp", "capabilities"};

bool policy_section_known(const char *section) {
        for (size_t i = 0; i < ELEMENTSOF(sections); i++)
                if (streq(sections[i], section))
                        return true;
        return false;
}

const char *policy_suggest_section(const char *section) {
        const char *best = NULL;
        unsigned dist = 3;

        for (size_t i = 0; i < ELEMENTSOF(sections); i++) {
                unsigned d = value_edit_distance(section, sections[i]);
                if (d < dist) {
                        dist = d;
                        best = sections[i];
                }
        }
        return best;
}

const struct key_def *policy_find_key(const char *section, const char *key) {
        for (size_t i = 0; i < policy_n_keys; i++)
                if (streq(policy_keys[i].section, section) && streq(policy_keys[i].key, key))
                        return &policy_keys[i];
        return NULL;
}

const char *policy_key_separators(const struct key_def *k) {
        if (k->parse == check_bind || k->parse == check_overlay)
                return ":";
        if (k->parse == check_tmpfs)
                return ":,";
        if (k->parse == check_env_set)
                return "=";
        return NULL;
}

const char *policy_suggest_key(const char *section, const char *key, char *buf, size_t len) {
        unsigned best = 3;
        const struct key_def *hit = NULL;

        /* The key in another section first, then near misses. */
        for (size_t i = 0; i < policy_n_keys; i++)
                if (streq(policy_keys[i].key, key)) {
                        snprintf(buf, len, "[%s] %s", policy_keys[i].section, key);
                        return buf;
                }
        for (size_t i = 0; i < policy_n_keys; i++) {
                unsigned d = value_edit_distance(key, policy_keys[i].key);
                if (streq(policy_keys[i].section, section) && d < best) {
                        best = d;
                        hit = &policy_keys[i];
                }
        }
        if (!hit)
                return NULL;
        snprintf(buf, len, "%s", hit->key);
        return buf;
}

/* ---- lifetime ----------------------------------------------------------- */

struct policy *policy_new(void) {
        struct policy *p = calloc(1, sizeof(*p));

        if (!p)
                return NULL;
        p->origin = calloc(policy_n_keys, sizeof(*p->origin));
        if (!p->origin) {
                free(p);
                return NULL;
        }
        p->ns_user = TRI_AUTO;
        p->ns_pid = p->ns_ipc = p->ns_uts = p->ns_cgroup = TRI_YES;
        p->ns_time = TRI_NO;
        p->uid = p->gid = POLICY_UNSET_ID;
        p->umask = -1;
        p->die_with_parent = true;
        p->env_clear = true;
        p->root = ROOT_TMPFS;
        p->proc = true;
        p->net_mode = NET_NONE;
        p->sc_action = SF_ACTION_ERRNO;
        p->sc_errno = EPERM;
        p->block_secondary_arch = true;
        p->no_new_privs = true;
        return p;
}

void strlist_free(struct strlist *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->items[i].value);
        free(l->items);
        l->items = NULL;
        l->n = 0;
        l->cap = 0;
}

/* Amortised: the array doubles, so n appends cost O(n). */
int strlist_add(struct strlist *l, const char *value, struct origin origin) {
        char *v;

        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 8;
                struct list_item *n = reallocarray(l->items, cap, sizeof(*n));
                if (!n)
                        return -ENOMEM;
                l->items = n;
                l->cap = cap;
        }
        v = strdup(value);
        if (!v)
                return -ENOMEM;
        l->items[l->n++] = (struct list_item){v, origin};
        return 0;
}

/* Removes the entry equal to value, if any (lists hold each value once). */
static void strlist_remove(struct strlist *l, const char *value) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->items[i].value, value)) {
                        free(l->items[i].value);
                        memmove(&l->items[i], &l->items[i + 1], (l->n - i - 1) * sizeof(*l->items));
                        l->n--;
                        return;
                }
}

bool strlist_contains(const struct strlist *l, const char *value) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->items[i].value, value))
                        return true;
        return false;
}

void policy_free(struct policy *p) {
        for (size_t i = 0; i < policy_n_keys; i++) {
                const struct key_def *k = &policy_keys[i];
                if (k->type == KT_LIST)
                        strlist_free((struct strlist *)((char *)p + k->offset));
                else if (k->type == KT_STRING || (k->type == KT_SPECIAL && k->print == print_string))
                        free(*(char **)((char *)p + k->offset));
        }
        free(p->root_dir);
        free(p->name);
        strlist_free(&p->sources);
        for (size_t i = 0; i < p->n_files; i++)
                free(p->files[i]);
        free(p->files);
        free(p->origin);
        free(p);
}

const char *policy_intern_file(struct policy *p, const char *file) {
        char **n;

        for (size_t i = 0; i < p->n_files; i++)
                if (streq(p->files[i], file))
                        return p->files[i];
        n = realloc(p->files, (p->n_files + 1) * sizeof(*n));
        if (!n)
                return NULL;
        p->files = n;
        p->files[p->n_files] = strdup(file);
        if (!p->files[p->n_files])
                return NULL;
        return p->files[p->n_files++];
}

/* ---- setting ------------------------------------------------------------ */

static int set_typed(struct policy *p, const struct key_def *k, const char *v, char **msg) {
        void *f = (char *)p + k->offset;
        uint64_t u;
        bool b;
        int t, r;

        switch (k->type) {
        case KT_BOOL:
                if (value_parse_bool(v, &b) < 0)
                        return *msg = strprintf("invalid boolean '%s' (use yes or no)", v), -EINVAL;
                *(bool *)f = b;
                return 0;
        case KT_TRISTATE:
                if (value_parse_tristate(v, &t) < 0)
                        return *msg = strprintf("invalid value '%s' (use yes, no or auto)", v), -EINVAL;
                *(enum tristate *)f = (enum tristate)t;
                return 0;
        case KT_STRING:
                return set_string(p, k, v);
        case KT_SIZE:
                r = value_parse_size(v, &u);
                if (r < 0 || u == 0)
                        return *msg = strprintf("invalid size '%s' (use bytes or a number with K, M, G or T, "
                                           "e.g. 256M; more than 0)", v), -EINVAL;
                *(uint64_t *)f = u;
                return 0;
        case KT_DURATION:
                r = value_parse_duration(v, &u);
                if (r < 0 || u == 0)
                        return *msg = strprintf("invalid duration '%s' (use 30, 30s, 500ms, 5m, 1h or 1d; more than 0)", v),
                               -EINVAL;
                *(uint64_t *)f = u;
                return 0;
        case KT_U32:
        case KT_U64:
                r = value_parse_u64(v, k->type == KT_U32 ? UINT32_MAX : (uint64_t)INT64_MAX, &u);
                if (r < 0 || u == 0)
                        return *msg = strprintf("invalid number '%s' (a whole number from 1 to %s)", v,
                                           k->type == KT_U32 ? "4294967295" : "9223372036854775807"), -EINVAL;
                if (k->type == KT_U32)
                        *(uint32_t *)f = (uint32_t)u;
                else
                        *(uint64_t *)f = u;
                return 0;
        case KT_ID:
                r = value_parse_u64(v, UINT32_MAX - 1, &u);
                if (r < 0)
                        return *msg = strprintf("invalid id '%s' (a number from 0 to 4294967294)", v), -EINVAL;
                *(uint32_t *)f = (uint32_t)u;
                return 0;
        case KT_MODE:
                if (value_parse_mode(v, &t) < 0 || t > 0777)
                        return *msg = strprintf("invalid mode '%s' (octal, e.g. 022)", v), -EINVAL;
                *(int *)f = t;
                return 0;
        case KT_LIST:
                if (k->parse) {
                        r = k->parse(p, k, v, msg);
                        if (r < 0)
                                return r;
                }
                return 0;
        case KT_SPECIAL:
                return k->parse(p, k, v, msg);
        }
        return -EINVAL;
}

static bool is_mount_list(const struct key_def *k) { return k->type == KT_LIST && streq(k->section, "filesystem"); }

static size_t mount_entries(const struct policy *p) {
        return p->ro_bind.n + p->bind.n + p->dev_bind.n + p->tmpfs.n + p->overlay.n + p->hide.n + p->mkdir.n;
}

/* Appends to a list key: identical [filesystem] entries collapse (the
 * last one stays), and the caps hold (POLICY_MAX_MOUNTS, POLICY_MAX_LIST). */
static int list_append(struct policy *p, const struct key_def *k, const char *value, struct origin origin,
                       char **ret_msg) {
        struct strlist *l = (struct strlist *)((char *)p + k->offset);

        if (is_mount_list(k)) {
                strlist_remove(l, value);
                if (mount_entries(p) >= POLICY_MAX_MOUNTS) {
                        *ret_msg = strprintf("more than %d filesystem entries (ro-bind, bind, dev-bind, tmpfs, overlay, "
                                             "hide and mkdir together; identical entries count once)", POLICY_MAX_MOUNTS);
                        return -EINVAL;
                }
        } else if (l->n >= POLICY_MAX_LIST) {
                *ret_msg = strprintf("more than %d '%s' entries", POLICY_MAX_LIST, k->key);
                return -EINVAL;
        }
        return strlist_add(l, value, origin);
}

int policy_set(struct policy *p, const struct key_def *k, const char *value, struct origin origin,
               bool same_file_dup_is_error, char **ret_msg) {
        size_t idx = policy_key_index(k);
        int r;

        if (k->type != KT_LIST && same_file_dup_is_error && p->origin[idx].file && origin.file &&
            p->origin[idx].file == origin.file) {
                *ret_msg = strprintf("'%s' is set twice in this file (first at line %u)", k->key, p->origin[idx].line);
                return -EEXIST;
        }
        if (!*value && k->type != KT_STRING) {
                *ret_msg = strprintf("empty value for '%s'", k->key);
                return -EINVAL;
        }
        r = set_typed(p, k, value, ret_msg);
        if (r < 0)
                return r;
        if (k->type == KT_LIST)
                return list_append(p, k, value, origin, ret_msg);
        p->origin[idx] = origin;
        return 0;
}

bool policy_key_is_set(const struct policy *p, const struct key_def *k) {
        if (k->type == KT_LIST)
                return ((const struct strlist *)((const char *)p + k->offset))->n > 0;
        return p->origin[policy_key_index(k)].file != NULL;
}

const struct key_def *policy_first_unsupported(const struct policy *p) {
        for (size_t i = 0; i < policy_n_keys; i++)
                if ((policy_keys[i].flags & KF_UNSUPPORTED) && policy_key_is_set(p, &policy_keys[i]))
                        return &policy_keys[i];
        return NULL;
}

/* ---- [network] cross-key checks (policy_validate) --------------------- */

#define NET_MAX_ADDRESSES_POLICY 16 /* NET_MAX_ADDRESSES in net.h */
#define NET_MAX_DNS 3               /* MAXNS: glibc and musl read three */

struct net_parsed {
        int fam;
        unsigned char a[16];
        unsigned prefix;
};

static int net_invalid(char **ret_msg, struct origin *ret_origin, struct origin o, char *msg) {
        *ret_msg = msg;
        *ret_origin = o;
        return -EINVAL;
}

static struct origin net_key_origin(const struct policy *p, const char *key) {
        return p->origin[policy_key_index(policy_find_key("network", key))];
}

static bool net_same_subnet(const struct net_parsed *n, const unsigned char *b) {
        unsigned bits = n->prefix;
        size_t i = 0;

        for (; bits >= 8; bits -= 8, i++)
                if (n->a[i] != b[i])
                        return false;
        return bits == 0 || ((n->a[i] ^ b[i]) & (unsigned char)(0xff << (8 - bits))) == 0;
}

/* Keys that only mean something with mode = veth. */
static int net_check_mode(const struct policy *p, char **ret_msg, struct origin *ret_origin) {
        static const char *const veth_keys[] = {"bridge", "address", "host-address", "gateway", "dns", "mtu"};

        for (size_t i = 0; p->net_mode != NET_VETH && i < ELEMENTSOF(veth_keys); i++) {
                const struct key_def *k = policy_find_key("network", veth_keys[i]);
                if (!policy_key_is_set(p, k))
                        continue;
                return net_invalid(ret_msg, ret_origin,
                                   k->type == KT_LIST ? ((const struct strlist *)((const char *)p + k->offset))->items[0].origin
                                                      : p->origin[policy_key_index(k)],
                                   strprintf("'%s' needs 'mode = veth'", veth_keys[i]));
        }
        return 0;
}

/* address: at most 16, no duplicates, "auto" once and not with another
 * IPv4 address. Fills out[] (auto entries skipped), *ret_auto. */
static int net_check_addresses(const struct policy *p, struct net_parsed *out, size_t *ret_n, bool *ret_auto,
                               char **ret_msg, struct origin *ret_origin) {
        bool have_auto = false, have_v4 = false;
        size_t n = 0;

        for (size_t i = 0; i < p->address.n; i++) {
                const struct list_item *it = &p->address.items[i];
                struct net_parsed *x = &out[n];
                if (i >= NET_MAX_ADDRESSES_POLICY)
                        return net_invalid(ret_msg, ret_origin, it->origin, strprintf("more than %d 'address' entries",
                                                                                 NET_MAX_ADDRESSES_POLICY));
                if (streq(it->value, "auto")) {
                        if (have_auto || have_v4)
                                return net_invalid(ret_msg, ret_origin, it->origin,
                                                   strprintf("'address = auto' picks the one IPv4 address; "
                                                        "drop the other IPv4 'address' entries"));
                        have_auto = true;
                        continue;
                }
                if (value_parse_cidr(it->value, &x->fam, x->a, &x->prefix) < 0)
                        return net_invalid(ret_msg, ret_origin, it->origin, strprintf("invalid address '%s'", it->value));
                for (size_t j = 0; j < n; j++)
                        if (out[j].fam == x->fam && memcmp(out[j].a, x->a, 16) == 0)
                                return net_invalid(ret_msg, ret_origin, it->origin,
                                                   strprintf("address '%s' collides with an earlier 'address'", it->value));
                if (x->fam == AF_INET && have_auto)
                        return net_invalid(ret_msg, ret_origin, it->origin,
                                           strprintf("'address = auto' picks the one IPv4 address; drop '%s'", it->value));
                have_v4 |= x->fam == AF_INET;
                n++;
        }
        *ret_n = n;
        *ret_auto = have_auto;
        return 0;
}

static int net_check_host_address(const struct policy *p, const struct net_parsed *addr, size_t n, bool have_auto,
                                  char **ret_msg, struct origin *ret_origin) {
        struct origin o = net_key_origin(p, "host-address");
        struct net_parsed h;

        if (!p->host_address)
                return 0;
        if (p->bridge)
                return net_invalid(ret_msg, ret_origin, o,
                                   strprintf("'host-address' is for a routed link; with 'bridge' the bridge's own "
                                        "address is the host side"));
        if (have_auto)
                return net_invalid(ret_msg, ret_origin, o,
                                   strprintf("'address = auto' chooses the host end's address itself; drop 'host-address'"));
        if (value_parse_cidr(p->host_address, &h.fam, h.a, &h.prefix) < 0)
                return net_invalid(ret_msg, ret_origin, o, strprintf("invalid host-address '%s'", p->host_address));
        for (size_t i = 0; i < n; i++)
                if (addr[i].fam == h.fam && memcmp(addr[i].a, h.a, 16) == 0)
                        return net_invalid(ret_msg, ret_origin, o,
                                           strprintf("host-address '%s' collides with an 'address'", p->host_address));
        return 0;
}

/* gateway: not one of our addresses, and inside one of their subnets
 * (address = auto's subnet is known only at launch). */
static int net_check_gateway(const struct policy *p, const struct net_parsed *addr, size_t n, bool have_auto,
                             char **ret_msg, struct origin *ret_origin) {
        struct origin o = net_key_origin(p, "gateway");
        int fam;
        unsigned char g[16];

        if (!p->gateway)
                return 0;
        if (value_parse_ip(p->gateway, &fam, g) < 0)
                return net_invalid(ret_msg, ret_origin, o, strprintf("invalid gateway '%s'", p->gateway));
        if (fam == AF_INET && have_auto)
                return 0;
        for (size_t i = 0; i < n; i++) {
                if (addr[i].fam != fam)
                        continue;
                if (memcmp(addr[i].a, g, 16) == 0)
                        return net_invalid(ret_msg, ret_origin, o,
                                           strprintf("gateway '%s' is the sandbox's own address", p->gateway));
                if (net_same_subnet(&addr[i], g))
                        return 0;
        }
        return net_invalid(ret_msg, ret_origin, o,
                           strprintf("gateway '%s' is not inside the subnet of any 'address'", p->gateway));
}

static int net_check_mtu_dns(const struct policy *p, const struct net_parsed *addr, size_t n, char **ret_msg,
                             struct origin *ret_origin) {
        bool v6 = false;

        for (size_t i = 0; i < n; i++)
                v6 |= addr[i].fam == AF_INET6;
        if (policy_key_is_set(p, policy_find_key("network", "mtu")) && (p->mtu < (v6 ? 1280u : 68u) || p->mtu > 65535))
                return net_invalid(ret_msg, ret_origin, net_key_origin(p, "mtu"),
                                   strprintf("mtu %" PRIu32 " out of range (%u..65535%s)", p->mtu, v6 ? 1280u : 68u,
                                        v6 ? ", IPv6 needs 1280" : ""));
        if (p->dns.n > NET_MAX_DNS)
                return net_invalid(ret_msg, ret_origin, p->dns.items[NET_MAX_DNS].origin,
                                   strprintf("more than %d 'dns' servers (the C library reads only %d)", NET_MAX_DNS,
                                        NET_MAX_DNS));
        return 0;
}

static int validate_network(const struct policy *p, char **ret_msg, struct origin *ret_origin) {
        struct net_parsed addr[NET_MAX_ADDRESSES_POLICY];
        size_t n = 0;
        bool have_auto = false;
        int r;

        r = net_check_mode(p, ret_msg, ret_origin);
        if (r == 0 && p->net_mode == NET_VETH)
                r = net_check_addresses(p, addr, &n, &have_auto, ret_msg, ret_origin);
        if (r == 0 && p->net_mode == NET_VETH)
                r = net_check_host_address(p, addr, n, have_auto, ret_msg, ret_origin);
        if (r == 0 && p->net_mode == NET_VETH)
                r = net_check_gateway(p, addr, n, have_auto, ret_msg, ret_origin);
        if (r == 0 && p->net_mode == NET_VETH)
                r = net_check_mtu_dns(p, addr, n, ret_msg, ret_origin);
        return r;
}

int policy_validate(const struct policy *p, char **ret_msg, struct origin *ret_origin) {
        const struct key_def *cpu = policy_find_key("limits", "cpu");
        const struct key_def *quota = policy_find_key("limits", "cpu-quota");
        const struct key_def *swap = policy_find_key("limits", "memory-swap");

        if (policy_key_is_set(p, cpu) && policy_key_is_set(p, quota)) {
                *ret_msg = strprintf("'cpu' and 'cpu-quota' both set; use one");
                *ret_origin = p->origin[policy_key_index(quota)];
                return -EINVAL;
        }
        if (policy_key_is_set(p, swap) && p->memory == 0) {
                *ret_msg = strprintf("'memory-swap' needs 'memory'");
                *ret_origin = p->origin[policy_key_index(swap)];
                return -EINVAL;
        }
        if (validate_network(p, ret_msg, ret_origin) < 0)
                return -EINVAL;
        if (mounts_plan_check(p, ret_msg, ret_origin) < 0) /* mount_plan.c */
                return -EINVAL;
        return 0;
}

/* ---- printing ----------------------------------------------------------- */

char *policy_value_text(const struct policy *p, const struct key_def *k) {
        const void *f = (const char *)p + k->offset;
        char buf[64];

        switch (k->type) {
        case KT_BOOL:
                return strdup(*(const bool *)f ? "yes" : "no");
        case KT_TRISTATE: {
                enum tristate t = *(const enum tristate *)f;
                return strdup(t == TRI_YES ? "yes" : t == TRI_NO ? "no" : "auto");
        }
        case KT_STRING:
                return *(char *const *)f ? strdup(*(char *const *)f) : NULL;
        case KT_SIZE:
                value_format_size(*(const uint64_t *)f, buf, sizeof(buf));
                return strdup(buf);
        case KT_DURATION:
                value_format_duration(*(const uint64_t *)f, buf, sizeof(buf));
                return strdup(buf);
        case KT_U32:
                return strprintf("%" PRIu32, *(const uint32_t *)f);
        case KT_U64:
                return strprintf("%" PRIu64, *(const uint64_t *)f);
        case KT_ID:
                return strprintf("%" PRIu32, *(const uint32_t *)f);
        case KT_MODE:
                return strprintf("%04o", (unsigned)*(const int *)f);
        case KT_LIST:
                return NULL;
        case KT_SPECIAL:
                return k->print(p, k);
        }
        return NULL;
}

/* The origin goes on a comment line of its own above the value; a long
 * file name is shortened from the left so the comment stays a valid line. */
static void print_origin(FILE *f, struct origin o) {
        const char *file = o.file ? o.file : "?";
        char esc[4 * 150 + 1];
        size_t max = 150;

        if (strlen(file) > max)
                file += strlen(file) - max;
        log_escape(file, esc, sizeof(esc)); /* a newline in a path would start a line of its own */
        if (o.line)
                fprintf(f, "# %s%s:%u\n", file == o.file || !o.file ? "" : "...", esc, o.line);
        else
                fprintf(f, "# %s\n", esc);
}

/* One "key = value" line that reads back as the same value: '$' and a
 * leading '~' escaped where values are expanded, "key=value" when the
 * spaced form would be too long or the value starts with ';'. A value
 * that cannot be written as a profile line is printed with a warning. */
static void print_value(FILE *f, const struct key_def *k, const char *value, bool comment) {
        _cleanup_free_ char *esc = (k->flags & KF_NOEXPAND) ? strdup(value) : value_escape(value);
        const char *v = esc ? esc : value;
        size_t len = strlen(k->key) + 3 + strlen(v) + (comment ? 2 : 0);
        bool tight = v[0] == ';' || len > 198;

        if ((tight && len - 2 > 198) || strstr(v, " ;") || strstr(v, "\t;"))
                fprintf(stderr, "sandbox: warning: the value of [%s] %s cannot be written as a profile line; "
                                "the printed profile will not load as it is\n", k->section, k->key);
        fprintf(f, "%s%s%s%s\n", comment ? "# " : "", k->key, tight ? "=" : " = ", v);
}

int policy_print(const struct policy *p, FILE *f) {
        char esc[4 * 4096];

        log_escape(p->name ? p->name : "?", esc, sizeof(esc));
        fprintf(f, "# Resolved policy for '%s'.\n", esc);
        for (size_t i = 0; i < p->sources.n; i++) {
                log_escape(p->sources.items[i].value, esc, sizeof(esc));
                fprintf(f, "# source: %s\n", esc);
        }
        for (size_t s = 0; s < ELEMENTSOF(sections); s++) {
                fprintf(f, "\n[%s]\n", sections[s]);
                for (size_t i = 0; i < policy_n_keys; i++) {
                        const struct key_def *k = &policy_keys[i];
                        if (!streq(k->section, sections[s]))
                                continue;
                        if (k->type == KT_LIST) {
                                const struct strlist *l = (const struct strlist *)((const char *)p + k->offset);
                                bool comment = streq(k->key, "include"); /* already applied */
                                for (size_t j = 0; j < l->n; j++) {
                                        print_origin(f, l->items[j].origin);
                                        print_value(f, k, l->items[j].value, comment);
                                }
                                continue;
                        }
                        if (!policy_key_is_set(p, k)) {
                                fprintf(f, "# %s = %s (default)\n", k->key, k->def);
                                continue;
                        }
                        _cleanup_free_ char *v = policy_value_text(p, k);
                        print_origin(f, p->origin[i]);
                        print_value(f, k, v ? v : "", false);
                }
        }
        return ferror(f) ? -EIO : 0;
}
