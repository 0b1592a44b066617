// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: the policy in force, its replacement, and the lock
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) "loadpol: " fmt

#include <linux/capability.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sysctl.h>

#include "loadpol.h"

static struct loadpol_live __rcu *loadpol_current;
/* Serialises policy replacement and locking. */
static DEFINE_MUTEX(loadpol_state_mutex);
static bool loadpol_locked;
static bool loadpol_lock_at_boot;
module_param_named(locked, loadpol_lock_at_boot, bool, 0444);
MODULE_PARM_DESC(locked, "Refuse policy writes from boot on");

/*
 * The built-in policy's load and, if it failed, the deny-all one's:
 * recorded once audit is up.
 */
static struct loadpol_attempt loadpol_boot_attempts[2] __initdata;

/* What is in force when the built-in policy does not parse. */
static const char loadpol_fail_closed_policy[] __initconst = "default deny\n";

/**
 * loadpol_live_get() - the policy in force, with a reference
 *
 * Return: the live policy, to be released with loadpol_live_put(), or NULL
 * when no policy has been loaded.
 */
struct loadpol_live *loadpol_live_get(void)
{
	struct loadpol_live *live;

	rcu_read_lock();
	live = rcu_dereference(loadpol_current);
	if (live)
		refcount_inc(&live->ref);
	rcu_read_unlock();
	return live;
}

/**
 * loadpol_live_put() - drop a reference to a policy
 * @live: the policy, or NULL
 */
void loadpol_live_put(struct loadpol_live *live)
{
	if (live && refcount_dec_and_test(&live->ref)) {
		loadpol_policy_free(live->policy);
		kfree(live);
	}
}

/**
 * loadpol_is_locked() - whether only tightening policy writes are accepted
 *
 * Return: true once locked.
 */
bool loadpol_is_locked(void)
{
	return READ_ONCE(loadpol_locked);
}

/**
 * loadpol_lock() - refuse every policy write from now until reboot
 *
 * Audited the first time only.
 */
void loadpol_lock(void)
{
	bool was;

	mutex_lock(&loadpol_state_mutex);
	was = loadpol_locked;
	WRITE_ONCE(loadpol_locked, true);
	mutex_unlock(&loadpol_state_mutex);
	if (!was) {
		loadpol_audit_lock();
		pr_info("policy locked until reboot\n");
	}
}

/*
 * Once locked, a policy replaces the one in force only if it refuses all
 * that one refuses: the same rules, behind deny rules added in front (see
 * loadpol_policy_tightens()).  Without a policy in force, the boot default
 * decides, as a policy of no rules would.  Called with the state mutex.
 */
static int loadpol_check_tightens(const struct loadpol_policy *policy,
				  struct loadpol_attempt *a)
{
	struct loadpol_policy boot = {
		.mode = LOADPOL_ENFORCE,
		.default_action = loadpol_boot_default,
	};
	struct loadpol_live *live;

	live = rcu_dereference_protected(loadpol_current,
					 lockdep_is_held(&loadpol_state_mutex));
	a->tightening = true;
	return loadpol_policy_tightens(live ? live->policy : &boot, policy,
				       &a->error);
}

/*
 * Parse a policy text and make it the live policy, filling @a for its
 * record.  Decisions in progress finish with the policy they started with;
 * later ones see the new one.
 */
static void loadpol_install(const char *text, size_t len,
			    struct loadpol_attempt *a)
{
	struct loadpol_live *live = NULL, *old = NULL;
	struct loadpol_policy *policy = NULL;
	int err;

	err = loadpol_sha256(text, len, a->digest);
	a->have_digest = !err;
	if (!err)
		err = loadpol_policy_parse(text, len, &policy, &a->error);
	if (!err) {
		a->parsed = true;
		a->rules = policy->nr_rules;
		a->mode = policy->mode;
		a->default_action = policy->default_action;
		live = kzalloc(sizeof(*live), GFP_KERNEL_ACCOUNT);
		if (!live)
			err = -ENOMEM;
	}
	if (!err) {
		live->policy = policy;
		refcount_set(&live->ref, 1);
		mutex_lock(&loadpol_state_mutex);
		if (loadpol_locked)
			err = loadpol_check_tightens(policy, a);
		if (!err) {
			old = rcu_replace_pointer(loadpol_current, live,
						  lockdep_is_held(&loadpol_state_mutex));
			loadpol_repeat_new_policy();
		}
		mutex_unlock(&loadpol_state_mutex);
	}
	a->err = err;
	if (err) {
		if (live)
			loadpol_live_put(live);
		else
			loadpol_policy_free(policy);
	} else if (old) {
		synchronize_rcu();
		loadpol_live_put(old);
	}
}

