// The call's audio in the lab's web app: an RTCPeerConnection with the iceServers of the
// `joined` message and a WebAudio tone, and the translation between the SDP the browser
// speaks and the lab's signaling messages (ice-parameters, candidate, end-of-candidates,
// dtls), so that the CMS keeps its protocol. The browser offers; the CMS's parameters
// become the answer. What the browser reports (getStats) is kept in cmslabApp.media.
"use strict";

(function () {
  const app = window.cmslabApp;
  const media = {
    iceState: "new",
    dtlsState: "new",
    localCandidates: [],  // candidate types gathered: "relay", "host", ...
    remoteCandidates: 0,
    packetsReceived: 0,
    packetsSent: 0,
    bytesReceived: 0,
    selectedPair: null,   // {local, remote} candidate types and addresses
    errors: [],
  };
  app.media = media;

  let pc = null;
  let remote = { ufrag: "", pwd: "", fingerprint: "", hash: "", setup: "" };
  let answered = false;
  const pendingCandidates = [];
  let statsTimer = 0;

  function line(sdp, name) {
    const match = sdp.match(new RegExp("^a=" + name + ":(.*)$", "m"));
    return match ? match[1].trim() : "";
  }

  // "candidate:1 1 udp 41885439 192.0.2.1 50000 typ relay raddr 198.51.100.1 rport 9" ->
  // the lab's candidate message.
  function toMessage(text) {
    const f = text.replace(/^candidate:/, "").split(/\s+/);
    const message = {
      type: "candidate", foundation: f[0], component: Number(f[1]),
      transport: f[2].toLowerCase(), priority: Number(f[3]), address: f[4],
      port: Number(f[5]), candidateType: f[7],
    };
    for (let i = 8; i + 1 < f.length; i += 2) {
      if (f[i] === "raddr") message.relatedAddress = f[i + 1];
      if (f[i] === "rport") message.relatedPort = Number(f[i + 1]);
    }
    return message;
  }

  function toCandidate(m) {
    let text = "candidate:" + m.foundation + " " + m.component + " " + m.transport + " " +
      m.priority + " " + m.address + " " + m.port + " typ " + m.candidateType;
    if (m.relatedAddress) text += " raddr " + m.relatedAddress + " rport " + (m.relatedPort || 0);
    return { candidate: text, sdpMid: "0", sdpMLineIndex: 0 };
  }

  // The CMS's parameters as the SDP answer to the browser's offer: one audio section,
  // rtcp-mux, the payload types the browser offered that the CMS sends.
  function answerSdp(offer) {
    const payloads = (offer.match(/^m=audio \d+ \S+ (.*)$/m) || ["", "111"])[1].split(" ");
    const rtpmaps = offer.split(/\r?\n/).filter((l) => /^a=(rtpmap|fmtp):(\d+) /.test(l) &&
      payloads.indexOf(l.match(/^a=\w+:(\d+)/)[1]) >= 0);
    return [
      "v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "a=group:BUNDLE 0",
      "m=audio 9 UDP/TLS/RTP/SAVPF " + payloads.join(" "), "c=IN IP4 0.0.0.0",
      "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:" + remote.ufrag, "a=ice-pwd:" + remote.pwd,
      "a=fingerprint:" + remote.hash + " " + remote.fingerprint,
      "a=setup:" + (remote.setup === "passive" ? "passive" : "active"), "a=mid:0", "a=sendrecv",
      "a=rtcp-mux",
    ].concat(rtpmaps).join("\r\n") + "\r\n";
  }

  async function maybeAnswer() {
    if (answered || !pc || !pc.localDescription || !remote.ufrag || !remote.fingerprint) return;
    answered = true;
    try {
      await pc.setRemoteDescription({ type: "answer", sdp: answerSdp(pc.localDescription.sdp) });
      for (const c of pendingCandidates.splice(0)) await pc.addIceCandidate(c);
    } catch (e) {
      media.errors.push("answer: " + e);
    }
  }

  async function readStats() {
    if (!pc) return;
    const stats = await pc.getStats();
    const byId = {};
    stats.forEach((s) => { byId[s.id] = s; });
    stats.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "audio") {
        media.packetsReceived = s.packetsReceived || 0;
        media.bytesReceived = s.bytesReceived || 0;
      } else if (s.type === "outbound-rtp" && s.kind === "audio") {
        media.packetsSent = s.packetsSent || 0;
        media.bytesSent = s.bytesSent || 0;
      } else if (s.type === "transport") {
        media.dtlsState = s.dtlsState || media.dtlsState;
        const pair = byId[s.selectedCandidatePairId];
        if (pair && byId[pair.localCandidateId] && byId[pair.remoteCandidateId]) {
          const l = byId[pair.localCandidateId];
          const r = byId[pair.remoteCandidateId];
          media.selectedPair = { local: l.candidateType, localAddress: l.address + ":" + l.port,
                                 remote: r.candidateType, remoteAddress: r.address + ":" + r.port };
        }
      }
    });
    if (media.packetsReceived > 0 && app.screen === "connecting") app.mediaFlowing();
  }

  async function start(joined) {
    const servers = (joined.iceServers || []).map((s) => ({
      urls: s.urls, username: s.username, credential: s.credential }));
    pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: "relay",
                                 bundlePolicy: "max-bundle", rtcpMuxPolicy: "require" });
    pc.oniceconnectionstatechange = () => { media.iceState = pc.iceConnectionState; };
    pc.onicecandidate = (event) => {
      if (!app.socket) return;
      if (!event.candidate || !event.candidate.candidate) {
        app.send({ type: "end-of-candidates" });
        return;
      }
      const message = toMessage(event.candidate.candidate);
      media.localCandidates.push(message.candidateType);
      app.send(message);
    };
    // A tone: the lab needs packets, not a voice.
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const sink = audio.createMediaStreamDestination();
    tone.frequency.value = 440;
    tone.connect(sink);
    tone.start();
    audio.resume();
    const track = sink.stream.getAudioTracks()[0];
    pc.addTransceiver(track, { direction: "sendrecv", streams: [sink.stream] });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const sdp = pc.localDescription.sdp;
    const fingerprint = line(sdp, "fingerprint").split(" ");
    app.send({ type: "ice-parameters", ufrag: line(sdp, "ice-ufrag"), pwd: line(sdp, "ice-pwd") });
    app.send({ type: "dtls", hashFunction: fingerprint[0], fingerprint: fingerprint[1],
               setup: line(sdp, "setup") || "actpass" });
    statsTimer = setInterval(() => readStats().catch((e) => media.errors.push("stats: " + e)), 250);
    maybeAnswer();
  }

  document.addEventListener("cmslab-joined", (event) => {
    start(event.detail).catch((e) => media.errors.push("start: " + e));
  });

  document.addEventListener("cmslab-signaling", (event) => {
    const m = event.detail;
    switch (m.type) {
      case "ice-parameters":
        remote.ufrag = m.ufrag;
        remote.pwd = m.pwd;
        break;
      case "dtls":
        remote.fingerprint = m.fingerprint;
        remote.hash = m.hashFunction;
        remote.setup = m.setup;
        break;
      case "candidate":
        media.remoteCandidates += 1;
        if (answered) pc.addIceCandidate(toCandidate(m)).catch((e) => media.errors.push("candidate: " + e));
        else pendingCandidates.push(toCandidate(m));
        break;
      default:
        return;
    }
    maybeAnswer();
  });

  document.addEventListener("cmslab-left", () => {
    clearInterval(statsTimer);
    if (pc) pc.close();
    pc = null;
  });
})();
