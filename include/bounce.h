/* bounce.h: delivery status notifications (RFC 3464, RFC 3462
 * multipart/report), written into the maildrop for the original sender.
 *
 * One report per message per run and kind: the failed recipients (a
 * bounce), the delayed ones (a warning), the ones relayed to a server
 * without DSN that were asked a success report of. Its envelope sender is
 * null, so a report never bounces. A bounce returns the original whole up
 * to BOUNCE_ORIG_SIZE bytes (message/rfc822), else (or with RET=HDRS, and
 * for the other kinds) its header only (text/rfc822-headers), cut at a
 * line boundary at that size. ENVID and each ORCPT are echoed (RFC 3464
 * Original-Envelope-Id, Original-Recipient).
 */
#ifndef BOUNCE_H
#define BOUNCE_H

#include <stddef.h>
#include <time.h>
#include "dsn.h"
#include "outcome.h"
#include "queue.h"

struct bounce_rcpt {
	const char *addr;
	size_t len;
	const struct outcome *o;
	const struct dsn_rcpt *dsn;  /* its ORCPT, or NULL */
};

/* What a report says happened (RFC 3464 Action). */
enum { BOUNCE_FAILED, BOUNCE_DELAYED, BOUNCE_RELAYED };

struct bounce {
	int action;                 /* BOUNCE_*: one for every recipient */
	const struct dsn_msg *dsn;  /* ENVID and RET, or NULL */
	unsigned long retry_until;  /* BOUNCE_DELAYED: when it expires */
	const char *reporting_mta;  /* this host's name */
	const char *remote_mta;     /* server talked to, or NULL */
	const char *sender;         /* the original sender: recipient here */
	size_t sender_len;          /* > 0 */
	const char *id;             /* the original's queue identifier */
	unsigned long queued;       /* when the original arrived */
	time_t now;
	const struct bounce_rcpt *rcpt;
	size_t nrcpt;
	int msgfd;                  /* the original, read with pread */
};

/* Writes the bounce as a new maildrop entry, fsynced, its directory
 * fsynced. Returns 0, or E_SYS with errno (nothing is left behind). */
int bounce_write(struct queue *q, const struct bounce *b);

/* Formats t as an RFC 5322 date in UTC into out (at least 32 bytes). */
void bounce_date(time_t t, char *out);

#endif
