/* tls_conn.c: the TLS connection of tls.h over BearSSL's client engine:
 * the profile, the X.509 class of the policy, and one pump that moves
 * records between the engine and the non-blocking socket, every wait a
 * poll() bounded by the caller's deadline. */
#include "config.h"
#if CONFIG_TLS
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include "err.h"
#include "fmt.h"
#include "loop.h"
#include "tls_int.h"

/* One connection at a time: the engine, the X.509 context of its check,
 * and the engine's one buffer ("mono": SMTP never sends while a reply is
 * unread). */
static struct {
	br_ssl_client_context cc;
	union {
		br_x509_minimal_context xc;   /* TLS_CHECK_VERIFY */
		struct tls_dane dane;         /* TLS_CHECK_DANE */
		struct tls_any any;           /* TLS_CHECK_NONE */
	} x;
	unsigned char buf[TLS_IO_SIZE];
	int check;
} conn;

_Static_assert(TLS_IO_SIZE >= BR_SSL_BUFSIZE_MONO,
	       "TLS_IO_SIZE holds at least one whole record");

const br_hash_class *const tls_hashes[4] = {
	&br_sha224_vtable, &br_sha256_vtable,
	&br_sha384_vtable, &br_sha512_vtable
};

void tls_minimal_init(br_x509_minimal_context *xc,
		      const br_x509_trust_anchor *ta, size_t n)
{
	int id;

	br_x509_minimal_init(xc, &br_sha256_vtable, ta, n);
	for (id = br_sha224_ID; id <= br_sha512_ID; id++)
		br_x509_minimal_set_hash(xc, id, tls_hashes[id - br_sha224_ID]);
	br_x509_minimal_set_rsa(xc, tls_rsa_vrfy());
	br_x509_minimal_set_ecdsa(xc, &tls_ec, tls_ecdsa_vrfy());
}

/* Moves records between the engine and the socket until one of the states
 * in want is reached, or, with want 0, until no record is left to send.
 * Returns 0 or an E_* code (E_LOST: closed). */
static int pump(int fd, unsigned want, long long deadline)
{
	br_ssl_engine_context *eng = &conn.cc.eng;

	for (;;) {
		unsigned state = br_ssl_engine_current_state(eng);
		unsigned char *b;
		size_t len;
		ssize_t n;
		int rc;

		if (state & BR_SSL_CLOSED)
			return br_ssl_engine_last_error(eng) ? E_TLS : E_LOST;
		if (state & BR_SSL_SENDREC) {
			b = br_ssl_engine_sendrec_buf(eng, &len);
			n = send(fd, b, len, MSG_NOSIGNAL);
			if (n > 0) {
				br_ssl_engine_sendrec_ack(eng, (size_t)n);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno != EAGAIN) {
				return errno == EPIPE || errno == ECONNRESET ? E_LOST
									     : E_SYS;
			}
			if ((rc = loop_wait_fd(fd, POLLOUT, deadline)) < 0)
				return rc;
			continue;
		}
		if (!want || (state & want))
			return 0;
		if (state & BR_SSL_RECVREC) {
			b = br_ssl_engine_recvrec_buf(eng, &len);
			n = recv(fd, b, len, 0);
			if (n > 0) {
				br_ssl_engine_recvrec_ack(eng, (size_t)n);
				continue;
			}
			if (n == 0) {
				return E_LOST;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				return errno == ECONNRESET ? E_LOST : E_SYS;
			}
			if ((rc = loop_wait_fd(fd, POLLIN, deadline)) < 0)
				return rc;
			continue;
		}
		/* Application data waits to be read while we want to send:
		 * the server said something nobody asked for. */
		return E_UNEXPECTED;
	}
}

/* The engine's profile: TLS 1.2, the suites of tls_suites, SHA-224 to
 * SHA-512 (no SHA-1: RFC 9155), the curves of tls_ec and the RSA and
 * ECDSA of the same word size (TLS_MUL15), the default AES-GCM and
 * ChaCha20-Poly1305 code, Poly1305 over i15 on MIPS. */
static void engine_profile(br_ssl_engine_context *eng)
{
	uint16_t ids[16];
	size_t i;
	int id;

	for (i = 0; i < tls_nsuites && i < sizeof ids / sizeof ids[0]; i++)
		ids[i] = tls_suites[i].id;
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(eng, ids, i);
	for (id = br_sha224_ID; id <= br_sha512_ID; id++)
		br_ssl_engine_set_hash(eng, id, tls_hashes[id - br_sha224_ID]);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_ec(eng, &tls_ec);
	br_ssl_engine_set_rsavrfy(eng, tls_rsa_vrfy());
	br_ssl_engine_set_ecdsa(eng, tls_ecdsa_vrfy());
	br_ssl_engine_set_default_aes_gcm(eng);
	if (TLS_MUL15) {
		br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable,
					 &br_sslrec_out_chapol_vtable);
		br_ssl_engine_set_chacha20(eng, &br_chacha20_ct_run);
		br_ssl_engine_set_poly1305(eng, &br_poly1305_i15_run);
	} else {
		br_ssl_engine_set_default_chapol(eng);
	}
}

