/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol: the kernel names the policy engine uses, over libc, so that
 * security/loadpol/policy.c builds unchanged in userspace.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _TOOLS_LOADPOL_POLICY_ENV_USER_H
#define _TOOLS_LOADPOL_POLICY_ENV_USER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define GFP_KERNEL 0U
#define GFP_KERNEL_ACCOUNT 0U
/* As include/linux/compiler_attributes.h defines it. */
#ifndef __printf
#define __printf(a, b) __attribute((__format__(printf, a, b)))
#endif
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#define BIT(n) (1U << (n))
#define BITS_PER_LONG (8 * sizeof(long))
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static inline bool test_bit(unsigned long nr, const unsigned long *map)
{
	return map[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG) & 1;
}

static inline void __set_bit(unsigned long nr, unsigned long *map)
{
	map[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
}

static inline void *kvmalloc(size_t size, unsigned int gfp)
{
	return malloc(size);
}

static inline void *kvmalloc_array(size_t n, size_t size, unsigned int gfp)
{
	return size && n > (size_t)-1 / size ? NULL : malloc(n * size);
}

static inline void *kvcalloc(size_t n, size_t size, unsigned int gfp)
{
	return calloc(n, size);
}

static inline void *loadpol_keep_array(size_t n, size_t size, bool zero)
{
	return zero ? calloc(n, size) : kvmalloc_array(n, size, 0);
}

static inline void *kzalloc(size_t size, unsigned int gfp)
{
	return calloc(1, size);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

/* Decisions in userspace are never asked to give up the CPU. */
static inline void cond_resched(void)
{
}

static inline void loadpol_sort(void *base, size_t num, size_t size,
				int (*cmp)(const void *, const void *))
{
	qsort(base, num, size, cmp);
}

#endif /* _TOOLS_LOADPOL_POLICY_ENV_USER_H */
