/* hosts.c: see hosts.h. */
#include <string.h>
#include "addr.h"
#include "hosts.h"
#include "ip46.h"

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* 1 when the word w[0..n) is name (case and one trailing dot ignored). */
static int same(const char *w, size_t n, const char *name)
{
	size_t k = strlen(name);
	if (n && w[n - 1] == '.')
		n--;
	if (k && name[k - 1] == '.')
		k--;
	return addr_eq_nocase(w, n, name, k);
}

/* Adds the address of one matching line to its answer. */
static void add(const struct ip46 *ip, struct dnsq_answer *a4,
		struct dnsq_answer *a6)
{
	struct dnsq_answer *a = ip->is6 ? a6 : a4;
	if (!a)
		return;
	if (a->n == DNS_RR_MAX) {
		a->dropped++;
		return;
	}
	memset(&a->rr[a->n], 0, sizeof a->rr[0]);
	a->rr[a->n++].ip = *ip;
	a->status = DNSQ_OK;
}

/* 1 when line[0..n) names name; *ip gets its address. */
static int line_names(const char *line, size_t n, const char *name,
		      struct ip46 *ip)
{
	size_t i = 0, w;
	const char *hash = memchr(line, '#', n);

	if (hash)
		n = (size_t)(hash - line);
	while (i < n && blank(line[i]))
		i++;
	for (w = i; w < n && !blank(line[w]); w++)
		;
	if (w == i || !ip46_parse(line + i, w - i, ip))
		return 0;
	for (i = w; i < n; i = w) {
		while (i < n && blank(line[i]))
			i++;
		for (w = i; w < n && !blank(line[w]); w++)
			;
		if (w > i && same(line + i, w - i, name))
			return 1;
	}
	return 0;
}

int hosts_find(const char *buf, size_t len, const char *name,
	       struct dnsq_answer *a4, struct dnsq_answer *a6)
{
	const char *p, *end = buf + len;
	struct ip46 ip;
	int pass;

	/* Pass 0 looks for an entry, leaving the answers alone when there
	 * is none; pass 1 fills them. */
	for (pass = 0; pass < 2; pass++) {
		int found = 0;
		for (p = buf; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (line_names(p, n, name, &ip)) {
				found = 1;
				if (pass)
					add(&ip, a4, a6);
			}
			p += n + 1;
		}
		if (!found)
			return 0;
		if (!pass) {
			memset(a4, 0, sizeof *a4);
			a4->status = DNSQ_NODATA;
			if (a6) {
				memset(a6, 0, sizeof *a6);
				a6->status = DNSQ_NODATA;
			}
		}
	}
	return 1;
}
