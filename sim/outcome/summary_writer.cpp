#include "outcome/summary_writer.h"

#include <cstdio>
#include <fstream>

namespace cmslab::outcome {

namespace {

bool Reserved(const std::string& key) {
    return key == "scenario" || key == "seed" || key == "stages" || key == "guest_view" ||
           key == "media";
}

} // namespace

SummaryWriter::SummaryWriter(RunIdentity run, Outcome outcome)
    : m_run(std::move(run)), m_outcome(std::move(outcome)) {}

void SummaryWriter::AddExtra(const nlohmann::ordered_json& extra) {
    if (!extra.is_object())
        return;
    for (auto it = extra.begin(); it != extra.end(); ++it)
        if (!Reserved(it.key()))
            m_extra[it.key()] = it.value();
}

void SummaryWriter::AddExtra(const nlohmann::json& extra) {
    // Round trip through text: the two json types do not convert into each other.
    AddExtra(nlohmann::ordered_json::parse(extra.dump()));
}

nlohmann::ordered_json SummaryWriter::Json() const {
    nlohmann::ordered_json out;
    out["scenario"] = m_run.scenario;
    out["seed"] = m_run.seed;
    out["stages"] = StagesJson(m_outcome.stages);
    out["guest_view"] = GuestViewJson(m_outcome.guest_view);
    out["media"] = MediaJson(m_outcome.media);
    for (auto it = m_extra.begin(); it != m_extra.end(); ++it)
        out[it.key()] = it.value();
    return out;
}

std::string SummaryWriter::Text() const {
    return Json().dump(2) + "\n";
}

Expected<std::string> SummaryWriter::Write(const std::string& path) const {
    const std::string temp = path + ".tmp";
    {
        std::ofstream file(temp, std::ios::binary | std::ios::trunc);
        if (!file)
            return Error{"cannot write " + temp};
        file << Text();
        file.flush();
        if (!file)
            return Error{"cannot write " + temp};
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        std::remove(temp.c_str());
        return Error{"cannot move " + temp + " to " + path};
    }
    return path;
}

} // namespace cmslab::outcome
