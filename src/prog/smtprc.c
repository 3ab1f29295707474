/* smtprc.c: the SMTP Relay Client program (man/smtprc.8).
 *
 *   smtprc [options] domain recipient-list...
 *
 * Delivers every pending recipient of the given lists over one connection
 * to a server of the domain, then settles each list: delivered recipients
 * leave it, bounced ones leave it once their bounce is in the maildrop,
 * deferred ones stay with their diagnostic. Options, policy and exit
 * status live here; the protocol lives in relay/smtp_session, the files in
 * queue/rcptlist/bounce.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "fmt.h"
#include "readfile.h"
#include "arena.h"
#include "body.h"
#include "bounce.h"
#include "err.h"
#include "ip46.h"
#include "locate.h"
#include "log.h"
#include "net.h"
#include "opt.h"
#include "loop.h"
#include "outcome.h"
#include "programs.h"
#include "queue.h"
#include "rcptlist.h"
#include "route.h"
#include "reports.h"
#include "smtprc_oauth.h"
#include "smtprc_opts.h"
#include "smtprc_sts.h"
#include "relay.h"
#include "tls.h"
#include "trigger.h"
#include "utf8.h"

/* Exit statuses in order of precedence: an I/O error needs a human first,
 * then a malformed list, then a deferral. */
struct run_status {
	int ioerr, malformed, deferred, bounces;
};

/* Storage for one recipient list: the caller owns all memory. There are
 * two: while one list's final dot awaits its reply, the next list's
 * transaction goes out behind it (RELAY_PENDING). The small fields
 * first and the first recipient's entries near them: a list of one
 * recipient touches a few pages, and an untouched page is not resident. */
struct job {
	const char *path;      /* the list file, as named */
	int msgfd;
	long long msglen;      /* the message's bytes */
	size_t ntxn;           /* recipients of its pending transaction */
	char name[QUEUE_ID_SIZE + SMTP_DOMAIN_SIZE + 2];
	unsigned char open[RCPT_PER_LIST_MAX]; /* still to be tried now */
	size_t of_txn[RCPT_PER_LIST_MAX];  /* list index of txn recipient k */
	struct smtp_txn t;
	struct smtp_txn_rcpt rcpt[RCPT_PER_LIST_MAX];
	struct outcome out_of[RCPT_PER_LIST_MAX];
	struct rcptlist list;
	char buf[RCPTLIST_SIZE + 1];
};
static struct job jobs[2], *job = &jobs[0];

/* What one list at a time uses while it is settled or sent; the small
 * fields first, as in struct job. */
static struct {
	const char *sender;    /* route-from's envelope sender, or NULL */
	size_t sender_len;
	char date[48];         /* a Date field the message lacks */
	char diag[RCPT_PER_LIST_MAX][SMTP_DIAG_SIZE + 16];
	struct mime7 mime;     /* the message made 7-bit, when needed */
	struct rcptlist next;
	char out[RCPTLIST_SIZE];
} shared;

static struct relay relay;
static struct locate_result located;

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Reads and checks one list. Returns 0, E_LIST (err says why), E_SYS. */
static int job_load(const char *path, const char *domain, int any_domain,
		    const char **err)
{
	struct rcptlist *l = &job->list;
	const char *name = base_name(path);
	long len = readfile_queue(AT_FDCWD, path, job->buf, sizeof job->buf, 0);

	if (len == READFILE_TOO_BIG) {
		*err = "larger than RCPTLIST_SIZE";
		return E_LIST;
	}
	if (len == READFILE_NOT_REGULAR) {
		*err = "not a regular file (a symbolic link, FIFO or folder)";
		return E_LIST;
	}
	if (len < 0)
		return E_SYS;
	if (rcptlist_parse(l, job->buf, (size_t)len) < 0) {
		fmt_into(job->name, sizeof job->name, "line %u: %s", l->err_line,
			 l->err);
		*err = job->name;
		return E_LIST;
	}
	/* The list's file name is MESSAGE.DOMAIN, which is also the name of
	 * its link to the message in mess/. */
	if (strlen(name) != l->id_len + 1 + l->domain_len ||
	    memcmp(name, l->id, l->id_len) || name[l->id_len] != '.' ||
	    memcmp(name + l->id_len + 1, l->domain, l->domain_len)) {
		*err = "file name is not MESSAGE.DOMAIN of its contents";
		return E_LIST;
	}
	if (!any_domain && !addr_eq_nocase(domain, strlen(domain),
					       l->domain, l->domain_len)) {
		*err = "list is for another domain";
		return E_LIST;
	}
	memcpy(job->name, name, strlen(name) + 1);
	return 0;
}

