#pragma once
/// Who may call a route: the role sets every route table names, each written once here.
/// The router checks a caller's role against its route's set (api/router.cpp).

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "api/auth.hpp"

namespace riziki::api {

/// A set of roles, fixed at compile time.
class RoleSet {
  public:
    constexpr RoleSet() = default;
    constexpr RoleSet(std::initializer_list<Role> roles) {
        for (Role role : roles)
            bits_ |= bit(role);
    }
    template <std::size_t N>
    constexpr explicit RoleSet(const Role (&roles)[N]) {
        for (Role role : roles)
            bits_ |= bit(role);
    }
    constexpr bool contains(Role role) const { return (bits_ & bit(role)) != 0; }
    constexpr bool empty() const { return bits_ == 0; }

  private:
    static constexpr std::uint8_t bit(Role role) {
        return static_cast<std::uint8_t>(1U << static_cast<unsigned>(role));
    }
    std::uint8_t bits_ = 0;
};

/// No role: the public route /healthz, which takes no token.
inline constexpr RoleSet kPublic{};
/// Every role of a person: /v1/me, the schedule preview. Not metrics, whose token opens
/// /metrics alone.
inline constexpr RoleSet kAnyRole{kPeopleRoles};
/// GET /metrics: a scraper's metrics token, or an admin's looking by hand. The request
/// counts by route and status tell how many survivors were enrolled and how often PII was
/// read, so they are not public (issue 16).
inline constexpr RoleSet kMetricsReaders{Role::metrics, Role::admin};
/// What writes the books: entries, reversals, donors, funds, receipts, awards, money events.
inline constexpr RoleSet kFinance{Role::finance};
/// Who reads the books: accounts, balances, entries, awards, the trial balance, portfolio.
inline constexpr RoleSet kBooks{Role::finance, Role::auditor};
/// Periods.
inline constexpr RoleSet kAdmin{Role::admin};
/// The journal's export and verification.
inline constexpr RoleSet kAuditor{Role::auditor};
/// The audit log.
inline constexpr RoleSet kAuditLogReaders{Role::auditor, Role::admin};
/// Funds and the donor report; a donor token only for its own funds.
inline constexpr RoleSet kFundReaders{Role::finance, Role::auditor, Role::donor};
/// The IATI file; a donor token only for its own funds.
inline constexpr RoleSet kIatiReaders{Role::finance, Role::donor};
/// Who makes cohorts.
inline constexpr RoleSet kCohortWriters{Role::field, Role::finance};
/// Who enrols survivors: those who may read PII. An enrolment's refusal
/// (`survivor_already_enrolled`) says whether a phone or national id is a survivor's here,
/// so finance, which SPEC §7 also named, may not (issue 18).
inline constexpr RoleSet kEnrolers{Role::field, Role::admin};
/// Outcomes.
inline constexpr RoleSet kField{Role::field};
/// A survivor's pseudonymous record.
inline constexpr RoleSet kSurvivorReaders{Role::field, Role::finance, Role::auditor, Role::admin};
/// A survivor's PII (`?include=pii`), a subset of kSurvivorReaders.
inline constexpr RoleSet kPiiReaders{Role::field, Role::admin};

}  // namespace riziki::api
