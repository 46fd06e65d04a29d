// Users as an administrator sees them (SPEC §12): POST /v1/users, GET /v1/users,
// POST /v1/users/{id}/disable and /reset; and POST /v1/password, where a set-password link
// is redeemed. Every change is audited.

#include <charconv>

#include "api/handlers.hpp"
#include "api/problem.hpp"
#include "api/read_fields.hpp"
#include "api/respond.hpp"
#include "api/roles.hpp"
#include "api/sessions.hpp"
#include "api/users.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

nlohmann::json user_json(const db::UserRecord& u) {
    return {{"id", u.id},
            {"username", u.username},
            {"name", u.display_name},
            {"role", u.role},
            {"funds", u.funds},
            {"has_password", !u.password_hash.empty()},
            {"disabled", u.disabled}};
}

nlohmann::json link_json(const SetPasswordLink& link) {
    return {{"code", link.code}, {"path", link.path}, {"valid_hours", link.valid_hours}};
}

std::optional<std::int64_t> positive_id(const std::string& text) {
    std::int64_t id = 0;
    const auto* end = text.data() + text.size();
    const auto [at, error] = std::from_chars(text.data(), end, id);
    if (error != std::errc{} || at != end || id <= 0)
        return std::nullopt;
    return id;
}

Response user_not_found(const Call& call) {
    return problem(http::status::not_found, "user_not_found", "No such user.", call.context);
}

