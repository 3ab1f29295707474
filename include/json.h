/* json.h: one member of a JSON object (RFC 8259), read from a buffer.
 *
 * What smtprc reads as JSON is small and flat: an OAuth 2.0 token
 * endpoint's answer (RFC 6749 §5.1 access_token, expires_in, refresh_token;
 * §5.2 error, error_description), a device authorization answer (RFC 8628
 * §3.2) and the error a server sends inside SASL XOAUTH2 or OAUTHBEARER
 * (RFC 7628 §3.2.2 status, scope). So the reader looks up one key among
 * the members of the top-level object; it never builds a tree.
 *
 * Pure: no I/O, no allocation, no state between calls; the whole document
 * is checked every time (a truncated or malformed answer is an error,
 * never a partial value). Nesting deeper than JSON_DEPTH_MAX is an error.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

enum { JSON_ABSENT = 0, JSON_STRING, JSON_NUMBER, JSON_TRUE, JSON_FALSE,
       JSON_NULL, JSON_OBJECT, JSON_ARRAY };

/* Looks up key (compared byte for byte with the member's decoded name) in
 * the object doc[0..len). Returns the value's JSON_* type, JSON_ABSENT, or
 * -1 with *why (a static sentence) when doc is not one JSON object, the
 * key appears twice, or the value does not fit out.
 *
 * out (size bytes, NUL-terminated; may be 0 with size 0 to test presence)
 * gets a string's decoded UTF-8 (escapes resolved; "\u0000" refused, as
 * no token or message carries a NUL), a number's or literal's text, or an
 * object's or array's raw text. */
int json_get(const char *doc, size_t len, const char *key, char *out,
	     size_t size, const char **why);

/* A JSON_NUMBER member read as a non-negative integer of at most 18
 * digits (what expires_in and interval are). Returns 0, or -1 with *why
 * when absent, of another type, fractional, negative or too large. */
int json_get_uint(const char *doc, size_t len, const char *key,
		  long long *val, const char **why);

#endif
