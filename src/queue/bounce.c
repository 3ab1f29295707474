/* bounce.c: see bounce.h. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "readfile.h"
#include "bounce_int.h"
#include "err.h"
#include "fmt.h"
#include "maildrop.h"
#include "wbuf.h"

/* UTC calendar fields of t without gmtime_r, whose musl version pulls in
 * the time-zone reader and its allocator (about 6 KB): days since the
 * epoch to a civil date by the usual era arithmetic (400-year cycles of
 * 146097 days, years starting in March). One 64-bit division, then long
 * (32 bits on the boards: 64-bit arithmetic is long code there), with the
 * day clamped to within 2,000,000,000 days (5 million years) of 1970. */
static void utc(time_t t, struct tm *tm)
{
	long long d = (long long)t / 86400;
	long rem = (long)((long long)t - d * 86400);
	long days, era, doe, yoe, y, doy, mp;

	if (rem < 0) {
		rem += 86400;
		d--;
	}
	if (d > 2000000000 || d < -2000000000)
		d = d > 0 ? 2000000000 : -2000000000;
	days = (long)d;
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem / 60 % 60);
	tm->tm_sec = (int)(rem % 60);
	tm->tm_wday = (int)((days % 7 + 11) % 7);     /* 1970-01-01: Thursday */
	days += 719468;                                /* from 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	tm->tm_year = (int)(y + (tm->tm_mon <= 1) - 1900);
}

void bounce_date(time_t t, char *out)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;

	utc(t, &tm);
	/* Four digits of the year, as before: a text of 31 bytes. */
	fmt_into(out, 32, "%.3s, %02d %.3s %04d %02d:%02d:%02d +0000",
		 days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon,
		 (tm.tm_year + 1900) % 10000, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The chunk buffer of header_part and put_original, which run one after
 * the other: static, so that bounce_write's frame stays small (appliances
 * run with small stacks; tools/stack.py). Not reentrant, like the
 * programs. */
static char scratch[BODY_CHUNK_SIZE];

/* How much of the original a headers-only bounce returns: the header up
 * to (not including) its empty line, or, when that is longer than
 * BOUNCE_ORIG_SIZE, up to the last line end within that size (*cut set). */
static off_t header_part(int fd, int *cut)
{
	char *buf = scratch;
	off_t off = 0, last_end = 0;
	int nl = 1;

	*cut = 0;
	for (;;) {
		long n = readfile_pread(fd, buf, sizeof scratch, off), k;
		if (n <= 0)
			return off; /* no body: the whole file is header */
		for (k = 0; k < n; k++) {
			off_t at = off + k;
			if (buf[k] == '\n' && nl)
				return at; /* the empty line */
			if (at >= BOUNCE_ORIG_SIZE) {
				*cut = 1;
				return last_end;
			}
			if (buf[k] == '\n')
				last_end = at + 1;
			nl = buf[k] == '\n' || (buf[k] == '\r' && nl);
		}
		off += n;
	}
}

/* Copies the first len bytes of the original into w, and a line end if
 * they do not end with one. */
static void put_original(struct wbuf *w, int fd, off_t len)
{
	char *buf = scratch;
	off_t off = 0;
	char last = '\n';

	while (off < len) {
		size_t want = len - off < (off_t)sizeof scratch ? (size_t)(len - off)
							     : sizeof scratch;
		long n = readfile_pread(fd, buf, want, off);
		if (n <= 0) {
			w->err = n < 0 ? errno : EIO;
			return;
		}
		wbuf_put(w, buf, (size_t)n);
		last = buf[n - 1];
		off += n;
	}
	if (last != '\n')
		wbuf_puts(w, "\n");
}

/* 1 when the first len bytes of the original have an 8-bit byte (the
 * part that returns them says 8bit, RFC 2045 section 6.2), -1 when they
 * cannot be read. */
static int original_8bit(int fd, off_t len)
{
	off_t off = 0;
	long n, k;

	while (off < len) {
		size_t want = len - off < (off_t)sizeof scratch ? (size_t)(len - off)
							     : sizeof scratch;
		n = readfile_pread(fd, scratch, want, off);
		if (n <= 0)
			return -1;
		for (k = 0; k < n; k++)
			if ((unsigned char)scratch[k] & 0x80)
				return 1;
		off += n;
	}
	return 0;
}

