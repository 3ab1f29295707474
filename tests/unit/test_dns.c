/* The DNS-side pure functions: SRV and MX ordering, address interleaving,
 * /SELF cuts, resolv.conf and --resolver parsing; the arena. */
#include <stdlib.h>
#include "arena.h"
#include "dnsq.h"
#include "err.h"
#include "locate.h"
#include "hosts.h"
#include "unit.h"

/* A deterministic generator for the ordering rules. */
static unsigned long long seq_state;
static unsigned long lcg(void *st, unsigned long max)
{
	unsigned long long *x = st;
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned long)((*x >> 33) % ((unsigned long long)max + 1));
}

static struct dnsq_rr mk(unsigned prio, unsigned weight, unsigned port,
			 const char *name)
{
	struct dnsq_rr r;
	memset(&r, 0, sizeof r);
	r.prio = prio;
	r.weight = weight;
	r.port = port;
	snprintf(r.name, sizeof r.name, "%s", name);
	return r;
}

static void srv_order(void)
{
	struct dnsq_rr rr[6];
	struct locate_host out[RELAY_HOSTS_MAX];
	unsigned first[3] = { 0, 0, 0 };
	size_t n, i;
	int t;

	rr[0] = mk(20, 0, 2600, "backup.test");
	rr[1] = mk(10, 60, 2501, "a.test");
	rr[2] = mk(10, 30, 2502, "b.test");
	rr[3] = mk(10, 10, 2503, "c.test");
	rr[4] = mk(30, 5, 2700, "");        /* "." left out */
	seq_state = 1;
	for (t = 0; t < 10000; t++) {
		n = locate_order_srv(rr, 5, out, RELAY_HOSTS_MAX, lcg, &seq_state);
		CHECK(n == 4);
		/* Priorities never interleave; the backup is always last. */
		CHECK(out[0].priority == 10 && out[1].priority == 10 &&
		      out[2].priority == 10 && !strcmp(out[3].name, "backup.test"));
		CHECK(out[3].port == 2600);
		for (i = 0; i < 3; i++)
			if (out[0].port == 2501 + i)
				first[i]++;
	}
	/* 60:30:10 within 2 percentage points over 10000 draws. */
	CHECK(first[0] > 5800 && first[0] < 6200);
	CHECK(first[1] > 2800 && first[1] < 3200);
	CHECK(first[2] > 800 && first[2] < 1200);
	/* Weight 0 alongside weighted records: rarely first (only on a
	 * draw of 0), but always placed. */
	rr[0] = mk(1, 0, 1, "zero.test");
	rr[1] = mk(1, 100, 2, "heavy.test");
	first[0] = 0;
	for (t = 0; t < 5000; t++) {
		n = locate_order_srv(rr, 2, out, RELAY_HOSTS_MAX, lcg, &seq_state);
		CHECK(n == 2);
		first[0] += out[0].port == 1;
	}
	CHECK(first[0] < 200);
	/* All weights 0: every order occurs. */
	rr[0] = mk(1, 0, 1, "x.test");
	rr[1] = mk(1, 0, 2, "y.test");
	first[0] = 0;
	for (t = 0; t < 1000; t++) {
		locate_order_srv(rr, 2, out, RELAY_HOSTS_MAX, lcg, &seq_state);
		first[0] += out[0].port == 1;
	}
	CHECK(first[0] > 0 && first[0] < 1000);
	/* Capacity: extras dropped, never written past max. */
	for (i = 0; i < 6; i++)
		rr[i] = mk((unsigned)i, 1, (unsigned)i, "h.test");
	CHECK(locate_order_srv(rr, 6, out, 4, lcg, &seq_state) == 4);
	CHECK(out[3].priority == 3);
}

