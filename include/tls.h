/* tls.h: TLS for the relay client, through BearSSL. Only the tls_*.c
 * files include bearssl.h (tls_int.h says which does what); with
 * CONFIG_TLS=0 they compile to nothing and the calls below are stubs.
 *
 * The trust store for the "verify" policy: the CA bundle (/etc/ssl/certs/ca-certificates.crt by default) is read
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
#include "dnsq.h"
#include "err.h"

/* Checks of the server's certificate chain. */
enum { TLS_CHECK_NONE,     /* any chain; its leaf's key is used */
       TLS_CHECK_VERIFY,   /* chain to a store anchor, name = server_name */
       TLS_CHECK_DANE };   /* the chain matches a usable TLSA record of
			      the peer (dane.h; RFC 7672 §3) */

/* What a handshake needs to know of its peer. */
struct tls_peer {
	const char *server_name;    /* SNI and the name verify checks, or 0 */
	int check;                  /* TLS_CHECK_* */
	const struct dnsq_rr *tlsa; /* TLS_CHECK_DANE: the TLSA records (the */
	size_t ntlsa;               /* unusable ones are skipped), valid */
				    /* until tls_start returns */
	const char *nexthop;        /* DANE-TA's second name (the mail
				       domain) besides server_name, or 0 */
};

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

/* Reads the bundle at path into the store. Returns 0 or -1 with a
 * sentence in why. */
int tls_anchors_load_file(const char *path, char *why, size_t whysize);

/* --- the client: one TLS connection at a time, over fd (non-blocking),
 * every wait a poll() bounded by the caller's deadline (loop.h) ---
 *
 * Profile: TLS 1.2 only (BearSSL's newest), ECDHE with ChaCha20-Poly1305
 * and AES-GCM, RSA or ECDSA server keys; SNI is server_name. The engine's
 * one "mono" buffer of TLS_IO_SIZE (16709) bytes serves both ways: SMTP
 * never sends while a reply is unread. */

/* Runs the handshake with p. Returns 0, or E_TLS (why says what failed, a
 * certificate's fault included), E_TIMEOUT, E_LOST or E_SYS. */
int tls_start(int fd, const struct tls_peer *p, long long deadline,
	      char *why, size_t whysize);

/* Sends len bytes. Returns 0 or an E_* code. */
int tls_send(int fd, const char *buf, size_t len, long long deadline);

/* Receives at most size bytes (at least 1). Returns the count, E_LOST when
 * the server closed, or another E_* code. */
long tls_recv(int fd, char *buf, size_t size, long long deadline);

/* Sends close_notify (best effort, bounded by deadline) and forgets the
 * connection. */
void tls_end(int fd, long long deadline);

/* "TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256, certificate verified" or
 * "..., certificate not verified", or for DANE "..., certificate verified
 * by DANE-EE(3)" (or DANE-TA(2)), of the connection just started. */
void tls_describe(char *out, size_t size);
#else
/* CONFIG_TLS=0: the same calls, so that callers carry no #if. There is no
 * trust store to load, and every handshake fails with "TLS is not built
 * in"; the others are never reached (no connection is ever in TLS). */
static inline int tls_anchors_load_file(const char *path, char *why,
					size_t whysize)
{
	(void)path; (void)why; (void)whysize;
	return 0;
}
int tls_start_unavailable(char *why, size_t whysize);
static inline int tls_start(int fd, const struct tls_peer *p,
			    long long deadline, char *why, size_t whysize)
{
	(void)fd; (void)p; (void)deadline;
	return tls_start_unavailable(why, whysize);
}
static inline int tls_send(int fd, const char *buf, size_t len,
			   long long deadline)
{
	(void)fd; (void)buf; (void)len; (void)deadline;
	return E_TLS;
}
static inline long tls_recv(int fd, char *buf, size_t size,
			    long long deadline)
{
	(void)fd; (void)buf; (void)size; (void)deadline;
	return E_TLS;
}
static inline void tls_end(int fd, long long deadline)
{
	(void)fd; (void)deadline;
}
static inline void tls_describe(char *out, size_t size)
{
	if (size)
		out[0] = 0;
}
#endif

#endif
