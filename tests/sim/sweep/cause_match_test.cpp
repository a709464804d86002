// The rule by which a sweep says a diagnosis names the changed setting (cause_match.h):
// product and setting words on both sides, and each half of the rule able to fail.
#include "sweep/cause_match.h"
#include "sweep/changed_setting.h"

#include <gtest/gtest.h>

namespace cmslab::sweep {
namespace {

using ojson = nlohmann::ordered_json;

ojson Cause(const std::string& box, const std::string& setting, const std::string& where,
            std::vector<std::string> also = {}) {
    return {{"cause", "x"},
            {"fix", {{"box", box}, {"setting", setting}, {"where", where}, {"also", also}}}};
}

// A variant of a small deployment: a CMS node and an Expressway-E node, the change at
// `setting` with `old` as the patch's tested value.
ojson Variant(const std::string& setting, const ojson& old) {
    return {{"nodes",
             {{{"name", "cms1"},
               {"role", "cms"},
               {"config", {{"turn_servers", {{{"username", "u"}}}}}}},
              {{"name", "edge"}, {"role", "expressway_e"}}}},
            {"certificates",
             {{"issued", {{{"name", "edge-cert"}, {"node", "edge"}, {"issuer", "ca"}}}}}},
            {"mutation",
             {{"setting", setting},
              {"patch",
               {{{"op", "test"}, {"path", setting}, {"value", old}},
                {{"op", "remove"}, {"path", setting}}}}}}};
}

TEST(CauseMatch, WordsSplitCamelCaseAndUnderscoresAndDropPlurals) {
    EXPECT_EQ(Words("tcpPortNumberOverride"),
              (std::vector<std::string>{"tcp", "port", "number", "override"}));
    EXPECT_EQ(Words("subject_alt_names"), (std::vector<std::string>{"subject", "alt", "name"}));
    EXPECT_EQ(
        Words("turnServers object: username and password"),
        (std::vector<std::string>{"turn", "server", "object", "username", "and", "password"}));
}

TEST(CauseMatch, ProductFromTheNodeAndWordsFromTheKey) {
    const ChangedSetting c =
        DescribeChange(Variant("/nodes/0/config/turn_servers/0/password", "secret"));
    EXPECT_EQ(c.products, (std::vector<std::string>{"meeting server", "cms"}));
    EXPECT_EQ(c.words, (std::vector<std::string>{"password"}));
    EXPECT_EQ(c.identities, (std::vector<std::string>{"secret"}));
    const ChangedSetting cert =
        DescribeChange(Variant("/certificates/issued/0/subject_alt_names/2", "www.example.org"));
    EXPECT_EQ(cert.products, (std::vector<std::string>{"expressway-e"}));
    EXPECT_EQ(cert.identities, (std::vector<std::string>{"www.example.org"}));
}

TEST(CauseMatch, NamedWhenProductAndSettingAgree) {
    const ChangedSetting c =
        DescribeChange(Variant("/nodes/0/config/turn_servers/0/password", "secret"));
    EXPECT_TRUE(
        CauseNamesSetting(Cause("Cisco Meeting Server", "turnServers object: username and password",
                                "CMS API: PUT /api/v1/turnServers/<id>"),
                          c));
}

TEST(CauseMatch, TheOtherSideOfAPairCountsThroughTheAlsoLines) {
    const ChangedSetting c =
        DescribeChange(Variant("/nodes/1/config/local_users/1/password", "secret"));
    const ojson cause =
        Cause("Cisco Meeting Server", "turnServers object: username and password", "CMS API",
              {"or make the Expressway-E account match: Local database, password"});
    EXPECT_TRUE(CauseNamesSetting(cause, c));
}

TEST(CauseMatch, NotNamedWhenTheProductDiffers) {
    const ChangedSetting c = DescribeChange(Variant("/nodes/1/config/turn/port", 3478));
    EXPECT_FALSE(CauseNamesSetting(Cause("Cisco Meeting Server", "Web Bridge port", "CMS MMP"), c));
}

TEST(CauseMatch, NotNamedWhenTheSettingDiffers) {
    const ChangedSetting c =
        DescribeChange(Variant("/nodes/0/config/turn_servers/0/password", "secret"));
    EXPECT_FALSE(CauseNamesSetting(
        Cause("Cisco Meeting Server", "Guest account client URI", "CMS web admin"), c));
}

TEST(CauseMatch, AFlagIsNamedByTheObjectItSwitches) {
    const ChangedSetting c = DescribeChange(Variant("/nodes/1/config/turn/enabled", true));
    EXPECT_EQ(c.words, (std::vector<std::string>{"enabled", "turn"}));
    EXPECT_TRUE(CauseNamesSetting(
        Cause("Expressway-E", "TURN services", "Expressway-E: Configuration > Traversal > TURN"),
        c));
    // Not a port's key: only flags borrow their object's name.
    const ChangedSetting port = DescribeChange(Variant("/nodes/1/config/turn/port", 3478));
    EXPECT_EQ(port.words, (std::vector<std::string>{"port"}));
}

TEST(CauseMatch, NoCauseNamesNothing) {
    const ChangedSetting c =
        DescribeChange(Variant("/nodes/0/config/turn_servers/0/password", "secret"));
    EXPECT_FALSE(CauseNamesSetting(ojson::object(), c));
}

} // namespace
} // namespace cmslab::sweep
