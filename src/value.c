/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* value.c - see value.h. Pure code: no syscalls, unit-tested and fuzzed. */
#include "value.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "macro.h"

/* Parses a run of decimal digits without sign, whitespace or overflow.
 * Sets *end to the first non-digit. */
static int parse_digits(const char *s, uint64_t *ret, const char **end) {
        uint64_t v = 0;
        const char *p = s;

        if (!isdigit((unsigned char)*p))
                return -EINVAL;
        for (; isdigit((unsigned char)*p); p++) {
                unsigned d = (unsigned)(*p - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        *end = p;
        return 0;
}

int value_parse_u64(const char *s, uint64_t max, uint64_t *ret) {
        uint64_t v;
        const char *end;
        int r = parse_digits(s, &v, &end);

        if (r < 0)
                return r;
        if (*end)
                return -EINVAL;
        if (v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

struct unit {
        const char *suffix;
        uint64_t mult;
};

static int parse_with_units(const char *s, const struct unit *units, size_t n, uint64_t *ret) {
        uint64_t v;
        const char *end;
        int r = parse_digits(s, &v, &end);

        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                if (strcmp(end, units[i].suffix) != 0)
                        continue;
                if (units[i].mult && v > UINT64_MAX / units[i].mult)
                        return -ERANGE;
                *ret = v * units[i].mult;
                return 0;
        }
        return -EINVAL;
}

static const struct unit size_units[] = {
        {"", 1ULL},          {"B", 1ULL},
        {"K", 1ULL << 10},   {"KB", 1ULL << 10}, {"KiB", 1ULL << 10}, {"k", 1ULL << 10},
        {"M", 1ULL << 20},   {"MB", 1ULL << 20}, {"MiB", 1ULL << 20},
        {"G", 1ULL << 30},   {"GB", 1ULL << 30}, {"GiB", 1ULL << 30},
        {"T", 1ULL << 40},   {"TB", 1ULL << 40}, {"TiB", 1ULL << 40},
};

int value_parse_size(const char *s, uint64_t *ret) {
        uint64_t v;
        int r = parse_with_units(s, size_units, ELEMENTSOF(size_units), &v);

        if (r < 0)
                return r;
        if (v > INT64_MAX) /* the kernel's limits are signed */
                return -ERANGE;
        *ret = v;
        return 0;
}

static const struct unit duration_units[] = {
        {"", 1000ULL}, {"s", 1000ULL}, {"ms", 1ULL}, {"m", 60000ULL}, {"min", 60000ULL},
        {"h", 3600000ULL}, {"d", 86400000ULL},
};

int value_parse_duration(const char *s, uint64_t *ret_ms) {
        uint64_t v;
        int r = parse_with_units(s, duration_units, ELEMENTSOF(duration_units), &v);

        if (r < 0)
                return r;
        if (v > INT64_MAX / 1000) /* keep room for us/ns conversions */
                return -ERANGE;
        *ret_ms = v;
        return 0;
}

int value_parse_bool(const char *s, bool *ret) {
        static const char *const yes[] = {"yes", "true", "on", "1"};
        static const char *const no[] = {"no", "false", "off", "0"};

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (streq(s, yes[i])) {
                        *ret = true;
                        return 0;
                }
                if (streq(s, no[i])) {
                        *ret = false;
                        return 0;
                }
        }
        return -EINVAL;
}

int value_parse_tristate(const char *s, int *ret) {
        bool b;

        if (streq(s, "auto")) {
                *ret = 0;
                return 0;
        }
        if (value_parse_bool(s, &b) < 0)
                return -EINVAL;
        *ret = b ? 2 : 1;
        return 0;
}

int value_parse_mode(const char *s, int *ret) {
        unsigned v = 0;

        if (!*s || strlen(s) > 6)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '7')
                        return -EINVAL;
                v = v * 8 + (unsigned)(*p - '0');
        }
        if (v > 07777)
                return -ERANGE;
        *ret = (int)v;
        return 0;
}

int value_parse_cpu_quota(const char *s, uint64_t *ret_quota, uint64_t *ret_period) {
        uint64_t q, per;
        const char *end;
        int r;

        r = parse_digits(s, &q, &end);
        if (r < 0)
                return r;
        if (*end != '/')
                return -EINVAL;
        r = value_parse_u64(end + 1, UINT64_MAX, &per);
        if (r < 0)
                return r;
        /* cgroup v2 cpu.max: period 1 ms..1 s, quota >= 1 ms (kernel/sched/core.c) */
        if (per < 1000 || per > 1000000 || q < 1000 || q > INT64_MAX / 1000)
                return -ERANGE;
        *ret_quota = q;
        *ret_period = per;
        return 0;
}

