#ifndef DESCENT_CLIBPQ_SHIM_H
#define DESCENT_CLIBPQ_SHIM_H
/* PostgreSQL's C client (Debian: libpq-dev). */
#include <postgresql/libpq-fe.h>
#endif
