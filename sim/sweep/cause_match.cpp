#include "sweep/cause_match.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace cmslab::sweep {

namespace {

using ojson = nlohmann::ordered_json;

// Words too common to say which setting is meant.
const std::set<std::string> kStopWords = {"the",  "and", "for",    "not",   "of", "to",
                                          "a",    "an",  "in",     "on",    "at", "by",
                                          "with", "or",  "config", "object"};

} // namespace

bool CauseNamesSetting(const ojson& cause, const ChangedSetting& changed) {
    if (!cause.is_object() || !cause.contains("fix") || !cause["fix"].is_object())
        return false;
    const ojson& fix = cause["fix"];
    std::string text;
    for (const char* key : {"box", "setting", "where"})
        if (fix.contains(key) && fix[key].is_string())
            text += fix[key].get<std::string>() + " \n ";
    if (fix.contains("also") && fix["also"].is_array())
        for (const auto& line : fix["also"])
            if (line.is_string())
                text += line.get<std::string>() + " \n ";
    const std::string lower = LowerCase(text);
    const auto words = Words(text);
    const std::set<std::string> fix_words(words.begin(), words.end());

    const bool product =
        std::any_of(changed.products.begin(), changed.products.end(),
                    [&](const std::string& p) { return lower.find(p) != std::string::npos; });
    if (!product)
        return false;
    for (const auto& w : changed.words)
        if (!kStopWords.count(w) && fix_words.count(w))
            return true;
    for (const auto& id : changed.identities)
        if (lower.find(id) != std::string::npos)
            return true;
    return false;
}

} // namespace cmslab::sweep
