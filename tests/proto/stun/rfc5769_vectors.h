// The four test vectors of RFC 5769 section 2 (IETF Trust, test vectors), as hex.
#pragma once

#include "common/bytes.h"
#include "support/hex.h"

#include <string_view>

namespace cmslab::stun::test {

// 2.1 Sample Request: Binding request, short-term credential, SOFTWARE padded with 0x20.
constexpr std::string_view kSampleRequest = "000100582112a442b7e7a701bc34d686fa87dfae"
                                            "802200105354554e207465737420636c69656e74"
                                            "002400046e0001ff"
                                            "80290008932ff9b151263b36"
                                            "000600096576746a3a68367659202020"
                                            "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
                                            "80280004e57a3bcf";

// 2.2 Sample IPv4 Response: XOR-MAPPED-ADDRESS 192.0.2.1:32853.
constexpr std::string_view kSampleIpv4Response = "0101003c2112a442b7e7a701bc34d686fa87dfae"
                                                 "8022000b7465737420766563746f7220"
                                                 "002000080001a147e112a643"
                                                 "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
                                                 "80280004c07d4c96";

// 2.3 Sample IPv6 Response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.
constexpr std::string_view kSampleIpv6Response = "010100482112a442b7e7a701bc34d686fa87dfae"
                                                 "8022000b7465737420766563746f7220"
                                                 "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
                                                 "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
                                                 "80280004c8fb0b4c";

// 2.4 Sample Request with Long-Term Authentication: USERNAME "マトリックス", NONCE,
// REALM "example.org", MESSAGE-INTEGRITY; password "TheMatrIX" (after SASLprep).
constexpr std::string_view kLongTermRequest = "000100602112a44278ad3433c6ad72c029da412e"
                                              "00060012e3839ee38388e383aae38383e382afe382b90000"
                                              "0015001c662f2f3439396b39353464364f4c33346f4c39465354"
                                              "7679363473410014000b6578616d706c652e6f726700"
                                              "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666";

constexpr std::string_view kShortTermPassword = "VOkJxbRl1RmTxUk/WvJxBt";

using testkit::Hex;

} // namespace cmslab::stun::test
