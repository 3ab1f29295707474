/* test_conf.c: conf.h, the one configuration file. */
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

static const struct opt_def keys[] = {
	{ 1, OPT_STR, 0, "queue", 0 },
	{ 2, OPT_BOOL, 0, "syslog", 0 },
};

static char seen[256];
static const char *record(void *ctx, const struct opt_hit *h)
{
	(void)ctx;
	if (h->id == 1 && !strcmp(h->val, "refuse"))
		return "refused value";
	snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%d=%s;",
		 h->id, h->id == 1 ? h->val : h->on ? "on" : "off");
	return 0;
}

static void configuration(void)
{
	char a[] = "# c\n\n  queue   /var/spool/smtprc  \nsyslog yes\n"
		   "route * x:25\nsyslog off\n";
	char b[] = "queue /q\nbogus 1\n";
	char c[] = "syslog maybe\n";
	char d[] = "queue\n";
	char e[] = "queue refuse\n";
	/* The refusals are reported on standard error: hide them. */
	int saved = dup(2), nul = open("/dev/null", O_WRONLY);

	dup2(nul, 2);
	seen[0] = 0;
	CHECK(conf_apply("t", a, strlen(a), keys, 2, record, 0) == 0);
	CHECK_STR(seen, "1=/var/spool/smtprc;2=on;2=off;");
	CHECK(conf_apply("t", b, strlen(b), keys, 2, record, 0) < 0);
	CHECK(conf_apply("t", c, strlen(c), keys, 2, record, 0) < 0);
	CHECK(conf_apply("t", d, strlen(d), keys, 2, record, 0) < 0);
	CHECK(conf_apply("t", e, strlen(e), keys, 2, record, 0) < 0);
	CHECK(conf_key_known("route") && conf_key_known("retry-max") &&
	      !conf_key_known("config") && !conf_key_known("version"));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(nul);
}

UNIT_SUITE(conf_tests) = {
	{ "conf: keys, values, errors", configuration },
	UNIT_END
};
