// The guest's join form, as two form-urlencoded POSTs with JSON answers:
//  1. kCallLookupPath  {callId, passcode}              -> is there a meeting, its name
//  2. kGuestLoginPath  {callId, passcode, displayName} -> a guest session and the
//     WebSocket signaling URL
// Both sides encode and decode with these functions.
#pragma once

#include "common/expected.h"

#include <string>
#include <string_view>

namespace cmslab::webapp {

struct CallLookupRequest {
    std::string call_id;
    std::string passcode;
};

struct GuestLoginRequest {
    std::string call_id;
    std::string passcode;
    std::string display_name;
};

// Form bodies. Decoding refuses a body that is not form encoding, lacks the call ID
// (or the display name for a login), or carries over-long values.
std::string EncodeForm(const CallLookupRequest& request);
std::string EncodeForm(const GuestLoginRequest& request);
Expected<CallLookupRequest> DecodeCallLookupRequest(std::string_view body);
Expected<GuestLoginRequest> DecodeGuestLoginRequest(std::string_view body);

// Why a join is refused, as the JSON answers name it.
enum class JoinError {
    None,
    BadRequest,           // 400: the form was not understood
    CallNotRecognized,    // 403: no space has that call ID, or the passcode is wrong
    PasscodeRequired,     // 403: the space has a passcode and none was given
    WebBridgeUnavailable, // 503: no working link from the Call Bridge
    GuestAccessDisabled,  // 403: guest access via ID and passcode is off
    SessionNotFound,      // 404: signaling for a session that does not exist
};

const char* JoinErrorName(JoinError error);         // "callNotRecognized", ...
JoinError JoinErrorFromName(std::string_view name); // unknown names: BadRequest
int JoinErrorStatus(JoinError error);               // the HTTP status it travels with
// The sentence the web app shows the guest.
const char* JoinErrorText(JoinError error);

// The JSON answer to either POST. On success `space_name` is set; a login answer also
// carries the guest's identity and where to open the signaling WebSocket.
struct JoinAnswer {
    JoinError error = JoinError::None;
    std::string message; // on error: JoinErrorText
    std::string space_name;
    std::string call_id;
    std::string guest_jid;     // login only
    std::string session;       // login only: token for the signaling channel
    std::string signaling_url; // login only: origin-form target with the session query

    bool Ok() const { return error == JoinError::None; }
};

JoinAnswer JoinRefused(JoinError error);
std::string EncodeJoinAnswer(const JoinAnswer& answer);
Expected<JoinAnswer> DecodeJoinAnswer(std::string_view json);

// kSignalingPath + "?session=<token>" (token percent-encoded).
std::string SignalingTarget(std::string_view session);
// The session token from a signaling request target; error for another path.
Expected<std::string> SessionFromTarget(std::string_view target);

} // namespace cmslab::webapp
