// A scripted peer world for GuestScript: plays the answers of the reference deployment
// (DNS, TLS, web bridge, signaling, TURN, ICE, DTLS, media) and lets a test change one.
#pragma once

#include "browser/guest_script.h"
#include "support/values.h"
#include "webapp/guest_join.h"
#include "webapp/meeting_page.h"
#include "webapp/signaling.h"

#include <openssl/x509_vfy.h>

#include <string>
#include <vector>

namespace cmslab::browser::test {

using namespace std::chrono_literals;

// A sha-256 fingerprint: 32 colon-separated bytes.
inline std::string Fingerprint(int byte) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (int i = 0; i < 32; ++i) {
        if (i)
            out += ':';
        out += hex[(byte >> 4) & 15];
        out += hex[byte & 15];
    }
    return out;
}

inline ScriptConfig ReferenceConfig() {
    ScriptConfig c;
    c.url = "https://cmsweb.octavio.com";
    c.https = true;
    c.host = "cmsweb.octavio.com";
    c.port = 443;
    c.path = "/";
    c.call_id = "100101";
    c.passcode = "";
    c.display_name = "Guest";
    c.media_duration = 10s;
    c.ice_ufrag = "abcd";
    c.ice_pwd = "0123456789abcdefghijkl";
    c.dtls_fingerprint = Fingerprint(0xAA);
    return c;
}

using cmslab::testkit::Ip;

// Drains the script's actions into a list of names (and keeps the last of some kinds).
struct Drained {
    std::vector<std::string> names;
    std::vector<Action> actions;
};

inline Drained Drain(GuestScript& script) {
    Drained d;
    while (auto a = script.PollAction()) {
        d.names.push_back(ActionName(*a));
        d.actions.push_back(std::move(*a));
    }
    return d;
}

template <class T> const T* Find(const Drained& d) {
    for (const auto& a : d.actions)
        if (auto p = std::get_if<T>(&a))
            return p;
    return nullptr;
}

inline std::string Page(bool join_call) {
    webapp::PageOptions options;
    options.join_call = join_call;
    options.sign_in = true;
    options.passcode_field = true;
    return webapp::RenderMeetingPage(options);
}

inline std::string LookupOk() {
    webapp::JoinAnswer a;
    a.space_name = "Proxy webRTC";
    a.call_id = "100101";
    return webapp::EncodeJoinAnswer(a);
}

inline std::string LoginOk() {
    webapp::JoinAnswer a;
    a.space_name = "Proxy webRTC";
    a.call_id = "100101";
    a.guest_jid = "guest1@cms.octavio.local";
    a.session = "tok123";
    a.signaling_url = webapp::SignalingTarget("tok123");
    return webapp::EncodeJoinAnswer(a);
}

inline std::string JoinedText() {
    webapp::JoinedMessage j;
    j.space_name = "Proxy webRTC";
    j.space_id = "2aa16ccc-87d1-424d-9d3d-3d007f23243a";
    j.participant_id = "p1";
    j.participants = {{"p1", "Guest"}};
    j.ice_servers = {webapp::TurnIceServer("10.88.246.156", 3478, "turnuser", "cisco")};
    return webapp::EncodeSignaling(j);
}

inline std::string CmsIceText() {
    return webapp::EncodeSignaling(webapp::IceParametersMessage{"cmsu", "cmspassword0123456789ab"});
}

inline std::string CmsCandidateText() {
    webapp::CandidateMessage c;
    c.foundation = "2";
    c.priority = 16777215;
    c.address = "10.88.246.156";
    c.port = 24002;
    c.type = ice::CandidateType::Relayed;
    return webapp::EncodeSignaling(c);
}

inline std::string CmsDtlsText() {
    return webapp::EncodeSignaling(
        webapp::DtlsMessage{"sha-256", Fingerprint(0x11), webapp::DtlsSetup::Active});
}

inline TlsSummary GoodTls() {
    return TlsSummary{"TLSv1.3",
                      "TLS_AES_128_GCM_SHA256",
                      "cmsweb.octavio.com",
                      {"vcse.octavio.com", "cmsweb.octavio.com"},
                      "CN = lab-ca"};
}

// Runs the healthy join up to the given point, one millisecond per step. Returns the time.
enum class Until { Page, Joined, Relay, Ice, Dtls, End };

inline Instant RunJoin(GuestScript& s, Until until) {
    Instant t = 0ms;
    auto step = [&] { return t += 1ms; };
    s.Start(t);
    s.OnDnsAnswer(step(), {Ip("10.88.246.156")});
    s.OnTcpConnected(step());
    s.OnTlsEstablished(step(), GoodTls());
    s.OnHttpResponse(step(), 200, "OK", Page(true));
    if (until == Until::Page)
        return t;
    s.OnHttpResponse(step(), 200, "OK", LookupOk());
    s.OnHttpResponse(step(), 200, "OK", LoginOk());
    s.OnWebSocketOpen(step());
    s.OnWebSocketText(step(), JoinedText());
    if (until == Until::Joined)
        return t;
    s.OnWebSocketText(step(), CmsIceText());
    s.OnWebSocketText(step(), CmsCandidateText());
    s.OnWebSocketText(step(), CmsDtlsText());
    s.OnTurnChallenged(step(), "turnuser");
    s.OnTurnAllocated(step(), Endpoint{Ip("10.88.246.156"), 24000},
                      Endpoint{Ip("172.16.84.124"), 50000});
    if (until == Until::Relay)
        return t;
    s.OnIceConnected(step(), "relay 10.88.246.156:24000 -> relay 10.88.246.156:24002");
    if (until == Until::Ice)
        return t;
    s.OnDtlsConnected(step(), "DTLSv1.2", "SRTP_AES128_CM_SHA1_80");
    if (until == Until::Dtls)
        return t;
    for (int i = 0; i < 500; ++i) {
        s.OnMediaSent(step(), 182, "srtp");
        s.OnMediaReceived(t, 190);
    }
    return t;
}

} // namespace cmslab::browser::test
