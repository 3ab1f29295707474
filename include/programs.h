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

#endif
