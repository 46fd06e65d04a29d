#include "api/hub_handlers.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>

#include "api/body.hpp"
#include "api/problem.hpp"
#include "api/registry_index.hpp"
#include "api/router.hpp"
#include "db/errors.hpp"
#include "db/hash.hpp"
#include "db/hub_store.hpp"
#include "reports/consortium_statistics.hpp"

namespace riziki::api {

namespace {

constexpr std::string_view kHubTokenPrefix = "rzh_";
constexpr std::size_t kHubTokenSecretChars = 43;  // 32 bytes, base64url without padding
constexpr std::size_t kRefBytesMax = 64;
constexpr std::string_view kPrefix = "/hub/v1/";

bool ref_shaped(std::string_view ref) {
    return !ref.empty() && ref.size() <= kRefBytesMax &&
           std::all_of(ref.begin(), ref.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
           });
}

/// YYYY-MM with a month 01-12 and a year 1900-2100.
bool month_shaped(std::string_view month) {
    if (month.size() != 7 || month[4] != '-')
        return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6}) {
        if (month[i] < '0' || month[i] > '9')
            return false;
    }
    const int year = std::stoi(std::string(month.substr(0, 4)));
    const int number = std::stoi(std::string(month.substr(5, 2)));
    return year >= 1900 && year <= 2100 && number >= 1 && number <= 12;
}

/// A token field: 64 lower-case hex digits, or null/absent when `nullable`.
std::optional<ledger::Hash> read_token(FieldReader& reader, const nlohmann::json& value,
                                       const std::string& field) {
    const auto token =
        value.is_string() ? ledger::hash_from_hex(value.get<std::string>()) : std::nullopt;
    if (!token)
        reader.error(field, "invalid_token", "Expected 64 lower-case hex digits.");
    return token;
}

std::optional<ledger::Hash> read_nullable_token(FieldReader& reader, const nlohmann::json& object,
                                                const char* field) {
    if (!reader.has(field))
        return std::nullopt;
    return read_token(reader, object.at(field), reader.path(field));
}

/// The one record of a check as stored and as asked about.
struct CheckRecord {
    db::HubRecord record;
    IndexQuery query;
};

std::optional<CheckRecord> read_record(const nlohmann::json& item, const std::string& prefix,
                                       std::vector<FieldError>& errors) {
    if (!item.is_object()) {
        errors.push_back(
            {prefix.substr(0, prefix.size() - 1), "invalid_type", "Expected an object."});
        return std::nullopt;
    }
    FieldReader reader(item, prefix, errors);
    reader.only(
        {"ref", "id_token", "phone_token", "name_token", "year_tokens", "clk", "month", "support"});
    CheckRecord out;
    const auto ref = reader.text("ref", true, kRefBytesMax);
    if (ref && !ref_shaped(*ref))
        reader.error(reader.path("ref"), "invalid_ref", "Expected 1-64 of [A-Za-z0-9_-].");
    out.query.id_token = read_nullable_token(reader, item, "id_token");
    out.query.phone_token = read_nullable_token(reader, item, "phone_token");
    out.query.name_token = read_nullable_token(reader, item, "name_token");
    const auto* years = item.contains("year_tokens") ? &item.at("year_tokens") : nullptr;
    if (years == nullptr || !years->is_array() || years->size() != 3) {
        reader.error(reader.path("year_tokens"), "invalid_year_tokens",
                     "Expected three tokens: the birth year - 1, the year, + 1.");
    } else {
        for (std::size_t i = 0; i < 3; ++i) {
            const auto token = read_token(
                reader, years->at(i), reader.path("year_tokens") + "[" + std::to_string(i) + "]");
            out.query.year_tokens[i] = token.value_or(ledger::Hash{});
        }
    }
    const auto clk_text_value = reader.text("clk", true, 256);
    const auto clk = clk_text_value ? parse_clk(*clk_text_value) : std::nullopt;
    if (clk_text_value && !clk)
        reader.error(reader.path("clk"), "invalid_clk", "Expected the base64 of 128 bytes.");
    const auto month = reader.text("month", true, 7);
    if (month && !month_shaped(*month))
        reader.error(reader.path("month"), "invalid_month", "Expected YYYY-MM.");
    const auto support = reader.required_choice("support", {"none", "grant", "loan"});
    if (!reader.ok())
        return std::nullopt;
    out.query.clk = *clk;
    auto& record = out.record;
    record.ref = *ref;
    record.id_token = out.query.id_token;
    record.phone_token = out.query.phone_token;
    record.name_token = out.query.name_token;
    record.year_token = out.query.year_tokens[1];
    // The CLK's bytes as clk_text() writes them: bit 0 the most significant of byte 0.
    for (std::size_t bit = 0; bit < kClkBits; ++bit) {
        if (clk->test(bit))
            record.clk[bit / 8] |= static_cast<unsigned char>(0x80u >> (bit % 8));
    }
    record.month = *month;
    record.support = *support;
    return out;
}

