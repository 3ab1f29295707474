/* dnsq_parse_reply on packets built here: every answer kind the locator
 * uses, CNAME chains, the record cap, and every malformation it must turn
 * into an error rather than a wrong address. */
#include "dnsq.h"
#include "unit.h"

struct pkt {
	unsigned char b[2048];
	size_t n;
};

static void u8(struct pkt *p, unsigned v) { p->b[p->n++] = (unsigned char)v; }
static void u16(struct pkt *p, unsigned v) { u8(p, v >> 8); u8(p, v & 255); }
static void u32(struct pkt *p, unsigned long v) { u16(p, (unsigned)(v >> 16)); u16(p, (unsigned)(v & 65535)); }

/* A name as labels ("mx.t.test"), or a compression pointer when ptr. */
static void name(struct pkt *p, const char *s)
{
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		u8(p, (unsigned)l);
		memcpy(p->b + p->n, s, l);
		p->n += l;
		s += l + (dot != 0);
	}
	u8(p, 0);
}

enum { T_A = 1, T_CNAME = 5, T_MX = 15, T_TXT = 16, T_AAAA = 28, T_SRV = 33,
       T_TLSA = 52, T_RRSIG = 46 };

/* Header and the question; flags2 carries the rcode and AD. */
static void head(struct pkt *p, unsigned flags1, unsigned flags2, unsigned an,
		 const char *qname, unsigned qtype)
{
	p->n = 0;
	u16(p, 0x1234);
	u8(p, flags1);
	u8(p, flags2);
	u16(p, 1);
	u16(p, an);
	u16(p, 0);
	u16(p, 0);
	name(p, qname);
	u16(p, qtype);
	u16(p, 1);
}

/* One record's owner, type, class, ttl; returns where rdlength goes. */
static size_t rr(struct pkt *p, const char *owner, unsigned type)
{
	size_t at;
	if (owner)
		name(p, owner);
	else {
		u16(p, 0xc00c); /* the question's name */
	}
	u16(p, type);
	u16(p, 1);
	u32(p, 60);
	at = p->n;
	u16(p, 0);
	return at;
}

static void rdlen(struct pkt *p, size_t at)
{
	size_t l = p->n - at - 2;
	p->b[at] = (unsigned char)(l >> 8);
	p->b[at + 1] = (unsigned char)l;
}

static void answers(void)
{
	static struct pkt p;
	static struct dnsq_answer a;
	size_t at;
	int i;

	/* MX: two records, one target compressed. */
	head(&p, 0x81, 0x80, 2, "t.test", T_MX);
	at = rr(&p, 0, T_MX); u16(&p, 10); name(&p, "mx1.t.test"); rdlen(&p, at);
	at = rr(&p, 0, T_MX); u16(&p, 20); u8(&p, 3); memcpy(p.b + p.n, "mx2", 3);
	p.n += 3; u16(&p, 0xc00c); rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, p.n, &a) == DNSQ_OK && a.n == 2);
	CHECK(a.rr[0].prio == 10 && !strcmp(a.rr[0].name, "mx1.t.test"));
	CHECK(a.rr[1].prio == 20 && !strcmp(a.rr[1].name, "mx2.t.test"));
	CHECK(!a.ad);
	/* SRV with the root target, AD set. */
	head(&p, 0x81, 0xa0, 1, "_smtp._tcp.t.test", T_SRV);
	at = rr(&p, 0, T_SRV); u16(&p, 0); u16(&p, 0); u16(&p, 0); u8(&p, 0); rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_SRV, p.b, p.n, &a) == DNSQ_OK && a.n == 1);
	CHECK(a.rr[0].name[0] == 0 && a.ad);
	/* A through a CNAME chain. */
	head(&p, 0x81, 0x80, 2, "alias.t.test", T_A);
	at = rr(&p, 0, T_CNAME); name(&p, "real.t.test"); rdlen(&p, at);
	at = rr(&p, "real.t.test", T_A); u8(&p, 192); u8(&p, 0); u8(&p, 2); u8(&p, 7); rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_A, p.b, p.n, &a) == DNSQ_OK && a.n == 1);
	CHECK(a.rr[0].ip.ip[0] == 192 && a.rr[0].ip.ip[3] == 7 && !a.rr[0].ip.is6);
	/* A record of another name is not taken. */
	head(&p, 0x81, 0x80, 1, "x.t.test", T_A);
	at = rr(&p, "evil.t.test", T_A); u32(&p, 0x01020304UL); rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_A, p.b, p.n, &a) == DNSQ_NODATA && a.n == 0);
	/* AAAA. */
	head(&p, 0x81, 0x80, 1, "v6.t.test", T_AAAA);
	at = rr(&p, 0, T_AAAA);
	for (i = 0; i < 15; i++)
		u8(&p, 0);
	u8(&p, 1);
	rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_AAAA, p.b, p.n, &a) == DNSQ_OK && a.rr[0].ip.is6 &&
	      a.rr[0].ip.ip[15] == 1);
	/* Over DNS_RR_MAX: the extras are counted, not kept. */
	head(&p, 0x81, 0x80, DNS_RR_MAX + 4, "many.t.test", T_A);
	for (i = 0; i < DNS_RR_MAX + 4; i++) {
		at = rr(&p, 0, T_A); u32(&p, 0x0a000001UL + (unsigned long)i); rdlen(&p, at);
	}
	CHECK(dnsq_parse_reply(DNSQ_A, p.b, p.n, &a) == DNSQ_OK);
	CHECK(a.n == DNS_RR_MAX && a.dropped == 4);
}

