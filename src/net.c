/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* net.c - see net.h. The libnl adapter: libnl types and NLE_* codes do not
 * leave this file; libnl errors become -errno in net_errno_from_nl() (the
 * kernel's own errno when the kernel sent one).
 *
 * mode veth, parent side (root, host network namespace):
 *   bridge lookup -> RTM_NEWLINK veth {host end: sbxHASH, up, master, mtu;
 *   peer: eth0, up, mtu, created directly in the child's netns by pid}
 *   -> address plan (explicit or auto, leases, collision checks)
 *   -> host-address on the host end -> a netlink socket opened inside the
 *   child's netns (setns there and back) adds eth0's addresses and the
 *   default route. Everything is in place before the child is told "go".
 * Child side (PID 1): lo up, private read-only /etc/resolv.conf.
 * Cleanup: the pair dies with the child's netns; net_cleanup_parent also
 * deletes the host end explicitly (setup failure, timeout, normal exit),
 * so no veth outlives the launcher unless the launcher is SIGKILLed while
 * the sandbox keeps running (then the pair goes when the sandbox ends). */
#define _GNU_SOURCE
#include "net.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/if_addr.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "fdutil.h"
#include "macro.h"
#include "sync.h"
#include "value.h"

/* ---- pure helpers -------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const void *data, size_t n) {
        const unsigned char *b = data;

        for (size_t i = 0; i < n; i++) {
                h ^= b[i];
                h *= 0x100000001b3ULL;
        }
        return h;
}

void net_host_ifname(const char *id, uint32_t pid, unsigned attempt, char buf[16]) {
        uint64_t h = fnv1a(0xcbf29ce484222325ULL, id, strlen(id));
        unsigned char salt[9] = {0,
                                 (unsigned char)pid, (unsigned char)(pid >> 8), (unsigned char)(pid >> 16),
                                 (unsigned char)(pid >> 24),
                                 (unsigned char)attempt, (unsigned char)(attempt >> 8),
                                 (unsigned char)(attempt >> 16), (unsigned char)(attempt >> 24)};

        /* The 0 byte separates id from the numbers: no id is a prefix
         * of another's salted input. */
        h = fnv1a(h, salt, sizeof(salt));
        snprintf(buf, 16, NET_IFNAME_PREFIX "%012" PRIx64, h >> 16);
}
_Static_assert(sizeof(NET_IFNAME_PREFIX) - 1 + 12 < IFNAMSIZ, "host end name fits IFNAMSIZ");

/* The one NLE -> errno table. libnl folds several kernel errnos into one
 * code (nl_syserr2nlerr), so prefer the kernel's errno where we have it. */
static const int nle_errno[] = {
        [NLE_SUCCESS] = 0,
        [NLE_FAILURE] = EIO,
        [NLE_INTR] = EINTR,
        [NLE_BAD_SOCK] = EBADF,
        [NLE_AGAIN] = EAGAIN,
        [NLE_NOMEM] = ENOMEM,
        [NLE_EXIST] = EEXIST,
        [NLE_INVAL] = EINVAL,
        [NLE_RANGE] = ERANGE,
        [NLE_MSGSIZE] = EMSGSIZE,
        [NLE_OPNOTSUPP] = EOPNOTSUPP,
        [NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
        [NLE_OBJ_NOTFOUND] = ENOENT,
        [NLE_NOATTR] = ENODATA,
        [NLE_MISSING_ATTR] = EINVAL,
        [NLE_AF_MISMATCH] = EAFNOSUPPORT,
        [NLE_SEQ_MISMATCH] = EPROTO,
        [NLE_MSG_OVERFLOW] = EOVERFLOW,
        [NLE_MSG_TRUNC] = EMSGSIZE,
        [NLE_NOADDR] = EADDRNOTAVAIL,
        [NLE_SRCRT_NOSUPPORT] = EOPNOTSUPP,
        [NLE_MSG_TOOSHORT] = EPROTO,
        [NLE_MSGTYPE_NOSUPPORT] = EOPNOTSUPP,
        [NLE_OBJ_MISMATCH] = EINVAL,
        [NLE_NOCACHE] = ENOENT,
        [NLE_BUSY] = EBUSY,
        [NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
        [NLE_NOACCESS] = EACCES,
        [NLE_PERM] = EPERM,
        [NLE_PKTLOC_FILE] = ENOENT,
        [NLE_PARSE_ERR] = EINVAL,
        [NLE_NODEV] = ENODEV,
        [NLE_IMMUTABLE] = EROFS,
        [NLE_DUMP_INTR] = EAGAIN,
        [NLE_ATTRSIZE] = EINVAL,
};
_Static_assert(ELEMENTSOF(nle_errno) == NLE_MAX + 1, "every NLE_* code has an errno");

int net_errno_from_nl(int nl_err) {
        int code = nl_err < 0 ? -nl_err : nl_err;

        if (code == 0)
                return 0;
        if ((size_t)code >= ELEMENTSOF(nle_errno))
                return -EIO;
        return -nle_errno[code];
}

int net_resolv_conf_text(const struct strlist *dns, char **ret) {
        size_t len = 64;
        char *s, *w;

        for (size_t i = 0; i < dns->n; i++)
                len += strlen("nameserver \n") + strlen(dns->items[i].value);
        s = malloc(len);
        if (!s)
                return -ENOMEM;
        w = s + sprintf(s, "# Written by sandbox from [network] dns.\n");
        for (size_t i = 0; i < dns->n; i++)
                w += sprintf(w, "nameserver %s\n", dns->items[i].value);
        *ret = s;
        return 0;
}

int net_auto_routed(uint32_t k, uint32_t *ret_host, uint32_t *ret_sandbox) {
        const uint32_t base = 0x0ae70000u; /* 10.231.0.0/16, NET_AUTO_POOL */

        if (k >= (1u << 14))
                return -ERANGE;
        *ret_host = base + 4 * k + 1;
        *ret_sandbox = base + 4 * k + 2;
        return 0;
}

int net_subnet_host(uint32_t addr, unsigned prefix, uint32_t i, uint32_t *ret) {
        uint64_t size, mask;

        if (prefix > 30 || i == 0)
                return -ERANGE;
        size = 1ULL << (32 - prefix);
        if (i > size - 2)
                return -ERANGE;
        mask = ~(size - 1) & 0xffffffffULL;
        *ret = (uint32_t)((addr & mask) + i);
        return 0;
}

/* ---- addresses ------------------------------------------------------------ */

struct net_ip {
        int family;
        unsigned char a[16];
        unsigned prefix;
};

static size_t ip_len(int family) { return family == AF_INET ? 4 : 16; }

static struct net_ip ip4(uint32_t host_order, unsigned prefix) {
        struct net_ip ip = {.family = AF_INET, .prefix = prefix};
        uint32_t be = htonl(host_order);

        memcpy(ip.a, &be, 4);
        return ip;
}

static uint32_t ip4_value(const struct net_ip *ip) {
        uint32_t be;

        memcpy(&be, ip->a, 4);
        return ntohl(be);
}

static const char *ip_text(const struct net_ip *ip, char buf[INET6_ADDRSTRLEN]) {
        if (!inet_ntop(ip->family, ip->a, buf, INET6_ADDRSTRLEN))
                snprintf(buf, INET6_ADDRSTRLEN, "?");
        return buf;
}

static struct nl_addr *ip_nl(const struct net_ip *ip) {
        struct nl_addr *a = nl_addr_build(ip->family, ip->a, ip_len(ip->family));

        if (a)
                nl_addr_set_prefixlen(a, (int)ip->prefix);
        return a;
}

/* ---- libnl sockets --------------------------------------------------------- */

/* A route netlink socket that remembers the kernel's errno of the last
 * NLMSG_ERROR (libnl's own code loses detail: ENETUNREACH -> NLE_FAILURE). */
struct net_nl {
        struct nl_sock *sk;
        int kernel_err; /* positive errno, 0 if none */
};

static int nl_err_cb(struct sockaddr_nl *who _unused_, struct nlmsgerr *e, void *arg) {
        ((struct net_nl *)arg)->kernel_err = -e->error;
        return NL_STOP; /* libnl then returns its own code for e->error */
}

static void net_nl_close(struct net_nl *n) {
        if (n->sk)
                nl_socket_free(n->sk); /* closes the fd */
        n->sk = NULL;
}

static int net_nl_open(struct net_nl *n) {
        struct nl_cb *cb;
        int r;

        n->kernel_err = 0;
        n->sk = nl_socket_alloc();
        if (!n->sk)
                return -ENOMEM;
        cb = nl_socket_get_cb(n->sk);
        if (cb) {
                nl_cb_err(cb, NL_CB_CUSTOM, nl_err_cb, n);
                nl_cb_put(cb);
        }
        r = nl_connect(n->sk, NETLINK_ROUTE); /* SOCK_CLOEXEC since libnl 3.2.26 */
        if (r < 0) {
                net_nl_close(n);
                return net_errno_from_nl(r);
        }
        return 0;
}

/* -errno for a libnl result on n: the kernel's errno if it sent one. */
static int net_nl_err(struct net_nl *n, int nl_r) {
        int k = n->kernel_err;

        n->kernel_err = 0;
        if (nl_r >= 0)
                return 0;
        return k > 0 ? -k : net_errno_from_nl(nl_r);
}

/* Opens n inside the network namespace of pid: setns there, socket, setns
 * back. The socket stays bound to that namespace. */
static int net_nl_open_in(pid_t pid, struct net_nl *n) {
        char path[64];
        _cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int target = -1;
        int r;

        if (self < 0)
                return negative_errno();
        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
        target = open(path, O_RDONLY | O_CLOEXEC);
        if (target < 0)
                return negative_errno();
        if (setns(target, CLONE_NEWNET) < 0)
                return negative_errno();
        r = net_nl_open(n);
        if (setns(self, CLONE_NEWNET) < 0)
                abort(); /* never go on in the sandbox's namespace */
        return r;
}

static void net_nl_closep(struct net_nl *n) { net_nl_close(n); }
#define _cleanup_nl_ _cleanup_(net_nl_closep)

static void nl_cache_freep(struct nl_cache **c) {
        if (*c)
                nl_cache_free(*c);
}

/* ---- links ---------------------------------------------------------------- */

/* ifindex of name (and, if kind is not NULL, whether it is of that kind). */
static int link_lookup(struct net_nl *n, const char *name, const char *kind, int *ret_ifindex) {
        struct rtnl_link *l = NULL;
        const char *type;
        int r = rtnl_link_get_kernel(n->sk, 0, name, &l);

        if (r < 0) {
                r = net_nl_err(n, r);
                return r == -ENOENT ? -ENODEV : r;
        }
        type = rtnl_link_get_type(l);
        if (kind && (!type || !streq(type, kind))) {
                rtnl_link_put(l);
                return -EMEDIUMTYPE;
        }
        *ret_ifindex = rtnl_link_get_ifindex(l);
        rtnl_link_put(l);
        return 0;
}

/* One RTM_NEWLINK: host end (up, master, mtu) and peer eth0 (mtu) born
 * in the child's netns. rtnl_link_veth_add() cannot carry master,
 * flags and mtu, so build the pair by hand; the peer reference from
 * rtnl_link_veth_get_peer() is dropped right away (the link owns it). */
static int veth_create(struct net_nl *n, const char *host, pid_t pid, int master, uint32_t mtu) {
        struct rtnl_link *link = rtnl_link_veth_alloc();
        struct rtnl_link *peer;
        int r;

        if (!link)
                return -ENOMEM;
        peer = rtnl_link_veth_get_peer(link);
        rtnl_link_set_name(link, host);
        rtnl_link_set_flags(link, IFF_UP);
        if (master > 0)
                rtnl_link_set_master(link, master);
        rtnl_link_set_name(peer, NET_PEER_IFNAME);
        rtnl_link_set_ns_pid(peer, pid);
        /* Not IFF_UP for the peer: veth_newlink() configures it before the
         * pair is linked, and veth_open() then fails with ENOTCONN. */
        if (mtu) {
                rtnl_link_set_mtu(link, mtu);
                rtnl_link_set_mtu(peer, mtu);
        }
        rtnl_link_put(peer);
        r = rtnl_link_add(n->sk, link, NLM_F_CREATE | NLM_F_EXCL);
        rtnl_link_put(link);
        return net_nl_err(n, r);
}

/* Deletes ifindex if it still carries name (indexes are not reused soon,
 * names may be: check both). -ENODEV when it is already gone. The check
 * uses SIOCGIFNAME, which does not wait for the RTNL lock. */
static int link_delete(struct net_nl *n, int ifindex, const char *name) {
        char now[IF_NAMESIZE];
        struct rtnl_link *l;
        int r;

        if (!if_indextoname((unsigned)ifindex, now))
                return errno == ENXIO || errno == ENODEV ? -ENODEV : negative_errno();
        if (!streq(now, name))
                return -ENODEV;
        l = rtnl_link_alloc();
        if (!l)
                return -ENOMEM;
        rtnl_link_set_ifindex(l, ifindex);
        r = net_nl_err(n, rtnl_link_delete(n->sk, l));
        rtnl_link_put(l);
        return r == -ENOENT ? -ENODEV : r;
}

static int link_set_up(struct net_nl *n, int ifindex) {
        struct rtnl_link *l = rtnl_link_alloc();
        int r;

        if (!l)
                return -ENOMEM;
        rtnl_link_set_ifindex(l, ifindex);
        rtnl_link_set_flags(l, IFF_UP);
        r = rtnl_link_change(n->sk, l, l, 0);
        rtnl_link_put(l);
        return net_nl_err(n, r);
}

static int addr_add(struct net_nl *n, int ifindex, const struct net_ip *ip) {
        struct rtnl_addr *a = rtnl_addr_alloc();
        struct nl_addr *local = ip_nl(ip);
        int r = -ENOMEM;

        if (!a || !local)
                goto out;
        rtnl_addr_set_ifindex(a, ifindex);
        rtnl_addr_set_family(a, ip->family);
        r = net_errno_from_nl(rtnl_addr_set_local(a, local));
        if (r < 0)
                goto out;
        if (ip->family == AF_INET6)
                rtnl_addr_set_flags(a, IFA_F_NODAD); /* usable at once, no 1-2 s DAD */
        if (ip->family == AF_INET && ip->prefix <= 30) {
                struct net_ip b = ip4(ip4_value(ip) | (uint32_t)((1ULL << (32 - ip->prefix)) - 1), ip->prefix);
                struct nl_addr *bc = ip_nl(&b);
                if (bc) {
                        rtnl_addr_set_broadcast(a, bc);
                        nl_addr_put(bc);
                }
        }
        r = net_nl_err(n, rtnl_addr_add(n->sk, a, NLM_F_EXCL));
out:
        if (local)
                nl_addr_put(local);
        if (a)
                rtnl_addr_put(a);
        return r;
}

static int route_default_add(struct net_nl *n, int ifindex, const struct net_ip *gw) {
        struct rtnl_route *rt = rtnl_route_alloc();
        struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
        struct net_ip any = {.family = gw->family, .prefix = 0};
        struct nl_addr *dst = ip_nl(&any), *via = ip_nl(gw);
        int r = -ENOMEM;

        if (!rt || !nh || !dst || !via)
                goto out;
        nl_addr_set_prefixlen(via, ip_len(gw->family) * 8);
        rtnl_route_set_family(rt, (uint8_t)gw->family);
        rtnl_route_set_table(rt, RT_TABLE_MAIN);
        rtnl_route_set_protocol(rt, RTPROT_STATIC);
        rtnl_route_set_scope(rt, RT_SCOPE_UNIVERSE);
        rtnl_route_set_type(rt, RTN_UNICAST);
        r = net_errno_from_nl(rtnl_route_set_dst(rt, dst));
        if (r < 0)
                goto out;
        rtnl_route_nh_set_ifindex(nh, ifindex);
        rtnl_route_nh_set_gateway(nh, via);
        rtnl_route_add_nexthop(rt, TAKE_PTR(nh)); /* the route owns it now */
        r = net_nl_err(n, rtnl_route_add(n->sk, rt, NLM_F_CREATE | NLM_F_EXCL));
out:
        if (nh)
                rtnl_route_nh_free(nh);
        if (dst)
                nl_addr_put(dst);
        if (via)
                nl_addr_put(via);
        if (rt)
                rtnl_route_put(rt);
        return r;
}

/* ---- errors for the parent -------------------------------------------------- */


/* ---- address leases ------------------------------------------------------------
 * One file per address in NET_LEASE_DIR, named "NETNS-ADDRESS" (NETNS: the
 * host network namespace's inode, so throwaway namespaces do not collide),
 * locked with flock(). The lock belongs to the open file description,
 * which the launcher shares with the sandbox's PID 1 (the fds go along
 * with "go", sandbox.c): a lease lasts until the last of the two ends, so
 * a SIGKILLed launcher of a die-with-parent = no sandbox does not free the
 * address while the sandbox runs. A file whose lock is free is stale: the
 * launcher removes its own at exit, and the next launch that leases an
 * address removes those a killed launcher left (leases_sweep). Planners
 * hold a lock on the directory itself, so a sweep never races a take. */
_Static_assert(NET_MAX_LEASES <= SYNC_MAX_FDS, "the leases fit one message to PID 1");

struct net_leases {
        int dirfd;        /* -1: no lease directory (explicit addresses only) */
        unsigned long ns; /* inode of the host network namespace */
};

/* Opens (creating) a root-owned directory under dirfd, refusing symlinks
 * and directories others may write to. */
static int open_private_dir(int dirfd, const char *name) {
        struct stat st;
        int fd;

        if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
                safe_close(fd);
                return -EPERM;
        }
        return fd;
}

/* Whether fd is the file now at dirfd/name (not an unlinked one). */
static bool lease_is_current(int dirfd, const char *name, int fd) {
        struct stat a, b;

        return fstat(fd, &a) == 0 && fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(a.st_mode) &&
               a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Removes the lease files nobody holds (their launcher and sandbox are
 * gone). Called with the directory locked; best effort. */
static void leases_sweep(int dirfd) {
        int dup = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
        DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
        struct dirent *de;

        if (!d) {
                safe_close(dup);
                return;
        }
        while ((de = readdir(d))) {
                int fd;
                if (de->d_name[0] == '.')
                        continue;
                fd = openat(dirfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
                if (fd < 0)
                        continue;
                if (flock(fd, LOCK_EX | LOCK_NB) == 0 && lease_is_current(dirfd, de->d_name, fd))
                        (void)unlinkat(dirfd, de->d_name, 0);
                safe_close(fd);
        }
        closedir(d);
}

static int leases_open(struct net_leases *l) {
        _cleanup_close_ int run = open("/run", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        _cleanup_close_ int top = -1;
        struct stat st;
        int r;

        l->dirfd = -1;
        if (stat("/proc/thread-self/ns/net", &st) < 0)
                return negative_errno();
        l->ns = (unsigned long)st.st_ino;
        if (run < 0)
                return negative_errno();
        top = open_private_dir(run, "sandbox");
        if (top < 0)
                return top;
        l->dirfd = open_private_dir(top, "net");
        if (l->dirfd < 0)
                return l->dirfd;
        /* Held until plan_addresses closes the directory (the launcher's
         * signals are blocked: no EINTR). */
        while ((r = flock(l->dirfd, LOCK_EX)) < 0 && errno == EINTR)
                ;
        if (r < 0) {
                r = negative_errno();
                l->dirfd = safe_close(l->dirfd);
                return r;
        }
        leases_sweep(l->dirfd);
        return 0;
}

/* Takes the lease for ip into ctx: 0, -EBUSY if another sandbox holds it. */
static int lease_take(const struct net_leases *l, struct net_ctx *ctx, const struct net_ip *ip) {
        char text[INET6_ADDRSTRLEN], *name;

        if (l->dirfd < 0)
                return 0;
        if (ctx->n_leases >= NET_MAX_LEASES)
                return -E2BIG;
        name = ctx->lease_names[ctx->n_leases];
        snprintf(name, sizeof(ctx->lease_names[0]), "%lu-%s", l->ns, ip_text(ip, text));
        for (;;) {
                /* 0600: only root may open it, and so hold a lease with a
                 * lock of its own (it was 0644: anyone). */
                int fd = openat(l->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd < 0)
                        return negative_errno();
                if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                        int r = errno == EWOULDBLOCK ? -EBUSY : negative_errno();
                        safe_close(fd);
                        return r;
                }
                /* The holder unlinks before it unlocks: retry if we locked an
                 * unlinked file. */
                if (lease_is_current(l->dirfd, name, fd)) {
                        ctx->lease_fds[ctx->n_leases++] = fd;
                        return 0;
                }
                safe_close(fd);
        }
}

static void leases_release(struct net_ctx *ctx) {
        _cleanup_close_ int dir = ctx->n_leases ? open(NET_LEASE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

        for (size_t i = 0; i < ctx->n_leases; i++) {
                if (dir >= 0)
                        (void)unlinkat(dir, ctx->lease_names[i], 0);
                safe_close(ctx->lease_fds[i]);
        }
        ctx->n_leases = 0;
}

/* ---- the address plan ------------------------------------------------------------ */

struct net_plan {
        struct net_ip addr[NET_MAX_ADDRESSES]; /* eth0 */
        size_t n_addr;
        struct net_ip host; /* host end, family 0 if none */
        struct net_ip gw;   /* default route, family 0 if none */
        bool want_auto;
};

/* Whether a host address equals ip (or, with subnet_prefix, lies inside
 * ip's subnet of that length); *ret_ifindex says where. */
static bool in_use(struct nl_cache *c, const struct net_ip *ip, unsigned subnet_prefix, int *ret_ifindex) {
        for (struct nl_object *o = nl_cache_get_first(c); o; o = nl_cache_get_next(o)) {
                struct rtnl_addr *a = (struct rtnl_addr *)o;
                struct nl_addr *l = rtnl_addr_get_local(a);
                struct net_ip other = {.family = l ? nl_addr_get_family(l) : 0, .prefix = subnet_prefix};
                bool hit;

                if (!l || other.family != ip->family || nl_addr_get_len(l) != ip_len(ip->family))
                        continue;
                memcpy(other.a, nl_addr_get_binary_addr(l), ip_len(ip->family));
                if (subnet_prefix && ip->family == AF_INET) {
                        uint32_t mask = subnet_prefix ? ~0u << (32 - subnet_prefix) : 0;
                        hit = (ip4_value(&other) & mask) == (ip4_value(ip) & mask);
                } else
                        hit = memcmp(other.a, ip->a, ip_len(ip->family)) == 0;
                if (hit) {
                        *ret_ifindex = rtnl_addr_get_ifindex(a);
                        return true;
                }
        }
        return false;
}

static int plan_from_policy(const struct policy *p, struct net_plan *pl) {
        for (size_t i = 0; i < p->address.n; i++) {
                struct net_ip *ip = &pl->addr[pl->n_addr];
                if (streq(p->address.items[i].value, "auto")) {
                        pl->want_auto = true;
                        continue;
                }
                if (pl->n_addr >= NET_MAX_ADDRESSES ||
                    value_parse_cidr(p->address.items[i].value, &ip->family, ip->a, &ip->prefix) < 0)
                        return -EINVAL; /* policy_validate let it through: a bug */
                pl->n_addr++;
        }
        if (p->host_address && value_parse_cidr(p->host_address, &pl->host.family, pl->host.a, &pl->host.prefix) < 0)
                return -EINVAL;
        if (p->gateway && value_parse_ip(p->gateway, &pl->gw.family, pl->gw.a) < 0)
                return -EINVAL;
        return 0;
}

/* Leases and collision checks for the explicit addresses. */
static int plan_claim(struct net_plan *pl, struct nl_cache *c, const struct net_leases *l, struct net_ctx *ctx,
                      char **ret_error) {
        char text[INET6_ADDRSTRLEN], ifname[IF_NAMESIZE];
        int ifindex, r;

        for (size_t i = 0; i <= pl->n_addr; i++) {
                const struct net_ip *ip = i < pl->n_addr ? &pl->addr[i] : &pl->host;
                const char *key = i < pl->n_addr ? "address" : "host-address";
                if (!ip->family)
                        continue;
                if (in_use(c, ip, 0, &ifindex))
                        return set_error(ret_error, -EADDRINUSE, "%s '%s' is already in use on '%s' in the host network namespace",
                                    key, ip_text(ip, text), if_indextoname((unsigned)ifindex, ifname) ?: "?");
                r = lease_take(l, ctx, ip);
                if (r == -EBUSY)
                        return set_error(ret_error, r, "%s '%s' is already in use by another sandbox", key, ip_text(ip, text));
                if (r < 0)
                        return set_error(ret_error, r, "failed to lease %s '%s' in " NET_LEASE_DIR ": %s", key,
                                    ip_text(ip, text), strerror(-r));
        }
        return 0;
}

/* address = auto on a bridge: the first free address of the bridge's first
 * IPv4 subnet; the bridge's address is the gateway. */
static int plan_auto_bridge(struct net_plan *pl, struct nl_cache *c, int br, const struct net_leases *l,
                            struct net_ctx *ctx, const char *bridge, char **ret_error) {
        struct net_ip bip = {0};
        int ifindex;

        for (struct nl_object *o = nl_cache_get_first(c); o && !bip.family; o = nl_cache_get_next(o)) {
                struct rtnl_addr *a = (struct rtnl_addr *)o;
                struct nl_addr *loc = rtnl_addr_get_local(a);
                if (rtnl_addr_get_ifindex(a) != br || !loc || nl_addr_get_family(loc) != AF_INET ||
                    rtnl_addr_get_prefixlen(a) > 30)
                        continue;
                bip = ip4(0, (unsigned)rtnl_addr_get_prefixlen(a));
                memcpy(bip.a, nl_addr_get_binary_addr(loc), 4);
        }
        if (!bip.family)
                return set_error(ret_error, -EADDRNOTAVAIL, "'address = auto' needs an IPv4 address (prefix /30 or shorter) "
                            "on bridge '%s'", bridge);
        for (uint32_t i = 1, v; net_subnet_host(ip4_value(&bip), bip.prefix, i, &v) == 0; i++) {
                struct net_ip cand = ip4(v, bip.prefix);
                if (v == ip4_value(&bip) || in_use(c, &cand, 0, &ifindex) || lease_take(l, ctx, &cand) < 0)
                        continue;
                pl->addr[pl->n_addr++] = cand;
                if (!pl->gw.family)
                        pl->gw = ip4(ip4_value(&bip), 32);
                return 0;
        }
        return set_error(ret_error, -EADDRNOTAVAIL, "'address = auto': no free address left on bridge '%s'", bridge);
}

/* address = auto without a bridge: a /30 of NET_AUTO_POOL, .1 on the host
 * end (the gateway), .2 inside. */
static int plan_auto_routed(struct net_plan *pl, struct nl_cache *c, const struct net_leases *l,
                            struct net_ctx *ctx, char **ret_error) {
        uint32_t h, s;
        int ifindex;

        for (uint32_t k = 0; net_auto_routed(k, &h, &s) == 0; k++) {
                struct net_ip cand = ip4(s, 30);
                if (in_use(c, &cand, 30, &ifindex) || lease_take(l, ctx, &cand) < 0)
                        continue;
                pl->addr[pl->n_addr++] = cand;
                pl->host = ip4(h, 30);
                if (!pl->gw.family)
                        pl->gw = ip4(h, 32);
                return 0;
        }
        return set_error(ret_error, -EADDRNOTAVAIL, "'address = auto': the pool " NET_AUTO_POOL " is exhausted");
}

static int plan_addresses(const struct policy *p, struct net_nl *n, int br, struct net_plan *pl,
                          struct net_ctx *ctx, char **ret_error) {
        _cleanup_(nl_cache_freep) struct nl_cache *c = NULL;
        struct net_leases l = {.dirfd = -1};
        int r;

        r = plan_from_policy(p, pl);
        if (r < 0)
                return set_error(ret_error, r, "invalid [network] address (not validated)");
        if (pl->n_addr == 0 && !pl->host.family && !pl->want_auto)
                return 0;
        r = net_nl_err(n, rtnl_addr_alloc_cache(n->sk, &c));
        if (r < 0)
                return set_error(ret_error, r, "failed to list the host's addresses: %s", strerror(-r));
        r = leases_open(&l);
        if (r < 0 && pl->want_auto)
                return set_error(ret_error, r, "'address = auto' needs the lease directory " NET_LEASE_DIR ": %s",
                            strerror(-r));
        r = plan_claim(pl, c, &l, ctx, ret_error);
        if (r == 0 && pl->want_auto)
                r = br > 0 ? plan_auto_bridge(pl, c, br, &l, ctx, p->bridge, ret_error)
                           : plan_auto_routed(pl, c, &l, ctx, ret_error);
        safe_close(l.dirfd);
        return r;
}

/* ---- parent ------------------------------------------------------------------------ */

static int create_pair(struct net_nl *n, const char *id, pid_t pid, int br, uint32_t mtu, struct net_ctx *ctx,
                       char **ret_error) {
        char name[16];
        int r = -EEXIST;

        /* Per id and PID 1: concurrent sandboxes of one id differ by pid;
         * a taken name (a hash collision, or an interface someone named
         * like ours) moves on to the next candidate. */
        for (unsigned attempt = 0; attempt < NET_IFNAME_ATTEMPTS && r == -EEXIST; attempt++) {
                net_host_ifname(id, (uint32_t)pid, attempt, name);
                r = veth_create(n, name, pid, br, mtu);
        }
        if (r == -EPERM || r == -EACCES)
                return set_error(ret_error, r, "network mode veth needs CAP_NET_ADMIN in the host network namespace "
                            "(run as root); use --net none (loopback only) or --net host instead");
        if (r == -EEXIST)
                return set_error(ret_error, r, "no free name for the veth's host end: %d candidates ('%s' the last) "
                            "already exist in the host network namespace", NET_IFNAME_ATTEMPTS, name);
        if (r < 0)
                return set_error(ret_error, r, "failed to create the veth pair '%s': %s", name, strerror(-r));
        /* SIOCGIFINDEX, not RTM_GETLINK: no wait for the RTNL lock, which
         * the kernel's link watch work takes right after the creation. */
        ctx->host_ifindex = (int)if_nametoindex(name);
        if (ctx->host_ifindex <= 0) {
                r = negative_errno();
                /* Without its index the end cannot be verified before deleting:
                 * delete by name, it was created a moment ago. */
                struct rtnl_link *l = rtnl_link_alloc();
                if (l) {
                        rtnl_link_set_name(l, name);
                        (void)rtnl_link_delete(n->sk, l);
                        rtnl_link_put(l);
                }
                return set_error(ret_error, r, "failed to look up '%s': %s", name, strerror(-r));
        }
        snprintf(ctx->host_ifname, sizeof(ctx->host_ifname), "%s", name);
        return 0;
}

/* Configures eth0 in the child's namespace from here. */
static int configure_peer(pid_t pid, const struct net_plan *pl, char **ret_error) {
        _cleanup_nl_ struct net_nl cn = {0};
        char text[INET6_ADDRSTRLEN];
        int ifindex, r;

        r = net_nl_open_in(pid, &cn);
        if (r < 0)
                return set_error(ret_error, r, "failed to enter the sandbox's network namespace: %s", strerror(-r));
        r = link_lookup(&cn, NET_PEER_IFNAME, NULL, &ifindex);
        if (r < 0)
                return set_error(ret_error, r, "failed to find " NET_PEER_IFNAME " in the sandbox: %s", strerror(-r));
        r = link_set_up(&cn, ifindex);
        if (r < 0)
                return set_error(ret_error, r, "failed to bring up " NET_PEER_IFNAME " in the sandbox: %s", strerror(-r));
        for (size_t i = 0; i < pl->n_addr; i++) {
                r = addr_add(&cn, ifindex, &pl->addr[i]);
                if (r < 0)
                        return set_error(ret_error, r, "failed to add address '%s/%u' inside: %s",
                                    ip_text(&pl->addr[i], text), pl->addr[i].prefix, strerror(-r));
        }
        if (pl->gw.family) {
                r = route_default_add(&cn, ifindex, &pl->gw);
                if (r < 0)
                        return set_error(ret_error, r, "failed to add the default route via '%s' inside: %s",
                                    ip_text(&pl->gw, text), strerror(-r));
        }
        return 0;
}

static int setup_veth(const struct policy *p, const char *id, pid_t pid, struct net_ctx *ctx, char **ret_error) {
        _cleanup_nl_ struct net_nl n = {0};
        struct net_plan pl = {0};
        char text[INET6_ADDRSTRLEN];
        int br = 0, r;

        r = net_nl_open(&n);
        if (r < 0)
                return set_error(ret_error, r, "failed to open a netlink socket: %s", strerror(-r));
        if (p->bridge) {
                r = link_lookup(&n, p->bridge, "bridge", &br);
                if (r == -ENODEV)
                        return set_error(ret_error, r, "bridge '%s' does not exist", p->bridge);
                if (r == -EMEDIUMTYPE)
                        return set_error(ret_error, r, "'%s' is not a bridge", p->bridge);
                if (r < 0)
                        return set_error(ret_error, r, "failed to look up bridge '%s': %s", p->bridge, strerror(-r));
        }
        r = create_pair(&n, id, pid, br, p->mtu, ctx, ret_error);
        if (r == 0)
                r = plan_addresses(p, &n, br, &pl, ctx, ret_error);
        if (r == 0 && pl.host.family) {
                r = addr_add(&n, ctx->host_ifindex, &pl.host);
                if (r < 0)
                        set_error(ret_error, r, "failed to add host-address '%s/%u' to '%s': %s", ip_text(&pl.host, text),
                             pl.host.prefix, ctx->host_ifname, strerror(-r));
        }
        if (r == 0)
                r = configure_peer(pid, &pl, ret_error);
        return r;
}

int net_setup_parent(const struct policy *p, const char *id, int child_pid, struct net_ctx *ctx, char **ret_error) {
        int r;

        memset(ctx, 0, sizeof(*ctx));
        if (p->net_mode != NET_VETH)
                return 0;
        r = setup_veth(p, id, (pid_t)child_pid, ctx, ret_error);
        if (r < 0)
                net_cleanup_parent(ctx); /* roll back: no veth, no lease */
        return r;
}

void net_cleanup_parent(struct net_ctx *ctx) {
        if (ctx->host_ifname[0]) {
                _cleanup_nl_ struct net_nl n = {0};
                if (net_nl_open(&n) == 0)
                        (void)link_delete(&n, ctx->host_ifindex, ctx->host_ifname);
                ctx->host_ifname[0] = 0;
                ctx->host_ifindex = 0;
        }
        leases_release(ctx);
}

int net_veth_available(void) {
        struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct d[2] = {{0}};
        _cleanup_close_ int ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int owner = -1;
        struct stat a, b;

        if (syscall(SYS_capget, &h, d) < 0)
                return negative_errno();
        if (!(d[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32))))
                return -EPERM;
        if (ns < 0)
                return negative_errno();
        /* The capability counts only in the user namespace owning the
         * network namespace (a plain `unshare -r` has it elsewhere). */
        owner = ioctl(ns, NS_GET_USERNS);
        if (owner < 0 || fstat(owner, &a) < 0 || stat("/proc/self/ns/user", &b) < 0)
                return negative_errno();
        return a.st_ino == b.st_ino && a.st_dev == b.st_dev ? 0 : -EPERM;
}

/* ---- child ------------------------------------------------------------------------- */

static int link_up(const char *name) {
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr = {0};

        if (fd < 0)
                return negative_errno();
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return negative_errno();
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                return negative_errno();
        return 0;
}

/* The mount point: /etc/resolv.conf itself, not what it links to (a
 * symlink is covered, never followed; a dangling one too). Never created:
 * the root may be a host directory (root = DIR); the mount plan provides
 * it on the sandbox's own tmpfs. */
static int resolv_target(void) {
        int fd = open("/etc/resolv.conf", O_PATH | O_NOFOLLOW | O_CLOEXEC);

        return fd >= 0 ? fd : negative_errno();
}

/* A detached read-only mount of a one-file tmpfs holding text. The tmpfs
 * is mounted over /etc for a moment (nothing else runs in this mount
 * namespace yet), because open_tree() of a path inside a detached fsmount()
 * needs Linux 6.15. */
static int resolv_tree(const char *text) {
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                              MOUNT_ATTR_NOEXEC};
        _cleanup_close_ int fd = -1, tree = -1;
        int r = 0;

        if (mount("sandbox-resolv", "/etc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=16k") < 0)
                return negative_errno();
        fd = open("/etc/resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 || write_full(fd, text, strlen(text)) < 0)
                r = negative_errno();
        if (r == 0) {
                tree = open_tree(AT_FDCWD, "/etc/resolv.conf", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
                if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                        r = negative_errno();
        }
        if (umount2("/etc", MNT_DETACH) < 0 && r == 0)
                r = negative_errno();
        return r < 0 ? r : TAKE_FD(tree);
}

static int write_resolv_conf(const struct policy *p) {
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int target = -1, tree = -1;
        int r;

        r = net_resolv_conf_text(&p->dns, &text);
        if (r < 0)
                return r;
        target = resolv_target();
        if (target < 0)
                return target;
        tree = resolv_tree(text);
        if (tree < 0)
                return tree;
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

int net_setup_child(const struct policy *p, const char **ret_what) {
        int r;

        if (p->net_mode == NET_HOST)
                return 0;
        r = link_up("lo");
        if (r < 0) {
                *ret_what = "lo";
                return r;
        }
        if (p->net_mode == NET_VETH && p->dns.n > 0) {
                r = write_resolv_conf(p);
                if (r < 0) {
                        *ret_what = r == -ENOENT ? "/etc/resolv.conf (dns needs it in the sandbox's root)"
                                                 : "/etc/resolv.conf";
                        return r;
                }
        }
        return 0;
}
