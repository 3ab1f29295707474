/* http_response.c: an HTTP/1.1 response parsed from one buffer
 * (RFC 9112 §4 status line, §5 fields, §6.3 the body's length, §7.1
 * chunked). See http.h. */
#include <string.h>
#include "http.h"

struct head {
	int status;
	long long length;       /* Content-Length, or -1 */
	int chunked;
	size_t end;             /* offset of the first byte after the head */
};

/* The line at p (up to end): returns the byte after its LF and sets *le
 * to its end (before CR LF or LF), or 0 when no LF has come yet. */
static char *line_end(char *p, char *end, char **le)
{
	char *lf = memchr(p, '\n', (size_t)(end - p));

	if (!lf)
		return 0;
	*le = lf > p && lf[-1] == '\r' ? lf - 1 : lf;
	return lf + 1;
}

static int ieq(const char *a, size_t n, const char *lit)
{
	size_t i;

	if (strlen(lit) != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((a[i] | 0x20) != lit[i])
			return 0;
	return 1;
}

/* Copies the printable bytes of [b, e) into out (size), cut to fit. */
static void keep_text(char *out, size_t size, const char *b, const char *e,
		      int lower)
{
	size_t n = 0;

	for (; b < e && n + 1 < size; b++)
		out[n++] = (char)(lower && *b >= 'A' && *b <= 'Z' ? *b | 0x20
				  : *b >= 0x20 && *b < 0x7f ? *b : '?');
	out[n] = 0;
}

static int status_line(char *b, char *e, struct http_response *r,
		       struct head *h, const char **why)
{
	if (e - b < 12 || memcmp(b, "HTTP/1.", 7) || (b[7] != '0' && b[7] != '1') ||
	    b[8] != ' ' || b[9] < '1' || b[9] > '5' || b[10] < '0' ||
	    b[10] > '9' || b[11] < '0' || b[11] > '9' || (e - b > 12 && b[12] != ' ')) {
		*why = "a status line that is not HTTP/1.x";
		return -1;
	}
	h->status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
	r->status = h->status;
	keep_text(r->reason, sizeof r->reason, e - b > 12 ? b + 13 : e, e, 0);
	return 0;
}

static int content_length(const char *v, const char *e, struct head *h,
			  const char **why)
{
	long long n = 0;
	const char *p;

	if (v == e || e - v > 18) {
		*why = "a Content-Length that is not a number";
		return -1;
	}
	for (p = v; p < e; p++) {
		if (*p < '0' || *p > '9') {
			*why = "a Content-Length that is not a number";
			return -1;
		}
		n = n * 10 + (*p - '0');
	}
	if (h->length >= 0 && h->length != n) {
		*why = "two different Content-Lengths";
		return -1;
	}
	h->length = n;
	return 0;
}

/* One field line [b, e). */
static int field(char *b, char *e, struct http_response *r, struct head *h,
		 const char **why)
{
	char *colon = memchr(b, ':', (size_t)(e - b)), *v, *p;

	if (*b == ' ' || *b == '\t') {
		*why = "a folded header line (obsolete, refused)";
		return -1;
	}
	if (!colon || colon == b) {
		*why = "a header line without a name and colon";
		return -1;
	}
	for (p = b; p < colon; p++)
		if (*p <= ' ' || *p >= 0x7f) {
			*why = "a header name with a space or control byte";
			return -1;
		}
	for (p = colon + 1; p < e; p++)
		if ((unsigned char)*p < ' ' && *p != '\t') {
			*why = "a header value with a control byte";
			return -1;
		}
	for (v = colon + 1; v < e && (*v == ' ' || *v == '\t'); v++)
		;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (ieq(b, (size_t)(colon - b), "content-length"))
		return content_length(v, e, h, why);
	if (ieq(b, (size_t)(colon - b), "transfer-encoding")) {
		if (!ieq(v, (size_t)(e - v), "chunked")) {
			*why = "a transfer coding other than chunked";
			return -1;
		}
		h->chunked = 1;
	} else if (ieq(b, (size_t)(colon - b), "content-type")) {
		for (p = v; p < e && *p != ';' && *p != ' ' && *p != '\t'; p++)
			;
		keep_text(r->type, sizeof r->type, v, p, 1);
	}
	return 0;
}

/* The head starting at off: HTTP_MORE, HTTP_DONE (h filled), or -1. */
static int head(char *buf, size_t len, size_t off, struct http_response *r,
		struct head *h, const char **why)
{
	char *p = buf + off, *end = buf + len, *le, *next;

	memset(h, 0, sizeof *h);
	h->length = -1;
	r->type[0] = 0;
	if (!(next = line_end(p, end, &le)))
		return HTTP_MORE;
	if (status_line(p, le, r, h, why) < 0)
		return -1;
	for (p = next; (next = line_end(p, end, &le)); p = next) {
		if (le == p) {
			h->end = (size_t)(next - buf);
			return HTTP_DONE;
		}
		if (field(p, le, r, h, why) < 0)
			return -1;
	}
	return HTTP_MORE;
}

/* The chunked body at [p, end): HTTP_MORE, HTTP_DONE or -1; with decode,
 * the data is moved to p and *n is its length. */
static int chunks(char *p, char *end, int decode, size_t *n,
		  const char **why)
{
	char *w = p, *start = p, *le, *next, *q;
	size_t size, digits;

	for (;;) {
		if (!(next = line_end(p, end, &le)))
			return HTTP_MORE;
		for (size = digits = 0, q = p; q < le; q++, digits += size > 0) {
			int d = *q >= '0' && *q <= '9' ? *q - '0'
				: (*q | 0x20) >= 'a' && (*q | 0x20) <= 'f'
				? (*q | 0x20) - 'a' + 10 : -1;
			if (d < 0)
				break;
			size = size * 16 + (size_t)d;
			if (digits >= 7) {  /* 256 MiB: far past any buffer */
				*why = "a chunk size too large";
				return -1;
			}
		}
		if (q == p || (q < le && *q != ';' && *q != ' ' && *q != '\t')) {
			*why = "a chunk size that is not hexadecimal";
			return -1;
		}
		p = next;
		if (!size)
			break;
		if ((size_t)(end - p) < size)
			return HTTP_MORE;
		if (decode)
			memmove(w, p, size);
		w += size;
		p += size;
		if (!(next = line_end(p, end, &le)))
			return HTTP_MORE;
		if (le != p) {
			*why = "a chunk longer than its size";
			return -1;
		}
		p = next;
	}
	for (; (next = line_end(p, end, &le)); p = next)  /* trailer fields */
		if (le == p) {
			*n = (size_t)(w - start);
			return HTTP_DONE;
		}
	return HTTP_MORE;
}

int http_response_parse(char *buf, size_t len, int closed,
			struct http_response *r, const char **why)
{
	struct head h;
	size_t off = 0, n;
	int rc;

	memset(r, 0, sizeof *r);
	for (;;) {                       /* interim 1xx responses skipped */
		if ((rc = head(buf, len, off, r, &h, why)) != HTTP_DONE)
			goto more;
		if (h.status >= 200)
			break;
		off = h.end;
	}
	r->body = buf + h.end;
	if (h.status == 204 || h.status == 304) {
		r->body_len = 0;
		return HTTP_DONE;
	}
	if (h.chunked) {
		if ((rc = chunks(r->body, buf + len, 0, &n, why)) != HTTP_DONE)
			goto more;
		chunks(r->body, buf + len, 1, &r->body_len, why);
		return HTTP_DONE;
	}
	if (h.length >= 0) {
		if ((long long)(len - h.end) < h.length) {
			rc = HTTP_MORE;
			goto more;
		}
		r->body_len = (size_t)h.length;
		return HTTP_DONE;
	}
	if (!closed)
		return HTTP_MORE;
	r->body_len = len - h.end;
	return HTTP_DONE;
more:
	if (rc == HTTP_MORE && closed) {
		*why = "the connection closed before the response's end";
		rc = -1;
	}
	return rc;
}
