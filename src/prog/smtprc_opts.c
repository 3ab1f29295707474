/* smtprc_opts.c: see smtprc_opts.h. */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fmt.h"
#include "readfile.h"
#include "conf.h"
#include "err.h"
#include "opt.h"
#include "rcptlist.h"
#include "route.h"
#include "smtprc_oauth.h"
#include "smtprc_opts.h"

enum {
	O_SRV_SUPER, O_SRV_SELF, O_IMPLICIT, O_IP6, O_CLIENTIP, O_CLIENTPORT,
	O_V, O_HELO, O_TRIGGER, O_SELF, O_HELO_NAME, O_T_CONNECT, O_T_GREETING,
	O_T_HELLO, O_T_MAIL, O_T_RCPT, O_T_DATA, O_T_BLOCK, O_T_DOT, O_T_QUIT,
	O_LIFETIME, O_PORT, O_QUEUE, O_SEMDIR, O_VERSION, O_RESOLVER, O_T_DNS,
	O_ROUTE, O_CONFIG, O_PD_SEM, O_TLS, O_TLS_CA, O_TLS_IMPLICIT,
	O_TLS_POLICY, O_TLS_POLICY_FILE, O_AUTH_FILE, O_ALLOW_LOCAL,
	O_DELAY_WARNING, O_CHECK, O_ROUTE_FROM, O_OAUTH_FILE, O_OAUTH_LOGIN,
	O_MTA_STS
};

_Static_assert(O_T_QUIT - O_T_CONNECT == SMTP_STAGE_QUIT - SMTP_STAGE_CONNECT,
	       "one --timeout-* option per stage, in stage order");

static const struct opt_def smtprc_opts[] = {
	{ O_SRV_SUPER, OPT_BOOL, "SRV_SUPERDOMAINS", "srv-superdomains", 0 },
	{ O_SRV_SELF, OPT_BOOL, "SRV_SELF", "srv-self", 0 },
	{ O_IMPLICIT, OPT_BOOL, "IMPLICIT", "implicit", 0 },
	{ O_IP6, OPT_BOOL, "IP6ADDR", "ip6addr", 0 },
	{ O_CLIENTIP, OPT_BOOL, "CLIENTIP", "clientip", 0 },
	{ O_CLIENTPORT, OPT_BOOL, "CLIENTPORT", "clientport", 0 },
	{ O_V, OPT_BOOL, "V", "verbose", 0 },
	{ O_HELO, OPT_BOOL, "HELO", "helo", 0 },
	{ O_TRIGGER, OPT_STR, "TRIGGER", "trigger", OPT_CMDLINE },
	{ O_SELF, OPT_STR, "SELF", "self", 0 },
	{ O_HELO_NAME, OPT_STR, 0, "helo-name", 0 },
	{ O_T_CONNECT, OPT_STR, 0, "timeout-connect", 0 },
	{ O_T_GREETING, OPT_STR, 0, "timeout-greeting", 0 },
	{ O_T_HELLO, OPT_STR, 0, "timeout-helo", 0 },
	{ O_T_MAIL, OPT_STR, 0, "timeout-mail", 0 },
	{ O_T_RCPT, OPT_STR, 0, "timeout-rcpt", 0 },
	{ O_T_DATA, OPT_STR, 0, "timeout-data", 0 },
	{ O_T_BLOCK, OPT_STR, 0, "timeout-block", 0 },
	{ O_T_DOT, OPT_STR, 0, "timeout-dot", 0 },
	{ O_T_QUIT, OPT_STR, 0, "timeout-quit", 0 },
	{ O_LIFETIME, OPT_STR, 0, "lifetime", 0 },
	{ O_PORT, OPT_STR, 0, "smtp-port", 0 },
	{ O_QUEUE, OPT_STR, 0, "queue", 0 },
	{ O_SEMDIR, OPT_STR, 0, "semaphore-dir", 0 },
	{ O_VERSION, OPT_BOOL, 0, "version", OPT_CMDLINE },
	{ O_RESOLVER, OPT_STR, 0, "resolver", 0 },
	{ O_T_DNS, OPT_STR, 0, "timeout-dns", 0 },
	{ O_ROUTE, OPT_STR, 0, "route", 0 },
	{ O_CONFIG, OPT_STR, 0, "config", OPT_CMDLINE },
	{ O_PD_SEM, OPT_STR, 0, "pd-semaphore", 0 },
	{ O_TLS, OPT_STR, 0, "tls", 0 },
	{ O_TLS_CA, OPT_STR, 0, "tls-ca-file", 0 },
	{ O_TLS_IMPLICIT, OPT_STR, 0, "tls-implicit-port", 0 },
	{ O_TLS_POLICY, OPT_STR, 0, "tls-policy", 0 },
	{ O_TLS_POLICY_FILE, OPT_STR, 0, "tls-policy-file", 0 },
	{ O_AUTH_FILE, OPT_STR, 0, "auth-file", 0 },
	{ O_OAUTH_FILE, OPT_STR, 0, "oauth-file", 0 },
	{ O_OAUTH_LOGIN, OPT_BOOL, 0, "oauth-login", OPT_CMDLINE },
	{ O_MTA_STS, OPT_BOOL, 0, "mta-sts", 0 },
	{ O_ALLOW_LOCAL, OPT_BOOL, 0, "allow-local-mx", 0 },
	{ O_DELAY_WARNING, OPT_STR, 0, "delay-warning", 0 },
	{ O_CHECK, OPT_BOOL, 0, "check", OPT_CMDLINE },
	{ O_ROUTE_FROM, OPT_STR, 0, "route-from", 0 },
};
#define NOPTS ((int)(sizeof smtprc_opts / sizeof smtprc_opts[0]))
static const char *apply(void *ctx, const struct opt_hit *h);
/* What other programs checking the configuration apply it to. */
static struct smtprc_conf check_conf;
const struct opt_table smtprc_opt_table = { smtprc_opts, NOPTS, apply, &check_conf };

