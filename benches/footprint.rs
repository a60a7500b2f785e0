//! The whole process, as a person runs it, in a pseudo-terminal:
//! - start: time from launch to the first frame, while every request takes a second to answer;
//! - memory: resident size with 10,000 invitations held and shown.
//!
//! `cargo bench -- footprint`

use std::io::Read;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use guestlist::sandbox::{self, SandboxConfig, Scenario};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const MEMBER: &str = "200000000001";
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

/// `per_source` invitations for the member in each of 3 services × 4 regions.
fn scenario(per_source: usize) -> Scenario {
    Scenario::crowd(MEMBER, &REGIONS, per_source)
}

fn start_sandbox(scenario: Scenario, latency_ms: u64) -> String {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let mut handle = sandbox::start(SandboxConfig::local(scenario))
                .await
                .unwrap();
            tx.send(handle.endpoint_url()).unwrap();
            let _ = handle.wait().await;
        });
    });
    let url = rx.recv().unwrap();
    if latency_ms > 0 {
        use std::io::Write;
        let body = format!("{{\"latency_ms\": {latency_ms}}}");
        let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
        write!(stream, "POST /_sandbox/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
    }
    url
}

struct Running {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    output: mpsc::Receiver<Vec<u8>>,
    seen: String,
    _writer: Box<dyn std::io::Write + Send>,
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Running {
    fn launch(url: &str) -> (Self, Instant) {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_guestlist"));
        command.args([
            "--endpoint-url",
            url,
            "--region",
            &REGIONS.join(","),
            "--read-only",
            "--log-level",
            "off",
        ]);
        for (name, value) in [
            ("AWS_ACCESS_KEY_ID", MEMBER),
            ("AWS_SECRET_ACCESS_KEY", "bench"),
            ("AWS_CONFIG_FILE", "/nonexistent"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("TERM", "xterm-256color"),
        ] {
            command.env(name, value);
        }
        let started = Instant::now();
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
        (
            Running {
                child,
                output,
                seen: String::new(),
                _writer: writer,
                master: pty.master,
            },
            started,
        )
    }

    /// Reads until `text` has been drawn; false on timeout.
    fn wait_for(&mut self, text: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while !self.seen.contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => self.seen.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => return false,
            }
        }
        true
    }

    /// Waits until a whole frame shows `text`: only changed cells are drawn (a blank between
    /// two words is skipped, not written), so the frame is read as a terminal shows it; a
    /// resize makes the next frame whole.
    fn wait_for_whole(&mut self, text: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut cols = 120;
        while Instant::now() < deadline {
            cols = if cols == 120 { 121 } else { 120 };
            let size = PtySize {
                rows: 40,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            };
            let _ = self.master.resize(size);
            self.seen.clear();
            let frame = Instant::now() + Duration::from_millis(500);
            while let Ok(bytes) = self
                .output
                .recv_timeout(frame.saturating_duration_since(Instant::now()))
            {
                self.seen.push_str(&String::from_utf8_lossy(&bytes));
                let mut screen =
                    vt100::Parser::new(40.try_into().unwrap(), cols.try_into().unwrap(), 0);
                screen.process(self.seen.as_bytes());
                if screen.screen().contents().contains(text) {
                    return true;
                }
            }
        }
        false
    }

    fn resident_mb(&self) -> f64 {
        let pid = self.child.process_id().unwrap();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap();
        kb / 1024.0
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub fn run() {
    let slow = start_sandbox(scenario(1), 1000);
    let mut firsts = Vec::new();
    for _ in 0..10 {
        let (mut running, started) = Running::launch(&slow);
        assert!(
            running.wait_for("guestlist", Duration::from_secs(5)),
            "no first frame"
        );
        firsts.push(started.elapsed());
        assert!(
            !running.seen.contains(" 3 invitations"),
            "the first frame came before any answer"
        );
    }
    firsts.sort();
    println!(
        "start: first frame {:.1} ms median, {:.1} ms worst of 10 launches (every request answered after 1 s; target 50 ms)",
        firsts[5].as_secs_f64() * 1000.0,
        firsts[9].as_secs_f64() * 1000.0
    );

    // 834 × 12 = 10,008 invitations.
    let large = start_sandbox(scenario(834), 0);
    let (mut running, started) = Running::launch(&large);
    // 10008 pending means every page is in.
    assert!(
        running.wait_for_whole("10008 pending", Duration::from_secs(60)),
        "not all listed"
    );
    std::thread::sleep(Duration::from_millis(1000));
    println!(
        "memory: {:.1} MB resident with 10,008 invitations held and shown (listed in {:.2} s; target 40 MB)",
        running.resident_mb(),
        started.elapsed().as_secs_f64()
    );
}
