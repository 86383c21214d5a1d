//! The audio of a call between two Numbers hosted here: browser to browser over WebRTC, with the
//! offer, answer and ICE candidates relayed by the server over the WebApp's WebSocket.
//!
//! Once the callee answers, the caller opens the connection and sends the offer; the callee
//! answers it; both trickle their ICE candidates. Every step runs in arrival order from one queue,
//! because each awaits the browser (the microphone, the descriptions) and the next depends on it.
//! A tab has one microphone and one call at a time, so the session lives in a thread-local.
//!
//! No ICE server is needed when both browsers reach each other directly (one host, one LAN);
//! others can be configured with `<meta name="webapp-ice-servers" content='[{"urls": "stun:…"}]'>`
//! (a JSON list of RTCIceServer dictionaries) in `index.html`.
//!
//! The active connection is also `window.webappPeer`, so end-to-end tests can read its
//! `connectionState` and `getStats()`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use app_state::call::Role;
use leptos::task::spawn_local;
use protocol::webapp::{ClientEvent, Signal};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::js_sys::{JSON, Reflect};
use web_sys::{
    HtmlAudioElement, MediaStream, MediaStreamConstraints, MediaStreamTrack, RtcConfiguration,
    RtcIceCandidateInit, RtcPeerConnection, RtcPeerConnectionIceEvent, RtcSdpType,
    RtcSessionDescriptionInit, RtcTrackEvent,
};

use super::live;

/// Why the audio could not be set up, for the person on the call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtcError {
    #[error("The microphone cannot be used: allow this site to use it, then call again.")]
    Microphone,
    #[error("The audio connection could not be set up. Hang up and call again.")]
    Connection,
}

/// What the session reports to the call panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaEvent {
    /// `RTCPeerConnection.connectionState`: `new`, `connecting`, `connected`, `disconnected`,
    /// `failed` or `closed`.
    State(String),
    Failed(RtcError),
}

type Report = Rc<dyn Fn(MediaEvent)>;

thread_local! {
    static ACTIVE: RefCell<Option<Rc<Session>>> = const { RefCell::new(None) };
}

/// Starts the audio of `call_id` on this tab, replacing any other: the caller makes its offer at
/// once; the callee waits for it. `report` hears the connection's state changes and failures.
pub fn start(call_id: i64, role: Role, muted: bool, report: impl Fn(MediaEvent) + 'static) {
    stop();
    let session = Rc::new(Session {
        call_id,
        report: Rc::new(report),
        peer: RefCell::new(None),
        steps: RefCell::new(VecDeque::new()),
        running: Cell::new(false),
        closed: Cell::new(false),
        muted: Cell::new(muted),
        early_candidates: RefCell::new(Vec::new()),
    });
    ACTIVE.with(|active| *active.borrow_mut() = Some(Rc::clone(&session)));
    session.push(match role {
        Role::Caller => Step::Offer,
        // The microphone is opened while the offer travels.
        Role::Callee => Step::Prepare,
    });
}

/// Hands a signal from the other side of `call_id` to its session (ignored for any other call).
pub fn receive(call_id: i64, signal: Signal) {
    if let Some(session) = active(call_id) {
        session.push(Step::Remote(signal));
    }
}

/// Mutes or unmutes the microphone of the active call: its track stays, silent.
pub fn set_muted(muted: bool) {
    ACTIVE.with(|active| {
        if let Some(session) = active.borrow().as_ref() {
            session.muted.set(muted);
            if let Some(peer) = session.peer.borrow().as_ref() {
                peer.apply_mute(muted);
            }
        }
    });
}

/// Ends the audio: closes the connection, releases the microphone, removes the speaker.
pub fn stop() {
    if let Some(session) = ACTIVE.with(|active| active.borrow_mut().take()) {
        session.close();
    }
}

fn active(call_id: i64) -> Option<Rc<Session>> {
    ACTIVE.with(|active| {
        active
            .borrow()
            .as_ref()
            .filter(|session| session.call_id == call_id)
            .cloned()
    })
}

enum Step {
    /// Callee: open the microphone and the connection before the offer arrives.
    Prepare,
    /// Caller: open them, then send the offer.
    Offer,
    Remote(Signal),
}

struct Session {
    call_id: i64,
    report: Report,
    peer: RefCell<Option<Peer>>,
    steps: RefCell<VecDeque<Step>>,
    running: Cell<bool>,
    closed: Cell<bool>,
    muted: Cell<bool>,
    /// Candidates that came before the remote description they belong to.
    early_candidates: RefCell<Vec<RtcIceCandidateInit>>,
}

