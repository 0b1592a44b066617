// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol_test_oops: oopses when loaded.  The harness loads it to prove that
 * a kernel oops makes a test run fail; nothing else should ever load it.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <linux/init.h>
#include <linux/module.h>

static int *loadpol_test_oops_ptr;

static int __init loadpol_test_oops_init(void)
{
	return *READ_ONCE(loadpol_test_oops_ptr);	/* NULL: oops on purpose */
}
module_init(loadpol_test_oops_init);

MODULE_DESCRIPTION("loadpol test module: oopses on load, for the harness");
MODULE_LICENSE("GPL");
