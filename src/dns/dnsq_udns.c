/* dnsq_udns.c: see dnsq.h. The only file that includes udns.h.
 *
 * udns's parse callbacks have no user pointer, so each parses into one
 * scratch answer, which the completion callback copies into the caller's
 * table: udns finishes one reply at a time, so one scratch suffices, and
 * udns never gets a result it would have to free. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <udns.h>
#include "dnsq.h"
#include "err.h"
#include "log.h"
#include "loop.h"

/* Queries in flight, count: A and AAAA for every host of a full list. */
#define DNSQ_INFLIGHT_MAX (2 * RELAY_HOSTS_MAX)

static struct {
	int open;
	struct dns_ctx *ctx;
	struct dnsq_answer scratch;
	struct sockaddr_storage tcp_serv; /* the first server, for TCP */
	socklen_t tcp_len;
	struct {
		struct dnsq_answer *a;
		enum dnsq_type t;
		int tc; /* a reply with TC was seen */
		char name[SMTP_DOMAIN_SIZE + 1];
	} q[DNSQ_INFLIGHT_MAX];
} g;

/* udns 0.4 has no name for TLSA (RFC 6698): 52. */
#define T_TLSA 52
static const int qtypes[] = { DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_SRV, T_TLSA,
			       DNS_T_TXT };

/* A TXT record's character-strings (RFC 1035 §3.3.14) joined into
 * o->name, cut (o->txt_cut) past its size. -1: a string runs past the
 * record. */
static int txt_join(dnscc_t *d, dnscc_t *end, struct dnsq_rr *o)
{
	size_t n = 0;

	while (d < end) {
		unsigned l = *d++, i;
		if ((size_t)(end - d) < l)
			return -1;
		for (i = 0; i < l; i++) {
			if (n + 1 < sizeof o->name)
				o->name[n++] = d[i] ? (char)d[i] : '?';
			else
				o->txt_cut = 1;
		}
		d += l;
	}
	o->name[n] = 0;
	return 0;
}

/* A TLSA record: usage, selector, matching type, data (RFC 6698 §2.1),
 * the data not kept past DNS_TLSA_DATA_SIZE (oversize). -1: no data at
 * all, malformed. */
static int tlsa_keep(dnscc_t *d, size_t dsz, struct dnsq_rr *o)
{
	if (dsz < 4)
		return -1;
	o->tlsa.usage = d[0];
	o->tlsa.selector = d[1];
	o->tlsa.mtype = d[2];
	o->tlsa.len = (unsigned short)(dsz - 3);
	o->tlsa.oversize = o->tlsa.len > DNS_TLSA_DATA_SIZE;
	if (!o->tlsa.oversize)
		memcpy(o->tlsa.data, d + 3, o->tlsa.len);
	return 0;
}

/* Fills g.scratch from the answer section; type is the wanted RR type. */
static int parse_into(int type, dnscc_t *qdn, dnscc_t *pkt, dnscc_t *cur,
		      dnscc_t *end)
{
	struct dnsq_answer *a = &g.scratch;
	struct dns_parse p;
	struct dns_rr rr;
	dnsc_t dn[DNS_MAXDN];
	int r;

	a->n = a->dropped = 0;
	a->tcp = 0;
	a->ad = dns_ad(pkt) != 0;
	dns_initparse(&p, qdn, pkt, cur, end);
	while ((r = dns_nextrr(&p, &rr)) > 0) {
		struct dnsq_rr *o;
		dnscc_t *d = rr.dnsrr_dptr;
		if ((int)rr.dnsrr_typ != type)
			continue;
		if (a->n == DNS_RR_MAX) {
			a->dropped++;
			continue;
		}
		o = &a->rr[a->n];
		memset(o, 0, sizeof *o);
		switch (type) {
		case DNS_T_A:
			if (rr.dnsrr_dsz != 4)
				return DNS_E_PROTOCOL;
			memcpy(o->ip.ip, d, 4);
			break;
		case DNS_T_AAAA:
			if (rr.dnsrr_dsz != 16)
				return DNS_E_PROTOCOL;
			memcpy(o->ip.ip, d, 16);
			o->ip.is6 = 1;
			break;
		case T_TLSA:
			if (tlsa_keep(d, (size_t)rr.dnsrr_dsz, o) < 0)
				return DNS_E_PROTOCOL;
			break;
		case DNS_T_TXT:
			if (txt_join(d, rr.dnsrr_dend, o) < 0)
				return DNS_E_PROTOCOL;
			break;
		case DNS_T_MX:
		case DNS_T_SRV: {
			unsigned fixed = type == DNS_T_MX ? 2 : 6;
			dnscc_t *c;
			if (rr.dnsrr_dsz < fixed + 1)
				return DNS_E_PROTOCOL;
			o->prio = dns_get16(d);
			if (type == DNS_T_SRV) {
				o->weight = dns_get16(d + 2);
				o->port = dns_get16(d + 4);
			}
			c = d + fixed;
			if (dns_getdn(pkt, &c, end, dn, sizeof dn) <= 0 ||
			    c != rr.dnsrr_dend)
				return DNS_E_PROTOCOL;
			if (dn[0] == 0)
				o->name[0] = 0; /* the root: "." */
			else if (dns_dntop(dn, o->name, sizeof o->name) <= 0)
				return DNS_E_PROTOCOL;
			else if (o->name[strlen(o->name) - 1] == '.')
				o->name[strlen(o->name) - 1] = 0;
			break;
		}
		}
		a->n++;
	}
	return r < 0 ? DNS_E_PROTOCOL : 0;
}

