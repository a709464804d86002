#include "guest_outcome/stage.h"

#include <cmath>

namespace cmslab::outcome {

namespace {

std::size_t Index(Stage stage) {
    return static_cast<std::size_t>(stage);
}

} // namespace

const char* StageKey(Stage stage) {
    switch (stage) {
    case Stage::Dns:
        return "dns";
    case Stage::Tcp:
        return "tcp";
    case Stage::Tls:
        return "tls";
    case Stage::Certificate:
        return "certificate";
    case Stage::Http:
        return "http";
    case Stage::WebBridge:
        return "web_bridge";
    case Stage::GuestLogin:
        return "guest_login";
    case Stage::Turn:
        return "turn";
    case Stage::Ice:
        return "ice";
    case Stage::Dtls:
        return "dtls";
    case Stage::Media:
        return "media";
    }
    return "?";
}

std::optional<Stage> StageFromKey(std::string_view key) {
    for (Stage stage : kAllStages)
        if (key == StageKey(stage))
            return stage;
    return std::nullopt;
}

const char* StageStatusName(StageStatus status) {
    switch (status) {
    case StageStatus::NotReached:
        return "not_reached";
    case StageStatus::Ok:
        return "ok";
    case StageStatus::Failed:
        return "failed";
    }
    return "?";
}

std::optional<StageStatus> StageStatusFromName(std::string_view name) {
    for (StageStatus status : {StageStatus::NotReached, StageStatus::Ok, StageStatus::Failed})
        if (name == StageStatusName(status))
            return status;
    return std::nullopt;
}

double StageRecord::TimeMs() const {
    // Whole microseconds, so that the printed value does not depend on float noise.
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(at).count();
    return static_cast<double>(us) / 1000.0;
}

StageRecorder::StageRecorder() {
    for (Stage stage : kAllStages)
        m_records[Index(stage)].stage = stage;
}

bool StageRecorder::Ok(Stage stage, Instant now, std::string detail) {
    return Set(stage, StageStatus::Ok, now, std::move(detail));
}

bool StageRecorder::Fail(Stage stage, Instant now, std::string detail) {
    return Set(stage, StageStatus::Failed, now, std::move(detail));
}

bool StageRecorder::Set(Stage stage, StageStatus status, Instant now, std::string detail) {
    StageRecord& record = m_records[Index(stage)];
    if (record.status != StageStatus::NotReached)
        return false;
    record.status = status;
    record.at = now;
    record.detail = std::move(detail);
    m_begun[Index(stage)] = true;
    return true;
}

void StageRecorder::Begin(Stage stage) {
    m_begun[Index(stage)] = true;
}

bool StageRecorder::Begun(Stage stage) const {
    return m_begun[Index(stage)];
}

bool StageRecorder::Decided(Stage stage) const {
    return m_records[Index(stage)].status != StageStatus::NotReached;
}

std::vector<Stage> StageRecorder::Abandon(Instant now, const std::string& detail) {
    std::vector<Stage> failed;
    for (Stage stage : kAllStages)
        if (Begun(stage) && !Decided(stage) && Fail(stage, now, detail))
            failed.push_back(stage);
    return failed;
}

const StageRecord& StageRecorder::Get(Stage stage) const {
    return m_records[Index(stage)];
}

std::optional<Stage> StageRecorder::FirstFailure() const {
    for (const StageRecord& record : m_records)
        if (record.status == StageStatus::Failed)
            return record.stage;
    return std::nullopt;
}

} // namespace cmslab::outcome
