/* tls_bearssl.c: see tls.h. The only file that includes bearssl.h. */
#include "config.h"
#if CONFIG_TLS
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bearssl.h>
#include "dane.h"
#include "err.h"
#include "loop.h"
#include "tls.h"

/* --- the trust store --- */

static struct {
	br_x509_trust_anchor ta[TLS_ANCHORS_MAX];
	size_t n;
	unsigned char bytes[TLS_ANCHOR_BYTES];
	size_t used, limit;
	size_t skipped, objects;
	/* the object being decoded */
	br_pem_decoder_context pem;
	br_x509_decoder_context x509;
	int in_cert;        /* inside a CERTIFICATE object */
	size_t dn_start;    /* where this certificate's DN begins in bytes */
	int overflow;       /* the DN did not fit */
	int trailing;       /* bytes after the certificate in its object */
	const char *err;
} st;

/* Feeds BearSSL's X.509 decoder. Once it has stopped (a whole certificate
 * decoded, or an error) its interpreter has ended and must not run again:
 * more bytes then return -1 and are not pushed. (Found by the anchors fuzz
 * harness: a PEM object longer than its certificate crashed the decoder;
 * a server's malformed certificate would have done the same.) */
static int x509_feed(br_x509_decoder_context *d, const void *buf, size_t len)
{
	if (d->err || d->decoded)
		return len ? -1 : 0;
	br_x509_decoder_push(d, buf, len);
	return 0;
}

/* Reserves n bytes of the store. */
static unsigned char *take(size_t n)
{
	unsigned char *p;
	if (n > st.limit - st.used)
		return 0;
	p = st.bytes + st.used;
	st.used += n;
	return p;
}

static void dn_append(void *ctx, const void *buf, size_t len)
{
	unsigned char *p;
	(void)ctx;
	if (st.overflow)
		return;
	p = take(len);
	if (!p) {
		st.overflow = 1;
		return;
	}
	memcpy(p, buf, len);
}

static void to_x509(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	if (st.in_cert && x509_feed(&st.x509, buf, len) < 0)
		st.trailing = 1;
}

void tls_anchors_reset(size_t limit)
{
	memset(&st.ta, 0, sizeof st.ta);
	st.n = st.used = st.skipped = st.objects = 0;
	st.limit = limit && limit < TLS_ANCHOR_BYTES ? limit : TLS_ANCHOR_BYTES;
	st.in_cert = st.overflow = 0;
	st.err = 0;
	br_pem_decoder_init(&st.pem);
	br_pem_decoder_setdest(&st.pem, to_x509, 0);
}

