/* conf.c: see conf.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
#include "err.h"
#include "rcptlist.h"

/* Every key of the suite: the long options that make sense in a file.
 * (--config, --version and --help do not.) */
static const char *const known[] = {
	/* every program */
	"queue", "semaphore-dir", "pd-semaphore", "rd-semaphore", "helo-name",
	/* the daemons */
	"syslog",
	/* smtprc */
	"self", "resolver", "lifetime", "smtp-port", "route", "timeout-dns",
	"timeout-connect", "timeout-greeting", "timeout-helo", "timeout-mail",
	"timeout-rcpt", "timeout-data", "timeout-block", "timeout-dot",
	"timeout-quit", "srv-superdomains", "srv-self", "implicit",
	"ip6addr", "clientip", "clientport", "helo", "verbose", "tls",
	"tls-ca-file", "tls-implicit-port", "tls-policy", "tls-policy-file",
	"auth-file",
	/* smtppd */
	"local",
	/* smtprcd */
	"retry-first", "retry-max", "concurrency", "run-file", "stop-wait",
	/* sendmail */
	"origin", "max-message-size",
};

int conf_key_known(const char *key)
{
	size_t i;
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(key, known[i]))
			return 1;
	return 0;
}

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

const char *conf_path(int argc, char *const *argv, int *given)
{
	const char *env = getenv("SMTPRC_CONF");
	int i;

	*given = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			break;
		if (!strncmp(a, "--config=", 9))
			return a + 9;
		if (!strcmp(a, "--config") && i + 1 < argc)
			return argv[i + 1];
	}
	if (env && *env)
		return env;
	*given = 0;
	return CONF_DEFAULT_PATH;
}

long conf_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? -1 : -2;
	for (;;) {
		ssize_t n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = errno;
			close(fd);
			errno = (int)n;
			return -2;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == size) {
			close(fd);
			return -3;
		}
	}
	close(fd);
	return (long)len;
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
	fprintf(stderr, "%s: configuration error: %s:%u: %s%s%s\n", err_prog,
		path, l.line, rc > 0 ? l.key : "", rc > 0 ? ": " : "", why);
	return -1;
}

int conf_load(int argc, char *const *argv, char *buf, size_t size,
	      const struct opt_def *defs, int ndefs,
	      const char *(*apply)(void *ctx, const struct opt_hit *h),
	      void *ctx, const char **path, int *given)
{
	int named;
	const char *p = conf_path(argc, argv, &named);
	long len = conf_read(p, buf, size);

	if (path)
		*path = p;
	if (given)
		*given = named;
	if (len == -1 && !named)
		return 0;
	if (len < 0) {
		fprintf(stderr, "%s: configuration error: %s: %s\n", err_prog, p,
			len == -3 ? "larger than CONF_SIZE" : strerror(errno));
		return -1;
	}
	return conf_apply(p, buf, (size_t)len, defs, ndefs, apply, ctx);
}

char *conf_hostname(char *buf, size_t size)
{
	if (gethostname(buf, size - 1) < 0 ||
	    !rcptlist_domain_valid(buf, strnlen(buf, size - 1))) {
		strcpy(buf, "localhost");
		return buf;
	}
	buf[size - 1] = 0;
	return buf;
}
