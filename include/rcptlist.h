/* rcptlist.h: recipient list files (docs/queue.md), pure parse and format.
 *
 * A recipient list is a small text file, one "key value" per line, LF
 * line ends, for one message and one domain, or one next hop (route.h's
 * HOST:PORT: the recipients of every domain routed there):
 *
 *   smtprc-list 1
 *   message 1764343185-4711-0
 *   domain example.com
 *   sender <alice@example.org>          ("<>": null reverse-path)
 *   queued 1764343185                   (Unix time the message arrived)
 *   attempts 2
 *   rcpt <bob@example.com>              (never tried, or no diagnostic)
 *   rcpt <carol@example.com> 450 4.2.0 mailbox busy   (last diagnostic)
 *
 * Every key but rcpt appears exactly once, in this order; rcpt appears 0 to
 * RCPT_PER_LIST_MAX times. Version 2 ("smtprc-list 2", written only when
 * the message asked for DSN) may have "envid" and "ret" lines after
 * attempts, and "notify" and "orcpt" lines after a rcpt line, for it
 * (dsn.h); version 1 is read as before. The parser keeps pointers into the caller's
 * buffer, which must outlive the struct.
 */
#ifndef RCPTLIST_H
#define RCPTLIST_H

#include <stddef.h>
#include "addr.h"
#include "config.h"
#include "dsn.h"

struct rcptlist_rcpt {
	const char *addr; /* without angle brackets */
	size_t len;
	const char *diag; /* last diagnostic, or NULL */
	size_t diag_len;
	int bad;          /* no valid mailbox (addr_valid): bounce it */
	struct dsn_rcpt dsn;  /* NOTIFY and ORCPT (version 2) */
};

struct rcptlist {
	const char *id;     size_t id_len;
	const char *domain; size_t domain_len;
	const char *sender; size_t sender_len; /* 0: null reverse-path */
	unsigned long queued;
	unsigned long attempts;
	struct dsn_msg dsn;     /* ENVID and RET (version 2) */
	int version;        /* 1, or 2 with DSN lines */
	int unusable;       /* the domain is a file-name-safe token but no
			       usable domain (an older writer's "[a/b]"):
			       such a list is settled by bouncing it 5.1.2 */
	int hop;            /* the domain is a next hop, HOST:PORT
			       (route_hop): recipients of any domain */
	size_t nrcpt;
	struct rcptlist_rcpt rcpt[RCPT_PER_LIST_MAX];
	/* After a failed parse: the 1-based line and what is wrong. */
	unsigned err_line;
	const char *err;
};

/* Parses buf[0..len). Returns 0, or E_LIST with err_line and err set.
 * Checks: the header, the order of keys, numbers, the identifier's
 * characters ([0-9A-Za-z_-]), the domain's characters, every address's
 * path syntax (addr_path_end) and length (SMTP_PATH_SIZE), each
 * recipient's domain (after its last '@') equal to the list's (ignoring
 * case), and the recipient count. A recipient that is no valid mailbox
 * (addr_valid; an older writer's syntax) is kept with bad set, to be
 * bounced rather than hold the list. */
int rcptlist_parse(struct rcptlist *l, const char *buf, size_t len);

/* Writes l in the format above into out[0..size), version 2 when l has
 * DSN fields. Diagnostics have control characters replaced by '?'. Returns the length, or 0 when it does not fit
 * (it always fits in RCPTLIST_SIZE for a list that rcptlist_parse accepted
 * with diagnostics up to SMTP_DIAG_SIZE). */
size_t rcptlist_format(const struct rcptlist *l, char *out, size_t size);

/* 1 when d[0..len) can be a list's domain at all: 1..SMTP_DOMAIN_SIZE
 * printable bytes without '/', blanks or brackets inside (but "]:" of a
 * next hop; what a queue file name can carry); addr_domain_valid or
 * route_hop says whether it is usable. */
int rcptlist_domain_token(const char *d, size_t len);

/* Checks a queue identifier: 1..QUEUE_ID_SIZE-1 of [0-9A-Za-z_-]. */
int rcptlist_id_valid(const char *id, size_t len);

#endif
