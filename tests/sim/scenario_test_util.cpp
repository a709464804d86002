#include "scenario_test_util.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cmslab::scenario::test {

std::string SourcePath(const std::string& relative) {
    return std::string(CMSLAB_SOURCE_DIR) + "/" + relative;
}

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

nlohmann::json ReferenceJson() {
    return nlohmann::json::parse(ReadFile(SourcePath("scenarios/reference.json")));
}

LoadResult LoadJson(const nlohmann::json& document, const std::string& label) {
    return LoadScenarioFromString(document.dump(2), label);
}

LoadResult LoadEdited(const std::string& pointer, const nlohmann::json& value) {
    auto doc = ReferenceJson();
    nlohmann::json::json_pointer p(pointer);
    if (value.is_null()) {
        doc.at(p.parent_pointer()).erase(p.back());
    } else {
        doc[p] = value;
    }
    return LoadJson(doc);
}

namespace {

bool Has(const LoadResult& r, Severity severity, const std::string& pointer,
         const std::string& fragment) {
    for (const auto& d : r.diagnostics)
        if (d.severity == severity && d.pointer == pointer &&
            d.message.find(fragment) != std::string::npos)
            return true;
    return false;
}

} // namespace

bool HasError(const LoadResult& r, const std::string& pointer, const std::string& fragment) {
    return Has(r, Severity::Error, pointer, fragment);
}

bool HasWarning(const LoadResult& r, const std::string& pointer, const std::string& fragment) {
    return Has(r, Severity::Warning, pointer, fragment);
}

} // namespace cmslab::scenario::test
