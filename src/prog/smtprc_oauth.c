/* smtprc_oauth.c: see smtprc_oauth.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "addr.h"
#include "err.h"
#include "fmt.h"
#include "https.h"
#include "log.h"
#include "loop.h"
#include "oauth.h"
#include "smtprc_oauth.h"
#include "tls.h"

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

const struct oauth *smtprc_oauth_seen(void)
{
	return &tok;
}

int smtprc_oauth_load(struct smtprc_conf *c, char *why, size_t whysize)
{
	if (!CONFIG_TLS) {   /* and the linker leaves all of it out */
		fmt_into(why, whysize, "--oauth-file: OAuth 2.0 needs TLS, "
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

/* POSTs form[0..n) to u and reads the response into resp. Returns 0 or
 * -1 with why (naming the host). */
static int post(const struct http_url *u, size_t n, const struct locate_req *lq,
		long long deadline, struct http_response *r, char *why,
		size_t whysize)
{
	struct https_req q;
	int rc;

	memset(&q, 0, sizeof q);
	q.url = u;
	q.accept = "application/json";
	q.form = form;
	q.formlen = n;
	q.where = lq;
	q.addrs = &addrs;
	q.deadline = deadline;
	rc = https_fetch(&q, resp, sizeof resp, r, why, whysize);
	memset(form, 0, sizeof form);
	return rc < 0 ? -1 : 0;
}

/* The token endpoint asked for a new access token. Returns 0 with ans
 * filled, or -1 with why. */
static int refresh(struct smtprc_conf *c, const struct locate_req *lq,
		   char *why, size_t whysize)
{
	struct http_response r;
	char w[SMTP_DIAG_SIZE];
	size_t n;
	int rc;

	if (oauth_form_refresh(&tok, form, sizeof form, &n) < 0) {
		fmt_into(why, whysize, "OAuth 2.0: the refresh request does not "
			 "fit its buffer");
		return -1;
	}
	if (post(&tok.token_at, n, lq, loop_now_ms() + OAUTH_FETCH_TIMEOUT *
		 1000LL, &r, w, sizeof w) < 0) {
		fmt_into(why, whysize, "OAuth 2.0 token refresh for %s failed: "
			 "%s", c->target, w);
		return -1;
	}
	rc = oauth_answer_parse(&r, &ans, w, sizeof w);
	memset(resp, 0, sizeof resp);
	if (rc != 0) {
		fmt_into(why, whysize, "OAuth 2.0 token refresh for %s: %s%s%s",
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
	static char old[SMTP_OAUTH_TOKEN_MAX + 1];

	if (!CONFIG_TLS)
		return -1;    /* never reached: smtprc_oauth_load refused */
	fmt_into(old, sizeof old, "%s", refused ? refused : "");
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
		fmt_into(why, whysize, "OAuth 2.0: %s has no refresh token: "
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

/* The device authorization: the codes into d, or an exit after saying
 * why. */
static void device_start(const struct locate_req *lq, struct oauth_device *d)
{
	struct http_response r;
	char why[SMTP_DIAG_SIZE];
	size_t n;

	if (oauth_form_device(&tok, form, sizeof form, &n) < 0)
		err_fatal(EX_USAGE_, 0, "the device authorization request does "
			  "not fit its buffer");
	if (post(&tok.device_at, n, lq, loop_now_ms() + OAUTH_FETCH_TIMEOUT *
		 1000LL, &r, why, sizeof why) < 0 ||
	    oauth_device_parse(&r, d, why, sizeof why) != 0)
		err_fatal(EX_TEMPFAIL_, 0, "device authorization at %s: %s",
			  tok.device_at.host, why);
}

/* Polls the token endpoint every interval until the administrator has
 * signed in (ans filled), or exits when the sign-in was refused or the
 * code expired (RFC 8628 §3.4, §3.5). An endpoint out of reach is tried
 * again at the next interval. */
static void device_poll(const struct locate_req *lq, struct oauth_device *d)
{
	long long end = loop_now_ms() + d->expires_in * 1000;
	struct http_response r;
	char why[SMTP_DIAG_SIZE];
	size_t n;
	int rc;

	for (;;) {
		long long next = loop_now_ms() + d->interval * 1000;
		if (next >= end)
			err_fatal(EX_TEMPFAIL_, 0, "the code expired before the "
				  "sign-in: run smtprc --oauth-login again");
		loop_poll(0, 0, next);
		if (oauth_form_device_poll(&tok, d->device_code, form,
					   sizeof form, &n) < 0)
			err_fatal(EX_USAGE_, 0, "the token request does not fit "
				  "its buffer");
		if (post(&tok.token_at, n, lq, next + OAUTH_FETCH_TIMEOUT * 1000LL,
			 &r, why, sizeof why) < 0) {
			err_warn(0, "%s (trying again)", why);
			continue;
		}
		rc = oauth_answer_parse(&r, &ans, why, sizeof why);
		memset(resp, 0, sizeof resp);
		if (rc == 0 && ans.refresh[0])
			return;
		if (rc == 1 && !strcmp(ans.error, "authorization_pending"))
			continue;
		if (rc == 1 && !strcmp(ans.error, "slow_down")) {
			d->interval += 5;
			continue;
		}
		err_fatal(rc == 1 && strcmp(ans.error, "expired_token")
			  ? EX_UNAVAILABLE_ : EX_TEMPFAIL_, 0, "%s", rc == 0
			  ? "the token endpoint gave no refresh token (is "
			    "offline_access in the scope?)" : why);
	}
}

int smtprc_oauth_login(struct smtprc_conf *c, const struct locate_req *lq)
{
	static struct oauth_device d;
	char why[SMTP_DIAG_SIZE];
	long long now;

	if (!CONFIG_TLS)
		err_fatal(EX_USAGE_, 0, "--oauth-login: OAuth 2.0 needs TLS, "
			  "which this build leaves out (CONFIG_TLS=0)");
	if (!c->oauth_file)
		err_fatal(EX_USAGE_, 0, "--oauth-login: no --oauth-file (or "
			  "oauth-file in the configuration)");
	if (oauth_load(&tok, c->oauth_file, why, sizeof why) < 0)
		err_fatal(EX_USAGE_, 0, "%s", why);
	if (!addr_eq_nocase(tok.target, strlen(tok.target), c->target,
			    strlen(c->target)) || !tok.device_url)
		err_fatal(EX_USAGE_, 0, "--oauth-login %s: %s", c->target,
			  tok.device_url ? "the token file serves another route "
			  "(its target)" : "the token file names no "
			  "device-endpoint");
	if (tls_anchors_load_file(c->tls_ca, why, sizeof why) < 0)
		err_fatal(EX_TEMPFAIL_, 0, "%s", why);
	device_start(lq, &d);
	out_printf("To let smtprc send as %s through %s, open\n  %s\nand enter "
		   "the code %s (within %lld minutes).\n", tok.user, tok.target,
		   d.uri, d.user_code, (d.expires_in + 59) / 60);
	if (d.uri_complete[0])
		out_printf("Or open %s\n", d.uri_complete);
	out_printf("Waiting for the sign-in...\n");
	out_flush();
	device_poll(lq, &d);
	now = (long long)time(0);
	if (oauth_store(&tok, c->oauth_file, &ans, now >= CLOCK_SET_MIN ? now
			: 0, why, sizeof why) < 0)
		err_fatal(EX_CANTCREAT_, 0, "%s", why);
	out_printf("Signed in: the tokens are in %s.\n", c->oauth_file);
	return 0;
}
