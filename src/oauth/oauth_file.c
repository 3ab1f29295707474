/* oauth_file.c: the token file read, checked and written back whole.
 * See oauth.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "addr.h"
#include "conf.h"
#include "err.h"
#include "fmt.h"
#include "oauth.h"
#include "readfile.h"
#include "smtp_ehlo.h"

/* The keys, in the order oauth_store writes them. */
enum { K_TARGET, K_USER, K_MECH, K_TOKEN_URL, K_DEVICE_URL, K_CLIENT_ID,
       K_CLIENT_SECRET, K_SCOPE, K_REFRESH, K_ACCESS, K_EXPIRES, K_COUNT };
static const char *const keys[K_COUNT] = {
	"target", "user", "mechanism", "token-endpoint", "device-endpoint",
	"client-id", "client-secret", "scope", "refresh-token",
	"access-token", "access-expires",
};

/* Where key k's text is kept (0 for those kept otherwise). */
static const char **slot(struct oauth *o, int k)
{
	const char **s[K_COUNT] = {
		&o->target, &o->user, 0, &o->token_url, &o->device_url,
		&o->client_id, &o->client_secret, &o->scope, &o->refresh,
		&o->access, 0,
	};
	return s[k];
}

/* Key k's text as the file has it (not the mechanism or expiry). */
static const char *text_of(const struct oauth *o, int k)
{
	const char *const s[K_COUNT] = {
		o->target, o->user, 0, o->token_url, o->device_url,
		o->client_id, o->client_secret, o->scope, o->refresh,
		o->access, 0,
	};
	return s[k];
}

static int parse_value(struct oauth *o, int k, const char *v,
		       const char **why)
{
	long long e = 0;
	const char *p;

	if (k == K_MECH) {
		o->mech = !strcmp(v, "xoauth2") ? SMTP_AUTH_XOAUTH2
			  : !strcmp(v, "oauthbearer") ? SMTP_AUTH_OAUTHBEARER : 0;
		if (!o->mech)
			*why = "mechanism is xoauth2 or oauthbearer";
		return o->mech ? 0 : -1;
	}
	if (k == K_EXPIRES) {
		for (p = v; *p >= '0' && *p <= '9' && p - v < 18; p++)
			e = e * 10 + (*p - '0');
		if (*p || p == v) {
			*why = "access-expires is a Unix time in seconds";
			return -1;
		}
		o->expires = e;
		return 0;
	}
	if ((k == K_USER && strlen(v) > SMTP_AUTH_FIELD_MAX) ||
	    (k == K_ACCESS && strlen(v) > SMTP_OAUTH_TOKEN_MAX) ||
	    (k == K_REFRESH && strlen(v) > OAUTH_REFRESH_MAX)) {
		*why = "a user or token longer than its capacity "
		       "(SMTP_AUTH_FIELD_MAX, SMTP_OAUTH_TOKEN_MAX, OAUTH_REFRESH_MAX)";
		return -1;
	}
	if (k == K_TOKEN_URL && http_url_parse(v, &o->token_at, why) < 0)
		return -1;
	if (k == K_DEVICE_URL && http_url_parse(v, &o->device_at, why) < 0)
		return -1;
	*slot(o, k) = v;
	return 0;
}

