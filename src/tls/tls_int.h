/* tls_int.h: what the TLS files share, behind tls.h. Only the tls_*.c
 * files include this header, and so bearssl.h: the rest of the program
 * sees tls.h alone.
 *
 *   tls_store.c   the trust store (the CA bundle as anchors)
 *   tls_pem.c     the PEM reader of the CA bundle
 *   tls_any.c     X.509 class "no check": any chain, the leaf's key
 *   tls_dane.c    X.509 class DANE (RFC 7672): the chain against TLSA
 *   tls_conn.c    the connection: engine, socket pump, handshake
 *   tls_ec.c      the elliptic curves, small rather than fast
 *   tls_error.c   sentences for engine errors, alerts, suite names
 *
 * Each X.509 class keeps its state in its own context, whose first member
 * is its vtable pointer, as BearSSL's x509_minimal does; the connection
 * holds the one it uses.
 */
#ifndef TLS_INT_H
#define TLS_INT_H

#include <bearssl.h>
#include "dnsq.h"
#include "tls.h"

/* The hash functions of TLS 1.2 and of certificate signatures, indexed
 * by BearSSL's hash id minus br_sha224_ID: SHA-224 to SHA-512. MD5 and
 * SHA-1 are left out: they are not offered for the server's signatures
 * (RFC 9155 forbids it), and a certificate signed with them does not
 * verify (BR_ERR_X509_UNSUPPORTED). */
extern const br_hash_class *const tls_hashes[4];

/* BearSSL's big-integer code with 15-bit words (i15: RSA, ECDSA, the
 * curves, Poly1305) on MIPS, its 31-bit code (i31) elsewhere. Routers'
 * MIPS32 cores of the 24K family (and the 34K and 1004K built on it)
 * multiply through a 32x16 array: a multiplication whose operand does not
 * fit in 16 bits takes longer (the MIPS32 manual's note on MULT on such
 * arrays), so i31 code, constant-time where multiplications are, would
 * let its timing depend on secret data there. i15 keeps every operand
 * under 2^15, constant-time on them too; it is 2.5 times slower (X25519
 * 2.1 ms instead of 0.85 on x86_64) and 1.5 KB smaller on mipsel. GHASH
 * (AES-GCM) has no such code in BearSSL: ChaCha20-Poly1305 is offered
 * first (tls_suites). */
#if defined(__mips__)
#define TLS_MUL15 1
#else
#define TLS_MUL15 0
#endif

/* X25519, P-256, P-384 and P-521 over BearSSL's generic code
 * (tls_ec.c): ECDHE and ECDSA, in the handshake and in certificates. */
extern const br_ec_impl tls_ec;
/* RSA and ECDSA signature checks of the same code as tls_ec. */
br_rsa_pkcs1_vrfy tls_rsa_vrfy(void);
br_ecdsa_vrfy tls_ecdsa_vrfy(void);

/* A PEM reader (tls_pem.c): what it finds goes to a sink, whose
 * functions return 0, or -1 to stop the reading (an error of the sink's
 * own). begin gets the object's name, data its bytes as they are decoded
 * (3 at a time or fewer), end the end of the object. */
struct tls_pem_sink {
	void *ctx;
	int (*begin)(void *ctx, const char *name);
	int (*data)(void *ctx, const unsigned char *b, size_t n);
	int (*end)(void *ctx);
};
struct tls_pem {
	const struct tls_pem_sink *sink;
	char line[TLS_PEM_LINE_SIZE];   /* the line so far */
	char name[TLS_PEM_NAME_SIZE];   /* the open object's */
	size_t len;
	unsigned long acc;              /* base64 bits not yet out */
	int nacc, pad;                  /* characters in acc, '=' among them */
	int in, over, bad;              /* in an object, line too long, error */
};
void tls_pem_init(struct tls_pem *p, const struct tls_pem_sink *sink);
/* Reads len more bytes. Returns 0, or -1 when the PEM is malformed or a
 * sink function stopped it (and from then on). */
int tls_pem_push(struct tls_pem *p, const void *buf, size_t len);
/* The end of the input: a last line without its line end is read.
 * Returns 0 or -1, as tls_pem_push. */
int tls_pem_finish(struct tls_pem *p);

/* Feeds BearSSL's X.509 decoder. Once it has stopped (a whole certificate
 * decoded, or an error) its interpreter has ended and must not run again:
 * more bytes then return -1 and are not pushed. (Found by the anchors fuzz
 * harness: a PEM object longer than its certificate crashed the decoder;
 * a server's malformed certificate would have done the same.) */
int tls_x509_feed(br_x509_decoder_context *d, const void *buf, size_t len);

/* An X.509 minimal engine over n anchors, with every hash, RSA and
 * ECDSA (the verify policy and DANE-TA). */
void tls_minimal_init(br_x509_minimal_context *xc,
		      const br_x509_trust_anchor *ta, size_t n);

/* The anchors of the trust store (tls_anchors_load_file). */
const br_x509_trust_anchor *tls_store_anchors(size_t *n);

/* A copy of a server's key, kept beyond its decoder. */
struct tls_leafkey {
	br_x509_pkey pkey;
	unsigned char key[520];    /* RSA modulus up to 4096 bits, or EC point */
	unsigned char exp[8];
	int have;
};
/* Keeps a copy of pk; k->have is 0 when it does not fit. */
void tls_leafkey_keep(struct tls_leafkey *k, const br_x509_pkey *pk);

/* Our own X.509 error (outside BearSSL's 32..63): the leaf's key could not
 * be kept (over the copy's 520 bytes: RSA over 4160 bits; or a key type
 * BearSSL does not know; or a malformed certificate). */
#define TLS_ERR_NO_LEAF_KEY 200

/* "no check": any chain; the leaf's key is used. */
struct tls_any {
	const br_x509_class *vtable;
	br_x509_decoder_context dec;
	int leaf;                  /* inside the first certificate */
	int bad;                   /* bytes after its DER: not a certificate */
	struct tls_leafkey key;
};
void tls_any_init(struct tls_any *a);

/* DANE: the chain kept whole (TLS_DANE_CHAIN_SIZE, TLS_DANE_CERTS_MAX),
 * then matched against the usable records of rr. */
struct tls_dane {
	const br_x509_class *vtable;
	const struct dnsq_rr *rr;
	size_t nrr;
	const char *name, *nexthop;
	size_t used, n;
	size_t off[TLS_DANE_CERTS_MAX], len[TLS_DANE_CERTS_MAX];
	int over;         /* the chain did not fit */
	int in;           /* the current certificate is being kept */
	unsigned usages;
	const char *how;  /* "DANE-EE(3)" or "DANE-TA(2)" once matched */
	br_x509_decoder_context dec;
	br_x509_minimal_context xc;
	br_x509_trust_anchor ta;
	struct tls_leafkey key;
	unsigned char chain[TLS_DANE_CHAIN_SIZE];
};
/* rr (n records; the unusable ones are skipped) must stay valid for the
 * handshake; nexthop, the second name a DANE-TA leaf may carry, or 0. */
void tls_dane_init(struct tls_dane *d, const struct dnsq_rr *rr, size_t n,
		   const char *nexthop);

/* The cipher suites offered, in order of preference, with their names. */
struct tls_suite {
	uint16_t id;
	const char *name;
};
extern const struct tls_suite tls_suites[];
extern const size_t tls_nsuites;

/* A sentence for an engine or X.509 error code, and for a fatal alert a
 * server sent (RFC 5246 §7.2, RFC 8446 §6). */
const char *tls_error_text(int e);
const char *tls_alert_text(int alert);

#endif
