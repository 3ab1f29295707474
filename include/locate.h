/* locate.h: from the domain argument to the servers to try, in order.
 *
 * Forms of the argument (man/smtprc.8):
 *   [192.0.2.1]  [IPv6:2001:db8::1]     address literal (/CLIENTIP)
 *   HOST:PORT    [LITERAL]:PORT          a host at a port (/CLIENTPORT)
 *   DOMAIN                               a mail domain
 * A mail domain's servers come from DNS, in this order (RFC 5321 §5.1,
 * RFC 2782, RFC 7505):
 *   1. SRV _smtp._tcp.DOMAIN (/SRV_SELF), then of each superdomain,
 *      nearest first, never a top-level domain alone (/SRV_SUPERDOMAINS);
 *      a single SRV target "." means no SMTP service: bounce;
 *   2. else MX, by preference, shuffled within a preference; a Null MX
 *      ("0 .") bounces 5.1.10; NXDOMAIN bounces 5.1.2; NODATA goes on to
 *   3. the implicit server: DOMAIN itself on port 25 (/IMPLICIT).
 * Every host's A records (and AAAA with /IP6ADDR) are looked up; a host
 * without a usable address is skipped and logged. /SELF addresses are cut
 * with every server of equal or lower priority. A DNS failure (SERVFAIL,
 * time-out, refusal, a malformed or uncurably truncated answer) defers,
 * never bounces.
 *
 * The ordering rules are pure functions (locate_order_*), unit-tested
 * without a network; locate() runs the look-ups through dnsq.h.
 */
#ifndef LOCATE_H
#define LOCATE_H

#include <stddef.h>
#include "config.h"
#include "dnsq.h"
#include "ip46.h"
#include "outcome.h"

struct locate_addr {
	struct ip46 ip;
	unsigned port;
	unsigned priority;  /* lower is tried first */
	char name[SMTP_DOMAIN_SIZE + 1]; /* host name for logs and DSNs */
};

/* A server host before its addresses are known. */
struct locate_host {
	char name[SMTP_DOMAIN_SIZE + 1];
	unsigned port;
	unsigned priority;
};

enum locate_form { LOCATE_DOMAIN, LOCATE_LITERAL, LOCATE_HOSTPORT };

/* Random numbers for SRV weights and MX shuffles: returns 0..max. */
typedef unsigned long locate_rand_fn(void *state, unsigned long max);

struct locate_req {
	const char *domain;          /* the command line's domain argument */
	int clientip, clientport;    /* /CLIENTIP, /CLIENTPORT */
	int srv_self, srv_super;     /* /SRV_SELF, /SRV_SUPERDOMAINS */
	int implicit, ip6;           /* /IMPLICIT, /IP6ADDR */
	unsigned smtp_port;          /* the well-known port (25) */
	const struct ip46 *self;     /* /SELF addresses */
	size_t nself;
	/* Servers found through DNS (SRV, MX, the implicit rule) on this
	 * host are cut like /SELF: loopback, link-local and the like
	 * (ip46_is_local) and own[0..nown), this host's interface addresses;
	 * unless allow_local (--allow-local-mx). A literal or HOST:PORT (the
	 * administrator's route) may name them. */
	const struct ip46 *own;
	size_t nown;
	int allow_local;
	/* The text of /etc/hosts (or NULL): a host named there gets its
	 * addresses from it, and DNS is not asked for them (hosts.h). */
	const char *hosts;
	size_t hosts_len;
	const struct dnsq_conf *dns; /* resolvers, opened on first need */
	long long dns_deadline;      /* loop.h ms: when DNS gives up */
	locate_rand_fn *rand;
	void *rand_state;
};

struct locate_result {
	size_t n;
	struct locate_addr addr[RELAY_ADDRS_MAX];
	int self_cut;              /* /SELF removed some servers */
	const char *how;           /* "SRV", "MX", "implicit", ... for logs */
	struct outcome fail;       /* when n == 0: defer or bounce all */
};

/* Classifies the argument; returns its form and, for HOSTPORT, the host's
 * length and the port; -1 when the argument is malformed or its form is
 * disabled (a usage error: nothing is touched). why says what is wrong. */
int locate_parse(const struct locate_req *q, size_t *host_len,
		 unsigned *port, const char **why);

/* Fills r with the servers to try, in order. Returns 0 (r->n > 0), or a
 * negative code with r->fail set: a deferral (DNS trouble, no usable
 * address) or a bounce (NXDOMAIN, Null MX, SRV ".", loop). Blocks until
 * the DNS answers or q->dns_deadline. */
int locate(const struct locate_req *q, struct locate_result *r);

/* RFC 2782 order of SRV records: by priority, and within a priority by
 * weighted random selection (weight 0 records first in the running list,
 * chosen only by a draw of 0). Writes at most max hosts; returns the
 * count. Records with target "." are left out. */
size_t locate_order_srv(const struct dnsq_rr *rr, size_t n,
			struct locate_host *out, size_t max,
			locate_rand_fn *rnd, void *st);

/* RFC 5321 §5.1 order of MX records: by preference, random within equal
 * preference; each host at port. Records with target "." are left out. */
size_t locate_order_mx(const struct dnsq_rr *rr, size_t n, unsigned port,
		       struct locate_host *out, size_t max,
		       locate_rand_fn *rnd, void *st);

/* Appends host h's addresses (A answer a4, AAAA answer a6 or NULL) to r,
 * alternating families IPv6 first (RFC 8305 §4), at most
 * RELAY_ADDRS_PER_HOST_MAX, while r has room. Returns the number added. */
size_t locate_add_addrs(struct locate_result *r, const struct locate_host *h,
			const struct dnsq_answer *a4,
			const struct dnsq_answer *a6);

/* Removes every server at or below (numerically >=) the best priority of a
 * /SELF address, and with dns (the servers came from DNS) of an address of
 * this host (locate_req's own, allow_local). Returns 0, or E_CONNECT with
 * r->fail a 5.4.6 bounce when nothing is left. */
int locate_cut_self(const struct locate_req *q, struct locate_result *r,
		    int dns);

#endif
