// The reference network with captures in a temp folder, for the devnet tests.
#pragma once

#include "reference_network.h"
#include "support/process.h"
#include "support/tshark.h"
#include "support/values.h"
#include "world.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace cmslab::devices::net::test {

class DevnetTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(testkit::ProgramExists("tshark"))
            << "tshark is missing: install it (tools/setup)";
        char dir_template[] = "/tmp/cmslab-devnet-XXXXXX";
        ASSERT_NE(mkdtemp(dir_template), nullptr);
        m_dir = dir_template;
        network::BuildOptions options;
        options.out_dir = m_dir;
        auto world = network::World::Build(network::test::ReferenceNetwork(), options);
        ASSERT_TRUE(world) << world.Message();
        m_world = std::move(*world);
    }
    void TearDown() override {
        m_world.reset();
        if (!m_dir.empty() && !HasFailure())
            std::filesystem::remove_all(m_dir);
        else if (!m_dir.empty())
            std::cerr << "kept " << m_dir << " for a look\n";
    }

    ns3::Ptr<ns3::Node> Node(const std::string& name) { return m_world->GetNode(name); }
    std::string Pcap(const std::string& network) const {
        return m_dir + "/pcap/" + network + ".pcap";
    }
    // Ends the simulation so that every capture is complete on disk.
    void Finish() { m_world.reset(); }

    // testkit::TsharkFields on a network's capture: one row a frame, '|' between fields.
    std::vector<std::string> Tshark(const std::string& network, const std::string& filter,
                                    const std::vector<std::string>& fields,
                                    const std::vector<std::string>& extra = {}) {
        return testkit::TsharkFields(Pcap(network), filter, fields, extra);
    }

    std::string m_dir;
    std::unique_ptr<network::World> m_world;
};

using cmslab::testkit::Ip;
// Bytes that differ from position to position and from seed to seed, for bulk transfers.
inline Bytes Pattern(std::size_t size, std::uint8_t seed) {
    Bytes data(size);
    for (std::size_t i = 0; i < size; ++i)
        data[i] = static_cast<std::uint8_t>((i * 31 + seed + i / 251) & 0xff);
    return data;
}

inline Endpoint Ep(const char* address, std::uint16_t port) {
    return Endpoint{Ip(address), port};
}

} // namespace cmslab::devices::net::test
