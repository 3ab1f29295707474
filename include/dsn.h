/* dsn.h: the words of Delivery Status Notifications (RFC 3461), pure:
 * NOTIFY lists, RET, ENVID and ORCPT as sendmail takes them, the queue
 * keeps them and MAIL and RCPT carry them.
 *
 *   NOTIFY  "never", or one or more of "success", "delay", "failure"
 *           (any case, comma-separated): when the sender wants a report
 *           for that recipient. Not given (0): failures and delays, as
 *           RFC 3461 section 4.1 leaves to the MTA.
 *   RET     "full" or "hdrs": how much of the message a failure report
 *           returns. Not given: the whole message up to BOUNCE_ORIG_SIZE.
 *   ENVID   the sender's identifier of the transaction, 1 to
 *           DSN_ENVID_MAX printable ASCII characters, echoed in reports.
 *   ORCPT   "TYPE;address": the recipient as first given (rfc822, or
 *           utf-8 for an internationalized one), echoed in reports.
 */
#ifndef DSN_H
#define DSN_H

#include <stddef.h>
#include "config.h"

enum {
	DSN_NOTIFY_SUCCESS = 1 << 0,
	DSN_NOTIFY_DELAY = 1 << 1,
	DSN_NOTIFY_FAILURE = 1 << 2,
	DSN_NOTIFY_NEVER = 1 << 3
};
enum { DSN_RET_NONE, DSN_RET_FULL, DSN_RET_HDRS };

#define DSN_ENVID_MAX 100

/* What a message and a recipient carry (pointers into the caller's
 * buffer; lengths 0 and DSN_RET_NONE when not given). */
struct dsn_msg {
	const char *envid;
	size_t envid_len;
	int ret;
};
struct dsn_rcpt {
	unsigned notify;
	const char *orcpt;     /* "rfc822;addr" or "utf-8;addr" */
	size_t orcpt_len;
};

/* A queue file's DSN line "key value" (maildrop entries and lists
 * version 2: docs/queue.md): "envid" and "ret" for the message (m),
 * "notify" and "orcpt" for the recipient before it (r, NULL before the
 * first). Returns 1 when taken, 0 when key is none of them, -1 when its
 * value is malformed or it has no place here. */
int dsn_line(const char *key, size_t klen, const char *val, size_t vlen,
	     struct dsn_msg *m, struct dsn_rcpt *r);

/* Writes the DSN lines of m (r NULL) or of recipient r into out, room
 * DSN_LINES_MAX. Returns their length (0: nothing to write). */
#define DSN_LINES_MAX (2 * SMTP_PATH_SIZE + 64)
size_t dsn_lines(const struct dsn_msg *m, const struct dsn_rcpt *r, char *out);

/* 1 when m or r carries anything (the file then needs version 2). */
int dsn_msg_any(const struct dsn_msg *m);
int dsn_rcpt_any(const struct dsn_rcpt *r);

/* 1 when s[0..n) is an ORCPT value: "rfc822;" (ASCII address) or
 * "utf-8;" then 1..SMTP_PATH_SIZE - 2 bytes without controls or blanks. */
int dsn_orcpt_valid(const char *s, size_t n);

/* Parses a NOTIFY list s[0..n). Returns the DSN_NOTIFY_* bits, or -1
 * (an unknown word, an empty one, "never" with another). */
int dsn_notify_parse(const char *s, size_t n);

/* Writes the NOTIFY list of bits (non-zero) into out (at least 24
 * bytes), upper case ("SUCCESS,FAILURE") when upper, else lower case.
 * Returns its length. */
size_t dsn_notify_format(unsigned bits, int upper, char *out);

/* 1 when a report of this kind (one DSN_NOTIFY_* bit) is wanted for a
 * recipient whose NOTIFY is bits (0: not given: failure and delay). */
int dsn_notify_wants(unsigned bits, unsigned kind);

/* "full" or "hdrs" (any case): DSN_RET_*, or -1. */
int dsn_ret_parse(const char *s, size_t n);

/* 1 when s[0..n) can be an ENVID: 1..DSN_ENVID_MAX bytes of printable
 * ASCII (33..126). */
int dsn_envid_valid(const char *s, size_t n);

/* Writes s[0..n) as xtext (RFC 3461 section 4: '+', '=' and bytes
 * outside 33..126 as "+XX") into out, room 3 * n. Returns the length. */
size_t dsn_xtext(const char *s, size_t n, char *out);

#endif
