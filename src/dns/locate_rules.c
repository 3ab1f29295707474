/* locate_rules.c: the pure rules of locate.h (the argument's form, SRV
 * and MX order, /SELF, the address table); locate.c asks DNS. */
#include <string.h>
#include "err.h"
#include "fmt.h"
#include "locate.h"
#include "log.h"
#include "rcptlist.h"

int locate_parse(const struct locate_req *q, size_t *host_len,
		 unsigned *port, const char **why)
{
	const char *d = q->domain;
	size_t n = strlen(d);
	const char *colon;
	struct ip46 ip;

	*host_len = n;
	*port = q->smtp_port;
	if (d[0] == '[') {
		const char *close = memchr(d, ']', n);
		if (!close) {
			*why = "address literal without ']'";
			return -1;
		}
		*host_len = (size_t)(close - d) + 1;
		if (!ip46_parse_literal(d, *host_len, &ip)) {
			*why = CONFIG_IPV6 ? "bad address literal"
					   : "bad address literal (IPv6 is "
					     "not built in)";
			return -1;
		}
		if (!q->clientip) {
			*why = "address literals are turned off (/CLIENTIP-)";
			return -1;
		}
		if (*host_len == n)
			return LOCATE_LITERAL;
		if (d[*host_len] != ':' ||
		    !ip46_port_parse(d + *host_len + 1, n - *host_len - 1, port)) {
			*why = "bad port after the address literal";
			return -1;
		}
		if (!q->clientport) {
			*why = "explicit ports are turned off (/CLIENTPORT-)";
			return -1;
		}
		return LOCATE_HOSTPORT;
	}
	colon = memchr(d, ':', n);
	if (colon) {
		*host_len = (size_t)(colon - d);
		if (!ip46_port_parse(colon + 1, n - *host_len - 1, port)) {
			*why = "bad port after the host name";
			return -1;
		}
		if (!q->clientport) {
			*why = "explicit ports are turned off (/CLIENTPORT-)";
			return -1;
		}
		if (!addr_domain_valid(d, *host_len) || d[0] == '[') {
			*why = "bad host name";
			return -1;
		}
		return LOCATE_HOSTPORT;
	}
	if (!addr_domain_valid(d, n)) {
		*why = "bad domain name";
		return -1;
	}
	return LOCATE_DOMAIN;
}

static int is_self(const struct locate_req *q, const struct ip46 *a, int dns)
{
	size_t i;
	for (i = 0; i < q->nself; i++)
		if (ip46_equal(&q->self[i], a))
			return 1;
	if (!dns || q->allow_local)
		return 0;
	if (ip46_is_local(a))
		return 1;
	for (i = 0; i < q->nown; i++)
		if (ip46_equal(&q->own[i], a))
			return 1;
	return 0;
}

int locate_cut_self(const struct locate_req *q, struct locate_result *r,
		    int dns)
{
	unsigned cut = (unsigned)-1;
	size_t i, k = 0;
	char msg[SMTP_DIAG_SIZE];

	for (i = 0; i < r->n; i++)
		if (is_self(q, &r->addr[i].ip, dns) && r->addr[i].priority < cut)
			cut = r->addr[i].priority;
	if (cut == (unsigned)-1)
		return 0;
	for (i = 0; i < r->n; i++)
		if (r->addr[i].priority < cut)
			r->addr[k++] = r->addr[i];
	r->n = k;
	r->self_cut = 1;
	if (k)
		return 0;
	/* RFC 5321 §5.1: the best server is this system itself. */
	fmt_into(msg, sizeof msg, "mail for %s loops back to myself", q->domain);
	outcome_loop(&r->fail, msg);
	return E_CONNECT;
}

/* Sorts hosts by priority, keeping the order of equals (insertion sort:
 * at most RELAY_HOSTS_MAX entries). */
static void sort_hosts(struct locate_host *h, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++) {
		struct locate_host t = h[i];
		for (j = i; j > 0 && h[j - 1].priority > t.priority; j--)
			h[j] = h[j - 1];
		h[j] = t;
	}
}