int oauth_parse(struct oauth *o, const char *buf, size_t len,
		const char **why, unsigned *line)
{
	struct conf_line l;
	unsigned seen = 0;
	size_t pos = 0;
	int rc, k;

	memset(o, 0, sizeof *o - sizeof o->buf);
	*line = 0;
	if (len > OAUTH_FILE_SIZE) {
		*why = "the token file is larger than OAUTH_FILE_SIZE";
		return -1;
	}
	memcpy(o->buf, buf, len);
	o->mech = SMTP_AUTH_XOAUTH2;
	l.line = 0;
	while ((rc = conf_next(o->buf, len, &pos, &l, why)) > 0) {
		*line = l.line;
		for (k = 0; k < K_COUNT && strcmp(l.key, keys[k]); k++)
			;
		if (k == K_COUNT) {
			*why = "an unknown key";
			return -1;
		}
		if (seen & 1u << k) {
			*why = "a key given twice";
			return -1;
		}
		seen |= 1u << k;
		if (!*l.val) {
			*why = "a key without its value";
			return -1;
		}
		if (parse_value(o, k, l.val, why) < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	*line = 0;
	if (!o->target || !o->user || !o->token_url || !o->client_id) {
		*why = "target, user, token-endpoint and client-id are needed";
		return -1;
	}
	return 0;
}

int oauth_load(struct oauth *o, const char *path, char *why, size_t whysize)
{
	static char text[OAUTH_FILE_SIZE + 1];
	struct stat st;
	const char *bad;
	unsigned line;
	long len;

	st.st_mode = 0;
	len = readfile_at(AT_FDCWD, path, text, sizeof text, &st);
	bad = len == READFILE_TOO_BIG ? "larger than OAUTH_FILE_SIZE"
	      : len < 0 ? err_errno(errno)
	      : st.st_mode & 077 ? "readable or writable by group or others "
				   "(chmod 600)"
	      : st.st_uid != geteuid() ? "owned by another user (it must be "
					 "the user smtprc runs as: smtprc "
					 "writes tokens back)" : 0;
	if (bad) {
		fmt_into(why, whysize, "oauth-file %s: %s", path, bad);
		return -1;
	}
	if (oauth_parse(o, text, (size_t)len, &bad, &line) < 0) {
		if (line)
			fmt_into(why, whysize, "oauth-file %s line %u: %s", path,
				 line, bad);
		else
			fmt_into(why, whysize, "oauth-file %s: %s", path, bad);
		return -1;
	}
	return 0;
}

/* Writes the lines of o, with the tokens of a, to fd. */
static int write_lines(int fd, const struct oauth *o,
		       const struct oauth_answer *a, long long expires)
{
	static char out[OAUTH_FILE_SIZE + 512];
	const char *v;
	size_t n;
	int k, w;

	n = (size_t)fmt_into(out, sizeof out, "# written by smtprc: settings "
			     "kept, tokens replaced (oauth.h)\n");
	for (k = 0; k < K_COUNT; k++) {
		char num[24];
		v = k == K_MECH ? (o->mech == SMTP_AUTH_OAUTHBEARER ? "oauthbearer"
				   : "xoauth2")
		    : k == K_ACCESS ? a->access
		    : k == K_REFRESH ? (a->refresh[0] ? a->refresh : o->refresh)
		    : k == K_EXPIRES ? (fmt_into(num, sizeof num, "%lld", expires),
					num)
		    : text_of(o, k);
		if (!v || !*v)
			continue;
		w = fmt_into(out + n, sizeof out - n, "%s %s\n", keys[k], v);
		if (w < 0 || (size_t)w >= sizeof out - n)
			return -1;
		n += (size_t)w;
	}
	return write(fd, out, n) == (ssize_t)n ? 0 : -1;
}

int oauth_store(const struct oauth *o, const char *path,
		const struct oauth_answer *a, long long now, char *why,
		size_t whysize)
{
	static char tmp[4096], dir[4096];   /* off the stack: PATH_MAX each */
	const char *slash = strrchr(path, '/');
	int fd, dfd, rc;

	if (fmt_into(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		fmt_into(why, whysize, "oauth-file %s: path too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	rc = fd < 0 ? -1 : write_lines(fd, o, a, now && a->expires_in >= 0
				       ? now + a->expires_in : 0);
	if (rc == 0)
		rc = fsync(fd);
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc < 0) {
		fmt_into(why, whysize, "oauth-file %s: cannot write it anew "
			 "(%s): the old one is kept", path, err_errno(errno));
		if (fd >= 0)
			unlink(tmp);
		return -1;
	}
	fmt_into(dir, sizeof dir, "%.*s", slash ? (int)(slash - path + 1) : 1,
		 slash ? path : ".");
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}
