/* test_opt.c: opt.h, the /NAME and --name option parser. */
#include "err.h"
#include "locate.h"
#include "opt.h"
#include "outcome.h"
#include "trigger.h"
#include "unit.h"

enum { T_V, T_HELO, T_TRIG, T_SELF, T_NAME };
static const struct opt_def defs[] = {
	{ T_V, OPT_BOOL, "V", "verbose", 0 },
	{ T_HELO, OPT_BOOL, "HELO", "helo", 0 },
	{ T_TRIG, OPT_STR, "TRIGGER", "trigger", 0 },
	{ T_SELF, OPT_STR, "SELF", "self", 0 },
	{ T_NAME, OPT_STR, 0, "helo-name", 0 },
};

/* Parses argv (NULL-terminated); returns "id:on/val,...|rest" or "ERR". */
static const char *parse(char **argv)
{
	static char out[256];
	struct opt_hit h;
	const char *why;
	int argc = 0, i = 0, rc;
	size_t n = 0;

	while (argv[argc])
		argc++;
	while ((rc = opt_next(defs, 5, argc, argv, &i, &h, &why)) > 0)
		n += (size_t)snprintf(out + n, sizeof out - n, "%d:%s,", h.id,
				      h.val ? h.val : h.on ? "1" : "0");
	if (rc < 0)
		return "ERR";
	snprintf(out + n, sizeof out - n, "|%s", i < argc ? argv[i] : "");
	return out;
}

#define P(...) parse((char *[]){ __VA_ARGS__, 0 })

static void options(void)
{
	CHECK_STR(P("/V", "d"), "0:1,|d");
	CHECK_STR(P("/v+", "d"), "0:1,|d");
	CHECK_STR(P("/V-", "d"), "0:0,|d");
	CHECK_STR(P("/helo-", "/HeLo+", "d"), "1:0,1:1,|d");
	CHECK_STR(P("/TRIGGER:\\SEM32\\IU\\SMTP\\PD", "d"),
		  "2:\\SEM32\\IU\\SMTP\\PD,|d");
	CHECK_STR(P("/TRIGGER", "/run/fifo", "d"), "2:/run/fifo,|d");
	CHECK_STR(P("/SELF:10.0.0.1", "/self:10.0.0.2", "d"),
		  "3:10.0.0.1,3:10.0.0.2,|d");
	CHECK_STR(P("--verbose", "--no-helo", "d"), "0:1,1:0,|d");
	CHECK_STR(P("--trigger=/x", "--self", "1.2.3.4", "d"), "2:/x,3:1.2.3.4,|d");
	CHECK_STR(P("--helo-name=mail.test", "d"), "4:mail.test,|d");
	/* Positional arguments after the domain may start with '/'. */
	CHECK_STR(P("d", "/var/q/remote/x"), "|d");
	CHECK_STR(P("--", "/V"), "|/V");
	/* Bad forms. */
	CHECK_STR(P("/X", "d"), "ERR");
	CHECK_STR(P("/V:1", "d"), "ERR");
	CHECK_STR(P("/V+-", "d"), "ERR");
	CHECK_STR(P("/TRIGGER:", "d"), "ERR");
	CHECK_STR(P("/TRIGGER+", "d"), "ERR");
	CHECK_STR(P("/TRIGGER"), "ERR");
	CHECK_STR(P("--verbose=yes", "d"), "ERR");
	CHECK_STR(P("--no-trigger", "d"), "ERR");
	CHECK_STR(P("--nope", "d"), "ERR");
	CHECK_STR(P("-v", "d"), "ERR");
}

static void help_first(void)
{
	char *argv[] = { "/?", "/garbage", 0 };
	struct opt_hit h;
	const char *why;
	int i = 0;
	CHECK(opt_next(defs, 5, 2, argv, &i, &h, &why) == 1 && h.id == OPT_HELP);
}

static void numbers(void)
{
	unsigned long v;
	CHECK(opt_number("0", 10, &v) && v == 0);
	CHECK(opt_number("65535", 65535, &v) && v == 65535);
	CHECK(!opt_number("65536", 65535, &v));
	CHECK(!opt_number("", 10, &v));
	CHECK(!opt_number("1x", 10, &v));
	CHECK(!opt_number("99999999999999999999999", 4294967295UL, &v));
}

UNIT_SUITE(opt_tests) = {
	{ "opt: every form, + and -, values, bad forms", options },
	{ "opt: /? first ignores the rest", help_first },
	{ "opt: numbers and their ranges", numbers },
	UNIT_END
};