static void usage(int fd)
{
	fmt_text(fd, "usage: smtprc [options] domain recipient-list...\n"
	      "  /? --help                  this text\n"
	      "  /V[+|-] --[no-]verbose      log the SMTP conversation\n"
	      "  /HELO[+|-] --[no-]helo      send EHLO/HELO first (default +)\n"
	      "  /TRIGGER:name --trigger=    semaphore (FIFO) to signal on bounces\n"
	      "  /SELF:addr --self=          an address of this system (repeat)\n"
	      "  /SRV_SUPERDOMAINS[+|-] /SRV_SELF[+|-] /IMPLICIT[+|-] /IP6ADDR[+|-]\n"
	      "  /CLIENTIP[+|-] /CLIENTPORT[+|-]   (see smtprc(8))\n"
	      "  --helo-name=NAME --lifetime=SECONDS --smtp-port=N --queue=DIR\n"
	      "  --semaphore-dir=DIR --resolver=ADDR[:PORT] --timeout-dns=SECONDS\n");
	/* A build without TLS names only what it has. */
	if (CONFIG_TLS)
		fmt_text(fd,
	      "  --tls=none|may|encrypt|verify|dane (default may)\n"
	      "  --tls-ca-file=FILE (verify; default /etc/ssl/certs/ca-certificates.crt)\n"
	      "  --tls-implicit-port=N (TLS from the first byte there; default 465)\n"
	      "  --tls-policy='DOMAIN POLICY' --tls-policy-file=FILE (lines DOMAIN POLICY)\n"
	      "  --oauth-file=FILE (a route's OAuth 2.0 settings and tokens; 0600)\n"
	      "  --oauth-login TARGET (sign in once: OAuth 2.0 device grant)\n"
	      "  --[no-]mta-sts (RFC 8461 for direct delivery; default on)\n");
	else
		fmt_text(fd, "  --tls=none (this build has no TLS: CONFIG_TLS=0)\n");
	fmt_text(fd,
	      "  --auth-file=FILE (lines TARGET USER PASSWORD; mode 0600)\n"
	      "  --allow-local-mx (DNS may name this host: a test bed)\n"
	      "  --route='DOMAIN TARGET' --config=FILE (else $SMTPRC_CONF, else\n"
	      "  " CONF_DEFAULT_PATH ")\n"
	      "  --timeout-{connect,greeting,helo,mail,rcpt,data,block,dot,quit}=SECONDS\n"
	      "  --version\n");
}

