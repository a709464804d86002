#include "scenario/schema_validator.h"

#include "scenario/suggest.h"

#include <cmath>
#include <set>
#include <stdexcept>

namespace cmslab::scenario {

using nlohmann::json;

namespace {

const char* const kUnmodelled = "x-cmslab-unmodelled";

std::string TypeOf(const json& v) {
    switch (v.type()) {
    case json::value_t::null:
        return "null";
    case json::value_t::boolean:
        return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return "integer";
    case json::value_t::number_float:
        return "number";
    case json::value_t::string:
        return "string";
    case json::value_t::array:
        return "array";
    case json::value_t::object:
        return "object";
    default:
        return "invalid value";
    }
}

bool HasType(const json& v, const std::string& type) {
    if (type == "integer")
        return v.is_number_integer() || (v.is_number_float() && std::isfinite(v.get<double>()) &&
                                         std::floor(v.get<double>()) == v.get<double>());
    if (type == "number")
        return v.is_number();
    return TypeOf(v) == type;
}

std::string Brief(const json& v) {
    auto text = v.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}

std::string FormatNumber(const json& v) {
    if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() &&
        std::fabs(v.get<double>()) < 1e15)
        return std::to_string(static_cast<long long>(v.get<double>()));
    return v.dump();
}

void WalkUnsupported(const json& schema, const std::string& pointer,
                     std::vector<std::string>& out) {
    static const std::set<std::string> kAnnotations = {
        "$schema", "$id", "$comment", "title", "description", "default", "examples", kUnmodelled};
    static const std::set<std::string> kValues = {
        "type",      "enum",     "const",    "minimum", "maximum", "exclusiveMinimum",
        "minLength", "minItems", "required", "$ref"};
    if (!schema.is_object()) {
        if (!schema.is_boolean())
            out.push_back(pointer + ": not a schema");
        return;
    }
    for (const auto& [key, value] : schema.items()) {
        const auto at = JoinPointer(pointer, key);
        if (kAnnotations.count(key) || kValues.count(key))
            continue;
        if (key == "properties" || key == "$defs") {
            for (const auto& [name, sub] : value.items())
                WalkUnsupported(sub, JoinPointer(at, name), out);
        } else if (key == "items" || key == "additionalProperties" || key == "if" ||
                   key == "then" || key == "else") {
            WalkUnsupported(value, at, out);
        } else if (key == "allOf") {
            for (std::size_t i = 0; i < value.size(); ++i)
                WalkUnsupported(value[i], JoinPointer(at, i), out);
        } else {
            out.push_back(pointer + ": " + key);
        }
    }
}

} // namespace

SchemaValidator::SchemaValidator(json schema) : m_schema(std::move(schema)) {}

const json& SchemaValidator::Resolve(const json& schema) const {
    const json* s = &schema;
    // A chain of $refs is followed; the hop limit guards against a schema that loops.
    for (int hops = 0; hops < 16 && s->is_object() && s->contains("$ref"); ++hops) {
        const auto& ref = (*s)["$ref"].get_ref<const std::string&>();
        if (ref.rfind("#/", 0) != 0)
            throw std::invalid_argument("schema: only local $ref is supported: " + ref);
        s = &m_schema.at(json::json_pointer(ref.substr(1)));
    }
    return *s;
}

bool SchemaValidator::Validate(json& instance, Diagnostics& out) const {
    return Check(instance, m_schema, "", &out);
}

std::vector<std::string> SchemaValidator::UnsupportedKeywords() const {
    std::vector<std::string> out;
    WalkUnsupported(m_schema, "", out);
    return out;
}

const json* SchemaValidator::SchemaAt(const std::string& pointer) const {
    const json* s = &Resolve(m_schema);
    if (pointer.empty())
        return s;
    json::json_pointer p(pointer);
    std::vector<std::string> tokens;
    for (auto q = p; !q.empty(); q = q.parent_pointer())
        tokens.insert(tokens.begin(), q.back());
    for (const auto& token : tokens) {
        if (s->contains("properties") && (*s)["properties"].contains(token))
            s = &Resolve((*s)["properties"][token]);
        else if (s->contains("items"))
            s = &Resolve((*s)["items"]);
        else
            return nullptr;
    }
    return s;
}

