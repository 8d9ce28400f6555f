// SPDX-License-Identifier: GPL-2.0
/* taskstats.c - generic netlink TASKSTATS listener: every task's end as a plain record. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/acct.h>
#include <linux/taskstats.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "taskstats.h"
#include "util.h"

/* Socket receive buffer when the caller does not choose: about 2,000 task ends. */
#define TS_RCVBUF_DEFAULT (4 * 1024 * 1024)
/* One message is one or two struct taskstats (~400 bytes each) plus headers. */
#define TS_RECV_BUF (4 * 1024)
/* Messages taken per recvmmsg() call, each into a buffer of its own. */
#define TS_BATCH 32
/* Messages received per tw_taskstats_read(), so one source cannot starve the others. */
#define TS_READ_MAX 256
/* The CPUs the kernel can ever run: registering them all covers hot-plugged ones too. */
#define CPU_POSSIBLE "/sys/devices/system/cpu/possible"
/* Longest cpulist text accepted from sysfs ("0-4095"). */
#define CPULIST_MAX 256

/* First struct taskstats version that carries ac_tgid, AGROUP, ac_exe_dev/ac_exe_inode. */
#define TS_V_TGID_EXE 12
/* ac_btime64 */
#define TS_V_BTIME64 10

struct tw_taskstats {
	struct nl_sock *sk;
	int family;
	char cpumask[CPULIST_MAX];
	char *buf;
};

/* A field of struct taskstats is there when the kernel's attribute is long enough for it. */
#define TS_HAS(len, field)                                                                         \
	((len) >= offsetof(struct taskstats, field) + sizeof(((struct taskstats *)0)->field))

static void fill_item(struct tw_ts_item *it, const struct taskstats *s, size_t len, int pid,
		      int aggr_tgid, uint64_t ts)
{
	memset(it, 0, sizeof(*it));
	it->type = TW_TS_EXIT;
	it->ts = ts;
	it->version = s->version;
	it->pid = pid;
	it->tgid = aggr_tgid;
	it->exit_code = s->ac_exitcode;
	it->ac_flag = s->ac_flag;
	memcpy(it->comm, s->ac_comm, TW_TS_COMM_LEN);
	it->comm[TW_TS_COMM_LEN] = '\0';
	it->uid = s->ac_uid;
	it->gid = s->ac_gid;
	it->ppid = (int)s->ac_ppid;
	it->elapsed_us = s->ac_etime;
	it->utime_us = s->ac_utime;
	it->stime_us = s->ac_stime;
	it->btime_wall = s->ac_btime;
	if (s->version >= TS_V_BTIME64 && TS_HAS(len, ac_btime64))
		it->btime_wall = s->ac_btime64;
	it->start_mono_max = ts > s->ac_etime * 1000 ? ts - s->ac_etime * 1000 : 0;
	/* Before version 12, only an AGGR_TGID nest says the group died. */
	it->group_dead = aggr_tgid != 0;
	if (s->version >= TS_V_TGID_EXE && TS_HAS(len, ac_exe_inode)) {
		it->tgid = (int)s->ac_tgid;
		it->group_dead = s->ac_flag & AGROUP;
		/* Kernel threads have no executable: both zero. */
		it->has_exe = s->ac_exe_dev || s->ac_exe_inode;
		it->exe_dev = s->ac_exe_dev;
		it->exe_ino = s->ac_exe_inode;
	}
}

/*
 * One TASKSTATS_TYPE_AGGR_PID / AGGR_TGID nest: the id attribute and the stats. Copies the
 * stats (the attribute need not be aligned, and may be shorter or longer than ours).
 * Returns 0 or -EBADMSG.
 */
static int parse_nest(struct nlattr *nest, int id_type, int *id, struct taskstats *s, size_t *len)
{
	struct nlattr *tb[TASKSTATS_TYPE_MAX + 1];

	if (nla_parse_nested(tb, TASKSTATS_TYPE_MAX, nest, NULL) || !tb[id_type] ||
	    nla_len(tb[id_type]) < (int)sizeof(uint32_t) || !tb[TASKSTATS_TYPE_STATS])
		return -EBADMSG;
	*id = (int)nla_get_u32(tb[id_type]);
	*len = nla_len(tb[TASKSTATS_TYPE_STATS]);
	/* Version 1's fields and the basic accounting fields at least. */
	if (!TS_HAS(*len, ac_stime))
		return -EBADMSG;
	memset(s, 0, sizeof(*s));
	memcpy(s, nla_data(tb[TASKSTATS_TYPE_STATS]), *len < sizeof(*s) ? *len : sizeof(*s));
	return 0;
}

