// Derives the single-setting mutations of a scenario from the file alone, by the kind of
// each setting: its place in the scenario schema ($defs port, address, hostname, url,
// user, interface; type boolean) and the shape of its value (an IPv4 literal, a list of
// strings that names certificates, an object with an issuer or a validity window, an
// object holding a password). No key or value of any one scenario is known here: any
// deployment written to the schema gives its own list.
#pragma once

#include "mutate/mutation.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace cmslab::mutate {

// In file order. The kinds (scenario.mutation.kind in the schema):
// - list_entry_removed: each entry of a list of strings (a SAN list without each name, a
//   trust list, a resolver list) and of a list of objects that are settings rather than
//   the inventory (firewall rules, DNS records and zones, routes, NAT mappings, users,
//   spaces); inventory is the file's top-level lists, interfaces, and entries whose name
//   is an identity ($defs/name: nodes, networks, certificates, authorities);
// - address_swapped: each IPv4 address outside an interface, pointed at another node's;
// - hostname_swapped: each DNS name (a hostname setting, a URL's host, a string that is
//   an A record's name) outside the zones and certificates, replaced by another name the
//   zones map to the same address;
// - port_changed: each port (a port setting, a URL's port, an integer whose key names a
//   port) moved up by one;
// - boolean_flipped: each boolean;
// - credential_mismatch: each side of each credential pair (an object with a password:
//   the password changed, and its user name where the object has one);
// - certificate_self_signed: each certificate whose issuer is an authority of the file;
// - certificate_expired: each validity window (an object with two times) ended a day
//   before the scenario's start;
// - trust_list_emptied: each list that names certificates or authorities.
// The blocks that are not the deployment ($schema, name, description, expect, mutation)
// are left alone.
std::vector<Mutation> DeriveMutations(const nlohmann::ordered_json& source,
                                      const nlohmann::json& schema);

} // namespace cmslab::mutate
