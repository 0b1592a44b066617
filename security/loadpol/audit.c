// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: audit records of decisions, policy loads and the lock
 *
 * Without an audit daemon the records reach the kernel log as
 * "audit: type=1460 ...".  Strings that userspace controls (module names,
 * paths, request strings, parse errors quoting the policy) are logged with
 * audit_log_untrustedstring().
 *
 * Field names are the audit field dictionary's where one means the same
 * thing (op, res, errno, reason, enforcing, name, path), so that ausearch -i
 * and other parsers read them right, and loadpol's own (lp_*, sha256,
 * signed, origin, request, line, userns, privileged, ...) where none does: the dictionary's
 * action is a netfilter disposition and its mode a file mode.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <linux/audit.h>
#include <linux/string_choices.h>

#include "loadpol.h"

static void log_string(struct audit_buffer *ab, const char *key,
		       const char *value)
{
	audit_log_format(ab, " %s=", key);
	audit_log_untrustedstring(ab, value);
}

/* What decided: a rule (1-based, as read back), the default, or a flaw. */
static void log_rule(struct audit_buffer *ab, int rule, const char *flaw)
{
	if (flaw)
		audit_log_format(ab, " lp_rule=none reason=%s", flaw);
	else if (rule < 0)
		audit_log_format(ab, " lp_rule=default");
	else
		audit_log_format(ab, " lp_rule=%d", rule + 1);
}

/**
 * loadpol_audit_decision() - record a denial, an audit action or a
 *	would-be denial
 * @event: the event decided
 * @decision: the action and the rule that decided
 * @mode: the mode of the policy in force
 * @flaw: why the image was refused whatever the rules say (one token), or
 *	NULL when a rule or the default decided
 */
void loadpol_audit_decision(const struct loadpol_event *event,
			    const struct loadpol_decision *decision,
			    enum loadpol_mode mode, const char *flaw)
{
	struct audit_buffer *ab;

	if (loadpol_repeat_suppress(event, decision, mode, flaw))
		return;
	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_LOADPOL_DECISION);
	if (!ab)
		return;
	if (event->kind == LOADPOL_EV_LOAD) {
		audit_log_format(ab, "op=load");
		log_string(ab, "name", event->name);
		if (event->sha256)
			audit_log_format(ab, " sha256=%*phN", LOADPOL_DIGEST_SIZE,
					 event->sha256);
		audit_log_format(ab, " signed=%s origin=%s",
				 str_yes_no(event->sig_ok),
				 event->origin_kernel ? "kernel" : "user");
		if (event->path)
			log_string(ab, "path", event->path);
		if (event->modinfo_name)
			log_string(ab, "modinfo_name", event->modinfo_name);
		if (event->request)
			log_string(ab, "request", event->request);
	} else {
		audit_log_format(ab, "op=request");
		log_string(ab, "request", event->request);
	}
	/*
	 * Who asked: the task below for a request, the task whose request
	 * the kernel's modprobe serves for its loads.
	 */
	if (event->kind == LOADPOL_EV_REQUEST || event->origin_kernel)
		audit_log_format(ab, " userns=%s privileged=%s lp_uid=%u",
				 event->userns_nested ? "nested" : "init",
				 str_yes_no(!event->unprivileged), event->uid);
	/* res: whether the event goes ahead. */
	audit_log_format(ab, " lp_action=%s res=%d enforcing=%d",
			 loadpol_action_name(decision->action),
			 decision->action != LOADPOL_DENY || mode != LOADPOL_ENFORCE,
			 mode == LOADPOL_ENFORCE);
	log_rule(ab, decision->rule, flaw);
	audit_log_task_info(ab);
	audit_log_end(ab);
}

/**
 * loadpol_audit_repeat() - record how often a decision came again
 * @r: the decision, as first recorded, and its count
 *
 * A record of its own (no task: the repeats may come from many), written
 * when the window of LOADPOL_REPEAT_SECONDS after the first is over.
 */
void loadpol_audit_repeat(const struct loadpol_repeat *r)
{
	struct audit_buffer *ab;

	ab = audit_log_start(NULL, GFP_KERNEL, AUDIT_LOADPOL_DECISION);
	if (!ab)
		return;
	if (r->kind == LOADPOL_EV_LOAD) {
		audit_log_format(ab, "op=load");
		log_string(ab, "name", r->subject);
	} else {
		audit_log_format(ab, "op=request");
		log_string(ab, "request", r->subject);
	}
	audit_log_format(ab, " lp_action=%s enforcing=%d",
			 loadpol_action_name(r->action), r->mode == LOADPOL_ENFORCE);
	log_rule(ab, r->rule, r->flaw);
	audit_log_format(ab, " uid=%u lp_repeats=%u lp_seconds=%u",
			 from_kuid(&init_user_ns, r->uid), r->count,
			 LOADPOL_REPEAT_SECONDS);
	audit_log_end(ab);
}

/**
 * loadpol_audit_dropped() - record how many decisions of users other than
 *	root were not recorded, over their budget
 * @dropped: how many
 */
void loadpol_audit_dropped(u32 dropped)
{
	struct audit_buffer *ab;

	ab = audit_log_start(NULL, GFP_KERNEL, AUDIT_LOADPOL_DECISION);
	if (!ab)
		return;
	audit_log_format(ab, "op=rate_limit lp_dropped=%u lp_seconds=%u", dropped,
			 LOADPOL_REPEAT_SECONDS);
	audit_log_end(ab);
}

/**
 * loadpol_audit_policy() - record an attempt to load a policy
 * @a: what the attempt did
 */
void loadpol_audit_policy(const struct loadpol_attempt *a)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_LOADPOL_POLICY);
	if (!ab)
		return;
	audit_log_format(ab, "op=policy-load res=%d errno=%d", !a->err, -a->err);
	if (a->parsed)
		audit_log_format(ab, " lp_rules=%u enforcing=%d lp_default=%s",
				 a->rules, a->mode == LOADPOL_ENFORCE,
				 loadpol_action_name(a->default_action));
	if (a->tightening)
		audit_log_format(ab, " lp_tighten=yes");
	if (a->have_digest)
		audit_log_format(ab, " policy_sha256=%*phN", LOADPOL_DIGEST_SIZE,
				 a->digest);
	if (a->err && a->error.msg[0]) {
		audit_log_format(ab, " line=%u reason=%s", a->error.line,
				 a->error.reason ?: "invalid");
		log_string(ab, "lp_detail", a->error.msg);
	}
	audit_log_task_info(ab);
	audit_log_end(ab);
}

/**
 * loadpol_audit_lock() - record that the policy is locked until reboot
 */
void loadpol_audit_lock(void)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_LOADPOL_LOCK);
	if (!ab)
		return;
	audit_log_format(ab, "op=lock locked=1 res=1");
	audit_log_task_info(ab);
	audit_log_end(ab);
}
