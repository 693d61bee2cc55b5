/*
 * auth.h - authentication as a whole, for callers that want all of it:
 * signing (sign.h, pure), credentials (creds.h) and the IAM password
 * flow (iam.h).
 */
#ifndef BR_AUTH_H
#define BR_AUTH_H

#include "creds.h"
#include "iam.h"
#include "sign.h"

#endif
