/* json.c: see json.h. One pass over the document with an explicit stack
 * of the open containers (no recursion: the depth is JSON_DEPTH_MAX
 * bytes of stack, whatever the input). */
#include <string.h>
#include "config.h"
#include "json.h"
#include "utf8.h"

struct scan {
	const char *p, *end;
	const char *why;        /* the first error, a static sentence */
};

static int fail(struct scan *s, const char *why)
{
	if (!s->why)
		s->why = why;
	return -1;
}

static void skip_space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
				 *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static long hex4(const char *p, const char *end)
{
	long v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/* The code point of the \u escape at s->p (just past the backslash and
 * the 'u'), a surrogate pair joined; s->p moves past it. -1: malformed. */
static long unicode_escape(struct scan *s)
{
	long hi = hex4(s->p, s->end), lo;

	if (hi < 0)
		return fail(s, "a \\u escape without four hex digits");
	s->p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(s, "a lone low surrogate in a \\u escape");
	if (hi < 0xd800 || hi > 0xdbff)
		return hi ? hi : fail(s, "a NUL (\\u0000) in a string");
	if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
	    (lo = hex4(s->p + 2, s->end)) < 0xdc00 || lo > 0xdfff)
		return fail(s, "a high surrogate without its low half");
	s->p += 6;
	return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
}

static size_t put_utf8(unsigned long cp, char *u)
{
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | cp >> 18);
	u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One character of a string at s->p (not its closing quote), decoded into
 * u; s->p moves past it. Returns its length in u, or 0 when malformed. */
static size_t string_char(struct scan *s, char *u)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned char c = (unsigned char)*s->p;
	unsigned long cp;
	const char *e;
	size_t n;
	long v;

	if (c < 0x20) {
		fail(s, "a control character in a string");
		return 0;
	}
	if (c != '\\') {
		n = utf8_char((const unsigned char *)s->p,
			      (size_t)(s->end - s->p), &cp);
		if (!n) {
			fail(s, "a string that is not UTF-8");
			return 0;
		}
		memcpy(u, s->p, n);
		s->p += n;
		return n;
	}
	if (++s->p == s->end)
		return 0;
	c = (unsigned char)*s->p++;
	if (c == 'u')
		return (v = unicode_escape(s)) < 0 ? 0 : put_utf8((unsigned long)v, u);
	if (!c || !(e = strchr(from, c))) {
		fail(s, "an unknown escape in a string");
		return 0;
	}
	u[0] = to[e - from];
	return 1;
}

/* The string at s->p (its opening quote), decoded into out when out is
 * not 0 (as much as fits size); *n: its decoded length. Returns 0 or -1. */
static int string(struct scan *s, char *out, size_t size, size_t *n)
{
	size_t k = 0, ul;
	char u[4];

	for (s->p++;; k += ul) {
		if (s->p >= s->end)
			return fail(s, "a string is not closed");
		if (*s->p == '"')
			break;
		if (!(ul = string_char(s, u)))
			return fail(s, "a string is not closed");
		if (out && k + ul < size)
			memcpy(out + k, u, ul);
	}
	s->p++;
	*n = k;
	return 0;
}

static int digits(struct scan *s)
{
	const char *b = s->p;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > b;
}

/* A number or a literal at s->p: its JSON_* type, or -1. */
static int scalar(struct scan *s)
{
	static const char *const lit[] = { "true", "false", "null" };
	int i;

	for (i = 0; i < 3; i++) {
		size_t l = strlen(lit[i]);
		if ((size_t)(s->end - s->p) >= l && !memcmp(s->p, lit[i], l)) {
			s->p += l;
			return JSON_TRUE + i;
		}
	}
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (!digits(s))
		return fail(s, "a value that is not JSON");
	if (s->p < s->end && *s->p == '.' && (s->p++, !digits(s)))
		return fail(s, "a number with no digit after its point");
	if (s->p < s->end && (*s->p | 0x20) == 'e') {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!digits(s))
			return fail(s, "a number with no digit in its exponent");
	}
	return JSON_NUMBER;
}

/* What the scanner expects next. */
enum { FIRST_KEY, KEY, FIRST_VALUE, VALUE, AFTER };

struct lookup {
	const char *key;
	size_t klen;
	char *out;
	size_t size;
	int want;          /* the value being read is the one looked up */
	int type;          /* found: its type; else JSON_ABSENT */
	const char *start; /* a wanted object's or array's first byte */
	int start_depth;   /* and its depth once open */
};

/* Keeps the wanted value's text [b, e) in out. */
static int keep(struct scan *s, struct lookup *l, const char *b,
		const char *e)
{
	if ((size_t)(e - b) >= l->size)
		return l->out ? fail(s, "a value longer than its buffer") : 0;
	memcpy(l->out, b, (size_t)(e - b));
	l->out[e - b] = 0;
	return 0;
}

