/* tls_any.c: the X.509 class "no check" of tls_int.h, for the policies
 * may and encrypt: any chain is accepted and its leaf's public key is
 * used, so that the session is encrypted but not authenticated. */
#include "config.h"
#if CONFIG_TLS
#include <string.h>
#include "tls_int.h"

static struct tls_any *any_of(const br_x509_class *const *ctx)
{
	return (struct tls_any *)(void *)ctx;
}

void tls_leafkey_keep(struct tls_leafkey *k, const br_x509_pkey *pk)
{
	k->have = 0;
	k->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA && pk->key.rsa.nlen <= sizeof k->key &&
	    pk->key.rsa.elen <= sizeof k->exp) {
		memcpy(k->key, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(k->exp, pk->key.rsa.e, pk->key.rsa.elen);
		k->pkey.key.rsa.n = k->key;
		k->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		k->pkey.key.rsa.e = k->exp;
		k->pkey.key.rsa.elen = pk->key.rsa.elen;
		k->have = 1;
	} else if (pk->key_type == BR_KEYTYPE_EC &&
		   pk->key.ec.qlen <= sizeof k->key) {
		memcpy(k->key, pk->key.ec.q, pk->key.ec.qlen);
		k->pkey.key.ec.curve = pk->key.ec.curve;
		k->pkey.key.ec.q = k->key;
		k->pkey.key.ec.qlen = pk->key.ec.qlen;
		k->have = 1;
	}
}

static void any_start_chain(const br_x509_class **ctx, const char *name)
{
	struct tls_any *a = any_of(ctx);
	(void)name;
	a->leaf = 1;
	a->key.have = 0;
}

static void any_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_any *a = any_of(ctx);
	(void)length;
	if (a->leaf) {
		br_x509_decoder_init(&a->dec, 0, 0);
		a->bad = 0;
	}
}

static void any_append(const br_x509_class **ctx, const unsigned char *buf,
		       size_t len)
{
	struct tls_any *a = any_of(ctx);
	if (a->leaf && tls_x509_feed(&a->dec, buf, len) < 0)
		a->bad = 1;
}

static void any_end_cert(const br_x509_class **ctx)
{
	struct tls_any *a = any_of(ctx);
	const br_x509_pkey *pk;
	if (!a->leaf)
		return;
	a->leaf = 0;
	pk = br_x509_decoder_get_pkey(&a->dec);
	if (pk && !br_x509_decoder_last_error(&a->dec) && !a->bad)
		tls_leafkey_keep(&a->key, pk);
}

static unsigned any_end_chain(const br_x509_class **ctx)
{
	return any_of(ctx)->key.have ? 0 : TLS_ERR_NO_LEAF_KEY;
}

static const br_x509_pkey *any_get_pkey(const br_x509_class *const *ctx,
					unsigned *usages)
{
	struct tls_any *a = any_of(ctx);
	if (usages)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return a->key.have ? &a->key.pkey : 0;
}

static const br_x509_class any_class = {
	sizeof(struct tls_any), any_start_chain, any_start_cert, any_append,
	any_end_cert, any_end_chain, any_get_pkey
};

void tls_any_init(struct tls_any *a)
{
	a->vtable = &any_class;
	a->leaf = a->bad = 0;
	a->key.have = 0;
}
#endif
