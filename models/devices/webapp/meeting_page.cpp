#include "webapp/meeting_page.h"

#include "webapp/paths.h"

namespace cmslab::webapp {

namespace {

constexpr std::string_view kJoinButton =
    "<button type=\"submit\" id=\"join-call\">Join call</button>";
constexpr std::string_view kSignInLink = "<a id=\"sign-in\" href=\"";
constexpr std::string_view kPasscodeInput = "name=\"passcode\"";

std::string Between(std::string_view text, std::string_view open, std::string_view close) {
    const auto start = text.find(open);
    if (start == std::string_view::npos)
        return {};
    const auto from = start + open.size();
    const auto end = text.find(close, from);
    if (end == std::string_view::npos)
        return {};
    return std::string(text.substr(from, end - from));
}

} // namespace

std::string RenderMeetingPage(const PageOptions& options) {
    std::string html;
    html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<title>Meeting</title>\n</head>\n<body>\n<h1>Meeting</h1>\n";
    if (options.join_call) {
        html += "<form id=\"join\" method=\"post\" action=\"";
        html += kCallLookupPath;
        html += "\">\n<label>Call ID <input type=\"text\" name=\"";
        html += kFieldCallId;
        html += "\"></label>\n";
        if (options.passcode_field) {
            html += "<label>Passcode <input type=\"password\" name=\"";
            html += kFieldPasscode;
            html += "\"></label>\n";
        }
        html += kJoinButton;
        html += "\n</form>\n";
    }
    if (options.sign_in) {
        html += kSignInLink;
        html += kSignInPath;
        html += "\">Sign in</a>\n";
    }
    html += "</body>\n</html>\n";
    return html;
}

MeetingPage ReadMeetingPage(std::string_view html) {
    MeetingPage page;
    page.title = Between(html, "<title>", "</title>");
    page.join_call = html.find(kJoinButton) != std::string_view::npos;
    page.sign_in = html.find(kSignInLink) != std::string_view::npos;
    page.passcode_field = page.join_call && html.find(kPasscodeInput) != std::string_view::npos;
    return page;
}

} // namespace cmslab::webapp
