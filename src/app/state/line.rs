//! A line being typed, with a cursor, edited as a shell line: ←/→, Home/End, Ctrl-A/E,
//! Ctrl-W (word before), Ctrl-U (to the start), Ctrl-K (to the end), Delete at the cursor.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Edits `text` at `cursor` (a byte offset, kept on a character boundary); whether the text
/// changed. Keys it does not know change nothing.
pub fn edit(text: &mut String, cursor: &mut usize, key: KeyEvent) -> bool {
    *cursor = (*cursor).min(text.len());
    while !text.is_char_boundary(*cursor) {
        *cursor -= 1;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let before = |text: &str, at: usize| {
        text[..at]
            .chars()
            .next_back()
            .map_or(at, |c| at - c.len_utf8())
    };
    let after = |text: &str, at: usize| text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    match key.code {
        KeyCode::Left => *cursor = before(text, *cursor),
        KeyCode::Right => *cursor = after(text, *cursor),
        KeyCode::Home => *cursor = 0,
        KeyCode::End => *cursor = text.len(),
        KeyCode::Char('a') if ctrl => *cursor = 0,
        KeyCode::Char('e') if ctrl => *cursor = text.len(),
        KeyCode::Backspace if *cursor > 0 => {
            let from = before(text, *cursor);
            text.replace_range(from..*cursor, "");
            *cursor = from;
            return true;
        }
        KeyCode::Delete if *cursor < text.len() => {
            let to = after(text, *cursor);
            text.replace_range(*cursor..to, "");
            return true;
        }
        KeyCode::Char('d') if ctrl && *cursor < text.len() => {
            let to = after(text, *cursor);
            text.replace_range(*cursor..to, "");
            return true;
        }
        KeyCode::Char('u') if ctrl => {
            text.replace_range(..*cursor, "");
            *cursor = 0;
            return true;
        }
        KeyCode::Char('k') if ctrl => {
            text.truncate(*cursor);
            return true;
        }
        KeyCode::Char('w') if ctrl => {
            let head = &text[..*cursor];
            let trimmed = head.trim_end().len();
            let start = head[..trimmed]
                .rfind(char::is_whitespace)
                .map_or(0, |i| i + 1);
            text.replace_range(start..*cursor, "");
            *cursor = start;
            return true;
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            text.insert(*cursor, c);
            *cursor += c.len_utf8();
            return true;
        }
        _ => {}
    }
    false
}

/// A line of its own, as the `:` prompt has: its text and where the cursor is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    pub cursor: usize,
}

impl LineInput {
    /// `text`, with the cursor at its end.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.len();
        Self { text, cursor }
    }

    pub fn edit(&mut self, key: KeyEvent) -> bool {
        edit(&mut self.text, &mut self.cursor, key)
    }

    /// The text before the cursor and from it on, for drawing the cursor between them.
    pub fn split(&self) -> (&str, &str) {
        let at = self.cursor.min(self.text.len());
        if self.text.is_char_boundary(at) {
            self.text.split_at(at)
        } else {
            (&self.text, "")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn edits_like_a_shell_line() {
        let mut line = LineInput::new("region eu-west-1");
        line.edit(key(KeyCode::Home));
        line.edit(key(KeyCode::Delete));
        assert_eq!(line.text, "egion eu-west-1");
        line.edit(key(KeyCode::Char('r')));
        line.edit(ctrl('e'));
        line.edit(ctrl('w'));
        assert_eq!(line.text, "region ");
        line.edit(key(KeyCode::Char('é')));
        line.edit(key(KeyCode::Left));
        line.edit(key(KeyCode::Left));
        assert_eq!(line.split(), ("region", " é"));
        line.edit(ctrl('k'));
        assert_eq!(line.text, "region");
        line.edit(key(KeyCode::Left));
        line.edit(ctrl('u'));
        assert_eq!((line.text.as_str(), line.cursor), ("n", 0));
        line.edit(ctrl('a'));
        line.edit(key(KeyCode::Backspace));
        assert_eq!(line.text, "n", "nothing before the cursor to delete");
        line.edit(key(KeyCode::End));
        line.edit(key(KeyCode::Backspace));
        assert_eq!((line.text.as_str(), line.cursor), ("", 0));
    }
}
