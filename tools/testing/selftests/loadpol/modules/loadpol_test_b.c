// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol_test_b: a module shipped compressed, for loadpol's tests; it says
 * how it was given its parameter so that tests can tell loads apart.  It
 * carries a megabyte of data, so that its image is digested in several
 * chunks (and compresses to almost nothing).
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>

static int tag;
module_param(tag, int, 0444);
MODULE_PARM_DESC(tag, "A number shown in /sys/module/loadpol_test_b/parameters");

static const u8 loadpol_test_b_ballast[SZ_1M] __used = {
	[0 ... SZ_1M - 1] = 0xa5
};

static int __init loadpol_test_b_init(void)
{
	pr_info("loadpol_test_b: loaded with tag %d\n", tag);
	return 0;
}

static void __exit loadpol_test_b_exit(void)
{
}

module_init(loadpol_test_b_init);
module_exit(loadpol_test_b_exit);

MODULE_DESCRIPTION("loadpol test module: loaded from a compressed file");
MODULE_LICENSE("GPL");