/* A certificate ended: keep its name and key as an anchor. */
static int end_cert(void)
{
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&st.x509);
	br_x509_trust_anchor *ta = &st.ta[st.n];
	size_t mark = st.dn_start;

	if (st.overflow) {
		st.err = "CA bundle larger than TLS_ANCHOR_BYTES";
		return -1;
	}
	if (!pk || br_x509_decoder_last_error(&st.x509) != 0 || st.trailing) {
		st.used = mark;       /* give the DN back */
		st.skipped++;
		return 0;
	}
	if (st.n == TLS_ANCHORS_MAX) {
		st.err = "CA bundle has more certificates than TLS_ANCHORS_MAX";
		return -1;
	}
	ta->dn.data = st.bytes + mark;
	ta->dn.len = st.used - mark;
	ta->flags = BR_X509_TA_CA;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		unsigned char *n = take(pk->key.rsa.nlen);
		unsigned char *e = take(pk->key.rsa.elen);
		if (!n || !e)
			goto full;
		memcpy(n, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(e, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.n = n;
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = e;
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		unsigned char *q = take(pk->key.ec.qlen);
		if (!q)
			goto full;
		memcpy(q, pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = q;
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	} else {
		st.used = mark;
		st.skipped++;
		return 0;
	}
	st.n++;
	return 0;
full:
	st.used = mark;
	st.err = "CA bundle larger than TLS_ANCHOR_BYTES";
	return -1;
}

int tls_anchors_push(const void *buf, size_t len, const char **why)
{
	const unsigned char *p = buf;

	if (st.err) {
		*why = st.err;
		return -1;
	}
	while (len) {
		size_t k = br_pem_decoder_push(&st.pem, p, len);
		p += k;
		len -= k;
		switch (br_pem_decoder_event(&st.pem)) {
		case BR_PEM_BEGIN_OBJ:
			st.objects++;
			st.in_cert = !strcmp(br_pem_decoder_name(&st.pem),
					     "CERTIFICATE") ||
				     !strcmp(br_pem_decoder_name(&st.pem),
					     "X509 CERTIFICATE");
			if (st.in_cert) {
				st.dn_start = st.used;
				st.overflow = st.trailing = 0;
				br_x509_decoder_init(&st.x509, dn_append, 0);
			}
			break;
		case BR_PEM_END_OBJ:
			if (st.in_cert && end_cert() < 0) {
				*why = st.err;
				return -1;
			}
			st.in_cert = 0;
			break;
		case BR_PEM_ERROR:
			st.err = "malformed PEM in the CA bundle";
			*why = st.err;
			return -1;
		}
	}
	return 0;
}

int tls_anchors_finish(struct tls_anchor_stats *s, const char **why)
{
	s->anchors = st.n;
	s->bytes = st.used;
	s->skipped = st.skipped;
	s->objects = st.objects;
	if (st.err) {
		*why = st.err;
		return -1;
	}
	if (st.in_cert) {
		st.used = st.dn_start;
		*why = "the CA bundle ends inside a certificate";
		return -1;
	}
	return 0;
}

int tls_anchors_load_file(const char *path, char *why, size_t whysize)
{
	char buf[4096];
	const char *w = 0;
	struct tls_anchor_stats sa;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, whysize, "CA bundle %s: %s", path, strerror(errno));
		return -1;
	}
	tls_anchors_reset(0);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (tls_anchors_push(buf, (size_t)n, &w) < 0)
			break;
	close(fd);
	if (n < 0) {
		snprintf(why, whysize, "CA bundle %s: %s", path, strerror(errno));
		return -1;
	}
	if (w || tls_anchors_finish(&sa, &w) < 0 || !sa.anchors) {
		snprintf(why, whysize, "CA bundle %s: %s", path,
			 w ? w : "no certificate in it");
		return -1;
	}
	return 0;
}

/* --- "no check": any chain; the leaf's public key is kept --- */

/* Our own X.509 error (outside BearSSL's 32..63): the leaf's key could not
 * be kept (over any.key's 520 bytes: RSA over 4160 bits; or a key type
 * BearSSL does not know; or a malformed certificate). */
#define ERR_NO_LEAF_KEY 200

static struct {
	const br_x509_class *vtable;
	br_x509_decoder_context dec;
	int leaf;                  /* inside the first certificate */
	int bad;                   /* bytes after its DER: not a certificate */
	int have;                  /* its key was decoded */
	br_x509_pkey pkey;
	unsigned char key[520];    /* RSA modulus up to 4096 bits, or EC point */
	unsigned char exp[8];
} any;

static void any_start_chain(const br_x509_class **ctx, const char *name)
{
	(void)ctx;
	(void)name;
	any.leaf = 1;
	any.have = 0;
}

static void any_start_cert(const br_x509_class **ctx, uint32_t length)
{
	(void)ctx;
	(void)length;
	if (any.leaf) {
		br_x509_decoder_init(&any.dec, 0, 0);
		any.bad = 0;
	}
}

static void any_append(const br_x509_class **ctx, const unsigned char *buf,
		       size_t len)
{
	(void)ctx;
	if (any.leaf && x509_feed(&any.dec, buf, len) < 0)
		any.bad = 1;
}

/* Keeps a copy of a decoded key as the chain's key (any.pkey). */
static void keep_key(const br_x509_pkey *pk)
{
	any.have = 0;
	any.pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA && pk->key.rsa.nlen <= sizeof any.key &&
	    pk->key.rsa.elen <= sizeof any.exp) {
		memcpy(any.key, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(any.exp, pk->key.rsa.e, pk->key.rsa.elen);
		any.pkey.key.rsa.n = any.key;
		any.pkey.key.rsa.nlen = pk->key.rsa.nlen;
		any.pkey.key.rsa.e = any.exp;
		any.pkey.key.rsa.elen = pk->key.rsa.elen;
		any.have = 1;
	} else if (pk->key_type == BR_KEYTYPE_EC &&
		   pk->key.ec.qlen <= sizeof any.key) {
		memcpy(any.key, pk->key.ec.q, pk->key.ec.qlen);
		any.pkey.key.ec.curve = pk->key.ec.curve;
		any.pkey.key.ec.q = any.key;
		any.pkey.key.ec.qlen = pk->key.ec.qlen;
		any.have = 1;
	}
}

