#ifndef MAILROOM_CIDN2_SHIM_H
#define MAILROOM_CIDN2_SHIM_H

#include <idn2.h>

#endif
