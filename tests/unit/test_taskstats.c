// SPDX-License-Identifier: GPL-2.0
/* test_taskstats.c - task-end records from hand-built TASKSTATS netlink messages (old, current,
 * newer kernels). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <linux/acct.h>
#include <linux/taskstats.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <cmocka.h>

#include "taskstats.h"
#include "util.h"

#define FAMILY 0x1c
/* A newer kernel's struct is longer (version 16 on 6.18); the parser must ignore the rest. */
#define NEWER_EXTRA 96

struct got {
	int n;
	struct tw_ts_item it[8];
	int ret;
};

static int collect(const struct tw_ts_item *it, void *ctx)
{
	struct got *g = ctx;

	if (g->n < 8)
		g->it[g->n] = *it;
	g->n++;
	return g->ret;
}

static void base_stats(struct taskstats *s, unsigned int version)
{
	memset(s, 0, sizeof(*s));
	s->version = version;
	s->ac_exitcode = 5 << 8;
	s->ac_flag = AGROUP;
	memcpy(s->ac_comm, "sh", 3);
	s->ac_uid = 65534;
	s->ac_gid = 65533;
	s->ac_pid = 1234;
	s->ac_ppid = 1000;
	s->ac_btime = 1700000000;
	s->ac_btime64 = 1700000001;
	s->ac_etime = 2500; /* µs */
	s->ac_utime = 300;
	s->ac_stime = 400;
	s->ac_tgid = 1230;
	s->ac_exe_dev = makedev(254, 0);
	s->ac_exe_inode = 98765;
}

/*
 * Append to @buf at *@off one TASKSTATS_CMD_NEW message: an AGGR_PID nest with @pid and
 * @slen bytes of stats, and when @tgid, an AGGR_TGID nest. Built with libnl like the kernel.
 */
static void put_msg(char *buf, size_t *off, int family, int pid, const void *stats, size_t slen,
		    int tgid)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	struct nlmsghdr *h;

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, family, 0, 0, TASKSTATS_CMD_NEW, 16));
	nest = nla_nest_start(msg, TASKSTATS_TYPE_AGGR_PID);
	assert_int_equal(nla_put_u32(msg, TASKSTATS_TYPE_PID, pid), 0);
	assert_int_equal(nla_put(msg, TASKSTATS_TYPE_STATS, (int)slen, stats), 0);
	nla_nest_end(msg, nest);
	if (tgid) {
		nest = nla_nest_start(msg, TASKSTATS_TYPE_AGGR_TGID);
		assert_int_equal(nla_put_u32(msg, TASKSTATS_TYPE_TGID, tgid), 0);
		assert_int_equal(nla_put(msg, TASKSTATS_TYPE_STATS, (int)slen, stats), 0);
		nla_nest_end(msg, nest);
	}
	h = nlmsg_hdr(msg);
	memcpy(buf + *off, h, h->nlmsg_len);
	*off += NLMSG_ALIGN(h->nlmsg_len);
	nlmsg_free(msg);
}

static void test_current_and_newer(void **state)
{
	unsigned char stats[sizeof(struct taskstats) + NEWER_EXTRA];
	struct taskstats s;
	struct got g = {0};
	char buf[4096];
	size_t off = 0;

	base_stats(&s, 16);
	memset(stats, 0xee, sizeof(stats));
	memcpy(stats, &s, sizeof(s));
	put_msg(buf, &off, FAMILY, 1234, stats, sizeof(stats), 0);
	base_stats(&s, TASKSTATS_VERSION);
	s.ac_exitcode = 9; /* SIGKILL */
	s.ac_flag = AXSIG; /* a thread, not the last */
	put_msg(buf, &off, FAMILY, 1235, &s, sizeof(s), 0);
	assert_int_equal(tw_taskstats_parse(buf, off, FAMILY, 10000000, collect, &g), 2);

	assert_int_equal(g.it[0].type, TW_TS_EXIT);
	assert_int_equal(g.it[0].version, 16);
	assert_int_equal(g.it[0].pid, 1234);
	assert_int_equal(g.it[0].tgid, 1230);
	assert_int_equal(g.it[0].ppid, 1000);
	assert_int_equal(g.it[0].uid, 65534);
	assert_int_equal(g.it[0].gid, 65533);
	assert_int_equal(g.it[0].exit_code, 5 << 8);
	assert_true(g.it[0].group_dead);
	assert_int_equal(g.it[0].btime_wall, 1700000001);
	assert_int_equal(g.it[0].elapsed_us, 2500);
	assert_int_equal(g.it[0].start_mono_max, 10000000 - 2500000);
	assert_int_equal(g.it[0].utime_us, 300);
	assert_int_equal(g.it[0].stime_us, 400);
	assert_string_equal(g.it[0].comm, "sh");
	assert_true(g.it[0].has_exe);
	assert_int_equal(g.it[0].exe_dev, makedev(254, 0));
	assert_int_equal(g.it[0].exe_ino, 98765);
	assert_int_equal(g.it[0].ts, 10000000);

	assert_int_equal(g.it[1].pid, 1235);
	assert_int_equal(g.it[1].exit_code, 9);
	assert_false(g.it[1].group_dead);
	assert_int_equal(g.it[1].ac_flag, AXSIG);
}

