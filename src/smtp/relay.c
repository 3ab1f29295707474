/* relay.c: see relay.h. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fmt.h"
#include "readfile.h"
#include "body.h"
#include "dane.h"
#include "err.h"
#include "log.h"
#include "net.h"
#include "loop.h"
#include "mta_sts.h"
#include "relay.h"
#include "tls.h"

static const char *const stage_names[SMTP_STAGE_COUNT] = {
	"connect", "greeting", "EHLO/HELO", "MAIL", "RCPT", "DATA",
	"a data block", "the final dot", "QUIT"
};

static long long deadline_of(const struct relay *r, enum smtp_stage st)
{
	return loop_now_ms() + (long long)r->conf->timeout[st] * 1000;
}

/* No message: the opening and the end of a session. */
static const struct relay_msg no_msg = { -1, 0, 0, 0, 0, 0 };

/* Fails the session with a sentence naming the stage and the server. */
static void fail(struct relay *r, int e, const char *what)
{
	char why[SMTP_DIAG_SIZE];
	enum smtp_stage st = smtp_session_stage(&r->s);

	if (e == E_TIMEOUT)
		fmt_into(why, sizeof why, "%s: timed out after %u s waiting "
			 "for the reply to %s", r->peer, r->conf->timeout[st],
			 stage_names[st]);
	else
		fmt_into(why, sizeof why, "%s: %s during %s%s%s", r->peer,
			 e == E_SYS ? err_errno(errno) : err_str(e),
			 stage_names[st], what ? ": " : "", what ? what : "");
	memcpy(r->why, why, sizeof why);
	smtp_session_fail(&r->s, e, why);
}

static int flush(struct relay *r, enum smtp_stage st)
{
	long long deadline = deadline_of(r, st);
	size_t off = 0;

	if (r->tls_on) {
		int rc = tls_send(r->fd, r->out, r->out_len, deadline);
		if (rc == 0)
			r->out_len = 0;
		return rc;
	}
	while (off < r->out_len) {
		ssize_t n = send(r->fd, r->out + off, r->out_len - off,
				 MSG_NOSIGNAL);
		if (n < 0) {
			int rc;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return errno == EPIPE || errno == ECONNRESET
					       ? E_LOST : E_SYS;
			rc = loop_wait_fd(r->fd, POLLOUT, deadline);
			if (rc < 0)
				return rc;
			continue;
		}
		off += (size_t)n;
	}
	r->out_len = 0;
	return 0;
}

/* Receives more bytes into r->in (after in_len) before r->deadline.
 * Returns 0 or an E_* code. */
static int receive(struct relay *r)
{
	for (;;) {
		ssize_t n;
		int rc;
		if (r->tls_on) {
			long k = tls_recv(r->fd, r->in + r->in_len,
					  sizeof r->in - r->in_len, r->deadline);
			if (k < 0)
				return (int)k;
			r->in_len += (size_t)k;
			return 0;
		}
		n = recv(r->fd, r->in + r->in_len, sizeof r->in - r->in_len, 0);
		if (n > 0) {
			r->in_len += (size_t)n;
			return 0;
		}
		if (n == 0)
			return E_LOST;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return errno == ECONNRESET ? E_LOST : E_SYS;
		rc = loop_wait_fd(r->fd, POLLIN, r->deadline);
		if (rc < 0)
			return rc;
	}
}

/* Drops received bytes up to and including the next LF: the rest of a
 * line that was cut. Bounded by the reply's deadline. */
static int skip_rest(struct relay *r)
{
	for (;;) {
		const char *lf = memchr(r->in, '\n', r->in_len);
		int rc;
		if (lf) {
			size_t k = (size_t)(lf - r->in) + 1;
			memmove(r->in, r->in + k, r->in_len - k);
			r->in_len -= k;
			return 0;
		}
		r->in_len = 0;
		rc = receive(r);
		if (rc < 0)
			return rc;
	}
}