bool SchemaValidator::Check(json& instance, const json& schema_in, const std::string& pointer,
                            Diagnostics* out) const {
    if (schema_in.is_boolean()) {
        if (!schema_in.get<bool>() && out)
            out->Error(pointer, "not allowed here");
        return schema_in.get<bool>();
    }
    bool ok = true;
    // $ref applies alongside the keywords beside it (2020-12 semantics).
    if (schema_in.contains("$ref")) {
        const json& target = Resolve(schema_in);
        if (!Check(instance, target, pointer, out))
            return false;
    }
    const json& schema = schema_in;

    if (schema.contains("type")) {
        const auto& t = schema["type"];
        std::vector<std::string> types;
        if (t.is_string())
            types.push_back(t.get<std::string>());
        else
            for (const auto& x : t)
                types.push_back(x.get<std::string>());
        bool match = false;
        for (const auto& type : types)
            match = match || HasType(instance, type);
        if (!match) {
            if (out) {
                std::string expected;
                for (std::size_t i = 0; i < types.size(); ++i)
                    expected += (i ? " or " : "") + types[i];
                out->Error(pointer, "expected " + expected + ", found " + TypeOf(instance) + " " +
                                        Brief(instance));
            }
            return false; // further keywords would only repeat the same mistake
        }
    }
    if (schema.contains("const") && instance != schema["const"]) {
        if (out)
            out->Error(pointer, "must be " + schema["const"].dump());
        ok = false;
    }
    if (schema.contains("enum")) {
        const auto& values = schema["enum"];
        bool found = false;
        for (const auto& v : values)
            found = found || v == instance;
        if (!found) {
            if (out) {
                std::string list;
                std::vector<std::string> names;
                for (const auto& v : values) {
                    list += (list.empty() ? "" : ", ") + v.dump();
                    if (v.is_string())
                        names.push_back(v.get<std::string>());
                }
                std::string hint;
                if (instance.is_string())
                    hint = DidYouMean(instance.get<std::string>(), names);
                out->Error(pointer, Brief(instance) + " is not one of " + list + hint);
            }
            ok = false;
        }
    }
    if (instance.is_number()) {
        const double v = instance.get<double>();
        if (schema.contains("minimum") && v < schema["minimum"].get<double>()) {
            if (out)
                out->Error(pointer, "must be at least " + FormatNumber(schema["minimum"]) +
                                        " (found " + FormatNumber(instance) + ")");
            ok = false;
        }
        if (schema.contains("maximum") && v > schema["maximum"].get<double>()) {
            if (out)
                out->Error(pointer, "must be at most " + FormatNumber(schema["maximum"]) +
                                        " (found " + FormatNumber(instance) + ")");
            ok = false;
        }
        if (schema.contains("exclusiveMinimum") && v <= schema["exclusiveMinimum"].get<double>()) {
            if (out)
                out->Error(pointer, "must be greater than " +
                                        FormatNumber(schema["exclusiveMinimum"]) + " (found " +
                                        FormatNumber(instance) + ")");
            ok = false;
        }
    }
    if (instance.is_string() && schema.contains("minLength") &&
        instance.get_ref<const std::string&>().size() < schema["minLength"].get<std::size_t>()) {
        if (out)
            out->Error(pointer,
                       schema["minLength"].get<std::size_t>() == 1
                           ? std::string("must not be empty")
                           : "must be at least " + schema["minLength"].dump() + " characters long");
        ok = false;
    }
    if (instance.is_array()) {
        if (schema.contains("minItems") &&
            instance.size() < schema["minItems"].get<std::size_t>()) {
            if (out)
                out->Error(pointer,
                           "must have at least " + schema["minItems"].dump() +
                               (schema["minItems"].get<std::size_t>() == 1 ? " item" : " items"));
            ok = false;
        }
        if (schema.contains("items"))
            for (std::size_t i = 0; i < instance.size(); ++i)
                ok = Check(instance[i], schema["items"], JoinPointer(pointer, i), out) && ok;
    }
    if (instance.is_object())
        ok = CheckObject(instance, schema, pointer, out) && ok;
    return ok;
}

bool SchemaValidator::CheckObject(json& instance, const json& schema, const std::string& pointer,
                                  Diagnostics* out) const {
    bool ok = true;
    static const json kEmpty = json::object();
    const json& properties = schema.contains("properties") ? schema["properties"] : kEmpty;

    if (schema.contains("required")) {
        for (const auto& key : schema["required"]) {
            const auto& name = key.get_ref<const std::string&>();
            if (!instance.contains(name)) {
                if (out)
                    out->Error(JoinPointer(pointer, name), "missing required key \"" + name + "\"");
                ok = false;
            }
        }
    }
    std::vector<std::string> known;
    for (const auto& [name, sub] : properties.items())
        known.push_back(name);
    for (auto& [key, value] : instance.items()) {
        const auto at = JoinPointer(pointer, key);
        if (properties.contains(key)) {
            const json& sub = properties[key];
            if (out) {
                const json& resolved = Resolve(sub);
                const json* note = sub.contains(kUnmodelled)        ? &sub[kUnmodelled]
                                   : resolved.contains(kUnmodelled) ? &resolved[kUnmodelled]
                                                                    : nullptr;
                if (note)
                    out->NotSimulated(at, "not simulated: " + note->get<std::string>());
            }
            ok = Check(value, sub, at, out) && ok;
        } else if (schema.contains("additionalProperties")) {
            const auto& extra = schema["additionalProperties"];
            if (extra.is_boolean() && !extra.get<bool>()) {
                if (out)
                    out->Error(at, "unknown key \"" + key + "\"" + DidYouMean(key, known));
                ok = false;
            } else if (!extra.is_boolean()) {
                ok = Check(value, extra, at, out) && ok;
            }
        }
    }
    if (schema.contains("allOf"))
        for (const auto& sub : schema["allOf"])
            ok = Check(instance, sub, pointer, out) && ok;
    if (schema.contains("if")) {
        // The condition is evaluated silently; only the branch it selects reports.
        json probe = instance;
        const bool cond = Check(probe, schema["if"], pointer, nullptr);
        if (cond && schema.contains("then"))
            ok = Check(instance, schema["then"], pointer, out) && ok;
        if (!cond && schema.contains("else"))
            ok = Check(instance, schema["else"], pointer, out) && ok;
    }
    // Defaults last, so that "required" above saw the document as written.
    if (out) {
        for (const auto& [name, sub] : properties.items()) {
            if (instance.contains(name))
                continue;
            const json* def = sub.contains("default")            ? &sub["default"]
                              : Resolve(sub).contains("default") ? &Resolve(sub)["default"]
                                                                 : nullptr;
            if (!def)
                continue;
            instance[name] = *def;
            Check(instance[name], sub, JoinPointer(pointer, name), out);
        }
    }
    return ok;
}

} // namespace cmslab::scenario
