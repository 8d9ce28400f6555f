/* SPDX-License-Identifier: GPL-2.0 */
/* formats.h - event format files as this kernel shows them, for tests that decode without one. */
#ifndef TW_TEST_FORMATS_H
#define TW_TEST_FORMATS_H

#define COMMON \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

static const char fmt_exec[] = "name: sched_process_exec\nID: 365\nformat:\n" COMMON
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, REC->old_pid\n";

static const char fmt_newtask[] = "name: task_newtask\nID: 205\nformat:\n" COMMON
	"\tfield:pid_t pid;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:char comm[16];\toffset:12;\tsize:16;\tsigned:0;\n"
	"\tfield:u64 clone_flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:short oom_score_adj;\toffset:40;\tsize:2;\tsigned:1;\n\n"
	"print fmt: \"pid=%d comm=%s clone_flags=%llx oom_score_adj=%hd\", REC->pid, REC->comm, "
	"REC->clone_flags, REC->oom_score_adj\n";

static const char fmt_exit[] = "name: sched_process_exit\nID: 369\nformat:\n" COMMON
	"\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:bool group_dead;\toffset:32;\tsize:1;\tsigned:0;\n\n"
	"print fmt: \"comm=%s pid=%d prio=%d group_dead=%s\", REC->comm, REC->pid, REC->prio, "
	"REC->group_dead ? \"true\" : \"false\"\n";

#define SYSCALL_FMT(name, id, field) \
	"name: " name "\nID: " #id "\nformat:\n" COMMON \
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n" field \
	"\nprint fmt: \"x\"\n"

static const char fmt_enter_chdir[] = SYSCALL_FMT("sys_enter_chdir", 806,
	"\tfield:const char * filename;\toffset:16;\tsize:8;\tsigned:0;\n");
/* The 6.19+ layout: the user string travels in the event. */
static const char fmt_enter_chdir_619[] = SYSCALL_FMT("sys_enter_chdir", 806,
	"\tfield:const char * filename;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] __filename_val;\toffset:24;\tsize:4;\tsigned:0;\n");
static const char fmt_enter_fchdir[] = SYSCALL_FMT("sys_enter_fchdir", 804,
	"\tfield:unsigned int fd;\toffset:16;\tsize:8;\tsigned:0;\n");
static const char fmt_exit_chdir[] = SYSCALL_FMT("sys_exit_chdir", 805,
	"\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n");
static const char fmt_exit_fchdir[] = SYSCALL_FMT("sys_exit_fchdir", 803,
	"\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n");

#endif