IndexedRecord indexed(const db::HubRecord& record) {
    IndexedRecord out{record.id,
                      record.member,
                      record.id_token,
                      record.phone_token,
                      record.name_token,
                      record.year_token,
                      {}};
    for (std::size_t bit = 0; bit < kClkBits; ++bit)
        out.clk[bit] = (record.clk[bit / 8] & (0x80u >> (bit % 8))) != 0;
    return out;
}

nlohmann::json match_json(const db::HubMatch& match, bool with_ref) {
    nlohmann::json out{{"match", match.match},
                       {"organisation", match.organisation},
                       {"organisation_name", match.organisation_name},
                       {"since", match.since},
                       {"support", match.support},
                       {"kind", match.kind},
                       {"score", match.score}};
    if (with_ref)
        out["ref"] = match.ref;
    return out;
}

/// The path after /hub/v1/, split at '/'; nullopt outside the hub's paths.
std::optional<std::vector<std::string_view>> hub_segments(std::string_view target) {
    target = target.substr(0, target.find('?'));
    if (!target.starts_with(kPrefix))
        return std::nullopt;
    target.remove_prefix(kPrefix.size());
    std::vector<std::string_view> out;
    while (true) {
        const auto slash = target.find('/');
        out.push_back(target.substr(0, slash));
        if (slash == std::string_view::npos)
            return out;
        target.remove_prefix(slash + 1);
    }
}

class Hub {
  public:
    Hub(db::HubStore& store, const HubOptions& options)
        : store_(store),
          limiter_(options.records_per_minute, options.records_burst, options.clock) {
        for (const auto& record : store_.records())
            index_.put(indexed(record));
        spdlog::info("hub: {} records in the matching index", index_.size());
    }

    Response handle(const Request& request, const RequestContext& context) {
        try {
            return route(request, context);
        } catch (const db::DatabaseUnavailable&) {
            spdlog::warn("request_id={} database unavailable", context.request_id);
            auto response = problem(http::status::service_unavailable, "database_unavailable",
                                    "The database is unavailable; retry shortly.", context);
            response.set(http::field::retry_after, "1");
            return response;
        }
    }

  private:
    using Method = Response (Hub::*)(const Request&, const RequestContext&, const db::HubMember&,
                                     const std::string& param);

    Response route(const Request& request, const RequestContext& context) {
        const std::string_view target(request.target().data(), request.target().size());
        const auto segments = hub_segments(target);
        std::optional<http::verb> allowed;
        Method method = nullptr;
        std::string_view param;
        if (segments && segments->size() == 1 && segments->at(0) == "check") {
            allowed = http::verb::post;
            method = &Hub::check;
        } else if (segments && segments->size() == 1 && segments->at(0) == "matches") {
            allowed = http::verb::get;
            method = &Hub::matches;
        } else if (segments && segments->size() == 2 && segments->at(0) == "records") {
            allowed = http::verb::delete_;
            method = &Hub::delete_record;
            param = segments->at(1);
        } else if (segments && segments->size() == 1 && segments->at(0) == "statistics") {
            allowed = http::verb::get;
            method = &Hub::statistics;
        } else if (segments && segments->size() == 2 && segments->at(0) == "activity") {
            allowed = http::verb::put;
            method = &Hub::activity;
            param = segments->at(1);
        }
        // GET /healthz, public, as serve has it: for a load balancer and for whoever starts
        // the hub to know it listens. It says nothing about the registry.
        if (target == "/healthz" && request.method() == http::verb::get) {
            auto healthy = json_response(http::status::ok, {{"status", "ok"}});
            secure_headers(healthy);
            return healthy;
        }
        Response response;
        if (!allowed) {
            response = problem(http::status::not_found, "not_found", "No such route.", context);
        } else if (request.method() != *allowed) {
            const std::string verb(http::to_string(*allowed));
            response = problem(http::status::method_not_allowed, "method_not_allowed",
                               "This path accepts " + verb + ".", context);
            response.set(http::field::allow, verb);
        } else {
            response = authenticated(request, context, method, param);
        }
        secure_headers(response);
        return response;
    }

