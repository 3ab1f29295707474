/* conf.c: see conf.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
#include "fmt.h"
#include "readfile.h"
#include "err.h"
#include "programs.h"
#include "rcptlist.h"

/* The known keys: every program's long options but the command-line
 * ones (opt.h), read from the programs' own tables. */
static const struct opt_table *const tables[] = {
	&smtprc_opt_table, &smtprcd_opt_table, &smtppd_opt_table,
	&sendmail_opt_table, &mailq_opt_table,
};

int conf_key_known(const char *key)
{
	size_t t;
	int i;

	for (t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (i = 0; i < tables[t]->n; i++) {
			const struct opt_def *d = &tables[t]->defs[i];
			if (d->lng && !d->cmdline && !strcmp(key, d->lng))
				return 1;
		}
	return 0;
}

/* The caller's choice: --config, else $SMTPRC_CONF, else NULL. */
static const char *asked_path(int argc, char *const *argv)
{
	const char *env = getenv("SMTPRC_CONF");
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			break;
		if (!strncmp(a, "--config=", 9))
			return a + 9;
		if (!strcmp(a, "--config") && i + 1 < argc)
			return argv[i + 1];
	}
	return env && *env ? env : 0;
}

const char *conf_path(int argc, char *const *argv, int *given)
{
	const char *p = asked_path(argc, argv);

	/* Run with more privilege than its caller (sendmail set-group-ID
	 * for the drop into maildrop/): the caller chooses neither the file
	 * nor, through it, the queue and the FIFOs. */
	if (p && getuid() != 0 &&
	    (getuid() != geteuid() || getgid() != getegid())) {
		static int said;
		if (!said++)
			err_warn(0, "--config, -C and $SMTPRC_CONF are ignored: "
				 "this program runs with more privilege than its "
				 "caller; %s is read", CONF_DEFAULT_PATH);
		p = 0;
	}
	*given = p != 0;
	return p ? p : CONF_DEFAULT_PATH;
}

static int boolean(const char *v, int *on)
{
	static const char *const yes[] = { "yes", "on", "1", "+" };
	static const char *const no[] = { "no", "off", "0", "-" };
	size_t i;
	for (i = 0; i < 4; i++) {
		if (!strcmp(v, yes[i])) { *on = 1; return 1; }
		if (!strcmp(v, no[i])) { *on = 0; return 1; }
	}
	return 0;
}

/* A word of at most 32 lower-case letters, digits and '-'. */
static int key_like(const char *k)
{
	size_t n = strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789-");
	return n && n <= 32 && !k[n];
}

int conf_foreign_lenient;

/* Applies line l through the table (defs, apply, ctx) that has its key.
 * Returns 0 when taken, 1 when the table has no such key, or -1 with
 * *why. */
static int take(const struct conf_line *l, const struct opt_def *defs,
		int ndefs, const char *(*apply)(void *, const struct opt_hit *),
		void *ctx, const char **why)
{
	struct opt_hit h;
	int k;

	for (k = 0; k < ndefs; k++)
		if (defs[k].lng && !defs[k].cmdline && !strcmp(defs[k].lng, l->key))
			break;
	if (k == ndefs)
		return 1;
	h.id = defs[k].id;
	h.on = 0;
	h.val = l->val;
	if (defs[k].type == OPT_BOOL && !boolean(l->val, &h.on)) {
		*why = "a switch is yes or no";
		return -1;
	}
	*why = apply(ctx, &h);
	return *why ? -1 : 0;
}

/* Another program's key: checked by that program's own table, so that a
 * mistake shows in whichever program reads the file first. */
static int take_foreign(const struct conf_line *l, const char **why)
{
	size_t t;

	for (t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		int rc = take(l, tables[t]->defs, tables[t]->n, tables[t]->apply,
			      tables[t]->ctx, why);
		if (rc <= 0)
			return rc;
	}
	*why = "unknown key";
	return -1;
}

static void report(const char *path, const struct conf_line *l, int rc,
		   const char *why, int fatal)
{
	char key[40];

	/* The key is named only when it looks like one: a file that is no
	 * configuration at all (a caller's -C /etc/shadow) is never echoed. */
	char line[600];

	fmt_into(key, sizeof key, "%s: ", rc > 0 && key_like(l->key) ? l->key : "");
	fmt_into(line, sizeof line, "configuration %s: %s:%u: %s%s%s",
		 fatal ? "error" : "warning", path, l->line, key[2] ? key : "",
		 why, fatal ? "" : " (not sendmail's: mail is still accepted; "
		 "the daemons refuse to start)");
	err_line(fatal ? 3 : 4, line);
}

int conf_apply(const char *path, char *buf, size_t len,
	       const struct opt_def *defs, int ndefs,
	       const char *(*apply)(void *ctx, const struct opt_hit *h),
	       void *ctx)
{
	struct conf_line l;
	size_t pos = 0;
	const char *why;
	int rc, t;

	l.line = 0;
	while ((rc = conf_next(buf, len, &pos, &l, &why)) > 0) {
		if (!*l.val) {
			report(path, &l, rc, "a key without a value", 1);
			return -1;
		}
		t = take(&l, defs, ndefs, apply, ctx, &why);
		if (t < 0) {
			report(path, &l, rc, why, 1);
			return -1;
		}
		if (t > 0 && take_foreign(&l, &why) < 0) {
			report(path, &l, rc, why, !conf_foreign_lenient);
			if (!conf_foreign_lenient)
				return -1;
		}
	}
	if (rc == 0)
		return 0;
	report(path, &l, rc, why, 1);
	return -1;
}

int conf_load(int argc, char *const *argv, char *buf, size_t size,
	      const struct opt_def *defs, int ndefs,
	      const char *(*apply)(void *ctx, const struct opt_hit *h),
	      void *ctx, const char **path, int *given)
{
	int named;
	const char *p = conf_path(argc, argv, &named);
	long len = readfile_at(AT_FDCWD, p, buf, size, 0);

	if (path)
		*path = p;
	if (given)
		*given = named;
	if (len == READFILE_MISSING && !named)
		return 0;
	if (len < 0) {
		char line[600];
		fmt_into(line, sizeof line, "configuration error: %s: %s", p,
			 len == READFILE_TOO_BIG ? "larger than CONF_SIZE"
						 : err_errno(errno));
		err_line(3, line);
		return -1;
	}
	return conf_apply(p, buf, (size_t)len, defs, ndefs, apply, ctx);
}

char *conf_hostname(char *buf, size_t size)
{
	if (gethostname(buf, size - 1) < 0 ||
	    !addr_domain_valid(buf, strnlen(buf, size - 1))) {
		strcpy(buf, "localhost");
		return buf;
	}
	buf[size - 1] = 0;
	return buf;
}
