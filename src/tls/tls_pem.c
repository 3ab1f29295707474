/* tls_pem.c: the PEM reader of tls_int.h (RFC 7468's textual encoding),
 * for the CA bundle: a line at a time in fixed storage, whatever the
 * pieces the bytes come in. Outside an object every line is text and
 * skipped, but "-----BEGIN NAME-----"; inside one, lines of base64 until
 * "-----END NAME-----" with the same NAME. Spaces, tabs and a CR before
 * the line end are allowed anywhere in a line; anything else, a line
 * over TLS_PEM_LINE_SIZE inside an object, padding before the end of the
 * data, or an object left open is malformed. Smaller than BearSSL's
 * br_pem_decoder (1.7 KB on MIPS16e), which it replaces. */
#include "config.h"
#if CONFIG_TLS
#include <string.h>
#include "b64.h"
#include "tls_int.h"

static const char begin_mark[] = "-----BEGIN ", end_mark[] = "-----END ",
		  dashes[] = "-----";

void tls_pem_init(struct tls_pem *p, const struct tls_pem_sink *sink)
{
	memset(p, 0, sizeof *p);
	p->sink = sink;
}

/* The NAME of "MARKNAME-----" (line and len without the line end), or 0. */
static const char *marked(const char *line, size_t len, const char *mark,
			  size_t *namelen)
{
	size_t m = strlen(mark);

	size_t d = sizeof dashes - 1;

	if (len < m + d || memcmp(line, mark, m) ||
	    memcmp(line + len - d, dashes, d))
		return 0;
	*namelen = len - m - d;
	return line + m;
}

/* One line of an object's base64. Returns 0 or -1 (malformed, or the
 * sink refused the bytes). */
static int body_line(struct tls_pem *p, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i], v = 0;
		if (c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			if (p->nacc < 2)
				return -1;
			p->pad++;
		} else if (p->pad || (v = b64_value(c)) < 0) {
			return -1;       /* data after padding, or not base64 */
		}
		p->acc = p->acc << 6 | (unsigned long)v;
		if (++p->nacc == 4) {
			unsigned char b[3];
			b[0] = (unsigned char)(p->acc >> 16);
			b[1] = (unsigned char)(p->acc >> 8);
			b[2] = (unsigned char)p->acc;
			if (p->sink->data(p->sink->ctx, b, 3 - (size_t)p->pad) < 0)
				return -1;
			p->nacc = 0;
			p->acc = 0;
			if (p->pad)
				p->pad = 3;  /* the data has ended: only the END line */
		}
	}
	return 0;
}

/* A whole line (without its LF; a CR and blanks at its end dropped). */
static int line_done(struct tls_pem *p)
{
	const char *s = p->line;
	size_t len = p->len, n;
	const char *name;

	while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' ||
		       s[len - 1] == '\t'))
		len--;
	if (!p->in) {
		name = p->over ? 0 : marked(s, len, begin_mark, &n);
		if (!name || n >= sizeof p->name)
			return 0;          /* text between objects */
		memcpy(p->name, name, n);
		p->name[n] = 0;
		p->in = 1;
		p->acc = 0;
		p->nacc = p->pad = 0;
		return p->sink->begin(p->sink->ctx, p->name);
	}
	if (p->over)
		return -1;
	name = marked(s, len, end_mark, &n);
	if (!name)
		return body_line(p, s, len);
	if (n != strlen(p->name) || memcmp(name, p->name, n) || p->nacc)
		return -1;
	p->in = 0;
	return p->sink->end(p->sink->ctx);
}

int tls_pem_push(struct tls_pem *p, const void *buf, size_t len)
{
	const char *b = buf;
	size_t i;

	if (p->bad)
		return -1;
	for (i = 0; i < len; i++) {
		if (b[i] != '\n') {
			if (p->len < sizeof p->line)
				p->line[p->len++] = b[i];
			else
				p->over = 1;
			continue;
		}
		if (line_done(p) < 0) {
			p->bad = 1;
			return -1;
		}
		p->len = 0;
		p->over = 0;
	}
	return 0;
}

int tls_pem_finish(struct tls_pem *p)
{
	if (!p->bad && p->len) {    /* a last line without its LF */
		if (line_done(p) < 0)
			p->bad = 1;
		p->len = 0;
	}
	return p->bad ? -1 : 0;
}
#endif
