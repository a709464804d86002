// The web app's landing page, "Meeting": what the web bridge serves at "/" (www/index.html
// with the blocks the options call for) and what the modelled browser reads back from it.
// `Join call` is offered only while the web bridge has a working link from the Call
// Bridge; `Sign in` when user sign-in is allowed.
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
    // Where the page's two forms post (the call ID and passcode; the guest's name): "" on
    // a page without Join call.
    std::string call_id_action;
    std::string name_action;
};

MeetingPage ReadMeetingPage(std::string_view html);

} // namespace cmslab::webapp