/* Reads one line for the session; returns its length via *len. A line
 * over SMTP_REPLY_LINE_SIZE is given cut (in EHLO, its last partial word
 * dropped too), and the rest discarded. */
static int read_line(struct relay *r, const char **line, size_t *len)
{
	size_t used;
	int rc;

	if (r->in_used) {
		memmove(r->in, r->in + r->in_used, r->in_len - r->in_used);
		r->in_len -= r->in_used;
		r->in_used = 0;
	}
	for (;;) {
		rc = smtp_line_find(r->in, r->in_len, len, &used);
		if (rc == SMTP_LINE_CUT) {
			size_t n = *len;
			/* An EHLO keyword or AUTH mechanism cut in two is
			 * none: the last partial word goes. */
			if (smtp_session_stage(&r->s) == SMTP_STAGE_HELLO) {
				while (n > 4 && r->in[n - 1] != ' ')
					n--;
				if (n > 4)
					*len = n - 1;
			}
			memcpy(r->cut, r->in, *len);
			*line = r->cut;
			if (log_verbose)
				log_line("%s: reply line over %d bytes: cut", r->peer,
					 SMTP_REPLY_LINE_SIZE);
			if (r->in[used - 1] == '\n') {
				r->in_used = used;
				return 0;
			}
			r->in_len = 0;
			return skip_rest(r);
		}
		if (rc > 0) {
			*line = r->in;
			r->in_used = used;
			return 0;
		}
		rc = receive(r);
		if (rc < 0)
			return rc;
	}
}

_Static_assert(SMTP_OUT_SIZE >= BODY_ENC_MAX(BODY_CHUNK_SIZE) +
	       BODY_ENC_FINISH_MAX, "one encoded chunk fits the output buffer");
/* An OAuth AUTH line (smtp_session.c's emit_oauth, encoded in place: its
 * raw bytes, a third more and the command): user, host, port, token. */
_Static_assert(SMTP_OUT_SIZE > (2 * SMTP_AUTH_FIELD_MAX + SMTP_DOMAIN_SIZE +
				SMTP_OAUTH_TOKEN_MAX + 48) * 4 / 3 + 24,
	       "the longest OAuth AUTH line fits the output buffer");

/* Encodes in[0..n) into the output, flushing it first when full. */
static int body_out(struct relay *r, struct body_enc *enc, const char *in,
		    size_t n)
{
	int rc;
	if (r->out_len + BODY_ENC_MAX(n) > sizeof r->out) {
		rc = flush(r, SMTP_STAGE_BLOCK);
		if (rc < 0)
			return rc;
	}
	r->out_len += body_enc_chunk(enc, in, n, r->out + r->out_len);
	return 0;
}

/* One piece of the message, through conv when converting. */
static int body_piece(struct relay *r, struct body_enc *enc,
		      struct mime7 *conv, const char *in, size_t n)
{
	size_t used, k;
	int rc;

	if (!conv)
		return body_out(r, enc, in, n);
	if (!n) {    /* the end: what the converter still holds */
		while ((k = mime7_end(conv, r->conv, sizeof r->conv)) > 0)
			if ((rc = body_out(r, enc, r->conv, k)) < 0)
				return rc;
		return 0;
	}
	do {
		k = mime7_run(conv, in, n, &used, r->conv, sizeof r->conv);
		if (k && (rc = body_out(r, enc, r->conv, k)) < 0)
			return rc;
		in += used;
		n -= used;
	} while (n || k);
	return 0;
}

/* The message and its final dot into the output; the last of it stays
 * there for the dot's reply (or the next transaction's commands) to go
 * out with. */
