// The web app's landing page, "Meeting": what the web bridge serves at "/" and what the
// browser reads back from it. `Join call` is offered only while the web bridge has a
// working link from the Call Bridge; `Sign in` when user sign-in is allowed.
#pragma once

#include <string>
#include <string_view>

namespace cmslab::webapp {

struct PageOptions {
    bool join_call = false;     // the Call Bridge link is up
    bool sign_in = true;        // Configuration > General, User sign in
    bool passcode_field = true; // secure access: the passcode goes with the call ID
};

std::string RenderMeetingPage(const PageOptions& options);

// What a guest sees on a served page. Any text is accepted: an unknown page reads as
// a page without the buttons.
struct MeetingPage {
    std::string title;
    bool join_call = false;
    bool sign_in = false;
    bool passcode_field = false;
};

MeetingPage ReadMeetingPage(std::string_view html);

} // namespace cmslab::webapp
