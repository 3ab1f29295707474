/* aliases.c: see aliases.h. */
#include <string.h>
#include "addr.h"
#include "aliases.h"

/* The entry of line p (not a comment, blank or continuation): its name
 * p[0..*nlen) and its targets' text from *val to *vend, continuation
 * lines included (their line ends are blanks like commas). Returns the
 * start of the next entry's search, or 0 when p is no entry. */
static const char *entry(const char *p, const char *end, size_t *nlen,
			 const char **val, const char **vend)
{
	const char *colon, *nl = memchr(p, '\n', (size_t)(end - p));
	const char *stop = nl ? nl : end;

	if (p == stop || *p == '#' || *p == ' ' || *p == '\t' || *p == '\r')
		return 0;
	colon = memchr(p, ':', (size_t)(stop - p));
	if (!colon)
		return 0;
	*nlen = (size_t)(colon - p);
	*val = colon + 1;
	while (nl && nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t'))
		nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
	*vend = nl ? nl : end;
	return *vend;
}

/* The next target in [*p, end): its start and length; 0 at the end. */
static int target(const char **p, const char *end, const char **t, size_t *n)
{
	const char *s = *p;
	int q = 0;

	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ||
			   *s == ','))
		s++;
	if (s == end)
		return 0;
	*t = s;
	for (; s < end; s++) {
		if (*s == '"')
			q = !q;
		else if (!q && (*s == ',' || *s == '\n' || *s == '\r'))
			break;
	}
	*n = (size_t)(s - *t);
	while (*n && ((*t)[*n - 1] == ' ' || (*t)[*n - 1] == '\t'))
		(*n)--;
	*p = s;
	return 1;
}

/* The entry named name[0..n): its targets' text, or 0. */
static const char *find(const char *buf, size_t len, const char *name,
			size_t n, const char **vend)
{
	const char *p = buf, *end = buf + len, *val;
	size_t nlen;

	while (p < end) {
		const char *next = entry(p, end, &nlen, &val, vend);
		const char *nl;
		if (next && addr_eq_nocase(p, nlen, name, n))
			return val;
		nl = memchr(next ? next : p, '\n', (size_t)(end - (next ? next : p)));
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int aliases_expand(const char *buf, size_t len, const char *name, size_t n,
		   void (*out)(const char *addr, size_t alen, void *ctx),
		   void *ctx)
{
	/* The names being expanded, outermost first: each one's targets
	 * still to go (a stack, not recursion: its depth is bounded). */
	struct { const char *p, *end; } st[ALIAS_DEPTH_MAX];
	const char *vend, *val = find(buf, len, name, n, &vend), *t;
	size_t tn;
	int depth = 1, count = 0;

	if (!val)
		return 0;
	st[0].p = val;
	st[0].end = vend;
	while (depth) {
		if (!target(&st[depth - 1].p, st[depth - 1].end, &t, &tn)) {
			depth--;
			continue;
		}
		/* A name of this file is expanded in turn; an address, or
		 * a name the file does not know, is a target. */
		if (!memchr(t, '@', tn) && (val = find(buf, len, t, tn, &vend))) {
			if (depth == ALIAS_DEPTH_MAX)
				return -1;
			st[depth].p = val;
			st[depth].end = vend;
			depth++;
			continue;
		}
		out(t, tn, ctx);
		count++;
	}
	return count;
}

/* A name: atext and dots (a local part without quotes). */
static int name_ok(const char *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!(p[i] == '.' || p[i] == '-' || p[i] == '_' || p[i] == '+' ||
		      (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= '0' && p[i] <= '9')))
			return 0;
	return n > 0;
}

int aliases_check(const char *buf, size_t len, unsigned *line,
		  const char **why)
{
	const char *p = buf, *end = buf + len, *val, *vend, *t;
	size_t nlen, tn;

	*line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		(*line)++;
		if (p < stop && *p != '#' && *p != ' ' && *p != '\t' && *p != '\r') {
			if (!entry(p, end, &nlen, &val, &vend) ||
			    !name_ok(p, nlen)) {
				*why = "not \"name: target, ...\" (a local part, a "
				       "colon, addresses or names)";
				return -1;
			}
			if (!target(&val, vend, &t, &tn)) {
				*why = "a name without targets";
				return -1;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}
