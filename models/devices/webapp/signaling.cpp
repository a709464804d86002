#include "webapp/signaling.h"

#include "common/address.h"
#include "webapp/json_guard.h"

namespace cmslab::webapp {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxText = 1024;
constexpr std::size_t kMaxList = 256;

bool IceChars(std::string_view s) {
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!ok)
            return false;
    }
    return true;
}

bool IsHexPair(std::string_view s) {
    auto hex = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    };
    return s.size() == 2 && hex(s[0]) && hex(s[1]);
}

bool ValidFingerprint(std::string_view f) {
    if (f.empty() || f.size() > 64 * 3)
        return false;
    std::size_t pairs = 0;
    while (true) {
        const auto colon = f.find(':');
        if (!IsHexPair(f.substr(0, colon)))
            return false;
        ++pairs;
        if (colon == std::string_view::npos)
            break;
        f.remove_prefix(colon + 1);
    }
    return pairs >= 16;
}

Expected<std::string> Text(const json& j, const char* name, bool required = true) {
    const auto v = StringField(j, name);
    if (!v) {
        if (required || (j.contains(name) && !j[name].is_null()))
            return Error{std::string("field \"") + name + "\" missing or not a string"};
        return std::string{};
    }
    if (v->size() > kMaxText)
        return Error{std::string("field \"") + name + "\" too long"};
    return *v;
}

Expected<std::int64_t> Integer(const json& j, const char* name, std::int64_t lo, std::int64_t hi) {
    const auto v = IntField(j, name);
    if (!v)
        return Error{std::string("field \"") + name + "\" missing or not an integer"};
    if (*v < lo || *v > hi)
        return Error{std::string("field \"") + name + "\" out of range"};
    return *v;
}

json ParticipantsJson(const std::vector<Participant>& list) {
    json a = json::array();
    for (const auto& p : list)
        a.push_back({{"id", p.id}, {"displayName", p.display_name}});
    return a;
}

Expected<std::vector<Participant>> ParticipantsFrom(const json& j) {
    const auto it = j.find("participants");
    if (it == j.end() || !it->is_array())
        return Error{"field \"participants\" missing or not an array"};
    if (it->size() > kMaxList)
        return Error{"too many participants"};
    std::vector<Participant> out;
    for (const auto& p : *it) {
        auto id = Text(p, "id");
        auto name = Text(p, "displayName");
        if (!id)
            return id.Err();
        if (!name)
            return name.Err();
        out.push_back({*id, *name});
    }
    return out;
}

Expected<std::vector<IceServer>> IceServersFrom(const json& j) {
    const auto it = j.find("iceServers");
    if (it == j.end() || !it->is_array())
        return Error{"field \"iceServers\" missing or not an array"};
    if (it->size() > kMaxList)
        return Error{"too many iceServers"};
    std::vector<IceServer> out;
    for (const auto& s : *it) {
        if (!s.is_object())
            return Error{"iceServers entry is not an object"};
        IceServer server;
        const auto urls = s.find("urls");
        if (urls == s.end() || !urls->is_array() || urls->empty() || urls->size() > kMaxList)
            return Error{"iceServers entry without urls"};
        for (const auto& u : *urls) {
            if (!u.is_string())
                return Error{"iceServers url is not a string"};
            const auto url = u.get<std::string>();
            if (!ParseTurnUrl(url))
                return Error{"iceServers url is not a TURN URL: " + url.substr(0, 64)};
            server.urls.push_back(url);
        }
        auto user = Text(s, "username", false);
        auto credential = Text(s, "credential", false);
        if (!user)
            return user.Err();
        if (!credential)
            return credential.Err();
        server.username = *user;
        server.credential = *credential;
        out.push_back(std::move(server));
    }
    return out;
}

