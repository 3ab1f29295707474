/* tls_store.c: the trust store of tls.h: the CA bundle streamed through
 * the PEM reader (tls_pem.c) and BearSSL's X.509 decoder into anchors in
 * fixed storage. */
#include "config.h"
#if CONFIG_TLS
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "err.h"
#include "fmt.h"
#include "tls_int.h"

struct tls_store {
	br_x509_trust_anchor ta[TLS_ANCHORS_MAX];
	size_t n;
	unsigned char bytes[TLS_ANCHOR_BYTES];
	size_t used, limit;
	size_t skipped, objects;
	/* the object being decoded */
	struct tls_pem pem;
	br_x509_decoder_context x509;
	int in_cert;        /* inside a CERTIFICATE object */
	size_t dn_start;    /* where this certificate's DN begins in bytes */
	int overflow;       /* the DN did not fit */
	int trailing;       /* bytes after the certificate in its object */
	const char *err;
};

/* The program's one store, filled once at start-up. */
static struct tls_store store;

int tls_x509_feed(br_x509_decoder_context *d, const void *buf, size_t len)
{
	if (d->err || d->decoded)
		return len ? -1 : 0;
	br_x509_decoder_push(d, buf, len);
	return 0;
}

/* Reserves n bytes of the store. */
static unsigned char *take(struct tls_store *st, size_t n)
{
	unsigned char *p;
	if (n > st->limit - st->used)
		return 0;
	p = st->bytes + st->used;
	st->used += n;
	return p;
}

static void dn_append(void *ctx, const void *buf, size_t len)
{
	struct tls_store *st = ctx;
	unsigned char *p;
	if (st->overflow)
		return;
	p = take(st, len);
	if (!p) {
		st->overflow = 1;
		return;
	}
	memcpy(p, buf, len);
}

/* A certificate ended: keep its name and key as an anchor. */
static int end_cert(struct tls_store *st)
{
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&st->x509);
	br_x509_trust_anchor *ta = &st->ta[st->n];
	size_t mark = st->dn_start;

	if (st->overflow) {
		st->err = "CA bundle larger than TLS_ANCHOR_BYTES";
		return -1;
	}
	if (!pk || br_x509_decoder_last_error(&st->x509) != 0 || st->trailing) {
		st->used = mark;       /* give the DN back */
		st->skipped++;
		return 0;
	}
	if (st->n == TLS_ANCHORS_MAX) {
		st->err = "CA bundle has more certificates than TLS_ANCHORS_MAX";
		return -1;
	}
	ta->dn.data = st->bytes + mark;
	ta->dn.len = st->used - mark;
	ta->flags = BR_X509_TA_CA;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		unsigned char *n = take(st, pk->key.rsa.nlen);
		unsigned char *e = take(st, pk->key.rsa.elen);
		if (!n || !e)
			goto full;
		memcpy(n, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(e, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.n = n;
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = e;
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		unsigned char *q = take(st, pk->key.ec.qlen);
		if (!q)
			goto full;
		memcpy(q, pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = q;
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	} else {
		st->used = mark;
		st->skipped++;
		return 0;
	}
	st->n++;
	return 0;
full:
	st->used = mark;
	st->err = "CA bundle larger than TLS_ANCHOR_BYTES";
	return -1;
}

static int pem_data(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_store *st = ctx;
	if (st->in_cert && tls_x509_feed(&st->x509, buf, len) < 0)
		st->trailing = 1;
	return 0;
}

static int pem_begin(void *ctx, const char *name)
{
	struct tls_store *st = ctx;

	st->objects++;
	st->in_cert = !strcmp(name, "CERTIFICATE") ||
		      !strcmp(name, "X509 CERTIFICATE");
	if (st->in_cert) {
		st->dn_start = st->used;
		st->overflow = st->trailing = 0;
		br_x509_decoder_init(&st->x509, dn_append, st);
	}
	return 0;
}

static int pem_end(void *ctx)
{
	struct tls_store *st = ctx;
	int rc = st->in_cert ? end_cert(st) : 0;

	st->in_cert = 0;
	return rc;
}

static const struct tls_pem_sink pem_sink = {
	&store, pem_begin, pem_data, pem_end
};

void tls_anchors_reset(size_t limit)
{
	struct tls_store *st = &store;
	memset(&st->ta, 0, sizeof st->ta);
	st->n = st->used = st->skipped = st->objects = 0;
	st->limit = limit && limit < TLS_ANCHOR_BYTES ? limit : TLS_ANCHOR_BYTES;
	st->in_cert = st->overflow = 0;
	st->err = 0;
	tls_pem_init(&st->pem, &pem_sink);
}

/* A refusal of the PEM reader: the store's own error (end_cert's), or
 * the PEM's. */
static int pem_failed(struct tls_store *st, const char **why)
{
	if (!st->err)
		st->err = "malformed PEM in the CA bundle";
	*why = st->err;
	return -1;
}

int tls_anchors_push(const void *buf, size_t len, const char **why)
{
	struct tls_store *st = &store;

	if (st->err) {
		*why = st->err;
		return -1;
	}
	return tls_pem_push(&st->pem, buf, len) < 0 ? pem_failed(st, why) : 0;
}

int tls_anchors_finish(struct tls_anchor_stats *s, const char **why)
{
	struct tls_store *st = &store;
	int bad = st->err || tls_pem_finish(&st->pem) < 0;

	s->anchors = st->n;
	s->bytes = st->used;
	s->skipped = st->skipped;
	s->objects = st->objects;
	if (bad)
		return pem_failed(st, why);
	if (st->in_cert) {
		st->used = st->dn_start;
		*why = "the CA bundle ends inside a certificate";
		return -1;
	}
	return 0;
}

const br_x509_trust_anchor *tls_store_anchors(size_t *n)
{
	*n = store.n;
	return store.ta;
}

int tls_anchors_load_file(const char *path, char *why, size_t whysize)
{
	char buf[4096];
	const char *w = 0;
	struct tls_anchor_stats sa;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fmt_into(why, whysize, "CA bundle %s: %s", path, err_errno(errno));
		return -1;
	}
	tls_anchors_reset(0);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (tls_anchors_push(buf, (size_t)n, &w) < 0)
			break;
	close(fd);
	if (n < 0) {
		fmt_into(why, whysize, "CA bundle %s: %s", path, err_errno(errno));
		return -1;
	}
	if (w || tls_anchors_finish(&sa, &w) < 0 || !sa.anchors) {
		fmt_into(why, whysize, "CA bundle %s: %s", path,
			 w ? w : "no certificate in it");
		return -1;
	}
	return 0;
}
#endif
