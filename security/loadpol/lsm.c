// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: decide kernel module loads and module requests against a policy
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) "loadpol: " fmt

#include <linux/init.h>
#include <linux/lsm_hooks.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <uapi/linux/lsm.h>

#include "loadpol.h"

/* What happens to an event before any policy is written. */
static enum loadpol_action loadpol_boot_default = LOADPOL_ALLOW;

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

static int loadpol_module_load(const char *name, const void *image,
			       size_t len, bool sig_ok)
{
	if (loadpol_boot_default == LOADPOL_ALLOW)
		return 0;
	pr_notice_ratelimited("denied load of module %s (loadpol.default=deny)\n",
			      name);
	return -EPERM;
}

static int loadpol_module_request(char *kmod_name)
{
	if (loadpol_boot_default == LOADPOL_ALLOW)
		return 0;
	pr_notice_ratelimited("denied module request %s (loadpol.default=deny)\n",
			      kmod_name);
	return -EPERM;
}

static const struct lsm_id loadpol_lsmid = {
	.name = "loadpol",
	.id = LSM_ID_LOADPOL,
};

static struct security_hook_list loadpol_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(kernel_module_load, loadpol_module_load),
	LSM_HOOK_INIT(kernel_module_request, loadpol_module_request),
};

static int __init loadpol_init(void)
{
	security_add_hooks(loadpol_hooks, ARRAY_SIZE(loadpol_hooks),
			   &loadpol_lsmid);
	pr_info("ready; before a policy is loaded, modules are %s\n",
		loadpol_boot_default == LOADPOL_ALLOW ? "allowed" : "denied");
	return 0;
}

DEFINE_LSM(loadpol) = {
	.name = "loadpol",
	.init = loadpol_init,
};
