/* main.c: the multi-call binary. argv[0]'s last path component picks the
 * program, so one static binary pays for libc, BearSSL and udns once. */
#include <string.h>
#include "err.h"
#include "fmt.h"
#include "privilege.h"
#include "programs.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
} programs[] = {
	{ "smtprc", smtprc_main },
	{ "smtprcd", smtprcd_main },
	{ "smtppd", smtppd_main },
	{ "sendmail", sendmail_main },
	{ "mailq", mailq_main },
};

int main(int argc, char **argv)
{
	const char *name = argc > 0 && argv[0] ? argv[0] : "smtprc";
	const char *slash = strrchr(name, '/');
	size_t i;

	if (slash)
		name = slash + 1;
	for (i = 0; i < sizeof programs / sizeof programs[0]; i++)
		if (!strcmp(name, programs[i].name)) {
			err_prog = programs[i].name;
			privilege_start(programs[i].run == sendmail_main);
			out_exit(programs[i].run(argc, argv));
		}
	/* Any other name (a renamed copy, a test harness): smtprc. */
	privilege_start(0);
	out_exit(smtprc_main(argc, argv));
}
