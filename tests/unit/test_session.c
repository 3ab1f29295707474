/* The session state machine driven by transcripts in tests/vectors/session.
 *
 * A vector is a text file of directives, one a line:
 *   hello 0|1              send EHLO/HELO (default 1); first line only
 *   S <line>               the server sends this line
 *   C <line>               the client must send this line next
 *   txn SENDER RCPT.. [size=N] [8bit]   start a transaction ("<>" null)
 *   next SENDER RCPT.. [size=N]  queue the next one behind the final dot
 *                          (smtp_session_can_queue must say yes)
 *   noqueue                smtp_session_can_queue must say no
 *   ack                    the transaction done is taken (txn_done)
 *   body                   the session must ask for the data now
 *   fail                   the connection is lost here
 *   expect I KIND STATUS   recipient I's outcome: delivered|deferred|bounced
 *                          (of the transaction behind whose dot another
 *                          was queued, until ack)
 *   expect2 I KIND STATUS  the same for the last transaction started
 *   dup                    the last expected outcome carries duplicate risk
 *   quit                   end the session
 *   done 0|error           the session must be over, cleanly or not
 */
#include <dirent.h>
#include <stdlib.h>
#include "b64.h"
#include "err.h"
#include "outcome.h"
#include "smtp_session.h"
#include "unit.h"

const char *unit_vectors = "tests/vectors";

static struct {
	struct smtp_session s;
	struct smtp_txn t[2];    /* the last started is t[cur] */
	int cur;
	struct smtp_txn_rcpt rcpt[2][RCPT_PER_LIST_MAX];
	char addrs[2][RCPT_PER_LIST_MAX][SMTP_PATH_SIZE];
	char sender[2][SMTP_PATH_SIZE];
	char out[SMTP_OUT_SIZE];
	size_t out_len;
	struct outcome last;
	char user[SMTP_AUTH_FIELD_MAX + 1], pass[SMTP_AUTH_FIELD_MAX + 1];
} v;

static int fail_at(const char *file, unsigned line, const char *why)
{
	fprintf(stderr, "  %s:%u: %s (want=%d)\n", file, line, why,
		(int)smtp_session_want(&v.s));
	unit_failed = 1;
	return -1;
}

static void ack_txn(void)
{
	if (smtp_session_want(&v.s) == SMTP_TXN_DONE)
		smtp_session_txn_done(&v.s);
}

/* Starts a transaction in the other slot (the last one may still await
 * its dot's reply). */
static int start_txn(char *args)
{
	char *w = strtok(args, " ");
	size_t n = 0;
	int c = v.cur = !v.cur;
	struct smtp_txn *t = &v.t[c];

	memset(t, 0, sizeof *t);
	if (!w)
		return -1;
	if (!strcmp(w, "<>"))
		v.sender[c][0] = 0;
	else
		snprintf(v.sender[c], sizeof v.sender[c], "%s", w);
	t->sender = v.sender[c];
	t->sender_len = strlen(v.sender[c]);
	while ((w = strtok(0, " "))) {
		if (!strncmp(w, "size=", 5))
			t->size = strtoul(w + 5, 0, 10);
		else if (!strcmp(w, "8bit"))
			t->eightbit = 1;
		else {
			snprintf(v.addrs[c][n], sizeof v.addrs[c][n], "%s", w);
			v.rcpt[c][n].addr = v.addrs[c][n];
			v.rcpt[c][n].len = strlen(w);
			n++;
		}
	}
	t->rcpt = v.rcpt[c];
	t->nrcpt = n;
	smtp_session_txn(&v.s, t);
	return 0;
}

/* expect and expect2: recipient I's outcome must be KIND STATUS. */
static int expect(const char *path, unsigned ln, const char *arg, int last)
{
	const struct smtp_txn *t = !last && v.s.prev ? v.s.prev : &v.t[v.cur];
	char kind[16], st[16];
	unsigned i;

	if (sscanf(arg, "%u %15s %15s", &i, kind, st) != 3 || i >= t->nrcpt)
		return fail_at(path, ln, "bad expect line");
	outcome_rcpt(t, i, &v.last);
	if (strcmp(outcome_name(v.last.kind), kind) || strcmp(v.last.status, st)) {
		fprintf(stderr, "  got: %s %s (%s)\n", outcome_name(v.last.kind),
			v.last.status, v.last.diag);
		return fail_at(path, ln, "outcome differs");
	}
	return 0;
}

