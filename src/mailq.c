/* mailq.c: lists the queue (man/mailq.8), also as "sendmail -bp".
 *
 * One entry per file: recipient lists (remote/, and local/ for mail held
 * for a /LOCAL domain) with their message's size and age, the sender,
 * attempts, and each pending recipient with its last diagnostic; maildrop
 * entries not sorted yet; maildrop entries set aside as malformed. Reads
 * one file at a time into a fixed buffer; changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "dirscan.h"
#include "err.h"
#include "maildrop.h"
#include "opt.h"
#include "programs.h"
#include "queue.h"
#include "rcptlist.h"

enum { M_QUEUE, M_CONFIG };

static const struct opt_def mailq_opts[] = {
	{ M_QUEUE, OPT_STR, 0, "queue" },
	{ M_CONFIG, OPT_STR, 0, "config" },
};

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
	int dirfd[QUEUE_DIRS];
	time_t now;
	unsigned long entries, rcpts;
} mq;

/* Reads up to the buffer's size of dir/name. Returns the length or -1. */
static long slurp(int dir, const char *name, struct stat *st)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return -1;
	}
	n = read(fd, mq.buf, sizeof mq.buf - 1);
	close(fd);
	return n < 0 ? -1 : (long)n;
}

static void age(unsigned long t, char *out, size_t size)
{
	unsigned long a = (unsigned long)mq.now > t ? (unsigned long)mq.now - t : 0;
	if (a < 3600)
		snprintf(out, size, "%lum%02lus", a / 60, a % 60);
	else if (a < 86400)
		snprintf(out, size, "%luh%02lum", a / 3600, a / 60 % 60);
	else
		snprintf(out, size, "%lud%02luh", a / 86400, a / 3600 % 24);
}

static int show_list(const char *name, void *arg)
{
	const char *where = arg;
	int local = !strcmp(where, "local");
	struct stat st, ms;
	char a[32];
	long n;
	size_t i;

	if (name[0] == '.')
		return 0;
	n = slurp(mq.dirfd[local ? QUEUE_LOCAL : QUEUE_REMOTE], name, &st);
	if (n < 0)
		return 0;   /* finished meanwhile */
	mq.entries++;
	if (rcptlist_parse(&mq.list, mq.buf, (size_t)n) < 0) {
		printf("%s/%s  MALFORMED (line %u: %s): left for a human\n",
		       where, name, mq.list.err_line, mq.list.err);
		return 0;
	}
	if (fstatat(mq.dirfd[QUEUE_MESS], name, &ms, 0) < 0)
		ms.st_size = -1;
	age(mq.list.queued, a, sizeof a);
	printf("%s/%s  %lld bytes  age %s  attempts %lu  from <%.*s>%s\n", where,
	       name, (long long)ms.st_size, a, mq.list.attempts,
	       (int)mq.list.sender_len, mq.list.sender,
	       local ? "  HELD: a local domain; no local delivery agent here" : "");
	for (i = 0; i < mq.list.nrcpt; i++) {
		const struct rcptlist_rcpt *r = &mq.list.rcpt[i];
		mq.rcpts++;
		printf("    <%.*s>%s%.*s\n", (int)r->len, r->addr,
		       r->diag ? "  last: " : "  not tried yet",
		       r->diag ? (int)r->diag_len : 0, r->diag ? r->diag : "");
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
	n = slurp(mq.dirfd[QUEUE_MAILDROP], name, &st);
	if (n < 0)
		return 0;   /* sorted meanwhile */
	mq.entries++;
	age((unsigned long)st.st_mtime, a, sizeof a);
	if (maildrop_parse(&mq.env, mq.buf, (size_t)n) < 0) {
		printf("maildrop/%s  %lld bytes  age %s  MALFORMED (%s)%s: left "
		       "for a human\n", name, (long long)st.st_size, a, mq.env.err,
		       bad ? ", SET ASIDE by smtppd" : "");
		return 0;
	}
	printf("maildrop/%s  %lld bytes  age %s  from <%.*s>  %s\n", name,
	       (long long)st.st_size, a, (int)mq.env.sender.len,
	       mq.env.sender.addr, bad ? "SET ASIDE by smtppd (see its log)"
					: "not sorted yet");
	for (i = 0; i < mq.env.nrcpt; i++) {
		mq.rcpts++;
		printf("    <%.*s>\n", (int)mq.env.rcpt[i].len, mq.env.rcpt[i].addr);
	}
	return 0;
}

int mailq_main(int argc, char **argv)
{
	static const char *const dirs[] = { "maildrop", "mess", "remote",
					    "done", "tmp", "local" };
	int top, i;

	if (conf_load(argc, argv, mq.conf, sizeof mq.conf, mailq_opts, 2, apply,
		      0, 0, 0) < 0)
		return EX_USAGE_;
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--queue=", 8))
			queue_path = argv[i] + 8;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "/?")) {
			puts("usage: mailq [--config=FILE] [--queue=DIR]");
			return 0;
		}
	}
	top = open(queue_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		err_fatal(EX_IOERR_, 1, "unable to open the queue %s", queue_path);
	for (i = 0; i < QUEUE_DIRS; i++)
		mq.dirfd[i] = openat(top, dirs[i], O_RDONLY | O_DIRECTORY |
				     O_CLOEXEC);
	close(top);
	mq.now = time(0);
	if (mq.dirfd[QUEUE_MAILDROP] >= 0)
		dirscan(mq.dirfd[QUEUE_MAILDROP], show_maildrop, 0);
	if (mq.dirfd[QUEUE_REMOTE] >= 0)
		dirscan(mq.dirfd[QUEUE_REMOTE], show_list, "remote");
	if (mq.dirfd[QUEUE_LOCAL] >= 0)
		dirscan(mq.dirfd[QUEUE_LOCAL], show_list, "local");
	if (!mq.entries)
		printf("Mail queue is empty\n");
	else
		printf("-- %lu entries, %lu recipients\n", mq.entries, mq.rcpts);
	return fflush(stdout) ? EX_IOERR_ : 0;
}
