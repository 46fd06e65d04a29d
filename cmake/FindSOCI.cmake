# Debian 12 ships SOCI 4.0.3 without a CMake package; find its core and PostgreSQL backend.
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY soci_core)
find_library(SOCI_POSTGRESQL_LIBRARY soci_postgresql)
find_package(PostgreSQL REQUIRED)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI REQUIRED_VARS SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY
                                  SOCI_POSTGRESQL_LIBRARY)
if(SOCI_FOUND AND NOT TARGET SOCI::postgresql)
    add_library(SOCI::postgresql INTERFACE IMPORTED)
    set_target_properties(SOCI::postgresql PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR};${PostgreSQL_INCLUDE_DIRS}"
        INTERFACE_LINK_LIBRARIES
            "${SOCI_POSTGRESQL_LIBRARY};${SOCI_CORE_LIBRARY};${PostgreSQL_LIBRARIES};dl")
endif()
