/* locate.c: locate() (see locate.h): literals and host:port at once,
 * mail domains through DNS (dnsq.h), ordered by the pure rules of
 * locate_rules.c. All answer tables are static: the caller owns the memory. */
#include <string.h>
#include "dnsq.h"
#include "err.h"
#include "fmt.h"
#include "hosts.h"
#include "locate.h"
#include "log.h"

/* In the order a look-up touches them, each host's two answers side by
 * side: a page of memory not touched is not resident. */
static struct {
	int open;
	unsigned char filed[RELAY_HOSTS_MAX];  /* addresses from /etc/hosts */
	char qname[SMTP_DOMAIN_SIZE + 16];
	struct dnsq_answer srv, mx;
	struct locate_host hosts[RELAY_HOSTS_MAX];
	struct { struct dnsq_answer a4, a6; } ip[RELAY_HOSTS_MAX];
} L;

static const char *status_text(int st)
{
	switch (st) {
	case DNSQ_NODATA: return "no record of that type";
	case DNSQ_NXDOMAIN: return "no such domain";
	case DNSQ_TEMPFAIL: return "no answer (server failure, refusal, "
				   "time-out or truncation)";
	case DNSQ_PROTOCOL: return "malformed answer";
	case DNSQ_NOMEM: return "out of DNS memory";
	}
	return "answered";
}

static int temporary(int st)
{
	return st == DNSQ_TEMPFAIL || st == DNSQ_PROTOCOL || st == DNSQ_NOMEM ||
	       st == DNSQ_PENDING;
}

static int defer_dns(struct locate_result *r, const char *name, const char *type,
		     int st)
{
	char msg[SMTP_DIAG_SIZE];
	fmt_into(msg, sizeof msg, "DNS look-up of %s %s failed: %s", type, name,
		 status_text(st));
	outcome_dns_failed(&r->fail, msg);
	return E_NODNS;
}

/* The domain accepts no mail (null MX, SRV "."): bounced. */
static int no_service(struct locate_result *r, const char *msg)
{
	outcome_no_mail_service(&r->fail, msg);
	return E_CONNECT;
}

/* The domain does not exist or has no server: bounced. */
static int no_domain(struct locate_result *r, const char *msg)
{
	outcome_bad_domain(&r->fail, msg);
	return E_CONNECT;
}

static int dns_ready(const struct locate_req *q)
{
	if (L.open)
		return 0;
	if (!q->dns || dnsq_open(q->dns) < 0)
		return E_NODNS;
	L.open = 1;
	return 0;
}

/* Asks one question and waits for it. */
static int ask(const struct locate_req *q, enum dnsq_type t, const char *name,
	       struct dnsq_answer *a)
{
	if (dnsq_submit(t, name, a) < 0)
		return 0;
	dnsq_wait(q->dns_deadline);
	if (a->dropped)
		log_line("%s: %zu record(s) over DNS_RR_MAX dropped", name, a->dropped);
	return 0;
}

/* Resolves every host's addresses (A, and AAAA with ip6) at once, then
 * adds them in host order. */
