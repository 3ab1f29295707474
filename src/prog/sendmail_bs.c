/* sendmail_bs.c: sendmail -bs (sendmail_int.h), SMTP on standard input
 * and output, as Nextcloud and Swift Mailer speak it by default: EHLO or
 * HELO, MAIL, RCPT, DATA (as many messages as the client sends), RSET,
 * NOOP, VRFY, HELP, QUIT. Each message becomes one maildrop entry exactly
 * as sendmail's own (same checks, same limits, same header additions);
 * "250 queued as ID" comes only once the entry is durable. Any failure is
 * answered with its reply (451 or 554 and the sentence) and ends the
 * session, nothing queued for that message.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "addr.h"
#include "err.h"
#include "fmt.h"
#include "opt.h"
#include "sendmail_int.h"

/* A command line: RFC 5321's 512 octets, and 500 more for parameters. */
static char line[1024];

static void reply(const char *text)
{
	out_puts(text);
	out_puts("\r\n");
	out_flush();
}

/* err_fatal's sentence as the client's reply, then the session ends. */
static void fatal_reply(int status, const char *msg)
{
	char text[600];
	out_printf("%s %s\r\n", status == EX_DATAERR_ ? "554 5.6.0" : "451 4.3.0",
		   err_printable(text, sizeof text, msg));
	out_flush();
}

/* Reads one command line into line (CR LF taken off). Returns its length,
 * -1 at the end of input, -2 when it was longer than line (discarded). */
static long get_line(void)
{
	struct sendmail_in *in = &sendmail_in;
	size_t n = 0;
	int over = 0;

	for (;;) {
		char c;
		if (in->pos == in->len) {
			ssize_t r = read(0, in->raw, sizeof in->raw);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			in->pos = 0;
			in->len = (size_t)r;
		}
		c = in->raw[in->pos++];
		if (c == '\n') {
			if (n && line[n - 1] == '\r')
				n--;
			line[n] = 0;
			return over ? -2 : (long)n;
		}
		if (n < sizeof line - 1)
			line[n++] = c;
		else
			over = 1;
	}
}

/* 1 when the line is the command v (upper case; any case taken): the
 * word, then the end or a space, or a prefix ending in ':'. */
static int is(const char *v)
{
	size_t i, n = strlen(v);
	for (i = 0; i < n; i++) {
		char c = line[i] >= 'a' && line[i] <= 'z' ? (char)(line[i] - 32)
							   : line[i];
		if (c != v[i])
			return 0;
	}
	return v[n - 1] == ':' || line[n] == 0 || line[n] == ' ';
}

/* The path of "MAIL FROM:" or "RCPT TO:" (p after the colon) into out;
 * *params gets what follows it. Returns 0 or a reply. */
static const char *path_of(const char *p, char *out, size_t size,
			   const char **params)
{
	size_t end;

	while (*p == ' ')
		p++;
	if (*p != '<')
		return "501 5.5.4 the path goes between < and >";
	end = addr_path_end(p + 1, strlen(p + 1));
	if (!p[1 + end] || end >= size)
		return "501 5.5.4 a malformed path";
	memcpy(out, p + 1, end);
	out[end] = 0;
	*params = p + 2 + end;
	return 0;
}

/* MAIL's parameters: SIZE (checked), BODY, SMTPUTF8; others refused. */
static const char *mail_params(const char *p, unsigned long maxsize)
{
	while (*p) {
		size_t n;
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (!n)
			break;
		if (!strncmp(p, "SIZE=", 5) || !strncmp(p, "size=", 5)) {
			char num[21];         /* RFC 1870: 1*20DIGIT */
			unsigned long v = ULONG_MAX;
			if (n == 5 || n - 5 >= sizeof num ||
			    strspn(p + 5, "0123456789") < n - 5)
				return "501 5.5.4 SIZE=1*20DIGIT (RFC 1870)";
			memcpy(num, p + 5, n - 5);
			num[n - 5] = 0;
			opt_number(num, ULONG_MAX, &v);  /* else too big */
			if (maxsize && v > maxsize)
				return "552 5.3.4 message size exceeds the "
				       "max-message-size of this system";
		} else if (strncmp(p, "BODY=", 5) && strncmp(p, "body=", 5) &&
			   (n != 8 || strncmp(p, "SMTPUTF8", 8)))
			return "555 5.5.4 parameter not recognized";
		p += n;
	}
	return 0;
}

