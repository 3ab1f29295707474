/* bounce_parts.c: the report's two parts for a person and a program
 * (bounce_int.h). */
#include <string.h>
#include "bounce_int.h"
#include "fmt.h"
#include "qp.h"
#include "utf8.h"

/* A diagnostic or address in the delivery status, whose fields are
 * US-ASCII (RFC 3464 section 2.1.2): a UTF-8 character as "\x{HHHH}" (RFC 6533 section
 * 3), a byte that is no UTF-8 as "\x{FFFD}". */
static void put_ascii(struct wbuf *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, len;

	while (i < n) {
		unsigned long cp;
		char e[12];
		int d;
		k = utf8_char(p + i, n - i, &cp);
		if (k == 1) {
			wbuf_put(w, s + i, 1);
			i++;
			continue;
		}
		if (!k) {
			cp = 0xfffd;
			k = 1;
		}
		len = 0;
		e[len++] = '\\';
		e[len++] = 'x';
		e[len++] = '{';
		for (d = cp > 0xffff ? 5 : 3; d >= 0; d--)
			e[len++] = hex[cp >> (4 * d) & 15];
		e[len++] = '}';
		wbuf_put(w, e, len);
		i += k;
	}
}

/* The notification's text, one line at a time: US-ASCII as it is, or,
 * when a server's reply has 8-bit bytes, UTF-8 quoted-printable (a byte
 * that is no UTF-8 shown as '?'), so the report itself stays 7-bit. */
static struct {
	struct wbuf *w;
	int qp;
	size_t len;
	char line[SMTP_PATH_SIZE + SMTP_DOMAIN_SIZE + SMTP_DIAG_SIZE + 64];
	char enc[QP_MAX(SMTP_PATH_SIZE + SMTP_DOMAIN_SIZE + SMTP_DIAG_SIZE + 64)];
} text;

static void tl_add(const char *s, size_t n)
{
	if (n > sizeof text.line - text.len)
		n = sizeof text.line - text.len;
	memcpy(text.line + text.len, s, n);
	text.len += n;
}

static void tl_adds(const char *s)
{
	tl_add(s, strlen(s));
}

static void tl_end(void)
{
	size_t i = 0, k, col = 0;
	unsigned long cp;

	if (!text.qp) {
		wbuf_put(text.w, text.line, text.len);
		wbuf_puts(text.w, "\n");
		text.len = 0;
		return;
	}
	while (i < text.len) {
		k = utf8_char((unsigned char *)text.line + i, text.len - i, &cp);
		if (!k)
			text.line[i] = '?';
		i += k ? k : 1;
	}
	wbuf_put(text.w, text.enc, qp_encode(text.line, text.len, 1, &col,
					     text.enc));
	text.len = 0;
}

/* The words of the first part for each kind of report. */
static const char *const intro[] = {
	"Your message could not be delivered to one or more recipients.",
	"Your message could not be delivered yet to the recipients below. This "
	"is a warning only: the mail system goes on trying, and you need not "
	"send the message again.",
	"Your message was relayed to the recipients below, to a server that "
	"gives no delivery reports (no DSN): this is the last report about it.",
};

void bounce_put_notification(struct wbuf *w, const struct bounce *b,
			     int headers_only, int cut)
{
	char date[40];
	size_t i;

	text.w = w;
	text.len = 0;
	text.qp = 0;
	for (i = 0; i < b->nrcpt; i++)
		text.qp |= utf8_has8(b->rcpt[i].o->diag, strlen(b->rcpt[i].o->diag)) ||
			   utf8_has8(b->rcpt[i].addr, b->rcpt[i].len);
	wbuf_puts(w, text.qp ? "\nContent-Description: Notification\n"
		     "Content-Type: text/plain; charset=utf-8\n"
		     "Content-Transfer-Encoding: quoted-printable\n\n"
		   : "\nContent-Description: Notification\n"
		     "Content-Type: text/plain; charset=us-ascii\n\n");
	tl_adds("This is the mail system at host ");
	tl_adds(b->reporting_mta);
	tl_adds(".");
	tl_end();
	tl_end();
	tl_adds(intro[b->action]);
	tl_end();
	if (b->action == BOUNCE_DELAYED && b->retry_until) {
		bounce_date((time_t)b->retry_until, date);
		tl_adds("It gives up on ");
		tl_adds(date);
		tl_adds(".");
		tl_end();
	}
	tl_adds(headers_only ? "The reasons are below; the header of your "
			       "message is attached."
			     : "The reasons are below; your message is attached.");
	tl_end();
	tl_end();
	if (cut) {
		char num[24];
		fmt_into(num, sizeof num, "%d", BOUNCE_ORIG_SIZE);
		tl_adds("The header of your message is longer than ");
		tl_adds(num);
		tl_adds(" bytes: only its first lines are attached.");
		tl_end();
		tl_end();
	}
	for (i = 0; i < b->nrcpt; i++) {
		const struct bounce_rcpt *r = &b->rcpt[i];
		tl_adds("<");
		tl_add(r->addr, r->len);
		tl_adds(">: ");
		if (r->o->from_server && b->remote_mta) {
			tl_adds("host ");
			tl_adds(b->remote_mta);
			tl_adds(" said: ");
		}
		tl_adds(r->o->diag);
		tl_end();
		tl_end();
	}
}

