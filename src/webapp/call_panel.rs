//! The call panel, shown over every WebApp page while a call rings, runs or has just ended:
//! "Answer"/"Decline" for an incoming call, "Ringing…" for an outgoing one, then the timer,
//! "Mute" and "Hang up"; after an outgoing hosted call nobody took, "Leave a voicemail".
//!
//! A browser tab has one microphone and shows one call at a time, so the call lives in the tab's
//! [`CallDesk`] (a thread-local of reference-counted signals): the dialler places calls through
//! it, the panel shows it, and the live events of the WebSocket move it along. The tab that
//! placed or answered a call carries its audio ([`rtc`]); another tab of the same User only sees
//! it ring, and steps aside once it is answered elsewhere.

use std::cell::RefCell;
use std::time::Duration;

use domain::dial::DialClass;
use domain::money::Money;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::webapp::{AppEvent, CallStatus, CallView, Direction};
use web_sys::js_sys::Date;

use super::frame::use_webapp;
use super::live;
use super::rtc::{self, MediaEvent, Role};
use super::voicemail::{self, MAX_SECONDS, Recorder};
use crate::api::{self, ApiError};
use crate::components::eur;

/// How long an ended call stays in the panel before it closes by itself.
const SHOW_ENDED_FOR: Duration = Duration::from_secs(4);

/// Where leaving a voicemail stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoicemailStage {
    /// Not offered: the call was answered, incoming, or not between hosted Numbers.
    None,
    /// The caller may leave one.
    Offered,
    /// Recording since this instant (ms on the page's clock).
    Recording {
        started_ms: u64,
    },
    Sending,
    Sent,
}

/// The tab's call, shared by the dialler and the panel. Cloning shares the same signals.
#[derive(Clone)]
pub struct CallDesk {
    /// The call in the panel; `None` when the panel is closed.
    pub call: ArcRwSignal<Option<CallView>>,
    /// The number being dialled while the server places the call ("Calling…").
    pub dialling: ArcRwSignal<Option<String>>,
    /// This tab placed or answered the call: it carries the audio.
    pub here: ArcRwSignal<bool>,
    /// The WebRTC connection's state for a hosted call (`connecting`, `connected`, …).
    pub connection: ArcRwSignal<Option<String>>,
    pub muted: ArcRwSignal<bool>,
    /// When the call was answered, in ms since the epoch on this browser's clock.
    pub answered_ms: ArcRwSignal<Option<f64>>,
    pub voicemail: ArcRwSignal<VoicemailStage>,
    /// What went wrong, for the person on the call.
    pub problem: ArcRwSignal<Option<String>>,
    /// A request of the panel is on its way: its buttons wait.
    pub busy: ArcRwSignal<bool>,
}

