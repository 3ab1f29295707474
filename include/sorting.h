/* sorting.h: the posting office's decision for one maildrop entry, with
 * no files: which recipient goes to which domain's list, and which are
 * bounced at once because their address or domain cannot be routed.
 *
 *   bad mailbox syntax, or no '@' outside quotes   5.1.3 (bounced)
 *   a domain that is not a domain name or an IPv4
 *   or IPv6 address literal (RFC 5321 §4.1.3), or
 *   a name without a dot (not routable)            5.1.2 (bounced)
 *   ID.DOMAIN longer than a queue file name allows  5.1.2 (bounced)
 *   anything else: its domain, lower-cased and without a trailing dot
 *   (len[] is the address without it); recipients of one domain (case
 *   ignored) share one list
 */
#ifndef SORTING_H
#define SORTING_H

#include <stddef.h>
#include "config.h"
#include "maildrop.h"
#include "outcome.h"

/* The longest queue file name this system writes (ID.DOMAIN), in bytes:
 * below the 255 of common file systems, with room for the ".bad" and
 * temporary suffixes. */
#define SORTING_NAME_MAX 250

struct sorting {
	char dom[MAILDROP_RCPT_MAX][SMTP_DOMAIN_SIZE + 1]; /* lower case */
	size_t ndom;
	int of[MAILDROP_RCPT_MAX];      /* recipient -> domain index, -1 bad */
	size_t len[MAILDROP_RCPT_MAX];  /* the address's length without its
					   domain's trailing dot */
	struct outcome bad[MAILDROP_RCPT_MAX];  /* the bounce of a bad one */
	size_t nbad;
};

/* Sorts the recipients of env, an entry whose identifier has idlen
 * bytes. Pure: reads env, writes so. */
void sorting_classify(struct sorting *so, const struct maildrop_env *env,
		      size_t idlen);

#endif
