// Cohorts (SPEC §5): POST /v1/cohorts.

#include "api/records.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

std::optional<db::CohortRecord> read_cohort(FieldReader& reader) {
    reader.only({"code", "name", "county", "starts_on"});
    const auto code = reader.code("code");
    const auto name = reader.text("name", true, kNameBytesMax);
    const auto county = reader.text("county", true, kCountyBytesMax);
    const auto starts_on = reader.date("starts_on", true);
    if (!reader.ok())
        return std::nullopt;
    return db::CohortRecord{*code, *name, *county, *starts_on};
}

Response create_cohort(const Services& s, Call& call) {
    auto read = read_create<db::CohortRecord>(call, read_cohort);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    auto& [cohort, key] = std::get<CreateRequest<db::CohortRecord>>(read);
    const auto rule =
        s.programme->create_cohort(cohort, key.claim([&] { return cohort_json(cohort); }));
    if (auto answer = key.spent(rule, call))
        return std::move(*answer);
    if (rule != ledger::Rejection::none)
        return refused(rule, call, "Cohort " + cohort.code + " exists already.", "code");
    audit(s, call, "cohort.create", cohort.code);
    return created(cohort_json(cohort));
}

}  // namespace

nlohmann::json cohort_json(const db::CohortRecord& c) {
    return {{"code", c.code},
            {"name", c.name},
            {"county", c.county},
            {"starts_on", ledger::format_date(c.starts_on)}};
}

void add_cohort_routes(Router& router, const Services& s) {
    router.add({http::verb::post, "/v1/cohorts", kCohortWriters, bind_handler(s, create_cohort)});
}

}  // namespace riziki::api
