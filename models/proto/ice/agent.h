// A sans-I/O full ICE agent (RFC 8445) for one component over UDP, as WebRTC uses it
// between a browser and a media server: local and remote candidates (remote ones may
// trickle in late), a checklist with the frozen algorithm, paced checks (Ta), triggered
// checks, peer-reflexive candidates, role conflicts (487), regular nomination by the
// controlling agent, consent freshness (RFC 7675) on the selected pair, and an overall
// failure timeout.
//
// The agent knows no sockets and no TURN. It says "send these bytes from local candidate
// X to remote address Y" (PollTransmit) and is told "these bytes arrived at local
// candidate X from Y" (HandleInput). X is the candidate's address: a host address, or
// the relayed address of a TURN allocation, which the caller maps to its TURN client.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"
#include "ice/candidate.h"
#include "ice/connectivity_check.h"
#include "ice/credentials.h"
#include "stun/message.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cmslab::ice {

struct AgentConfig {
    Role role = Role::Controlling;
    // Empty: generated from the agent's Rng.
    Credentials local;
    // Pacing of new checks (RFC 8445 14.2).
    Duration ta = std::chrono::milliseconds(50);
    // First retransmission of a check; doubles after each, up to `max_rto`.
    Duration rto = std::chrono::milliseconds(500);
    Duration max_rto = std::chrono::milliseconds(1600);
    // Sends of one check before its pair fails.
    std::uint32_t max_check_sends = 7;
    // No selected pair this long after Start: Failed. Browsers give up after about 30 s.
    Duration failure_timeout = std::chrono::seconds(30);
    // Regular nomination: the controlling agent nominates the best valid pair when no
    // better pair is still being checked, or this long after the first valid pair.
    Duration nomination_delay = std::chrono::milliseconds(500);
    // RFC 7675: a consent check every interval (randomised by +-20%), and consent lost
    // when none succeeded for `consent_timeout`. Zero interval: no consent checks.
    Duration consent_interval = std::chrono::seconds(5);
    Duration consent_timeout = std::chrono::seconds(30);
    std::string software; // SOFTWARE in checks and answers when not empty
    std::size_t max_pairs = 100;
    std::size_t max_remote_candidates = 64;
};

enum class AgentState : std::uint8_t { New, Checking, Connected, Completed, Failed, Closed };
const char* AgentStateName(AgentState state); // "new", "checking", ...

enum class PairState : std::uint8_t { Frozen, Waiting, InProgress, Succeeded, Failed };
const char* PairStateName(PairState state);

// RFC 8445 6.1.2.3: 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), G the controlling agent's
// candidate priority, D the controlled one's.
std::uint64_t PairPriority(std::uint32_t controlling, std::uint32_t controlled);

struct Transmit {
    Endpoint local; // the local candidate's address: send from it (via TURN if relayed)
    CandidateType local_type = CandidateType::Host;
    Endpoint to;
    Bytes data;
};

// What the agent reports, one struct per kind; users std::visit an AgentEvent with one
// overload per kind (common/overloaded.h).
namespace agent_event {

struct StateChanged {
    static constexpr const char* kName = "StateChanged";
    AgentState state = AgentState::New;
};

// A pair was selected (the first nominated one, or a better one later).
struct SelectedPair {
    static constexpr const char* kName = "SelectedPair";
    Candidate local;
    Candidate remote;
};

// Checks ran out before a pair was selected, or the selected pair lost consent.
struct Failed {
    static constexpr const char* kName = "Failed";
    std::string reason;
};

// A role conflict (487) was resolved by switching role (RFC 8445 7.3.1.1).
struct RoleChanged {
    static constexpr const char* kName = "RoleChanged";
    Role role = Role::Controlling;
    std::string reason;
};

} // namespace agent_event

using AgentEvent = std::variant<agent_event::StateChanged, agent_event::SelectedPair,
                                agent_event::Failed, agent_event::RoleChanged>;

inline const char* EventName(const AgentEvent& e) {
    return std::visit([](const auto& kind) { return kind.kName; }, e);
}