static int run_vector(const char *path)
{
	char line[1024];
	unsigned ln = 0;
	FILE *f = fopen(path, "r");
	int started = 0;

	if (!f)
		return fail_at(path, 0, "cannot open");
	v.out_len = 0;
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		char *arg;
		ln++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (!n || line[0] == '#')
			continue;
		arg = strchr(line, ' ');
		arg = arg ? arg + 1 : line + n;
		if (!started) {
			smtp_session_init(&v.s, "client.test",
					  strncmp(line, "hello 0", 7) != 0);
			started = 1;
			if (!strncmp(line, "hello ", 6))
				continue;
		}
		/* Set-up before the greeting: "tls wanted|required",
		 * "auth USER PASS"; "handshake": the caller's TLS succeeded. */
		if (!strncmp(line, "tls ", 4)) {
			smtp_session_set_tls(&v.s, !strcmp(arg, "required")
					     ? SMTP_TLS_REQUIRED : SMTP_TLS_WANTED);
			continue;
		}
		if (!strncmp(line, "auth ", 5)) {
			char *sp = strchr(arg, ' ');
			if (!sp)
				return fail_at(path, ln, "auth USER PASS");
			*sp = 0;
			snprintf(v.user, sizeof v.user, "%s", arg);
			snprintf(v.pass, sizeof v.pass, "%s", sp + 1);
			smtp_session_set_auth(&v.s, v.user, v.pass);
			continue;
		}
		if (!strcmp(line, "needs tls")) {     /* OAuth: TLS builds */
			if (!CONFIG_TLS)
				break;
			continue;
		}
		if (!strncmp(line, "oauth ", 6)) {    /* USER TOKEN MECH */
			char mech[16];
			if (sscanf(arg, "%63s %255s %15s", v.user, v.pass,
				   mech) != 3)
				return fail_at(path, ln, "oauth USER TOKEN MECH");
			smtp_session_set_oauth(&v.s, v.user, v.pass,
					       !strcmp(mech, "oauthbearer")
					       ? SMTP_AUTH_OAUTHBEARER
					       : SMTP_AUTH_XOAUTH2,
					       "smarthost.test", 587);
			continue;
		}
		if (!strncmp(line, "why ", 4)) {      /* after done */
			if (!strstr(v.s.why, arg)) {
				fprintf(stderr, "  why: %s\n", v.s.why);
				return fail_at(path, ln, "why differs");
			}
			continue;
		}
		if (!strncmp(line, "refused ", 8)) {
			if (v.s.auth_refused != atoi(arg))
				return fail_at(path, ln, "auth_refused differs");
			continue;
		}
		if (!strcmp(line, "handshake")) {
			if (smtp_session_want(&v.s) != SMTP_WANT_TLS)
				return fail_at(path, ln, "session wants no TLS");
			smtp_session_tls_done(&v.s);
			continue;
		}
		if (!strcmp(line, "secret")) {
			/* The last client line carried credentials. */
			if (!v.s.secret)
				return fail_at(path, ln, "not marked secret");
			continue;
		}
		if (line[0] == 'S' && line[1] == ' ') {
			if (smtp_session_want(&v.s) != SMTP_WANT_REPLY)
				return fail_at(path, ln, "server line, but the "
					       "session waits for no reply");
			smtp_session_line(&v.s, arg, strlen(arg));
		} else if (line[0] == 'C' && line[1] == ' ') {
			char *nl;
			while (smtp_session_want(&v.s) == SMTP_WANT_WRITE) {
				size_t k = smtp_session_emit(&v.s, v.out + v.out_len,
							     sizeof v.out - v.out_len);
				if (!k)
					break;
				v.out_len += k;
			}
			nl = memchr(v.out, '\n', v.out_len);
			if (!nl)
				return fail_at(path, ln, "client sent nothing");
			if ((size_t)(nl - v.out) != strlen(arg) + 1 ||
			    memcmp(v.out, arg, strlen(arg)) || nl[-1] != '\r') {
				fprintf(stderr, "  got: %.*s\n", (int)(nl - v.out), v.out);
				return fail_at(path, ln, "client line differs");
			}
			v.out_len -= (size_t)(nl - v.out) + 1;
			memmove(v.out, nl + 1, v.out_len);
		} else if (!strncmp(line, "txn ", 4)) {
			ack_txn();
			if (smtp_session_want(&v.s) != SMTP_WANT_TXN)
				return fail_at(path, ln, "session not idle");
			start_txn(arg);
		} else if (!strcmp(line, "body")) {
			if (smtp_session_want(&v.s) != SMTP_WANT_BODY)
				return fail_at(path, ln, "session wants no body");
			smtp_session_body_done(&v.s);
		} else if (!strcmp(line, "fail")) {
			smtp_session_fail(&v.s, E_LOST, "connection lost (test)");
		} else if (!strncmp(line, "next ", 5)) {
			if (!smtp_session_can_queue(&v.s))
				return fail_at(path, ln, "cannot queue behind "
					       "the dot");
			start_txn(arg);
		} else if (!strcmp(line, "noqueue")) {
			if (smtp_session_can_queue(&v.s))
				return fail_at(path, ln, "can queue");
		} else if (!strcmp(line, "ack")) {
			if (smtp_session_want(&v.s) != SMTP_TXN_DONE)
				return fail_at(path, ln, "no transaction done");
			smtp_session_txn_done(&v.s);
		} else if (!strncmp(line, "expect ", 7)) {
			if (expect(path, ln, arg, 0) < 0)
				return -1;
		} else if (!strncmp(line, "expect2 ", 8)) {
			if (expect(path, ln, arg, 1) < 0)
				return -1;
		} else if (!strcmp(line, "dup")) {
			if (!v.last.dup_risk)
				return fail_at(path, ln, "no duplicate risk");
		} else if (!strcmp(line, "quit")) {
			ack_txn();
			if (smtp_session_want(&v.s) != SMTP_WANT_TXN)
				return fail_at(path, ln, "session not idle");
			smtp_session_quit(&v.s);
		} else if (!strncmp(line, "done ", 5)) {
			if (v.out_len)
				return fail_at(path, ln, "unchecked client output");
			while (smtp_session_want(&v.s) == SMTP_WANT_WRITE)
				if (!smtp_session_emit(&v.s, v.out, sizeof v.out))
					break;
			if (smtp_session_want(&v.s) != SMTP_DONE)
				return fail_at(path, ln, "session not done");
			if ((v.s.error != 0) != (strcmp(arg, "0") != 0))
				return fail_at(path, ln, "error state differs");
		} else {
			return fail_at(path, ln, "unknown directive");
		}
	}
	fclose(f);
	return 0;
}