static int send_body(struct relay *r, const struct relay_msg *m)
{
	struct mime7 *conv = m->conv;
	struct body_enc enc;
	struct hdrfrom hf;
	char chunk[BODY_CHUNK_SIZE];
	long long off = 0;
	unsigned long total = 0;
	size_t k;
	int rc;

	body_enc_init(&enc);
	if (conv)
		mime7_start_convert(conv);
	if (r->from_header)
		hdrfrom_init(&hf, r->from_header);
	for (;;) {
		long n;
		if (off == 0 && total == 0 && m->head_len) {
			/* The head first, as if the file began with it. */
			memcpy(chunk, m->head, m->head_len);
			n = (long)m->head_len;
		} else {
			n = readfile_piece(m->fd, chunk, sizeof chunk, off, m->len);
			if (n < 0)
				return E_SYS;
			if (n == 0)
				break;
			off += n;
		}
		total += (unsigned long)n;
		if (!r->from_header)
			rc = body_piece(r, &enc, conv, chunk, (size_t)n);
		else if ((k = hdrfrom_run(&hf, chunk, (size_t)n, r->hf)) > 0)
			rc = body_piece(r, &enc, conv, r->hf, k);
		else
			rc = 0;     /* all of it held ("From" at the end) */
		if (rc < 0)
			return rc;
	}
	if (r->from_header && (k = hdrfrom_end(&hf, r->hf)) > 0 &&
	    (rc = body_piece(r, &enc, conv, r->hf, k)) < 0)
		return rc;
	if (conv && (rc = body_piece(r, &enc, conv, chunk, 0)) < 0)
		return rc;
	if (r->out_len + BODY_ENC_FINISH_MAX > sizeof r->out) {
		rc = flush(r, SMTP_STAGE_BLOCK);
		if (rc < 0)
			return rc;
	}
	r->out_len += body_enc_finish(&enc, r->out + r->out_len);
	if (log_verbose) {
		log_line("> [%lu bytes of message data%s]", total,
			 conv ? ", made 7-bit (quoted-printable)" : "");
		log_wire('>', ".", 1);
	}
	return 0;
}

/* After a QUIT sent on a broken dialogue: stop writing and read (and
 * ignore) whatever the server still says until it closes, or for at most
 * RELAY_DRAIN_SIZE bytes and RELAY_DRAIN_S seconds (never past the QUIT
 * time-out), so the connection ends cleanly rather than by reset, and an
 * endless reply costs a bounded time. */
static void quit_drain(struct relay *r)
{
	long long deadline = deadline_of(r, SMTP_STAGE_QUIT);
	long long soon = loop_now_ms() + RELAY_DRAIN_S * 1000LL;
	size_t left = RELAY_DRAIN_SIZE;
	char buf[512];

	if (r->tls_on)
		return;      /* the records would need the engine: just close */
	if (soon < deadline)
		deadline = soon;
	shutdown(r->fd, SHUT_WR);
	while (left && loop_wait_fd(r->fd, POLLIN, deadline) == 0) {
		ssize_t n = recv(r->fd, buf, left < sizeof buf ? left : sizeof buf,
				 0);
		if (n > 0) {
			log_wire('<', buf, (size_t)n);
			left -= (size_t)n;
		} else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			return;
	}
}

/* What the handshake with the current server needs: its name (never an
 * address literal) and the check of the policy, with the TLSA records
 * for DANE. */
static void peer_of(const struct relay *r, struct tls_peer *p)
{
	p->server_name = r->server && r->server->name[0] &&
			 r->server->name[0] != '[' ? r->server->name : 0;
	p->check = r->tls_check;
	p->tlsa = r->tls_check == TLS_CHECK_DANE ? r->tlsa.rr : 0;
	p->ntlsa = r->tls_check == TLS_CHECK_DANE ? r->tlsa.n : 0;
	p->nexthop = r->conf->nexthop;
}

/* STARTTLS was accepted: the handshake, unless plaintext followed the 220
 * (a response injection: RFC 3207 §6, CVE-2011-0411 class). */
