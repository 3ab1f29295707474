/* maildrop.c: see maildrop.h. */
#include <string.h>
#include "err.h"
#include "maildrop.h"
#include "rcptlist.h"

void maildrop_put_envelope(struct wbuf *w, const char *sender,
			   size_t sender_len, const char *const *rcpt,
			   const size_t *rcpt_len, size_t n,
			   const struct dsn_msg *dm, const struct dsn_rcpt *dr)
{
	char lines[DSN_LINES_MAX];
	size_t i;
	int v2 = dsn_msg_any(dm);

	for (i = 0; dr && i < n; i++)
		v2 |= dsn_rcpt_any(&dr[i]);
	wbuf_puts(w, v2 ? "smtprc-maildrop 2\nsender <" : "smtprc-maildrop 1\nsender <");
	wbuf_put(w, sender, sender_len);
	wbuf_puts(w, ">\n");
	if (v2)
		wbuf_put(w, lines, dsn_lines(dm, 0, lines));
	for (i = 0; i < n; i++) {
		wbuf_puts(w, "rcpt <");
		wbuf_put(w, rcpt[i], rcpt_len[i]);
		wbuf_puts(w, ">\n");
		if (v2 && dr)
			wbuf_put(w, lines, dsn_lines(0, &dr[i], lines));
	}
	wbuf_puts(w, "\n");
}

/* "<...>" up to the line end. strict: the path proper (addr_path_end),
 * as a sender must be; else any bytes but controls, so that one
 * malformed recipient is bounced by the posting office (5.1.3) instead of
 * holding the entry and its good recipients. */
static int bracketed(const char *s, size_t n, struct maildrop_addr *a,
		     int strict)
{
	size_t i;
	if (n < 2 || s[0] != '<' || s[n - 1] != '>')
		return 0;
	if (strict && addr_path_end(s + 1, n - 1) != n - 2)
		return 0;
	for (i = 1; i + 1 < n; i++)
		if ((unsigned char)s[i] < ' ' || (unsigned char)s[i] == 127)
			return 0;
	a->addr = s + 1;
	a->len = n - 2;
	return 1;
}

/* One envelope line after the first: sender, rcpt, or (version 2) a DSN
 * line. Returns 0 or E_LIST with e->err set. */
static int envelope_line(struct maildrop_env *e, const char *s, size_t n,
			 int v2, int *have_sender)
{
	const char *sp = memchr(s, ' ', n);
	size_t k = sp ? (size_t)(sp - s) : n;
	int rc;

	if (!*have_sender) {
		if (n < 7 || memcmp(s, "sender ", 7)) {
			e->err = "second line is not \"sender <...>\"";
			return E_LIST;
		}
		if (n == 9 && !memcmp(s + 7, "<>", 2)) {
			e->sender.addr = s + 8;
			e->sender.len = 0;
		} else if (!bracketed(s + 7, n - 7, &e->sender, 1) ||
			   !addr_valid(e->sender.addr, e->sender.len)) {
			e->err = "malformed sender address";
			return E_LIST;
		}
		*have_sender = 1;
		return 0;
	}
	if (v2 && sp) {
		rc = dsn_line(s, k, sp + 1, n - k - 1, e->nrcpt ? 0 : &e->dsn_msg,
			      e->nrcpt ? &e->dsn[e->nrcpt - 1] : 0);
		if (rc < 0) {
			e->err = "a malformed or misplaced DSN line (envid, ret, "
				 "notify, orcpt)";
			return E_LIST;
		}
		if (rc > 0)
			return 0;
	}
	if (n < 5 || memcmp(s, "rcpt ", 5)) {
		e->err = "a line other than \"rcpt <...>\"";
		return E_LIST;
	}
	if (e->nrcpt == MAILDROP_RCPT_MAX) {
		e->err = "more recipients than MAILDROP_RCPT_MAX";
		return E_LIST;
	}
	if (!bracketed(s + 5, n - 5, &e->rcpt[e->nrcpt], 0) ||
	    !e->rcpt[e->nrcpt].len) {
		e->err = "malformed recipient address";
		return E_LIST;
	}
	memset(&e->dsn[e->nrcpt], 0, sizeof e->dsn[0]);
	e->nrcpt++;
	return 0;
}

int maildrop_parse(struct maildrop_env *e, const char *buf, size_t len)
{
	static const char head[] = "smtprc-maildrop 1\n";
	size_t pos = sizeof head - 1;
	int have_sender = 0, v2;

	e->nrcpt = 0;
	e->err = 0;
	memset(&e->dsn_msg, 0, sizeof e->dsn_msg);
	if (len < pos || memcmp(buf, head, pos - 2) ||
	    (buf[pos - 2] != '1' && buf[pos - 2] != '2') || buf[pos - 1] != '\n') {
		e->err = "not a maildrop entry (first line)";
		return E_LIST;
	}
	v2 = buf[pos - 2] == '2';
	for (;;) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n;
		if (!nl) {
			e->err = "envelope without its empty line (or larger than "
				 "MAILDROP_ENVELOPE_SIZE)";
			return E_LIST;
		}
		n = (size_t)(nl - s);
		pos += n + 1;
		if (n == 0)
			break;
		if (envelope_line(e, s, n, v2, &have_sender) < 0)
			return E_LIST;
	}
	if (!have_sender || !e->nrcpt) {
		e->err = "no sender or no recipient";
		return E_LIST;
	}
	e->msg_off = pos;
	return 0;
}
