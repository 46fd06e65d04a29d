#include "db/prepared.hpp"

#include <soci/postgresql/soci-postgresql.h>

#include <charconv>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace riziki::db {

namespace {

/// Which queries are prepared on which connection. A connection is known by its handle
/// and its server process id: a handle's address can be reused after a reconnect, but
/// then with another backend. Entries for closed connections stay (a few names each).
class PreparedRegistry {
  public:
    /// Whether `name` still has to be prepared on `conn` (and notes that it will be).
    bool first_use(PGconn* conn, const char* name) {
        std::lock_guard lock(mutex_);
        return prepared_[{conn, PQbackendPID(conn)}].insert(name).second;
    }
    /// Forgets a preparation that failed, so the next run tries again.
    void failed(PGconn* conn, const char* name) {
        std::lock_guard lock(mutex_);
        prepared_[{conn, PQbackendPID(conn)}].erase(name);
    }

  private:
    std::mutex mutex_;
    std::map<std::pair<const PGconn*, int>, std::set<std::string>> prepared_;
};

PreparedRegistry& registry() {
    static PreparedRegistry instance;
    return instance;
}

/// Parameters as libpq takes them: text, or nullptr for NULL.
std::vector<const char*> param_values(std::initializer_list<const std::string*> params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto* param : params)
        values.push_back(param != nullptr ? param->c_str() : nullptr);
    return values;
}

}  // namespace

long long TextRows::integer(int row, int column) const {
    const auto digits = text(row, column);
    long long value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size())
        throw soci::soci_error("not an integer: " + std::string(digits));
    return value;
}

TextRows PreparedQuery::run(soci::session& sql,
                            std::initializer_list<const std::string*> params) const {
    // A pipeline of one: on first use the preparation goes in the same round trip.
    Pipeline pipeline(sql);
    pipeline.add(*this, params);
    return std::move(pipeline.run().front());
}

Pipeline::Pipeline(soci::session& sql)
    : conn_(static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_) {
    if (PQenterPipelineMode(conn_) != 1)
        throw soci::soci_error("cannot enter pipeline mode: " + std::string(PQerrorMessage(conn_)));
}

Pipeline::~Pipeline() {
    if (!done_) {
        // An add() threw, or the answers of what was sent were never read: read them, so
        // the connection is usable again.
        try {
            run();
        } catch (const soci::soci_error&) {
            // the caller that left them unread reports its own error
        }
    }
}

void Pipeline::add(const PreparedQuery& query, std::initializer_list<const std::string*> params) {
    add_values(query, param_values(params));
}

void Pipeline::add_binary(const PreparedQuery& query, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    std::vector<int> lengths;
    values.reserve(params.size());
    lengths.reserve(params.size());
    for (const auto& param : params) {
        values.push_back(param.data());
        lengths.push_back(static_cast<int>(param.size()));
    }
    const std::vector<int> formats(params.size(), 1);
    add_values(query, values, lengths.data(), formats.data());
}

void Pipeline::add_values(const PreparedQuery& query, const std::vector<const char*>& values,
                          const int* lengths, const int* formats) {
    if (registry().first_use(conn_, query.name_)) {
        if (PQsendPrepare(conn_, query.name_, query.text_, 0, nullptr) != 1) {
            registry().failed(conn_, query.name_);
            throw soci::soci_error(PQerrorMessage(conn_));
        }
        expected_.push_back(query.name_);
    }
    if (PQsendQueryPrepared(conn_, query.name_, static_cast<int>(values.size()), values.data(),
                            lengths, formats, 0) != 1) {
        throw soci::soci_error(PQerrorMessage(conn_));
    }
    expected_.push_back(nullptr);
}

void Pipeline::add(const char* command) {
    if (PQsendQueryParams(conn_, command, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
        throw soci::soci_error(PQerrorMessage(conn_));
    expected_.push_back(nullptr);
}

void Pipeline::flush() {
    // The answers wait unread meanwhile: a statement's is a few bytes, far from filling the
    // socket's buffer and stalling the server.
    if (PQflush(conn_) != 0)
        throw soci::soci_error(PQerrorMessage(conn_));
}

void Pipeline::send() {
    if (sent_)
        return;
    sent_ = true;
    if (PQpipelineSync(conn_) != 1) {  // also flushes what was added
        done_ = true;
        forget_preparations(0);
        throw soci::soci_error(PQerrorMessage(conn_));
    }
}

void Pipeline::forget_preparations(std::size_t from) {
    for (std::size_t i = from; i < expected_.size(); ++i) {
        if (expected_[i] != nullptr)
            registry().failed(conn_, expected_[i]);
    }
}

std::vector<TextRows> Pipeline::run() {
    send();
    done_ = true;
    std::string error;
    std::vector<TextRows> answers;
    for (std::size_t i = 0; i < expected_.size(); ++i) {
        PGresult* result = PQgetResult(conn_);
        if (result == nullptr) {  // the connection is gone, and what was prepared on it
            forget_preparations(i);
            throw soci::soci_error(PQerrorMessage(conn_));
        }
        const auto status = PQresultStatus(result);
        const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
        if (error.empty() && !ok) {
            error = PQresultErrorMessage(result);
            if (error.empty())
                error = "a pipelined statement was not run";
        }
        if (expected_[i] != nullptr) {
            if (!ok)  // failed or skipped: prepared on the next use instead
                registry().failed(conn_, expected_[i]);
            PQclear(result);
        } else {
            answers.emplace_back(result);
        }
        while ((result = PQgetResult(conn_)) != nullptr)  // the end of this answer
            PQclear(result);
    }
    PGresult* sync = PQgetResult(conn_);
    const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    if (!synced || (!followed_ && PQexitPipelineMode(conn_) != 1)) {
        if (error.empty())
            error = "pipeline did not end: " + std::string(PQerrorMessage(conn_));
    }
    if (!error.empty())
        throw soci::soci_error(error);
    return answers;
}

}  // namespace riziki::db
