#include "cms/api_handler.h"

#include "cms/api_answers.h"
#include "cms/cospaces_api.h"
#include "cms/uuid.h"
#include "cms/xml_text.h"
#include "http/basic_auth.h"
#include "http/form.h"

#include <algorithm>
#include <optional>

namespace cmslab::cms {

namespace {

constexpr const char* kCollection = "/api/v1/turnServers";
constexpr const char* kSpaces = "/api/v1/coSpaces";

bool HostLike(std::string_view s) {
    if (s.empty() || s.size() > kApiMaxValue)
        return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':';
        if (!ok)
            return false;
    }
    return true;
}

// Applies the form's fields to a record. On create, serverAddress is required.
std::optional<ParameterError> Apply(const http::FormFields& fields, TurnServerRecord& record,
                                    bool create) {
    bool has_server = false;
    for (const auto& [name, value] : fields) {
        if (value.size() > kApiMaxValue)
            return ParameterError{name, "valueTooLong"};
        if (name == "serverAddress") {
            if (!HostLike(value))
                return ParameterError{name, "invalidValue"};
            record.server_address = value;
            has_server = true;
        } else if (name == "clientAddress") {
            if (!value.empty() && !HostLike(value))
                return ParameterError{name, "invalidValue"};
            record.client_address = value;
        } else if (name == "username") {
            record.username = value;
        } else if (name == "password") {
            record.password = value;
        } else if (name == "type") {
            if (value != "standard" && value != "lync" && value != "cms")
                return ParameterError{name, "invalidValue"};
            record.type = value;
        } else if (name == "tcpPortNumberOverride") {
            if (value.empty()) {
                record.tcp_port_number_override = 0;
                continue;
            }
            const auto port = ApiNumber(value, 1, 65535);
            if (!port)
                return ParameterError{name, "invalidValue"};
            record.tcp_port_number_override = static_cast<std::uint16_t>(*port);
        } else if (name == "numRegistrations") {
            const auto n = ApiNumber(value, 0, 1000000);
            if (!n)
                return ParameterError{name, "invalidValue"};
            record.num_registrations = *n;
        } else {
            return ParameterError{name, "unrecognised"};
        }
    }
    if (create && !has_server)
        return ParameterError{"serverAddress", "missing"};
    return std::nullopt;
}

} // namespace

ApiHandler::ApiHandler(std::vector<ApiUser> users, Rng rng, std::string realm)
    : m_users(std::move(users)), m_rng(rng), m_realm(std::move(realm)) {}

http::Response ApiHandler::Handle(const http::Request& request) {
    bool authorised = false;
    if (const auto value = request.headers.Get("Authorization")) {
        if (const auto credentials = http::DecodeBasicAuth(*value)) {
            for (const auto& user : m_users)
                if (user.name == credentials->user && user.password == credentials->password)
                    authorised = true;
        }
    }
    if (!authorised) {
        auto r = ApiXml(401, "");
        r.headers.Add("WWW-Authenticate", http::BasicChallenge(m_realm));
        return r;
    }
    return Route(request);
}

http::Response ApiHandler::Route(const http::Request& request) {
    const auto path = http::SplitTarget(request.target).path;
    const std::string spaces = kSpaces;
    if (m_spaces && (path == spaces || path.compare(0, spaces.size() + 1, spaces + "/") == 0))
        return HandleCoSpaces(*m_spaces, request,
                              path.size() > spaces.size() + 1 ? path.substr(spaces.size() + 1)
                                                              : std::string());
    const std::string collection = kCollection;
    if (path == collection || path == collection + "/") {
        if (request.method == "GET")
            return ApiXml(200, ListXml());
        if (request.method == "POST")
            return Create(request);
        return ApiMethodNotAllowed("GET, POST");
    }
    if (path.compare(0, collection.size() + 1, collection + "/") != 0)
        return ApiXml(404, "");
    std::string rest = path.substr(collection.size() + 1);
    bool status = false;
    if (const auto slash = rest.find('/'); slash != std::string::npos) {
        if (rest.substr(slash) != "/status")
            return ApiXml(404, "");
        status = true;
        rest = rest.substr(0, slash);
    }
    const auto it = m_records.find(rest);
    if (it == m_records.end())
        return ApiFailure(404, "<turnServerDoesNotExist/>");
    if (status) {
        if (request.method != "GET") {
            return ApiMethodNotAllowed("GET");
        }
        const auto* probe = ProbeStatus(rest);
        TurnProbeStatus pending;
        pending.address = it->second.server_address;
        pending.port = it->second.Port();
        return ApiXml(200, StatusXml(probe ? *probe : pending));
    }
    if (request.method == "GET")
        return ApiXml(200, ObjectXml(it->second));
    if (request.method == "PUT" || request.method == "POST")
        return Modify(rest, request);
    if (request.method == "DELETE") {
        m_records.erase(it);
        m_status.erase(rest);
        m_order.erase(std::find(m_order.begin(), m_order.end(), rest));
        if (m_on_change)
            m_on_change(rest);
        return ApiXml(200, "");
    }
    return ApiMethodNotAllowed("GET, PUT, POST, DELETE");
}

