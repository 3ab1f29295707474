/* conf.c: see conf.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
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
	if (p && (getuid() != geteuid() || getgid() != getegid())) {
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

int conf_apply(const char *path, char *buf, size_t len,
	       const struct opt_def *defs, int ndefs,
	       const char *(*apply)(void *ctx, const struct opt_hit *h),
	       void *ctx)
{
	struct conf_line l;
	size_t pos = 0;
	const char *why;
	int rc, k;

	l.line = 0;
	while ((rc = conf_next(buf, len, &pos, &l, &why)) > 0) {
		struct opt_hit h;
		if (!*l.val) {
			why = "a key without a value";
			goto bad;
		}
		if (!conf_key_known(l.key)) {
			why = "unknown key";
			goto bad;
		}
		for (k = 0; k < ndefs; k++)
			if (defs[k].lng && !strcmp(defs[k].lng, l.key))
				break;
		if (k == ndefs)
			continue;    /* another program's key */
		h.id = defs[k].id;
		h.on = 0;
		h.val = l.val;
		if (defs[k].type == OPT_BOOL && !boolean(l.val, &h.on)) {
			why = "a switch is yes or no";
			goto bad;
		}
		why = apply(ctx, &h);
		if (why)
			goto bad;
	}
	if (rc == 0)
		return 0;
bad:
	/* The key is named only when it looks like one: a file that is no
	 * configuration at all (a caller's -C /etc/shadow) is never echoed. */
	fprintf(stderr, "%s: configuration error: %s:%u: %s%s%s\n", err_prog,
		path, l.line, rc > 0 && key_like(l.key) ? l.key : "",
		rc > 0 && key_like(l.key) ? ": " : "", why);
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
		fprintf(stderr, "%s: configuration error: %s: %s\n", err_prog, p,
			len == READFILE_TOO_BIG ? "larger than CONF_SIZE" : strerror(errno));
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
