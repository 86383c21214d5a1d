//! The call panel's state machine (NUM-5): what a browser tab shows of its call and what it must
//! do next, as plain data. The WebApp's `call_panel` keeps one [`CallState`] per tab, calls a
//! transition for each click, server answer, live event or timer, and runs the [`Effect`]s it
//! returns (the audio, requests, the voicemail recorder, timers).
//!
//! A browser tab has one microphone and shows one call at a time. The tab that placed or answered
//! a call carries its audio (`here`); another tab of the same User only sees it ring, and steps
//! aside once it is answered elsewhere. Events and answers can arrive in any order, and a call
//! never goes back (ringing, then connected, then over).

use chrono::DateTime;
use protocol::webapp::{AppEvent, CallStatus, CallView, Direction, Signal};

/// How long an ended call stays in the panel before it closes by itself, in milliseconds.
pub const SHOW_ENDED_FOR_MS: u32 = 4_000;

/// The longest voicemail the panel records, in seconds: recording stops and sends by itself
/// then (the server takes up to `domain::call::VOICEMAIL_MAX_SECONDS`).
pub const VOICEMAIL_MAX_SECONDS: u32 = 60;

/// Which side of the call this tab is: the caller makes the WebRTC offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Caller,
    Callee,
}

/// Where leaving a voicemail stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum VoicemailStage {
    /// Not offered: the call was answered, incoming, or not between hosted Numbers.
    #[default]
    None,
    /// The caller may leave one.
    Offered,
    /// Recording since this instant (ms since the epoch on this browser's clock).
    Recording {
        started_ms: u64,
    },
    Sending,
    Sent,
}

impl VoicemailStage {
    fn in_progress(&self) -> bool {
        matches!(self, Self::Recording { .. } | Self::Sending)
    }
}

/// The requests the panel sends about its call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Answer(i64),
    Decline(i64),
    HangUp(i64),
}

/// What the tab must do after a transition; the answers come back as transitions.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Open the microphone and connect the call's audio; report the connection's state with
    /// [`CallState::audio_state`] and failures with [`CallState::audio_failed`].
    StartAudio {
        call_id: i64,
        role: Role,
        muted: bool,
    },
    /// Hand signalling from the other side to the call's audio.
    Signal {
        call_id: i64,
        signal: Signal,
    },
    SetMuted(bool),
    /// Close the audio connection and release the microphone.
    StopAudio,
    /// Send the request; its answer goes to [`CallState::answered`].
    Send(Request),
    /// Start recording from the microphone; then [`CallState::recording_started`] or
    /// [`CallState::recording_failed`].
    StartRecording,
    /// After [`VOICEMAIL_MAX_SECONDS`], call [`CallState::recording_cap_reached`].
    CapRecording {
        started_ms: u64,
    },
    /// Stop the recording and upload it for the call; then [`CallState::voicemail_sent`].
    SendVoicemail {
        call_id: i64,
    },
    /// Throw away any recording.
    DiscardRecording,
    /// After [`SHOW_ENDED_FOR_MS`], call [`CallState::close_if_ended`].
    CloseLater {
        call_id: i64,
    },
}

/// The buttons the panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buttons {
    None,
    /// "Answer" and "Decline".
    AnswerOrDecline,
    /// "Hang up" while it rings.
    HangUp,
    /// "Hang up", with "Mute" when this tab carries the audio.
    Connected {
        mute: bool,
    },
    /// "Leave a voicemail" and "Close".
    LeaveVoicemail,
    /// "Stop and send" and "Cancel".
    StopOrCancel,
    Close,
}

/// A call in the panel: ringing, running or just over.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownCall {
    pub call: CallView,
    /// This tab placed or answered the call: it carries the audio.
    pub here: bool,
    /// This tab is placing the call and the server has not answered yet (its event came first).
    placing: bool,
    /// When the call was answered, in ms since the epoch on this browser's clock.
    pub answered_ms: Option<f64>,
    /// The WebRTC connection's state for a hosted call (`connecting`, `connected`, …).
    pub connection: Option<String>,
    pub muted: bool,
    pub voicemail: VoicemailStage,
    /// What went wrong, for the person on the call.
    pub problem: Option<String>,
    /// A request of the panel is on its way: its buttons wait.
    pub busy: bool,
}

impl ShownCall {
    fn new(call: CallView, here: bool) -> Self {
        Self {
            call,
            here,
            placing: false,
            answered_ms: None,
            connection: None,
            muted: false,
            voicemail: VoicemailStage::None,
            problem: None,
            busy: false,
        }
    }
}

/// The tab's call.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CallState {
    /// No call: the panel is closed.
    #[default]
    Idle,
    /// The server is placing a call to this number.
    Dialling {
        to: String,
    },
    Shown(Box<ShownCall>),
}