static void start_tls(struct relay *r)
{
	char why[SMTP_DIAG_SIZE];
	struct tls_peer p;
	int rc;

	if (r->in_len > r->in_used) {
		/* Not E_TLS: no plaintext retry for a connection under
		 * attack; the recipients are deferred. */
		fail(r, E_UNEXPECTED, "bytes after the 220 reply to STARTTLS, "
		     "before TLS (response injection); connection dropped");
		return;
	}
	peer_of(r, &p);
	rc = tls_start(r->fd, &p, deadline_of(r, SMTP_STAGE_HELLO), why,
		       sizeof why);
	if (rc < 0) {
		fail(r, rc == E_TIMEOUT ? E_TIMEOUT : E_TLS, why);
		return;
	}
	r->tls_on = 1;
	r->in_len = r->in_used = 0;
	tls_describe(r->tls_info, sizeof r->tls_info);
	if (log_verbose)
		log_line("%s: %s", r->peer, r->tls_info);
	smtp_session_tls_done(&r->s);
}

/* Implicit TLS (RFC 8314): the handshake right after the connect, before
 * the greeting. Returns 0 or E_TLS (r->why says why). */
static int implicit_tls(struct relay *r)
{
	char why[SMTP_DIAG_SIZE];
	struct tls_peer p;
	int rc;

	peer_of(r, &p);
	rc = tls_start(r->fd, &p, deadline_of(r, SMTP_STAGE_GREETING), why,
		       sizeof why);
	if (rc < 0) {
		fmt_into(r->why, sizeof r->why, "%s: implicit TLS: %s", r->peer, why);
		return E_TLS;
	}
	r->tls_on = 1;
	tls_describe(r->tls_info, sizeof r->tls_info);
	if (log_verbose)
		log_line("%s: %s (implicit TLS)", r->peer, r->tls_info);
	return 0;
}

/* The session's next commands into the output buffer (flushed first
 * when they do not fit). */
static void emit(struct relay *r)
{
	size_t n = smtp_session_emit(&r->s, r->out + r->out_len,
				     sizeof r->out - r->out_len);
	int rc;

	if (n) {
		if (r->s.secret && log_verbose)
			log_line("> [AUTH credentials: not logged]");
		else
			log_wire('>', r->out + r->out_len, n);
		r->out_len += n;
	} else if (!r->out_len) {
		/* Not even alone: no command may be longer. */
		fail(r, E_NOMEM, "a command longer than SMTP_OUT_SIZE");
	} else if ((rc = flush(r, smtp_session_stage(&r->s))) < 0) {
		fail(r, rc, 0);
	}
}

/* Runs the session until it is idle (SMTP_WANT_TXN), a transaction is
 * done, or (m->may_pend) its final dot is out and the next may follow
 * (RELAY_PENDING). */
static int drive(struct relay *r, const struct relay_msg *m)
{
	for (;;) {
		enum smtp_want w = smtp_session_want(&r->s);
		const char *line = 0;
		size_t len;
		int rc;

		switch (w) {
		case SMTP_WANT_WRITE:
			emit(r);
			break;
		case SMTP_WANT_REPLY:
			/* The dot goes out with the body's last block: its
			 * time-out. */
			if (r->out_len &&
			    (rc = flush(r, smtp_session_stage(&r->s) ==
					SMTP_STAGE_DOT ? SMTP_STAGE_BLOCK :
					smtp_session_stage(&r->s))) < 0) {
				fail(r, rc, 0);
				break;
			}
			if (r->s.reply.lines == 0 && r->in_used == 0)
				r->deadline = deadline_of(r, smtp_session_stage(&r->s));
			rc = read_line(r, &line, &len);
			if (rc < 0) {
				fail(r, rc, 0);
				break;
			}
			log_wire('<', line, len);
			smtp_session_line(&r->s, line, len);
			if (r->s.reply.lines == 0)
				r->deadline = deadline_of(r, smtp_session_stage(&r->s));
			break;
		case SMTP_WANT_BODY:
			rc = send_body(r, m);
			if (rc < 0) {
				fail(r, rc, rc == E_SYS ? "reading the message "
					"or writing to the server" : 0);
				break;
			}
			smtp_session_body_done(&r->s);
			r->deadline = deadline_of(r, SMTP_STAGE_DOT);
			if (m->may_pend && smtp_session_can_queue(&r->s))
				return RELAY_PENDING;
			break;
		case SMTP_WANT_TLS:
			if (r->out_len &&
			    (rc = flush(r, smtp_session_stage(&r->s))) < 0)
				fail(r, rc, 0);
			else
				start_tls(r);
			break;
		case SMTP_WANT_TXN:
		case SMTP_TXN_DONE:
			return 0;
		case SMTP_DONE:
			if (r->out_len && flush(r, SMTP_STAGE_QUIT) == 0)
				quit_drain(r);
			r->out_len = 0;
			if (r->tls_on && !r->s.error)
				tls_end(r->fd, deadline_of(r, SMTP_STAGE_QUIT));
			r->tls_on = 0;
			r->tls_failed = r->s.error == E_TLS || r->s.error == E_NOTLS;
			close(r->fd);
			r->fd = -1;
			r->up = 0;
			return r->s.error ? r->s.error : E_LOST;
		}
	}
}

