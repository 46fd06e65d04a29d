# Writes a C++ source holding every MIGRATIONS_DIR/NNNN_*.sql file as a raw string, as the
# function embedded_SET_migrations() (SET: ledger for db/migrations, hub for
# db/hub_migrations), so the riziki binary carries its schemas and needs no source tree.
file(GLOB migration_files "${MIGRATIONS_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT migration_files)
set(body "")
foreach(path IN LISTS migration_files)
    get_filename_component(name "${path}" NAME)
    file(READ "${path}" sql)
    string(APPEND body "    {\"${name}\", R\"riziki_sql(${sql})riziki_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${MIGRATIONS_DIR} by cmake/EmbedMigrations.cmake. Do not edit.\n"
"#include \"db/migrate.hpp\"\n\n"
"namespace riziki::db {\n\n"
"const std::vector<Migration>& embedded_${SET}_migrations() {\n"
"    static const std::vector<Migration> migrations{\n${body}    };\n"
"    return migrations;\n}\n\n}  // namespace riziki::db\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
