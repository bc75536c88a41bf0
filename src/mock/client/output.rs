//! The lines a run prints: one per step, the resource's body, or a final error line.

use tokio::sync::mpsc::UnboundedSender;

pub(crate) struct Output(UnboundedSender<String>);

impl Output {
    pub(crate) fn new(sender: UnboundedSender<String>) -> Self {
        Output(sender)
    }

    pub(crate) fn line(&self, line: impl Into<String>) {
        // A caller that stopped listening has no use for the rest; the run goes on regardless.
        let _ = self.0.send(line.into());
    }
}
