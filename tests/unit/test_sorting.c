/* test_sorting.c: the posting office's decision per recipient
 * (sorting.h): every case of its table. */
#include "addr.h"
#include "sorting.h"
#include "unit.h"

static struct sorting so;
static struct maildrop_env env;

static void set(const char *const *rcpt, size_t n)
{
	size_t i;
	memset(&env, 0, sizeof env);
	for (i = 0; i < n; i++) {
		env.rcpt[i].addr = rcpt[i];
		env.rcpt[i].len = strlen(rcpt[i]);
	}
	env.nrcpt = n;
}

static void sorting_domains(void)
{
	static const char *const r[] = {
		"a@Example.COM", "b@example.com", "c@other.example",
		"\"john doe\"@example.com", "d@[192.0.2.1]", "e@[IPv6:2001:db8::1]",
		"\"x@y\"@other.example",
	};
	set(r, 7);
	sorting_classify(&so, &env, 16);
	CHECK(so.nbad == 0);
	CHECK(so.ndom == 4);
	CHECK_STR(so.dom[0], "example.com");      /* lower-cased */
	CHECK_STR(so.dom[1], "other.example");
	CHECK_STR(so.dom[2], "[192.0.2.1]");
	CHECK_STR(so.dom[3], "[ipv6:2001:db8::1]");
	CHECK(so.of[0] == 0 && so.of[1] == 0 && so.of[2] == 1);
	CHECK(so.of[3] == 0);                     /* quoted local part */
	CHECK(so.of[4] == 2 && so.of[5] == 3);
	CHECK(so.of[6] == 1);                     /* '@' inside quotes */
}

static void sorting_bounces(void)
{
	static const char *const r[] = {
		"nodomain", "\"a@b\"", "x@localhost", "y@bad..example",
		"ok@example.com", "z@-bad.example",
	};
	set(r, 6);
	sorting_classify(&so, &env, 16);
	CHECK(so.of[0] < 0);
	CHECK_STR(so.bad[0].status, "5.1.3");
	CHECK(so.bad[0].kind == OUTCOME_BOUNCED);
	CHECK(so.of[1] < 0);                       /* its '@' is quoted */
	CHECK_STR(so.bad[1].status, "5.1.3");
	CHECK(so.of[2] < 0);                       /* no dot: not routable */
	CHECK_STR(so.bad[2].status, "5.1.2");
	CHECK(so.of[3] < 0);
	CHECK(so.of[4] == 0);
	CHECK(so.ndom == 1);
	CHECK(so.of[5] < 0);
	CHECK(so.nbad == 5);
}

/* Address literals: IPv4 or IPv6 syntax only (RFC 5321 §4.1.3); any
 * other bracketed text would be a queue file name and a connect target. */
static void sorting_literals(void)
{
	static const char *const r[] = {
		"a@[192.0.2.1]", "b@[IPv6:2001:db8::1]", "c@[ipv6:::1]",
		"d@[a/b]", "e@[1.2.3]", "f@[300.1.1.1]", "g@[IPv6:1.2.3.4]",
		"h@[tag:content]", "i@[2001:db8::1]", "j@[]", "k@[..]",
		"l@[IPv6:]",
	};
	size_t i;

	set(r, sizeof r / sizeof r[0]);
	sorting_classify(&so, &env, 16);
	CHECK(so.of[0] >= 0 && so.of[1] >= 0 && so.of[2] >= 0);
	CHECK(so.ndom == 3);
	for (i = 3; i < sizeof r / sizeof r[0]; i++) {
		CHECK(so.of[i] < 0);
		if (so.of[i] < 0)
			CHECK_STR(so.bad[i].status, "5.1.2");
	}
	CHECK(addr_literal_valid("[127.0.0.1]", 11));
	/* Labels: 63 octets at most. */
	{
		char d[80];
		memset(d, 'a', 63);
		memcpy(d + 63, ".example", 9);
		CHECK(addr_domain_valid(d, strlen(d)));
		memset(d, 'a', 64);
		memcpy(d + 64, ".example", 9);
		CHECK(!addr_domain_valid(d, strlen(d)));
	}
	CHECK(!addr_literal_valid("[127.0.0.1/8]", 13));
	CHECK(!addr_literal_valid("127.0.0.1", 9));
}

/* ID.DOMAIN must fit SORTING_NAME_MAX. */
static void sorting_name_length(void)
{
	static char addr[300];
	const char *r[1] = { addr };
	size_t dl = SORTING_NAME_MAX - 1 - 20, i;

	memcpy(addr, "u@", 2);
	for (i = 0; i < dl; i++)
		addr[2 + i] = (i % 60 == 59) ? '.' : 'a';
	addr[2 + dl] = 0;
	set(r, 1);
	sorting_classify(&so, &env, 20);           /* exactly the maximum */
	CHECK(so.nbad == 0 && so.ndom == 1);
	sorting_classify(&so, &env, 21);           /* one over */
	CHECK(so.nbad == 1);
	CHECK_STR(so.bad[0].status, "5.1.2");
}

/* Domains routed to one HOST:PORT share its list; a plain-name route, a
 * domain with its own TLS policy and a local domain keep their own. */
static void sorting_hops(void)
{
	static const char *const routes[] = {
		"* Smart.Example:587", "mx.example mx.other.example",
		"lit.example [192.0.2.1]:25",
	};
	static const char *const keep[] = { "own.example verify" };
	static const char *const local[] = { "home.example" };
	static const struct sorting_routes rt = { routes, 3, keep, 1, local, 1 };
	static const char *const r[] = {
		"a@one.example", "b@Two.Example", "c@mx.example", "d@own.example",
		"e@home.example", "f@lit.example", "g@[192.0.2.7]",
	};
	char out[SMTP_DOMAIN_SIZE + 1];
	size_t n;

	set(r, 7);
	so.rt = &rt;
	sorting_classify(&so, &env, 16);
	so.rt = 0;
	CHECK(so.nbad == 0);
	CHECK(so.ndom == 5);
	CHECK_STR(so.dom[0], "smart.example:587");
	CHECK(so.of[0] == 0 && so.of[1] == 0 && so.of[6] == 0);
	CHECK_STR(so.dom[1], "mx.example");
	CHECK_STR(so.dom[2], "own.example");
	CHECK_STR(so.dom[3], "home.example");
	CHECK_STR(so.dom[4], "[192.0.2.1]:25");
	CHECK(so.len[1] == 13);          /* the address itself is kept */
	CHECK(sorting_key(&rt, "x.example", 9, out, &n) == out && n == 17);
	CHECK(sorting_key(0, "x.example", 9, out, &n)[0] == 'x' && n == 9);
}

UNIT_SUITE(sorting_tests) = {
	{ "sorting: domains routed to one smarthost share its list", sorting_hops },
	{ "sorting: domains lower-cased, shared, literals, quoted local parts",
	  sorting_domains },
	{ "sorting: unroutable addresses and domains bounced 5.1.3 / 5.1.2",
	  sorting_bounces },
	{ "sorting: queue file names within SORTING_NAME_MAX", sorting_name_length },
	{ "sorting: address literals are IPv4 or IPv6, else bounced 5.1.2",
	  sorting_literals },
	UNIT_END
};
