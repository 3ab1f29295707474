/* smtprc_oauth.h: the relay client's OAuth 2.0 (oauth.h): its route's
 * token file loaded, and an access token made ready before the session,
 * refreshed over HTTPS (https.h) when it is missing, expires within
 * OAUTH_EARLY seconds, its expiry is unknown (the clock was not set when
 * it came), or the server refused it. A token problem defers (4.7.8):
 * it never bounces. Tokens are never logged.
 */
#ifndef OAUTH_SMTPRC_H
#define OAUTH_SMTPRC_H

#include <stddef.h>
#include "locate.h"
#include "oauth.h"
#include "smtprc_opts.h"

/* Loads c->oauth_file; when its target is c->target, c->relay gets its
 * user and mechanism (and its access token, maybe stale) and c->oauth is
 * set. Returns 0 (also when the file serves another route) or -1 with
 * why (a usage error: the file is unreadable, not private, malformed). */
int smtprc_oauth_load(struct smtprc_conf *c, char *why, size_t whysize);

/* The token file as smtprc_oauth_load read it last (for --check). */
const struct oauth *smtprc_oauth_seen(void);

/* Makes c->relay.auth_token usable for a session: refreshes it when it
 * must be (force: the server refused the one it has; then a token that
 * another process stored meanwhile is taken instead). lq: DNS and
 * /etc/hosts, as for SMTP. Returns 0, or -1 with why. */
int smtprc_oauth_ready(struct smtprc_conf *c, const struct locate_req *lq,
		       int force, char *why, size_t whysize);

/* smtprc --oauth-login TARGET (c->target; c->oauth_file names its token
 * file): the device authorization grant (RFC 8628), for a box without a
 * browser. Prints the verification URL and the code for the
 * administrator, polls the token endpoint within its interval (5 s more
 * after each slow_down) until the code expires, stores the tokens.
 * Returns 0, or exits saying why: 64 for a bad token file; 69 when the
 * sign-in was refused; 75 when the code expired or the endpoints could
 * not be reached; 73 when the file could not be written. */
int smtprc_oauth_login(struct smtprc_conf *c, const struct locate_req *lq);

#endif
