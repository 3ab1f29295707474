/* sendmail.c: the injector (man/sendmail.8).
 *
 *   sendmail [-t] [-i] [-f sender] [-F name] [options] [recipient...]
 *
 * Reads a message on standard input and puts it in the maildrop as one
 * entry (docs/queue.md): written in tmp/, fsynced, renamed, maildrop/
 * fsynced; then signals the posting office. Exit 0 only then. Any failure
 * removes what was written and exits non-zero (sysexits) with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bounce.h"
#include "conf.h"
#include "dotend.h"
#include "dsn.h"
#include "err.h"
#include "fmt.h"
#include "header.h"
#include "idna.h"
#include "maildrop.h"
#include "opt.h"
#include "privilege.h"
#include "programs.h"
#include "queue.h"
#include "readfile.h"
#include "rcptlist.h"
#include "trigger.h"
#include "sendmail_int.h"
#include "utf8.h"
#include "wbuf.h"

enum { S_QUEUE, S_SEMDIR, S_PD, S_RD, S_ORIGIN, S_HELO, S_MAXSIZE, S_CONFIG };

static const struct opt_def sendmail_keys[] = {
	{ S_QUEUE, OPT_STR, 0, "queue", 0 },
	{ S_SEMDIR, OPT_STR, 0, "semaphore-dir", 0 },
	{ S_PD, OPT_STR, 0, "pd-semaphore", 0 },
	{ S_RD, OPT_STR, 0, "rd-semaphore", 0 },
	{ S_ORIGIN, OPT_STR, 0, "origin", 0 },
	{ S_HELO, OPT_STR, 0, "helo-name", 0 },
	{ S_MAXSIZE, OPT_STR, 0, "max-message-size", 0 },
	{ S_CONFIG, OPT_STR, 0, "config", OPT_CMDLINE },
};
#define NKEYS ((int)(sizeof sendmail_keys / sizeof sendmail_keys[0]))
static const char *apply(void *ctx, const struct opt_hit *h);
const struct opt_table sendmail_opt_table = { sendmail_keys, NKEYS, apply, 0 };

static struct {
	const char *queue, *semdir, *pd, *rd, *origin, *helo;
	unsigned long maxsize;
} cf;

static const char *apply(void *ctx, const struct opt_hit *h)
{
	(void)ctx;
	switch (h->id) {
	case S_QUEUE: cf.queue = h->val; break;
	case S_SEMDIR: cf.semdir = h->val; break;
	case S_PD: cf.pd = h->val; break;
	case S_RD: cf.rd = h->val; break;
	case S_ORIGIN: case S_HELO:
		if (!addr_domain_valid(h->val, strlen(h->val)))
			return "not a domain name";
		if (h->id == S_ORIGIN)
			cf.origin = h->val;
		else
			cf.helo = h->val;
		break;
	case S_MAXSIZE:
		if (!opt_number(h->val, 1UL << 30, &cf.maxsize))
			return "max-message-size is 0 to 1073741824 bytes";
		break;
	}
	return 0;
}

static char conf_buf[CONF_SIZE];

/* Reads the configuration (--config, $SMTPRC_CONF or the default). */
static void load_conf(int argc, char **argv)
{
	cf.queue = CONF_QUEUE_DEFAULT;
	cf.semdir = CONF_SEMDIR_DEFAULT;
	cf.pd = CONF_PD_DEFAULT;
	cf.rd = CONF_RD_DEFAULT;
	cf.maxsize = MESSAGE_SIZE_DEFAULT;
	/* A relay-side mistake must not turn mail away: warned, queued. */
	conf_foreign_lenient = 1;
	if (conf_load(argc, argv, conf_buf, sizeof conf_buf, sendmail_keys,
		      NKEYS, apply, 0, 0, 0) < 0)
		exit(EX_USAGE_);
}