/* Every capacity of config.h.in, with the unit its line names
 * ("unit: ..."): $(O)/capacities.h, made by the Makefile. */
#define CAP(name, unit) { #name, (long)(name), unit },
static const struct {
	const char *name;
	long value;
	const char *unit;
} capacities[] = {
#include "capacities.h"
};
#undef CAP
static void version(void)
{
	size_t i;
	out_printf("smtprc %s (board %s)\nCONFIG_IPV6=%d CONFIG_TLS=%d "
		   "CONFIG_LOG=%d\n", SMTPRC_VERSION, SMTPRC_BOARD, CONFIG_IPV6,
		   CONFIG_TLS, CONFIG_LOG);
	for (i = 0; i < sizeof capacities / sizeof capacities[0]; i++)
		out_printf("%s=%ld %s\n", capacities[i].name, capacities[i].value,
			   capacities[i].unit);
}

void smtprc_usage_error(const char *arg, const char *why)
{
	char a[256];
	fmt_fd(2, "%s: usage error: %s%s%s\n", err_prog,
		arg ? err_printable(a, sizeof a, arg) : "", arg ? ": " : "", why);
	usage(2);
}

static int seconds(const char *v, unsigned *out)
{
	unsigned long n;
	if (!opt_number(v, 7 * 86400, &n) || n == 0)
		return 0;
	*out = (unsigned)n;
	return 1;
}

/* A TLS policy name: its enum relay_tls, or -1 with *why. */
static int tls_policy(const char *v, size_t len, const char **why)
{
	/* In enum relay_tls's order. */
	static const char *const names[] = { "none", "may", "encrypt", "verify",
					     "dane" };
	int n = (int)(sizeof names / sizeof names[0]), k;
	for (k = 0; k < n; k++)
		if (strlen(names[k]) == len && !memcmp(v, names[k], len))
			break;
	if (k == n) {
		*why = "a TLS policy is none, may, encrypt, verify or dane";
		return -1;
	}
	if (k && !CONFIG_TLS) {
		*why = "TLS is not built in (CONFIG_TLS=0): only the policy none";
		return -1;
	}
	return k;
}

static const char *add_self(struct smtprc_conf *c, const char *v)
{
	if (c->nself == SELF_ADDRS_MAX)
		return "more /SELF addresses than SELF_ADDRS_MAX";
	if (!ip46_parse(v, strlen(v), &c->self[c->nself]) &&
	    !ip46_parse_literal(v, strlen(v), &c->self[c->nself]))
		return "/SELF needs an IP address";
	c->nself++;
	return 0;
}

static const char *add_resolver(struct smtprc_conf *c, const char *v)
{
	if (c->dns.nserv == DNS_SERVERS_MAX)
		return "more --resolver than DNS_SERVERS_MAX";
	if (!dnsq_server_parse(v, &c->dns.serv[c->dns.nserv]))
		return "--resolver is ADDRESS, ADDRESS:PORT or [IPV6]:PORT";
	c->dns.nserv++;
	return 0;
}

static const char *add_route(struct smtprc_conf *c, const char *v)
{
	const char *why = route_check(v);
	if (why)
		return why;
	if (c->nroutes == ROUTES_MAX)
		return "more routes than ROUTES_MAX";
	c->routes[c->nroutes++] = v;
	return 0;
}

/* The parts of a route-from value "TARGET ADDRESS [header]": the
 * address's start and length, and whether From is rewritten too. */
static const char *route_from_parts(const char *v, size_t *alen, int *header)
{
	size_t t = strcspn(v, " \t");
	const char *a = v + t, *rest;

	while (*a == ' ' || *a == '\t')
		a++;
	*alen = strcspn(a, " \t");
	for (rest = a + *alen; *rest == ' ' || *rest == '\t'; rest++)
		;
	*header = !strcmp(rest, "header");
	return !t || !*alen || (*rest && !*header) ? 0 : a;
}

