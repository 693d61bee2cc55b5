/*
 * api.h - the five simulated operations and their four read APIs: routing
 * on the raw path, the id conventions (missing-, flakyN-, ...) and the
 * answers of the writes (the reads' answers are resource.c's).  Nothing here locks
 * or touches the network: the caller passes in what it counted.
 */
#ifndef SIM_API_H
#define SIM_API_H

#include <stddef.h>

struct cJSON;

#define SIM_MAX_SEGS	16	/* longer paths match no operation */
#define SIM_MAX_AHDRS	8	/* extra headers an answer may carry */
#define SIM_MAX_DELAY	3600000	/* ms; longer waits are cut to this */

enum sim_op {
	SIM_OP_KAFKA_RESTART,
	SIM_OP_KAFKA_MODIFY,
	SIM_OP_DLF_RESTART,
	SIM_OP_ROMA_RESET,
	SIM_OP_CSS_RESTART,
	/* the read APIs: the writes' resources as they are now */
	SIM_OP_KAFKA_SHOW,
	SIM_OP_DLF_SHOW,
	SIM_OP_ROMA_LIST,
	SIM_OP_CSS_SHOW,
	SIM_OP_COUNT
};

/* A header of a request or an answer; the strings are borrowed. */
struct sim_hdr {
	const char	*name;
	const char	*value;
};

/* A request as it came, borrowed: what the signature check and the log
 * line read of it. */
struct sim_reqview {
	const char		*method;
	const char		*path;		/* raw, without the query */
	size_t			 pathlen;
	const char		*query;		/* raw, without '?' */
	size_t			 querylen;
	const struct sim_hdr	*hdrs;		/* all request headers */
	size_t			 nhdrs;
	const char		*body;
	size_t			 len;
};

struct sim_answer {
	int		 status;	/* 0: close the connection, no answer */
	const char	*ctype;		/* Content-Type; NULL: no body */
	char		*body;
	size_t		 len;
	int		 owned;		/* body was malloc'd: free it */
	struct sim_hdr	 hdrs[SIM_MAX_AHDRS];
	size_t		 nhdrs;
	long		 delay_ms;	/* wait this long before answering */
};

struct sim_route {
	int		 op;		/* enum sim_op, or -1 */
	int		 status;	/* 0 matched, else 404 or 405 */
	const char	*allow;		/* the method a 405 names */
	int		 nseg;
	char		*seg[SIM_MAX_SEGS];	/* decoded path segments */
	const char	*param[SIM_MAX_SEGS];	/* template name or NULL */
	const char	*qname;		/* the key id taken from the query */
	char		*qval;		/* its decoded value, or NULL */
};

enum sim_conv_kind {
	SIM_CONV_NONE,
	SIM_CONV_MISSING,
	SIM_CONV_EMPTY,
	SIM_CONV_BAD,
	SIM_CONV_E500,
	SIM_CONV_E503,
	SIM_CONV_FLAKY,
	SIM_CONV_THROTTLE,
	SIM_CONV_DMSTHROTTLE,
	SIM_CONV_DROP,
	SIM_CONV_GARBAGE,
	SIM_CONV_HTML,
	SIM_CONV_HUGE,
	/* the state machine of the read APIs; writes answer as usual */
	SIM_CONV_GONE,		/* reads: gone, writes as usual */
	SIM_CONV_FAILVERIFY,	/* fails after each write */
	SIM_CONV_STUCK,		/* in progress for ever after a write */
	SIM_CONV_BUSY,		/* in progress before any write */
	SIM_CONV_FAILEDBEFORE,	/* failed before any write */
	SIM_CONV_CSSBUSY	/* css reads: 202 CSS.0011 for the first N */
};

struct sim_conv {
	int		 kind;		/* enum sim_conv_kind */
	long		 n;		/* the N of flakyN-, throttleN-, ... */
	long		 slow_ms;	/* sum of the slowMS- prefixes */
	long		 restart_ms;	/* the last restartMS- prefix, or -1 */
	const char	*key;		/* the key id it was read from */
};

/* What a request carried, as far as the answers care. */
struct sim_req {
	const char	*ctype;		/* request Content-Type or NULL */
	const char	*body;
	size_t		 len;
	const char	*workspace;	/* the workspace header or NULL */
};

/* Splits the raw path (no query) on '/', percent-decodes each segment and
 * matches the operations.  Fills r (release it with sim_route_release());
 * r->status is 0, 404 or 405.  Returns -1 only when out of memory. */
int	 sim_route_match(struct sim_route *r, const char *method,
	    const char *path, size_t len);
