/* hosts.h: /etc/hosts, read before DNS as the C library does (a smarthost
 * or "localhost" named there needs no resolver), pure.
 *
 * One entry a line: an address, then names, blanks between; "#" starts a
 * comment. Names are compared ignoring case and one trailing dot. Lines
 * that are not an IPv4 or IPv6 address and names are skipped.
 */
#ifndef HOSTS_H
#define HOSTS_H

#include <stddef.h>
#include "dnsq.h"

/* Looks name up in buf[0..len) (the file's text): its IPv4 addresses into
 * a4 and its IPv6 ones into a6 (NULL: not wanted), at most DNS_RR_MAX
 * each, in file order, each answer's status DNSQ_OK when it got one and
 * DNSQ_NODATA when not. Returns 1 when the name has an entry (then DNS
 * is not asked, as with libc's "files" first), else 0 with a4 and a6
 * untouched. */
int hosts_find(const char *buf, size_t len, const char *name,
	       struct dnsq_answer *a4, struct dnsq_answer *a6);

#endif
