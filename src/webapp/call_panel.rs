//! The call panel, shown over every WebApp page while a call rings, runs or has just ended:
//! "Answer"/"Decline" for an incoming call, "Ringing…" for an outgoing one, then the timer,
//! "Mute" and "Hang up"; after an outgoing hosted call nobody took, "Leave a voicemail".
//!
//! What the panel shows and does next is [`app_state::call::CallState`], a plain state machine
//! with native unit tests. A browser tab has one microphone and shows one call at a time, so the
//! tab keeps one of them in its [`CallDesk`] (a thread-local signal): the dialler places calls
//! through it, the panel shows it, and the live events of the WebSocket move it along. The desk
//! runs the effects each transition returns: the audio ([`rtc`]), the requests, the voicemail
//! [`Recorder`] and the timers, and hands their outcome back as transitions.

use std::cell::RefCell;
use std::time::Duration;

use app_state::call::{
    Buttons, CallState, Effect as CallEffect, Request, SHOW_ENDED_FOR_MS, ShownCall,
    VOICEMAIL_MAX_SECONDS,
};
use domain::dial::DialClass;
use domain::money::Money;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::webapp::{AppEvent, CallView, Direction};
use web_sys::js_sys::Date;

use super::frame::use_webapp;
use super::live;
use super::rtc::{self, MediaEvent};
use super::voicemail::Recorder;
use crate::api::{self, ApiError};
use crate::components::eur;

/// The tab's call, shared by the dialler and the panel. Cloning shares the same signal.
#[derive(Clone)]
pub struct CallDesk {
    state: ArcRwSignal<CallState>,
}