static void test_old_kernel(void **state)
{
	struct taskstats s;
	struct got g = {0};
	char buf[4096];
	size_t off = 0;
	/* Version 10 ends with ac_btime64: no tgid, no exe, no AGROUP. */
	size_t v10 = offsetof(struct taskstats, ac_btime64) + sizeof(s.ac_btime64);
	/* Version 9: no ac_btime64 either. */
	size_t v9 = offsetof(struct taskstats, ac_btime64);

	base_stats(&s, 10);
	put_msg(buf, &off, FAMILY, 1234, &s, v10, 0);
	put_msg(buf, &off, FAMILY, 1234, &s, v10, 1230); /* multi-threaded group ends */
	base_stats(&s, 9);
	put_msg(buf, &off, FAMILY, 1234, &s, v9, 0);
	assert_int_equal(tw_taskstats_parse(buf, off, FAMILY, 5, collect, &g), 3);
	assert_int_equal(g.it[0].tgid, 0);
	assert_false(g.it[0].group_dead);
	assert_false(g.it[0].has_exe);
	assert_int_equal(g.it[0].btime_wall, 1700000001);
	/* Elapsed longer than the receive time: no bound rather than a wrapped one. */
	assert_int_equal(g.it[0].start_mono_max, 0);
	assert_int_equal(g.it[1].tgid, 1230);
	assert_true(g.it[1].group_dead);
	assert_int_equal(g.it[2].btime_wall, 1700000000);
	assert_int_equal(g.it[2].uid, 65534);
}

static void test_comm_not_terminated(void **state)
{
	struct taskstats s;
	struct got g = {0};
	char buf[4096];
	size_t off = 0;

	base_stats(&s, 16);
	memset(s.ac_comm, 'c', sizeof(s.ac_comm));
	put_msg(buf, &off, FAMILY, 1, &s, sizeof(s), 0);
	assert_int_equal(tw_taskstats_parse(buf, off, FAMILY, 1, collect, &g), 1);
	assert_int_equal(strlen(g.it[0].comm), TW_TS_COMM_LEN);
}

static void test_skipped_messages(void **state)
{
	struct taskstats s;
	struct got g = {0};
	struct nlmsghdr *h;
	struct nlmsgerr *e;
	char buf[4096];
	size_t off = 0;

	base_stats(&s, 16);
	/* An ack (NLMSG_ERROR 0) for our registration, another family, then ours. */
	h = (struct nlmsghdr *)buf;
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_flags = 0;
	e = NLMSG_DATA(h);
	memset(e, 0, sizeof(*e));
	off = NLMSG_ALIGN(h->nlmsg_len);
	put_msg(buf, &off, FAMILY + 1, 1, &s, sizeof(s), 0);
	put_msg(buf, &off, FAMILY, 2, &s, sizeof(s), 0);
	assert_int_equal(tw_taskstats_parse(buf, off, FAMILY, 1, collect, &g), 1);
	assert_int_equal(g.it[0].pid, 2);
}

static void test_malformed(void **state)
{
	struct taskstats s;
	struct got g = {0};
	char buf[4096];
	size_t off = 0;

	base_stats(&s, 16);
	put_msg(buf, &off, FAMILY, 1, &s, sizeof(s), 0);
	put_msg(buf, &off, FAMILY, 2, &s, sizeof(s), 0);
	/* Cut in the second message: the first is delivered, then the error. */
	assert_int_equal(tw_taskstats_parse(buf, off - 40, FAMILY, 1, collect, &g), -EBADMSG);
	assert_int_equal(g.n, 1);

	/* Stats too short for the basic accounting fields. */
	g.n = 0;
	off = 0;
	put_msg(buf, &off, FAMILY, 1, &s, offsetof(struct taskstats, ac_utime), 0);
	assert_int_equal(tw_taskstats_parse(buf, off, FAMILY, 1, collect, &g), -EBADMSG);
	assert_int_equal(g.n, 0);

	/* A message without the AGGR_PID nest. */
	{
		struct nl_msg *msg = nlmsg_alloc();
		struct nlmsghdr *h;

		genlmsg_put(msg, 0, 0, FAMILY, 0, 0, TASKSTATS_CMD_NEW, 16);
		nla_put_u32(msg, TASKSTATS_TYPE_PID, 3);
		h = nlmsg_hdr(msg);
		memcpy(buf, h, h->nlmsg_len);
		assert_int_equal(tw_taskstats_parse(buf, h->nlmsg_len, FAMILY, 1, collect, &g),
				 -EBADMSG);
		nlmsg_free(msg);
	}
	assert_int_equal(g.n, 0);
}

static void test_callback_stop(void **state)
{
	struct taskstats s;
	struct got g = {.ret = -ENOSPC};
	char buf[4096];
	size_t off = 0;

	base_stats(&s, 16);
	put_msg(buf, &off, FAMILY, 1, &s, sizeof(s), 0);
	put_msg(buf, &off, FAMILY, 2, &s, sizeof(s), 0);
	/* Both delivered (the buffer cannot be put back), then the callback's error. */
	assert_int_equal(tw_taskstats_parse(buf, off, FAMILY, 1, collect, &g), -ENOSPC);
	assert_int_equal(g.n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_current_and_newer),	cmocka_unit_test(test_old_kernel),
	    cmocka_unit_test(test_comm_not_terminated), cmocka_unit_test(test_skipped_messages),
	    cmocka_unit_test(test_malformed),		cmocka_unit_test(test_callback_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