static void failures(void)
{
	static struct pkt p;
	static struct dnsq_answer a;
	size_t at, good;

	head(&p, 0x81, 0x83, 0, "nx.t.test", T_MX);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, p.n, &a) == DNSQ_NXDOMAIN);
	head(&p, 0x81, 0x82, 0, "sf.t.test", T_MX);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, p.n, &a) == DNSQ_TEMPFAIL);
	head(&p, 0x81, 0x85, 0, "rf.t.test", T_MX);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, p.n, &a) == DNSQ_TEMPFAIL);
	head(&p, 0x81, 0x80, 0, "nd.t.test", T_MX);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, p.n, &a) == DNSQ_NODATA);
	/* Not a response; truncated; another question type. */
	head(&p, 0x01, 0x80, 0, "q.t.test", T_MX);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, p.n, &a) == DNSQ_PROTOCOL);
	head(&p, 0x83, 0x80, 0, "q.t.test", T_MX);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, p.n, &a) == DNSQ_PROTOCOL);
	head(&p, 0x81, 0x80, 0, "q.t.test", T_A);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, p.n, &a) == DNSQ_PROTOCOL);
	/* Shorter than a header. */
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, 11, &a) == DNSQ_PROTOCOL);
	/* An A record with five bytes of data. */
	head(&p, 0x81, 0x80, 1, "a.t.test", T_A);
	at = rr(&p, 0, T_A); u32(&p, 1); u8(&p, 1); rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_A, p.b, p.n, &a) == DNSQ_PROTOCOL);
	/* A record cut off in the middle. */
	head(&p, 0x81, 0x80, 1, "a.t.test", T_MX);
	at = rr(&p, 0, T_MX); u16(&p, 10); name(&p, "mx.t.test"); rdlen(&p, at);
	good = p.n;
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, good, &a) == DNSQ_OK);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, good - 3, &a) == DNSQ_PROTOCOL);
	/* An MX whose target runs past its rdata. */
	p.b[at + 1] = 4;
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, good, &a) == DNSQ_PROTOCOL);
	/* A compression pointer to itself. */
	head(&p, 0x81, 0x80, 1, "a.t.test", T_MX);
	at = rr(&p, 0, T_MX); u16(&p, 10);
	u16(&p, 0xc000 | (unsigned)p.n);
	rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_MX, p.b, p.n, &a) == DNSQ_PROTOCOL);
}

/* TLSA: usage, selector, matching type and data kept; a record over
 * DNS_TLSA_DATA_SIZE marked, not kept; RRSIGs beside them skipped; no
 * data at all is malformed. */
