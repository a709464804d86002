// Shared by the loader's steps (not a public header): where problems go, which keys the
// model builder consumed, and which values could not be used (so later checks skip them
// instead of piling consequences on one mistake).
#pragma once

#include "common/address.h"
#include "scenario/diagnostic.h"
#include "scenario/scenario.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cmslab::scenario::detail {

struct Context {
    explicit Context(Diagnostics& d) : diags(d) {}
    Diagnostics& diags;
    std::set<std::string> read; // keys the builder consumed
    std::set<std::string> bad;  // values that are absent, mistyped or malformed

    bool Bad(const std::string& pointer) const { return bad.count(pointer) != 0; }
    void Error(const std::string& pointer, const std::string& message) {
        bad.insert(pointer);
        diags.Error(pointer, message);
    }
};

// Typed access to one object of the (schema-checked, defaulted) document. Getters mark
// the key as read; a missing or mistyped value (already reported by the schema) gives a
// neutral value and is marked bad.
class Reader {
  public:
    Reader(Context& ctx, const nlohmann::json& object, std::string pointer)
        : m_ctx(&ctx), m_object(&object), m_pointer(std::move(pointer)) {}

    const std::string& Pointer() const { return m_pointer; }
    std::string Ptr(const std::string& key) const;
    bool Has(const std::string& key) const;
    const nlohmann::json& Raw(const std::string& key) const;

    std::string Str(const std::string& key) const;
    bool Bool(const std::string& key) const;
    std::int64_t Int(const std::string& key) const;
    double Num(const std::string& key) const;
    std::uint16_t Port(const std::string& key) const;
    std::vector<std::string> Strings(const std::string& key) const;
    // Element i of an array of strings is at JoinPointer(Ptr(key), i).
    std::optional<IpAddress> Address(const std::string& key, bool v4_only = true) const;
    std::optional<IpAddress> AddressText(const std::string& text, const std::string& pointer,
                                         bool v4_only = true) const;
    std::optional<Prefix> PrefixAt(const std::string& key) const;
    std::optional<std::int64_t> Time(const std::string& key) const;
    Reader Object(const std::string& key) const;
    std::vector<Reader> Objects(const std::string& key) const;

    Context& Ctx() const { return *m_ctx; }

  private:
    const nlohmann::json* Get(const std::string& key, nlohmann::json::value_t want) const;

    Context* m_ctx;
    const nlohmann::json* m_object;
    std::string m_pointer;
};

// Step 2: the typed model from the document (syntax of each value checked here).
Scenario BuildModel(const nlohmann::json& document, Context& ctx);

// Step 3: checks across the model (references, addressing, reachability).
void CheckModel(const Scenario& scenario, Context& ctx);

// Step 3b: the expect block's references to nodes and its JSON pointers (its shape is the
// schema's).
void CheckExpect(const Scenario& scenario, Context& ctx);

// Keys of `document` the builder did not consume, as warnings (a lab that silently
// ignores a setting misleads; this keeps the schema and the builder honest).
void ReportUnread(const nlohmann::json& document, Context& ctx);

} // namespace cmslab::scenario::detail
