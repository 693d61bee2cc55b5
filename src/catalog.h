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
 *
 * Where a service is, per cloud (region.h resolves it):
 *
 *   "clouds": {
 *     "otc": { "title": "Open Telekom Cloud", "regions": ["eu-de", "eu-nl"] },
 *     "huaweicloud": { "title": "Huawei Cloud", "regions": ["cn-*", ...] }
 *   },
 *   "services": {
 *     "kafka": { "hosts": {
 *       "huaweicloud": { "endpoint": "https://dms.{region}.myhuaweicloud.com",
 *                        "regions": { "eu-west-101":
 *                            "https://dms.eu-west-101.myhuaweicloud.eu" } },
 *       "otc": { "endpoint": "https://dms.{region}.otc.t-systems.com" } } },
 *     "roma": { "hosts": { ..., "otc": { "offered": false } } }
 *   }
 *
 * A cloud's "regions" are the region names it is chosen for: a name, or
 * a prefix ending in '*' ("cn-*"); the first cloud that matches wins.  A
 * service has "endpoint" (one pattern for every cloud), "hosts" (a
 * pattern per cloud, "regions" the exceptions by exact region name, or
 * "offered": false for a cloud that does not offer it), or both
 * ("endpoint" then serves the clouds "hosts" does not name).  Endpoints
 * start with https:// or http:// and hold no blank.  "clouds" merge by
 * name like operations and services.
 *
 * An operation may carry a "verify" block: how to read the resource back
 * after the call and judge the answer (verify.h does the judging).
 *
 *   "verify": {
 *     "method": "GET",                     -- default GET (or POST)
 *     "path": "/v1.0/{project_id}/clusters/{cluster_id}",
 *     "query": { "task_id": "{task_id}" },        -- optional
 *     "headers": { "workspace": "{workspace}" },  -- optional
 *     "state": "status",                   -- the state shown in reports
 *     "code": "failedReason.errorCode | failed_reasons.error_code",
 *     "healthy": { "all": [
 *       { "path": "status", "in": ["200"] },
 *       { "path": "actions", "empty": true },
 *       { "path": "instances[].status", "in": ["200"] } ] },
 *     "progress": { "any": [
 *       { "path": "status", "in": ["100"] },
 *       { "path": "actions[].action | actions[]", "has": ["REBOOTING"] } ] },
 *     "failed": ["303"],
 *     "fresh": { "progress": true, "repeat": 2 },
 *     "gone": [ { "status": 403, "codes": ["CSS.0015"] },
 *               { "status": 404 } ],
 *     "first_delay": 10, "interval": 10, "timeout": 3600
 *   }
 *
 * {name} in "path" and in query and header values is the row's own value
 * of the operation's parameter "name" (wherever the write sends it); a
 * query pair or header whose parameter the row leaves empty is not sent.
 * Paths into the answer are jpath.h's language ("a.b", "a[0]", "a[]":
 * every element; "x | y": the first that selects anything).
 * "healthy", "progress" and "failed" are each a list of values of
 * "state" (["RUNNING"]), or {"all": [tests]} / {"any": [tests]}; a test
 * is {"path", "in": [values]} (something selected, every value in the
 * list), {"path", "has": [values]} (some value in the list) or {"path",
 * "empty": true|false} (nothing selected but null, "", [] and {}).
 * Values compare as text (1 and "1" alike).  "healthy" is required;
 * an answer that matches none is in progress (unknown values included).
 * "fresh" says what proves a read is not a stale one from before the
 * call: "progress" (a "progress" state read after the call), "repeat": N
 * (the same healthy or failed state on N polls in a row), "time": PATH
 * (an epoch-ms timestamp later than the call); default {"progress":
 * true, "repeat": 2}.  "match_sent": true also requires every body field
 * the call sent to read back equal (the same path; a field the answer
 * does not show is not compared), else the state is failed.  "gone":
 * answers meaning the resource does not exist: each rule has "status"
 * (HTTP, any when absent), "codes" (the body's error code, any when
 * absent) and optionally a test ("path" with "in"/"has"/"empty") on the
 * body.  Times are seconds (fractions allowed): "first_delay" (default
 * 10) before the first poll, "interval" (10) between polls, "timeout"
 * (1200) from the call.  Errors name the line of "verify" ("FILE:LINE:
 * operation 'x': verify: 'healthy' ...").
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

/* One test on an answer (see the format above). */
enum br_vtest_kind { BR_VT_IN = 1, BR_VT_HAS, BR_VT_EMPTY, BR_VT_NOT_EMPTY };

struct br_vtest {
	char			*path;		/* jpath.h */
	enum br_vtest_kind	 kind;
	char			**values;	/* IN, HAS */
	size_t			 nvalues;
};

/* "healthy", "progress" or "failed": every test (all) or any one. */
struct br_vcond {
	int		 all;
	struct br_vtest	*tests;
	size_t		 ntests;
};

/* One "gone" rule: status 0 any, ncodes 0 any code, test.path NULL no
 * test. */
struct br_vgone {
	long		 status;
	char		**codes;
	size_t		 ncodes;
	struct br_vtest	 test;
};

/* A query pair or header of the read: value is a template. */
struct br_vpair {
	char	*name;
	char	*value;
};

struct br_verify {
	char		*method;	/* GET or POST */
	char		*path;		/* template, {name} from the row */
	struct br_vpair	*query;
	size_t		 nquery;
	struct br_vpair	*headers;
	size_t		 nheaders;
	char		*state;		/* path of the state text */
	char		*code;		/* path of the service's code; NULL */
	struct br_vcond	 healthy, progress, failed;
	int		 fresh_progress;
	int		 fresh_repeat;	/* 0: not a proof */
	char		*fresh_time;	/* path, or NULL */
	int		 match_sent;
	struct br_vgone	*gone;
	size_t		 ngone;
	int64_t		 first_delay_ms, interval_ms, timeout_ms;
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
	struct br_verify *verify;	/* how to read it back, or NULL */
};

/* A region whose host differs from its cloud's pattern. */
struct br_svc_region {
	char	*region;
	char	*endpoint;		/* a URL */
};

/* A service on one cloud. */
struct br_svc_host {
	char			*cloud;		/* "huaweicloud", "otc" */
	char			*endpoint;	/* pattern with {region}; NULL:
						   not offered on that cloud */
	struct br_svc_region	*regions;
	size_t			 nregions;
};

struct br_service {
	char			*name;
	char			*endpoint;	/* pattern with {region}, for
						   any cloud; or NULL */
	struct br_svc_host	*hosts;
	size_t			 nhosts;
};

/* A cloud, and the regions that are chosen to be on it. */
struct br_cloud {
	char	*name;			/* as --cloud says it: "otc" */
	char	*title;			/* "Open Telekom Cloud" */
	char	**regions;		/* "eu-de", or a prefix: "cn-*" */
	size_t	 nregions;
};

struct br_catalog {
	struct br_op		*ops;
	size_t			 nops;
	struct br_service	*services;
	size_t			 nservices;
	struct br_cloud		*clouds;
	size_t			 nclouds;
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
/* The cloud named name (any ASCII case), or NULL. */
const struct br_cloud	*br_catalog_cloud(const struct br_catalog *c,
			    const char *name);
const char		*br_ptype_name(enum br_ptype t);
/* A parameter's limits as `bulkrun ops NAME` shows them ("1..100",
 * "a|b|c", "len >= 1"), "" when none. */
void	br_param_limits_text(const struct br_param *p, char *buf, size_t sz);
const char		*br_ploc_name(enum br_ploc l);

/* "bulkrun ops": one line per operation; "bulkrun ops NAME": parameters,
 * types, limits, where they go, success codes, an example CSV header and
 * row, then the verify block (or that there is none).  Writes to f. */
void	br_catalog_print_list(const struct br_catalog *c, FILE *f);
int	br_catalog_print_op(const struct br_catalog *c, const char *name,
	    FILE *f, struct br_err *err);

#endif
