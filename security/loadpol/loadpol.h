/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol: internal interfaces shared by the LSM's files
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _SECURITY_LOADPOL_LOADPOL_H
#define _SECURITY_LOADPOL_LOADPOL_H

#include "policy.h"

int loadpol_parse_boot_default(const char *val, enum loadpol_action *action);

#endif /* _SECURITY_LOADPOL_LOADPOL_H */