static void log_outcome(const struct rcptlist_rcpt *r, const struct outcome *o)
{
	log_at(o->kind == OUTCOME_DELIVERED ? LOG_AT_INFO : o->kind ==
	       OUTCOME_DEFERRED ? LOG_AT_WARNING : LOG_AT_ERR,
	       "%s <%.*s> %.*s %s%s%s%s%s%s: %s%s%s%s", outcome_name(o->kind),
		 (int)r->len, r->addr, (int)job->list.id_len, job->list.id,
		 relay.peer[0] ? "via " : "", relay.peer,
		 relay.peer[0] ? "" : "no server",
		 relay.tls_info[0] ? " (" : !relay.peer[0] ? "" :
		 relay.tls_failed ? " (no TLS session" : " (plaintext",
		 relay.tls_info,
		 relay.tls_info[0] || relay.peer[0] ? ")" : "",
		 o->from_server ? "" : o->status, o->from_server ? "" : " ",
		 o->diag, outcome_dup_unsaid(o) ? " (possible duplicate)" : "");
}

/* Expires and logs the outcome of every recipient of the loaded list. A
 * list queued before the clock was set (CLOCK_SET_MIN) starts its
 * lifetime now that it is: the rewrite keeps the new time. */
static void job_decide(const struct smtprc_conf *c, time_t now)
{
	struct rcptlist *l = &job->list;
	unsigned long age = (unsigned long)now > l->queued
				    ? (unsigned long)now - l->queued : 0;
	size_t i;

	if (l->queued < CLOCK_SET_MIN && (unsigned long)now >= CLOCK_SET_MIN) {
		l->queued = (unsigned long)now;
		age = 0;
	}

	for (i = 0; i < l->nrcpt; i++) {
		outcome_expire(&job->out_of[i], age, c->lifetime);
		log_outcome(&l->rcpt[i], &job->out_of[i]);
	}
}

/* The reports to the sender (reports.h). When the failure report cannot
 * be made durable, its recipients are deferred instead, to bounce on a
 * later run. */
static void job_reports(struct queue *q, int msgfd, time_t now,
			const struct smtprc_conf *c, struct run_status *st)
{
	char remote[IP46_FMT_SIZE + SMTP_DOMAIN_SIZE + 8], why[SMTP_DIAG_SIZE];
	struct reports rp;
	size_t i;
	int rc;

	memset(&rp, 0, sizeof rp);
	if (relay.server) {
		char ip[IP46_FMT_SIZE];
		ip46_fmt(&relay.server->ip, ip);
		fmt_into(remote, sizeof remote, "%s", relay.server->name[0] &&
			 relay.server->name[0] != '[' ? relay.server->name : ip);
		rp.remote_mta = remote;
	}
	rp.q = q;
	rp.list = &job->list;
	rp.out_of = job->out_of;
	rp.name = job->name;
	rp.msgfd = msgfd;
	rp.reporting_mta = c->relay.helo_name;
	rp.server_dsn = (smtp_session_ext(&relay.s) & SMTP_EXT_DSN) != 0;
	rp.now = now;
	rp.lifetime = c->lifetime;
	rp.delay_warning = c->delay_warning;
	rc = reports_failed(&rp);
	if (rc < 0) {
		fmt_into(why, sizeof why, "bounce not written (%s); will bounce "
			 "on a later attempt", err_errno(errno));
		err_warn(0, "message %s: %s", job->name, why);
		for (i = 0; i < job->list.nrcpt; i++)
			if (job->out_of[i].kind == OUTCOME_BOUNCED)
				outcome_local_error(&job->out_of[i], why);
		st->ioerr = 1;
	}
	st->bounces += (rc > 0) + (reports_relayed(&rp) > 0) +
		       (reports_delayed(&rp) > 0);
}

/* The list with its deferred recipients only, each with its diagnostic,
 * into shared.next. */
static void job_next(void)
{
	const struct rcptlist *l = &job->list;
	struct rcptlist *nl = &shared.next;
	size_t i;

	*nl = *l;
	nl->nrcpt = 0;
	nl->attempts = l->attempts + 1;
	for (i = 0; i < l->nrcpt; i++) {
		const struct outcome *o = &job->out_of[i];
		struct rcptlist_rcpt *r;
		if (o->kind != OUTCOME_DEFERRED)
			continue;
		r = &nl->rcpt[nl->nrcpt++];
		r->addr = l->rcpt[i].addr;
		r->len = l->rcpt[i].len;
		if (o->from_server)
			fmt_into(shared.diag[i], sizeof shared.diag[i], "%s", o->diag);
		else
			fmt_into(shared.diag[i], sizeof shared.diag[i], "%s %s",
				 o->status, o->diag);
		r->diag = shared.diag[i];
		r->diag_len = strlen(shared.diag[i]);
	}
}

/* Decides, bounces and rewrites one list after its attempt: finished
 * (queue_finish) when nobody is left, else rewritten with the deferred. */
static void job_settle(struct queue *q, const char *path, int msgfd,
		       const struct smtprc_conf *c, struct run_status *st)
{
	time_t now = time(0);
	size_t len;

	job_decide(c, now);
	job_reports(q, msgfd, now, c, st);
	job_next();
	if (shared.next.nrcpt == 0) {
		if (queue_finish(q, path, job->name) < 0) {
			err_warn(1, "unable to finish recipient list %s", path);
			st->ioerr = 1;
		}
		return;
	}
	st->deferred = 1;
	len = rcptlist_format(&shared.next, shared.out, sizeof shared.out);
	if (!len || queue_replace(q, path, shared.out, len) < 0) {
		err_warn(1, "unable to rewrite recipient list %s", path);
		st->ioerr = 1;
	}
}