void	 sim_route_release(struct sim_route *r);
/* Takes the key id of a matched read route whose key is in the query (the
 * ROMA task list's task_id) from the raw query, percent-decoded with '+'
 * as a space.  -1 only when out of memory. */
int	 sim_route_query(struct sim_route *r, const char *query, size_t len);
/* The decoded value of a path parameter, or NULL. */
const char *sim_route_param(const struct sim_route *r, const char *name);
const char *sim_op_name(int op);
/* 1 for the read APIs (SIM_OP_KAFKA_SHOW and after). */
int	 sim_op_is_read(int op);
/* The write whose resource a read shows, or the write itself. */
int	 sim_op_write_of(int op);
/* The key ids of an operation in the order they are tried (NULL-ended). */
const char *const *sim_op_keys(int op);

/* Reads the conventions from the key ids of a matched route.  c->key is the
 * key id that carries them, or the first key id when none does. */
void	 sim_conv_parse(const struct sim_route *r, struct sim_conv *c);
/* The 400 of an operation: its bad-parameter code, its message and why. */
void	 sim_api_bad_request(struct sim_answer *a, int op, const char *why);
/* The "not found" of an operation's service (a Kafka task, a DataArts job
 * instance, a ROMA task, a CSS cluster) in the common error shape. */
void	 sim_api_not_found(struct sim_answer *a, int op);
/* 1 if id is a Java Long that is not negative (DataArts' instance ids). */
int	 sim_is_long(const char *id);
/* 1 if the convention needs the per-key request count. */
int	 sim_conv_counted(const struct sim_conv *c);

/* The answer of the convention of a matched, authorised request (count =
 * requests with the same key id before this one; retry_after is the
 * Retry-After value of 429 answers): 1 if it answered, 0 when the
 * operation answers (for the reads, a missing- key too: the resource says
 * it is gone, each service in its own way). */
int	 sim_api_fault(const struct sim_route *r, const struct sim_conv *c,
	    long count, const char *retry_after, struct sim_answer *a);
/* The answer of a matched, authorised write without a global fault or
 * state override: sim_api_fault() or the operation's own validation and
 * success answer. */
void	 sim_api_answer(const struct sim_route *r, const struct sim_conv *c,
	    long count, const struct sim_req *q, const char *retry_after,
	    struct sim_answer *a);

/* A fixed id of 32 lower-case hex digits made from tag and s (the first
 * 16 bytes of SHA-256(tag s)): a jobId, IAM's user and project ids. */
void	 sim_derived_id(const char *tag, const char *s, char out[33]);

/* The default name and creation time of a Kafka task (the answer of a
 * modify adds them when missing), fixed by the task id. */
double	 sim_kafka_task_defaults(const char *task_id, char name[64]);

/* {"error_code": code, "error_msg": msg} with the given status. */
void	 sim_answer_error(struct sim_answer *a, int status,
	    const char *code, const char *msg);
/* Answers status with the JSON body head "s1" mid "s2" tail, s1 and s2
 * written as JSON strings (the error forms of the APIs and of IAM). */
void	 sim_answer_json2(struct sim_answer *a, int status, const char *head,
	    const char *s1, const char *mid, const char *s2, const char *tail);
/* A fixed body that is not copied or freed. */
void	 sim_answer_static(struct sim_answer *a, int status,
	    const char *ctype, const char *body, size_t len);
int	 sim_answer_header(struct sim_answer *a, const char *name,
	    const char *value);
void	 sim_answer_release(struct sim_answer *a);

/* The 3 MiB body of huge- answers; made once at start. */
int	 sim_api_init(void);
void	 sim_api_release(void);

/* Takes a malloc'd JSON body; a NULL body answers 500 instead. */
void	 sim_answer_owned(struct sim_answer *a, int status, char *body,
	    size_t len);
/* j printed compactly with the given status (500 if j is NULL or out of
 * memory); j stays the caller's. */
void	 sim_answer_json(struct sim_answer *a, int status,
	    const struct cJSON *j);
/* 1 if a Content-Type value is application/json, parameters allowed. */
int	 sim_is_json_type(const char *ctype);
/* The body as a JSON object (the caller frees it with cJSON_Delete), or
 * NULL if it is empty, not JSON, not an object or has trailing text.
 * Serialised: cJSON's parser keeps a global error position. */
struct cJSON *sim_json_object(const char *body, size_t len);

/* Canned bodies shared with the global faults. */
void	 sim_answer_throttled(struct sim_answer *a, const char *retry_after);
void	 sim_answer_unavailable(struct sim_answer *a);
void	 sim_answer_garbage(struct sim_answer *a);

#endif