/* "TARGET ADDRESS [header]": the envelope sender (and with header the
 * From field) of mail sent through the route target TARGET (written as in
 * its route line), for a smarthost that takes only its account's
 * address. */
static const char *add_route_from(struct smtprc_conf *c, const char *v)
{
	size_t alen;
	int header;
	const char *a = route_from_parts(v, &alen, &header);

	if (!a || !addr_valid(a, alen) || alen >= SMTP_PATH_SIZE)
		return "route-from is TARGET ADDRESS [header] (the route's "
		       "target, as written in its route line, a mail address, "
		       "and header to rewrite From too)";
	if (c->nroute_from == ROUTES_MAX)
		return "more route-from lines than ROUTES_MAX";
	c->route_from[c->nroute_from++] = v;
	return 0;
}

const char *route_from_for(const struct smtprc_conf *c, const char *target,
			   size_t *alen, int *header)
{
	size_t i, t;

	for (i = 0; target && i < c->nroute_from; i++) {
		const char *v = c->route_from[i];
		t = strcspn(v, " \t");
		if (addr_eq_nocase(v, t, target, strlen(target)))
			return route_from_parts(v, alen, header);
	}
	return 0;
}

/* "DOMAIN POLICY": checked now, matched after the domain is known. */
static const char *add_tls_policy(struct smtprc_conf *c, const char *v)
{
	size_t dl = strcspn(v, " \t");
	const char *p = v + dl, *why;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || (!(dl == 1 && v[0] == '*') && !addr_domain_valid(v, dl)))
		return "--tls-policy is 'DOMAIN POLICY' (DOMAIN or *)";
	if (tls_policy(p, strlen(p), &why) < 0)
		return why;
	if (c->npolicies == TLS_POLICIES_MAX)
		return "more TLS policies than TLS_POLICIES_MAX";
	c->policies[c->npolicies++] = v;
	return 0;
}

/* The --tls-policy-file: the file, and its lines kept as the "DOMAIN
 * POLICY" strings that c->policies point into. */
static struct {
	char file[CONF_SIZE];
	char joined[CONF_SIZE];
	int loaded;
} policy_file;

/* Lines "DOMAIN POLICY", each as --tls-policy. */
static const char *load_tls_policy_file(struct smtprc_conf *c, const char *path)
{
	size_t pos = 0, used = 0;
	struct conf_line l;
	const char *why;
	long len;
	int rc;

	if (policy_file.loaded++)
		return "only one --tls-policy-file";
	len = readfile_at(AT_FDCWD, path, policy_file.file,
			  sizeof policy_file.file, 0);
	if (len < 0)
		return len == READFILE_TOO_BIG ? "TLS policy file larger than "
						 "CONF_SIZE"
					       : "TLS policy file cannot be read";
	l.line = 0;
	while ((rc = conf_next(policy_file.file, (size_t)len, &pos, &l,
			       &why)) > 0) {
		char *v = policy_file.joined + used;
		size_t k = strlen(l.key) + 1 + strlen(l.val) + 1;
		if (used + k > sizeof policy_file.joined)
			return "TLS policy file larger than CONF_SIZE";
		fmt_into(v, k, "%s %s", l.key, l.val);
		used += k;
		if ((why = add_tls_policy(c, v)) != 0)
			return why;
	}
	return rc < 0 ? why : 0;
}

/* --tls, --tls-implicit-port, --mta-sts. Returns 0 or why. */
static const char *apply_tls(struct smtprc_conf *c, const struct opt_hit *h)
{
	const char *why;
	unsigned long n;
	int k;

	if (h->id == O_TLS) {
		if ((k = tls_policy(h->val, strlen(h->val), &why)) < 0)
			return why;
		c->relay.tls = (enum relay_tls)k;
		c->tls_given = 1;
	} else if (h->id == O_TLS_IMPLICIT) {
		if (!opt_number(h->val, 65535, &n))
			return "--tls-implicit-port is 0 (never) to 65535";
		c->relay.implicit_port = (unsigned)n;
	} else {
		if (h->on && !CONFIG_TLS)
			return "--mta-sts needs TLS, which this build leaves out";
		c->mta_sts = h->on;
	}
	return 0;
}

