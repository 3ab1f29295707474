/* locate.h: from the domain argument to the servers to try, in order.
 *
 * Forms of the argument (docs: man/smtprc.8):
 *   [192.0.2.1]  [IPv6:2001:db8::1]     address literal (/CLIENTIP)
 *   HOST:PORT    [LITERAL]:PORT          a host at a port (/CLIENTPORT)
 *   DOMAIN                               a mail domain: SRV, MX, implicit
 * Literals and numeric hosts are resolved here without the network. A name
 * needs DNS: that step plugs in at locate_dns() (the DNS issue); until then
 * such a domain is deferred with E_NODNS, never bounced.
 * /SELF addresses are cut from the list with everything of equal or lower
 * priority; when that leaves nothing, the mail loops back to this system.
 */
#ifndef SMTPRC_LOCATE_H
#define SMTPRC_LOCATE_H

#include <stddef.h>
#include "config.h"
#include "ip46.h"
#include "outcome.h"

struct locate_addr {
	struct ip46 ip;
	unsigned port;
	unsigned priority;  /* lower is tried first */
	char name[SMTP_DOMAIN_SIZE + 1]; /* host name for logs and DSNs */
};

enum locate_form { LOCATE_DOMAIN, LOCATE_LITERAL, LOCATE_HOSTPORT };

struct locate_req {
	const char *domain;          /* the command line's domain argument */
	int clientip, clientport;    /* /CLIENTIP, /CLIENTPORT */
	unsigned smtp_port;          /* the well-known port (25) */
	const struct ip46 *self;     /* /SELF addresses */
	size_t nself;
};

struct locate_result {
	size_t n;
	struct locate_addr addr[RELAY_ADDRS_MAX];
	int self_cut;              /* /SELF removed some servers */
	struct outcome fail;       /* when n == 0: defer or bounce all */
};

/* Classifies the argument; returns its form and, for HOSTPORT, the host's
 * length and the port; -1 when the argument is malformed or its form is
 * disabled (a usage error: nothing is touched). why says what is wrong. */
int locate_parse(const struct locate_req *q, size_t *host_len,
		 unsigned *port, const char **why);

/* Fills r with the servers to try. Returns 0 (r->n > 0) or a negative
 * code with r->fail set: defer (E_NODNS, DNS trouble) or bounce (loop). */
int locate(const struct locate_req *q, struct locate_result *r);

#endif
