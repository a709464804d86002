#include "browser/guest_screens.h"
#include "common/text.h"

#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>

namespace cmslab::browser {

namespace {

using outcome::GuestView;
using outcome::Screen;

const char* Security(bool secure) {
    return secure ? "Secure" : "Not secure";
}

GuestView Base(Screen screen, const std::string& url, const std::string& security) {
    GuestView view;
    view.screen = screen;
    view.url = url;
    view.security = security;
    return view;
}

std::vector<std::string> MeetingButtons(bool join_call, bool sign_in) {
    std::vector<std::string> buttons;
    if (join_call)
        buttons.push_back("Join call");
    if (sign_in)
        buttons.push_back("Sign in");
    return buttons;
}

std::string Trim(std::string text) {
    auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    text.erase(text.begin(), std::find_if_not(text.begin(), text.end(), space));
    text.erase(std::find_if_not(text.rbegin(), text.rend(), space).base(), text.end());
    return text;
}

// The text between <tag ...> and </tag>, case-insensitive, tags inside removed.
std::string Element(const std::string& html, const std::string& tag) {
    std::string lower(html);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string open = "<" + tag;
    std::size_t at = 0;
    while ((at = lower.find(open, at)) != std::string::npos) {
        const std::size_t after = at + open.size();
        if (after < lower.size() &&
            (lower[after] == '>' || std::isspace(static_cast<unsigned char>(lower[after]))))
            break;
        at = after;
    }
    if (at == std::string::npos)
        return "";
    const std::size_t start = lower.find('>', at);
    if (start == std::string::npos)
        return "";
    const std::size_t end = lower.find("</" + tag, start);
    if (end == std::string::npos)
        return "";
    std::string inner;
    bool in_tag = false;
    for (std::size_t i = start + 1; i < end; ++i) {
        if (html[i] == '<')
            in_tag = true;
        else if (html[i] == '>')
            in_tag = false;
        else if (!in_tag)
            inner += html[i];
    }
    return Trim(inner);
}

} // namespace

GuestView LoadingScreen(const std::string& url) {
    return Base(Screen::Loading, url, "");
}

GuestView UnreachableScreen(const std::string& url, const std::string& host, Unreachable why) {
    GuestView view = Base(Screen::SiteUnreachable, url, "");
    view.title = "This site can\xE2\x80\x99t be reached";
    switch (why) {
    case Unreachable::NameNotResolved:
        view.text = host + "\xE2\x80\x99s server IP address could not be found.";
        view.error_code = "DNS_PROBE_FINISHED_NXDOMAIN";
        break;
    case Unreachable::Refused:
        view.text = host + " refused to connect.";
        view.error_code = "ERR_CONNECTION_REFUSED";
        break;
    case Unreachable::TimedOut:
        view.text = host + " took too long to respond.";
        view.error_code = "ERR_CONNECTION_TIMED_OUT";
        break;
    case Unreachable::Reset:
        view.text = "The connection was reset.";
        view.error_code = "ERR_CONNECTION_RESET";
        break;
    case Unreachable::EmptyResponse:
        view.title = "This page isn\xE2\x80\x99t working";
        view.text = host + " didn\xE2\x80\x99t send any data.";
        view.error_code = "ERR_EMPTY_RESPONSE";
        break;
    case Unreachable::TlsFailed:
        view.title = "This site can\xE2\x80\x99t provide a secure connection";
        view.text = host + " sent an invalid response.";
        view.error_code = "ERR_SSL_PROTOCOL_ERROR";
        break;
    }
    view.buttons = {"Reload"};
    return view;
}

std::string CertificateErrorCode(long verify_code) {
    switch (verify_code) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
        return "NET::ERR_CERT_COMMON_NAME_INVALID";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return "NET::ERR_CERT_AUTHORITY_INVALID";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return "NET::ERR_CERT_DATE_INVALID";
    default:
        return "NET::ERR_CERT_INVALID";
    }
}

