//! Running the client under test. A client is a program, not a server: the harness starts it once
//! per scenario (a vendor's command line, or the reference client in-process), reads what it
//! prints (a command-line client shows the user the claims interaction URL to open, as device
//! style CLIs do) and waits for it to finish. What it did on the wire is seen by the harness's AS
//! and RS, not here.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use super::process_group;

/// The most lines of output kept from one run, and the longest line; a chatty or hostile client
/// cannot exhaust memory.
pub const MAX_LINES: usize = 2_000;
pub const MAX_LINE_CHARS: usize = 4_096;

/// What one run of the client is asked to do.
#[derive(Debug, Clone)]
pub struct ClientInvocation {
    /// The protected resource to fetch.
    pub resource_url: String,
    /// Where the client keeps what it holds between runs (RPTs, PCTs); one per scenario.
    pub state_dir: PathBuf,
    /// A claim token (format, token) the client may push for the requesting party.
    pub claim_token: Option<(String, String)>,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientExit {
    Code(i32),
    /// It could not be started, or ended without an exit code (a signal).
    Abnormal(String),
}

/// A started run: its output lines as they come, its end, and a way to stop it early.
pub struct ClientRun {
    pub lines: mpsc::UnboundedReceiver<String>,
    pub exit: oneshot::Receiver<ClientExit>,
    pub stop: Option<oneshot::Sender<()>>,
}

pub trait ClientLauncher: Send + Sync {
    fn launch(&self, invocation: &ClientInvocation) -> Result<ClientRun, String>;
    /// How the run reports the client (its command line, or "the reference client").
    fn describe(&self) -> String;
}

/// A vendor's client started as a command. Placeholders in its arguments: `{resource_url}`,
/// `{state_dir}`, `{claim_token}`, `{claim_token_format}`, and the fixed values given at
/// construction (`{client_id}`, `{client_secret}`, `{claims_redirect_uri}`, `{exe}`, ...).
pub struct CommandLauncher {
    argv: Vec<String>,
    fixed: BTreeMap<String, String>,
}

impl CommandLauncher {
    pub fn new(argv: Vec<String>, fixed: BTreeMap<String, String>) -> Result<Self, String> {
        if argv.is_empty() {
            return Err("the client command is empty".into());
        }
        Ok(CommandLauncher { argv, fixed })
    }

    fn arguments(&self, invocation: &ClientInvocation) -> Vec<String> {
        let (format, token) = invocation.claim_token.clone().unwrap_or_default();
        let mut values = self.fixed.clone();
        values.insert("resource_url".into(), invocation.resource_url.clone());
        values.insert(
            "state_dir".into(),
            invocation.state_dir.display().to_string(),
        );
        values.insert("claim_token".into(), token);
        values.insert("claim_token_format".into(), format);
        self.argv
            .iter()
            .map(|arg| substitute(arg, &values))
            .collect()
    }
}

/// Replaces every `{name}` whose name is known; unknown braces stay as they are.
pub fn substitute(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

impl ClientLauncher for CommandLauncher {
    fn launch(&self, invocation: &ClientInvocation) -> Result<ClientRun, String> {
        let argv = self.arguments(invocation);
        let (program, args) = argv.split_first().ok_or("the client command is empty")?;
        let mut command = tokio::process::Command::new(program);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        process_group::own_group(&mut command);
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start the client {program:?}: {e}"))?;
        let (line_tx, lines) = mpsc::unbounded_channel();
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        if let Some(out) = child.stdout.take() {
            tokio::spawn(forward_lines(out, line_tx.clone(), counter.clone()));
        }
        if let Some(err) = child.stderr.take() {
            tokio::spawn(forward_lines(err, line_tx, counter));
        }
        let (exit_tx, exit) = oneshot::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let ended = tokio::select! {
                status = child.wait() => match status {
                    Ok(s) => s.code().map(ClientExit::Code).unwrap_or_else(|| {
                        ClientExit::Abnormal(format!("the client ended without an exit code ({s})"))
                    }),
                    Err(e) => ClientExit::Abnormal(format!("waiting for the client: {e}")),
                },
                _ = stopped => {
                    process_group::kill_group(&mut child).await;
                    ClientExit::Abnormal("the client was stopped".into())
                }
            };
            // Whatever the client left running (a wrapper's children) goes with it.
            process_group::kill_group(&mut child).await;
            let _ = exit_tx.send(ended);
        });
        Ok(ClientRun {
            lines,
            exit,
            stop: Some(stop),
        })
    }

    fn describe(&self) -> String {
        self.argv.join(" ")
    }
}

