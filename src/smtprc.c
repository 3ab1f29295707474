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
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "arena.h"
#include "body.h"
#include "bounce.h"
#include "err.h"
#include "ip46.h"
#include "locate.h"
#include "log.h"
#include "loop.h"
#include "outcome.h"
#include "programs.h"
#include "queue.h"
#include "rcptlist.h"
#include "smtprc_opts.h"
#include "relay.h"
#include "tls.h"
#include "trigger.h"

/* Exit statuses in order of precedence: an I/O error needs a human first,
 * then a malformed list, then a deferral. */
struct run_status {
	int ioerr, malformed, deferred, bounces;
};

/* Storage for one recipient list at a time: the caller owns all memory. */
static struct {
	char buf[RCPTLIST_SIZE + 1];
	char out[RCPTLIST_SIZE];
	struct rcptlist list, next;
	struct smtp_txn_rcpt rcpt[RCPT_PER_LIST_MAX];
	struct outcome out_of[RCPT_PER_LIST_MAX];
	char diag[RCPT_PER_LIST_MAX][SMTP_DIAG_SIZE + 16];
	struct bounce_rcpt brcpt[RCPT_PER_LIST_MAX];
	char name[QUEUE_ID_SIZE + SMTP_DOMAIN_SIZE + 2];
} job;

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
	struct rcptlist *l = &job.list;
	const char *name = base_name(path);
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return E_SYS;
	for (;;) {
		ssize_t n = read(fd, job.buf + len, sizeof job.buf - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = errno;
			close(fd);
			errno = (int)n;
			return E_SYS;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof job.buf) {
			close(fd);
			*err = "larger than RCPTLIST_SIZE";
			return E_LIST;
		}
	}
	close(fd);
	if (rcptlist_parse(l, job.buf, len) < 0) {
		snprintf(job.name, sizeof job.name, "line %u: %s", l->err_line,
			 l->err);
		*err = job.name;
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
	if (!any_domain && !rcptlist_eq_nocase(domain, strlen(domain),
					       l->domain, l->domain_len)) {
		*err = "list is for another domain";
		return E_LIST;
	}
	memcpy(job.name, name, strlen(name) + 1);
	return 0;
}

static void log_outcome(const struct rcptlist_rcpt *r, const struct outcome *o)
{
	log_line("%s <%.*s> %.*s %s%s%s%s%s%s: %s%s%s%s", outcome_name(o->kind),
		 (int)r->len, r->addr, (int)job.list.id_len, job.list.id,
		 relay.peer[0] ? "via " : "", relay.peer,
		 relay.peer[0] ? "" : "no server",
		 relay.tls_info[0] ? " (" : !relay.peer[0] ? "" :
		 relay.tls_failed ? " (no TLS session" : " (plaintext",
		 relay.tls_info,
		 relay.tls_info[0] || relay.peer[0] ? ")" : "",
		 o->from_server ? "" : o->status, o->from_server ? "" : " ",
		 o->diag, o->dup_risk ? " (possible duplicate)" : "");
}

/* Decides, bounces and rewrites one list after its attempt. */
static void job_settle(struct queue *q, const char *path, int msgfd,
		       const struct smtprc_conf *c, struct run_status *st)
{
	struct rcptlist *l = &job.list, *nl = &job.next;
	time_t now = time(0);
	unsigned long age = (unsigned long)now > l->queued
				    ? (unsigned long)now - l->queued : 0;
	size_t i, nb = 0, len;
	char remote[IP46_FMT_SIZE + SMTP_DOMAIN_SIZE + 8];

	for (i = 0; i < l->nrcpt; i++) {
		outcome_expire(&job.out_of[i], age, c->lifetime);
		log_outcome(&l->rcpt[i], &job.out_of[i]);
		if (job.out_of[i].kind == OUTCOME_BOUNCED) {
			job.brcpt[nb].addr = l->rcpt[i].addr;
			job.brcpt[nb].len = l->rcpt[i].len;
			job.brcpt[nb].o = &job.out_of[i];
			nb++;
		}
	}
	if (nb && !l->sender_len) {
		err_warn(0, "message %.*s has a null sender: %u bounced "
			 "recipient(s) dropped without a bounce",
			 (int)l->id_len, l->id, (unsigned)nb);
	} else if (nb) {
		struct bounce b;
		if (relay.server) {
			char ip[IP46_FMT_SIZE];
			ip46_fmt(&relay.server->ip, ip);
			snprintf(remote, sizeof remote, "%s", relay.server->name[0] &&
				 relay.server->name[0] != '[' ? relay.server->name : ip);
		}
		b.reporting_mta = c->relay.helo_name;
		b.remote_mta = relay.server ? remote : 0;
		b.sender = l->sender;
		b.sender_len = l->sender_len;
		b.id = job.name;
		b.queued = l->queued;
		b.now = now;
		b.rcpt = job.brcpt;
		b.nrcpt = nb;
		b.msgfd = msgfd;
		if (bounce_write(q, &b) < 0) {
			/* The bounce is not safe: keep those recipients
			 * pending, to bounce on a later run. */
			char why[SMTP_DIAG_SIZE];
			snprintf(why, sizeof why, "bounce not written (%s); "
				 "will bounce on a later attempt", strerror(errno));
			err_warn(0, "message %s: %s", job.name, why);
			for (i = 0; i < l->nrcpt; i++)
				if (job.out_of[i].kind == OUTCOME_BOUNCED)
					outcome_set(&job.out_of[i],
						    OUTCOME_DEFERRED, "4.3.0", why);
			st->ioerr = 1;
		} else
			st->bounces++;
	}

	*nl = *l;
	nl->nrcpt = 0;
	nl->attempts = l->attempts + 1;
	for (i = 0; i < l->nrcpt; i++) {
		const struct outcome *o = &job.out_of[i];
		struct rcptlist_rcpt *r;
		if (o->kind != OUTCOME_DEFERRED)
			continue;
		r = &nl->rcpt[nl->nrcpt++];
		r->addr = l->rcpt[i].addr;
		r->len = l->rcpt[i].len;
		if (o->from_server)
			snprintf(job.diag[i], sizeof job.diag[i], "%s", o->diag);
		else
			snprintf(job.diag[i], sizeof job.diag[i], "%s %s",
				 o->status, o->diag);
		r->diag = job.diag[i];
		r->diag_len = strlen(job.diag[i]);
	}
	if (nl->nrcpt == 0) {
		if (queue_finish(q, path, job.name) < 0) {
			err_warn(1, "unable to finish recipient list %s", path);
			st->ioerr = 1;
		}
		return;
	}
	st->deferred = 1;
	len = rcptlist_format(nl, job.out, sizeof job.out);
	if (!len || queue_replace(q, path, job.out, len) < 0) {
		err_warn(1, "unable to rewrite recipient list %s", path);
		st->ioerr = 1;
	}
}

