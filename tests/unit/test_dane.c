/* dane.c: TLSA names, which records are usable, what an answer means,
 * and the DER walk to a certificate's subject and key, on a certificate
 * built here and on every cut of it. */
#include "dane.h"
#include "unit.h"

static void names(void)
{
	char b[64];
	CHECK(dane_tlsa_name("mx.example.com", 25, b, sizeof b) == 0);
	CHECK_STR(b, "_25._tcp.mx.example.com");
	CHECK(dane_tlsa_name("mx.example.com", 25, b, 10) < 0);
	CHECK(dane_tlsa_name("", 25, b, sizeof b) < 0);
}

static void set(struct dnsq_rr *r, unsigned u, unsigned s, unsigned m,
		unsigned len)
{
	memset(r, 0, sizeof *r);
	r->tlsa.usage = (unsigned char)u;
	r->tlsa.selector = (unsigned char)s;
	r->tlsa.mtype = (unsigned char)m;
	r->tlsa.len = (unsigned short)len;
}

static void usable(void)
{
	static struct dnsq_answer a;
	size_t n;

	set(&a.rr[0], 3, 1, 1, 32); CHECK(dane_usable(&a.rr[0]));
	set(&a.rr[0], 2, 0, 2, 64); CHECK(dane_usable(&a.rr[0]));
	set(&a.rr[0], 3, 1, 0, 91); CHECK(dane_usable(&a.rr[0]));
	set(&a.rr[0], 3, 1, 1, 31); CHECK(!dane_usable(&a.rr[0]));
	set(&a.rr[0], 3, 1, 2, 32); CHECK(!dane_usable(&a.rr[0]));
	set(&a.rr[0], 1, 1, 1, 32); CHECK(!dane_usable(&a.rr[0])); /* PKIX-EE */
	set(&a.rr[0], 0, 0, 1, 32); CHECK(!dane_usable(&a.rr[0])); /* PKIX-TA */
	set(&a.rr[0], 3, 2, 1, 32); CHECK(!dane_usable(&a.rr[0]));
	set(&a.rr[0], 3, 1, 3, 32); CHECK(!dane_usable(&a.rr[0]));
	set(&a.rr[0], 3, 1, 0, 0); CHECK(!dane_usable(&a.rr[0]));
	set(&a.rr[0], 3, 0, 0, 300); a.rr[0].tlsa.oversize = 1;
	CHECK(!dane_usable(&a.rr[0]));

	/* One usable and one not, with AD: usable; without AD: none. */
	set(&a.rr[0], 1, 1, 1, 32);
	set(&a.rr[1], 3, 1, 1, 32);
	a.n = 2;
	a.status = DNSQ_OK;
	a.ad = 1;
	CHECK(dane_classify(&a, &n) == DANE_USABLE && n == 1);
	a.ad = 0;
	CHECK(dane_classify(&a, &n) == DANE_NONE && n == 0);
	a.ad = 1;
	a.n = 1;
	CHECK(dane_classify(&a, &n) == DANE_UNUSABLE && n == 0);
	a.status = DNSQ_NODATA;
	CHECK(dane_classify(&a, &n) == DANE_NONE);
	a.status = DNSQ_NXDOMAIN;
	CHECK(dane_classify(&a, &n) == DANE_NONE);
	a.status = DNSQ_TEMPFAIL;
	CHECK(dane_classify(&a, &n) == DANE_FAILED);
	a.status = DNSQ_PROTOCOL;
	CHECK(dane_classify(&a, &n) == DANE_FAILED);
}

/* A certificate's skeleton: SEQ { SEQ { [0] { INT 2 } INT serial, SEQ alg,
 * SEQ issuer, SEQ validity, SEQ subject, SEQ spki (long form length),
 * [3] ext } SEQ alg, BIT STRING sig }. */
static size_t cert(unsigned char *b, int with_version)
{
	static const unsigned char head_v[] = { 0xa0, 3, 2, 1, 2 };
	static const unsigned char middle[] = {
		2, 2, 0x01, 0x23,               /* serial */
		0x30, 2, 5, 0,                  /* signature algorithm */
		0x30, 3, 0x31, 1, 0,            /* issuer */
		0x30, 4, 0x17, 0, 0x17, 0,      /* validity */
	};
	static const unsigned char subject[] = { 0x30, 5, 0x31, 3, 0x30, 1, 0 };
	unsigned char tbs[400];
	size_t t = 0, n = 0, i;

	if (with_version) {
		memcpy(tbs, head_v, sizeof head_v);
		t = sizeof head_v;
	}
	memcpy(tbs + t, middle, sizeof middle);
	t += sizeof middle;
	memcpy(tbs + t, subject, sizeof subject);
	t += sizeof subject;
	tbs[t++] = 0x30;                        /* spki, 200 bytes */
	tbs[t++] = 0x81;
	tbs[t++] = 200;
	for (i = 0; i < 200; i++)
		tbs[t++] = (unsigned char)i;
	tbs[t++] = 0xa3;
	tbs[t++] = 0;
	b[n++] = 0x30; b[n++] = 0x82;
	b[n++] = (unsigned char)((t + 4 + 7) >> 8);
	b[n++] = (unsigned char)(t + 4 + 7);
	b[n++] = 0x30; b[n++] = 0x82;
	b[n++] = (unsigned char)(t >> 8);
	b[n++] = (unsigned char)t;
	memcpy(b + n, tbs, t);
	n += t;
	memcpy(b + n, "\x30\x02\x05\x00\x03\x01\x00", 7);
	return n + 7;
}

static void der(void)
{
	unsigned char b[512];
	struct der_span subj, spki;
	size_t n, k;
	int v;

	for (v = 0; v < 2; v++) {
		n = cert(b, v);
		CHECK(der_cert_parts(b, n, &subj, &spki) == 0);
		CHECK(subj.len == 7 && subj.p[0] == 0x30 && subj.p[1] == 5);
		CHECK(spki.len == 203 && spki.p[2] == 200 && spki.p[3] == 0 &&
		      spki.p[202] == 199);
		/* Every cut of it is refused, never read past. */
		for (k = 0; k < n - 9; k++)
			CHECK(der_cert_parts(b, k, &subj, &spki) < 0);
	}
	/* Not a SEQUENCE; a high tag number; an indefinite length. */
	n = cert(b, 1);
	b[0] = 0x31;
	CHECK(der_cert_parts(b, n, &subj, &spki) < 0);
	b[0] = 0x3f;
	CHECK(der_cert_parts(b, n, &subj, &spki) < 0);
	b[0] = 0x30;
	b[1] = 0x80;
	CHECK(der_cert_parts(b, n, &subj, &spki) < 0);
}

UNIT_SUITE(dane_tests) = {
	{ "dane: _PORT._tcp.HOST names", names },
	{ "dane: usable records (2/3, 0/1, full/SHA-256/SHA-512) and AD", usable },
	{ "dane: DER walk to subject and SPKI, every cut refused", der },
	UNIT_END
};
