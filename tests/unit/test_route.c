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

UNIT_SUITE(route_tests) = {
	{ "route: check and find", routes },
	UNIT_END
};
