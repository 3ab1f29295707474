/* qp.c: see qp.h. */
#include "qp.h"

size_t qp_encode(const char *s, size_t n, int eol, size_t *col, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	while (eol && n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int last = eol && i + 1 == n;
		int lit = (c >= 33 && c <= 126 && c != '=') ||
			  ((c == ' ' || c == '\t') && !last);
		size_t w = lit ? 1 : 3;
		if (*col + w > 75) {
			out[o++] = '=';
			out[o++] = '\n';
			*col = 0;
		}
		if (lit) {
			out[o++] = (char)c;
		} else {
			out[o++] = '=';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
		*col += w;
	}
	if (eol) {
		out[o++] = '\n';
		*col = 0;
	}
	return o;
}
