#include "db/mpesa_b2c.hpp"

#include <array>

#include "db/pool_impl.hpp"

namespace riziki::db {

namespace {

constexpr std::array<std::string_view, 6> kOutcomes{
    "confirmed",        "reversed",         "amount_differs",
    "already_reversed", "reversal_refused", "unknown_disbursement",
};

B2cOutcome outcome_from_text(std::string_view text) {
    for (std::size_t i = 0; i < kOutcomes.size(); ++i) {
        if (kOutcomes[i] == text)
            return static_cast<B2cOutcome>(i);
    }
    throw std::runtime_error("unknown B2C outcome in the database: " + std::string(text));
}

constexpr const char* kSelectLiveSecret =
    "SELECT encode(digest, 'hex') FROM mpesa_callback_secrets WHERE retired_at IS NULL";

// Rotations are serialised: two at once would each retire the other's secret.
constexpr const char* kLockSecrets = "LOCK TABLE mpesa_callback_secrets IN EXCLUSIVE MODE";
constexpr const char* kCountLiveSecrets =
    "SELECT count(*) FROM mpesa_callback_secrets WHERE retired_at IS NULL";
constexpr const char* kRetireSecret =
    "UPDATE mpesa_callback_secrets SET retired_at = now() WHERE retired_at IS NULL";
constexpr const char* kInsertSecret =
    "INSERT INTO mpesa_callback_secrets (digest) VALUES (decode(:d, 'hex'))";

constexpr const char* kInsertAudit = R"(
INSERT INTO audit_log (actor, request_id, action, subject, detail)
VALUES (:a, :q, :x, :s, :d))";

constexpr const char* kSelectResult = R"(
SELECT conversation_id, originator_conversation_id, result_code, result_desc,
       coalesce(transaction_id, ''), coalesce(receipt, ''), coalesce(amount_minor::text, ''),
       coalesce(to_char(completed_at, 'YYYY-MM-DD HH24:MI:SS'), ''), outcome,
       coalesce(disbursement_seq, 0), coalesce(reversal_seq, 0),
       (extract(epoch FROM received_at) * 1000000)::bigint
FROM mpesa_b2c_results WHERE conversation_id = :c)";

// The references in the order given; under one reference, a live disbursement before a
// reversed one, then the latest. Its amount is what it debited but the fee (5300).
constexpr const char* kSelectDisbursement = R"(
SELECT e.seq, e.effective_on::text,
       coalesce((SELECT p.award FROM postings p
                 WHERE p.entry_seq = e.seq AND p.award IS NOT NULL LIMIT 1), ''),
       (SELECT p.currency::text FROM postings p WHERE p.entry_seq = e.seq LIMIT 1),
       (SELECT coalesce(sum(p.amount_minor), 0)::text FROM postings p
        WHERE p.entry_seq = e.seq AND p.amount_minor > 0 AND p.account <> '5300'),
       coalesce(r.seq, 0)
FROM unnest(CAST(:refs AS text[])) WITH ORDINALITY AS q(reference, rank)
JOIN payment_references pr ON pr.channel = 'mpesa' AND pr.reference = q.reference
JOIN entries e ON e.seq = pr.entry_seq AND e.event = 'disbursement'
LEFT JOIN entries r ON r.reverses = e.seq
ORDER BY q.rank, (r.seq IS NULL) DESC, e.seq DESC
LIMIT 1)";

constexpr const char* kInsertResult = R"(
WITH i AS (
    INSERT INTO mpesa_b2c_results (conversation_id, originator_conversation_id, result_code,
        result_desc, transaction_id, receipt, amount_minor, completed_at, outcome,
        disbursement_seq, reversal_seq)
    VALUES (:c, :o, :rc, :rd, NULLIF(:t, ''), NULLIF(:r, ''), CAST(NULLIF(:a, '') AS numeric),
            CAST(NULLIF(:ca, '') AS timestamp), :out, NULLIF(:ds, 0), NULLIF(:rs, 0))
    ON CONFLICT (conversation_id) DO NOTHING RETURNING 1)
SELECT count(*) FROM i)";

std::optional<std::string> non_empty(std::string text) {
    return text.empty() ? std::nullopt : std::optional(std::move(text));
}

std::optional<std::int64_t> non_zero(long long value) {
    return value == 0 ? std::nullopt : std::optional<std::int64_t>(value);
}