/* Applies one option, from the command line or the configuration file.
 * Returns 0 or why the value is refused. */
static const char *apply(void *ctx, const struct opt_hit *h)
{
	struct smtprc_conf *c = ctx;
	unsigned long n;

	switch (h->id) {
	case O_SRV_SUPER: c->srv_super = h->on; break;
	case O_SRV_SELF: c->srv_self = h->on; break;
	case O_IMPLICIT: c->implicit = h->on; break;
	case O_IP6:
		if (h->on && !CONFIG_IPV6)
			return "IPv6 is not built in";
		c->ip6 = h->on;
		break;
	case O_CLIENTIP: c->clientip = h->on; break;
	case O_CLIENTPORT: c->clientport = h->on; break;
	case O_V: c->verbose = h->on; break;
	case O_HELO: c->hello = h->on; break;
	case O_TRIGGER: case O_PD_SEM: c->trigger = h->val; break;
	case O_SELF: return add_self(c, h->val);
	case O_HELO_NAME:
		if (!addr_domain_valid(h->val, strlen(h->val)))
			return "bad --helo-name";
		c->relay.helo_name = h->val;
		break;
	case O_T_CONNECT: case O_T_GREETING: case O_T_HELLO:
	case O_T_MAIL: case O_T_RCPT: case O_T_DATA: case O_T_BLOCK:
	case O_T_DOT: case O_T_QUIT:
		if (!seconds(h->val, &c->relay.timeout[h->id - O_T_CONNECT]))
			return "a time-out is 1 to 604800 seconds";
		break;
	case O_LIFETIME:
		if (!opt_number(h->val, 365UL * 86400, &c->lifetime))
			return "--lifetime is 0 to 31536000 seconds";
		break;
	case O_DELAY_WARNING:
		if (!opt_number(h->val, 365UL * 86400, &c->delay_warning))
			return "--delay-warning is 0 (none) to 31536000 seconds";
		break;
	case O_PORT:
		if (!opt_number(h->val, 65535, &n) || n == 0)
			return "--smtp-port is 1 to 65535";
		c->smtp_port = (unsigned)n;
		break;
	case O_QUEUE: c->queue = h->val; break;
	case O_RESOLVER: return add_resolver(c, h->val);
	case O_T_DNS:
		if (!seconds(h->val, &c->timeout_dns))
			return "a time-out is 1 to 604800 seconds";
		break;
	case O_SEMDIR: c->semdir = h->val; break;
	case O_ROUTE: return add_route(c, h->val);
	case O_ROUTE_FROM: return add_route_from(c, h->val);
	case O_TLS: case O_TLS_IMPLICIT: case O_MTA_STS:
		return apply_tls(c, h);
	case O_TLS_POLICY: return add_tls_policy(c, h->val);
	case O_TLS_POLICY_FILE: return load_tls_policy_file(c, h->val);
	case O_TLS_CA: c->tls_ca = h->val; break;
	case O_AUTH_FILE: c->auth_file = h->val; break;
	case O_OAUTH_FILE: c->oauth_file = h->val; break;
	case O_ALLOW_LOCAL: c->allow_local = h->on; break;
	case O_CONFIG: break;   /* read before the other options */
	}
	return 0;
}

/* The credentials of the route's target from the auth file: lines
 * "TARGET USER PASSWORD" (TARGET as the route names it, or *; the
 * password runs to the line end). The file must be readable by its owner
 * only. Returns 0 (credentials set, or none for this target) or why. */
