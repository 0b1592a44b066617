// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: decide kernel module loads and module requests against a policy
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) "loadpol: " fmt

#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/lsm_hooks.h>
#include <linux/moduleparam.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/lsm.h>

#include "loadpol.h"

/* What happens to an event before any policy is written. */
enum loadpol_action loadpol_boot_default __ro_after_init = LOADPOL_ALLOW;
bool loadpol_enabled __ro_after_init;

static const char *const loadpol_boot_defaults[] = {
	[LOADPOL_ALLOW] = "allow",
	[LOADPOL_DENY] = "deny",
	[LOADPOL_AUDIT] = "audit",
};

/**
 * loadpol_parse_boot_default() - parse the value of loadpol.default=
 * @val: "allow", "deny" or "audit", a trailing newline allowed
 * @action: where to store the action parsed
 *
 * Return: 0 on success, -EINVAL if @val is none of them; @action is left
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
		pr_err("loadpol.default=%s: expected allow, deny or audit\n", val);
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
MODULE_PARM_DESC(default,
		 "Action before a policy is loaded: allow, deny or audit");

/*
 * Decide an event with the live policy, or the boot default without one.
 * @flaw, when not NULL, is why the image is refused whatever the rules say
 * (a reason token for the record); it is still only recorded, not refused,
 * in permissive mode.
 */
static int loadpol_check(const struct loadpol_live *live,
			 const struct loadpol_event *event, const char *flaw)
{
	struct loadpol_decision decision = {
		.action = loadpol_boot_default,
		.rule = -1,
	};
	enum loadpol_mode mode = LOADPOL_ENFORCE;

	if (live)
		mode = live->policy->mode;
	if (flaw)
		decision.action = LOADPOL_DENY;
	else if (live)
		loadpol_decide(live->policy, event, &decision);
	if (decision.action == LOADPOL_ALLOW)
		return 0;
	loadpol_audit_decision(event, &decision, mode, flaw);
	if (decision.action == LOADPOL_DENY && mode == LOADPOL_ENFORCE)
		return -EPERM;
	return 0;
}

/*
 * Who asks, from its credentials: the real user ID, whether the user
 * namespace is the initial one, and whether CAP_SYS_MODULE is held there
 * (asked without an audit record: this is a description, not a check).
 */
static void loadpol_requester(const struct cred *cred,
			      struct loadpol_event *event)
{
	event->uid = from_kuid(&init_user_ns, cred->uid);
	event->userns_nested = cred->user_ns != &init_user_ns;
	event->unprivileged = security_capable(cred, &init_user_ns,
					       CAP_SYS_MODULE,
					       CAP_OPT_NOAUDIT) != 0;
}

static int loadpol_module_load(const char *name, const char *modinfo_name,
			       const void *image, size_t len, bool sig_ok)
{
	struct loadpol_task *task = loadpol_task(current);
	bool kernel = READ_ONCE(task->origin) == LOADPOL_ORIGIN_KERNEL;
	struct loadpol_event event = {
		.kind = LOADPOL_EV_LOAD,
		.name = name,
		.sig_ok = sig_ok,
		.origin_kernel = kernel,
		.path = task->path,
		.request = kernel ? task->request : NULL,
	};
	struct loadpol_live *live = loadpol_live_get();
	u8 digest[LOADPOL_DIGEST_SIZE];
	const char *flaw = NULL;
	int err;

	/* The kernel's modprobe loads on behalf of whoever asked. */
	if (kernel) {
		event.uid = task->req_uid;
		event.userns_nested = task->req_userns_nested;
		event.unprivileged = task->req_unprivileged;
	} else {
		/*
		 * Any other loader passed may_init_module()'s
		 * capable(CAP_SYS_MODULE): privileged, and so in the initial
		 * user namespace.  Nothing to ask on the load path.
		 */
		event.uid = from_kuid(&init_user_ns, current_uid());
	}

	/*
	 * The module registers under @name; a .modinfo name= that says
	 * otherwise is a crafted image claiming a name it will not have.
	 */
	if (strcmp(name, modinfo_name)) {
		event.modinfo_name = modinfo_name;
		flaw = "name_mismatch";
	} else if (live && live->policy->needs_digest) {
		/* One policy decides, from the digest it needs to the action. */
		if (loadpol_image_digest(image, len, digest))
			flaw = "digest_error";
		else
			event.sha256 = digest;
	}
	err = loadpol_check(live, &event, flaw);
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
	struct loadpol_live *live;
	int err;

	loadpol_requester(current_cred(), &event);
	live = loadpol_live_get();
	err = loadpol_check(live, &event, NULL);
	loadpol_live_put(live);
	return err;
}

/*
 * The helper request_module() started, before it executes modprobe_path:
 * the only way a task becomes the kernel's modprobe.  It remembers the
 * request it serves and who asked, for the loads it makes.
 */
