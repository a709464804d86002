// What the guest's screen shows at the end of the run, in the product's words: the
// browser's own pages (certificate warning, site unreachable) or the web app's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::outcome {

// A short name for the screen, what a scenario's expect.guest_view compares against.
enum class Screen {
    Blank,              // nothing loaded yet
    Loading,            // a request is on its way
    SiteUnreachable,    // "This site can't be reached" (DNS, refused, timed out)
    CertificateWarning, // "Your connection is not private", address bar "Not secure"
    BadRequest,         // an HTTP 400 page ("Bad Request")
    HttpError,          // another HTTP error page
    NoJoinButton,       // the "Meeting" page without `Join call`
    JoinPage,           // the "Meeting" page with `Join call`, guest not (yet) joined
    EnterCallId,        // after `Join call`: "Enter Call ID", with Call ID and Passcode
    EnterName,          // the space's page: the guest's name, `Join call`, "Or sign in and join"
    JoinRefused,        // the web app refused the call ID, passcode or name
    Connecting,         // joined the space, `Connecting`, no media yet
    InCall,             // in the space with media
    ConnectingTimeout,  // gave up without media, back at the join page
};

// "blank", "loading", "site_unreachable", "certificate_warning", "bad_request",
// "http_error", "no_join_button", "join_page", "enter_call_id", "enter_name", "join_refused",
// "connecting", "in_call", "connecting_timeout".
const char* ScreenName(Screen screen);
std::optional<Screen> ScreenFromName(std::string_view name);

struct GuestView {
    Screen screen = Screen::Blank;
    std::string url;        // the address bar's URL
    std::string security;   // the address bar's verdict: "Secure", "Not secure", "" (none)
    std::string title;      // the page heading: "Your connection is not private", "Meeting"
    std::string text;       // the page's message, as the guest reads it
    std::string error_code; // the browser's code for its own error pages: "NET::ERR_..."
    std::vector<std::string> buttons; // what the guest can press: "Join call", "Sign in"
    std::vector<std::string> fields;  // what the guest types into: "Call ID", ...
    std::vector<std::string> links;   // "Or sign in and join"

    bool operator==(const GuestView& o) const {
        return screen == o.screen && url == o.url && security == o.security && title == o.title &&
               text == o.text && error_code == o.error_code && buttons == o.buttons &&
               fields == o.fields && links == o.links;
    }
};

} // namespace cmslab::outcome
