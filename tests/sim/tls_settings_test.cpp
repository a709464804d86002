// Issue 11: each box's TLS versions and cipher list come from its "tls" block, with the
// schema's defaults for the products of 2017; a bad block is refused at its own pointer.
#include "scenario_test_util.h"

#include "scenario/loader.h"

#include <gtest/gtest.h>

namespace cmslab::scenario::tls_settings_test {
namespace {

using nlohmann::json;
using test::HasError;
using test::LoadEdited;
using test::ReferenceJson;

// Node indices in scenarios/reference.json.
constexpr int kCms = 4, kVcsc = 5, kVcse = 6;
std::string N(int i, const std::string& rest = "") {
    return "/nodes/" + std::to_string(i) + rest;
}

const Node& At(const LoadResult& r, int i) {
    return r.scenario->nodes.at(static_cast<std::size_t>(i));
}

TEST(TlsSettings, DefaultsAreTls12OnlyForTheBoxesAnd12To13ForTheBrowser) {
    auto r = test::LoadJson(ReferenceJson());
    ASSERT_TRUE(r.Ok()) << r.Report();
    for (const tls::Policy* p : {&At(r, kCms).cms->tls, &At(r, kVcsc).expressway_c->tls,
                                 &At(r, kVcse).expressway_e->tls}) {
        EXPECT_EQ(p->min_version, tls::ProtocolVersion::Tls12);
        EXPECT_EQ(p->max_version, tls::ProtocolVersion::Tls12);
        EXPECT_FALSE(p->cipher_list.empty());
    }
    EXPECT_NE(At(r, kCms).cms->tls.cipher_list.find("ECDHE-RSA-AES256-GCM-SHA384"),
              std::string::npos);
    const tls::Policy& browser = r.scenario->guest_config.tls;
    EXPECT_EQ(browser.min_version, tls::ProtocolVersion::Tls12);
    EXPECT_EQ(browser.max_version, tls::ProtocolVersion::Tls13);
}

TEST(TlsSettings, AGivenBlockIsRead) {
    auto r =
        LoadEdited(N(kVcsc, "/config/tls"), json{{"versions", json::array({"TLSv1.3"})},
                                                 {"cipher_suites", "ECDHE-RSA-AES128-GCM-SHA256"}});
    ASSERT_TRUE(r.Ok()) << r.Report();
    const tls::Policy& p = At(r, kVcsc).expressway_c->tls;
    EXPECT_EQ(p.min_version, tls::ProtocolVersion::Tls13);
    EXPECT_EQ(p.max_version, tls::ProtocolVersion::Tls13);
    EXPECT_EQ(p.cipher_list, "ECDHE-RSA-AES128-GCM-SHA256");
    // Versions only: the product's cipher default stays.
    r = LoadEdited(N(kCms, "/config/tls"), json{{"versions", json::array({"TLSv1.3", "TLSv1.2"})}});
    ASSERT_TRUE(r.Ok()) << r.Report();
    EXPECT_EQ(At(r, kCms).cms->tls.min_version, tls::ProtocolVersion::Tls12);
    EXPECT_EQ(At(r, kCms).cms->tls.max_version, tls::ProtocolVersion::Tls13);
    EXPECT_NE(At(r, kCms).cms->tls.cipher_list.find("ECDHE"), std::string::npos);
}

TEST(TlsSettings, UnknownVersionNameIsRefusedWithTheKnownOnes) {
    auto r = LoadEdited(N(kVcse, "/config/tls/versions"), json::array({"TLSv1.2", "TLS1.3"}));
    EXPECT_FALSE(r.Ok());
    EXPECT_TRUE(HasError(r, N(kVcse, "/config/tls/versions/1"), "TLSv1.3")) << r.Report();
    r = LoadEdited("/guest/tls/versions", json::array({"SSLv3"}));
    EXPECT_TRUE(HasError(r, "/guest/tls/versions/0")) << r.Report();
}

TEST(TlsSettings, NoVersionsOrAVersionTwiceIsRefused) {
    auto r = LoadEdited(N(kCms, "/config/tls/versions"), json::array());
    EXPECT_TRUE(HasError(r, N(kCms, "/config/tls/versions"), "at least 1")) << r.Report();
    r = LoadEdited(N(kCms, "/config/tls/versions"), json::array({"TLSv1.2", "TLSv1.2"}));
    EXPECT_TRUE(HasError(r, N(kCms, "/config/tls/versions/1"), "listed twice")) << r.Report();
}

TEST(TlsSettings, EmptyCipherListIsRefused) {
    auto r = LoadEdited(N(kVcsc, "/config/tls/cipher_suites"), "");
    EXPECT_FALSE(r.Ok());
    EXPECT_TRUE(HasError(r, N(kVcsc, "/config/tls/cipher_suites"))) << r.Report();
}

TEST(TlsSettings, CipherListOpenSslRejectsIsRefusedWithItsReason) {
    auto r = LoadEdited(N(kCms, "/config/tls/cipher_suites"), "NO-SUCH-CIPHER:ALSO-NOT-ONE");
    EXPECT_FALSE(r.Ok());
    EXPECT_TRUE(HasError(r, N(kCms, "/config/tls/cipher_suites"), "no cipher match")) << r.Report();
    // TLS 1.3 suite names are not TLS 1.2 cipher-list names.
    r = LoadEdited("/guest/tls/cipher_suites", "TLS_AES_128_GCM_SHA256");
    EXPECT_TRUE(HasError(r, "/guest/tls/cipher_suites", "OpenSSL accepts no TLS 1.2 cipher"))
        << r.Report();
}

TEST(TlsSettings, UnknownKeyInTheBlockIsRefused) {
    auto r = LoadEdited(N(kVcse, "/config/tls/ciphers"), "HIGH");
    EXPECT_FALSE(r.Ok());
    EXPECT_TRUE(HasError(r, N(kVcse, "/config/tls/ciphers"))) << r.Report();
}

} // namespace
} // namespace cmslab::scenario::tls_settings_test