static void mx_order(void)
{
	struct dnsq_rr rr[5];
	struct locate_host out[RELAY_HOSTS_MAX];
	unsigned firsta = 0;
	int t;

	rr[0] = mk(20, 0, 0, "mx3.test");
	rr[1] = mk(10, 0, 0, "mx1a.test");
	rr[2] = mk(10, 0, 0, "mx1b.test");
	rr[3] = mk(5, 0, 0, "mx0.test");
	rr[4] = mk(30, 0, 0, "");
	seq_state = 7;
	for (t = 0; t < 2000; t++) {
		size_t n = locate_order_mx(rr, 5, 25, out, RELAY_HOSTS_MAX, lcg,
					   &seq_state);
		CHECK(n == 4);
		CHECK(!strcmp(out[0].name, "mx0.test") && out[0].port == 25);
		CHECK(!strcmp(out[3].name, "mx3.test"));
		CHECK(out[1].priority == 10 && out[2].priority == 10);
		firsta += !strcmp(out[1].name, "mx1a.test");
	}
	/* Equal preferences are shuffled: each first about half the time. */
	CHECK(firsta > 850 && firsta < 1150);
}

static void addrs(void)
{
	static struct dnsq_answer a4, a6;
	static struct locate_result r;
	struct locate_host h = { "dual.test", 2525, 10 };
	char buf[IP46_FMT_SIZE];
	size_t i;

	memset(&r, 0, sizeof r);
	a4.status = a6.status = DNSQ_OK;
	a4.n = 3;
	a6.n = 1;
	for (i = 0; i < 3; i++)
		ip46_parse(i == 0 ? "127.0.0.1" : i == 1 ? "127.0.0.2" : "127.0.0.3",
			   9, &a4.rr[i].ip);
	ip46_parse("::1", 3, &a6.rr[0].ip);
	CHECK(locate_add_addrs(&r, &h, &a4, CONFIG_IPV6 ? &a6 : 0) ==
	      (CONFIG_IPV6 ? 4u : 3u));
	ip46_fmt(&r.addr[0].ip, buf);
	/* IPv6 first, then alternating (RFC 8305 §4). */
	CHECK_STR(buf, CONFIG_IPV6 ? "::1" : "127.0.0.1");
	ip46_fmt(&r.addr[1].ip, buf);
	CHECK_STR(buf, CONFIG_IPV6 ? "127.0.0.1" : "127.0.0.2");
	CHECK(r.addr[0].port == 2525 && r.addr[0].priority == 10);
	CHECK(!strcmp(r.addr[0].name, "dual.test"));
	/* A failed family adds nothing; the cap per host holds. */
	a6.status = DNSQ_TEMPFAIL;
	a4.n = 8;
	for (i = 0; i < 8; i++)
		a4.rr[i].ip = a4.rr[0].ip;
	r.n = 0;
	CHECK(locate_add_addrs(&r, &h, &a4, &a6) == RELAY_ADDRS_PER_HOST_MAX);
}

static void self_cut(void)
{
	static struct locate_result r;
	struct locate_req q;
	struct ip46 self;
	size_t i;

	memset(&q, 0, sizeof q);
	q.domain = "example.test";
	ip46_parse("10.0.0.2", 8, &self);
	q.self = &self;
	q.nself = 1;
	memset(&r, 0, sizeof r);
	r.n = 4;
	for (i = 0; i < 4; i++) {
		char a[16];
		snprintf(a, sizeof a, "10.0.0.%u", (unsigned)i + 1);
		ip46_parse(a, strlen(a), &r.addr[i].ip);
		r.addr[i].priority = (unsigned)i * 10; /* 0 10 20 30 */
	}
	/* Self in the middle: it and everything after go. */
	CHECK(locate_cut_self(&q, &r, 1) == 0 && r.n == 1 && r.self_cut);
	/* Self at the best: nothing left, a 5.4.6 loop bounce. */
	r.n = 2;
	r.addr[0].ip = self;
	r.addr[0].priority = 0;
	CHECK(locate_cut_self(&q, &r, 1) == E_CONNECT && r.n == 0);
	CHECK(r.fail.kind == OUTCOME_BOUNCED && !strcmp(r.fail.status, "5.4.6"));
	/* Self at an equal priority with another: both go. */
	r.n = 3;
	r.addr[0].priority = 5;
	r.addr[1].priority = 5;
	ip46_parse("10.0.0.9", 8, &r.addr[1].ip);
	r.addr[2].priority = 1;
	ip46_parse("10.0.0.8", 8, &r.addr[2].ip);
	CHECK(locate_cut_self(&q, &r, 1) == 0 && r.n == 1 && r.addr[0].priority == 1);
}

/* Servers found through DNS on this host: loopback, link-local, the
 * unspecified address and the host's own addresses are cut like /SELF;
 * a literal or route (dns 0) and --allow-local-mx keep them. */