GuestView CertificateWarningScreen(const std::string& url, const std::string& host,
                                   long verify_code, const std::vector<std::string>& served_names) {
    GuestView view = Base(Screen::CertificateWarning, url, "Not secure");
    view.title = "Your connection is not private";
    view.error_code = CertificateErrorCode(verify_code);
    std::string reason;
    switch (verify_code) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
        reason = "its security certificate is from " +
                 (served_names.empty() ? std::string("another name") : served_names.front()) + ".";
        break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
        reason = "its security certificate has expired.";
        break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        reason = "its security certificate is not yet valid.";
        break;
    default:
        if (view.error_code == "NET::ERR_CERT_AUTHORITY_INVALID")
            reason = "its security certificate is not trusted by your computer\xE2\x80\x99s "
                     "operating system.";
        else
            reason = "its security certificate is invalid.";
    }
    view.text = "Attackers might be trying to steal your information from " + host +
                " (for example, passwords, messages, or credit cards). This server could not "
                "prove that it is " +
                host + "; " + reason +
                " This may be caused by a misconfiguration or an attacker intercepting your "
                "connection.";
    if (!served_names.empty())
        view.text += " Certificate names: " + Join(served_names) + ".";
    view.buttons = {"Back to safety", "Advanced"};
    return view;
}

GuestView HttpErrorScreen(const std::string& url, int status, const std::string& heading,
                          bool secure) {
    GuestView view =
        Base(status == 400 ? Screen::BadRequest : Screen::HttpError, url, Security(secure));
    view.title = heading;
    view.text = "HTTP " + std::to_string(status) + (heading.empty() ? "" : " " + heading);
    return view;
}

GuestView MeetingScreen(const std::string& url, bool join_call, bool sign_in, bool secure) {
    GuestView view =
        Base(join_call ? Screen::JoinPage : Screen::NoJoinButton, url, Security(secure));
    view.title = "Meeting";
    view.buttons = MeetingButtons(join_call, sign_in);
    view.text = view.buttons.empty() ? "" : Join(view.buttons);
    return view;
}

GuestView EnterCallIdScreen(const std::string& url, bool secure) {
    GuestView view = Base(Screen::EnterCallId, url, Security(secure));
    view.title = "Enter Call ID";
    view.fields = {"Call ID", "Passcode (If required)"};
    view.buttons = {"Continue \xC2\xBB"};
    view.text = Join(view.fields) + "; " + Join(view.buttons);
    return view;
}

GuestView EnterNameScreen(const std::string& url, const std::string& space_name, bool sign_in,
                          bool secure) {
    GuestView view = Base(Screen::EnterName, url, Security(secure));
    view.title = space_name;
    view.fields = {"Your name"};
    view.buttons = {"Join call"};
    if (sign_in)
        view.links = {"Or sign in and join"};
    view.text = Join(view.fields) + "; " + Join(view.buttons) +
                (view.links.empty() ? std::string() : "; " + Join(view.links));
    return view;
}

GuestView JoinRefusedScreen(const std::string& url, const std::string& message, bool sign_in,
                            bool secure) {
    GuestView view = Base(Screen::JoinRefused, url, Security(secure));
    view.title = "Meeting";
    view.text = message;
    view.buttons = MeetingButtons(true, sign_in);
    return view;
}

GuestView ConnectingScreen(const std::string& url, const std::string& space_name, bool secure) {
    GuestView view = Base(Screen::Connecting, url, Security(secure));
    view.title = space_name;
    view.text = "Connecting";
    view.buttons = {"Leave"};
    return view;
}

GuestView InCallScreen(const std::string& url, const std::string& space_name,
                       const std::vector<std::string>& participants, bool secure) {
    GuestView view = Base(Screen::InCall, url, Security(secure));
    view.title = space_name;
    view.text = participants.empty() ? "" : "Participants: " + Join(participants);
    view.buttons = {"Leave"};
    return view;
}

GuestView BackAtJoinPageScreen(const std::string& url, bool sign_in, bool secure) {
    GuestView view = Base(Screen::ConnectingTimeout, url, Security(secure));
    view.title = "Meeting";
    view.buttons = MeetingButtons(true, sign_in);
    view.text = Join(view.buttons);
    return view;
}

std::string PageHeading(const std::string& html) {
    std::string heading = Element(html, "h1");
    if (heading.empty())
        heading = Element(html, "title");
    return heading;
}

} // namespace cmslab::browser