#define PARSER(name, type)                                                   \
	static int name(dnscc_t *qdn, dnscc_t *pkt, dnscc_t *cur,            \
			dnscc_t *end, void **res)                            \
	{                                                                    \
		int rc = parse_into(type, qdn, pkt, cur, end);               \
		*res = rc < 0 ? 0 : &g.scratch;                              \
		return rc;                                                   \
	}
PARSER(parse_a, DNS_T_A)
PARSER(parse_aaaa, DNS_T_AAAA)
PARSER(parse_mx, DNS_T_MX)
PARSER(parse_srv, DNS_T_SRV)
PARSER(parse_tlsa, T_TLSA)
PARSER(parse_txt, DNS_T_TXT)
static dns_parse_fn *const parsers[] = { parse_a, parse_aaaa, parse_mx,
					 parse_srv, parse_tlsa, parse_txt };

static int slot_of(const struct dnsq_answer *a)
{
	int i;
	for (i = 0; i < DNSQ_INFLIGHT_MAX; i++)
		if (g.q[i].a == a)
			return i;
	return -1;
}

/* Sees every reply udns receives: remembers truncation per query. */
static void on_packet(int code, const struct sockaddr *sa, unsigned salen,
		      dnscc_t *pkt, int plen, const struct dns_query *q,
		      void *data)
{
	int i;
	(void)code; (void)sa; (void)salen;
	if (!q || !data || plen < DNS_HSIZE || !dns_tc(pkt))
		return;
	i = slot_of(data);
	if (i >= 0)
		g.q[i].tc = 1;
}

/* Copies the used part only: untouched records stay untouched pages. */
static void copy_answer(struct dnsq_answer *to, const struct dnsq_answer *from)
{
	to->ad = from->ad;
	to->tcp = from->tcp;
	to->n = from->n;
	to->dropped = from->dropped;
	memcpy(to->rr, from->rr, from->n * sizeof from->rr[0]);
	to->status = DNSQ_OK;
}

static void on_done(struct dns_ctx *ctx, void *result, void *data)
{
	struct dnsq_answer *a = data;
	int i = slot_of(a);

	if (i < 0)
		return; /* given up at a deadline: nobody waits for it now */
	if (result) {
		copy_answer(a, &g.scratch);
	} else {
		switch (dns_status(ctx)) {
		case DNS_E_NXDOMAIN: a->status = DNSQ_NXDOMAIN; break;
		case DNS_E_NODATA: a->status = DNSQ_NODATA; break;
		case DNS_E_PROTOCOL: a->status = DNSQ_PROTOCOL; break;
		case DNS_E_NOMEM: a->status = DNSQ_NOMEM; break;
		default:
			/* udns gives up on TC like on SERVFAIL: ask over TCP
			 * (in dnsq_wait), the rest is a temporary failure. */
			a->status = g.q[i].tc ? DNSQ_PENDING : DNSQ_TEMPFAIL;
			if (g.q[i].tc)
				return;
		}
	}
	g.q[i].a = 0;
}

static socklen_t to_sockaddr(const struct dnsq_server *s,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
#if CONFIG_IPV6
	if (s->ip.is6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((unsigned short)s->port);
		memcpy(&a->sin6_addr, s->ip.ip, 16);
		return sizeof *a;
	}
#endif
	{
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((unsigned short)s->port);
		memcpy(&a->sin_addr, s->ip.ip, 4);
		return sizeof *a;
	}
}

