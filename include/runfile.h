/* runfile.h: smtprcd's run file, pure (man/smtprcd.8).
 *
 * Either directives, one a line (blank lines and '#' comments skipped):
 *   program /usr/sbin/smtprc     the program to run (exactly once)
 *   argument smtprc              its argv[0], then its options, in order
 *   argument /TRIGGER:\SEM32\IU\SMTP\PD
 *   chdir /var/spool/smtprc      where it runs (default: the queue)
 * or a script or program of its own ("#!" or ELF at its start), run with
 * its own path as argv[0]. Either way smtprcd appends the domain and the
 * recipient lists. Values run to the line end and are cut in place.
 */
#ifndef RUNFILE_H
#define RUNFILE_H

#include <stddef.h>
#include "config.h"

struct runfile {
	const char *program;
	const char *argv[RUNFILE_ARGS_MAX]; /* without the domain and lists */
	unsigned arg_line[RUNFILE_ARGS_MAX]; /* the line of each argument */
	size_t argc;
	const char *chdir;                  /* or NULL */
	int executable;                     /* the file itself is run */
	unsigned err_line;                  /* after a failure */
	const char *err;
};

/* Parses buf[0..len) (writes NUL bytes into it, buf[len] too: one byte
 * more is needed, as for conf_next); path is the file's own name, used
 * for an executable file. Returns 0 or -1 with err and err_line set. */
int runfile_parse(struct runfile *r, char *buf, size_t len, const char *path);

#endif
