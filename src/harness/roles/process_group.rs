//! Commands the harness starts (a client under test, a resource server under test) run in a
//! process group of their own, and stopping one stops the whole group: a vendor's command is
//! often a wrapper (a shell script, `npm run`) whose children would outlive it, hold its pipes
//! open and keep answering on the harness's ports.

/// Makes the command the leader of a new process group when it starts.
pub fn own_group(command: &mut tokio::process::Command) {
    #[cfg(unix)]
    command.process_group(0);
    #[cfg(not(unix))]
    let _ = command;
}

/// Kills every process of the child's group, then the child itself.
pub async fn kill_group(child: &mut tokio::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id() {
        // The group id is the leader's pid; `kill -- -PGID` signals the whole group.
        let _ = tokio::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .await;
    }
    let _ = child.kill().await;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_wrapper_and_its_children_stop_together() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("grandchild-alive");
        // The wrapper starts a grandchild that would touch the marker after a second.
        let script = format!("(sleep 1; touch {}) & wait", marker.display());
        let mut command = tokio::process::Command::new("sh");
        command.args(["-c", &script]);
        own_group(&mut command);
        let mut child = command.spawn().unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        kill_group(&mut child).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(!marker.exists(), "the grandchild outlived the kill");
    }
}
