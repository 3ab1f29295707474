/* runfile.c: see runfile.h. */
#include <string.h>
#include "conf.h"
#include "runfile.h"

int runfile_parse(struct runfile *r, char *buf, size_t len, const char *path)
{
	struct conf_line l;
	size_t pos = 0;
	int rc;

	memset(r, 0, sizeof *r);
	if ((len >= 2 && buf[0] == '#' && buf[1] == '!') ||
	    (len >= 4 && !memcmp(buf, "\177ELF", 4))) {
		r->executable = 1;
		r->program = path;
		r->argv[r->argc++] = path;
		return 0;
	}
	l.line = 0;
	while ((rc = conf_next(buf, len, &pos, &l, &r->err)) > 0) {
		const char *k = l.key, *v = l.val;
		r->err_line = l.line;
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
			r->arg_line[r->argc] = r->err_line;
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
	if (rc < 0) {
		r->err_line = l.line;
		return -1;
	}
	if (!r->program) {
		r->err_line = 0;
		r->err = "no program line";
		return -1;
	}
	if (!r->argc)
		r->argv[r->argc++] = r->program;
	r->err_line = 0;
	return 0;
}
