/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol: what the policy engine's files share with one another
 *
 * Not an interface: the engine's interface is policy.h.  The engine is
 * policy.c (parsing), glob.c, index.c (indexes and decisions), print.c
 * (names and canonical text) and modsig.c (signature stripping), built
 * into the kernel and, unchanged, into userspace (tools/loadpol).
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _SECURITY_LOADPOL_POLICY_IMPL_H
#define _SECURITY_LOADPOL_POLICY_IMPL_H

#include "policy.h"

#ifdef __KERNEL__
#include <linux/bitmap.h>
#include <linux/stdarg.h>
#else
#include <stdarg.h>
#endif

#define LOAD_KEYS (BIT(LOADPOL_KEY_NAME) | BIT(LOADPOL_KEY_SHA256) | \
		   BIT(LOADPOL_KEY_SIGNED) | BIT(LOADPOL_KEY_ORIGIN) | \
		   BIT(LOADPOL_KEY_PATH))
#define REQUEST_KEYS BIT(LOADPOL_KEY_REQUEST)

/* print.c: the words of the language, indexed by their values */
extern const char *const loadpol_action_names[LOADPOL_AUDIT + 1];
extern const char *const loadpol_mode_names[LOADPOL_PERMISSIVE + 1];
extern const char *const loadpol_key_names[LOADPOL_NR_KEYS];
extern const char *const loadpol_yes_no[2];
extern const char *const loadpol_user_kernel[2];
extern const char *const loadpol_init_nested[2];

/* '-' read as '_' in module names, as modprobe reads them. */
static inline unsigned char fold(unsigned char c, bool fold_dash)
{
	return fold_dash && c == '-' ? '_' : c;
}

/* glob.c */
const char *loadpol_glob_prepare(char *p, bool fold_dash);
bool loadpol_is_literal(const char *p);
bool loadpol_name_equal(const char *pattern, const char *name);

/* index.c */
int loadpol_policy_compile(struct loadpol_policy *policy);

#endif /* _SECURITY_LOADPOL_POLICY_IMPL_H */
