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

/* The outcome of recipient i of a finished (or broken) transaction. */
void outcome_rcpt(const struct smtp_txn *t, size_t i, struct outcome *o);

/* An outcome not tied to one reply: no server reachable, loops, DNS.
 * status must be a valid RFC 3463 code whose class matches kind. */
void outcome_set(struct outcome *o, enum outcome_kind kind,
		 const char *status, const char *diag);

/* A deferral of a message queued age seconds ago, over lifetime seconds,
 * becomes a bounce whose text says so and keeps the last error. */
void outcome_expire(struct outcome *o, unsigned long age,
		    unsigned long lifetime);

/* "delivered", "deferred", "bounced". */
const char *outcome_name(enum outcome_kind k);

#endif
