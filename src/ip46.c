/* ip46.c: see ip46.h. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include "fmt.h"
#include "ip46.h"

int ip46_parse(const char *s, size_t n, struct ip46 *a)
{
	char tmp[IP46_FMT_SIZE];

	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, tmp, a->ip) == 1)
		return 1;
#if CONFIG_IPV6
	if (inet_pton(AF_INET6, tmp, a->ip) == 1) {
		a->is6 = 1;
		return 1;
	}
#endif
	return 0;
}

int ip46_parse_literal(const char *s, size_t n, struct ip46 *a)
{
	if (n < 3 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	s++;
	n -= 2;
	if (n > 5 && (s[0] == 'I' || s[0] == 'i') &&
	    (s[1] == 'P' || s[1] == 'p') && (s[2] == 'v' || s[2] == 'V') &&
	    s[3] == '6' && s[4] == ':')
		return ip46_parse(s + 5, n - 5, a) && a->is6;
	return ip46_parse(s, n, a) && !a->is6;
}

#if CONFIG_IPV6
/* RFC 5952's text (libc's inet_ntop brings all of printf): lower-case hex
 * without leading zeros, the longest run of two or more zero groups (the
 * first of equal ones) as "::", and an IPv4-mapped address (::ffff:0:0/96)
 * with its IPv4 part dotted. */
static size_t fmt6(const unsigned char *p, char *out)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
						  0, 0xff, 0xff };
	int groups = memcmp(p, mapped, 12) ? 8 : 6, best = -1, bestlen = 1;
	int i, run;
	size_t n = 0;

	for (i = 0; i < groups; i += run ? run : 1) {
		for (run = 0; i + run < groups && !p[2 * (i + run)] &&
			      !p[2 * (i + run) + 1]; run++)
			;
		if (run > bestlen) {
			best = i;
			bestlen = run;
		}
	}
	for (i = 0; i < groups;) {
		if (i == best) {
			out[n++] = ':';
			out[n++] = ':';
			i += bestlen;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			out[n++] = ':';
		n += (size_t)fmt_into(out + n, IP46_FMT_SIZE - n, "%x",
				      (unsigned)(p[2 * i] << 8 | p[2 * i + 1]));
		i++;
	}
	out[n] = 0;            /* a text that ends in "::" has no more */
	if (groups == 6)
		n += (size_t)fmt_into(out + n, IP46_FMT_SIZE - n, ":%u.%u.%u.%u",
				      p[12], p[13], p[14], p[15]);
	return n;
}
#endif

size_t ip46_fmt(const struct ip46 *a, char out[IP46_FMT_SIZE])
{
	const unsigned char *p = a->ip;
#if CONFIG_IPV6
	if (a->is6)
		return fmt6(p, out);
#endif
	return (size_t)fmt_into(out, IP46_FMT_SIZE, "%u.%u.%u.%u", p[0], p[1],
				p[2], p[3]);
}

int ip46_equal(const struct ip46 *a, const struct ip46 *b)
{
	return a->is6 == b->is6 && !memcmp(a->ip, b->ip, a->is6 ? 16 : 4);
}

static int v4_local(const unsigned char *p)
{
	return p[0] == 127 || p[0] == 0 || (p[0] == 169 && p[1] == 254) ||
	       p[0] >= 224;
}

int ip46_is_local(const struct ip46 *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
						  0xff, 0xff };
	static const unsigned char zero[15] = { 0 };
	const unsigned char *p = a->ip;

	if (!a->is6)
		return v4_local(p);
	if (!memcmp(p, mapped, 12))
		return v4_local(p + 12);
	return (!memcmp(p, zero, 15) && p[15] <= 1) ||      /* :: and ::1 */
	       (p[0] == 0xfe && (p[1] & 0xc0) == 0x80) ||   /* fe80::/10 */
	       p[0] == 0xff;                                 /* multicast */
}

int ip46_port_parse(const char *s, size_t n, unsigned *port)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return 0;
	*port = (unsigned)v;
	return 1;
}
