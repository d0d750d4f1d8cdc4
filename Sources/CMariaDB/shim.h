#ifndef MAILROOM_CMARIADB_SHIM_H
#define MAILROOM_CMARIADB_SHIM_H

// mysql.h uses NULL without including what defines it.
#include <stddef.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

// mysql_library_init is a macro aliasing mysql_server_init, which Swift cannot import.
static inline int mailroom_mysql_library_init(void) {
    return mysql_library_init(0, NULL, NULL);
}

#endif
