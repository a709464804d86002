// Who is who in a results folder: each box's name, role and addresses, the networks it
// sits on and the static NAT mappings, read from the folder's topology.dot (the only
// file of a results folder that names every address; the scenario file itself is not
// copied there). The ladder draws one column per box in the order a packet from the
// guest meets them.
#pragma once

#include "common/address.h"
#include "common/expected.h"

#include <map>
#include <string>
#include <vector>

namespace cmslab::ladder {

struct BoxInterface {
    std::string name;    // "LAN2"
    IpAddress address;   // 192.0.2.61
    std::string network; // "dmz"
};

struct Box {
    std::string name; // "vcse"
    std::string role; // "expressway_e"
    std::vector<BoxInterface> interfaces;
};

struct NatMapping {
    std::string firewall; // the NAT box
    IpAddress outside;    // 203.0.113.156
    IpAddress inside;     // 192.0.2.61
    std::string inside_box;
};

class DeploymentMap {
  public:
    // Errors: the file cannot be read or names no box.
    static Expected<DeploymentMap> Read(const std::string& topology_dot_path);
    static Expected<DeploymentMap> Parse(const std::string& dot_text);

    // Boxes in column order: outward from the guest's browser, network by network.
    const std::vector<Box>& Boxes() const { return m_boxes; }
    const std::vector<NatMapping>& Nat() const { return m_nat; }
    // The name of the box an address belongs to: an interface address, or a NAT
    // mapping's outside address (which the NAT box owns on the wire). nullptr for an
    // unknown address.
    const std::string* BoxOf(const IpAddress& address) const;
    const NatMapping* NatByOutside(const IpAddress& outside) const;

  private:
    void OrderColumns();
    void IndexOwners();

    struct Owner {
        std::size_t index = 0; // in m_boxes, or in m_nat for a NAT outside address
        bool nat = false;
    };
    std::vector<Box> m_boxes;
    std::vector<NatMapping> m_nat;
    std::map<IpAddress, Owner> m_owners;
};

} // namespace cmslab::ladder
