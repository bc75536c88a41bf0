//! Introspection answers a test scripted for chosen tokens, so that a harness can probe how a
//! resource server reads answers the faithful AS would never give (an expired permission in an
//! active token, say). Not UMA: a tool of the control API.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// How many tokens may have a scripted answer at once.
pub(crate) const MAX_CRAFTED_ANSWERS: usize = 1000;

/// The store was full and the token new to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

#[derive(Debug, Default)]
pub(crate) struct CraftedAnswers {
    by_token: HashMap<String, Map<String, Value>>,
}

impl CraftedAnswers {
    /// Scripts (or re-scripts) the answer for `token`.
    pub(crate) fn set(&mut self, token: String, answer: Map<String, Value>) -> Result<(), Full> {
        if !self.by_token.contains_key(&token) && self.by_token.len() >= MAX_CRAFTED_ANSWERS {
            return Err(Full);
        }
        self.by_token.insert(token, answer);
        Ok(())
    }

    pub(crate) fn get(&self, token: &str) -> Option<&Map<String, Value>> {
        self.by_token.get(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_but_replaceable() {
        let mut store = CraftedAnswers::default();
        for n in 0..MAX_CRAFTED_ANSWERS {
            store.set(n.to_string(), Map::new()).unwrap();
        }
        assert_eq!(store.set("new".into(), Map::new()), Err(Full));
        let mut answer = Map::new();
        answer.insert("active".into(), Value::Bool(true));
        store.set("0".into(), answer.clone()).unwrap();
        assert_eq!(store.get("0"), Some(&answer));
        assert_eq!(store.get("new"), None);
    }
}
