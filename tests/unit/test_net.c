/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_net.c - unit tests for the pure parts of the network code: CIDR
 * parsing edge cases (value_parse_cidr, as [network] uses it), the
 * [network] checks of policy_set/policy_validate, the host end's interface
 * name, the NLE -> errno table, resolv.conf text and the auto pools. */
#include "util.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <netlink/errno.h>

#include "macro.h"
#include "net.h"
#include "policy.h"
#include "value.h"

/* ---- value_parse_cidr ------------------------------------------------------ */

static void test_cidr_edges(void **state) {
        static const struct tu_cidr_case c[] = {
                {"10.0.0.2/24", AF_INET, 24, "10.0.0.2"},
                {"0.0.0.0/0", AF_INET, 0, "0.0.0.0"},
                {"255.255.255.255/32", AF_INET, 32, "255.255.255.255"},
                {"10.0.0.2/024", AF_INET, 24, "10.0.0.2"}, /* leading zeros in the prefix */
                {"fe80::1/64", AF_INET6, 64, "fe80::1"},
                {"FD00::A/64", AF_INET6, 64, "fd00::a"},
                {"::/128", AF_INET6, 128, "::"},
                {"::ffff:10.0.0.1/128", AF_INET6, 128, "::ffff:10.0.0.1"},
                {"2001:db8:0:0:0:0:0:1/48", AF_INET6, 48, "2001:db8::1"},
                {"10.0.0.2/+24", 0, 0, NULL},
                {"10.0.0.2/24/24", 0, 0, NULL},
                {"10.0.0.2//24", 0, 0, NULL},
                {"10.0.0.2/0x18", 0, 0, NULL},
                {" 10.0.0.2/24", 0, 0, NULL},
                {"10.0.0.2 /24", 0, 0, NULL},
                {"10.0.0.2/24 ", 0, 0, NULL},
                {"010.0.0.2/24", 0, 0, NULL}, /* inet_pton refuses octal-looking octets */
                {"10.0.2/24", 0, 0, NULL},
                {"10.0.0.2.1/24", 0, 0, NULL},
                {"1e.0.0.2/24", 0, 0, NULL},
                {"10.0.0.-2/24", 0, 0, NULL},
                {"fe80::1%eth0/64", 0, 0, NULL}, /* no zone ids */
                {"[fd00::1]/64", 0, 0, NULL},
                {"fd00::1/4294967320", 0, 0, NULL}, /* 2^32 + 24 must not wrap */
                {"10.0.0.2/18446744073709551640", 0, 0, NULL},
                {"10.0.0.2/33", 0, 0, NULL},
                {"fd00::1/129", 0, 0, NULL},
                {"auto", 0, 0, NULL},
                {"/", 0, 0, NULL},
        };
        (void)state;

        tu_check_cidr(c, ELEMENTSOF(c));
}

/* An IPv4 result leaves the other 12 bytes zeroed (net.c compares 16). */
static void test_cidr_v4_zero_tail(void **state) {
        unsigned char a[16];
        static const unsigned char zero[12] = {0};
        int fam;
        unsigned pre;
        (void)state;

        memset(a, 0xaa, sizeof(a));
        assert_int_equal(value_parse_cidr("192.168.1.7/16", &fam, a, &pre), 0);
        assert_memory_equal(a + 4, zero, sizeof(zero));
}

/* ---- [network] keys and validation ---------------------------------------- */

static const struct key_def *key(const char *section, const char *name) {
        const struct key_def *k = policy_find_key(section, name);
        assert_non_null(k);
        return k;
}

static int set(struct policy *p, const char *name, const char *value, unsigned line, char **msg) {
        struct origin o = {policy_intern_file(p, "n.conf"), line};
        return policy_set(p, key("network", name), value, o, false, msg);
}

static void expect_bad_value(const char *name, const char *value, const char *needle) {
        struct policy *p = policy_new();
        char *msg = NULL;

        assert_non_null(p);
        if (set(p, name, value, 1, &msg) != -EINVAL)
                fail_msg("%s = %s was accepted", name, value);
        assert_contains(msg, needle);
        free(msg);
        policy_free(p);
}