struct Encoder {
    json operator()(const JoinMessage& m) const {
        return {{"type", "join"}, {"session", m.session}, {"displayName", m.display_name}};
    }
    json operator()(const JoinedMessage& m) const {
        json servers = json::array();
        for (const auto& s : m.ice_servers)
            servers.push_back(
                {{"urls", s.urls}, {"username", s.username}, {"credential", s.credential}});
        return {{"type", "joined"},
                {"spaceName", m.space_name},
                {"spaceId", m.space_id},
                {"participantId", m.participant_id},
                {"participants", ParticipantsJson(m.participants)},
                {"iceServers", servers}};
    }
    json operator()(const ParticipantsMessage& m) const {
        return {{"type", "participants"}, {"participants", ParticipantsJson(m.participants)}};
    }
    json operator()(const IceParametersMessage& m) const {
        return {{"type", "ice-parameters"}, {"ufrag", m.ufrag}, {"pwd", m.pwd}};
    }
    json operator()(const CandidateMessage& m) const {
        json j = {{"type", "candidate"},      {"foundation", m.foundation},
                  {"component", m.component}, {"transport", m.transport},
                  {"priority", m.priority},   {"address", m.address},
                  {"port", m.port},           {"candidateType", ice::CandidateTypeName(m.type)}};
        if (m.related_address)
            j["relatedAddress"] = *m.related_address;
        if (m.related_port)
            j["relatedPort"] = *m.related_port;
        return j;
    }
    json operator()(const EndOfCandidatesMessage&) const { return {{"type", "end-of-candidates"}}; }
    json operator()(const DtlsMessage& m) const {
        return {{"type", "dtls"},
                {"hashFunction", m.hash_function},
                {"fingerprint", m.fingerprint},
                {"setup", DtlsSetupName(m.setup)}};
    }
    json operator()(const LeaveMessage& m) const {
        return {{"type", "leave"}, {"reason", m.reason}};
    }
    json operator()(const ByeMessage& m) const { return {{"type", "bye"}, {"reason", m.reason}}; }
    json operator()(const ErrorMessage& m) const {
        return {{"type", "error"}, {"code", m.code}, {"message", m.message}};
    }
};

struct Namer {
    const char* operator()(const JoinMessage&) const { return "join"; }
    const char* operator()(const JoinedMessage&) const { return "joined"; }
    const char* operator()(const ParticipantsMessage&) const { return "participants"; }
    const char* operator()(const IceParametersMessage&) const { return "ice-parameters"; }
    const char* operator()(const CandidateMessage&) const { return "candidate"; }
    const char* operator()(const EndOfCandidatesMessage&) const { return "end-of-candidates"; }
    const char* operator()(const DtlsMessage&) const { return "dtls"; }
    const char* operator()(const LeaveMessage&) const { return "leave"; }
    const char* operator()(const ByeMessage&) const { return "bye"; }
    const char* operator()(const ErrorMessage&) const { return "error"; }
};

#define CMSLAB_TAKE(var, expr)                                                                     \
    auto var = (expr);                                                                             \
    if (!var)                                                                                      \
        return var.Err();

Expected<SignalingMessage> DecodeCandidate(const json& j) {
    CandidateMessage m;
    CMSLAB_TAKE(foundation, Text(j, "foundation"));
    if (foundation->empty() || foundation->size() > 32 || !IceChars(*foundation))
        return Error{"bad candidate foundation"};
    m.foundation = *foundation;
    CMSLAB_TAKE(component, Integer(j, "component", 1, 256));
    m.component = static_cast<int>(*component);
    CMSLAB_TAKE(transport, Text(j, "transport"));
    if (*transport != "udp" && *transport != "tcp")
        return Error{"bad candidate transport"};
    m.transport = *transport;
    CMSLAB_TAKE(priority, Integer(j, "priority", 0, 0xffffffffLL));
    m.priority = static_cast<std::uint32_t>(*priority);
    CMSLAB_TAKE(address, Text(j, "address"));
    if (!IpAddress::Parse(*address))
        return Error{"bad candidate address"};
    m.address = *address;
    CMSLAB_TAKE(port, Integer(j, "port", 1, 65535));
    m.port = static_cast<std::uint16_t>(*port);
    CMSLAB_TAKE(type, Text(j, "candidateType"));
    bool known = false;
    for (auto t : {ice::CandidateType::Host, ice::CandidateType::ServerReflexive,
                   ice::CandidateType::PeerReflexive, ice::CandidateType::Relayed})
        if (*type == ice::CandidateTypeName(t)) {
            m.type = t;
            known = true;
        }
    if (!known)
        return Error{"unknown candidate type"};
    if (j.contains("relatedAddress")) {
        CMSLAB_TAKE(related, Text(j, "relatedAddress"));
        if (!IpAddress::Parse(*related))
            return Error{"bad related address"};
        m.related_address = *related;
    }
    if (j.contains("relatedPort")) {
        CMSLAB_TAKE(related_port, Integer(j, "relatedPort", 0, 65535));
        m.related_port = static_cast<std::uint16_t>(*related_port);
    }
    return SignalingMessage{m};
}

} // namespace

