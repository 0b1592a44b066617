// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol_test_fs: an empty filesystem, "loadpoltestfs", that the kernel asks
 * userspace to load (request_module("fs-loadpoltestfs")) when someone mounts
 * it before it is loaded: the loadpol tests' real autoload path.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/init.h>
#include <linux/module.h>

#define LOADPOL_TEST_FS_MAGIC 0x6c706f6c	/* "lpol" */

static int loadpol_test_fs_fill_super(struct super_block *sb,
				      struct fs_context *fc)
{
	static const struct tree_descr files[] = { { "" } };

	return simple_fill_super(sb, LOADPOL_TEST_FS_MAGIC, files);
}

static int loadpol_test_fs_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, loadpol_test_fs_fill_super);
}

static const struct fs_context_operations loadpol_test_fs_context_ops = {
	.get_tree = loadpol_test_fs_get_tree,
};

static int loadpol_test_fs_init_fs_context(struct fs_context *fc)
{
	fc->ops = &loadpol_test_fs_context_ops;
	return 0;
}

static struct file_system_type loadpol_test_fs_type = {
	.owner = THIS_MODULE,
	.name = "loadpoltestfs",
	.init_fs_context = loadpol_test_fs_init_fs_context,
	.kill_sb = kill_litter_super,
};
MODULE_ALIAS_FS("loadpoltestfs");

static int __init loadpol_test_fs_init(void)
{
	return register_filesystem(&loadpol_test_fs_type);
}

static void __exit loadpol_test_fs_exit(void)
{
	unregister_filesystem(&loadpol_test_fs_type);
}

module_init(loadpol_test_fs_init);
module_exit(loadpol_test_fs_exit);

MODULE_DESCRIPTION("loadpol test module: an empty filesystem loaded on demand");
MODULE_LICENSE("GPL");
