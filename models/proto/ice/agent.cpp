#include "ice/agent.h"

#include "stun/demux.h"
#include "stun/integrity.h"

#include <algorithm>
#include <sstream>

namespace cmslab::ice {

const char* AgentStateName(AgentState state) {
    switch (state) {
    case AgentState::New:
        return "new";
    case AgentState::Checking:
        return "checking";
    case AgentState::Connected:
        return "connected";
    case AgentState::Completed:
        return "completed";
    case AgentState::Failed:
        return "failed";
    case AgentState::Closed:
        return "closed";
    }
    return "?";
}

const char* PairStateName(PairState state) {
    switch (state) {
    case PairState::Frozen:
        return "Frozen";
    case PairState::Waiting:
        return "Waiting";
    case PairState::InProgress:
        return "In-Progress";
    case PairState::Succeeded:
        return "Succeeded";
    case PairState::Failed:
        return "Failed";
    }
    return "?";
}

std::uint64_t PairPriority(std::uint32_t g, std::uint32_t d) {
    const std::uint64_t lo = std::min(g, d);
    const std::uint64_t hi = std::max(g, d);
    return (lo << 32) + 2 * hi + (g > d ? 1 : 0);
}

Agent::Agent(AgentConfig config, Rng rng)
    : m_config(std::move(config)), m_rng(std::move(rng)), m_role(m_config.role) {
    if (!ValidCredentials(m_config.local))
        m_config.local = GenerateCredentials(m_rng);
    m_tie_breaker = m_rng.U64();
}

void Agent::SetRemoteCredentials(const Credentials& remote) {
    m_remote_credentials = remote;
}

bool Agent::Pairable(std::size_t local) const {
    const CandidateType t = m_locals[local].candidate.type;
    return t == CandidateType::Host || t == CandidateType::Relayed;
}

bool Agent::AddLocalCandidate(const Candidate& candidate, Instant) {
    if (m_state == AgentState::Failed || m_state == AgentState::Closed)
        return false;
    if (!candidate.IsUdp() || candidate.component != 1)
        return false;
    for (const Local& l : m_locals)
        if (l.candidate.address == candidate.address && l.candidate.type == candidate.type)
            return false;
    Local local{candidate, candidate.address};
    if (candidate.type == CandidateType::ServerReflexive) {
        if (!candidate.related)
            return false;
        local.base = *candidate.related;
    }
    m_locals.push_back(local);
    m_locals_view.push_back(candidate);
    AddPairsForLocal(m_locals.size() - 1);
    return true;
}

bool Agent::AddRemoteCandidate(const Candidate& candidate, Instant) {
    if (m_state == AgentState::Failed || m_state == AgentState::Closed)
        return false;
    if (!candidate.IsUdp() || candidate.component != 1)
        return false;
    if (auto existing = FindRemote(candidate.address)) {
        Candidate& known = m_remotes[*existing];
        // A signalled candidate replaces the peer-reflexive one learned from its checks.
        if (known.type != CandidateType::PeerReflexive ||
            candidate.type == CandidateType::PeerReflexive)
            return false;
        known = candidate;
        for (Pair& p : m_pairs)
            if (p.remote == *existing)
                p.foundation = m_locals[p.local].candidate.foundation + "/" + candidate.foundation;
        RecomputePriorities();
        return true;
    }
    if (m_remotes.size() >= m_config.max_remote_candidates)
        return false;
    m_remotes.push_back(candidate);
    AddPairsForRemote(m_remotes.size() - 1);
    return true;
}

void Agent::SetRemoteEndOfCandidates(Instant) {
    m_remote_eoc = true;
    CheckAllFailed();
}

void Agent::SetLocalEndOfCandidates(Instant) {
    m_local_eoc = true;
    CheckAllFailed();
}

void Agent::AddPairsForLocal(std::size_t local) {
    if (!Pairable(local))
        return;
    for (std::size_t r = 0; r < m_remotes.size(); ++r)
        AddPair(local, r);
}

void Agent::AddPairsForRemote(std::size_t remote) {
    for (std::size_t l = 0; l < m_locals.size(); ++l)
        if (Pairable(l))
            AddPair(l, remote);
}

std::optional<std::size_t> Agent::AddPair(std::size_t local, std::size_t remote) {
    const Candidate& lc = m_locals[local].candidate;
    const Candidate& rc = m_remotes[remote];
    if (lc.address.address.family != rc.address.address.family)
        return std::nullopt;
    if (auto existing = FindPair(local, remote))
        return existing;
    if (m_pairs.size() >= m_config.max_pairs)
        return std::nullopt;
    Pair p;
    p.local = local;
    p.remote = remote;
    p.foundation = lc.foundation + "/" + rc.foundation;
    const std::uint32_t g = m_role == Role::Controlling ? lc.priority : rc.priority;
    const std::uint32_t d = m_role == Role::Controlling ? rc.priority : lc.priority;
    p.priority = PairPriority(g, d);
    // The frozen algorithm (RFC 8445 6.1.2.6) for one component: the first pair of a
    // foundation waits, later ones stay frozen until that foundation's check is over.
    bool busy = false;
    bool succeeded = false;
    for (const Pair& o : m_pairs) {
        if (o.foundation != p.foundation)
            continue;
        busy |= o.state == PairState::Waiting || o.state == PairState::InProgress;
        succeeded |= o.state == PairState::Succeeded;
    }
    p.state = (!busy || succeeded) ? PairState::Waiting : PairState::Frozen;
    m_pairs.push_back(p);
    return m_pairs.size() - 1;
}

void Agent::RecomputePriorities() {
    for (Pair& p : m_pairs) {
        const std::uint32_t lp = m_locals[p.local].candidate.priority;
        const std::uint32_t rp = m_remotes[p.remote].priority;
        p.priority = m_role == Role::Controlling ? PairPriority(lp, rp) : PairPriority(rp, lp);
    }
}

std::uint32_t Agent::PeerReflexivePriority(const Local& local) const {
    const auto local_pref = static_cast<std::uint16_t>((local.candidate.priority >> 8) & 0xFFFF);
    return CandidatePriority(CandidateType::PeerReflexive, local_pref, local.candidate.component);
}

std::optional<std::size_t> Agent::FindLocal(const Endpoint& address) const {
    for (std::size_t i = 0; i < m_locals.size(); ++i)
        if (m_locals[i].candidate.address == address && Pairable(i))
            return i;
    return std::nullopt;
}

std::optional<std::size_t> Agent::FindRemote(const Endpoint& address) const {
    for (std::size_t i = 0; i < m_remotes.size(); ++i)
        if (m_remotes[i].address == address)
            return i;
    return std::nullopt;
}

std::optional<std::size_t> Agent::FindPair(std::size_t local, std::size_t remote) const {
    for (std::size_t i = 0; i < m_pairs.size(); ++i)
        if (m_pairs[i].local == local && m_pairs[i].remote == remote)
            return i;
    return std::nullopt;
}

void Agent::Start(Instant now) {
    if (m_state != AgentState::New)
        return;
    m_started = now;
    m_next_check = now;
    SetState(AgentState::Checking);
}

void Agent::Close() {
    if (m_state == AgentState::Closed)
        return;
    m_transactions.clear();
    m_triggered.clear();
    m_transmits.clear();
    SetState(AgentState::Closed);
}

void Agent::SetState(AgentState state) {
    if (state == m_state)
        return;
    m_state = state;
    Emit(agent_event::StateChanged{state});
}

void Agent::Fail(const std::string& reason) {
    if (m_state == AgentState::Failed || m_state == AgentState::Closed)
        return;
    m_failure_reason = reason;
    m_transactions.clear();
    m_triggered.clear();
    m_next_consent.reset();
    SetState(AgentState::Failed);
    Emit(agent_event::Failed{reason});
}

bool Agent::CanCheck() const {
    return m_remote_credentials && m_started && m_state == AgentState::Checking;
}

void Agent::Send(std::size_t local, const Endpoint& to, Bytes data) {
    Transmit t;
    t.local = m_locals[local].base;
    t.local_type = m_locals[local].candidate.type;
    t.to = to;
    t.data = std::move(data);
    m_transmits.push_back(std::move(t));
}

void Agent::SendCheck(std::size_t pair, bool use_candidate, bool consent, Instant now) {
    if (!m_remote_credentials)
        return;
    Pair& p = m_pairs[pair];
    stun::TransactionId id;
    m_rng.Fill(id.data(), id.size());
    CheckRequest check;
    check.local_ufrag = m_config.local.ufrag;
    check.remote_ufrag = m_remote_credentials->ufrag;
    check.remote_pwd = m_remote_credentials->pwd;
    check.priority = PeerReflexivePriority(m_locals[p.local]);
    check.role = m_role;
    check.tie_breaker = m_tie_breaker;
    check.use_candidate = use_candidate;
    check.software = m_config.software;
    Transaction tx;
    tx.pair = pair;
    tx.wire = EncodeCheck(check, id);
    tx.rto = m_config.rto;
    tx.next = now + tx.rto;
    tx.sends = 1;
    tx.use_candidate = use_candidate;
    tx.consent = consent;
    tx.role = m_role;
    tx.first_sent = now;
    if (consent)
        ++m_counters.consent_checks;
    else
        p.state = PairState::InProgress;
    ++p.checks_sent;
    ++m_counters.checks_sent;
    Send(p.local, m_remotes[p.remote].address, tx.wire);
    m_transactions[id] = std::move(tx);
}

void Agent::Unfreeze(const std::string& foundation) {
    for (Pair& p : m_pairs)
        if (p.state == PairState::Frozen && p.foundation == foundation)
            p.state = PairState::Waiting;
}

std::optional<std::size_t> Agent::NextOrdinaryCheck() {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < m_pairs.size(); ++i)
        if (m_pairs[i].state == PairState::Waiting &&
            (!best || m_pairs[i].priority > m_pairs[*best].priority))
            best = i;
    if (best)
        return best;
    // Nothing waiting: wake the best frozen pair whose foundation has nothing under way
    // (RFC 8445 6.1.4.2).
    for (std::size_t i = 0; i < m_pairs.size(); ++i) {
        if (m_pairs[i].state != PairState::Frozen)
            continue;
        bool busy = false;
        for (const Pair& o : m_pairs)
            busy |= o.foundation == m_pairs[i].foundation &&
                    (o.state == PairState::Waiting || o.state == PairState::InProgress);
        if (!busy && (!best || m_pairs[i].priority > m_pairs[*best].priority))
            best = i;
    }
    return best;
}

