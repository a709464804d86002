#include "wire_browser.h"

#include "box_log.h"
#include "dns_resolver.h"
#include "outcome/summary_writer.h"

namespace cmslab::network {

namespace {

// RFC 8445 ice-chars: ALPHA / DIGIT / "+" / "/".
std::string IceChars(Rng& rng, std::size_t n) {
    static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += kChars[rng.Uniform(0, sizeof(kChars) - 2)];
    return out;
}

} // namespace

GuestBrowser::GuestBrowser(std::unique_ptr<devices::DnsResolver> resolver,
                           std::unique_ptr<browser::BrowserApp> app)
    : m_resolver(std::move(resolver)), m_app(std::move(app)) {}

// The app first: it cancels its lookup on the resolver.
GuestBrowser::~GuestBrowser() {
    m_app.reset();
}

void GuestBrowser::Finish() {
    m_app->Finish();
}

outcome::Outcome GuestBrowser::Result() const {
    return m_app->Result();
}

GuestSeat FirstGuestSeat(const scenario::GuestConfig& guest) {
    GuestSeat seat;
    seat.node = guest.node;
    seat.call_id = guest.call_id;
    seat.display_name = guest.display_name;
    seat.media_duration_s = guest.media_duration_s;
    return seat;
}

Expected<std::unique_ptr<GuestBrowser>> StartBrowser(World& world, const ScenarioPki& pki,
                                                     const tls::KeyLogSink& key_log) {
    const scenario::GuestConfig& guest = world.Scenario().guest_config;
    return StartSeatedBrowser(
        world, pki, key_log, FirstGuestSeat(guest),
        std::chrono::duration_cast<Duration>(std::chrono::duration<double>(guest.start_after_s)));
}

Expected<std::unique_ptr<GuestBrowser>> StartSeatedBrowser(World& world, const ScenarioPki& pki,
                                                           const tls::KeyLogSink& key_log,
                                                           const GuestSeat& seat,
                                                           Duration start_after) {
    const scenario::GuestConfig& guest = world.Scenario().guest_config;
    auto node = world.GetNode(seat.node);
    if (!node)
        return Error{"guest: no node '" + seat.node + "'"};
    // The scenario's guest keeps the streams it always had, so its run is the same bytes.
    const std::string stream = "browser:" + seat.node + (seat.tag.empty() ? "" : "#" + seat.tag);

    browser::BrowserSetup setup;
    setup.node = node;
    setup.trusted_cas = pki.TrustAnchors(guest.trusted_cas);
    setup.epoch_unix_s = world.EpochUnixSeconds();
    setup.key_log = key_log;
    setup.tls = guest.tls;
    setup.log = world.Log(seat.node);
    setup.log_component = seat.tag.empty() ? "browser" : "browser#" + seat.tag;
    setup.rng = world.ForkRng(stream);

    browser::ScriptConfig& s = setup.script;
    s.url = guest.url.text;
    s.https = guest.url.scheme == "https";
    s.host = guest.url.host;
    s.port = guest.url.EffectivePort();
    s.path = guest.url.path.empty() ? "/" : guest.url.path;
    s.call_id = seat.call_id;
    s.passcode = guest.passcode;
    s.display_name = seat.display_name;
    s.media_duration =
        std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seat.media_duration_s));
    s.proceed_past_certificate_warning = guest.proceed_past_certificate_warning;
    s.turn_fallback_after = std::chrono::duration_cast<Duration>(
        std::chrono::duration<double>(guest.turn_fallback_after_s));
    s.max_loss_percent = guest.max_loss_percent;
    s.max_jitter_ms = guest.max_jitter_ms;
    Rng ice_rng = world.ForkRng(stream + ":ice");
    s.ice_ufrag = IceChars(ice_rng, 8);
    s.ice_pwd = IceChars(ice_rng, 24);
    // The DTLS fingerprint is the browser's own certificate's (BrowserApp::Create).

    std::unique_ptr<devices::DnsResolver> resolver;
    if (seat.resolver) {
        setup.resolver = seat.resolver;
    } else {
        resolver = world.MakeResolver(seat.node);
        setup.resolver = resolver.get();
    }
    auto app = browser::BrowserApp::Create(std::move(setup));
    if (!app)
        return app.Err();
    (*app)->StartIn(start_after);
    if (seat.tag.empty())
        world.NoteDevice(seat.node, "browser");
    return std::make_unique<GuestBrowser>(std::move(resolver), std::move(*app));
}

Expected<std::string> WriteOutcomeSummary(const World& world, const std::string& out_dir,
                                          const outcome::Outcome& outcome,
                                          const nlohmann::json& run_summary) {
    outcome::SummaryWriter writer({world.Scenario().name, world.Seed()}, outcome);
    writer.AddExtra(run_summary);
    return writer.Write(out_dir + "/summary.json");
}

} // namespace cmslab::network
