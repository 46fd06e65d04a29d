#include "reports/mpesa_b2c.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <vector>

namespace riziki::reports {

namespace {

using json = nlohmann::json;

enum class Stop : std::uint8_t { none, malformed, too_deep, duplicate_key };

/// Builds the document as nlohmann's own DOM parser does, but keeps every number as the text
/// it was written as (a string value): an amount never passes through a double. Stops at the
/// depth limit and at a key given twice in one object.
class ExactBuilder final : public nlohmann::json_sax<json> {
  public:
    json root;
    Stop stop = Stop::none;

    bool null() override { return add(json(nullptr)); }
    bool boolean(bool value) override { return add(json(value)); }
    bool number_integer(number_integer_t value) override { return add(std::to_string(value)); }
    bool number_unsigned(number_unsigned_t value) override { return add(std::to_string(value)); }
    bool number_float(number_float_t, const string_t& text) override { return add(json(text)); }
    bool string(string_t& value) override { return add(json(std::move(value))); }
    bool binary(binary_t&) override { return halt(Stop::malformed); }  // not in JSON text
    bool start_object(std::size_t) override { return open(json::object()); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool key(string_t& name) override {
        if (stack_.back()->contains(name))
            return halt(Stop::duplicate_key);
        key_ = std::move(name);
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return halt(Stop::malformed);
    }

  private:
    bool halt(Stop why) {
        if (stop == Stop::none)
            stop = why;
        return false;
    }
    /// Puts `value` where the parse is; returns where it went. A pointer into an array stays
    /// valid while it is on the stack: its parent grows only after it is closed.
    json* place(json value) {
        if (stack_.empty()) {
            root = std::move(value);
            return &root;
        }
        json& parent = *stack_.back();
        if (parent.is_array()) {
            parent.push_back(std::move(value));
            return &parent.back();
        }
        return &(parent[key_] = std::move(value));
    }
    bool add(json value) {
        place(std::move(value));
        return true;
    }
    bool open(json container) {
        if (stack_.size() >= static_cast<std::size_t>(kB2cDepthMax))
            return halt(Stop::too_deep);
        stack_.push_back(place(std::move(container)));
        return true;
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    std::vector<json*> stack_;
    std::string key_;
};

/// Collects the first error; the readers below return nullopt once one is found.
struct Fields {
    std::optional<B2cError> error;

    void fail(const char* reason, const std::string& field) {
        if (!error)
            error = B2cError{reason, field};
    }
    /// A scalar's text: a string, or a number's own text. nullopt (and invalid_type) for
    /// anything else, or for an absent value that is `required`.
    std::optional<std::string> text(const json* value, const std::string& field, bool required) {
        if (value == nullptr || value->is_null()) {
            if (required)
                fail("required", field);
            return std::nullopt;
        }
        if (!value->is_string()) {
            fail("invalid_type", field);
            return std::nullopt;
        }
        return value->get<std::string>();
    }
    std::optional<std::string> id(const json* value, const std::string& field, bool required) {
        auto got = text(value, field, required);
        if (got && got->empty() && !required)
            return std::nullopt;
        if (got && !is_b2c_id(*got)) {
            fail("invalid_id", field);
            return std::nullopt;
        }
        return got;
    }
};

const json* member(const json& object, const char* name) {
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

/// An exact amount of KES in cents: at most 2 decimals after zeros past them are dropped,
/// no sign, no exponent, more than zero.
std::optional<ledger::Amount> kes_amount(std::string text) {
    static const auto kKes = *ledger::find_currency("KES");
    const auto point = text.find('.');
    if (point != std::string::npos) {
        while (text.size() > point + 3 && text.back() == '0')
            text.pop_back();
    }
    if (text.empty() || text.front() == '-')
        return std::nullopt;
    const auto parsed = ledger::parse_amount(text, kKes);
    if (!parsed.ok() || parsed.minor <= 0)
        return std::nullopt;
    return parsed.minor;
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Daraja's `19.12.2019 11:45:50`, a compact `20191219114550`, or a statement's time.
std::optional<StatementTime> completed_time(std::string text) {
    if (text.size() == 14 && all_digits(text)) {
        text = text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6, 2) + " " +
               text.substr(8, 2) + ":" + text.substr(10, 2) + ":" + text.substr(12, 2);
    } else if (text.size() >= 10 && text[2] == '.' && text[5] == '.') {
        text[2] = '/';
        text[5] = '/';
    }
    return parse_statement_time(text);
}

/// Safaricom's description, safe to keep and show: cut to kB2cDescBytesMax at a character,
/// control characters as spaces, and runs of 7 or more digits (a phone number, perhaps the
/// survivor's) masked.
std::string safe_description(std::string_view text) {
    std::size_t end = std::min(text.size(), kB2cDescBytesMax);
    // Never cut inside a UTF-8 sequence: back up over continuation bytes.
    while (end < text.size() && end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    std::string out(text.substr(0, end));
    for (auto& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            c = ' ';
    }
    std::size_t i = 0;
    while (i < out.size()) {
        std::size_t j = i;
        while (j < out.size() && out[j] >= '0' && out[j] <= '9')
            ++j;
        if (j - i >= 7)
            std::fill(out.begin() + static_cast<std::ptrdiff_t>(i),
                      out.begin() + static_cast<std::ptrdiff_t>(j), '#');
        i = j == i ? i + 1 : j;
    }
    return out;
}

/// The known result parameters, each once at most.
struct Parameters {
    const json* amount = nullptr;
    const json* receipt = nullptr;
    const json* completed = nullptr;
};

constexpr const char* kParameters = "Result.ResultParameters";

/// Finds the parameters this reader uses in ResultParameters.ResultParameter (an array of
/// {Key, Value}, or one such object); the rest are passed over unread.
Parameters find_parameters(const json& result, Fields& fields) {
    Parameters found;
    const json* holder = member(result, "ResultParameters");
    if (holder == nullptr || holder->is_null())
        return found;
    const std::string list_field = std::string(kParameters) + ".ResultParameter";
    const json* list = member(*holder, "ResultParameter");
    if (!holder->is_object() || (list != nullptr && !list->is_array() && !list->is_object())) {
        fields.fail("invalid_type", holder->is_object() ? list_field : kParameters);
        return found;
    }
    if (list == nullptr)
        return found;
    // One parameter may come as the object itself. Pointers into `items` are kept: it points
    // into the document, never at a copy.
    std::vector<const json*> items;
    if (list->is_array()) {
        for (const auto& item : *list)
            items.push_back(&item);
    } else {
        items.push_back(list);
    }
    if (items.size() > kB2cParametersMax) {
        fields.fail("too_many_parameters", list_field);
        return found;
    }
    static constexpr std::array<std::pair<const char*, const json * Parameters::*>, 3> kKnown{{
        {"TransactionAmount", &Parameters::amount},
        {"TransactionReceipt", &Parameters::receipt},
        {"TransactionCompletedDateTime", &Parameters::completed},
    }};
    for (const json* item : items) {
        const json* key = member(*item, "Key");
        if (!item->is_object() || key == nullptr || !key->is_string()) {
            fields.fail("invalid_type", list_field);
            return found;
        }
        for (const auto& [name, slot] : kKnown) {
            if (key->get_ref<const std::string&>() != name)
                continue;
            if (found.*slot != nullptr) {
                fields.fail("duplicate_parameter", std::string(kParameters) + "." + name);
                return found;
            }
            static const json kAbsent;
            const json* value = member(*item, "Value");
            found.*slot = value != nullptr ? value : &kAbsent;
        }
    }
    return found;
}

/// The fields of a parsed body, in the documented order.
std::variant<B2cResult, B2cError> read_fields(const json& root) {
    Fields fields;
    const json* result = member(root, "Result");
    if (result == nullptr || !result->is_object()) {
        return B2cError{result == nullptr ? "required" : "invalid_type", "Result"};
    }
    B2cResult out;
    if (const auto code = fields.text(member(*result, "ResultCode"), "Result.ResultCode", true)) {
        if (all_digits(*code) && code->size() <= 9)
            out.result_code = std::stoi(*code);
        else
            fields.fail("invalid_result_code", "Result.ResultCode");
    }
    if (const auto desc = fields.text(member(*result, "ResultDesc"), "Result.ResultDesc", false))
        out.result_desc = safe_description(*desc);
    const auto originator = fields.id(member(*result, "OriginatorConversationID"),
                                      "Result.OriginatorConversationID", true);
    const auto conversation =
        fields.id(member(*result, "ConversationID"), "Result.ConversationID", true);
    out.transaction_id = fields.id(member(*result, "TransactionID"), "Result.TransactionID", false);
    const auto parameters = find_parameters(*result, fields);
    const std::string prefix = std::string(kParameters) + ".";
    out.receipt = fields.id(parameters.receipt, prefix + "TransactionReceipt", false);
    if (const auto amount = fields.text(parameters.amount, prefix + "TransactionAmount", false)) {
        out.amount = kes_amount(*amount);
        if (!out.amount)
            fields.fail("invalid_amount", prefix + "TransactionAmount");
    }
    if (const auto completed =
            fields.text(parameters.completed, prefix + "TransactionCompletedDateTime", false)) {
        out.completed = completed_time(*completed);
        if (!out.completed)
            fields.fail("invalid_time", prefix + "TransactionCompletedDateTime");
    }
    if (fields.error)
        return *fields.error;
    out.originator_conversation_id = *originator;
    out.conversation_id = *conversation;
    if (out.succeeded()) {
        if (!out.receipt)
            out.receipt = out.transaction_id;
        if (!out.receipt)
            return B2cError{"required", prefix + "TransactionReceipt"};
        if (!out.amount)
            return B2cError{"required", prefix + "TransactionAmount"};
    }
    return out;
}

}  // namespace

bool is_b2c_id(std::string_view id) {
    return !id.empty() && id.size() <= kB2cIdBytesMax &&
           std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == ':' || c == '-';
           });
}

std::variant<B2cResult, B2cError> read_b2c_result(std::string_view body) {
    if (body.size() > kB2cBodyBytesMax)
        return B2cError{"body_too_large", ""};
    // nlohmann's lexer takes a NUL byte for the end of the input and would ignore the rest.
    if (body.find('\0') != std::string_view::npos)
        return B2cError{"malformed_json", ""};
    ExactBuilder builder;
    const bool parsed = json::sax_parse(body.begin(), body.end(), &builder);
    switch (builder.stop) {
        case Stop::too_deep:
            return B2cError{"json_too_deep", ""};
        case Stop::duplicate_key:
            return B2cError{"duplicate_key", ""};
        case Stop::malformed:
            return B2cError{"malformed_json", ""};
        case Stop::none:
            break;
    }
    if (!parsed)
        return B2cError{"malformed_json", ""};
    return read_fields(builder.root);
}

}  // namespace riziki::reports