const char* DtlsSetupName(DtlsSetup setup) {
    switch (setup) {
    case DtlsSetup::Active:
        return "active";
    case DtlsSetup::Passive:
        return "passive";
    case DtlsSetup::ActPass:
        return "actpass";
    }
    return "actpass";
}

const char* SignalingTypeName(const SignalingMessage& message) {
    return std::visit(Namer{}, message);
}

std::string EncodeSignaling(const SignalingMessage& message) {
    return std::visit(Encoder{}, message).dump();
}

Expected<SignalingMessage> DecodeSignaling(std::string_view text) {
    auto parsed = ParseJson(text);
    if (!parsed)
        return parsed.Err();
    const json& j = *parsed;
    if (!j.is_object())
        return Error{"signaling message is not a JSON object"};
    const auto type = StringField(j, "type");
    if (!type)
        return Error{"signaling message without type"};
    if (*type == "join") {
        CMSLAB_TAKE(session, Text(j, "session"));
        CMSLAB_TAKE(name, Text(j, "displayName"));
        if (session->empty())
            return Error{"join without session"};
        return SignalingMessage{JoinMessage{*session, *name}};
    }
    if (*type == "joined") {
        JoinedMessage m;
        CMSLAB_TAKE(space_name, Text(j, "spaceName"));
        CMSLAB_TAKE(space_id, Text(j, "spaceId"));
        CMSLAB_TAKE(participant_id, Text(j, "participantId"));
        CMSLAB_TAKE(participants, ParticipantsFrom(j));
        CMSLAB_TAKE(servers, IceServersFrom(j));
        m.space_name = *space_name;
        m.space_id = *space_id;
        m.participant_id = *participant_id;
        m.participants = *participants;
        m.ice_servers = *servers;
        return SignalingMessage{m};
    }
    if (*type == "participants") {
        CMSLAB_TAKE(participants, ParticipantsFrom(j));
        return SignalingMessage{ParticipantsMessage{*participants}};
    }
    if (*type == "ice-parameters") {
        CMSLAB_TAKE(ufrag, Text(j, "ufrag"));
        CMSLAB_TAKE(pwd, Text(j, "pwd"));
        if (ufrag->size() < 4 || ufrag->size() > 256 || !IceChars(*ufrag))
            return Error{"bad ICE ufrag"};
        if (pwd->size() < 22 || pwd->size() > 256 || !IceChars(*pwd))
            return Error{"bad ICE pwd"};
        return SignalingMessage{IceParametersMessage{*ufrag, *pwd}};
    }
    if (*type == "candidate")
        return DecodeCandidate(j);
    if (*type == "end-of-candidates")
        return SignalingMessage{EndOfCandidatesMessage{}};
    if (*type == "dtls") {
        DtlsMessage m;
        CMSLAB_TAKE(hash, Text(j, "hashFunction"));
        CMSLAB_TAKE(fingerprint, Text(j, "fingerprint"));
        CMSLAB_TAKE(setup, Text(j, "setup"));
        if (*hash != "sha-256" && *hash != "sha-1" && *hash != "sha-384" && *hash != "sha-512")
            return Error{"unsupported fingerprint hash"};
        if (!ValidFingerprint(*fingerprint))
            return Error{"bad fingerprint"};
        bool known = false;
        for (auto s : {DtlsSetup::Active, DtlsSetup::Passive, DtlsSetup::ActPass})
            if (*setup == DtlsSetupName(s)) {
                m.setup = s;
                known = true;
            }
        if (!known)
            return Error{"unknown DTLS setup role"};
        m.hash_function = *hash;
        m.fingerprint = *fingerprint;
        return SignalingMessage{m};
    }
    if (*type == "leave") {
        CMSLAB_TAKE(reason, Text(j, "reason", false));
        return SignalingMessage{LeaveMessage{*reason}};
    }
    if (*type == "bye") {
        CMSLAB_TAKE(reason, Text(j, "reason", false));
        return SignalingMessage{ByeMessage{*reason}};
    }
    if (*type == "error") {
        CMSLAB_TAKE(code, Text(j, "code"));
        CMSLAB_TAKE(message, Text(j, "message", false));
        return SignalingMessage{ErrorMessage{*code, *message}};
    }
    return Error{"unknown signaling message type"};
}

} // namespace cmslab::webapp
