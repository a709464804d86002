// Issue 11: the status pages at the moments a person would look, not only at the end.
// Mid-call, Expressway-E's TURN page shows the relays the call uses (by the end they are
// deleted and the final page shows none).
#include "join_run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace cmslab::jointest {
namespace {

class StatusMoments : public JoinRun {
  protected:
    static nlohmann::json Page(const std::string& rel) {
        std::ifstream in(Dir() + "/" + rel);
        return nlohmann::json::parse(in, nullptr, false);
    }
};

TEST_F(StatusMoments, MidCallExpresswayETurnPageShowsTheCallsRelays) {
    const nlohmann::json moments = Summary().value("status_moments", nlohmann::json());
    ASSERT_TRUE(moments.is_array()) << Summary().dump(2);
    ASSERT_EQ(moments.size(), 1u) << moments.dump(2); // nothing fails in the reference
    const nlohmann::json& media = moments[0];
    EXPECT_EQ(media.value("moment", ""), "media flowing");
    const double at = media.value("at_s", -1.0);
    // The guest starts at 1 s; the media flows once ICE and DTLS are done, long before
    // the call's end.
    EXPECT_GT(at, 1.0);
    EXPECT_LT(at, Summary().value("simulated_duration_s", 0.0) / 2);
    // The files are status/<node>@<second>.json, one per box with a status page.
    const std::string first = media["files"][0].get<std::string>();
    const std::string vcse = "status/vcse" + first.substr(first.find('@'));
    bool listed = false;
    for (const auto& f : media["files"]) {
        EXPECT_TRUE(std::filesystem::exists(Dir() + "/" + f.get<std::string>())) << f;
        listed = listed || f.get<std::string>() == vcse;
    }
    ASSERT_TRUE(listed) << media.dump(2);
    const nlohmann::json during = Page(vcse)["expressway_e"]["turn"];
    // Two allocations: the guest's (public side) and the CMS's (LAN1 side).
    EXPECT_EQ(during.value("active_relays", -1), 2) << during.dump(2);
    EXPECT_EQ(during.value("active_clients", -1), 2) << during.dump(2);
    EXPECT_GT(during["counters"].value("relayed_to_peers", 0), 0);
    // At the end the allocations are gone: only the moment shows them.
    const nlohmann::json after = Page("status/vcse.json")["expressway_e"]["turn"];
    EXPECT_EQ(after.value("active_relays", -1), 0) << after.dump(2);
}

} // namespace
} // namespace cmslab::jointest
