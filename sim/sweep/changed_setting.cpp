#include "sweep/changed_setting.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace cmslab::sweep {

namespace {

using ojson = nlohmann::ordered_json;

std::vector<std::string> SplitPointer(const std::string& pointer) {
    std::vector<std::string> out;
    std::size_t pos = 1;
    while (pos <= pointer.size() && !pointer.empty()) {
        const std::size_t next = pointer.find('/', pos);
        out.push_back(
            pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
        if (next == std::string::npos)
            break;
        pos = next + 1;
    }
    return out;
}

// A reference token's text: "~1" is '/', "~0" is '~' (RFC 6901).
std::string Unescape(const std::string& token) {
    std::string out;
    for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1'))
            out += token[++i] == '0' ? '~' : '/';
        else
            out += token[i];
    }
    return out;
}

// An array index of a JSON pointer; nine digits at most, so that std::stoul cannot throw
// (no scenario list is that long).
bool IsIndex(const std::string& token) {
    return !token.empty() && token.size() <= 9 &&
           std::all_of(token.begin(), token.end(),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
}

// How the diagnosis names the product of each node role (sim/diagnosis: Finding::box and
// the `also` lines, which name the other side of a pair).
std::vector<std::string> ProductsOfRole(const std::string& role) {
    static const std::map<std::string, std::vector<std::string>> names = {
        {"cms", {"meeting server", "cms"}},
        {"expressway_c", {"expressway-c"}},
        {"expressway_e", {"expressway-e"}},
        {"nat_firewall", {"firewall", "nat"}},
        {"dns_server", {"dns"}},
        {"router", {"router", "route"}},
        {"browser", {"guest", "browser", "invitation"}},
        {"host", {"admin", "api"}},
    };
    auto it = names.find(role);
    return it == names.end() ? std::vector<std::string>{} : it->second;
}

std::string RoleOfNode(const ojson& doc, const std::string& node) {
    if (doc.contains("nodes") && doc["nodes"].is_array())
        for (const auto& n : doc["nodes"])
            if (n.value("name", "") == node)
                return n.value("role", "");
    return "";
}

void AddIdentity(std::vector<std::string>& out, const ojson& v) {
    std::string text;
    if (v.is_string())
        text = v.get<std::string>();
    else if (v.is_number_integer() && v.get<std::int64_t>() >= 100)
        text = std::to_string(v.get<std::int64_t>());
    // Short values ("A", "tcp", "10") would be found in any text by chance.
    if (text.size() >= 3)
        out.push_back(LowerCase(text));
}

} // namespace

std::string LowerCase(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::vector<std::string> Words(const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        if (word.size() > 3 && word.back() == 's')
            word.pop_back();
        if (!word.empty())
            out.push_back(word);
        word.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (std::isupper(c) && !word.empty() && i > 0 &&
            std::islower(static_cast<unsigned char>(text[i - 1])))
            flush();
        if (std::isalnum(c))
            word.push_back(static_cast<char>(std::tolower(c)));
        else
            flush();
    }
    flush();
    return out;
}

ojson ChangedSetting::Json() const {
    return {{"products", products}, {"words", words}, {"identities", identities}};
}

ChangedSetting ChangedSetting::FromJson(const ojson& j) {
    ChangedSetting c;
    if (!j.is_object())
        return c;
    c.products = j.value("products", std::vector<std::string>{});
    c.words = j.value("words", std::vector<std::string>{});
    c.identities = j.value("identities", std::vector<std::string>{});
    return c;
}

ChangedSetting DescribeChange(const ojson& variant) {
    ChangedSetting c;
    if (!variant.contains("mutation") || !variant["mutation"].is_object())
        return c;
    const ojson& m = variant["mutation"];
    const auto tokens = SplitPointer(m.value("setting", ""));
    if (tokens.empty())
        return c;

    // The product: the node the setting sits in, or the node a section entry belongs to.
    std::string role;
    if (tokens[0] == "nodes" && tokens.size() > 1 && IsIndex(tokens[1])) {
        const std::size_t i = std::stoul(tokens[1]);
        if (i < variant["nodes"].size())
            role = variant["nodes"][i].value("role", "");
    } else if (tokens.size() > 1 && IsIndex(tokens[1]) && variant.contains(tokens[0]) &&
               variant[tokens[0]].is_array()) {
        // nat_firewalls/N, dns_servers/N: the entry names its node.
        const std::size_t i = std::stoul(tokens[1]);
        if (i < variant[tokens[0]].size() && variant[tokens[0]][i].is_object())
            role = RoleOfNode(variant, variant[tokens[0]][i].value("node", ""));
    } else if (tokens.size() > 2 && IsIndex(tokens[2]) && variant.contains(tokens[0]) &&
               variant[tokens[0]].contains(tokens[1])) {
        // certificates/issued/N: the certificate's node; an authority belongs to no box.
        const std::size_t i = std::stoul(tokens[2]);
        const ojson& list = variant[tokens[0]][tokens[1]];
        if (list.is_array() && i < list.size() && list[i].is_object())
            role = RoleOfNode(variant, list[i].value("node", ""));
        if (role.empty())
            c.products.push_back("certificate");
    } else if (variant.contains(tokens[0]) && variant[tokens[0]].is_object()) {
        // guest, admin_session: the section names its node.
        role = RoleOfNode(variant, variant[tokens[0]].value("node", ""));
    }
    for (auto& p : ProductsOfRole(role))
        c.products.push_back(p);

    // The key: the last token that is not an index (a list's key for an entry of it). A
    // flag's key ("enabled") says only on or off: the object it is in names what, so for a
    // boolean the key before it counts too ("turn").
    const bool flag = m.contains("patch") && m["patch"].is_array() && !m["patch"].empty() &&
                      m["patch"][0].contains("value") && m["patch"][0]["value"].is_boolean();
    std::size_t keys = 0;
    for (auto it = tokens.rbegin(); it != tokens.rend() && keys < (flag ? 2u : 1u); ++it)
        if (!IsIndex(*it)) {
            for (auto& w : Words(*it))
                c.words.push_back(w);
            ++keys;
        }
    // Identities: the old value (the patch's test), and the name of the entry it is in.
    if (m.contains("patch") && m["patch"].is_array() && !m["patch"].empty()) {
        const ojson& test = m["patch"][0];
        if (test.value("op", "") == "test" && test.contains("value")) {
            const ojson& old = test["value"];
            if (old.is_object()) {
                for (const char* key : {"name", "destination", "port", "address"})
                    if (old.contains(key))
                        AddIdentity(c.identities, old[key]);
            } else {
                AddIdentity(c.identities, old);
            }
        }
    }
    // The object the setting is in, walked token by token (the pointer is the mutation
    // block's text: nlohmann's own pointer would throw on an index no list can have).
    const ojson* parent = tokens.size() > 1 ? &variant : nullptr;
    for (std::size_t i = 0; parent && i + 1 < tokens.size(); ++i) {
        const std::string key = Unescape(tokens[i]);
        if (parent->is_object() && parent->contains(key))
            parent = &(*parent)[key];
        else if (parent->is_array() && IsIndex(tokens[i]) && std::stoul(tokens[i]) < parent->size())
            parent = &(*parent)[std::stoul(tokens[i])];
        else
            parent = nullptr;
    }
    if (parent && parent->is_object() && parent->contains("name"))
        AddIdentity(c.identities, (*parent)["name"]);
    return c;
}

} // namespace cmslab::sweep