static void test_network_values(void **state) {
        (void)state;
        expect_bad_value("address", "10.0.0.0/24", "network address");
        expect_bad_value("address", "10.0.0.255/24", "broadcast address");
        expect_bad_value("address", "127.0.0.2/8", "loopback");
        expect_bad_value("address", "0.0.0.1/8", "0.0.0.0/8");
        expect_bad_value("address", "224.0.0.1/24", "multicast");
        expect_bad_value("address", "10.0.0.2/0", "/0");
        expect_bad_value("address", "::1/128", "loopback");
        expect_bad_value("address", "::/64", "unspecified");
        expect_bad_value("address", "ff02::1/64", "multicast");
        expect_bad_value("address", "::ffff:10.0.0.1/120", "IPv4-mapped");
        expect_bad_value("address", "10.0.0.2", "ADDRESS/PREFIX");
        expect_bad_value("host-address", "auto", "invalid host-address");
        expect_bad_value("host-address", "10.0.0.0/30", "network address");
        expect_bad_value("gateway", "10.0.0.1/24", "no prefix");
        expect_bad_value("gateway", "127.0.0.1", "loopback");
        expect_bad_value("dns", "224.0.0.1", "multicast");
        expect_bad_value("bridge", "br:0", "interface name");
        expect_bad_value("bridge", "br 0", "interface name");
        expect_bad_value("bridge", "br/0", "interface name");
        expect_bad_value("bridge", "..", "interface name");
        expect_bad_value("bridge", ".br", "interface name");
        expect_bad_value("bridge", "", "empty value");
        expect_bad_value("bridge", "bridge-name-16ch", "interface name");

        struct policy *p = policy_new();
        char *msg = NULL;
        assert_int_equal(set(p, "address", "10.0.0.1/31", 1, &msg), 0); /* RFC 3021 */
        assert_int_equal(set(p, "address", "10.0.0.9/32", 2, &msg), 0);
        assert_int_equal(set(p, "address", "auto", 3, &msg), 0);
        assert_int_equal(set(p, "dns", "127.0.0.53", 4, &msg), 0); /* a resolver inside */
        assert_int_equal(set(p, "dns", "::1", 5, &msg), 0);
        assert_int_equal(set(p, "bridge", "br-lan.15", 6, &msg), 0); /* 9 characters, '-' and '.' */
        assert_int_equal(set(p, "bridge", "abcdefghijklmno", 7, &msg), 0); /* 15: IFNAMSIZ - 1 */
        policy_free(p);
}

/* A veth policy from "key=value" pairs (NULL-terminated); line = index+1. */
static struct policy *veth_policy(const char *const *kv) {
        struct policy *p = policy_new();
        char *msg = NULL;

        assert_non_null(p);
        assert_int_equal(set(p, "mode", "veth", 100, &msg), 0);
        for (unsigned i = 0; kv[i]; i++) {
                char *copy = strdup(kv[i]), *eq = strchr(copy, '=');
                assert_non_null(eq);
                *eq = 0;
                if (set(p, copy, eq + 1, i + 1, &msg) != 0)
                        fail_msg("%s: %s", kv[i], msg);
                free(copy);
        }
        return p;
}

static void expect_valid(const char *const *kv) {
        struct policy *p = veth_policy(kv);
        char *msg = NULL;
        struct origin o = {0};

        if (policy_validate(p, &msg, &o) != 0)
                fail_msg("rejected: %s (%s)", msg, kv[0]);
        policy_free(p);
}

static void expect_invalid(const char *const *kv, unsigned line, const char *needle) {
        struct policy *p = veth_policy(kv);
        char *msg = NULL;
        struct origin o = {0};

        if (policy_validate(p, &msg, &o) != -EINVAL)
                fail_msg("accepted, expected '%s' (%s)", needle, kv[0]);
        assert_contains(msg, needle);
        assert_non_null(o.file);
        assert_string_equal(o.file, "n.conf");
        assert_int_equal(o.line, line);
        free(msg);
        policy_free(p);
}

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_network_validate(void **state) {
        (void)state;
        expect_valid(KV("address=10.0.0.2/24"));
        expect_valid(KV("address=10.0.0.2/24", "address=fd00::2/64", "gateway=10.0.0.1", "dns=10.0.0.1", "mtu=1400"));
        expect_valid(KV("address=10.0.0.2/24", "host-address=10.0.0.1/24", "gateway=10.0.0.1"));
        expect_valid(KV("address=auto", "address=fd00::2/64", "gateway=fd00::1"));
        expect_valid(KV("address=auto", "gateway=10.231.0.1")); /* auto's subnet is known at launch */
        expect_valid(KV("address=auto", "bridge=br0"));
        expect_valid(KV("bridge=br0")); /* IPv6 link-local only */
        expect_valid(KV("address=10.0.0.2/24", "mtu=68"));

        expect_invalid(KV("address=10.0.0.2/24", "address=10.0.0.2/16"), 2, "collides");
        expect_invalid(KV("address=fd00::2/64", "address=fd00::2/64"), 2, "collides");
        expect_invalid(KV("address=auto", "address=auto"), 2, "auto");
        expect_invalid(KV("address=10.0.0.2/24", "address=auto"), 2, "auto");
        expect_invalid(KV("address=auto", "address=10.0.0.2/24"), 2, "drop '10.0.0.2/24'");
        expect_invalid(KV("address=auto", "host-address=10.0.0.1/24"), 2, "drop 'host-address'");
        expect_invalid(KV("bridge=br0", "host-address=10.0.0.1/24"), 2, "routed link");
        expect_invalid(KV("address=10.0.0.2/24", "host-address=10.0.0.2/24"), 2, "collides");
        expect_invalid(KV("address=10.0.0.2/24", "gateway=10.0.1.1"), 2, "not inside");
        expect_invalid(KV("address=10.0.0.2/24", "gateway=10.0.0.2"), 2, "own address");
        expect_invalid(KV("address=10.0.0.2/24", "gateway=fd00::1"), 2, "not inside");
        expect_invalid(KV("gateway=10.0.0.1"), 1, "not inside");
        expect_invalid(KV("address=10.0.0.2/24", "mtu=67"), 2, "out of range");
        expect_invalid(KV("address=10.0.0.2/24", "mtu=65536"), 2, "out of range");
        expect_invalid(KV("address=fd00::2/64", "mtu=1279"), 2, "IPv6 needs 1280");
        expect_invalid(KV("dns=10.0.0.1", "dns=10.0.0.2", "dns=10.0.0.3", "dns=10.0.0.4"), 4, "more than 3");

        /* 17 addresses: the 17th is reported. */
        const char *many[18];
        char buf[17][32];
        for (int i = 0; i < 17; i++) {
                snprintf(buf[i], sizeof(buf[i]), "address=10.0.%d.2/24", i);
                many[i] = buf[i];
        }
        many[17] = NULL;
        expect_invalid(many, 17, "more than 16");
}

