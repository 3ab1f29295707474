/* conf_line.c: the configuration line parser of conf.h (conf_next),
 * pure, so that the run-file parser and the fuzz harnesses use it without
 * the programs' option tables. */
#include <string.h>
#include "conf.h"

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int conf_next(char *buf, size_t len, size_t *pos, struct conf_line *l,
	      const char **why)
{
	while (*pos < len) {
		char *s = buf + *pos, *end = memchr(s, '\n', len - *pos), *k, *e;
		size_t n = end ? (size_t)(end - s) : len - *pos;

		*pos += n + (end ? 1 : 0);
		l->line++;
		e = s + n;
		while (s < e && blank(*s))
			s++;
		while (e > s && blank(e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		if (memchr(s, 0, (size_t)(e - s))) {
			*why = "a NUL byte";
			return -1;
		}
		k = s;
		while (s < e && !blank(*s))
			s++;
		if (s < e)
			*s++ = 0;
		while (s < e && blank(*s))
			s++;
		*e = 0;
		l->key = k;
		l->val = s;
		return 1;
	}
	return 0;
}
