/* crs_internal.h: PROJ-level access for the stages that need it (measure). */
#ifndef PC_CRS_INTERNAL_H
#define PC_CRS_INTERNAL_H

#include <proj.h>

#include "plancheck/crs.h"

/* The CRS as a PROJ object, without any BoundCRS wrapper (borrowed). */
PJ *pc_crs_pj(const pc_crs *crs);

#endif