const char *smtprc_auth_load(struct smtprc_conf *c)
{
	static char buf[CONF_SIZE];
	struct conf_line l;
	struct stat st;
	size_t pos = 0;
	const char *why;
	long len;
	int rc;

	st.st_mode = 0;   /* stays 0 when the file could not be opened */
	len = readfile_at(AT_FDCWD, c->auth_file, buf, sizeof buf, &st);
	if (len < 0 && !st.st_mode)
		return "auth file cannot be opened";
	if (st.st_mode & 077)
		return "auth file is readable or writable by group or others "
		       "(chmod 600)";
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return "auth file belongs to another user (chown it to the "
		       "user smtprc runs as, or root)";
	if (len == READFILE_TOO_BIG)
		return "auth file larger than CONF_SIZE";
	if (len < 0)
		return "auth file cannot be read";
	l.line = 0;
	while ((rc = conf_next(buf, (size_t)len, &pos, &l, &why)) > 0) {
		char *pass = l.val + strcspn(l.val, " \t");
		/* Case ignored: the posting office queues a route's
		 * target in lower case (sorting.h). */
		if (!addr_eq_nocase(l.key, strlen(l.key), c->target,
				    strlen(c->target)) && strcmp(l.key, "*"))
			continue;
		if (!*pass)
			return "an auth file line is TARGET USER PASSWORD";
		*pass++ = 0;
		while (*pass == ' ' || *pass == '\t')
			pass++;
		if (!*l.val || !*pass || strlen(l.val) > SMTP_AUTH_FIELD_MAX ||
		    strlen(pass) > SMTP_AUTH_FIELD_MAX)
			return "an auth file line is TARGET USER PASSWORD, each "
			       "at most SMTP_AUTH_FIELD_MAX bytes";
		c->relay.auth_user = l.val;
		c->relay.auth_pass = pass;
		if (strcmp(l.key, "*"))
			return 0;     /* an exact target beats "*" */
	}
	return rc < 0 ? why : 0;
}

/* The configuration file's storage: its values are the options' strings. */
static char conf_buf[CONF_SIZE];

void smtprc_run_policy(struct smtprc_conf *c, const char *domain)
{
	const char *p = 0, *why;

	if (c->target)
		p = route_exact(c->policies, c->npolicies, c->target,
				route_target_host(c->target));
	if (!p)
		p = route_find(c->policies, c->npolicies, domain);
	if (p)
		c->relay.tls = (enum relay_tls)tls_policy(p, strlen(p), &why);
	else if (c->relay.auth_user && !c->tls_given && CONFIG_TLS)
		c->relay.tls = RELAY_TLS_VERIFY;
}

const char *smtprc_route(const struct smtprc_conf *c, const char *domain)
{
	/* A next hop (HOST:PORT) is where its mail goes: the posting
	 * office queued it there for a route (route_to), or the caller
	 * names a smarthost (/CLIENTPORT). */
	if (route_hop(domain, strlen(domain)) &&
	    (c->clientport || route_to(c->routes, c->nroutes, domain)))
		return domain;
	return route_find(c->routes, c->nroutes, domain);
}

static int run_args(struct smtprc_conf *c, int argc, char **argv, int i);

