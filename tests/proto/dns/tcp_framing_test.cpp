#include "dns/tcp_framing.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::dns;

TEST(TcpFraming, PrefixesTheLength) {
    auto framed = FrameTcp(Bytes{1, 2, 3});
    ASSERT_TRUE(framed.Ok());
    EXPECT_EQ(*framed, (Bytes{0, 3, 1, 2, 3}));
    EXPECT_FALSE(FrameTcp(Bytes(70000, 0)).Ok());
}

TEST(TcpFraming, CutsMessagesOutOfArbitraryChunks) {
    Bytes stream;
    std::vector<Bytes> sent;
    for (std::size_t n : {12u, 0u, 300u, 1u, 600u}) {
        Bytes msg(n);
        for (std::size_t i = 0; i < n; ++i)
            msg[i] = static_cast<std::uint8_t>(i * 7 + n);
        sent.push_back(msg);
        auto framed = FrameTcp(msg);
        stream.insert(stream.end(), framed->begin(), framed->end());
    }
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 100u, 5000u}) {
        TcpStreamAccumulator acc;
        std::vector<Bytes> got;
        for (std::size_t at = 0; at < stream.size(); at += chunk) {
            acc.Push(ByteView(stream).Sub(at, chunk));
            while (auto m = acc.Next())
                got.push_back(*m);
        }
        EXPECT_EQ(got, sent) << "chunk size " << chunk;
        EXPECT_EQ(acc.Buffered(), 0u);
    }
    TcpStreamAccumulator partial;
    partial.Push(Bytes{0, 5, 1, 2});
    EXPECT_FALSE(partial.Next().has_value());
    EXPECT_EQ(partial.Buffered(), 4u);
}
