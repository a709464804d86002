// Values the TURN client and server share with their drivers: the client transport, the
// 5-tuple that names an allocation, and bytes to put on the wire.
#pragma once

#include "common/address.h"
#include "common/bytes.h"

#include <cstdint>
#include <string>

namespace cmslab::turn {

// How the TURN client reaches the server (the relay to peers is always UDP here).
enum class Transport : std::uint8_t { Udp, Tcp };

const char* TransportName(Transport transport); // "UDP", "TCP"

// RFC 8656's 5-tuple as the server sees it: client transport address, server transport
// address (the listening address that received it) and the transport.
struct FiveTuple {
    Transport transport = Transport::Udp;
    Endpoint client;
    Endpoint server;

    bool operator==(const FiveTuple& o) const {
        return transport == o.transport && client == o.client && server == o.server;
    }
    bool operator!=(const FiveTuple& o) const { return !(*this == o); }
    bool operator<(const FiveTuple& o) const {
        if (transport != o.transport)
            return transport < o.transport;
        if (client != o.client)
            return client < o.client;
        return server < o.server;
    }
    std::string ToString() const; // "UDP 1.2.3.4:5 -> 6.7.8.9:3478"
};

// A channel number as logs and Wireshark write it: "0x4000".
std::string ChannelText(std::uint16_t channel);

// Bytes for the driver to send. For TCP, `from`/`to` name the connection.
struct Transmit {
    Transport transport = Transport::Udp;
    Endpoint from; // unspecified (0.0.0.0:0) when the sender does not know its own address
    Endpoint to;
    Bytes data;
};

} // namespace cmslab::turn
