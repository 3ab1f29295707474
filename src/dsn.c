/* dsn.c: see dsn.h. */
#include <string.h>
#include "config.h"
#include "dsn.h"

static const char *const words[] = { "success", "delay", "failure", "never" };

static int word_is(const char *s, size_t n, const char *w)
{
	size_t i;
	if (n != strlen(w))
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
		if (c != w[i])
			return 0;
	}
	return 1;
}

int dsn_notify_parse(const char *s, size_t n)
{
	size_t i = 0, end, k;
	int bits = 0;

	while (i <= n) {
		for (end = i; end < n && s[end] != ','; end++)
			;
		for (k = 0; k < 4 && !word_is(s + i, end - i, words[k]); k++)
			;
		if (k == 4)
			return -1;
		bits |= 1 << k;
		i = end + 1;
	}
	if ((bits & DSN_NOTIFY_NEVER) && bits != DSN_NOTIFY_NEVER)
		return -1;
	return bits;
}

size_t dsn_notify_format(unsigned bits, int upper, char *out)
{
	size_t n = 0, k, i;

	for (k = 0; k < 4; k++) {
		if (!(bits & (1u << k)))
			continue;
		if (n)
			out[n++] = ',';
		for (i = 0; words[k][i]; i++)
			out[n++] = upper ? (char)(words[k][i] - 32) : words[k][i];
	}
	out[n] = 0;
	return n;
}

int dsn_notify_wants(unsigned bits, unsigned kind)
{
	if (!bits)
		return kind == DSN_NOTIFY_FAILURE || kind == DSN_NOTIFY_DELAY;
	return (bits & kind) != 0;
}

int dsn_ret_parse(const char *s, size_t n)
{
	return word_is(s, n, "full") ? DSN_RET_FULL :
	       word_is(s, n, "hdrs") ? DSN_RET_HDRS : -1;
}

int dsn_envid_valid(const char *s, size_t n)
{
	size_t i;
	if (n == 0 || n > DSN_ENVID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return 0;
	return 1;
}

size_t dsn_xtext(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126 || c == '+' || c == '=') {
			out[o++] = '+';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else
			out[o++] = (char)c;
	}
	return o;
}

int dsn_orcpt_valid(const char *s, size_t n)
{
	size_t i, t;
	int utf8;

	for (t = 0; t < n && s[t] != ';'; t++)
		;
	if (t == n)
		return 0;
	utf8 = word_is(s, t, "utf-8");
	if (!utf8 && !word_is(s, t, "rfc822"))
		return 0;
	if (n - t - 1 < 1 || n - t - 1 > SMTP_PATH_SIZE - 2)
		return 0;
	for (i = t + 1; i < n; i++)
		if ((unsigned char)s[i] <= 32 || s[i] == 127 ||
		    ((unsigned char)s[i] > 127 && !utf8))
			return 0;
	return 1;
}

int dsn_line(const char *key, size_t klen, const char *val, size_t vlen,
	     struct dsn_msg *m, struct dsn_rcpt *r)
{
	int v;

	if (word_is(key, klen, "envid") || word_is(key, klen, "ret")) {
		if (r || !m)
			return -1;
		if (key[0] == 'e') {
			if (m->envid_len || !dsn_envid_valid(val, vlen))
				return -1;
			m->envid = val;
			m->envid_len = vlen;
			return 1;
		}
		v = dsn_ret_parse(val, vlen);
		if (v < 0 || m->ret)
			return -1;
		m->ret = v;
		return 1;
	}
	if (!word_is(key, klen, "notify") && !word_is(key, klen, "orcpt"))
		return 0;
	if (!r)
		return -1;
	if (key[0] == 'n') {
		v = dsn_notify_parse(val, vlen);
		if (v <= 0 || r->notify)
			return -1;
		r->notify = (unsigned)v;
		return 1;
	}
	if (r->orcpt_len || !dsn_orcpt_valid(val, vlen))
		return -1;
	r->orcpt = val;
	r->orcpt_len = vlen;
	return 1;
}

int dsn_msg_any(const struct dsn_msg *m)
{
	return m && (m->envid_len || m->ret);
}

int dsn_rcpt_any(const struct dsn_rcpt *r)
{
	return r && (r->notify || r->orcpt_len);
}

static size_t add(char *out, size_t n, const char *s, size_t k)
{
	memcpy(out + n, s, k);
	return n + k;
}

size_t dsn_lines(const struct dsn_msg *m, const struct dsn_rcpt *r, char *out)
{
	char buf[32];
	size_t n = 0;

	if (r) {
		if (r->notify) {
			n = add(out, n, "notify ", 7);
			n = add(out, n, buf, dsn_notify_format(r->notify, 0, buf));
			n = add(out, n, "\n", 1);
		}
		if (r->orcpt_len) {
			n = add(out, n, "orcpt ", 6);
			n = add(out, n, r->orcpt, r->orcpt_len);
			n = add(out, n, "\n", 1);
		}
		return n;
	}
	if (m && m->envid_len) {
		n = add(out, n, "envid ", 6);
		n = add(out, n, m->envid, m->envid_len);
		n = add(out, n, "\n", 1);
	}
	if (m && m->ret)
		n = add(out, n, m->ret == DSN_RET_HDRS ? "ret hdrs\n" : "ret full\n",
			9);
	return n;
}
