// Issue 11: the handshakes in the reference run's captures are those of the products of
// 2017. Expressway X8.9 and CMS 2.2 speak TLS 1.2 at most, so every session (the guest's,
// the traversal zone and its tunnel, the web bridge probes and proxying, the c2w link, the
// API) is TLS 1.2, the browser offering 1.2 and 1.3 included; and each one is still
// decrypted by tshark with the run's key log (CLIENT_RANDOM lines).
#include "join_run.h"

#include "support/tshark.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace cmslab::jointest {
namespace {

using testkit::TsharkFields;

class TlsVersions : public JoinRun {
  protected:
    static std::vector<std::string> Pcaps() {
        std::vector<std::string> out;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(Dir() + "/pcap", ec))
            if (e.path().extension() == ".pcap")
                out.push_back(e.path().string());
        std::sort(out.begin(), out.end());
        return out;
    }
    // The key log, and TLS on the ports Wireshark does not know for it: the traversal
    // zone (7001) and its SSH tunnel (2222) of the reference scenario.
    static std::vector<std::string> Extra() {
        auto extra = Decrypting(KeyLog());
        for (const char* rule : {"tcp.port==7001,tls", "tcp.port==2222,tls"}) {
            extra.push_back("-d");
            extra.push_back(rule);
        }
        return extra;
    }
    // tcp.stream of each frame that matches `filter`, as a set.
    static std::set<std::string> Streams(const std::string& pcap, const std::string& filter) {
        std::set<std::string> out;
        for (const auto& line : TsharkFields(pcap, filter, {"tcp.stream"}, Extra()))
            out.insert(line);
        return out;
    }
};

TEST_F(TlsVersions, EveryServerHelloIsTls12WithoutSupportedVersions) {
    std::size_t hellos = 0;
    for (const auto& pcap : Pcaps()) {
        for (const auto& line : TsharkFields(
                 pcap, "tls.handshake.type == 2",
                 {"ip.src", "tls.handshake.version", "tls.handshake.extensions.supported_version"},
                 Extra())) {
            const auto f = SplitFields(line);
            ASSERT_EQ(f.size(), 3u) << line;
            ++hellos;
            EXPECT_EQ(f[1], "0x0303") << pcap << ": server hello from " << f[0];
            // A TLS 1.3 ServerHello says 1.2 in its version field and 1.3 here.
            EXPECT_EQ(f[2], "") << pcap << ": server hello from " << f[0];
        }
    }
    // The guest's page (twice: public and dmz), the traversal zone, its tunnel, the web
    // bridge probe and proxied request, the API: at least these (the c2w link runs inside
    // the CMS and is not captured).
    EXPECT_GE(hellos, 7u);
}

TEST_F(TlsVersions, TheBrowserOffers12And13TheBoxesOnly12) {
    const auto rows =
        TsharkFields(Pcap("public"), "tls.handshake.type == 1",
                     {"ip.src", "tls.handshake.extensions.supported_version"}, Extra());
    ASSERT_FALSE(rows.empty());
    for (const auto& line : rows) {
        const auto f = SplitFields(line);
        ASSERT_EQ(f.size(), 2u) << line;
        EXPECT_EQ(f[0], kGuestPc);
        const auto offered = SplitList(f[1]);
        EXPECT_NE(std::find(offered.begin(), offered.end(), "0x0304"), offered.end()) << line;
        EXPECT_NE(std::find(offered.begin(), offered.end(), "0x0303"), offered.end()) << line;
    }
    // A client limited to TLS 1.2 sends no supported_versions extension at all: so does
    // Expressway-C towards Expressway-E and the web bridge. (The administrator's API
    // client on a workstation of the LAN is no modelled product; it offers 1.3 too.)
    const auto boxes = TsharkFields(
        Pcap("internal"), "tls.handshake.type == 1 && ip.src == " + std::string(kExpresswayC),
        {"ip.src", "tls.handshake.extensions.supported_version"}, Extra());
    ASSERT_FALSE(boxes.empty());
    for (const auto& line : boxes) {
        const auto f = SplitFields(line);
        ASSERT_EQ(f.size(), 2u) << line;
        EXPECT_EQ(f[1], "") << "internal.pcap client hello from " << f[0];
    }
}

TEST_F(TlsVersions, EverySessionIsDecryptedWithTheKeyLog) {
    for (const auto& pcap : Pcaps()) {
        const auto hellos = Streams(pcap, "tls.handshake.type == 2");
        // TLS 1.2's Finished is encrypted: tshark names it only when it has the keys.
        const auto finished = Streams(pcap, "tls.handshake.type == 20");
        EXPECT_EQ(hellos, finished) << pcap << ": a session whose Finished tshark cannot read";
    }
}

} // namespace
} // namespace cmslab::jointest
