/* smtprc_sts.c: see smtprc_sts.h. */
#include <limits.h>
#include <string.h>
#include <time.h>
#include "dnsq.h"
#include "fmt.h"
#include "https.h"
#include "log.h"
#include "loop.h"
#include "opt.h"
#include "readfile.h"
#include "relay.h"
#include "smtprc_sts.h"
#include "tls.h"

/* The cache file: this line, then the policy as it was served. */
#define STS_CACHE_HEAD "smtprc-sts 1 "

static struct dnsq_answer txt;
static struct locate_result addrs;   /* the policy host's addresses */
static char resp[HTTP_RESPONSE_SIZE];
static char cache[HTTP_RESPONSE_SIZE + 64];

/* The id of the domain's one STSv1 record, "" when it has none, or -1
 * when DNS could not say. */
static int txt_id(const char *domain, const struct locate_req *lq,
		  char id[33])
{
	char name[SMTP_DOMAIN_SIZE + 16], one[33];
	const char *why;
	size_t i, n = 0;

	id[0] = 0;
	fmt_into(name, sizeof name, "_mta-sts.%s", domain);
	if (!lq->dns || dnsq_open(lq->dns) < 0 ||
	    dnsq_submit(DNSQ_TXT, name, &txt) < 0)
		return -1;
	dnsq_wait(lq->dns_deadline);       /* --timeout-dns, for the run */
	if (txt.status == DNSQ_NXDOMAIN || txt.status == DNSQ_NODATA)
		return 0;
	if (txt.status != DNSQ_OK)
		return -1;
	for (i = 0; i < txt.n; i++) {
		int rc = sts_txt_parse(txt.rr[i].name, strlen(txt.rr[i].name),
				       one, &why);
		if (rc == 0)
			continue;
		n++;
		if (rc == 1 && !txt.rr[i].txt_cut)
			memcpy(id, one, sizeof one);
		else
			id[0] = 0;
	}
	if (n != 1)       /* RFC 8461 §3.1: exactly one, or none at all */
		id[0] = 0;
	return 0;
}

/* The cache's first line, NUL-terminated: "smtprc-sts 1 ID FETCHED" (ID
 * of 1 to 32 visible bytes, FETCHED in seconds since 1970): 0 with id and
 * *fetched, else -1. By hand: sscanf would link all of scanf, its
 * floating point included (about 8 KB on armhf). */
static int cache_head(const char *s, char id[33], long long *fetched)
{
	size_t i = sizeof STS_CACHE_HEAD - 1, k = 0;
	unsigned long t;

	if (strncmp(s, STS_CACHE_HEAD, i))
		return -1;
	for (; s[i] && s[i] != ' '; i++) {
		if (k == 32 || (unsigned char)s[i] <= ' ' || s[i] == 127)
			return -1;
		id[k++] = s[i];
	}
	if (!k || !s[i] || !opt_number(s + i + 1, ULONG_MAX, &t))
		return -1;
	id[k] = 0;
	*fetched = (long long)t;
	return 0;
}

/* The cached policy: 1 with p, its id and when it was fetched, else 0. */
static int cached(struct queue *q, const char *domain, struct sts_policy *p,
		  char id[33], long long *fetched)
{
	long n = queue_sts_read(q, domain, cache, sizeof cache - 1);
	const char *why;
	char *nl;

	if (n <= 0)
		return 0;
	cache[n] = 0;
	nl = memchr(cache, '\n', (size_t)n);
	if (nl)
		*nl = 0;      /* the head ends there; the policy follows */
	if (!nl || cache_head(cache, id, fetched) < 0 ||
	    sts_policy_parse(nl + 1, (size_t)(cache + n - nl - 1), p, &why) < 0) {
		log_line("%s: MTA-STS cache sts/%s unreadable: fetched again",
			 domain, domain);
		return 0;
	}
	return 1;
}

/* Fetches the policy into p and caches it. Returns 0 or -1 (logged). */
static int fetch(struct queue *q, const char *domain, const char *id,
		 const struct locate_req *lq, const char *ca,
		 struct sts_policy *p)
{
	struct http_url u;
	struct https_req rq;
	struct http_response r;
	char url[SMTP_DOMAIN_SIZE + 64], why[SMTP_DIAG_SIZE];
	const char *bad;
	long long now = (long long)time(0);
	int n;

