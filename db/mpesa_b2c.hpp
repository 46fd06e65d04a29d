#pragma once
/// M-Pesa B2C results (SPEC §15, migration 0027) on a borrowed db::Pool: the callback
/// secret's digest, the disbursement a result names, and the results received, one per
/// ConversationID. Nothing here holds a name or a phone: the results carry none.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/pool.hpp"
#include "db/program.hpp"
#include "ledger/date.hpp"
#include "ledger/journal.hpp"
#include "ledger/money.hpp"

namespace riziki::db {

/// What Riziki did with a result (migration 0027 says when each applies).
enum class B2cOutcome : std::uint8_t {
    confirmed,
    reversed,
    amount_differs,
    already_reversed,
    reversal_refused,
    unknown_disbursement,
};

/// "confirmed", "reversed", … as stored.
std::string_view to_string(B2cOutcome outcome);

/// A disbursement paid by M-Pesa, as a B2C result needs it.
struct B2cDisbursement {
    std::int64_t entry = 0;
    std::string award;  ///< "" when its postings name none
    std::string currency;
    ledger::Amount amount = 0;  ///< paid to the survivor: the entry's debits but the fee's
    ledger::Date effective_on;
    std::optional<std::int64_t> reversed_by;  ///< the entry that reversed it, if any
};

/// One result received, as stored.
struct B2cResultRow {
    std::string conversation_id;
    std::string originator_conversation_id;
    int result_code = 0;
    std::string result_desc;
    std::optional<std::string> transaction_id;
    std::optional<std::string> receipt;
    std::optional<ledger::Amount> amount;
    /// "YYYY-MM-DD HH:MM:SS" as Safaricom printed it (East Africa Time), or "".
    std::string completed_at;
    B2cOutcome outcome = B2cOutcome::unknown_disbursement;
    std::optional<std::int64_t> disbursement;
    std::optional<std::int64_t> reversal;
    std::int64_t received_at_us = 0;  ///< set by the store
};

class MpesaB2c {
  public:
    explicit MpesaB2c(Pool& pool) : pool_(&pool) {}

    /// The live callback secret's SHA-256, if one was made.
    std::optional<ledger::Hash> callback_secret_digest();
    /// Stores `digest` as the live callback secret, retiring the live one when `rotate`,
    /// with an audit line (`mpesa.callback_secret`, actor "cli"), in one transaction. False
    /// (and nothing written) when one is live and not `rotate`. Needs the schema owner's
    /// pool: the app role only reads the secrets.
    bool store_callback_secret(const ledger::Hash& digest, bool rotate);

    /// The result stored for `conversation_id`, if one came before.
    std::optional<B2cResultRow> result(const std::string& conversation_id);
    /// The M-Pesa disbursement whose payment reference is one of `references`, the first
    /// of them that names one winning; of several entries under one reference (a reversed
    /// one's reference may be used again), the one not reversed, else the latest.
    std::optional<B2cDisbursement> find_disbursement(const std::vector<std::string>& references);
    /// Stores `row` with `audit` in one transaction. False when a result with its
    /// ConversationID is stored already (nothing written: the first stands).
    bool record(const B2cResultRow& row, const AuditEvent& audit);

  private:
    Pool* pool_;
};

}  // namespace riziki::db
