// Where the web app's pieces live on the web bridge, and the names of its form fields.
// The browser and the CMS web bridge both use these, so that they cannot drift apart.
#pragma once

namespace cmslab::webapp {

// GET: the "Meeting" page.
inline constexpr const char* kPagePath = "/";
// POST, form-urlencoded (kFieldCallId, kFieldPasscode): is there a meeting to join?
inline constexpr const char* kCallLookupPath = "/api/guest/call";
// POST, form-urlencoded (kFieldCallId, kFieldPasscode, kFieldDisplayName): the guest login.
inline constexpr const char* kGuestLoginPath = "/api/guest/login";
// GET with WebSocket upgrade, query "session=<token>": the signaling channel.
inline constexpr const char* kSignalingPath = "/api/guest/signaling";
// GET: the user sign-in page (not modelled beyond its link).
inline constexpr const char* kSignInPath = "/sign-in";

inline constexpr const char* kFieldCallId = "callId";
inline constexpr const char* kFieldPasscode = "passcode";
inline constexpr const char* kFieldDisplayName = "displayName";
inline constexpr const char* kQuerySession = "session";

// The WebSocket subprotocol both ends offer and accept.
inline constexpr const char* kSignalingProtocol = "cmslab-webrtc-signaling";

inline constexpr const char* kJsonContentType = "application/json";
inline constexpr const char* kHtmlContentType = "text/html; charset=utf-8";
inline constexpr const char* kFormContentType = "application/x-www-form-urlencoded";

} // namespace cmslab::webapp
