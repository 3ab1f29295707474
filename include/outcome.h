/* outcome.h: the one place that decides what happened to a recipient.
 *
 * Every reply code, lost connection, time-out, size refusal, DNS or
 * connect failure and the message lifetime are mapped here to delivered,
 * deferred or bounced, with an RFC 3463 status and a diagnostic text.
 * Anything ambiguous is deferred, never bounced.
 */
#ifndef OUTCOME_H
#define OUTCOME_H

#include "config.h"
#include "smtp_session.h"

/* Deferred is 0: an outcome nobody set is never taken for a delivery. */
enum outcome_kind { OUTCOME_DEFERRED = 0, OUTCOME_DELIVERED, OUTCOME_BOUNCED };

struct outcome {
	enum outcome_kind kind;
	char status[12];             /* "2.0.0", "4.4.2", "5.1.1" ... */
	char diag[SMTP_DIAG_SIZE];   /* the server's reply or our reason */
	int from_server;             /* diag is a server reply (for DSNs) */
	int dup_risk;                /* lost between final dot and reply */
};

/* The outcome of recipient i of a finished (or broken) transaction. A
 * 552 to its RCPT is deferred (RFC 5321 section 4.5.3.1.10), status 4.x.x
 * with the server's detail. */
void outcome_rcpt(const struct smtp_txn *t, size_t i, struct outcome *o);

/* 1 when o is a server's "too many recipients" to a RCPT (452 or 552
 * with status x.5.3 or none): worth another transaction on the same
 * connection once this one delivered to the others. */
int outcome_is_too_many(const struct outcome *o);

/* An outcome not tied to one reply, with an RFC 3463 status whose class
 * matches kind. Call sites use the named constructors below, which carry
 * their class and status together (as qmail-remote's temp_* and perm_*);
 * outcome_set is for tests and for this module. */
void outcome_set(struct outcome *o, enum outcome_kind kind,
		 const char *status, const char *diag);

/* Named outcomes. Each fills o with its class, its status and diag (our
 * own reason, copied and cut at SMTP_DIAG_SIZE).
 *
 *   deferred (temporary: the list keeps the recipient)
 *     outcome_dns_failed         4.4.3  a DNS look-up failed or timed out
 *     outcome_no_address         4.4.4  no server with a usable address,
 *                                       or every better server failed
 *     outcome_connect_failed     4.4.1  no server answered / no session
 *     outcome_connection_lost    4.4.2  the session broke off
 *     outcome_local_error        4.3.0  our own I/O (a read, a bounce)
 *     outcome_config_error       4.3.5  this system's configuration
 *     outcome_tls_failed         4.7.5  handshake or certificate failure
 *     outcome_tls_missing        4.7.10 the policy needs TLS; none offered
 *     outcome_auth_failed        4.7.8  the smarthost refused our AUTH
 *   bounced (permanent)
 *     outcome_bad_address        5.1.3  not a mailbox address
 *     outcome_bad_domain         5.1.2  the domain is not routable or
 *                                       does not exist
 *     outcome_no_mail_service    5.1.10 null MX, SRV target "."
 *     outcome_loop               5.4.6  the best server is this system
 *     outcome_not_convertible    5.6.3  8-bit data for a server without
 *                                       8BITMIME, and no 7-bit form of it
 *     outcome_needs_smtputf8     5.6.7  a UTF-8 address for a server
 *                                       without SMTPUTF8 (RFC 6531 3.2)
 */
void outcome_dns_failed(struct outcome *o, const char *diag);
void outcome_no_address(struct outcome *o, const char *diag);
void outcome_connect_failed(struct outcome *o, const char *diag);
void outcome_connection_lost(struct outcome *o, const char *diag);
void outcome_local_error(struct outcome *o, const char *diag);
void outcome_config_error(struct outcome *o, const char *diag);
void outcome_tls_failed(struct outcome *o, const char *diag);
void outcome_tls_missing(struct outcome *o, const char *diag);
void outcome_auth_failed(struct outcome *o, const char *diag);
void outcome_bad_address(struct outcome *o, const char *diag);
void outcome_bad_domain(struct outcome *o, const char *diag);
void outcome_no_mail_service(struct outcome *o, const char *diag);
void outcome_loop(struct outcome *o, const char *diag);
void outcome_not_convertible(struct outcome *o, const char *diag);
void outcome_needs_smtputf8(struct outcome *o, const char *diag);
/* outcome_bad_domain with its own words, for a list queued for a domain
 * that is no usable domain (rcptlist.h's unusable). */
void outcome_unusable_domain(struct outcome *o);

/* A session that ended inside a transaction, for the lists after it:
 * the server's 421 (last, the session's last reply) as the server said
 * it, deferred with its status (4.4.2 when it gives none); anything else
 * outcome_connection_lost with why. */
void outcome_session_ended(struct outcome *o, const struct smtp_result *last,
			   const char *why);

/* 1 when o is outcome_no_address's (locate turns that into a bounce when
 * the implicit MX has no address either). */
int outcome_is_no_address(const struct outcome *o);

/* 1 when o carries a duplicate risk its text no longer says (outcome_rcpt
 * appends it; an expiry's prefix can cut it off): a log line adds it. */
int outcome_dup_unsaid(const struct outcome *o);

/* A deferral of a message queued age seconds ago, over lifetime seconds,
 * becomes a bounce whose text says so and keeps the last error. */
void outcome_expire(struct outcome *o, unsigned long age,
		    unsigned long lifetime);

/* "delivered", "deferred", "bounced". */
const char *outcome_name(enum outcome_kind k);

#endif