void Agent::Triggered(std::size_t pair) {
    Pair& p = m_pairs[pair];
    if (p.state == PairState::Succeeded || p.state == PairState::InProgress)
        return;
    p.state = PairState::Waiting;
    if (std::find(m_triggered.begin(), m_triggered.end(), pair) == m_triggered.end())
        m_triggered.push_back(pair);
}

bool Agent::HandleInput(const Endpoint& local, const Endpoint& from, ByteView data, Instant now) {
    if (m_state == AgentState::Closed)
        return false;
    if (!stun::LooksLikeStun(data))
        return false;
    auto message = stun::Message::Decode(data);
    if (!message) {
        ++m_counters.dropped;
        return true;
    }
    if (message->Method() != stun::method::kBinding)
        return false;
    if (m_state == AgentState::Failed)
        return true;
    const auto li = FindLocal(local);
    if (!li) {
        ++m_counters.dropped;
        return true;
    }
    if (message->IsRequest())
        HandleRequest(*li, from, *message, now);
    else if (message->IsResponse())
        HandleResponse(*li, from, *message, now);
    // Binding indications are keepalives: nothing to do.
    return true;
}

void Agent::HandleRequest(std::size_t li, const Endpoint& from, const stun::Message& m,
                          Instant now) {
    const CheckVerdict verdict = ValidateCheck(m, m_config.local);
    if (verdict.drop) {
        ++m_counters.dropped;
        return;
    }
    if (verdict.error) {
        if (verdict.error == stun::error::kUnauthorized)
            ++m_counters.answered_401;
        else
            ++m_counters.answered_400;
        Send(li, from, EncodeCheckError(m, verdict.error, std::nullopt, m_config.software));
        return;
    }
    const ReceivedCheck& check = verdict.check;

    // Role conflict, RFC 8445 7.3.1.1: the larger tie-breaker keeps controlling.
    if (m_role == Role::Controlling && check.controlling) {
        if (m_tie_breaker >= *check.controlling) {
            ++m_counters.answered_487;
            Send(li, from, EncodeCheckError(m, 487, m_config.local.pwd, m_config.software));
            return;
        }
        SwitchRole(Role::Controlled, "peer is also controlling with a larger tie-breaker");
    } else if (m_role == Role::Controlled && check.controlled) {
        if (m_tie_breaker >= *check.controlled) {
            SwitchRole(Role::Controlling, "peer is also controlled with a smaller tie-breaker");
        } else {
            ++m_counters.answered_487;
            Send(li, from, EncodeCheckError(m, 487, m_config.local.pwd, m_config.software));
            return;
        }
    }

    ++m_counters.checks_received;
    Send(li, from, EncodeCheckSuccess(m, from, m_config.local.pwd, m_config.software));

    // A source we were not told about is a peer-reflexive candidate (7.3.1.3).
    auto ri = FindRemote(from);
    if (!ri) {
        if (m_remotes.size() >= m_config.max_remote_candidates)
            return;
        Candidate prflx;
        prflx.type = CandidateType::PeerReflexive;
        prflx.address = from;
        prflx.priority = check.priority;
        prflx.foundation = ComputeFoundation(CandidateType::PeerReflexive, from.address);
        m_remotes.push_back(prflx);
        ri = m_remotes.size() - 1;
    }
    const auto pi = AddPair(li, *ri);
    if (!pi)
        return;
    if (!m_selected || m_state == AgentState::Checking)
        Triggered(*pi);
    if (check.use_candidate && m_role == Role::Controlled) {
        Pair& p = m_pairs[*pi];
        if (p.valid) {
            p.nominated = true;
            Select(*pi, now);
        } else {
            p.nominate_on_success = true;
        }
    }
}