static void usage(int fd)
{
	fmt_text(fd, "usage: sendmail [options] [recipient...] < message\n"
	      "  -t            also take recipients from To, Cc and Bcc (Bcc is "
	      "removed)\n"
	      "  -i, -oi       a line of a single dot does not end the message\n"
	      "  -f sender     the envelope sender (-r too; \"<>\": the null "
	      "one)\n"
	      "  -F name       the display name of an added From field\n"
	      "  -N never|success,delay,failure   when to report (DSN, RFC "
	      "3461)\n"
	      "  -R full|hdrs  what a failure report returns\n"
	      "  -V envid      an envelope identifier echoed in reports\n"
	      "  -v            say the queue identifier on standard error\n"
	      "  -bm           deliver (the default)\n"
	      "  -bs           SMTP on standard input and output\n"
	      "  -bp           list the queue (mailq)\n"
	      "  -bi           newaliases: nothing to rebuild (the aliases "
	      "file is read as it is), exit 0\n"
	      "  -q            ask smtprcd to try every domain now\n"
	      "  -C file, --config=file   the configuration (ignored for a "
	      "caller of a set-group-ID sendmail)\n"
	      "  -o*, -od*, -O option=value, -B, -X, -L, -h, -U, -n, -e*, -m, "
	      "-G, -I: accepted and ignored\n"
	      "  --help, -?    this text\n"
	      "Flags may be clustered (-ti, -tv); -- ends the options.\n");
}

static _Noreturn void usage_error(const char *arg, const char *why)
{
	char a[256];
	fmt_fd(2, "%s: usage error: %s%s%s\n", err_prog,
		arg ? err_printable(a, sizeof a, arg) : "", arg ? ": " : "", why);
	usage(2);
	exit(EX_USAGE_);
}

/* --- standard input, with the classic end at a line of one dot --- */

struct sendmail_in sendmail_in;

ssize_t sendmail_in_read(char *out, size_t size)
{
	struct sendmail_in *in = &sendmail_in;
	size_t n = 0;

	while (n == 0 && !in->eof) {
		size_t take;
		if (in->pos == in->len) {
			ssize_t r = read(0, in->raw, sizeof in->raw);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -1;
			if (r == 0) {
				in->closed = in->eof = 1;
				n = dotend_finish(&in->dot, out);
				break;
			}
			in->pos = 0;
			in->len = (size_t)r;
		}
		/* What the filter takes must fit out (it may add 2). */
		take = in->len - in->pos < size - 2 ? in->len - in->pos : size - 2;
		n = dotend_filter(&in->dot, in->raw + in->pos, take, out);
		in->pos += in->dot.ended ? in->dot.used : take;
		in->eof = in->dot.ended;
	}
	return (ssize_t)n;
}

/* --- recipients --- */

static struct {
	char addr[MAILDROP_RCPT_MAX][SMTP_PATH_SIZE];
	const char *ptr[MAILDROP_RCPT_MAX];
	size_t len[MAILDROP_RCPT_MAX];
	size_t n;
	/* DSN (sendmail -N, -R, -V): each recipient as given, qualified
	 * (its ORCPT), and the message's ENVID and RET. */
	char orcpt[MAILDROP_RCPT_MAX][SMTP_PATH_SIZE + 8];
	struct dsn_rcpt dsn[MAILDROP_RCPT_MAX];
	struct dsn_msg msg;
	unsigned notify;
	int any;             /* some DSN option was given */
} rc;

/* An internationalized domain in q[0..*len) (its part after the local
 * part's '@') written in A-labels (idna.h), in place: what the queue,
 * DNS and servers without SMTPUTF8 see. Returns 0 or -1. */
static int domain_ascii(char *q, size_t *len, size_t size)
{
	char d[SMTP_DOMAIN_SIZE + 1];
	size_t at = addr_at(q, *len);
	int n;

	if (at == *len || !utf8_has8(q + at + 1, *len - at - 1))
		return 0;
	n = idna_to_ascii(q + at + 1, *len - at - 1, d, sizeof d);
	if (n < 0 || at + 1 + (size_t)n >= size)
		return -1;
	memcpy(q + at + 1, d, (size_t)n + 1);
	*len = at + 1 + (size_t)n;
	return 0;
}

/* Adds one address, qualified with the origin when it has no domain.
 * Returns 0 or a static reason. */
