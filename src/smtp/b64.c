/* b64.c: see b64.h. */
#include "b64.h"

size_t b64_encode(const void *in, size_t n, char *out)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = in;
	size_t o = 0, i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16 |
				  (unsigned long)p[i + 1] << 8 | p[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	if (i < n) {
		unsigned long v = (unsigned long)p[i] << 16 |
				  (i + 1 < n ? (unsigned long)p[i + 1] << 8 : 0);
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = 0;
	return o;
}

int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

long b64_decode(const char *in, size_t n, void *out, size_t size)
{
	unsigned char *o = out;
	unsigned long v = 0;
	size_t i, len = 0, pad = 0;

	if (n % 4)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		int d = b64_value(c);
		if (c == '=' && i + 2 >= n && (i + 1 == n || in[i + 1] == '=')) {
			pad++;
			d = 0;
		} else if (d < 0 || pad) {
			return -1;
		}
		v = v << 6 | (unsigned long)d;
		if (i % 4 == 3) {
			size_t k = 3 - pad, j;
			if (len + k > size)
				return -1;
			for (j = 0; j < k; j++)
				o[len++] = (unsigned char)(v >> (16 - 8 * j));
			v = 0;
		}
	}
	return (long)len;
}
