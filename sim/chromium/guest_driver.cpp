#include "chromium/guest_driver.h"

#include "http/base64.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>

namespace cmslab::chromium {

namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

// A JavaScript string literal of `text` (JSON's string syntax is JavaScript's).
std::string JsString(const std::string& text) {
    return json(text).dump();
}

class Driver {
  public:
    Driver(CdpPipe& cdp, const GuestPlan& plan, const std::function<double()>& elapsed)
        : m_cdp(cdp), m_plan(plan), m_elapsed(elapsed) {}

    ChromiumSaw Run() {
        if (!Attach())
            return m_saw;
        if (!Load())
            return m_saw;
        if (!m_saw.net_error.empty()) {
            if (!IsCertificateError(m_saw.net_error) || !m_plan.proceed_past_certificate_warning)
                return Finish();
            Proceed();
            if (!m_saw.net_error.empty() && m_saw.http_status == 0)
                return Finish();
        }
        if (m_saw.http_status != 200)
            return Finish();
        Join();
        return Finish();
    }

  private:
    static bool IsCertificateError(const std::string& code) {
        return code.find("ERR_CERT_") != std::string::npos;
    }

    bool Attach() {
        auto target = m_cdp.Call("Target.createTarget", {{"url", "about:blank"}});
        if (!target)
            return Fail(target.Message());
        auto attached = m_cdp.Call("Target.attachToTarget",
                                   {{"targetId", (*target)["targetId"]}, {"flatten", true}});
        if (!attached)
            return Fail(attached.Message());
        m_session = attached->value("sessionId", "");
        for (const char* domain : {"Page.enable", "Network.enable", "Runtime.enable"}) {
            auto on = Call(domain);
            if (!on)
                return Fail(on.Message());
        }
        auto size =
            Call("Emulation.setDeviceMetricsOverride",
                 {{"width", 1024}, {"height", 700}, {"deviceScaleFactor", 1}, {"mobile", false}});
        if (!size)
            return Fail(size.Message());
        return true;
    }

    Expected<json> Call(const std::string& method, const json& params = json::object(),
                        milliseconds timeout = milliseconds(10000)) {
        return m_cdp.Call(method, params, m_session, timeout);
    }

    bool Fail(const std::string& why) {
        if (m_saw.problem.empty())
            m_saw.problem = why;
        return false;
    }

    // Navigates (or reloads after a proceed) and waits for the load; reads the document's
    // answer or its network error.
    bool Load() {
        auto navigated = Call("Page.navigate", {{"url", m_plan.url}}, milliseconds(20000));
        if (!navigated)
            return Fail(navigated.Message());
        m_saw.net_error = navigated->value("errorText", "");
        WaitLoaded(milliseconds(15000));
        ReadDocumentAnswer();
        Screenshot(CurrentScreen());
        return true;
    }

    // The load event: a committed error page (the interstitial) has one too, while
    // frameStoppedLoading comes before the interstitial is drawn.
    void WaitLoaded(milliseconds timeout) {
        m_cdp.WaitEvent(
            [this](const json& e) {
                return e.value("sessionId", "") == m_session &&
                       e["method"] == "Page.loadEventFired";
            },
            timeout);
    }

    // The last document answer and failure in what the browser reported.
    void ReadDocumentAnswer() {
        for (const json& e : m_cdp.History()) {
            if (e.value("sessionId", "") != m_session)
                continue;
            const json& p = e.value("params", json::object());
            if (e["method"] == "Network.responseReceived" && p.value("type", "") == "Document") {
                m_saw.http_status = p["response"].value("status", 0);
                m_saw.security_state = p["response"].value("securityState", "");
            } else if (e["method"] == "Network.loadingFailed" &&
                       p.value("type", "") == "Document" && m_saw.net_error.empty()) {
                m_saw.net_error = p.value("errorText", "");
            }
        }
    }

    // Chromium's own error pages first; else the page's heading, else the app's screen.
    std::string CurrentScreen() {
        if (!m_saw.net_error.empty() && m_saw.http_status == 0)
            return IsCertificateError(m_saw.net_error) ? "certificate_warning" : "site_unreachable";
        if (m_saw.http_status != 0 && m_saw.http_status != 200)
            return m_saw.http_status == 400 ? "bad_request" : "http_error";
        const std::string screen =
            Evaluate("document.body ? (document.body.dataset.screen || '') : ''");
        return screen.empty() ? "blank" : screen;
    }

