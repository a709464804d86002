#include "mutate/write_variants.h"

#include "mutate/derive.h"
#include "scenario/loader.h"
#include "scenario/schema_validator.h"
#include "scenario/source_digest.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cmslab::mutate {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

bool WriteText(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out);
}

// A file an earlier `cmslab mutate` wrote: a JSON object with a mutation block.
bool IsEarlierVariant(const fs::path& path) {
    std::ifstream in(path);
    const ojson doc = ojson::parse(in, nullptr, false);
    return doc.is_object() && doc.contains("mutation");
}

} // namespace

MutateReport WriteVariants(const std::string& source_path, const std::string& out_dir) {
    MutateReport report;
    std::ifstream in(source_path, std::ios::binary);
    if (!in) {
        report.problem = source_path + ": cannot read";
        return report;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto loaded = scenario::LoadScenarioFromString(text.str(), source_path);
    if (!loaded.Ok()) {
        report.problem =
            source_path + " is not a valid scenario, so it has no variants:\n" + loaded.Report();
        return report;
    }
    const ojson source = ojson::parse(text.str());
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec) {
        report.problem = "cannot create " + out_dir + ": " + ec.message();
        return report;
    }
    for (fs::directory_iterator it(out_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".json" && IsEarlierVariant(it->path()))
            fs::remove(it->path(), ec);
    fs::remove_all(fs::path(out_dir) / "refused", ec);

    const std::string sha = scenario::Sha256Hex(text.str());
    const std::string file = fs::path(source_path).filename().string();
    const auto mutations = DeriveMutations(source, scenario::ScenarioSchema());
    for (std::size_t i = 0; i < mutations.size(); ++i) {
        Variant v = MakeVariant(source, mutations[i], i + 1, file, sha);
        const std::string body = v.document.dump(2) + "\n";
        if (v.refused.empty()) {
            if (!WriteText(fs::path(out_dir) / (v.name + ".json"), body)) {
                report.problem =
                    "cannot write " + (fs::path(out_dir) / (v.name + ".json")).string();
                return report;
            }
            report.written.push_back(std::move(v));
        } else {
            const fs::path refused = fs::path(out_dir) / "refused";
            fs::create_directories(refused, ec);
            if (!WriteText(refused / (v.name + ".json"), body) ||
                !WriteText(refused / (v.name + ".txt"), v.refused)) {
                report.problem = "cannot write into " + refused.string();
                return report;
            }
            report.refused.push_back(std::move(v));
        }
    }
    return report;
}

} // namespace cmslab::mutate
