/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol: the environment of the policy engine
 *
 * policy.c is one body of C built into the kernel and, unchanged, into the
 * userspace tool, tests, fuzzer and benchmark (tools/loadpol/).  This header
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
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/types.h>

#define loadpol_sort(base, num, size, cmp) sort(base, num, size, cmp, NULL)

#else /* userspace */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#define GFP_KERNEL 0
#define __GFP_ZERO 1
#define kvmalloc(size, gfp) ((gfp) & __GFP_ZERO ? calloc(1, size) : malloc(size))
#define kvzalloc(size, gfp) calloc(1, size)
#define kvfree(p) free(p)
#define kzalloc(size, gfp) calloc(1, size)
#define kfree(p) free(p)
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1U << (n))
#define loadpol_sort(base, num, size, cmp) qsort(base, num, size, cmp)

#endif /* __KERNEL__ */

#endif /* _SECURITY_LOADPOL_POLICY_ENV_H */