    Response authenticated(const Request& request, const RequestContext& context, Method method,
                           std::string_view raw_param) {
        const auto member = authenticate(request);
        if (!member) {
            store_.audit({std::nullopt, "unauthenticated", 0, 0, context.request_id});
            auto response =
                problem(http::status::unauthorized, "unauthenticated",
                        "A live member token is needed (Authorization: Bearer rzh_…).", context);
            response.set(http::field::www_authenticate, "Bearer");
            return response;
        }
        const auto param = percent_decode(raw_param, false);
        if (!param) {
            store_.audit({member->id, "refused", 0, 0, context.request_id});
            return problem(http::status::bad_request, "malformed_request", "The path is not text.",
                           context);
        }
        return (this->*method)(request, context, *member, *param);
    }

    std::optional<db::HubMember> authenticate(const Request& request) {
        const auto header = request.find(http::field::authorization);
        if (header == request.end())
            return std::nullopt;
        const std::string_view value(header->value().data(), header->value().size());
        constexpr std::string_view kBearer = "Bearer ";
        if (!value.starts_with(kBearer) || !hub_token_shaped(value.substr(kBearer.size())))
            return std::nullopt;
        return store_.live_member(db::sha256(value.substr(kBearer.size())));
    }

    /// 422 validation_failed, audited as a refused request.
    Response refused(const RequestContext& context, const db::HubMember& member,
                     const std::vector<FieldError>& errors) {
        store_.audit({member.id, "refused", 0, 0, context.request_id});
        return validation_problem(errors, context);
    }

    std::variant<std::vector<CheckRecord>, Response> read_check(const Request& request,
                                                                const RequestContext& context,
                                                                const db::HubMember& member) {
        auto parsed = parse_json_object(request, context);
        if (auto* answer = std::get_if<Response>(&parsed)) {
            store_.audit({member.id, "refused", 0, 0, context.request_id});
            return std::move(*answer);
        }
        const auto& body = std::get<nlohmann::json>(parsed);
        std::vector<FieldError> errors;
        FieldReader reader(body, "", errors);
        reader.only({"records"});
        std::vector<CheckRecord> records;
        std::set<std::string> refs;
        if (const auto* list = reader.array("records", kHubCheckRecordsMax)) {
            for (std::size_t i = 0; i < list->size(); ++i) {
                const std::string prefix = "records[" + std::to_string(i) + "].";
                auto record = read_record(list->at(i), prefix, errors);
                if (record && !refs.insert(record->record.ref).second)
                    errors.push_back(
                        {prefix + "ref", "duplicate_ref", "This ref is already in the request."});
                if (record)
                    records.push_back(std::move(*record));
            }
        }
        if (!errors.empty())
            return refused(context, member, errors);
        return records;
    }

