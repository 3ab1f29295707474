/* tls_dane.c: the X.509 class DANE (RFC 7672) of tls_int.h: the chain is
 * kept whole (TLS_DANE_CHAIN_SIZE, TLS_DANE_CERTS_MAX), then matched
 * against the usable TLSA records.
 *
 * DANE-EE(3): the leaf (Cert or SPKI) matches; nothing else is checked, no
 * name, no dates (RFC 7672 §3.1.1). DANE-TA(2): some certificate of the
 * chain matches; it becomes the only trust anchor and the certificates
 * below it are verified by BearSSL's X.509 engine, names and dates
 * included, the leaf naming the TLSA base domain (the MX host) or the
 * next-hop domain (§3.2.2). A DANE-TA key that the server does not send
 * is not supported (RFC 7671 §5.2.2 asks servers to send it). */
#include "config.h"
#if CONFIG_TLS
#include <string.h>
#include "dane.h"
#include "tls_int.h"

static struct tls_dane *dane_of(const br_x509_class *const *ctx)
{
	return (struct tls_dane *)(void *)ctx;
}

static void dane_start_chain(const br_x509_class **ctx, const char *name)
{
	struct tls_dane *dane = dane_of(ctx);
	dane->name = name;
	dane->used = dane->n = 0;
	dane->over = dane->in = 0;
	dane->how = 0;
	dane->key.have = 0;
}

static void dane_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_dane *dane = dane_of(ctx);
	dane->in = 0;
	if (dane->over)
		return;
	if (dane->n == TLS_DANE_CERTS_MAX ||
	    length > sizeof dane->chain - dane->used) {
		dane->over = 1;
		return;
	}
	dane->off[dane->n] = dane->used;
	dane->len[dane->n] = 0;
	dane->in = 1;
}

static void dane_append(const br_x509_class **ctx, const unsigned char *buf,
			size_t len)
{
	struct tls_dane *dane = dane_of(ctx);
	if (!dane->in)
		return;
	if (len > sizeof dane->chain - dane->used) {
		dane->over = 1;
		dane->in = 0;
		return;
	}
	memcpy(dane->chain + dane->used, buf, len);
	dane->used += len;
	dane->len[dane->n] += len;
}

static void dane_end_cert(const br_x509_class **ctx)
{
	struct tls_dane *dane = dane_of(ctx);
	if (dane->in)
		dane->n++;
	dane->in = 0;
}

/* Does certificate k match the record? */
static int dane_match(const struct tls_dane *dane, size_t k,
		      const struct dnsq_rr *rr)
{
	const unsigned char *c = dane->chain + dane->off[k];
	size_t len = dane->len[k];
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
static unsigned dane_ee(struct tls_dane *dane)
{
	const br_x509_pkey *pk;

	br_x509_decoder_init(&dane->dec, 0, 0);
	tls_x509_feed(&dane->dec, dane->chain + dane->off[0], dane->len[0]);
	pk = br_x509_decoder_get_pkey(&dane->dec);
	if (!pk || br_x509_decoder_last_error(&dane->dec))
		return BR_ERR_X509_UNSUPPORTED;
	tls_leafkey_keep(&dane->key, pk);
	dane->usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return dane->key.have ? 0 : BR_ERR_X509_UNSUPPORTED;
}

/* Verifies the certificates below k (the leaf alone when k is 0) against
 * certificate k as the only anchor, with name. */
static unsigned dane_ta_verify(struct tls_dane *dane, size_t k,
			       const char *name)
{
	const br_x509_class *const *vt = &dane->xc.vtable;
	const br_x509_pkey *pk;
	size_t i, upto = k ? k : 1;
	unsigned e;

	tls_minimal_init(&dane->xc, &dane->ta, 1);
	(*vt)->start_chain(&dane->xc.vtable, name);
	for (i = 0; i < upto; i++) {
		(*vt)->start_cert(&dane->xc.vtable, (uint32_t)dane->len[i]);
		(*vt)->append(&dane->xc.vtable, dane->chain + dane->off[i], dane->len[i]);
		(*vt)->end_cert(&dane->xc.vtable);
	}
	e = (*vt)->end_chain(&dane->xc.vtable);
	if (e)
		return e;
	pk = (*vt)->get_pkey(vt, &dane->usages);
	if (!pk)
		return BR_ERR_X509_UNSUPPORTED;
	tls_leafkey_keep(&dane->key, pk);
	return dane->key.have ? 0 : BR_ERR_X509_UNSUPPORTED;
}

/* DANE-TA: certificate k matched a record. */
static unsigned dane_ta(struct tls_dane *dane, size_t k)
{
	struct der_span subject, spki;
	const br_x509_pkey *pk;
	unsigned e;

	if (der_cert_parts(dane->chain + dane->off[k], dane->len[k], &subject,
			   &spki) < 0)
		return BR_ERR_X509_UNSUPPORTED;
	br_x509_decoder_init(&dane->dec, 0, 0);
	tls_x509_feed(&dane->dec, dane->chain + dane->off[k], dane->len[k]);
	pk = br_x509_decoder_get_pkey(&dane->dec);
	if (!pk || br_x509_decoder_last_error(&dane->dec))
		return BR_ERR_X509_UNSUPPORTED;
	memset(&dane->ta, 0, sizeof dane->ta);
	dane->ta.dn.data = (unsigned char *)subject.p;
	dane->ta.dn.len = subject.len;
	dane->ta.flags = BR_X509_TA_CA;
	dane->ta.pkey = *pk;
	/* An unnamed server would switch the name check off: never. */
	if (!dane->name && !dane->nexthop)
		return BR_ERR_X509_BAD_SERVER_NAME;
	e = dane->name ? dane_ta_verify(dane, k, dane->name)
		       : BR_ERR_X509_BAD_SERVER_NAME;
	if (e == BR_ERR_X509_BAD_SERVER_NAME && dane->nexthop)
		e = dane_ta_verify(dane, k, dane->nexthop);
	return e;
}

static unsigned dane_end_chain(const br_x509_class **ctx)
{
	struct tls_dane *dane = dane_of(ctx);
	unsigned err = BR_ERR_X509_NOT_TRUSTED;
	size_t i, k;

	if (dane->over)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (!dane->n)
		return BR_ERR_X509_EMPTY_CHAIN;
	for (i = 0; i < dane->nrr; i++) {
		const struct dnsq_rr *rr = &dane->rr[i];
		if (!dane_usable(rr))
			continue;
		if (rr->tlsa.usage == 3) {
			if (dane_match(dane, 0, rr) && dane_ee(dane) == 0) {
				dane->how = "DANE-EE(3)";
				return 0;
			}
			continue;
		}
		for (k = 0; k < dane->n; k++) {
			unsigned e;
			if (!dane_match(dane, k, rr))
				continue;
			e = dane_ta(dane, k);
			if (e == 0) {
				dane->how = "DANE-TA(2)";
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
	struct tls_dane *dane = dane_of(ctx);
	if (usages)
		*usages = dane->usages;
	return dane->how && dane->key.have ? &dane->key.pkey : 0;
}

static const br_x509_class dane_class = {
	sizeof(struct tls_dane), dane_start_chain, dane_start_cert, dane_append,
	dane_end_cert, dane_end_chain, dane_get_pkey
};

void tls_dane_init(struct tls_dane *d, const struct dnsq_rr *rr, size_t n,
		   const char *nexthop)
{
	d->vtable = &dane_class;
	d->rr = rr;
	d->nrr = n;
	d->nexthop = nexthop && nexthop[0] ? nexthop : 0;
	d->how = 0;
	d->key.have = 0;
}
#endif