static int loadpol_module_helper(const char *kmod_name,
				 const struct cred *requester)
{
	struct loadpol_task *task = loadpol_task(current);
	char *request = kstrdup(kmod_name, GFP_KERNEL_ACCOUNT);
	struct loadpol_event who = {};

	if (!request)
		return -ENOMEM;
	loadpol_requester(requester, &who);
	kfree(task->request);
	task->request = request;
	task->req_uid = who.uid;
	task->req_userns_nested = who.userns_nested;
	task->req_unprivileged = who.unprivileged;
	WRITE_ONCE(task->origin, LOADPOL_ORIGIN_HELPER);
	return 0;
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
 * A fork of the kernel's modprobe is still the kernel's modprobe (the same
 * program); every other task, a fork of a kernel thread included, starts
 * as user.  Only loadpol_module_helper() makes a task kernel's.
 */
static int loadpol_task_alloc(struct task_struct *task,
			      unsigned long clone_flags)
{
	const struct loadpol_task *parent = loadpol_task(current);
	struct loadpol_task *child = loadpol_task(task);

	memset(child, 0, sizeof(*child));
	child->origin = LOADPOL_ORIGIN_USER;
	if (parent->origin == LOADPOL_ORIGIN_KERNEL && parent->request) {
		child->request = kstrdup(parent->request, GFP_KERNEL_ACCOUNT);
		if (!child->request)
			return -ENOMEM;
		child->req_uid = parent->req_uid;
		child->req_userns_nested = parent->req_userns_nested;
		child->req_unprivileged = parent->req_unprivileged;
		child->origin = LOADPOL_ORIGIN_KERNEL;
	}
	return 0;
}

static void loadpol_task_free(struct task_struct *task)
{
	struct loadpol_task *t = loadpol_task(task);

	kfree(t->path);
	kfree(t->request);
}

/*
 * The helper's exec of modprobe_path makes it the kernel's modprobe,
 * unless a tracer is attached then; any other exec (modprobe's "install"
 * commands, a wrapper's child) is a program of someone else's choosing,
 * and runs as user.
 */
static int loadpol_bprm_creds_for_exec(struct linux_binprm *bprm)
{
	struct loadpol_task *task = loadpol_task(current);

	switch (task->origin) {
	case LOADPOL_ORIGIN_HELPER:
		if (!(bprm->unsafe & LSM_UNSAFE_PTRACE)) {
			WRITE_ONCE(task->origin, LOADPOL_ORIGIN_KERNEL);
			break;
		}
		fallthrough;
	case LOADPOL_ORIGIN_KERNEL:
		WRITE_ONCE(task->origin, LOADPOL_ORIGIN_USER);
		kfree(task->request);
		task->request = NULL;
		break;
	}
	return 0;
}

/* Nobody, root included, attaches to the kernel's modprobe. */
static int loadpol_ptrace_access_check(struct task_struct *child,
				       unsigned int mode)
{
	if ((mode & PTRACE_MODE_ATTACH) &&
	    READ_ONCE(loadpol_task(child)->origin) != LOADPOL_ORIGIN_USER)
		return -EPERM;
	return 0;
}

static int loadpol_ptrace_traceme(struct task_struct *parent)
{
	if (READ_ONCE(loadpol_task(current)->origin) != LOADPOL_ORIGIN_USER)
		return -EPERM;
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
	LSM_HOOK_INIT(kernel_module_helper, loadpol_module_helper),
	LSM_HOOK_INIT(kernel_read_file, loadpol_kernel_read_file),
	LSM_HOOK_INIT(kernel_load_data, loadpol_kernel_load_data),
	LSM_HOOK_INIT(task_alloc, loadpol_task_alloc),
	LSM_HOOK_INIT(task_free, loadpol_task_free),
	LSM_HOOK_INIT(bprm_creds_for_exec, loadpol_bprm_creds_for_exec),
	LSM_HOOK_INIT(ptrace_access_check, loadpol_ptrace_access_check),
	LSM_HOOK_INIT(ptrace_traceme, loadpol_ptrace_traceme),
};

static int __init loadpol_init(void)
{
	security_add_hooks(loadpol_hooks, ARRAY_SIZE(loadpol_hooks),
			   &loadpol_lsmid);
	loadpol_enabled = true;
	pr_info("ready; before a policy is loaded, modules are %s\n",
		loadpol_boot_default == LOADPOL_DENY ? "denied" :
		loadpol_boot_default == LOADPOL_AUDIT ? "allowed and recorded" :
		"allowed");
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
	loadpol_repeat_init();
	loadpol_audit_boot();
	err = loadpol_init_fs();
	if (!err)
		err = loadpol_init_sysctl();
	if (err)
		pr_err("cannot create the policy file and sysctl (%d)\n", err);
	return err;
}
fs_initcall(loadpol_init_interfaces);