int smtprc_options(struct smtprc_conf *c, int argc, char **argv)
{
	static const unsigned defaults[SMTP_STAGE_COUNT] = {
		/* RFC 5321 §4.5.3.2: connect (§4.5.3.2 leaves it open; a
		 * common 30 s), greeting 5 min, EHLO as MAIL, MAIL 5 min,
		 * RCPT 5 min, DATA 2 min, data block 3 min, dot 10 min,
		 * QUIT (not in the RFC) 1 min. */
		30, 300, 300, 300, 300, 120, 180, 600, 60
	};
	struct opt_hit h;
	const char *why;
	int i = 1, rc, check = 0, login = 0;

	memset(c, 0, sizeof *c);
	c->srv_self = c->implicit = c->clientip = c->clientport = 1;
	c->hello = 1;
	c->ip6 = CONFIG_IPV6;
	c->lifetime = 5 * 86400;
	c->delay_warning = 4 * 3600;
	c->smtp_port = 25;
	c->queue = ".";
	c->semdir = CONF_SEMDIR_DEFAULT;
	c->timeout_dns = 60;
	c->relay.tls = CONFIG_TLS ? RELAY_TLS_MAY : RELAY_TLS_NONE;
	c->tls_ca = "/etc/ssl/certs/ca-certificates.crt";
	c->relay.implicit_port = 465;
	c->mta_sts = CONFIG_TLS;
	memcpy(c->relay.timeout, defaults, sizeof defaults);

	/* /? and --version answer before anything is read. */
	while ((rc = opt_next(smtprc_opts, NOPTS, argc, argv, &i, &h, &why)) > 0) {
		if (h.id == OPT_HELP) { usage(1); return -2; }
		if (h.id == O_VERSION) { version(); return -2; }
		if (h.id == O_CHECK) check = h.on;
		if (h.id == O_OAUTH_LOGIN) login = h.on;
	}
	if (conf_load(argc, argv, conf_buf, sizeof conf_buf, smtprc_opts, NOPTS,
		      apply, c, 0, 0) < 0)
		return -1;

	i = 1;
	while ((rc = opt_next(smtprc_opts, NOPTS, argc, argv, &i, &h, &why)) > 0) {
		why = apply(c, &h);
		if (why) {
			smtprc_usage_error(h.val ? h.val : argv[i - 1], why);
			return -1;
		}
	}
	if (rc < 0) {
		smtprc_usage_error(argv[i], why);
		return -1;
	}
	if (check) {
		smtprc_finish(c);
		return -3;
	}
	if (login) {
		if (i + 1 != argc) {
			smtprc_usage_error(0, "--oauth-login takes one argument: "
					   "the route's TARGET (HOST:PORT)");
			return -1;
		}
		c->target = argv[i];
		smtprc_finish(c);
		return -4;
	}
	return run_args(c, argc, argv, i);
}

/* The domain argument at argv[i] and what follows from it: its route,
 * route-from, credentials and TLS policy. Returns i or -1. */
static int run_args(struct smtprc_conf *c, int argc, char **argv, int i)
{
	char oauth_why[SMTP_DIAG_SIZE];
	const char *why;

	if (i + 2 > argc) {
		smtprc_usage_error(0, i >= argc ? "no domain given"
				       : "no recipient list given");
		return -1;
	}
	/* "example.com." is example.com for routes, policies and lists. */
	if (addr_domain_trim(argv[i], strlen(argv[i])) < strlen(argv[i]))
		argv[i][strlen(argv[i]) - 1] = 0;
	c->target = smtprc_route(c, argv[i]);
	c->sender = route_from_for(c, c->target, &c->sender_len,
				   &c->from_header);
	if (c->target && c->auth_file && (why = smtprc_auth_load(c)) != 0) {
		smtprc_usage_error(c->auth_file, why);
		return -1;
	}
	if (c->target && c->oauth_file &&
	    smtprc_oauth_load(c, oauth_why, sizeof oauth_why) < 0) {
		smtprc_usage_error(0, oauth_why);
		return -1;
	}
	smtprc_run_policy(c, argv[i]);
	smtprc_finish(c);
	return i;
}

void smtprc_finish(struct smtprc_conf *c)
{
	c->relay.hello = c->hello;
	c->relay.dns = &c->dns;
	c->relay.dns_timeout = c->timeout_dns;
	if (!c->relay.helo_name) {
		c->relay.helo_name = conf_hostname(c->helo_buf,
						   sizeof c->helo_buf);
	}
}

const struct smtprc_conf *smtprc_conf_seen(void)
{
	return &check_conf;
}

const char *smtprc_check_args(int argc, char **argv, int *bad)
{
	struct opt_hit h;
	const char *why = 0;
	int i = 1, rc;

	memset(&check_conf, 0, sizeof check_conf);
	while ((rc = opt_next(smtprc_opts, NOPTS, argc, argv, &i, &h, &why)) > 0) {
		if (h.id == OPT_HELP || h.id == O_VERSION || h.id == O_CONFIG ||
		    h.id == O_CHECK || h.id == O_OAUTH_LOGIN)
			why = "not an option for a run (it would not deliver)";
		else
			why = apply(&check_conf, &h);
		if (why) {
			*bad = i - 1;
			return why;
		}
	}
	if (rc < 0) {
		*bad = i;
		return why;
	}
	if (i < argc) {
		*bad = i;
		return "not an option: smtprcd appends the domain and the lists";
	}
	return 0;
}
