/* smtp_session.c: see smtp_session.h for the transition table. */
#include <string.h>
#include "addr.h"
#include "b64.h"
#include "err.h"
#include "fmt.h"
#include "json.h"
#include "smtp_session.h"

enum {
	ST_GREETING, ST_EHLO, ST_HELO, ST_READY, ST_RSET, ST_TXN, ST_BODY,
	ST_DOT, ST_DOT_DISCARD, ST_TXN_DONE, ST_QUIT, ST_DONE, ST_STARTTLS,
	ST_TLS, ST_AUTH, ST_AUTH_LOGIN, ST_AUTH_USER, ST_AUTH_OAUTH,
	ST_AUTH_ABORT
};
enum { EM_NONE, EM_EHLO, EM_HELO, EM_RSET, EM_TXN, EM_DOT, EM_QUIT,
       EM_STARTTLS, EM_AUTH_PLAIN, EM_AUTH_LOGIN, EM_AUTH_USER, EM_AUTH_PASS,
       EM_AUTH_OAUTH, EM_AUTH_ABORT };

void smtp_session_init(struct smtp_session *s, const char *helo_name, int hello)
{
	memset(s, 0, sizeof *s);
	s->state = ST_GREETING;
	s->emit = EM_NONE;
	s->hello = hello;
	s->helo_name = helo_name;
	smtp_ehlo_init(&s->ehlo);
	smtp_reply_init(&s->reply);
}

void smtp_session_set_tls(struct smtp_session *s, int tls)
{
	s->tls = tls;
}

void smtp_session_tls_done(struct smtp_session *s)
{
	s->tls_on = 1;
	smtp_ehlo_init(&s->ehlo);
	s->state = ST_EHLO;
	s->emit = EM_EHLO;
}

void smtp_session_tls_implicit(struct smtp_session *s)
{
	s->tls = SMTP_TLS_NO;
	s->tls_on = 1;
}

void smtp_session_set_auth(struct smtp_session *s, const char *user,
			   const char *pass)
{
	s->auth_user = user;
	s->auth_pass = pass;
}

void smtp_session_set_oauth(struct smtp_session *s, const char *user,
			    const char *token, unsigned mech,
			    const char *host, unsigned port)
{
	s->auth_user = user;
	s->auth_token = token;
	s->auth_mech = mech;
	s->auth_host = host;
	s->auth_port = port;
}

/* After a successful EHLO: AUTH when credentials are set. */
static void after_ehlo(struct smtp_session *s);

static int pipelining(const struct smtp_session *s)
{
	return (s->ehlo.ext & SMTP_EXT_PIPELINING) != 0;
}

enum smtp_want smtp_session_want(const struct smtp_session *s)
{
	if (s->emit == EM_TXN) {
		/* Pipelined commands are emitted all at once; lock-step ones
		 * one at a time, each after its predecessor's reply. */
		if (s->emit_next <= s->txn->nrcpt + 1 &&
		    (pipelining(s) || s->emit_next == s->reply_next))
			return SMTP_WANT_WRITE;
	} else if (s->emit != EM_NONE) {
		return SMTP_WANT_WRITE;
	}
	switch (s->state) {
	case ST_READY: return SMTP_WANT_TXN;
	case ST_BODY: return SMTP_WANT_BODY;
	case ST_TXN_DONE: return SMTP_TXN_DONE;
	case ST_DONE: return SMTP_DONE;
	case ST_TLS: return SMTP_WANT_TLS;
	default: return SMTP_WANT_REPLY;
	}
}

enum smtp_stage smtp_session_stage(const struct smtp_session *s)
{
	switch (s->state) {
	case ST_GREETING: return SMTP_STAGE_GREETING;
	case ST_EHLO: case ST_HELO: case ST_STARTTLS: case ST_TLS:
	case ST_AUTH: case ST_AUTH_LOGIN: case ST_AUTH_USER:
	case ST_AUTH_OAUTH: case ST_AUTH_ABORT:
		return SMTP_STAGE_HELLO;
	case ST_TXN:
		if (s->reply_next == 0)
			return SMTP_STAGE_MAIL;
		return s->reply_next <= s->txn->nrcpt ? SMTP_STAGE_RCPT
						      : SMTP_STAGE_DATA;
	case ST_BODY: return SMTP_STAGE_BLOCK;
	case ST_DOT: case ST_DOT_DISCARD: return SMTP_STAGE_DOT;
	case ST_QUIT: return SMTP_STAGE_QUIT;
	default: return SMTP_STAGE_MAIL; /* RSET: as MAIL */
	}
}

