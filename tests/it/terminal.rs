//! The real binary in a pseudo-terminal, as a person runs it: the dashboard comes up, an
//! invitation is accepted, and on the way out — by `q` or by a panic — the terminal is handed
//! back in cooked mode and off the alternate screen.

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    output: mpsc::Receiver<Vec<u8>>,
    /// Everything printed, as bytes became text.
    seen: String,
    /// The screen a person would see, with only changed cells redrawn applied in order.
    screen: vt100::Parser,
    writer: Box<dyn Write + Send>,
    state_dir: std::path::PathBuf,
}

impl Session {
    /// Runs `guestlist ARGS` then `stty -a` in one shell, in a 120×36 pseudo-terminal.
    fn start(args: &str, env: &[(&str, &str)]) -> Self {
        let bin = env!("CARGO_BIN_EXE_guestlist");
        Self::run(
            &format!("'{bin}' {args}; echo \"EXIT=$?\"; stty -a; echo END-OF-SESSION"),
            env,
        )
    }

    /// As `start`, under a shell with job control: when guestlist stops, the shell says
    /// `STOPPED=` with its status, waits for a line, then brings it back with `fg`.
    fn start_as_job(args: &str) -> Self {
        let bin = env!("CARGO_BIN_EXE_guestlist");
        Self::run(
            &format!(
                "set -m; '{bin}' {args}; echo \"STOPPED=$?\"; read resume; fg; \
                 echo \"EXIT=$?\"; stty -a; echo END-OF-SESSION"
            ),
            &[],
        )
    }

    fn run(script: &str, env: &[(&str, &str)]) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 36,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let state_dir = std::env::temp_dir().join(format!(
            "guestlist-pty-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let mut command = CommandBuilder::new("sh");
        command.args(["-c", script]);
        command.env("TERM", "xterm-256color");
        command.env("GUESTLIST_STATE_DIR", state_dir.to_string_lossy().as_ref());
        command.env("RUST_BACKTRACE", "0");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pty.slave.spawn_command(command).unwrap();
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 || tx.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        // The pty must outlive the child; leak the master side into the reader and writer.
        std::mem::forget(pty.master);
        Session {
            child,
            output,
            seen: String::new(),
            screen: vt100::Parser::new(36.try_into().unwrap(), 120.try_into().unwrap(), 0),
            writer,
            state_dir,
        }
    }

    fn read(&mut self, timeout: Duration) -> bool {
        match self.output.recv_timeout(timeout) {
            Ok(bytes) => {
                self.screen.process(&bytes);
                self.seen.push_str(&String::from_utf8_lossy(&bytes));
                true
            }
            Err(_) => false,
        }
    }

    /// Waits until `text` is on the screen.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.screen.screen().contents().contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            if !self.read(left) {
                panic!(
                    "never saw {text:?}; the screen:\n{}",
                    self.screen.screen().contents()
                );
            }
        }
    }

    /// Waits until `text` has been printed (for what follows the dashboard, on the main screen).
    fn wait_for_output(&mut self, text: &str) {
        self.wait_for_output_after(0, text);
    }

    /// Waits until `text` has been printed after the first `from` bytes.
    fn wait_for_output_after(&mut self, from: usize, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.seen[from..].contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            if !self.read(left) {
                panic!("never printed {text:?}:\n{}", printable(&self.seen));
            }
        }
    }

    fn type_keys(&mut self, keys: &str) {
        for c in keys.chars() {
            write!(self.writer, "{c}").unwrap();
            self.writer.flush().unwrap();
            // Keys apart, as typed: an escape followed at once by a key reads as Alt+key.
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    fn audit(&self) -> String {
        std::fs::read_to_string(self.state_dir.join("audit.jsonl")).unwrap_or_default()
    }

    /// What `stty -a` said after guestlist had gone.
    fn terminal_settings(&self) -> String {
        let after = self.seen.rsplit("EXIT=").next().unwrap_or("");
        after.to_owned()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = std::fs::remove_dir_all(&self.state_dir);
    }
}

fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' { '·' } else { c })
        .collect()
}

