/* relay.h: the one connection of a run. It walks the located servers until
 * one greets and accepts EHLO/HELO, then runs one transaction per message
 * over it, and ends it with QUIT. All waiting is poll() with the deadline
 * of the stage (RFC 5321 §4.5.3.2); the SMTP logic is smtp_session's.
 * Blocks until the stage completes or its deadline passes.
 */
#ifndef RELAY_H
#define RELAY_H

#include "config.h"
#include "locate.h"
#include "hdrfrom.h"
#include "mime7.h"
#include "outcome.h"
#include "smtp_session.h"

/* TLS policy (--tls; man/smtprc.8). */
enum relay_tls {
	RELAY_TLS_NONE,     /* never STARTTLS */
	RELAY_TLS_MAY,      /* STARTTLS when offered, any certificate; a failed
			       handshake: reconnect and go on in plaintext */
	RELAY_TLS_ENCRYPT,  /* TLS required, any certificate */
	RELAY_TLS_VERIFY,   /* TLS required, the chain must reach an anchor
			       of the CA bundle and name the server */
	RELAY_TLS_DANE,     /* per server, by its TLSA records (dane.h):
			       usable ones make TLS mandatory and checked
			       against them; a secure set of unusable ones
			       is "encrypt"; none (or not DNSSEC-validated)
			       is "may"; a failed look-up skips the server */
};

struct relay_conf {
	const char *helo_name;
	int hello;                           /* /HELO */
	unsigned timeout[SMTP_STAGE_COUNT];  /* seconds per stage */
	enum relay_tls tls;
	unsigned implicit_port;  /* TLS from the first byte here (465, RFC
				    8314), whatever the policy; 0: never */
	const char *auth_user, *auth_pass; /* SMTP AUTH inside TLS, or NULL */
	const char *auth_token;  /* OAuth 2.0 instead of auth_pass, or NULL */
	unsigned auth_mech;      /* its SMTP_AUTH_XOAUTH2 or _OAUTHBEARER */
	const struct dnsq_conf *dns;  /* DANE's TLSA look-ups */
	unsigned dns_timeout;         /* seconds for one of them */
	const char *nexthop;          /* the mail domain (DANE-TA's second
					 name), or NULL for a route */
	const struct sts_policy *sts; /* under dane: the domain's MTA-STS
					 enforce policy, or NULL; a server
					 without usable TLSA records must be
					 an MX it allows, verified */
};

/* A message to send: its queue file, read from offset 0, and its length
 * in bytes from the fstat at its open (a queue file is never written in
 * place: a shorter read is an error, never a message sent cut); conv, when
 * not NULL, its 7-bit conversion (pass 1 done: mime7.h). may_pend: the
 * caller takes RELAY_PENDING. head: head_len bytes (at most
 * BODY_CHUNK_SIZE) sent first, as part of the message (a Date field it
 * lacks), or NULL. */
struct relay_msg {
	int fd;
	long long len;
	struct mime7 *conv;
	int may_pend;
	const char *head;
	size_t head_len;
};

/* What relay_txn returns besides 0 and E_* codes. */
enum {
	RELAY_PENDING = 1, /* the message and its dot went out; the reply is
			      read when the next transaction's are (its
			      commands go out behind the dot) or by
			      relay_wait */
	RELAY_EARLIER = 2  /* the pending transaction's replies are in (or
			      will never come): settle it, then call
			      relay_txn again with the same arguments */
};

struct relay {
	const struct relay_conf *conf;
	struct smtp_session s;
	struct smtp_txn *cur;   /* the transaction relay_txn is running */
	struct smtp_txn *pend;  /* RELAY_PENDING: its dot's reply awaited */
	int fd;
	int up;              /* a session is open and idle or in a message */
	const struct locate_addr *server; /* the server talked to */
	char peer[SMTP_DOMAIN_SIZE + IP46_FMT_SIZE + 16]; /* "name[addr]:port" */
	long long deadline;  /* of the reply being awaited, ms */
	size_t in_len, in_used;
	char in[SMTP_IN_SIZE];
	char cut[SMTP_REPLY_LINE_SIZE]; /* a reply line cut to fit */
	size_t out_len;
	char out[SMTP_OUT_SIZE];
	struct outcome fail; /* why no session is open: for every recipient */
	int tls_on;          /* the session runs over TLS */
	int tls_failed;      /* the last failure was TLS's (E_TLS, E_NOTLS) */
	char tls_info[96];   /* tls_describe() of the session, or "" */
	char why[SMTP_DIAG_SIZE]; /* the last local failure's sentence */
	int tls_check;       /* TLS_CHECK_* of this connection */
	const char *from_header;        /* route-from ... header: the From
					   field's address, or NULL */
	/* Last, what only some sessions use: a page of memory not touched is
	 * not resident. */
	char conv[BODY_CHUNK_SIZE];     /* the message made 7-bit, a piece */
	char hf[HDRFROM_MAX(BODY_CHUNK_SIZE, SMTP_PATH_SIZE)]; /* a piece
					   with its From field replaced */
	/* DANE: the TLSA answer of the host named in tlsa_host */
	char tlsa_host[SMTP_DOMAIN_SIZE + 1];
	unsigned tlsa_port;
	int tlsa_state;      /* enum dane_state */
	struct dnsq_answer tlsa;
};

/* Connects to the servers of loc in order until one session is ready.
 * Returns 0 (r->up), or E_CONNECT with r->fail a deferral naming the last
 * failure. r is the caller's; nothing is allocated. */
int relay_open(struct relay *r, const struct relay_conf *c,
	       const struct locate_result *loc);

/* Runs one transaction for message m. Returns 0 when every reply is in
 * t, or a negative E_* code when the connection failed in between
 * (t->fail says why; r->up is then 0 and every later transaction must be
 * deferred with r->fail).
 *
 * With m->may_pend and a server that pipelines, it returns RELAY_PENDING
 * once the message's final dot is out: t's dot reply is still to come.
 * The caller may then start the next transaction (its MAIL, RCPT and DATA
 * go out in the same write as the dot: one round trip a message, RFC 2920
 * section 3.1), which first returns RELAY_EARLIER when t is complete; or
 * call relay_wait for t alone. t must stay untouched until then. */
int relay_txn(struct relay *r, struct smtp_txn *t, const struct relay_msg *m);

/* Completes the RELAY_PENDING transaction: 0 when its replies are in, or
 * an E_* code as relay_txn. 0 when none is pending. */
int relay_wait(struct relay *r);

/* Completes a pending transaction, sends QUIT if a session is open and
 * closes the connection. */
void relay_close(struct relay *r);

#endif
