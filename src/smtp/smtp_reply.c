/* smtp_reply.c: see smtp_reply.h. */
#include <string.h>
#include "err.h"
#include "smtp_reply.h"

int smtp_line_find(const char *buf, size_t len, size_t *line_len, size_t *used)
{
	const char *lf = memchr(buf, '\n', len);
	size_t n;

	if (!lf) {
		/* Without its LF the line already has len bytes and needs at
		 * least one more: at the limit it is cut here, the caller
		 * discards the rest up to its LF. */
		if (len < SMTP_REPLY_LINE_SIZE)
			return 0;
		*line_len = SMTP_REPLY_LINE_SIZE - 2;
		*used = len;
		return SMTP_LINE_CUT;
	}
	n = (size_t)(lf - buf);
	*used = n + 1;
	if (n + 1 > SMTP_REPLY_LINE_SIZE) {
		*line_len = SMTP_REPLY_LINE_SIZE - 2;
		return SMTP_LINE_CUT;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	*line_len = n;
	return 1;
}

void smtp_reply_init(struct smtp_reply *r)
{
	r->code = 0;
	r->lines = 0;
	r->truncated = 0;
	r->text_len = 0;
	r->text[0] = 0;
}

static void text_add(struct smtp_reply *r, const char *s, size_t n)
{
	static const char mark[] = " [...]";
	/* The longest text that still leaves room for the mark and NUL. */
	const size_t limit = sizeof r->text - sizeof mark;
	size_t i;

	if (r->truncated)
		return;
	if (n > sizeof r->text - 1 - r->text_len) {
		/* Too long: cut, overwriting the tail if need be, so the
		 * mark always fits and a reader sees the cut. */
		if (r->text_len > limit)
			r->text_len = limit;
		n = limit - r->text_len;
		r->truncated = 1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		r->text[r->text_len++] = (c < 32 || c == 127) ? '?' : (char)c;
	}
	if (r->truncated) {
		memcpy(r->text + r->text_len, mark, sizeof mark - 1);
		r->text_len += sizeof mark - 1;
	}
	r->text[r->text_len] = 0;
}

int smtp_reply_line(struct smtp_reply *r, const char *line, size_t len)
{
	int code;
	int last;

	if (len < 3 || line[0] < '2' || line[0] > '5' ||
	    line[1] < '0' || line[1] > '9' || line[2] < '0' || line[2] > '9')
		return E_REPLY_CODE;
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (len == 3 || line[3] == ' ')
		last = 1;
	else if (line[3] == '-')
		last = 0;
	else
		return E_REPLY_SYNTAX;
	if (r->lines == 0) {
		r->code = code;
		text_add(r, line, 3);
	} else if (code != r->code) {
		return E_REPLY_MIXED;
	}
	if (++r->lines > SMTP_REPLY_LINES_MAX)
		return E_REPLY_LINES;
	if (len > 4) {
		text_add(r, " ", 1);
		text_add(r, line + 4, len - 4);
	}
	return last;
}

static size_t digits(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

size_t smtp_reply_status(const char *text, char out[12])
{
	const char *p = text;
	size_t a, b, c;

	if (digits(p, 3) != 3 || p[3] != ' ')
		return 0;
	p += 4;
	/* class "." subject(1-3 digits) "." detail(1-3 digits), then a space
	 * or the end (RFC 3463 §2). */
	if ((p[0] != '2' && p[0] != '4' && p[0] != '5') || p[0] != text[0] ||
	    p[1] != '.')
		return 0;
	a = 1;
	b = digits(p + 2, 4);
	if (b < 1 || b > 3 || p[2 + b] != '.')
		return 0;
	c = digits(p + 3 + b, 4);
	if (c < 1 || c > 3)
		return 0;
	if (p[3 + b + c] != ' ' && p[3 + b + c] != 0)
		return 0;
	a = 3 + b + c;
	memcpy(out, p, a);
	out[a] = 0;
	return a;
}