impl Session {
    fn push(self: &Rc<Self>, step: Step) {
        self.steps.borrow_mut().push_back(step);
        if self.running.replace(true) {
            return;
        }
        let session = Rc::clone(self);
        spawn_local(async move {
            loop {
                let next = session.steps.borrow_mut().pop_front();
                let Some(step) = next else { break };
                if session.closed.get() {
                    break;
                }
                if let Err(error) = session.run(step).await {
                    if !session.closed.get() {
                        (session.report)(MediaEvent::Failed(error));
                    }
                    session.steps.borrow_mut().clear();
                    break;
                }
            }
            session.running.set(false);
        });
    }

    async fn run(self: &Rc<Self>, step: Step) -> Result<(), RtcError> {
        let pc = self.connection().await?;
        match step {
            Step::Prepare => {}
            Step::Offer => {
                let offer = JsFuture::from(pc.create_offer())
                    .await
                    .map_err(|_| RtcError::Connection)?;
                let sdp = sdp_of(&offer)?;
                set_description(&pc, RtcSdpType::Offer, &sdp, Side::Local).await?;
                self.send(Signal::Offer { sdp });
            }
            Step::Remote(Signal::Offer { sdp }) => {
                set_description(&pc, RtcSdpType::Offer, &sdp, Side::Remote).await?;
                self.add_early_candidates(&pc).await;
                let answer = JsFuture::from(pc.create_answer())
                    .await
                    .map_err(|_| RtcError::Connection)?;
                let sdp = sdp_of(&answer)?;
                set_description(&pc, RtcSdpType::Answer, &sdp, Side::Local).await?;
                self.send(Signal::Answer { sdp });
            }
            Step::Remote(Signal::Answer { sdp }) => {
                set_description(&pc, RtcSdpType::Answer, &sdp, Side::Remote).await?;
                self.add_early_candidates(&pc).await;
            }
            Step::Remote(Signal::Ice {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            }) => {
                let init = RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                if pc.remote_description().is_none() {
                    self.early_candidates.borrow_mut().push(init);
                } else {
                    add_candidate(&pc, &init).await;
                }
            }
        }
        Ok(())
    }

    async fn add_early_candidates(&self, pc: &RtcPeerConnection) {
        let early = std::mem::take(&mut *self.early_candidates.borrow_mut());
        for init in &early {
            add_candidate(pc, init).await;
        }
    }

    /// The connection, opened on first use with the microphone's track.
    async fn connection(self: &Rc<Self>) -> Result<RtcPeerConnection, RtcError> {
        if let Some(peer) = self.peer.borrow().as_ref() {
            return Ok(peer.pc.clone());
        }
        let microphone = open_microphone().await?;
        if self.closed.get() {
            stop_tracks(&microphone);
            return Err(RtcError::Connection);
        }
        let peer = Peer::open(self, microphone)?;
        peer.apply_mute(self.muted.get());
        let pc = peer.pc.clone();
        *self.peer.borrow_mut() = Some(peer);
        Ok(pc)
    }

    fn send(&self, signal: Signal) {
        live::send(&ClientEvent::Signal {
            call_id: self.call_id,
            signal,
        });
    }

    fn close(&self) {
        self.closed.set(true);
        self.steps.borrow_mut().clear();
        if let Some(peer) = self.peer.borrow_mut().take() {
            peer.close();
        }
    }
}

/// An open connection with what it holds: the microphone, the speaker and its event handlers
/// (kept alive as long as the connection).
struct Peer {
    pc: RtcPeerConnection,
    microphone: MediaStream,
    speaker: Option<HtmlAudioElement>,
    _on_candidate: Closure<dyn FnMut(RtcPeerConnectionIceEvent)>,
    _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
    _on_state: Closure<dyn FnMut()>,
}

impl Peer {
    fn open(session: &Rc<Session>, microphone: MediaStream) -> Result<Self, RtcError> {
        let config = RtcConfiguration::new();
        config.set_ice_servers(&configured_ice_servers());
        let pc = RtcPeerConnection::new_with_configuration(&config).map_err(|_| {
            stop_tracks(&microphone);
            RtcError::Connection
        })?;
        for track in microphone.get_audio_tracks() {
            if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                pc.add_track_0(&track, &microphone);
            }
        }