/// Cooked mode: canonical input and echo back on.
fn assert_cooked(settings: &str) {
    let flags: Vec<&str> = settings.split_whitespace().collect();
    assert!(flags.contains(&"icanon"), "not canonical: {settings}");
    assert!(flags.contains(&"echo"), "no echo: {settings}");
}

#[test]
fn accept_an_invitation_and_quit_leaves_the_terminal_as_it_was() {
    let mut session = Session::start("--demo", &[]);
    session.wait_for("DEMO");
    session.wait_for(" pending");
    // Narrow to GuardDuty in us-east-1, where the demo member runs a detector.
    session.type_keys("/guardduty us-east-1\r");
    session.wait_for("filter: /guardduty us-east-1");
    session.type_keys("a");
    session.wait_for("Accept 1 invitation?");
    session.wait_for("Nothing is needed first.");
    session.type_keys("y");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !session
        .audit()
        .contains("\"AcceptAdministratorInvitation\"")
    {
        assert!(Instant::now() < deadline, "the accept was never sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        session.audit().contains("\"outcome\":\"ok\""),
        "{}",
        session.audit()
    );
    session.type_keys("q");
    session.wait_for_output("END-OF-SESSION");
    assert!(
        session.seen.contains("\u{1b}[?1049h"),
        "entered the alternate screen"
    );
    let exit = session.seen.rsplit("EXIT=").next().unwrap();
    assert!(
        exit.starts_with('0'),
        "exit status: {}",
        &exit[..exit.len().min(5)]
    );
    let before_exit = session.seen.rsplit_once("EXIT=").unwrap().0;
    assert!(
        before_exit.contains("\u{1b}[?1049l"),
        "left the alternate screen"
    );
    assert_cooked(&session.terminal_settings());
}

#[test]
fn after_a_panic_the_terminal_is_restored_too() {
    let mut session = Session::start("--demo", &[("GUESTLIST_PANIC_AFTER_FIRST_FRAME", "1")]);
    session.wait_for_output("END-OF-SESSION");
    let (before_exit, after) = session.seen.rsplit_once("EXIT=").unwrap();
    assert!(!after.starts_with('0'), "a panic is a failure");
    assert!(
        before_exit.contains("\u{1b}[?1049l"),
        "left the alternate screen"
    );
    assert!(
        before_exit.contains("forced by GUESTLIST_PANIC_AFTER_FIRST_FRAME"),
        "the panic is reported:\n{}",
        printable(before_exit)
    );
    assert_cooked(&session.terminal_settings());
}

#[test]
fn read_only_refuses_in_the_dashboard() {
    let mut session = Session::start("--demo --read-only", &[]);
    session.wait_for("READ-ONLY");
    session.wait_for(" pending");
    session.type_keys("a");
    session.wait_for("read-only: accept is refused");
    session.type_keys("q");
    session.wait_for_output("END-OF-SESSION");
    assert!(
        session.audit().is_empty(),
        "nothing was done, nothing audited"
    );
}

#[test]
fn a_region_added_at_runtime_is_listed() {
    let mut session = Session::start("--demo --read-only --region us-east-1", &[]);
    session.wait_for("4/4 sources");
    session.type_keys(":region +eu-west-1\r");
    session.wait_for("now listing 8 sources");
    session.wait_for("8/8 sources");
    // The demo member's eu-west-1 invitations are on screen now.
    session.wait_for("EmailVerificationFailed");
    session.type_keys(":service -detective\r");
    session.wait_for("6/6 sources");
    session.type_keys("q");
    session.wait_for_output("END-OF-SESSION");
}