/* The X.509 class of the peer's check, in the connection's context. */
static void engine_x509(br_ssl_engine_context *eng, const struct tls_peer *p)
{
	const br_x509_trust_anchor *ta;
	size_t n;

	if (p->check == TLS_CHECK_VERIFY) {
		ta = tls_store_anchors(&n);
		tls_minimal_init(&conn.x.xc, ta, n);
		br_ssl_engine_set_x509(eng, &conn.x.xc.vtable);
	} else if (p->check == TLS_CHECK_DANE) {
		tls_dane_init(&conn.x.dane, p->tlsa, p->ntlsa, p->nexthop);
		br_ssl_engine_set_x509(eng, &conn.x.dane.vtable);
	} else {
		tls_any_init(&conn.x.any);
		br_ssl_engine_set_x509(eng, &conn.x.any.vtable);
	}
}

/* Why the handshake failed, in words. */
static void start_why(int rc, int check, char *why, size_t whysize)
{
	int e = br_ssl_engine_last_error(&conn.cc.eng);

	if (check == TLS_CHECK_DANE && e == BR_ERR_X509_NOT_TRUSTED)
		fmt_into(why, whysize, "TLS handshake failed: the certificate "
			 "chain matches no usable TLSA record (DANE; BearSSL "
			 "error %d)", BR_ERR_X509_NOT_TRUSTED);
	else if (e >= BR_ERR_RECV_FATAL_ALERT &&
		 e < BR_ERR_RECV_FATAL_ALERT + 256)
		fmt_into(why, whysize, "TLS handshake failed: the server sent "
			 "fatal alert %d: %s", e - BR_ERR_RECV_FATAL_ALERT,
			 tls_alert_text(e - BR_ERR_RECV_FATAL_ALERT));
	else if (rc == E_TLS || e)
		fmt_into(why, whysize, "TLS handshake failed: %s (BearSSL error "
			 "%d)", tls_error_text(e), e);
	else if (rc == E_TIMEOUT)
		fmt_into(why, whysize, "TLS handshake timed out");
	else
		fmt_into(why, whysize, "TLS handshake: %s", err_str(rc));
}

int tls_start(int fd, const struct tls_peer *p, long long deadline,
	      char *why, size_t whysize)
{
	br_ssl_engine_context *eng = &conn.cc.eng;
	int rc;

	br_ssl_client_zero(&conn.cc);
	engine_profile(eng);
	conn.check = p->check;
	engine_x509(eng, p);
	br_ssl_engine_set_buffer(eng, conn.buf, sizeof conn.buf, 0);
	if (!br_ssl_client_reset(&conn.cc, p->server_name, 0)) {
		fmt_into(why, whysize, "TLS set-up failed: %s",
			 tls_error_text(br_ssl_engine_last_error(eng)));
		return E_TLS;
	}
	rc = pump(fd, BR_SSL_SENDAPP, deadline);
	if (rc == 0)
		return 0;
	start_why(rc, p->check, why, whysize);
	return rc == E_LOST ? E_TLS : rc;
}

int tls_send(int fd, const char *buf, size_t len, long long deadline)
{
	br_ssl_engine_context *eng = &conn.cc.eng;
	int rc;

	while (len) {
		unsigned char *b;
		size_t room;
		rc = pump(fd, BR_SSL_SENDAPP, deadline);
		if (rc < 0)
			return rc;
		b = br_ssl_engine_sendapp_buf(eng, &room);
		if (room > len)
			room = len;
		memcpy(b, buf, room);
		br_ssl_engine_sendapp_ack(eng, room);
		buf += room;
		len -= room;
	}
	br_ssl_engine_flush(eng, 0);
	/* Everything out: no record left to send. */
	return pump(fd, 0, deadline);
}

long tls_recv(int fd, char *buf, size_t size, long long deadline)
{
	br_ssl_engine_context *eng = &conn.cc.eng;
	unsigned char *b;
	size_t len;
	int rc = pump(fd, BR_SSL_RECVAPP, deadline);

	if (rc < 0)
		return rc;
	b = br_ssl_engine_recvapp_buf(eng, &len);
	if (len > size)
		len = size;
	memcpy(buf, b, len);
	br_ssl_engine_recvapp_ack(eng, len);
	return (long)len;
}

void tls_end(int fd, long long deadline)
{
	br_ssl_engine_close(&conn.cc.eng);
	/* Send our close_notify; do not wait for the server's. */
	pump(fd, 0, deadline);
}

void tls_describe(char *out, size_t size)
{
	br_ssl_session_parameters sp;
	const char *suite = "unknown suite";
	unsigned v = br_ssl_engine_get_version(&conn.cc.eng);
	size_t i;

	br_ssl_engine_get_session_parameters(&conn.cc.eng, &sp);
	for (i = 0; i < tls_nsuites; i++)
		if (tls_suites[i].id == sp.cipher_suite)
			suite = tls_suites[i].name;
	fmt_into(out, size, "TLSv1.%u %s, certificate %s%s%s", v >= 0x0301 ?
		 v - 0x0301 : 0, suite, conn.check == TLS_CHECK_VERIFY ||
		 (conn.check == TLS_CHECK_DANE && conn.x.dane.how) ? "verified" :
		 "not verified", conn.check == TLS_CHECK_DANE ? " by " : "",
		 conn.check == TLS_CHECK_DANE ? (conn.x.dane.how ? conn.x.dane.how
							 : "?") : "");
}
#else
#include "fmt.h"
#include "tls.h"

int tls_start_unavailable(char *why, size_t whysize)
{
	fmt_into(why, whysize, "TLS is not built in");
	return E_TLS;
}
#endif
