/*
 * catalog.h - operations as data; bind.h checks rows against them.
 *
 * The built-in catalog is src/catalog.json, turned into a C string at build
 * time; --catalog FILE adds operations in the same format.  The format:
 *
 * {
 *   "services": {
 *     "css": { "endpoint": "https://css.{region}.myhuaweicloud.com" }, ...
 *   },
 *   "operations": [
 *     {
 *       "name": "css.restart_cluster",
 *       "service": "css",
 *       "summary": "Restart a CSS cluster (interrupts service)",
 *       "method": "POST",
 *       "path": "/v1.0/{project_id}/clusters/{cluster_id}/restart",
 *       "success": [200],
 *       "response": ["jobId"],     -- top-level fields of a successful
 *                                     answer copied to the report
 *       "params": [
 *         { "name": "project_id", "in": "path", "type": "string",
 *           "required": true, "min_length": 1, "max_length": 64,
 *           "description": "...", "example": "..." },
 *         { "name": "workspace", "in": "header", "type": "string" },
 *         { "name": "date_from", "in": "body", "type": "epoch_ms",
 *           "min": 1 },
 *         { "name": "source_task.task_num", "in": "body",
 *           "type": "integer" },
 *         { "name": "sasl_mechanism", "in": "body", "type": "enum",
 *           "enum": ["PLAIN", "SCRAM-SHA-512"] }
 *       ]
 *     }
 *   ]
 * }
 *
 * "in" is path, header, query or body; "header"/"query" may give the wire
 * name when it differs from "name".  Body names with dots nest.  Types:
 * string, integer (32-bit), long (64-bit), boolean, enum, epoch_ms (a long
 * that also takes date expressions, see datetime.h), number (double).
 * "min"/"max" bound numbers, "min_length"/"max_length" bound strings in
 * characters (UTF-8 code points).
 *
 * Loading checks the catalog itself and refuses it with the first problem
 * ("FILE:LINE: operation 'x': parameter 'y': ..."; the line is found by
 * searching the text, 0 when not found): unknown keys (keys starting with
 * '_' and "comment" are free-form comments), a key given twice, unknown
 * "in"/"type"/method, missing "name"/"method"/"path", a {placeholder}
 * without a path parameter of that name or the other way round, '?' or
 * '#' in "path", parameter names given twice (case-insensitively), a body
 * field inside another ("a" and "a.b"), "enum" without values or on a type
 * other than enum, limits on the wrong type or min > max, parameter names
 * "op", "region" and "endpoint" (manifest columns), header names bulkrun
 * sets itself (Authorization, X-Auth-Token, X-Sdk-Date, Content-Type, ...),
 * an "example" that does not pass its own parameter's check.  Defaults:
 * "type" string, "required" false, "service" the part of "name" before
 * the first dot, "success" [200] when absent or empty.  "method" is
 * case-insensitive and stored upper-case.  Path parameters are always
 * required.  "min"/"max" may be strings of digits for values beyond 2^53.
 * A failed load leaves the catalog unchanged.
 */
#ifndef BR_CATALOG_H
#define BR_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

enum br_ploc { BR_IN_PATH = 1, BR_IN_HEADER, BR_IN_QUERY, BR_IN_BODY };

enum br_ptype {
	BR_T_STRING = 1, BR_T_INTEGER, BR_T_LONG, BR_T_BOOLEAN, BR_T_ENUM,
	BR_T_EPOCH_MS, BR_T_NUMBER
};

struct br_param {
	char		*name;		/* as in manifests; dots nest (body) */
	char		*wire;		/* header or query name; == name else */
	enum br_ploc	 in;
	enum br_ptype	 type;
	int		 required;
	int		 has_min, has_max;
	int64_t		 min, max;	/* numbers */
	long		 min_length;	/* -1: none */
	long		 max_length;	/* -1: none */
	char		**enums;
	size_t		 nenums;
	char		*description;	/* may be NULL */
	char		*example;	/* may be NULL */
};

struct br_op {
	char		*name;
	char		*service;
	char		*summary;
	char		*method;	/* GET, PUT, POST, PATCH, DELETE */
	char		*path;		/* template with {name} */
	struct br_param	*params;
	size_t		 nparams;
	int		*success;	/* HTTP statuses meaning success */
	size_t		 nsuccess;
	char		**response;	/* fields kept for the report */
	size_t		 nresponse;
	int		 idempotent;	/* sending it twice does no more harm
					   than once: a request that may have
					   arrived is retried */
};

struct br_service {
	char		*name;
	char		*endpoint;	/* pattern with {region} */
};

struct br_catalog {
	struct br_op		*ops;
	size_t			 nops;
	struct br_service	*services;
	size_t			 nservices;
};

/* Loads the built-in catalog into an empty (zeroed) catalog. */
int	br_catalog_load_builtin(struct br_catalog *c, struct br_err *err);
/* Adds the operations and services of FILE; an operation or service of
 * the same name replaces the earlier one.  Errors name FILE and, where
 * possible, the line ("cat.json:12: operation 'x': unknown type 'int'"). */
int	br_catalog_load_file(struct br_catalog *c, const char *path,
	    struct br_err *err);
/* Same, from a string; name is used in messages. */
int	br_catalog_load_string(struct br_catalog *c, const char *text,
	    size_t len, const char *name, struct br_err *err);
void	br_catalog_release(struct br_catalog *c);

const struct br_op	*br_catalog_find(const struct br_catalog *c,
			    const char *name);
/* The operation name nearest to name (edit distance, case-insensitive),
 * or NULL when nothing is reasonably close.  Compares the whole name and
 * the part after the dot (optimal string alignment distance, at most
 * max(2, len/3)); failing that, a name that starts with name (4 or more
 * characters: "css.restart" -> "css.restart_cluster"). */
const char		*br_catalog_suggest(const struct br_catalog *c,
			    const char *name);
const struct br_service	*br_catalog_service(const struct br_catalog *c,
			    const char *name);
const char		*br_ptype_name(enum br_ptype t);
const char		*br_ploc_name(enum br_ploc l);

/* "bulkrun ops": one line per operation; "bulkrun ops NAME": parameters,
 * types, limits, where they go, success codes, an example CSV header and
 * row.  Writes to f. */
void	br_catalog_print_list(const struct br_catalog *c, FILE *f);
int	br_catalog_print_op(const struct br_catalog *c, const char *name,
	    FILE *f, struct br_err *err);

#endif
