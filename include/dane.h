/* dane.h: DANE for SMTP (RFC 7672, with RFC 7671's rules), the pure part:
 * the TLSA name of a server, which TLSA records this client can use, what
 * a looked-up TLSA set means for the connection, and where a certificate
 * keeps its subject name and its SubjectPublicKeyInfo (a bounded DER walk,
 * fuzzed alone). The matching itself needs hashes and signatures and lives
 * in src/tls/tls_dane.c (tls.h, TLS_CHECK_DANE).
 *
 * Usable records (RFC 7672 §3.1): certificate usage DANE-TA(2) or
 * DANE-EE(3); selector Cert(0) or SPKI(1); matching type Full(0),
 * SHA2-256(1) with 32 bytes or SHA2-512(2) with 64 bytes, the data kept
 * whole (DNS_TLSA_DATA_SIZE). PKIX-TA(0) and PKIX-EE(1) are unusable for
 * SMTP (RFC 7672 §3.1.3).
 */
#ifndef DANE_H
#define DANE_H
#include <stddef.h>
#include "dnsq.h"

enum dane_state {
	DANE_NONE,      /* no secure TLSA set: the policy is "may" */
	DANE_UNUSABLE,  /* a secure set, none usable: TLS mandatory, any
			   certificate (RFC 7672 §2.2) */
	DANE_USABLE,    /* TLS mandatory, the chain must match a record */
	DANE_FAILED,    /* the look-up failed (SERVFAIL, bogus, time-out,
			   malformed): this server must not be used (§2.2.1) */
};

/* Writes "_PORT._tcp.HOST" into out. Returns 0, or -1 when it does not
 * fit or the host is empty. */
int dane_tlsa_name(const char *host, unsigned port, char *out, size_t size);

/* 1 when this client can match the record. */
int dane_usable(const struct dnsq_rr *rr);

/* What a finished TLSA answer means; *usable counts the usable records.
 * Only an answer with the resolver's AD bit is trusted. */
enum dane_state dane_classify(const struct dnsq_answer *a, size_t *usable);

/* A part of a buffer. */
struct der_span {
	const unsigned char *p;
	size_t len;
};

/* Finds a DER certificate's subject Name and its SubjectPublicKeyInfo,
 * each as its whole encoding (tag and length included). Returns 0, or -1
 * when the certificate is malformed or does not fit len. Pure. */
int der_cert_parts(const unsigned char *der, size_t len,
		   struct der_span *subject, struct der_span *spki);

#endif