/**
 * loadpol_set_policy() - parse a policy text and make it the live policy
 * @text: the text
 * @len: its length
 *
 * Decisions in progress finish with the policy they started with; later
 * ones see the new one.  Every attempt is audited and logged.
 *
 * Once locked, only a policy that tightens the one in force is accepted.
 *
 * Return: 0, -EPERM when locked and the policy does not only add deny
 * rules in front of the one in force, or the parser's error.
 */
int loadpol_set_policy(const char *text, size_t len)
{
	struct loadpol_attempt a = {};

	loadpol_install(text, len, &a);
	loadpol_audit_policy(&a);
	if (a.err)
		pr_err("policy rejected: line %u: %s (%d)\n", a.error.line,
		       a.error.msg, a.err);
	else if (a.tightening)
		pr_info("locked policy tightened: %u rules\n", a.rules);
	else
		pr_info("policy loaded: %u rules, mode %s, default %s\n", a.rules,
			loadpol_mode_name(a.mode),
			loadpol_action_name(a.default_action));
	return a.err;
}

/**
 * loadpol_init_state() - put the built-in policy in force, lock if asked
 *
 * Called once at LSM init, before any module load or request, and before
 * audit is up: loadpol_audit_boot() records what it did later.  A built-in
 * policy that does not parse (the build checks it, so only a kernel built
 * around that check gets here) fails closed: a policy denying everything
 * is put in force instead, and the kernel log says so at every level
 * a console shows.
 */
void __init loadpol_init_state(void)
{
	struct loadpol_attempt *boot = &loadpol_boot_attempts[0];
	struct loadpol_attempt *closed = &loadpol_boot_attempts[1];

	if (loadpol_boot_policy[0]) {
		loadpol_install(loadpol_boot_policy, strlen(loadpol_boot_policy),
				boot);
		if (!boot->err) {
			pr_info("built-in policy in force\n");
		} else {
			loadpol_install(loadpol_fail_closed_policy,
					strlen(loadpol_fail_closed_policy), closed);
			if (closed->err)
				panic("loadpol: cannot put a deny-all policy in force\n");
			pr_emerg("built-in policy rejected (line %u: %s): every module load and request is DENIED until a valid policy is written\n",
				 boot->error.line, boot->error.msg);
		}
	}
	if (loadpol_lock_at_boot) {
		WRITE_ONCE(loadpol_locked, true);
		pr_info("policy locked from boot (loadpol.locked=1)\n");
	}
}

/**
 * loadpol_audit_boot() - record what loadpol_init_state() did
 *
 * Called once audit is up (an fs_initcall; audit_init() is a
 * postcore_initcall): the built-in policy's load or refusal, the deny-all
 * policy put in force instead, and the lock from boot.
 */
void __init loadpol_audit_boot(void)
{
	if (loadpol_boot_policy[0]) {
		loadpol_audit_policy(&loadpol_boot_attempts[0]);
		if (loadpol_boot_attempts[0].err)
			loadpol_audit_policy(&loadpol_boot_attempts[1]);
	}
	if (loadpol_lock_at_boot)
		loadpol_audit_lock();
}

/* kernel.loadpol.locked: reads 0 or 1; only 1 may be written once locked. */
static int loadpol_sysctl_locked(const struct ctl_table *table, int write,
				 void *buffer, size_t *lenp, loff_t *ppos)
{
	int value = loadpol_is_locked();
	struct ctl_table t = *table;
	int err;

	t.data = &value;
	err = proc_dointvec_minmax(&t, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	if (!capable(CAP_MAC_ADMIN))
		return -EPERM;
	if (value)
		loadpol_lock();
	else if (loadpol_is_locked())
		return -EPERM;
	return 0;
}

static struct ctl_table loadpol_sysctl_table[] = {
	{
		.procname = "locked",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = loadpol_sysctl_locked,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	},
};

/**
 * loadpol_init_sysctl() - register /proc/sys/kernel/loadpol/locked
 *
 * Return: 0 or -ENOMEM.
 */
int __init loadpol_init_sysctl(void)
{
	if (!register_sysctl("kernel/loadpol", loadpol_sysctl_table))
		return -ENOMEM;
	return 0;
}
