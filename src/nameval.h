/*
 * nameval.h - one NAME=VALUE given on the command line (--set), shared by
 * the options (cli.h) and the binding of rows (bind.h) so that neither
 * includes the other.
 */
#ifndef BR_NAMEVAL_H
#define BR_NAMEVAL_H

struct br_set {			/* one --set NAME=VALUE */
	const char	*name;
	const char	*value;
};

#endif