/* DANE: the TLSA records of a's host (looked up once per host and port),
 * and what they make of the policy. Returns the policy for this server,
 * or -1 when the look-up failed and the server must be skipped (why). */
static int dane_policy(struct relay *r, const struct locate_addr *a,
		       char *why, size_t whysize)
{
	char qname[SMTP_DOMAIN_SIZE + 16];
	size_t usable = 0;
	static const char *const st[] = { "no secure TLSA records",
		"DNSSEC-validated, none usable", "DNSSEC-validated",
		"look-up failed" };

	r->tls_check = TLS_CHECK_NONE;
	/* An address literal has no TLSA base domain. */
	if (!a->name[0] || a->name[0] == '[' ||
	    dane_tlsa_name(a->name, a->port, qname, sizeof qname) < 0)
		return RELAY_TLS_MAY;
	if (strcmp(r->tlsa_host, a->name) || r->tlsa_port != a->port) {
		fmt_into(r->tlsa_host, sizeof r->tlsa_host, "%s", a->name);
		r->tlsa_port = a->port;
		if (dnsq_open(r->conf->dns) < 0) {
			r->tlsa.status = DNSQ_TEMPFAIL;
			r->tlsa.n = r->tlsa.dropped = 0;
		} else if (dnsq_submit(DNSQ_TLSA, qname, &r->tlsa) == 0) {
			/* Submitted: answered, or TEMPFAIL at the deadline. */
			dnsq_wait(loop_now_ms() + r->conf->dns_timeout * 1000LL);
		}
		if (r->tlsa.status == DNSQ_PENDING)
			r->tlsa.status = DNSQ_TEMPFAIL;
		r->tlsa_state = dane_classify(&r->tlsa, &usable);
		if (log_verbose || r->tlsa_state == DANE_FAILED)
			log_line("%s: TLSA %s: %s, %zu of %zu usable%s%s", a->name,
				 qname, st[r->tlsa_state], usable, r->tlsa.n,
				 r->tlsa.tcp ? " (over TCP)" : "",
				 r->tlsa.dropped ? " (more dropped: DNS_RR_MAX)" : "");
	}
	switch (r->tlsa_state) {
	case DANE_USABLE:
		r->tls_check = TLS_CHECK_DANE;
		return RELAY_TLS_VERIFY;
	case DANE_UNUSABLE:
		return RELAY_TLS_ENCRYPT;
	case DANE_FAILED:
		fmt_into(why, whysize, "%s: DANE: TLSA look-up of %s failed (%s): "
			 "server not used", a->name, qname,
			 r->tlsa.status == DNSQ_PROTOCOL ? "malformed answer" :
			 r->tlsa.status == DNSQ_NOMEM ? "out of memory" :
			 "SERVFAIL, bogus or no answer");
		return -1;
	default:
		return RELAY_TLS_MAY;
	}
}

/* Under dane, a server without usable TLSA records and the domain's
 * MTA-STS enforce policy (RFC 8461 §2: DANE first, MTA-STS where DANE
 * is not usable): an MX the policy allows, verified, or -1 (not used). */
