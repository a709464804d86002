// Rules for the certificate the guest's browser refused (the Expressway-E's: it ends the
// guests' TLS for the web bridge URL).
#include "diagnosis/rules.h"

namespace cmslab::diagnosis {

namespace {

using outcome::Stage;
using outcome::StageStatus;

const char* kWhere = "Expressway-E: Maintenance > Security > Server certificate (Generate CSR, "
                     "have the CA sign it, upload the signed certificate)";

// The stage's detail is the browser's own words: OpenSSL's verify result from the modelled
// browser ("62 hostname mismatch ..."), Chromium's net error from a real one
// ("Chromium: net::ERR_CERT_COMMON_NAME_INVALID"). Either names the same fault.
bool CertificateFailed(const RuleContext& ctx, std::initializer_list<const char*> any_of) {
    const auto& record = ctx.Stage(Stage::Certificate);
    if (record.status != StageStatus::Failed)
        return false;
    for (const char* needle : any_of)
        if (record.detail.find(needle) != std::string::npos)
            return true;
    return false;
}

// The SAN list the browser reports: "... against the SAN list the server sent: a, b; ...".
std::string SanList(const std::string& detail) {
    const std::string marker = "SAN list the server sent: ";
    auto at = detail.find(marker);
    if (at == std::string::npos)
        return "";
    std::string rest = detail.substr(at + marker.size());
    return rest.substr(0, rest.find(';'));
}

void AddCommonEvidence(const RuleContext& ctx, Finding& f) {
    f.evidence.push_back(ctx.StageEvidence(Stage::Certificate));
    if (auto l = ctx.BrowserFailedLine(Stage::Certificate))
        f.evidence.push_back(FromLog(*l));
    const auto& view = ctx.Folder().Outcome().guest_view;
    f.evidence.push_back(Evidence::Summary(
        "guest_view", std::string(outcome::ScreenName(view.screen)) + ": \"" + view.title +
                          "\", address bar \"" + view.security + "\"" +
                          (view.error_code.empty() ? "" : " (" + view.error_code + ")")));
}

std::string Subject(const std::string& detail) {
    auto at = detail.find("CN = ");
    if (at == std::string::npos)
        return "";
    std::string rest = detail.substr(at);
    return rest.substr(0, rest.find(')'));
}

} // namespace

std::optional<Finding> CertificateNameMismatch(const RuleContext& ctx) {
    if (!CertificateFailed(ctx, {"hostname mismatch", "ERR_CERT_COMMON_NAME_INVALID"}))
        return std::nullopt;
    const std::string host = ctx.GuestHost();
    const std::string sans = SanList(ctx.Stage(Stage::Certificate).detail);
    Finding f;
    f.cause = "certificate_name_mismatch";
    f.summary = "The Expressway-E's server certificate does not name " + host +
                ", the web bridge URL the guests open: the browser warns that the connection "
                "is not private.";
    f.box = "Expressway-E";
    f.setting = "server certificate, Subject Alternative Names";
    f.where = kWhere;
    if (!sans.empty())
        f.current = "SAN: " + sans;
    f.should_be = "a certificate whose SAN list includes " + host +
                  (sans.empty() ? "" : " (with the names it has now: " + sans + ")") +
                  ", signed by a CA the guests' browsers trust";
    AddCommonEvidence(ctx, f);
    return f;
}

std::optional<Finding> CertificateUntrusted(const RuleContext& ctx) {
    if (!CertificateFailed(ctx, {"unable to get local issuer", "self-signed", "self signed",
                                 "unknown_ca", "unable to verify", "signature failure",
                                 "ERR_CERT_AUTHORITY_INVALID"}))
        return std::nullopt;
    const std::string subject = Subject(ctx.Stage(Stage::Certificate).detail);
    Finding f;
    f.cause = "certificate_untrusted";
    f.summary = "The guests' browser does not trust the issuer of the Expressway-E's server "
                "certificate" +
                (subject.empty() ? std::string() : " (" + subject + ")") +
                ": it warns that the connection is not private.";
    f.box = "Expressway-E";
    f.setting = "server certificate, issuer";
    f.where = kWhere;
    f.should_be = "a certificate for " + ctx.GuestHost() +
                  " issued by a certificate authority the guests' browsers trust (a public CA), "
                  "served with its intermediate certificates";
    f.also.push_back("with an internal CA, every guest's browser must trust that CA: "
                     "Expressway-E Maintenance > Security > Trusted CA certificate does not "
                     "change what browsers trust");
    AddCommonEvidence(ctx, f);
    return f;
}

std::optional<Finding> CertificateExpired(const RuleContext& ctx) {
    if (!CertificateFailed(ctx, {"certificate has expired", "certificate is not yet valid",
                                 "ERR_CERT_DATE_INVALID"}))
        return std::nullopt;
    Finding f;
    f.cause = "certificate_validity";
    f.summary = "The Expressway-E's server certificate is outside its validity period at the "
                "time of the join.";
    f.box = "Expressway-E";
    f.setting = "server certificate, validity (not before / not after)";
    f.where = kWhere;
    f.should_be = "a certificate valid now, for " + ctx.GuestHost();
    AddCommonEvidence(ctx, f);
    return f;
}

} // namespace cmslab::diagnosis
