// cmslab mutate and cmslab sweep as a person runs them, with real runs: the shipped
// failure cases' settings mutated give the shipped outcomes; the built-in runner, GNU
// parallel over --emit-jobs lines and the Slurm script's lines give identical tables;
// --merge refuses another sweep's folder; a run past its deadline is killed and listed
// without a result. Runs take well under a second each; the tests pick few variants.
#include "mutate/variant.h"
#include "support/process.h"
#include "support/temp_dir.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

namespace cmslab::sweep {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;
using testkit::ReadFile;
using testkit::RunProcess;

std::string Binary() {
    return std::string(CMSLAB_BINARY_DIR) + "/cmslab";
}

std::string Scenario(const std::string& name) {
    return std::string(CMSLAB_SOURCE_DIR) + "/scenarios/" + name + ".json";
}

ojson ReadJson(const std::string& path) {
    std::ifstream in(path);
    return ojson::parse(in);
}

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The reference's variants, written by the program into `dir`: name -> document.
std::map<std::string, ojson> Mutate(const std::string& dir) {
    const auto r = RunProcess({Binary(), "mutate", Scenario("reference"), "--out", dir},
                              std::chrono::seconds(60));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    std::map<std::string, ojson> variants;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".json")
            variants[entry.path().stem().string()] = ReadJson(entry.path().string());
    return variants;
}

void CopyVariants(const std::string& from, const std::vector<std::string>& names,
                  const std::string& to) {
    fs::create_directories(to);
    for (const auto& n : names)
        fs::copy_file(from + "/" + n + ".json", to + "/" + n + ".json");
}

// The sweep's rows by variant name.
std::map<std::string, ojson> Rows(const std::string& sweep_dir) {
    std::map<std::string, ojson> rows;
    const ojson sweep = ReadJson(sweep_dir + "/sweep.json");
    for (const auto& r : sweep["rows"])
        rows[r["variant"].get<std::string>()] = r;
    return rows;
}

// How a value changed, so that "the same change" is more than "the same key": for URLs,
// which of host and port changed.
std::string ChangeShape(const ojson& before, const ojson& after) {
    static const std::regex url(R"(^(https?)://([^/:]+)(?::(\d+))?.*$)");
    std::smatch a, b;
    if (before.is_string() && after.is_string()) {
        const std::string x = before.get<std::string>(), y = after.get<std::string>();
        if (std::regex_match(x, a, url) && std::regex_match(y, b, url))
            return std::string("url") + (a[2] != b[2] ? " host" : "") +
                   (a[3] != b[3] ? " port" : "");
        return "string";
    }
    return before.type_name();
}