/* Appends a, b, c ... (NULL-terminated) plus CR LF if they fit. */
static size_t put(char *buf, size_t room, const char *const *parts,
		  const size_t *lens)
{
	size_t n = 0, i;
	for (i = 0; parts[i]; i++)
		n += lens[i];
	if (n + 2 > room)
		return 0;
	n = 0;
	for (i = 0; parts[i]; i++) {
		memcpy(buf + n, parts[i], lens[i]);
		n += lens[i];
	}
	buf[n++] = '\r';
	buf[n++] = '\n';
	return n;
}

static size_t put1(char *buf, size_t room, const char *a, const char *b)
{
	const char *parts[3] = { a, b, 0 };
	size_t lens[2] = { strlen(a), b ? strlen(b) : 0 };
	return put(buf, room, parts, lens);
}

/* MAIL's parameters after the path into out (room 160): SIZE, BODY,
 * SMTPUTF8, and RET and ENVID when the server offers DSN. */
static size_t mail_params(const struct smtp_session *s, const struct smtp_txn *t,
			  char *out)
{
	size_t n = 0;

	if (s->ehlo.ext & SMTP_EXT_SIZE) {
		memcpy(out, " SIZE=", 6);
		n = 6 + fmt_ulong(out + 6, t->size);
	}
	if ((s->ehlo.ext & SMTP_EXT_8BITMIME) && t->eightbit) {
		memcpy(out + n, " BODY=8BITMIME", 14);
		n += 14;
	}
	if (t->smtputf8) {
		memcpy(out + n, " SMTPUTF8", 9);
		n += 9;
	}
	if (!(s->ehlo.ext & SMTP_EXT_DSN) || !t->dsn)
		return n;
	if (t->dsn->ret) {
		memcpy(out + n, t->dsn->ret == DSN_RET_HDRS ? " RET=HDRS" : " RET=FULL", 9);
		n += 9;
	}
	if (t->dsn->envid_len) {
		memcpy(out + n, " ENVID=", 7);
		n += 7;
		n += dsn_xtext(t->dsn->envid, t->dsn->envid_len, out + n);
	}
	return n;
}

/* RCPT's parameters: NOTIFY, and ORCPT when it is an ASCII address and
 * the line stays within RFC 3461's 500 more octets. */
static size_t rcpt_params(const struct smtp_session *s,
			  const struct dsn_rcpt *d, char *out)
{
	size_t n = 0;

	if (!(s->ehlo.ext & SMTP_EXT_DSN) || !d)
		return 0;
	if (d->notify) {
		memcpy(out, " NOTIFY=", 8);
		n = 8 + dsn_notify_format(d->notify, 1, out + 8);
	}
	if (d->orcpt_len && d->orcpt_len < 150 &&
	    (d->orcpt[0] == 'r' || d->orcpt[0] == 'R')) {
		const char *semi = memchr(d->orcpt, ';', d->orcpt_len);
		size_t t = (size_t)(semi - d->orcpt) + 1;
		memcpy(out + n, " ORCPT=", 7);
		memcpy(out + n + 7, d->orcpt, t);
		n += 7 + t;
		n += dsn_xtext(semi + 1, d->orcpt_len - t, out + n);
	}
	return n;
}

static size_t emit_txn_command(struct smtp_session *s, char *buf, size_t room)
{
	struct smtp_txn *t = s->txn;
	size_t i = s->emit_next;
	char path[SMTP_PATH_SIZE + 2], params[500];
	size_t plen;

	if (i == 0) {
		const char *parts[5] = { "MAIL FROM:<", path, ">", params, 0 };
		size_t lens[4] = { 11, 0, 1, 0 };
		plen = addr_smtp_form(t->sender, t->sender_len, path, sizeof path);
		lens[1] = plen;
		lens[3] = mail_params(s, t, params);
		return put(buf, room, parts, lens);
	}
	if (i <= t->nrcpt) {
		const char *parts[5] = { "RCPT TO:<", path, ">", params, 0 };
		size_t lens[4] = { 9, 0, 1, 0 };
		lens[1] = addr_smtp_form(t->rcpt[i - 1].addr, t->rcpt[i - 1].len,
					 path, sizeof path);
		lens[3] = rcpt_params(s, t->rcpt[i - 1].dsn, params);
		return put(buf, room, parts, lens);
	}
	return put1(buf, room, "DATA", 0);
}

