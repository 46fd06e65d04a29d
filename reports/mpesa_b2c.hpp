#pragma once
/// Safaricom's M-Pesa B2C result (SPEC §15, issue 20 item 5): the JSON Daraja posts to the
/// ResultURL once a payment to a phone has gone through or failed, read into the few facts
/// the ledger needs. Pure: bytes in, a result or the first error out; no database, no clock.
///
/// The shape (Daraja's Business To Customer result):
///   {"Result":{"ResultType":0,"ResultCode":0,"ResultDesc":"…",
///     "OriginatorConversationID":"…","ConversationID":"AG_…","TransactionID":"NLJ41HAY6Q",
///     "ResultParameters":{"ResultParameter":[{"Key":"TransactionAmount","Value":10},
///       {"Key":"TransactionReceipt","Value":"NLJ41HAY6Q"},
///       {"Key":"TransactionCompletedDateTime","Value":"19.12.2019 11:45:50"}, …]},
///     "ReferenceData":{…}}}
/// What the reader does:
/// - fields are found by name, never by position; a parameter list may also come as one
///   object instead of an array; keys it does not know are ignored (ResultType,
///   ReferenceData, the utility account's funds, …);
/// - `ReceiverPartyPublicName` (the survivor's phone and name) and every other name or
///   phone are never read: B2cResult has no field for them, so nothing downstream can store
///   or log them; digits in `ResultDesc` that could be a phone number (7 or more in a row)
///   are masked with '#';
/// - numbers are read exactly: the JSON is parsed with a SAX handler that keeps each
///   number's own text (never a double), so `TransactionAmount` 10116.00 is 1011600 cents;
///   a value may be a JSON number or a string holding one (`"10116.00"`); an amount takes at
///   most KES's 2 decimals (zeros past them are dropped), no exponent, no sign, and must be
///   more than zero;
/// - `ResultCode` is an integer (a number, or a string of digits), at most 9 digits;
/// - the ids (OriginatorConversationID, ConversationID, TransactionID, TransactionReceipt)
///   are 1–64 bytes of `A-Z a-z 0-9 _ . : -`; an empty TransactionID counts as absent;
/// - a success (ResultCode 0) must name its receipt (`TransactionReceipt`, else
///   `TransactionID`) and its amount; a failure usually has neither, and whatever it has is
///   kept;
/// - `TransactionCompletedDateTime` as Daraja writes it (`19.12.2019 11:45:50`, day first,
///   East Africa Time) or as the statement does (mpesa_statement.hpp); optional.
///
/// Bounded: the body at most kB2cBodyBytesMax, nesting at most kB2cDepthMax, no NUL byte, no
/// key twice in one object, at most kB2cParametersMax parameters.
///
/// Errors (B2cError::reason), checked in this order, the first one wins:
/// `body_too_large`, `malformed_json` (not JSON, or a NUL byte), `json_too_deep`,
/// `duplicate_key`, and then about a field (B2cError::field names it, e.g.
/// `Result.ConversationID`): `required`, `invalid_type`, `invalid_id`, `invalid_result_code`,
/// `invalid_amount`, `invalid_time`, `duplicate_parameter` (a known Key given twice),
/// `too_many_parameters`.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "ledger/money.hpp"
#include "reports/mpesa_statement.hpp"

namespace riziki::reports {

inline constexpr std::size_t kB2cBodyBytesMax = 64U << 10;  ///< 64 KiB
inline constexpr int kB2cDepthMax = 16;
inline constexpr std::size_t kB2cIdBytesMax = 64;
inline constexpr std::size_t kB2cDescBytesMax = 200;  ///< ResultDesc is cut (at a character)
inline constexpr std::size_t kB2cParametersMax = 64;

/// What the ledger keeps of one B2C result. No name, no phone: there is no field for them.
struct B2cResult {
    int result_code = 0;  ///< 0: the payment went through
    std::string
        result_desc;  ///< Safaricom's words, cut to kB2cDescBytesMax, long digit runs masked
    std::string originator_conversation_id;
    std::string conversation_id;  ///< Safaricom's id of the request: one result per id
    std::optional<std::string> transaction_id;
    std::optional<std::string> receipt;      ///< TransactionReceipt, else TransactionID (success)
    std::optional<ledger::Amount> amount;    ///< TransactionAmount in KES cents
    std::optional<StatementTime> completed;  ///< TransactionCompletedDateTime, as printed (EAT)
    bool succeeded() const { return result_code == 0; }
    friend bool operator==(const B2cResult&, const B2cResult&) = default;
};

/// Why a body was refused: a stable snake_case reason and the field it is about ("" for the
/// body as a whole).
struct B2cError {
    std::string reason;
    std::string field;
    friend bool operator==(const B2cError&, const B2cError&) = default;
};

/// Reads one B2C result body by the rules above.
std::variant<B2cResult, B2cError> read_b2c_result(std::string_view body);

/// Whether `id` is 1–64 bytes of the ids' charset (above).
bool is_b2c_id(std::string_view id);

}  // namespace riziki::reports
