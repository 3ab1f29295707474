/* smtppd.c: the Posting Office sorting daemon (man/smtppd.8).
 *
 *   smtppd [/WAITFOR:sem] [/IFREMOTEPOST:sem] [/IFLOCALPOST:sem]
 *          [/LOCAL:domain]... [/TIMEOUT:seconds | /FOREVER] [--once]
 *
 * Turns each maildrop entry into its message file (mess/ID.DOMAIN, one
 * hard link per domain) and one recipient list per recipient domain
 * (remote/ID.DOMAIN, or local/ID.DOMAIN for a /LOCAL domain, kept there
 * and shown by mailq, since this system has no local delivery agent).
 * A recipient whose address or domain cannot be routed is bounced at once.
 * Only when every file is durable is the maildrop entry removed, so a
 * crash at any point leaves the entry to be sorted again. An entry that
 * cannot be parsed is renamed maildrop/ID.bad, logged, and kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "bounce.h"
#include "conf.h"
#include "daemon.h"
#include "dirscan.h"
#include "err.h"
#include "log.h"
#include "maildrop.h"
#include "opt.h"
#include "outcome.h"
#include "programs.h"
#include "queue.h"
#include "rcptlist.h"
#include "trigger.h"

enum { P_WAITFOR, P_IFREMOTE, P_IFLOCAL, P_LOCAL, P_TIMEOUT, P_FOREVER,
       P_ONCE, P_QUEUE, P_SEMDIR, P_PD, P_RD, P_HELO, P_CONFIG, P_VERBOSE,
       P_SYSLOG };

static const struct opt_def smtppd_opts[] = {
	{ P_WAITFOR, OPT_STR, "WAITFOR", "waitfor" },
	{ P_IFREMOTE, OPT_STR, "IFREMOTEPOST", "ifremotepost" },
	{ P_IFLOCAL, OPT_STR, "IFLOCALPOST", "iflocalpost" },
	{ P_LOCAL, OPT_STR, "LOCAL", "local" },
	{ P_TIMEOUT, OPT_STR, "TIMEOUT", "timeout" },
	{ P_FOREVER, OPT_BOOL, "FOREVER", "forever" },
	{ P_ONCE, OPT_BOOL, 0, "once" },
	{ P_QUEUE, OPT_STR, 0, "queue" },
	{ P_SEMDIR, OPT_STR, 0, "semaphore-dir" },
	{ P_PD, OPT_STR, 0, "pd-semaphore" },
	{ P_RD, OPT_STR, 0, "rd-semaphore" },
	{ P_HELO, OPT_STR, 0, "helo-name" },
	{ P_CONFIG, OPT_STR, 0, "config" },
	{ P_VERBOSE, OPT_BOOL, "V", "verbose" },
	{ P_SYSLOG, OPT_BOOL, 0, "syslog" },
};
#define NOPTS ((int)(sizeof smtppd_opts / sizeof smtppd_opts[0]))

static struct {
	const char *waitfor, *ifremote, *iflocal, *queue, *semdir, *helo;
	const char *local[LOCAL_DOMAINS_MAX];
	size_t nlocal;
	unsigned long timeout;
	int forever, once, verbose;
} cf;

static const char *apply(void *ctx, const struct opt_hit *h)
{
	(void)ctx;
	switch (h->id) {
	case P_WAITFOR: case P_PD: cf.waitfor = h->val; break;
	case P_IFREMOTE: case P_RD: cf.ifremote = h->val; break;
	case P_IFLOCAL: cf.iflocal = h->val; break;
	case P_LOCAL:
		if (!rcptlist_domain_valid(h->val, strlen(h->val)))
			return "/LOCAL needs a domain";
		if (cf.nlocal == LOCAL_DOMAINS_MAX)
			return "more /LOCAL domains than LOCAL_DOMAINS_MAX";
		cf.local[cf.nlocal++] = h->val;
		break;
	case P_TIMEOUT:
		if (!opt_number(h->val, 86400, &cf.timeout) || !cf.timeout)
			return "/TIMEOUT is 1 to 86400 seconds";
		break;
	case P_FOREVER: cf.forever = h->on; break;
	case P_ONCE: cf.once = h->on; break;
	case P_QUEUE: cf.queue = h->val; break;
	case P_SEMDIR: cf.semdir = h->val; break;
	case P_HELO:
		if (!rcptlist_domain_valid(h->val, strlen(h->val)))
			return "not a domain name";
		cf.helo = h->val;
		break;
	case P_VERBOSE: cf.verbose = h->on; break;
	case P_SYSLOG:
		/* Read by err_line, here and in the relay clients. */
		if (h->on)
			setenv("SMTPRC_SYSLOG", "1", 1);
		break;
	}
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: smtppd [/WAITFOR:sem] [/IFREMOTEPOST:sem] "
	      "[/IFLOCALPOST:sem] [/LOCAL:domain]...\n"
	      "              [/TIMEOUT:seconds | /FOREVER] [--once] "
	      "[--config=FILE] [--queue=DIR]\n"
	      "  /WAITFOR       semaphore to wait on (pd-semaphore)\n"
	      "  /IFREMOTEPOST  semaphore signalled after sorting remote mail "
	      "(rd-semaphore)\n"
	      "  /IFLOCALPOST   semaphore signalled after sorting local mail\n"
	      "  /LOCAL         a local domain: its mail is held (no local "
	      "delivery agent)\n"
	      "  /TIMEOUT       look at the maildrop at least this often "
	      "(default 60)\n"
	      "  /FOREVER       wait for the semaphore only\n"
	      "  --once         sort what is there and exit\n", f);
}

