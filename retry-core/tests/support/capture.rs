//! A `tracing` layer that records every event, span and span record as one line of text
//! (`"WARN retry_core name=fetch attempt=1 .."`, `"SPAN name fields"`, `"RECORD fields"`), and
//! [`capture`], which runs a closure under it. Included by path from the tracing tests, which do
//! not each use every item here.
#![allow(dead_code)]

use std::fmt;
use std::sync::{Arc, Mutex};

use tracing::Subscriber;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// The lines recorded so far, shared with the layer.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<String>>>);

impl Captured {
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }
}

struct Fields(Vec<String>);

impl Fields {
    fn of(record: impl FnOnce(&mut Fields)) -> String {
        let mut fields = Fields(Vec::new());
        record(&mut fields);
        fields.0.join(" ")
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push(format!("{}={:?}", field.name(), value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={}", field.name(), value));
    }
}

impl<S: Subscriber> Layer<S> for Captured {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        let fields = Fields::of(|f| event.record(f));
        self.push(format!("{} {} {fields}", meta.level(), meta.target()));
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        let fields = Fields::of(|f| attrs.record(f));
        self.push(format!("SPAN {} {fields}", attrs.metadata().name()));
    }

    fn on_record(&self, _: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let fields = Fields::of(|f| values.record(f));
        self.push(format!("RECORD {fields}"));
    }
}

/// The lines `f` makes `tracing` record on this thread, and its result.
pub fn capture<R>(f: impl FnOnce() -> R) -> (Vec<String>, R) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::registry().with(captured.clone());
    let result = tracing::subscriber::with_default(subscriber, f);
    (captured.lines(), result)
}
