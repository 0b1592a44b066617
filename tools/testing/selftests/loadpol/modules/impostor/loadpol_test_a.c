// SPDX-License-Identifier: GPL-2.0-only
/*
 * An impostor: a module that calls itself loadpol_test_a (its object file
 * has that name) but is not loadpol_test_a's image.  A name rule lets it in;
 * a sha256= pin of the real module must not.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

static int __init loadpol_impostor_init(void)
{
	pr_info("impostor loaded\n");
	return 0;
}

static void __exit loadpol_impostor_exit(void)
{
}

module_init(loadpol_impostor_init);
module_exit(loadpol_impostor_exit);

MODULE_DESCRIPTION("loadpol test module: claims loadpol_test_a's name");
MODULE_LICENSE("GPL");
