#include "chromium/stage_mapper.h"

#include <algorithm>

namespace cmslab::chromium {

namespace {

using outcome::Stage;

bool Has(const std::string& text, const char* part) {
    return text.find(part) != std::string::npos;
}

// The first stage a network error code belongs to (Chromium's net_error_list.h names).
Stage FailedStageOf(const std::string& code) {
    if (Has(code, "ERR_NAME_NOT_RESOLVED") || Has(code, "ERR_NAME_RESOLUTION_FAILED"))
        return Stage::Dns;
    if (Has(code, "ERR_CERT_"))
        return Stage::Certificate;
    if (Has(code, "ERR_SSL_") || Has(code, "ERR_TLS_") || Has(code, "ERR_BAD_SSL"))
        return Stage::Tls;
    if (Has(code, "ERR_EMPTY_RESPONSE") || Has(code, "ERR_INVALID_HTTP_RESPONSE"))
        return Stage::Http;
    return Stage::Tcp; // refused, timed out, reset, unreachable
}

// "net::ERR_X" as the page shows it: the interstitial writes "NET::ERR_CERT_...".
std::string ShownCode(const std::string& code) {
    std::string shown = code;
    if (shown.rfind("net::", 0) == 0)
        shown = Has(code, "ERR_CERT_") ? "NET::" + shown.substr(5) : shown.substr(5);
    return shown;
}

bool Joined(const nlohmann::json& app) {
    if (!app.is_object() || !app.contains("signaling") || !app["signaling"].is_array())
        return false;
    for (const auto& m : app["signaling"])
        if (m.is_string() && m.get<std::string>() == "<joined")
            return true;
    return false;
}

} // namespace

outcome::Outcome MapStages(const ChromiumSaw& saw, const std::string& url, double loaded_at_s) {
    outcome::StageRecorder stages;
    const Instant loaded{static_cast<std::int64_t>(loaded_at_s * 1e9)};
    const Stage failed = saw.net_error.empty() ? Stage::Media : FailedStageOf(saw.net_error);
    const std::string shown = ShownCode(saw.net_error);
    for (Stage s : {Stage::Dns, Stage::Tcp, Stage::Tls, Stage::Certificate}) {
        if (!saw.net_error.empty() && s == failed) {
            stages.Fail(s, loaded, "Chromium: " + saw.net_error);
            if (!saw.proceeded_past_warning || saw.http_status == 0)
                break;
            continue;
        }
        if (!saw.net_error.empty() && s > failed)
            break;
        stages.Ok(s, loaded, "Chromium loaded past it");
    }
    if (saw.http_status == 0 && !saw.net_error.empty() && failed == Stage::Http)
        stages.Fail(Stage::Http, loaded, "Chromium: " + saw.net_error);
    if (saw.http_status != 0) {
        const std::string answer = "GET " + url + " -> " + std::to_string(saw.http_status);
        if (saw.http_status == 200)
            stages.Ok(Stage::Http, loaded, answer);
        else
            stages.Fail(Stage::Http, loaded, answer);
    }
    const auto& screens = saw.screens;
    auto shown_screen = [&screens](const char* name) {
        return std::find(screens.begin(), screens.end(), name) != screens.end();
    };
    if (saw.http_status == 200) {
        if (shown_screen("no_join_button"))
            stages.Fail(Stage::WebBridge, loaded, "page \"" + saw.title + "\" without Join call");
        else if (shown_screen("join_page"))
            stages.Ok(Stage::WebBridge, loaded, "page offers Join call");
    }
    if (shown_screen("enter_call_id")) {
        const Instant at{static_cast<std::int64_t>(std::max(saw.joined_at_s, loaded_at_s) * 1e9)};
        std::string refusal;
        if (saw.app.is_object() && saw.app.contains("answers") && saw.app["answers"].is_array())
            for (const auto& a : saw.app["answers"])
                if (a.value("result", "") != "ok" && refusal.empty())
                    refusal = a.value("path", "") + " -> " + std::to_string(a.value("status", 0)) +
                              " " + a.value("error", "");
        if (!refusal.empty())
            stages.Fail(Stage::GuestLogin, at, refusal);
        else if (Joined(saw.app))
            stages.Ok(Stage::GuestLogin, at, "signaling joined");
        else
            stages.Fail(Stage::GuestLogin, at, "no joined message");
    }

    // The call's media as the app's getStats() saw it at the end of the stay.
    const nlohmann::json media =
        saw.app.is_object() ? saw.app.value("media", nlohmann::json()) : nlohmann::json();
    if (Joined(saw.app) && media.is_object()) {
        const Instant at{static_cast<std::int64_t>(std::max(saw.joined_at_s, loaded_at_s) * 1e9)};
        const auto local = media.value("localCandidates", std::vector<std::string>{});
        const bool relay = std::find(local.begin(), local.end(), "relay") != local.end();
        const std::string ice = media.value("iceState", "");
        const std::string dtls = media.value("dtlsState", "");
        const auto received = media.value("packetsReceived", 0ull);
        const auto sent = media.value("packetsSent", 0ull);
        if (relay)
            stages.Ok(Stage::Turn, at, "Chromium gathered a relay candidate");
        else
            stages.Fail(Stage::Turn, at, "Chromium gathered no relay candidate");
        if (relay) {
            if (ice == "connected" || ice == "completed")
                stages.Ok(Stage::Ice, at, "Chromium's ICE " + ice);
            else
                stages.Fail(Stage::Ice, at, "Chromium's ICE " + ice);
        }
        if (stages.Get(Stage::Ice).status == outcome::StageStatus::Ok) {
            if (dtls == "connected")
                stages.Ok(Stage::Dtls, at, "Chromium's DTLS connected");
            else
                stages.Fail(Stage::Dtls, at, "Chromium's DTLS " + dtls);
        }
        if (stages.Get(Stage::Dtls).status == outcome::StageStatus::Ok) {
            const std::string counts = "getStats: " + std::to_string(received) +
                                       " packets received, " + std::to_string(sent) + " sent";
            if (received > 0 && sent > 0)
                stages.Ok(Stage::Media, at, counts);
            else
                stages.Fail(Stage::Media, at, counts);
        }
    }

    outcome::Outcome out;
    out.stages = stages.All();
    if (media.is_object()) {
        out.media.received.packets = media.value("packetsReceived", 0ull);
        out.media.received.bytes = media.value("bytesReceived", 0ull);
        out.media.sent.packets = media.value("packetsSent", 0ull);
        if (out.media.received.packets > 0 || out.media.sent.packets > 0)
            out.media.protection = "srtp";
    }
    out.guest_view.screen =
        outcome::ScreenFromName(saw.FinalScreen()).value_or(outcome::Screen::Blank);
    out.guest_view.url = url;
    out.guest_view.security = saw.proceeded_past_warning || saw.security_state == "insecure"
                                  ? "Not secure"
                              : saw.security_state == "secure" ? "Secure"
                                                               : "";
    out.guest_view.title = saw.title;
    out.guest_view.error_code = shown;
    out.guest_view.buttons = saw.buttons;
    return out;
}

} // namespace cmslab::chromium
