#include "browser/guest_screens.h"

#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

using namespace cmslab::browser;

TEST(GuestScreens, CertificateCodes) {
    EXPECT_EQ(CertificateErrorCode(X509_V_ERR_HOSTNAME_MISMATCH),
              "NET::ERR_CERT_COMMON_NAME_INVALID");
    EXPECT_EQ(CertificateErrorCode(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
              "NET::ERR_CERT_AUTHORITY_INVALID");
    EXPECT_EQ(CertificateErrorCode(X509_V_ERR_CERT_HAS_EXPIRED), "NET::ERR_CERT_DATE_INVALID");
    EXPECT_EQ(CertificateErrorCode(X509_V_ERR_CERT_REVOKED), "NET::ERR_CERT_INVALID");
}

TEST(GuestScreens, PageHeading) {
    EXPECT_EQ(PageHeading("<html><title>400</title><H1 class=x> Bad <b>Request</b></h1>"),
              "Bad Request");
    EXPECT_EQ(PageHeading("<title>Only title</title>"), "Only title");
    EXPECT_EQ(PageHeading("<h1>unterminated"), "");
    EXPECT_EQ(PageHeading("<hr><h10>x</h10>"), "");
    EXPECT_EQ(PageHeading(""), "");
}

TEST(GuestScreens, MeetingButtons) {
    auto with = MeetingScreen("u", true, true, true);
    EXPECT_EQ(with.buttons, (std::vector<std::string>{"Join call", "Sign in"}));
    auto without = MeetingScreen("u", false, false, true);
    EXPECT_TRUE(without.buttons.empty());
    EXPECT_EQ(without.screen, cmslab::outcome::Screen::NoJoinButton);
}