/* "Name: TYPE; address" and its line end: rfc822, or utf-8 with its
 * characters escaped (RFC 6533 section 3). */
static void put_addr_field(struct wbuf *w, const char *name, const char *type,
			   size_t tlen, const char *a, size_t n)
{
	wbuf_puts(w, name);
	if (type)
		wbuf_put(w, type, tlen);
	else
		wbuf_puts(w, utf8_has8(a, n) ? "utf-8" : "rfc822");
	wbuf_puts(w, "; ");
	put_ascii(w, a, n);
	wbuf_puts(w, "\n");
}

static void put_date_field(struct wbuf *w, const char *name, time_t t)
{
	char date[40];
	bounce_date(t, date);
	wbuf_puts(w, name);
	wbuf_puts(w, date);
	wbuf_puts(w, "\n");
}

/* One recipient's block, after its empty line. */
static void put_rcpt_block(struct wbuf *w, const struct bounce *b,
			   const struct bounce_rcpt *r)
{
	static const char *const action[] = { "failed", "delayed", "relayed" };
	const struct dsn_rcpt *d = r->dsn;

	if (d && d->orcpt_len) {
		const char *semi = memchr(d->orcpt, ';', d->orcpt_len);
		size_t t = (size_t)(semi - d->orcpt);
		put_addr_field(w, "Original-Recipient: ", d->orcpt, t, semi + 1,
			       d->orcpt_len - t - 1);
	}
	put_addr_field(w, "Final-Recipient: ", 0, 0, r->addr, r->len);
	wbuf_puts(w, "Action: ");
	wbuf_puts(w, action[b->action]);
	wbuf_puts(w, "\nStatus: ");
	wbuf_puts(w, r->o->status);
	wbuf_puts(w, "\n");
	if (b->remote_mta && r->o->from_server) {
		wbuf_puts(w, "Remote-MTA: dns; ");
		wbuf_puts(w, b->remote_mta);
		wbuf_puts(w, "\n");
	}
	wbuf_puts(w, r->o->from_server ? "Diagnostic-Code: smtp; "
				       : "Diagnostic-Code: X-smtprc; ");
	put_ascii(w, r->o->diag, strlen(r->o->diag));
	wbuf_puts(w, "\n");
	put_date_field(w, "Last-Attempt-Date: ", b->now);
	if (b->action == BOUNCE_DELAYED && b->retry_until)
		put_date_field(w, "Will-Retry-Until: ", (time_t)b->retry_until);
}

void bounce_put_status(struct wbuf *w, const struct bounce *b,
		       const char *boundary)
{
	size_t i;

	wbuf_puts(w, "--");
	wbuf_puts(w, boundary);
	wbuf_puts(w, "\nContent-Description: Delivery report\n"
		     "Content-Type: message/delivery-status\n\n");
	if (b->dsn && b->dsn->envid_len) {
		wbuf_puts(w, "Original-Envelope-Id: ");
		wbuf_put(w, b->dsn->envid, b->dsn->envid_len);
		wbuf_puts(w, "\n");
	}
	wbuf_puts(w, "Reporting-MTA: dns; ");
	wbuf_puts(w, b->reporting_mta);
	wbuf_puts(w, "\nX-Smtprc-Queue-ID: ");
	wbuf_puts(w, b->id);
	wbuf_puts(w, "\n");
	put_date_field(w, "Arrival-Date: ", (time_t)b->queued);
	for (i = 0; i < b->nrcpt; i++) {
		wbuf_puts(w, "\n");
		put_rcpt_block(w, b, &b->rcpt[i]);
	}
}