/* Sets the same outcome for every recipient of the loaded list. */
static void job_all(const struct outcome *o)
{
	size_t i;
	for (i = 0; i < job->list.nrcpt; i++)
		job->out_of[i] = *o;
}

/* Sets o for every recipient of the loaded list still open (job->open). */
static void job_some(const struct outcome *o)
{
	size_t i;
	for (i = 0; i < job->list.nrcpt; i++)
		if (job->open[i])
			job->out_of[i] = *o;
}

/* A message read in chunks by job_body and job_seven (one at a time):
 * off the stack, whose deepest chain runs through here. */
static char chunk[BODY_CHUNK_SIZE];

/* The size and 8-bit flag of the loaded list's message. Returns 0 or
 * E_SYS. */
static int job_body(struct body_info *info, int msgfd)
{
	long long off = 0;

	body_info_init(info);
	for (;;) {
		long n = readfile_piece(msgfd, chunk, sizeof chunk, off,
					job->msglen);
		if (n < 0)
			return E_SYS;
		if (n == 0)
			break;
		body_info_chunk(info, chunk, (size_t)n);
		off += n;
	}
	body_info_finish(info);
	return 0;
}

/* Prepares a transaction of the loaded list for the recipients whose
 * outcome is still open (job->open), remembering where each came from in
 * job->of_txn, at most max of them. Returns how many. */
static size_t job_txn(struct smtp_txn *t, const struct body_info *info,
		      size_t max)
{
	size_t i;

	memset(t, 0, sizeof *t);
	t->sender = job->list.sender;
	t->sender_len = job->list.sender_len;
	/* route-from: the smarthost's account, for all but the null sender
	 * (a bounce stays one: RFC 5321 section 4.5.5). */
	if (shared.sender && t->sender_len) {
		t->sender = shared.sender;
		t->sender_len = shared.sender_len;
	}
	t->size = info->size;
	t->eightbit = info->eightbit;
	t->rcpt = job->rcpt;
	t->dsn = &job->list.dsn;
	for (i = 0; i < job->list.nrcpt && t->nrcpt < max; i++) {
		if (!job->open[i])
			continue;
		job->rcpt[t->nrcpt].addr = job->list.rcpt[i].addr;
		job->rcpt[t->nrcpt].len = job->list.rcpt[i].len;
		job->rcpt[t->nrcpt].dsn = &job->list.rcpt[i].dsn;
		job->of_txn[t->nrcpt++] = i;
	}
	return t->nrcpt;
}

/* xorshift64*: SRV weights and MX shuffles need fairness, not secrecy. */
static unsigned long long rand_state;

static void rand_seed(void)
{
	unsigned long long s = 0;
	if (syscall(SYS_getrandom, &s, sizeof s, 0) != (long)sizeof s)
		s = (unsigned long long)time(0) ^
		    ((unsigned long long)getpid() << 32) ^
		    (unsigned long long)loop_now_ms();
	rand_state = s ? s : 0x9e3779b97f4a7c15ULL;
}

static unsigned long rand_below(void *st, unsigned long max)
{
	unsigned long long *x = st;
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return (unsigned long)((*x * 0x2545F4914F6CDD1DULL) >> 11) %
	       ((unsigned long long)max + 1);
}

/* The resolvers of /etc/resolv.conf, or 127.0.0.1 when it names none
 * (as the C library does). */
static void resolv_conf(struct dnsq_conf *d)
{
	char buf[4096];
	long n = readfile_at(AT_FDCWD, "/etc/resolv.conf", buf, sizeof buf, 0);

	if (n == READFILE_TOO_BIG)
		n = (long)sizeof buf;   /* its first 4 KiB, as before */
	if (n < 0 || !dnsq_resolvconf(buf, (size_t)(n < 0 ? 0 : n), d)) {
		ip46_parse("127.0.0.1", 9, &d->serv[0].ip);
		d->serv[0].port = 53;
		d->nserv = 1;
	}
}

/* /etc/hosts, read once: a smarthost or "localhost" named there needs no
 * DNS (hosts.h). */
static void etc_hosts(struct locate_req *lq)
{
	static char buf[HOSTS_SIZE];
	long n = readfile_at(AT_FDCWD, "/etc/hosts", buf, sizeof buf, 0);

	if (n == READFILE_TOO_BIG) {
		/* Whole lines only: a name cut in two names nothing. */
		for (n = (long)sizeof buf; n > 0 && buf[n - 1] != '\n'; n--)
			;
		if (log_verbose)
			log_line("/etc/hosts: only its first %d bytes are read "
				 "(HOSTS_SIZE)", HOSTS_SIZE);
	}
	if (n > 0) {
		lq->hosts = buf;
		lq->hosts_len = (size_t)n;
	}
}

/* udns's time-out per try, so that its tries fit in --timeout-dns. */
static void dns_tries(struct dnsq_conf *d, unsigned total)
{
	unsigned t = total / 4;
	if (!d->timeout || d->timeout > t)
		d->timeout = t ? (t > 4 ? 4 : t) : 1;
	if (!d->tries)
		d->tries = 2;
}