static char conf_buf[CONF_SIZE];

static void options(int argc, char **argv)
{
	cf.waitfor = CONF_PD_DEFAULT;
	cf.ifremote = CONF_RD_DEFAULT;
	cf.queue = CONF_QUEUE_DEFAULT;
	cf.semdir = CONF_SEMDIR_DEFAULT;
	cf.timeout = 60;
	daemon_options(argc, argv, smtppd_opts, NOPTS, apply, usage, conf_buf,
		       sizeof conf_buf, 0);
}

/* --- one maildrop entry --- */

static struct {
	char env_buf[MAILDROP_ENVELOPE_SIZE];
	struct maildrop_env env;
	char dom[MAILDROP_RCPT_MAX][SMTP_DOMAIN_SIZE + 1]; /* lower case */
	int of[MAILDROP_RCPT_MAX];      /* recipient -> domain index, -1 bad */
	size_t ndom;
	struct outcome bad_o[MAILDROP_RCPT_MAX];
	struct bounce_rcpt bad[MAILDROP_RCPT_MAX];
	struct rcptlist list;
	char out[RCPTLIST_SIZE];
	char copy[16384];
	char helo[SMTP_DOMAIN_SIZE + 1];
} e;

struct pass {
	struct queue *q;
	unsigned remote, local, sorted, failed;
};

static int is_local(const char *d)
{
	size_t i;
	for (i = 0; i < cf.nlocal; i++)
		if (rcptlist_eq_nocase(cf.local[i], strlen(cf.local[i]), d,
				       strlen(d)))
			return 1;
	return 0;
}

/* Sets the entry aside as NAME.bad: never deleted, never retried. */
static void set_aside(struct queue *q, const char *name, const char *why)
{
	char bad[QUEUE_ID_SIZE + 16];
	snprintf(bad, sizeof bad, "%s.bad", name);
	err_warn(0, "malformed maildrop entry %s: %s; set aside as maildrop/%s",
		 name, why, bad);
	if (renameat(q->fd[QUEUE_MAILDROP], name, q->fd[QUEUE_MAILDROP], bad) < 0)
		err_warn(1, "unable to set aside maildrop/%s", name);
}

