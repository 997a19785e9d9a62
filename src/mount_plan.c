/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount_plan.c - see mount_plan.h. Pure: no syscalls. */
#define _GNU_SOURCE
#include "mount_plan.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

/* ---- the plan (pure) ---------------------------------------------------- */

const char *mounts_kind_name(enum mount_kind k) {
        static const char *const names[] = {
                [MK_BIND] = "bind", [MK_RO_BIND] = "ro-bind", [MK_DEV_BIND] = "dev-bind",
                [MK_TMPFS] = "tmpfs", [MK_OVERLAY] = "overlay", [MK_PRIVATE_DEV] = "private-dev",
                [MK_PROC] = "proc", [MK_HIDE] = "hide", [MK_MKDIR] = "mkdir",
        };
        return names[k];
}

static int plan_add(struct mount_plan *pl, enum mount_kind kind, const char *src, const char *dst,
                    const char *upper, const char *options, bool optional) {
        struct mount_op *n = realloc(pl->ops, (pl->n + 1) * sizeof(*n));

        if (!n)
                return -ENOMEM;
        pl->ops = n;
        n[pl->n] = (struct mount_op){
                .kind = kind,
                .src = src ? strdup(src) : NULL,
                .dst = strdup(dst),
                .upper = upper ? strdup(upper) : NULL,
                .options = options ? strdup(options) : NULL,
                .optional = optional,
                .order = pl->n,
        };
        if (!n[pl->n].dst || (src && !n[pl->n].src) || (upper && !n[pl->n].upper) ||
            (options && !n[pl->n].options))
                return -ENOMEM;
        pl->n++;
        return 0;
}