static const char *rcpt_add(const char *a, const char *origin)
{
	char q[SMTP_PATH_SIZE];
	size_t i, len = strlen(a);

	if (addr_at(a, len) < len)
		len = (size_t)fmt_into(q, sizeof q, "%s", a);
	else
		len = (size_t)fmt_into(q, sizeof q, "%s@%s", a, origin);
	if (len >= sizeof q)
		return "address too long";
	/* The ORCPT: as given, qualified; "utf-8" when it is not ASCII. */
	fmt_into(rc.orcpt[rc.n < MAILDROP_RCPT_MAX ? rc.n : 0],
		 sizeof rc.orcpt[0], "%s;%s", utf8_has8(q, len) ? "utf-8"
		 : "rfc822", q);
	if (domain_ascii(q, &len, sizeof q) < 0 || !addr_valid(q, len))
		return "not a valid address (RFC 5321 and RFC 6531: UTF-8 is "
		       "allowed, other 8-bit bytes are not)";
	/* "bob@example.com." is bob@example.com: one name for routes, TLS
	 * policies and lists. */
	i = addr_at(q, len) + 1;
	len = i + addr_domain_trim(q + i, len - i);
	q[len] = 0;
	for (i = 0; i < rc.n; i++)
		if (rc.len[i] == len && !memcmp(rc.addr[i], q, len))
			return 0;  /* named twice: sent once */
	if (rc.n == MAILDROP_RCPT_MAX)
		return sendmail_too_many;
	memcpy(rc.addr[rc.n], q, len + 1);
	rc.ptr[rc.n] = rc.addr[rc.n];
	rc.len[rc.n] = len;
	rc.n++;
	return 0;
}

/* The DSN fields of the entry, once every recipient is known. */
static void dsn_fill(void)
{
	size_t i;

	if (!rc.any)
		return;
	for (i = 0; i < rc.n; i++) {
		rc.dsn[i].notify = rc.notify;
		rc.dsn[i].orcpt = rc.orcpt[i];
		rc.dsn[i].orcpt_len = strlen(rc.orcpt[i]);
		if (!dsn_orcpt_valid(rc.dsn[i].orcpt, rc.dsn[i].orcpt_len))
			rc.dsn[i].orcpt_len = 0;
	}
}

/* Adds every address of an address list. Returns 0 or a reason; *bad
 * points at the offending address. */
static const char *rcpt_list(const char *s, size_t len, const char *origin,
			     char *bad, size_t badsize)
{
	size_t pos = 0;
	int r;
	while ((r = header_addr_next(s, len, &pos, bad, badsize)) > 0) {
		const char *why = rcpt_add(bad, origin);
		if (why)
			return why;
	}
	if (r < 0) {
		fmt_into(bad, badsize, "%.*s", (int)(len > 60 ? 60 : len), s);
		return "malformed address list";
	}
	return 0;
}

/* --- the message --- */

static char hdr[SENDMAIL_HEADER_SIZE];
static char wb[16384];
static char chunk[BODY_CHUNK_SIZE];

struct msg {
	struct queue q;
	struct queue_tmp t;
	struct wbuf w;
	unsigned long size;
};

/* Removes what was written, reports and exits. */
static _Noreturn void fail(struct msg *m, int status, int with_errno,
			   const char *why)
{
	int e = errno;
	if (m->t.fd >= 0)
		queue_tmp_abort(&m->q, &m->t);
	errno = e;
	err_fatal(status, with_errno, "message not queued: %s", why);
}

/* Writes part of the message, checking the size limit and the disk. */
static void put(struct msg *m, const char *s, size_t n)
{
	m->size += n;
	if (cf.maxsize && m->size > cf.maxsize) {
		char why[96];
		fmt_into(why, sizeof why, "larger than max-message-size "
			 "(%lu bytes)", cf.maxsize);
		fail(m, EX_DATAERR_, 0, why);
	}
	wbuf_put(&m->w, s, n);
	if (m->w.err) {
		errno = m->w.err;
		fail(m, errno == ENOSPC || errno == EDQUOT ? EX_TEMPFAIL_
							   : EX_IOERR_, 1,
		     "unable to write to the queue");
	}
}

