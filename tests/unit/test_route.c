/* test_route.c: route.h, routes and smarthosts. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "b64.h"
#include "bounce.h"
#include "smtp_ehlo.h"
#include "conf.h"
#include "header.h"
#include "maildrop.h"
#include "opt.h"
#include "route.h"
#include "runfile.h"
#include "unit.h"

static void routes(void)
{
	const char *r[] = { "* smarthost.example:587", "Example.COM [192.0.2.1]:25",
			    "other.example mx.other.example" };
	CHECK(route_check(r[0]) == 0 && route_check(r[1]) == 0 &&
	      route_check(r[2]) == 0);
	CHECK_STR(route_find(r, 3, "example.com"), "[192.0.2.1]:25");
	CHECK_STR(route_find(r, 3, "unknown.example"), "smarthost.example:587");
	CHECK_STR(route_find(r, 3, "other.example"), "mx.other.example");
	CHECK(route_find(r + 1, 2, "unknown.example") == 0);
	CHECK(route_check("example.com") != 0);
	CHECK(route_check("bad..domain x:25") != 0);
	CHECK(route_check("a.example x:25 y:25") != 0);
	CHECK(route_check("a.example [192.0.2.1:25") != 0);
	CHECK(route_check("a.example bad_host:25") != 0);
}

static void hops(void)
{
	const char *r[] = { "a.example SMTP.isp.example:587", "* [192.0.2.1]:25" };

	CHECK(route_hop("smtp.isp.example:587", 20));
	CHECK(route_hop("[192.0.2.1]:25", 14));
	CHECK(route_hop("[IPv6:2001:db8::1]:2525", 23));
	CHECK(route_hop("h.example:65535", 15));
	CHECK(!route_hop("h.example:65536", 15));
	CHECK(!route_hop("h.example:0", 11));
	CHECK(!route_hop("h.example:", 10));
	CHECK(!route_hop("h.example:25x", 13));
	CHECK(!route_hop("h.example:123456", 16));
	CHECK(!route_hop("h.example", 9));            /* a mail domain */
	CHECK(!route_hop("[192.0.2.1]", 11));
	CHECK(!route_hop("[192.0.2.1]x:25", 15));
	CHECK(!route_hop("bad_host:25", 11));
	CHECK(!route_hop("[2001:db8::1]:25", 16));   /* no IPv6: tag */
	CHECK(route_check("a.example smtp.isp.example:58x") != 0);
	CHECK(route_check("a.example smtp.isp.example:0") != 0);
	CHECK(route_to(r, 2, "smtp.isp.EXAMPLE:587"));
	CHECK(route_to(r, 2, "[192.0.2.1]:25"));
	CHECK(!route_to(r, 2, "smtp.isp.example:25"));
	CHECK(!route_to(r, 2, "a.example"));
}

UNIT_SUITE(route_tests) = {
	{ "route: check and find", routes },
	{ "route: next hops (HOST:PORT) and the routes that lead there", hops },
	UNIT_END
};