/* The report's header and the start of its first part. */
static void put_head(struct wbuf *w, const struct bounce *b, const char *id,
		     const char *boundary, int eightbit)
{
	static const char *const subject[] = {
		"Undelivered Mail Returned to Sender",
		"Delayed Mail (still being retried)",
		"Successful Mail Delivery Report",
	};
	char date[40];

	bounce_date(b->now, date);
	wbuf_puts(w, "From: Mail Delivery System <MAILER-DAEMON@");
	wbuf_puts(w, b->reporting_mta);
	wbuf_puts(w, ">\nTo: <");
	wbuf_put(w, b->sender, b->sender_len);
	wbuf_puts(w, ">\nSubject: ");
	wbuf_puts(w, subject[b->action]);
	wbuf_puts(w, "\nDate: ");
	wbuf_puts(w, date);
	wbuf_puts(w, "\nMessage-ID: <");
	wbuf_puts(w, id);
	wbuf_puts(w, ".bounce@");
	wbuf_puts(w, b->reporting_mta);
	wbuf_puts(w, ">\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
		     "Content-Type: multipart/report; "
		     "report-type=delivery-status;\n\tboundary=\"");
	wbuf_puts(w, boundary);
	wbuf_puts(w, eightbit ? "\"\nContent-Transfer-Encoding: 8bit\n\n"
				"This is a MIME-encapsulated message.\n\n--"
			      : "\"\n\nThis is a MIME-encapsulated message.\n\n--");
	wbuf_puts(w, boundary);
}

int bounce_write(struct queue *q, const struct bounce *b)
{
	char wb[4096], id[QUEUE_ID_SIZE], boundary[QUEUE_ID_SIZE + 16];
	const char *to[1] = { b->sender };
	size_t tolen[1] = { b->sender_len };
	struct queue_tmp t;
	struct wbuf w;
	struct stat st;
	int headers_only, cut = 0, eightbit;
	off_t orig_len;

	if (fstat(b->msgfd, &st) < 0)
		return E_SYS;
	headers_only = st.st_size > BOUNCE_ORIG_SIZE ||
		       b->action != BOUNCE_FAILED ||
		       (b->dsn && b->dsn->ret == DSN_RET_HDRS);
	orig_len = headers_only ? header_part(b->msgfd, &cut) : st.st_size;
	eightbit = original_8bit(b->msgfd, orig_len);
	if (eightbit < 0)
		return E_SYS;
	if (queue_tmp_open(q, &t) < 0)
		return E_SYS;
	queue_new_id(q, id);
	memcpy(boundary, id, strlen(id));
	memcpy(boundary + strlen(id), "/smtprc=", 9);
	wbuf_init(&w, t.fd, wb, sizeof wb);

	maildrop_put_envelope(&w, "", 0, to, tolen, 1, 0, 0);
	put_head(&w, b, id, boundary, eightbit);
	bounce_put_notification(&w, b, headers_only, cut);
	bounce_put_status(&w, b, boundary);
	wbuf_puts(&w, "\n--");
	wbuf_puts(&w, boundary);
	wbuf_puts(&w, b->action != BOUNCE_FAILED ? "\nContent-Description: "
		  "Message Headers\nContent-Type: text/rfc822-headers\n"
		  : headers_only ? "\nContent-Description: Undelivered "
				   "Message Headers\nContent-Type: "
				   "text/rfc822-headers\n"
				 : "\nContent-Description: Undelivered "
				   "Message\nContent-Type: message/rfc822\n");
	wbuf_puts(&w, eightbit ? "Content-Transfer-Encoding: 8bit\n\n" : "\n");
	put_original(&w, b->msgfd, orig_len);
	wbuf_puts(&w, "\n--");
	wbuf_puts(&w, boundary);
	wbuf_puts(&w, "--\n");
	if (wbuf_flush(&w) < 0) {
		queue_tmp_abort(q, &t);
		return E_SYS;
	}
	return queue_tmp_commit_entry(q, &t, id);
}
