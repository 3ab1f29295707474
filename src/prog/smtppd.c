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
 * crash at any point leaves the entry to be sorted again (what that sort
 * had written is removed at the next start). An entry that
 * cannot be parsed is renamed maildrop/ID.bad, logged, and kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "aliases.h"
#include "bounce.h"
#include "conf.h"
#include "daemon.h"
#include "dsn.h"
#include "err.h"
#include "fmt.h"
#include "log.h"
#include "maildrop.h"
#include "opt.h"
#include "outcome.h"
#include "programs.h"
#include "queue.h"
#include "readfile.h"
#include "rcptlist.h"
#include "resort.h"
#include "smtprc_opts.h"
#include "sorting.h"
#include "trigger.h"

enum { P_WAITFOR, P_IFREMOTE, P_IFLOCAL, P_LOCAL, P_TIMEOUT, P_FOREVER,
       P_ONCE, P_QUEUE, P_SEMDIR, P_PD, P_RD, P_HELO, P_CONFIG, P_VERBOSE,
       P_SYSLOG, P_ALIASES, P_ADMIN, P_ORIGIN };

static const struct opt_def smtppd_opts[] = {
	{ P_WAITFOR, OPT_STR, "WAITFOR", "waitfor", OPT_CMDLINE },
	{ P_IFREMOTE, OPT_STR, "IFREMOTEPOST", "ifremotepost", OPT_CMDLINE },
	{ P_IFLOCAL, OPT_STR, "IFLOCALPOST", "iflocalpost", OPT_CMDLINE },
	{ P_LOCAL, OPT_STR, "LOCAL", "local", 0 },
	{ P_TIMEOUT, OPT_STR, "TIMEOUT", "timeout", OPT_CMDLINE },
	{ P_FOREVER, OPT_BOOL, "FOREVER", "forever", OPT_CMDLINE },
	{ P_ONCE, OPT_BOOL, 0, "once", OPT_CMDLINE },
	{ P_QUEUE, OPT_STR, 0, "queue", 0 },
	{ P_SEMDIR, OPT_STR, 0, "semaphore-dir", 0 },
	{ P_PD, OPT_STR, 0, "pd-semaphore", 0 },
	{ P_RD, OPT_STR, 0, "rd-semaphore", 0 },
	{ P_HELO, OPT_STR, 0, "helo-name", 0 },
	{ P_CONFIG, OPT_STR, 0, "config", OPT_CMDLINE },
	{ P_VERBOSE, OPT_BOOL, "V", "verbose", 0 },
	{ P_SYSLOG, OPT_BOOL, 0, "syslog", 0 },
	{ P_ALIASES, OPT_STR, 0, "aliases", 0 },
	{ P_ADMIN, OPT_STR, 0, "admin", 0 },
	{ P_ORIGIN, OPT_STR, 0, "origin", 0 },
};
#define NOPTS ((int)(sizeof smtppd_opts / sizeof smtppd_opts[0]))
static const char *apply(void *ctx, const struct opt_hit *h);
const struct opt_table smtppd_opt_table = { smtppd_opts, NOPTS, apply, 0 };

static struct {
	const char *waitfor, *ifremote, *iflocal, *queue, *semdir, *helo;
	const char *aliases, *admin, *origin;
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
		if (!addr_domain_valid(h->val, strlen(h->val)))
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
		if (!addr_domain_valid(h->val, strlen(h->val)))
			return "not a domain name";
		cf.helo = h->val;
		break;
	case P_VERBOSE: cf.verbose = h->on; break;
	case P_ALIASES: cf.aliases = h->val; break;
	case P_ADMIN:
		if (!addr_valid(h->val, strlen(h->val)))
			return "admin is a mail address (user@domain)";
		cf.admin = h->val;
		break;
	case P_ORIGIN:
		if (!addr_domain_valid(h->val, strlen(h->val)))
			return "not a domain name";
		cf.origin = h->val;
		break;
	case P_SYSLOG:
		/* Read by err_line, here and in the relay clients. */
		if (h->on)
			setenv("SMTPRC_SYSLOG", "1", 1);
		break;
	}
	return 0;
}

