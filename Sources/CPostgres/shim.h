#ifndef PORTAL_CPOSTGRES_SHIM_H
#define PORTAL_CPOSTGRES_SHIM_H
#include <libpq-fe.h>
#endif