int dnsq_open(const struct dnsq_conf *c)
{
	size_t i;

	if (g.open)
		return 0;
	memset(&g, 0, sizeof g);
	g.ctx = &dns_defctx;
	/* udns's defaults, then c: not dns_init, which would read resolv.conf
	 * again (dnsq_conf did: c holds its servers, time-out and tries) and
	 * the resolver variables of the environment (RES_OPTIONS and others)
	 * that the code below mostly overrode anyway; 1.2 KB less on mipsel. */
	dns_reset(g.ctx);
	if (!c->nserv)
		return E_NODNS;
	{
		dns_add_serv(g.ctx, 0);
		for (i = 0; i < c->nserv; i++) {
			struct sockaddr_storage ss;
			socklen_t len = to_sockaddr(&c->serv[i], &ss);
			if (dns_add_serv_s(g.ctx, (struct sockaddr *)&ss) < 0) {
				log_line("resolver %zu ignored: udns takes at "
					 "most %d", i + 1, DNS_MAXSERV);
				break;
			}
			if (i == 0) {
				g.tcp_serv = ss;
				g.tcp_len = len;
			}
		}
	}
	dns_add_srch(g.ctx, 0);
	dns_set_opt(g.ctx, DNS_OPT_UDPSIZE, 4096);
	dns_set_opt(g.ctx, DNS_OPT_FLAGS, DNS_NOSRCH);
	if (c->timeout)
		dns_set_opt(g.ctx, DNS_OPT_TIMEOUT, (int)c->timeout);
	if (c->tries)
		dns_set_opt(g.ctx, DNS_OPT_NTRIES, (int)c->tries);
	dns_set_dbgfn(g.ctx, on_packet);
	if (dns_open(g.ctx) < 0)
		return E_SYS;
	g.open = 1;
	return 0;
}

void dnsq_close(void)
{
	if (g.open)
		dns_close(g.ctx);
	g.open = 0;
}

int dnsq_submit(enum dnsq_type t, const char *name, struct dnsq_answer *a)
{
	int i;
	size_t n = strlen(name);

	a->n = a->dropped = 0;
	a->ad = a->tcp = 0;
	a->status = DNSQ_PENDING;
	for (i = 0; i < DNSQ_INFLIGHT_MAX && g.q[i].a; i++)
		;
	if (i == DNSQ_INFLIGHT_MAX) {
		a->status = DNSQ_NOMEM;
		return E_NOMEM;
	}
	if (n == 0 || n > SMTP_DOMAIN_SIZE) {
		a->status = DNSQ_PROTOCOL;
		return E_PROTOCOL;
	}
	g.q[i].a = a;
	g.q[i].t = t;
	g.q[i].tc = 0;
	memcpy(g.q[i].name, name, n + 1);
	if (!dns_submit_p(g.ctx, name, DNS_C_IN, qtypes[t], DNS_NOSRCH |
			  (t == DNSQ_TLSA ? DNS_SET_DO : 0),
			  parsers[t], on_done, a)) {
		g.q[i].a = 0;
		a->status = dns_status(g.ctx) == DNS_E_NOMEM ? DNSQ_NOMEM
							     : DNSQ_PROTOCOL;
		return E_PROTOCOL;
	}
	return 0;
}

int dnsq_parse_reply(enum dnsq_type t, const unsigned char *pkt, size_t len,
		     struct dnsq_answer *a)
{
	dnscc_t *end = pkt + len, *q;
	dnsc_t qdn[DNS_MAXDN];
	dnscc_t *cur;

	a->n = a->dropped = 0;
	a->ad = a->tcp = 0;
	a->status = DNSQ_PROTOCOL;
	if (len < DNS_HSIZE || !dns_qr(pkt) || dns_tc(pkt) || dns_numqd(pkt) != 1)
		return a->status;
	/* The question: its name, then its type and class, which must be
	 * what was asked. */
	cur = pkt + DNS_HSIZE;
	if (dns_getdn(pkt, &cur, end, qdn, sizeof qdn) <= 0 || cur + 4 > end ||
	    (int)dns_get16(cur) != qtypes[t] || dns_get16(cur + 2) != DNS_C_IN)
		return a->status;
	q = cur;
	switch (dns_rcode(pkt)) {
	case DNS_R_NOERROR:
		break;
	case DNS_R_NXDOMAIN:
		return a->status = DNSQ_NXDOMAIN;
	default:
		return a->status = DNSQ_TEMPFAIL;
	}
	/* udns parses from the question's type and class on. */
	if (parse_into(qtypes[t], qdn, pkt, q, end) < 0)
		return a->status;
	copy_answer(a, &g.scratch);
	if (!a->n && !g.scratch.dropped)
		a->status = DNSQ_NODATA;
	return a->status;
}

