#include "check/scenario_check.h"

#include "check/diagnosis_text.h"
#include "check/run_files.h"
#include "outcome/earlier_outputs.h"
#include "scenario/loader.h"

#include <cstdio>
#include <filesystem>

namespace cmslab::check {

namespace {

namespace fs = std::filesystem;

std::string Seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}

} // namespace

std::string ScenarioRun::Problem() const {
    if (Completed())
        return "";
    std::string text = "the run did not complete: " + child.Describe();
    const std::string tail = TailOfFile(log_path, 15);
    if (!tail.empty())
        text += "\nlast lines of " + log_path + ":\n" + tail;
    return text;
}

ScenarioRun RunInOwnProcess(const scenario::Scenario& scenario, const std::string& out_dir,
                            std::chrono::milliseconds timeout, const RunBody& body) {
    ScenarioRun run;
    run.out_dir = out_dir;
    run.log_path = out_dir + "/run.log";
    // The run removes an earlier run's outputs itself; they go here too so that a run
    // that dies before it gets that far is not judged by what an earlier one left.
    if (auto cleared = outcome::RemoveEarlierRunOutputs(out_dir); !cleared) {
        run.child.problem = cleared.Err().message;
        return run;
    }
    std::error_code ec;
    fs::remove(run.log_path, ec);
    fs::create_directories(out_dir, ec);
    if (ec) {
        run.child.problem = "cannot create " + out_dir + ": " + ec.message();
        return run;
    }
    run.child = RunInChild([&] { return body(scenario, out_dir); }, run.log_path, timeout);
    return run;
}

std::string CheckResult::Line() const {
    std::string name_shown = name.empty() ? file : name;
    std::string verdict_text;
    switch (verdict) {
    case Verdict::AsExpected:
        verdict_text = "as expected";
        break;
    case Verdict::Differs:
        verdict_text = "DIFFERS (" + std::to_string(differences.size()) +
                       (differences.size() == 1 ? " difference)" : " differences)");
        break;
    case Verdict::Unusable:
        verdict_text = "UNUSABLE";
        break;
    case Verdict::Skipped:
        verdict_text = "skipped";
        break;
    }
    std::string line = name_shown;
    if (line.size() < 24)
        line += std::string(24 - line.size(), ' ');
    line += " " + verdict_text;
    if (!out_dir.empty() && verdict != Verdict::Skipped)
        line += "  " + Seconds(seconds);
    return line;
}

std::string CheckResult::Details(const std::string& indent) const {
    std::string out;
    auto lines = [&](const std::string& text, const std::string& pad) {
        std::size_t start = 0;
        while (start < text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string::npos)
                end = text.size();
            out += pad + text.substr(start, end - start) + "\n";
            start = end + 1;
        }
    };
    if (!problem.empty())
        lines(problem, indent);
    for (const auto& d : differences)
        lines(d.text, indent);
    if (!diagnosis.empty() && verdict == Verdict::Differs) {
        out += indent + "diagnosis:\n";
        lines(diagnosis, indent + "  ");
    }
    if (!out_dir.empty() && verdict == Verdict::Differs)
        out += indent + "results: " + out_dir + "\n";
    return out;
}

JunitCase CheckResult::Junit() const {
    JunitCase c;
    c.name = name.empty() ? fs::path(file).stem().string() : name;
    c.classname = "cmslab.check";
    c.file = file;
    c.seconds = seconds;
    if (!out_dir.empty())
        c.system_out = "results: " + out_dir + "\n";
    switch (verdict) {
    case Verdict::AsExpected:
        c.kind = JunitCase::Kind::Passed;
        break;
    case Verdict::Differs: {
        c.kind = JunitCase::Kind::Failed;
        c.message = differences.empty() ? "differs" : differences.front().text;
        if (differences.size() > 1)
            c.message += " (and " + std::to_string(differences.size() - 1) + " more)";
        for (const auto& d : differences)
            c.text += d.text + "\n";
        if (!diagnosis.empty())
            c.text += "\ndiagnosis:\n" + diagnosis;
        break;
    }
    case Verdict::Unusable:
        c.kind = JunitCase::Kind::Error;
        c.message = problem.substr(0, problem.find('\n'));
        c.text = problem;
        break;
    case Verdict::Skipped:
        c.kind = JunitCase::Kind::Skipped;
        c.message = problem;
        break;
    }
    return c;
}

CheckResult CheckScenarioFile(const std::string& path, const CheckOptions& options,
                              const RunBody& body) {
    CheckResult r;
    r.file = path;
    const scenario::LoadResult loaded = scenario::LoadScenario(path);
    if (!loaded.Ok()) {
        r.verdict = CheckResult::Verdict::Unusable;
        r.problem = "does not load (" + std::to_string(loaded.ErrorCount()) +
                    (loaded.ErrorCount() == 1 ? " error" : " errors") + "):\n";
        for (const auto& d : loaded.diagnostics)
            if (d.severity == scenario::Severity::Error)
                r.problem += d.ToString() + "\n";
        return r;
    }
    const scenario::Scenario& s = *loaded.scenario;
    r.name = s.name;
    if (ExpectsNothing(s.expect)) {
        r.verdict = options.named ? CheckResult::Verdict::Unusable : CheckResult::Verdict::Skipped;
        r.problem = "no expect block: nothing to compare the run with";
        return r;
    }
    std::string out_dir = options.out_root + "/" + s.name;
    if (options.used_out_dirs) {
        for (int n = 2; options.used_out_dirs->count(out_dir); ++n)
            out_dir = options.out_root + "/" + s.name + "-" + std::to_string(n);
        options.used_out_dirs->insert(out_dir);
    }
    const ScenarioRun run = RunInOwnProcess(s, out_dir, options.timeout, body);
    r.out_dir = run.out_dir;
    r.seconds = run.child.seconds;
    if (!run.Completed()) {
        r.verdict = CheckResult::Verdict::Unusable;
        r.problem = run.Problem();
        return r;
    }
    r.differences = CompareWithExpect(s.expect, run.out_dir);
    if (auto summary = ReadSummary(run.out_dir))
        r.diagnosis = DiagnosisText(*summary);
    r.verdict =
        r.differences.empty() ? CheckResult::Verdict::AsExpected : CheckResult::Verdict::Differs;
    return r;
}

} // namespace cmslab::check
