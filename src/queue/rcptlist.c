/* rcptlist.c: see rcptlist.h. */
#include <string.h>
#include "err.h"
#include "fmt.h"
#include "rcptlist.h"
#include "route.h"

/* Enough room for every line of a maximal list (checked at compile time):
 * the header lines, then per recipient "rcpt <" path "> " diag "\n". */
_Static_assert(RCPTLIST_SIZE >= 1024 + DSN_LINES_MAX + RCPT_PER_LIST_MAX *
	       (8 + SMTP_PATH_SIZE + SMTP_DIAG_SIZE + 24 + SMTP_PATH_SIZE + 16),
	       "RCPTLIST_SIZE too small for a maximal list");

int rcptlist_domain_token(const char *d, size_t len)
{
	size_t i;

	if (len == 0 || len > SMTP_DOMAIN_SIZE)
		return 0;
	for (i = 0; i < len; i++)
		if (d[i] <= 32 || d[i] >= 127 || d[i] == '/' ||
		    (d[i] == '[' && i) ||
		    (d[i] == ']' && i + 1 < len && d[i + 1] != ':'))
			return 0;
	return 1;
}

int rcptlist_id_valid(const char *id, size_t len)
{
	size_t i;
	if (len == 0 || len >= QUEUE_ID_SIZE)
		return 0;
	for (i = 0; i < len; i++) {
		char c = id[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Cursor over lines. */
struct cur {
	const char *p, *end;
	unsigned line;
	const char *val;
	size_t vlen;
};

/* Reads the next line, which must be "key value" (or "key" alone when
 * value may be empty). Returns 1, 0 at the end, E_LIST on a bad line. */
static int next(struct cur *c, const char **key, size_t *klen)
{
	const char *nl, *sp;

	if (c->p == c->end)
		return 0;
	c->line++;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (!nl)
		return E_LIST;
	sp = memchr(c->p, ' ', (size_t)(nl - c->p));
	*key = c->p;
	if (sp) {
		*klen = (size_t)(sp - c->p);
		c->val = sp + 1;
		c->vlen = (size_t)(nl - sp - 1);
	} else {
		*klen = (size_t)(nl - c->p);
		c->val = nl;
		c->vlen = 0;
	}
	c->p = nl + 1;
	return 1;
}

static int keyis(const char *k, size_t klen, const char *want)
{
	return klen == strlen(want) && !memcmp(k, want, klen);
}

static int number(const char *s, size_t n, unsigned long *v)
{
	size_t i;
	*v = 0;
	if (n == 0 || n > 12)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return 1;
}

/* "<addr>" then optionally " diag"; sets addr and rest. */
static int bracketed(const char *s, size_t n, const char **a, size_t *alen,
		     const char **rest, size_t *rlen)
{
	size_t i;
	if (n < 2 || s[0] != '<')
		return 0;
	i = 1 + addr_path_end(s + 1, n - 1);
	if (i >= n)
		return 0;
	*a = s + 1;
	*alen = i - 1;
	if (i + 1 == n) {
		*rest = 0;
		*rlen = 0;
		return 1;
	}
	if (s[i + 1] != ' ' || i + 2 == n)
		return 0;
	*rest = s + i + 2;
	*rlen = n - i - 2;
	return 1;
}

static int fail(struct rcptlist *l, struct cur *c, const char *why)
{
	l->err_line = c->line ? c->line : 1;
	l->err = why;
	return E_LIST;
}

/* Checks and keeps the value of header line i (the keys' order in
 * rcptlist_parse). Returns 0 or what is wrong. */
static const char *header_value(struct rcptlist *l, const struct cur *c,
				size_t i)
{
	const char *rest;
	size_t rlen;

	switch (i) {
	case 0:
		if (c->vlen != 1 || (c->val[0] != '1' && c->val[0] != '2'))
			return "unsupported list version";
		l->version = c->val[0] - '0';
		break;
	case 1:
		if (!rcptlist_id_valid(c->val, c->vlen))
			return "bad message identifier";
		l->id = c->val;
		l->id_len = c->vlen;
		break;
	case 2:
		l->hop = route_hop(c->val, c->vlen);
		l->unusable = !l->hop && !addr_domain_valid(c->val, c->vlen);
		if (l->unusable && !rcptlist_domain_token(c->val, c->vlen))
			return "bad domain";
		l->domain = c->val;
		l->domain_len = c->vlen;
		break;
	case 3:
		if (!bracketed(c->val, c->vlen, &l->sender, &l->sender_len,
			       &rest, &rlen) || rest ||
		    (l->sender_len &&
		     !addr_valid(l->sender, l->sender_len)))
			return "bad sender address";
		break;
	case 4:
		if (!number(c->val, c->vlen, &l->queued))
			return "bad queued time";
		break;
	case 5:
		if (!number(c->val, c->vlen, &l->attempts))
			return "bad attempt count";
		break;
	}
	return 0;
}

int rcptlist_parse(struct rcptlist *l, const char *buf, size_t len)
{
	static const char *const keys[] = {
		"smtprc-list", "message", "domain", "sender", "queued", "attempts"
	};
	struct cur c = { buf, buf + len, 0, 0, 0 };
	const char *k, *why;
	size_t klen, i;
	int rc;

	l->nrcpt = 0;
	l->unusable = 0;
	l->hop = 0;
	l->version = 1;
	memset(&l->dsn, 0, sizeof l->dsn);
	l->err_line = 0;
	l->err = 0;
	if (len && buf[len - 1] != '\n') {
		c.line = 1;
		for (i = 0; i < len; i++)
			c.line += buf[i] == '\n';
		return fail(l, &c, "last line has no line end");
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		rc = next(&c, &k, &klen);
		if (rc <= 0)
			return fail(l, &c, "header incomplete");
		if (!keyis(k, klen, keys[i]))
			return fail(l, &c, i == 0 ? "not a recipient list "
						   "(no \"smtprc-list 1\" line)"
						 : "unexpected key in header");
		why = header_value(l, &c, i);
		if (why)
			return fail(l, &c, why);
	}
	while ((rc = next(&c, &k, &klen)) > 0) {
		struct rcptlist_rcpt *r;
		size_t at;
		if (l->version == 2 && !keyis(k, klen, "rcpt")) {
			int d = dsn_line(k, klen, c.val, c.vlen,
					 l->nrcpt ? 0 : &l->dsn,
					 l->nrcpt ? &l->rcpt[l->nrcpt - 1].dsn : 0);
			if (d < 0)
				return fail(l, &c, "malformed or misplaced DSN line "
						   "(envid, ret, notify, orcpt)");
			if (d > 0)
				continue;
		}
		if (!keyis(k, klen, "rcpt"))
			return fail(l, &c, "unexpected key (only rcpt lines "
					   "may follow the header)");
		if (l->nrcpt == RCPT_PER_LIST_MAX)
			return fail(l, &c, "more recipients than "
					   "RCPT_PER_LIST_MAX");
		r = &l->rcpt[l->nrcpt];
		memset(&r->dsn, 0, sizeof r->dsn);
		if (!bracketed(c.val, c.vlen, &r->addr, &r->len, &r->diag,
			       &r->diag_len))
			return fail(l, &c, "bad recipient address");
		/* An address that is no valid mailbox by today's rules (an
		 * older writer's, or its domain unusable) is kept and marked:
		 * smtprc bounces it 5.1.3, the others are delivered. Only
		 * its domain (after the last '@') must be the list's. */
		r->bad = l->unusable || !addr_valid(r->addr, r->len);
		at = r->len;
		while (at && r->addr[at - 1] != '@')
			at--;
		if (!at || r->len > SMTP_PATH_SIZE - 2)
			return fail(l, &c, "bad recipient address");
		at--;
		if (!l->hop && !addr_eq_nocase(r->addr + at + 1, r->len - at - 1,
					       l->domain, l->domain_len))
			return fail(l, &c, "recipient not in the list's domain");
		l->nrcpt++;
	}
	if (rc < 0)
		return fail(l, &c, "line has no line end");
	return 0;
}

/* Output cursor: stops writing at the end and remembers it overflowed. */
struct out {
	char *p;
	size_t len, size;
	int over;
};

static void add(struct out *o, const char *s, size_t n)
{
	if (o->over || n > o->size - o->len) {
		o->over = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void adds(struct out *o, const char *s)
{
	add(o, s, strlen(s));
}

static void addnum(struct out *o, unsigned long v)
{
	char tmp[FMT_ULONG_SIZE];
	add(o, tmp, fmt_ulong(tmp, v));
}

size_t rcptlist_format(const struct rcptlist *l, char *out, size_t size)
{
	struct out o = { out, 0, size, 0 };
	char lines[DSN_LINES_MAX];
	size_t i, k;
	int v2 = dsn_msg_any(&l->dsn);

	for (i = 0; i < l->nrcpt; i++)
		v2 |= dsn_rcpt_any(&l->rcpt[i].dsn);
	adds(&o, v2 ? "smtprc-list 2\nmessage " : "smtprc-list 1\nmessage ");
	add(&o, l->id, l->id_len);
	adds(&o, "\ndomain ");
	add(&o, l->domain, l->domain_len);
	adds(&o, "\nsender <");
	add(&o, l->sender, l->sender_len);
	adds(&o, ">\nqueued ");
	addnum(&o, l->queued);
	adds(&o, "\nattempts ");
	addnum(&o, l->attempts);
	adds(&o, "\n");
	add(&o, lines, dsn_lines(&l->dsn, 0, lines));
	for (i = 0; i < l->nrcpt; i++) {
		const struct rcptlist_rcpt *r = &l->rcpt[i];
		adds(&o, "rcpt <");
		add(&o, r->addr, r->len);
		adds(&o, ">");
		if (r->diag && r->diag_len) {
			adds(&o, " ");
			for (k = 0; k < r->diag_len; k++) {
				unsigned char ch = (unsigned char)r->diag[k];
				char c = (ch < 32 || ch == 127) ? '?' : (char)ch;
				add(&o, &c, 1);
			}
		}
		adds(&o, "\n");
		add(&o, lines, dsn_lines(0, &r->dsn, lines));
	}
	return o.over ? 0 : o.len;
}
