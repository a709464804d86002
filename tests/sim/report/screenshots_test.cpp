// A real browser's screenshots embedded in report.html: every picture of screens/, in the
// order taken, carried as data: URIs (the page fetches nothing), base64 as RFC 4648 has it.
#include "report/screenshots.h"

#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace cmslab::report {
namespace {

void WriteShot(const std::string& dir, const std::string& name, const std::string& bytes) {
    std::filesystem::create_directories(dir + "/screens");
    std::ofstream(dir + "/screens/" + name, std::ios::binary) << bytes;
}

TEST(Screenshots, NoScreensFolderNoFigures) {
    testkit::TempDir dir("report-shots");
    EXPECT_EQ(ScreenshotFigures(dir.Path()), "");
}

// RFC 4648 section 10's test vectors, one file each.
TEST(Screenshots, EachPictureIsItsBytesInBase64) {
    const std::pair<const char*, const char*> vectors[] = {
        {"f", "Zg=="},        {"fo", "Zm8="},        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [bytes, base64] : vectors) {
        testkit::TempDir dir("report-shots");
        WriteShot(dir.Path(), "01-join_page.png", bytes);
        const std::string html = ScreenshotFigures(dir.Path());
        EXPECT_NE(html.find(std::string("src=\"data:image/png;base64,") + base64 + "\""),
                  std::string::npos)
            << bytes << ": " << html;
    }
}

TEST(Screenshots, InTheOrderTakenWithTheirScreenNames) {
    testkit::TempDir dir("report-shots");
    WriteShot(dir.Path(), "02-enter_call_id.png", "b");
    WriteShot(dir.Path(), "01-join_page.png", "a");
    WriteShot(dir.Path(), "notes.txt", "not a picture");
    const std::string html = ScreenshotFigures(dir.Path());
    const auto first = html.find("<figcaption>01-join_page</figcaption>");
    const auto second = html.find("<figcaption>02-enter_call_id</figcaption>");
    ASSERT_NE(first, std::string::npos) << html;
    ASSERT_NE(second, std::string::npos) << html;
    EXPECT_LT(first, second);
    EXPECT_EQ(html.find("notes"), std::string::npos);
    EXPECT_EQ(html.find("src=\"screens/"), std::string::npos) << "a link would be a fetch";
}

} // namespace
} // namespace cmslab::report
