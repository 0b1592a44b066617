/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol: the environment of the policy engine
 *
 * The policy engine (policy.c, glob.c, index.c, print.c, modsig.c) is one
 * body of C built into the kernel and, unchanged, into the userspace tool,
 * tests, fuzzer and benchmark (tools/loadpol/).  This header
 * is all that differs between the two: the kernel's headers, or the few
 * kernel names the engine uses mapped onto libc.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _SECURITY_LOADPOL_POLICY_ENV_H
#define _SECURITY_LOADPOL_POLICY_ENV_H

#ifdef __KERNEL__

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/vmalloc.h>

/*
 * An array a compiled policy keeps: past a page, in exactly the pages it
 * needs (vmalloc), not in the power-of-two block kmalloc would round a
 * large size up to.  Freed with kvfree().
 */
static inline void *loadpol_keep_array(size_t n, size_t size, bool zero)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | (zero ? __GFP_ZERO : 0);
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return bytes > PAGE_SIZE ? __vmalloc(bytes, gfp) : kmalloc(bytes, gfp);
}

static inline void loadpol_sort(void *base, size_t num, size_t size,
				int (*cmp)(const void *, const void *))
{
	sort(base, num, size, cmp, NULL);
}

#else

/* tools/loadpol/include/: the same names over libc. */
#include <policy_env_user.h>

#endif /* __KERNEL__ */

#endif /* _SECURITY_LOADPOL_POLICY_ENV_H */