void Agent::HandleResponse(std::size_t li, const Endpoint& from, const stun::Message& m,
                           Instant now) {
    auto it = m_transactions.find(m.Id());
    if (it == m_transactions.end() || !m_remote_credentials) {
        ++m_counters.dropped;
        return;
    }
    if (stun::CheckFingerprint(m) == stun::Check::Invalid) {
        ++m_counters.dropped;
        return;
    }
    const stun::Check integrity =
        stun::CheckMessageIntegrity(m, stun::ShortTermKey(m_remote_credentials->pwd));
    const auto error =
        m.MessageClass() == stun::Class::ErrorResponse ? m.GetErrorCode() : std::nullopt;
    // A success must prove it knows the peer's password; an error may come unsigned only
    // when it says the request could not be authenticated (400, 401).
    const bool acceptable =
        integrity == stun::Check::Valid ||
        (integrity == stun::Check::Absent && error && (error->code == 400 || error->code == 401));
    if (!acceptable || (m.MessageClass() == stun::Class::ErrorResponse && !error)) {
        ++m_counters.dropped;
        return;
    }
    const Transaction tx = it->second;
    m_transactions.erase(it);
    Pair& p = m_pairs[tx.pair];
    const bool symmetric = li == p.local && from == m_remotes[p.remote].address;

    if (tx.consent) {
        if (!error && symmetric) {
            m_last_consent = now;
            MeasureRoundTrip(tx, now);
        }
        return;
    }
    if (!error) {
        const auto mapped = m.GetXorAddress(stun::attr::kXorMappedAddress);
        if (!symmetric || !mapped) {
            m_last_error = !symmetric ? "a response came from an address the check was not "
                                        "sent to"
                                      : "a success response without XOR-MAPPED-ADDRESS";
            PairFailed(tx.pair);
            return;
        }
        PairSucceeded(tx.pair, tx, *mapped, now);
        MeasureRoundTrip(tx, now);
        return;
    }
    if (error->code == 487) {
        ++m_counters.received_487;
        SwitchRole(tx.role == Role::Controlling ? Role::Controlled : Role::Controlling,
                   "487 Role Conflict from the peer");
        if (m_nominating == tx.pair)
            m_nominating.reset();
        p.state = PairState::Waiting;
        Triggered(tx.pair);
        return;
    }
    if (error->code == 401) {
        ++m_counters.received_401;
        m_last_error = "the peer answered 401 Unauthorized: our checks fail its integrity "
                       "check (wrong ice-pwd or ufrag)";
    } else {
        ++m_counters.other_errors;
        m_last_error = "the peer answered " + std::to_string(error->code) + " " + error->reason;
    }
    PairFailed(tx.pair);
}