/* Appends s[0..n) to buf at *o when it fits below end. */
static void raw_put(char *buf, size_t *o, size_t end, const char *s, size_t n)
{
	if (*o + n <= end)
		memcpy(buf + *o, s, n);
	*o += n;
}

/* OAUTHBEARER's name: "," and "=" as "=2C" and "=3D" (RFC 5801 §4). */
static void saslname_put(char *buf, size_t *o, size_t end, const char *u)
{
	for (; *u; u++)
		raw_put(buf, o, end, *u == ',' ? "=2C" : *u == '=' ? "=3D" : u,
			*u == ',' || *u == '=' ? 3 : 1);
}

/* AUTH XOAUTH2 or OAUTHBEARER with its initial response. The raw response
 * is laid out at the end of buf, then encoded forward over the front:
 * each 3 bytes read become 4 written, so the output never reaches input
 * not yet read while the gap between them exceeds a third of the input.
 * Returns the bytes of the command, or 0 when it does not fit. */
static size_t emit_oauth_line(struct smtp_session *s, char *buf, size_t room)
{
	int bearer = s->auth_mech == SMTP_AUTH_OAUTHBEARER;
	const char *cmd = bearer ? "AUTH OAUTHBEARER " : "AUTH XOAUTH2 ";
	size_t cl = strlen(cmd), len = 0, start, o, n;
	char p[FMT_ULONG_SIZE + 1];
	int pass;

	p[fmt_ulong(p, s->auth_port)] = 0;
	/* Pass 0 measures (nothing is written), pass 1 lays the bytes out. */
	for (pass = 0, start = 0; pass < 2; pass++) {
		size_t end = pass ? room : 0;
		o = start;
		if (bearer) {
			raw_put(buf, &o, end, "n,a=", 4);
			saslname_put(buf, &o, end, s->auth_user);
			raw_put(buf, &o, end, ",\001host=", 7);
			raw_put(buf, &o, end, s->auth_host, strlen(s->auth_host));
			raw_put(buf, &o, end, "\001port=", 6);
			raw_put(buf, &o, end, p, strlen(p));
		} else {
			raw_put(buf, &o, end, "user=", 5);
			raw_put(buf, &o, end, s->auth_user, strlen(s->auth_user));
		}
		raw_put(buf, &o, end, "\001auth=Bearer ", 13);
		raw_put(buf, &o, end, s->auth_token, strlen(s->auth_token));
		raw_put(buf, &o, end, "\001\001", 2);
		if (!pass) {
			len = o;
			if (len > room || cl + B64_LEN(len) + 2 > room ||
			    room - len - cl <= len / 3 + 1)
				return 0;
			start = room - len;
		}
	}
	memcpy(buf, cmd, cl);
	n = cl + b64_encode(buf + start, len, buf + cl);
	memset(buf + n, 0, room - n);      /* the token's bytes left over */
	buf[n++] = '\r';
	buf[n++] = '\n';
	return n;
}

/* The OAuth AUTH line, or the answer to its error: RFC 7628 §3.2.3 ends
 * OAUTHBEARER's error exchange with a %x01, XOAUTH2 takes an empty
 * line. */
static size_t emit_oauth(struct smtp_session *s, char *buf, size_t room)
{
	size_t n;

	if (s->emit == EM_AUTH_ABORT)
		return put1(buf, room, s->auth_mech == SMTP_AUTH_OAUTHBEARER
			    ? "AQ==" : "", 0);
	n = emit_oauth_line(s, buf, room);
	s->secret = n != 0;
	return n;
}