static void dns_never_names_this_host(void)
{
	static const char *const local[] = { "127.0.0.1", "127.9.9.9", "0.0.0.0",
		"169.254.1.1", "224.0.0.1", "255.255.255.255", "::1", "::",
		"fe80::1", "ff02::1", "::ffff:127.0.0.1" };
	static const char *const remote[] = { "192.0.2.1", "2001:db8::1",
		"::ffff:192.0.2.1", "10.1.2.3" };
	static struct locate_result r;
	struct locate_req q;
	struct ip46 a, own;
	size_t i;

	for (i = 0; i < sizeof local / sizeof local[0]; i++)
		if (ip46_parse(local[i], strlen(local[i]), &a))
			CHECK(ip46_is_local(&a));
	for (i = 0; i < sizeof remote / sizeof remote[0]; i++)
		if (ip46_parse(remote[i], strlen(remote[i]), &a))
			CHECK(!ip46_is_local(&a));
	memset(&q, 0, sizeof q);
	q.domain = "example.test";
	ip46_parse("10.1.2.3", 8, &own);       /* an interface of this host */
	q.own = &own;
	q.nown = 1;
	memset(&r, 0, sizeof r);
	r.n = 3;
	ip46_parse("192.0.2.1", 9, &r.addr[0].ip);
	ip46_parse("10.1.2.3", 8, &r.addr[1].ip);
	ip46_parse("127.0.0.1", 9, &r.addr[2].ip);
	r.addr[0].priority = 0;
	r.addr[1].priority = 10;
	r.addr[2].priority = 20;
	CHECK(locate_cut_self(&q, &r, 1) == 0 && r.n == 1 && r.self_cut);
	r.n = 1;
	ip46_parse("127.0.0.1", 9, &r.addr[0].ip);
	CHECK(locate_cut_self(&q, &r, 1) == E_CONNECT && r.n == 0);
	CHECK(!strcmp(r.fail.status, "5.4.6"));
	r.n = 1;
	CHECK(locate_cut_self(&q, &r, 0) == 0 && r.n == 1);   /* a literal */
	q.allow_local = 1;
	CHECK(locate_cut_self(&q, &r, 1) == 0 && r.n == 1);   /* allowed */
}

static void resolvers(void)
{
	static const char conf[] =
		"# comment\n"
		"search example.test\n"
		"nameserver 192.0.2.53\n"
		"nameserver\t::1\n"
		"nameserver bogus\n"
		"options timeout:2 attempts:5 rotate\n"
		"nameserver 198.51.100.1";
	struct dnsq_conf c;
	struct dnsq_server s;

	memset(&c, 0, sizeof c);
	CHECK(dnsq_resolvconf(conf, sizeof conf - 1, &c) == (CONFIG_IPV6 ? 3u : 2u));
	CHECK(c.serv[0].port == 53 && c.timeout == 2 && c.tries == 5);
	CHECK(dnsq_resolvconf("", 0, &c) == 0);
	CHECK(dnsq_server_parse("127.0.0.1", &s) && s.port == 53);
	CHECK(dnsq_server_parse("127.0.0.1:5353", &s) && s.port == 5353);
	CHECK(!dnsq_server_parse("127.0.0.1:0", &s));
	CHECK(!dnsq_server_parse("127.0.0.1:", &s));
	CHECK(!dnsq_server_parse("localhost", &s));
	CHECK(!dnsq_server_parse("127.0.0.1:99999", &s));
#if CONFIG_IPV6
	CHECK(dnsq_server_parse("::1", &s) && s.port == 53 && s.ip.is6);
	CHECK(dnsq_server_parse("[::1]:5300", &s) && s.port == 5300 && s.ip.is6);
#else
	CHECK(!dnsq_server_parse("[::1]:5300", &s));
#endif
}

