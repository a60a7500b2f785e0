//! How values are written as text, on screen and in the commands' output.

use chrono::{DateTime, Local, Utc};

/// How times are written: named `local` and `utc` in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    Local,
    #[serde(alias = "UTC")]
    Utc,
}

/// `3d ago`, `5h ago`, `12m ago`, `just now`; future times (clock skew) read as `just now`.
pub fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds();
    match seconds {
        s if s < 60 => "just now".into(),
        s if s < 3_600 => format!("{}m ago", s / 60),
        s if s < 86_400 => format!("{}h ago", s / 3_600),
        s if s < 86_400 * 60 => format!("{}d ago", s / 86_400),
        s if s < 86_400 * 730 => format!("{}mo ago", s / (86_400 * 30)),
        s => format!("{}y ago", s / (86_400 * 365)),
    }
}

/// `2026-11-21 10:40` in the chosen clock.
pub fn timestamp(time: DateTime<Utc>, clock: Clock) -> String {
    match clock {
        Clock::Utc => time.format("%Y-%m-%d %H:%M UTC").to_string(),
        Clock::Local => time
            .with_timezone(&Local)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
    }
}

/// `10:42` in the chosen clock.
pub fn clock_time(time: DateTime<Utc>, clock: Clock) -> String {
    match clock {
        Clock::Utc => time.format("%H:%M UTC").to_string(),
        Clock::Local => time.with_timezone(&Local).format("%H:%M").to_string(),
    }
}

/// `42s`, `3m`, `1h`: a countdown or an age, short.
pub fn short_duration(seconds: i64) -> String {
    match seconds.max(0) {
        s if s < 60 => format!("{s}s"),
        s if s < 3_600 => format!("{}m", s / 60),
        s => format!("{}h", s / 3_600),
    }
}

/// Keeps both ends of an id, which is what people compare: `e30f0d23…4cc33`.
pub fn shorten_middle(text: &str, width: usize) -> String {
    let length = text.chars().count();
    if length <= width {
        return text.to_owned();
    }
    if width <= 1 {
        return "…".chars().take(width).collect();
    }
    let keep = width - 1;
    let head = keep.div_ceil(2);
    let tail = keep - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(length - tail).collect();
    format!("{start}…{end}")
}

/// Cuts at the end: `ACCEPTED_BUT_DIS…`.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A graph ARN is long and mostly the same; its id and owner are what differ.
pub fn reference_for_table(reference: &str) -> &str {
    reference
        .rsplit_once(":graph:")
        .map_or(reference, |(_, id)| id)
}

pub fn bytes(count: i64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = count as f64;
    let mut unit = 0;
    while value.abs() >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{count} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub fn duration(elapsed: std::time::Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds < 10.0 {
        format!("{seconds:.2}s")
    } else {
        format!("{seconds:.0}s")
    }
}

/// Text from the network made safe to print on a terminal: control characters (escape
/// sequences, bell, carriage return, C1 controls) are written as `\u{..}` escapes, so no
/// field can move the cursor, set the title or write the clipboard. Plain text is borrowed.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            safe.push_str(&c.escape_unicode().to_string());
        } else {
            safe.push(c);
        }
    }
    std::borrow::Cow::Owned(safe)
}

/// The word with its first letter in capitals: `accept` → `Accept`.
pub fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `1 source`, `3 sources`.
pub fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The spinner's picture at `frame`.
pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn ages() {
        let now = Utc::now();
        assert_eq!(age(now - Duration::seconds(5), now), "just now");
        assert_eq!(age(now - Duration::minutes(12), now), "12m ago");
        assert_eq!(age(now - Duration::hours(5), now), "5h ago");
        assert_eq!(age(now - Duration::days(3), now), "3d ago");
        assert_eq!(age(now - Duration::days(95), now), "3mo ago");
        assert_eq!(age(now - Duration::days(1000), now), "2y ago");
        assert_eq!(age(now + Duration::hours(1), now), "just now");
    }

    #[test]
    fn shortening() {
        assert_eq!(
            shorten_middle("e30f0d2390e376523889a9c5d084cc33", 13),
            "e30f0d…84cc33"
        );
        assert_eq!(shorten_middle("short", 10), "short");
        assert_eq!(shorten_middle("abcdef", 1), "…");
        assert_eq!(truncate("ACCEPTED_BUT_DISABLED", 10), "ACCEPTED_…");
        assert_eq!(
            reference_for_table("arn:aws:detective:us-east-1:111122223333:graph:abc"),
            "abc"
        );
        assert_eq!(bytes(812_345_678_901), "812.3 GB");
        assert_eq!(bytes(999), "999 B");
    }
}
