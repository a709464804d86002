// How every `cmslab` subcommand reads its arguments and refuses them: options given as
// `--name value` or `--name=value` (or as a flag, `--name`), `--help` / `-h`, positional
// arguments, and a usage error that names what is wrong above the command's usage. One
// parser, so that each command accepts the same forms and says the same words.
#pragma once

#include "common/expected.h"

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::cli {

using UsageText = void (*)(std::ostream&);

// `cmslab <command>: <message>`, a blank line and the command's usage on stderr; 2, the
// exit code of unusable input.
int UsageError(std::string_view command, UsageText usage, const std::string& message);

// An option a command knows: its name with the dashes ("--out") and how many words it
// takes (0: a flag). The first word may also follow an '='.
struct OptionSpec {
    std::string name;
    std::size_t values = 0;
    // Each occurrence adds its words instead of replacing the last one's (`--attach a
    // --attach b`).
    bool repeats = false;
};

// What a command line says. Each option holds the words of its last occurrence, as a
// user repeating an option means the later one, unless its spec repeats.
struct ParsedArgs {
    bool help = false; // --help or -h: nothing after it is read
    std::string error; // why the line is refused; empty when it is not
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>> options;

    bool Has(const std::string& name) const { return options.count(name) != 0; }
    // The option's first word, or nullopt when it is not given.
    std::optional<std::string> Value(const std::string& name) const;
    // The option's words; empty when it is not given.
    std::vector<std::string> Values(const std::string& name) const;
    // The option's word as a whole number of at least `min`: nullopt when the option is
    // not given, an error "<name> takes <what>, not '<word>'" when it is not such a
    // number.
    Expected<std::optional<std::uint64_t>> WholeNumber(const std::string& name, std::uint64_t min,
                                                       const std::string& what) const;
    // For a command that takes at most one positional argument, a `noun`: the refusal
    // of a second one ("one <noun> at a time ('a' and 'b')"), or nullopt.
    std::optional<std::string> AtMostOne(const std::string& noun) const;
};

// Reads `args` (what follows the subcommand's name) against `specs`. Refused: an option
// that is not in `specs`, a missing or empty value, a value given to a flag. After "--"
// every word is positional; "-" alone is positional too (a file name by convention).
ParsedArgs ParseOptions(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);

// ParseOptions for the commands: with `exit` set the command returns it at once, after
// --help printed the usage on stdout (0) or a refusal printed UsageError's text (2).
struct CommandLine : ParsedArgs {
    std::optional<int> exit;
    std::string command;
    UsageText usage = nullptr;

    // What the command finds wrong with the line after parsing (a value it cannot use,
    // a missing argument): UsageError with its name and usage.
    int Refuse(const std::string& message) const { return UsageError(command, usage, message); }
};
CommandLine ParseCommandLine(std::string_view command, UsageText usage,
                             const std::vector<std::string>& args,
                             const std::vector<OptionSpec>& specs);

} // namespace cmslab::cli
