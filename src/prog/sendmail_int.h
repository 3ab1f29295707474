/* sendmail_int.h: what sendmail.c (the injector) and sendmail_bs.c (its
 * SMTP dialogue on standard input, sendmail -bs) share. Private to
 * src/prog. */
#ifndef SENDMAIL_INT_H
#define SENDMAIL_INT_H

#include <sys/types.h>
#include "config.h"
#include "dotend.h"

/* Standard input: the message (through the dot filter) and, for -bs,
 * the command lines between messages. */
struct sendmail_in {
	struct dotend dot;
	int eof;                /* the message ended (its dot, or below) */
	int closed;             /* standard input reached its end */
	size_t pos, len;        /* raw[pos..len) not taken yet */
	char raw[4096];
};
extern struct sendmail_in sendmail_in;

/* Reads up to size (at least 3) bytes of the message into out. Returns
 * the count, 0 at the end, -1 on a read error. */
ssize_t sendmail_in_read(char *out, size_t size);

/* Adds one recipient (qualified with origin, an IDN domain in A-labels).
 * Returns 0 or why it is refused: sendmail_too_many when the message has
 * as many as it may. */
extern const char sendmail_too_many[];
const char *sendmail_rcpt_add(const char *a, const char *origin);
/* Forgets the recipients added (RSET). */
void sendmail_rcpt_reset(void);

/* Queues the message read from standard input (header, then body) for
 * sender and the recipients added, as one maildrop entry, and signals the
 * posting office; id receives its identifier. Exits through err_fatal on
 * any failure, nothing left behind. Then forgets the recipients. */
void sendmail_queue_one(const char *sender, const char *origin, char *id);

/* sendmail -bs: an SMTP dialogue on standard input and output (RFC 5321,
 * the submission subset a local client needs), each message queued as
 * sendmail_queue_one does. Returns the exit status. */
int sendmail_bs(const char *origin, unsigned long maxsize);

#endif
