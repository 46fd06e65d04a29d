// The PII key (issue 17 items 5 and 6): where `serve` accepts its file, what the process
// allows of its memory, and `riziki pii rotate-key` re-sealing the vault while a real
// server keeps enrolling and reading, through a crash half way and a resume.

#include <pwd.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "api/pii_keyring.hpp"
#include "api/pii_vault.hpp"
#include "db/pool.hpp"
#include "db/programme.hpp"
#include "ledger/journal.hpp"
#include "tests/api/api_checks.hpp"

using namespace riziki::testing;
namespace fs = std::filesystem;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_private(const std::string& path, const std::string& text) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
    }
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
}

/// A scratch directory outside every server's home, removed at the end.
struct Scratch {
    std::string dir;
    Scratch() {
        std::string pattern = (fs::temp_directory_path() / "riziki-keys-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        dir = pattern;
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
};

/// `riziki serve` on a fresh database, expected to refuse: exit status and what it said.
CommandResult serve_with_key(const std::string& home, const std::string& key_file,
                             const std::string& log) {
    const auto database = TestCluster::instance().fresh_database();
    std::vector<std::string> environment;
    if (!key_file.empty())
        environment.push_back("RIZIKI_PII_KEY_FILE=" + key_file);
    auto result = run_command({RIZIKI_BINARY, "serve", "--database-url", database.owner_conninfo,
                               "--home", home, "--listen", "127.0.0.1:0"},
                              log, std::chrono::seconds(30), environment);
    result.out += read_text(log);
    return result;
}

/// `riziki pii rotate-key` against `server`'s database and key file.
CommandResult rotate(const ApiServer& server, const std::string& new_key_file,
                     const std::vector<std::string>& more_environment = {},
                     const std::vector<std::string>& more_options = {}) {
    std::vector<std::string> argv{RIZIKI_BINARY,
                                  "pii",
                                  "rotate-key",
                                  "--new-key-file",
                                  new_key_file,
                                  "--database-url",
                                  server.database().owner_conninfo,
                                  "--home",
                                  server.home()};
    argv.insert(argv.end(), more_options.begin(), more_options.end());
    std::vector<std::string> environment{"RIZIKI_PII_KEY_FILE=" + server.key_file()};
    environment.insert(environment.end(), more_environment.begin(), more_environment.end());
    const std::string log = server.home() + "/rotate.log";
    fs::remove(log);
    auto result = run_command(argv, log, std::chrono::seconds(60), environment);
    result.out += read_text(log);
    return result;
}

struct Person {
    std::string name;
    std::string phone;
    std::string national_id;
};

Person person(int i) {
    const std::string n = std::to_string(1000 + i);
    return {"Survivor Number " + n, "+25471100" + n, "ID-" + n};
}

void make_cohort(ApiServer& server) {
    const json cohort{
        {"code", "C-KEYS"}, {"name", "Keys"}, {"county", "Mombasa"}, {"starts_on", "2026-01-01"}};
    const auto made = server.client().post("/v1/cohorts", cohort.dump(), server.auth("field"));
    BOOST_TEST_REQUIRE(made.status == 201, made.body);
}

HttpResponse enrol(ApiServer& server, const Person& p) {
    return server.client().post(
        "/v1/survivors",
        survivor_body("C-KEYS", "2026-02-01", p.name, p.phone, p.national_id).dump(),
        server.auth("field"));
}

std::string enrolled_code(ApiServer& server, const Person& p) {
    const auto response = enrol(server, p);
    BOOST_TEST_REQUIRE(response.status == 201, response.body);
    return body_json(response).value("code", "");
}

/// The PII the server answers for `code`, or the problem code it answers instead.
json read_pii(ApiServer& server, const std::string& code) {
    const auto response =
        server.client().get("/v1/survivors/" + code + "?include=pii", server.auth("field"));
    const auto body = body_json(response);
    return response.status == 200 ? body.value("pii", json()) : json(body.value("code", ""));
}

json expected_pii(const Person& p) {
    return {{"full_name", p.name}, {"phone", p.phone}, {"national_id", p.national_id}};
}

/// key id -> number of rows, in survivor_pii or survivor_blind_index.
std::map<std::string, int> rows_per_key(ApiServer& server, const std::string& table) {
    std::map<std::string, int> out;
    auto sql = server.owner();
    soci::rowset<soci::row> rows =
        (sql->prepare << "SELECT key_id, count(*)::int FROM " + table + " GROUP BY key_id");
    for (const auto& row : rows)
        out[row.get<std::string>(0)] = row.get<int>(1);
    return out;
}

/// survivor -> "key_id:nonce" of their sealed row.
std::map<std::string, std::string> nonces(ApiServer& server) {
    std::map<std::string, std::string> out;
    auto sql = server.owner();
    soci::rowset<soci::row> rows =
        (sql->prepare << "SELECT survivor, key_id || ':' || encode(nonce, 'hex') FROM "
                         "survivor_pii");
    for (const auto& row : rows)
        out[row.get<std::string>(0)] = row.get<std::string>(1);
    return out;
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

/// The owner of /proc/PID/environ. The kernel gives a process's /proc files to root once
/// the process is no longer dumpable, whatever user it runs as.
uid_t proc_owner(pid_t pid) {
    struct stat info {};
    BOOST_TEST_REQUIRE(::stat(("/proc/" + std::to_string(pid) + "/environ").c_str(), &info) == 0);
    return info.st_uid;
}

/// An unprivileged user for the server to run as, so that root ownership of its /proc files
/// can only come from its being non-dumpable: the embedded cluster's, which may use the
/// test cluster's socket.
uid_t postgres_uid() {
    const passwd* user = ::getpwnam("postgres");
    BOOST_TEST_REQUIRE(user != nullptr);
    BOOST_TEST_REQUIRE(user->pw_uid != 0u);
    return user->pw_uid;
}

/// Step (a) and one batch of 5 re-sealed, then the process dies as if killed: the new key
/// file made private, the key file holding the new key and then the old one, 5 rows under
/// the new key. Answers the new key's line and id.
std::pair<std::string, std::string> crash_after_one_batch(ApiServer& server,
                                                          const std::string& new_key_file,
                                                          const std::string& old_key,
                                                          const std::string& old_id, int rows) {
    const auto crashed =
        rotate(server, new_key_file, {"RIZIKI_TEST_CRASH_AFTER_BATCHES=1"}, {"--batch", "5"});
    BOOST_TEST_REQUIRE(crashed.exit_code == 75, crashed.out);
    BOOST_TEST_REQUIRE(fs::exists(new_key_file));
    BOOST_TEST(((fs::status(new_key_file).permissions() & fs::perms::all) ==
                (fs::perms::owner_read | fs::perms::owner_write)));
    const std::string new_key = read_text(new_key_file);
    BOOST_TEST_REQUIRE(new_key.size() == 65u);
    BOOST_TEST(read_text(server.key_file()) == new_key + old_key);
    auto pii_keys = rows_per_key(server, "survivor_pii");
    BOOST_TEST_REQUIRE(pii_keys.size() == 2u);
    BOOST_TEST(pii_keys[old_id] == rows - 5);
    const std::string new_id =
        pii_keys.begin()->first == old_id ? pii_keys.rbegin()->first : pii_keys.begin()->first;
    BOOST_TEST(pii_keys[new_id] == 5);
    return {new_key, new_id};
}

/// Every enrolled survivor opens and every phone and national id collides, through the server.
void check_reads_and_duplicates(ApiServer& server, const std::map<std::string, Person>& people) {
    for (const auto& [code, p] : people) {
        BOOST_TEST(read_pii(server, code) == expected_pii(p), code);
        check_problem(enrol(server, {"Another Name", p.phone, ""}), 409,
                      "survivor_already_enrolled");
        check_problem(enrol(server, {"Another Name", "", p.national_id}), 409,
                      "survivor_already_enrolled");
    }
}

/// With the key in `old_only` alone, no vault row opens and no index row matches.
void check_old_key_opens_nothing(ApiServer& server, const std::map<std::string, Person>& people,
                                 const std::string& old_only, const std::string& old_id) {
    const auto old_vault = riziki::api::PiiVault::open(old_only);
    BOOST_TEST_REQUIRE(old_vault.key_id() == old_id);
    auto sql = server.owner();
    std::set<std::string> digests;
    soci::rowset<soci::row> rows =
        (sql->prepare << "SELECT encode(digest, 'hex') FROM survivor_blind_index");
    for (const auto& row : rows)
        digests.insert(row.get<std::string>(0));
    riziki::db::Pool pool(server.database().app_conninfo, 1);
    riziki::db::Programme programme(pool);
    int opened = 0;
    for (const auto& [code, p] : people) {
        auto sealed = programme.survivor_pii(code);
        BOOST_TEST_REQUIRE(sealed.has_value());
        sealed->key_id = old_id;  // even named as the old key's row, it does not open with it
        opened += old_vault.unseal(code, *sealed) ? 1 : 0;
        for (const auto& index : old_vault.blind_indexes({p.name, p.phone, p.national_id})) {
            riziki::ledger::Hash digest{};
            std::copy(index.digest.begin(), index.digest.end(), digest.begin());
            BOOST_TEST(!digests.contains(riziki::ledger::to_hex(digest)),
                       "an index under the old key remains for " << code);
        }
    }
    BOOST_TEST(opened == 0);
}

/// The audit log has the start, the resume and the end, with counts and key ids only.
void check_rotation_audit(ApiServer& server, const std::string& new_id,
                          const std::vector<std::string>& keys) {
    auto sql = server.owner();
    std::vector<std::string> actions;
    soci::rowset<soci::row> audit =
        (sql->prepare << "SELECT action, subject, detail FROM audit_log WHERE action LIKE "
                         "'pii.rotate_key.%' ORDER BY seq");
    for (const auto& row : audit) {
        actions.push_back(row.get<std::string>(0));
        BOOST_TEST(row.get<std::string>(1) == new_id);
        for (const auto& key : keys)
            BOOST_TEST(row.get<std::string>(2).find(key.substr(0, 16)) == std::string::npos);
    }
    BOOST_TEST(actions == (std::vector<std::string>{"pii.rotate_key.start", "pii.rotate_key.resume",
                                                    "pii.rotate_key.end"}),
               boost::test_tools::per_element());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pii_keys)

BOOST_AUTO_TEST_CASE(serve_refuses_a_key_file_beside_the_data_or_open_to_others) {
    Scratch scratch;
    const std::string home = scratch.dir + "/home";
    fs::create_directories(home);
    const std::string log = scratch.dir + "/serve.log";
    const std::string in_home = "inside RIZIKI_HOME (" + home + "), beside the data";
    BOOST_TEST_CONTEXT("the key in the home, named") {
        const auto result = serve_with_key(home, home + "/pii.key", log);
        BOOST_TEST(result.exit_code == 2);
        BOOST_TEST(result.out.find(in_home) != std::string::npos, result.out);
        BOOST_TEST(result.out.find("give --pii-key-file FILE") != std::string::npos, result.out);
        BOOST_TEST(!fs::exists(home + "/pii.key"), "a refused key file was made");
    }
    BOOST_TEST_CONTEXT("the key in the home by default (RIZIKI_PII_KEY_FILE unset)") {
        const auto result = serve_with_key(home, "", log);
        BOOST_TEST(result.exit_code == 2);
        BOOST_TEST(result.out.find(in_home) != std::string::npos, result.out);
    }
    BOOST_TEST_CONTEXT("the key in the home through a symlink and ..") {
        write_private(home + "/pii.key", std::string(64, 'a') + "\n");
        fs::create_directories(scratch.dir + "/keys/sub");
        fs::create_symlink(home + "/pii.key", scratch.dir + "/keys/link.key");
        const auto result = serve_with_key(home, scratch.dir + "/keys/sub/../link.key", log);
        BOOST_TEST(result.exit_code == 2);
        BOOST_TEST(result.out.find(in_home) != std::string::npos, result.out);
    }
    BOOST_TEST_CONTEXT("the key in the PostgreSQL data directory") {
        std::string data_directory;
        {
            const auto database = TestCluster::instance().fresh_database();
            soci::session sql(*soci::factory_postgresql(), database.owner_conninfo);
            sql << "SHOW data_directory", soci::into(data_directory);
        }
        const auto result = serve_with_key(home, data_directory + "/base/../pii.key", log);
        BOOST_TEST(result.exit_code == 2);
        BOOST_TEST(result.out.find("inside the PostgreSQL data directory (" + data_directory +
                                   ")") != std::string::npos,
                   result.out);
        BOOST_TEST(!fs::exists(data_directory + "/pii.key"), "a refused key file was made");
    }
    BOOST_TEST_CONTEXT("a key readable by the group") {
        const std::string key = scratch.dir + "/keys/group.key";
        write_private(key, std::string(64, 'b') + "\n");
        fs::permissions(key, fs::perms::group_read, fs::perm_options::add);
        const auto result = serve_with_key(home, key, log);
        BOOST_TEST(result.exit_code == 2);
        BOOST_TEST(
            result.out.find("the PII key file " + key +
                            " is readable by group or others: chmod 600 it") != std::string::npos,
            result.out);
    }
}

BOOST_AUTO_TEST_CASE(demo_says_it_keeps_its_key_beside_its_data) {
    ServeSettings settings;
    settings.command = "demo";
    settings.environment = {"RIZIKI_PII_KEY_FILE="};  // empty: the default, in the home
    ApiServer server(settings);
    // The demo is not refused for keeping its key in its home, and says where it is.
    const std::string line = "The demo keeps its PII key beside its data (" + server.home() +
                             "/pii.key" +
                             "); a real deployment must keep it apart (docs/privacy.md#the-key).";
    BOOST_TEST(server.log().find(line + "\n") != std::string::npos, server.log());
}

BOOST_AUTO_TEST_CASE(a_started_server_cannot_be_dumped) {
    ServeSettings settings;
    const uid_t unprivileged = postgres_uid();
    settings.run_as = unprivileged;
    ApiServer server(settings);
    // Its core size limit, as the kernel reports it to other processes.
    const auto limits = read_text("/proc/" + std::to_string(server.pid()) + "/limits");
    const auto core = limits.find("Max core file size");
    BOOST_TEST_REQUIRE(core != std::string::npos, limits);
    std::istringstream fields(limits.substr(core + 18));
    std::string soft, hard;
    fields >> soft >> hard;
    BOOST_TEST(soft == "0");
    BOOST_TEST(hard == "0");
    // Non-dumpable: its /proc files belong to root although it runs as postgres, as a
    // dumpable process of that user (this test's own child) does not.
    const auto status = read_text("/proc/" + std::to_string(server.pid()) + "/status");
    const std::string uid = "\nUid:\t" + std::to_string(unprivileged) + "\t";
    BOOST_TEST_REQUIRE(status.find(uid) != std::string::npos, status);
    int ready[2];
    BOOST_TEST_REQUIRE(::pipe(ready) == 0);
    const pid_t dumpable = ::fork();
    if (dumpable == 0) {
        // Changing user clears the flag; an execve (as the server's) sets it again.
        if (::setgid(unprivileged) == 0 && ::setuid(unprivileged) == 0 &&
            ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0 && ::write(ready[1], "x", 1) == 1)
            ::pause();
        ::_exit(0);
    }
    char byte = 0;
    BOOST_TEST_REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    ::close(ready[1]);
    BOOST_TEST(proc_owner(dumpable) == unprivileged);
    ::kill(dumpable, SIGKILL);
    ::waitpid(dumpable, nullptr, 0);
    BOOST_TEST(proc_owner(server.pid()) == 0u);
}

BOOST_AUTO_TEST_CASE(rotation_reseals_while_the_server_enrols_and_reads_and_resumes_after_a_crash) {
    ApiServer server;
    make_cohort(server);
    constexpr int kBefore = 12;
    std::map<std::string, Person> people;
    for (int i = 0; i < kBefore; ++i)
        people[enrolled_code(server, person(i))] = person(i);
    const std::string old_key = read_text(server.key_file());
    const auto old_id = rows_per_key(server, "survivor_pii").begin()->first;
    Scratch scratch;
    const std::string new_key_file = scratch.dir + "/new.key";

    const auto [new_key, new_id] =
        crash_after_one_batch(server, new_key_file, old_key, old_id, kBefore);
    const auto resealed_first = nonces(server);

    // Mid-rotation, the running server opens rows under either key and finds duplicates of
    // survivors not yet re-sealed and of those already re-sealed...
    check_reads_and_duplicates(server, people);
    // ...and seals a new enrolment under the new key, indexed under both.
    const auto during = person(kBefore);
    const auto during_code = enrolled_code(server, during);
    people[during_code] = during;
    BOOST_TEST(rows_per_key(server, "survivor_pii")[new_id] == 6);
    BOOST_TEST(rows_per_key(server, "survivor_blind_index")[old_id] == 2 * (kBefore - 5) + 2);

    // Run again with the same file: it finishes the job.
    const auto resumed = rotate(server, new_key_file, {}, {"--batch", "5"});
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.out);
    BOOST_TEST(first_line(resumed.out) == "re-sealed 7 survivors under key " + new_id +
                                              " in 2 batch(es); retired " + old_id +
                                              "; the key file now holds key " + new_id + " only");
    BOOST_TEST(read_text(server.key_file()) == new_key);
    BOOST_TEST((rows_per_key(server, "survivor_pii") ==
                std::map<std::string, int>{{new_id, kBefore + 1}}));
    BOOST_TEST((rows_per_key(server, "survivor_blind_index") ==
                std::map<std::string, int>{{new_id, 2 * (kBefore + 1)}}));
    // Sealed once under the new key: the rows the first run re-sealed were not touched again.
    const auto after = nonces(server);
    for (const auto& [code, sealed] : resealed_first) {
        if (sealed.starts_with(new_id))
            BOOST_TEST(after.at(code) == sealed, "re-sealed again: " << code);
        else
            BOOST_TEST(after.at(code).starts_with(new_id + ":"), "not re-sealed: " << code);
    }

    // The server follows: every row opens, duplicates collide, new enrolments index once.
    check_reads_and_duplicates(server, people);
    enrolled_code(server, person(kBefore + 1));
    BOOST_TEST((rows_per_key(server, "survivor_blind_index") ==
                std::map<std::string, int>{{new_id, 2 * (kBefore + 2)}}));

    const std::string old_only = scratch.dir + "/old.key";
    write_private(old_only, old_key);
    check_old_key_opens_nothing(server, people, old_only, old_id);
    check_rotation_audit(server, new_id, {old_key, new_key});
    // A retired key is never used again.
    const auto again = rotate(server, old_only);
    BOOST_TEST(again.exit_code == 2);
    BOOST_TEST(again.out.find("was retired by an earlier rotation") != std::string::npos,
               again.out);
}

BOOST_AUTO_TEST_CASE(the_app_role_reseals_only_through_the_narrow_function) {
    ApiServer server;
    make_cohort(server);
    const auto code = enrolled_code(server, person(1));
    const auto before = nonces(server);
    soci::session app(*soci::factory_postgresql(), server.database().app_conninfo);
    // No UPDATE or DELETE on the vault tables.
    for (const char* statement :
         {"UPDATE survivor_pii SET nonce = nonce", "DELETE FROM survivor_blind_index"}) {
        BOOST_CHECK_EXCEPTION(app << statement, soci::soci_error, [](const soci::soci_error& e) {
            return std::string(e.what()).find("permission denied") != std::string::npos;
        });
    }
    // The function replaces nothing when the row is not under the key it expects (another
    // rotator was first), nor when the row is gone (erased).
    int answer = 0;
    for (const std::string& survivor : {code, std::string("SV-ZZZZZZZZ")}) {
        app << "SELECT riziki_pii_reseal(:s, 'ffffffffffffffff', '0123456789abcdef', "
               "decode(repeat('00', 24), 'hex'), decode(repeat('00', 32), 'hex'), NULL, NULL)",
            soci::use(survivor), soci::into(answer);
        BOOST_TEST(answer == -1);
    }
    BOOST_TEST((nonces(server) == before));
    BOOST_TEST(read_pii(server, code) == expected_pii(person(1)));
}

BOOST_AUTO_TEST_CASE(rotate_key_refuses_a_new_key_file_it_cannot_trust) {
    ApiServer server;
    Scratch scratch;
    const std::string open_key = scratch.dir + "/open.key";
    write_private(open_key, std::string(64, 'c') + "\n");
    fs::permissions(open_key, fs::perms::others_read, fs::perm_options::add);
    const std::string bad_key = scratch.dir + "/bad.key";
    write_private(bad_key, "not a key\n");
    const std::map<std::string, std::string> refusals{
        {open_key, "is readable by group or others: chmod 600 it"},
        {bad_key, "does not hold a 64-hex-digit key on each line"},
        {server.home() + "/new.key", "inside RIZIKI_HOME"},
        {server.key_file(), "must be another file than the key file in use"}};
    const std::string key_before = read_text(server.key_file());
    for (const auto& [file, message] : refusals) {
        BOOST_TEST_CONTEXT(file) {
            const auto result = rotate(server, file);
            BOOST_TEST(result.exit_code == 2);
            BOOST_TEST(result.out.find(message) != std::string::npos, result.out);
            BOOST_TEST(read_text(server.key_file()) == key_before);
        }
    }
    BOOST_TEST(!fs::exists(server.home() + "/new.key"));
}

// A token that authenticates under a retiring key of the ring is re-keyed under the
// current one, so it outlives the rotation; one not used meanwhile is stranded, and
// `riziki pii rotate-key` says how many.
BOOST_AUTO_TEST_CASE(a_token_used_during_a_rotation_is_rekeyed_and_the_rest_are_counted) {
    ApiServer s;
    const auto used = s.token("finance");
    const auto unused = s.token("auditor");
    const auto old_key = riziki::api::read_keyring(s.key_file());
    const auto new_key = riziki::api::fresh_master_key();
    riziki::api::write_keyring(s.key_file(), {&new_key, &old_key.front()});
    BOOST_TEST(s.client().get("/v1/me", {{"Authorization", "Bearer " + used}}).status == 200);
    long long under_new = 0;
    *s.owner() << "SELECT count(*) FROM tokens WHERE key_id = :k", soci::use(new_key.id),
        soci::into(under_new);
    BOOST_TEST(under_new == 1);
    const std::string new_key_file = (fs::path(s.key_file()).parent_path() / "new.key").string();
    riziki::api::write_keyring(new_key_file, {&new_key});
    const auto rotated = rotate(s, new_key_file);
    fs::remove(new_key_file);
    BOOST_TEST_REQUIRE(rotated.exit_code == 0, rotated.out);
    // Five fixture tokens but the one used: stranded under the retired key.
    BOOST_TEST(rotated.out.find("\n4 live API tokens were keyed under the retired key") !=
                   std::string::npos,
               rotated.out);
    BOOST_TEST(s.client().get("/v1/me", {{"Authorization", "Bearer " + used}}).status == 200);
    check_problem(s.client().get("/v1/me", {{"Authorization", "Bearer " + unused}}), 401,
                  "unauthenticated");
    BOOST_TEST(s.stop() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
