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
 *
 * A domain routed to a next hop (a route whose target is HOST:PORT or
 * [ADDRESS]:PORT, route.h) is queued under that hop instead, so that one
 * message's recipients of every domain sent through one smarthost share
 * one list: one transaction, one relay client, one connection. Not so a
 * domain with a TLS policy of its own (keep[]: its policy must hold for
 * its mail alone), nor a local one, nor a hop too long for a list.
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

/* What the posting office knows of the routes (the caller's strings). */
struct sorting_routes {
	const char *const *routes;  /* "DOMAIN TARGET" (route.h) */
	size_t nroutes;
	const char *const *keep;    /* "DOMAIN ..." lines (TLS policies) */
	size_t nkeep;
	const char *const *local;   /* local domains */
	size_t nlocal;
};

struct sorting {
	const struct sorting_routes *rt;   /* input; NULL: no routes */
	char dom[MAILDROP_RCPT_MAX][SMTP_DOMAIN_SIZE + 1]; /* lower case:
						a domain or a next hop */
	size_t ndom;
	int of[MAILDROP_RCPT_MAX];      /* recipient -> domain index, -1 bad */
	size_t len[MAILDROP_RCPT_MAX];  /* the address's length without its
					   domain's trailing dot */
	struct outcome bad[MAILDROP_RCPT_MAX];  /* the bounce of a bad one */
	size_t nbad;
};

/* Sorts the recipients of env, an entry whose identifier has idlen
 * bytes. Pure: reads env and so->rt, writes so. */
void sorting_classify(struct sorting *so, const struct maildrop_env *env,
		      size_t idlen);

/* The name domain d[0..len) is queued under: d itself, or out holding its
 * next hop (lower case). Returns what to use (d or out) and its length in
 * *n. Pure. */
const char *sorting_key(const struct sorting_routes *rt, const char *d,
			size_t len, char out[SMTP_DOMAIN_SIZE + 1], size_t *n);

#endif