static int sts_server(struct relay *r, const struct locate_addr *a,
		      char *why, size_t whysize)
{
	if (!sts_mx_match(r->conf->sts, a->name)) {
		fmt_into(why, whysize, "%s: not an MX the MTA-STS policy allows "
			 "(and no usable DANE TLSA records): server not used",
			 a->name);
		return -1;
	}
	r->tls_check = TLS_CHECK_VERIFY;
	return RELAY_TLS_VERIFY;
}

/* Connects to one address within connect_s seconds and runs the session
 * up to its first idle point. Returns 0, E_TIMEOUT when the connect did
 * not complete in time (worth a second, longer try), or E_CONNECT. */
/* The TCP connection to a within connect_s seconds. Returns the fd, or
 * E_TIMEOUT or E_CONNECT with why. */
static int tcp_connect(struct relay *r, const struct locate_addr *a,
		       unsigned connect_s, char *why, size_t whysize)
{
	int fd = net_connect_start(&a->ip, a->port), rc;

	if (fd < 0) {
		fmt_into(why, whysize, "connect to %s: %s", r->peer, err_errno(errno));
		return E_CONNECT;
	}
	rc = loop_wait_fd(fd, POLLOUT, loop_now_ms() + (long long)connect_s * 1000);
	if (rc == 0)
		rc = net_connect_result(fd);
	if (rc < 0) {
		fmt_into(why, whysize, "connect to %s: %s", r->peer,
			 rc == E_TIMEOUT ? "timed out" : err_errno(errno));
		close(fd);
		return rc == E_TIMEOUT ? E_TIMEOUT : E_CONNECT;
	}
	if (log_verbose)
		log_line("connected to %s", r->peer);
	return fd;
}

/* Why a session that was connected did not open (rc from drive). */
static void session_why(const struct relay *r, int rc, char *why,
			size_t whysize)
{
	if (rc == E_AUTH || rc == E_NOTLS)
		fmt_into(why, whysize, "%s: %s: %s", r->peer, err_str(rc),
			 r->s.why);
	else if (rc == E_TLS || (rc == E_UNEXPECTED && r->why[0]))
		fmt_into(why, whysize, "%s", r->why);
	else if (r->s.last.code && (rc == E_GREETING || rc == E_HELLO))
		fmt_into(why, whysize, "%s refused the session: %s", r->peer,
			 r->s.last.text);
	else
		fmt_into(why, whysize, "%s: %s", r->peer, err_str(rc));
}

