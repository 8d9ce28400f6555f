// SPDX-License-Identifier: GPL-2.0
/* provenance.c - the one name table of provenance values (path_source, cwd_source, argv_source). */
#include <stddef.h>

#include "provenance.h"

#define P TW_PROV_FOR_PATH
#define C TW_PROV_FOR_CWD
#define A TW_PROV_FOR_ARGV
#define U TW_PROV_FOR_UID

const struct tw_prov_info tw_prov_table[TW_PROV_NR] = {
	[TW_PROV_NONE] = { NULL, 0, "no value" },
	[TW_PROV_ABSOLUTE] = { "absolute", P, "the program was run by absolute path; path is "
					      "that path as invoked" },
	[TW_PROV_CWD] = { "cwd", P, "relative path joined with the working directory tracked "
				    "from the event stream" },
	[TW_PROV_PROC_CWD] = { "proc-cwd", P, "relative path joined with /proc/PID/cwd read "
					      "when the exec event was read" },
	[TW_PROV_PROC_EXE] = { "proc-exe", P, "fexecve / execveat(dirfd) forms: from "
					      "/proc/PID/exe" },
	[TW_PROV_UNRESOLVED] = { "unresolved", P | U, "the value could not be established: it is "
						      "empty, never guessed" },
	[TW_PROV_FANOTIFY] = { "fanotify", P, "the kernel's path of the file it executed "
					      "(fanotify), where the path made otherwise did not name it "
					      "or there was none" },
	[TW_PROV_SNAPSHOT] = { "snapshot", C, "the /proc snapshot taken at start, inherited "
					      "since" },
	[TW_PROV_SYSCALL] = { "syscall", C, "the string a syscall event carries (Linux 6.19+ "
					    "formats)" },
	[TW_PROV_EPROBE] = { "eprobe", C | A, "read in the kernel by an event probe on the "
					       "syscall entry" },
	[TW_PROV_UPROBE] = { "uprobe", C | A, "read in the kernel by a uprobe on libc" },
	[TW_PROV_PROC] = { "proc", C | A | U, "read from /proc when the event arrived, checked "
					      "against the event order" },
	[TW_PROV_PROC_EXEC] = { "proc-exec", C, "/proc/PID/cwd read at the exec" },
	[TW_PROV_DELETED] = { "deleted", C, "the working directory was deleted: no path "
					    "names it" },
	[TW_PROV_OTHER_NS] = { "other-ns", C, "in a mount namespace of its own: no host path" },
	[TW_PROV_EPROBE_TRUNCATED] = { "eprobe-truncated", A, "eprobe, with more elements "
							       "than were captured" },
	[TW_PROV_UPROBE_TRUNCATED] = { "uprobe-truncated", A, "uprobe, with more elements "
							       "than were captured" },
	[TW_PROV_TRACKED] = { "tracked", U, "followed from an earlier kernel value (the start-up "
					    "snapshot, a /proc read) through forks, execs and the "
					    "set*id calls seen" },
	[TW_PROV_SETUID_FILE] = { "setuid-file", U, "tracked, and the euid is the owner of the "
						    "executed set-user-ID file (fanotify)" },
	[TW_PROV_TASKSTATS] = { "taskstats", U, "the real uid the task ended with (taskstats), no "
						"set*id call seen since the exec" },
	[TW_PROV_UNTRACKED] = { "untracked", U, "unknown: a change could have been missed (a "
						"program whose set*id calls are not seen ran, or the "
						"kernel disagreed)" },
	[TW_PROV_LOST] = { "lost", U, "unknown: events were lost" },
};

const char *tw_prov_name(enum tw_prov p)
{
	return (unsigned int)p < TW_PROV_NR ? tw_prov_table[p].name : NULL;
}