    std::string Evaluate(const std::string& expression) {
        auto r = Call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}});
        if (!r)
            return "";
        const json& value = (*r)["result"].value("value", json());
        return value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
    }

    // The interstitial's own "Proceed to <host> (unsafe)" link, as a guest clicks it.
    void Proceed() {
        Evaluate("(function(){var d=document.getElementById('details-button');if(d)d.click();"
                 "var p=document.getElementById('proceed-link');if(p){p.click();return 'ok';}"
                 "return 'none';})()");
        m_saw.proceeded_past_warning = true;
        WaitLoaded(milliseconds(15000));
        std::this_thread::sleep_for(milliseconds(300));
        const std::string warning = m_saw.net_error;
        m_saw.net_error.clear();
        m_saw.http_status = 0;
        ReadDocumentAnswer();
        if (m_saw.http_status == 0)
            m_saw.net_error = warning;
        Screenshot(CurrentScreen());
    }

    // Waits while the app shows `from` (at most `timeout`); screenshots what follows.
    std::string WaitScreenChange(const std::string& from, milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        std::string screen = from;
        while (Clock::now() < deadline && !m_cdp.Closed()) {
            screen = CurrentScreen();
            if (screen != from)
                break;
            std::this_thread::sleep_for(milliseconds(100));
        }
        if (screen != from)
            Screenshot(screen);
        return screen;
    }

    void Join() {
        std::string screen = CurrentScreen();
        if (screen != "join_page")
            return;
        // Join call, then the call ID and passcode, then Continue.
        Evaluate("document.getElementById('join-call').click()");
        screen = WaitScreenChange("join_page", milliseconds(5000));
        if (screen != "enter_call_id")
            return;
        Evaluate("(function(){var f=document.getElementById('call-id-form');"
                 "f.elements.callId.value=" +
                 JsString(m_plan.call_id) + ";if(f.elements.passcode)f.elements.passcode.value=" +
                 JsString(m_plan.passcode) + ";document.getElementById('continue').click();})()");
        screen = WaitScreenChange("enter_call_id", milliseconds(15000));
        if (screen != "enter_name")
            return;
        Evaluate("(function(){var f=document.getElementById('name-form');"
                 "f.elements.displayName.value=" +
                 JsString(m_plan.display_name) +
                 ";document.getElementById('join-space').click();})()");
        screen = WaitScreenChange("enter_name", milliseconds(15000));
        if (screen != "connecting")
            return;
        // In the meeting: `joined`, then media or the app's give-up, for the stay.
        // Connecting lasts until the app's own give-up (30 s without media) at most; in the
        // call, the stay counts from the first media.
        auto until = Clock::now() + std::max(m_plan.stay, milliseconds(35000));
        while (Clock::now() < until && !m_cdp.Closed()) {
            if (m_saw.joined_at_s < 0 &&
                Evaluate("window.cmslabApp.signaling.indexOf('<joined') >= 0 ? 'yes' : 'no'") ==
                    "yes")
                m_saw.joined_at_s = m_elapsed();
            const std::string now = CurrentScreen();
            if (now != screen) {
                screen = now;
                Screenshot(screen);
                if (screen == "in_call")
                    until = std::min(until, Clock::now() + m_plan.stay);
                if (screen != "connecting" && screen != "in_call")
                    break;
            }
            std::this_thread::sleep_for(milliseconds(200));
        }
    }

    void Screenshot(const std::string& screen) {
        m_saw.screens.push_back(screen);
        auto shot = Call("Page.captureScreenshot", {{"format", "png"}});
        if (!shot)
            return (void)Fail(shot.Message());
        auto png = http::Base64Decode(shot->value("data", ""));
        if (!png)
            return (void)Fail("screenshot: " + png.Message());
        std::ostringstream name;
        name << std::setw(2) << std::setfill('0') << m_saw.screenshots.size() + 1 << "-" << screen
             << ".png";
        std::filesystem::create_directories(m_plan.screens_dir);
        std::ofstream out(m_plan.screens_dir + "/" + name.str(), std::ios::binary);
        out.write(reinterpret_cast<const char*>(png->data()),
                  static_cast<std::streamsize>(png->size()));
        if (out)
            m_saw.screenshots.push_back(name.str());
    }

    ChromiumSaw Finish() {
        if (m_saw.screens.empty())
            Screenshot(CurrentScreen());
        m_saw.title =
            Evaluate("(function(){var h=document.querySelector('section:not([hidden]) h1')"
                     "||document.querySelector('h1');var t=h?h.textContent.trim():'';"
                     "return t||document.title;})()");
        const std::string buttons =
            Evaluate("JSON.stringify(Array.from(document.querySelectorAll('button,a')).filter("
                     "function(b){return b.offsetParent!==null;}).map(function(b){return "
                     "b.textContent.trim();}))");
        const json list = json::parse(buttons, nullptr, false);
        if (list.is_array())
            for (const json& b : list)
                if (b.is_string())
                    m_saw.buttons.push_back(b.get<std::string>());
        const json app = json::parse(
            Evaluate("window.cmslabApp ? JSON.stringify({screen: cmslabApp.screen, answers: "
                     "cmslabApp.answers, signaling: cmslabApp.signaling, participants: "
                     "cmslabApp.participants, spaceName: cmslabApp.spaceName, media: "
                     "cmslabApp.media}) : "
                     "'null'"),
            nullptr, false);
        if (!app.is_discarded())
            m_saw.app = app;
        return m_saw;
    }

    CdpPipe& m_cdp;
    const GuestPlan& m_plan;
    const std::function<double()>& m_elapsed;
    std::string m_session;
    ChromiumSaw m_saw;
};

} // namespace

ChromiumSaw DriveGuest(CdpPipe& cdp, const GuestPlan& plan,
                       const std::function<double()>& elapsed_s) {
    return Driver(cdp, plan, elapsed_s).Run();
}

} // namespace cmslab::chromium