size_t smtp_session_emit(struct smtp_session *s, char *buf, size_t room)
{
	size_t n = 0, k;

	s->secret = 0;
	switch (s->emit) {
	case EM_EHLO:
		n = put1(buf, room, "EHLO ", s->helo_name);
		break;
	case EM_HELO:
		n = put1(buf, room, "HELO ", s->helo_name);
		break;
	case EM_RSET:
		n = put1(buf, room, "RSET", 0);
		break;
	case EM_DOT:
		n = put1(buf, room, ".", 0);
		break;
	case EM_QUIT:
		n = put1(buf, room, "QUIT", 0);
		break;
	case EM_STARTTLS:
		n = put1(buf, room, "STARTTLS", 0);
		break;
	case EM_AUTH_PLAIN: case EM_AUTH_USER: case EM_AUTH_PASS: {
		/* PLAIN: authzid empty, NUL, user, NUL, password. */
		char raw[2 * SMTP_AUTH_FIELD_MAX + 2];
		char enc[B64_LEN(sizeof raw) + 1];
		size_t ul = strlen(s->auth_user), pl = strlen(s->auth_pass), rl = 0;
		if (s->emit == EM_AUTH_PLAIN) {
			raw[rl++] = 0;
			memcpy(raw + rl, s->auth_user, ul);
			rl += ul;
			raw[rl++] = 0;
			memcpy(raw + rl, s->auth_pass, pl);
			rl += pl;
		} else if (s->emit == EM_AUTH_USER) {
			memcpy(raw, s->auth_user, ul);
			rl = ul;
		} else {
			memcpy(raw, s->auth_pass, pl);
			rl = pl;
		}
		b64_encode(raw, rl, enc);
		n = put1(buf, room, s->emit == EM_AUTH_PLAIN ? "AUTH PLAIN " : "",
			 enc);
		memset(raw, 0, sizeof raw);
		s->secret = n != 0;
		break;
	}
	case EM_AUTH_LOGIN:
		n = put1(buf, room, "AUTH LOGIN", 0);
		break;
	case EM_AUTH_OAUTH: case EM_AUTH_ABORT:
		n = CONFIG_TLS ? emit_oauth(s, buf, room) : 0;
		break;
	case EM_TXN:
		while (smtp_session_want(s) == SMTP_WANT_WRITE) {
			k = emit_txn_command(s, buf + n, room - n);
			if (!k)
				return n;
			n += k;
			s->emit_next++;
		}
		if (s->emit_next > s->txn->nrcpt + 1)
			s->emit = EM_NONE;
		return n;
	default:
		return 0;
	}
	if (n)
		s->emit = EM_NONE;
	return n;
}

static void result_set(struct smtp_result *d, const struct smtp_reply *r)
{
	d->code = r->code;
	memcpy(d->text, r->text, r->text_len + 1);
}

static void result_why(struct smtp_result *d, const char *why)
{
	size_t n = strlen(why);
	if (n >= sizeof d->text)
		n = sizeof d->text - 1;
	d->code = 0;
	memcpy(d->text, why, n);
	d->text[n] = 0;
}

static int txn_open(const struct smtp_session *s)
{
	return s->state == ST_RSET || s->state == ST_TXN ||
	       s->state == ST_BODY || s->state == ST_DOT ||
	       s->state == ST_DOT_DISCARD;
}

/* Ends the session; quit: whether a QUIT is still worth sending. */
static void finish(struct smtp_session *s, int error, const char *why, int quit)
{
	if (txn_open(s) && !s->txn->fail.text[0])
		result_why(&s->txn->fail, why);
	if (s->prev && !s->prev->fail.text[0])
		result_why(&s->prev->fail, why);
	if (!s->error) {
		size_t n = strlen(why);
		s->error = error;
		if (n >= sizeof s->why)
			n = sizeof s->why - 1;
		memcpy(s->why, why, n);
		s->why[n] = 0;
	}
	s->state = ST_DONE;
	s->emit = quit ? EM_QUIT : EM_NONE;
}

void smtp_session_fail(struct smtp_session *s, int error, const char *why)
{
	/* A malformed reply leaves the connection usable for a QUIT; a lost
	 * or timed-out one does not. */
	int protocol = error == E_REPLY_CODE ||
		       error == E_REPLY_MIXED || error == E_REPLY_LINES ||
		       error == E_REPLY_SYNTAX;
	finish(s, error, why, protocol);
}

int smtp_session_can_queue(const struct smtp_session *s)
{
	return s->state == ST_DOT && !s->prev && s->emit == EM_NONE &&
	       pipelining(s);
}