// The shipped scenario's change from the reference, as the variants that make the same
// change: a replacement of the same setting with the same shape, or the removal of an
// entry that the shipped file removed too.
std::vector<std::string> SameChange(const ojson& reference, const ojson& shipped,
                                    const std::map<std::string, ojson>& variants) {
    const ojson base = mutate::SettingsOf(reference);
    const ojson changed = mutate::SettingsOf(shipped);
    const ojson diff = ojson::diff(base, changed);
    std::vector<std::string> out;
    for (const auto& [name, v] : variants) {
        const ojson& op = v["mutation"]["patch"][1];
        const auto ptr = ojson::json_pointer(op["path"].get<std::string>());
        for (const auto& d : diff) {
            if (op["op"] == "replace" && d["op"] == "replace" && d["path"] == op["path"] &&
                ChangeShape(base[ptr], op["value"]) == ChangeShape(base[ptr], d["value"]))
                out.push_back(name);
            if (op["op"] == "remove") {
                // The shipped list lacks this entry's value (json::diff removes from the end,
                // so compare values, not indices).
                const auto list = ptr.parent_pointer();
                const std::string list_path = list.to_string();
                if (d["path"].get<std::string>().rfind(list_path + "/", 0) != 0 ||
                    d["op"] != "remove")
                    continue;
                const ojson& now = changed[list];
                if (std::find(now.begin(), now.end(), base[ptr]) == now.end()) {
                    out.push_back(name);
                    break;
                }
            }
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string FirstFailedExpected(const ojson& shipped) {
    for (const auto& [stage, status] : shipped["expect"]["stages"].items())
        if (status == "failed")
            return stage;
    return "";
}

TEST(SweepCli, ShippedFailureSettingsMutatedGiveTheShippedFirstFailedStage) {
    testkit::TempDir tmp("sweep-shipped");
    const auto variants = Mutate(tmp.File("variants"));
    ASSERT_GE(variants.size(), 100u);
    const ojson reference = ReadJson(Scenario("reference"));
    std::map<std::string, std::vector<std::string>> matches;
    std::vector<std::string> selected;
    for (const char* name : {"bad-request", "unsecure-connection", "untrusted-certificate",
                             "no-media", "no-join-button"}) {
        matches[name] = SameChange(reference, ReadJson(Scenario(name)), variants);
        EXPECT_FALSE(matches[name].empty()) << name << ": no variant makes the shipped change";
        selected.insert(selected.end(), matches[name].begin(), matches[name].end());
    }
    CopyVariants(tmp.File("variants"), selected, tmp.File("selected"));
    const auto r =
        RunProcess({Binary(), "sweep", tmp.File("selected"), "-j", "2", "--out", tmp.File("out")},
                   std::chrono::seconds(120));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto rows = Rows(tmp.File("out"));
    for (const auto& [name, names] : matches) {
        const std::string expected = FirstFailedExpected(ReadJson(Scenario(name)));
        ASSERT_NE(expected, "") << name;
        std::size_t same = 0;
        std::string seen;
        const ojson shipped = ReadJson(Scenario(name));
        for (const auto& v : names) {
            const ojson& row = rows.at(v);
            if (row["first_failed_stage"] == expected) {
                ++same;
                // The guest sees what the shipped case's expect block says, too.
                EXPECT_EQ(row["guest_screen"], shipped["expect"]["guest_view"]) << v;
            }
            seen += " " + v + ": " + row["first_failed_stage"].get<std::string>();
        }
        // One setting, one change (bad-request, untrusted-certificate, no-media,
        // no-join-button): every variant of it fails where the shipped one does.
        // unsecure-connection removes five SAN names at once; of the single-name variants
        // only the one without the guest's host name fails, the others break nothing.
        if (name == "unsecure-connection")
            EXPECT_EQ(same, 1u) << name << ":" << seen;
        else
            EXPECT_EQ(same, names.size()) << name << " fails at " << expected << ";" << seen;
    }
}

// 20 variants: the first of each kind, then evenly through the rest.
std::vector<std::string> Twenty(const std::map<std::string, ojson>& variants) {
    std::vector<std::string> picked;
    std::set<std::string> kinds;
    for (const auto& [name, v] : variants)
        if (kinds.insert(v["mutation"]["kind"].get<std::string>()).second)
            picked.push_back(name);
    std::vector<std::string> rest;
    for (const auto& [name, v] : variants)
        if (std::find(picked.begin(), picked.end(), name) == picked.end())
            rest.push_back(name);
    for (std::size_t i = 0; picked.size() < 20 && i < rest.size(); i += rest.size() / 11 + 1)
        picked.push_back(rest[i]);
    return picked;
}

void ExpectSameTables(const std::string& a, const std::string& b) {
    for (const char* f : {"sweep.json", "sweep.csv", "sweep.html"}) {
        const std::string x = ReadFile(a + "/" + f), y = ReadFile(b + "/" + f);
        EXPECT_FALSE(x.empty()) << a << "/" << f;
        EXPECT_EQ(x, y) << f;
    }
}

TEST(SweepCli, BuiltInRunnerAndGnuParallelFromEmitJobsGiveIdenticalTables) {
    if (!testkit::ProgramExists("parallel"))
        GTEST_SKIP() << "GNU parallel is not installed (bash tools/setup packages installs it)";
    testkit::TempDir tmp("sweep-parallel");
    const auto variants = Mutate(tmp.File("variants"));
    const auto twenty = Twenty(variants);
    ASSERT_EQ(twenty.size(), 20u);
    CopyVariants(tmp.File("variants"), twenty, tmp.File("twenty"));

    const auto builtin =
        RunProcess({Binary(), "sweep", tmp.File("twenty"), "-j", "2", "--out", tmp.File("builtin")},
                   std::chrono::seconds(120));
    ASSERT_EQ(builtin.exit_code, 0) << builtin.out << builtin.err;
    EXPECT_TRUE(Contains(builtin.out, "20 variants")) << builtin.out;
    EXPECT_TRUE(Contains(builtin.out, "diagnosis accuracy:")) << builtin.out;

    const auto emit = RunProcess({Binary(), "sweep", tmp.File("twenty"), "--out",
                                  tmp.File("parallel"), "--emit-jobs", tmp.File("jobs.txt")});
    ASSERT_EQ(emit.exit_code, 0) << emit.out << emit.err;
    const std::string jobs = ReadFile(tmp.File("jobs.txt"));
    EXPECT_EQ(std::count(jobs.begin(), jobs.end(), '\n'), 20);
    const auto par =
        RunProcess({"parallel", "-j", "2", "-a", tmp.File("jobs.txt")}, std::chrono::seconds(120));
    ASSERT_EQ(par.exit_code, 0) << par.out << par.err;
    const auto merge = RunProcess({Binary(), "sweep", "--merge", tmp.File("parallel")});
    ASSERT_EQ(merge.exit_code, 0) << merge.out << merge.err;
    ExpectSameTables(tmp.File("builtin"), tmp.File("parallel"));

    // The table itself: one row per variant, each with an outcome, the accuracy stated.
    const ojson sweep = ReadJson(tmp.File("builtin/sweep.json"));
    EXPECT_EQ(sweep["rows"].size(), 20u);
    EXPECT_EQ(sweep["no_result"], 0);
    EXPECT_EQ(sweep["breaks"].get<int>() + sweep["breaks_nothing"].get<int>(), 20);
    EXPECT_GT(sweep["breaks"].get<int>(), 0);
    EXPECT_GT(sweep["breaks_nothing"].get<int>(), 0);
    for (const auto& row : sweep["rows"]) {
        if (row["diagnosis_gap"] == true) {
            EXPECT_EQ(row["outcome"], "breaks");
        }
    }
}

TEST(SweepCli, TheSlurmScriptRunsLineKOfTheJobsFileForArrayTaskK) {
    // No Slurm here: the script is run by bash with the variable a Slurm array sets, as
    // each of its tasks would run it.
    testkit::TempDir tmp("sweep-slurm");
    const auto variants = Mutate(tmp.File("variants"));
    const std::vector<std::string> three = {variants.begin()->first,
                                            std::next(variants.begin(), 40)->first,
                                            std::next(variants.begin(), 80)->first};
    CopyVariants(tmp.File("variants"), three, tmp.File("three"));
    ASSERT_EQ(RunProcess({Binary(), "sweep", tmp.File("three"), "--out", tmp.File("slurm"),
                          "--emit-jobs", tmp.File("jobs.txt")})
                  .exit_code,
              0);
    const std::string script = ReadFile(tmp.File("jobs.txt.sbatch"));
    EXPECT_TRUE(Contains(script, "#SBATCH --array=1-3\n")) << script;
    for (int task = 1; task <= 3; ++task) {
        const auto r = RunProcess({"env", "SLURM_ARRAY_TASK_ID=" + std::to_string(task), "bash",
                                   tmp.File("jobs.txt.sbatch")},
                                  std::chrono::seconds(60));
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    }
    const auto beyond =
        RunProcess({"env", "SLURM_ARRAY_TASK_ID=4", "bash", tmp.File("jobs.txt.sbatch")});
    EXPECT_EQ(beyond.exit_code, 2) << "a task without a line must fail, not run nothing";
    ASSERT_EQ(RunProcess({Binary(), "sweep", "--merge", tmp.File("slurm")}).exit_code, 0);
    ASSERT_EQ(
        RunProcess({Binary(), "sweep", tmp.File("three"), "-j", "2", "--out", tmp.File("builtin")},
                   std::chrono::seconds(60))
            .exit_code,
        0);
    ExpectSameTables(tmp.File("builtin"), tmp.File("slurm"));
}

TEST(SweepCli, MergeRefusesAFolderOfAnotherSweep) {
    testkit::TempDir tmp("sweep-merge");
    const auto variants = Mutate(tmp.File("variants"));
    const std::vector<std::string> two = {variants.begin()->first,
                                          std::next(variants.begin())->first};
    CopyVariants(tmp.File("variants"), two, tmp.File("two"));
    ASSERT_EQ(RunProcess({Binary(), "sweep", tmp.File("two"), "--out", tmp.File("out")},
                         std::chrono::seconds(60))
                  .exit_code,
              0);
    ASSERT_EQ(RunProcess({Binary(), "sweep", "--merge", tmp.File("out")}).exit_code, 0);

    // The first variant's folder replaced by the second's run: a run of another file.
    fs::create_directories(tmp.File("swapped"));
    fs::copy(tmp.File("out/" + two[1]), tmp.File("swapped/" + two[0]), fs::copy_options::recursive);
    fs::copy(tmp.File("out/" + two[1]), tmp.File("swapped/" + two[1]), fs::copy_options::recursive);
    fs::copy_file(tmp.File("out/sweep-manifest.json"), tmp.File("swapped/sweep-manifest.json"));
    const auto swapped = RunProcess({Binary(), "sweep", "--merge", tmp.File("swapped")});
    EXPECT_EQ(swapped.exit_code, 2);
    EXPECT_TRUE(Contains(swapped.err, "another sweep")) << swapped.err;
    EXPECT_FALSE(fs::exists(tmp.File("swapped/sweep.json")));

    // A result folder the manifest does not list.
    fs::copy(tmp.File("out/" + two[0]), tmp.File("out/stranger"), fs::copy_options::recursive);
    const auto stranger = RunProcess({Binary(), "sweep", "--merge", tmp.File("out")});
    EXPECT_EQ(stranger.exit_code, 2);
    EXPECT_TRUE(Contains(stranger.err, "stranger")) << stranger.err;

    // A folder with no manifest at all.
    const auto none = RunProcess({Binary(), "sweep", "--merge", tmp.File("variants")});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_TRUE(Contains(none.err, "sweep-manifest.json")) << none.err;
}

// Files edited by hand, with values of the wrong type: a clear error naming the file, or a
// row without the value, never the JSON library's exception.
TEST(SweepCli, FilesOfTheWrongShapeGetAnErrorNamingThemNotAnException) {
    testkit::TempDir tmp("sweep-shapes");
    ojson bad = ReadJson(Scenario("reference"));
    bad["name"] = "bad-mutation";
    bad.erase("expect");
    bad["mutation"] = {{"kind", 3}};
    fs::create_directories(tmp.File("in"));
    tmp.Write("in/bad-mutation.json", bad.dump(2));
    auto r = RunProcess({Binary(), "sweep", tmp.File("in"), "--out", tmp.File("out"), "--emit-jobs",
                         tmp.File("jobs.txt")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, tmp.File("in/bad-mutation.json") +
                                    ": has a mutation block but is not a valid scenario ("))
        << r.err;
    EXPECT_TRUE(Contains(r.err, "`cmslab validate ")) << r.err;

    // A valid block whose setting names an index no list has: no change described, no error.
    ojson far = bad;
    far["name"] = "far-index";
    far["mutation"] = {{"source", "reference.json"},
                       {"kind", "port_changed"},
                       {"setting", "/nodes/99999999999999999999/config/turn/port"},
                       {"change", "by hand"},
                       {"patch", {{{"op", "test"}, {"path", "/seed"}, {"value", 1}}}}};
    fs::remove(tmp.File("in/bad-mutation.json"));
    tmp.Write("in/far-index.json", far.dump(2));
    r = RunProcess({Binary(), "sweep", tmp.File("in"), "--out", tmp.File("out"), "--emit-jobs",
                    tmp.File("jobs.txt")});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const ojson manifest = ReadJson(tmp.File("out/sweep-manifest.json"));
    ASSERT_EQ(manifest["variants"].size(), 1u);
    const std::string sha = manifest["variants"][0]["sha256"];

    // A summary.json with every value the merge reads of another type.
    fs::create_directories(tmp.File("out/far-index"));
    tmp.Write("out/far-index/summary.json",
              ojson{{"source_sha256", sha},
                    {"stages", {{"dns", {{"status", 3}}}, {"tcp", 7}}},
                    {"guest_view", ojson::array()},
                    {"diagnosis", {{"verdict", 1}, {"causes", {5}}}}}
                  .dump());
    r = RunProcess({Binary(), "sweep", "--merge", tmp.File("out")});
    EXPECT_FALSE(Contains(r.err, "json.exception")) << r.err;
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << r.err;
    const ojson sweep = ReadJson(tmp.File("out/sweep.json"));
    EXPECT_EQ(sweep["rows"][0]["outcome"], "breaks");
    EXPECT_EQ(sweep["rows"][0]["guest_screen"], "");

    // A manifest of the wrong shape.
    ojson broken = manifest;
    broken["variants"][0]["kind"] = 3;
    tmp.Write("out/sweep-manifest.json", broken.dump());
    r = RunProcess({Binary(), "sweep", "--merge", tmp.File("out")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, "sweep-manifest.json: not a sweep manifest (variants/0: kind is "
                                "not a string)"))
        << r.err;
    broken = manifest;
    broken["sweep"] = 5;
    tmp.Write("out/sweep-manifest.json", broken.dump());
    r = RunProcess({Binary(), "sweep", "--merge", tmp.File("out")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, "sweep-manifest.json: not a sweep manifest")) << r.err;

    // A variant's name is the folder the merge reads: one that leads out of the sweep's
    // folder (where a summary.json waits), or is there twice, is refused as the sweep
    // refuses such a scenario name.
    fs::create_directories(tmp.File("elsewhere"));
    fs::copy_file(tmp.File("out/far-index/summary.json"), tmp.File("elsewhere/summary.json"));
    for (const std::string name : {"../elsewhere", "", "a/b"}) {
        broken = manifest;
        broken["variants"][0]["name"] = name;
        tmp.Write("out/sweep-manifest.json", broken.dump());
        r = RunProcess({Binary(), "sweep", "--merge", tmp.File("out")});
        EXPECT_EQ(r.exit_code, 2) << name;
        EXPECT_TRUE(Contains(
            r.err, "sweep-manifest.json: not a sweep manifest (variants/0: name "
                   "is not a scenario name (letters, digits, '.', '_' and '-', at most 64, not "
                   "starting with '.'))"))
            << name << ": " << r.err;
    }
    broken = manifest;
    broken["variants"][0].erase("name");
    tmp.Write("out/sweep-manifest.json", broken.dump());
    r = RunProcess({Binary(), "sweep", "--merge", tmp.File("out")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, "(variants/0: name is not a scenario name")) << r.err;
    broken = manifest;
    broken["variants"].push_back(manifest["variants"][0]);
    tmp.Write("out/sweep-manifest.json", broken.dump());
    r = RunProcess({Binary(), "sweep", "--merge", tmp.File("out")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, "(variants/1: a second variant named \"far-index\")")) << r.err;
}

TEST(SweepCli, ARunPastItsDeadlineIsKilledAndListedWithoutAResult) {
    testkit::TempDir tmp("sweep-timeout");
    // The reference with a ten-minute call: about ten seconds of wall-clock time.
    ojson s = ReadJson(Scenario("reference"));
    s["name"] = "long-call";
    s["duration"] = 700;
    s["guest"]["media_duration"] = 600;
    s.erase("expect");
    tmp.Write("long-call.json", s.dump(2));
    const auto start = std::chrono::steady_clock::now();
    const auto r = RunProcess(
        {Binary(), "sweep", tmp.File("long-call.json"), "--timeout", "1", "--out", tmp.File("out")},
        std::chrono::seconds(60));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "timed out")) << r.out;
    const ojson sweep = ReadJson(tmp.File("out/sweep.json"));
    EXPECT_EQ(sweep["no_result"], 1);
    EXPECT_EQ(sweep["rows"][0]["outcome"], "no_result");
}

TEST(SweepCli, HelpAndRefusals) {
    for (const char* cmd : {"mutate", "sweep"}) {
        const auto help = RunProcess({Binary(), cmd, "--help"});
        EXPECT_EQ(help.exit_code, 0) << cmd;
        EXPECT_TRUE(Contains(help.out, std::string("usage: cmslab ") + cmd)) << help.out;
    }
    testkit::TempDir tmp("sweep-usage");
    const auto none = RunProcess({Binary(), "sweep"});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_TRUE(Contains(none.err, "name the scenario files")) << none.err;
    const auto missing =
        RunProcess({Binary(), "sweep", tmp.File("nothing-here"), "--out", tmp.File("o")});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_TRUE(Contains(missing.err, "no such file or folder")) << missing.err;
    tmp.Write("escape.json", R"({"name": "../escape"})");
    const auto escape =
        RunProcess({Binary(), "sweep", tmp.File("escape.json"), "--out", tmp.File("o")});
    EXPECT_EQ(escape.exit_code, 2);
    EXPECT_TRUE(Contains(escape.err, "is not a scenario name")) << escape.err;
    EXPECT_FALSE(fs::exists(tmp.File("escape")));
    const auto jobs = RunProcess({Binary(), "sweep", Scenario("reference"), "-j", "0"});
    EXPECT_EQ(jobs.exit_code, 2);
    const auto invalid =
        RunProcess({Binary(), "mutate",
                    std::string(CMSLAB_SOURCE_DIR) + "/tests/sim/data/broken-addressing.json",
                    "--out", tmp.File("m")});
    EXPECT_EQ(invalid.exit_code, 2);
    EXPECT_TRUE(Contains(invalid.err, "is not a valid scenario")) << invalid.err;
    const auto two = RunProcess({Binary(), "mutate", Scenario("reference"), Scenario("no-media")});
    EXPECT_EQ(two.exit_code, 2);
}

TEST(SweepCli, EveryVariantMutateWritesPassesCmslabValidate) {
    testkit::TempDir tmp("sweep-validate");
    const auto r = RunProcess({Binary(), "mutate", Scenario("reference"), "--out", tmp.File("v")},
                              std::chrono::seconds(60));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "valid variants in")) << r.out;
    std::vector<std::string> argv = {Binary(), "validate"};
    for (const auto& e : fs::directory_iterator(tmp.File("v")))
        if (e.path().extension() == ".json")
            argv.push_back(e.path().string());
    ASSERT_GE(argv.size(), 102u);
    const auto v = RunProcess(argv, std::chrono::seconds(60));
    EXPECT_EQ(v.exit_code, 0) << v.err.substr(0, 2000);
    EXPECT_FALSE(Contains(v.err, "/mutation"))
        << "the mutation block must be read without a warning";
}

} // namespace
} // namespace cmslab::sweep
