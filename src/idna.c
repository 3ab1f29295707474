/* idna.c: see idna.h. Punycode as RFC 3492 section 6.3 gives it. */
#include "idna.h"
#include "utf8.h"

enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700,
       INITIAL_BIAS = 72, INITIAL_N = 128, LABEL_CP_MAX = 63 };

static char digit(unsigned long d)
{
	return (char)(d < 26 ? 'a' + d : '0' + d - 26);
}

static unsigned long adapt(unsigned long delta, unsigned long points, int first)
{
	unsigned long k = 0;

	delta = first ? delta / DAMP : delta / 2;
	delta += delta / points;
	while (delta > ((BASE - TMIN) * TMAX) / 2) {
		delta /= BASE - TMIN;
		k += BASE;
	}
	return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

/* Punycode of cp[0..n) (after "xn--") into out[0..size); returns the
 * length or -1 when it does not fit. */
static int punycode(const unsigned long *cp, size_t n, char *out, size_t size)
{
	unsigned long nn = INITIAL_N, delta = 0, bias = INITIAL_BIAS, m, q, k, t;
	size_t o = 0, h, b = 0, i;

	for (i = 0; i < n; i++)
		if (cp[i] < 0x80) {
			if (o == size)
				return -1;
			out[o++] = (char)cp[i];
			b++;
		}
	if (b && o < size)
		out[o++] = '-';
	for (h = b; h < n; nn++, delta++) {
		for (m = 0x10ffff + 1, i = 0; i < n; i++)
			if (cp[i] >= nn && cp[i] < m)
				m = cp[i];
		delta += (m - nn) * (h + 1);
		nn = m;
		for (i = 0; i < n; i++) {
			if (cp[i] < nn)
				delta++;
			if (cp[i] != nn)
				continue;
			for (q = delta, k = BASE;; k += BASE) {
				t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
				if (q < t)
					break;
				if (o == size)
					return -1;
				out[o++] = digit(t + (q - t) % (BASE - t));
				q = (q - t) / (BASE - t);
			}
			if (o == size)
				return -1;
			out[o++] = digit(q);
			bias = adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
	}
	return (int)o;
}

/* A code point a host name label may hold, lower-cased. */
static int label_cp(unsigned long *c)
{
	if (*c >= 'A' && *c <= 'Z')
		*c += 32;
	else if (*c >= 0xc0 && *c <= 0xde && *c != 0xd7)
		*c += 32;           /* Latin-1 capitals */
	if (*c < 0x80)
		return (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		       *c == '-';
	return *c >= 0xa0 && !(*c >= 0x2000 && *c <= 0x206f) && *c != 0x3000 &&
	       *c != 0xfeff;
}

/* One label s[0..n) into out; returns its length or -1. */
static int label(const char *s, size_t n, char *out, size_t size)
{
	unsigned long cp[LABEL_CP_MAX];
	size_t i = 0, k, ncp = 0;
	int ascii = 1, len;

	if (n == 0)
		return -1;
	while (i < n) {
		if (ncp == LABEL_CP_MAX)
			return -1;
		k = utf8_char((const unsigned char *)s + i, n - i, &cp[ncp]);
		if (!k || !label_cp(&cp[ncp]))
			return -1;
		ascii &= cp[ncp] < 0x80;
		ncp++;
		i += k;
	}
	if (cp[0] == '-' || cp[ncp - 1] == '-')
		return -1;   /* RFC 5891 section 4.2.3.1 */
	if (ascii) {
		if (ncp > size)
			return -1;
		for (i = 0; i < ncp; i++)
			out[i] = (char)cp[i];
		return (int)ncp;
	}
	if (size < 4)
		return -1;
	out[0] = 'x'; out[1] = 'n'; out[2] = '-'; out[3] = '-';
	len = punycode(cp, ncp, out + 4, size - 4);
	return len < 0 || len + 4 > 63 ? -1 : len + 4;
}

int idna_to_ascii(const char *d, size_t len, char *out, size_t size)
{
	size_t i = 0, o = 0, end;
	int k;

	if (len && d[len - 1] == '.')
		len--;
	while (i < len) {
		for (end = i; end < len && d[end] != '.'; end++)
			;
		if (o && o < size)
			out[o++] = '.';
		k = label(d + i, end - i, out + o, size > o ? size - o : 0);
		if (k < 0 || k > 63)
			return -1;
		o += (size_t)k;
		i = end + 1;
	}
	if ((len && d[len - 1] == '.') || o == 0 || o > 253 || o >= size)
		return -1;
	out[o] = 0;
	return (int)o;
}
