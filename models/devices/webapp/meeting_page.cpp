#include "webapp/meeting_page.h"

#include "webapp/www_files.h"

namespace cmslab::webapp {

namespace {

constexpr std::string_view kJoinButton =
    "<button type=\"button\" id=\"join-call\">Join call</button>";
constexpr std::string_view kSignInLink = "<a id=\"sign-in\" href=\"";
constexpr std::string_view kPasscodeInput = "name=\"passcode\"";
constexpr std::string_view kCallIdForm = "<form id=\"call-id-form\" method=\"post\" action=\"";
constexpr std::string_view kNameForm = "<form id=\"name-form\" method=\"post\" action=\"";

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

// Keeps (markers removed) or drops (with their content) the page's blocks
// "<!--if:NAME-->" ... "<!--end:NAME-->", each marker with the line break after it.
std::string KeepBlocks(std::string html, const std::string& name, bool keep) {
    const std::string open = "<!--if:" + name + "-->";
    const std::string close = "<!--end:" + name + "-->";
    auto marker_end = [&html](std::size_t at, std::size_t length) {
        const std::size_t after = at + length;
        return after < html.size() && html[after] == '\n' ? after + 1 : after;
    };
    std::size_t at = 0;
    while ((at = html.find(open, at)) != std::string::npos) {
        const std::size_t end = html.find(close, at);
        if (end == std::string::npos)
            break; // an unclosed block stays as it is written
        const std::size_t after_close = marker_end(end, close.size());
        if (keep) {
            html.erase(end, after_close - end);
            html.erase(at, marker_end(at, open.size()) - at);
        } else {
            html.erase(at, after_close - at);
        }
    }
    return html;
}

} // namespace

std::string RenderMeetingPage(const PageOptions& options) {
    const auto page = FindWwwFile("/index.html");
    std::string html = page ? std::string(page->body) : std::string();
    html = KeepBlocks(std::move(html), "join_call", options.join_call);
    html = KeepBlocks(std::move(html), "sign_in", options.sign_in);
    return KeepBlocks(std::move(html), "passcode", options.passcode_field);
}

MeetingPage ReadMeetingPage(std::string_view html) {
    MeetingPage page;
    page.title = Between(html, "<title>", "</title>");
    page.join_call = html.find(kJoinButton) != std::string_view::npos;
    page.sign_in = html.find(kSignInLink) != std::string_view::npos;
    page.passcode_field = page.join_call && html.find(kPasscodeInput) != std::string_view::npos;
    if (page.join_call) {
        page.call_id_action = Between(html, kCallIdForm, "\"");
        page.name_action = Between(html, kNameForm, "\"");
    }
    return page;
}

} // namespace cmslab::webapp