        let call_id = session.call_id;
        let on_candidate = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(
            move |event: RtcPeerConnectionIceEvent| {
                // The last event has no candidate: the end of gathering, nothing to relay.
                let Some(candidate) = event.candidate() else {
                    return;
                };
                if candidate.candidate().is_empty() {
                    return;
                }
                live::send(&ClientEvent::Signal {
                    call_id,
                    signal: Signal::Ice {
                        candidate: candidate.candidate(),
                        sdp_mid: candidate.sdp_mid(),
                        sdp_m_line_index: candidate.sdp_m_line_index(),
                    },
                });
            },
        );
        pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));

        let speaker = speaker();
        let playing = speaker.clone();
        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |event: RtcTrackEvent| {
            let Some(speaker) = playing.as_ref() else {
                return;
            };
            let stream = event
                .streams()
                .get(0)
                .dyn_into::<MediaStream>()
                .ok()
                .or_else(|| {
                    let stream = MediaStream::new().ok()?;
                    stream.add_track(&event.track());
                    Some(stream)
                });
            speaker.set_src_object(stream.as_ref());
            // Autoplay may be refused without a gesture; the person clicked Call or Answer.
            let _ = speaker.play();
        });
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));

        let report = Rc::clone(&session.report);
        let watched = pc.clone();
        let on_state = Closure::<dyn FnMut()>::new(move || {
            let state = Reflect::get(&watched, &JsValue::from_str("connectionState"))
                .ok()
                .and_then(|state| state.as_string())
                .unwrap_or_default();
            report(MediaEvent::State(state));
        });
        pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));

        expose(Some(&pc));
        Ok(Self {
            pc,
            microphone,
            speaker,
            _on_candidate: on_candidate,
            _on_track: on_track,
            _on_state: on_state,
        })
    }

    fn apply_mute(&self, muted: bool) {
        for track in self.microphone.get_audio_tracks() {
            if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                track.set_enabled(!muted);
            }
        }
    }

    fn close(self) {
        self.pc.set_onicecandidate(None);
        self.pc.set_ontrack(None);
        self.pc.set_onconnectionstatechange(None);
        self.pc.close();
        stop_tracks(&self.microphone);
        if let Some(speaker) = &self.speaker {
            speaker.set_src_object(None);
            speaker.remove();
        }
        expose(None);
    }
}

/// Asks the browser for the microphone (it asks the person the first time).
pub async fn open_microphone() -> Result<MediaStream, RtcError> {
    let devices = web_sys::window()
        .ok_or(RtcError::Microphone)?
        .navigator()
        .media_devices()
        .map_err(|_| RtcError::Microphone)?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::TRUE);
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| RtcError::Microphone)?;
    JsFuture::from(promise)
        .await
        .map_err(|_| RtcError::Microphone)?
        .dyn_into::<MediaStream>()
        .map_err(|_| RtcError::Microphone)
}

/// Releases a microphone opened by [`open_microphone`].
pub fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// An `<audio autoplay>` element for the other side's voice, out of the page's layout.
fn speaker() -> Option<HtmlAudioElement> {
    let document = web_sys::window()?.document()?;
    let audio = document
        .create_element("audio")
        .ok()?
        .dyn_into::<HtmlAudioElement>()
        .ok()?;
    audio.set_autoplay(true);
    audio.set_class_name("call-audio");
    document.body()?.append_child(&audio).ok()?;
    Some(audio)
}

/// The ICE servers configured in the page (see the module's documentation); none by default.
fn configured_ice_servers() -> JsValue {
    let configured = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| {
            document
                .query_selector("meta[name=webapp-ice-servers]")
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
        .and_then(|text| JSON::parse(&text).ok())
        .filter(|list| list.is_array());
    configured.unwrap_or_else(|| web_sys::js_sys::Array::new().into())
}

/// `window.webappPeer`: the active connection, for tests reading its statistics.
fn expose(pc: Option<&RtcPeerConnection>) {
    if let Some(window) = web_sys::window() {
        let value = pc.map_or(JsValue::UNDEFINED, |pc| pc.into());
        let _ = Reflect::set(&window, &JsValue::from_str("webappPeer"), &value);
    }
}

#[derive(Clone, Copy)]
enum Side {
    Local,
    Remote,
}

async fn set_description(
    pc: &RtcPeerConnection,
    kind: RtcSdpType,
    sdp: &str,
    side: Side,
) -> Result<(), RtcError> {
    let description = RtcSessionDescriptionInit::new(kind);
    description.set_sdp(sdp);
    let promise = match side {
        Side::Local => pc.set_local_description(&description),
        Side::Remote => pc.set_remote_description(&description),
    };
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|_| RtcError::Connection)
}

/// A candidate the browser cannot use is skipped: others may still connect.
async fn add_candidate(pc: &RtcPeerConnection, init: &RtcIceCandidateInit) {
    let _ = JsFuture::from(pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(init))).await;
}

/// The `sdp` text of a description the browser created.
fn sdp_of(description: &JsValue) -> Result<String, RtcError> {
    Reflect::get(description, &JsValue::from_str("sdp"))
        .ok()
        .and_then(|sdp| sdp.as_string())
        .ok_or(RtcError::Connection)
}
