// The scenario loader fed JSON text: syntax, schema, every address and name, and the
// checks over the whole deployment. A scenario file comes from a user (or `cmslab
// mutate`), so any text must give diagnostics, never a crash or an exception.
// Properties: no exception escapes; a scenario comes back exactly when no diagnostic is
// an error; every error is reported with text.
#include "fuzz_support.h"
#include "scenario/loader.h"

using namespace cmslab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    fuzz::NoThrow("scenario loader", [&] {
        const scenario::LoadResult r = scenario::LoadScenarioFromString(text, "fuzz.json");
        FUZZ_CHECK(r.Ok() == (r.ErrorCount() == 0),
                   "a scenario came back with errors, or none without");
        if (!r.Ok())
            FUZZ_CHECK(!r.Report().empty(), "errors without a report");
    });
    return 0;
}
