/* test_maildrop.c: maildrop.h, the posting office's input. */
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

static void maildrop_entries(void)
{
	static struct maildrop_env e;
	const char *ok = "smtprc-maildrop 1\nsender <>\nrcpt <a@b.example>\n"
			 "rcpt <c@d.example>\n\nSubject: x\n";
	CHECK(maildrop_parse(&e, ok, strlen(ok)) == 0);
	CHECK(e.sender.len == 0 && e.nrcpt == 2);
	CHECK_MEM(e.rcpt[1].addr, e.rcpt[1].len, "c@d.example");
	CHECK_STR(ok + e.msg_off, "Subject: x\n");
#define BAD(s, why) CHECK(maildrop_parse(&e, s, strlen(s)) < 0 && \
			  strstr(e.err, why))
	BAD("smtprc-maildrop 3\nsender <>\nrcpt <a@b.example>\n\n", "first line");
	BAD("smtprc-maildrop 1\nsender <>\nrcpt <a@b.example>\nnotify never\n\n",
	    "other than");   /* DSN lines are version 2 only */
	BAD("smtprc-maildrop 2\nsender <>\nnotify never\nrcpt <a@b.example>\n\n",
	    "DSN");
	BAD("smtprc-maildrop 2\nsender <>\nrcpt <a@b.example>\nnotify never,delay\n\n",
	    "DSN");
	BAD("smtprc-maildrop 1\nrcpt <a@b.example>\n\n", "sender");
	BAD("smtprc-maildrop 1\nsender <>\n\n", "no sender or no recipient");
	BAD("smtprc-maildrop 1\nsender <>\nrcpt <a\tb@c.example>\n\n", "recipient");
	BAD("smtprc-maildrop 1\nsender <a b@x.example>\nrcpt <a@c.example>\n\n",
	    "sender");
	{
		/* One malformed recipient is parsed, to be bounced by the
		 * posting office; quoted local parts are whole. */
		const char *one = "smtprc-maildrop 1\nsender <\"a>b\"@x.example>\n"
				  "rcpt <a b@c.example>\nrcpt <\"john doe\"@c.example>"
				  "\n\nSubject: x\n";
		CHECK(maildrop_parse(&e, one, strlen(one)) == 0 && e.nrcpt == 2);
		CHECK_MEM(e.sender.addr, e.sender.len, "\"a>b\"@x.example");
		CHECK_MEM(e.rcpt[0].addr, e.rcpt[0].len, "a b@c.example");
		CHECK_MEM(e.rcpt[1].addr, e.rcpt[1].len, "\"john doe\"@c.example");
	}
	BAD("smtprc-maildrop 1\nsender <x>\nrcpt <a@c.example>\n\n", "sender");
	BAD("smtprc-maildrop 1\nsender <>\nrcpt <a@c.example>\n", "empty line");
	BAD("smtprc-maildrop 1\nsender <>\nrcpt <a@c.example>\nfoo\n\n", "other than");
	{
		static char big[MAILDROP_ENVELOPE_SIZE];
		size_t n = (size_t)sprintf(big, "smtprc-maildrop 1\nsender <>\n");
		int i;
		for (i = 0; i <= MAILDROP_RCPT_MAX; i++)
			n += (size_t)sprintf(big + n, "rcpt <r%d@x.example>\n", i);
		big[n++] = '\n';
		CHECK(maildrop_parse(&e, big, n) < 0 &&
		      strstr(e.err, "MAILDROP_RCPT_MAX"));
	}
}

UNIT_SUITE(maildrop_tests) = {
	{ "maildrop: entries", maildrop_entries },
	UNIT_END
};
