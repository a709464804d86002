// What the administrator's API session will do, without running it: the scenario's
// admin_session, or the session the run plays when the scenario gives none; and the
// session's memory of which turnServers object `{id}` names. No ns-3 here.
#pragma once

#include "common/expected.h"
#include "scenario/scenario.h"

#include <optional>
#include <string>

namespace cmslab::scenario {

// The scenario's admin_session, or the default one: from the first host besides the CMS
// on the CMS's first network (not a router or firewall), to the CMS's address and web
// admin port as its first web admin user, trusting nothing (curl -k), GET the list, the
// first object and its status back to back, 5 s before the end (not before half of the
// run). An error says why no default session can be made (no CMS, no user, no desk).
Expected<AdminSessionConfig> PlanAdminSession(const Scenario& s);

// The object `{id}` stands for, learned from the answers the session got.
class AdminObjectMemory {
  public:
    // A create's Location (".../turnServers/<id>") wins over any list; a list answer
    // (<turnServers><turnServer id="...">) names its first object when no create did.
    void Learn(const std::string& method, int status, const std::string& location,
               const std::string& body);
    // `path` with every {id} replaced; nullopt when it has one and nothing is known.
    std::optional<std::string> Resolve(const std::string& path) const;
    const std::optional<std::string>& Known() const { return m_id; }

  private:
    std::optional<std::string> m_id;
    bool m_from_create = false;
};

} // namespace cmslab::scenario