    Response check(const Request& request, const RequestContext& context,
                   const db::HubMember& member, const std::string&) {
        auto read = read_check(request, context, member);
        if (auto* answer = std::get_if<Response>(&read))
            return std::move(*answer);
        auto& records = std::get<std::vector<CheckRecord>>(read);
        const auto decision = limiter_.take(member.org_code, static_cast<int>(records.size()));
        if (!decision.allowed) {
            store_.audit({member.id, "rate_limited", static_cast<std::int64_t>(records.size()), 0,
                          context.request_id});
            auto answer =
                problem(http::status::too_many_requests, "rate_limited",
                        "This member has sent too many records; try again later.", context);
            answer.set(http::field::retry_after, std::to_string(decision.retry_after.count()));
            return answer;
        }
        std::vector<db::HubRecord> stored;
        for (const auto& record : records)
            stored.push_back(record.record);
        std::vector<std::int64_t> gone;
        std::lock_guard write(write_mutex_);
        const auto found = store_.check(
            member.id, stored,
            [&](const db::HubRecord& record) {
                auto query = records[static_cast<std::size_t>(&record - stored.data())].query;
                query.member = member.id;
                std::vector<db::HubCandidate> out;
                for (const auto& match : index_.find(query))
                    out.push_back({match.record, to_string(match.kind), score_text(match.score)});
                return out;
            },
            gone,
            {member.id, "check", static_cast<std::int64_t>(stored.size()), 0, context.request_id});
        for (const auto& record : stored)
            index_.put(indexed(record));
        for (const auto id : gone)
            index_.remove(id);
        nlohmann::json results = nlohmann::json::array();
        std::int64_t matched = 0;
        for (std::size_t i = 0; i < stored.size(); ++i) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& match : found[i])
                list.push_back(match_json(match, false));
            matched += static_cast<std::int64_t>(found[i].size());
            results.push_back({{"ref", stored[i].ref}, {"matches", std::move(list)}});
        }
        spdlog::info("request_id={} hub check by {}: {} records, {} matches", context.request_id,
                     member.org_code, stored.size(), matched);
        return json_response(http::status::ok, {{"results", std::move(results)}});
    }

    Response matches(const Request&, const RequestContext& context, const db::HubMember& member,
                     const std::string&) {
        const auto found = store_.matches(member.id);
        nlohmann::json list = nlohmann::json::array();
        for (const auto& match : found)
            list.push_back(match_json(match, true));
        store_.audit(
            {member.id, "matches", 0, static_cast<std::int64_t>(found.size()), context.request_id});
        return json_response(http::status::ok, {{"matches", std::move(list)}});
    }

    Response delete_record(const Request&, const RequestContext& context,
                           const db::HubMember& member, const std::string& ref) {
        std::optional<std::int64_t> deleted;
        if (ref_shaped(ref)) {
            std::lock_guard write(write_mutex_);
            deleted = store_.delete_record(member.id, ref);
            if (deleted)
                index_.remove(*deleted);
        }
        store_.audit({member.id, "delete_record", deleted ? 1 : 0, 0, context.request_id});
        if (!deleted)
            return problem(http::status::not_found, "record_not_found",
                           "This member has no record of that ref.", context);
        return Response(http::status::no_content, 11);
    }

    Response activity(const Request& request, const RequestContext& context,
                      const db::HubMember& member, const std::string& month) {
        std::vector<FieldError> errors;
        if (!month_shaped(month))
            errors.push_back({"month", "invalid_month", "Expected YYYY-MM in the path."});
        auto parsed = parse_json_object(request, context);
        if (auto* answer = std::get_if<Response>(&parsed)) {
            store_.audit({member.id, "refused", 0, 0, context.request_id});
            return std::move(*answer);
        }
        const auto& body = std::get<nlohmann::json>(parsed);
        FieldReader reader(body, "", errors);
        reader.only({"records"});
        std::vector<db::HubActivity> rows;
        std::set<std::string> refs;
        const auto* list =
            body.contains("records") && body.at("records").is_array() && body.at("records").empty()
                ? &body.at("records")
                : reader.array("records", kHubActivityRecordsMax);
        for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
            const std::string prefix = "records[" + std::to_string(i) + "].";
            if (!list->at(i).is_object()) {
                errors.push_back({prefix + "ref", "invalid_type", "Expected an object."});
                continue;
            }
            FieldReader row(list->at(i), prefix, errors);
            row.only({"ref", "support"});
            const auto ref = row.text("ref", true, kRefBytesMax);
            const auto support = row.required_choice("support", {"none", "grant", "loan"});
            if (ref && !ref_shaped(*ref))
                row.error(row.path("ref"), "invalid_ref", "Expected 1-64 of [A-Za-z0-9_-].");
            else if (ref && !refs.insert(*ref).second)
                row.error(row.path("ref"), "duplicate_ref", "This ref is already in the request.");
            if (ref && support)
                rows.push_back({*ref, *support});
        }
        if (!errors.empty())
            return refused(context, member, errors);
        std::vector<std::string> unknown;
        {
            std::lock_guard write(write_mutex_);
            unknown = store_.replace_activity(member.id, month, rows);
        }
        if (!unknown.empty()) {
            for (std::size_t i = 0; i < rows.size(); ++i) {
                if (std::find(unknown.begin(), unknown.end(), rows[i].ref) != unknown.end())
                    errors.push_back({"records[" + std::to_string(i) + "].ref", "unknown_ref",
                                      "This member has no record of that ref."});
            }
            return refused(context, member, errors);
        }
        store_.audit(
            {member.id, "activity", static_cast<std::int64_t>(rows.size()), 0, context.request_id});
        return json_response(
            http::status::ok,
            {{"month", month}, {"records", static_cast<std::int64_t>(rows.size())}});
    }

    /// The statistics' query: from and to (whole months, from <= to, at most
    /// reports::kConsortiumMonthsMax of them) and the format; errors name each parameter.
    struct StatisticsQuery {
        std::string from;
        std::string to;
        std::string format = "json";
        std::vector<FieldError> errors;
    };

    static StatisticsQuery read_statistics_query(std::string_view target) {
        StatisticsQuery out;
        const auto question = target.find('?');
        const auto query =
            parse_query(question == std::string_view::npos ? "" : target.substr(question + 1));
        if (!query) {
            out.errors.push_back({"query", "invalid_text", "The query is not text."});
            return out;
        }
        for (const char* name : {"from", "to"}) {
            const auto found = query->find(name);
            if (found == query->end())
                out.errors.push_back({name, "required", "Expected YYYY-MM."});
            else if (!month_shaped(found->second))
                out.errors.push_back({name, "invalid_month", "Expected YYYY-MM."});
            else
                (std::string_view(name) == "from" ? out.from : out.to) = found->second;
        }
        if (const auto found = query->find("format"); found != query->end()) {
            out.format = found->second;
            if (out.format != "json" && out.format != "csv" && out.format != "html")
                out.errors.push_back({"format", "invalid_choice", "Expected json, csv or html."});
        }
        if (!out.errors.empty())
            return out;
        const auto months = reports::whole_months(out.from, out.to).size();
        if (months == 0)
            out.errors.push_back({"to", "out_of_range", "Expected a month from `from` on."});
        else if (months > reports::kConsortiumMonthsMax)
            out.errors.push_back({"to", "out_of_range", "Expected at most 36 months."});
        return out;
    }

    /// Not counted against the records bucket: it sends no record and names none.
    Response statistics(const Request& request, const RequestContext& context,
                        const db::HubMember& member, const std::string&) {
        const auto query = read_statistics_query(
            std::string_view(request.target().data(), request.target().size()));
        if (!query.errors.empty()) {
            store_.audit({member.id, "refused", 0, 0, context.request_id});
            return problem(http::status::bad_request, "invalid_query",
                           "Some query parameters are invalid; see errors.", context, query.errors);
        }
        const auto rows = store_.activity_between(query.from, query.to);
        const auto published = reports::build_consortium_statistics(query.from, query.to, rows);
        store_.audit({member.id, "statistics", static_cast<std::int64_t>(rows.size()), 0,
                      context.request_id});
        Response response{http::status::ok, 11};
        if (query.format == "csv") {
            response.set(http::field::content_type, "text/csv; charset=utf-8");
            response.set(http::field::content_disposition,
                         "attachment; filename=\"consortium-statistics-" + query.from + "-" +
                             query.to + ".csv\"");
            response.body() = reports::consortium_statistics_csv(published);
        } else if (query.format == "html") {
            response.set(http::field::content_type, "text/html; charset=utf-8");
            response.body() = reports::consortium_statistics_html(published);
        } else {
            response.set(http::field::content_type, "application/json");
            response.body() = reports::consortium_statistics_json(published);
        }
        return response;
    }

    db::HubStore& store_;
    RegistryIndex index_;
    RateLimiter limiter_;
    /// Changes to the records are made one at a time, so the index and the database
    /// change together; finds run beside them under the index's own shared lock.
    std::mutex write_mutex_;
};

}  // namespace

std::string generate_hub_token() {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char text[64];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof bytes);
    return std::string(kHubTokenPrefix) + text;
}

bool hub_token_shaped(std::string_view token) {
    if (!token.starts_with(kHubTokenPrefix) ||
        token.size() != kHubTokenPrefix.size() + kHubTokenSecretChars)
        return false;
    token.remove_prefix(kHubTokenPrefix.size());
    return std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

Handler make_hub_handler(db::HubStore& store, const HubOptions& options) {
    auto hub = std::make_shared<Hub>(store, options);
    return [hub](const Request& request, const RequestContext& context) {
        return hub->handle(request, context);
    };
}

}  // namespace riziki::api