void smtp_session_txn(struct smtp_session *s, struct smtp_txn *t)
{
	size_t i;
	int queued = s->state == ST_DOT;

	if (queued)
		s->prev = s->txn;
	s->behind_dot = queued;
	s->txn = t;
	t->mail.code = t->data.code = t->dot.code = t->fail.code = 0;
	t->mail.text[0] = t->data.text[0] = t->dot.text[0] = t->fail.text[0] = 0;
	for (i = 0; i < t->nrcpt; i++) {
		t->rcpt[i].res.code = 0;
		t->rcpt[i].res.text[0] = 0;
	}
	t->size_refused = 0;
	t->dot_sent = 0;
	s->emit_next = s->reply_next = s->rcpt_ok = 0;
	if ((s->ehlo.ext & SMTP_EXT_SIZE) && s->ehlo.size_max &&
	    t->size > s->ehlo.size_max) {
		t->size_refused = 1;
		if (!queued)
			s->state = ST_TXN_DONE;
		return;
	}
	if (queued) {
		/* Its commands go out behind the dot, its replies are read
		 * after the dot's (smtp_session_txn_done). */
		s->emit = EM_TXN;
		return;
	}
	if (s->need_rset) {
		s->state = ST_RSET;
		s->emit = EM_RSET;
		return;
	}
	s->state = ST_TXN;
	s->emit = EM_TXN;
}

void smtp_session_body_done(struct smtp_session *s)
{
	s->txn->dot_sent = 1;
	s->state = ST_DOT;
}

void smtp_session_txn_done(struct smtp_session *s)
{
	if (s->prev) {
		/* The earlier transaction is done: now the queued one's
		 * replies, or its refusal for size. */
		s->prev = 0;
		s->state = s->txn->size_refused ? ST_TXN_DONE : ST_TXN;
		return;
	}
	s->state = ST_READY;
}

void smtp_session_quit(struct smtp_session *s)
{
	s->state = ST_QUIT;
	s->emit = EM_QUIT;
}

static int is2(int code) { return code >= 200 && code < 300; }

/* DATA was answered with a success that is not 354: a reply arrived that
 * nobody asked for and every reply since was taken for the command before
 * its own. Behind a final dot, the extra one most likely followed the
 * dot's reply: MAIL got it. None of the transaction's replies can be
 * trusted: they are forgotten, its recipients deferred with why, and the
 * connection closed without QUIT (the dialogue is out of step). */
static void out_of_step(struct smtp_session *s)
{
	struct smtp_txn *t = s->txn;
	char why[SMTP_DIAG_SIZE];
	size_t i, n = 0;
	const char *pre = s->behind_dot
		? "a reply nobody asked for after the final dot's (\""
		: "a reply nobody asked for before the reply to DATA (\"";
	const char *mid = "\"): the replies are out of step; connection closed";
	const char *parts[4] = { pre, s->behind_dot ? t->mail.text
						    : t->data.text, mid, 0 };

	for (i = 0; parts[i]; i++) {
		size_t k = strlen(parts[i]);
		if (k > sizeof why - 1 - n)
			k = sizeof why - 1 - n;
		memcpy(why + n, parts[i], k);
		n += k;
	}
	why[n] = 0;
	t->mail.code = t->data.code = 0;
	for (i = 0; i < t->nrcpt; i++)
		t->rcpt[i].res.code = 0;
	finish(s, E_UNEXPECTED, why, 0);
}

/* A complete reply to one of MAIL, RCPT.., DATA. */
static void txn_reply(struct smtp_session *s, const struct smtp_reply *r)
{
	struct smtp_txn *t = s->txn;
	size_t i = s->reply_next++;

	if (i == 0)
		result_set(&t->mail, r);
	else if (i <= t->nrcpt) {
		result_set(&t->rcpt[i - 1].res, r);
		if (is2(r->code))
			s->rcpt_ok++;
	} else
		result_set(&t->data, r);

	if (r->code == 421) {
		finish(s, E_LOST, r->text, 0);
		return;
	}
	if (i == t->nrcpt + 1 && r->code < 400 && r->code != 354) {
		out_of_step(s);
		return;
	}
	if (i == t->nrcpt + 1) {
		s->emit = EM_NONE;
		if (r->code != 354) {
			s->need_rset = is2(t->mail.code);
			s->state = ST_TXN_DONE;
		} else if (is2(t->mail.code) && s->rcpt_ok) {
			s->state = ST_BODY;
		} else {
			/* RFC 2920 §3.1: DATA accepted with no valid recipient;
			 * send an empty message's end and discard the reply. */
			s->state = ST_DOT_DISCARD;
			s->emit = EM_DOT;
		}
		return;
	}
	if (pipelining(s))
		return;
	if (i == 0 && !is2(r->code)) {
		s->state = ST_TXN_DONE;
		s->emit = EM_NONE;
		s->need_rset = 0;
	} else if (i == t->nrcpt && !s->rcpt_ok) {
		s->state = ST_TXN_DONE;
		s->emit = EM_NONE;
		s->need_rset = 1;
	}
}

