// SPDX-License-Identifier: GPL-2.0
/* main.c - tracewatch entry point: dispatch to a subcommand from one table. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "exitcode.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static const struct cmd_struct commands[] = {
	{ "live", cmd_live },
	{ "record", cmd_record },
	{ "report", cmd_report },
	{ "doctor", cmd_doctor },
	{ "run", cmd_run },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc > 1 && argv[1][0] != '-') {
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].fn(argc - 1, argv + 1);
		fprintf(stderr, "tracewatch: unknown command '%s'\nTry 'tracewatch --help'.\n",
			argv[1]);
		return TW_EXIT_USAGE;
	}
	return cmd_live(argc, argv);
}
