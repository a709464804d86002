// The guest's side of the lab's web app: the screens in the product's order (Meeting with
// Join call, Enter Call ID, the space's page with the guest's name, the space with its
// participants) over the lab's protocol (models/devices/webapp/README.md): two form posts
// answered with JSON, then the signaling WebSocket. The screen shown is always in
// document.body.dataset.screen (the names of summary.json's guest_view), so that whoever
// drives the page (a person, the DevTools protocol) reads the same state.
"use strict";

(function () {
  const SIGNALING_PROTOCOL = "cmslab-webrtc-signaling";
  // Without media this long after joining the app drops the call and shows the join
  // page again (the modelled browser waits as long).
  const MEDIA_TIMEOUT_MS = 30000;

  const state = {
    screen: "join_page",
    callId: "",
    passcode: "",
    spaceName: "",
    session: "",
    socket: null,
    participants: [],
    iceServers: [],
    signaling: [], // every signaling message type, in order, "<" received, ">" sent
    answers: [],   // the JSON answers of the two form posts: {path, status, result, error}
    mediaTimer: 0,
  };
  window.cmslabApp = state;

  const $ = (id) => document.getElementById(id);

  function show(screen, section, message) {
    state.screen = screen;
    document.body.dataset.screen = screen;
    for (const s of document.querySelectorAll("section.screen"))
      s.hidden = s.id !== section;
    $("message").textContent = message || "";
  }

  function setSpaceName(name) {
    for (const h of document.querySelectorAll(".space-name")) h.textContent = name;
  }

  function refused(message) {
    leaveSignaling();
    show("join_refused", "meeting", message || "Unable to join the meeting");
  }

  async function post(form, fields) {
    const body = new URLSearchParams(fields).toString();
    let status = 0;
    try {
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: body,
      });
      status = response.status;
      const answer = await response.json();
      state.answers.push({ path: form.getAttribute("action"), status: status,
                           result: answer.result, error: answer.error || "" });
      return answer;
    } catch (e) {
      state.answers.push({ path: form.getAttribute("action"), status: status,
                           result: "error", error: String(e) });
      return { result: "error", message: "Unable to join the meeting" };
    }
  }

  function send(message) {
    state.signaling.push(">" + message.type);
    state.socket.send(JSON.stringify(message));
  }

  function leaveSignaling() {
    clearTimeout(state.mediaTimer);
    document.dispatchEvent(new CustomEvent("cmslab-left"));
    if (state.socket) {
      const socket = state.socket;
      state.socket = null;
      socket.onclose = null;
      socket.close();
    }
  }

  function renderParticipants(list) {
    state.participants = list.map((p) => p.displayName);
    const ul = $("participants");
    ul.textContent = "";
    for (const name of state.participants) {
      const li = document.createElement("li");
      li.textContent = name;
      ul.appendChild(li);
    }
  }

  function onSignaling(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      return;
    }
    state.signaling.push("<" + message.type);
    switch (message.type) {
      case "joined":
        state.iceServers = message.iceServers || [];
        renderParticipants(message.participants || []);
        state.mediaTimer = setTimeout(() => {
          leaveSignaling();
          show("connecting_timeout", "meeting", "");
        }, MEDIA_TIMEOUT_MS);
        document.dispatchEvent(new CustomEvent("cmslab-joined", { detail: message }));
        break;
      case "participants":
        renderParticipants(message.participants || []);
        break;
      case "bye":
        leaveSignaling();
        show("join_page", "meeting", "");
        break;
      case "error":
        refused(message.message);
        break;
      default:
        document.dispatchEvent(new CustomEvent("cmslab-signaling", { detail: message }));
    }
  }

  function openSignaling(answer, displayName) {
    const url = new URL(answer.signalingUrl, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    state.session = answer.session;
    const socket = new WebSocket(url.toString(), SIGNALING_PROTOCOL);
    state.socket = socket;
    socket.onopen = () => send({ type: "join", session: answer.session, displayName: displayName });
    socket.onmessage = (event) => onSignaling(event.data);
    socket.onclose = () => {
      if (state.socket === socket) refused("The call has ended");
    };
  }

  // The DevTools driver and the WebRTC half reach the app through these.
  state.send = send;
  state.mediaFlowing = () => {
    clearTimeout(state.mediaTimer);
    $("call-state").textContent = "";
    show("in_call", "in-space", "");
  };

  document.addEventListener("DOMContentLoaded", () => {
    const join = $("join-call");
    if (!join) {
      show("no_join_button", "meeting", "");
      return;
    }
    join.addEventListener("click", () => show("enter_call_id", "enter-call-id", ""));

    $("call-id-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.target;
      state.callId = form.elements.callId.value;
      state.passcode = form.elements.passcode ? form.elements.passcode.value : "";
      const answer = await post(form, { callId: state.callId, passcode: state.passcode });
      if (answer.result !== "ok") return refused(answer.message);
      state.spaceName = answer.spaceName;
      setSpaceName(answer.spaceName);
      show("enter_name", "enter-name", "");
    });

    $("name-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.target;
      const displayName = form.elements.displayName.value;
      const answer = await post(form, {
        callId: state.callId, passcode: state.passcode, displayName: displayName });
      if (answer.result !== "ok") return refused(answer.message);
      $("call-state").textContent = "Connecting";
      show("connecting", "in-space", "");
      openSignaling(answer, displayName);
    });

    $("leave").addEventListener("click", () => {
      if (state.socket) send({ type: "leave", reason: "guest left" });
      leaveSignaling();
      show("join_page", "meeting", "");
    });
  });
})();
