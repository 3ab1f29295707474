/* reports.h: what smtprc tells a sender after an attempt on one list
 * (bounce.h writes them), and when, per RFC 3461:
 *
 *   failed    the recipients bounced, unless their NOTIFY leaves out
 *             FAILURE (NOTIFY=NEVER: no report at all, logged);
 *   relayed   the recipients delivered to a server that does not offer
 *             DSN, when their NOTIFY asks for SUCCESS (a server offering
 *             DSN was given the NOTIFY and reports itself);
 *   delayed   the recipients still deferred once the message is older
 *             than delay_warning seconds, unless their NOTIFY leaves out
 *             DELAY; once per message: the message file's owner-execute
 *             bit records it (every domain's link shares the inode).
 *
 * A null sender gets none (a report never answers a report).
 */
#ifndef REPORTS_H
#define REPORTS_H

#include <time.h>
#include "outcome.h"
#include "queue.h"
#include "rcptlist.h"

struct reports {
	struct queue *q;
	const struct rcptlist *list;
	const struct outcome *out_of; /* the outcome of each list recipient */
	const char *name;             /* ID.DOMAIN */
	int msgfd;
	const char *reporting_mta;    /* this host's name */
	const char *remote_mta;       /* the server talked to, or NULL */
	int server_dsn;               /* it offered DSN */
	time_t now;
	unsigned long lifetime;       /* for Will-Retry-Until */
	unsigned long delay_warning;  /* seconds; 0: no warnings */
};

/* The failure report. Returns 1 when one was written, 0 when none was
 * due, -1 when it could not be written (errno set: the bounced
 * recipients are then to be deferred, to bounce on a later attempt). */
int reports_failed(const struct reports *r);

/* The success ("relayed") and delay reports. Each returns 1 when one was
 * written, 0 when none was due, -1 when it could not be (logged: a later
 * run may write the delay warning; a relayed notice is lost). */
int reports_relayed(const struct reports *r);
int reports_delayed(const struct reports *r);

#endif
