/* mime7.c: see mime7.h. */
#include <string.h>
#include "mime7.h"
#include "qp.h"
#include "utf8.h"

enum { HEADER, BODY, OUTSIDE };                  /* m->state */
enum { LEAF, MULTI, MESSAGE, OPAQUE };           /* m->kind */
enum { CTE_NONE, CTE_7BIT, CTE_8BIT, CTE_BINARY, CTE_QP, CTE_BASE64,
       CTE_OTHER };                              /* m->cte */

static const char qp_field[] = "Content-Transfer-Encoding: quoted-printable\n";
static const char seven_field[] = "Content-Transfer-Encoding: 7bit\n";

/* The longest output of one step: a line quoted-printable (3 octets per
 * byte, "=\n" every 75 octets, the line end), or a field, the held C-T-E
 * field, the fields added and the empty line. */
_Static_assert(MIME7_OUT_SIZE >= QP_MAX(MIME7_LINE_SIZE), "a quoted line fits");
_Static_assert(MIME7_OUT_SIZE >= MIME7_FIELD_SIZE + MIME7_CTE_SIZE +
	       sizeof qp_field + 128 + 2, "a field and its additions fit");

static void put(struct mime7 *m, const char *s, size_t n)
{
	if (!m->convert)
		return;
	memcpy(m->out + m->olen, s, n);
	m->olen += n;
}