/* Asks one truncated question again over TCP (RFC 7766) of the first
 * server, within the deadline; fills the answer. */
static void ask_tcp(int i, long long deadline)
{
	unsigned char pkt[2 + DNS_HSIZE + DNS_MAXDN + 4];
	static unsigned char reply[2 + 65535];
	struct dnsq_answer *a = g.q[i].a;
	struct pollfd p;
	size_t len, got = 0, want = 2;
	dnsc_t dn[DNS_MAXDN];
	int fd, dnl;

	a->status = DNSQ_TEMPFAIL;
	dnl = dns_ptodn(g.q[i].name, 0, dn, sizeof dn, 0);
	if (dnl <= 0)
		return;
	memset(pkt, 0, sizeof pkt);
	len = DNS_HSIZE + (size_t)dnl + 4;
	pkt[0] = (unsigned char)(len >> 8);
	pkt[1] = (unsigned char)len;
	pkt[2] = (unsigned char)(loop_now_ms() >> 8); /* query id */
	pkt[3] = (unsigned char)getpid();
	pkt[2 + DNS_H_F1] = DNS_HF1_RD;
	/* No EDNS0 here: AD in the query asks for AD in the reply (RFC 6840
	 * §5.7), which is all TLSA needs. */
	pkt[2 + DNS_H_F2] = DNS_HF2_AD;
	pkt[2 + DNS_H_QDCNT2] = 1;
	memcpy(pkt + 2 + DNS_HSIZE, dn, (size_t)dnl);
	dns_put16(pkt + 2 + DNS_HSIZE + dnl, (unsigned)qtypes[g.q[i].t]);
	dns_put16(pkt + 2 + DNS_HSIZE + dnl + 2, DNS_C_IN);

	fd = socket(g.tcp_serv.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&g.tcp_serv, g.tcp_len) < 0 &&
	    errno != EINPROGRESS)
		goto out;
	p.fd = fd;
	p.events = POLLOUT;
	if (loop_poll(&p, 1, deadline) <= 0 ||
	    send(fd, pkt, len + 2, MSG_NOSIGNAL) != (ssize_t)(len + 2))
		goto out;
	for (;;) {
		ssize_t n;
		p.events = POLLIN;
		if (loop_poll(&p, 1, deadline) <= 0)
			goto out;
		n = recv(fd, reply + got, want - got, 0);
		if (n <= 0)
			goto out;
		got += (size_t)n;
		if (got < want)
			continue;
		if (want == 2) {
			want = 2 + ((size_t)reply[0] << 8 | reply[1]);
			if (want < 2 + DNS_HSIZE)
				goto out;
			continue;
		}
		break;
	}
	if (dns_get16(reply + 2) != dns_get16(pkt + 2)) {
		a->status = DNSQ_PROTOCOL;
		goto out;
	}
	dnsq_parse_reply(g.q[i].t, reply + 2, want - 2, a);
	a->tcp = 1;
out:
	close(fd);
}

int dnsq_wait(long long deadline)
{
	int i;

	for (;;) {
		struct pollfd p;
		time_t now = time(0);
		int t = dns_timeouts(g.ctx, -1, now), rc;
		long long until = deadline;

		if (!dns_active(g.ctx))
			break;
		if (t >= 0 && loop_now_ms() + t * 1000LL < until)
			until = loop_now_ms() + t * 1000LL + 1;
		p.fd = dns_sock(g.ctx);
		p.events = POLLIN;
		rc = loop_poll(&p, 1, until);
		if (rc < 0)
			return rc;
		if (rc > 0)
			dns_ioevent(g.ctx, time(0));
		if (loop_now_ms() >= deadline)
			break;
	}
	/* Truncated questions go over TCP; anything still open failed. */
	for (i = 0; i < DNSQ_INFLIGHT_MAX; i++) {
		struct dnsq_answer *a = g.q[i].a;
		if (!a)
			continue;
		if (a->status == DNSQ_PENDING && g.q[i].tc &&
		    loop_now_ms() < deadline)
			ask_tcp(i, deadline);
		if (a->status == DNSQ_PENDING)
			a->status = DNSQ_TEMPFAIL;
		g.q[i].a = 0;
	}
	if (dns_active(g.ctx)) {
		/* Past the deadline: drop udns's own queries too. */
		dns_close(g.ctx);
		dns_reset(g.ctx);
		g.open = 0;
	}
	return 0;
}