static void any_end_cert(const br_x509_class **ctx)
{
	const br_x509_pkey *pk;
	(void)ctx;
	if (!any.leaf)
		return;
	any.leaf = 0;
	pk = br_x509_decoder_get_pkey(&any.dec);
	if (pk && !br_x509_decoder_last_error(&any.dec) && !any.bad)
		keep_key(pk);
}

static unsigned any_end_chain(const br_x509_class **ctx)
{
	(void)ctx;
	return any.have ? 0 : ERR_NO_LEAF_KEY;
}

static const br_x509_pkey *any_get_pkey(const br_x509_class *const *ctx,
					unsigned *usages)
{
	(void)ctx;
	if (usages)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return any.have ? &any.pkey : 0;
}

static const br_x509_class any_class = {
	sizeof any, any_start_chain, any_start_cert, any_append, any_end_cert,
	any_end_chain, any_get_pkey
};

/* --- DANE (RFC 7672): the chain is kept whole (TLS_DANE_CHAIN_SIZE,
 * TLS_DANE_CERTS_MAX), then matched against the usable TLSA records ---
 *
 * DANE-EE(3): the leaf (Cert or SPKI) matches; nothing else is checked, no
 * name, no dates (RFC 7672 §3.1.1). DANE-TA(2): some certificate of the
 * chain matches; it becomes the only trust anchor and the certificates
 * below it are verified by BearSSL's X.509 engine, names and dates
 * included, the leaf naming the TLSA base domain (the MX host) or the
 * next-hop domain (§3.2.2). A DANE-TA key that the server does not send
 * is not supported (RFC 7671 §5.2.2 asks servers to send it). */

static const br_hash_class *const hash_classes[] = {
	&br_sha1_vtable, &br_sha224_vtable, &br_sha256_vtable,
	&br_sha384_vtable, &br_sha512_vtable
};

static struct {
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
	unsigned char chain[TLS_DANE_CHAIN_SIZE];
} dane;

void tls_dane_set(const struct dnsq_rr *rr, size_t n, const char *nexthop)
{
	dane.rr = rr;
	dane.nrr = n;
	dane.nexthop = nexthop && nexthop[0] ? nexthop : 0;
}

static void dane_start_chain(const br_x509_class **ctx, const char *name)
{
	(void)ctx;
	dane.name = name;
	dane.used = dane.n = 0;
	dane.over = dane.in = 0;
	dane.how = 0;
	any.have = 0;
}

static void dane_start_cert(const br_x509_class **ctx, uint32_t length)
{
	(void)ctx;
	dane.in = 0;
	if (dane.over)
		return;
	if (dane.n == TLS_DANE_CERTS_MAX || length > sizeof dane.chain - dane.used) {
		dane.over = 1;
		return;
	}
	dane.off[dane.n] = dane.used;
	dane.len[dane.n] = 0;
	dane.in = 1;
}

static void dane_append(const br_x509_class **ctx, const unsigned char *buf,
			size_t len)
{
	(void)ctx;
	if (!dane.in)
		return;
	if (len > sizeof dane.chain - dane.used) {
		dane.over = 1;
		dane.in = 0;
		return;
	}
	memcpy(dane.chain + dane.used, buf, len);
	dane.used += len;
	dane.len[dane.n] += len;
}

static void dane_end_cert(const br_x509_class **ctx)
{
	(void)ctx;
	if (dane.in)
		dane.n++;
	dane.in = 0;
}

/* Does certificate k match the record? */
static int dane_match(size_t k, const struct dnsq_rr *rr)
{
	const unsigned char *c = dane.chain + dane.off[k];
	size_t len = dane.len[k];
	unsigned char h[64];

	if (rr->tlsa.selector == 1) {
		struct der_span subject, spki;
		if (der_cert_parts(c, len, &subject, &spki) < 0)
			return 0;
		c = spki.p;
		len = spki.len;
	}
	switch (rr->tlsa.mtype) {
	case 0:
		return len == rr->tlsa.len && !memcmp(c, rr->tlsa.data, len);
	case 1: {
		br_sha256_context hc;
		br_sha256_init(&hc);
		br_sha256_update(&hc, c, len);
		br_sha256_out(&hc, h);
		return !memcmp(h, rr->tlsa.data, 32);
	}
	default: {
		br_sha512_context hc;
		br_sha512_init(&hc);
		br_sha512_update(&hc, c, len);
		br_sha512_out(&hc, h);
		return !memcmp(h, rr->tlsa.data, 64);
	}
	}
}

