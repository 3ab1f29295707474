/* https.c: see https.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "err.h"
#include "fmt.h"
#include "https.h"
#include "ip46.h"
#include "log.h"
#include "loop.h"
#include "net.h"
#include "tls.h"

/* The response on fd until it is whole or the server closes. Returns 0
 * or an E_* code with why. */
static int response(const struct https_req *q, int fd, char *buf,
		    size_t size, struct http_response *r, char *why,
		    size_t whysize)
{
	const char *bad = 0;
	size_t len = 0;
	long n;
	int rc;

	for (;;) {
		if (len == size) {
			fmt_into(why, whysize, "%s: a response larger than %zu "
				 "bytes", q->url->host, size);
			return E_NOMEM;
		}
		n = tls_recv(fd, buf + len, size - len, q->deadline);
		if (n < 0 && n != E_LOST) {
			fmt_into(why, whysize, "%s: %s while reading the "
				 "response", q->url->host, err_str((int)n));
			return (int)n;
		}
		if (n > 0)
			len += (size_t)n;
		rc = http_response_parse(buf, len, n == E_LOST, r, &bad);
		if (rc == HTTP_DONE)
			return 0;
		if (rc < 0) {
			fmt_into(why, whysize, "%s: a malformed response: %s",
				 q->url->host, bad);
			return E_PROTOCOL;
		}
	}
}

/* One address: connect, TLS verified against the URL's host, the
 * request, the response. Returns 0 or an E_* code with why. */
static int fetch_one(const struct https_req *q, const struct locate_addr *a,
		     const char *req, size_t reqlen, char *buf, size_t size,
		     struct http_response *r, char *why, size_t whysize)
{
	struct tls_peer peer;
	char ip[IP46_FMT_SIZE];
	int fd = net_connect_start(&a->ip, a->port), rc;

	ip46_fmt(&a->ip, ip);
	if (fd < 0) {
		fmt_into(why, whysize, "%s[%s]:%u: %s", q->url->host, ip,
			 a->port, err_errno(errno));
		return E_CONNECT;
	}
	rc = loop_wait_fd(fd, POLLOUT, q->deadline);
	if (rc == 0 && (rc = net_connect_result(fd)) < 0)
		rc = E_CONNECT;
	if (rc < 0) {
		fmt_into(why, whysize, "%s[%s]:%u: %s", q->url->host, ip,
			 a->port, rc == E_TIMEOUT ? "timed out connecting"
			 : err_errno(errno));
		close(fd);
		return rc;
	}
	memset(&peer, 0, sizeof peer);
	peer.server_name = q->url->host;
	peer.check = TLS_CHECK_VERIFY;
	rc = tls_start(fd, &peer, q->deadline, why, whysize);
	if (rc == 0 && (rc = tls_send(fd, req, reqlen, q->deadline)) < 0)
		fmt_into(why, whysize, "%s[%s]:%u: %s while sending the request",
			 q->url->host, ip, a->port, err_str(rc));
	if (rc == 0)
		rc = response(q, fd, buf, size, r, why, whysize);
	if (rc != E_TLS)
		tls_end(fd, q->deadline);
	close(fd);
	return rc;
}

int https_fetch(const struct https_req *q, char *buf, size_t size,
		struct http_response *r, char *why, size_t whysize)
{
	struct locate_req lq = *q->where;
	char target[SMTP_DOMAIN_SIZE + 16], req[HTTP_PATH_SIZE + 512];
	long reqlen;
	struct ip46 lit;
	size_t i;
	int rc;

	if (ip46_parse(q->url->host, strlen(q->url->host), &lit) == 1) {
		fmt_into(why, whysize, "%s: an address, not a name: its "
			 "certificate could not be verified", q->url->host);
		return E_TLS;
	}
	reqlen = http_request(req, sizeof req, q->url, q->accept, q->form,
			      q->formlen);
	if (reqlen < 0) {
		fmt_into(why, whysize, "%s: the request does not fit %zu bytes",
			 q->url->host, sizeof req);
		return E_NOMEM;
	}
	fmt_into(target, sizeof target, "%s:%u", q->url->host, q->url->port);
	lq.domain = target;
	lq.clientip = lq.clientport = 1;
	lq.dns_deadline = q->deadline;
	if (locate(&lq, q->addrs) < 0) {
		fmt_into(why, whysize, "%s: %s", q->url->host,
			 q->addrs->fail.diag);
		return E_NODNS;
	}
	rc = E_CONNECT;
	for (i = 0; i < q->addrs->n && loop_now_ms() < q->deadline; i++) {
		rc = fetch_one(q, &q->addrs->addr[i], req, (size_t)reqlen, buf,
			       size, r, why, whysize);
		if (rc == 0 || rc == E_TLS || rc == E_PROTOCOL || rc == E_NOMEM)
			break;     /* the server answered: no other would */
		if (log_verbose)
			log_line("%s", why);
	}
	return rc;
}