/* /V: where the servers came from and the order they will be tried. */
static void log_servers(const char *domain, const struct locate_result *r)
{
	size_t i;
	for (i = 0; i < r->n; i++) {
		char ip[IP46_FMT_SIZE];
		ip46_fmt(&r->addr[i].ip, ip);
		log_line("%s: server %zu by %s: %s[%s]:%u priority %u%s", domain,
			 i + 1, r->how, r->addr[i].name, ip, r->addr[i].port,
			 r->addr[i].priority, r->self_cut && i + 1 == r->n ?
			 " (worse ones cut: /SELF)" : "");
	}
}

/* One run: the configuration, what happened so far, the queue, and the
 * connection state shared by every list. */
struct run {
	struct smtprc_conf c;
	struct run_status st;
	struct locate_req lq;
	struct queue q;
	struct job *pend;       /* its transaction's dot reply awaited */
	const char *domain;     /* the argument */
	int form;               /* LOCATE_* of the argument or route */
	int opened, located_ok, tls_unusable;
	int unusable;   /* the domain is no usable domain: bounce its lists */
	struct ip46 own[OWN_ADDRS_MAX];   /* this host's addresses */
};

/* Where the servers are looked for: a route's target stands for the
 * domain (the lists stay checked against the domain itself). Returns 0 or
 * EX_USAGE_ after reporting why. */
static int run_locate_setup(struct run *r)
{
	struct smtprc_conf *c = &r->c;
	struct locate_req *lq = &r->lq;
	const char *why;
	unsigned port;
	size_t hl;

	lq->domain = c->target ? c->target : r->domain;
	lq->clientip = c->target ? 1 : c->clientip;
	lq->clientport = c->target ? 1 : c->clientport;
	lq->smtp_port = c->smtp_port;
	lq->self = c->self;
	lq->nself = c->nself;
	lq->srv_self = c->srv_self;
	lq->srv_super = c->srv_super;
	lq->implicit = c->implicit;
	lq->ip6 = c->ip6;
	lq->allow_local = c->allow_local;
	if (!c->allow_local)
		lq->nown = net_own_addrs(r->own, OWN_ADDRS_MAX);
	lq->own = r->own;
	lq->dns = &c->dns;
	etc_hosts(lq);
	lq->rand = rand_below;
	lq->rand_state = &rand_state;
	rand_seed();
	if (!c->dns.nserv)
		resolv_conf(&c->dns);
	dns_tries(&c->dns, c->timeout_dns);
	r->form = locate_parse(lq, &hl, &port, &why);
	if (r->form < 0 && r->unusable) {
		log_line("%s: not a usable domain: its lists are bounced",
			 r->domain);
		return 0;
	}
	if (r->form < 0) {
		smtprc_usage_error(lq->domain, why);
		return EX_USAGE_;
	}
	/* DANE-TA's second name: the mail domain, when the argument is one
	 * and not routed (a route's host, a HOST:PORT or a literal is the
	 * TLSA base domain itself, or has none). */
	c->relay.nexthop = !c->target && r->form == LOCATE_DOMAIN ? r->domain : 0;
	if (c->target && log_verbose)
		log_line("%s: routed to %s", r->domain, c->target);
	return 0;
}

/* 1 when some list given is named ID.DOMAIN for this domain argument. */
static int lists_named(const char *domain, int argc, char **argv, int first)
{
	size_t dl = strlen(domain);
	int i;

	for (i = first + 1; i < argc; i++) {
		const char *n = base_name(argv[i]);
		size_t nl = strlen(n);
		if (nl > dl + 1 && n[nl - dl - 1] == '.' &&
		    !memcmp(n + nl - dl, domain, dl))
			return 1;
	}
	return 0;
}

/* The domain argument is no usable domain ("[a/b]", a label over 63
 * octets), but is what some list given names in its file name
 * (ID.DOMAIN): an older writer queued it. Such lists are settled, every
 * recipient bounced (outcome_unusable_domain), instead of a usage error
 * on every run. */
static int unusable_domain(const char *domain, int argc, char **argv,
			   int first)
{
	size_t dl = strlen(domain);

	if (addr_domain_valid(domain, dl) || route_hop(domain, dl) ||
	    !rcptlist_domain_token(domain, dl))
		return 0;
	return lists_named(domain, argc, argv, first);
}

/* A next hop's lists that no route sends there any more (the posting
 * office queued them under an earlier configuration) still go there;
 * said once a run, since the administrator may have meant otherwise. */
static void stale_hop(const struct run *r, int argc, char **argv, int first)
{
	const struct smtprc_conf *c = &r->c;

	if (route_hop(r->domain, strlen(r->domain)) &&
	    !route_to(c->routes, c->nroutes, r->domain) &&
	    lists_named(r->domain, argc, argv, first))
		err_warn(0, "%s: no route sends mail there any more; what was "
			 "queued for it still goes there (restart smtppd to "
			 "sort it by today's routes)", r->domain);
}

/* Never two relay clients for one domain: smtprcd hands its child the
 * domain's lock (SMTPRC_LOCK_FD names the descriptor, checked to be that
 * file); run by hand, smtprc takes it itself, and when the daemon's relay
 * client holds it, leaves everything to that one (exit 75). */
