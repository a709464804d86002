#include "outcome/earlier_outputs.h"

#include <filesystem>

namespace cmslab::outcome {

namespace {

namespace fs = std::filesystem;

// The files a run, an emulation or a Chromium guest writes at the folder's top.
constexpr const char* kFiles[] = {"summary.json", "guests.jsonl", "report.html",
                                  "topology.dot", "sslkeys.log",  "chromium.json"};

// The folders they write, each with the one kind of file it holds.
struct Folder {
    const char* name;
    const char* extension;
};
constexpr Folder kFolders[] = {{"pcap", ".pcap"}, {"logs", ".log"},    {"status", ".json"},
                               {"api", ".log"},   {"screens", ".png"}, {"ca", ".pem"}};

// Chromium's profile: the lab's own folder, whatever Chromium put in it.
constexpr const char* kOwnedFolder = "chromium-profile";

} // namespace

Expected<std::size_t> RemoveEarlierRunOutputs(const std::string& out_dir) {
    std::size_t removed = 0;
    std::error_code ec;
    auto remove = [&](const fs::path& path) -> bool {
        const auto gone = fs::remove_all(path, ec);
        if (ec)
            return false;
        removed += static_cast<std::size_t>(gone);
        return true;
    };
    const fs::path dir(out_dir);
    for (const char* name : kFiles)
        if (!remove(dir / name))
            return Error{"cannot remove " + (dir / name).string() + ": " + ec.message()};
    for (const Folder& folder : kFolders) {
        const fs::path sub = dir / folder.name;
        if (!fs::is_directory(sub, ec))
            continue;
        for (const auto& entry : fs::directory_iterator(sub, ec)) {
            if (entry.path().extension() != folder.extension || !entry.is_regular_file(ec))
                continue;
            if (!remove(entry.path()))
                return Error{"cannot remove " + entry.path().string() + ": " + ec.message()};
        }
        if (ec)
            return Error{"cannot read " + sub.string() + ": " + ec.message()};
    }
    if (!remove(dir / kOwnedFolder))
        return Error{"cannot remove " + (dir / kOwnedFolder).string() + ": " + ec.message()};
    return removed;
}

} // namespace cmslab::outcome