int tw_taskstats_parse(const void *buf, size_t len, int family, uint64_t ts, tw_ts_cb cb, void *ctx)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int remaining = (int)len, delivered = 0, cb_ret = 0;

	for (; nlmsg_ok(nlh, remaining); nlh = nlmsg_next(nlh, &remaining)) {
		struct nlattr *tb[TASKSTATS_TYPE_MAX + 1];
		struct taskstats s;
		struct tw_ts_item it;
		int pid, tgid = 0, r;
		size_t slen, tlen;

		if (nlh->nlmsg_type != family)
			continue; /* acks, errors, NLMSG_DONE */
		if (!genlmsg_valid_hdr(nlh, 0))
			return -EBADMSG;
		if (genlmsg_hdr(nlh)->cmd != TASKSTATS_CMD_NEW)
			continue;
		if (genlmsg_parse(nlh, 0, tb, TASKSTATS_TYPE_MAX, NULL) ||
		    !tb[TASKSTATS_TYPE_AGGR_PID])
			return -EBADMSG;
		/* The group's aggregate holds delay accounting only: just its tgid is used. */
		if (tb[TASKSTATS_TYPE_AGGR_TGID] &&
		    parse_nest(tb[TASKSTATS_TYPE_AGGR_TGID], TASKSTATS_TYPE_TGID, &tgid, &s, &tlen))
			return -EBADMSG;
		if (parse_nest(tb[TASKSTATS_TYPE_AGGR_PID], TASKSTATS_TYPE_PID, &pid, &s, &slen))
			return -EBADMSG;
		fill_item(&it, &s, slen, pid, tgid, ts);
		delivered++;
		r = cb(&it, ctx);
		if (r && !cb_ret)
			cb_ret = r;
	}
	if (cb_ret)
		return cb_ret;
	if (remaining > 0 && remaining >= (int)sizeof(struct nlmsghdr))
		return -EBADMSG;
	return delivered;
}

int tw_taskstats_read(struct tw_taskstats *t, tw_ts_cb cb, void *ctx, bool *empty)
{
	int fd = nl_socket_get_fd(t->sk), delivered = 0, got = 0, first_err = 0, k;
	struct mmsghdr msgs[TS_BATCH];
	struct iovec iov[TS_BATCH];

	*empty = false;
	for (k = 0; k < TS_BATCH; k++) {
		iov[k] = (struct iovec){ .iov_base = t->buf + k * TS_RECV_BUF,
					 .iov_len = TS_RECV_BUF };
		memset(&msgs[k], 0, sizeof(msgs[k]));
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
	}
	while (got < TS_READ_MAX && !first_err) {
		/* MSG_TRUNC: msg_len is a datagram's whole length, also when cut. */
		int n = recvmmsg(fd, msgs, TS_BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
		uint64_t now = tw_now_mono();

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			struct tw_ts_item it = {.type = TW_TS_LOST, .ts = now};

			delivered++;
			got++;
			first_err = cb(&it, ctx);
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			*empty = true;
			break;
		}
		if (n < 0)
			return -errno;
		/* Every message taken is delivered: they are out of the socket now. */
		for (k = 0; k < n; k++) {
			size_t len = msgs[k].msg_len;
			int r;

			if (len > TS_RECV_BUF)
				len = TS_RECV_BUF; /* truncated: the parser stops at the cut */
			r = tw_taskstats_parse(iov[k].iov_base, len, t->family, now, cb, ctx);
			if (r == -EBADMSG)
				continue; /* nothing to learn from it; the next may be fine */
			if (r < 0 && !first_err)
				first_err = r;
			if (r > 0)
				delivered += r;
		}
		got += n;
		/* Fewer than asked: the socket was read empty. */
		if (n < TS_BATCH) {
			*empty = true;
			break;
		}
	}
	return first_err ? first_err : delivered;
}

