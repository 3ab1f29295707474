/* qp.h: quoted-printable (RFC 2045 section 6.7), one line at a time,
 * pure. Used where 8-bit text must travel 7-bit: a message for a server
 * without 8BITMIME (mime7.h) and the text of a bounce.
 *
 * Printable ASCII but '=' stays as it is; '=', control bytes (TAB
 * excepted) and 8-bit bytes become "=XX"; a blank before the line end
 * becomes "=20" or "=09"; a soft break "=\n" keeps every encoded line
 * within 76 octets. Line ends are written as LF.
 */
#ifndef QP_H
#define QP_H

#include <stddef.h>

/* Most bytes qp_encode writes for n input bytes: three each, a soft
 * break every 25 of them at worst, the line end. */
#define QP_MAX(n) (3 * (n) + 2 * ((3 * (n)) / 75 + 1) + 1)

/* Encodes s[0..n) into out (room QP_MAX(n)); eol: the line ends after
 * it (a CR LF or LF at the end of s is the line end, not data). *col is
 * the octets on the current encoded line, kept between calls. Returns the
 * bytes written. */
size_t qp_encode(const char *s, size_t n, int eol, size_t *col, char *out);

#endif