static void arena(void)
{
	struct arena_stats a, b;
	void *p[8], *big;
	int i;

	arena_stats(&a);
	for (i = 0; i < 8; i++) {
		p[i] = malloc(100 + (size_t)i);
		CHECK(p[i] != 0 && ((size_t)p[i] & 15) == 0);
		memset(p[i], i, 100);
	}
	for (i = 0; i < 8; i += 2)
		free(p[i]);
	for (i = 1; i < 8; i += 2)
		free(p[i]);
	arena_stats(&b);
	CHECK(b.in_use == a.in_use && b.allocs == a.allocs + 8);
	/* After merging, one large block fits again. */
	big = malloc(ARENA_SIZE / 2);
	CHECK(big != 0);
	free(big);
	/* Over the arena: NULL, counted, nothing broken. */
	CHECK(malloc(ARENA_SIZE + 1) == 0);
	arena_stats(&b);
	CHECK(b.failures == a.failures + 1);
	p[0] = calloc(10, 10);
	CHECK(p[0] && !((char *)p[0])[99]);
	p[0] = realloc(p[0], 500);
	CHECK(p[0] != 0);
	free(p[0]);
	{
		/* An overflowing count times size (volatile: the compiler
		 * must not see the constant). */
		volatile size_t huge = (size_t)-1 / 8;
		CHECK(calloc(huge, 16) == 0);
	}
}

/* /etc/hosts: addresses by family, names ignoring case and a trailing
 * dot, comments, aliases, malformed lines skipped. */
static void etc_hosts(void)
{
	static struct dnsq_answer a4, a6;
	static const char h[] =
		"127.0.0.1\tlocalhost\n"
		"::1 localhost ip6-localhost # the v6 one\n"
		"# 10.9.9.9 smarthost\n"
		"not-an-address smarthost\n"
		"192.0.2.25  smarthost.lan smarthost  \r\n"
		"192.0.2.26 SmartHost.lan.\n"
		"2001:db8::25 smarthost.lan\n"
		"198.51.100.7 other";    /* no final line end */
	char ip[IP46_FMT_SIZE];

	a4.status = a6.status = -1;
	CHECK(!hosts_find(h, sizeof h - 1, "nowhere.example", &a4, &a6));
	CHECK(a4.status == -1 && a6.status == -1);       /* untouched */
	CHECK(hosts_find(h, sizeof h - 1, "smarthost.lan", &a4, &a6));
	CHECK(a4.status == DNSQ_OK && a4.n == 2);
	ip46_fmt(&a4.rr[0].ip, ip);
	CHECK_STR(ip, "192.0.2.25");
	ip46_fmt(&a4.rr[1].ip, ip);
	CHECK_STR(ip, "192.0.2.26");
	CHECK(hosts_find(h, sizeof h - 1, "smarthost", &a4, 0) && a4.n == 1);
	CHECK(hosts_find(h, sizeof h - 1, "LOCALHOST.", &a4, &a6) && a4.n == 1);
	CHECK(hosts_find(h, sizeof h - 1, "other", &a4, &a6));
	CHECK(a4.n == 1 && a6.status == DNSQ_NODATA);
	if (!CONFIG_IPV6) {
		/* IPv6 lines are no addresses of an IPv4-only build. */
		CHECK(!hosts_find(h, sizeof h - 1, "ip6-localhost", &a4, &a6));
		return;
	}
	CHECK(hosts_find(h, sizeof h - 1, "smarthost.lan", &a4, &a6));
	CHECK(a6.status == DNSQ_OK && a6.n == 1);
	ip46_fmt(&a6.rr[0].ip, ip);
	CHECK_STR(ip, "2001:db8::25");
	CHECK(hosts_find(h, sizeof h - 1, "LOCALHOST.", &a4, &a6) && a6.n == 1);
	CHECK(hosts_find(h, sizeof h - 1, "ip6-localhost", &a4, &a6));
	CHECK(a4.status == DNSQ_NODATA && a6.n == 1);
}

UNIT_SUITE(dns_tests) = {
	{ "dns: /etc/hosts before DNS", etc_hosts },
	{ "locate: DNS never names this host (loopback, link-local, own)",
	  dns_never_names_this_host },
	{ "dns: SRV order by priority, weights 60:30:10, weight 0, caps", srv_order },
	{ "dns: MX order by preference, shuffle within a preference", mx_order },
	{ "dns: addresses interleaved IPv6 first, per-host cap", addrs },
	{ "dns: /SELF cuts at the best, a middle and an equal priority", self_cut },
	{ "dns: resolv.conf and --resolver parsing", resolvers },
	{ "dns: the arena allocates, merges, refuses past ARENA_SIZE", arena },
	UNIT_END
};