void Agent::PairSucceeded(std::size_t pi, const Transaction& tx, const Endpoint& mapped,
                          Instant now) {
    Pair& p = m_pairs[pi];
    const Local base = m_locals[p.local];
    if (mapped != base.candidate.address) {
        // The peer saw us at an address we did not know: a local peer-reflexive candidate
        // (7.2.5.3.1). Sending still goes from its base, so the checked pair stays valid.
        bool known = false;
        for (const Local& l : m_locals)
            known |= l.candidate.address == mapped;
        if (!known) {
            Local prflx{base.candidate, base.base};
            prflx.candidate.type = CandidateType::PeerReflexive;
            prflx.candidate.address = mapped;
            prflx.candidate.related.reset();
            prflx.candidate.priority = PeerReflexivePriority(base);
            prflx.candidate.foundation =
                ComputeFoundation(CandidateType::PeerReflexive, base.base.address);
            m_locals.push_back(prflx);
            m_locals_view.push_back(prflx.candidate);
        }
    }
    p.state = PairState::Succeeded;
    p.valid = true;
    if (!m_first_valid)
        m_first_valid = now;
    Unfreeze(p.foundation);
    if (tx.use_candidate && m_role == Role::Controlling) {
        p.nominated = true;
        m_nominating.reset();
        Select(pi, now);
    } else if (p.nominate_on_success && m_role == Role::Controlled) {
        p.nominated = true;
        Select(pi, now);
    } else if (m_selected && *m_selected == pi) {
        m_last_consent = now;
    }
    MaybeNominate(now);
    MaybeComplete();
}

