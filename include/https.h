/* https.h: one HTTPS request and its response (http.h), on the relay
 * client's own parts: the server's addresses from locate.h (its /etc/hosts
 * and DNS), a TCP connection (net.h), TLS with the "verify" policy's
 * check of the certificate against the URL's host name (tls.h; the
 * caller has loaded the trust anchors), every wait bounded by one
 * deadline (loop.h).
 *
 * The caller owns the response buffer; TLS's engine is the one of tls.h,
 * so no SMTP session may be in TLS while a fetch runs.
 */
#ifndef HTTPS_H
#define HTTPS_H

#include <stddef.h>
#include "http.h"
#include "locate.h"

struct https_req {
	const struct http_url *url;  /* its host must be a name: verify */
	const char *accept;          /* the media type wanted */
	const char *form;            /* a POST's form body, or 0: GET */
	size_t formlen;
	const struct locate_req *where; /* DNS, /etc/hosts, this host's
					   addresses: as for SMTP servers */
	struct locate_result *addrs; /* the caller's room for the host's
					addresses */
	long long deadline;          /* loop.h ms: the whole fetch */
};

/* Sends q's request to each address of its host in turn until one
 * answers, and reads the response into buf[0..size) (r's body points
 * there). Returns 0 with r filled (any status: the caller judges it), or
 * E_NODNS, E_CONNECT, E_TLS (why names the certificate's fault),
 * E_TIMEOUT, E_LOST, E_NOMEM (a response larger than size) or
 * E_PROTOCOL (a malformed response), with why a sentence naming the URL's
 * host. */
int https_fetch(const struct https_req *q, char *buf, size_t size,
		struct http_response *r, char *why, size_t whysize);

#endif
