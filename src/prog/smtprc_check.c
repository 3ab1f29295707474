/* smtprc_check.c: smtprc --check (smtprc_opts.h), what the
 * configuration means once every program has accepted it: the effective
 * settings, then warnings about what no delivery would use, or use
 * without checking whom it talks to. */
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "conf.h"
#include "fmt.h"
#include "readfile.h"
#include "route.h"
#include "smtp_ehlo.h"
#include "smtprc_oauth.h"
#include "smtprc_opts.h"
#include "tls.h"

static const char *const policy_names[] = { "none", "may", "encrypt",
					    "verify", "dane" };

static unsigned warnings;

static void warn(const char *what, const char *name, const char *why)
{
	out_printf("warning: %s %s: %s\n", what, name, why);
	warnings++;
}

/* The route's target (after "DOMAIN "), its domain into dom. */
static const char *split_route(const char *route, char *dom, size_t size)
{
	size_t n = strcspn(route, " \t");
	const char *t = route + n;

	fmt_into(dom, size, "%.*s", (int)n, route);
	while (*t == ' ' || *t == '\t')
		t++;
	return t;
}

/* One route: where it goes, with which policy and whose credentials.
 * Returns 0 or 64 (the auth file is refused). */
static int check_route(struct smtprc_conf *c, const char *route)
{
	char dom[SMTP_DOMAIN_SIZE + 2];
	const char *target = split_route(route, dom, sizeof dom), *why, *from;
	char w[SMTP_DIAG_SIZE];
	struct smtprc_conf r = *c;
	size_t flen;
	int header;

	r.target = target;
	r.relay.auth_user = r.relay.auth_pass = 0;
	if (r.auth_file && (why = smtprc_auth_load(&r)) != 0) {
		out_printf("error: auth-file %s: %s\n", r.auth_file, why);
		return 64;
	}
	if (r.oauth_file && smtprc_oauth_load(&r, w, sizeof w) < 0) {
		out_printf("error: %s\n", w);
		return 64;
	}
	smtprc_run_policy(&r, dom);
	from = route_from_for(c, target, &flen, &header);
	out_printf("route %s %s: tls %s%s%s%s%s%.*s%s\n", dom, target,
	       policy_names[r.relay.tls], r.relay.auth_user ? ", AUTH as " : "",
		   r.oauth ? "(OAuth 2.0) " : "",
		   r.relay.auth_user ? r.relay.auth_user : "",
		   from ? ", envelope sender " : "", from ? (int)flen : 0,
		   from ? from : "", from && header ? " (From too)" : "");
	if (r.relay.auth_user && r.relay.tls != RELAY_TLS_VERIFY &&
	    r.relay.tls != RELAY_TLS_DANE)
		warn("route", route, "its credentials go to a server whose "
		     "certificate is not checked (tls-policy verify for its "
		     "target, or no tls key: a route with credentials is "
		     "verify by default)");
	return 0;
}

/* The auth file's targets that no route leads to: their passwords are
 * never sent, and the mail meant for them goes elsewhere. */
static void check_auth_targets(const struct smtprc_conf *c)
{
	static char buf[CONF_SIZE];
	struct conf_line l;
	const char *why;
	size_t pos = 0, i;
	long len = readfile_at(AT_FDCWD, c->auth_file, buf, sizeof buf - 1, 0);

	if (len < 0)
		return;
	l.line = 0;
	while (conf_next(buf, (size_t)len, &pos, &l, &why) > 0) {
		int used = !strcmp(l.key, "*") && c->nroutes;
		for (i = 0; i < c->nroutes && !used; i++) {
			char dom[SMTP_DOMAIN_SIZE + 2];
			used = !strcmp(split_route(c->routes[i], dom, sizeof dom),
				       l.key);
		}
		if (!used)
			warn("auth-file target", l.key, "no route leads there: "
			     "its credentials are never used (a route's target "
			     "must be written the same, with its port)");
	}
}