B2cResultRow result_from_row(const soci::row& row) {
    B2cResultRow out;
    out.conversation_id = row.get<std::string>(0);
    out.originator_conversation_id = row.get<std::string>(1);
    out.result_code = row.get<int>(2);
    out.result_desc = row.get<std::string>(3);
    out.transaction_id = non_empty(row.get<std::string>(4));
    out.receipt = non_empty(row.get<std::string>(5));
    if (const auto amount = row.get<std::string>(6); !amount.empty())
        out.amount = ledger::from_decimal_string(amount);
    out.completed_at = row.get<std::string>(7);
    out.outcome = outcome_from_text(row.get<std::string>(8));
    out.disbursement = non_zero(row.get<long long>(9));
    out.reversal = non_zero(row.get<long long>(10));
    out.received_at_us = row.get<long long>(11);
    return out;
}

std::string text_array(const std::vector<std::string>& values) {
    ArrayLiteral array;
    for (const auto& value : values)
        array.add(value);
    return std::move(array).finish();
}

}  // namespace

std::string_view to_string(B2cOutcome outcome) {
    return kOutcomes.at(static_cast<std::size_t>(outcome));
}

std::optional<ledger::Hash> MpesaB2c::callback_secret_digest() {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<ledger::Hash> {
        std::string hex;
        soci::indicator null = soci::i_null;
        sql << kSelectLiveSecret, soci::into(hex, null);
        if (!sql.got_data() || null == soci::i_null)
            return std::nullopt;
        return ledger::hash_from_hex(hex);
    });
}

bool MpesaB2c::store_callback_secret(const ledger::Hash& digest, bool rotate) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            soci::transaction transaction(sql);
            sql << kLockSecrets;
            long long live = 0;
            sql << kCountLiveSecrets, soci::into(live);
            if (live > 0 && !rotate)
                return false;
            if (live > 0)
                sql << kRetireSecret;
            const std::string hex = ledger::to_hex(digest);
            sql << kInsertSecret, soci::use(hex);
            const AuditEvent audit{"cli", "", "mpesa.callback_secret", "b2c",
                                   live > 0 ? "rotated" : "created"};
            sql << kInsertAudit, soci::use(audit.actor), soci::use(audit.request_id),
                soci::use(audit.action), soci::use(audit.subject), soci::use(audit.detail);
            transaction.commit();
            return true;
        },
        false);
}

std::optional<B2cResultRow> MpesaB2c::result(const std::string& conversation_id) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<B2cResultRow> {
        soci::rowset<soci::row> rows = (sql.prepare << kSelectResult, soci::use(conversation_id));
        for (const auto& row : rows)
            return result_from_row(row);
        return std::nullopt;
    });
}

std::optional<B2cDisbursement> MpesaB2c::find_disbursement(
    const std::vector<std::string>& references) {
    if (references.empty())
        return std::nullopt;
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<B2cDisbursement> {
        const std::string refs = text_array(references);
        soci::rowset<soci::row> rows = (sql.prepare << kSelectDisbursement, soci::use(refs));
        for (const auto& row : rows) {
            B2cDisbursement out;
            out.entry = row.get<long long>(0);
            out.effective_on = *ledger::parse_date(row.get<std::string>(1));
            out.award = row.get<std::string>(2);
            out.currency = row.get<std::string>(3);
            out.amount = *ledger::from_decimal_string(row.get<std::string>(4));
            out.reversed_by = non_zero(row.get<long long>(5));
            return out;
        }
        return std::nullopt;
    });
}

bool MpesaB2c::record(const B2cResultRow& r, const AuditEvent& audit) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            soci::transaction transaction(sql);
            const std::string amount = r.amount ? ledger::to_decimal_string(*r.amount) : "";
            const std::string outcome(to_string(r.outcome));
            const long long disbursement = r.disbursement.value_or(0);
            const long long reversal = r.reversal.value_or(0);
            const std::string transaction_id = r.transaction_id.value_or("");
            const std::string receipt = r.receipt.value_or("");
            long long inserted = 0;
            sql << kInsertResult, soci::use(r.conversation_id),
                soci::use(r.originator_conversation_id), soci::use(r.result_code),
                soci::use(r.result_desc), soci::use(transaction_id), soci::use(receipt),
                soci::use(amount), soci::use(r.completed_at), soci::use(outcome),
                soci::use(disbursement), soci::use(reversal), soci::into(inserted);
            if (inserted == 0)
                return false;
            sql << kInsertAudit, soci::use(audit.actor), soci::use(audit.request_id),
                soci::use(audit.action), soci::use(audit.subject), soci::use(audit.detail);
            transaction.commit();
            return true;
        },
        false);
}

}  // namespace riziki::db