static int connect_one(struct relay *r, const struct locate_addr *a,
		       unsigned connect_s, char *why, size_t whysize)
{
	char ip[IP46_FMT_SIZE];
	int fd, rc, tls = r->conf->tls;

	ip46_fmt(&a->ip, ip);
	if (strcmp(a->name, ip) && !(a->name[0] == '['))
		fmt_into(r->peer, sizeof r->peer, "%s[%s]:%u", a->name, ip, a->port);
	else
		fmt_into(r->peer, sizeof r->peer, "[%s]:%u", ip, a->port);
	r->server = a;
	r->tls_check = tls == RELAY_TLS_VERIFY ? TLS_CHECK_VERIFY : TLS_CHECK_NONE;
	if (tls == RELAY_TLS_VERIFY && (!a->name[0] || a->name[0] == '[')) {
		/* No name, no check: a certificate for any name would pass. */
		fmt_into(why, whysize, "%s: the policy verify needs a host "
			 "name to check the certificate against, and this "
			 "server is an address (route to its name, or say "
			 "encrypt for this route)", r->peer);
		r->tls_failed = 1;
		r->s.error = E_TLS;
		return E_CONNECT;
	}
	if (CONFIG_TLS && tls == RELAY_TLS_DANE) {
		tls = dane_policy(r, a, why, whysize);
		if (tls >= 0 && r->tls_check != TLS_CHECK_DANE && r->conf->sts)
			tls = sts_server(r, a, why, whysize);
		if (tls < 0) {
			r->tls_failed = 1;
			r->s.error = E_TLS;
			return E_CONNECT;
		}
	}
again:
	fd = tcp_connect(r, a, connect_s, why, whysize);
	if (fd < 0)
		return fd;
	r->fd = fd;
	r->in_len = r->in_used = r->out_len = 0;
	r->tls_on = r->tls_failed = 0;
	r->tls_info[0] = r->why[0] = 0;
	smtp_session_init(&r->s, r->conf->helo_name, r->conf->hello);
	smtp_session_set_tls(&r->s, tls == RELAY_TLS_NONE ? SMTP_TLS_NO :
			     tls == RELAY_TLS_MAY ? SMTP_TLS_WANTED
						  : SMTP_TLS_REQUIRED);
	if (r->conf->auth_token)
		smtp_session_set_oauth(&r->s, r->conf->auth_user,
				       r->conf->auth_token, r->conf->auth_mech,
				       a->name, a->port);
	else if (r->conf->auth_user && r->conf->auth_pass)
		smtp_session_set_auth(&r->s, r->conf->auth_user,
				      r->conf->auth_pass);
	if (a->port == r->conf->implicit_port) {
		if (implicit_tls(r) < 0) {
			close(fd);
			r->fd = -1;
			r->tls_failed = 1;
			fmt_into(why, whysize, "%s", r->why);
			return E_CONNECT;
		}
		smtp_session_tls_implicit(&r->s);  /* no STARTTLS in TLS */
	}
	r->deadline = deadline_of(r, SMTP_STAGE_GREETING);
	rc = drive(r, &no_msg);
	if (rc == 0)
		return 0;
	if (rc == E_TLS && tls == RELAY_TLS_MAY) {
		/* Opportunistic TLS failed: never go on over the broken
		 * connection; a new one, in plaintext. */
		if (log_verbose)
			log_line("%s; reconnecting without TLS", r->why);
		tls = RELAY_TLS_NONE;
		goto again;
	}
	session_why(r, rc, why, whysize);
	return E_CONNECT;
}

int relay_open(struct relay *r, const struct relay_conf *c,
	       const struct locate_result *loc)
{
	char why[SMTP_DIAG_SIZE] = "no server to try";
	size_t i;

	r->conf = c;
	r->fd = -1;
	r->up = 0;
	r->cur = r->pend = 0;
	r->server = 0;
	r->peer[0] = 0;
	r->tlsa_host[0] = 0;
	r->tls_failed = 0;
	/* First pass: a short connect time-out for every address, so a dead
	 * route (a dropped SYN, a missing IPv6 path) does not stall the
	 * others. Second pass: the addresses that only timed out, with the
	 * full time-out. Refusals and bad greetings are not tried again. */
	unsigned full = c->timeout[SMTP_STAGE_CONNECT];
	unsigned short_s = full < RELAY_CONNECT_FIRST_S ? full : RELAY_CONNECT_FIRST_S;
	unsigned char slow[RELAY_ADDRS_MAX];
	size_t nslow = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < loc->n; i++) {
			int rc;
			if (pass == 1 && (!slow[i] || full <= short_s))
				continue;
			rc = connect_one(r, &loc->addr[i],
					 pass ? full - short_s : short_s,
					 why, sizeof why);
			if (rc == 0) {
				r->up = 1;
				return 0;
			}
			slow[i] = rc == E_TIMEOUT;
			nslow += slow[i];
			if (log_verbose)
				log_line("%s", why);
		}
		if (!nslow)
			break;
	}
	/* RFC 3463 / RFC 5248: 4.7.10 encryption needed, 4.7.5 a
	 * cryptographic failure (handshake, certificate). */
	if (r->s.error == E_AUTH)
		outcome_auth_failed(&r->fail, why);
	else if (!r->tls_failed)
		outcome_connect_failed(&r->fail, why);
	else if (r->s.error == E_NOTLS)
		outcome_tls_missing(&r->fail, why);
	else
		outcome_tls_failed(&r->fail, why);
	return E_CONNECT;
}

