// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: the appended module signature, stripped before a digest
 *
 * Part of the policy engine: one body of C for the kernel and for
 * userspace (see policy_env.h and policy_impl.h).
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "policy_impl.h"

/* "~Module signature appended~\n", and the 12-byte struct module_signature
 * before it, whose last 4 bytes are the signature's length, big-endian.
 */
#define LOADPOL_SIG_MARKER "~Module signature appended~\n"
#define LOADPOL_SIG_MARKER_LEN (sizeof(LOADPOL_SIG_MARKER) - 1)
#define LOADPOL_SIG_INFO_LEN 12

/**
 * loadpol_image_strip_signature() - the length of a module image without
 *	its appended signature
 * @image: the decompressed module image
 * @len: its length; on return, the length of the image as linked
 *
 * A ``sha256=`` digest covers the image as linked: the kernel strips a
 * signature it verified, and loadpol strips one it did not.  loadpolctl
 * calls this too, so that both compute the same digest.
 *
 * Return: 0 (also when there is no signature), or -EBADMSG when the
 * signature trailer is inconsistent.
 */
int loadpol_image_strip_signature(const void *image, size_t *len)
{
	const unsigned char *p = image;
	size_t n = *len;
	u32 sig_len;

	if (n <= LOADPOL_SIG_MARKER_LEN + LOADPOL_SIG_INFO_LEN ||
	    memcmp(p + n - LOADPOL_SIG_MARKER_LEN, LOADPOL_SIG_MARKER,
		   LOADPOL_SIG_MARKER_LEN))
		return 0;
	n -= LOADPOL_SIG_MARKER_LEN;
	sig_len = (u32)p[n - 4] << 24 | (u32)p[n - 3] << 16 |
		  (u32)p[n - 2] << 8 | p[n - 1];
	if (sig_len > n - LOADPOL_SIG_INFO_LEN)
		return -EBADMSG;
	*len = n - LOADPOL_SIG_INFO_LEN - sig_len;
	return 0;
}

