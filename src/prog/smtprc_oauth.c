/* smtprc_oauth.c: see smtprc_oauth.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "addr.h"
#include "err.h"
#include "https.h"
#include "log.h"
#include "loop.h"
#include "oauth.h"
#include "smtprc_oauth.h"

/* The route's token file, as read last. */
static struct oauth tok;
/* The token endpoint's exchange: its addresses, the request's form, the
 * response, and the answer read from it. */
static struct locate_result addrs;
static char form[3 * OAUTH_REFRESH_MAX + 1024];
static char resp[HTTP_RESPONSE_SIZE];
static struct oauth_answer ans;

static void use(struct smtprc_conf *c)
{
	c->relay.auth_user = tok.user;
	c->relay.auth_pass = 0;
	c->relay.auth_token = tok.access;
	c->relay.auth_mech = tok.mech;
}

int smtprc_oauth_load(struct smtprc_conf *c, char *why, size_t whysize)
{
	if (!CONFIG_TLS) {   /* and the linker leaves all of it out */
		snprintf(why, whysize, "--oauth-file: OAuth 2.0 needs TLS, "
			 "which this build leaves out (CONFIG_TLS=0)");
		return -1;
	}
	if (oauth_load(&tok, c->oauth_file, why, whysize) < 0)
		return -1;
	if (!c->target || !addr_eq_nocase(tok.target, strlen(tok.target),
					  c->target, strlen(c->target)))
		return 0;
	c->oauth = 1;
	use(c);
	return 0;
}

/* The token endpoint asked for a new access token. Returns 0 with ans
 * filled, or -1 with why. */
static int refresh(struct smtprc_conf *c, const struct locate_req *lq,
		   char *why, size_t whysize)
{
	struct https_req q;
	struct http_response r;
	char w[SMTP_DIAG_SIZE];
	size_t n;
	int rc;

	if (oauth_form_refresh(&tok, form, sizeof form, &n) < 0) {
		snprintf(why, whysize, "OAuth 2.0: the refresh request does not "
			 "fit its buffer");
		return -1;
	}
	memset(&q, 0, sizeof q);
	q.url = &tok.token_at;
	q.accept = "application/json";
	q.form = form;
	q.formlen = n;
	q.where = lq;
	q.addrs = &addrs;
	q.deadline = loop_now_ms() + OAUTH_FETCH_TIMEOUT * 1000LL;
	rc = https_fetch(&q, resp, sizeof resp, &r, w, sizeof w);
	memset(form, 0, sizeof form);
	if (rc < 0) {
		snprintf(why, whysize, "OAuth 2.0 token refresh for %s failed: "
			 "%s", c->target, w);
		return -1;
	}
	rc = oauth_answer_parse(&r, &ans, w, sizeof w);
	memset(resp, 0, sizeof resp);
	if (rc != 0) {
		snprintf(why, whysize, "OAuth 2.0 token refresh for %s: %s%s%s",
			 c->target, w, rc == 1 && !strcmp(ans.error,
							  "invalid_grant")
			 ? "; sign in again: smtprc --oauth-login " : "",
			 rc == 1 && !strcmp(ans.error, "invalid_grant")
			 ? c->target : "");
		return -1;
	}
	return 0;
}

/* Stores ans in the file and reads it back (tok then holds the new
 * tokens); if it cannot be stored, the tokens are used for this run. */
static void keep(struct smtprc_conf *c, long long now)
{
	char why[SMTP_DIAG_SIZE];

	if (oauth_store(&tok, c->oauth_file, &ans, now, why, sizeof why) < 0 ||
	    oauth_load(&tok, c->oauth_file, why, sizeof why) < 0) {
		err_warn(0, "%s (this run goes on with the new token)", why);
		tok.access = ans.access;
		if (ans.refresh[0])
			tok.refresh = ans.refresh;
		tok.expires = 0;
	}
}

int smtprc_oauth_ready(struct smtprc_conf *c, const struct locate_req *lq,
		       int force, char *why, size_t whysize)
{
	long long now = (long long)time(0);
	int fd, set = now >= CLOCK_SET_MIN, rc;
	const char *refused = force ? c->relay.auth_token : 0;
	char old[SMTP_OAUTH_TOKEN_MAX + 1];

	if (!CONFIG_TLS)
		return -1;    /* never reached: smtprc_oauth_load refused */
	snprintf(old, sizeof old, "%s", refused ? refused : "");
	/* Another relay client (or --oauth-login) may be writing it: the
	 * lock, then the file as it is now. */
	fd = open(c->oauth_file, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		flock(fd, LOCK_EX);
	if (oauth_load(&tok, c->oauth_file, why, whysize) < 0) {
		rc = -1;
	} else if (tok.access && set && tok.expires > now + OAUTH_EARLY &&
		   (!force || strcmp(tok.access, old))) {
		rc = 0;       /* fresh, and not the one refused */
	} else if (!tok.refresh) {
		snprintf(why, whysize, "OAuth 2.0: %s has no refresh token: "
			 "sign in first: smtprc --oauth-login %s",
			 c->oauth_file, c->target);
		rc = -1;
	} else if ((rc = refresh(c, lq, why, whysize)) == 0) {
		keep(c, set ? now : 0);
		if (log_verbose)
			log_line("%s: OAuth 2.0 access token refreshed at %s%s",
				 c->target, tok.token_at.host, ans.refresh[0]
				 ? " (a new refresh token stored)" : "");
	}
	memset(old, 0, sizeof old);
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		use(c);
	else
		c->relay.auth_token = 0;
	return rc;
}
