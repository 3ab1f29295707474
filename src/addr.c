/* addr.c: see addr.h. */
#include <arpa/inet.h>
#include <string.h>
#include "addr.h"
#include "utf8.h"

int addr_literal_valid(const char *d, size_t len)
{
	/* "[" "IPv6:" 45 characters "]" at the most. */
	char tmp[64];
	int v6;

	if (len < 3 || len > sizeof tmp || d[0] != '[' || d[len - 1] != ']')
		return 0;
	d++;
	len -= 2;
	v6 = len > 5 && (d[0] == 'I' || d[0] == 'i') &&
	     (d[1] == 'P' || d[1] == 'p') && (d[2] == 'v' || d[2] == 'V') &&
	     d[3] == '6' && d[4] == ':';
	if (v6) {
		d += 5;
		len -= 5;
	}
	memcpy(tmp, d, len);
	tmp[len] = 0;
	/* Syntax only: an IPv6 literal is valid in an IPv4-only build too
	 * (it is then undeliverable there, not malformed). */
	return inet_pton(v6 ? AF_INET6 : AF_INET, tmp,
			 (unsigned char[16]){ 0 }) == 1;
}

size_t addr_domain_trim(const char *d, size_t len)
{
	return len > 1 && d[0] != '[' && d[len - 1] == '.' ? len - 1 : len;
}

int addr_eq_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;
	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z') x += 32;
		if (y >= 'A' && y <= 'Z') y += 32;
		if (x != y)
			return 0;
	}
	return 1;
}

int addr_domain_valid(const char *d, size_t len)
{
	size_t label = 0, i;

	if (len == 0 || len > SMTP_DOMAIN_SIZE)
		return 0;
	if (d[0] == '[')
		return addr_literal_valid(d, len);
	if (d[0] == '.' || d[0] == '-' || d[len - 1] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		char c = d[i];
		if (c == '.' && i + 1 < len && d[i + 1] == '.')
			return 0;
		/* A label is at most 63 octets (RFC 1035 §2.3.4): a longer
		 * one can never be looked up, so it is refused here rather
		 * than deferred for the whole lifetime. */
		label = c == '.' ? 0 : label + 1;
		if (label > 63)
			return 0;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* RFC 5322 atext: the characters of an atom. */
static int atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* The length of a UTF-8 character other than ASCII at a[0..len) (RFC
 * 6531's UTF8-non-ascii, allowed in atext and qtextSMTP), or 0. */
static size_t non_ascii(const char *a, size_t len)
{
	unsigned long cp;
	size_t k = utf8_char((const unsigned char *)a, len, &cp);
	return k > 1 ? k : 0;
}

/* The length of the Quoted-string at a[0..len) (a[0] is '"'), closing
 * quote included, or 0 when it is not closed or holds a byte that is no
 * qtextSMTP, UTF-8 character or quoted-pair (RFC 5321 section 4.1.2,
 * RFC 6531 section 3.3). */
static size_t quoted_len(const char *a, size_t len)
{
	size_t i, k;

	for (i = 1; i < len; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c == '"')
			return i + 1;
		if (c >= 128 && (k = non_ascii(a + i, len - i)) > 0) {
			i += k - 1;
			continue;
		}
		if (c < 32 || c >= 127)
			return 0;
		if (c == '\\' && (++i == len || (unsigned char)a[i] < 32 ||
				  (unsigned char)a[i] >= 127))
			return 0;
	}
	return 0;
}

size_t addr_at(const char *a, size_t len)
{
	size_t i = 0, k;

	if (len && a[0] == '"') {
		i = quoted_len(a, len);
		return i && i < len && a[i] == '@' ? i : len;
	}
	/* A Dot-string, kept when its dots are out of place ("a..b", as
	 * some providers hand out): addr_smtp_form quotes it. */
	while (i < len) {
		if (atext((unsigned char)a[i]) || a[i] == '.')
			i++;
		else if ((k = non_ascii(a + i, len - i)) > 0)
			i += k;
		else
			break;
	}
	return i && i < len && a[i] == '@' ? i : len;
}

size_t addr_path_end(const char *s, size_t n)
{
	size_t i, q;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '>')
			return i;
		if (c == '"') {
			q = quoted_len(s + i, n - i);
			if (!q)
				return n;
			i += q - 1;
		} else if (c <= 32 || c == 127 || c == '<')
			return n;
	}
	return n;
}

/* 1 when the local part a[0..n) must be quoted to be a valid RFC 5321
 * Local-part: a Dot-string with a dot first, last or doubled. */
static int needs_quotes(const char *a, size_t n)
{
	size_t i;
	if (a[0] == '"')
		return 0;
	if (a[0] == '.' || a[n - 1] == '.')
		return 1;
	for (i = 1; i < n; i++)
		if (a[i] == '.' && a[i - 1] == '.')
			return 1;
	return 0;
}

size_t addr_smtp_form(const char *a, size_t len, char *out, size_t size)
{
	size_t at = addr_at(a, len);

	if (at == len || !needs_quotes(a, at)) {
		if (len > size)
			return 0;
		memcpy(out, a, len);
		return len;
	}
	if (len + 2 > size)
		return 0;
	out[0] = '"';
	memcpy(out + 1, a, at);
	out[at + 1] = '"';
	memcpy(out + at + 2, a + at, len - at);
	return len + 2;
}

int addr_valid(const char *a, size_t len)
{
	size_t at;
	if (len == 0 || len > SMTP_PATH_SIZE - 2)
		return 0;
	at = addr_at(a, len);
	return at > 0 && at < len - 1 &&
	       addr_domain_valid(a + at + 1, len - at - 1);
}