thread_local! {
    static DESK: CallDesk = CallDesk::new();
    /// The voicemail being recorded, if any.
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// The tab's call desk.
pub fn desk() -> CallDesk {
    DESK.with(CallDesk::clone)
}

/// Whether `next` may replace `current` for the same call: events and answers can arrive in
/// any order, and a call never goes back (ringing, then connected, then over).
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

impl CallDesk {
    fn new() -> Self {
        Self {
            call: ArcRwSignal::new(None),
            dialling: ArcRwSignal::new(None),
            here: ArcRwSignal::new(false),
            connection: ArcRwSignal::new(None),
            muted: ArcRwSignal::new(false),
            answered_ms: ArcRwSignal::new(None),
            voicemail: ArcRwSignal::new(VoicemailStage::None),
            problem: ArcRwSignal::new(None),
            busy: ArcRwSignal::new(false),
        }
    }

    /// A call is ringing or running in this tab (an ended one does not count).
    pub fn in_call(&self) -> bool {
        self.dialling.with_untracked(Option::is_some)
            || self
                .call
                .with_untracked(|call| call.as_ref().is_some_and(|call| !call.status.is_over()))
            || matches!(
                self.voicemail.get_untracked(),
                VoicemailStage::Recording { .. } | VoicemailStage::Sending
            )
    }

    /// Places a call from `number_id` to `to`, shown in the panel; the refusal otherwise.
    /// The dialler checks [`CallDesk::in_call`] first: one call at a time.
    pub async fn dial(&self, number_id: i64, to: String) -> Result<CallView, ApiError> {
        self.close();
        self.dialling.set(Some(to.clone()));
        let placed = api::place_call(number_id, &to).await;
        self.dialling.set(None);
        let call = placed?;
        self.show(call.clone(), true);
        Ok(call)
    }

    /// Takes a live event: calls of this tab move along, an incoming call rings, signalling goes
    /// to the audio, Credits update.
    pub fn receive(&self, event: &AppEvent) {
        match event {
            AppEvent::Call { call } => self.on_call(call.clone()),
            AppEvent::Signal { call_id, signal } => {
                if self.here.get_untracked() && self.shown_id() == Some(*call_id) {
                    rtc::receive(*call_id, signal.clone());
                }
            }
            // The frame keeps the Credits (`WebApp`); messages are not the panel's.
            AppEvent::Credits { .. }
            | AppEvent::Message { .. }
            | AppEvent::MessageStatus { .. } => {}
        }
    }

    fn shown_id(&self) -> Option<i64> {
        self.call
            .with_untracked(|call| call.as_ref().map(|call| call.id))
    }

    fn on_call(&self, call: CallView) {
        if self.shown_id() == Some(call.id) {
            self.show(call, self.here.get_untracked());
            return;
        }
        // The event for a call this tab is placing can come before the server's answer.
        let placing = self.dialling.with_untracked(Option::is_some);
        if placing && call.direction == Direction::Outgoing && !call.status.is_over() {
            self.show(call, true);
            return;
        }
        if call.direction == Direction::Incoming
            && call.status == CallStatus::Ringing
            && !self.in_call()
        {
            self.reset();
            self.show(call, false);
        }
    }

    /// Shows `call` (a newer state of the shown call, or a new one) and does what its state asks.
    fn show(&self, call: CallView, here: bool) {
        let previous = self
            .call
            .get_untracked()
            .filter(|shown| shown.id == call.id);
        if let Some(previous) = &previous
            && !advances(previous.status, call.status)
        {
            return;
        }
        let was = previous.as_ref().map(|shown| shown.status);
        self.here.set(here);
        match call.status {
            CallStatus::Ringing => {}
            CallStatus::Connected if was != Some(CallStatus::Connected) => {
                if !here {
                    // Answered on another tab or device: that one carries it.
                    self.close();
                    return;
                }
                self.answered_ms
                    .set(Some(answered_ms(call.answered_at.as_deref())));
                if call.hosted && call.direction == Direction::Outgoing {
                    self.start_audio(call.id, Role::Caller);
                }
            }
            CallStatus::Connected => {}
            // The same ending again (a voicemail was just left on it): only the details change.
            _ if was == Some(call.status) => {}
            _ => {
                rtc::stop();
                self.connection.set(None);
                let offer_voicemail = here
                    && call.hosted
                    && call.direction == Direction::Outgoing
                    && matches!(call.status, CallStatus::Missed | CallStatus::Declined)
                    && call.voicemail.is_none();
                self.voicemail.set(if offer_voicemail {
                    VoicemailStage::Offered
                } else {
                    VoicemailStage::None
                });
                let id = call.id;
                self.call.set(Some(call));
                if !offer_voicemail {
                    self.close_later(id, SHOW_ENDED_FOR);
                }
                return;
            }
        }
        self.call.set(Some(call));
    }

    fn start_audio(&self, call_id: i64, role: Role) {
        let desk = self.clone();
        self.connection.set(Some("new".to_owned()));
        rtc::start(call_id, role, self.muted.get_untracked(), move |event| {
            if desk.shown_id() != Some(call_id) {
                return;
            }
            match event {
                MediaEvent::State(state) => desk.connection.set(Some(state)),
                MediaEvent::Failed(error) => desk.problem.set(Some(error.to_string())),
            }
        });
    }

    /// "Answer": this tab takes the call and opens the microphone while the server connects it.
    pub fn answer(&self) {
        let Some(id) = self.shown_id() else { return };
        self.here.set(true);
        let hosted = self
            .call
            .with_untracked(|call| call.as_ref().is_some_and(|call| call.hosted));
        if hosted {
            self.start_audio(id, Role::Callee);
        }
        self.request(api::answer_call(id));
    }

    pub fn decline(&self) {
        if let Some(id) = self.shown_id() {
            self.here.set(true);
            self.request(api::decline_call(id));
        }
    }

    pub fn hang_up(&self) {
        if let Some(id) = self.shown_id() {
            self.request(api::hang_up(id));
        }
    }

    pub fn toggle_mute(&self) {
        let muted = !self.muted.get_untracked();
        self.muted.set(muted);
        rtc::set_muted(muted);
    }

    /// Sends a request about the shown call and shows the call as the server answers it.
    fn request(
        &self,
        sent: impl std::future::Future<Output = Result<CallView, ApiError>> + 'static,
    ) {
        let desk = self.clone();
        self.busy.set(true);
        self.problem.set(None);
        spawn_local(async move {
            match sent.await {
                Ok(call) => desk.show(call, desk.here.get_untracked()),
                Err(error) => {
                    desk.problem.set(Some(error.to_string()));
                    // An answer that failed leaves nothing to carry.
                    let ringing = desk.call.with_untracked(|call| {
                        call.as_ref()
                            .is_some_and(|call| call.status == CallStatus::Ringing)
                    });
                    if ringing {
                        rtc::stop();
                    }
                }
            }
            desk.busy.set(false);
        });
    }

    /// "Leave a voicemail": records from the microphone, for at most [`MAX_SECONDS`].
    pub fn record_voicemail(&self) {
        let desk = self.clone();
        self.busy.set(true);
        self.problem.set(None);
        spawn_local(async move {
            match Recorder::start().await {
                Ok(recorder) => {
                    RECORDER.with(|slot| *slot.borrow_mut() = Some(recorder));
                    let started_ms = voicemail::now_ms().max(0.0) as u64;
                    desk.voicemail.set(VoicemailStage::Recording { started_ms });
                    let capped = desk.clone();
                    set_timeout(
                        move || {
                            if capped.voicemail.get_untracked()
                                == (VoicemailStage::Recording { started_ms })
                            {
                                capped.send_voicemail();
                            }
                        },
                        Duration::from_secs(u64::from(MAX_SECONDS)),
                    );
                }
                Err(error) => desk.problem.set(Some(error.to_string())),
            }
            desk.busy.set(false);
        });
    }

    /// "Stop and send": uploads the recording to the server for the called Number.
    pub fn send_voicemail(&self) {
        let Some(id) = self.shown_id() else { return };
        let Some(recorder) = RECORDER.with(|slot| slot.borrow_mut().take()) else {
            return;
        };
        let desk = self.clone();
        self.voicemail.set(VoicemailStage::Sending);
        self.problem.set(None);
        spawn_local(async move {
            let sent = match recorder.finish().await {
                Ok(recording) => api::leave_voicemail(
                    id,
                    &recording.audio,
                    &recording.content_type,
                    recording.duration_seconds,
                )
                .await
                .map_err(|error| error.to_string()),
                Err(error) => Err(error.to_string()),
            };
            match sent {
                Ok(_) => {
                    desk.voicemail.set(VoicemailStage::Sent);
                    desk.close_later(id, SHOW_ENDED_FOR);
                }
                Err(message) => {
                    desk.problem.set(Some(message));
                    desk.voicemail.set(VoicemailStage::Offered);
                }
            }
        });
    }

    /// Closes the panel, giving up any recording.
    pub fn close(&self) {
        if let Some(recorder) = RECORDER.with(|slot| slot.borrow_mut().take()) {
            recorder.discard();
        }
        rtc::stop();
        self.reset();
        self.call.set(None);
    }

    /// Closes the panel after `delay` if it still shows the same ended call by then.
    fn close_later(&self, call_id: i64, delay: Duration) {
        let desk = self.clone();
        set_timeout(
            move || {
                let still_ended = desk.call.with_untracked(|call| {
                    call.as_ref()
                        .is_some_and(|call| call.id == call_id && call.status.is_over())
                });
                let recording = matches!(
                    desk.voicemail.get_untracked(),
                    VoicemailStage::Recording { .. } | VoicemailStage::Sending
                );
                if still_ended && !recording {
                    desk.close();
                }
            },
            delay,
        );
    }

    /// Events pushed while the socket was closed are lost (a tab just opened, a connection
    /// back): a call ringing for the User meanwhile is found in their Numbers' histories.
    pub fn find_ringing(&self) {
        if self.in_call() {
            return;
        }
        let desk = self.clone();
        spawn_local(async move {
            let Ok(home) = api::app_home().await else {
                return;
            };
            for number in home.numbers {
                let Ok(calls) = api::call_history(number.id).await else {
                    continue;
                };
                let ringing = calls.into_iter().find(|call| {
                    call.direction == Direction::Incoming && call.status == CallStatus::Ringing
                });
                if let Some(call) = ringing {
                    if !desk.in_call() {
                        desk.reset();
                        desk.show(call, false);
                    }
                    return;
                }
            }
        });
    }

    fn reset(&self) {
        self.here.set(false);
        self.connection.set(None);
        self.muted.set(false);
        self.answered_ms.set(None);
        self.voicemail.set(VoicemailStage::None);
        self.problem.set(None);
    }
}

/// When the call was answered on this browser's clock: the server's `answered_at` when it is
/// plausible (the server's clock may be shifted for demos), else now.
fn answered_ms(answered_at: Option<&str>) -> f64 {
    let now = Date::now();
    let at = answered_at.map_or(f64::NAN, Date::parse);
    let six_hours = 6.0 * 3600.0 * 1000.0;
    if at.is_finite() && at <= now && now - at < six_hours {
        at
    } else {
        now
    }
}

/// What the panel says about the call.
fn status_text(
    call: Option<&CallView>,
    dialling: bool,
    connection: Option<&str>,
    voicemail: &VoicemailStage,
) -> &'static str {
    match voicemail {
        VoicemailStage::Recording { .. } => return "Recording your voicemail…",
        VoicemailStage::Sending => return "Sending your voicemail…",
        VoicemailStage::Sent => return "Voicemail sent",
        VoicemailStage::None | VoicemailStage::Offered => {}
    }
    let Some(call) = call else {
        return if dialling { "Calling…" } else { "" };
    };
    match (call.status, call.direction) {
        (CallStatus::Ringing, Direction::Outgoing) => "Ringing…",
        (CallStatus::Ringing, Direction::Incoming) => "Incoming call",
        (CallStatus::Connected, _) if !call.hosted => "Connected",
        (CallStatus::Connected, _) => match connection {
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

/// The panel. Mount it once in the WebApp's frame; it listens to the live events while mounted.
#[component]
pub fn CallPanel() -> impl IntoView {
    let desk = desk();
    let (listening, resyncing) = (desk.clone(), desk.clone());
    let subscriptions = [
        live::subscribe(move |event: &AppEvent| listening.receive(event)),
        live::on_connected(move || resyncing.find_ringing()),
    ];
    on_cleanup(move || drop(subscriptions));
    let app = use_webapp();

    // Local handles on the desk's signals, for the view.
    let call = RwSignal::from(desk.call.clone());
    let dialling = RwSignal::from(desk.dialling.clone());
    let here = RwSignal::from(desk.here.clone());
    let connection = RwSignal::from(desk.connection.clone());
    let muted = RwSignal::from(desk.muted.clone());
    let answered = RwSignal::from(desk.answered_ms.clone());
    let stage = RwSignal::from(desk.voicemail.clone());
    let problem = RwSignal::from(desk.problem.clone());
    let busy = RwSignal::from(desk.busy.clone());
    let desk = StoredValue::new_local(desk);

    // One tick a second drives the timers.
    let now = RwSignal::new(Date::now());
    if let Ok(ticker) =
        set_interval_with_handle(move || now.set(Date::now()), Duration::from_millis(500))
    {
        on_cleanup(move || ticker.clear());
    }

    let visible = move || call.with(Option::is_some) || dialling.with(Option::is_some);
    let status = move || {
        call.with(|shown| {
            connection.with(|connection| {
                stage.with(|stage| {
                    status_text(
                        shown.as_ref(),
                        dialling.with(Option::is_some),
                        connection.as_deref(),
                        stage,
                    )
                })
            })
        })
    };
    let status_class = move || {
        let state = call.with(|shown| match shown.as_ref().map(|call| call.status) {
            None => "dialling",
            Some(CallStatus::Ringing) => "ringing",
            Some(CallStatus::Connected) => "connected",
            Some(CallStatus::Missed) => "missed",
            Some(_) => "over",
        });
        format!("call-panel {state}")
    };
    let who = move || {
        call.with(|shown| match shown {
            Some(call) => call.correspondent.clone(),
            None => dialling.get().unwrap_or_default(),
        })
    };
    let timer = move || {
        let connected = call.with(|shown| {
            shown
                .as_ref()
                .is_some_and(|call| call.status == CallStatus::Connected)
        });
        let recording = match stage.get() {
            VoicemailStage::Recording { started_ms } => Some(started_ms),
            _ => None,
        };
        let (label, text) = if let Some(started_ms) = recording {
            now.track();
            let seconds = voicemail::seconds_between(started_ms as f64, voicemail::now_ms());
            let text = format!(
                "{} / {}",
                voicemail::duration_text(seconds.min(MAX_SECONDS)),
                voicemail::duration_text(MAX_SECONDS)
            );
            ("Recording time", text)
        } else {
            let since = answered.get().filter(|_| connected)?;
            let seconds = voicemail::seconds_between(since, now.get());
            ("Call time", voicemail::duration_text(seconds))
        };
        Some(view! { <p class="call-timer" aria-label=label>{text}</p> })
    };
    // Calls paid with Credits show what is left, live.
    let paid = move || {
        let shown = call.get()?;
        if shown.class == DialClass::National || shown.direction == Direction::Incoming {
            return None;
        }
        let spent =
            (shown.credits > Money::ZERO).then(|| format!("Spent so far: {}", eur(shown.credits)));
        let left = match app.home() {
            Some(Ok(home)) => format!("Credits available: {}", eur(home.credits_available)),
            _ => String::new(),
        };
        Some(view! {
            <p class="call-credits">
                "Paid with Credits by the started minute"
                {spent.map(|spent| view! { <br />{spent} })}
                <br />
                {left}
            </p>
        })
    };

    let act = move |action: fn(&CallDesk)| move |_| desk.with_value(action);
    let buttons = move || {
        let shown = call.get();
        let state = shown.as_ref().map(|call| (call.status, call.direction));
        match (state, stage.get()) {
            (_, VoicemailStage::Recording { .. }) => view! {
                <button type="button" on:click=act(CallDesk::send_voicemail)>"Stop and send"</button>
                <button type="button" class="secondary" on:click=act(CallDesk::close)>"Cancel"</button>
            }
            .into_any(),
            (_, VoicemailStage::Offered) => view! {
                <button type="button" disabled=move || busy.get() on:click=act(CallDesk::record_voicemail)>
                    "Leave a voicemail"
                </button>
                <button type="button" class="secondary" on:click=act(CallDesk::close)>"Close"</button>
            }
            .into_any(),
            (_, VoicemailStage::Sending) => ().into_any(),
            (None, _) => ().into_any(),
            (Some((CallStatus::Ringing, Direction::Incoming)), _) => view! {
                <button type="button" class="answer" disabled=move || busy.get() on:click=act(CallDesk::answer)>
                    "Answer"
                </button>
                <button type="button" class="hang-up" disabled=move || busy.get() on:click=act(CallDesk::decline)>
                    "Decline"
                </button>
            }
            .into_any(),
            (Some((CallStatus::Ringing, Direction::Outgoing)), _) => view! {
                <button type="button" class="hang-up" disabled=move || busy.get() on:click=act(CallDesk::hang_up)>
                    "Hang up"
                </button>
            }
            .into_any(),
            (Some((CallStatus::Connected, _)), _) => view! {
                {move || {
                    (here.get() && shown.as_ref().is_some_and(|call| call.hosted))
                        .then(|| view! {
                            <button type="button" class="secondary" aria-pressed=move || muted.get().to_string() on:click=act(CallDesk::toggle_mute)>
                                {move || if muted.get() { "Unmute" } else { "Mute" }}
                            </button>
                        })
                }}
                <button type="button" class="hang-up" disabled=move || busy.get() on:click=act(CallDesk::hang_up)>
                    "Hang up"
                </button>
            }
            .into_any(),
            (Some(_), _) => view! {
                <button type="button" class="secondary" on:click=act(CallDesk::close)>"Close"</button>
            }
            .into_any(),
        }
    };

    move || {
        visible().then(|| {
            view! {
                <aside class=status_class aria-label="Call" aria-live="polite">
                    <p class="call-with">{who}</p>
                    <p class="call-status" role="status">{status}</p>
                    {timer}
                    {paid}
                    {move || problem.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
                    <div class="call-actions">{buttons}</div>
                </aside>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
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

    #[wasm_bindgen_test]
    fn the_panel_says_connected_once_the_audio_flows() {
        let call = |status, hosted| CallView {
            id: 1,
            number_id: 1,
            correspondent: "+33612345678".into(),
            direction: Direction::Outgoing,
            class: DialClass::National,
            hosted,
            status,
            started_at: "2026-05-04T12:00:00Z".into(),
            answered_at: None,
            ended_at: None,
            duration_seconds: None,
            billed_minutes: 0,
            credits: Money::ZERO,
            voicemail: None,
        };
        let none = VoicemailStage::None;
        let text = |call: &CallView, connection| status_text(Some(call), false, connection, &none);
        assert_eq!(status_text(None, true, None, &none), "Calling…");
        assert_eq!(text(&call(CallStatus::Ringing, true), None), "Ringing…");
        let hosted = call(CallStatus::Connected, true);
        assert_eq!(text(&hosted, Some("connecting")), "Connecting…");
        assert_eq!(text(&hosted, Some("connected")), "Connected");
        // A call to an outside number has no audio here: connected once the carrier answers.
        assert_eq!(text(&call(CallStatus::Connected, false), None), "Connected");
        assert_eq!(text(&call(CallStatus::Ended, true), None), "Call ended");
        assert_eq!(
            status_text(None, false, None, &VoicemailStage::Sent),
            "Voicemail sent"
        );
    }
}
