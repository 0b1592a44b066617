// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: SHA-256 of module images and of policy texts
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) "loadpol: " fmt

#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/init.h>
#include <linux/sizes.h>

#include "loadpol.h"

/* Published once by loadpol_init_crypto(), with release/acquire. */
static struct crypto_shash *loadpol_tfm;

/* Bytes hashed between two chances to reschedule. */
#define LOADPOL_HASH_CHUNK	SZ_256K

/* The generic library, before the crypto API's SHA-256 is published. */
static void loadpol_sha256_lib(const u8 *data, size_t len, u8 *digest)
{
	struct sha256_state state;
	size_t n;

	sha256_init(&state);
	for (; len; data += n, len -= n) {
		n = min_t(size_t, len, LOADPOL_HASH_CHUNK);
		sha256_update(&state, data, n);
		cond_resched();
	}
	sha256_final(&state, digest);
}

/* The crypto API's SHA-256, in chunks. */
static int loadpol_sha256_tfm(struct crypto_shash *tfm, const u8 *p,
			      size_t len, u8 *digest)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	size_t n;
	int err;

	desc->tfm = tfm;
	err = crypto_shash_init(desc);
	for (; !err && len; p += n, len -= n) {
		n = min_t(size_t, len, LOADPOL_HASH_CHUNK);
		err = crypto_shash_update(desc, p, n);
		cond_resched();
	}
	if (!err)
		err = crypto_shash_final(desc, digest);
	shash_desc_zero(desc);
	return err;
}

/**
 * loadpol_sha256() - SHA-256 of a buffer
 * @data: the buffer
 * @len: its length, which may exceed 4 GiB
 * @digest: where the 32-byte digest goes
 *
 * Through the crypto API, so that the architecture's accelerated SHA-256 is
 * used, once it is registered (late_initcall); before that, through the
 * generic library, which gives the same digest.  The buffer is hashed in
 * chunks of LOADPOL_HASH_CHUNK bytes, each with its own FPU section where
 * the architecture needs one, with a chance to reschedule between them.
 * Must be called where sleeping is allowed.
 *
 * Return: 0 or a negative errno from the crypto API.
 */
int loadpol_sha256(const void *data, size_t len, u8 *digest)
{
	/* Pairs with the release in loadpol_init_crypto(). */
	struct crypto_shash *tfm = smp_load_acquire(&loadpol_tfm);

	if (!tfm) {
		loadpol_sha256_lib(data, len, digest);
		return 0;
	}
	return loadpol_sha256_tfm(tfm, data, len, digest);
}

/**
 * loadpol_image_digest() - SHA-256 of a module image as linked
 * @image: the decompressed image
 * @len: its length
 * @digest: where the 32-byte digest goes
 *
 * Without an appended signature: the kernel strips one it verified, and
 * loadpol one it did not (loadpol_image_strip_signature()).
 *
 * Return: 0, -EBADMSG for an inconsistent signature trailer, or an error
 * of the crypto API.
 */
int loadpol_image_digest(const void *image, size_t len, u8 *digest)
{
	int err = loadpol_image_strip_signature(image, &len);

	return err ? err : loadpol_sha256(image, len, digest);
}

/* The crypto API's SHA-256, once the accelerated ones have registered. */
static int __init loadpol_init_crypto(void)
{
	struct crypto_shash *tfm;

	if (!loadpol_enabled)
		return 0;
	tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(tfm)) {
		pr_warn("no sha256 in the crypto API (%ld): using the library\n",
			PTR_ERR(tfm));
		return 0;
	}
	/* Pairs with the acquire in loadpol_sha256(): a whole tfm. */
	smp_store_release(&loadpol_tfm, tfm);
	pr_info("module digests by %s\n", crypto_shash_driver_name(tfm));
	return 0;
}
late_initcall(loadpol_init_crypto);