static void run_lock(struct run *r)
{
	const char *v = getenv("SMTPRC_LOCK_FD");
	unsigned long n;
	int fd;

	if (v && opt_number(v, INT_MAX, &n) &&
	    queue_lock_is(&r->q, r->domain, (int)n))
		return;
	fd = queue_lock_domain(&r->q, r->domain);
	if (fd == E_BUSY)
		err_fatal(EX_TEMPFAIL_, 0, "%s: another relay client is "
			  "delivering this domain's mail now (lock/%s); "
			  "nothing done", r->domain, r->domain);
	if (fd < 0)
		err_warn(1, "unable to lock lock/%s (going on)", r->domain);
	/* Held until exit: the descriptor stays open. */
}

/* verify needs the trust store (and so does an OAuth route's token
 * endpoint): without anchors nothing can be verified, so every recipient
 * is deferred and none is sent in the clear. */
static void run_anchors(struct run *r)
{
	char ca[SMTP_DIAG_SIZE];

	if ((r->c.relay.tls != RELAY_TLS_VERIFY && !r->c.oauth &&
	     !r->c.relay.sts) ||
	    tls_anchors_load_file(r->c.tls_ca, ca, sizeof ca) == 0)
		return;
	err_warn(0, "%s", ca);
	outcome_tls_failed(&relay.fail, ca);
	r->tls_unusable = 1;
}

/* Loads the list at path and opens its message. Returns the message's fd,
 * or -1 when the list is skipped (reported, counted in r->st). */
static int run_load(struct run *r, const char *path)
{
	const char *why;
	int rc, msgfd;

	rc = job_load(path, r->domain,
		      route_hop(r->domain, strlen(r->domain)), &why);
	if (rc == E_SYS && errno == ENOENT) {
		/* Settled by a run before this one since it was named (a
		 * relay client of an earlier smtprcd, the administrator):
		 * nothing is left to do for it. */
		log_line("%s: no such list any more (settled before this run)",
			 path);
		return -1;
	}
	if (rc == E_SYS) {
		err_warn(1, "unable to read recipient list %s", path);
		r->st.ioerr = 1;
		return -1;
	}
	if (rc < 0) {
		err_warn(0, "malformed recipient list %s: %s (left untouched)",
			 path, why);
		r->st.malformed = 1;
		return -1;
	}
	if (queue_unsorted(&r->q, job->name)) {
		/* smtppd stopped before it removed the maildrop entry: it
		 * sorts it again, replacing this list (docs/queue.md). */
		log_line("%s: its message is still in maildrop/, being sorted "
			 "(left for a run after that)", path);
		r->st.deferred = 1;
		return -1;
	}
	msgfd = queue_open_message(&r->q, job->name, &job->msglen);
	if (msgfd >= 0)
		return msgfd;
	if (errno == ENOENT) {
		err_warn(0, "malformed recipient list %s: its message mess/%s "
			 "does not exist (left untouched)", path, job->name);
		r->st.malformed = 1;
	} else {
		err_warn(1, "unable to open message mess/%s", job->name);
		r->st.ioerr = 1;
	}
	return -1;
}

/* An OAuth route's access token, refreshed when it must be (force: the
 * server refused the one it had). Returns 0, or -1 with every list of the
 * run deferred 4.7.8 (r->tls_unusable: no session is opened). */
static int oauth_token(struct run *r, int force)
{
	char why[SMTP_DIAG_SIZE];

	if (smtprc_oauth_ready(&r->c, &r->lq, force, why, sizeof why) == 0)
		return 0;
	if (force) {   /* what the server said comes first */
		char w[SMTP_DIAG_SIZE];
		fmt_into(w, sizeof w, "%s; then %s", relay.fail.diag, why);
		memcpy(why, w, sizeof why);
	}
	log_line("%s: %s", r->domain, why);
	outcome_auth_failed(&relay.fail, why);
	r->tls_unusable = 1;
	return -1;
}

/* MTA-STS for a domain delivered by its own servers (smtprc_sts.h):
 * enforce leaves the servers its policy allows, verified; none allowed,
 * or no trust store to verify with: r->tls_unusable, relay.fail says.
 * Under dane the relay decides per server (relay.h's sts). */
static void run_sts(struct run *r)
{
	static struct sts_policy p;
	int tls = (int)r->c.relay.tls;

	if (!smtprc_sts_find(&r->q, r->domain, &r->lq, r->c.tls_ca, &p))
		return;
	if (r->c.relay.tls == RELAY_TLS_DANE) {
		/* DANE first, server by server; MTA-STS where it is not
		 * usable (relay.h). */
		if (p.mode == STS_ENFORCE) {
			r->c.relay.sts = &p;
			run_anchors(r);
		}
		return;
	}
	if (smtprc_sts_apply(&p, r->domain, &located, &tls, &relay.fail) < 0) {
		log_line("%s: %s %s", r->domain, relay.fail.status,
			 relay.fail.diag);
		r->tls_unusable = 1;
	} else if (tls != (int)r->c.relay.tls) {
		r->c.relay.tls = (enum relay_tls)tls;
		run_anchors(r);
	}
}

