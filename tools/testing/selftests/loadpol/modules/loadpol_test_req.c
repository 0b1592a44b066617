// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol_test_req: asks the kernel to load a module while it loads, through
 * request_module() (UMH_WAIT_PROC: the kernel waits for modprobe) or, with
 * nowait=1, request_module_nowait() (UMH_WAIT_EXEC: the kernel only waits
 * for modprobe to start, and modprobe ends up a child of kthreadd).  The
 * loads modprobe makes must read origin=kernel either way.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kmod.h>
#include <linux/module.h>

static char *request;
module_param(request, charp, 0444);
MODULE_PARM_DESC(request, "module (or alias) to request while loading");

static bool nowait;
module_param(nowait, bool, 0444);
MODULE_PARM_DESC(nowait, "use request_module_nowait()");

static int __init loadpol_test_req_init(void)
{
	int ret;

	if (!request)
		return 0;
	if (nowait)
		ret = request_module_nowait("%s", request);
	else
		ret = request_module("%s", request);
	pr_info("request_module%s(\"%s\"): %d\n", nowait ? "_nowait" : "",
		request, ret);
	return 0;
}

static void __exit loadpol_test_req_exit(void)
{
}

module_init(loadpol_test_req_init);
module_exit(loadpol_test_req_exit);

MODULE_DESCRIPTION("loadpol test module: requests a module while loading");
MODULE_LICENSE("GPL");
