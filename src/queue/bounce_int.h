/* bounce_int.h: what bounce.c (the report's frame and the returned
 * original) and bounce_parts.c (the text for a person and the delivery
 * status for a program) share. Private to src/queue. */
#ifndef BOUNCE_INT_H
#define BOUNCE_INT_H

#include "bounce.h"
#include "wbuf.h"

/* The first part: the reasons in words (US-ASCII, or UTF-8
 * quoted-printable when an address or a reply is not ASCII). headers_only:
 * the original's header is what is attached; cut: and it was cut. */
void bounce_put_notification(struct wbuf *w, const struct bounce *b,
			     int headers_only, int cut);

/* The second part: the RFC 3464 delivery status, one block a recipient,
 * every field US-ASCII. */
void bounce_put_status(struct wbuf *w, const struct bounce *b,
		       const char *boundary);

#endif