/* The session's state: a sender once MAIL was taken, and how many
 * recipients RCPT added. */
static struct {
	char sender[SMTP_PATH_SIZE];
	int mail;
	size_t rcpts;
} tx;

/* MAIL FROM: the null path, or an address (a name without a domain is
 * qualified with the origin). */
static void cmd_mail(const char *origin, unsigned long maxsize)
{
	const char *params, *why;
	char path[SMTP_PATH_SIZE];

	if (tx.mail) {
		reply("503 5.5.1 MAIL again: RSET first");
		return;
	}
	if ((why = path_of(line + 10, path, sizeof path, &params)) != 0 ||
	    (why = mail_params(params, maxsize)) != 0) {
		reply(why);
		return;
	}
	if (path[0] && !memchr(path, '@', strlen(path)) &&
	    strlen(path) + strlen(origin) + 2 <= sizeof path) {
		strcat(path, "@");
		strcat(path, origin);
	}
	if (path[0] && !addr_valid(path, strlen(path))) {
		reply("553 5.1.7 the sender is no mail address");
		return;
	}
	memcpy(tx.sender, path, sizeof path);
	tx.mail = 1;
	reply("250 2.1.0 ok");
}

static void cmd_rcpt(const char *origin)
{
	const char *params, *why;
	char path[SMTP_PATH_SIZE], text[SMTP_PATH_SIZE + 64];

	if (!tx.mail) {
		reply("503 5.5.1 MAIL first");
		return;
	}
	if ((why = path_of(line + 8, path, sizeof path, &params)) != 0) {
		reply(why);
		return;
	}
	why = sendmail_rcpt_add(path, origin);
	if (why) {
		fmt_into(text, sizeof text, "%s %s", why == sendmail_too_many
			 ? "452 4.5.3" : "553 5.1.3", why);
		reply(text);
		return;
	}
	tx.rcpts++;
	reply("250 2.1.5 ok");
}

static void cmd_data(const char *origin)
{
	char id[QUEUE_ID_SIZE], text[QUEUE_ID_SIZE + 40];

	if (!tx.mail || !tx.rcpts) {
		reply(tx.mail ? "554 5.5.1 no valid recipients"
			      : "503 5.5.1 MAIL first");
		return;
	}
	reply("354 end data with <CR><LF>.<CR><LF>");
	dotend_init(&sendmail_in.dot, 1);
	sendmail_in.dot.unstuff = 1;
	sendmail_in.eof = 0;
	sendmail_queue_one(tx.sender, origin, id);
	fmt_into(text, sizeof text, "250 2.0.0 ok: queued as %s", id);
	reply(text);
	tx.mail = 0;
	tx.rcpts = 0;
}

int sendmail_bs(const char *origin, unsigned long maxsize)
{
	char text[SMTP_DOMAIN_SIZE + 160];
	long n;

	err_fatal_hook = fatal_reply;
	fmt_into(text, sizeof text, "220 %s ESMTP smtprc (sendmail -bs)", origin);
	reply(text);
	while ((n = get_line()) != -1) {
		if (n == -2)
			reply("500 5.5.2 line too long");
		else if (is("EHLO")) {
			fmt_into(text, sizeof text, "250-%s\r\n250-PIPELINING\r\n"
				 "250-8BITMIME\r\n250-SMTPUTF8\r\n250-SIZE %lu\r\n"
				 "250 ENHANCEDSTATUSCODES", origin, maxsize);
			reply(text);
		} else if (is("HELO")) {
			fmt_into(text, sizeof text, "250 %s", origin);
			reply(text);
		} else if (is("MAIL FROM:"))
			cmd_mail(origin, maxsize);
		else if (is("RCPT TO:"))
			cmd_rcpt(origin);
		else if (is("DATA"))
			cmd_data(origin);
		else if (is("RSET")) {
			sendmail_rcpt_reset();
			tx.mail = 0;
			tx.rcpts = 0;
			reply("250 2.0.0 ok");
		} else if (is("NOOP"))
			reply("250 2.0.0 ok");
		else if (is("VRFY"))
			reply("252 2.5.0 not verified; send it and see");
		else if (is("HELP"))
			reply("214 2.0.0 EHLO HELO MAIL RCPT DATA RSET NOOP QUIT");
		else if (is("QUIT")) {
			reply("221 2.0.0 bye");
			return 0;
		} else
			reply("500 5.5.1 command not recognized");
	}
	return 0;
}