static int resolve_hosts(const struct locate_req *q, struct locate_result *r,
			 size_t nh)
{
	size_t i;
	int temp = 0;

	size_t need = 0;
	int six = q->ip6 && CONFIG_IPV6;

	/* /etc/hosts first, as libc's "files dns". */
	for (i = 0; i < nh; i++) {
		struct dnsq_answer *a4 = &L.ip[i].a4, *a6 = &L.ip[i].a6;
		L.filed[i] = q->hosts && hosts_find(q->hosts, q->hosts_len,
						    L.hosts[i].name, a4,
						    six ? a6 : 0);
		need += !L.filed[i];
	}
	if (need && dns_ready(q) < 0) {
		for (i = 0; i < nh; i++)
			if (!L.filed[i])
				L.ip[i].a4.status = L.ip[i].a6.status =
					DNSQ_TEMPFAIL;
	} else if (need) {
		for (i = 0; i < nh; i++) {
			const char *name = L.hosts[i].name;
			if (L.filed[i])
				continue;
			dnsq_submit(DNSQ_A, name, &L.ip[i].a4);
			if (six)
				dnsq_submit(DNSQ_AAAA, name, &L.ip[i].a6);
		}
		dnsq_wait(q->dns_deadline);
	}
	for (i = 0; i < nh; i++) {
		const struct dnsq_answer *a4 = &L.ip[i].a4;
		const struct dnsq_answer *a6 = six ? &L.ip[i].a6 : 0;
		size_t added = locate_add_addrs(r, &L.hosts[i], a4, a6);
		if (temporary(a4->status) || (a6 && temporary(a6->status)))
			temp = 1;
		if (!added)
			log_line("server %s skipped: no usable address (A: %s%s%s)",
				 L.hosts[i].name, status_text(a4->status),
				 a6 ? ", AAAA: " : "", a6 ? status_text(a6->status) : "");
	}
	if (r->n)
		return 0;
	if (temp)
		return defer_dns(r, L.hosts[0].name, "A/AAAA",
				 DNSQ_TEMPFAIL);
	{
		char msg[SMTP_DIAG_SIZE];
		fmt_into(msg, sizeof msg, "no server of %s has a usable address",
			 q->domain);
		outcome_no_address(&r->fail, msg);
	}
	return E_CONNECT;
}

/* An SRV target at port 0 is no server (nothing listens there): skipped,
 * never connected to. Returns the hosts left. */
static size_t drop_port_zero(struct locate_host *h, size_t n)
{
	size_t i, k = 0;
	for (i = 0; i < n; i++) {
		if (h[i].port)
			h[k++] = h[i];
		else
			log_line("SRV target %s at port 0 skipped", h[i].name);
	}
	return k;
}

/* SRV records of name; returns the hosts found (0: none), or -1 when the
 * domain offers no SMTP (a lone "."), or -2 on a DNS failure. */
static int srv_hosts(const struct locate_req *q, const char *name,
		     struct locate_result *r, size_t *nh)
{
	fmt_into(L.qname, sizeof L.qname, "_smtp._tcp.%s", name);
	ask(q, DNSQ_SRV, L.qname, &L.srv);
	if (temporary(L.srv.status)) {
		defer_dns(r, L.qname, "SRV", L.srv.status);
		return -2;
	}
	if (L.srv.status != DNSQ_OK || !L.srv.n)
		return 0;
	if (L.srv.n == 1 && !L.srv.rr[0].name[0])
		return -1;
	*nh = locate_order_srv(L.srv.rr, L.srv.n, L.hosts, RELAY_HOSTS_MAX,
			       q->rand, q->rand_state);
	*nh = drop_port_zero(L.hosts, *nh);
	return (int)*nh;
}

/* SRV records of the domain (/SRV_SELF) and of its superdomains, nearest
 * first, never a top-level domain (/SRV_SUPER). Returns 0 (*nh hosts
 * found, maybe none) or an E_* code with r->fail set. */
static int by_srv(const struct locate_req *q, struct locate_result *r,
		  size_t *nh)
{
	const char *d = q->domain, *s = d;
	char msg[SMTP_DIAG_SIZE];
	int rc;

	if (q->srv_self) {
		rc = srv_hosts(q, d, r, nh);
		if (rc == -2)
			return E_NODNS;
		if (rc == -1) {
			fmt_into(msg, sizeof msg, "%s offers no SMTP service "
				 "(SRV target \".\")", d);
			return no_service(r, msg);
		}
		r->how = "SRV";
	}
	s = q->srv_super ? strchr(d, '.') : 0;
	while (!*nh && s && strchr(s + 1, '.')) {
		rc = srv_hosts(q, s + 1, r, nh);
		if (rc == -2)
			return E_NODNS;
		if (rc == -1) {
			fmt_into(msg, sizeof msg, "%s offers no SMTP service "
				 "(SRV target \".\" at %s)", d, s + 1);
			return no_service(r, msg);
		}
		r->how = "SRV of a superdomain";
		s = strchr(s + 1, '.');
	}
	return 0;
}

