// Donors (SPEC §5): POST /v1/donors.

#include "api/records.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

std::optional<db::DonorRecord> read_donor(FieldReader& reader) {
    reader.only({"code", "name"});
    const auto code = reader.code("code");
    const auto name = reader.text("name", true, kNameBytesMax);
    if (!reader.ok())
        return std::nullopt;
    return db::DonorRecord{*code, *name};
}

Response create_donor(const Services& s, Call& call) {
    auto read = read_create<db::DonorRecord>(call, read_donor);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    auto& [donor, key] = std::get<CreateRequest<db::DonorRecord>>(read);
    const auto view = [&] { return nlohmann::json{{"code", donor.code}, {"name", donor.name}}; };
    const auto rule = s.programme->create_donor(donor, key.claim(view));
    if (auto answer = key.spent(rule, call))
        return std::move(*answer);
    if (rule != ledger::Rejection::none)
        return refused(rule, call, "Donor " + donor.code + " exists already.", "code");
    audit(s, call, "donor.create", donor.code);
    return created(view());
}

}  // namespace

void add_donor_routes(Router& router, const Services& s) {
    router.add({http::verb::post, "/v1/donors", kFinance, bind_handler(s, create_donor)});
}

}  // namespace riziki::api