/* "[-]SRC[:DST]" */
static int plan_binds(struct mount_plan *pl, const struct strlist *l, enum mount_kind kind) {
        for (size_t i = 0; i < l->n; i++) {
                const char *v = l->items[i].value;
                bool optional = v[0] == '-';
                _cleanup_free_ char *src = strdup(optional ? v + 1 : v);
                char *colon;
                int r;

                if (!src)
                        return -ENOMEM;
                colon = strchr(src, ':');
                if (colon)
                        *colon = 0;
                r = plan_add(pl, kind, src, colon ? colon + 1 : src, NULL, NULL, optional);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* "DIR[:opts]" (tmpfs) or "DIR[:UPPER]" (overlay) */
static int plan_split(struct mount_plan *pl, const struct strlist *l, enum mount_kind kind) {
        for (size_t i = 0; i < l->n; i++) {
                _cleanup_free_ char *dir = strdup(l->items[i].value);
                char *colon;
                int r;

                if (!dir)
                        return -ENOMEM;
                colon = strchr(dir, ':');
                if (colon)
                        *colon++ = 0;
                if (kind == MK_OVERLAY)
                        r = plan_add(pl, kind, dir, dir, colon, NULL, false);
                else if (kind == MK_TMPFS) {
                        /* a profile's tmpfs belongs to the program's user */
                        _cleanup_free_ char *opts = NULL;
                        if (asprintf(&opts, "%s%sowner", colon ? colon : "", colon ? "," : "") < 0)
                                return -ENOMEM;
                        r = plan_add(pl, kind, NULL, dir, NULL, opts, false);
                }
                else
                        r = plan_add(pl, kind, NULL, dir, NULL, NULL, kind == MK_HIDE);
                if (r < 0)
                        return r;
        }
        return 0;
}

static unsigned path_depth(const char *p) {
        unsigned d = 0;

        for (; *p; p++)
                if (*p == '/' && p[1] && p[1] != '/')
                        d++;
        return d;
}

/* By depth (parents first); at one depth mounts before mkdir before hide;
 * then profile order. */
static int op_rank(const struct mount_op *o) {
        switch (o->kind) {
        case MK_MKDIR:
                return 1;
        case MK_HIDE:
                return 2;
        default:
                return 0;
        }
}

static int op_cmp(const void *a, const void *b) {
        const struct mount_op *x = a, *y = b;
        unsigned dx = path_depth(x->dst), dy = path_depth(y->dst);

        if (dx != dy)
                return dx < dy ? -1 : 1;
        if (op_rank(x) != op_rank(y))
                return op_rank(x) - op_rank(y);
        return x->order < y->order ? -1 : x->order > y->order;
}

int mounts_plan(const struct policy *p, const char *home, struct mount_plan *ret) {
        struct mount_plan pl = {0};
        int r = 0;

        if (p->proc)
                r = plan_add(&pl, MK_PROC, NULL, "/proc", NULL, NULL, false);
        if (r == 0 && p->private_dev)
                r = plan_add(&pl, MK_PRIVATE_DEV, NULL, "/dev", NULL, NULL, false);
        if (r == 0 && p->private_tmp)
                r = plan_add(&pl, MK_TMPFS, NULL, "/tmp", NULL, "mode=1777", false);
        if (r == 0 && p->private_home && home && home[0] == '/' && home[1])
                r = plan_add(&pl, MK_TMPFS, NULL, home, NULL, "mode=0700,owner", false);
        if (r == 0)
                r = plan_binds(&pl, &p->ro_bind, MK_RO_BIND);
        if (r == 0)
                r = plan_binds(&pl, &p->bind, MK_BIND);
        if (r == 0)
                r = plan_binds(&pl, &p->dev_bind, MK_DEV_BIND);
        if (r == 0)
                r = plan_split(&pl, &p->tmpfs, MK_TMPFS);
        if (r == 0)
                r = plan_split(&pl, &p->overlay, MK_OVERLAY);
        if (r == 0)
                r = plan_split(&pl, &p->hide, MK_HIDE);
        if (r == 0)
                r = plan_split(&pl, &p->mkdir, MK_MKDIR);
        if (r < 0) {
                mounts_plan_free(&pl);
                return r;
        }
        qsort(pl.ops, pl.n, sizeof(*pl.ops), op_cmp);
        *ret = pl;
        return 0;
}

void mounts_plan_free(struct mount_plan *pl) {
        for (size_t i = 0; i < pl->n; i++) {
                free(pl->ops[i].src);
                free(pl->ops[i].dst);
                free(pl->ops[i].upper);
                free(pl->ops[i].options);
        }
        free(pl->ops);
        pl->ops = NULL;
        pl->n = 0;
}

void mounts_plan_print(const struct mount_plan *pl, FILE *f) {
        for (size_t i = 0; i < pl->n; i++) {
                const struct mount_op *o = &pl->ops[i];
                fprintf(f, "# mount: %-11s %s%s%s%s%s%s%s%s\n", mounts_kind_name(o->kind),
                        o->optional ? "(optional) " : "", o->src ? o->src : "", o->src ? " -> " : "", o->dst,
                        o->upper ? " state " : "", o->upper ? o->upper : "", o->options ? " " : "",
                        o->options ? o->options : "");
        }
}

/* ---- checks (pure) ------------------------------------------------------ */

/* path with "//", "/./" and a trailing "/" removed (".." is refused by
 * the key checks), into buf. */
static void normalize(const char *path, char *buf, size_t size) {
        size_t n = 0;

        for (const char *p = path; *p && n + 1 < size;) {
                while (*p == '/')
                        p++;
                size_t len = strcspn(p, "/");
                if (len == 0)
                        break;
                if (!(len == 1 && p[0] == '.') && n + 1 + len < size) {
                        buf[n++] = '/';
                        memcpy(buf + n, p, len);
                        n += len;
                }
                p += len;
        }
        if (n == 0)
                buf[n++] = '/';
        buf[n] = 0;
}

/* a equal to b or below it (both normalized) */
static bool path_within(const char *a, const char *b) {
        size_t n = strlen(b);

        if (streq(b, "/"))
                return true;
        return strncmp(a, b, n) == 0 && (a[n] == 0 || a[n] == '/');
}

struct check {
        const struct policy *p;
        char **msg;
        struct origin *origin;
};

static int refuse(struct check *c, struct origin o, char *msg) {
        *c->msg = msg;
        *c->origin = o;
        return -EINVAL;
}

/* One destination of key (its value v): not the root, not in the
 * sandbox's own /proc, not over its private /dev or /dev/pts. */
static int check_dst(struct check *c, const char *key, const char *v, const char *dst, struct origin o) {
        char d[PATH_MAX];

        normalize(dst, d, sizeof(d));
        if (streq(d, "/"))
                return refuse(c, o, strprintf("%s '%s' would replace the root '/' (choose the root with 'root =' "
                                              "or --chroot)", key, v));
        if (c->p->proc && path_within(d, "/proc"))
                return refuse(c, o, strprintf("%s '%s' would cover the sandbox's own /proc and its protections "
                                              "(proc = yes; set proc = no to mount there)", key, v));
        if (c->p->private_dev && (streq(d, "/dev") || path_within(d, "/dev/pts")))
                return refuse(c, o, strprintf("%s '%s' would replace the sandbox's private '%s' (private-dev = yes; "
                                              "bind single devices under /dev, or set private-dev = no)",
                                              key, v, d));
        return 0;
}

static int check_binds(struct check *c, const char *key, const struct strlist *l) {
        for (size_t i = 0; i < l->n; i++) {
                const char *v = l->items[i].value, *s = v[0] == '-' ? v + 1 : v;
                const char *colon = strchr(s, ':');
                int r = check_dst(c, key, v, colon ? colon + 1 : s, l->items[i].origin);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int check_split(struct check *c, const char *key, const struct strlist *l, bool overlay) {
        for (size_t i = 0; i < l->n; i++) {
                const char *v = l->items[i].value, *colon = strchr(v, ':');
                char dir[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
                int r;

                snprintf(dir, sizeof(dir), "%.*s", colon ? (int)(colon - v) : (int)strlen(v), v);
                r = check_dst(c, key, v, dir, l->items[i].origin);
                if (r < 0)
                        return r;
                if (!overlay || !colon)
                        continue;
                normalize(dir, a, sizeof(a));
                normalize(colon + 1, b, sizeof(b));
                if (path_within(a, b) || path_within(b, a))
                        return refuse(c, l->items[i].origin,
                                      strprintf("%s '%s': the state directory '%s' is, contains or is inside the "
                                                "lower directory (overlayfs would write into the layer it shows)",
                                                key, v, colon + 1));
        }
        return 0;
}

int mounts_plan_check(const struct policy *p, char **ret_msg, struct origin *ret_origin) {
        struct check c = {.p = p, .msg = ret_msg, .origin = ret_origin};
        int r;

        r = check_binds(&c, "ro-bind", &p->ro_bind);
        if (r == 0)
                r = check_binds(&c, "bind", &p->bind);
        if (r == 0)
                r = check_binds(&c, "dev-bind", &p->dev_bind);
        if (r == 0)
                r = check_split(&c, "tmpfs", &p->tmpfs, false);
        if (r == 0)
                r = check_split(&c, "overlay", &p->overlay, true);
        if (r == 0)
                r = check_split(&c, "mkdir", &p->mkdir, false);
        return r;
}