/* Locates the servers and opens the one connection, the first time a
 * list has someone to deliver to. */
static void run_connect(struct run *r)
{
	if (r->opened || r->tls_unusable)
		return;
	r->opened = 1;
	if (r->c.oauth && oauth_token(r, 0) < 0)
		return;
	r->lq.dns_deadline = loop_now_ms() + r->c.timeout_dns * 1000LL;
	r->located_ok = locate(&r->lq, &located) == 0;
	if (!r->located_ok)
		log_line("%s: %s %s", r->domain, located.fail.status,
			 located.fail.diag);
	else if (log_verbose)
		log_servers(r->domain, &located);
	if (log_verbose) {
		struct arena_stats as;
		arena_stats(&as);
		log_line("DNS heap: peak %zu of %d bytes, %lu allocations, %lu "
			 "refused", as.peak, ARENA_SIZE, as.allocs, as.failures);
	}
	if (CONFIG_TLS && r->located_ok && r->c.mta_sts && !r->c.target &&
	    r->form == LOCATE_DOMAIN && r->c.relay.tls != RELAY_TLS_NONE)
		run_sts(r);
	if (r->tls_unusable)
		return;
	if (r->located_ok && relay_open(&relay, &r->c.relay, &located) < 0 &&
	    r->c.oauth && relay.s.auth_refused && oauth_token(r, 1) == 0) {
		/* The server refused the token: one more session with a new
		 * one. */
		relay_close(&relay);
		relay_open(&relay, &r->c.relay, &located);
	}
	if (r->located_ok && !relay.up && located.self_cut) {
		/* Better servers than this system remained, and none of them
		 * could be reached. */
		char w[SMTP_DIAG_SIZE];
		fmt_into(w, sizeof w, "every server better than myself "
			 "failed; last: %s", relay.fail.diag);
		outcome_no_address(&relay.fail, w);
	}
}

/* For a server without 8BITMIME: pass 1 of the conversion of an 8-bit
 * message (mime7.h). Returns the converter, or 0 with every open
 * recipient's outcome set (bounced 5.6.3 when there is no 7-bit form,
 * deferred when the message cannot be read). */
static struct mime7 *job_seven(int msgfd, const struct relay_msg *m)
{
	char w[SMTP_DIAG_SIZE];
	struct outcome o;
	const char *why;
	long long off = 0;
	long n;

	mime7_init(&shared.mime);
	if (m->head_len)
		mime7_scan(&shared.mime, m->head, m->head_len);
	while ((n = readfile_piece(msgfd, chunk, sizeof chunk, off,
				   job->msglen)) > 0) {
		mime7_scan(&shared.mime, chunk, (size_t)n);
		off += n;
	}
	if (n < 0) {
		fmt_into(w, sizeof w, "unable to read the message: %s",
			 err_errno(errno));
		outcome_local_error(&o, w);
		job_some(&o);
		return 0;
	}
	why = mime7_scan_end(&shared.mime);
	if (!why)
		return &shared.mime;
	fmt_into(w, sizeof w, "the message has 8-bit data, the server does not "
		 "offer 8BITMIME, and it cannot be converted: %s (RFC 6152 "
		 "section 3)", why);
	outcome_not_convertible(&o, w);
	job_some(&o);
	return 0;
}

/* SMTPUTF8 (RFC 6531): needed when an address of the envelope has a
 * UTF-8 local part (domains are A-labels in the queue), and asked for too
 * when the message's header has 8-bit bytes (RFC 6532) and the server
 * offers it. A server without it gets none of that: a sender that needs
 * it bounces every open recipient 5.6.7, a recipient that needs it
 * bounces alone (section 3.2). Returns whether MAIL carries SMTPUTF8. */
static int job_smtputf8(const struct body_info *info)
{
	static const char no[] = "the address is internationalized (UTF-8, "
				 "RFC 6531) and the server does not offer "
				 "SMTPUTF8";
	int offered = (smtp_session_ext(&relay.s) & SMTP_EXT_SMTPUTF8) != 0;
	int need = utf8_has8(job->list.sender, job->list.sender_len);
	struct outcome o;
	size_t i;

	if (need && !offered) {
		outcome_needs_smtputf8(&o, "the sender's address is "
				       "internationalized (UTF-8, RFC 6531) and "
				       "the server does not offer SMTPUTF8");
		job_some(&o);
		memset(job->open, 0, sizeof job->open);
		return 0;
	}
	for (i = 0; i < job->list.nrcpt; i++) {
		if (!job->open[i] || !utf8_has8(job->list.rcpt[i].addr,
						  job->list.rcpt[i].len))
			continue;
		need = 1;
		if (!offered) {
			outcome_needs_smtputf8(&job->out_of[i], no);
			job->open[i] = 0;
		}
	}
	return offered && (need || info->header8);
}

/* A Date field for a message without one (submitted while the clock was
 * unset: sendmail leaves it out then), into out (48 bytes), when the
 * clock is set now (RFC 5322 section 3.6: every message has one).
 * Returns its length, 0 when the clock is still unset. */
