// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol_test_a: a module that does nothing but load, for loadpol's tests
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

static int __init loadpol_test_a_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit loadpol_test_a_exit(void)
{
}

module_init(loadpol_test_a_init);
module_exit(loadpol_test_a_exit);

MODULE_DESCRIPTION("loadpol test module: loads and does nothing");
MODULE_LICENSE("GPL");