static void tlsa(void)
{
	static struct pkt p;
	static struct dnsq_answer a;
	size_t at, i;

	head(&p, 0x81, 0xa0, 4, "_25._tcp.mx.t.test", T_TLSA);
	at = rr(&p, 0, T_TLSA); u8(&p, 3); u8(&p, 1); u8(&p, 1);
	for (i = 0; i < 32; i++)
		u8(&p, (unsigned)i);
	rdlen(&p, at);
	at = rr(&p, 0, T_RRSIG); u32(&p, 0x00340d05UL); rdlen(&p, at);
	at = rr(&p, 0, T_TLSA); u8(&p, 2); u8(&p, 0); u8(&p, 0);
	for (i = 0; i < DNS_TLSA_DATA_SIZE + 1; i++)
		u8(&p, 0xab);
	rdlen(&p, at);
	at = rr(&p, 0, T_TLSA); u8(&p, 2); u8(&p, 1); u8(&p, 0);
	for (i = 0; i < DNS_TLSA_DATA_SIZE; i++)
		u8(&p, 0xcd);
	rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_TLSA, p.b, p.n, &a) == DNSQ_OK && a.n == 3);
	CHECK(a.ad);
	CHECK(a.rr[0].tlsa.usage == 3 && a.rr[0].tlsa.selector == 1 &&
	      a.rr[0].tlsa.mtype == 1 && a.rr[0].tlsa.len == 32 &&
	      a.rr[0].tlsa.data[31] == 31 && !a.rr[0].tlsa.oversize);
	CHECK(a.rr[1].tlsa.usage == 2 && a.rr[1].tlsa.oversize &&
	      a.rr[1].tlsa.len == DNS_TLSA_DATA_SIZE + 1);
	CHECK(!a.rr[2].tlsa.oversize && a.rr[2].tlsa.len == DNS_TLSA_DATA_SIZE &&
	      a.rr[2].tlsa.data[DNS_TLSA_DATA_SIZE - 1] == 0xcd);
	/* Three bytes: the fields without data. */
	head(&p, 0x81, 0xa0, 1, "_25._tcp.mx.t.test", T_TLSA);
	at = rr(&p, 0, T_TLSA); u8(&p, 3); u8(&p, 1); u8(&p, 1); rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_TLSA, p.b, p.n, &a) == DNSQ_PROTOCOL);
}

/* TXT (MTA-STS's _mta-sts record): strings joined; a NUL shown as '?';
 * past the buffer cut and marked; a string running past its record
 * malformed. */
static void txt(void)
{
	static struct dnsq_answer a;
	struct pkt p;
	size_t at, i;

	head(&p, 0x81, 0x80, 3, "_mta-sts.t.test", T_TXT);
	at = rr(&p, 0, T_TXT);
	u8(&p, 8); memcpy(p.b + p.n, "v=STSv1;", 8); p.n += 8;
	u8(&p, 7); memcpy(p.b + p.n, " id=a\0b", 7); p.n += 7;
	rdlen(&p, at);
	at = rr(&p, 0, T_TXT);
	for (i = 0; i < 2; i++) {
		u8(&p, 200);
		memset(p.b + p.n, 'x', 200);
		p.n += 200;
	}
	rdlen(&p, at);
	at = rr(&p, 0, T_TXT); u8(&p, 0); rdlen(&p, at);     /* one empty string */
	CHECK(dnsq_parse_reply(DNSQ_TXT, p.b, p.n, &a) == DNSQ_OK && a.n == 3);
	CHECK_STR(a.rr[0].name, "v=STSv1; id=a?b");
	CHECK(!a.rr[0].txt_cut && a.rr[1].txt_cut &&
	      strlen(a.rr[1].name) == SMTP_DOMAIN_SIZE);
	CHECK(a.rr[2].name[0] == 0 && !a.rr[2].txt_cut);
	head(&p, 0x81, 0x80, 1, "_mta-sts.t.test", T_TXT);
	at = rr(&p, 0, T_TXT); u8(&p, 9); u8(&p, 'v'); rdlen(&p, at);
	CHECK(dnsq_parse_reply(DNSQ_TXT, p.b, p.n, &a) == DNSQ_PROTOCOL);
}

UNIT_SUITE(dnsreply_tests) = {
	{ "dns reply: TXT strings joined, cut, malformed", txt },
	{ "dns reply: TLSA fields, the data cap, RRSIG beside, no data", tlsa },
	{ "dns reply: MX, SRV '.', CNAME chains, AAAA, AD, the record cap", answers },
	{ "dns reply: NXDOMAIN, SERVFAIL, NODATA and every malformation", failures },
	UNIT_END
};
