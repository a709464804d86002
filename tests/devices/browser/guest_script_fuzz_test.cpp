// Random events in random order, and random signaling text, never crash the script or
// make it emit actions after it is done.
#include "script_driver.h"

#include "common/rng.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::browser;
using namespace cmslab::browser::test;

TEST(GuestScriptFuzz, RandomEventSequences) {
    Rng rng(20261125);
    auto Below = [&](std::size_t n) { return static_cast<std::size_t>(rng.Uniform(0, n - 1)); };
    const std::string texts[] = {Page(true),
                                 Page(false),
                                 LookupOk(),
                                 LoginOk(),
                                 JoinedText(),
                                 CmsIceText(),
                                 CmsCandidateText(),
                                 CmsDtlsText(),
                                 "{",
                                 "",
                                 webapp::EncodeSignaling(webapp::ByeMessage{"x"})};
    const std::size_t n_texts = sizeof(texts) / sizeof(texts[0]);
    for (int round = 0; round < 20000; ++round) {
        GuestScript s(ReferenceConfig());
        Instant t = 0ms;
        s.Start(t);
        for (int i = 0; i < 40; ++i) {
            t += std::chrono::milliseconds(Below(3000));
            const std::string& text = texts[Below(n_texts)];
            switch (Below(20)) {
            case 0:
                s.OnDnsAnswer(t, {Ip("10.0.0.1")});
                break;
            case 1:
                s.OnDnsFailure(t, "NXDOMAIN");
                break;
            case 2:
                s.OnTcpConnected(t);
                break;
            case 3:
                s.OnTcpFailed(t, TcpFailure::Reset, "");
                break;
            case 4:
                s.OnTlsEstablished(t, GoodTls());
                break;
            case 5:
                s.OnCertificateRejected(t, CertificateRejection{});
                break;
            case 6:
                s.OnHttpResponse(t, static_cast<int>(Below(600)), "x", text);
                break;
            case 7:
                s.OnConnectionClosed(t, "");
                break;
            case 8:
                s.OnWebSocketOpen(t);
                break;
            case 9:
                s.OnWebSocketText(t, text);
                break;
            case 10:
                s.OnWebSocketClosed(t, "");
                break;
            case 11:
                s.OnTurnAllocated(t, {}, {});
                break;
            case 12:
                s.OnTurnFailed(t, 431, "Integrity Check Failure");
                break;
            case 13:
                s.OnIceConnected(t, "p");
                break;
            case 14:
                s.OnIceFailed(t, "f");
                break;
            case 15:
                s.OnDtlsConnected(t, "DTLSv1.2", "");
                break;
            case 16:
                s.OnMediaSent(t, 100, "rtp");
                break;
            case 17:
                s.OnMediaReceived(t, 100);
                break;
            case 18:
                if (auto next = s.NextTimeout())
                    s.HandleTimeout(*next);
                break;
            default:
                s.OnWebSocketRefused(t, 404, "Not Found");
                break;
            }
            bool closed = false;
            while (auto a = s.PollAction())
                closed = closed || std::holds_alternative<CloseAll>(*a);
            if (closed) {
                ASSERT_TRUE(s.Done());
            }
        }
        s.Finish(t + 1s);
        ASSERT_FALSE(s.NextTimeout());
        // Stages are reached in order: after the first one not reached, none is.
        bool gap = false;
        for (auto stage : outcome::kAllStages) {
            const bool reached = s.Stages().Get(stage).status != outcome::StageStatus::NotReached;
            if (gap) {
                ASSERT_FALSE(reached)
                    << outcome::StageKey(stage) << " after a gap, round " << round;
            }
            gap = gap || !reached;
        }
    }
}

TEST(GuestScriptFuzz, RandomSignalingText) {
    Rng rng(7);
    auto Below = [&](std::size_t n) { return static_cast<std::size_t>(rng.Uniform(0, n - 1)); };
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Relay);
    const std::string seed_text = JoinedText() + CmsCandidateText();
    for (int i = 0; i < 30000; ++i) {
        std::string text = seed_text.substr(0, Below(seed_text.size() + 1));
        if (!text.empty() && Below(2) == 0)
            text[Below(text.size())] = static_cast<char>(Below(256));
        s.OnWebSocketText(t, text);
        while (s.PollAction()) {
        }
        while (s.PollLog()) {
        }
    }
    SUCCEED();
}