/// The new user's fields, or the errors found in them.
std::optional<db::NewUser> read_new_user(FieldReader& reader) {
    reader.only({"username", "role", "funds", "name"});
    const auto typed = reader.text("username", true, 64);
    const auto role =
        reader.required_choice("role", {"admin", "finance", "field", "donor", "auditor"});
    db::NewUser user;
    if (typed) {
        if (auto name = normal_username(*typed))
            user.username = *name;
        else
            reader.error("username", "invalid_username",
                         "3-64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
    }
    if (const auto* funds = reader.has("funds") ? reader.array("funds", 100) : nullptr) {
        for (const auto& fund : *funds) {
            if (!fund.is_string() || fund.get_ref<const std::string&>().empty())
                reader.error("funds", "invalid_type", "Expected fund codes.");
            else
                user.funds.push_back(fund.get<std::string>());
        }
    }
    const auto name = reader.text("name", false, 200);
    if (!reader.ok())
        return std::nullopt;
    user.role = *role;
    user.display_name = name.value_or(user.username);
    if ((user.role == "donor") != !user.funds.empty())
        reader.error("funds", "donor_needs_funds", "A donor needs funds; other roles take none.");
    return reader.ok() ? std::optional(user) : std::nullopt;
}

Response create_user(const Services& s, Sessions& sessions, Call& call) {
    auto read = read_fields<db::NewUser>(call, read_new_user);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    const auto* user = &std::get<db::NewUser>(read);
    std::int64_t id = 0;
    const auto result = sessions.users().create(*user, id);
    if (result == db::CreateUserResult::username_taken) {
        return problem(http::status::conflict, "username_taken", "Another user has this username.",
                       call.context);
    }
    if (result == db::CreateUserResult::fund_not_found) {
        return validation_problem({{"funds", "fund_not_found", "A fund named is not a fund."}},
                                  call.context);
    }
    audit(s, call, "user.create", "user:" + std::to_string(id), user->role);
    const auto link = issue_link(sessions.users(), sessions.vault(), id, false);
    auto body = user_json(*sessions.users().find(id));
    body["set_password"] = link_json(*link);
    return json_response(http::status::created, body);
}

Response list_users(Sessions& sessions, Call& call) {
    QueryReader query(call);
    const auto limit = query.limit();
    const auto after = query.after_keys(1);
    if (auto answer = query.problem_if_any())
        return std::move(*answer);
    std::int64_t after_id = 0;
    if (!after.empty()) {
        const auto id = positive_id(after.front());
        if (!id) {
            return problem(
                http::status::bad_request, "invalid_query",
                "Some query parameters are invalid; see errors.", call.context,
                {{"after", "invalid_cursor", "Use the `next` value of a previous page."}});
        }
        after_id = *id;
    }
    const auto users = sessions.users().list(after_id, limit);
    return json_page(users, limit, user_json, [](const db::UserRecord& user) {
        return keyset_cursor({std::to_string(user.id)});
    });
}

Response disable_user(const Services& s, Sessions& sessions, Call& call) {
    const auto id = positive_id(call.params.at(0));
    const auto user = id ? sessions.users().find(*id) : std::nullopt;
    if (!user)
        return user_not_found(call);
    if (!sessions.users().disable(*id)) {
        return problem(http::status::conflict, "user_disabled", "This user is disabled already.",
                       call.context);
    }
    audit(s, call, "user.disable", "user:" + std::to_string(*id));
    auto body = user_json(*sessions.users().find(*id));
    return json_response(http::status::ok, body);
}

Response reset_user(const Services& s, Sessions& sessions, Call& call) {
    const auto id = positive_id(call.params.at(0));
    const auto user = id ? sessions.users().find(*id) : std::nullopt;
    if (!user)
        return user_not_found(call);
    const auto link = issue_link(sessions.users(), sessions.vault(), *id, true);
    if (!link) {
        return problem(http::status::conflict, "user_disabled",
                       "This user is disabled; a disabled user gets no link.", call.context);
    }
    audit(s, call, "user.reset", "user:" + std::to_string(*id));
    auto body = user_json(*sessions.users().find(*id));
    body["set_password"] = link_json(*link);
    return json_response(http::status::ok, body);
}

/// Why a link cannot be redeemed, or nullopt when it can.
std::optional<Response> dead_link(const std::optional<db::LinkRecord>& link, const Call& call) {
    if (!link)
        return problem(http::status::not_found, "link_not_found",
                       "No set-password link has this code.", call.context);
    if (link->used)
        return problem(http::status::gone, "link_used",
                       "This set-password link was used already; ask an administrator for a "
                       "new one.",
                       call.context);
    if (link->replaced || link->user_disabled)
        return problem(http::status::gone, "link_replaced",
                       "A newer link replaced this one, or the account is disabled.", call.context);
    if (link->expired)
        return problem(http::status::gone, "link_expired",
                       "This set-password link has expired; ask an administrator for a new one.",
                       call.context);
    return std::nullopt;
}

Response redeem_link(const Services& s, Sessions& sessions, Call& call) {
    // Up to 4 times the longest password, so that a long one hears password_too_long.
    auto read =
        read_fields<TwoTexts>(call, two_texts("code", 64, "password", 4 * kPasswordBytesMax));
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    const auto& fields = std::get<TwoTexts>(read);
    const auto* code = &fields.first;
    const auto* password = &fields.second;
    const auto digests = digests_hex(secret_digests(sessions.vault(), *code));
    const auto link = sessions.users().find_link(digests);
    if (auto answer = dead_link(link, call))
        return std::move(*answer);
    const auto user = sessions.users().find(link->user_id);
    const auto rule = check_password(*password, user ? user->username : "");
    if (rule != PasswordRule::none) {
        return problem(http::status::unprocessable_entity, std::string(problem_code(rule)),
                       "Choose a password of at least 12 characters that is not a common "
                       "word, a run of keys or your username.",
                       call.context);
    }
    const auto peppered = pepper(sessions.vault(), *password);
    const auto hash = sessions.hasher().hash(*peppered);
    const auto redeemed = sessions.users().redeem_link(digests, hash, peppered->key_id);
    if (redeemed == 0)  // redeemed by another request in between
        return *dead_link(db::LinkRecord{link->user_id, true}, call);
    s.programme->audit({"user:" + std::to_string(redeemed), call.context.request_id,
                        "user.password_set", "user:" + std::to_string(redeemed), ""});
    return Response{http::status::no_content, 11};
}

}  // namespace

void add_user_routes(Router& router, const Services& s, Sessions& sessions) {
    router.add({http::verb::post, "/v1/users", kAdmin,
                [s, &sessions](Call& call) { return create_user(s, sessions, call); }});
    router.add({http::verb::get, "/v1/users", kAdmin,
                [&sessions](Call& call) { return list_users(sessions, call); }});
    router.add({http::verb::post, "/v1/users/{id}/disable", kAdmin,
                [s, &sessions](Call& call) { return disable_user(s, sessions, call); }});
    router.add({http::verb::post, "/v1/users/{id}/reset", kAdmin,
                [s, &sessions](Call& call) { return reset_user(s, sessions, call); }});
    router.add({http::verb::post, "/v1/password", kPublic,
                [s, &sessions](Call& call) { return redeem_link(s, sessions, call); }, true});
}

}  // namespace riziki::api