static void puts_(struct msg *m, const char *s) { put(m, s, strlen(s)); }

/* A display name as a quoted string when it is not all atext. */
static void put_name(struct msg *m, const char *name)
{
	const char *p;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == ' ' || *p == '-' ||
		      *p == '.'))
			break;
	if (!*p) {
		puts_(m, name);
		return;
	}
	puts_(m, "\"");
	for (p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			puts_(m, "\\");
		if ((unsigned char)*p >= ' ')
			put(m, p, 1);
	}
	puts_(m, "\"");
}

/* The name of user uid in /etc/passwd (read by hand: musl's getpwuid
 * would link its nscd client, ~10 KB), into out (64 bytes), or 0. */
static const char *passwd_name(unsigned long uid, char *out)
{
	static char buf[16384];
	long n = readfile_at(AT_FDCWD, "/etc/passwd", buf, sizeof buf - 1, 0);
	char *line, *next;

	if (n == READFILE_TOO_BIG)
		n = (long)sizeof buf - 1;
	if (n < 0)
		return 0;
	buf[n] = 0;
	for (line = buf; line && *line; line = next) {
		char *f1, *f2, *f3;
		unsigned long v;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		f1 = strchr(line, ':');
		f2 = f1 ? strchr(f1 + 1, ':') : 0;
		f3 = f2 ? strchr(f2 + 1, ':') : 0;
		if (!f3 || f1 - line >= 64 || f1 == line)
			continue;
		*f3 = 0;
		if (!opt_number(f2 + 1, ULONG_MAX, &v) || v != uid)
			continue;
		memcpy(out, line, (size_t)(f1 - line));
		out[f1 - line] = 0;
		return out;
	}
	return 0;
}

/* 1 when v is a plain local part this sendmail takes as a login name. */
static int plain_name(const char *v)
{
	return v && *v && strlen(v) < 64 && strspn(v, "abcdefghijklmnopqrstuvwxyz"
						   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						   "0123456789._-") == strlen(v);
}

/* The submitting user for the default sender: $LOGNAME or $USER when it
 * is a plain local part, else root for uid 0. A caller of the
 * set-group-ID sendmail does not choose it: it is the name of its user ID
 * in /etc/passwd (or uidN). */
static const char *login_name(void)
{
	static char uid[64];
	const char *v = getenv("LOGNAME");

	if (privilege_raised()) {
		v = passwd_name((unsigned long)getuid(), uid);
		if (plain_name(v))
			return v;
		fmt_into(uid, sizeof uid, "uid%lu", (unsigned long)getuid());
		return uid;
	}
	if (!v || !*v)
		v = getenv("USER");
	if (plain_name(v))
		return v;
	if (geteuid() == 0)
		return "root";
	fmt_into(uid, sizeof uid, "uid%lu", (unsigned long)geteuid());
	return uid;
}

/* -N never|success,delay,failure, -R full|hdrs, -V envid (RFC 3461, as
 * Sendmail and Postfix take them). */
static void dsn_option(const char *o, char which, const char *v)
{
	int k;

	rc.any = 1;
	if (which == 'N') {
		k = dsn_notify_parse(v, strlen(v));
		if (k <= 0)
			usage_error(o, "-N is never, or a list of success, delay "
				    "and failure");
		rc.notify = (unsigned)k;
	} else if (which == 'R') {
		k = dsn_ret_parse(v, strlen(v));
		if (k < 0)
			usage_error(o, "-R is full or hdrs");
		rc.msg.ret = k;
	} else {
		if (!dsn_envid_valid(v, strlen(v)))
			usage_error(o, "-V is 1 to 100 printable ASCII characters");
		rc.msg.envid = v;
		rc.msg.envid_len = strlen(v);
	}
}

/* What the command line asked for. */
struct args {
	const char *from, *fullname;
	int extract, flush, list, verbose, newaliases, smtp;
	int first;         /* argv index of the first recipient */
};