static void why(struct mime7 *m, const char *reason)
{
	if (!m->why)
		m->why = reason;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* 1 when s[0..n) starts with the ASCII word w, ignoring case. */
static int starts(const char *s, size_t n, const char *w)
{
	size_t i, k = strlen(w);
	if (n < k)
		return 0;
	for (i = 0; i < k; i++)
		if (lower((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

/* Keeps track of whether the 8-bit bytes seen are UTF-8. */
static void utf8_track(struct mime7 *m, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (m->utf8_left) {
			if ((c & 0xc0) != 0x80)
				m->not_utf8 = 1;
			m->utf8_left--;
		} else if (c >= 0xc2 && c <= 0xdf)
			m->utf8_left = 1;
		else if (c >= 0xe0 && c <= 0xef)
			m->utf8_left = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			m->utf8_left = 3;
		else if (c & 0x80)
			m->not_utf8 = 1;
	}
}

/* Past the field name and its colon, blanks and line ends skipped. */
static size_t value_at(const char *f, size_t n)
{
	size_t i = 0;
	while (i < n && f[i] != ':')
		i++;
	for (i++; i < n && (f[i] == ' ' || f[i] == '\t' || f[i] == '\r' ||
			    f[i] == '\n'); i++)
		;
	return i;
}

/* The boundary parameter of a Content-Type field, into pending_b. */
static void boundary_of(struct mime7 *m, const char *f, size_t n)
{
	size_t i, k;

	m->pending_blen = 0;
	for (i = 0; i + 9 <= n; i++) {
		if ((i && f[i - 1] != ';' && f[i - 1] != ' ' && f[i - 1] != '\t' &&
		     f[i - 1] != '\n') || !starts(f + i, n - i, "boundary="))
			continue;
		i += 9;
		k = 0;
		if (i < n && f[i] == '"') {
			for (i++; i < n && f[i] != '"'; i++)
				if (k < MIME7_BOUNDARY_MAX)
					m->pending_b[k++] = f[i];
				else
					return;
			if (i == n)
				return;
		} else {
			for (; i < n && f[i] != ';' && f[i] != ' ' && f[i] != '\t' &&
			       f[i] != '\r' && f[i] != '\n'; i++)
				if (k < MIME7_BOUNDARY_MAX)
					m->pending_b[k++] = f[i];
				else
					return;
		}
		m->pending_blen = k;
		return;
	}
}

/* What a complete header field says; the field goes out, except a
 * Content-Transfer-Encoding field, held until the header's end. */
static void field_done(struct mime7 *m)
{
	const char *f = m->field, *v;
	size_t n = m->flen, vi;

	if (!n)
		return;
	m->flen = 0;
	vi = value_at(f, n);
	v = f + vi;
	if (starts(f, n, "content-type:")) {
		m->mime = 1;
		if (starts(v, n - vi, "multipart/")) {
			boundary_of(m, v, n - vi);
			m->kind = m->pending_blen ? MULTI : OPAQUE;
		} else if (starts(v, n - vi, "message/rfc822"))
			m->kind = MESSAGE;
		else if (starts(v, n - vi, "message/"))
			m->kind = OPAQUE;
		else
			m->kind = LEAF;
	} else if (starts(f, n, "mime-version:"))
		m->mime = 1;
	if (!starts(f, n, "content-transfer-encoding:")) {
		put(m, f, n);
		return;
	}
	m->cte = starts(v, n - vi, "7bit") ? CTE_7BIT :
		 starts(v, n - vi, "8bit") ? CTE_8BIT :
		 starts(v, n - vi, "binary") ? CTE_BINARY :
		 starts(v, n - vi, "quoted-printable") ? CTE_QP :
		 starts(v, n - vi, "base64") ? CTE_BASE64 : CTE_OTHER;
	m->cte_len = n <= sizeof m->cte_field ? n : 0;
	memcpy(m->cte_field, f, m->cte_len);
}

static void part_bit_set(struct mime7 *m)
{
	if (m->part >= MIME7_PARTS_MAX)
		why(m, "more parts than MIME7_PARTS_MAX hold 8-bit bytes");
	else
		m->eight[m->part / 8] |= (unsigned char)(1u << (m->part % 8));
}

static int part_bit(const struct mime7 *m)
{
	return m->part < MIME7_PARTS_MAX &&
	       (m->eight[m->part / 8] >> (m->part % 8) & 1);
}

/* A new header: of the message, of a part, or of a message/rfc822. */
static void header_start(struct mime7 *m, unsigned part)
{
	m->state = HEADER;
	m->part = part;
	m->kind = LEAF;
	m->cte = CTE_NONE;
	m->cte_len = 0;
	m->unparsed = 0;
	m->flen = 0;
	m->qp = 0;
	m->col = 0;
}

/* The C-T-E field this part goes out with, and for a message without
 * MIME the fields that make it MIME. */
static void header_fields_out(struct mime7 *m, int conv)
{
	static const char top[] = "MIME-Version: 1.0\nContent-Type: text/plain; "
				  "charset=";
	if (conv && m->kind == LEAF) {
		if (m->part == 0 && !m->mime) {
			put(m, top, sizeof top - 1);
			put(m, m->not_utf8 ? "unknown-8bit\n" : "utf-8\n",
			    m->not_utf8 ? 13 : 6);
		}
		put(m, qp_field, sizeof qp_field - 1);
	} else if (conv) {
		put(m, seven_field, sizeof seven_field - 1);
	} else if (m->cte != CTE_NONE) {
		static const char *const names[] = { "", "7bit", "8bit", "binary",
			"quoted-printable", "base64", "" };
		if (m->cte_len) {
			put(m, m->cte_field, m->cte_len);
		} else {
			put(m, "Content-Transfer-Encoding: ", 27);
			put(m, names[m->cte], strlen(names[m->cte]));
			put(m, "\n", 1);
		}
	}
}

/* The empty line that ends a header: how the body is read. */
static void header_end(struct mime7 *m, const char *eol, size_t eol_len)
{
	int conv = 0;

	field_done(m);
	if (m->unparsed)
		m->kind = OPAQUE;
	if (m->kind == MULTI && m->depth == MIME7_DEPTH_MAX)
		m->kind = OPAQUE;
	if (m->kind == LEAF && part_bit(m)) {
		conv = m->convert;
	} else if ((m->kind == MULTI || m->kind == MESSAGE) &&
		   (m->cte == CTE_8BIT || m->cte == CTE_BINARY))
		conv = m->convert;
	header_fields_out(m, conv);
	put(m, eol, eol_len);
	m->qp = conv && m->kind == LEAF;
	m->col = 0;
	if (m->kind == MULTI) {
		memcpy(m->bound[m->depth], m->pending_b, m->pending_blen);
		m->blen[m->depth++] = (unsigned char)m->pending_blen;
		m->state = OUTSIDE;
	} else if (m->kind == MESSAGE) {
		header_start(m, m->part + 1);
	} else
		m->state = BODY;
}

/* One line (or piece of one) in a header. A field is kept whole until
 * the next one starts; one too long to keep (unparsed 2 while it lasts)
 * goes out unchanged and leaves its part unparsed. */
static void header_line(struct mime7 *m, const char *s, size_t n, int eol)
{
	size_t body = n;

	if (utf8_has8(s, n))
		why(m, "8-bit bytes in a header field");
	if (m->mid) {
		put(m, s, n);     /* more of a line too long to keep */
		return;
	}
	while (body && (s[body - 1] == '\n' || s[body - 1] == '\r'))
		body--;
	if (eol && body == 0) {
		header_end(m, s, n);
		return;
	}
	if (s[0] != ' ' && s[0] != '\t') {
		field_done(m);
		if (m->unparsed == 2)
			m->unparsed = 1;
	} else if (m->unparsed == 2) {
		put(m, s, n);
		return;
	}
	if (!eol || m->flen + n > sizeof m->field) {
		put(m, m->field, m->flen);
		m->flen = 0;
		put(m, s, n);
		m->unparsed = 2;
		return;
	}
	memcpy(m->field + m->flen, s, n);
	m->flen += n;
}

/* Writes s[0..n) quoted-printable; eol: the line ends after it. */
static void qp_out(struct mime7 *m, const char *s, size_t n, int eol)
{
	if (m->convert)
		m->olen += qp_encode(s, n, eol, &m->col, m->out + m->olen);
}

/* The level whose boundary line s[0..n) is, or -1; *close for "--b--". */
static int boundary_level(const struct mime7 *m, const char *s, size_t n,
			  int *close)
{
	int k;

	if (n < 3 || s[0] != '-' || s[1] != '-')
		return -1;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
		     s[n - 1] == '\t'))
		n--;
	for (k = m->depth - 1; k >= 0; k--) {
		size_t b = m->blen[k];
		if (n < 2 + b || memcmp(s + 2, m->bound[k], b))
			continue;
		if (n == 2 + b) {
			*close = 0;
			return k;
		}
		if (n == 4 + b && s[2 + b] == '-' && s[3 + b] == '-') {
			*close = 1;
			return k;
		}
	}
	return -1;
}

/* One line (or piece of one) outside a header. */
static void body_line(struct mime7 *m, const char *s, size_t n, int eol)
{
	int close, k = m->mid ? -1 : boundary_level(m, s, n, &close);
	int eight;

	if (k >= 0) {
		put(m, s, n);
		if (close) {
			m->depth = k;
			m->state = OUTSIDE;
		} else {
			m->depth = k + 1;
			header_start(m, m->part + 1);
		}
		return;
	}
	eight = utf8_has8(s, n);
	if (eight && !m->convert) {
		utf8_track(m, s, n);
		if (m->state == OUTSIDE)
			why(m, "8-bit bytes outside the MIME parts");
		else if (m->kind == OPAQUE)
			why(m, "8-bit bytes in a part that is not parsed (nested "
			    "too deep, or a header field too long)");
		else if (m->cte == CTE_BINARY)
			why(m, "8-bit bytes in a part declared binary");
		else if (m->cte != CTE_NONE && m->cte != CTE_7BIT &&
			 m->cte != CTE_8BIT)
			why(m, "8-bit bytes in a part declared base64 or "
			    "quoted-printable");
		else
			part_bit_set(m);
	}
	if (m->qp)
		qp_out(m, s, n, eol);
	else
		put(m, s, n);
}

static void line_done(struct mime7 *m, int eol)
{
	if (m->state == HEADER)
		header_line(m, m->line, m->llen, eol);
	else
		body_line(m, m->line, m->llen, eol);
	m->mid = !eol;
	m->llen = 0;
}

/* Takes bytes of in[0..n) into the line; returns how many, and processes
 * the line when it ends or fills. */
static size_t take(struct mime7 *m, const char *in, size_t n)
{
	const char *lf = memchr(in, '\n', n);
	size_t k = lf ? (size_t)(lf - in) + 1 : n, room = sizeof m->line - m->llen;

	if (k > room)
		k = room;
	memcpy(m->line + m->llen, in, k);
	m->llen += k;
	if (m->line[m->llen - 1] == '\n')
		line_done(m, 1);
	else if (m->llen == sizeof m->line)
		line_done(m, 0);
	return k;
}

void mime7_init(struct mime7 *m)
{
	memset(m, 0, sizeof *m);
	header_start(m, 0);
}

void mime7_scan(struct mime7 *m, const char *in, size_t n)
{
	size_t u = 0;
	while (u < n) {
		u += take(m, in + u, n - u);
		m->olen = 0;
	}
}

const char *mime7_scan_end(struct mime7 *m)
{
	if (m->llen)
		line_done(m, 0);
	if (m->state == HEADER)
		field_done(m);
	if (m->utf8_left)
		m->not_utf8 = 1;
	m->olen = 0;
	return m->why;
}

void mime7_start_convert(struct mime7 *m)
{
	m->convert = 1;
	m->depth = 0;
	m->mid = m->ended = 0;
	m->mime = 0;
	m->llen = m->olen = m->opos = 0;
	header_start(m, 0);
}

/* Copies waiting output into out; returns the bytes copied. */
static size_t drain(struct mime7 *m, char *out, size_t room)
{
	size_t k = m->olen - m->opos;
	if (k > room)
		k = room;
	memcpy(out, m->out + m->opos, k);
	m->opos += k;
	if (m->opos == m->olen)
		m->opos = m->olen = 0;
	return k;
}

size_t mime7_run(struct mime7 *m, const char *in, size_t n, size_t *used,
		 char *out, size_t room)
{
	size_t w = 0, u = 0;

	for (;;) {
		w += drain(m, out + w, room - w);
		if (m->olen || u == n)
			break;
		u += take(m, in + u, n - u);
	}
	*used = u;
	return w;
}

size_t mime7_end(struct mime7 *m, char *out, size_t room)
{
	if (!m->ended && !m->olen) {
		m->ended = 1;
		if (m->llen)
			line_done(m, 0);
		if (m->state == HEADER)
			field_done(m);
	}
	return drain(m, out, room);
}
