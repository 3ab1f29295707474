/* mta_sts.h: MTA-STS (RFC 8461), the pure parts: the _mta-sts TXT
 * record, the policy text, and which MX host names a policy allows.
 *
 * No I/O, no allocation: the policy is read from the caller's buffer (the
 * HTTPS response body, http.h) into fixed fields. The look-up, the fetch,
 * the cache and the enforcement are the relay client's (not built yet:
 * these parsers come first, each fuzzed alone).
 */
#ifndef MTA_STS_H
#define MTA_STS_H

#include <stddef.h>
#include "config.h"

enum sts_mode { STS_NONE, STS_TESTING, STS_ENFORCE };

struct sts_policy {
	enum sts_mode mode;
	long long max_age;                      /* seconds, 0..31557600 */
	size_t nmx;
	size_t dropped;   /* mx lines past STS_MX_MAX, not kept: a host that
			     only they allow is not allowed (fail-safe) */
	char mx[STS_MX_MAX][SMTP_DOMAIN_SIZE + 1]; /* lower case, no final
						      dot; "*.x.y" wildcard */
};

/* One TXT record's text (its strings joined): 1 and its id (1 to 32
 * letters and digits) in id[33] when it is an STSv1 record ("v=STSv1"
 * first, then "id=..."; other fields ignored), 0 when it is some other
 * record (not "v=STSv1"), -1 with *why when it starts "v=STSv1" but is
 * malformed. RFC 8461 §3.1: a domain has a policy only when exactly one
 * of its records is STSv1 and well-formed (the caller counts). */
int sts_txt_parse(const char *txt, size_t len, char id[33], const char **why);

/* Parses the policy text[0..len) (RFC 8461 §3.2: "key: value" lines ending
 * in CR LF or LF; version STSv1, mode, max_age, mx repeated; the first of
 * a repeated key wins, unknown keys are ignored). Returns 0, or -1 with
 * *why: no version STSv1, an unknown mode, a max_age missing or out of
 * range, no mx for testing or enforce, a malformed line or mx pattern. */
int sts_policy_parse(const char *text, size_t len, struct sts_policy *p,
		     const char **why);

/* 1 when the MX host name host (its trailing dot ignored, case ignored)
 * is allowed by p (RFC 8461 §4.1: an exact name, or "*.example.com" for
 * exactly one more label on the left), else 0. */
int sts_mx_match(const struct sts_policy *p, const char *host);

#endif
