/* opt.h: command line options in both of the suite's forms, pure.
 *
 *   /NAME  /NAME+  /NAME-  /NAME:value  /NAME value   (names ignore case)
 *   --name  --no-name  --name=value  --name value     (long names exact)
 *   /?  --help       usage; with /?, everything after it is ignored
 *   --               ends the options
 * Options end at the first argument that is not one; everything after
 * that is positional, even when it starts with '/'. An argument whose
 * name part (before + - :) holds a '/' is a path, not an option:
 * "/var/spool/run" is positional, "/TRIGGER:/run/x" an option.
 */
#ifndef OPT_H
#define OPT_H

enum opt_type { OPT_BOOL, OPT_STR };

/* An option is declared once, in its program's table: the command line
 * and the configuration file (conf.h, whose known keys are every
 * program's long names but the OPT_CMDLINE ones) read the same table. */
struct opt_def {
	int id;             /* the program's name for the option */
	enum opt_type type;
	const char *slash;  /* name in the /NAME form, or NULL */
	const char *lng;    /* name in the --name form, or NULL */
	int cmdline;        /* OPT_CMDLINE: never a configuration key */
};
#define OPT_CMDLINE 1

struct opt_hit;

/* A program's whole table, and how it takes a value: apply(ctx, hit)
 * returns 0 or a static reason. Every program checks the whole
 * configuration file through every program's table (conf.h). */
struct opt_table {
	const struct opt_def *defs;
	int n;
	const char *(*apply)(void *ctx, const struct opt_hit *h);
	void *ctx;
};

struct opt_hit {
	int id;
	int on;            /* OPT_BOOL: 1 or 0 */
	const char *val;   /* OPT_STR: the value */
};

/* The id opt_next reports for /? and --help. */
#define OPT_HELP (-1)

/* Looks at argv[*i]. Returns 1 with h filled and *i advanced past the
 * option (and its value); 0 at the first positional argument (*i left on
 * it, or at argc); -1 on a malformed or unknown option, with *why set to a
 * static sentence (the offending argument is argv[*i]). */
int opt_next(const struct opt_def *defs, int ndefs, int argc,
	     char *const *argv, int *i, struct opt_hit *h, const char **why);

/* Parses a decimal number 0..max. Returns 1 when valid. */
int opt_number(const char *s, unsigned long max, unsigned long *v);

#endif
