#include "option_parser.h"

#include <algorithm>
#include <charconv>
#include <iostream>

namespace cmslab::cli {

int UsageError(std::string_view command, UsageText usage, const std::string& message) {
    std::cerr << "cmslab " << command << ": " << message << "\n\n";
    usage(std::cerr);
    return 2;
}

std::optional<std::string> ParsedArgs::Value(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end() || it->second.empty())
        return std::nullopt;
    return it->second.front();
}

std::vector<std::string> ParsedArgs::Values(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? std::vector<std::string>{} : it->second;
}

Expected<std::optional<std::uint64_t>>
ParsedArgs::WholeNumber(const std::string& name, std::uint64_t min, const std::string& what) const {
    const std::optional<std::string> text = Value(name);
    if (!text)
        return std::optional<std::uint64_t>{};
    std::uint64_t value = 0;
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end || text->empty() || value < min)
        return Error{name + " takes " + what + ", not '" + *text + "'"};
    return std::optional<std::uint64_t>{value};
}

std::optional<std::string> ParsedArgs::AtMostOne(const std::string& noun) const {
    if (positional.size() < 2)
        return std::nullopt;
    return "one " + noun + " at a time ('" + positional[0] + "' and '" + positional[1] + "')";
}

namespace {

bool LooksLikeOption(const std::string& word) {
    return word.size() > 1 && word[0] == '-';
}

std::string NeedsValues(const OptionSpec& spec) {
    return spec.name + " needs " +
           (spec.values == 1 ? std::string("a value") : std::to_string(spec.values) + " values");
}

} // namespace

ParsedArgs ParseOptions(const std::vector<std::string>& args,
                        const std::vector<OptionSpec>& specs) {
    ParsedArgs out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--help" || word == "-h") {
            out.help = true;
            return out;
        }
        if (word == "--") {
            out.positional.insert(out.positional.end(), args.begin() + i + 1, args.end());
            return out;
        }
        if (!LooksLikeOption(word)) {
            out.positional.push_back(word);
            continue;
        }
        const std::size_t eq = word.find('=');
        const std::string name = word.substr(0, eq);
        auto spec = std::find_if(specs.begin(), specs.end(),
                                 [&](const OptionSpec& s) { return s.name == name; });
        if (spec == specs.end()) {
            out.error = "unknown option '" + name + "'";
            return out;
        }
        std::vector<std::string> values;
        if (eq != std::string::npos) {
            if (spec->values == 0) {
                out.error = name + " takes no value";
                return out;
            }
            values.push_back(word.substr(eq + 1));
        }
        while (values.size() < spec->values && i + 1 < args.size())
            values.push_back(args[++i]);
        const bool missing = values.size() < spec->values ||
                             std::any_of(values.begin(), values.end(),
                                         [](const std::string& v) { return v.empty(); });
        if (missing) {
            out.error = NeedsValues(*spec);
            return out;
        }
        std::vector<std::string>& kept = out.options[name];
        if (!spec->repeats)
            kept.clear();
        kept.insert(kept.end(), values.begin(), values.end());
    }
    return out;
}

CommandLine ParseCommandLine(std::string_view command, UsageText usage,
                             const std::vector<std::string>& args,
                             const std::vector<OptionSpec>& specs) {
    CommandLine line;
    static_cast<ParsedArgs&>(line) = ParseOptions(args, specs);
    line.command = command;
    line.usage = usage;
    if (line.help) {
        usage(std::cout);
        line.exit = 0;
    } else if (!line.error.empty()) {
        line.exit = line.Refuse(line.error);
    }
    return line;
}

} // namespace cmslab::cli
