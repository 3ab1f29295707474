/* later.c: the programs that later issues build (docs/roadmap in README).
 * Until then their names answer with a clear error and EX_UNAVAILABLE, so
 * a script that calls them fails loudly instead of losing mail. */
#include "err.h"
#include "programs.h"

static int not_yet(void)
{
	err_warn(0, "this program is not built yet in this version of smtprc");
	return EX_UNAVAILABLE_;
}

int smtprcd_main(int argc, char **argv) { (void)argc; (void)argv; return not_yet(); }
int smtppd_main(int argc, char **argv) { (void)argc; (void)argv; return not_yet(); }
int sendmail_main(int argc, char **argv) { (void)argc; (void)argv; return not_yet(); }
int mailq_main(int argc, char **argv) { (void)argc; (void)argv; return not_yet(); }
