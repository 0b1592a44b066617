/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol: internal interfaces shared by the LSM's files
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _SECURITY_LOADPOL_LOADPOL_H
#define _SECURITY_LOADPOL_LOADPOL_H

#include <linux/types.h>

/**
 * enum loadpol_action - what a decision does with an event
 * @LOADPOL_ALLOW: let the load or request go ahead
 * @LOADPOL_DENY: refuse it with -EPERM
 */
enum loadpol_action {
	LOADPOL_ALLOW,
	LOADPOL_DENY,
};

int loadpol_parse_action(const char *val, enum loadpol_action *action);
const char *loadpol_action_name(enum loadpol_action action);

#endif /* _SECURITY_LOADPOL_LOADPOL_H */