/* Sets the same outcome for every recipient of the loaded list. */
static void job_all(const struct outcome *o)
{
	size_t i;
	for (i = 0; i < job.list.nrcpt; i++)
		job.out_of[i] = *o;
}

/* Prepares the transaction of the loaded list. Returns 0 or E_SYS. */
static int job_txn(struct smtp_txn *t, int msgfd)
{
	struct body_info info;
	char chunk[BODY_CHUNK_SIZE];
	off_t off = 0;
	size_t i;

	body_info_init(&info);
	for (;;) {
		ssize_t n = pread(msgfd, chunk, sizeof chunk, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return E_SYS;
		}
		if (n == 0)
			break;
		body_info_chunk(&info, chunk, (size_t)n);
		off += n;
	}
	body_info_finish(&info);
	memset(t, 0, sizeof *t);
	t->sender = job.list.sender;
	t->sender_len = job.list.sender_len;
	t->size = info.size;
	t->eightbit = info.eightbit;
	t->rcpt = job.rcpt;
	t->nrcpt = job.list.nrcpt;
	for (i = 0; i < t->nrcpt; i++) {
		job.rcpt[i].addr = job.list.rcpt[i].addr;
		job.rcpt[i].len = job.list.rcpt[i].len;
	}
	return 0;
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
	ssize_t n = 0;
	int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof buf);
		close(fd);
	}
	if (n < 0 || !dnsq_resolvconf(buf, (size_t)(n < 0 ? 0 : n), d)) {
		ip46_parse("127.0.0.1", 9, &d->serv[0].ip);
		d->serv[0].port = 53;
		d->nserv = 1;
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

int smtprc_main(int argc, char **argv)
{
	struct smtprc_conf c;
	struct run_status st = { 0, 0, 0, 0 };
	struct locate_req lq;
	struct queue q;
	struct smtp_txn t;
	int first, i, opened = 0, located_ok = 0, form, tls_unusable = 0;
	size_t hl;
	unsigned port;
	const char *why;

	/* A log reader that went away must not kill a run half-way (sockets
	 * use MSG_NOSIGNAL; this covers standard error). */
	signal(SIGPIPE, SIG_IGN);
	first = smtprc_options(&c, argc, argv);
	if (first == -2)
		return 0;
	if (first < 0)
		return EX_USAGE_;
#if CONFIG_LOG
	log_verbose = c.verbose;
#endif
	/* A route's target stands for the domain; the lists stay checked
	 * against the domain itself. */
	lq.domain = c.target ? c.target : argv[first];
	lq.clientip = c.target ? 1 : c.clientip;
	lq.clientport = c.target ? 1 : c.clientport;
	lq.smtp_port = c.smtp_port;
	lq.self = c.self;
	lq.nself = c.nself;
	lq.srv_self = c.srv_self;
	lq.srv_super = c.srv_super;
	lq.implicit = c.implicit;
	lq.ip6 = c.ip6;
	lq.dns = &c.dns;
	lq.rand = rand_below;
	lq.rand_state = &rand_state;
	rand_seed();
	if (!c.dns.nserv)
		resolv_conf(&c.dns);
	dns_tries(&c.dns, c.timeout_dns);
	form = locate_parse(&lq, &hl, &port, &why);
	if (form < 0) {
		smtprc_usage_error(lq.domain, why);
		return EX_USAGE_;
	}
	/* DANE-TA's second name: the mail domain, when the argument is one
	 * and not routed (a route's host, a HOST:PORT or a literal is the
	 * TLSA base domain itself, or has none). */
	c.relay.nexthop = !c.target && form == LOCATE_DOMAIN ? argv[first] : 0;
	if (c.target && log_verbose)
		log_line("%s: routed to %s", argv[first], c.target);
	if (queue_open(&q, c.queue) < 0)
		err_fatal(EX_IOERR_, 1, "unable to open queue %s", c.queue);
	queue_sweep(&q);

	relay.fd = -1;
	outcome_set(&relay.fail, OUTCOME_DEFERRED, "4.4.1", "no session was opened");
#if CONFIG_TLS
	if (c.relay.tls == RELAY_TLS_VERIFY) {
		/* Without anchors nothing can be verified: every recipient is
		 * deferred, none is sent in the clear. */
		char ca[SMTP_DIAG_SIZE];
		if (tls_anchors_load_file(c.tls_ca, ca, sizeof ca) < 0) {
			err_warn(0, "%s", ca);
			outcome_set(&relay.fail, OUTCOME_DEFERRED, "4.7.5", ca);
			tls_unusable = 1;
		}
	}
#endif
	for (i = first + 1; i < argc; i++) {
		const char *path = argv[i];
		int rc, msgfd;

		rc = job_load(path, argv[first],
			      !c.target && form == LOCATE_HOSTPORT, &why);
		if (rc == E_SYS) {
			err_warn(1, "unable to read recipient list %s", path);
			st.ioerr = 1;
			continue;
		}
		if (rc < 0) {
			err_warn(0, "malformed recipient list %s: %s (left "
				 "untouched)", path, why);
			st.malformed = 1;
			continue;
		}
		msgfd = queue_open_message(&q, job.name);
		if (msgfd < 0) {
			if (errno == ENOENT) {
				err_warn(0, "malformed recipient list %s: its "
					 "message mess/%s does not exist (left "
					 "untouched)", path, job.name);
				st.malformed = 1;
			} else {
				err_warn(1, "unable to open message mess/%s",
					 job.name);
				st.ioerr = 1;
			}
			continue;
		}
		if (job.list.nrcpt == 0) {
			job_settle(&q, path, msgfd, &c, &st);
			close(msgfd);
			continue;
		}
		if (!opened && !tls_unusable) {
			opened = 1;
			lq.dns_deadline = loop_now_ms() + c.timeout_dns * 1000LL;
			located_ok = locate(&lq, &located) == 0;
			if (!located_ok)
				log_line("%s: %s %s", argv[first], located.fail.status,
					 located.fail.diag);
			else if (log_verbose)
				log_servers(argv[first], &located);
			if (log_verbose) {
				struct arena_stats as;
				arena_stats(&as);
				log_line("DNS heap: peak %zu of %d bytes, %lu "
					 "allocations, %lu refused", as.peak,
					 ARENA_SIZE, as.allocs, as.failures);
			}
			if (located_ok && relay_open(&relay, &c.relay, &located) < 0 &&
			    located.self_cut) {
				/* Better servers than this system remained, and
				 * none of them could be reached. */
				char w[SMTP_DIAG_SIZE];
				snprintf(w, sizeof w, "every server better than "
					 "myself failed; last: %s", relay.fail.diag);
				outcome_set(&relay.fail, OUTCOME_DEFERRED, "4.4.4", w);
			}
		}
		if (job_txn(&t, msgfd) < 0) {
			char w[SMTP_DIAG_SIZE];
			snprintf(w, sizeof w, "unable to read the message: %s",
				 strerror(errno));
			struct outcome o;
			outcome_set(&o, OUTCOME_DEFERRED, "4.3.0", w);
			job_all(&o);
			st.ioerr = 1;
		} else if (tls_unusable) {
			job_all(&relay.fail);
		} else if (!located_ok) {
			job_all(&located.fail);
		} else if (!relay.up) {
			job_all(&relay.fail);
		} else {
			size_t k;
			relay_txn(&relay, &t, msgfd);
			for (k = 0; k < t.nrcpt; k++)
				outcome_rcpt(&t, k, &job.out_of[k]);
		}
		job_settle(&q, path, msgfd, &c, &st);
		close(msgfd);
	}
	relay_close(&relay);
	if (queue_sync(&q) < 0) {
		err_warn(1, "unable to sync the queue directories");
		st.ioerr = 1;
	}
	if (st.bounces && c.trigger) {
		char fifo[1024];
		if (trigger_path(c.trigger, c.semdir, fifo, sizeof fifo) < 0 ||
		    trigger_signal(fifo) < 0)
			err_warn(1, "unable to signal trigger %s", c.trigger);
	}
	queue_close(&q);
	if (st.ioerr)
		return EX_IOERR_;
	if (st.malformed)
		return EX_DATAERR_;
	return st.deferred ? EX_TEMPFAIL_ : 0;
}
