/* tls.h: TLS for the relay client, through BearSSL. tls_bearssl.c is the
 * only file that includes bearssl.h; with CONFIG_TLS=0 it compiles to
 * nothing and none of this exists.
 *
 * This first part is the trust store for the "verify" policy (issue 6):
 * the CA bundle (/etc/ssl/certs/ca-certificates.crt by default) is read
 * once at start-up, streamed through BearSSL's PEM and X.509 decoders,
 * and kept as trust anchors in fixed storage: at most TLS_ANCHORS_MAX
 * anchors and TLS_ANCHOR_BYTES bytes of their names and keys. Every
 * certificate of the bundle is an anchor (a CA by definition of the
 * file); one whose key is neither RSA nor EC, or that does not decode, is
 * skipped and counted.
 */
#ifndef TLS_H
#define TLS_H

#include <stddef.h>
#include "config.h"

#if CONFIG_TLS
struct tls_anchor_stats {
	size_t anchors;   /* loaded */
	size_t bytes;     /* of TLS_ANCHOR_BYTES used */
	size_t skipped;   /* certificates that could not be anchors */
	size_t objects;   /* PEM objects seen, of any type */
};

/* Empties the store; limit caps its bytes (0 or over TLS_ANCHOR_BYTES:
 * TLS_ANCHOR_BYTES), so that tests can fill it. */
void tls_anchors_reset(size_t limit);

/* Feeds the next len bytes of a PEM bundle. Returns 0, or -1 with *why
 * (a static sentence) when the PEM is malformed or the store is full: the
 * anchors loaded before stay usable. */
int tls_anchors_push(const void *buf, size_t len, const char **why);

/* Ends the bundle: -1 with *why when it ends inside an object, else 0;
 * fills st. */
int tls_anchors_finish(struct tls_anchor_stats *st, const char **why);
#endif

#endif
