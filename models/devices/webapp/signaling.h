// The signaling messages of the web app, one JSON object per WebSocket text message,
// told apart by "type". Browser -> web bridge: join, ice-parameters, candidate,
// end-of-candidates, dtls, leave. Web bridge -> browser: joined, participants,
// ice-parameters, candidate, end-of-candidates, dtls, bye, error.
//
// A decoded message has been checked: candidates carry a parseable address, a port,
// a known type; ICE credentials follow RFC 8839 lengths; a fingerprint is colon-
// separated hex. Anything else is an Error, never an exception.
#pragma once

#include "common/expected.h"
#include "ice/candidate.h"
#include "webapp/ice_servers.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cmslab::webapp {

struct Participant {
    std::string id;
    std::string display_name;
    bool operator==(const Participant& o) const {
        return id == o.id && display_name == o.display_name;
    }
};

struct JoinMessage {
    std::string session;
    std::string display_name;
};

struct JoinedMessage {
    std::string space_name;
    std::string space_id; // uuid of the space
    std::string participant_id;
    std::vector<Participant> participants;
    std::vector<IceServer> ice_servers;
};

struct ParticipantsMessage {
    std::vector<Participant> participants;
};

struct IceParametersMessage {
    std::string ufrag; // 4..256 ice-chars
    std::string pwd;   // 22..256 ice-chars
};

struct CandidateMessage {
    std::string foundation;
    int component = 1; // 1..256
    std::string transport = "udp";
    std::uint32_t priority = 0;
    std::string address;
    std::uint16_t port = 0;
    // The ICE agent's own type, so that a candidate passes between signaling and the agent
    // with no mapping; on the wire it is ice::CandidateTypeName's text.
    ice::CandidateType type = ice::CandidateType::Host;
    std::optional<std::string> related_address;
    std::optional<std::uint16_t> related_port;
};

struct EndOfCandidatesMessage {};

// RFC 8842 setup roles; the CMS answers `active`: it starts DTLS as the client.
enum class DtlsSetup { Active, Passive, ActPass };
const char* DtlsSetupName(DtlsSetup setup);

struct DtlsMessage {
    std::string hash_function = "sha-256";
    std::string fingerprint; // "AB:CD:..."
    DtlsSetup setup = DtlsSetup::ActPass;
};

struct LeaveMessage {
    std::string reason;
};

struct ByeMessage {
    std::string reason;
};

struct ErrorMessage {
    std::string code;
    std::string message;
};

using SignalingMessage =
    std::variant<JoinMessage, JoinedMessage, ParticipantsMessage, IceParametersMessage,
                 CandidateMessage, EndOfCandidatesMessage, DtlsMessage, LeaveMessage, ByeMessage,
                 ErrorMessage>;

std::string EncodeSignaling(const SignalingMessage& message);
Expected<SignalingMessage> DecodeSignaling(std::string_view text);

// The message's "type" value.
const char* SignalingTypeName(const SignalingMessage& message);

// Error codes of ErrorMessage.
inline constexpr const char* kErrorBadMessage = "badMessage";
inline constexpr const char* kErrorUnexpected = "unexpectedMessage";
inline constexpr const char* kErrorSession = "sessionNotFound";
// The call has reached its participant limit: the join is refused.
inline constexpr const char* kErrorCallFull = "callFull";

} // namespace cmslab::webapp