void Agent::PairFailed(std::size_t pi) {
    Pair& p = m_pairs[pi];
    p.state = PairState::Failed;
    p.valid = false;
    if (m_nominating == pi)
        m_nominating.reset();
    MaybeComplete();
    CheckAllFailed();
}

void Agent::SwitchRole(Role role, const std::string& why) {
    if (role == m_role)
        return;
    m_role = role;
    m_nominating.reset();
    RecomputePriorities();
    Emit(agent_event::RoleChanged{role, why});
}

void Agent::MeasureRoundTrip(const Transaction& tx, Instant now) {
    if (!m_selected || *m_selected != tx.pair || tx.sends != 1)
        return;
    const Duration rtt = now - tx.first_sent;
    ++m_round_trip.samples;
    m_round_trip.last = rtt;
    m_round_trip.max = std::max(m_round_trip.max, rtt);
    m_round_trip.total += rtt;
}

void Agent::Select(std::size_t pi, Instant now) {
    if (m_selected && (*m_selected == pi || m_pairs[*m_selected].priority > m_pairs[pi].priority))
        return;
    m_selected = pi;
    m_round_trip = RoundTrip{};
    const Pair& p = m_pairs[pi];
    Emit(agent_event::SelectedPair{m_locals[p.local].candidate, m_remotes[p.remote]});
    m_last_consent = now;
    if (m_config.consent_interval.count() > 0)
        m_next_consent = now + m_config.consent_interval;
    // Once nominated, checks of other pairs have nothing left to decide (8.1.2).
    m_triggered.clear();
    for (auto it = m_transactions.begin(); it != m_transactions.end();) {
        if (!it->second.consent && it->second.pair != pi) {
            if (m_pairs[it->second.pair].state == PairState::InProgress)
                m_pairs[it->second.pair].state = PairState::Waiting;
            it = m_transactions.erase(it);
        } else {
            ++it;
        }
    }
    if (m_state == AgentState::Checking)
        SetState(AgentState::Connected);
    MaybeComplete();
}