/// Reads a stream to its end line by line: each line cut at [`MAX_LINE_CHARS`] however long it
/// runs without a newline, bytes that are not UTF-8 replaced, and the stream kept drained after
/// [`MAX_LINES`] so that the client never blocks on a full pipe.
async fn forward_lines(
    stream: impl AsyncRead + Unpin,
    to: mpsc::UnboundedSender<String>,
    counter: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    let mut reader = BufReader::new(stream);
    let mut line: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 4096];
    let cap = MAX_LINE_CHARS * 4;
    let emit = |line: &mut Vec<u8>| {
        let text: String = String::from_utf8_lossy(line)
            .trim_end_matches('\r')
            .chars()
            .take(MAX_LINE_CHARS)
            .collect();
        line.clear();
        if counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < MAX_LINES {
            let _ = to.send(text);
        }
    };
    loop {
        let n = match reader.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &byte in &chunk[..n] {
            if byte == b'\n' {
                emit(&mut line);
            } else if line.len() < cap {
                line.push(byte);
            }
        }
    }
    if !line.is_empty() {
        emit(&mut line);
    }
}

/// What a finished (or stopped) run left: its output and how it ended.
#[derive(Debug, Clone, Default)]
pub struct ClientOutcome {
    pub lines: Vec<String>,
    pub exit: Option<ClientExit>,
    /// Whether the harness had to stop it at the time limit.
    pub timed_out: bool,
}

impl ClientOutcome {
    pub fn succeeded(&self) -> bool {
        self.exit == Some(ClientExit::Code(0))
    }

    pub fn describe(&self) -> String {
        let end = match (&self.exit, self.timed_out) {
            (_, true) => "was stopped at the time limit".to_string(),
            (Some(ClientExit::Code(code)), _) => format!("exited with code {code}"),
            (Some(ClientExit::Abnormal(why)), _) => why.clone(),
            (None, _) => "never ended".to_string(),
        };
        let tail: Vec<&String> = self.lines.iter().rev().take(5).rev().collect();
        if tail.is_empty() {
            format!("the client {end} and printed nothing")
        } else {
            let tail: Vec<&str> = tail.iter().map(|s| s.as_str()).collect();
            format!("the client {end}; its last lines: {}", tail.join(" | "))
        }
    }
}

/// The first URL in `line` that starts with `prefix` (the AS's claims interaction endpoint).
pub fn url_starting_with(line: &str, prefix: &str) -> Option<String> {
    let start = line.find(prefix)?;
    let url: String = line[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '<' | '>'))
        .collect();
    Some(url)
}

/// The time one run may take by default: long enough for a polling client to wait out one
/// `interval`, short enough that a hung client does not stall CI.
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(60);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_braces_kept() {
        let fixed = BTreeMap::from([("client_id".to_string(), "c1".to_string())]);
        let launcher = CommandLauncher::new(
            vec![
                "client".into(),
                "{resource_url}".into(),
                "--id={client_id}".into(),
                "{other}".into(),
            ],
            fixed,
        )
        .unwrap();
        let args = launcher.arguments(&ClientInvocation {
            resource_url: "http://127.0.0.1:1/r".into(),
            state_dir: "/tmp/s".into(),
            claim_token: None,
        });
        assert_eq!(
            args,
            ["client", "http://127.0.0.1:1/r", "--id=c1", "{other}"]
        );
    }

    #[test]
    fn interaction_urls_are_found_inside_lines() {
        let line = "open in a browser to continue: http://127.0.0.1:5/claims?ticket=a&x=1 now";
        assert_eq!(
            url_starting_with(line, "http://127.0.0.1:5/claims").as_deref(),
            Some("http://127.0.0.1:5/claims?ticket=a&x=1")
        );
        assert_eq!(url_starting_with(line, "http://elsewhere"), None);
    }

    #[tokio::test]
    async fn a_command_runs_and_its_lines_and_exit_code_arrive() {
        let launcher = CommandLauncher::new(
            vec![
                "sh".into(),
                "-c".into(),
                "echo one; echo two >&2; exit 3".into(),
            ],
            BTreeMap::new(),
        )
        .unwrap();
        let mut run = launcher
            .launch(&ClientInvocation {
                resource_url: String::new(),
                state_dir: "/tmp".into(),
                claim_token: None,
            })
            .unwrap();
        let exit = (&mut run.exit).await.unwrap();
        assert_eq!(exit, ClientExit::Code(3));
        let mut lines = Vec::new();
        while let Ok(Some(line)) =
            tokio::time::timeout(Duration::from_secs(5), run.lines.recv()).await
        {
            lines.push(line);
        }
        lines.sort();
        assert_eq!(lines, ["one", "two"]);
    }

    #[tokio::test]
    async fn endless_lines_and_bad_bytes_are_cut_and_drained() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut input = vec![b'x'; MAX_LINE_CHARS * 10];
        input.extend_from_slice(b"\n\xff\xfeok\nlast");
        forward_lines(&input[..], tx, counter).await;
        let first = rx.recv().await.unwrap();
        assert_eq!(first.chars().count(), MAX_LINE_CHARS);
        assert_eq!(rx.recv().await.unwrap(), "\u{fffd}\u{fffd}ok");
        assert_eq!(rx.recv().await.unwrap(), "last");
    }
}