static int by_dns(const struct locate_req *q, struct locate_result *r)
{
	const char *d = q->domain;
	size_t nh = 0;
	int rc;
	char msg[SMTP_DIAG_SIZE];

	if (dns_ready(q) < 0)
		return defer_dns(r, d, "(resolver)", DNSQ_TEMPFAIL);
	rc = by_srv(q, r, &nh);
	if (rc < 0)
		return rc;
	if (!nh) {
		ask(q, DNSQ_MX, d, &L.mx);
		if (temporary(L.mx.status))
			return defer_dns(r, d, "MX", L.mx.status);
		if (L.mx.status == DNSQ_NXDOMAIN) {
			fmt_into(msg, sizeof msg, "domain %s does not exist", d);
			return no_domain(r, msg);
		}
		if (L.mx.status == DNSQ_OK && L.mx.n == 1 && !L.mx.rr[0].name[0]) {
			/* RFC 7505 Null MX. */
			fmt_into(msg, sizeof msg, "%s does not accept mail "
				 "(null MX)", d);
			return no_service(r, msg);
		}
		if (L.mx.status == DNSQ_OK && L.mx.n) {
			nh = locate_order_mx(L.mx.rr, L.mx.n, q->smtp_port,
					     L.hosts, RELAY_HOSTS_MAX, q->rand,
					     q->rand_state);
			r->how = "MX";
			if (!nh)
				return no_service(r, "every MX target is \".\"");
		}
	}
	if (!nh) {
		if (!q->implicit) {
			fmt_into(msg, sizeof msg, "%s has no SRV or MX records "
				 "(and /IMPLICIT- is set)", d);
			return no_domain(r, msg);
		}
		fmt_into(L.hosts[0].name, sizeof L.hosts[0].name, "%s", d);
		L.hosts[0].port = q->smtp_port;
		L.hosts[0].priority = 0;
		nh = 1;
		r->how = "implicit";
		rc = resolve_hosts(q, r, nh);
		if (rc < 0 && outcome_is_no_address(&r->fail)) {
			fmt_into(msg, sizeof msg, "%s has no MX and no address "
				 "record", d);
			return no_domain(r, msg);
		}
		return rc;
	}
	return resolve_hosts(q, r, nh);
}

int locate(const struct locate_req *q, struct locate_result *r)
{
	size_t hl;
	unsigned port;
	const char *why;
	int form = locate_parse(q, &hl, &port, &why);
	struct locate_addr *a = &r->addr[0];
	int rc;

	r->n = 0;
	r->self_cut = 0;
	r->how = "";
	if (form < 0) {
		outcome_config_error(&r->fail, why);
		return E_CONNECT;
	}
	memset(a, 0, sizeof *a);
	if (form == LOCATE_LITERAL ||
	    (form == LOCATE_HOSTPORT && q->domain[0] == '[')) {
		ip46_parse_literal(q->domain, hl, &a->ip);
		r->how = "address literal";
	} else if (form == LOCATE_HOSTPORT && ip46_parse(q->domain, hl, &a->ip)) {
		r->how = "address";
	} else if (form == LOCATE_HOSTPORT) {
		/* A named host at a port: its addresses only (a smarthost),
		 * from /etc/hosts or DNS. */
		memcpy(L.hosts[0].name, q->domain, hl);
		L.hosts[0].name[hl] = 0;
		L.hosts[0].port = port;
		L.hosts[0].priority = 0;
		r->how = "host";
		rc = resolve_hosts(q, r, 1);
		return rc < 0 ? rc : locate_cut_self(q, r, 0);
	} else {
		rc = by_dns(q, r);
		return rc < 0 ? rc : locate_cut_self(q, r, 1);
	}
	a->port = port;
	memcpy(a->name, q->domain, hl);
	a->name[hl] = 0;
	r->n = 1;
	return locate_cut_self(q, r, 0);
}