static int nl_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_NOACCESS:
		return -EACCES;
	default:
		return -EIO;
	}
}

/* Send REGISTER or DEREGISTER for our CPUs; wait for the kernel's answer if @ack. */
static int send_cpumask(struct tw_taskstats *t, int attr, bool ack)
{
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	if (!msg)
		return -NLE_NOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, t->family, 0, 0, TASKSTATS_CMD_GET,
			 TASKSTATS_VERSION) ||
	    nla_put_string(msg, attr, t->cpumask)) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	ret = nl_send_auto(t->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return ret;
	return ack ? nl_wait_for_ack(t->sk) : 0;
}

static int read_cpumask(char *out, size_t size)
{
	FILE *f = fopen(CPU_POSSIBLE, "re");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(out, (int)size, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	n = strcspn(out, "\n");
	out[n] = '\0';
	return n ? 0 : -EIO;
}

int tw_taskstats_open(const struct tw_taskstats_opts *opts, struct tw_taskstats **out)
{
	struct tw_taskstats *t;
	int ret, rcvbuf = opts && opts->rcvbuf > 0 ? opts->rcvbuf : TS_RCVBUF_DEFAULT;

	t = tw_calloc(1, sizeof(*t));
	if (!t)
		return tw_err(ENOMEM, "taskstats: out of memory");
	t->buf = tw_malloc((size_t)TS_RECV_BUF * TS_BATCH);
	t->sk = nl_socket_alloc();
	if (!t->buf || !t->sk) {
		ret = tw_err(ENOMEM, "taskstats: out of memory");
		goto out_free;
	}
	ret = read_cpumask(t->cpumask, sizeof(t->cpumask));
	if (ret) {
		tw_err(ret, "taskstats: cannot read %s: %s", CPU_POSSIBLE, strerror(-ret));
		goto out_free;
	}
	/* Task ends are unsolicited: no sequence numbers to check. */
	nl_socket_disable_seq_check(t->sk);
	ret = genl_connect(t->sk);
	if (ret) {
		ret = nl_to_errno(ret);
		tw_err(ret, "taskstats: cannot open a generic netlink socket: %s", strerror(-ret));
		goto out_free;
	}
	/* Root may go past net.core.rmem_max; a smaller buffer then loses more, not wrongly. */
	if (setsockopt(nl_socket_get_fd(t->sk), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(nl_socket_get_fd(t->sk), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	t->family = genl_ctrl_resolve(t->sk, TASKSTATS_GENL_NAME);
	if (t->family < 0) {
		ret = nl_to_errno(t->family);
		tw_err(ret,
		       "taskstats unavailable: no generic netlink family %s (kernel without "
		       "CONFIG_TASKSTATS?)",
		       TASKSTATS_GENL_NAME);
		goto out_free;
	}
	ret = send_cpumask(t, TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, true);
	if (ret) {
		ret = nl_to_errno(ret);
		tw_err(ret,
		       "taskstats unavailable: registering for CPUs %s: %s (needs root in the "
		       "initial user and pid namespaces)",
		       t->cpumask, strerror(-ret));
		goto out_free;
	}
	ret = nl_socket_set_nonblocking(t->sk);
	if (ret) {
		ret = nl_to_errno(ret);
		tw_err(ret, "taskstats: cannot make the socket non-blocking");
		goto out_close;
	}
	*out = t;
	return 0;

out_close:
	tw_taskstats_close(t);
	return ret;
out_free:
	nl_socket_free(t->sk);
	free(t->buf);
	free(t);
	return ret;
}

int tw_taskstats_fd(const struct tw_taskstats *t)
{
	return nl_socket_get_fd(t->sk);
}

void tw_taskstats_close(struct tw_taskstats *t)
{
	if (!t)
		return;
	/*
	 * The kernel handles the request inside our send, so the listener is gone when it
	 * returns; the ack is not waited for. (Closing alone would also do, lazily: the
	 * kernel drops a listener whose socket refuses a message.)
	 */
	send_cpumask(t, TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK, false);
	nl_socket_free(t->sk);
	free(t->buf);
	free(t);
}
