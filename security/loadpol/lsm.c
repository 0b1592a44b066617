// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: decide kernel module loads and module requests against a policy
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) "loadpol: " fmt

#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/binfmts.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kmod.h>
#include <linux/lsm_hooks.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/lsm.h>

#include "loadpol.h"

/* What happens to an event before any policy is written. */
enum loadpol_action loadpol_boot_default __ro_after_init = LOADPOL_ALLOW;
static bool loadpol_enabled __ro_after_init;
static struct crypto_shash *loadpol_tfm;

static const char *const loadpol_boot_defaults[] = {
	[LOADPOL_ALLOW] = "allow",
	[LOADPOL_DENY] = "deny",
};

/**
 * loadpol_parse_boot_default() - parse the value of loadpol.default=
 * @val: "allow" or "deny", a trailing newline allowed
 * @action: where to store the action parsed
 *
 * Return: 0 on success, -EINVAL if @val is neither; @action is left
 * untouched on error.
 */
int loadpol_parse_boot_default(const char *val, enum loadpol_action *action)
{
	int i;

	if (!val)
		return -EINVAL;
	i = sysfs_match_string(loadpol_boot_defaults, val);
	if (i < 0)
		return -EINVAL;
	*action = i;
	return 0;
}

static int loadpol_param_set_default(const char *val,
				     const struct kernel_param *kp)
{
	enum loadpol_action action;
	int err;

	err = loadpol_parse_boot_default(val, &action);
	if (err) {
		pr_err("loadpol.default=%s: expected allow or deny\n", val);
		return err;
	}
	*(enum loadpol_action *)kp->arg = action;
	return 0;
}

static int loadpol_param_get_default(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 loadpol_action_name(*(enum loadpol_action *)kp->arg));
}

static const struct kernel_param_ops loadpol_default_ops = {
	.set = loadpol_param_set_default,
	.get = loadpol_param_get_default,
};

module_param_cb(default, &loadpol_default_ops, &loadpol_boot_default, 0444);
MODULE_PARM_DESC(default, "Action before a policy is loaded: allow or deny");

/**
 * loadpol_sha256() - SHA-256 of a buffer
 * @data: the buffer
 * @len: its length
 * @digest: where the 32-byte digest goes
 *
 * Through the crypto API, so that the architecture's accelerated SHA-256 is
 * used, once it is registered (late_initcall); before that, through the
 * generic library, which gives the same digest.
 *
 * Return: 0 or a negative errno from the crypto API.
 */
int loadpol_sha256(const void *data, size_t len, u8 *digest)
{
	struct crypto_shash *tfm = READ_ONCE(loadpol_tfm);

	if (!tfm) {
		sha256(data, len, digest);
		return 0;
	}
	return crypto_shash_tfm_digest(tfm, data, len, digest);
}

/* The digest of a module image as linked, without an appended signature. */
static int loadpol_image_digest(const void *image, size_t len, u8 *digest)
{
	int err = loadpol_image_strip_signature(image, &len);

	return err ? err : loadpol_sha256(image, len, digest);
}

/* Decide an event with the live policy, or the boot default without one. */
static int loadpol_check(const struct loadpol_live *live,
			 const struct loadpol_event *event)
{
	struct loadpol_decision decision = {
		.action = loadpol_boot_default,
		.rule = -1,
	};
	enum loadpol_mode mode = LOADPOL_ENFORCE;

	if (live) {
		loadpol_decide(live->policy, event, &decision);
		mode = live->policy->mode;
	}
	if (decision.action == LOADPOL_ALLOW)
		return 0;
	loadpol_audit_decision(event, &decision, mode);
	if (decision.action == LOADPOL_DENY && mode == LOADPOL_ENFORCE)
		return -EPERM;
	return 0;
}

static int loadpol_module_load(const char *name, const void *image,
			       size_t len, bool sig_ok)
{
	struct loadpol_task *task = loadpol_task(current);
	struct loadpol_event event = {
		.kind = LOADPOL_EV_LOAD,
		.name = name,
		.sig_ok = sig_ok,
		.origin_kernel = task->origin == LOADPOL_ORIGIN_KERNEL,
		.path = task->path,
	};
	struct loadpol_live *live = loadpol_live_get();
	u8 digest[LOADPOL_DIGEST_SIZE];
	int err = 0;

	/* One policy decides, from the digest it needs to the action. */
	if (live && live->policy->needs_digest) {
		err = loadpol_image_digest(image, len, digest);
		event.sha256 = digest;
	}
	if (!err)
		err = loadpol_check(live, &event);
	loadpol_live_put(live);
	kfree(task->path);
	task->path = NULL;
	return err;
}

static int loadpol_module_request(char *kmod_name)
{
	struct loadpol_event event = {
		.kind = LOADPOL_EV_REQUEST,
		.request = kmod_name,
	};
	struct loadpol_live *live = loadpol_live_get();
	int err = loadpol_check(live, &event);

	loadpol_live_put(live);
	return err;
}

