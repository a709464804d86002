#include "cms/call_bridge.h"

#include "cms/uuid.h"
#include "common/bytes.h"
#include "log_lines/cms_lines.h"

#include <algorithm>

namespace cmslab::cms {

namespace {

std::string Quoted(const std::string& s) {
    return "\"" + s + "\"";
}

} // namespace

CallBridge::CallBridge(WebBridgeSettings web_bridge, std::vector<SpaceSettings> spaces, Rng rng,
                       LogSink log, BoxCounters counters, LoginStepTimes steps)
    : m_web_bridge(std::move(web_bridge)), m_rng(rng), m_log(std::move(log)), m_steps(steps),
      m_next_login_request(counters.guest_login_request), m_next_call(counters.call) {
    for (auto& space : spaces)
        m_spaces.push_back({std::move(space), NewUuid(m_rng)});
}

std::vector<SpaceRecord> CallBridge::ListSpaces() const {
    std::vector<SpaceRecord> out;
    for (const SpaceState& s : m_spaces)
        if (!s.removed)
            out.push_back({s.id, s.settings});
    return out;
}

std::optional<SpaceRecord> CallBridge::FindSpace(const std::string& id) const {
    for (const SpaceState& s : m_spaces)
        if (!s.removed && s.id == id)
            return SpaceRecord{s.id, s.settings};
    return std::nullopt;
}

std::string CallBridge::AddSpace(const SpaceSettings& settings) {
    m_spaces.push_back({settings, NewUuid(m_rng)});
    Log("space " + m_spaces.back().id + " (" + settings.name + ") created through the API");
    return m_spaces.back().id;
}

bool CallBridge::ModifySpace(const std::string& id, const SpaceSettings& settings) {
    for (SpaceState& s : m_spaces)
        if (!s.removed && s.id == id) {
            s.settings = settings;
            return true;
        }
    return false;
}

bool CallBridge::RemoveSpace(const std::string& id) {
    for (SpaceState& s : m_spaces)
        if (!s.removed && s.id == id) {
            s.removed = true;
            return true;
        }
    return false;
}

void CallBridge::After(Duration delay, std::function<void()> step) {
    if (m_schedule)
        m_schedule(delay, std::move(step));
    else
        step();
}

void CallBridge::Log(const std::string& text) const {
    if (m_log)
        m_log(kInfo, text);
}

CallBridge::Resolution CallBridge::Resolve(const std::string& call_id, const std::string& passcode,
                                           std::size_t& space) const {
    for (std::size_t i = 0; i < m_spaces.size(); ++i) {
        const auto& s = m_spaces[i].settings;
        if (m_spaces[i].removed || s.call_id.empty() || s.call_id != call_id)
            continue;
        space = i;
        // A space without a passcode lets anyone with the ID in, whatever was typed.
        if (s.passcode.empty() || s.passcode == passcode)
            return Resolution::Ok;
        if (passcode.empty() &&
            m_web_bridge.guest_access_via_id_and_passcode == GuestAccessMode::Legacy)
            return Resolution::PasscodeRequired;
        return Resolution::NotRecognized;
    }
    return Resolution::NotRecognized;
}

webapp::JoinAnswer CallBridge::LookupCall(const webapp::CallLookupRequest& request) const {
    std::size_t space = 0;
    switch (Resolve(request.call_id, request.passcode, space)) {
    case Resolution::Ok:
        break;
    case Resolution::PasscodeRequired:
        return webapp::JoinRefused(webapp::JoinError::PasscodeRequired);
    case Resolution::NotRecognized:
        return webapp::JoinRefused(webapp::JoinError::CallNotRecognized);
    }
    webapp::JoinAnswer answer;
    answer.space_name = m_spaces[space].settings.name;
    answer.call_id = request.call_id;
    return answer;
}

void CallBridge::GuestLogin(std::uint64_t link, const webapp::GuestLoginRequest& request,
                            LoginAnswer answer) {
    const std::uint64_t n = m_next_login_request++;
    const std::string req = "guest login request " + std::to_string(n);
    const std::string on_link = "web bridge link " + std::to_string(link) + ": ";
    Log(on_link + "new " + req + " received");
    Log(req + ": passcode resolution scheduled");
    Log(req + ": resolution in progress");
    After(m_steps.passcode_resolution, [this, req, on_link, request, answer] {
        std::size_t space = 0;
        const auto resolution = Resolve(request.call_id, request.passcode, space);
        if (resolution != Resolution::Ok) {
            Log(req + ": passcode resolution failed");
            After(m_steps.response, [this, req, on_link, resolution, answer] {
                Log(on_link + req + ": response written");
                answer(webapp::JoinRefused(resolution == Resolution::PasscodeRequired
                                               ? webapp::JoinError::PasscodeRequired
                                               : webapp::JoinError::CallNotRecognized));
            });
            return;
        }
        ++m_storage_queue;
        Log(req + ": credential storage scheduled (queue length: " +
            std::to_string(m_storage_queue) + ")");
        std::string jid;
        do {
            jid = "guest" + std::to_string(m_rng.Uniform(1000000000ULL, 9999999999ULL)) + "@" +
                  m_web_bridge.guest_account_jid_domain;
        } while (std::any_of(m_sessions.begin(), m_sessions.end(),
                             [&](const auto& s) { return s.second.jid == jid; }));
        // The account exists from here on (its name is taken); nobody knows its session
        // until the answer is written.
        std::uint8_t raw[16];
        m_rng.Fill(raw, sizeof raw);
        GuestSession session;
        session.token = ToHex(ByteView(raw, sizeof raw));
        session.jid = jid;
        session.display_name = request.display_name;
        session.space = space;
        const std::string token = session.token;
        m_sessions[token] = std::move(session);
        Log("created guest account with user ID " + Quoted(jid));
        Log(req + ": credential storage executed");
        Log(req + ": credential storage in progress");
        After(m_steps.credential_storage, [this, req, on_link, request, token, answer] {
            --m_storage_queue;
            Log(req + ": successfully stored credentials");
            After(m_steps.response, [this, req, on_link, request, token, answer] {
                Log(on_link + req + ": response written");
                const auto* stored = Session(token);
                if (!stored) {
                    answer(webapp::JoinRefused(webapp::JoinError::SessionNotFound));
                    return;
                }
                webapp::JoinAnswer out;
                out.space_name = m_spaces[stored->space].settings.name;
                out.call_id = request.call_id;
                out.guest_jid = stored->jid;
                out.session = token;
                out.signaling_url = webapp::SignalingTarget(token);
                answer(out);
            });
        });
    });
}

GuestSession* CallBridge::SessionOrTell(const std::string& token, const JoinDone& done,
                                        const char* why) {
    const auto it = m_sessions.find(token);
    if (it != m_sessions.end())
        return &it->second;
    done(Error{why});
    return nullptr;
}

void CallBridge::Join(const std::string& token, JoinDone done) {
    GuestSession* session = SessionOrTell(token, done, "no such session");
    if (!session)
        return;
    if (session->call || session->joining) {
        done(Error{"session already joined"});
        return;
    }
    session->joining = true;
    Log("successful login request from " + session->jid);
    After(m_steps.user_instantiation, [this, token, done] { InstantiateUser(token, done); });
}

void CallBridge::InstantiateUser(const std::string& token, JoinDone done) {
    const GuestSession* session = SessionOrTell(token, done, "session has ended");
    if (!session)
        return;
    Log("instantiating user " + Quoted(session->jid));
    After(m_steps.session_creation, [this, token, done] {
        const GuestSession* user = SessionOrTell(token, done, "session has ended");
        if (!user)
            return;
        Log("new session created for user " + Quoted(user->jid));
        After(m_steps.call_allocation, [this, token, done] { AllocateCall(token, done); });
    });
}

void CallBridge::AllocateCall(const std::string& token, JoinDone done) {
    GuestSession* found = SessionOrTell(token, done, "session has ended");
    if (!found)
        return;
    GuestSession& session = *found;
    const auto& space = m_spaces[session.space];
    session.joining = false;
    const std::size_t limit = space.settings.participant_limit;
    if (limit && InCall(session.space) >= limit) {
        // The call is full: the guest keeps its session but gets no call.
        session.refused_full = true;
        if (m_log)
            m_log(kWarning, log_lines::ParticipantLimitReached::Format(
                                {session.jid, space.id, space.settings.name, limit}));
        done(Error{"call is full: participant limit " + std::to_string(limit) + " reached"});
        return;
    }
    session.call = m_next_call++;
    session.participant_id = NewUuid(m_rng);
    const std::string call = "call " + std::to_string(*session.call);
    Log(call + ": allocated for " + session.jid + " \"Web client\" conference participation");
    Log(call + ": setting up combined RTP session for DTLS (combined media and control)");
    Log("participant " + Quoted(session.jid) + " joined space " + space.id + " (" +
        space.settings.name + ")");
    m_join_order.push_back(token);
    m_peak_in_call = std::max(m_peak_in_call, InCall(session.space));

    webapp::JoinedMessage joined;
    joined.space_name = space.settings.name;
    joined.space_id = space.id;
    joined.participant_id = session.participant_id;
    joined.participants = RosterPage(session.space);
    done(joined);
}

void CallBridge::StartDtls(const std::string& token) {
    const auto* session = Session(token);
    if (session && session->call)
        Log("call " + std::to_string(*session->call) +
            ": starting DTLS combined media negotiation (as initiator)");
}

void CallBridge::DtlsFailure(const std::string& token, const std::string& reason) {
    const auto* session = Session(token);
    if (session && session->call && m_log)
        m_log(kWarning, "call " + std::to_string(*session->call) +
                            ": DTLS combined media negotiation failed (" + reason + ")");
}

void CallBridge::IceFailure(const std::string& token, int code, const std::string& reason) {
    const auto* session = Session(token);
    if (session && session->call && m_log)
        m_log(kWarning, log_lines::IceFailure::Format({*session->call, code, reason}));
}

void CallBridge::MediaNote(const std::string& token, bool warning, const std::string& text) {
    const auto* session = Session(token);
    if (session && session->call && m_log)
        m_log(warning ? kWarning : kInfo, "call " + std::to_string(*session->call) + ": " + text);
}

void CallBridge::TurnTcpFallback(const std::string& token, const std::string& server,
                                 const std::string& why, const std::string& tcp_server) {
    const auto* session = Session(token);
    if (session && session->call && m_log)
        m_log(kInfo, log_lines::TurnTcpFallback::Format({*session->call, server, why, tcp_server}));
}

void CallBridge::TurnAllocatedOverTcp(const std::string& token, const std::string& relay,
                                      const std::string& server) {
    const auto* session = Session(token);
    if (session && session->call && m_log)
        m_log(kInfo, log_lines::TurnAllocatedOverTcp::Format({*session->call, relay, server}));
}

void CallBridge::Leave(const std::string& token, const std::string& reason) {
    const auto it = m_sessions.find(token);
    if (it == m_sessions.end())
        return;
    const auto& session = it->second;
    if (session.call) {
        const auto& space = m_spaces[session.space];
        Log("participant " + Quoted(session.jid) + " left space " + space.id + " (" +
            space.settings.name + ")");
        Log("call " + std::to_string(*session.call) + ": tearing down (" + reason + ")");
    }
    Log("destroying guest account with user ID " + Quoted(session.jid));
    m_join_order.erase(std::remove(m_join_order.begin(), m_join_order.end(), token),
                       m_join_order.end());
    m_sessions.erase(it);
}

const GuestSession* CallBridge::Session(const std::string& token) const {
    const auto it = m_sessions.find(token);
    return it == m_sessions.end() ? nullptr : &it->second;
}

std::vector<webapp::Participant> CallBridge::RosterPage(std::size_t space) const {
    auto all = Participants(space);
    if (all.size() > kRosterShown)
        all.resize(kRosterShown);
    return all;
}

std::size_t CallBridge::InCall(std::size_t space) const {
    std::size_t n = 0;
    for (const auto& token : m_join_order)
        if (m_sessions.at(token).space == space)
            ++n;
    return n;
}

std::vector<webapp::Participant> CallBridge::Participants(std::size_t space) const {
    std::vector<webapp::Participant> out;
    for (const auto& token : m_join_order) {
        const auto& s = m_sessions.at(token);
        if (s.space == space)
            out.push_back({s.participant_id, s.display_name});
    }
    return out;
}

std::vector<std::string> CallBridge::Peers(const std::string& token) const {
    std::vector<std::string> out;
    const auto* me = Session(token);
    if (!me)
        return out;
    for (const auto& other : m_join_order)
        if (other != token && m_sessions.at(other).space == me->space)
            out.push_back(other);
    return out;
}

} // namespace cmslab::cms
