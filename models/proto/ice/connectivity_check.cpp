#include "ice/connectivity_check.h"

#include "stun/integrity.h"

namespace cmslab::ice {

const char* RoleName(Role role) {
    return role == Role::Controlling ? "controlling" : "controlled";
}

Bytes EncodeCheck(const CheckRequest& check, const stun::TransactionId& id) {
    stun::Message m(stun::Class::Request, stun::method::kBinding, id);
    m.AddUsername(check.remote_ufrag + ":" + check.local_ufrag);
    if (!check.software.empty())
        m.AddSoftware(check.software);
    m.AddPriority(check.priority);
    if (check.role == Role::Controlling)
        m.AddIceControlling(check.tie_breaker);
    else
        m.AddIceControlled(check.tie_breaker);
    if (check.use_candidate)
        m.AddUseCandidate();
    stun::EncodeOptions options;
    options.integrity_key = stun::ShortTermKey(check.remote_pwd);
    options.fingerprint = true;
    return m.Encode(options);
}

CheckVerdict ValidateCheck(const stun::Message& request, const Credentials& local) {
    CheckVerdict v;
    if (stun::CheckFingerprint(request) == stun::Check::Invalid) {
        v.drop = true;
        v.reason = "bad FINGERPRINT";
        return v;
    }
    const auto username = request.GetUsername();
    if (!username || !request.Has(stun::attr::kMessageIntegrity)) {
        v.error = stun::error::kBadRequest;
        v.reason = "missing USERNAME or MESSAGE-INTEGRITY";
        return v;
    }
    const std::size_t colon = username->find(':');
    if (colon == std::string::npos || username->substr(0, colon) != local.ufrag) {
        v.error = stun::error::kUnauthorized;
        v.reason = "USERNAME is not for our ufrag";
        return v;
    }
    if (stun::CheckMessageIntegrity(request, stun::ShortTermKey(local.pwd)) != stun::Check::Valid) {
        v.error = stun::error::kUnauthorized;
        v.reason = "MESSAGE-INTEGRITY does not verify with our password";
        return v;
    }
    v.check.remote_ufrag = username->substr(colon + 1);
    const auto priority = request.GetPriority();
    v.check.controlling = request.GetU64(stun::attr::kIceControlling);
    v.check.controlled = request.GetU64(stun::attr::kIceControlled);
    if (!priority || *priority == 0) {
        v.error = stun::error::kBadRequest;
        v.reason = "missing PRIORITY";
        return v;
    }
    if (v.check.controlling.has_value() == v.check.controlled.has_value()) {
        v.error = stun::error::kBadRequest;
        v.reason = "needs exactly one of ICE-CONTROLLING and ICE-CONTROLLED";
        return v;
    }
    v.check.priority = *priority;
    v.check.use_candidate = request.Has(stun::attr::kUseCandidate);
    return v;
}

Bytes EncodeCheckSuccess(const stun::Message& request, const Endpoint& source,
                         std::string_view local_pwd, std::string_view software) {
    stun::Message r = request.MakeResponse(stun::Class::SuccessResponse);
    r.AddXorAddress(stun::attr::kXorMappedAddress, source);
    if (!software.empty())
        r.AddSoftware(software);
    stun::EncodeOptions options;
    options.integrity_key = stun::ShortTermKey(local_pwd);
    options.fingerprint = true;
    return r.Encode(options);
}

Bytes EncodeCheckError(const stun::Message& request, std::uint16_t code,
                       std::optional<std::string_view> local_pwd, std::string_view software) {
    stun::Message r = request.MakeResponse(stun::Class::ErrorResponse);
    r.AddErrorCode(code, code == 487 ? "Role Conflict" : "");
    if (!software.empty())
        r.AddSoftware(software);
    stun::EncodeOptions options;
    if (local_pwd)
        options.integrity_key = stun::ShortTermKey(*local_pwd);
    options.fingerprint = true;
    return r.Encode(options);
}

} // namespace cmslab::ice