/* finit_module(2) reads the module file: remember its path for the load. */
static int loadpol_kernel_read_file(struct file *file,
				    enum kernel_read_file_id id, bool contents)
{
	struct loadpol_task *task = loadpol_task(current);
	char *buf, *path;

	if (id != READING_MODULE)
		return 0;
	kfree(task->path);
	task->path = NULL;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	path = d_path(&file->f_path, buf, PATH_MAX);
	if (!IS_ERR(path))
		task->path = kstrdup(path, GFP_KERNEL);
	kfree(buf);
	if (!IS_ERR(path) && !task->path)
		return -ENOMEM;
	return 0;
}

/* init_module(2) has no file: forget any path left by a failed finit. */
static int loadpol_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	struct loadpol_task *task = loadpol_task(current);

	if (id == LOADING_MODULE) {
		kfree(task->path);
		task->path = NULL;
	}
	return 0;
}

/*
 * A task forked by a kernel thread that is not itself a kernel thread is a
 * usermode helper (call_usermodehelper(), for UMH_WAIT_PROC and, with
 * CLONE_PARENT, UMH_WAIT_EXEC alike); init, forked by the idle task, is
 * not.  Every other task inherits its parent's origin.  Userspace cannot
 * make a kernel thread fork it, so it cannot make its loads read "kernel".
 */
static int loadpol_task_alloc(struct task_struct *task,
			      unsigned long clone_flags)
{
	struct loadpol_task *child = loadpol_task(task);

	child->path = NULL;
	if ((current->flags & PF_KTHREAD) && !(task->flags & PF_KTHREAD) &&
	    !is_idle_task(current))
		child->origin = LOADPOL_ORIGIN_HELPER;
	else
		child->origin = loadpol_task(current)->origin;
	return 0;
}

static void loadpol_task_free(struct task_struct *task)
{
	kfree(loadpol_task(task)->path);
}

/* A helper's first exec tells whether it is the kernel's modprobe. */
static int loadpol_bprm_creds_for_exec(struct linux_binprm *bprm)
{
	struct loadpol_task *task = loadpol_task(current);

	if (task->origin == LOADPOL_ORIGIN_HELPER)
		task->origin = strcmp(bprm->filename, modprobe_path) ?
			       LOADPOL_ORIGIN_USER : LOADPOL_ORIGIN_KERNEL;
	return 0;
}

struct lsm_blob_sizes loadpol_blob_sizes __ro_after_init = {
	.lbs_task = sizeof(struct loadpol_task),
};

static const struct lsm_id loadpol_lsmid = {
	.name = "loadpol",
	.id = LSM_ID_LOADPOL,
};

static struct security_hook_list loadpol_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(kernel_module_load, loadpol_module_load),
	LSM_HOOK_INIT(kernel_module_request, loadpol_module_request),
	LSM_HOOK_INIT(kernel_read_file, loadpol_kernel_read_file),
	LSM_HOOK_INIT(kernel_load_data, loadpol_kernel_load_data),
	LSM_HOOK_INIT(task_alloc, loadpol_task_alloc),
	LSM_HOOK_INIT(task_free, loadpol_task_free),
	LSM_HOOK_INIT(bprm_creds_for_exec, loadpol_bprm_creds_for_exec),
};

static int __init loadpol_init(void)
{
	security_add_hooks(loadpol_hooks, ARRAY_SIZE(loadpol_hooks),
			   &loadpol_lsmid);
	loadpol_enabled = true;
	pr_info("ready; before a policy is loaded, modules are %s\n",
		loadpol_boot_default == LOADPOL_ALLOW ? "allowed" : "denied");
	loadpol_init_state();
	return 0;
}

DEFINE_LSM(loadpol) = {
	.name = "loadpol",
	.init = loadpol_init,
	.blobs = &loadpol_blob_sizes,
};

/* The policy file and the lock sysctl, once securityfs is up. */
static int __init loadpol_init_interfaces(void)
{
	int err;

	if (!loadpol_enabled)
		return 0;
	err = loadpol_init_fs();
	if (!err)
		err = loadpol_init_sysctl();
	if (err)
		pr_err("cannot create the policy file and sysctl (%d)\n", err);
	return err;
}
fs_initcall(loadpol_init_interfaces);

/* The crypto API's SHA-256, once the accelerated ones have registered. */
static int __init loadpol_init_crypto(void)
{
	struct crypto_shash *tfm;

	if (!loadpol_enabled)
		return 0;
	tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(tfm)) {
		pr_warn("no sha256 in the crypto API (%ld): using the library\n",
			PTR_ERR(tfm));
		return 0;
	}
	WRITE_ONCE(loadpol_tfm, tfm);
	pr_info("module digests by %s\n", crypto_shash_driver_name(tfm));
	return 0;
}
late_initcall(loadpol_init_crypto);