/* -bX: the mode. Returns 0 or exits. */
static void mode(const char *o, const char *m, struct args *a)
{
	if (!strcmp(m, "p"))
		a->list = 1;
	else if (!strcmp(m, "i")) {
		/* newaliases: there is no alias database to rebuild. */
		a->newaliases = 1;
	} else if (!strcmp(m, "s"))
		a->smtp = 1;
	else if (strcmp(m, "m"))
		usage_error(o, "the modes are -bm (the default), -bs, -bp and "
			    "-bi");
}

/* One flag c of a cluster, with v the rest of the cluster after it.
 * Returns 1 when the flag took the rest (or the next argument, through
 * *i), else 0. */
static int flag(char c, const char *o, const char *v, int argc, char **argv,
		int *i, struct args *a)
{
	switch (c) {
	case 't': a->extract = 1; return 0;
	case 'i': sendmail_in.dot.on = 0; return 0;
	case 'v': a->verbose = 1; return 0;
	case 'U': case 'n': case 'm': case 'G': case 'I': return 0;
	case 'e': return 1;                      /* -em, -ep...: ignored */
	case 'o':                                /* -oi, -oem, -odb, -oQ... */
		if (!*v)
			usage_error(o, "-o needs an option letter");
		if (!strcmp(v, "i"))
			sendmail_in.dot.on = 0;
		return 1;
	case 'b':
		mode(o, v, a);
		return 1;
	case 'q': a->flush = 1; return 1;         /* -q30m, -qf: one flush */
	case 'f': case 'r': case 'F': case 'B': case 'N': case 'R':
	case 'V': case 'X': case 'L': case 'h': case 'C': case 'O':
		if (!*v)
			v = *i + 1 < argc ? argv[++*i] : 0;
		if (!v)
			usage_error(o, "needs a value");
		if (c == 'f' || c == 'r')
			a->from = v;
		else if (c == 'F')
			a->fullname = v;
		else if (c == 'N' || c == 'R' || c == 'V')
			dsn_option(o, c, v);
		else if (c == 'C')
			setenv("SMTPRC_CONF", v, 1);
		return 1;                        /* -B, -X, -L, -h, -O: ignored */
	default:
		usage_error(o, "unknown option");
	}
}

/* Parses the options (sendmail(8)), clustered as getopt takes them
 * ("-ti", "-oi", "-fme@x.example"); exits on a usage error or --help. */
static void parse_args(int argc, char **argv, struct args *a)
{
	int i, k;

	memset(a, 0, sizeof *a);
	dotend_init(&sendmail_in.dot, 1);
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (o[0] != '-' || !o[1])
			break;
		if (!strcmp(o, "--")) {
			i++;
			break;
		}
		if (!strncmp(o, "--config", 8)) {
			if (!o[8] && ++i >= argc)
				usage_error(o, "needs a file");
			continue;   /* conf_path reads it */
		}
		if (!strcmp(o, "--help") || !strcmp(o, "-?")) {
			usage(1);
			out_exit(0);
		}
		if (o[1] == '-')
			usage_error(o, "unknown option");
		for (k = 1; o[k]; k++)
			if (flag(o[k], o, o + k + 1, argc, argv, &i, a))
				break;
	}
	a->first = i;
}

/* The envelope sender: -f's address (qualified with origin, "<>" the
 * null one), else the submitting user at origin. */
static void make_sender(const char *from, const char *origin, char *sender,
			size_t size)
{
	size_t n;

	if (!from || !*from || !strcmp(from, "<>")) {
		if (from)
			sender[0] = 0;
		else
			fmt_into(sender, size, "%s@%s", login_name(), origin);
		return;
	}
	n = strlen(from);
	if (from[0] == '<' && n > 1 && from[n - 1] == '>') {
		from++;
		n -= 2;
	}
	if (n >= size)
		usage_error(from, "sender address too long");
	memcpy(sender, from, n);
	sender[n] = 0;
	if (!memchr(sender, '@', n) &&
	    (size_t)fmt_into(sender + n, size - n, "@%s", origin) >= size - n)
		usage_error(from, "sender address too long");
	n = strlen(sender);
	if (domain_ascii(sender, &n, size) < 0)
		usage_error(from, "not a valid domain name");
}

