// The STUN Binding requests ICE uses as connectivity checks (RFC 8445 7.2.2 and 7.3):
// building a check, validating one received, and answering it. Stateless; the agent
// keeps the transactions.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "ice/credentials.h"
#include "stun/message.h"

#include <cstdint>
#include <optional>
#include <string>

namespace cmslab::ice {

enum class Role : std::uint8_t { Controlling, Controlled };
const char* RoleName(Role role); // "controlling", "controlled"

struct CheckRequest {
    std::string local_ufrag;
    std::string remote_ufrag;
    std::string remote_pwd; // the MESSAGE-INTEGRITY key (short-term credential)
    std::uint32_t priority = 0;
    Role role = Role::Controlling;
    std::uint64_t tie_breaker = 0;
    bool use_candidate = false;
    std::string software; // SOFTWARE when not empty
};

// A Binding request with USERNAME "remote:local", PRIORITY, ICE-CONTROLLING or
// ICE-CONTROLLED, USE-CANDIDATE when asked, MESSAGE-INTEGRITY and FINGERPRINT; the
// transaction id from `id`.
Bytes EncodeCheck(const CheckRequest& check, const stun::TransactionId& id);

// What a valid incoming check says.
struct ReceivedCheck {
    std::string remote_ufrag; // the sender's, after the colon
    std::uint32_t priority = 0;
    std::optional<std::uint64_t> controlling; // tie-breakers
    std::optional<std::uint64_t> controlled;
    bool use_candidate = false;
};

// The verdict on a Binding request addressed to an agent with `local` credentials:
// error 400 when USERNAME or MESSAGE-INTEGRITY is missing, or PRIORITY, or both role
// attributes (or they are malformed); 401 when USERNAME does not start with our ufrag
// and a colon or the integrity does not verify with our password; 0 with the check
// when valid. A bad FINGERPRINT is reported as `drop` (RFC 8445 7.3: discard silently).
struct CheckVerdict {
    bool drop = false;
    std::uint16_t error = 0;
    std::string reason;
    ReceivedCheck check;
};
CheckVerdict ValidateCheck(const stun::Message& request, const Credentials& local);

// Success response: XOR-MAPPED-ADDRESS = where the request came from, signed with the
// local password, FINGERPRINT.
Bytes EncodeCheckSuccess(const stun::Message& request, const Endpoint& source,
                         std::string_view local_pwd, std::string_view software = {});
// Error response with FINGERPRINT; signed with `local_pwd` when given (487 is; 400/401
// answer requests that could not be authenticated, so they are not).
Bytes EncodeCheckError(const stun::Message& request, std::uint16_t code,
                       std::optional<std::string_view> local_pwd, std::string_view software = {});

} // namespace cmslab::ice