/* After a transaction, nothing may be waiting from the server: a reply
 * nobody asked for (an extra line after the final dot's reply) would be
 * taken for the next command's and shift every reply after it. Seen in
 * the buffer or on the socket, it ends the session with a diagnostic
 * that says so; a server that closed is seen the same way. Returns 0 or
 * the E_* code the session ended with. */
static int unsolicited(struct relay *r)
{
	char why[SMTP_DIAG_SIZE], text[80];
	size_t n;
	int rc;

	if (r->in_len == r->in_used && !r->tls_on) {
		struct pollfd p = { r->fd, POLLIN, 0 };
		if (poll(&p, 1, 0) <= 0)
			return 0;    /* nothing came: the usual case */
		r->deadline = deadline_of(r, SMTP_STAGE_QUIT);
		if (r->in_used) {
			memmove(r->in, r->in + r->in_used, r->in_len - r->in_used);
			r->in_len -= r->in_used;
			r->in_used = 0;
		}
		rc = receive(r);
		if (rc < 0) {
			fail(r, rc, "after the reply to the final dot");
			return drive(r, &no_msg);
		}
	}
	if (r->in_len == r->in_used)
		return 0;
	n = r->in_len - r->in_used;
	n = n < sizeof text - 1 ? n : sizeof text - 1;
	memcpy(text, r->in + r->in_used, n);
	text[n] = 0;
	text[strcspn(text, "\r\n")] = 0;
	fmt_into(why, sizeof why, "%s: a reply nobody asked for after the final "
		 "dot's (\"%s\"): the replies are out of step; connection "
		 "closed", r->peer, err_printable(text, sizeof text, text));
	memcpy(r->why, why, sizeof why);
	log_line("%s", why);
	/* No QUIT into a dialogue out of step: it is closed. */
	smtp_session_fail(&r->s, E_UNEXPECTED, why);
	return drive(r, &no_msg);
}

/* The end of transaction t, whose replies are in (rc 0) or will not
 * come (rc < 0): the deferral for every later one, or the check that
 * nothing else came. */
static int txn_end(struct relay *r, struct smtp_txn *t, int rc)
{
	r->cur = 0;
	if (rc < 0) {
		outcome_session_ended(&r->fail, &r->s.last, t->fail.text[0]
				      ? t->fail.text : err_str(rc));
		return rc;
	}
	smtp_session_txn_done(&r->s);
	rc = unsolicited(r);
	if (rc < 0)
		outcome_connection_lost(&r->fail, r->s.why[0] ? r->s.why
							       : err_str(rc));
	return 0;
}

int relay_txn(struct relay *r, struct smtp_txn *t, const struct relay_msg *m)
{
	int rc;

	if (r->cur != t) {
		if (!r->up)
			return E_LOST;
		r->cur = t;
		smtp_session_txn(&r->s, t);   /* behind r->pend's dot, if any */
	}
	rc = r->up ? drive(r, m) : r->s.error ? r->s.error : E_LOST;
	if (r->pend) {
		/* The reply to the earlier one's dot came (or the connection
		 * ended): its outcome first, then call again for t. */
		r->pend = 0;
		if (rc == 0)
			smtp_session_txn_done(&r->s);
		return RELAY_EARLIER;
	}
	if (rc == RELAY_PENDING) {
		r->pend = t;
		r->cur = 0;
		return RELAY_PENDING;
	}
	return txn_end(r, t, rc);
}

int relay_wait(struct relay *r)
{
	struct smtp_txn *t = r->pend;

	if (!t)
		return 0;
	r->pend = 0;
	return txn_end(r, t, r->up ? drive(r, &no_msg)
				   : r->s.error ? r->s.error : E_LOST);
}

void relay_close(struct relay *r)
{
	relay_wait(r);
	if (r->up) {
		smtp_session_quit(&r->s);
		drive(r, &no_msg);
	}
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->up = 0;
}
