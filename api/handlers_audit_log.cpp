// The audit log (SPEC §8): appended to by every handler that reads PII or makes a record,
// and read by GET /v1/audit/log.

#include "api/period_query.hpp"
#include "api/records.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

nlohmann::json audit_record_json(const db::AuditRecord& r) {
    return {{"seq", r.seq},
            {"at", ledger::format_timestamp_us(r.at_us)},
            {"actor", r.event.actor},
            {"request_id", r.event.request_id},
            {"action", r.event.action},
            {"subject", r.event.subject},
            {"detail", r.event.detail},
            {"prev_hash", r.prev_hash},
            {"hash", r.hash}};
}

Response list_audit_log(const Services& s, Call& call) {
    QueryReader query(call);
    db::AuditFilter filter{query.date("from"), query.date("to"), query.code("actor"),
                           query.code("action")};
    const auto limit = query.limit();
    const auto after = query.after();
    if (auto bad = query.problem_if_any())
        return *bad;
    if (auto bad =
            period_problem(ledger::check_period(filter.from, filter.to, s.today()), call.context)) {
        return *bad;
    }
    const auto records = s.programme->audit_log(filter, after, limit);
    return json_page(records, limit, audit_record_json,
                     [](const db::AuditRecord& r) { return cursor_after(r.seq); });
}

}  // namespace

void audit(const Services& s, const Call& call, const std::string& action,
           const std::string& subject, const std::string& detail) {
    s.programme->audit({call.principal->actor(), call.context.request_id, action, subject, detail});
}

void add_audit_log_routes(Router& router, const Services& s) {
    router.add(
        {http::verb::get, "/v1/audit/log", kAuditLogReaders, bind_handler(s, list_audit_log)});
}

}  // namespace riziki::api
