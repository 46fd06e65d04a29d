#pragma once
/// Internal to db/: queries prepared once per connection and then run by name.
///
/// SOCI runs a rowset or statement as three round trips (prepare, execute, deallocate) with
/// a parse and a plan each time; for the queries the writer sends in every batch that cost
/// more than the work they do. A PreparedQuery is prepared the first time it runs on a
/// connection (in the same round trip) and then executed by name, one round trip with no
/// parse, in the session's current transaction.

#include <libpq-fe.h>
#include <soci/soci.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace riziki::db {

/// The rows a prepared query returned, read as text.
class TextRows {
  public:
    explicit TextRows(PGresult* result) : result_(result, &PQclear) {}
    TextRows() : result_(nullptr, &PQclear) {}
    int size() const { return PQntuples(result_.get()); }
    bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
    std::string_view text(int row, int column) const {
        return {PQgetvalue(result_.get(), row, column),
                static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
    }
    std::string string(int row, int column) const { return std::string(text(row, column)); }
    const PGresult* result() const { return result_.get(); }
    long long integer(int row, int column) const;

  private:
    std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

class PreparedQuery {
  public:
    /// `text` uses $1, $2 ... for its parameters, each passed as text (spell arrays with
    /// ArrayLiteral). `name` must be unique among prepared queries.
    PreparedQuery(const char* name, const char* text) : name_(name), text_(text) {}

    /// Runs on `sql`'s connection, preparing it there first if needed. NULL parameters are
    /// passed as nullptr. Throws soci::soci_error with the server's message on failure, as
    /// SOCI would, so rejection_from_error() reads it the same way.
    TextRows run(soci::session& sql, std::initializer_list<const std::string*> params) const;

  private:
    friend class Pipeline;
    const char* name_;
    const char* text_;
};

/// Prepared queries (and plain commands such as COMMIT) sent together and answered
/// together: one round trip for all of them, in libpq's pipeline mode. Each query's
/// parameters are copied when it is added.
class Pipeline {
  public:
    explicit Pipeline(soci::session& sql);
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    void add(const PreparedQuery& query, std::initializer_list<const std::string*> params);
    /// The same with every parameter in PostgreSQL's binary format (BinaryArray), none NULL.
    void add_binary(const PreparedQuery& query, const std::vector<std::string>& params);
    /// A statement with no parameters and no rows (BEGIN, COMMIT).
    void add(const char* command);
    /// Sends what was added so far (the server starts on it); more may be added after.
    void flush();
    /// Sends what was added (the server starts on it) without waiting for the answers;
    /// add() is not called after it. run() reads them.
    void send();
    /// Sends what was added, unless send() did, and reads every answer, in order. If one
    /// failed, the ones after it were skipped by the server; the first error is thrown (as
    /// soci_error, like PreparedQuery::run) once all answers are read and the connection
    /// is ready again.
    std::vector<TextRows> run();
    /// Another pipeline was sent on the connection behind this one, before this one's
    /// answers were read: run() leaves the connection in pipeline mode for it.
    void followed() { followed_ = true; }
    /// The connection's socket, readable once answers arrive.
    int socket() const { return PQsocket(conn_); }

  private:
    friend class PreparedQuery;
    /// Lets the preparations from answer `from` on be sent again on their next use.
    void forget_preparations(std::size_t from);
    /// `lengths` and `formats` are given for binary parameters only (else nullptr: text).
    void add_values(const PreparedQuery& query, const std::vector<const char*>& values,
                    const int* lengths = nullptr, const int* formats = nullptr);

    PGconn* conn_;
    /// Per answer expected: the query's name if it answers a PQsendPrepare, else nullptr.
    std::vector<const char*> expected_;
    bool sent_ = false;
    bool done_ = false;
    bool followed_ = false;
};

}  // namespace riziki::db
