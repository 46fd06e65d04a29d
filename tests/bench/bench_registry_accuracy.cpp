// How well the consortium registry (issue 21) finds the same person at two organisations:
// precision and recall of its decisions over a synthetic corpus with a known answer.
//
//   build/tests/bench/bench_registry_accuracy [--seed 21] [--people 10000] [--shared 2000]
//                                             [--examples 12] [--keep DIR] [--analyse 80]
//
// tests/data/registry/make_corpus.py writes the corpus into a temporary directory (or DIR,
// kept): organisation A's and B's records, the pairs that are one person (with what data
// entry at B changed) and the pairs of look-alike different people. Every record is encoded
// with a fresh consortium key. Each pair is decided by the hub's own rule, api::match_pair:
// `exact` for an equal id or phone token, ids both present and different veto the rest,
// `probable` for an equal name token or a CLK Dice at the threshold with birth years within
// one. The pairs it looks at are those sharing a token, found through an index of A's tokens,
// and those born within a year with Dice at 0.70 or more, found by comparing each B record
// with every A record born within a year of it. Precision is over decided pairs (a B record
// decided with two A records counts twice), recall over the pairs that are one person. The
// program prints both for exact alone and for the rule at thresholds 0.70 to 0.95, the lowest
// threshold whose precision reaches 0.99, and, at the hub's threshold (kProbableDice; --analyse
// N: 0.N), recall by perturbation and examples of misses and false matches, as normalised
// names of synthetic people. It exits 1 unless the hub's threshold gives precision ≥ 0.99
// with recall ≥ 0.95.
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/consortium_key.hpp"
#include "api/registry_encoding.hpp"
#include "api/registry_index.hpp"

namespace A = riziki::api;
namespace fs = std::filesystem;

namespace {

constexpr double kPrecisionGoal = 0.99;
constexpr double kRecallGoal = 0.95;
constexpr int kThresholdLowest = 70;  // hundredths
constexpr int kThresholdHighest = 95;
// The hub's threshold in hundredths.
constexpr int kHubThreshold = static_cast<int>(A::kProbableDice * 100 + 0.5);
constexpr std::size_t kFieldsMax = 16;

struct Record {
    std::string id;
    A::RegistryIdentity who;
};

struct Org {
    std::vector<Record> records;
    std::vector<A::RegistryEncoding> encodings;
    std::vector<A::IndexedRecord> held;               // A's records as the hub's index holds them
    std::vector<A::IndexQuery> asking;                // B's records as a check asks with them
    std::unordered_map<std::string, std::size_t> at;  // record id → index
};

/// A pair of records (A's index, B's index) the rule looked at: equal on a token, or born
/// within a year of each other with Dice at or above the lowest threshold.
struct Candidate {
    std::size_t a = 0;
    std::size_t b = 0;
    double dice = 0;  // a similarity, never money
};

std::uint64_t pair_key(std::size_t a, std::size_t b) {
    return (static_cast<std::uint64_t>(a) << 32) | static_cast<std::uint64_t>(b);
}

struct HashOfHash {
    std::size_t operator()(const riziki::ledger::Hash& hash) const {
        std::size_t value = 0;
        std::memcpy(&value, hash.data(), sizeof value);  // keyed hashes: any bytes will do
        return value;
    }
};
using TokenIndex = std::unordered_map<riziki::ledger::Hash, std::vector<std::size_t>, HashOfHash>;

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (argv[i] == "--" + name)
            return argv[i + 1];
    return fallback;
}

/// One CSV line as make_corpus.py writes it (Python's csv module: quotes only around
/// fields holding a comma or a quote).
std::vector<std::string> csv_fields(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            fields.back() += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            if (fields.size() == kFieldsMax)
                throw std::runtime_error("a CSV line with too many fields: " + line);
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

std::vector<std::vector<std::string>> read_csv(const fs::path& path, std::size_t columns) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::vector<std::vector<std::string>> rows;
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
        rows.push_back(csv_fields(line));
        if (rows.back().size() != columns)
            throw std::runtime_error(path.string() + ": a line without " + std::to_string(columns) +
                                     " fields: " + line);
    }
    return rows;
}

