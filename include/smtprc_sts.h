/* smtprc_sts.h: MTA-STS (RFC 8461) for the relay client's direct
 * delivery (a domain by its MX records, no route): the policy found,
 * fetched and cached, then applied to the servers locate() found.
 *
 * Finding (RFC 8461 §5.1): the _mta-sts TXT record gives the policy's id;
 * exactly one well-formed STSv1 record counts, any other set means none.
 * A cached policy (queue.h: sts/DOMAIN) that has not outlived its max_age
 * is used when the id is the same, when the TXT look-up fails or the
 * record is gone (a stripped record must not undo a policy); otherwise the
 * policy is fetched from https://mta-sts.DOMAIN/.well-known/mta-sts.txt
 * (https.h: the certificate verified for that name, status 200, text/plain,
 * no redirect) and cached. A failed fetch keeps a valid cached policy,
 * else the domain has none (delivery as before).
 *
 * Applying: "enforce" keeps only the servers whose MX name a pattern
 * allows (none left: deferred 4.7.5, nothing sent) and makes the session
 * "verify" (a certificate for the MX name: never plaintext); "testing"
 * only logs what enforce would refuse; "none" changes nothing. Under the
 * "dane" policy DANE takes precedence (RFC 8461 §2) server by server: a
 * server with usable TLSA records is checked by DANE alone, any other
 * must be an MX the enforce policy allows, verified (relay.h's sts).
 */
#ifndef STS_SMTPRC_H
#define STS_SMTPRC_H

#include "locate.h"
#include "mta_sts.h"
#include "outcome.h"
#include "queue.h"

/* The domain's policy into p; a fetch verifies the policy host against
 * the trust anchors of the CA bundle ca (loaded then). Returns 1 when it
 * has one, else 0. Logs what it could not do (and, verbose, what it
 * found). */
int smtprc_sts_find(struct queue *q, const char *domain,
		    const struct locate_req *lq, const char *ca,
		    struct sts_policy *p);

/* Applies p to r (servers of domain). Returns 0 (verify set in *tls under
 * enforce), or -1 with fail set (enforce allows none of them). */
int smtprc_sts_apply(const struct sts_policy *p, const char *domain,
		     struct locate_result *r, int *tls, struct outcome *fail);

#endif