/* The recipients named as arguments. An argument is an address list only
 * when it looks like one; a plain address is taken as it is (blanks
 * included). */
static void arg_rcpts(int argc, char **argv, int i, const char *origin)
{
	char bad[SMTP_PATH_SIZE];
	const char *why;

	for (; i < argc; i++) {
		if (strpbrk(argv[i], "<,(")) {
			why = rcpt_list(argv[i], strlen(argv[i]), origin, bad,
					sizeof bad);
			if (why)
				usage_error(bad, why);
		} else if ((why = rcpt_add(argv[i], origin)) != 0)
			usage_error(argv[i], why);
	}
}

/* The header section as read, and what it has. */
static struct {
	size_t len, end, body_off;   /* bytes read, section end, body start */
	int have_date, have_msgid, have_from;
} hs;

/* Reads the whole header section before anything is written, notes the
 * fields sendmail adds when missing, and with -t takes To, Cc and Bcc. */
static void read_header(int extract, const char *origin)
{
	char bad[SMTP_PATH_SIZE];
	struct header_field f;
	const char *why;
	size_t pos;
	int blank;

	while (!header_scan(hdr, hs.len, sendmail_in.eof, &hs.end, &hs.body_off, &blank)) {
		ssize_t n;
		if (sizeof hdr - hs.len < 3)
			err_fatal(EX_DATAERR_, 0, "message not queued: its header "
				  "section is larger than SENDMAIL_HEADER_SIZE "
				  "(%d bytes)", SENDMAIL_HEADER_SIZE);
		n = sendmail_in_read(hdr + hs.len, sizeof hdr - hs.len);
		if (n < 0)
			err_fatal(EX_IOERR_, 1, "message not queued: unable to "
				  "read standard input");
		hs.len += (size_t)n;
	}
	for (pos = 0; header_next(hdr, hs.end, &pos, &f);) {
		if (header_is(hdr, &f, "Date"))
			hs.have_date = 1;
		else if (header_is(hdr, &f, "Message-ID"))
			hs.have_msgid = 1;
		else if (header_is(hdr, &f, "From"))
			hs.have_from = 1;
		else if (extract && (header_is(hdr, &f, "To") ||
				     header_is(hdr, &f, "Cc") ||
				     header_is(hdr, &f, "Bcc"))) {
			why = rcpt_list(hdr + f.val, f.val_end - f.val, origin,
					bad, sizeof bad);
			if (why)
				err_fatal(EX_DATAERR_, 0, "message not queued: "
					  "%.*s: %s: %s", (int)f.name_len,
					  hdr + f.start, bad, why);
		}
	}
}

/* One field of the header as submitted, but an address field's
 * addresses without a domain get "@origin" (header_qualify: "From: root"
 * is not an address any server takes, nor a smarthost's). */
static void put_field(struct msg *m, const struct header_field *f,
		      const char *origin)
{
	static const char *const addr_fields[] = { "From", "Sender",
		"Reply-To", "To", "Cc", "Resent-From", "Resent-Sender",
		"Resent-To", "Resent-Cc" };
	static char q[SENDMAIL_HEADER_SIZE + 1024];
	size_t i, n = 0;
	int changed = 0;

	for (i = 0; i < sizeof addr_fields / sizeof addr_fields[0]; i++)
		if (header_is(hdr, f, addr_fields[i]))
			n = header_qualify(hdr + f->val, f->val_end - f->val,
					   origin, q, sizeof q, &changed);
	if (!changed) {
		put(m, hdr + f->start, f->end - f->start);
		return;
	}
	put(m, hdr + f->start, f->val - f->start);
	put(m, q, n);
	put(m, hdr + f->val_end, f->end - f->val_end);
}