thread_local! {
    static DESK: CallDesk = CallDesk { state: ArcRwSignal::new(CallState::Idle) };
    /// The voicemail being recorded, if any: there while the state says `Recording`.
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// The tab's call desk.
pub fn desk() -> CallDesk {
    DESK.with(CallDesk::clone)
}

impl CallDesk {
    /// The state, to read in views.
    pub fn state(&self) -> Signal<CallState> {
        RwSignal::from(self.state.clone()).into()
    }

    /// Runs `transition` on the state, then the effects it returns.
    fn step(&self, transition: impl FnOnce(&mut CallState) -> Vec<CallEffect>) {
        let effects = self.state.try_update(transition).unwrap_or_default();
        for effect in effects {
            self.run(effect);
        }
    }

    fn run(&self, effect: CallEffect) {
        match effect {
            CallEffect::StartAudio {
                call_id,
                role,
                muted,
            } => {
                let desk = self.clone();
                rtc::start(call_id, role, muted, move |event| match event {
                    MediaEvent::State(state) => desk.step(|call| call.audio_state(call_id, state)),
                    MediaEvent::Failed(error) => {
                        desk.step(|call| call.audio_failed(call_id, error.to_string()))
                    }
                });
            }
            CallEffect::Signal { call_id, signal } => rtc::receive(call_id, signal),
            CallEffect::SetMuted(muted) => rtc::set_muted(muted),
            CallEffect::StopAudio => rtc::stop(),
            // Answers about the call: effects of the state machine, which keeps its own `busy`.
            CallEffect::Send(request) => {
                let desk = self.clone();
                spawn_local(async move {
                    let (call_id, answer) = match request {
                        Request::Answer(id) => (id, api::answer_call(id).await),
                        Request::Decline(id) => (id, api::decline_call(id).await),
                        Request::HangUp(id) => (id, api::hang_up(id).await),
                    };
                    let answer = answer.map_err(|error| error.to_string());
                    desk.step(|call| call.answered(call_id, answer, Date::now()));
                });
            }
            CallEffect::StartRecording => {
                let desk = self.clone();
                spawn_local(async move {
                    match Recorder::start().await {
                        Ok(recorder) => {
                            RECORDER.with(|slot| *slot.borrow_mut() = Some(recorder));
                            let started_ms = Date::now().max(0.0) as u64;
                            desk.step(|call| call.recording_started(started_ms));
                        }
                        Err(error) => desk.step(|call| call.recording_failed(error.to_string())),
                    }
                });
            }
            CallEffect::CapRecording { started_ms } => {
                let desk = self.clone();
                set_timeout(
                    move || desk.step(|call| call.recording_cap_reached(started_ms)),
                    Duration::from_secs(u64::from(VOICEMAIL_MAX_SECONDS)),
                );
            }
            CallEffect::SendVoicemail { call_id } => {
                // The state is `Recording` only once the recorder is in its slot.
                let Some(recorder) = RECORDER.with(|slot| slot.borrow_mut().take()) else {
                    return;
                };
                let desk = self.clone();
                spawn_local(async move {
                    let sent = match recorder.finish().await {
                        Ok(recording) => api::leave_voicemail(
                            call_id,
                            &recording.audio,
                            &recording.content_type,
                            recording.duration_seconds,
                        )
                        .await
                        .map(drop)
                        .map_err(|error| error.to_string()),
                        Err(error) => Err(error.to_string()),
                    };
                    desk.step(|call| call.voicemail_sent(call_id, sent));
                });
            }
            CallEffect::DiscardRecording => {
                if let Some(recorder) = RECORDER.with(|slot| slot.borrow_mut().take()) {
                    recorder.discard();
                }
            }
            CallEffect::CloseLater { call_id } => {
                let desk = self.clone();
                set_timeout(
                    move || desk.step(|call| call.close_if_ended(call_id)),
                    Duration::from_millis(u64::from(SHOW_ENDED_FOR_MS)),
                );
            }
        }
    }

    /// A call is being placed, ringing or running in this tab, or a voicemail is being left.
    pub fn in_call(&self) -> bool {
        self.state.with_untracked(CallState::in_call)
    }

    /// Places a call from `number_id` to `to`, shown in the panel; the refusal otherwise.
    /// The dialler checks [`CallDesk::in_call`] first: one call at a time.
    pub async fn dial(&self, number_id: i64, to: String) -> Result<CallView, ApiError> {
        self.step(|call| call.dial(to.clone()));
        let placed = api::place_call(number_id, &to).await;
        self.step(|call| call.placed(placed.as_ref().ok().cloned(), Date::now()));
        placed
    }

    /// Takes a live event.
    pub fn receive(&self, event: &AppEvent) {
        self.step(|call| call.receive(event, Date::now()));
    }

    /// Events pushed while the socket was closed are lost (a tab just opened, a connection
    /// back): a call ringing for the User meanwhile is found in their Numbers' histories.
    /// Reading, not writing: a plain task.
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
                    call.direction == Direction::Incoming
                        && call.status == protocol::webapp::CallStatus::Ringing
                });
                if let Some(call) = ringing {
                    desk.step(|state| state.found_ringing(call, Date::now()));
                    return;
                }
            }
        });
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

    let state = desk.state();
    let desk = StoredValue::new_local(desk);
    // Whether the panel shows and which buttons it has are memos: other changes of the state do
    // not rebuild the panel or its buttons (which keep their focus).
    let visible = Memo::new(move |_| state.with(CallState::visible));
    let buttons = Memo::new(move |_| state.with(CallState::buttons));
    let status = move || state.with(CallState::status_text);
    let status_class = move || format!("call-panel {}", state.with(CallState::status_class));
    let who = move || state.with(|call| call.who().to_owned());
    let shown =
        move |read: fn(&ShownCall) -> bool| state.with(|call| call.shown().is_some_and(read));
    let busy = move || shown(|call| call.busy);
    let muted = move || shown(|call| call.muted);
    let problem = move || state.with(|call| call.shown().and_then(|shown| shown.problem.clone()));
    let call = move || state.with(|call| call.call().cloned());

    // One tick every half second drives the timers.
    let now = RwSignal::new(Date::now());
    if let Ok(ticker) =
        set_interval_with_handle(move || now.set(Date::now()), Duration::from_millis(500))
    {
        on_cleanup(move || ticker.clear());
    }
    let timer = move || {
        let (label, text) = state.with(|call| call.timer(now.get()))?;
        Some(view! { <p class="call-timer" aria-label=label>{text}</p> })
    };
    // Calls paid with Credits show what is left, live.
    let paid = move || {
        let shown = call()?;
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

    let act = move |transition: fn(&mut CallState) -> Vec<CallEffect>| {
        move |_| desk.with_value(|desk| desk.step(transition))
    };
    let buttons = move || {
        match buttons.get() {
        Buttons::None => ().into_any(),
        Buttons::StopOrCancel => view! {
            <button type="button" on:click=act(CallState::send_voicemail)>"Stop and send"</button>
            <button type="button" class="secondary" on:click=act(CallState::close)>"Cancel"</button>
        }
        .into_any(),
        Buttons::LeaveVoicemail => view! {
            <button type="button" disabled=busy on:click=act(CallState::record_voicemail)>
                "Leave a voicemail"
            </button>
            <button type="button" class="secondary" on:click=act(CallState::close)>"Close"</button>
        }
        .into_any(),
        Buttons::AnswerOrDecline => view! {
            <button type="button" class="answer" disabled=busy on:click=act(CallState::answer)>
                "Answer"
            </button>
            <button type="button" class="hang-up" disabled=busy on:click=act(CallState::decline)>
                "Decline"
            </button>
        }
        .into_any(),
        Buttons::HangUp => view! {
            <button type="button" class="hang-up" disabled=busy on:click=act(CallState::hang_up)>
                "Hang up"
            </button>
        }
        .into_any(),
        Buttons::Connected { mute } => view! {
            {mute.then(|| view! {
                <button type="button" class="secondary" aria-pressed=move || muted().to_string() on:click=act(CallState::toggle_mute)>
                    {move || if muted() { "Unmute" } else { "Mute" }}
                </button>
            })}
            <button type="button" class="hang-up" disabled=busy on:click=act(CallState::hang_up)>
                "Hang up"
            </button>
        }
        .into_any(),
        Buttons::Close => view! {
            <button type="button" class="secondary" on:click=act(CallState::close)>"Close"</button>
        }
        .into_any(),
    }
    };

    move || {
        visible.get().then(|| {
            view! {
                <aside class=status_class aria-label="Call" aria-live="polite">
                    <p class="call-with">{who}</p>
                    <p class="call-status" role="status">{status}</p>
                    {timer}
                    {paid}
                    {move || problem().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
                    <div class="call-actions">{buttons}</div>
                </aside>
            }
        })
    }
}
