#pragma once
/// Connection strings as operators write them (RIZIKI_DATABASE_URL, --database-url): libpq's
/// keyword/value form or a URL. libpq parses both; Riziki passes on keyword/value pairs.

#include <stdexcept>
#include <string>
#include <string_view>

namespace riziki::db {

/// A connection string that cannot be used. The message says what is wrong and never holds
/// the password, so it may be logged.
struct InvalidConnectionString : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

/// `text` in libpq's keyword/value form (`host=db port=5432 dbname=riziki`) or as a URL
/// (`postgresql://user:password@host:port/dbname?sslmode=require`, or `postgres://…`;
/// percent-encoded, `?host=/socket/dir` for a unix socket), parsed by libpq and written
/// back in the keyword/value form, to which a later " keyword=value" may be appended.
/// Throws InvalidConnectionString when libpq refuses the text.
std::string connection_string(const std::string& text);

/// The same, written so that SOCI's PostgreSQL backend passes it to libpq intact: what every
/// Riziki connection is opened with. SOCI 4.0 re-splits the string at whitespace and strips
/// a pair of double quotes before libpq sees it; a URL with no `=` reached libpq with one
/// appended (`…/mydb` became the database `mydb=`), a quoted value with a space was cut in
/// two. Also throws InvalidConnectionString for a value holding both whitespace and a
/// double quote, which SOCI cannot pass on.
std::string soci_connection_string(const std::string& text);

/// A libpq keyword/value value: bare when it can be, else single-quoted with `\` escapes.
std::string conninfo_value(std::string_view value);

}  // namespace riziki::db