/* DANE-EE: the leaf's key becomes the chain's key. */
static unsigned dane_ee(void)
{
	const br_x509_pkey *pk;

	br_x509_decoder_init(&dane.dec, 0, 0);
	x509_feed(&dane.dec, dane.chain + dane.off[0], dane.len[0]);
	pk = br_x509_decoder_get_pkey(&dane.dec);
	if (!pk || br_x509_decoder_last_error(&dane.dec))
		return BR_ERR_X509_UNSUPPORTED;
	keep_key(pk);
	dane.usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return any.have ? 0 : BR_ERR_X509_UNSUPPORTED;
}

/* Verifies the certificates below k (the leaf alone when k is 0) against
 * certificate k as the only anchor, with name. */
static unsigned dane_ta_verify(size_t k, const char *name)
{
	const br_x509_class *const *vt = &dane.xc.vtable;
	const br_x509_pkey *pk;
	size_t i, upto = k ? k : 1;
	int id;
	unsigned e;

	br_x509_minimal_init(&dane.xc, &br_sha256_vtable, &dane.ta, 1);
	for (id = br_sha1_ID; id <= br_sha512_ID; id++)
		br_x509_minimal_set_hash(&dane.xc, id, hash_classes[id - br_sha1_ID]);
	br_x509_minimal_set_rsa(&dane.xc, br_rsa_pkcs1_vrfy_get_default());
	br_x509_minimal_set_ecdsa(&dane.xc, br_ec_get_default(),
				  br_ecdsa_vrfy_asn1_get_default());
	(*vt)->start_chain(&dane.xc.vtable, name);
	for (i = 0; i < upto; i++) {
		(*vt)->start_cert(&dane.xc.vtable, (uint32_t)dane.len[i]);
		(*vt)->append(&dane.xc.vtable, dane.chain + dane.off[i], dane.len[i]);
		(*vt)->end_cert(&dane.xc.vtable);
	}
	e = (*vt)->end_chain(&dane.xc.vtable);
	if (e)
		return e;
	pk = (*vt)->get_pkey(vt, &dane.usages);
	if (!pk)
		return BR_ERR_X509_UNSUPPORTED;
	keep_key(pk);
	return any.have ? 0 : BR_ERR_X509_UNSUPPORTED;
}

/* DANE-TA: certificate k matched a record. */
static unsigned dane_ta(size_t k)
{
	struct der_span subject, spki;
	const br_x509_pkey *pk;
	unsigned e;

	if (der_cert_parts(dane.chain + dane.off[k], dane.len[k], &subject,
			   &spki) < 0)
		return BR_ERR_X509_UNSUPPORTED;
	br_x509_decoder_init(&dane.dec, 0, 0);
	x509_feed(&dane.dec, dane.chain + dane.off[k], dane.len[k]);
	pk = br_x509_decoder_get_pkey(&dane.dec);
	if (!pk || br_x509_decoder_last_error(&dane.dec))
		return BR_ERR_X509_UNSUPPORTED;
	memset(&dane.ta, 0, sizeof dane.ta);
	dane.ta.dn.data = (unsigned char *)subject.p;
	dane.ta.dn.len = subject.len;
	dane.ta.flags = BR_X509_TA_CA;
	dane.ta.pkey = *pk;
	/* An unnamed server would switch the name check off: never. */
	if (!dane.name && !dane.nexthop)
		return BR_ERR_X509_BAD_SERVER_NAME;
	e = dane.name ? dane_ta_verify(k, dane.name) : BR_ERR_X509_BAD_SERVER_NAME;
	if (e == BR_ERR_X509_BAD_SERVER_NAME && dane.nexthop)
		e = dane_ta_verify(k, dane.nexthop);
	return e;
}

static unsigned dane_end_chain(const br_x509_class **ctx)
{
	unsigned err = BR_ERR_X509_NOT_TRUSTED;
	size_t i, k;

	(void)ctx;
	if (dane.over)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (!dane.n)
		return BR_ERR_X509_EMPTY_CHAIN;
	for (i = 0; i < dane.nrr; i++) {
		const struct dnsq_rr *rr = &dane.rr[i];
		if (!dane_usable(rr))
			continue;
		if (rr->tlsa.usage == 3) {
			if (dane_match(0, rr) && dane_ee() == 0) {
				dane.how = "DANE-EE(3)";
				return 0;
			}
			continue;
		}
		for (k = 0; k < dane.n; k++) {
			unsigned e;
			if (!dane_match(k, rr))
				continue;
			e = dane_ta(k);
			if (e == 0) {
				dane.how = "DANE-TA(2)";
				return 0;
			}
			err = e;  /* matched, but the chain below it fails */
		}
	}
	return err;
}

