/* cli.h - what the files of the rxsim program share. The program uses only include/rxsim/. */
#ifndef RXSIM_CLI_H
#define RXSIM_CLI_H

#include <stdio.h>

/* Exit statuses, as `rxsim --help` documents them. */
enum {
	CLI_OK = 0,
	CLI_RUN_FAILED = 1,	/* the run stopped early; the report shows what was done */
	CLI_USAGE = 2,		/* bad command line, scenario or input file */
	CLI_CONSERVATION = 3,	/* offered != consumed + dropped + queued: a simulator bug */
};

/* The commands; each takes the arguments after its name and returns an exit status. */
int cli_replay(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_gen(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_trace(int argc, char **argv);

/* Print the help of @cmd (NULL: the program's) to @f. Returns 0, or -1 if @cmd is unknown. */
int cli_help(FILE *f, const char *cmd);

/*
 * Match argv[*i] against option @name ("--format"), given as "--format json" or
 * "--format=json". 1: matched, *val set, *i moved past the value; 0: another argument;
 * -1: the value is missing (message printed).
 */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **val);

/* Report a command-line mistake of @cmd on stderr with its usage; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);

#endif /* RXSIM_CLI_H */
