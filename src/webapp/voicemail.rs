//! Voicemail: a message left on an unanswered call between Numbers hosted here. The caller's
//! browser records it from the microphone (MediaRecorder, Opus in WebM where the browser has it)
//! and uploads the raw recording; the callee plays it from the server in an `<audio controls>`.

use std::cell::RefCell;
use std::rc::Rc;

use app_state::call::{VOICEMAIL_MAX_SECONDS, duration_text, seconds_between};
use domain::call::{VoicemailProblem, validate_voicemail};
use leptos::prelude::*;
use protocol::webapp::VoicemailView;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::js_sys::{Array, Function, Promise};
use web_sys::{Blob, BlobEvent, BlobPropertyBag, MediaRecorder, MediaRecorderOptions, MediaStream};

use super::rtc::{open_microphone, stop_tracks};
use crate::api;

/// The formats asked for, best first; the browser's default when it has none of them.
const FORMATS: [&str; 2] = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"];

/// Enough for a voice, and keeps a full minute far below the server's 2 MiB.
const BITS_PER_SECOND: u32 = 32_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordingError {
    #[error("The microphone cannot be used: allow this site to use it to leave a voicemail.")]
    Microphone,
    #[error("This browser cannot record a voicemail.")]
    Unsupported,
    #[error("Nothing was recorded. Try again.")]
    Empty,
    /// The same checks as the server's (`domain::call::validate_voicemail`).
    #[error("{0}")]
    Refused(#[from] VoicemailProblem),
}

/// A recording in progress.
pub struct Recorder {
    recorder: MediaRecorder,
    microphone: MediaStream,
    parts: Rc<RefCell<Vec<Blob>>>,
    started_ms: f64,
    _on_data: Closure<dyn FnMut(BlobEvent)>,
}

/// A finished recording, ready to upload.
pub struct Recording {
    pub audio: Blob,
    /// Without its parameters (`audio/webm`), as the server stores it.
    pub content_type: String,
    pub duration_seconds: u32,
}

impl Recorder {
    /// Opens the microphone and starts recording.
    pub async fn start() -> Result<Self, RecordingError> {
        let microphone = open_microphone()
            .await
            .map_err(|_| RecordingError::Microphone)?;
        let options = MediaRecorderOptions::new();
        options.set_audio_bits_per_second(BITS_PER_SECOND);
        if let Some(format) = FORMATS
            .into_iter()
            .find(|format| MediaRecorder::is_type_supported(format))
        {
            options.set_mime_type(format);
        }
        let recorder = match MediaRecorder::new_with_media_stream_and_media_recorder_options(
            &microphone,
            &options,
        ) {
            Ok(recorder) => recorder,
            Err(_) => {
                stop_tracks(&microphone);
                return Err(RecordingError::Unsupported);
            }
        };
        let parts = Rc::new(RefCell::new(Vec::new()));
        let collected = Rc::clone(&parts);
        let on_data = Closure::<dyn FnMut(BlobEvent)>::new(move |event: BlobEvent| {
            if let Some(part) = event.data().filter(|part| part.size() > 0.0) {
                collected.borrow_mut().push(part);
            }
        });
        recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        if recorder.start().is_err() {
            stop_tracks(&microphone);
            return Err(RecordingError::Unsupported);
        }
        Ok(Self {
            recorder,
            microphone,
            parts,
            started_ms: now_ms(),
            _on_data: on_data,
        })
    }

    /// Whole seconds recorded so far.
    pub fn elapsed_seconds(&self) -> u32 {
        seconds_between(self.started_ms, now_ms())
    }

    /// Stops recording, releases the microphone and gives the audio.
    pub async fn finish(self) -> Result<Recording, RecordingError> {
        let duration_seconds = self.elapsed_seconds().min(VOICEMAIL_MAX_SECONDS);
        // The last part arrives (dataavailable) before `stop` fires: wait for it.
        let stopped = Promise::new(&mut |resolve: Function, _reject: Function| {
            self.recorder.set_onstop(Some(&resolve));
        });
        let stopping = self.recorder.stop();
        if stopping.is_ok() {
            let _ = JsFuture::from(stopped).await;
        }
        self.recorder.set_onstop(None);
        self.recorder.set_ondataavailable(None);
        stop_tracks(&self.microphone);

        let parts = std::mem::take(&mut *self.parts.borrow_mut());
        if parts.is_empty() {
            return Err(RecordingError::Empty);
        }
        let recorded_as = self.recorder.mime_type();
        let content_type = recorded_as
            .split(';')
            .next()
            .filter(|base| !base.is_empty())
            .unwrap_or("audio/webm")
            .trim()
            .to_owned();
        let sequence: Array = parts.iter().map(JsValue::from).collect();
        let bag = BlobPropertyBag::new();
        bag.set_type(&content_type);
        let audio = Blob::new_with_blob_sequence_and_options(&sequence, &bag)
            .map_err(|_| RecordingError::Unsupported)?;
        let size_bytes = audio.size().max(0.0) as usize;
        let content_type =
            validate_voicemail(&content_type, size_bytes, Some(duration_seconds))?.to_owned();
        Ok(Recording {
            audio,
            content_type,
            duration_seconds,
        })
    }

    /// Gives up the recording (the call panel was closed): nothing is sent.
    pub fn discard(self) {
        self.recorder.set_ondataavailable(None);
        let _ = self.recorder.stop();
        stop_tracks(&self.microphone);
    }
}

/// A voicemail left on a call, played from the server.
#[component]
pub fn VoicemailPlayer(voicemail: VoicemailView) -> impl IntoView {
    let label = format!("Voicemail, {}", duration_text(voicemail.duration_seconds));
    view! {
        <div class="voicemail">
            <span class="voicemail-label">{label.clone()}</span>
            <audio
                controls=true
                preload="none"
                aria-label=label
                src=api::voicemail_audio_url(voicemail.id)
            ></audio>
        </div>
    }
}

/// Milliseconds on the page's monotonic clock.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}
