/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol: internal interfaces shared by the LSM's files
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _SECURITY_LOADPOL_LOADPOL_H
#define _SECURITY_LOADPOL_LOADPOL_H

#include <linux/lsm_hooks.h>
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/uidgid.h>
#include <linux/sched.h>

#include "policy.h"

/**
 * struct loadpol_live - a policy in force
 * @policy: the compiled policy
 * @ref: references: one while it is the live policy, one per user
 *
 * Decisions and readers of the policy file hold a reference while they use
 * it; the writer that replaces it waits for an RCU grace period before it
 * drops the live reference, so a lookup under rcu_read_lock() never finds
 * one whose count has reached zero.
 */
struct loadpol_live {
	struct loadpol_policy *policy;
	refcount_t ref;
};

/**
 * enum loadpol_origin - who is loading modules, as far as loadpol knows
 * @LOADPOL_ORIGIN_USER: any task but the kernel's modprobe
 * @LOADPOL_ORIGIN_HELPER: the usermode helper request_module() started,
 *	before it executes modprobe_path
 * @LOADPOL_ORIGIN_KERNEL: that helper running modprobe_path, and its forks
 *	until they execute anything
 */
enum loadpol_origin {
	LOADPOL_ORIGIN_USER,
	LOADPOL_ORIGIN_HELPER,
	LOADPOL_ORIGIN_KERNEL,
};

/**
 * struct loadpol_task - loadpol's part of a task's security blob
 * @origin: see enum loadpol_origin
 * @path: path of the module file finit_module(2) is reading, until the
 *	module's load is decided
 * @request: for the kernel's modprobe, the module request it serves
 * @req_uid: for the kernel's modprobe, the real user ID of the task whose
 *	request it serves, in the initial user namespace
 * @req_userns_nested: for the kernel's modprobe, that task's user
 *	namespace was not the initial one
 * @req_unprivileged: for the kernel's modprobe, that task lacked
 *	CAP_SYS_MODULE in the initial user namespace
 */
struct loadpol_task {
	u8 origin;
	bool req_userns_nested;
	bool req_unprivileged;
	u32 req_uid;
	char *path;
	char *request;
};

/**
 * struct loadpol_attempt - a policy load, as its audit record tells it
 * @err: 0 if the policy is now in force, else why not
 * @parsed: the text parsed: @rules, @mode and @default_action are its
 * @rules: number of rules
 * @mode: enforce or permissive
 * @default_action: the action of events no rule matches
 * @have_digest: @digest holds the SHA-256 of the text
 * @digest: the SHA-256 of the text
 * @error: the line and reason, when it did not parse or does not tighten
 * @tightening: written after the lock, to tighten the policy in force
 */
struct loadpol_attempt {
	int err;
	bool parsed;
	bool tightening;
	u32 rules;
	u8 mode;
	u8 default_action;
	bool have_digest;
	u8 digest[LOADPOL_DIGEST_SIZE];
	struct loadpol_parse_error error;
};

/* How long identical decisions are counted before their count is written. */
#define LOADPOL_REPEAT_SECONDS	5

/**
 * struct loadpol_repeat - a decision recorded, and how often it came again
 * @key: hash of what its record says (0: none)
 * @epoch: the policy it was decided under
 * @since: when it was recorded (jiffies)
 * @count: identical decisions since, not recorded
 * @kind: load or request
 * @action: the action decided
 * @mode: the mode of the policy
 * @rule: the rule that decided, or -1 for the default
 * @flaw: the reason token of a refusal whatever the rules say, or NULL
 * @uid: the user whose task it was
 * @subject: the module name (load) or request string (request)
 */
struct loadpol_repeat {
	u32 key;
	u32 epoch;
	unsigned long since;
	u32 count;
	u8 kind;
	u8 action;
	u8 mode;
	int rule;
	const char *flaw;
	kuid_t uid;
	char subject[MODULE_NAME_LEN];
};

extern struct lsm_blob_sizes loadpol_blob_sizes;

static inline struct loadpol_task *loadpol_task(const struct task_struct *task)
{
	return task->security + loadpol_blob_sizes.lbs_task;
}

/* boot_policy.c, generated */
extern const char loadpol_boot_policy[];

/* lsm.c */
extern enum loadpol_action loadpol_boot_default;
extern bool loadpol_enabled;
int loadpol_parse_boot_default(const char *val, enum loadpol_action *action);

/* digest.c */
int loadpol_sha256(const void *data, size_t len, u8 *digest);
int loadpol_image_digest(const void *image, size_t len, u8 *digest);

/* fs.c */
int loadpol_init_fs(void);

/* state.c */
struct loadpol_live *loadpol_live_get(void);
void loadpol_live_put(struct loadpol_live *live);
int loadpol_set_policy(const char *text, size_t len);
bool loadpol_is_locked(void);
void loadpol_lock(void);
void loadpol_init_state(void);
void loadpol_audit_boot(void);
int loadpol_init_sysctl(void);

/* audit.c */
void loadpol_audit_decision(const struct loadpol_event *event,
			    const struct loadpol_decision *decision,
			    enum loadpol_mode mode, const char *flaw);
void loadpol_audit_policy(const struct loadpol_attempt *a);
void loadpol_audit_lock(void);
void loadpol_audit_repeat(const struct loadpol_repeat *r);
void loadpol_audit_dropped(u32 dropped);

/* repeat.c */
bool loadpol_repeat_suppress(const struct loadpol_event *event,
			     const struct loadpol_decision *decision,
			     enum loadpol_mode mode, const char *flaw);
void loadpol_repeat_new_policy(void);
void loadpol_repeat_init(void);

#endif /* _SECURITY_LOADPOL_LOADPOL_H */