size_t locate_order_srv(const struct dnsq_rr *rr, size_t n,
			struct locate_host *out, size_t max,
			locate_rand_fn *rnd, void *st)
{
	size_t idx[DNS_RR_MAX], k = 0, i, m;
	unsigned prio = 0;
	int first = 1;

	if (n > DNS_RR_MAX)
		n = DNS_RR_MAX;
	for (;;) {
		unsigned next = 0;
		int found = 0;
		/* The lowest priority above the one just placed. */
		for (i = 0; i < n; i++)
			if (rr[i].name[0] && (first || rr[i].prio > prio) &&
			    (!found || rr[i].prio < next)) {
				next = rr[i].prio;
				found = 1;
			}
		if (!found)
			return k;
		first = 0;
		prio = next;
		/* RFC 2782: weight 0 records first ("in any order": shuffled,
		 * so that with all weights 0 every order occurs), then the
		 * others. */
		m = 0;
		for (i = 0; i < n; i++)
			if (rr[i].name[0] && rr[i].prio == prio && !rr[i].weight)
				idx[m++] = i;
		for (i = m; i > 1; i--) {
			size_t j = rnd(st, i - 1), t = idx[i - 1];
			idx[i - 1] = idx[j];
			idx[j] = t;
		}
		for (i = 0; i < n; i++)
			if (rr[i].name[0] && rr[i].prio == prio && rr[i].weight)
				idx[m++] = i;
		while (m) {
			unsigned long sum = 0, draw, run = 0;
			size_t pick = m - 1;
			const struct dnsq_rr *r;
			for (i = 0; i < m; i++)
				sum += rr[idx[i]].weight;
			/* A uniform draw in 0..sum; the first record whose
			 * running sum reaches it is next. */
			draw = rnd(st, sum);
			for (i = 0; i < m; i++) {
				run += rr[idx[i]].weight;
				if (run >= draw) {
					pick = i;
					break;
				}
			}
			r = &rr[idx[pick]];
			if (k < max) {
				memcpy(out[k].name, r->name, sizeof out[k].name);
				out[k].port = r->port;
				out[k].priority = r->prio;
				k++;
			} else {
				log_line("SRV target %s dropped: more than "
					 "RELAY_HOSTS_MAX", r->name);
			}
			memmove(idx + pick, idx + pick + 1,
				(m - pick - 1) * sizeof idx[0]);
			m--;
		}
	}
}

size_t locate_order_mx(const struct dnsq_rr *rr, size_t n, unsigned port,
		       struct locate_host *out, size_t max,
		       locate_rand_fn *rnd, void *st)
{
	size_t k = 0, i, a, b;

	for (i = 0; i < n; i++) {
		if (!rr[i].name[0])
			continue;
		if (k == max) {
			log_line("MX host %s dropped: more than RELAY_HOSTS_MAX",
				 rr[i].name);
			continue;
		}
		memcpy(out[k].name, rr[i].name, sizeof out[k].name);
		out[k].port = port;
		out[k].priority = rr[i].prio;
		k++;
	}
	sort_hosts(out, k);
	/* Shuffle each run of equal preference (Fisher-Yates). */
	for (a = 0; a < k; a = b) {
		for (b = a + 1; b < k && out[b].priority == out[a].priority; b++)
			;
		for (i = b - 1; i > a; i--) {
			size_t j = a + rnd(st, i - a);
			struct locate_host t = out[i];
			out[i] = out[j];
			out[j] = t;
		}
	}
	return k;
}

size_t locate_add_addrs(struct locate_result *r, const struct locate_host *h,
			const struct dnsq_answer *a4,
			const struct dnsq_answer *a6)
{
	size_t i4 = 0, i6 = 0, n4, n6, added = 0;
	int six = 1; /* RFC 8305 §4: start with IPv6 */

	n4 = a4 && a4->status == DNSQ_OK ? a4->n : 0;
	n6 = a6 && a6->status == DNSQ_OK ? a6->n : 0;
	while ((i4 < n4 || i6 < n6) && added < RELAY_ADDRS_PER_HOST_MAX) {
		const struct ip46 *ip;
		struct locate_addr *o;
		if ((six && i6 < n6) || i4 >= n4)
			ip = &a6->rr[i6++].ip;
		else
			ip = &a4->rr[i4++].ip;
		six = !six;
		if (r->n == RELAY_ADDRS_MAX) {
			log_line("address of %s dropped: more than "
				 "RELAY_ADDRS_MAX", h->name);
			break;
		}
		o = &r->addr[r->n++];
		o->ip = *ip;
		o->port = h->port;
		o->priority = h->priority;
		memcpy(o->name, h->name, sizeof o->name);
		added++;
	}
	if (i4 < n4 || i6 < n6)
		log_line("%s: %zu more address(es) dropped (RELAY_ADDRS_PER_HOST_MAX)",
			 h->name, (n4 - i4) + (n6 - i6));
	return added;
}