static const br_x509_pkey *dane_get_pkey(const br_x509_class *const *ctx,
					 unsigned *usages)
{
	(void)ctx;
	if (usages)
		*usages = dane.usages;
	return dane.how && any.have ? &any.pkey : 0;
}

static const br_x509_class dane_class = {
	sizeof dane, dane_start_chain, dane_start_cert, dane_append,
	dane_end_cert, dane_end_chain, dane_get_pkey
};

/* --- the connection --- */

static struct {
	br_ssl_client_context cc;
	br_x509_minimal_context xc;
	unsigned char buf[TLS_IO_SIZE];
	int check;
} conn;

_Static_assert(TLS_IO_SIZE >= BR_SSL_BUFSIZE_MONO,
	       "TLS_IO_SIZE holds at least one whole record");

static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

static const struct {
	uint16_t id;
	const char *name;
} suite_names[] = {
	{ BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305" },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256" },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384" },
};

/* A sentence for an engine or X.509 error code. */
static const char *tls_error(int e)
{
	switch (e) {
	case BR_ERR_X509_NOT_TRUSTED: return "certificate chain not trusted "
		"(no anchor of the CA bundle signs it)";
	case BR_ERR_X509_BAD_SERVER_NAME: return "certificate is not for "
		"the server's name";
	case BR_ERR_X509_EXPIRED: return "certificate expired or not yet "
		"valid";
	case BR_ERR_X509_BAD_SIGNATURE: return "certificate signature invalid";
	case BR_ERR_X509_NOT_CA: return "an intermediate is not a CA";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE: return "certificate key usage "
		"forbids TLS";
	case BR_ERR_X509_WEAK_PUBLIC_KEY: return "certificate key too weak";
	case ERR_NO_LEAF_KEY: return "the server's certificate has no usable "
		"key (RSA over 4096 bits, an unknown key type, or a malformed "
		"certificate)";
	case BR_ERR_X509_LIMIT_EXCEEDED: return "certificate chain too long";
	case BR_ERR_BAD_VERSION: case BR_ERR_UNSUPPORTED_VERSION:
		return "no common TLS version (TLS 1.2 only)";
	case BR_ERR_BAD_CIPHER_SUITE: return "no common cipher suite "
		"(ECDHE with AES-GCM or ChaCha20-Poly1305)";
	case BR_ERR_BAD_MAC: return "record authentication failed";
	case BR_ERR_IO: return "connection failed during TLS";
	case BR_ERR_BAD_PARAM: return "malformed TLS record (plaintext where "
		"TLS was expected?)";
	default:
		if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_RECV_FATAL_ALERT + 256)
			return "the server sent a fatal alert";
		if (e >= BR_ERR_SEND_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT + 256)
			return "handshake refused by this client";
		if (e >= 32 && e < 64)
			return "certificate could not be decoded or checked";
		return "TLS handshake failed";
	}
}

/* The alerts a server sends when it refuses a handshake (RFC 5246 §7.2,
 * RFC 8446 §6), with what they usually mean for this client. */
static const char *alert_text(int a)
{
	switch (a) {
	case 40: return "handshake_failure (no common cipher suite, curve or "
		"signature algorithm: this client offers ECDHE with AES-GCM or "
		"ChaCha20-Poly1305)";
	case 42: case 43: case 46: return "the server refused a certificate";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 70: return "protocol_version (this client speaks TLS 1.2 only)";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 112: return "unrecognized_name (SNI)";
	default: return "an alert";
	}
}

static int wait_for(int fd, short ev, long long deadline)
{
	struct pollfd p = { fd, ev, 0 };
	int rc = loop_poll(&p, 1, deadline);
	return rc > 0 ? 0 : rc == 0 ? E_TIMEOUT : rc;
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
			if ((rc = wait_for(fd, POLLOUT, deadline)) < 0)
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
			if ((rc = wait_for(fd, POLLIN, deadline)) < 0)
				return rc;
			continue;
		}
		/* Application data waits to be read while we want to send:
		 * the server said something nobody asked for. */
		return E_UNEXPECTED;
	}
}