/* Classifies recipient i: its domain's index, or -1 with a bounce. */
static int classify(size_t i, size_t idlen)
{
	const struct maildrop_addr *a = &e.env.rcpt[i];
	const char *at = 0, *p;
	size_t dl, k;
	int quoted = 0;

	for (p = a->addr; p < a->addr + a->len; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '@' && !quoted)
			at = p;
	}
	if (!rcptlist_addr_valid(a->addr, a->len) || !at) {
		outcome_set(&e.bad_o[i], OUTCOME_BOUNCED, "5.1.3",
			    "bad destination mailbox address syntax");
		return -1;
	}
	dl = (size_t)(a->addr + a->len - at - 1);
	if (!rcptlist_domain_valid(at + 1, dl) ||
	    (at[1] != '[' && !memchr(at + 1, '.', dl))) {
		outcome_set(&e.bad_o[i], OUTCOME_BOUNCED, "5.1.2",
			    "bad destination system address: the domain is "
			    "not a routable domain name");
		return -1;
	}
	if (idlen + 1 + dl > 250) {
		outcome_set(&e.bad_o[i], OUTCOME_BOUNCED, "5.1.2",
			    "destination domain too long for this system's "
			    "queue file names");
		return -1;
	}
	for (k = 0; k < e.ndom; k++)
		if (rcptlist_eq_nocase(e.dom[k], strlen(e.dom[k]), at + 1, dl))
			return (int)k;
	for (k = 0; k < dl; k++) {
		char c = at[1 + k];
		e.dom[e.ndom][k] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	e.dom[e.ndom][dl] = 0;
	return (int)e.ndom++;
}

