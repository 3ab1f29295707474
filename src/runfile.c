/* runfile.c: see runfile.h. */
#include <string.h>
#include "runfile.h"

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int runfile_parse(struct runfile *r, char *buf, size_t len, const char *path)
{
	size_t pos = 0;

	memset(r, 0, sizeof *r);
	if ((len >= 2 && buf[0] == '#' && buf[1] == '!') ||
	    (len >= 4 && !memcmp(buf, "\177ELF", 4))) {
		r->executable = 1;
		r->program = path;
		r->argv[r->argc++] = path;
		return 0;
	}
	while (pos < len) {
		char *s = buf + pos, *e = memchr(s, '\n', len - pos), *k, *v;
		size_t n = e ? (size_t)(e - s) : len - pos;
		pos += n + (e ? 1 : 0);
		r->err_line++;
		e = s + n;
		while (s < e && blank(*s))
			s++;
		while (e > s && blank(e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		if (memchr(s, 0, (size_t)(e - s))) {
			r->err = "a NUL byte";
			return -1;
		}
		k = s;
		while (s < e && !blank(*s))
			s++;
		v = s;
		if (s < e) {
			*s++ = 0;
			while (s < e && blank(*s))
				s++;
			v = s;
		}
		*e = 0;
		if (!strcmp(k, "program")) {
			if (r->program) {
				r->err = "a second program line";
				return -1;
			}
			if (!*v) {
				r->err = "program needs a path";
				return -1;
			}
			r->program = v;
		} else if (!strcmp(k, "argument")) {
			if (r->argc == RUNFILE_ARGS_MAX) {
				r->err = "more argument lines than RUNFILE_ARGS_MAX";
				return -1;
			}
			r->argv[r->argc++] = v;   /* may be empty */
		} else if (!strcmp(k, "chdir")) {
			if (!*v) {
				r->err = "chdir needs a directory";
				return -1;
			}
			r->chdir = v;
		} else {
			r->err = "not program, argument or chdir";
			return -1;
		}
	}
	if (!r->program) {
		r->err = "no program line";
		return -1;
	}
	if (!r->argc)
		r->argv[r->argc++] = r->program;
	r->err_line = 0;
	return 0;
}
