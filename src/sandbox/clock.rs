//! Sandbox time. Every delay of a drill (build steps, release phase, an issue appearing) is
//! written at speed 1 and divided by the speed knob, so tests run the same story in milliseconds.
use chrono::{DateTime, Utc};
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    speed: f64,
    /// When the sandbox started; history (old releases, baseline errors) is placed before it.
    pub started: DateTime<Utc>,
}

impl Clock {
    pub fn new(speed: f64) -> Clock {
        let speed = if speed.is_finite() && speed > 0.0 { speed } else { 1.0 };
        Clock { speed, started: Utc::now() }
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// A drill delay in real time.
    pub fn scaled(&self, at_speed_one: Duration) -> Duration {
        at_speed_one.div_f64(self.speed)
    }

    pub async fn sleep(&self, at_speed_one: Duration) {
        tokio::time::sleep(self.scaled(at_speed_one)).await;
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    /// `Retry-After` seconds for the flaky drill: 1 at speed 1, 0 when tests run fast.
    pub fn retry_after_secs(&self) -> u64 {
        (1.0 / self.speed).round() as u64
    }
}

/// RFC 3339 with a `Z`, as every service here writes it.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Sentry writes milliseconds.
pub fn stamp_ms(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
