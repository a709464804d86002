// The Call Bridge's side of a web guest, sans-I/O: call ID and passcode resolution per
// the guest access mode, guest accounts, sessions, calls in spaces, and the CMS event
// log lines of each step in the product's words and order (reference section 6).
//
// The web bridge hands requests in with the number of its link from the Call Bridge
// (which the log lines name); counters number guest login requests and calls, from
// where the box's state has them. The login's steps take time (LoginStepTimes): each
// step runs from the scheduler, writes its lines when it is done, and the answers come
// when the last step is.
#pragma once

#include "cms/log_sink.h"
#include "cms/login_steps.h"
#include "cms/settings.h"
#include "cms/space_directory.h"
#include "common/expected.h"
#include "common/rng.h"
#include "webapp/guest_join.h"
#include "webapp/signaling.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::cms {

struct SpaceState {
    SpaceSettings settings;
    std::string id; // uuid
    // Removed through the API: no guest finds it any more. Kept in place because the
    // sessions of guests already in it name their space by its index.
    bool removed = false;
};

struct GuestSession {
    std::string token;
    std::string jid;
    std::string display_name;
    std::size_t space = 0;             // index into Spaces()
    std::optional<std::uint64_t> call; // once joined
    bool joining = false;              // the join's steps are under way
    bool refused_full = false;         // the call had reached its participant limit
    std::string participant_id;
};

class CallBridge : public SpaceDirectory {
  public:
    CallBridge(WebBridgeSettings web_bridge, std::vector<SpaceSettings> spaces, Rng rng,
               LogSink log, BoxCounters counters = {}, LoginStepTimes steps = {});

    // Where the steps wait their time; without it each step follows at once.
    void SetScheduler(StepScheduler scheduler) { m_schedule = std::move(scheduler); }

    // First POST of the join form: is there a space for this call ID (and passcode)?
    webapp::JoinAnswer LookupCall(const webapp::CallLookupRequest& request) const;

    // The guest login request carried over web bridge link `link`: resolves the
    // passcode, creates the guest account, answers with a session. Logs each step;
    // `answer` is called when the steps are done.
    using LoginAnswer = std::function<void(webapp::JoinAnswer)>;
    void GuestLogin(std::uint64_t link, const webapp::GuestLoginRequest& request,
                    LoginAnswer answer);

    // The guest's client logs in with its session and joins the space: the user is
    // instantiated, gets a session, a call is allocated. `done` gets the joined message
    // (without iceServers: the caller adds them) when the steps are done, or why not
    // (the session unknown, already joined or joining, or gone meanwhile).
    using JoinDone = std::function<void(Expected<webapp::JoinedMessage>)>;
    void Join(const std::string& token, JoinDone done);

    // The call's DTLS starts (the Call Bridge is the DTLS client).
    void StartDtls(const std::string& token);
    // The call's DTLS handshake failed (a certificate not matching the signalled
    // fingerprint, no SRTP profile, no answer).
    void DtlsFailure(const std::string& token, const std::string& reason);
    // The call's media failed to connect; `code` and `reason` as the product writes them.
    void IceFailure(const std::string& token, int code, const std::string& reason);
    // "call N: <text>", as Info or Warning.
    void MediaNote(const std::string& token, bool warning, const std::string& text);
    // The call's TURN Allocate over UDP got no answer and goes over TCP; then the relay
    // allocated over TCP (lab wording, Info).
    void TurnTcpFallback(const std::string& token, const std::string& server,
                         const std::string& why, const std::string& tcp_server);
    void TurnAllocatedOverTcp(const std::string& token, const std::string& relay,
                              const std::string& server);

    // The guest left or the channel closed: the call is torn down, the account destroyed.
    void Leave(const std::string& token, const std::string& reason);

    const GuestSession* Session(const std::string& token) const;
    // Every space, removed ones included (flagged): indexes stay valid.
    const std::vector<SpaceState>& Spaces() const { return m_spaces; }

    // The API's coSpaces (SpaceDirectory): a change applies to the next guest's lookup;
    // guests already in a space stay in it.
    std::vector<SpaceRecord> ListSpaces() const override;
    std::optional<SpaceRecord> FindSpace(const std::string& id) const override;
    std::string AddSpace(const SpaceSettings& settings) override;
    bool ModifySpace(const std::string& id, const SpaceSettings& settings) override;
    bool RemoveSpace(const std::string& id) override;
    std::vector<webapp::Participant> Participants(std::size_t space) const;
    // What the web app's roster is told: the first kRosterShown participants, in the
    // order they joined. A crowd's roster is not sent whole to each arrival, and a call
    // larger than a page is not pushed to every participant at each arrival or departure
    // (that is quadratic in the crowd): the lab's simplification of the roster's paging.
    static constexpr std::size_t kRosterShown = 16;
    std::vector<webapp::Participant> RosterPage(std::size_t space) const;
    // How many are in the call of the space now; the most any call held at once.
    std::size_t InCall(std::size_t space) const;
    std::size_t PeakInCall() const { return m_peak_in_call; }
    // Sessions in the same space as `token`, other than it, that joined.
    std::vector<std::string> Peers(const std::string& token) const;

  private:
    enum class Resolution { Ok, NotRecognized, PasscodeRequired };
    Resolution Resolve(const std::string& call_id, const std::string& passcode,
                       std::size_t& space) const;
    void Log(const std::string& text) const;
    void After(Duration delay, std::function<void()> step);
    // The join's steps, each after the one before; each gives up when the session is gone.
    void InstantiateUser(const std::string& token, JoinDone done);
    void AllocateCall(const std::string& token, JoinDone done);
    // The session a join step works on, or nullptr after telling `done` `why` not.
    GuestSession* SessionOrTell(const std::string& token, const JoinDone& done, const char* why);

    WebBridgeSettings m_web_bridge;
    std::vector<SpaceState> m_spaces;
    Rng m_rng;
    LogSink m_log;
    LoginStepTimes m_steps;
    StepScheduler m_schedule;
    std::uint64_t m_next_login_request = 1;
    std::uint64_t m_next_call = 1;
    std::size_t m_storage_queue = 0; // credential storage operations not yet done
    std::map<std::string, GuestSession> m_sessions;
    std::vector<std::string> m_join_order; // tokens, in the order they joined
    std::size_t m_peak_in_call = 0;
};

} // namespace cmslab::cms
