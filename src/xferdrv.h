/*
 * xferdrv.h - the pool's driver over HTTP: a worker's jobs are libcurl
 * transfers, many at once on one multi handle (http.h).  A job's in is a
 * struct br_request, its out a struct br_response.  The argument given
 * to br_pool_new is a struct br_http_opts *, read by each worker as it
 * starts.
 */
#ifndef BR_XFERDRV_H
#define BR_XFERDRV_H

#include "pool.h"

extern const struct br_pool_driver br_http_driver;

#endif
