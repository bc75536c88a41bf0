//! Requests waiting for the resource owner (Grant 3.3.6 request_submitted): a policy said "ask
//! me", so the AS records what was asked and answers the client's polls until the owner, through
//! the control API standing in for the owner's own interface, approves or denies.

use super::clock::Timestamp;
use super::ids::{RESOURCE_ID_BYTES, RandomnessUnavailable, random_id};
use super::tickets::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestStatus {
    Pending,
    Approved,
    Denied,
}

impl RequestStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Denied => "denied",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnerRequest {
    pub(crate) owner: String,
    pub(crate) client_id: String,
    pub(crate) permissions: Vec<Permission>,
    pub(crate) status: RequestStatus,
    pub(crate) created_at: Timestamp,
    /// Every ticket handed to the client for polling, newest last.
    pub(crate) tickets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecideError {
    Unknown,
    /// The owner already gave the other answer.
    AlreadyDecided(RequestStatus),
}

#[derive(Debug, Default)]
pub(crate) struct OwnerRequests {
    requests: Vec<(String, OwnerRequest)>,
}

impl OwnerRequests {
    pub(crate) fn open(&mut self, request: OwnerRequest) -> Result<String, RandomnessUnavailable> {
        let id = loop {
            let id = random_id(RESOURCE_ID_BYTES)?;
            if self.get(&id).is_none() {
                break id;
            }
        };
        self.requests.push((id.clone(), request));
        Ok(id)
    }

    pub(crate) fn get(&self, id: &str) -> Option<&OwnerRequest> {
        self.requests.iter().find(|(i, _)| i == id).map(|(_, r)| r)
    }

    pub(crate) fn record_ticket(&mut self, id: &str, ticket: &str) {
        if let Some((_, request)) = self.requests.iter_mut().find(|(i, _)| i == id) {
            if !request.tickets.iter().any(|t| t == ticket) {
                request.tickets.push(ticket.to_string());
            }
        }
    }

    /// The owner's answer. Giving the same answer twice is harmless; changing it is not allowed.
    pub(crate) fn decide(&mut self, id: &str, approve: bool) -> Result<RequestStatus, DecideError> {
        let (_, request) = self
            .requests
            .iter_mut()
            .find(|(i, _)| i == id)
            .ok_or(DecideError::Unknown)?;
        let wanted = if approve {
            RequestStatus::Approved
        } else {
            RequestStatus::Denied
        };
        match request.status {
            RequestStatus::Pending => {
                request.status = wanted;
                Ok(wanted)
            }
            same if same == wanted => Ok(wanted),
            other => Err(DecideError::AlreadyDecided(other)),
        }
    }

    /// Requests the owner has not answered yet, oldest first.
    pub(crate) fn pending(&self) -> Vec<(&str, &OwnerRequest)> {
        self.requests
            .iter()
            .filter(|(_, r)| r.status == RequestStatus::Pending)
            .map(|(i, r)| (i.as_str(), r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> OwnerRequest {
        OwnerRequest {
            owner: "alice".into(),
            client_id: "app".into(),
            permissions: vec![],
            status: RequestStatus::Pending,
            created_at: 0,
            tickets: vec![],
        }
    }

    #[test]
    fn the_owner_answers_once() {
        let mut store = OwnerRequests::default();
        let a = store.open(request()).unwrap();
        let b = store.open(request()).unwrap();
        store.record_ticket(&a, "t1");
        store.record_ticket(&a, "t1");
        assert_eq!(store.get(&a).unwrap().tickets, ["t1"]);
        assert_eq!(store.pending().len(), 2);
        assert_eq!(store.decide(&a, true), Ok(RequestStatus::Approved));
        assert_eq!(store.decide(&a, true), Ok(RequestStatus::Approved));
        assert_eq!(
            store.decide(&a, false),
            Err(DecideError::AlreadyDecided(RequestStatus::Approved))
        );
        assert_eq!(store.decide(&b, false), Ok(RequestStatus::Denied));
        assert_eq!(store.decide("nope", true), Err(DecideError::Unknown));
        assert!(store.pending().is_empty());
        assert_eq!(RequestStatus::Denied.as_str(), "denied");
    }
}