void Agent::MaybeNominate(Instant now) {
    if (m_role != Role::Controlling || m_selected || m_nominating ||
        m_state != AgentState::Checking || !m_remote_credentials)
        return;
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < m_pairs.size(); ++i)
        if (m_pairs[i].valid && (!best || m_pairs[i].priority > m_pairs[*best].priority))
            best = i;
    if (!best)
        return;
    bool better_pending = false;
    for (const Pair& p : m_pairs)
        better_pending |= p.priority > m_pairs[*best].priority &&
                          (p.state == PairState::Waiting || p.state == PairState::InProgress ||
                           p.state == PairState::Frozen);
    if (better_pending && m_first_valid && now < *m_first_valid + m_config.nomination_delay)
        return;
    m_nominating = best;
    SendCheck(*best, true, false, now);
}

void Agent::MaybeComplete() {
    if (m_state != AgentState::Connected || !m_selected)
        return;
    for (const auto& [id, tx] : m_transactions)
        if (!tx.consent)
            return;
    SetState(AgentState::Completed);
}

void Agent::CheckAllFailed() {
    if (m_state != AgentState::Checking || m_selected || !m_remote_eoc || !m_local_eoc ||
        m_pairs.empty())
        return;
    for (const Pair& p : m_pairs)
        if (p.state != PairState::Failed)
            return;
    Fail("every candidate pair failed: " +
         (m_last_error.empty() ? std::string("no answer to any check") : m_last_error));
}

std::string Agent::TimeoutReason() const {
    std::ostringstream out;
    out << "no candidate pair succeeded within "
        << std::chrono::duration_cast<std::chrono::milliseconds>(m_config.failure_timeout).count()
        << " ms: ";
    if (!m_remote_credentials)
        out << "no remote ICE credentials";
    else if (m_remotes.empty())
        out << "no remote candidates";
    else if (m_pairs.empty())
        out << "no candidate pairs (no local and remote candidates of one address family)";
    else if (!m_last_error.empty())
        out << m_last_error;
    else
        out << "no answer to any check";
    out << " (" << m_counters.checks_sent << " checks sent, " << m_counters.received_401
        << " answered 401, " << m_counters.check_timeouts << " timed out)";
    return out.str();
}

std::optional<Instant> Agent::NextTimeout() const {
    if (m_state == AgentState::Failed || m_state == AgentState::Closed)
        return std::nullopt;
    std::optional<Instant> next;
    auto consider = [&next](Instant t) {
        if (!next || t < *next)
            next = t;
    };
    if (m_started && !m_selected)
        consider(*m_started + m_config.failure_timeout);
    for (const auto& [id, tx] : m_transactions)
        consider(tx.next);
    if (CanCheck() && m_next_check) {
        bool work = !m_triggered.empty();
        for (const Pair& p : m_pairs)
            work |= p.state == PairState::Waiting || p.state == PairState::Frozen;
        if (work)
            consider(*m_next_check);
    }
    if (m_role == Role::Controlling && !m_selected && !m_nominating && m_first_valid &&
        m_state == AgentState::Checking)
        consider(*m_first_valid + m_config.nomination_delay);
    if (m_selected && m_next_consent) {
        consider(*m_next_consent);
        consider(m_last_consent + m_config.consent_timeout);
    }
    return next;
}

