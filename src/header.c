/* header.c: see header.h. */
#include <string.h>
#include <strings.h>
#include "header.h"

/* A field name: printable ASCII but the colon, then a colon. */
static int is_field(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ':')
			return i > 0;
		if (c <= ' ' || c >= 127)
			return 0;
	}
	return 0;
}

int header_scan(const char *buf, size_t len, int eof, size_t *hdr_end,
		size_t *body_off, int *blank)
{
	size_t pos = 0;
	int in_field = 0;

	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) + 1 : len - pos;
		size_t text = nl ? n - 1 : n;

		if (!nl && !eof)
			return 0;
		if (text && s[text - 1] == '\r')
			text--;
		if (text == 0 && nl) {
			*hdr_end = pos;
			*body_off = pos + n;
			*blank = 1;
			return 1;
		}
		if ((s[0] == ' ' || s[0] == '\t') && in_field) {
			pos += n;
			continue;
		}
		if (!is_field(s, text))
			break;
		in_field = 1;
		pos += n;
	}
	if (pos == len && !eof)
		return 0;
	*hdr_end = *body_off = pos;
	*blank = 0;
	return 1;
}

int header_next(const char *buf, size_t hdr_end, size_t *pos,
		struct header_field *f)
{
	size_t p = *pos;
	const char *colon;

	if (p >= hdr_end)
		return 0;
	f->start = p;
	colon = memchr(buf + p, ':', hdr_end - p);
	f->name_len = colon ? (size_t)(colon - (buf + p)) : 0;
	f->val = colon ? (size_t)(colon - buf) + 1 : p;
	for (;;) {
		const char *nl = memchr(buf + p, '\n', hdr_end - p);
		p = nl ? (size_t)(nl - buf) + 1 : hdr_end;
		if (p >= hdr_end || (buf[p] != ' ' && buf[p] != '\t'))
			break;
	}
	f->end = p;
	f->val_end = p;
	if (f->val_end > f->val && buf[f->val_end - 1] == '\n')
		f->val_end--;
	if (f->val_end > f->val && buf[f->val_end - 1] == '\r')
		f->val_end--;
	*pos = p;
	return 1;
}

int header_is(const char *buf, const struct header_field *f, const char *name)
{
	return strlen(name) == f->name_len &&
	       !strncasecmp(buf + f->start, name, f->name_len);
}

/* Appends c to out, keeping room for the NUL. */
static int put(char *out, size_t size, size_t *n, char c)
{
	if (*n + 1 >= size)
		return -1;
	out[(*n)++] = c;
	return 0;
}

/* Skips a comment whose "(" was just read: s[*p..] up to its ")",
 * nested and with quoted pairs. Returns 0 or -1 when it is left open. */
static int skip_comment(const char *s, size_t len, size_t *p)
{
	size_t i = *p;
	int depth = 1;

	while (i < len && depth) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')')
			depth--;
		i++;
	}
	*p = i;
	return depth ? -1 : 0;
}

/* Copies a quoted string whose '"' was just read, quotes and quoted pairs
 * kept, line ends dropped. Returns 0 or -1 (left open, or out full). */
static int copy_quoted(const char *s, size_t len, size_t *p, char *out,
		       size_t size, size_t *n)
{
	size_t i = *p;

	if (put(out, size, n, '"') < 0)
		return -1;
	while (i < len && s[i] != '"') {
		if (s[i] == '\\' && i + 1 < len && put(out, size, n, s[i++]) < 0)
			return -1;
		if (s[i] != '\r' && s[i] != '\n' && put(out, size, n, s[i]) < 0)
			return -1;
		i++;
	}
	if (i >= len || put(out, size, n, '"') < 0)
		return -1;
	*p = i + 1;
	return 0;
}

int header_addr_next(const char *s, size_t len, size_t *pos, char *out,
		     size_t size)
{
	size_t p = *pos, n = 0, angle_n = 0;
	int angle = 0, had_angle = 0;

	while (p <= len) {
		char c = p < len ? s[p] : ',';
		p++;
		if (c == '(') {               /* comment, nested */
			if (skip_comment(s, len, &p) < 0)
				return -1;
			continue;
		}
		if (c == '"') {               /* quoted string, kept */
			if (copy_quoted(s, len, &p, out, size, &n) < 0)
				return -1;
			continue;
		}
		if (c == '<' && !angle) {     /* the address proper */
			angle = had_angle = 1;
			n = 0;
			continue;
		}
		if (c == '>' && angle) {
			angle = 0;
			angle_n = n;
			continue;
		}
		if (c == ':' && !angle) {     /* a group's display name */
			n = 0;
			continue;
		}
		if (c == ':' && angle) {      /* an obsolete source route */
			n = 0;
			continue;
		}
		if ((c == ',' || c == ';') && !angle) {
			if (had_angle)
				n = angle_n;
			if (n == 0) {         /* an empty entry */
				if (p > len)
					break;
				had_angle = 0;
				continue;
			}
			out[n] = 0;
			*pos = p > len ? len : p;
			return 1;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (had_angle && !angle)      /* text after <...>: ignored */
			continue;
		if (put(out, size, &n, c) < 0)
			return -1;
	}
	if (angle)
		return -1;
	*pos = len;
	return 0;
}