/// Whether `next` may replace `current` for the same call: a call never goes back, and an ended
/// call is updated (a voicemail left), never turned into another ending.
fn advances(current: CallStatus, next: CallStatus) -> bool {
    fn rank(status: CallStatus) -> u8 {
        match status {
            CallStatus::Ringing => 0,
            CallStatus::Connected => 1,
            _ => 2,
        }
    }
    rank(next) >= rank(current) && !(current.is_over() && next != current)
}

/// When the call was answered on this browser's clock: the server's `answered_at` when it is
/// plausible (the server's clock may be shifted for demos), else now.
fn answered_ms(answered_at: Option<&str>, now_ms: f64) -> f64 {
    let at = answered_at
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .map_or(f64::NAN, |at| at.timestamp_millis() as f64);
    let six_hours = 6.0 * 3600.0 * 1000.0;
    if at.is_finite() && at <= now_ms && now_ms - at < six_hours {
        at
    } else {
        now_ms
    }
}

/// A duration as the panel and the call history show it: `m:ss`.
pub fn duration_text(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// Whole seconds from `start_ms` to `end_ms`, never negative.
pub fn seconds_between(start_ms: f64, end_ms: f64) -> u32 {
    let seconds = ((end_ms - start_ms) / 1000.0).floor();
    if seconds.is_finite() && seconds > 0.0 {
        seconds.min(f64::from(u32::MAX)) as u32
    } else {
        0
    }
}

impl CallState {
    pub fn shown(&self) -> Option<&ShownCall> {
        match self {
            Self::Shown(shown) => Some(shown),
            Self::Idle | Self::Dialling { .. } => None,
        }
    }

    fn shown_mut(&mut self) -> Option<&mut ShownCall> {
        match self {
            Self::Shown(shown) => Some(shown),
            Self::Idle | Self::Dialling { .. } => None,
        }
    }

    /// The call in the panel, if any.
    pub fn call(&self) -> Option<&CallView> {
        self.shown().map(|shown| &shown.call)
    }

    fn shown_id(&self) -> Option<i64> {
        self.call().map(|call| call.id)
    }

    /// A call is being placed, ringing or running in this tab, or a voicemail is being left on
    /// it (an ended call does not count): the dialler waits.
    pub fn in_call(&self) -> bool {
        match self {
            Self::Idle => false,
            Self::Dialling { .. } => true,
            Self::Shown(shown) => {
                shown.placing || !shown.call.status.is_over() || shown.voicemail.in_progress()
            }
        }
    }

    /// Closes the panel, giving up any recording and the audio.
    pub fn close(&mut self) -> Vec<Effect> {
        *self = Self::Idle;
        vec![Effect::DiscardRecording, Effect::StopAudio]
    }

    /// The dialler places a call to `to` (it checked [`CallState::in_call`] first).
    pub fn dial(&mut self, to: String) -> Vec<Effect> {
        let effects = self.close();
        *self = Self::Dialling { to };
        effects
    }

    /// The server's answer to the dial: the call placed, or `None` if it was refused (the
    /// dialler says why).
    pub fn placed(&mut self, call: Option<CallView>, now_ms: f64) -> Vec<Effect> {
        match self {
            Self::Dialling { .. } => *self = Self::Idle,
            Self::Shown(shown) => shown.placing = false,
            Self::Idle => {}
        }
        match call {
            Some(call) => self.show(call, true, now_ms),
            None => Vec::new(),
        }
    }

    /// A live event: calls of this tab move along, an incoming call rings, signalling goes to
    /// the audio.
    pub fn receive(&mut self, event: &AppEvent, now_ms: f64) -> Vec<Effect> {
        match event {
            AppEvent::Call { call } => self.on_call(call.clone(), now_ms),
            AppEvent::Signal { call_id, signal } => match self.shown() {
                Some(shown) if shown.here && shown.call.id == *call_id => vec![Effect::Signal {
                    call_id: *call_id,
                    signal: signal.clone(),
                }],
                _ => Vec::new(),
            },
            // The frame keeps the Credits; messages are not the panel's.
            AppEvent::Credits { .. }
            | AppEvent::Message { .. }
            | AppEvent::MessageStatus { .. } => Vec::new(),
        }
    }

    fn on_call(&mut self, call: CallView, now_ms: f64) -> Vec<Effect> {
        if let Some(shown) = self.shown()
            && shown.call.id == call.id
        {
            let here = shown.here;
            return self.show(call, here, now_ms);
        }
        // The event for a call this tab is placing can come before the server's answer.
        if matches!(self, Self::Dialling { .. })
            && call.direction == Direction::Outgoing
            && !call.status.is_over()
        {
            let effects = self.show(call, true, now_ms);
            if let Some(shown) = self.shown_mut() {
                shown.placing = true;
            }
            return effects;
        }
        if call.direction == Direction::Incoming && call.status == CallStatus::Ringing {
            return self.found_ringing(call, now_ms);
        }
        Vec::new()
    }

    /// An incoming call ringing for the User (a live event, or found in the history when the
    /// socket comes back): shown unless this tab is busy with another call.
    pub fn found_ringing(&mut self, call: CallView, now_ms: f64) -> Vec<Effect> {
        if self.in_call() {
            return Vec::new();
        }
        if self.shown_id() != Some(call.id) {
            *self = Self::Idle;
        }
        self.show(call, false, now_ms)
    }

    /// Shows `call` (a newer state of the shown call, or a new one) and does what its state asks.
    fn show(&mut self, call: CallView, here: bool, now_ms: f64) -> Vec<Effect> {
        let was = match self.shown() {
            Some(shown) if shown.call.id == call.id => {
                if !advances(shown.call.status, call.status) {
                    return Vec::new();
                }
                Some(shown.call.status)
            }
            _ => None,
        };
        if was.is_none() {
            *self = Self::Shown(Box::new(ShownCall::new(call.clone(), here)));
        }
        let Self::Shown(shown) = self else {
            unreachable!("a call was just shown")
        };
        shown.here = here;
        let mut effects = Vec::new();
        match call.status {
            CallStatus::Ringing => {}
            CallStatus::Connected if was != Some(CallStatus::Connected) => {
                if !here {
                    // Answered on another tab or device: that one carries it.
                    return self.close();
                }
                shown.answered_ms = Some(answered_ms(call.answered_at.as_deref(), now_ms));
                if call.hosted && call.direction == Direction::Outgoing {
                    effects.push(shown.start_audio(call.id, Role::Caller));
                }
            }
            CallStatus::Connected => {}
            // The same ending again (a voicemail was just left on it): only the details change.
            _ if was == Some(call.status) => {}
            _ => {
                effects.push(Effect::StopAudio);
                shown.connection = None;
                let offer_voicemail = here
                    && call.hosted
                    && call.direction == Direction::Outgoing
                    && matches!(call.status, CallStatus::Missed | CallStatus::Declined)
                    && call.voicemail.is_none();
                shown.voicemail = if offer_voicemail {
                    VoicemailStage::Offered
                } else {
                    VoicemailStage::None
                };
                if !offer_voicemail {
                    effects.push(Effect::CloseLater { call_id: call.id });
                }
            }
        }
        shown.call = call;
        effects
    }

    /// The WebRTC connection of `call_id` changed state.
    pub fn audio_state(&mut self, call_id: i64, state: String) -> Vec<Effect> {
        if let Some(shown) = self.shown_mut().filter(|shown| shown.call.id == call_id) {
            shown.connection = Some(state);
        }
        Vec::new()
    }

    /// The audio of `call_id` could not be set up.
    pub fn audio_failed(&mut self, call_id: i64, problem: String) -> Vec<Effect> {
        if let Some(shown) = self.shown_mut().filter(|shown| shown.call.id == call_id) {
            shown.problem = Some(problem);
        }
        Vec::new()
    }

    /// "Answer": this tab takes the call and opens the microphone while the server connects it.
    pub fn answer(&mut self) -> Vec<Effect> {
        let Some(shown) = self.shown_mut() else {
            return Vec::new();
        };
        shown.here = true;
        let mut effects = Vec::new();
        if shown.call.hosted {
            effects.push(shown.start_audio(shown.call.id, Role::Callee));
        }
        effects.push(shown.request(Request::Answer));
        effects
    }

    /// "Decline".
    pub fn decline(&mut self) -> Vec<Effect> {
        let Some(shown) = self.shown_mut() else {
            return Vec::new();
        };
        shown.here = true;
        vec![shown.request(Request::Decline)]
    }

    /// "Hang up".
    pub fn hang_up(&mut self) -> Vec<Effect> {
        self.shown_mut()
            .map(|shown| vec![shown.request(Request::HangUp)])
            .unwrap_or_default()
    }

    /// "Mute" and "Unmute": the microphone's track stays, silent.
    pub fn toggle_mute(&mut self) -> Vec<Effect> {
        let Some(shown) = self.shown_mut() else {
            return Vec::new();
        };
        shown.muted = !shown.muted;
        vec![Effect::SetMuted(shown.muted)]
    }

    /// The server's answer to a [`Request`] about `call_id`: the call as it now stands, or why
    /// it was refused. An answer about a call no longer shown changes nothing.
    pub fn answered(
        &mut self,
        call_id: i64,
        answer: Result<CallView, String>,
        now_ms: f64,
    ) -> Vec<Effect> {
        let Some(shown) = self.shown_mut().filter(|shown| shown.call.id == call_id) else {
            return Vec::new();
        };
        shown.busy = false;
        match answer {
            Ok(call) => {
                let here = shown.here;
                self.show(call, here, now_ms)
            }
            Err(problem) => {
                shown.problem = Some(problem);
                // An answer that failed leaves nothing to carry.
                if shown.call.status == CallStatus::Ringing {
                    vec![Effect::StopAudio]
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// "Leave a voicemail": records from the microphone, for at most
    /// [`VOICEMAIL_MAX_SECONDS`].
    pub fn record_voicemail(&mut self) -> Vec<Effect> {
        match self.shown_mut() {
            Some(shown) if shown.voicemail == VoicemailStage::Offered => {
                shown.busy = true;
                shown.problem = None;
                vec![Effect::StartRecording]
            }
            _ => Vec::new(),
        }
    }

    /// The microphone records since `started_ms`. If the panel was closed meanwhile, the
    /// recording is thrown away.
    pub fn recording_started(&mut self, started_ms: u64) -> Vec<Effect> {
        match self.shown_mut() {
            Some(shown) if shown.voicemail == VoicemailStage::Offered => {
                shown.busy = false;
                shown.voicemail = VoicemailStage::Recording { started_ms };
                vec![Effect::CapRecording { started_ms }]
            }
            _ => vec![Effect::DiscardRecording],
        }
    }

    /// The recording could not start.
    pub fn recording_failed(&mut self, problem: String) -> Vec<Effect> {
        if let Some(shown) = self.shown_mut() {
            shown.busy = false;
            shown.problem = Some(problem);
        }
        Vec::new()
    }

    /// The longest voicemail is recorded: sent as if "Stop and send" was clicked, unless that
    /// recording already ended.
    pub fn recording_cap_reached(&mut self, started_ms: u64) -> Vec<Effect> {
        match self.shown() {
            Some(shown) if shown.voicemail == (VoicemailStage::Recording { started_ms }) => {
                self.send_voicemail()
            }
            _ => Vec::new(),
        }
    }

    /// "Stop and send": uploads the recording for the called Number.
    pub fn send_voicemail(&mut self) -> Vec<Effect> {
        match self.shown_mut() {
            Some(shown) if matches!(shown.voicemail, VoicemailStage::Recording { .. }) => {
                shown.voicemail = VoicemailStage::Sending;
                shown.problem = None;
                vec![Effect::SendVoicemail {
                    call_id: shown.call.id,
                }]
            }
            _ => Vec::new(),
        }
    }

    /// The upload of the voicemail left on `call_id` is done, or why not (to try again).
    pub fn voicemail_sent(&mut self, call_id: i64, sent: Result<(), String>) -> Vec<Effect> {
        let Some(shown) = self.shown_mut().filter(|shown| shown.call.id == call_id) else {
            return Vec::new();
        };
        match sent {
            Ok(()) => {
                shown.voicemail = VoicemailStage::Sent;
                vec![Effect::CloseLater { call_id }]
            }
            Err(problem) => {
                shown.problem = Some(problem);
                shown.voicemail = VoicemailStage::Offered;
                Vec::new()
            }
        }
    }

    /// Closes the panel if it still shows `call_id` ended, with no voicemail on its way.
    pub fn close_if_ended(&mut self, call_id: i64) -> Vec<Effect> {
        match self.shown() {
            Some(shown)
                if shown.call.id == call_id
                    && shown.call.status.is_over()
                    && !shown.voicemail.in_progress() =>
            {
                self.close()
            }
            _ => Vec::new(),
        }
    }

    /// The panel is open.
    pub fn visible(&self) -> bool {
        !matches!(self, Self::Idle)
    }

    /// The other party: the call's correspondent, or the number being dialled.
    pub fn who(&self) -> &str {
        match self {
            Self::Idle => "",
            Self::Dialling { to } => to,
            Self::Shown(shown) => &shown.call.correspondent,
        }
    }

    /// What the panel says about the call.
    pub fn status_text(&self) -> &'static str {
        let shown = match self {
            Self::Idle => return "",
            Self::Dialling { .. } => return "Calling…",
            Self::Shown(shown) => shown,
        };
        match shown.voicemail {
            VoicemailStage::Recording { .. } => return "Recording your voicemail…",
            VoicemailStage::Sending => return "Sending your voicemail…",
            VoicemailStage::Sent => return "Voicemail sent",
            VoicemailStage::None | VoicemailStage::Offered => {}
        }
        let call = &shown.call;
        match (call.status, call.direction) {
            (CallStatus::Ringing, Direction::Outgoing) => "Ringing…",
            (CallStatus::Ringing, Direction::Incoming) => "Incoming call",
            (CallStatus::Connected, _) if !call.hosted => "Connected",
            (CallStatus::Connected, _) => match shown.connection.as_deref() {
                Some("connected") => "Connected",
                Some("failed") => "The audio connection failed",
                Some("disconnected") => "Reconnecting…",
                _ => "Connecting…",
            },
            (CallStatus::Ended, _) => "Call ended",
            (CallStatus::Missed, Direction::Outgoing) => "Missed: no answer",
            (CallStatus::Missed, Direction::Incoming) => "Missed call",
            (CallStatus::Declined, _) => "Declined",
            (CallStatus::Failed, _) => "Call failed",
        }
    }

    /// The panel's class after `call-panel`.
    pub fn status_class(&self) -> &'static str {
        match self.call().map(|call| call.status) {
            None => "dialling",
            Some(CallStatus::Ringing) => "ringing",
            Some(CallStatus::Connected) => "connected",
            Some(CallStatus::Missed) => "missed",
            Some(_) => "over",
        }
    }

    pub fn buttons(&self) -> Buttons {
        let Some(shown) = self.shown() else {
            return Buttons::None;
        };
        match shown.voicemail {
            VoicemailStage::Recording { .. } => return Buttons::StopOrCancel,
            VoicemailStage::Offered => return Buttons::LeaveVoicemail,
            VoicemailStage::Sending => return Buttons::None,
            VoicemailStage::None | VoicemailStage::Sent => {}
        }
        match (shown.call.status, shown.call.direction) {
            (CallStatus::Ringing, Direction::Incoming) => Buttons::AnswerOrDecline,
            (CallStatus::Ringing, Direction::Outgoing) => Buttons::HangUp,
            (CallStatus::Connected, _) => Buttons::Connected {
                mute: shown.here && shown.call.hosted,
            },
            _ => Buttons::Close,
        }
    }

    /// The panel's timer at `now_ms`: its label and text, while recording a voicemail or once
    /// the call is answered.
    pub fn timer(&self, now_ms: f64) -> Option<(&'static str, String)> {
        let shown = self.shown()?;
        if let VoicemailStage::Recording { started_ms } = shown.voicemail {
            let seconds = seconds_between(started_ms as f64, now_ms);
            let text = format!(
                "{} / {}",
                duration_text(seconds.min(VOICEMAIL_MAX_SECONDS)),
                duration_text(VOICEMAIL_MAX_SECONDS)
            );
            return Some(("Recording time", text));
        }
        let since = shown
            .answered_ms
            .filter(|_| shown.call.status == CallStatus::Connected)?;
        Some(("Call time", duration_text(seconds_between(since, now_ms))))
    }
}

impl ShownCall {
    fn start_audio(&mut self, call_id: i64, role: Role) -> Effect {
        self.connection = Some("new".to_owned());
        Effect::StartAudio {
            call_id,
            role,
            muted: self.muted,
        }
    }

    fn request(&mut self, request: fn(i64) -> Request) -> Effect {
        self.busy = true;
        self.problem = None;
        Effect::Send(request(self.call.id))
    }
}

#[cfg(test)]
mod tests {
    use domain::dial::DialClass;
    use domain::money::Money;

    use super::*;

    const NOW: f64 = 1_777_896_000_000.0; // 2026-05-04T12:00:00Z

    fn call(id: i64, direction: Direction, status: CallStatus) -> CallView {
        CallView {
            id,
            number_id: 1,
            correspondent: "+33612345678".into(),
            direction,
            class: DialClass::National,
            hosted: true,
            status,
            started_at: "2026-05-04T12:00:00Z".into(),
            answered_at: None,
            ended_at: None,
            duration_seconds: None,
            billed_minutes: 0,
            credits: Money::ZERO,
            voicemail: None,
        }
    }

    fn outgoing(status: CallStatus) -> CallView {
        call(7, Direction::Outgoing, status)
    }

    fn incoming(status: CallStatus) -> CallView {
        call(8, Direction::Incoming, status)
    }

    fn event(call: CallView) -> AppEvent {
        AppEvent::Call { call }
    }

    /// A tab that placed call 7, now ringing at the other end.
    fn ringing_out() -> CallState {
        let mut state = CallState::default();
        let _ = state.dial("+33612345678".into());
        let _ = state.placed(Some(outgoing(CallStatus::Ringing)), NOW);
        state
    }

    fn shown(state: &CallState) -> &ShownCall {
        state.shown().expect("a call in the panel")
    }

    #[test]
    fn a_call_never_goes_back() {
        use CallStatus::*;
        assert!(advances(Ringing, Connected));
        assert!(advances(Ringing, Missed));
        assert!(advances(Connected, Connected));
        assert!(advances(Connected, Ended));
        assert!(!advances(Connected, Ringing));
        assert!(!advances(Ended, Connected));
        // An ended call is updated (a voicemail left), never turned into another ending.
        assert!(advances(Missed, Missed));
        assert!(!advances(Missed, Declined));
    }

    #[test]
    fn an_outgoing_call_from_dialling_to_closed() {
        let mut state = CallState::default();
        assert!(!state.visible() && !state.in_call());
        assert_eq!(
            state.dial("+33612345678".into()),
            [Effect::DiscardRecording, Effect::StopAudio]
        );
        assert_eq!(state.status_text(), "Calling…");
        assert_eq!(state.status_class(), "dialling");
        assert_eq!(state.who(), "+33612345678");
        assert!(state.in_call());
        assert_eq!(state.buttons(), Buttons::None);

        assert_eq!(state.placed(Some(outgoing(CallStatus::Ringing)), NOW), []);
        assert_eq!(state.status_text(), "Ringing…");
        assert_eq!(state.buttons(), Buttons::HangUp);
        assert!(shown(&state).here);

        // The callee answers: the caller makes the offer.
        let mut connected = outgoing(CallStatus::Connected);
        connected.answered_at = Some("2026-05-04T11:59:58Z".into());
        assert_eq!(
            state.receive(&event(connected.clone()), NOW),
            [Effect::StartAudio {
                call_id: 7,
                role: Role::Caller,
                muted: false
            }]
        );
        assert_eq!(state.status_text(), "Connecting…");
        assert_eq!(state.buttons(), Buttons::Connected { mute: true });
        // The same event again starts nothing.
        assert_eq!(state.receive(&event(connected), NOW), []);
        assert_eq!(state.audio_state(7, "connected".into()), []);
        assert_eq!(state.status_text(), "Connected");
        assert_eq!(
            state.timer(NOW + 5_000.0),
            Some(("Call time", "0:07".to_owned()))
        );

        assert_eq!(state.toggle_mute(), [Effect::SetMuted(true)]);
        assert!(shown(&state).muted);

        assert_eq!(state.hang_up(), [Effect::Send(Request::HangUp(7))]);
        assert!(shown(&state).busy);
        assert_eq!(
            state.answered(7, Ok(outgoing(CallStatus::Ended)), NOW),
            [Effect::StopAudio, Effect::CloseLater { call_id: 7 }]
        );
        assert!(!shown(&state).busy);
        assert_eq!(state.status_text(), "Call ended");
        assert_eq!(state.status_class(), "over");
        assert_eq!(state.buttons(), Buttons::Close);
        assert!(!state.in_call() && state.visible());
        assert_eq!(state.timer(NOW), None);
        // The server's event for the same ending changes nothing.
        assert_eq!(state.receive(&event(outgoing(CallStatus::Ended)), NOW), []);

        assert_eq!(state.close_if_ended(6), []);
        assert_eq!(
            state.close_if_ended(7),
            [Effect::DiscardRecording, Effect::StopAudio]
        );
        assert_eq!(state, CallState::Idle);
    }

    #[test]
    fn the_event_of_a_call_being_placed_can_come_before_the_answer() {
        let mut state = CallState::default();
        let _ = state.dial("+33612345678".into());
        assert_eq!(
            state.receive(&event(outgoing(CallStatus::Ringing)), NOW),
            []
        );
        assert_eq!(state.status_text(), "Ringing…");
        assert!(state.in_call());
        assert_eq!(state.placed(Some(outgoing(CallStatus::Ringing)), NOW), []);
        assert_eq!(state.status_text(), "Ringing…");
        assert!(shown(&state).here);
    }

    #[test]
    fn a_refused_dial_closes_the_panel() {
        let mut state = CallState::default();
        let _ = state.dial("+33612345678".into());
        assert_eq!(state.placed(None, NOW), []);
        assert_eq!(state, CallState::Idle);
    }

    #[test]
    fn an_incoming_call_rings_and_is_answered_here() {
        let mut state = CallState::default();
        assert_eq!(
            state.receive(&event(incoming(CallStatus::Ringing)), NOW),
            []
        );
        assert_eq!(state.status_text(), "Incoming call");
        assert_eq!(state.status_class(), "ringing");
        assert_eq!(state.buttons(), Buttons::AnswerOrDecline);
        assert!(!shown(&state).here);

        assert_eq!(
            state.answer(),
            [
                Effect::StartAudio {
                    call_id: 8,
                    role: Role::Callee,
                    muted: false
                },
                Effect::Send(Request::Answer(8))
            ]
        );
        assert!(shown(&state).here && shown(&state).busy);
        // The callee's audio was started on "Answer": connecting starts nothing more.
        assert_eq!(
            state.answered(8, Ok(incoming(CallStatus::Connected)), NOW),
            []
        );
        assert_eq!(state.status_text(), "Connecting…");
        assert_eq!(state.audio_failed(8, "No microphone".into()), []);
        assert_eq!(shown(&state).problem.as_deref(), Some("No microphone"));
    }

    #[test]
    fn a_failed_answer_stops_the_audio_and_says_why() {
        let mut state = CallState::default();
        let _ = state.receive(&event(incoming(CallStatus::Ringing)), NOW);
        let _ = state.answer();
        assert_eq!(
            state.answered(8, Err("The call is over.".into()), NOW),
            [Effect::StopAudio]
        );
        let shown = shown(&state);
        assert_eq!(shown.problem.as_deref(), Some("The call is over."));
        assert!(!shown.busy);
    }

    #[test]
    fn a_call_answered_on_another_tab_leaves_this_one() {
        let mut state = CallState::default();
        let _ = state.receive(&event(incoming(CallStatus::Ringing)), NOW);
        assert_eq!(
            state.receive(&event(incoming(CallStatus::Connected)), NOW),
            [Effect::DiscardRecording, Effect::StopAudio]
        );
        assert_eq!(state, CallState::Idle);
    }

    #[test]
    fn a_second_incoming_call_does_not_replace_the_running_one() {
        let mut state = ringing_out();
        let mut other = incoming(CallStatus::Ringing);
        other.id = 9;
        assert_eq!(state.receive(&event(other.clone()), NOW), []);
        assert_eq!(state.call().map(|call| call.id), Some(7));
        assert_eq!(state.found_ringing(other.clone(), NOW), []);
        assert_eq!(state.call().map(|call| call.id), Some(7));
        // Once the first one is over, the next ringing call takes the panel.
        let _ = state.receive(&event(outgoing(CallStatus::Ended)), NOW);
        let _ = state.found_ringing(other, NOW);
        assert_eq!(state.call().map(|call| call.id), Some(9));
        assert_eq!(state.status_text(), "Incoming call");
        // The closing timer of the first call no longer closes anything.
        assert_eq!(state.close_if_ended(7), []);
    }

    #[test]
    fn signalling_goes_to_the_tab_that_carries_the_call() {
        let signal = Signal::Ice {
            candidate: "candidate:1".into(),
            sdp_mid: None,
            sdp_m_line_index: None,
        };
        let signal_event = AppEvent::Signal {
            call_id: 8,
            signal: signal.clone(),
        };
        let mut state = CallState::default();
        let _ = state.receive(&event(incoming(CallStatus::Ringing)), NOW);
        assert_eq!(state.receive(&signal_event, NOW), []);
        let _ = state.answer();
        assert_eq!(
            state.receive(&signal_event, NOW),
            [Effect::Signal { call_id: 8, signal }]
        );
    }

    #[test]
    fn a_declined_call_offers_a_voicemail_recorded_and_sent() {
        let mut state = ringing_out();
        assert_eq!(
            state.receive(&event(outgoing(CallStatus::Declined)), NOW),
            [Effect::StopAudio]
        );
        assert_eq!(state.status_text(), "Declined");
        assert_eq!(state.buttons(), Buttons::LeaveVoicemail);
        assert_eq!(shown(&state).voicemail, VoicemailStage::Offered);

        assert_eq!(state.record_voicemail(), [Effect::StartRecording]);
        assert!(shown(&state).busy);
        assert_eq!(
            state.recording_started(1_000),
            [Effect::CapRecording { started_ms: 1_000 }]
        );
        assert_eq!(state.status_text(), "Recording your voicemail…");
        assert_eq!(state.buttons(), Buttons::StopOrCancel);
        assert!(state.in_call());
        assert_eq!(
            state.timer(3_500.0),
            Some(("Recording time", "0:02 / 1:00".to_owned()))
        );
        assert_eq!(
            state.timer(1_000_000.0),
            Some(("Recording time", "1:00 / 1:00".to_owned()))
        );

        assert_eq!(
            state.send_voicemail(),
            [Effect::SendVoicemail { call_id: 7 }]
        );
        assert_eq!(state.status_text(), "Sending your voicemail…");
        assert_eq!(state.buttons(), Buttons::None);
        // Neither the cap nor the closing timer interrupts the upload.
        assert_eq!(state.recording_cap_reached(1_000), []);
        assert_eq!(state.close_if_ended(7), []);

        assert_eq!(
            state.voicemail_sent(7, Ok(())),
            [Effect::CloseLater { call_id: 7 }]
        );
        assert_eq!(state.status_text(), "Voicemail sent");
        assert!(!state.in_call());
        // The call's event with its voicemail only updates the details.
        let mut left = outgoing(CallStatus::Declined);
        left.duration_seconds = Some(0);
        assert_eq!(state.receive(&event(left), NOW), []);
        assert_eq!(state.status_text(), "Voicemail sent");
    }

    #[test]
    fn a_failed_upload_offers_the_voicemail_again() {
        let mut state = ringing_out();
        let _ = state.receive(&event(outgoing(CallStatus::Missed)), NOW);
        assert_eq!(state.status_text(), "Missed: no answer");
        let _ = state.record_voicemail();
        let _ = state.recording_started(1_000);
        let _ = state.send_voicemail();
        assert_eq!(state.voicemail_sent(7, Err("Too long".into())), []);
        assert_eq!(state.buttons(), Buttons::LeaveVoicemail);
        assert_eq!(shown(&state).problem.as_deref(), Some("Too long"));
    }

    #[test]
    fn the_longest_voicemail_is_sent_by_itself() {
        let mut state = ringing_out();
        let _ = state.receive(&event(outgoing(CallStatus::Missed)), NOW);
        let _ = state.record_voicemail();
        let _ = state.recording_started(1_000);
        // The cap of an earlier recording does not stop this one.
        assert_eq!(state.recording_cap_reached(500), []);
        assert_eq!(
            state.recording_cap_reached(1_000),
            [Effect::SendVoicemail { call_id: 7 }]
        );
    }

    #[test]
    fn a_recording_that_starts_after_the_panel_closed_is_thrown_away() {
        let mut state = ringing_out();
        let _ = state.receive(&event(outgoing(CallStatus::Missed)), NOW);
        let _ = state.record_voicemail();
        let _ = state.close();
        assert_eq!(state.recording_started(1_000), [Effect::DiscardRecording]);
        assert!(!state.in_call());
    }

    #[test]
    fn no_voicemail_is_offered_on_an_incoming_or_outside_call() {
        let mut state = CallState::default();
        let _ = state.receive(&event(incoming(CallStatus::Ringing)), NOW);
        assert_eq!(
            state.receive(&event(incoming(CallStatus::Missed)), NOW),
            [Effect::StopAudio, Effect::CloseLater { call_id: 8 }]
        );
        assert_eq!(state.status_text(), "Missed call");
        assert_eq!(state.status_class(), "missed");

        let mut state = CallState::default();
        let _ = state.dial("0123456789".into());
        let mut outside = outgoing(CallStatus::Ringing);
        outside.hosted = false;
        let _ = state.placed(Some(outside.clone()), NOW);
        outside.status = CallStatus::Connected;
        // No audio here for an outside number: connected once the carrier answers.
        assert_eq!(state.receive(&event(outside.clone()), NOW), []);
        assert_eq!(state.status_text(), "Connected");
        assert_eq!(state.buttons(), Buttons::Connected { mute: false });
        outside.status = CallStatus::Missed;
        let _ = state.receive(&event(outside), NOW);
        assert_eq!(state.buttons(), Buttons::Close);
    }

    #[test]
    fn an_answer_about_a_closed_call_changes_nothing() {
        let mut state = ringing_out();
        let _ = state.hang_up();
        let _ = state.close();
        assert_eq!(state.answered(7, Ok(outgoing(CallStatus::Ended)), NOW), []);
        assert_eq!(state, CallState::Idle);
    }

    #[test]
    fn the_call_timer_starts_at_the_servers_answer_when_plausible() {
        let at = |answered_at: &str| answered_ms(Some(answered_at), NOW);
        assert_eq!(at("2026-05-04T11:59:00Z"), NOW - 60_000.0);
        assert_eq!(at("2026-05-04T11:59:00.500000Z"), NOW - 59_500.0);
        // In the future, hours ago (a shifted demo clock) or unreadable: now.
        assert_eq!(at("2026-05-04T12:01:00Z"), NOW);
        assert_eq!(at("2026-05-04T05:00:00Z"), NOW);
        assert_eq!(at("yesterday"), NOW);
        assert_eq!(answered_ms(None, NOW), NOW);
    }

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(duration_text(0), "0:00");
        assert_eq!(duration_text(65), "1:05");
        assert_eq!(seconds_between(1_000.0, 3_999.0), 2);
        assert_eq!(seconds_between(5_000.0, 1_000.0), 0);
        assert_eq!(seconds_between(f64::NAN, 1_000.0), 0);
    }
}