static size_t job_date(char *out)
{
	time_t now = time(0);
	char d[40];

	if (now < CLOCK_SET_MIN)
		return 0;
	bounce_date(now, d);
	return (size_t)fmt_into(out, 48, "Date: %s\n", d);
}

/* Maps the replies of the loaded list's transaction (n recipients) to
 * their outcomes. A transaction that got no reply at all before the
 * session ended (queued behind a dot answered 421, say) shares the
 * outcome of every list after it. Returns how many were delivered. */
static size_t job_txn_outcomes(size_t n)
{
	size_t k, sent = 0;
	int none = !job->t.mail.code && !job->t.size_refused && !relay.up;

	for (k = 0; k < n; k++) {
		size_t i = job->of_txn[k];
		if (none)
			job->out_of[i] = relay.fail;
		else
			outcome_rcpt(&job->t, k, &job->out_of[i]);
		job->open[i] = 0;
		sent += job->out_of[i].kind == OUTCOME_DELIVERED;
	}
	return sent;
}

/* Settles the list whose transaction was pending, now that its replies
 * are in (or will never come). */
static void settle_pending(struct run *r)
{
	struct job *cur = job;

	job = r->pend;
	r->pend = 0;
	job_txn_outcomes(job->ntxn);
	job_settle(&r->q, job->path, job->msgfd, &r->c, &r->st);
	close(job->msgfd);
	job = cur;
}

/* 1 when another transaction may follow this one of n recipients, after
 * its dot's reply: recipients of the list are left that it did not carry
 * (over the server's limit learnt earlier), or a recipient's reply may
 * say "too many recipients" (452, or 552 as RFC 5321 section 4.5.3.1.10
 * allows). */
static int job_maybe_more(size_t n)
{
	size_t k, open = 0;

	for (k = 0; k < job->list.nrcpt; k++)
		open += job->open[k];
	if (open > n)
		return 1;
	for (k = 0; k < n; k++)
		if (job->rcpt[k].res.code == 452 || job->rcpt[k].res.code == 552)
			return 1;
	return 0;
}

/* Runs the loaded list's transaction of n recipients. Returns 1 when it
 * is left pending (its final dot's reply is read with the next list's
 * replies), 0 when its replies are in. */
static int job_txn_run(struct run *r, size_t n, const struct relay_msg *m)
{
	int rc = relay_txn(&relay, &job->t, m);

	while (rc == RELAY_EARLIER) {
		settle_pending(r);
		rc = relay_txn(&relay, &job->t, m);
	}
	if (rc != RELAY_PENDING)
		return 0;
	if (!job_maybe_more(n)) {
		job->ntxn = n;
		r->pend = job;
		return 1;
	}
	relay_wait(&relay);
	return 0;
}

/* The transactions of the loaded list on the open connection: one, then
 * one more for the recipients a server refused only for their number
 * (RFC 5321 section 4.5.3.1.10: "452 too many recipients", tried in a
 * later transaction) while it took the others. Each further transaction
 * follows one that delivered to somebody, so there are at most as many as
 * recipients. */
static void run_txns(struct run *r, const struct body_info *info, int msgfd)
{
	size_t k, n, sent, max = RCPT_PER_LIST_MAX, more;
	struct relay_msg m = { msgfd, job->msglen, 0, 1, 0, 0 };
	struct body_info bi = *info;
	int utf8 = job_smtputf8(info);

	if (!info->has_date) {
		m.head_len = job_date(shared.date);
		m.head = shared.date;
		bi.size += m.head_len ? m.head_len + 1 : 0;   /* CR LF */
	}
	if (info->eightbit &&
	    !(smtp_session_ext(&relay.s) & SMTP_EXT_8BITMIME) &&
	    !(m.conv = job_seven(msgfd, &m)))
		return;
	while ((n = job_txn(&job->t, &bi, max)) > 0) {
		job->t.smtputf8 = utf8;
		if (job_txn_run(r, n, &m))
			return;     /* pending: settled after its reply */
		sent = job_txn_outcomes(n);
		more = 0;
		if (!sent || !relay.up)
			return;
		for (k = 0; k < n; k++)
			if (outcome_is_too_many(&job->out_of[job->of_txn[k]])) {
				job->open[job->of_txn[k]] = 1;
				more++;
			}
		/* The server's limit, learnt: no more per transaction than
		 * it took in this one. */
		if (more)
			max = sent;
		if (more && log_verbose)
			log_line("%.*s: %zu recipient(s) over the server's limit "
				 "of %zu: another transaction", (int)job->list.id_len,
				 job->list.id, more, sent);
	}
}

/* One attempt for the loaded list: its transactions on the connection,
 * or the reason there are none, as every recipient's outcome. A
 * recipient that is no valid mailbox is bounced without being sent. */
