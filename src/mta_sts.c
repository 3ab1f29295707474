/* mta_sts.c: RFC 8461's TXT record, policy and MX matching. See
 * mta_sts.h. */
#include <string.h>
#include "addr.h"
#include "mta_sts.h"

static int alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* An extension's name (RFC 8461 §3.1, §3.2): 1 to 32 of them. */
static int ext_name(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 32 || !alnum(s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!alnum(s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

int sts_txt_parse(const char *txt, size_t len, char id[33], const char **why)
{
	const char *p = txt, *end = txt + len;
	int have_id = 0;

	id[0] = 0;
	if (len < 7 || memcmp(txt, "v=STSv1", 7) ||
	    (len > 7 && txt[7] != ';' && !wsp(txt[7])))
		return 0;
	for (p += 7;;) {
		const char *f, *eq;
		while (p < end && wsp(*p))
			p++;
		if (p == end)
			break;
		if (*p++ != ';')
			goto bad;
		while (p < end && wsp(*p))
			p++;
		if (p == end)
			break;            /* a final ";" */
		for (f = p; p < end && *p != ';' && !wsp(*p); p++)
			;
		if (!(eq = memchr(f, '=', (size_t)(p - f))) || eq + 1 == p ||
		    !ext_name(f, (size_t)(eq - f)))
			goto bad;
		if (eq - f == 2 && !memcmp(f, "id", 2) && !have_id) {
			const char *v;
			if (p - eq - 1 > 32)
				goto bad;
			for (v = eq + 1; v < p; v++)
				if (!alnum(*v))
					goto bad;
			memcpy(id, eq + 1, (size_t)(p - eq - 1));
			id[p - eq - 1] = 0;
			have_id = 1;
		} else {
			const char *v;
			for (v = eq + 1; v < p; v++)
				if (*v < 0x21 || *v > 0x7e || *v == '=')
					goto bad;
		}
	}
	if (have_id)
		return 1;
bad:
	*why = have_id ? "a malformed field in the _mta-sts record"
		       : "an _mta-sts record without a valid id";
	id[0] = 0;
	return -1;
}

/* An mx value: ["*."] and a domain of letters, digits, hyphens and dots
 * (A-labels: an internationalized MX is written in its ASCII form), kept
 * in lower case without a final dot. */
static int mx_value(const char *v, size_t n, char *out)
{
	size_t i, start = 0;

	if (n && v[n - 1] == '.')
		n--;
	if (n >= 2 && v[0] == '*' && v[1] == '.')
		start = 2;
	if (n <= start || n > SMTP_DOMAIN_SIZE || v[start] == '.' ||
	    v[start] == '-' || v[n - 1] == '.')
		return -1;
	for (i = 0; i < n; i++) {
		char c = v[i];
		if (i >= start && !alnum(c) && c != '-' &&
		    !(c == '.' && v[i - 1] != '.'))
			return -1;
		out[i] = c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
	}
	out[n] = 0;
	return 0;
}

/* Which of the policy's keys a line is; each kept once. */
enum { F_VERSION = 1, F_MODE = 2, F_MAX_AGE = 4 };

static int field(struct sts_policy *p, unsigned *seen, const char *k,
		 size_t kl, const char *v, size_t vl, const char **why)
{
#define KEY(s) (kl == sizeof s - 1 && !memcmp(k, s, kl))
	if (KEY("mx")) {
		if (p->nmx == STS_MX_MAX) {
			p->dropped++;
			return 0;
		}
		if (mx_value(v, vl, p->mx[p->nmx]) < 0) {
			*why = "an mx that is not a host name or *.domain";
			return -1;
		}
		p->nmx++;
	} else if (KEY("version") && !(*seen & F_VERSION)) {
		*seen |= F_VERSION;
		if (vl != 5 || memcmp(v, "STSv1", 5)) {
			*why = "a version other than STSv1";
			return -1;
		}
	} else if (KEY("mode") && !(*seen & F_MODE)) {
		int m = vl == 7 && !memcmp(v, "enforce", 7) ? STS_ENFORCE
			: vl == 7 && !memcmp(v, "testing", 7) ? STS_TESTING
			: vl == 4 && !memcmp(v, "none", 4) ? STS_NONE : -1;
		*seen |= F_MODE;
		if (m < 0) {
			*why = "a mode other than enforce, testing or none";
			return -1;
		}
		p->mode = (enum sts_mode)m;
	} else if (KEY("max_age") && !(*seen & F_MAX_AGE)) {
		size_t i;
		*seen |= F_MAX_AGE;
		/* 1*10DIGIT: ten digits at most, read only then. */
		for (i = 0, p->max_age = 0; i < vl && vl <= 10 &&
		     v[i] >= '0' && v[i] <= '9'; i++)
			p->max_age = p->max_age * 10 + (v[i] - '0');
		if (!vl || i < vl || p->max_age > 31557600) {
			*why = "a max_age that is not 0 to 31557600 seconds";
			return -1;
		}
	} else if (!ext_name(k, kl)) {
		*why = "a line that is not \"key: value\"";
		return -1;
	}
	return 0;
#undef KEY
}

int sts_policy_parse(const char *text, size_t len, struct sts_policy *p,
		     const char **why)
{
	const char *s = text, *end = text + len;
	unsigned seen = 0;

	memset(p, 0, sizeof *p - sizeof p->mx);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *colon, *v, *q;

		if (le > s && le[-1] == '\r')
			le--;
		colon = memchr(s, ':', (size_t)(le - s));
		for (q = s; q < le; q++)
			if ((unsigned char)*q < 0x20 && *q != '\t') {
				*why = "a control byte in the policy";
				return -1;
			}
		if (!colon || colon == s) {
			*why = "a line that is not \"key: value\"";
			return -1;
		}
		for (v = colon + 1; v < le && wsp(*v); v++)
			;
		while (le > v && wsp(le[-1]))
			le--;
		if (field(p, &seen, s, (size_t)(colon - s), v, (size_t)(le - v),
			  why) < 0)
			return -1;
		s = nl ? nl + 1 : end;
	}
	if (!(seen & F_VERSION) || !(seen & F_MODE) || !(seen & F_MAX_AGE)) {
		*why = "a policy without version, mode or max_age";
		return -1;
	}
	if (p->mode != STS_NONE && !p->nmx) {
		*why = "a testing or enforce policy without an mx";
		return -1;
	}
	return 0;
}

int sts_mx_match(const struct sts_policy *p, const char *host)
{
	size_t n = strlen(host), i;

	if (n && host[n - 1] == '.')
		n--;
	for (i = 0; i < p->nmx; i++) {
		const char *m = p->mx[i];
		size_t ml = strlen(m);
		if (m[0] == '*') {
			/* One label, then ".domain" exactly. */
			const char *dot = memchr(host, '.', n);
			if (dot && dot > host && (size_t)(host + n - dot) == ml - 1 &&
			    addr_eq_nocase(dot, ml - 1, m + 1, ml - 1))
				return 1;
		} else if (n == ml && addr_eq_nocase(host, n, m, ml)) {
			return 1;
		}
	}
	return 0;
}