struct PairInfo {
    Candidate local;
    Candidate remote;
    std::uint64_t priority = 0;
    PairState state = PairState::Frozen;
    bool nominated = false;
    std::uint32_t checks_sent = 0;
};

// The round trip of the checks on the selected pair (the check that nominated it, then
// the consent checks): the time from a request to its success response, only for
// requests sent once (Karn's rule: an answer to a retransmission could answer either
// send). What a browser's getStats() reports as the pair's currentRoundTripTime.
struct RoundTrip {
    std::uint32_t samples = 0;
    Duration last{};
    Duration max{};
    Duration total{};
    double MeanMs() const {
        return samples == 0 ? 0
                            : std::chrono::duration<double, std::milli>(total).count() / samples;
    }
    double MaxMs() const { return std::chrono::duration<double, std::milli>(max).count(); }
};

struct AgentCounters {
    std::uint64_t checks_sent = 0;     // including retransmissions
    std::uint64_t checks_received = 0; // valid requests answered with success
    std::uint64_t answered_400 = 0;
    std::uint64_t answered_401 = 0;
    std::uint64_t answered_487 = 0;
    std::uint64_t received_401 = 0; // our checks refused for integrity
    std::uint64_t received_487 = 0;
    std::uint64_t other_errors = 0; // other error responses to our checks
    std::uint64_t check_timeouts = 0;
    std::uint64_t dropped = 0; // not STUN, bad FINGERPRINT, unknown transaction, ...
    std::uint64_t consent_checks = 0;
};

class Agent {
  public:
    Agent(AgentConfig config, Rng rng);

    const Credentials& LocalCredentials() const { return m_config.local; }
    // From the peer's SDP (a=ice-ufrag / a=ice-pwd). Checks wait until these are known;
    // incoming checks are answered before.
    void SetRemoteCredentials(const Credentials& remote);

    // Local candidates: host and relayed ones are paired; a server-reflexive one is
    // signalled but paired through its base (RFC 8445 6.1.2.4). Non-UDP and duplicate
    // candidates are refused (false).
    bool AddLocalCandidate(const Candidate& candidate, Instant now);
    // A remote candidate from the peer's SDP or a trickled a=candidate; may come at any
    // time, before or after Start. Refused: non-UDP, component other than 1, duplicates,
    // over max_remote_candidates.
    bool AddRemoteCandidate(const Candidate& candidate, Instant now);
    // a=end-of-candidates both ways: with both, a checklist whose pairs all failed fails
    // at once instead of waiting for the timeout.
    void SetRemoteEndOfCandidates(Instant now);
    void SetLocalEndOfCandidates(Instant now);

    // Starts checking (state Checking) and the failure timer.
    void Start(Instant now);
    // Stops everything (state Closed); nothing is sent afterwards.
    void Close();

    // A datagram that arrived at a local candidate (host address, or the relayed address
    // of the TURN allocation it came through). Returns false if it is not STUN for this
    // agent (the caller then treats it as DTLS/RTP or drops it).
    bool HandleInput(const Endpoint& local, const Endpoint& from, ByteView data, Instant now);
    std::optional<Instant> NextTimeout() const;
    void HandleTimeout(Instant now);

    std::optional<Transmit> PollTransmit();
    std::optional<AgentEvent> PollEvent();

    AgentState State() const { return m_state; }
    Role GetRole() const { return m_role; }
    std::uint64_t TieBreaker() const { return m_tie_breaker; }
    // The pair media goes over once nominated: send from `local` to `remote.address`.
    std::optional<std::pair<Candidate, Candidate>> SelectedPair() const;
    std::vector<PairInfo> Pairs() const; // highest priority first
    const std::vector<Candidate>& LocalCandidates() const { return m_locals_view; }
    std::vector<Candidate> RemoteCandidates() const;
    const AgentCounters& Counters() const { return m_counters; }
    // Of the selected pair; empty before one is selected (it starts again on a new one).
    const RoundTrip& SelectedRoundTrip() const { return m_round_trip; }
    // Why the agent failed ("" unless Failed).
    const std::string& FailureReason() const { return m_failure_reason; }