	fmt_into(url, sizeof url, "https://mta-sts.%s/.well-known/mta-sts.txt",
		 domain);
	if (http_url_parse(url, &u, &bad) < 0)
		return -1;
	if (tls_anchors_load_file(ca, why, sizeof why) < 0) {
		log_line("%s: MTA-STS policy not fetched: %s", domain, why);
		return -1;
	}
	memset(&rq, 0, sizeof rq);
	rq.url = &u;
	rq.accept = "text/plain";
	rq.where = lq;
	rq.addrs = &addrs;
	rq.deadline = loop_now_ms() + STS_FETCH_TIMEOUT * 1000LL;
	if (https_fetch(&rq, resp, sizeof resp, &r, why, sizeof why) < 0) {
		log_line("%s: MTA-STS policy not fetched: %s", domain, why);
		return -1;
	}
	if (r.status != 200 || strcmp(r.type, "text/plain") ||
	    sts_policy_parse(r.body, r.body_len, p, &bad) < 0) {
		log_line("%s: MTA-STS policy at %s unusable: %s", domain, u.host,
			 r.status != 200 ? "not HTTP 200" : strcmp(r.type,
			 "text/plain") ? "not text/plain" : bad);
		return -1;
	}
	n = fmt_into(cache, sizeof cache, STS_CACHE_HEAD "%s %lld\n", id,
		     now >= CLOCK_SET_MIN ? now : 0LL);
	if (n > 0 && (size_t)n + r.body_len < sizeof cache) {
		memcpy(cache + n, r.body, r.body_len);
		if (queue_sts_write(q, domain, cache, (size_t)n + r.body_len) < 0)
			log_line("%s: MTA-STS policy not cached (sts/): used "
				 "for this run only", domain);
	}
	return 0;
}

int smtprc_sts_find(struct queue *q, const char *domain,
		    const struct locate_req *lq, const char *ca,
		    struct sts_policy *p)
{
	char id[33], cid[33] = "";
	long long fetched = 0, now = (long long)time(0);
	int dns = txt_id(domain, lq, id), have, valid;

	have = cached(q, domain, p, cid, &fetched);
	/* Unknown age (fetched with the clock unset, or read now without
	 * it): kept, as a policy must not lapse by a wrong clock. */
	valid = have && (!fetched || now < CLOCK_SET_MIN ||
			 fetched + p->max_age > now);
	if (dns == 0 && id[0] && (!valid || strcmp(id, cid))) {
		static struct sts_policy got;
		if (fetch(q, domain, id, lq, ca, &got) == 0) {
			*p = got;
			return 1;
		}
	}
	if (valid && log_verbose)
		log_line("%s: MTA-STS policy %s from the cache", domain, cid);
	return valid;
}

int smtprc_sts_apply(const struct sts_policy *p, const char *domain,
		     struct locate_result *r, int *tls, struct outcome *fail)
{
	static const char *const modes[] = { "none", "testing", "enforce" };
	char w[SMTP_DIAG_SIZE];
	size_t i, n = 0;

	if (log_verbose)
		log_line("%s: MTA-STS mode %s, %zu mx pattern(s)", domain,
			 modes[p->mode], p->nmx);
	if (p->mode == STS_NONE)
		return 0;
	for (i = 0; i < r->n; i++) {
		if (sts_mx_match(p, r->addr[i].name)) {
			r->addr[n++] = r->addr[i];
			continue;
		}
		log_line("%s: MTA-STS %s: server %s is not an MX the policy "
			 "allows%s", domain, modes[p->mode], r->addr[i].name,
			 p->mode == STS_ENFORCE ? ": skipped" : "");
		if (p->mode == STS_TESTING)
			n++;
	}
	if (p->mode == STS_TESTING) {
		log_line("%s: MTA-STS testing: enforce would require a verified "
			 "certificate", domain);
		return 0;
	}
	r->n = n;
	*tls = RELAY_TLS_VERIFY;
	if (n)
		return 0;
	fmt_into(w, sizeof w, "the MTA-STS policy of %s (enforce) allows none "
		 "of its MX hosts", domain);
	outcome_tls_failed(fail, w);
	return -1;
}
