/* test_dsn.c: dsn.h, and the DSN lines of maildrop entries and lists
 * (version 2) read back as written. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "err.h"
#include "dsn.h"
#include "maildrop.h"
#include "rcptlist.h"
#include "unit.h"

static void words(void)
{
	char out[32];
	CHECK(dsn_notify_parse("never", 5) == DSN_NOTIFY_NEVER);
	CHECK(dsn_notify_parse("SUCCESS,Failure", 15) ==
	      (DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE));
	CHECK(dsn_notify_parse("delay", 5) == DSN_NOTIFY_DELAY);
	CHECK(dsn_notify_parse("never,delay", 11) < 0);
	CHECK(dsn_notify_parse("", 0) < 0);
	CHECK(dsn_notify_parse("success,", 8) < 0);
	CHECK(dsn_notify_parse("sometimes", 9) < 0);
	dsn_notify_format(DSN_NOTIFY_SUCCESS | DSN_NOTIFY_DELAY | DSN_NOTIFY_FAILURE,
			  1, out);
	CHECK_STR(out, "SUCCESS,DELAY,FAILURE");
	dsn_notify_format(DSN_NOTIFY_NEVER, 0, out);
	CHECK_STR(out, "never");
	/* Not given: failures and delays are reported, successes not. */
	CHECK(dsn_notify_wants(0, DSN_NOTIFY_FAILURE) && dsn_notify_wants(0, DSN_NOTIFY_DELAY));
	CHECK(!dsn_notify_wants(0, DSN_NOTIFY_SUCCESS));
	CHECK(!dsn_notify_wants(DSN_NOTIFY_NEVER, DSN_NOTIFY_FAILURE));
	CHECK(!dsn_notify_wants(DSN_NOTIFY_SUCCESS, DSN_NOTIFY_DELAY));
	CHECK(dsn_ret_parse("HDRS", 4) == DSN_RET_HDRS && dsn_ret_parse("full", 4) == DSN_RET_FULL);
	CHECK(dsn_ret_parse("all", 3) < 0);
	CHECK(dsn_envid_valid("QQ314159", 8) && !dsn_envid_valid("a b", 3) &&
	      !dsn_envid_valid("", 0));
	CHECK_MEM(out, dsn_xtext("a+b=c d\xc3\xa9", 9, out), "a+2Bb+3Dc+20d+C3+A9");
	CHECK(dsn_orcpt_valid("rfc822;a@b.c", 12) && dsn_orcpt_valid("UTF-8;\xc3\xa9@b.c", 12));
	CHECK(!dsn_orcpt_valid("rfc822;\xc3\xa9@b.c", 13) && !dsn_orcpt_valid("x400;a", 6) &&
	      !dsn_orcpt_valid("rfc822;", 7) && !dsn_orcpt_valid("rfc822;a b", 10));
}

static void maildrop_v2(void)
{
	static struct maildrop_env e;
	static char buf[4096];
	const char *rc[2] = { "a@x.example", "b@y.example" };
	size_t rl[2] = { 11, 11 };
	struct dsn_msg m = { "ID42", 4, DSN_RET_HDRS };
	struct dsn_rcpt d[2] = { { DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE,
				   "rfc822;a", 8 }, { DSN_NOTIFY_NEVER, 0, 0 } };
	char path[] = "/tmp/smtprc-unit-dsn-XXXXXX";
	int fd = mkstemp(path);
	struct wbuf w;
	char wb[256];
	ssize_t n;

	CHECK(fd >= 0);
	unlink(path);
	wbuf_init(&w, fd, wb, sizeof wb);
	maildrop_put_envelope(&w, "s@z.example", 11, rc, rl, 2, &m, d);
	wbuf_puts(&w, "Subject: x\n");
	CHECK(wbuf_flush(&w) == 0);
	n = pread(fd, buf, sizeof buf - 1, 0);
	close(fd);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = 0;
	CHECK_STR(buf, "smtprc-maildrop 2\nsender <s@z.example>\nenvid ID42\n"
		  "ret hdrs\nrcpt <a@x.example>\nnotify success,failure\n"
		  "orcpt rfc822;a\nrcpt <b@y.example>\nnotify never\n\nSubject: x\n");
	CHECK(maildrop_parse(&e, buf, strlen(buf)) == 0 && e.nrcpt == 2);
	CHECK_MEM(e.dsn_msg.envid, e.dsn_msg.envid_len, "ID42");
	CHECK(e.dsn_msg.ret == DSN_RET_HDRS);
	CHECK(e.dsn[0].notify == (DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE));
	CHECK_MEM(e.dsn[0].orcpt, e.dsn[0].orcpt_len, "rfc822;a");
	CHECK(e.dsn[1].notify == DSN_NOTIFY_NEVER && !e.dsn[1].orcpt_len);
}

static void list_v2(void)
{
	static struct rcptlist l;
	static char out[RCPTLIST_SIZE];
	const char *v1 = "smtprc-list 1\nmessage m\ndomain d.test\nsender <s@e.test>\n"
			 "queued 5\nattempts 0\nrcpt <a@d.test>\n";
	const char *v2 = "smtprc-list 2\nmessage m\ndomain d.test\nsender <s@e.test>\n"
			 "queued 5\nattempts 0\nenvid E1\nret full\nrcpt <a@d.test>\n"
			 "notify delay\norcpt utf-8;\xc3\xa9@d.test\nrcpt <b@d.test> 450 busy\n";
	size_t n;

	/* A list without DSN stays version 1, readable by an older smtprc. */
	CHECK(rcptlist_parse(&l, v1, strlen(v1)) == 0 && l.version == 1);
	n = rcptlist_format(&l, out, sizeof out);
	CHECK_MEM(out, n, v1);
	CHECK(rcptlist_parse(&l, v2, strlen(v2)) == 0 && l.nrcpt == 2);
	CHECK(l.dsn.ret == DSN_RET_FULL && l.rcpt[0].dsn.notify == DSN_NOTIFY_DELAY);
	CHECK(!l.rcpt[1].dsn.notify && !l.rcpt[1].dsn.orcpt_len);
	n = rcptlist_format(&l, out, sizeof out);
	CHECK_MEM(out, n, v2);
	/* DSN lines in a version 1 list, or out of place, are malformed. */
	{
		static char bad[512];
		snprintf(bad, sizeof bad, "%snotify never\n", v1);
		CHECK(rcptlist_parse(&l, bad, strlen(bad)) == E_LIST);
		snprintf(bad, sizeof bad, "smtprc-list 2\nmessage m\ndomain d.test\n"
			 "sender <>\nqueued 5\nattempts 0\nnotify never\n");
		CHECK(rcptlist_parse(&l, bad, strlen(bad)) == E_LIST);
		snprintf(bad, sizeof bad, "smtprc-list 2\nmessage m\ndomain d.test\n"
			 "sender <>\nqueued 5\nattempts 0\nrcpt <a@d.test>\nenvid x\n");
		CHECK(rcptlist_parse(&l, bad, strlen(bad)) == E_LIST);
	}
}

UNIT_SUITE(dsn_tests) = {
	{ "dsn: NOTIFY, RET, ENVID, ORCPT words and xtext", words },
	{ "dsn: maildrop version 2 written and read back", maildrop_v2 },
	{ "dsn: lists version 2 read and written; version 1 stays 1", list_v2 },
	UNIT_END
};
