/* sorting.c: see sorting.h. */
#include <string.h>
#include "addr.h"
#include "sorting.h"

/* The domain index of recipient a, or -1 with its bounce in o. */
static int classify(struct sorting *so, const struct maildrop_addr *a,
		    size_t idlen, struct outcome *o, size_t *alen)
{
	size_t pos = addr_at(a->addr, a->len), dl, k;
	const char *at = a->addr + pos;

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
	if (idlen + 1 + dl > SORTING_NAME_MAX) {
		outcome_bad_domain(o, "destination domain too long for this "
				   "system's queue file names");
		return -1;
	}
	for (k = 0; k < so->ndom; k++)
		if (addr_eq_nocase(so->dom[k], strlen(so->dom[k]), at + 1, dl))
			return (int)k;
	for (k = 0; k < dl; k++) {
		char c = at[1 + k];
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