/* The replies of the opening: greeting, EHLO (or HELO), STARTTLS. */
static void on_greeting(struct smtp_session *s, const struct smtp_reply *r)
{
	if (r->code != 220)
		finish(s, E_GREETING, r->text, r->code != 421);
	else if (s->hello) {
		s->state = ST_EHLO;
		s->emit = EM_EHLO;
	} else
		s->state = ST_READY;
}

static void on_ehlo(struct smtp_session *s, const struct smtp_reply *r)
{
	if (is2(r->code) && s->tls && !s->tls_on &&
	    (s->ehlo.ext & SMTP_EXT_STARTTLS)) {
		s->state = ST_STARTTLS;
		s->emit = EM_STARTTLS;
	} else if (is2(r->code) && s->tls == SMTP_TLS_REQUIRED && !s->tls_on)
		finish(s, E_NOTLS, "the server does not offer STARTTLS", 1);
	else if (is2(r->code))
		after_ehlo(s);
	else if (r->code >= 500) {
		smtp_ehlo_init(&s->ehlo);
		s->state = ST_HELO;
		s->emit = EM_HELO;
	} else
		finish(s, E_HELLO, r->text, r->code != 421);
}

static void on_starttls(struct smtp_session *s, const struct smtp_reply *r)
{
	if (r->code == 220)
		s->state = ST_TLS;
	else if (s->tls == SMTP_TLS_REQUIRED || r->code == 421)
		finish(s, E_NOTLS, r->text, r->code != 421);
	else
		after_ehlo(s);    /* on in plaintext: never with credentials */
}

static void on_helo(struct smtp_session *s, const struct smtp_reply *r)
{
	if (is2(r->code) && s->tls == SMTP_TLS_REQUIRED)
		finish(s, E_NOTLS, "the server does not offer EHLO, so no "
		       "STARTTLS", 1);
	else if (is2(r->code))
		after_ehlo(s);
	else
		finish(s, E_HELLO, r->text, r->code != 421);
}

/* The status of the JSON error in a 334 to an OAuth token (RFC 7628
 * §3.2.2), base64 after the code; "undecodable" when it is not. */
static void oauth_status(struct smtp_session *s, const char *text)
{
	char json[SMTP_DIAG_SIZE];
	const char *why;
	long n = b64_decode(text + 4, strlen(text + 4), json, sizeof json);

	if (n < 0 || json_get(json, (size_t)n, "status", s->auth_status,
			      sizeof s->auth_status, &why) != JSON_STRING)
		strcpy(s->auth_status, "undecodable");
}

/* XOAUTH2 and OAUTHBEARER: 235, or a 334 with the error, answered, then
 * the final refusal. */
static void on_oauth(struct smtp_session *s, const struct smtp_reply *r)
{
	char why[SMTP_DIAG_SIZE];

	if (s->state == ST_AUTH_OAUTH && r->code == 235) {
		s->state = ST_READY;
		return;
	}
	s->auth_refused = r->code != 421;
	if (s->state == ST_AUTH_OAUTH && r->code == 334) {
		oauth_status(s, r->text);
		s->state = ST_AUTH_ABORT;
		s->emit = EM_AUTH_ABORT;
		return;
	}
	fmt_into(why, sizeof why, "%s%s%s%s", r->text, s->auth_status[0] ?
		 " (the token's error: " : "", s->auth_status,
		 s->auth_status[0] ? ")" : "");
	finish(s, E_AUTH, why, r->code != 421);
}

/* AUTH: LOGIN's two 334 challenges, then 235 for any mechanism. */
static void on_auth(struct smtp_session *s, const struct smtp_reply *r)
{
	if (s->state == ST_AUTH) {
		if (r->code == 235)
			s->state = ST_READY;
		else
			finish(s, E_AUTH, r->text, r->code != 421);
	} else if (r->code == 334) {
		s->emit = s->state == ST_AUTH_LOGIN ? EM_AUTH_USER : EM_AUTH_PASS;
		s->state = s->state == ST_AUTH_LOGIN ? ST_AUTH_USER : ST_AUTH;
	} else
		finish(s, E_AUTH, r->text, r->code != 421);
}

