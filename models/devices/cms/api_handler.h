// The CMS REST API on the web admin port, sans-I/O: one whole HTTP request in, one
// response out. The turnServers part (reference section 5) is here; the coSpaces part
// (cospaces_api.h) works on the Call Bridge's spaces when a SpaceDirectory is given.
// Every request needs HTTP Basic credentials of a configured admin user.
//
//   POST /api/v1/turnServers            create  -> 200, Location: /api/v1/turnServers/<id>
//   GET  /api/v1/turnServers            list    -> <turnServers total="n">...
//   GET  /api/v1/turnServers/<id>       object (the password is never returned)
//   PUT|POST /api/v1/turnServers/<id>   modify  -> 200
//   DELETE /api/v1/turnServers/<id>     remove  -> 200
//   GET  /api/v1/turnServers/<id>/status  the Call Bridge's probe of that server
//
// Every XML body starts with <?xml version="1.0"?>.
// Bad parameters: 400 <failureDetails><parameterError parameter=".." error=".."/>;
// unknown id: 404 <failureDetails><turnServerDoesNotExist/>; other paths: 404.
#pragma once

#include "cms/settings.h"
#include "cms/space_directory.h"
#include "cms/turn_server_record.h"
#include "common/rng.h"
#include "http/message.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cmslab::cms {

class ApiHandler {
  public:
    // Called after a turnServers object was created, modified or removed (id given).
    using ChangeCallback = std::function<void(const std::string& id)>;

    ApiHandler(std::vector<ApiUser> users, Rng rng, std::string realm = "CMS API");

    http::Response Handle(const http::Request& request);

    void OnChange(ChangeCallback callback) { m_on_change = std::move(callback); }
    // The spaces /api/v1/coSpaces reads and changes; without it those paths are 404.
    void SetSpaces(SpaceDirectory* spaces) { m_spaces = spaces; }

    // In creation order.
    std::vector<TurnServerRecord> TurnServers() const;
    const TurnServerRecord* FindTurnServer(const std::string& id) const;
    void SetProbeStatus(const std::string& id, TurnProbeStatus status);
    const TurnProbeStatus* ProbeStatus(const std::string& id) const;

    // The XML bodies, for status pages and tests.
    std::string ListXml() const;
    std::string ObjectXml(const TurnServerRecord& record) const;
    static std::string StatusXml(const TurnProbeStatus& status);

  private:
    http::Response Route(const http::Request& request);
    http::Response Create(const http::Request& request);
    http::Response Modify(const std::string& id, const http::Request& request);

    std::vector<ApiUser> m_users;
    Rng m_rng;
    std::string m_realm;
    ChangeCallback m_on_change;
    SpaceDirectory* m_spaces = nullptr;
    std::vector<std::string> m_order;
    std::map<std::string, TurnServerRecord> m_records;
    std::map<std::string, TurnProbeStatus> m_status;
};

} // namespace cmslab::cms
