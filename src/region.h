/*
 * region.h - where a service is: the cloud a region is on, the service's
 * host there, IAM's URL for the password flow.  Pure lookups in the
 * catalog's "clouds" and the services' "hosts" (catalog.h).
 *
 * The rule: --cloud names the cloud outright; without it the region's
 * name picks it (the first cloud whose "regions" match).  On that cloud
 * the service's host is the exception for the region, else the cloud's
 * pattern; a cloud that does not offer the service is an error, and so
 * is a region no cloud matches, for a service with "hosts".  A service
 * with only "endpoint" uses it in any region.
 */
#ifndef BR_REGION_H
#define BR_REGION_H

#include <stddef.h>

#include "catalog.h"
#include "err.h"

/* The cloud region is on: the one named cloud (--cloud) when cloud is not
 * NULL (NULL when the catalog has none of that name), else the first
 * whose "regions" match region: a name, any ASCII case, or a prefix
 * "cn-*".  NULL when none does. */
const struct br_cloud	*br_region_cloud(const struct br_catalog *c,
			    const char *region, const char *cloud);

/*
 * The endpoint of service s in region (not NULL), on cloud or the
 * region's cloud: *out points into the catalog (a pattern with {region},
 * or a region's own URL).  BR_EINPUT with err:
 *   "unknown region 'x': bulkrun knows eu-de, eu-nl (Open Telekom Cloud);
 *    cn-*, ... (Huawei Cloud); for another region say which cloud it is
 *    on: --cloud huaweicloud|otc"
 *   "service 'roma' is not offered on Open Telekom Cloud (region 'eu-de')"
 *   "service 's' has no host on <cloud> in the catalog: give --endpoint
 *    s=URL"
 *   "unknown cloud 'x' (--cloud huaweicloud|otc)"
 */
int	br_region_endpoint(const struct br_catalog *c,
	    const struct br_service *s, const char *region, const char *cloud,
	    const char **out, struct br_err *err);

/* 0 when the catalog says that the cloud of region (or cloud) does not
 * offer service svc; 1 otherwise, when it cannot tell included. */
int	br_region_offered(const struct br_catalog *c, const char *svc,
	    const char *region, const char *cloud);

/* The default of OS_AUTH_URL for region (and cloud): the "iam" service's
 * host there with "/v3".  A new string, or NULL with err set (as
 * br_region_endpoint, or "no IAM host in the catalog", out of memory). */
char	*br_region_auth_url(const struct br_catalog *c, const char *region,
	    const char *cloud, struct br_err *err);

/* --cloud: 0 when cloud is NULL or a cloud of the catalog, else
 * BR_EINPUT "unknown cloud 'x' (--cloud huaweicloud|otc)". */
int	br_region_check_cloud(const struct br_catalog *c, const char *cloud,
	    struct br_err *err);

/* pat with every {region} replaced by region: a new string, or NULL (out
 * of memory). */
char	*br_region_fill(const char *pat, const char *region);

#endif
