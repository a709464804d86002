// MAPPED-ADDRESS and the XOR-*-ADDRESS family (RFC 8489 sections 14.1 and 14.2): family,
// port and address, the XOR forms masked with the magic cookie and the transaction id.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/expected.h"

#include <array>
#include <cstdint>

namespace cmslab::stun {

using TransactionId = std::array<std::uint8_t, 12>;

Bytes EncodeAddress(const Endpoint& endpoint);
Expected<Endpoint> DecodeAddress(ByteView value);

Bytes EncodeXorAddress(const Endpoint& endpoint, const TransactionId& transaction_id);
Expected<Endpoint> DecodeXorAddress(ByteView value, const TransactionId& transaction_id);

} // namespace cmslab::stun
