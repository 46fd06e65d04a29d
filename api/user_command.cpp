// `riziki user create` and the demo's users (SPEC §12).

#include <iostream>

#include "api/auth.hpp"
#include "api/commands.hpp"
#include "api/users.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

/// The user as it will be stored; throws UsageError for what the table would refuse.
db::NewUser new_user_of(const UserCreateRequest& request) {
    const auto username = normal_username(request.username);
    if (!username)
        throw UsageError("--username must be 3-64 letters, digits, '.', '_' or '-'");
    const auto role = parse_role(request.role);
    if (!role || *role == Role::metrics)
        throw UsageError("--role must be admin, finance, field, donor or auditor");
    if ((*role == Role::donor) != !request.funds.empty())
        throw UsageError("a donor needs --fund (one or more); other roles take none");
    return {*username, request.name.empty() ? *username : request.name, request.role,
            request.funds};
}

}  // namespace

int create_user_command(db::Users& users, db::Programme& programme, const PiiVault& vault,
                        const UserCreateRequest& request) {
    const auto user = new_user_of(request);
    if (request.password) {
        const auto rule = check_password(*request.password, user.username);
        if (rule != PasswordRule::none) {
            std::cerr << "riziki: the password is refused (" << problem_code(rule)
                      << "): at least 12 characters, not a common word, a run of keys or "
                         "the username\n";
            return 2;
        }
    }
    std::int64_t id = 0;
    const auto result = users.create(user, id);
    if (result == db::CreateUserResult::username_taken)
        throw UsageError("the username " + user.username + " is taken");
    if (result == db::CreateUserResult::fund_not_found)
        throw UsageError("a --fund named is not a fund");
    const std::string subject = "user:" + std::to_string(id);
    programme.audit({"cli", "", "user.create", subject, user.role});
    if (request.password) {
        PasswordHasher hasher;
        (void)store_password(users, vault, hasher, id, *request.password);
        programme.audit({"cli", "", "user.password_set", subject, ""});
        std::cerr << "riziki: user " << user.username << " (" << subject << ") created\n";
        return 0;
    }
    const auto link = issue_link(users, vault, id, false);
    std::cerr << "riziki: user " << user.username << " (" << subject
              << ") created; the link below works once, within " << link->valid_hours
              << " hours: open it on the server's address\n";
    std::cout << link->path << "\n";
    return 0;
}

void ensure_demo_users(db::Users& users, const PiiVault& vault,
                       const std::vector<std::string>& donor_funds, const std::string& password) {
    PasswordHasher hasher;
    for (Role role : kPeopleRoles) {
        const std::string name(to_string(role));
        const std::string username = "demo-" + name;
        std::int64_t id = 0;
        if (const auto found = users.find_by_username(username)) {
            id = found->id;
        } else {
            const auto funds = role == Role::donor ? donor_funds : std::vector<std::string>{};
            (void)users.create({username, "Demo " + name, name, funds}, id);
        }
        (void)store_password(users, vault, hasher, id, password);
    }
}

}  // namespace riziki::api
