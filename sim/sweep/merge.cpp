#include "sweep/merge.h"

#include "sweep/manifest.h"
#include "sweep/tables.h"

#include <filesystem>
#include <set>

namespace cmslab::sweep {

namespace fs = std::filesystem;

Expected<MergeResult> Merge(const std::string& dir) {
    auto manifest = ReadManifest(dir);
    if (!manifest)
        return Error{manifest.Message()};
    std::set<std::string> names;
    for (const auto& e : manifest->entries)
        names.insert(e.name);
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && fs::exists(it->path() / "summary.json", ec) &&
            !names.count(it->path().filename().string()))
            return Error{it->path().string() + " is a run this sweep (" + manifest->id +
                         ") does not list: it belongs to another sweep"};
    MergeResult result;
    result.sweep_id = manifest->id;
    for (const auto& e : manifest->entries) {
        auto row = ReadRow(e, (fs::path(dir) / e.name).string());
        if (!row)
            return Error{row.Message()};
        result.rows.push_back(std::move(*row));
    }
    auto written = WriteTables(dir, result.sweep_id, result.rows);
    if (!written)
        return Error{written.Message()};
    return result;
}

} // namespace cmslab::sweep