void Agent::HandleTimeout(Instant now) {
    if (m_state == AgentState::Failed || m_state == AgentState::Closed ||
        m_state == AgentState::New)
        return;
    if (m_started && !m_selected && now >= *m_started + m_config.failure_timeout) {
        Fail(TimeoutReason());
        return;
    }

    // Retransmissions and give-ups.
    std::vector<std::size_t> timed_out;
    for (auto it = m_transactions.begin(); it != m_transactions.end();) {
        Transaction& tx = it->second;
        if (tx.next > now) {
            ++it;
            continue;
        }
        if (tx.sends >= m_config.max_check_sends) {
            if (!tx.consent) {
                ++m_counters.check_timeouts;
                timed_out.push_back(tx.pair);
            }
            it = m_transactions.erase(it);
            continue;
        }
        ++tx.sends;
        ++m_counters.checks_sent;
        ++m_pairs[tx.pair].checks_sent;
        tx.rto = std::min(tx.rto * 2, m_config.max_rto);
        tx.next = now + tx.rto;
        Send(m_pairs[tx.pair].local, m_remotes[m_pairs[tx.pair].remote].address, tx.wire);
        ++it;
    }
    for (std::size_t pi : timed_out) {
        if (m_last_error.empty())
            m_last_error = "no answer to any check";
        PairFailed(pi);
    }
    if (m_state == AgentState::Failed)
        return;

    // One new check per Ta: triggered first, then the best waiting (or unfrozen) pair.
    if (CanCheck() && m_next_check && now >= *m_next_check) {
        std::optional<std::size_t> pick;
        while (!m_triggered.empty() && !pick) {
            const std::size_t pi = m_triggered.front();
            m_triggered.pop_front();
            if (m_pairs[pi].state == PairState::Waiting)
                pick = pi;
        }
        if (!pick)
            pick = NextOrdinaryCheck();
        if (pick) {
            SendCheck(*pick, false, false, now);
            m_next_check = now + m_config.ta;
        } else {
            m_next_check = now;
        }
    }

    MaybeNominate(now);

    // Consent freshness on the selected pair (RFC 7675).
    if (m_selected && m_next_consent) {
        if (now >= m_last_consent + m_config.consent_timeout) {
            Fail("consent expired: no answer on the selected pair for " +
                 std::to_string(
                     std::chrono::duration_cast<std::chrono::milliseconds>(m_config.consent_timeout)
                         .count()) +
                 " ms");
            return;
        }
        if (now >= *m_next_consent) {
            SendCheck(*m_selected, m_role == Role::Controlling, true, now);
            // Randomised to 0.8-1.2 of the interval so that checks do not synchronise.
            const auto base = m_config.consent_interval.count();
            const auto jitter = static_cast<std::int64_t>(m_rng.Uniform(0, 400)) - 200;
            m_next_consent = now + Duration(base + base / 1000 * jitter);
        }
    }
    CheckAllFailed();
}

std::optional<Transmit> Agent::PollTransmit() {
    if (m_transmits.empty())
        return std::nullopt;
    Transmit t = std::move(m_transmits.front());
    m_transmits.pop_front();
    return t;
}

std::optional<AgentEvent> Agent::PollEvent() {
    if (m_events.empty())
        return std::nullopt;
    AgentEvent e = std::move(m_events.front());
    m_events.pop_front();
    return e;
}

std::optional<std::pair<Candidate, Candidate>> Agent::SelectedPair() const {
    if (!m_selected)
        return std::nullopt;
    const Pair& p = m_pairs[*m_selected];
    return std::make_pair(m_locals[p.local].candidate, m_remotes[p.remote]);
}

std::vector<PairInfo> Agent::Pairs() const {
    std::vector<PairInfo> out;
    for (const Pair& p : m_pairs)
        out.push_back(PairInfo{m_locals[p.local].candidate, m_remotes[p.remote], p.priority,
                               p.state, p.nominated, p.checks_sent});
    std::stable_sort(out.begin(), out.end(),
                     [](const PairInfo& a, const PairInfo& b) { return a.priority > b.priority; });
    return out;
}

std::vector<Candidate> Agent::RemoteCandidates() const {
    return m_remotes;
}

} // namespace cmslab::ice
