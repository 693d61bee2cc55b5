#ifndef BR_VERSION_H
#define BR_VERSION_H
#define BR_VERSION	"0.1.0"
#endif