#[test]
fn save_writes_the_rows_on_screen_and_never_overwrites() {
    let dir = std::env::temp_dir().join(format!("guestlist-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pending.csv");
    let _ = std::fs::remove_file(&path);
    let mut session = Session::start("--demo --read-only", &[]);
    session.wait_for("16 ✓ listed");
    session.type_keys("/guardduty\r");
    session.type_keys(&format!(":save {}\r", path.display()));
    session.wait_for("saved 3 rows to");
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(
        csv.starts_with("service,region,profile,account_id,account_name,administrator_id"),
        "{csv}"
    );
    assert_eq!(
        csv.lines().count(),
        4,
        "the header and the three rows shown"
    );
    assert!(csv.lines().skip(1).all(|l| l.starts_with("guardduty,")));
    session.type_keys(&format!(":save {}\r", path.display()));
    session.wait_for("exists already");
    session.type_keys("q");
    session.wait_for_output("END-OF-SESSION");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The guestlist process the session's shell started, and its state letter (`T` when stopped).
fn dashboard_process(session: &Session) -> Option<(u32, char)> {
    let shell = session.child.process_id()?;
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // pid (comm) state ppid ...: comm may hold spaces, so split after its ')'.
            let (_, rest) = stat.rsplit_once(')')?;
            let mut fields = rest.split_whitespace();
            let state = fields.next()?.chars().next()?;
            let parent: u32 = fields.next()?.parse().ok()?;
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            (parent == shell && stat.contains("(guestlist)")).then_some((pid, state))
        })
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_z_hands_the_terminal_back_and_fg_takes_it_again() {
    let mut session = Session::start_as_job("--demo");
    session.wait_for("DEMO");
    session.wait_for(" pending");
    let before = session.seen.len();
    session.type_keys("\u{1a}");
    // 148 = 128 + SIGTSTP: the shell saw the job stop.
    session.wait_for_output("STOPPED=148");
    let (_, state) = dashboard_process(&session).expect("the dashboard is still there");
    assert_eq!(state, 'T', "stopped, not gone");
    let stopped = &session.seen[before..];
    assert!(
        stopped.contains("\u{1b}[?1049l"),
        "left the alternate screen before stopping"
    );
    assert!(stopped.contains("\u{1b}[?25h"), "showed the cursor");

    let resumed_at = session.seen.len();
    session.type_keys("\r");
    session.wait_for_output_after(resumed_at, "\u{1b}[?1049h");
    // Drawn again and answering keys; on the way out the terminal is as it was.
    session.type_keys("?");
    session.wait_for("Keys");
    session.type_keys("qq");
    session.wait_for_output("END-OF-SESSION");
    let exit = session.seen.rsplit("EXIT=").next().unwrap();
    assert!(
        exit.starts_with('0'),
        "exit status: {}",
        &exit[..exit.len().min(5)]
    );
    assert_cooked(&session.terminal_settings());
}

#[cfg(target_os = "linux")]
#[test]
fn sigterm_sighup_and_sigint_restore_the_terminal() {
    for (signal, number) in [("TERM", 15), ("HUP", 1), ("INT", 2)] {
        let mut session = Session::start("--demo", &[]);
        session.wait_for(" pending");
        let (pid, _) = dashboard_process(&session).expect("the dashboard runs");
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        session.wait_for_output("END-OF-SESSION");
        let (before_exit, after) = session.seen.rsplit_once("EXIT=").unwrap();
        assert!(
            after.starts_with(&(128 + number).to_string()),
            "SIG{signal}: exit {}",
            &after[..after.len().min(4)]
        );
        let last_frame = before_exit.rsplit_once("\u{1b}[?1049h").unwrap().1;
        for (sequence, what) in [
            ("\u{1b}[?1049l", "left the alternate screen"),
            ("\u{1b}[?1000l", "stopped capturing the mouse"),
            ("\u{1b}[?25h", "showed the cursor"),
        ] {
            assert!(last_frame.contains(sequence), "SIG{signal}: never {what}");
        }
        assert_cooked(&session.terminal_settings());
    }
}