/* Copies the message part of the entry into a new file in tmp/. */
static int copy_message(struct queue *q, int fd, struct queue_tmp *t)
{
	off_t off = (off_t)e.env.msg_off;
	if (queue_tmp_open(q, t) < 0)
		return -1;
	for (;;) {
		ssize_t n = pread(fd, e.copy, sizeof e.copy, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		if (queue_write_all(t->fd, e.copy, (size_t)n) < 0)
			goto fail;
		off += n;
	}
	if (fsync(t->fd) < 0)
		goto fail;
	return 0;
fail:
	queue_tmp_abort(q, t);
	return -1;
}

/* Links the message as mess/NAME, replacing a link an interrupted
 * earlier sort left. */
static int link_message(struct queue *q, const struct queue_tmp *t,
			const char *name)
{
	char alt[sizeof t->name + 8];
	if (linkat(q->fd[QUEUE_TMP], t->name, q->fd[QUEUE_MESS], name, 0) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	snprintf(alt, sizeof alt, "%s.l", t->name);
	if (linkat(q->fd[QUEUE_TMP], t->name, q->fd[QUEUE_TMP], alt, 0) < 0)
		return -1;
	if (renameat(q->fd[QUEUE_TMP], alt, q->fd[QUEUE_MESS], name) < 0) {
		unlinkat(q->fd[QUEUE_TMP], alt, 0);
		return -1;
	}
	return 0;
}

/* Writes the recipient list of domain k. */
static int write_list(struct queue *q, const char *id, size_t k,
		      unsigned long queued, int local)
{
	struct rcptlist *l = &e.list;
	struct queue_tmp t;
	char name[QUEUE_ID_SIZE + SMTP_DOMAIN_SIZE + 2];
	size_t i, len;

	memset(l, 0, sizeof *l);
	l->id = id;
	l->id_len = strlen(id);
	l->domain = e.dom[k];
	l->domain_len = strlen(e.dom[k]);
	l->sender = e.env.sender.addr;
	l->sender_len = e.env.sender.len;
	l->queued = queued;
	for (i = 0; i < e.env.nrcpt; i++)
		if (e.of[i] == (int)k) {
			l->rcpt[l->nrcpt].addr = e.env.rcpt[i].addr;
			l->rcpt[l->nrcpt].len = e.env.rcpt[i].len;
			l->nrcpt++;
		}
	len = rcptlist_format(l, e.out, sizeof e.out);
	if (!len) {
		errno = EOVERFLOW;
		return -1;
	}
	snprintf(name, sizeof name, "%s.%s", id, e.dom[k]);
	if (queue_tmp_open(q, &t) < 0)
		return -1;
	if (queue_write_all(t.fd, e.out, len) < 0) {
		queue_tmp_abort(q, &t);
		return -1;
	}
	return queue_tmp_commit(q, &t, local ? QUEUE_LOCAL : QUEUE_REMOTE,
				name, 0);
}

static const char *helo_name(void)
{
	if (cf.helo)
		return cf.helo;
	if (!e.helo[0])
		conf_hostname(e.helo, sizeof e.helo);
	return e.helo;
}

/* Sorts one entry. Leaves it in place on any failure (tried again on the
 * next pass). */
static int sort_one(const char *name, void *arg)
{
	struct pass *ps = arg;
	struct queue *q = ps->q;
	struct queue_tmp t;
	struct stat st;
	ssize_t n;
	size_t i, nbad = 0, nremote = 0, nlocal = 0;
	int fd;

	if (name[0] == '.' || strchr(name, '.'))
		return daemon_term;        /* .bad entries and dot files */
	fd = openat(q->fd[QUEUE_MAILDROP], name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return daemon_term;        /* gone meanwhile */
	if (fstat(fd, &st) < 0)
		goto io;
	n = pread(fd, e.env_buf, sizeof e.env_buf, 0);
	if (n < 0)
		goto io;
	if (!rcptlist_id_valid(name, strlen(name))) {
		close(fd);
		set_aside(q, name, "its name is not a queue identifier");
		return daemon_term;
	}
	if (maildrop_parse(&e.env, e.env_buf, (size_t)n) < 0) {
		close(fd);
		set_aside(q, name, e.env.err);
		return daemon_term;
	}
	e.ndom = 0;
	for (i = 0; i < e.env.nrcpt; i++) {
		e.of[i] = classify(i, strlen(name));
		if (e.of[i] < 0) {
			e.bad[nbad].addr = e.env.rcpt[i].addr;
			e.bad[nbad].len = e.env.rcpt[i].len;
			e.bad[nbad].o = &e.bad_o[i];
			nbad++;
			log_line("bounced <%.*s> %s: %s %s",
				 (int)e.env.rcpt[i].len, e.env.rcpt[i].addr, name,
				 e.bad_o[i].status, e.bad_o[i].diag);
		}
	}
	if (copy_message(q, fd, &t) < 0)
		goto io;
	/* The bounce first: only once it is durable may the entry go. */
	if (nbad && e.env.sender.len) {
		struct bounce b;
		b.reporting_mta = helo_name();
		b.remote_mta = 0;
		b.sender = e.env.sender.addr;
		b.sender_len = e.env.sender.len;
		b.id = name;
		b.queued = (unsigned long)st.st_mtime;
		b.now = time(0);
		b.rcpt = e.bad;
		b.nrcpt = nbad;
		b.msgfd = openat(q->fd[QUEUE_TMP], t.name, O_RDONLY | O_CLOEXEC);
		if (b.msgfd < 0 || bounce_write(q, &b) < 0) {
			int err = errno;
			if (b.msgfd >= 0)
				close(b.msgfd);
			queue_tmp_abort(q, &t);
			errno = err;
			goto io;
		}
		close(b.msgfd);
	} else if (nbad) {
		err_warn(0, "maildrop entry %s has a null sender: %zu "
			 "unroutable recipient(s) dropped without a bounce",
			 name, nbad);
	}
	for (i = 0; i < e.ndom; i++) {
		char mname[QUEUE_ID_SIZE + SMTP_DOMAIN_SIZE + 2];
		int local = is_local(e.dom[i]);
		snprintf(mname, sizeof mname, "%s.%s", name, e.dom[i]);
		if (link_message(q, &t, mname) < 0 ||
		    write_list(q, name, i, (unsigned long)st.st_mtime, local) < 0) {
			queue_tmp_abort(q, &t);
			goto io;
		}
		q->dirty |= 1u << QUEUE_MESS;
		if (local) {
			nlocal++;
			err_warn(0, "message %s for local domain %s is held in "
				 "local/%s: this system has no local delivery "
				 "agent (see mailq)", name, e.dom[i], mname);
		} else
			nremote++;
	}
	queue_tmp_abort(q, &t);     /* the tmp/ name; the links stay */
	if (queue_sync(q) < 0)
		goto io;
	if (unlinkat(q->fd[QUEUE_MAILDROP], name, 0) < 0 && errno != ENOENT)
		goto io;
	q->dirty |= 1u << QUEUE_MAILDROP;
	close(fd);
	ps->remote += (unsigned)nremote;
	ps->local += (unsigned)nlocal;
	ps->sorted++;
	if (cf.verbose)
		log_line("sorted %s from <%.*s>: %zu remote, %zu local, %zu "
			 "bounced", name, (int)e.env.sender.len,
			 e.env.sender.addr, nremote, nlocal, nbad);
	return daemon_term;
io:
	err_warn(1, "unable to sort maildrop entry %s (kept; tried again "
		 "later)", name);
	close(fd);
	ps->failed++;
	return daemon_term;
}

int smtppd_main(int argc, char **argv)
{
	struct queue q;
	char fifo[1024];
	int fifofd = -1, lock;

	options(argc, argv);
#if CONFIG_LOG
	log_verbose = cf.verbose;
#endif
	if (chdir(cf.queue) < 0)
		err_fatal(EX_CANTCREAT_, 1, "unable to enter the queue %s", cf.queue);
	if (queue_open(&q, ".") < 0)
		err_fatal(EX_CANTCREAT_, 1, "unable to open the queue %s", cf.queue);
	lock = daemon_lock("smtppd.lock");
	if (lock < 0)
		err_fatal(EX_TEMPFAIL_, errno != EWOULDBLOCK, "%s",
			  errno == EWOULDBLOCK ? "another smtppd runs on this "
			  "queue" : "unable to lock smtppd.lock");
	daemon_signals();
	if (!cf.once) {
		fifofd = daemon_fifo(cf.waitfor, cf.semdir, fifo, sizeof fifo);
		if (fifofd < 0)
			err_fatal(EX_OSERR_, 1, "unable to open semaphore %s",
				  cf.waitfor);
		log_line("started on %s, waiting on %s", cf.queue, fifo);
	}
	queue_sweep(&q);
	for (;;) {
		struct pass ps = { &q, 0, 0, 0, 0 };
		int flush = 0, more;
		do {
			unsigned before = ps.sorted + ps.failed;
			daemon_hup = 0;
			if (dirscan(q.fd[QUEUE_MAILDROP], sort_one, &ps) == E_SYS)
				err_warn(1, "unable to read maildrop/");
			/* Entries written during the scan (bounces among
			 * them) are caught by one more scan. */
			more = ps.sorted + ps.failed != before && !ps.failed &&
			       !daemon_term;
		} while (more);
		if (queue_sync(&q) < 0)
			err_warn(1, "unable to sync the queue directories");
		if (ps.remote)
			daemon_signal(cf.ifremote, cf.semdir);
		if (ps.local && cf.iflocal)
			daemon_signal(cf.iflocal, cf.semdir);
		if (daemon_term || cf.once)
			break;
		daemon_wait(fifofd, ps.failed ? 5000L : cf.forever ? -1L
			    : (long)cf.timeout * 1000L, &flush);
		if (daemon_term)
			break;
	}
	log_line("stopped");
	queue_close(&q);
	close(lock);
	return 0;
}
