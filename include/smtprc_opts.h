/* smtprc_opts.h: smtprc's options (man/smtprc.8), parsed into a
 * configuration the program owns. Pure apart from printing usage or
 * version, so every option can be tested without running a delivery. */
#ifndef OPTS_SMTPRC_H
#define OPTS_SMTPRC_H

#include <stddef.h>
#include "config.h"
#include "dnsq.h"
#include "ip46.h"
#include "relay.h"

struct smtprc_conf {
	int verbose;             /* /V */
	int srv_super, srv_self, implicit, ip6, clientip, clientport, hello;
	const char *trigger, *semdir, *queue;
	struct ip46 self[SELF_ADDRS_MAX];
	size_t nself;
	unsigned long lifetime;
	unsigned long delay_warning;  /* seconds; 0: no delay warnings */
	unsigned smtp_port;
	struct relay_conf relay;
	struct dnsq_conf dns;     /* --resolver (else /etc/resolv.conf) */
	unsigned timeout_dns;     /* seconds for all look-ups of a run */
	const char *routes[ROUTES_MAX]; /* "DOMAIN TARGET" (route.h) */
	size_t nroutes;
	const char *target;       /* the domain's route's target, or NULL */
	const char *route_from[ROUTES_MAX]; /* "TARGET ADDRESS" */
	size_t nroute_from;
	const char *sender;       /* the target's route-from address: the
				     envelope sender of its mail, or NULL */
	size_t sender_len;
	int from_header;          /* ... and the From field too */
	const char *tls_ca;       /* --tls-ca-file */
	const char *auth_file;    /* --auth-file */
	const char *oauth_file;   /* --oauth-file */
	int oauth;                /* it serves this run's route (its token
				     in relay.auth_token: smtprc_oauth.h) */
	const char *policies[TLS_POLICIES_MAX]; /* "DOMAIN POLICY" */
	size_t npolicies;
	int tls_given;            /* --tls (or the tls key) was set */
	int allow_local;          /* --allow-local-mx */
	int mta_sts;              /* --mta-sts (smtprc_sts.h) */
	char helo_buf[SMTP_DOMAIN_SIZE + 1];
};

/* Parses argv into c (defaults first). The TLS policy of a run is, first
 * found: the --tls-policy of a route's target host (Postfix keys it by
 * next hop), that of the mail domain (or "*"), verify for a route that
 * carries credentials (the password goes only to a server whose
 * certificate is checked) unless --tls was given, and --tls (default may).
 * Returns the index of the domain
 * argument; -1 on a usage error (already reported on standard error with
 * the usage text: exit 64, touch nothing); -2 when /? or --version was
 * answered on standard output (exit 0); -3 for --check (c holds the
 * configuration without a domain: smtprc_check). */
int smtprc_options(struct smtprc_conf *c, int argc, char **argv);

/* Where mail for domain (smtprc's argument) goes: a next hop (route.h,
 * HOST:PORT) itself, else its route's target, else NULL (its own
 * servers). */
const char *smtprc_route(const struct smtprc_conf *c, const char *domain);

/* The parts of c that follow from the rest (helo name, DNS). */
void smtprc_finish(struct smtprc_conf *c);

/* Sets c->relay.auth_user and auth_pass from the auth file's line for
 * c->target (or "*"). Returns 0 (also when no line matches) or why the
 * file is refused. */
const char *smtprc_auth_load(struct smtprc_conf *c);

/* The route-from address of route target target (or NULL; its length in
 * *alen, *header set when the From field is rewritten too): the envelope
 * sender of mail sent there, but for the null sender. */
const char *route_from_for(const struct smtprc_conf *c, const char *target,
			   size_t *alen, int *header);

/* Sets c->relay.tls for domain, routed to c->target (or NULL), carrying
 * the credentials c->relay has: smtprc_options's order. */
void smtprc_run_policy(struct smtprc_conf *c, const char *domain);

/* smtprc --check (man/smtprc.8): prints the effective configuration and
 * warns about what no delivery would use or use safely. Returns the exit
 * status: 0, or 64 when the auth file or the trust store is unusable. */
int smtprc_check(struct smtprc_conf *c);

/* smtprc's keys of the configuration file as another program of the
 * system read them (conf.c checks every key through its owner's table):
 * the posting office's routes and TLS policies. */
const struct smtprc_conf *smtprc_conf_seen(void);

/* Reports a usage error about arg (may be NULL) with the usage text. */
void smtprc_usage_error(const char *arg, const char *why);

/* Checks argv[1..argc) as options smtprc takes for a run (smtprcd's run
 * file arguments, before it starts anything). Returns 0, or why the one
 * at *bad is refused. */
const char *smtprc_check_args(int argc, char **argv, int *bad);

#endif