  private:
    struct Local {
        Candidate candidate;
        Endpoint base; // where it sends from: itself, or for srflx its host base
    };
    struct Pair {
        std::size_t local = 0;
        std::size_t remote = 0;
        std::uint64_t priority = 0;
        PairState state = PairState::Frozen;
        bool valid = false;
        bool nominated = false;
        bool nominate_on_success = false; // controlled: USE-CANDIDATE came before success
        std::uint32_t checks_sent = 0;
        std::string foundation;
    };
    struct Transaction {
        std::size_t pair = 0;
        Bytes wire;
        Instant next{};
        Duration rto{};
        std::uint32_t sends = 0;
        bool use_candidate = false;
        bool consent = false;
        Role role = Role::Controlling; // the role attribute the request carried
        Instant first_sent{};
    };

    void SetState(AgentState state);
    void Fail(const std::string& reason);
    void Emit(AgentEvent e) { m_events.push_back(std::move(e)); }
    void AddPairsForLocal(std::size_t local);
    void AddPairsForRemote(std::size_t remote);
    std::optional<std::size_t> AddPair(std::size_t local, std::size_t remote);
    bool Pairable(std::size_t local) const;
    void RecomputePriorities();
    std::uint32_t PeerReflexivePriority(const Local& local) const;
    std::optional<std::size_t> FindLocal(const Endpoint& address) const;
    std::optional<std::size_t> FindRemote(const Endpoint& address) const;
    std::optional<std::size_t> FindPair(std::size_t local, std::size_t remote) const;
    bool CanCheck() const;
    void SendCheck(std::size_t pair, bool use_candidate, bool consent, Instant now);
    void Send(std::size_t local, const Endpoint& to, Bytes data);
    std::optional<std::size_t> NextOrdinaryCheck();
    void Unfreeze(const std::string& foundation);
    void HandleRequest(std::size_t local, const Endpoint& from, const stun::Message& m,
                       Instant now);
    void HandleResponse(std::size_t local, const Endpoint& from, const stun::Message& m,
                        Instant now);
    void PairSucceeded(std::size_t pair, const Transaction& tx, const Endpoint& mapped,
                       Instant now);
    void PairFailed(std::size_t pair);
    void MeasureRoundTrip(const Transaction& tx, Instant now);
    void SwitchRole(Role role, const std::string& why);
    void Select(std::size_t pair, Instant now);
    void MaybeNominate(Instant now);
    void MaybeComplete();
    void CheckAllFailed();
    void Triggered(std::size_t pair);
    std::string TimeoutReason() const;

    AgentConfig m_config;
    Rng m_rng;
    Role m_role;
    std::uint64_t m_tie_breaker = 0;
    AgentState m_state = AgentState::New;
    std::optional<Credentials> m_remote_credentials;
    std::vector<Local> m_locals;
    std::vector<Candidate> m_locals_view;
    std::vector<Candidate> m_remotes;
    std::vector<Pair> m_pairs;
    std::deque<std::size_t> m_triggered;
    std::map<stun::TransactionId, Transaction> m_transactions;
    std::optional<Instant> m_started;
    std::optional<Instant> m_next_check;     // Ta pacing
    std::optional<Instant> m_first_valid;    // for the nomination delay
    std::optional<std::size_t> m_nominating; // pair with a USE-CANDIDATE check out
    std::optional<std::size_t> m_selected;
    std::optional<Instant> m_next_consent;
    Instant m_last_consent{};
    bool m_remote_eoc = false;
    bool m_local_eoc = false;
    std::deque<Transmit> m_transmits;
    std::deque<AgentEvent> m_events;
    AgentCounters m_counters;
    RoundTrip m_round_trip;
    std::string m_failure_reason;
    std::string m_last_error; // the most telling error seen on checks, for the reason
};

} // namespace cmslab::ice
