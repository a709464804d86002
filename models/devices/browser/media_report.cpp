#include "browser/media_report.h"

#include "common/overloaded.h"
#include "turn/types.h"

namespace cmslab::browser {

void ReportMediaEvent(const media::Event& event, Instant now, GuestScript& script,
                      const std::function<void(const std::string&)>& log) {
    std::visit(
        Overloaded{
            [&](const media::TurnChallenged& e) {
                log("TURN 401 challenge, realm " + e.realm);
                script.OnTurnChallenged(now, e.realm);
            },
            [&](const media::TurnAllocated& e) {
                script.OnTurnAllocated(now, e.relayed, e.mapped);
            },
            [&](const media::TurnFailed& e) { script.OnTurnFailed(now, e.code, e.reason); },
            [&](const media::TurnRefreshed& e) {
                log("TURN refresh ok: lifetime " + std::to_string(e.lifetime) + " s");
            },
            [&](const media::TurnRefreshFailed& e) {
                const std::string why =
                    "TURN refresh failed: " + media::DescribeTurnError(e.code, e.reason) +
                    "; the relay is gone";
                log(why);
                script.OnMediaLost(now, why);
            },
            [&](const media::TurnPermissionCreated& e) {
                log("TURN permission ok: " + e.peer.ToString());
            },
            [&](const media::TurnPermissionFailed& e) {
                const std::string why = "TURN permission for " + e.peer.ToString() +
                                        " failed: " + media::DescribeTurnError(e.code, e.reason);
                log(why);
                if (e.media_lost)
                    script.OnMediaLost(now, why);
            },
            [&](const media::TurnChannelBound& e) {
                log("TURN channel " + turn::ChannelText(e.channel) + " bound to " +
                    e.peer.ToString());
            },
            [&](const media::TurnChannelBindFailed& e) {
                log("TURN channel " + turn::ChannelText(e.channel) + " to " + e.peer.ToString() +
                    " failed: " + media::DescribeTurnError(e.code, e.reason) +
                    "; media stays in Send indications");
            },
            [&](const media::IceRoleChanged& e) {
                log(std::string("ICE: role conflict, now ") +
                    (e.controlling ? "controlling" : "controlled") + " (" + e.reason + ")");
            },
            [&](const media::IceConnected& e) {
                log("ICE: selected pair " + media::DescribePair(e));
                script.OnIceConnected(now, media::DescribePair(e));
            },
            [&](const media::IceFailed& e) {
                log("ICE: failed: " + e.reason);
                script.OnIceFailed(now, e.reason);
            },
            // The meeting stopped answering on the selected pair (RFC 7675): the browser
            // closes the connection and the call is over.
            [&](const media::ConsentLost& e) {
                log("ICE: consent lost: " + e.reason);
                script.OnMediaLost(now, "ICE consent lost: " + e.reason);
            },
            [&](const media::DtlsConnected& e) {
                log("DTLS: " + e.version + " established, SRTP " + e.srtp_profile);
                script.OnDtlsConnected(now, e.version, e.srtp_profile);
            },
            [&](const media::DtlsFailed& e) {
                log("DTLS: failed: " + e.reason);
                script.OnDtlsFailed(now, e.reason);
            },
            [&](const media::RtpSent& e) { script.OnMediaSent(now, e.size, "srtp"); },
            [&](const media::RtpReceived& e) { script.OnMediaReceived(now, e.size); },
        },
        event);
}

} // namespace cmslab::browser