/* A member's name at s->p and its colon. */
static int member_name(struct scan *s, struct lookup *l, int depth)
{
	char name[64];
	size_t n;

	if (s->p >= s->end || *s->p != '"')
		return fail(s, "an object member without a quoted name");
	if (string(s, name, sizeof name, &n) < 0)
		return -1;
	l->want = depth == 1 && n == l->klen && n < sizeof name &&
		  !memcmp(name, l->key, n);
	if (l->want && l->type)
		return fail(s, "the key appears twice");
	skip_space(s);
	if (s->p >= s->end || *s->p != ':')
		return fail(s, "an object member without a colon");
	s->p++;
	return 0;
}

/* A value's first byte at s->p: opens a container (returns 1) or reads a
 * string or scalar whole (returns 0), or -1. */
static int value(struct scan *s, struct lookup *l, int depth)
{
	const char *b = s->p;
	size_t n;
	int t;

	if (s->p >= s->end)
		return fail(s, "the document ends where a value should be");
	if (*s->p == '{' || *s->p == '[') {
		if (l->want) {
			l->start = s->p;
			l->start_depth = depth + 1;
		}
		return 1;
	}
	if (*s->p == '"') {
		if (string(s, l->want ? l->out : 0, l->size, &n) < 0)
			return -1;
		t = JSON_STRING;
		if (l->want && l->out) {
			if (n >= l->size)
				return fail(s, "a value longer than its buffer");
			l->out[n] = 0;
		}
	} else if ((t = scalar(s)) < 0 || (l->want && keep(s, l, b, s->p) < 0)) {
		return -1;
	}
	if (l->want)
		l->type = t;
	l->want = 0;
	return 0;
}

static int scan_doc(struct scan *s, struct lookup *l)
{
	char open[JSON_DEPTH_MAX];
	int depth = 0, state = VALUE, r;

	for (;;) {
		skip_space(s);
		if (state == AFTER && !depth)
			return s->p == s->end ? 0 : fail(s, "bytes after the document");
		if (s->p >= s->end)
			return fail(s, "the document ends inside an object or array");
		if ((state == FIRST_KEY && *s->p == '}') ||
		    (state == FIRST_VALUE && *s->p == ']') ||
		    (state == AFTER && (*s->p == '}' || *s->p == ']'))) {
			if (*s->p != (open[depth - 1] == '{' ? '}' : ']'))
				return fail(s, "a bracket closes what it did not open");
			s->p++;
			if (l->start && depth == l->start_depth) {
				l->type = *l->start == '{' ? JSON_OBJECT : JSON_ARRAY;
				if (keep(s, l, l->start, s->p) < 0)
					return -1;
				l->start = 0;
			}
			depth--;
			state = AFTER;
			continue;
		}
		if (state == AFTER) {
			if (*s->p++ != ',')
				return fail(s, "values not separated by a comma");
			state = open[depth - 1] == '{' ? KEY : VALUE;
			continue;
		}
		if (state == FIRST_KEY || state == KEY) {
			if (member_name(s, l, depth) < 0)
				return -1;
			state = VALUE;
			continue;
		}
		if (!depth && *s->p != '{')
			return fail(s, "the document is not an object");
		if ((r = value(s, l, depth)) < 0)
			return -1;
		state = AFTER;
		if (r) {
			if (depth == JSON_DEPTH_MAX)
				return fail(s, "objects or arrays nested too deep");
			open[depth++] = *s->p;
			state = *s->p++ == '{' ? FIRST_KEY : FIRST_VALUE;
			l->want = 0;
		}
	}
}

int json_get(const char *doc, size_t len, const char *key, char *out,
	     size_t size, const char **why)
{
	struct scan s = { doc, doc + len, 0 };
	struct lookup l;

	memset(&l, 0, sizeof l);
	l.key = key;
	l.klen = strlen(key);
	l.out = out;
	l.size = out ? size : 0;
	if (out && size)
		out[0] = 0;
	if (scan_doc(&s, &l) < 0) {
		*why = s.why;
		if (out && size)
			out[0] = 0;
		return -1;
	}
	return l.type;
}

int json_get_uint(const char *doc, size_t len, const char *key,
		  long long *val, const char **why)
{
	char num[24];
	int t = json_get(doc, len, key, num, sizeof num, why);
	long long v = 0;
	size_t i;

	if (t < 0) {
		if (*why && !strcmp(*why, "a value longer than its buffer"))
			*why = "a number too large";
		return -1;
	}
	if (t != JSON_NUMBER) {
		*why = t ? "a value that is not a number" : "absent";
		return -1;
	}
	for (i = 0; num[i] >= '0' && num[i] <= '9'; i++)
		v = v * 10 + (num[i] - '0');
	if (num[i] || i > 18) {
		*why = num[0] == '-' ? "a negative number"
		       : num[i] ? "a number that is not whole" : "a number too large";
		return -1;
	}
	*val = v;
	return 0;
}