http::Response ApiHandler::Create(const http::Request& request) {
    const auto fields = http::FormDecode(ByteView(request.body).ToString());
    if (!fields)
        return ApiFailure(400, "<parameterError parameter=\"\" error=\"invalidValue\"/>");
    TurnServerRecord record;
    if (const auto error = Apply(*fields, record, true))
        return ApiParameterFailure(*error);
    record.id = NewUuid(m_rng);
    while (m_records.count(record.id))
        record.id = NewUuid(m_rng);
    const std::string id = record.id;
    m_records[id] = std::move(record);
    m_order.push_back(id);
    auto r = ApiXml(200, "");
    r.headers.Add("Location", std::string(kCollection) + "/" + id);
    if (m_on_change)
        m_on_change(id);
    return r;
}

http::Response ApiHandler::Modify(const std::string& id, const http::Request& request) {
    const auto fields = http::FormDecode(ByteView(request.body).ToString());
    if (!fields)
        return ApiFailure(400, "<parameterError parameter=\"\" error=\"invalidValue\"/>");
    TurnServerRecord record = m_records.at(id);
    if (const auto error = Apply(*fields, record, false))
        return ApiParameterFailure(*error);
    m_records[id] = std::move(record);
    // The last measurement described the old settings.
    m_status.erase(id);
    if (m_on_change)
        m_on_change(id);
    return ApiXml(200, "");
}

std::vector<TurnServerRecord> ApiHandler::TurnServers() const {
    std::vector<TurnServerRecord> out;
    for (const auto& id : m_order)
        out.push_back(m_records.at(id));
    return out;
}

const TurnServerRecord* ApiHandler::FindTurnServer(const std::string& id) const {
    const auto it = m_records.find(id);
    return it == m_records.end() ? nullptr : &it->second;
}

void ApiHandler::SetProbeStatus(const std::string& id, TurnProbeStatus status) {
    if (m_records.count(id))
        m_status[id] = std::move(status);
}

const TurnProbeStatus* ApiHandler::ProbeStatus(const std::string& id) const {
    const auto it = m_status.find(id);
    return it == m_status.end() ? nullptr : &it->second;
}

std::string ApiHandler::ListXml() const {
    std::string xml = "<turnServers total=\"" + std::to_string(m_order.size()) + "\">";
    for (const auto& id : m_order) {
        const auto& r = m_records.at(id);
        xml += "<turnServer id=\"" + XmlEscape(id) + "\">";
        xml += XmlElement("serverAddress", r.server_address);
        xml += XmlElement("clientAddress", r.client_address);
        xml += "</turnServer>";
    }
    xml += "</turnServers>";
    return xml;
}

std::string ApiHandler::ObjectXml(const TurnServerRecord& r) const {
    std::string xml = "<turnServer id=\"" + XmlEscape(r.id) + "\">";
    xml += XmlElement("serverAddress", r.server_address);
    xml += XmlElement("clientAddress", r.client_address);
    xml += XmlElement("numRegistrations", std::to_string(r.num_registrations));
    xml += XmlElement("username", r.username);
    xml += XmlElement("type", r.type);
    if (r.tcp_port_number_override != 0)
        xml += XmlElement("tcpPortNumberOverride", std::to_string(r.tcp_port_number_override));
    xml += "</turnServer>";
    return xml;
}

std::string ApiHandler::StatusXml(const TurnProbeStatus& s) {
    const char* state = s.state == TurnProbeStatus::State::Success   ? "success"
                        : s.state == TurnProbeStatus::State::Failure ? "failure"
                                                                     : "pending";
    std::string xml = "<turnServer>";
    xml += XmlElement("status", state);
    xml += "<host>";
    xml += XmlElement("address", s.address);
    xml += XmlElement("portNumber", std::to_string(s.port));
    if (s.state != TurnProbeStatus::State::Pending) {
        xml += XmlElement("reachable", s.reachable ? "true" : "false");
        if (s.reachable) {
            xml += XmlElement("roundTripTimeMs", std::to_string(s.round_trip_ms));
            xml += XmlElement("mappedAddress", s.mapped_address);
            xml += XmlElement("mappedPortNumber", std::to_string(s.mapped_port));
        }
    }
    xml += "</host></turnServer>";
    return xml;
}

} // namespace cmslab::cms