int tls_start(int fd, const char *server_name, int check, long long deadline,
	      char *why, size_t whysize)
{
	br_ssl_engine_context *eng = &conn.cc.eng;
	const br_hash_class *const *hashes = hash_classes;
	int id, rc;

	br_ssl_client_zero(&conn.cc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(eng, suites, sizeof suites / sizeof suites[0]);
	for (id = br_sha1_ID; id <= br_sha512_ID; id++)
		br_ssl_engine_set_hash(eng, id, hashes[id - br_sha1_ID]);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_ec(eng);
	br_ssl_engine_set_rsavrfy(eng, br_rsa_pkcs1_vrfy_get_default());
	br_ssl_engine_set_ecdsa(eng, br_ecdsa_vrfy_asn1_get_default());
	br_ssl_engine_set_default_aes_gcm(eng);
	br_ssl_engine_set_default_chapol(eng);
	conn.check = check;
	if (check == TLS_CHECK_VERIFY) {
		br_x509_minimal_init(&conn.xc, &br_sha256_vtable, st.ta, st.n);
		for (id = br_sha1_ID; id <= br_sha512_ID; id++)
			br_x509_minimal_set_hash(&conn.xc, id,
						 hashes[id - br_sha1_ID]);
		br_x509_minimal_set_rsa(&conn.xc, br_rsa_pkcs1_vrfy_get_default());
		br_x509_minimal_set_ecdsa(&conn.xc, br_ec_get_default(),
					  br_ecdsa_vrfy_asn1_get_default());
		br_ssl_engine_set_x509(eng, &conn.xc.vtable);
	} else if (check == TLS_CHECK_DANE) {
		dane.vtable = &dane_class;
		br_ssl_engine_set_x509(eng, &dane.vtable);
	} else {
		any.vtable = &any_class;
		br_ssl_engine_set_x509(eng, &any.vtable);
	}
	br_ssl_engine_set_buffer(eng, conn.buf, sizeof conn.buf, 0);
	if (!br_ssl_client_reset(&conn.cc, server_name, 0)) {
		snprintf(why, whysize, "TLS set-up failed: %s",
			 tls_error(br_ssl_engine_last_error(eng)));
		return E_TLS;
	}
	rc = pump(fd, BR_SSL_SENDAPP, deadline);
	if (rc == 0)
		return 0;
	if (check == TLS_CHECK_DANE &&
	    br_ssl_engine_last_error(eng) == BR_ERR_X509_NOT_TRUSTED)
		snprintf(why, whysize, "TLS handshake failed: the certificate "
			 "chain matches no usable TLSA record (DANE; BearSSL "
			 "error %d)", BR_ERR_X509_NOT_TRUSTED);
	else if (br_ssl_engine_last_error(eng) >= BR_ERR_RECV_FATAL_ALERT &&
		 br_ssl_engine_last_error(eng) < BR_ERR_RECV_FATAL_ALERT + 256)
		snprintf(why, whysize, "TLS handshake failed: the server sent "
			 "fatal alert %d: %s", br_ssl_engine_last_error(eng) -
			 BR_ERR_RECV_FATAL_ALERT, alert_text(br_ssl_engine_last_error(eng)
			 - BR_ERR_RECV_FATAL_ALERT));
	else if (rc == E_TLS || br_ssl_engine_last_error(eng))
		snprintf(why, whysize, "TLS handshake failed: %s (BearSSL error "
			 "%d)", tls_error(br_ssl_engine_last_error(eng)),
			 br_ssl_engine_last_error(eng));
	else if (rc == E_TIMEOUT)
		snprintf(why, whysize, "TLS handshake timed out");
	else
		snprintf(why, whysize, "TLS handshake: %s", err_str(rc));
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
	for (i = 0; i < sizeof suite_names / sizeof suite_names[0]; i++)
		if (suite_names[i].id == sp.cipher_suite)
			suite = suite_names[i].name;
	snprintf(out, size, "TLSv1.%u %s, certificate %s%s%s", v >= 0x0301 ?
		 v - 0x0301 : 0, suite, conn.check == TLS_CHECK_VERIFY ||
		 (conn.check == TLS_CHECK_DANE && dane.how) ? "verified" :
		 "not verified", conn.check == TLS_CHECK_DANE ? " by " : "",
		 conn.check == TLS_CHECK_DANE ? (dane.how ? dane.how : "?") : "");
}
#endif