static void format_units(uint64_t v, const struct unit *units, size_t n, const char *zero, char *buf, size_t len) {
        size_t best = 0;

        if (v == 0) {
                snprintf(buf, len, "%s", zero);
                return;
        }
        for (size_t i = 0; i < n; i++)
                if (units[i].mult > units[best].mult && v % units[i].mult == 0)
                        best = i;
        snprintf(buf, len, "%" PRIu64 "%s", v / units[best].mult, units[best].suffix);
}

void value_format_size(uint64_t v, char *buf, size_t len) {
        static const struct unit u[] = {{"", 1}, {"K", 1ULL << 10}, {"M", 1ULL << 20}, {"G", 1ULL << 30}, {"T", 1ULL << 40}};
        format_units(v, u, ELEMENTSOF(u), "0", buf, len);
}

void value_format_duration(uint64_t ms, char *buf, size_t len) {
        static const struct unit u[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
        format_units(ms, u, ELEMENTSOF(u), "0", buf, len);
}

int value_parse_ip(const char *s, int *ret_family, unsigned char ret_addr[16]) {
        unsigned char buf[16] = {0};

        if (strchr(s, ':')) {
                if (inet_pton(AF_INET6, s, buf) != 1)
                        return -EINVAL;
                *ret_family = AF_INET6;
        } else {
                if (inet_pton(AF_INET, s, buf) != 1)
                        return -EINVAL;
                *ret_family = AF_INET;
        }
        memcpy(ret_addr, buf, 16);
        return 0;
}

int value_parse_cidr(const char *s, int *ret_family, unsigned char ret_addr[16], unsigned *ret_prefix) {
        char ip[64];
        const char *slash = strchr(s, '/');
        uint64_t prefix;
        int family, r;
        unsigned char addr[16];

        if (!slash || (size_t)(slash - s) >= sizeof(ip))
                return -EINVAL;
        memcpy(ip, s, (size_t)(slash - s));
        ip[slash - s] = 0;
        r = value_parse_ip(ip, &family, addr);
        if (r < 0)
                return r;
        r = value_parse_u64(slash + 1, family == AF_INET ? 32 : 128, &prefix);
        if (r < 0)
                return -EINVAL;
        *ret_family = family;
        memcpy(ret_addr, addr, 16);
        *ret_prefix = (unsigned)prefix;
        return 0;
}

struct sbuf {
        char *p;
        size_t len, cap;
};

static int sbuf_add(struct sbuf *b, const char *s, size_t n) {
        if (b->len + n + 1 > b->cap) {
                size_t cap = (b->len + n + 1) * 2;
                char *np = realloc(b->p, cap);
                if (!np)
                        return -ENOMEM;
                b->p = np;
                b->cap = cap;
        }
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = 0;
        return 0;
}

static const char *var_lookup(const struct value_vars *v, const char *name, size_t n) {
        static const struct {
                const char *name;
                size_t off;
        } table[] = {
                {"HOME", offsetof(struct value_vars, home)},
                {"UID", offsetof(struct value_vars, uid)},
                {"XDG_RUNTIME_DIR", offsetof(struct value_vars, xdg_runtime_dir)},
                {"PROGRAM", offsetof(struct value_vars, program)},
                {"ID", offsetof(struct value_vars, id)},
                {"CWD", offsetof(struct value_vars, cwd)},
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (strlen(table[i].name) == n && memcmp(table[i].name, name, n) == 0)
                        return *(const char *const *)((const char *)v + table[i].off);
        return NULL;
}

/* value_expand; tilde false: a leading "~" (or "-~") is kept as it is,
 * for the parts after the first of a split value. */
static int expand(const char *s, const struct value_vars *vars, bool tilde, char **ret, char **ret_bad) {
        struct sbuf b = {0};
        const char *p = s;
        int r = 0;

        r = sbuf_add(&b, "", 0);
        if (r < 0)
                return r;
        if (!tilde) {
                /* no leading "~" handling below */
        } else if (p[0] == '-' && p[1] == '~' && (p[2] == 0 || p[2] == '/')) {
                r = sbuf_add(&b, "-", 1); /* "-~/x": an optional path in the home */
                p++;
        }
        if (r == 0 && tilde && p[0] == '~' && (p[1] == 0 || p[1] == '/')) {
                if (!vars->home) {
                        free(b.p);
                        *ret_bad = strdup("~");
                        return -EINVAL;
                }
                r = sbuf_add(&b, vars->home, strlen(vars->home));
                p++;
        }
        while (r == 0 && *p) {
                const char *dollar = strchr(p, '$');
                const char *close, *val;

                if (!dollar) {
                        r = sbuf_add(&b, p, strlen(p));
                        break;
                }
                r = sbuf_add(&b, p, (size_t)(dollar - p));
                if (r < 0)
                        break;
                if (dollar[1] == '$' || dollar[1] == '~') { /* "$$" is "$", "$~" is a literal "~" */
                        r = sbuf_add(&b, dollar + 1, 1);
                        p = dollar + 2;
                        continue;
                }
                if (dollar[1] != '{') {
                        r = sbuf_add(&b, "$", 1);
                        p = dollar + 1;
                        continue;
                }
                close = strchr(dollar + 2, '}');
                val = close ? var_lookup(vars, dollar + 2, (size_t)(close - dollar - 2)) : NULL;
                if (!val) {
                        size_t n = close ? (size_t)(close - dollar + 1) : strlen(dollar);
                        free(b.p);
                        *ret_bad = strndup(dollar, n);
                        return -EINVAL;
                }
                r = sbuf_add(&b, val, strlen(val));
                p = close + 1;
        }
        if (r < 0) {
                free(b.p);
                return r;
        }
        *ret = b.p;
        return 0;
}

int value_expand(const char *s, const struct value_vars *vars, char **ret, char **ret_bad) {
        return expand(s, vars, true, ret, ret_bad);
}

static size_t count_char(const char *s, char c) {
        size_t n = 0;

        for (; *s; s++)
                n += *s == c;
        return n;
}

/* The character of seps that expansion added to a part, or 0. */
static char split_problem(const char *raw_head, const char *head, const char *raw_tail, const char *tail,
                          const char *seps) {
        if (strchr(head, seps[0]))
                return seps[0];
        if (head[0] == '-' && raw_head[0] != '-')
                return '-';
        for (const char *c = seps + 1; tail && raw_tail && *c; c++)
                if (count_char(tail, *c) != count_char(raw_tail, *c))
                        return *c;
        return 0;
}

int value_expand_split(const char *s, const char *seps, const struct value_vars *vars, char **ret, char **ret_bad,
                       char *ret_sep) {
        const char *sep;
        char *raw_head, *head = NULL, *tail = NULL, *out;
        size_t hn;
        char bad;
        int r;

        if (!seps || !*seps)
                return value_expand(s, vars, ret, ret_bad);
        sep = strchr(s, seps[0]);
        raw_head = strndup(s, sep ? (size_t)(sep - s) : strlen(s));
        if (!raw_head)
                return -ENOMEM;
        r = value_expand(raw_head, vars, &head, ret_bad);
        free(raw_head);
        if (r < 0)
                return r;
        if (!sep) {
                tail = NULL;
        } else if ((r = expand(sep + 1, vars, false, &tail, ret_bad)) < 0) { /* "~" only at the start */
                free(head);
                return r;
        }
        bad = split_problem(s, head, sep ? sep + 1 : NULL, tail, seps);
        if (bad) {
                bool in_head = bad == seps[0] || bad == '-';
                *ret_bad = in_head ? head : tail;
                free(in_head ? tail : head);
                *ret_sep = bad;
                return -EDOM;
        }
        if (!tail) {
                *ret = head;
                return 0;
        }
        hn = strlen(head);
        out = malloc(hn + strlen(tail) + 2);
        if (out) {
                memcpy(out, head, hn);
                out[hn] = seps[0];
                strcpy(out + hn + 1, tail);
        }
        free(head);
        free(tail);
        if (!out)
                return -ENOMEM;
        *ret = out;
        return 0;
}

char *value_escape(const char *s) {
        size_t n = 0;
        char *out, *o;

        for (const char *p = s; *p; p++)
                n += *p == '$' ? 2 : 1;
        out = malloc(n + 2);
        if (!out)
                return NULL;
        o = out;
        if (s[0] == '~')
                *o++ = '$';
        for (const char *p = s; *p; p++) {
                if (*p == '$')
                        *o++ = '$';
                *o++ = *p;
        }
        *o = 0;
        return out;
}

unsigned value_edit_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        unsigned row[64];

        if (la >= ELEMENTSOF(row) || lb >= ELEMENTSOF(row))
                return 1000;
        for (size_t j = 0; j <= lb; j++)
                row[j] = (unsigned)j;
        for (size_t i = 1; i <= la; i++) {
                unsigned prev = row[0];
                row[0] = (unsigned)i;
                for (size_t j = 1; j <= lb; j++) {
                        unsigned cur = row[j];
                        unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
                        unsigned best = prev + cost;
                        if (row[j] + 1 < best)
                                best = row[j] + 1;
                        if (row[j - 1] + 1 < best)
                                best = row[j - 1] + 1;
                        row[j] = best;
                        prev = cur;
                }
        }
        return row[lb];
}

bool value_is_plain_name(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > 255 || s[0] == '.')
                return false;
        for (const char *p = s; *p; p++)
                if (*p == '/' || (unsigned char)*p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}