static void run_attempt(struct run *r, int msgfd)
{
	struct body_info info;
	size_t i, nopen = 0;

	if (job_body(&info, msgfd) < 0) {
		char w[SMTP_DIAG_SIZE];
		struct outcome o;
		fmt_into(w, sizeof w, "unable to read the message: %s",
			 err_errno(errno));
		outcome_local_error(&o, w);
		job_all(&o);
		r->st.ioerr = 1;
		return;
	}
	for (i = 0; i < job->list.nrcpt; i++) {
		job->open[i] = !job->list.rcpt[i].bad;
		if (job->list.rcpt[i].bad)
			outcome_bad_address(&job->out_of[i], "bad destination "
					    "mailbox address syntax (RFC 5321 "
					    "section 4.1.2)");
		nopen += job->open[i];
	}
	if (!nopen)
		return;
	run_connect(r);
	if (r->tls_unusable)
		job_some(&relay.fail);
	else if (!r->located_ok)
		job_some(&located.fail);
	else if (!relay.up)
		job_some(&relay.fail);
	else
		run_txns(r, &info, msgfd);
}

/* Ends the run: the directories synced, the trigger for bounces, and the
 * exit status in order of precedence. */
static int run_end(struct run *r)
{
	relay_close(&relay);
	if (queue_sync(&r->q) < 0) {
		err_warn(1, "unable to sync the queue directories");
		r->st.ioerr = 1;
	}
	if (r->st.bounces && r->c.trigger) {
		char fifo[1024];
		if (trigger_path(r->c.trigger, r->c.semdir, fifo, sizeof fifo) < 0 ||
		    trigger_signal(fifo) < 0)
			err_warn(1, "unable to signal trigger %s", r->c.trigger);
	}
	queue_close(&r->q);
	if (r->st.ioerr)
		return EX_IOERR_;
	if (r->st.malformed)
		return EX_DATAERR_;
	return r->st.deferred ? EX_TEMPFAIL_ : 0;
}

/* One list: loaded into the slot no pending transaction holds, tried,
 * and settled, unless its transaction is left pending. */
static void run_list(struct run *r, const char *path)
{
	int msgfd;

	if (r->pend && !strcmp(r->pend->name, base_name(path))) {
		/* Named twice: the first settles before the second loads. */
		relay_wait(&relay);
		settle_pending(r);
	}
	job = r->pend == &jobs[0] ? &jobs[1] : &jobs[0];
	msgfd = run_load(r, path);
	if (msgfd < 0)
		return;
	job->path = path;
	job->msgfd = msgfd;
	if (job->list.nrcpt && r->unusable) {
		struct outcome o;
		outcome_unusable_domain(&o);
		job_all(&o);
	} else if (job->list.nrcpt) {
		run_attempt(r, msgfd);
	}
	if (r->pend == job)
		return;
	job_settle(&r->q, path, msgfd, &r->c, &r->st);
	close(msgfd);
}

static struct run run;

/* smtprc --oauth-login TARGET: the token endpoints are found as SMTP
 * servers are (/etc/hosts, then DNS). */
static int oauth_login(struct run *r)
{
	struct locate_req *lq = &r->lq;

	lq->dns = &r->c.dns;
	lq->ip6 = r->c.ip6;
	etc_hosts(lq);
	lq->rand = rand_below;
	lq->rand_state = &rand_state;
	rand_seed();
	if (!r->c.dns.nserv)
		resolv_conf(&r->c.dns);
	dns_tries(&r->c.dns, r->c.timeout_dns);
	return smtprc_oauth_login(&r->c, lq);
}

int smtprc_main(int argc, char **argv)
{
	struct run *r = &run;
	int first, i, rc;

	/* A log reader that went away must not kill a run half-way (sockets
	 * use MSG_NOSIGNAL; this covers standard error). */
	signal(SIGPIPE, SIG_IGN);
	first = smtprc_options(&r->c, argc, argv);
	if (first == -2)
		return 0;
	if (first == -3)
		return smtprc_check(&r->c);
	if (first == -4)
		return oauth_login(r);
	if (first < 0)
		return EX_USAGE_;
	log_set_verbose(r->c.verbose);
	r->domain = argv[first];
	r->unusable = !r->c.target && unusable_domain(r->domain, argc, argv, first);
	stale_hop(r, argc, argv, first);
	shared.sender = r->c.sender;
	shared.sender_len = r->c.sender_len;
	if (r->c.from_header) {
		/* hdrfrom.h wants it NUL-terminated. */
		static char from[SMTP_PATH_SIZE];
		memcpy(from, shared.sender, shared.sender_len);
		from[shared.sender_len] = 0;
		relay.from_header = from;
	}
	if (shared.sender && log_verbose)
		log_line("%s: envelope sender %.*s%s (route-from %s)", r->domain,
			 (int)shared.sender_len, shared.sender, r->c.from_header ?
			 " and From" : "", r->c.target);
	if ((rc = run_locate_setup(r)) != 0)
		return rc;
	if (queue_open(&r->q, r->c.queue) < 0)
		err_fatal(EX_IOERR_, 1, "unable to open queue %s", r->c.queue);
	run_lock(r);
	queue_sweep(&r->q);
	relay.fd = -1;
	outcome_connect_failed(&relay.fail, "no session was opened");
	run_anchors(r);
	for (i = first + 1; i < argc; i++)
		run_list(r, argv[i]);
	if (r->pend) {
		relay_wait(&relay);
		settle_pending(r);
	}
	return run_end(r);
}