/* The OAuth token file: whom it signs in as, whether it can, and
 * whether a route leads to its target. */
static void check_oauth(const struct smtprc_conf *c)
{
	const struct oauth *o = smtprc_oauth_seen();
	long long now = (long long)time(0);
	size_t i;
	int used = 0;

	out_printf("oauth-file %s: target %s, user %s, %s; ", c->oauth_file,
		   o->target, o->user, o->mech == SMTP_AUTH_OAUTHBEARER
		   ? "oauthbearer" : "xoauth2");
	if (!o->access)
		out_printf("no access token yet\n");
	else if (!o->expires || now < CLOCK_SET_MIN)
		out_printf("access token of unknown expiry (refreshed first)\n");
	else if (o->expires > now)
		out_printf("access token valid for %lld s\n", o->expires - now);
	else
		out_printf("access token expired (refreshed first)\n");
	if (!o->refresh)
		warn("oauth-file", c->oauth_file, o->device_url ? "no refresh "
		     "token: sign in once with smtprc --oauth-login TARGET" :
		     "no refresh token and no device-endpoint to sign in with");
	for (i = 0; i < c->nroutes && !used; i++) {
		char dom[SMTP_DOMAIN_SIZE + 2];
		used = !strcasecmp(split_route(c->routes[i], dom, sizeof dom),
				   o->target);
	}
	if (!used)
		warn("oauth-file target", o->target, "no route leads there: the "
		     "token is never used (a route's target must be written "
		     "the same, with its port)");
}

/* A domain's policy that the policy of its route's target always beats. */
static void check_policies(const struct smtprc_conf *c)
{
	size_t i;

	for (i = 0; i < c->npolicies; i++) {
		char name[SMTP_DOMAIN_SIZE + 2];
		const char *target;
		split_route(c->policies[i], name, sizeof name);
		target = strcmp(name, "*") ? route_find(c->routes, c->nroutes, name)
					   : 0;
		/* The target's own policy is this one: used. */
		if (target && !(strlen(name) == route_target_host(target) &&
				!strncmp(name, target, strlen(name))) &&
		    route_exact(c->policies, c->npolicies, target,
				route_target_host(target)))
			warn("tls-policy", c->policies[i], "never used: the domain "
			     "is routed to a target with a policy of its own, "
			     "which is the one applied");
	}
}

int smtprc_check(struct smtprc_conf *c)
{
	char why[SMTP_DIAG_SIZE];
	size_t i;
	int rc = 0;

	out_printf("queue %s\nsemaphore-dir %s\nhelo-name %s\ntls %s%s\n"
		   "lifetime %lu\ndelay-warning %lu\n", c->queue, c->semdir,
		   c->relay.helo_name, policy_names[c->relay.tls],
	       c->tls_given ? "" : " (default)", c->lifetime, c->delay_warning);
	for (i = 0; i < c->npolicies; i++)
		out_printf("tls-policy %s\n", c->policies[i]);
	if (c->auth_file)
		out_printf("auth-file %s\n", c->auth_file);
	for (i = 0; i < c->nroutes && !rc; i++)
		rc = check_route(c, c->routes[i]);
	if (!c->nroutes)
		out_printf("route: none (every domain by its MX or SRV records)\n");
	if (c->auth_file && !rc)
		check_auth_targets(c);
	if (c->oauth_file && !rc) {
		struct smtprc_conf r = *c;
		r.target = "";
		if (smtprc_oauth_load(&r, why, sizeof why) < 0) {
			out_printf("error: %s\n", why);
			rc = 64;
		} else {
			check_oauth(c);
		}
	}
	check_policies(c);
	if (CONFIG_TLS && tls_anchors_load_file(c->tls_ca, why, sizeof why) < 0) {
		out_printf("%s: tls-ca-file %s: %s\n", c->relay.tls == RELAY_TLS_VERIFY
			   ? "error" : "warning", c->tls_ca, why);
		warnings++;
	}
	out_printf("%u warning(s)\n", warnings);
	return rc;
}
