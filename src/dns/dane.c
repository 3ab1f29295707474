/* dane.c: see dane.h. */
#include <string.h>
#include "dane.h"
#include "fmt.h"

int dane_tlsa_name(const char *host, unsigned port, char *out, size_t size)
{
	int n;
	if (!host[0])
		return -1;
	n = fmt_into(out, size, "_%u._tcp.%s", port, host);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int dane_usable(const struct dnsq_rr *rr)
{
	if (rr->tlsa.oversize || rr->tlsa.len == 0)
		return 0;
	if (rr->tlsa.usage != 2 && rr->tlsa.usage != 3)
		return 0;
	if (rr->tlsa.selector > 1)
		return 0;
	switch (rr->tlsa.mtype) {
	case 0: return 1;
	case 1: return rr->tlsa.len == 32;
	case 2: return rr->tlsa.len == 64;
	default: return 0;
	}
}

enum dane_state dane_classify(const struct dnsq_answer *a, size_t *usable)
{
	size_t i;

	*usable = 0;
	switch (a->status) {
	case DNSQ_OK:
		break;
	case DNSQ_NODATA:
	case DNSQ_NXDOMAIN:
		return DANE_NONE;
	default:
		return DANE_FAILED;
	}
	if (!a->ad)
		return DANE_NONE;
	for (i = 0; i < a->n; i++)
		*usable += (size_t)dane_usable(&a->rr[i]);
	if (*usable)
		return DANE_USABLE;
	/* Records over DNS_RR_MAX were dropped: they might have been usable,
	 * but what was kept decides; a secure set is there either way. */
	return a->n || a->dropped ? DANE_UNUSABLE : DANE_NONE;
}

/* Reads one TLV at *p (before end): a one-byte tag (the low-tag-number
 * form: all an X.509 certificate uses before its extensions), and a
 * definite length of at most three bytes. Sets the content and moves *p
 * past the element. Returns the tag, or -1. */
static int tlv(const unsigned char **p, const unsigned char *end,
	       const unsigned char **content, size_t *clen)
{
	const unsigned char *q = *p;
	size_t len;
	int tag;

	if (end - q < 2)
		return -1;
	tag = *q++;
	if ((tag & 0x1f) == 0x1f)
		return -1;
	len = *q++;
	if (len & 0x80) {
		size_t k = len & 0x7f;
		if (k == 0 || k > 3 || (size_t)(end - q) < k)
			return -1;
		for (len = 0; k; k--)
			len = len << 8 | *q++;
	}
	if ((size_t)(end - q) < len)
		return -1;
	*content = q;
	*clen = len;
	*p = q + len;
	return tag;
}

int der_cert_parts(const unsigned char *der, size_t len,
		   struct der_span *subject, struct der_span *spki)
{
	const unsigned char *p = der, *end = der + len, *c, *start;
	size_t clen;
	int i;

	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { ... } ... } */
	if (tlv(&p, end, &c, &clen) != 0x30)
		return -1;
	p = c;
	end = c + clen;
	if (tlv(&p, end, &c, &clen) != 0x30)
		return -1;
	p = c;
	end = c + clen;
	/* [0] version (optional), serialNumber, signature, issuer,
	 * validity, then subject and subjectPublicKeyInfo. */
	if (p < end && *p == 0xa0 && tlv(&p, end, &c, &clen) < 0)
		return -1;
	if (tlv(&p, end, &c, &clen) != 0x02)
		return -1;
	for (i = 0; i < 3; i++)
		if (tlv(&p, end, &c, &clen) != 0x30)
			return -1;
	start = p;
	if (tlv(&p, end, &c, &clen) != 0x30)
		return -1;
	subject->p = start;
	subject->len = (size_t)(p - start);
	start = p;
	if (tlv(&p, end, &c, &clen) != 0x30)
		return -1;
	spki->p = start;
	spki->len = (size_t)(p - start);
	return 0;
}
