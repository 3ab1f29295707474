/* programs.h: the programs of the multi-call binary; main.c picks one by
 * the name it was called by (argv[0]'s last component). Each returns the
 * exit status documented in its manual page. */
#ifndef PROGRAMS_H
#define PROGRAMS_H

int smtprc_main(int argc, char **argv);
int smtprcd_main(int argc, char **argv);
int smtppd_main(int argc, char **argv);
int sendmail_main(int argc, char **argv);
int mailq_main(int argc, char **argv);

/* Each program's options (opt.h): the configuration file's known keys are
 * read from these. */
#include "opt.h"
extern const struct opt_table smtprc_opt_table, smtprcd_opt_table,
	smtppd_opt_table, sendmail_opt_table, mailq_opt_table;

#endif
