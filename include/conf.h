/* conf.h: the configuration file shared by every program (man/smtprc.conf.5).
 *
 *   # comment
 *   queue /var/spool/smtprc
 *   route example.com relay.isp.example:587
 *
 * One "key value" a line; the value is the rest of the line with blanks
 * around it removed. Every key is the long name of a program option
 * (--queue, --route, ...): the file gives defaults, the command line wins.
 * A key that no program knows is an error, so a typo never passes
 * silently; a key that another program uses is skipped.
 *
 * The file is read whole into the caller's buffer of CONF_SIZE bytes (a
 * larger file is an error); lines are cut in place, so values are C
 * strings that live as long as that buffer.
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include "opt.h"

/* Where the programs look when neither --config nor $SMTPRC_CONF says. */
#define CONF_DEFAULT_PATH "/etc/smtprc.conf"

/* The defaults every program shares, in one place. */
#define CONF_QUEUE_DEFAULT "/var/spool/smtprc"
#define CONF_SEMDIR_DEFAULT "/run/smtprc"
#define CONF_ALIASES_DEFAULT "/etc/smtprc.aliases"
#define CONF_PD_DEFAULT "\\SEM32\\IU\\SMTP\\PD"
#define CONF_RD_DEFAULT "\\SEM32\\IU\\SMTP\\RD"

/* This host's name for EHLO, bounces and the origin when the
 * configuration names none: gethostname(), or "localhost" when that is not
 * a valid domain. Writes buf (size > SMTP_DOMAIN_SIZE) and returns it. */
char *conf_hostname(char *buf, size_t size);

struct conf_line {
	char *key, *val;   /* NUL-terminated inside the buffer */
	unsigned line;     /* 1-based */
};

/* Takes the next non-comment line of buf[*pos..len); start with *pos
 * and l->line 0 and pass the same l each time. Returns 1 with l filled
 * (the value may be empty), 0 at the end, -1 when the line holds a NUL
 * byte (*why says, l->line says where). Writes NUL bytes into buf,
 * buf[len] included: the buffer must have that one byte more. Run files
 * (runfile.h) use the same line format. */
int conf_next(char *buf, size_t len, size_t *pos, struct conf_line *l,
	      const char **why);

/* Nonzero when some program of the suite takes key. */
int conf_key_known(const char *key);

/* Finds the configuration path: --config=PATH or --config PATH anywhere
 * among the options of argv, else $SMTPRC_CONF, else CONF_DEFAULT_PATH.
 * *given is set when the path was named (then it must exist). A program
 * running with more privilege than its caller (set-user-ID or
 * set-group-ID) reads CONF_DEFAULT_PATH only, with a warning when the
 * caller named another. */
const char *conf_path(int argc, char *const *argv, int *given);


/* Feeds every line of buf[0..len) whose key is one of defs' long names to
 * apply(ctx, hit), as if given as --key=value, and every other line to
 * the table of the program that has its key (opt.h), so that any program
 * finds any mistake in the file. Boolean keys take yes, no, on, off, 1,
 * 0, + or -. Returns 0, or -1 after reporting "configuration error:
 * PATH:LINE: key: why" (err.h: standard error, or syslog) for an unknown
 * key, a bad boolean, or an apply's refusal (apply returns 0 or a static
 * reason). With conf_foreign_lenient (sendmail) a mistake outside the
 * caller's own keys is reported as a warning and the rest is read. */
extern int conf_foreign_lenient;
int conf_apply(const char *path, char *buf, size_t len,
	       const struct opt_def *defs, int ndefs,
	       const char *(*apply)(void *ctx, const struct opt_hit *h),
	       void *ctx);

/* The whole sequence every program runs before its command line: finds
 * the file (conf_path), reads it into buf and applies it (conf_apply). A
 * missing default file is no error; a named one must exist. Returns 0, or
 * -1 after reporting on standard error (the caller exits 64). *path and
 * *given, when not NULL, receive what conf_path found. */
int conf_load(int argc, char *const *argv, char *buf, size_t size,
	      const struct opt_def *defs, int ndefs,
	      const char *(*apply)(void *ctx, const struct opt_hit *h),
	      void *ctx, const char **path, int *given);

#endif