/* The header section without Bcc, then the fields it lacks. */
static void put_header(struct msg *m, const char *sender, const char *id,
		       const char *fullname, const char *origin)
{
	struct header_field f;
	char date[40];
	size_t pos;

	if (privilege_raised()) {
		/* Who submitted it, for the administrator: a user of the
		 * set-group-ID sendmail chooses the sender, not this. */
		char uid[24];
		bounce_date(time(0), date);
		fmt_into(uid, sizeof uid, "%lu", (unsigned long)getuid());
		puts_(m, "Received: (from userid ");
		puts_(m, uid);
		puts_(m, ")\n\tby ");
		puts_(m, origin);
		puts_(m, " (smtprc sendmail); ");
		puts_(m, date);
		puts_(m, "\n");
	}
	for (pos = 0; header_next(hdr, hs.end, &pos, &f);)
		if (!header_is(hdr, &f, "Bcc"))
			put_field(m, &f, origin);
	if (hs.end && hdr[hs.end - 1] != '\n')
		puts_(m, "\n");    /* a last field without its line end */
	if (!hs.have_from) {
		puts_(m, "From: ");
		if (fullname && *fullname) {
			put_name(m, fullname);
			puts_(m, " ");
		}
		puts_(m, "<");
		if (sender[0])
			puts_(m, sender);
		else {
			puts_(m, "MAILER-DAEMON@");
			puts_(m, origin);
		}
		puts_(m, ">\n");
	}
	/* With the clock unset (a box without a real-time clock, before
	 * NTP) any date would be 1970: none now; smtprc adds it when it
	 * relays the message with the clock set (CLOCK_SET_MIN). */
	if (!hs.have_date && time(0) >= CLOCK_SET_MIN) {
		bounce_date(time(0), date);
		puts_(m, "Date: ");
		puts_(m, date);
		puts_(m, "\n");
	}
	if (!hs.have_msgid) {
		puts_(m, "Message-ID: <");
		puts_(m, id);
		puts_(m, "@");
		puts_(m, origin);
		puts_(m, ">\n");
	}
}

/* Exit status for a failed write to the queue. */
static int write_status(void)
{
	return errno == ENOSPC || errno == EDQUOT ? EX_TEMPFAIL_ : EX_IOERR_;
}

/* Writes the maildrop entry (docs/queue.md): envelope, header, body, then
 * the commit that makes it durable. Exits on any failure, leaving
 * nothing behind. */
static void write_entry(struct msg *m, const char *sender, char *id,
			const char *fullname, const char *origin)
{
	/* The sequence number of the identifiers goes on across the messages
	 * of one process (sendmail -bs): TIME-PID-SEQ never repeats, so no
	 * entry is ever renamed over another. */
	static unsigned long seq;

	/* Only maildrop/: all a caller of the drop group may write. */
	if (queue_open_maildrop(&m->q, cf.queue, !privilege_raised()) < 0)
		err_fatal(EX_CANTCREAT_, 1, "message not queued: unable to open "
			  "the queue's maildrop %s/maildrop%s", cf.queue,
			  privilege_raised() ? " (is sendmail set-group-ID to "
			  "the group of maildrop/, as make install and the init "
			  "script set it?)" : "");
	if (queue_tmp_open(&m->q, &m->t) < 0) {
		m->t.fd = -1;
		fail(m, errno == ENOSPC ? EX_TEMPFAIL_ : EX_CANTCREAT_, 1,
		     "unable to create a file in the queue");
	}
	m->q.seq += seq;
	queue_new_id(&m->q, id);
	seq = m->q.seq;
	wbuf_init(&m->w, m->t.fd, wb, sizeof wb);
	maildrop_put_envelope(&m->w, sender, strlen(sender), rc.ptr, rc.len,
			      rc.n, &rc.msg, rc.any ? rc.dsn : 0);
	m->size = 0;
	put_header(m, sender, id, fullname, origin);
	puts_(m, "\n");
	put(m, hdr + hs.body_off, hs.len - hs.body_off);
	for (;;) {
		ssize_t n = sendmail_in_read(chunk, sizeof chunk);
		if (n < 0)
			fail(m, EX_IOERR_, 1, "unable to read standard input");
		if (n == 0)
			break;
		put(m, chunk, (size_t)n);
	}
	if (sendmail_in.dot.unstuff && !sendmail_in.dot.ended)
		fail(m, EX_DATAERR_, 0, "the SMTP client went away before the "
		     "end of DATA");
	if (wbuf_flush(&m->w) < 0)
		fail(m, write_status(), 1, "unable to write to the queue");
	if (queue_tmp_commit_entry(&m->q, &m->t, id) < 0) {
		/* Not durable, and taken back by the queue: exit status and
		 * queue agree. */
		m->t.fd = -1;
		fail(m, write_status(), 1,
		     "unable to commit the message to the queue");
	}
}

