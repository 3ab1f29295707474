/* dnsq.h: DNS look-ups for locating servers, behind one adapter
 * (src/dnsq_udns.c, the only file that includes udns.h).
 *
 * Queries are submitted, then dnsq_wait() drives them with the program's
 * poll loop (loop.h) until all are answered or a deadline passes. Answers
 * go into caller-owned fixed tables (DNS_RR_MAX records each); udns's own
 * allocations come from the bounded arena (arena.h). EDNS0 is on; a reply
 * truncated even so is asked again over TCP. Names are absolute: no search
 * list is applied.
 */
#ifndef DNSQ_H
#define DNSQ_H

#include <stddef.h>
#include "config.h"
#include "ip46.h"

/* TLSA (RFC 6698) is asked with EDNS0's DO bit, so that a validating
 * resolver reports AD; its records are trusted only then (dane.h). */
enum dnsq_type { DNSQ_A, DNSQ_AAAA, DNSQ_MX, DNSQ_SRV, DNSQ_TLSA,
		 DNSQ_TXT };   /* TXT: MTA-STS's _mta-sts record (RFC 8461) */

enum dnsq_status {
	DNSQ_PENDING = -1, /* not answered yet */
	DNSQ_OK = 0,       /* records in the answer (n may be 0 after drops) */
	DNSQ_NODATA,       /* the name exists, no record of that type */
	DNSQ_NXDOMAIN,     /* the name does not exist */
	DNSQ_TEMPFAIL,     /* SERVFAIL, REFUSED, time-out, truncation not cured */
	DNSQ_PROTOCOL,     /* a malformed answer */
	DNSQ_NOMEM,        /* the arena is full */
};

struct dnsq_rr {
	unsigned prio;     /* SRV priority, MX preference */
	unsigned weight;   /* SRV */
	unsigned port;     /* SRV */
	struct ip46 ip;    /* A, AAAA */
	unsigned char txt_cut; /* TXT: longer than name, cut (unusable) */
	union {           /* C11 anonymous: rr.name, rr.tlsa */
		char name[SMTP_DOMAIN_SIZE + 1]; /* SRV/MX target; "" for ".";
						    TXT: its strings joined,
						    a NUL byte made '?' */
		struct {          /* TLSA */
			unsigned char usage, selector, mtype;
			unsigned char oversize; /* data over DNS_TLSA_DATA_SIZE:
						   not kept, unusable */
			unsigned short len;
			unsigned char data[DNS_TLSA_DATA_SIZE];
		} tlsa;
	};
};

struct dnsq_answer {
	int status;        /* enum dnsq_status */
	int ad;            /* the resolver set AD (authenticated data) */
	int tcp;           /* the answer came over TCP after truncation */
	size_t n;          /* records kept */
	size_t dropped;    /* records over DNS_RR_MAX, not kept */
	struct dnsq_rr rr[DNS_RR_MAX];
};

struct dnsq_server {
	struct ip46 ip;
	unsigned port;     /* 53 unless given */
};

struct dnsq_conf {
	struct dnsq_server serv[DNS_SERVERS_MAX];
	size_t nserv;      /* at least 1 (dnsq_resolvconf for the default) */
	unsigned timeout;  /* seconds per try (udns's default 4) */
	unsigned tries;    /* tries per server (udns's default 3) */
};

/* Opens the resolver with c's servers (nothing when it is open already).
 * Returns 0, or E_SYS, or E_NODNS (no server given). */
int dnsq_open(const struct dnsq_conf *c);
void dnsq_close(void);

/* Starts a query for name (a host name without the final dot). a is the
 * caller's and must stay valid until answered; its status is PENDING until
 * then. Returns 0, or a negative code when the query could not be started
 * (a->status then says why: PROTOCOL for a bad name, NOMEM). */
int dnsq_submit(enum dnsq_type t, const char *name, struct dnsq_answer *a);

/* Drives every pending query until all are answered or deadline (loop.h
 * milliseconds) passes; then the rest end as TEMPFAIL. Blocks. Returns 0
 * or E_SYS. */
int dnsq_wait(long long deadline);

/* Parses a whole DNS reply to a question of type t into a: the header
 * (a response, not truncated, one question of type t, class IN), the
 * rcode (NXDOMAIN; any other error is TEMPFAIL), then every answer record
 * of type t for the question's name, following CNAMEs. Pure: used for
 * answers that came over TCP, and fuzzed. Returns a->status. */
int dnsq_parse_reply(enum dnsq_type t, const unsigned char *pkt, size_t len,
		     struct dnsq_answer *a);

/* Parses "ADDR" or "ADDR:PORT" or "[IPV6]:PORT" into s (--resolver).
 * Returns 1 when valid. */
int dnsq_server_parse(const char *text, struct dnsq_server *s);

/* Parses resolv.conf text: "nameserver ADDR" lines (up to DNS_SERVERS_MAX,
 * the rest ignored), "options timeout:N attempts:N". Other lines and
 * malformed addresses are skipped. Pure. Returns the servers found. */
size_t dnsq_resolvconf(const char *buf, size_t len, struct dnsq_conf *c);

#endif
