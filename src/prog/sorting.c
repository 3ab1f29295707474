/* sorting.c: see sorting.h. */
#include <string.h>
#include "addr.h"
#include "route.h"
#include "sorting.h"

static int listed(const char *const *v, size_t n, const char *d, size_t len)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = strcspn(v[i], " \t");
		if (addr_eq_nocase(v[i], k, d, len))
			return 1;
	}
	return 0;
}

const char *sorting_key(const struct sorting_routes *rt, const char *d,
			size_t len, char out[SMTP_DOMAIN_SIZE + 1], size_t *n)
{
	char dom[SMTP_DOMAIN_SIZE + 1];
	const char *t;
	size_t k, tl;

	*n = len;
	if (!rt || !rt->nroutes || len > SMTP_DOMAIN_SIZE ||
	    listed(rt->keep, rt->nkeep, d, len) ||
	    listed(rt->local, rt->nlocal, d, len))
		return d;
	memcpy(dom, d, len);
	dom[len] = 0;
	t = route_find(rt->routes, rt->nroutes, dom);
	tl = t ? strlen(t) : 0;
	if (!t || tl > SMTP_DOMAIN_SIZE || !route_hop(t, tl))
		return d;
	for (k = 0; k < tl; k++)
		out[k] = t[k] >= 'A' && t[k] <= 'Z' ? (char)(t[k] + 32) : t[k];
	out[tl] = 0;
	*n = tl;
	return out;
}

/* The domain index of recipient a, or -1 with its bounce in o. */
static int classify(struct sorting *so, const struct maildrop_addr *a,
		    size_t idlen, struct outcome *o, size_t *alen)
{
	size_t pos = addr_at(a->addr, a->len), dl, k;
	const char *at = a->addr + pos, *key;
	char hop[SMTP_DOMAIN_SIZE + 1];

	if (a->len > SMTP_PATH_SIZE - 2 || pos == 0 || pos + 1 >= a->len) {
		outcome_bad_address(o, "bad destination mailbox address syntax");
		return -1;
	}

	dl = (size_t)(a->addr + a->len - at - 1);
	dl = addr_domain_trim(at + 1, dl);
	*alen = pos + 1 + dl;
	if (!addr_domain_valid(at + 1, dl) ||
	    (at[1] != '[' && !memchr(at + 1, '.', dl))) {
		outcome_bad_domain(o, "bad destination system address: the "
				   "domain is not a routable domain name");
		return -1;
	}
	key = sorting_key(so->rt, at + 1, dl, hop, &dl);
	if (idlen + 1 + dl > SORTING_NAME_MAX) {
		outcome_bad_domain(o, "destination domain too long for this "
				   "system's queue file names");
		return -1;
	}
	for (k = 0; k < so->ndom; k++)
		if (addr_eq_nocase(so->dom[k], strlen(so->dom[k]), key, dl))
			return (int)k;
	for (k = 0; k < dl; k++) {
		char c = key[k];
		so->dom[so->ndom][k] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	so->dom[so->ndom][dl] = 0;
	return (int)so->ndom++;
}

void sorting_classify(struct sorting *so, const struct maildrop_env *env,
		      size_t idlen)
{
	size_t i;

	so->ndom = 0;
	so->nbad = 0;
	for (i = 0; i < env->nrcpt; i++) {
		so->len[i] = env->rcpt[i].len;
		so->of[i] = classify(so, &env->rcpt[i], idlen, &so->bad[i],
				     &so->len[i]);
		if (so->of[i] < 0)
			so->nbad++;
	}
}
