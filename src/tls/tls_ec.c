/* tls_ec.c: the elliptic curves of tls_int.h: X25519 and the NIST curves
 * P-256, P-384 and P-521, for ECDHE and for ECDSA signatures, all over
 * BearSSL's generic big-integer code (br_ec_c25519_i31/i15 and
 * br_ec_prime_i31/i15, TLS_MUL15) instead of its default (br_ec_all_m31),
 * whose curve-specific code for P-256 and X25519 is faster but 12 KB
 * larger on MIPS and 8 KB on AArch64: the footprint of a router's flash
 * matters more than some milliseconds per handshake, which a mail relay
 * makes few of. All are constant-time, as the default is. And the RSA
 * and ECDSA checks of the same word size. */
#include "config.h"
#if CONFIG_TLS
#include "tls_int.h"

/* The implementation that handles curve; BearSSL asks only for those in
 * supported_curves below, so any other goes to the generic code, which
 * refuses it. */
static const br_ec_impl *ec_for(int curve)
{
	if (curve == BR_EC_curve25519)
		return TLS_MUL15 ? &br_ec_c25519_i15 : &br_ec_c25519_i31;
	return TLS_MUL15 ? &br_ec_prime_i15 : &br_ec_prime_i31;
}

br_rsa_pkcs1_vrfy tls_rsa_vrfy(void)
{
	return TLS_MUL15 ? &br_rsa_i15_pkcs1_vrfy
			 : br_rsa_pkcs1_vrfy_get_default();
}

br_ecdsa_vrfy tls_ecdsa_vrfy(void)
{
	return TLS_MUL15 ? &br_ecdsa_i15_vrfy_asn1
			 : br_ecdsa_vrfy_asn1_get_default();
}

static const unsigned char *ec_generator(int curve, size_t *len)
{
	return ec_for(curve)->generator(curve, len);
}

static const unsigned char *ec_order(int curve, size_t *len)
{
	return ec_for(curve)->order(curve, len);
}

static size_t ec_xoff(int curve, size_t *len)
{
	return ec_for(curve)->xoff(curve, len);
}

static uint32_t ec_mul(unsigned char *g, size_t glen, const unsigned char *k,
		       size_t klen, int curve)
{
	return ec_for(curve)->mul(g, glen, k, klen, curve);
}

static size_t ec_mulgen(unsigned char *r, const unsigned char *k,
			size_t klen, int curve)
{
	return ec_for(curve)->mulgen(r, k, klen, curve);
}

static uint32_t ec_muladd(unsigned char *a, const unsigned char *b,
			  size_t len, const unsigned char *x, size_t xlen,
			  const unsigned char *y, size_t ylen, int curve)
{
	return ec_for(curve)->muladd(a, b, len, x, xlen, y, ylen, curve);
}

const br_ec_impl tls_ec = {
	(uint32_t)1 << BR_EC_secp256r1 | (uint32_t)1 << BR_EC_secp384r1 |
	(uint32_t)1 << BR_EC_secp521r1 | (uint32_t)1 << BR_EC_curve25519,
	ec_generator, ec_order, ec_xoff, ec_mul, ec_mulgen, ec_muladd
};
#endif