/* RSET before a transaction, the final dot's reply, and one discarded. */
static void on_rset(struct smtp_session *s, const struct smtp_reply *r)
{
	if (is2(r->code)) {
		s->need_rset = 0;
		s->state = ST_TXN;
		s->emit = EM_TXN;
	} else
		finish(s, E_PROTOCOL, r->text, r->code != 421);
}

static void on_dot(struct smtp_session *s, const struct smtp_reply *r)
{
	s->need_rset = 0;
	if (s->state == ST_DOT_DISCARD) {
		s->state = ST_TXN_DONE;
		return;
	}
	result_set(s->prev ? &s->prev->dot : &s->txn->dot, r);
	if (r->code == 421)
		finish(s, E_LOST, r->text, 0);
	else
		s->state = ST_TXN_DONE;
}

int smtp_session_line(struct smtp_session *s, const char *line, size_t len)
{
	struct smtp_reply *r = &s->reply;
	int rc = smtp_reply_line(r, line, len);

	if (rc < 0) {
		finish(s, rc, err_str(rc), 1);
		smtp_reply_init(r);
		return rc;
	}
	if (s->state == ST_EHLO && r->lines > 1 && line[0] == '2')
		smtp_ehlo_line(&s->ehlo, line + 4, len > 4 ? len - 4 : 0);
	if (rc == 0)
		return 0;

	result_set(&s->last, r);
	switch (s->state) {
	case ST_GREETING: on_greeting(s, r); break;
	case ST_EHLO: on_ehlo(s, r); break;
	case ST_STARTTLS: on_starttls(s, r); break;
	case ST_HELO: on_helo(s, r); break;
	case ST_AUTH_LOGIN: case ST_AUTH_USER: case ST_AUTH: on_auth(s, r); break;
	case ST_AUTH_OAUTH: case ST_AUTH_ABORT:
		if (CONFIG_TLS)       /* else never reached: no TLS, no AUTH */
			on_oauth(s, r);
		break;
	case ST_RSET: on_rset(s, r); break;
	case ST_TXN: txn_reply(s, r); break;
	case ST_DOT: case ST_DOT_DISCARD: on_dot(s, r); break;
	case ST_QUIT: s->state = ST_DONE; break;
	default:
		/* A reply nobody asked for. */
		finish(s, E_UNEXPECTED, err_str(E_UNEXPECTED), 1);
		smtp_reply_init(r);
		return E_UNEXPECTED;
	}
	smtp_reply_init(r);
	return 0;
}

/* XOAUTH2 or OAUTHBEARER: the one wanted, else the other one offered. */
static void oauth_start(struct smtp_session *s)
{
	unsigned other = s->auth_mech == SMTP_AUTH_XOAUTH2
			 ? SMTP_AUTH_OAUTHBEARER : SMTP_AUTH_XOAUTH2;

	if (!(s->ehlo.auth & s->auth_mech) && (s->ehlo.auth & other))
		s->auth_mech = other;
	if (s->ehlo.auth & s->auth_mech) {
		s->state = ST_AUTH_OAUTH;
		s->emit = EM_AUTH_OAUTH;
	} else
		finish(s, E_AUTH, "the server offers neither AUTH XOAUTH2 nor "
		       "AUTH OAUTHBEARER, and the route's credentials are an "
		       "OAuth 2.0 token", 1);
}

static void after_ehlo(struct smtp_session *s)
{
	if (!s->auth_user) {
		s->state = ST_READY;
		return;
	}
	if (!s->tls_on)
		finish(s, E_AUTH, "credentials are sent only inside TLS, and "
		       "this session is not encrypted", 1);
	else if (s->auth_token && !CONFIG_TLS)
		finish(s, E_AUTH, "OAuth 2.0 needs TLS, which this build "
		       "leaves out", 1);
	else if (s->auth_token)
		oauth_start(s);
	else if (s->ehlo.auth & SMTP_AUTH_PLAIN) {
		s->state = ST_AUTH;
		s->emit = EM_AUTH_PLAIN;
	} else if (s->ehlo.auth & SMTP_AUTH_LOGIN) {
		s->state = ST_AUTH_LOGIN;
		s->emit = EM_AUTH_LOGIN;
	} else
		finish(s, E_AUTH, "the server offers neither AUTH PLAIN nor "
		       "AUTH LOGIN", 1);
}