/* ---- host end naming ---------------------------------------------------------- */

static void test_host_ifname(void **state) {
        char a[16], b[16], c[16];
        char long_id[300];
        (void)state;

        net_host_ifname("firefox-1234", 4242, 0, a);
        net_host_ifname("firefox-1234", 4242, 0, b);
        assert_string_equal(a, b); /* deterministic */
        assert_int_equal(strlen(a), 15);
        assert_true(strlen(a) < IFNAMSIZ);
        assert_prefix(a, "sbx");
        for (const char *s = a + 3; *s; s++)
                assert_non_null(strchr("0123456789abcdef", *s));

        net_host_ifname("firefox-1235", 4242, 0, c);
        assert_string_not_equal(a, c);
        net_host_ifname("firefox-1234", 4243, 0, c); /* same id, another sandbox */
        assert_string_not_equal(a, c);
        net_host_ifname("firefox-1234", 4242, 1, c); /* the next candidate differs */
        assert_string_not_equal(a, c);
        net_host_ifname("firefox-1234", 4242, 2, b);
        assert_string_not_equal(b, c);

        memset(long_id, 'x', sizeof(long_id) - 1);
        long_id[sizeof(long_id) - 1] = 0;
        net_host_ifname(long_id, 1, 0, a);
        assert_int_equal(strlen(a), 15);
        net_host_ifname("", 0, 0, a);
        assert_int_equal(strlen(a), 15);

        /* No collisions among 20000 ids of one shape, nor among 20000
         * sandboxes of one id (issue 12 item 13: 8 names per id). */
        enum { N = 20000 };
        char (*names)[16] = calloc(2 * N, 16);
        assert_non_null(names);
        for (int i = 0; i < N; i++) {
                char id[32];
                snprintf(id, sizeof(id), "app-%d", i);
                net_host_ifname(id, 1000, 0, names[i]);
                net_host_ifname("same-id", (uint32_t)(1000 + i), 0, names[N + i]);
        }
        qsort(names, 2 * N, 16, (int (*)(const void *, const void *))strcmp);
        for (int i = 1; i < 2 * N; i++)
                assert_string_not_equal(names[i - 1], names[i]);
        free(names);
}

/* ---- NLE -> errno --------------------------------------------------------------- */

