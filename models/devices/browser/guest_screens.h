// The screens the guest can end up looking at, in the words the products show: the
// browser's own error pages (Chromium's wording, the browser WebRTC guests mostly use)
// and the CMS web app's pages. Only wording lives here; the script decides which.
#pragma once

#include "guest_outcome/guest_view.h"

#include <string>
#include <vector>

namespace cmslab::browser {

// Why the browser could not load the site at all.
enum class Unreachable {
    NameNotResolved, // DNS_PROBE_FINISHED_NXDOMAIN
    Refused,         // ERR_CONNECTION_REFUSED
    TimedOut,        // ERR_CONNECTION_TIMED_OUT
    Reset,           // ERR_CONNECTION_RESET
    EmptyResponse,   // ERR_EMPTY_RESPONSE: closed before any answer
    TlsFailed,       // ERR_SSL_PROTOCOL_ERROR
};

outcome::GuestView LoadingScreen(const std::string& url);
outcome::GuestView UnreachableScreen(const std::string& url, const std::string& host,
                                     Unreachable why);

// The interstitial for a certificate the browser rejected: `verify_code` is OpenSSL's
// X509_V_ERR_* for the first problem; `served_names` the SAN DNS names (or the subject
// CN when there are none) of the served certificate.
outcome::GuestView CertificateWarningScreen(const std::string& url, const std::string& host,
                                            long verify_code,
                                            const std::vector<std::string>& served_names);
// The Chromium net error of a certificate problem: "NET::ERR_CERT_COMMON_NAME_INVALID"...
std::string CertificateErrorCode(long verify_code);

// An HTTP error page: `heading` is what the page's body shows (its <h1> or <title>), or
// the reason phrase when it shows nothing readable.
outcome::GuestView HttpErrorScreen(const std::string& url, int status, const std::string& heading,
                                   bool secure);

// The "Meeting" page: with `Join call` it is the join page; without, the failure of
// reference section 7 ("Join call button not shown").
outcome::GuestView MeetingScreen(const std::string& url, bool join_call, bool sign_in, bool secure);
// After `Join call`: "Enter Call ID" with Call ID and "Passcode (If required)", `Continue »`.
outcome::GuestView EnterCallIdScreen(const std::string& url, bool secure);
// The space's page: the guest's name, `Join call`, and "Or sign in and join" where users
// may sign in.
outcome::GuestView EnterNameScreen(const std::string& url, const std::string& space_name,
                                   bool sign_in, bool secure);
outcome::GuestView JoinRefusedScreen(const std::string& url, const std::string& message,
                                     bool sign_in, bool secure);
outcome::GuestView ConnectingScreen(const std::string& url, const std::string& space_name,
                                    bool secure);
outcome::GuestView InCallScreen(const std::string& url, const std::string& space_name,
                                const std::vector<std::string>& participants, bool secure);
// No media in time: the web app drops the call and shows the join page again.
outcome::GuestView BackAtJoinPageScreen(const std::string& url, bool sign_in, bool secure);

// The heading of an HTML error page: its first <h1>, else its <title>, else "".
std::string PageHeading(const std::string& html);

} // namespace cmslab::browser
