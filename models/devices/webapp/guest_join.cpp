#include "webapp/guest_join.h"

#include "http/form.h"
#include "webapp/json_guard.h"
#include "webapp/paths.h"

namespace cmslab::webapp {

namespace {

constexpr std::size_t kMaxCallId = 64;
constexpr std::size_t kMaxPasscode = 64;
constexpr std::size_t kMaxDisplayName = 128;

Expected<http::FormFields> Fields(std::string_view body) {
    if (body.size() > 4096)
        return Error{"form body too long"};
    return http::FormDecode(body);
}

bool AllDigits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

// Call IDs and passcodes are numeric on CMS; spaces people type are dropped, so a value of
// spaces only is no value (the form it would encode to again says so).
Expected<std::string> Numeric(const http::FormFields& fields, const char* name, bool required,
                              std::size_t limit) {
    const auto value = http::FormValue(fields, name);
    std::string digits;
    if (value)
        for (char c : *value)
            if (c != ' ')
                digits += c;
    if (digits.empty()) {
        if (required)
            return Error{std::string("missing field ") + name};
        return std::string{};
    }
    if (digits.size() > limit)
        return Error{std::string("field ") + name + " too long"};
    if (!AllDigits(digits))
        return Error{std::string("field ") + name + " is not numeric"};
    return digits;
}

} // namespace

std::string EncodeForm(const CallLookupRequest& request) {
    return http::FormEncode({{kFieldCallId, request.call_id}, {kFieldPasscode, request.passcode}});
}

std::string EncodeForm(const GuestLoginRequest& request) {
    return http::FormEncode({{kFieldCallId, request.call_id},
                             {kFieldPasscode, request.passcode},
                             {kFieldDisplayName, request.display_name}});
}

Expected<CallLookupRequest> DecodeCallLookupRequest(std::string_view body) {
    auto fields = Fields(body);
    if (!fields)
        return fields.Err();
    auto call_id = Numeric(*fields, kFieldCallId, true, kMaxCallId);
    if (!call_id)
        return call_id.Err();
    auto passcode = Numeric(*fields, kFieldPasscode, false, kMaxPasscode);
    if (!passcode)
        return passcode.Err();
    return CallLookupRequest{*call_id, *passcode};
}

Expected<GuestLoginRequest> DecodeGuestLoginRequest(std::string_view body) {
    auto lookup = DecodeCallLookupRequest(body);
    if (!lookup)
        return lookup.Err();
    auto fields = Fields(body);
    const auto name = http::FormValue(*fields, kFieldDisplayName);
    if (!name || name->empty())
        return Error{std::string("missing field ") + kFieldDisplayName};
    if (name->size() > kMaxDisplayName)
        return Error{"display name too long"};
    for (unsigned char c : *name)
        if (c < 0x20 || c == 0x7f)
            return Error{"display name holds control characters"};
    return GuestLoginRequest{lookup->call_id, lookup->passcode, *name};
}

const char* JoinErrorName(JoinError error) {
    switch (error) {
    case JoinError::None:
        return "none";
    case JoinError::BadRequest:
        return "badRequest";
    case JoinError::CallNotRecognized:
        return "callNotRecognized";
    case JoinError::PasscodeRequired:
        return "passcodeRequired";
    case JoinError::WebBridgeUnavailable:
        return "webBridgeUnavailable";
    case JoinError::GuestAccessDisabled:
        return "guestAccessDisabled";
    case JoinError::SessionNotFound:
        return "sessionNotFound";
    }
    return "badRequest";
}

JoinError JoinErrorFromName(std::string_view name) {
    for (auto e : {JoinError::None, JoinError::CallNotRecognized, JoinError::PasscodeRequired,
                   JoinError::WebBridgeUnavailable, JoinError::GuestAccessDisabled,
                   JoinError::SessionNotFound})
        if (name == JoinErrorName(e))
            return e;
    return JoinError::BadRequest;
}

int JoinErrorStatus(JoinError error) {
    switch (error) {
    case JoinError::None:
        return 200;
    case JoinError::BadRequest:
        return 400;
    case JoinError::CallNotRecognized:
    case JoinError::PasscodeRequired:
    case JoinError::GuestAccessDisabled:
        return 403;
    case JoinError::SessionNotFound:
        return 404;
    case JoinError::WebBridgeUnavailable:
        return 503;
    }
    return 400;
}

const char* JoinErrorText(JoinError error) {
    switch (error) {
    case JoinError::None:
        return "";
    case JoinError::BadRequest:
        return "The request was not understood";
    case JoinError::CallNotRecognized:
        return "Call ID or passcode not recognized";
    case JoinError::PasscodeRequired:
        return "Enter the passcode";
    case JoinError::WebBridgeUnavailable:
        return "Unable to connect to the meeting server";
    case JoinError::GuestAccessDisabled:
        return "Guest access is not allowed";
    case JoinError::SessionNotFound:
        return "The session has ended";
    }
    return "";
}

JoinAnswer JoinRefused(JoinError error) {
    JoinAnswer answer;
    answer.error = error;
    answer.message = JoinErrorText(error);
    return answer;
}

std::string EncodeJoinAnswer(const JoinAnswer& answer) {
    nlohmann::json j;
    if (!answer.Ok()) {
        j["result"] = "error";
        j["error"] = JoinErrorName(answer.error);
        j["message"] = answer.message;
        return j.dump();
    }
    j["result"] = "ok";
    j["spaceName"] = answer.space_name;
    j["callId"] = answer.call_id;
    if (!answer.session.empty()) {
        j["guestJid"] = answer.guest_jid;
        j["session"] = answer.session;
        j["signalingUrl"] = answer.signaling_url;
    }
    return j.dump();
}

Expected<JoinAnswer> DecodeJoinAnswer(std::string_view json) {
    auto parsed = ParseJson(json);
    if (!parsed)
        return parsed.Err();
    const auto& j = *parsed;
    const auto result = StringField(j, "result");
    if (!result)
        return Error{"join answer without result"};
    JoinAnswer answer;
    if (*result == "error") {
        const auto error = StringField(j, "error");
        if (!error)
            return Error{"error answer without error name"};
        answer.error = JoinErrorFromName(*error);
        if (answer.error == JoinError::None)
            return Error{"error answer naming no error"};
        answer.message = StringField(j, "message").value_or("");
        return answer;
    }
    if (*result != "ok")
        return Error{"unknown join result"};
    const auto space = StringField(j, "spaceName");
    const auto call_id = StringField(j, "callId");
    if (!space || !call_id)
        return Error{"join answer without space"};
    answer.space_name = *space;
    answer.call_id = *call_id;
    if (const auto session = StringField(j, "session")) {
        const auto jid = StringField(j, "guestJid");
        const auto url = StringField(j, "signalingUrl");
        if (!jid || !url || session->empty())
            return Error{"login answer incomplete"};
        answer.session = *session;
        answer.guest_jid = *jid;
        answer.signaling_url = *url;
    }
    return answer;
}

std::string SignalingTarget(std::string_view session) {
    return std::string(kSignalingPath) + "?" + kQuerySession + "=" + http::PercentEncode(session);
}

Expected<std::string> SessionFromTarget(std::string_view target) {
    const auto split = http::SplitTarget(target);
    if (split.path != kSignalingPath)
        return Error{"not the signaling path"};
    auto query = http::ParseQuery(target);
    if (!query)
        return query.Err();
    const auto session = http::FormValue(*query, kQuerySession);
    if (!session || session->empty())
        return Error{"signaling request without session"};
    return *session;
}

} // namespace cmslab::webapp
