/* mailq.c: lists the queue (man/mailq.8), also as "sendmail -bp".
 *
 * One entry per file: recipient lists (remote/, and local/ for mail held
 * for a /LOCAL domain) with their message's size and age, the sender,
 * attempts, and each pending recipient with its last diagnostic; maildrop
 * entries not sorted yet; maildrop entries set aside as malformed. Reads
 * one file at a time into a fixed buffer; changes nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "conf.h"
#include "err.h"
#include "fmt.h"
#include "maildrop.h"
#include "opt.h"
#include "programs.h"
#include "queue.h"
#include "rcptlist.h"
#include "readfile.h"

enum { M_QUEUE, M_CONFIG };

static const struct opt_def mailq_opts[] = {
	{ M_QUEUE, OPT_STR, 0, "queue", 0 },
	{ M_CONFIG, OPT_STR, 0, "config", OPT_CMDLINE },
};
#define NOPTS ((int)(sizeof mailq_opts / sizeof mailq_opts[0]))
static const char *apply(void *ctx, const struct opt_hit *h);
const struct opt_table mailq_opt_table = { mailq_opts, NOPTS, apply, 0 };

static const char *queue_path = CONF_QUEUE_DEFAULT;

static const char *apply(void *ctx, const struct opt_hit *h)
{
	(void)ctx;
	if (h->id == M_QUEUE)
		queue_path = h->val;
	return 0;
}

static struct {
	char buf[RCPTLIST_SIZE > MAILDROP_ENVELOPE_SIZE ? RCPTLIST_SIZE + 1
						       : MAILDROP_ENVELOPE_SIZE + 1];
	struct rcptlist list;
	struct maildrop_env env;
	char conf[CONF_SIZE];
	struct queue q;
	time_t now;
	unsigned long entries, rcpts;
	unsigned long unsorted;   /* entries in maildrop/ (not set aside) */
} mq;

/* Reads dir/name into the buffer. Returns the length or -1 (gone
 * meanwhile, or unreadable); a file larger than the buffer is read as far
 * as it fits, so that its parse reports what is wrong. */
static long slurp(int dir, const char *name, struct stat *st)
{
	long n = queue_read(&mq.q, dir, name, mq.buf, sizeof mq.buf - 1, st);
	if (n == READFILE_TOO_BIG)
		return (long)sizeof mq.buf - 1;
	return n < 0 ? -1 : n;
}

static void age(unsigned long t, char *out, size_t size)
{
	unsigned long a = (unsigned long)mq.now > t ? (unsigned long)mq.now - t : 0;
	if (a < 3600)
		fmt_into(out, size, "%lum%02lus", a / 60, a % 60);
	else if (a < 86400)
		fmt_into(out, size, "%luh%02lum", a / 3600, a / 60 % 60);
	else
		fmt_into(out, size, "%lud%02luh", a / 86400, a / 3600 % 24);
}

static int show_list(const char *name, void *arg)
{
	const char *where = arg;
	int local = !strcmp(where, "local");
	struct stat st, ms;
	char a[32];
	long n;
	size_t i;

	/* Its entry, still in maildrop/, was shown "not sorted yet". */
	if (name[0] == '.' || (mq.unsorted && queue_unsorted(&mq.q, name)))
		return 0;
	n = slurp(local ? QUEUE_LOCAL : QUEUE_REMOTE, name, &st);
	if (n < 0)
		return 0;   /* finished meanwhile */
	mq.entries++;
	if (rcptlist_parse(&mq.list, mq.buf, (size_t)n) < 0) {
		out_printf("%s/%s  MALFORMED (line %u: %s): left for a human\n",
			   where, name, mq.list.err_line, mq.list.err);
		return 0;
	}
	if (queue_stat(&mq.q, QUEUE_MESS, name, &ms) < 0)
		ms.st_size = -1;
	age(mq.list.queued, a, sizeof a);
	out_printf("%s/%s  %lld bytes  age %s  attempts %lu  from <%.*s>%s\n", where,
		   name, (long long)ms.st_size, a, mq.list.attempts,
		   (int)mq.list.sender_len, mq.list.sender,
	       local ? "  HELD: a local domain; no local delivery agent here" : "");
	for (i = 0; i < mq.list.nrcpt; i++) {
		const struct rcptlist_rcpt *r = &mq.list.rcpt[i];
		mq.rcpts++;
		char raw[SMTP_DIAG_SIZE + 16], diag[SMTP_DIAG_SIZE + 16];
		fmt_into(raw, sizeof raw, "%.*s", r->diag ? (int)r->diag_len : 0,
			 r->diag ? r->diag : "");
		/* A server's words: never raw control bytes on a terminal. */
		out_printf("    <%.*s>%s%s\n", (int)r->len, r->addr,
			   r->diag ? "  last: " : "  not tried yet",
			   err_printable(diag, sizeof diag, raw));
	}
	return 0;
}

static int show_maildrop(const char *name, void *arg)
{
	struct stat st;
	char a[32];
	long n;
	size_t i;
	int bad = strchr(name, '.') != 0;

	(void)arg;
	if (name[0] == '.')
		return 0;
	n = slurp(QUEUE_MAILDROP, name, &st);
	if (n < 0)
		return 0;   /* sorted meanwhile */
	mq.entries++;
	mq.unsorted += !bad;
	age((unsigned long)st.st_mtime, a, sizeof a);
	if (maildrop_parse(&mq.env, mq.buf, (size_t)n) < 0) {
		out_printf("maildrop/%s  %lld bytes  age %s  MALFORMED (%s)%s: left "
		       "for a human\n", name, (long long)st.st_size, a, mq.env.err,
			   bad ? ", SET ASIDE by smtppd" : "");
		return 0;
	}
	out_printf("maildrop/%s  %lld bytes  age %s  from <%.*s>  %s\n", name,
		   (long long)st.st_size, a, (int)mq.env.sender.len,
		   mq.env.sender.addr, bad ? "SET ASIDE by smtppd (see its log)"
					: "not sorted yet");
	for (i = 0; i < mq.env.nrcpt; i++) {
		mq.rcpts++;
		out_printf("    <%.*s>\n", (int)mq.env.rcpt[i].len, mq.env.rcpt[i].addr);
	}
	return 0;
}

int mailq_main(int argc, char **argv)
{
	int i;

	if (conf_load(argc, argv, mq.conf, sizeof mq.conf, mailq_opts, NOPTS, apply,
		      0, 0, 0) < 0)
		return EX_USAGE_;
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--queue=", 8))
			queue_path = argv[i] + 8;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "/?")) {
			out_puts("usage: mailq [--config=FILE] [--queue=DIR]\n");
			return 0;
		}
	}
	if (queue_open_readonly(&mq.q, queue_path) < 0)
		err_fatal(EX_IOERR_, 1, "unable to open the queue %s", queue_path);
	mq.now = time(0);
	queue_scan(&mq.q, QUEUE_MAILDROP, show_maildrop, 0);
	queue_scan(&mq.q, QUEUE_REMOTE, show_list, "remote");
	queue_scan(&mq.q, QUEUE_LOCAL, show_list, "local");
	queue_close(&mq.q);
	if (!mq.entries)
		out_printf("Mail queue is empty\n");
	else
		out_printf("-- %lu entries, %lu recipients\n", mq.entries, mq.rcpts);
	return out_flush() ? EX_IOERR_ : 0;
}