static void usage(int fd)
{
	fmt_text(fd, "usage: smtppd [/WAITFOR:sem] [/IFREMOTEPOST:sem] "
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
	      "  --once         sort what is there and exit\n");
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

/* The routes and TLS policies of the configuration file (smtprc's keys):
 * mail for domains routed to one smarthost is queued under it. */
static struct sorting_routes routes;

static void routes_init(void)
{
	const struct smtprc_conf *c = smtprc_conf_seen();

	routes.routes = c->routes;
	routes.nroutes = c->nroutes;
	routes.keep = c->policies;
	routes.nkeep = c->npolicies;
	routes.local = cf.local;
	routes.nlocal = cf.nlocal;
}

/* --- one maildrop entry --- */

static struct {
	char env_buf[MAILDROP_ENVELOPE_SIZE];
	struct maildrop_env env;
	struct sorting so;
	struct bounce_rcpt bad[MAILDROP_RCPT_MAX];
	struct rcptlist list;
	char out[RCPTLIST_SIZE];
	struct queue_tmp lt[MAILDROP_RCPT_MAX];   /* a list per domain */
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
		if (addr_eq_nocase(cf.local[i], strlen(cf.local[i]), d,
				       strlen(d)))
			return 1;
	return 0;
}

/* Sets the entry aside as NAME.bad: never deleted, never retried. */
static void set_aside(struct queue *q, const char *name, const char *why)
{
	err_warn(0, "malformed maildrop entry %s: %s; set aside as "
		 "maildrop/%s.bad", name, why, name);
	if (queue_set_aside(q, name) < 0)
		err_warn(1, "unable to set aside maildrop/%s", name);
}

/* Classifies every recipient; the unroutable ones go to e.bad. Returns
 * how many those are. */
static size_t classify_all(const char *name)
{
	size_t i, nbad = 0;

	e.so.rt = &routes;
	sorting_classify(&e.so, &e.env, strlen(name));
	for (i = 0; i < e.env.nrcpt; i++) {
		if (e.so.of[i] >= 0)
			continue;
		log_at(LOG_AT_ERR, "bounced <%.*s> %s: %s %s", (int)e.env.rcpt[i].len,
			 e.env.rcpt[i].addr, name, e.so.bad[i].status,
			 e.so.bad[i].diag);
		if (!dsn_notify_wants(e.env.dsn[i].notify, DSN_NOTIFY_FAILURE)) {
			log_line("%s: <%.*s>: no failure report (NOTIFY leaves "
				 "it out)", name, (int)e.env.rcpt[i].len,
				 e.env.rcpt[i].addr);
			continue;
		}
		e.bad[nbad].addr = e.env.rcpt[i].addr;
		e.bad[nbad].len = e.env.rcpt[i].len;
		e.bad[nbad].o = &e.so.bad[i];
		e.bad[nbad].dsn = &e.env.dsn[i];
		nbad++;
	}
	return nbad;
}

/* Formats the recipient list of domain k into e.out. Returns its length,
 * or 0 when it does not fit (errno EOVERFLOW). */
static size_t format_list(const char *id, size_t k, unsigned long queued)
{
	struct rcptlist *l = &e.list;
	size_t i, len;

	memset(l, 0, sizeof *l);
	l->id = id;
	l->id_len = strlen(id);
	l->domain = e.so.dom[k];
	l->domain_len = strlen(e.so.dom[k]);
	l->sender = e.env.sender.addr;
	l->sender_len = e.env.sender.len;
	l->queued = queued;
	l->dsn = e.env.dsn_msg;
	for (i = 0; i < e.env.nrcpt; i++)
		if (e.so.of[i] == (int)k) {
			l->rcpt[l->nrcpt].addr = e.env.rcpt[i].addr;
			l->rcpt[l->nrcpt].len = e.so.len[i];
			l->rcpt[l->nrcpt].dsn = e.env.dsn[i];
			l->nrcpt++;
		}
	len = rcptlist_format(l, e.out, sizeof e.out);
	if (!len)
		errno = EOVERFLOW;
	return len;
}

static const char *helo_name(void)
{
	if (cf.helo)
		return cf.helo;
	if (!e.helo[0])
		conf_hostname(e.helo, sizeof e.helo);
	return e.helo;
}

/* The bounce for the nbad unroutable recipients, quoting the message
 * copied to t; it must be durable before the entry may go. A null
 * sender's are only logged. Returns 0 or -1 (errno set). */
static int bounce_bad(struct queue *q, const char *name, size_t nbad,
		      const struct queue_tmp *t, unsigned long queued)
{
	struct bounce b;
	int rc, err;

	if (!nbad)
		return 0;
	if (!e.env.sender.len) {
		err_warn(0, "maildrop entry %s has a null sender: %zu "
			 "unroutable recipient(s) dropped without a bounce",
			 name, nbad);
		return 0;
	}
	memset(&b, 0, sizeof b);
	b.action = BOUNCE_FAILED;
	b.dsn = &e.env.dsn_msg;
	b.reporting_mta = helo_name();
	b.remote_mta = 0;
	b.sender = e.env.sender.addr;
	b.sender_len = e.env.sender.len;
	b.id = name;
	b.queued = queued;
	b.now = time(0);
	b.rcpt = e.bad;
	b.nrcpt = nbad;
	b.msgfd = queue_tmp_reopen(q, t);
	if (b.msgfd < 0)
		return -1;
	rc = bounce_write(q, &b);
	err = errno;
	close(b.msgfd);
	errno = err;
	return rc < 0 ? -1 : 0;
}

/* The queue file name ID.DOMAIN of domain k, and its directory. */
static int list_name(const char *id, size_t k, char *name, size_t size)
{
	fmt_into(name, size, "%s.%s", id, e.so.dom[k]);
	return is_local(e.so.dom[k]) ? QUEUE_LOCAL : QUEUE_REMOTE;
}

/* Takes back the lists of domains 0..k-1 and drops the temporary files
 * of k..ndom-1: a failed sort leaves no list of its own behind. */
static void undo_lists(struct queue *q, const char *id, size_t k)
{
	char name[QUEUE_ID_SIZE + SMTP_DOMAIN_SIZE + 2];
	size_t i;

	for (i = 0; i < e.so.ndom; i++) {
		if (i < k) {
			int dir = list_name(id, i, name, sizeof name);
			if (queue_remove(q, dir, name) < 0)
				err_warn(1, "unable to take back %s", name);
		} else if (e.lt[i].fd >= 0) {
			queue_tmp_abort(q, &e.lt[i]);
		}
	}
}

/* Links the message copy t and writes a list for every domain, all or
 * nothing: every list is first written in tmp/, then the message linked
 * for every domain, then the lists renamed into place; a failure at any
 * step takes back what this sort put in remote/ or local/, so that a list
 * is never written twice (the entry stays, sorted again later). Returns 0
 * or -1 (errno set); counts what went where. */
static int write_domains(struct queue *q, const char *id,
			 const struct queue_tmp *t, unsigned long queued,
			 size_t *nremote, size_t *nlocal)
{
	char name[QUEUE_ID_SIZE + SMTP_DOMAIN_SIZE + 2];
	size_t i, len;
	int dir, err;

	for (i = 0; i < e.so.ndom; i++)
		e.lt[i].fd = -1;
	for (i = 0; i < e.so.ndom; i++) {
		len = format_list(id, i, queued);
		if (!len || queue_tmp_open(q, &e.lt[i]) < 0 ||
		    queue_write_all(e.lt[i].fd, e.out, len) < 0)
			goto fail;
	}
	for (i = 0; i < e.so.ndom; i++) {
		list_name(id, i, name, sizeof name);
		if (queue_link_message(q, t, name) < 0)
			goto fail;
	}
	for (i = 0; i < e.so.ndom; i++) {
		dir = list_name(id, i, name, sizeof name);
		if (queue_tmp_commit(q, &e.lt[i], dir, name) < 0) {
			e.lt[i].fd = -1;    /* removed by the commit */
			err = errno;
			undo_lists(q, id, i);
			errno = err;
			return -1;
		}
		e.lt[i].fd = -1;
		if (dir == QUEUE_LOCAL) {
			(*nlocal)++;
			err_warn(0, "message %s for local domain %s is held in "
				 "local/%s: this system has no local delivery "
				 "agent (see mailq)", id, e.so.dom[i], name);
		} else
			(*nremote)++;
	}
	return 0;
fail:
	err = errno;
	undo_lists(q, id, 0);
	errno = err;
	return -1;
}

/* --- this box's own names: aliases and the administrator --- */

static struct {
	char file[ALIASES_SIZE];
	size_t len;
	struct maildrop_addr rcpt[MAILDROP_RCPT_MAX];
	struct dsn_rcpt dsn[MAILDROP_RCPT_MAX];
	char qualified[MAILDROP_RCPT_MAX][SMTP_PATH_SIZE];
	size_t n, nq;
	const struct dsn_rcpt *from;   /* the recipient being expanded */
	int over;
} al;

/* 1 when domain d[0..n) is this box: the origin, the helo name or
 * localhost (mail for them goes through the aliases). */
static int own_domain(const char *d, size_t n)
{
	const char *origin = cf.origin ? cf.origin : helo_name();
	n = addr_domain_trim(d, n);
	return addr_eq_nocase(d, n, origin, strlen(origin)) ||
	       addr_eq_nocase(d, n, helo_name(), strlen(helo_name())) ||
	       addr_eq_nocase(d, n, "localhost", 9);
}

/* Adds one recipient to the expanded list (once). */
static void al_add(const char *a, size_t n, void *ctx)
{
	size_t i;
	(void)ctx;
	if (!memchr(a, '@', n)) {
		/* A name the file does not know: this box's user. */
		const char *origin = cf.origin ? cf.origin : helo_name();
		if (al.nq == MAILDROP_RCPT_MAX) {
			al.over = 1;
			return;
		}
		n = (size_t)fmt_into(al.qualified[al.nq], SMTP_PATH_SIZE, "%.*s@%s",
				     (int)n, a, origin);
		a = al.qualified[al.nq++];
	}
	for (i = 0; i < al.n; i++)
		if (al.rcpt[i].len == n && !memcmp(al.rcpt[i].addr, a, n))
			return;
	if (al.n == MAILDROP_RCPT_MAX) {
		al.over = 1;
		return;
	}
	al.rcpt[al.n].addr = a;
	al.rcpt[al.n].len = n;
	al.dsn[al.n++] = *al.from;
}

/* The aliases file, read for each entry (an edit needs no reload).
 * Returns 0, or -1 when it is unusable (the entry waits). */
static int al_load(void)
{
	const char *path = cf.aliases ? cf.aliases : CONF_ALIASES_DEFAULT, *why;
	long n = readfile_at(AT_FDCWD, path, al.file, sizeof al.file, 0);
	unsigned line;

	al.len = 0;
	if (n == READFILE_MISSING && !cf.aliases)
		return 0;
	if (n < 0) {
		err_warn(n != READFILE_TOO_BIG, "aliases %s: %s", path,
			 n == READFILE_TOO_BIG ? "larger than ALIASES_SIZE"
					       : "unable to read it");
		return -1;
	}
	if (aliases_check(al.file, (size_t)n, &line, &why) < 0) {
		err_warn(0, "aliases %s:%u: %s (mail waits until it is fixed)",
			 path, line, why);
		return -1;
	}
	al.len = (size_t)n;
	return 0;
}

/* Recipients at this box's own names go where the aliases file says,
 * else to the administrator (key admin), else stay as they are. The
 * entry's envelope is replaced by the expanded one. Returns 0 or -1
 * (the aliases file is unusable: the entry waits). */
static int expand_own(const char *name)
{
	size_t i, at;
	int k;

	if (al_load() < 0)
		return -1;
	al.n = al.nq = 0;
	al.over = 0;
	for (i = 0; i < e.env.nrcpt; i++) {
		const struct maildrop_addr *r = &e.env.rcpt[i];
		size_t before = al.n;
		al.from = &e.env.dsn[i];
		at = addr_at(r->addr, r->len);
		k = 0;
		if (at < r->len && own_domain(r->addr + at + 1, r->len - at - 1)) {
			k = aliases_expand(al.file, al.len, r->addr, at, al_add, 0);
			if (k < 0)
				err_warn(0, "%s: <%.*s>: the aliases loop or nest "
					 "deeper than ALIAS_DEPTH_MAX: not expanded",
					 name, (int)r->len, r->addr);
			if (k == 0 && cf.admin) {
				al_add(cf.admin, strlen(cf.admin), 0);
				k = 1;
			}
		}
		if (k <= 0)
			al_add(r->addr, r->len, 0);
		else if (cf.verbose)
			log_line("%s: <%.*s> goes to %zu address(es)", name,
				 (int)r->len, r->addr, al.n - before);
	}
	if (al.over) {
		/* Kept as submitted rather than cut: nobody lost. */
		err_warn(0, "%s: more than MAILDROP_RCPT_MAX recipients after "
			 "the aliases: none is expanded", name);
		return 0;
	}
	memcpy(e.env.rcpt, al.rcpt, al.n * sizeof al.rcpt[0]);
	memcpy(e.env.dsn, al.dsn, al.n * sizeof al.dsn[0]);
	e.env.nrcpt = al.n;
	return 0;
}

/* Reads and checks the entry's envelope. Returns 0, 1 when the entry was
 * set aside, or -1 on an I/O error. */
static int read_entry(struct queue *q, const char *name, int fd)
{
	long n = readfile_pread(fd, e.env_buf, sizeof e.env_buf, 0);

	if (n < 0)
		return -1;
	if (!rcptlist_id_valid(name, strlen(name))) {
		set_aside(q, name, "its name is not a queue identifier");
		return 1;
	}
	if (maildrop_parse(&e.env, e.env_buf, (size_t)n) < 0) {
		set_aside(q, name, e.env.err);
		return 1;
	}
	return expand_own(name);
}

/* Sorts one entry: message copied to tmp/, bounce for the unroutable
 * recipients, a link and a list per domain, everything synced, then the
 * entry removed (docs/queue.md). Leaves it in place on any failure
 * (tried again on the next pass). */
static int sort_one(const char *name, void *arg)
{
	struct pass *ps = arg;
	struct queue *q = ps->q;
	struct queue_tmp t;
	struct stat st;
	size_t nbad, nremote = 0, nlocal = 0;
	int fd, rc;

	if (name[0] == '.') {
		/* A sendmail's entry being written, or left by one killed
		 * mid-write: that one goes now, not at the next start. */
		queue_sweep_maildrop_one(q, name);
		return daemon_term;
	}
	if (strchr(name, '.'))
		return daemon_term;        /* .bad entries */
	fd = queue_open_entry(q, QUEUE_MAILDROP, name, 0);
	if (fd < 0 && (errno == ELOOP || errno == EINVAL)) {
		/* A link, FIFO or folder named like an entry: never followed,
		 * never waited on. */
		set_aside(q, name, "not a regular file");
		return daemon_term;
	}
	if (fd < 0)
		return daemon_term;        /* gone meanwhile */
	if (fstat(fd, &st) < 0 || (rc = read_entry(q, name, fd)) < 0)
		goto io;
	if (rc > 0) {
		close(fd);
		return daemon_term;
	}
	nbad = classify_all(name);
	if (queue_copy_message(q, fd, (long long)e.env.msg_off, &t, e.copy,
			       sizeof e.copy) < 0)
		goto io;
	if (bounce_bad(q, name, nbad, &t, (unsigned long)st.st_mtime) < 0 ||
	    write_domains(q, name, &t, (unsigned long)st.st_mtime, &nremote,
			  &nlocal) < 0) {
		queue_tmp_abort(q, &t);
		goto io;
	}
	queue_tmp_abort(q, &t);     /* the tmp/ name; the links stay */
	if (queue_maildrop_done(q, name) < 0)
		goto io;
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
	int fifofd = -1, lock, failed = 0;

	options(argc, argv);
	routes_init();
	log_set_verbose(cf.verbose);
	if (chdir(cf.queue) < 0)
		err_fatal(EX_CANTCREAT_, 1, "unable to enter the queue %s", cf.queue);
	if (queue_open(&q, ".") < 0)
		err_fatal(EX_CANTCREAT_, 1, "unable to open the queue %s", cf.queue);
	if (queue_share_maildrop(&q, ".", daemon_drop_group()) < 0)
		err_warn(1, "unable to give the queue %s its modes for the drop "
			 "group", cf.queue);
	else if (daemon_drop_gid >= 0)
		log_line("sendmail of any user: the drop group %ld writes into "
			 "%s/maildrop", daemon_drop_gid, cf.queue);
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
	queue_sweep_maildrop(&q);
	queue_drop_unsorted(&q);
	/* Before the first scan of the maildrop, which sorts what this
	 * hands back. */
	resort_hops(&q, &routes, &e.list, e.out, sizeof e.out, e.copy,
		    sizeof e.copy);
	for (;;) {
		struct pass ps = { &q, 0, 0, 0, 0 };
		failed = 0;
		int flush = 0, more;
		do {
			unsigned before = ps.sorted + ps.failed;
			daemon_hup = 0;
			if (queue_scan(&q, QUEUE_MAILDROP, sort_one, &ps) == E_SYS)
				err_warn(1, "unable to read maildrop/");
			/* Entries written during the scan (bounces among
			 * them) are caught by one more scan. */
			more = ps.sorted + ps.failed != before && !ps.failed &&
			       !daemon_term;
		} while (more);
		/* What a relay client killed mid-write or mid-clean-up left
		 * in tmp/ and done/ (two reads of folders that are most
		 * often empty): gone within a pass, not at the next start. */
		queue_sweep(&q);
		if (queue_sync(&q) < 0)
			err_warn(1, "unable to sync the queue directories");
		if (ps.remote)
			daemon_signal(cf.ifremote, cf.semdir);
		if (ps.local && cf.iflocal)
			daemon_signal(cf.iflocal, cf.semdir);
		failed = ps.failed != 0;
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
	/* --once: 75 when an entry could not be sorted (it stays, for the
	 * next run), so a script sees it. */
	return cf.once && failed ? EX_TEMPFAIL_ : 0;
}
