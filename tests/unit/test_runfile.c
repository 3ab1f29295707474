/* test_runfile.c: runfile.h, smtprcd's run files. */
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

static void run_files(void)
{
	struct runfile r;
	char a[] = "# the seed's example\nprogram /usr/sbin/smtprc\n"
		   "argument SMTPRC\nargument /TRIGGER:\\SEM32\\IU\\SMTP\\PD\n"
		   "argument /SELF:\n  chdir /var/spool  \n";
	char b[] = "#!/bin/sh\nexec smtprc \"$@\"\n";
	char c[] = "program /a\nprogram /b\n";
	char d[] = "argument x\n";
	char e[] = "program /a\nrun now\n";
	char f[] = "program /a\n";

	CHECK(runfile_parse(&r, a, strlen(a), "/etc/run") == 0);
	CHECK_STR(r.program, "/usr/sbin/smtprc");
	CHECK(r.argc == 3);
	CHECK_STR(r.argv[0], "SMTPRC");
	CHECK_STR(r.argv[1], "/TRIGGER:\\SEM32\\IU\\SMTP\\PD");
	CHECK_STR(r.argv[2], "/SELF:");
	CHECK_STR(r.chdir, "/var/spool");
	CHECK(runfile_parse(&r, b, strlen(b), "/etc/run") == 0 && r.executable &&
	      !strcmp(r.program, "/etc/run") && r.argc == 1);
	CHECK(runfile_parse(&r, c, strlen(c), "x") < 0 && r.err_line == 2);
	CHECK(runfile_parse(&r, d, strlen(d), "x") < 0 && strstr(r.err, "no program"));
	CHECK(runfile_parse(&r, e, strlen(e), "x") < 0 && r.err_line == 2);
	CHECK(runfile_parse(&r, f, strlen(f), "x") == 0 && r.argc == 1 &&
	      !strcmp(r.argv[0], "/a"));
}

UNIT_SUITE(runfile_tests) = {
	{ "runfile: directives and scripts", run_files },
	UNIT_END
};