/* Tells smtppd a new entry is there (it sorts it anyway when it next
 * starts or rescans). */
static void signal_pd(int verbose)
{
	char fifo[1024];

	if ((trigger_path(cf.pd, cf.semdir, fifo, sizeof fifo) < 0 ||
	     trigger_signal(fifo) < 0) && verbose)
		err_warn(1, "queued, but unable to signal smtppd at %s (it "
			 "sorts the mail when it next starts)", cf.pd);
}

const char sendmail_too_many[] = "more recipients than MAILDROP_RCPT_MAX";

const char *sendmail_rcpt_add(const char *a, const char *origin)
{
	return rcpt_add(a, origin);
}

void sendmail_rcpt_reset(void)
{
	rc.n = 0;
}

void sendmail_queue_one(const char *sender, const char *origin, char *id)
{
	static struct msg m;

	memset(&m, 0, sizeof m);
	m.t.fd = -1;
	memset(&hs, 0, sizeof hs);
	read_header(0, origin);
	write_entry(&m, sender, id, 0, origin);
	queue_close(&m.q);
	signal_pd(0);
	rc.n = 0;
}

/* sendmail -q: a flush byte to smtprcd. */
static int flush_queue(void)
{
	char fifo[1024];

	if (trigger_path(cf.rd, cf.semdir, fifo, sizeof fifo) < 0 ||
	    trigger_signal_byte(fifo, TRIGGER_FLUSH) < 0)
		err_fatal(EX_UNAVAILABLE_, 1, "unable to signal smtprcd at %s",
			  cf.rd);
	return 0;
}

int sendmail_main(int argc, char **argv)
{
	struct msg m;
	struct args a;
	const char *origin;
	char sender[SMTP_PATH_SIZE], hostbuf[SMTP_DOMAIN_SIZE + 1];
	char id[QUEUE_ID_SIZE];

	memset(&m, 0, sizeof m);
	m.t.fd = -1;
	signal(SIGPIPE, SIG_IGN);   /* errors are reported, never a signal */
	parse_args(argc, argv, &a);
	if (a.list) {
		privilege_drop();
		return mailq_main(argc, argv);
	}
	if (a.newaliases) {
		privilege_drop();
		out_puts("sendmail -bi: nothing to rebuild: smtppd reads the "
			 "aliases file itself\n");
		return 0;
	}
	load_conf(argc, argv);
	if (a.flush) {
		flush_queue();
		privilege_drop();
		return 0;
	}
	origin = cf.origin ? cf.origin : cf.helo;
	if (!origin)
		origin = conf_hostname(hostbuf, sizeof hostbuf);
	if (a.smtp)
		return sendmail_bs(origin, cf.maxsize);
	make_sender(a.from, origin, sender, sizeof sender);
	if (sender[0] && !addr_valid(sender, strlen(sender)))
		usage_error(sender, "not a valid sender address");
	arg_rcpts(argc, argv, a.first, origin);
	read_header(a.extract, origin);
	if (!rc.n)
		err_fatal(a.extract ? EX_DATAERR_ : EX_USAGE_, 0, "message not "
			  "queued: no recipients%s", a.extract ? " in the "
			  "arguments, To, Cc or Bcc" : " (give them as arguments "
			  "or use -t)");
	dsn_fill();
	write_entry(&m, sender, id, a.fullname, origin);
	if (a.verbose)
		fmt_fd(2, "%s: queued as %s: %zu recipient(s), %lu bytes\n",
		       err_prog, id, rc.n, m.size);
	signal_pd(a.verbose);
	queue_close(&m.q);
	privilege_drop();
	return 0;
}