Org read_org(const fs::path& path) {
    Org org;
    for (auto& row : read_csv(path, 5)) {
        Record r;
        r.id = row[0];
        r.who.full_name = row[1];
        r.who.phone = row[2];
        r.who.national_id = row[3];
        r.who.birth_year = std::stoi(row[4]);
        org.at[r.id] = org.records.size();
        org.records.push_back(std::move(r));
    }
    return org;
}

/// (A index, B index) → the third column of truth.csv or hard_negatives.csv.
std::unordered_map<std::uint64_t, std::string> read_pairs(const fs::path& path, const Org& a,
                                                          const Org& b) {
    std::unordered_map<std::uint64_t, std::string> pairs;
    for (const auto& row : read_csv(path, 3))
        pairs[pair_key(a.at.at(row[0]), b.at.at(row[1]))] = row[2];
    return pairs;
}

std::string shell_quoted(const std::string& text) {
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

void make_corpus(const fs::path& dir, int argc, char** argv) {
    const auto script = fs::path(RIZIKI_SOURCE_DIR) / "tests/data/registry/make_corpus.py";
    const std::string command = "python3 " + shell_quoted(script.string()) + " --out " +
                                shell_quoted(dir.string()) + " --seed " +
                                shell_quoted(arg(argc, argv, "seed", "21")) + " --people " +
                                shell_quoted(arg(argc, argv, "people", "10000")) + " --shared " +
                                shell_quoted(arg(argc, argv, "shared", "2000"));
    if (std::system(command.c_str()) != 0)
        throw std::runtime_error("make_corpus.py failed: " + command);
}

/// Encodes every record, held by the hub as member 1 (A) or asked about by member 2 (B).
void encode_all(const A::ConsortiumKey& key, Org& org) {
    org.encodings.reserve(org.records.size());
    for (const auto& r : org.records) {
        org.encodings.push_back(A::encode(key, r.who));
        const auto i = static_cast<std::int64_t>(org.held.size());
        org.held.push_back(A::indexed_record(org.encodings.back(), i, 1));
        org.asking.push_back(A::index_query(org.encodings.back(), 2));
    }
}

void add_token(TokenIndex& index, const std::optional<riziki::ledger::Hash>& token, std::size_t i) {
    if (token)
        index[*token].push_back(i);
}

/// Every pair equal on a token, through an index of A's tokens (one per kind, so that an
/// id can never meet a phone).
std::vector<Candidate> exact_pairs(const Org& a, const Org& b) {
    std::array<TokenIndex, 3> index;
    for (std::size_t i = 0; i < a.encodings.size(); ++i) {
        add_token(index[0], a.encodings[i].id_token, i);
        add_token(index[1], a.encodings[i].phone_token, i);
        add_token(index[2], a.encodings[i].name_token, i);
    }
    std::vector<Candidate> pairs;
    for (std::size_t j = 0; j < b.encodings.size(); ++j) {
        const auto& e = b.encodings[j];
        std::vector<std::size_t> found;
        const std::array<const std::optional<riziki::ledger::Hash>*, 3> tokens{
            &e.id_token, &e.phone_token, &e.name_token};
        for (std::size_t kind = 0; kind < tokens.size(); ++kind) {
            if (!*tokens[kind])
                continue;
            const auto hit = index[kind].find(**tokens[kind]);
            if (hit != index[kind].end())
                found.insert(found.end(), hit->second.begin(), hit->second.end());
        }
        std::sort(found.begin(), found.end());
        found.erase(std::unique(found.begin(), found.end()), found.end());
        for (const auto i : found)
            pairs.push_back({i, j, A::dice(a.encodings[i].clk, e.clk)});
    }
    return pairs;
}

/// The exact pairs, and every pair born within a year with Dice at or above the lowest
/// threshold. Returns the number of Dice computations in `compared`.
std::vector<Candidate> candidates(const Org& a, const Org& b, std::size_t& compared) {
    auto pairs = exact_pairs(a, b);
    std::unordered_set<std::uint64_t> seen;
    for (const auto& c : pairs)
        seen.insert(pair_key(c.a, c.b));
    std::map<int, std::vector<std::size_t>> born;
    for (std::size_t i = 0; i < a.records.size(); ++i)
        born[a.records[i].who.birth_year].push_back(i);
    compared = 0;
    for (std::size_t j = 0; j < b.records.size(); ++j) {
        const int year = b.records[j].who.birth_year;
        for (int y = year - 1; y <= year + 1; ++y) {
            const auto block = born.find(y);
            if (block == born.end())
                continue;
            for (const auto i : block->second) {
                ++compared;
                const double d = A::dice(a.encodings[i].clk, b.encodings[j].clk);
                if (d >= kThresholdLowest / 100.0 && !seen.contains(pair_key(i, j)))
                    pairs.push_back({i, j, d});
            }
        }
    }
    return pairs;
}

/// How the hub's rule (api::match_pair) decides the pair at `threshold` (hundredths):
/// threshold 0 means exact matches alone.
std::optional<A::MatchKind> decided(const Org& a, const Org& b, const Candidate& c, int threshold) {
    const auto match =
        A::match_pair(b.asking[c.b], a.held[c.a], threshold == 0 ? 2.0 : threshold / 100.0);
    if (!match || (threshold == 0 && match->kind != A::MatchKind::exact))
        return std::nullopt;
    return match->kind;
}

struct Score {
    std::size_t decided = 0;
    std::size_t correct = 0;
    double precision = 0;
    double recall = 0;
};

Score score(const Org& a, const Org& b, const std::vector<Candidate>& pairs,
            const std::unordered_map<std::uint64_t, std::string>& truth, int threshold) {
    Score s;
    for (const auto& c : pairs) {
        if (!decided(a, b, c, threshold))
            continue;
        ++s.decided;
        s.correct += truth.contains(pair_key(c.a, c.b)) ? 1 : 0;
    }
    s.precision = s.decided == 0 ? 1.0 : static_cast<double>(s.correct) / s.decided;
    s.recall = static_cast<double>(s.correct) / truth.size();
    return s;
}

void print_row(const std::string& rule, const Score& s) {
    std::printf("| %s | %zu | %zu | %zu | %.4f | %.4f |\n", rule.c_str(), s.decided, s.correct,
                s.decided - s.correct, s.precision, s.recall);
}

/// Prints the table; returns the lowest threshold whose precision reaches the goal, or 0.
int print_table(const Org& a, const Org& b, const std::vector<Candidate>& pairs,
                const std::unordered_map<std::uint64_t, std::string>& truth) {
    std::printf("| rule | decided pairs | correct | false | precision | recall |\n");
    std::printf("|---|---|---|---|---|---|\n");
    print_row("exact alone", score(a, b, pairs, truth, 0));
    int chosen = 0;
    for (int t = kThresholdLowest; t <= kThresholdHighest; ++t) {
        const auto s = score(a, b, pairs, truth, t);
        print_row(std::string(t == kHubThreshold ? "**the hub's**: " : "") + "Dice ≥ 0." +
                      std::to_string(t),
                  s);
        if (chosen == 0 && s.precision >= kPrecisionGoal)
            chosen = t;
    }
    return chosen;
}

std::string normalised(const A::RegistryIdentity& who) {
    std::string text;
    for (const auto& part : A::normalise_name(who.full_name))
        text += (text.empty() ? "" : " ") + part;
    return text;
}

std::string describe(const Org& a, const Org& b, std::size_t i, std::size_t j, double dice) {
    const auto& x = a.records[i].who;
    const auto& y = b.records[j].who;
    char text[256];
    std::snprintf(text, sizeof text, "%s (%d) / %s (%d), Dice %.3f", normalised(x).c_str(),
                  x.birth_year, normalised(y).c_str(), y.birth_year, dice);
    return text;
}

/// Recall by perturbation at `threshold`, and the pairs that are one person left undecided.
void print_misses(const Org& a, const Org& b, const std::vector<Candidate>& pairs,
                  const std::unordered_map<std::uint64_t, std::string>& truth, int threshold,
                  std::size_t examples) {
    std::unordered_map<std::uint64_t, bool> found;
    for (const auto& c : pairs)
        if (decided(a, b, c, threshold))
            found[pair_key(c.a, c.b)] = true;
    std::map<std::string, std::array<std::size_t, 2>> by_change;  // found, all
    std::vector<std::string> missed;
    for (const auto& [key, changes] : truth) {
        const bool hit = found.contains(key);
        std::size_t from = 0;
        while (from <= changes.size()) {
            const auto to = std::min(changes.find(';', from), changes.size());
            auto& counts = by_change[changes.substr(from, to - from)];
            counts[0] += hit ? 1 : 0;
            ++counts[1];
            from = to + 1;
        }
        if (!hit) {
            const auto i = static_cast<std::size_t>(key >> 32);
            const auto j = static_cast<std::size_t>(key & 0xffffffffU);
            missed.push_back(describe(a, b, i, j, A::dice(a.encodings[i].clk, b.encodings[j].clk)) +
                             ", " + changes);
        }
    }
    std::printf("\nRecall by what data entry at B changed (a pair counts under each change):\n\n");
    std::printf("| change | pairs | found | recall |\n|---|---|---|---|\n");
    for (const auto& [change, counts] : by_change)
        std::printf("| %s | %zu | %zu | %.4f |\n", change.c_str(), counts[1], counts[0],
                    static_cast<double>(counts[0]) / counts[1]);
    std::sort(missed.begin(), missed.end());
    std::printf("\n%zu pairs that are one person not decided; the first %zu:\n", missed.size(),
                std::min(examples, missed.size()));
    for (std::size_t k = 0; k < missed.size() && k < examples; ++k)
        std::printf("  %s\n", missed[k].c_str());
}

/// The false matches at `threshold`, by how they were decided and what they are.
void print_false_matches(const Org& a, const Org& b, const std::vector<Candidate>& pairs,
                         const std::unordered_map<std::uint64_t, std::string>& truth,
                         const std::unordered_map<std::uint64_t, std::string>& look_alikes,
                         int threshold, std::size_t examples) {
    std::map<std::string, std::size_t> by_kind;
    std::vector<std::string> wrong;
    for (const auto& c : pairs) {
        const auto key = pair_key(c.a, c.b);
        if (!decided(a, b, c, threshold) || truth.contains(key))
            continue;
        const auto look_alike = look_alikes.find(key);
        const bool same_name = A::normalise_name(a.records[c.a].who.full_name) ==
                               A::normalise_name(b.records[c.b].who.full_name);
        const std::string kind = std::string(A::to_string(*decided(a, b, c, threshold))) + ", " +
                                 (look_alike != look_alikes.end() ? look_alike->second
                                  : same_name ? "unplanned namesake, same normalised name"
                                              : "unplanned look-alike");
        ++by_kind[kind];
        wrong.push_back(describe(a, b, c.a, c.b, c.dice) + ", " + kind);
    }
    std::printf("\n%zu false matches:\n\n| decided as, pair built as | pairs |\n|---|---|\n",
                wrong.size());
    for (const auto& [kind, count] : by_kind)
        std::printf("| %s | %zu |\n", kind.c_str(), count);
    if (examples == 0)
        return;
    std::sort(wrong.begin(), wrong.end());
    std::printf("\nThe first %zu:\n", std::min(examples, wrong.size()));
    for (std::size_t k = 0; k < wrong.size() && k < examples; ++k)
        std::printf("  %s\n", wrong[k].c_str());
}

/// The corpus directory: DIR from --keep, or a fresh temporary one removed at exit.
class CorpusDir {
  public:
    explicit CorpusDir(const std::string& keep) : keep_(!keep.empty()) {
        if (keep_) {
            path_ = fs::absolute(keep);
            fs::create_directories(path_);
            return;
        }
        std::string name = (fs::temp_directory_path() / "riziki-registry-XXXXXX").string();
        if (mkdtemp(name.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        path_ = name;
    }
    ~CorpusDir() {
        if (!keep_)
            fs::remove_all(path_);
    }
    CorpusDir(const CorpusDir&) = delete;
    CorpusDir& operator=(const CorpusDir&) = delete;
    const fs::path& path() const { return path_; }

  private:
    bool keep_;
    fs::path path_;
};

}  // namespace

int main(int argc, char** argv) try {
    const auto examples = static_cast<std::size_t>(std::stoul(arg(argc, argv, "examples", "12")));
    const int asked = std::stoi(arg(argc, argv, "analyse", "0"));
    if (asked != 0 && (asked < kThresholdLowest || asked > kThresholdHighest))
        throw std::runtime_error("--analyse takes a threshold in hundredths, 70 to 95");
    const CorpusDir dir(arg(argc, argv, "keep", ""));
    auto start = std::chrono::steady_clock::now();
    make_corpus(dir.path(), argc, argv);
    Org a = read_org(dir.path() / "org_a.csv");
    Org b = read_org(dir.path() / "org_b.csv");
    const auto truth = read_pairs(dir.path() / "truth.csv", a, b);
    const auto look_alikes = read_pairs(dir.path() / "hard_negatives.csv", a, b);
    std::printf(
        "corpus: A %zu records, B %zu, %zu pairs one person, %zu built look-alikes "
        "(%.0f ms)\n",
        a.records.size(), b.records.size(), truth.size(), look_alikes.size(), ms_since(start));

    start = std::chrono::steady_clock::now();
    const auto key = A::ConsortiumKey::fresh();
    encode_all(key, a);
    encode_all(key, b);
    std::printf("encoded %zu records with a fresh key in %.0f ms\n",
                a.records.size() + b.records.size(), ms_since(start));
    start = std::chrono::steady_clock::now();
    std::size_t compared = 0;
    const auto pairs = candidates(a, b, compared);
    std::printf(
        "%zu Dice comparisons (B against A born within a year) and the token index: "
        "%.0f ms; %zu candidate pairs\n\n",
        compared, ms_since(start), pairs.size());

    const int chosen = print_table(a, b, pairs, truth);
    if (chosen == 0) {
        std::printf("\nNo threshold reaches precision %.2f.\n", kPrecisionGoal);
    } else {
        const auto best = score(a, b, pairs, truth, chosen);
        std::printf(
            "\nThe lowest threshold with precision ≥ %.2f: 0.%d, precision %.4f, recall %.4f\n",
            kPrecisionGoal, chosen, best.precision, best.recall);
    }
    const auto hub = score(a, b, pairs, truth, kHubThreshold);
    const int analysed = asked != 0 ? asked : kHubThreshold;
    std::printf("\nAt threshold 0.%d:\n", analysed);
    print_misses(a, b, pairs, truth, analysed, examples);
    print_false_matches(a, b, pairs, truth, look_alikes, analysed, examples);
    if (analysed != kThresholdHighest) {
        // What is left at the highest threshold is what no threshold removes.
        std::printf("\nAt threshold 0.%d:\n", kThresholdHighest);
        print_false_matches(a, b, pairs, truth, look_alikes, kThresholdHighest, 0);
    }
    const bool met = hub.precision >= kPrecisionGoal && hub.recall >= kRecallGoal;
    std::printf(
        "\nThe hub's rule at 0.%d: precision %.4f, recall %.4f. Goal (precision ≥ %.2f with "
        "recall ≥ %.2f): %s\n",
        kHubThreshold, hub.precision, hub.recall, kPrecisionGoal, kRecallGoal,
        met ? "met" : "MISSED");
    return met ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_registry_accuracy: %s\n", e.what());
    return 2;
}
