// A TAP device born inside a network namespace. The calling thread enters the namespace
// (setns moves only the calling thread), opens /dev/net/tun with TUNSETIFF, and comes
// back, so the device never exists in the host's own namespace. Call it before any
// other thread of the process could care which namespace the main thread is in (before
// ns-3 starts its threads).
#pragma once

#include "common/expected.h"

#include <string>

namespace cmslab::emulate {

// `ifname`: at most 15 characters. Returns the TAP's file descriptor (close-on-exec):
// whole Ethernet frames, no packet information header (IFF_TAP | IFF_NO_PI). The device
// goes away when the descriptor is closed.
Expected<int> OpenTapIn(const std::string& netns, const std::string& ifname);

// Turns IPv6 off in the namespace (before its interfaces exist, so they inherit it), so
// the captures hold only what the IPv4 scenario explains: no router solicitations, no
// duplicate address probes.
Expected<bool> DisableIpv6In(const std::string& netns);

// Turns RFC 7323 timestamps off for the namespace's TCP. A listening socket of ns-3 3.37
// that has accepted a connection echoes an earlier SYN's timestamp in the SYN-ACK of later
// ones (seen here: the same TSecr in the SYN-ACKs to three SYNs of nmap and curl); Linux
// takes that echo for a stale segment (PAWS) and answers RST, so a real client could not
// connect to a port a model had used first (the CMS's 445, which it posts its own
// turnServers to; Expressway-E's 443 once the modelled guest joined). Without the option
// in the real host's SYN, ns-3 leaves it out of that connection.
Expected<bool> DisableTcpTimestampsIn(const std::string& netns);

} // namespace cmslab::emulate
