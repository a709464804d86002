// A state that moves only through one transition function: `next(from, step)` says where
// a step leads, or nullopt when it makes no sense there. Such a step is refused and
// counted, never silently applied, so a protocol machine's counters show the events that
// arrived in the wrong state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace cmslab {

// One row of a transition table: `step` in state `from` leads to `to`.
template <class State, class Step> struct Transition {
    State from;
    Step step;
    State to;
};

// Where `step` leads from `from` in `table`; nullopt when no row says.
template <class State, class Step, std::size_t N>
constexpr std::optional<State> FollowTransition(const Transition<State, Step> (&table)[N],
                                                State from, Step step) {
    for (const auto& row : table)
        if (row.from == from && row.step == step)
            return row.to;
    return std::nullopt;
}

template <class State, class Step> class StateMachine {
  public:
    using Next = std::optional<State> (*)(State from, Step step);

    StateMachine(State initial, Next next) : m_state(initial), m_next(next) {}

    State Get() const { return m_state; }
    // Moves by `step`; false (and counted) when the step makes no sense in this state.
    bool Move(Step step) {
        const std::optional<State> to = m_next(m_state, step);
        if (!to) {
            ++m_refused;
            return false;
        }
        m_state = *to;
        return true;
    }
    // An event that made no sense in the state it came in, though it moved nothing.
    void CountRefused() { ++m_refused; }
    std::uint64_t Refused() const { return m_refused; }

  private:
    State m_state;
    Next m_next;
    std::uint64_t m_refused = 0;
};

} // namespace cmslab
