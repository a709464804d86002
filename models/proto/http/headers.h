// Header fields as they travel: names compared without case, order and repeats kept,
// because some fields (Set-Cookie, WWW-Authenticate) legitimately repeat and a proxy
// must forward them as received.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);
// Strips spaces and horizontal tabs (RFC 9110 OWS) from both ends.
std::string_view TrimOws(std::string_view s);

// RFC 9110 token characters (field names, methods, transfer codings).
bool IsTokenChar(unsigned char c);
bool IsToken(std::string_view s);
// A field value as RFC 9110 5.5 allows it on the wire: VCHAR, SP, HTAB, obs-text.
bool IsValidFieldValue(std::string_view s);

struct HeaderField {
    std::string name;
    std::string value;
    bool operator==(const HeaderField& o) const { return name == o.name && value == o.value; }
};

class Headers {
  public:
    Headers() = default;
    Headers(std::initializer_list<HeaderField> fields) : m_fields(fields) {}

    // Appends, keeping any field of the same name.
    void Add(std::string name, std::string value);
    // Replaces every field of that name by one, at the place of the first (or at the end).
    void Set(std::string name, std::string value);
    // Returns how many fields were removed.
    std::size_t Remove(std::string_view name);

    bool Has(std::string_view name) const { return Count(name) > 0; }
    std::size_t Count(std::string_view name) const;
    // The first field of that name.
    std::optional<std::string> Get(std::string_view name) const;
    std::vector<std::string> GetAll(std::string_view name) const;
    // The comma-separated list items of every field of that name (RFC 9110 5.6.1),
    // trimmed and lower-cased, empty items dropped: "Connection: keep-alive, Upgrade".
    std::vector<std::string> Tokens(std::string_view name) const;
    bool HasToken(std::string_view name, std::string_view token) const;

    std::size_t size() const { return m_fields.size(); }
    bool empty() const { return m_fields.empty(); }
    std::vector<HeaderField>::const_iterator begin() const { return m_fields.begin(); }
    std::vector<HeaderField>::const_iterator end() const { return m_fields.end(); }
    const std::vector<HeaderField>& Fields() const { return m_fields; }

    bool operator==(const Headers& o) const { return m_fields == o.m_fields; }
    bool operator!=(const Headers& o) const { return !(*this == o); }

  private:
    std::vector<HeaderField> m_fields;
};

} // namespace cmslab::http
