/* header.h: RFC 5322 header sections and address lists, pure.
 *
 * sendmail uses these to find where a submitted message's header section
 * ends, to read To, Cc and Bcc (-t), to drop Bcc and to see which of
 * Date, Message-ID and From are missing. Nothing here allocates or
 * touches a file; every function reads the caller's buffer.
 */
#ifndef HEADER_H
#define HEADER_H

#include <stddef.h>

/* Looks for the end of the header section at the start of buf[0..len).
 * Fields are "name:" lines with their continuation lines; the section
 * ends at an empty line (skipped: *body_off is after it) or at the first
 * line that is not a field (kept: *body_off == *hdr_end; then *blank is 0).
 * Returns 1 when found, 0 when more input is needed (and eof is 0). */
int header_scan(const char *buf, size_t len, int eof, size_t *hdr_end,
		size_t *body_off, int *blank);

struct header_field {
	size_t start, end;   /* the field's bytes, continuation lines and
				line end included */
	size_t name_len;     /* the name at start */
	size_t val, val_end; /* the value after the colon, line end excluded */
};

/* Takes the next field of buf[*pos..hdr_end). Returns 1 or 0 at the end. */
int header_next(const char *buf, size_t hdr_end, size_t *pos,
		struct header_field *f);

/* Nonzero when the field's name is name (case ignored). */
int header_is(const char *buf, const struct header_field *f, const char *name);

/* Takes the next address (addr-spec) of an RFC 5322 address-list in
 * s[*pos..len): display names, comments, quoted strings, angle brackets,
 * groups ("undisclosed-recipients:;") and folding are understood; blanks
 * outside quoted strings are dropped. The address goes to out (size
 * bytes, NUL-terminated). Returns 1, 0 at the end of the list, or -1 when
 * an address does not fit in size or a bracket, quote or comment is left
 * open. */
int header_addr_next(const char *s, size_t len, size_t *pos, char *out,
		     size_t size);

/* Writes the address-list s[0..len) (a field's value) into out[0..size)
 * with "@" origin after every address that has no domain: an addr-spec of
 * one word ("root", "root (Cron Daemon)") or the content of angle
 * brackets ("Cron Daemon <root>"); display names, comments, quoted
 * strings, groups and folding stay byte for byte, and a phrase without
 * brackets ("Cron Daemon") is no address. Sets *changed when it added a
 * domain. Returns the length, or 0 when out is too small or a bracket,
 * quote or comment is left open (the caller keeps the field as it is). */
size_t header_qualify(const char *s, size_t len, const char *origin,
		      char *out, size_t size, int *changed);

#endif
