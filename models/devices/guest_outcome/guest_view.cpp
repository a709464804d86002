#include "guest_outcome/guest_view.h"

namespace cmslab::outcome {

namespace {

constexpr Screen kScreens[] = {
    Screen::Blank,           Screen::Loading,
    Screen::SiteUnreachable, Screen::CertificateWarning,
    Screen::BadRequest,      Screen::HttpError,
    Screen::NoJoinButton,    Screen::JoinPage,
    Screen::EnterCallId,     Screen::EnterName,
    Screen::JoinRefused,     Screen::Connecting,
    Screen::InCall,          Screen::ConnectingTimeout,
};

} // namespace

const char* ScreenName(Screen screen) {
    switch (screen) {
    case Screen::Blank:
        return "blank";
    case Screen::Loading:
        return "loading";
    case Screen::SiteUnreachable:
        return "site_unreachable";
    case Screen::CertificateWarning:
        return "certificate_warning";
    case Screen::BadRequest:
        return "bad_request";
    case Screen::HttpError:
        return "http_error";
    case Screen::NoJoinButton:
        return "no_join_button";
    case Screen::JoinPage:
        return "join_page";
    case Screen::EnterCallId:
        return "enter_call_id";
    case Screen::EnterName:
        return "enter_name";
    case Screen::JoinRefused:
        return "join_refused";
    case Screen::Connecting:
        return "connecting";
    case Screen::InCall:
        return "in_call";
    case Screen::ConnectingTimeout:
        return "connecting_timeout";
    }
    return "?";
}

std::optional<Screen> ScreenFromName(std::string_view name) {
    for (Screen screen : kScreens)
        if (name == ScreenName(screen))
            return screen;
    return std::nullopt;
}

} // namespace cmslab::outcome
