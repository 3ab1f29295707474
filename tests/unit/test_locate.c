/* test_locate.c: locate.h without DNS: literals, HOST:PORT, the
 * disabled forms, the DNS seam, /SELF. */
#include "err.h"
#include "locate.h"
#include "opt.h"
#include "outcome.h"
#include "trigger.h"
#include "unit.h"

static int loc(const char *domain, int ip, int port, const struct ip46 *self,
	       size_t nself, struct locate_result *r)
{
	struct locate_req q;
	memset(&q, 0, sizeof q);
	q.domain = domain;
	q.clientip = ip;
	q.clientport = port;
	q.smtp_port = 25;
	q.self = self;
	q.nself = nself;
	return locate(&q, r);
}

static void locating(void)
{
	static struct locate_result r;
	struct ip46 self[1];
	char buf[IP46_FMT_SIZE];

	CHECK(loc("[127.0.0.1]", 1, 1, 0, 0, &r) == 0 && r.n == 1 &&
	      r.addr[0].port == 25);
	CHECK(loc("[127.0.0.1]:2525", 1, 1, 0, 0, &r) == 0 &&
	      r.addr[0].port == 2525);
	CHECK(loc("127.0.0.2:587", 1, 1, 0, 0, &r) == 0 &&
	      r.addr[0].port == 587);
	ip46_fmt(&r.addr[0].ip, buf);
	CHECK_STR(buf, "127.0.0.2");
#if CONFIG_IPV6
	CHECK(loc("[IPv6:::1]:26", 1, 1, 0, 0, &r) == 0 && r.addr[0].ip.is6);
#else
	CHECK(loc("[IPv6:::1]:26", 1, 1, 0, 0, &r) < 0);
#endif
	CHECK(loc("[127.0.0.1]", 0, 1, 0, 0, &r) < 0);        /* /CLIENTIP- */
	CHECK(loc("127.0.0.1:25", 1, 0, 0, 0, &r) < 0);       /* /CLIENTPORT- */
	CHECK(loc("[127.0.0.1]:0", 1, 1, 0, 0, &r) < 0);
	CHECK(loc("[127.0.0.1]:65536", 1, 1, 0, 0, &r) < 0);
	CHECK(loc("[999.0.0.1]", 1, 1, 0, 0, &r) < 0);
	CHECK(loc("[IPv6:127.0.0.1]", 1, 1, 0, 0, &r) < 0);
	/* A name needs DNS; with no resolver: deferred, never bounced. */
	CHECK(loc("example.com", 1, 1, 0, 0, &r) < 0 &&
	      r.fail.kind == OUTCOME_DEFERRED);
	/* /SELF: the only server is this system: bounce 5.4.6. */
	CHECK(ip46_parse("127.0.0.1", 9, &self[0]));
	CHECK(loc("[127.0.0.1]", 1, 1, self, 1, &r) < 0 && r.n == 0 &&
	      r.fail.kind == OUTCOME_BOUNCED && !strcmp(r.fail.status, "5.4.6"));
	CHECK(strstr(r.fail.diag, "loops back to myself") != 0);
	CHECK(loc("[127.0.0.2]", 1, 1, self, 1, &r) == 0 && r.n == 1);
}

UNIT_SUITE(locate_tests) = {
	{ "locate: literals, host:port, disabled forms, DNS seam, /SELF", locating },
	UNIT_END
};
