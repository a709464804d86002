// Rules for the web app refusing the guest (stage guest_login): the call ID or passcode.
#include "diagnosis/rules.h"

namespace cmslab::diagnosis {

std::optional<Finding> GuestCallIdOrPasscode(const RuleContext& ctx) {
    using outcome::Stage;
    const auto& record = ctx.Stage(Stage::GuestLogin);
    if (record.status != outcome::StageStatus::Failed ||
        record.detail.find("callNotRecognized") == std::string::npos)
        return std::nullopt;
    // "call ID 999: POST ..." -> "999".
    std::string call_id;
    const std::string marker = "call ID ";
    if (record.detail.rfind(marker, 0) == 0)
        call_id = record.detail.substr(marker.size(), record.detail.find(':') - marker.size());
    std::string node;
    const nlohmann::json& spaces = At(ctx.Folder().RoleStatus("cms", &node), "spaces");
    if (call_id.empty() || !spaces.is_array())
        return std::nullopt;
    std::optional<std::size_t> match;
    std::string known;
    for (std::size_t i = 0; i < spaces.size(); ++i) {
        const std::string id = StringAt(spaces[i], "callId");
        known += (known.empty() ? "" : ", ") + id + " (" + StringAt(spaces[i], "name") + ")";
        if (id == call_id)
            match = i;
    }
    Finding f;
    f.evidence.push_back(ctx.StageEvidence(Stage::GuestLogin));
    if (auto l = ctx.BrowserFailedLine(Stage::GuestLogin))
        f.evidence.push_back(FromLog(*l));
    const std::string file = "status/" + node + ".json";
    if (!match) {
        f.cause = "guest_call_id_unknown";
        f.summary = "The guest entered call ID " + call_id + ", which no space on the CMS has.";
        f.box = "Cisco Meeting Server (or the invitation the guest was given)";
        f.setting = "space call ID";
        f.where = "CMS: Configuration > Spaces (API: PUT /api/v1/coSpaces/<id> callId), or "
                  "the call ID in the guest's invitation";
        f.current = call_id;
        f.should_be = "the call ID of the space the guest should join: " + known;
        f.evidence.push_back(Evidence::Status(file, "cms.spaces", known));
        return f;
    }
    f.cause = "guest_passcode";
    f.summary = "Call ID " + call_id + " is the space " + StringAt(spaces[*match], "name") +
                ", but the web app refused the guest's passcode.";
    f.box = "Cisco Meeting Server (or the invitation the guest was given)";
    f.setting = "space passcode";
    f.where = "CMS API: PUT /api/v1/coSpaces/" + StringAt(spaces[*match], "id") +
              " passcode=<passcode> (Configuration > Spaces), or the passcode in the guest's "
              "invitation";
    f.should_be = "the passcode the guests are given (an empty passcode if none is intended)";
    f.evidence.push_back(Evidence::Status(file, Indexed("cms.spaces", *match),
                                          call_id + " " + StringAt(spaces[*match], "name")));
    return f;
}

} // namespace cmslab::diagnosis