static void vectors(void)
{
	char dir[512], path[1024];
	DIR *d;
	struct dirent *e;
	unsigned n = 0;

	snprintf(dir, sizeof dir, "%s/session", unit_vectors);
	d = opendir(dir);
	CHECK(d != 0);
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".vec"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (run_vector(path) < 0)
			fprintf(stderr, "  in vector %s\n", e->d_name);
		n++;
	}
	closedir(d);
	printf("     (%u session vectors)\n", n);
	CHECK(n >= 10);
}

/* The longest token and user name: the AUTH line, encoded in place in
 * the output buffer (as the relay gives it: all of SMTP_OUT_SIZE), decodes
 * to exactly OAUTHBEARER's initial response. */
static void longest_oauth_line(void)
{
	static struct smtp_session s;
	static char token[SMTP_OAUTH_TOKEN_MAX + 1], user[SMTP_AUTH_FIELD_MAX + 1];
	static char out[SMTP_OUT_SIZE], raw[SMTP_OUT_SIZE], want[SMTP_OUT_SIZE];
	static const char *const lines[] = { "220 hi", "250-hi", "250 AUTH OAUTHBEARER" };
	size_t n, i;
	long rl;
	int wl;

	if (!CONFIG_TLS) {
		printf("     OAuth is left out of a CONFIG_TLS=0 build\n");
		return;
	}
	memset(token, 'k', SMTP_OAUTH_TOKEN_MAX);
	memset(user, 'u', SMTP_AUTH_FIELD_MAX);
	user[3] = ',';
	smtp_session_init(&s, "client.test", 1);
	smtp_session_tls_implicit(&s);
	smtp_session_set_oauth(&s, user, token, SMTP_AUTH_OAUTHBEARER,
			       "smtp.office365.com", 587);
	for (i = 0; i < 3; i++) {
		while (smtp_session_want(&s) == SMTP_WANT_WRITE)
			CHECK(smtp_session_emit(&s, out, sizeof out) > 0);
		smtp_session_line(&s, lines[i], strlen(lines[i]));
	}
	CHECK(smtp_session_want(&s) == SMTP_WANT_WRITE);
	n = smtp_session_emit(&s, out, sizeof out);
	CHECK(n > 17 && !memcmp(out, "AUTH OAUTHBEARER ", 17) && s.secret);
	rl = b64_decode(out + 17, n - 19, raw, sizeof raw);
	user[3] = 0;
	wl = snprintf(want, sizeof want, "n,a=%s=2C%s,\001host=smtp.office365.com"
		      "\001port=587\001auth=Bearer %s\001\001", user, user + 4,
		      token);
	CHECK(rl == wl && !memcmp(raw, want, (size_t)wl));
	CHECK(!memchr(out + n, 'k', sizeof out - n));   /* no token left over */
}

UNIT_SUITE(session_tests) = {
	{ "session: transcripts in tests/vectors/session", vectors },
	{ "session: the longest OAuth AUTH line, encoded in place",
	  longest_oauth_line },
	UNIT_END
};