static void test_nl_errno_table(void **state) {
        static const struct {
                int nle, err;
        } c[] = {
                {NLE_SUCCESS, 0},       {NLE_PERM, EPERM},          {NLE_NOACCESS, EACCES},
                {NLE_EXIST, EEXIST},    {NLE_NODEV, ENODEV},        {NLE_OBJ_NOTFOUND, ENOENT},
                {NLE_NOMEM, ENOMEM},    {NLE_BUSY, EBUSY},          {NLE_INVAL, EINVAL},
                {NLE_RANGE, ERANGE},    {NLE_NOADDR, EADDRNOTAVAIL}, {NLE_OPNOTSUPP, EOPNOTSUPP},
                {NLE_AGAIN, EAGAIN},    {NLE_INTR, EINTR},          {NLE_AF_NOSUPPORT, EAFNOSUPPORT},
                {NLE_FAILURE, EIO},     {NLE_DUMP_INTR, EAGAIN},    {NLE_BAD_SOCK, EBADF},
        };
        (void)state;

        for (size_t i = 0; i < ELEMENTSOF(c); i++) {
                assert_int_equal(net_errno_from_nl(-c[i].nle), -c[i].err);
                assert_int_equal(net_errno_from_nl(c[i].nle), -c[i].err); /* either sign */
        }
        /* Every code maps to a real errno, never 0 or a positive value. */
        for (int e = 1; e <= NLE_MAX; e++) {
                int r = net_errno_from_nl(-e);
                if (r >= 0)
                        fail_msg("NLE %d (%s) maps to %d", e, nl_geterror(-e), r);
        }
        assert_int_equal(net_errno_from_nl(-(NLE_MAX + 1)), -EIO);
        assert_int_equal(net_errno_from_nl(-100000), -EIO);
}

/* ---- resolv.conf and the pools --------------------------------------------------- */

static void test_resolv_conf(void **state) {
        struct strlist l = {0};
        struct origin o = {"x", 1};
        char *s = NULL;
        (void)state;

        assert_int_equal(net_resolv_conf_text(&l, &s), 0);
        assert_string_equal(s, "# Written by sandbox from [network] dns.\n");
        free(s);
        assert_int_equal(strlist_add(&l, "10.0.0.1", o), 0);
        assert_int_equal(strlist_add(&l, "fd00::53", o), 0);
        assert_int_equal(net_resolv_conf_text(&l, &s), 0);
        assert_string_equal(s, "# Written by sandbox from [network] dns.\n"
                               "nameserver 10.0.0.1\n"
                               "nameserver fd00::53\n");
        free(s);
        strlist_free(&l);
}

static uint32_t v4(const char *s) {
        struct in_addr a;
        assert_int_equal(inet_pton(AF_INET, s, &a), 1);
        return ntohl(a.s_addr);
}

static void test_auto_pools(void **state) {
        uint32_t h, s, x;
        (void)state;

        assert_int_equal(net_auto_routed(0, &h, &s), 0);
        assert_int_equal(h, v4("10.231.0.1"));
        assert_int_equal(s, v4("10.231.0.2"));
        assert_int_equal(net_auto_routed(1, &h, &s), 0);
        assert_int_equal(h, v4("10.231.0.5"));
        assert_int_equal(s, v4("10.231.0.6"));
        assert_int_equal(net_auto_routed(16383, &h, &s), 0);
        assert_int_equal(h, v4("10.231.255.253"));
        assert_int_equal(s, v4("10.231.255.254"));
        h = s = 7;
        assert_int_equal(net_auto_routed(16384, &h, &s), -ERANGE);
        assert_int_equal(h, 7); /* untouched on failure */

        assert_int_equal(net_subnet_host(v4("192.168.7.1"), 24, 1, &x), 0);
        assert_int_equal(x, v4("192.168.7.1"));
        assert_int_equal(net_subnet_host(v4("192.168.7.77"), 24, 254, &x), 0);
        assert_int_equal(x, v4("192.168.7.254"));
        assert_int_equal(net_subnet_host(v4("192.168.7.1"), 24, 255, &x), -ERANGE); /* broadcast */
        assert_int_equal(net_subnet_host(v4("192.168.7.1"), 24, 0, &x), -ERANGE);   /* network */
        assert_int_equal(net_subnet_host(v4("10.0.0.5"), 30, 2, &x), 0);
        assert_int_equal(x, v4("10.0.0.6"));
        assert_int_equal(net_subnet_host(v4("10.0.0.5"), 30, 3, &x), -ERANGE);
        assert_int_equal(net_subnet_host(v4("10.0.0.5"), 31, 1, &x), -ERANGE);
        assert_int_equal(net_subnet_host(v4("10.0.0.5"), 32, 1, &x), -ERANGE);
        assert_int_equal(net_subnet_host(v4("10.0.0.5"), 0, 0xfffffffe, &x), 0); /* no overflow at /0 */
        assert_int_equal(x, v4("255.255.255.254"));
        assert_int_equal(net_subnet_host(v4("10.0.0.5"), 0, 0xffffffff, &x), -ERANGE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cidr_edges),     cmocka_unit_test(test_cidr_v4_zero_tail),
                cmocka_unit_test(test_network_values), cmocka_unit_test(test_network_validate),
                cmocka_unit_test(test_host_ifname),    cmocka_unit_test(test_nl_errno_table),
                cmocka_unit_test(test_resolv_conf),    cmocka_unit_test(test_auto_pools),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
