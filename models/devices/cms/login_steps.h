// How long the Call Bridge's steps of a guest login take, and the box's counters at
// start. The product does a guest login as queued steps (passcode resolution,
// credential storage, the answer; then, when the guest's client logs in with its
// session, the user's instantiation, its session and the call): each step is work
// that takes time, and the log line of a step is written when the step is done.
// The defaults are the gaps between the lines of the reference log (section 6).
#pragma once

#include "common/time.h"

#include <chrono>
#include <cstdint>
#include <functional>

namespace cmslab::cms {

struct LoginStepTimes {
    // Request received -> credential storage scheduled.
    Duration passcode_resolution = std::chrono::milliseconds(2);
    // Credential storage scheduled -> credentials stored.
    Duration credential_storage = std::chrono::milliseconds(2);
    // Credentials stored -> the web bridge's answer written.
    Duration response = std::chrono::milliseconds(26);
    // The guest's client logged in -> the user instantiated.
    Duration user_instantiation = std::chrono::milliseconds(699);
    // User instantiated -> its session created.
    Duration session_creation = std::chrono::milliseconds(4);
    // Session created -> the call allocated (the web client's conference participation).
    Duration call_allocation = std::chrono::milliseconds(3871);
};

// The numbers a box that has been up a while has reached: the next web bridge link,
// guest login request and call get these (the product numbers each from 1 at boot).
struct BoxCounters {
    std::uint64_t web_bridge_link = 1;
    std::uint64_t guest_login_request = 1;
    std::uint64_t call = 1;
};

// Runs `step` after `delay` of simulated time. Without one (sans-I/O tests), each step
// runs at once, in order.
using StepScheduler = std::function<void(Duration delay, std::function<void()> step)>;

} // namespace cmslab::cms
