//! The scenarios, grouped by feature: verdict, reason, tags, steps with their checks and the HTTP
//! exchanges each step made (collapsed, bodies cut to a few KiB).

use std::fmt::Write as _;

use super::escape::{esc, push_esc, token, truncate};
use super::matrix::verdict_token;
use super::party_tokens;
use crate::harness::record::{CheckState, StepState};
use crate::harness::wire::Exchange;
use crate::runner::execute::ScenarioResult;
use crate::runner::verdict::Verdict;
use crate::spec::requirements::Catalogue;

/// The most of one body shown inline; results.json has the whole recorded body.
pub const BODY_SHOWN: usize = 4 * 1024;

pub fn render(out: &mut String, results: &[ScenarioResult], catalogue: &Catalogue) {
    out.push_str("<section id=\"scenarios\"><h2>Scenarios</h2>\n");
    let mut index = 0;
    while index < results.len() {
        let path = &results[index].feature_path;
        let end = results[index..]
            .iter()
            .position(|r| &r.feature_path != path)
            .map_or(results.len(), |n| index + n);
        let _ = writeln!(
            out,
            "<section class=\"feature\"><h3>{name} <span class=\"loc\">{path}</span></h3>",
            name = esc(&results[index].feature),
            path = esc(path),
        );
        for (i, result) in results.iter().enumerate().take(end).skip(index) {
            scenario(out, i, result, catalogue);
        }
        out.push_str("</section>\n");
        index = end;
    }
    out.push_str("</section>\n");
}

/// The anchor of the `index`-th scenario.
pub fn anchor(index: usize) -> String {
    format!("sc-{index}")
}

fn scenario(out: &mut String, index: usize, result: &ScenarioResult, catalogue: &Catalogue) {
    let verdict = result.verdict.verdict;
    let vtoken = verdict_token(verdict.as_str());
    let mut parties: Vec<String> = result
        .requirements
        .iter()
        .filter_map(|id| catalogue.get(id))
        .flat_map(|r| party_tokens(&r.party))
        .collect();
    parties.sort();
    parties.dedup();
    let open = if matches!(verdict, Verdict::Failed) {
        " open"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<details class=\"sc\" id=\"{anchor}\" data-party=\"{party}\" data-level=\"{level}\" data-verdict=\"{vtoken}\"{open}>\
         <summary><span class=\"v v-{vtoken}\">{vlabel}</span> {ids} {name} <span class=\"loc\">{loc}</span></summary>",
        anchor = anchor(index),
        party = esc(&parties.join(" ")),
        level = result.level.map(|l| token(l.as_str())).unwrap_or_default(),
        vlabel = verdict.as_str(),
        ids = esc(&result.requirements.join(" ")),
        name = esc(&result.name),
        loc = esc(&format!("{} {}", result.id, result.location())),
    );
    if let Some(reason) = &result.verdict.reason {
        out.push_str("<p class=\"reason\">");
        push_esc(out, reason);
        out.push_str("</p>\n");
    }
    if let Some(party) = result.broken_by {
        out.push_str("<p class=\"reason\">Broken by: the ");
        push_esc(out, party.label());
        out.push_str("</p>\n");
    }
    out.push_str("<p class=\"tags\">");
    for tag in &result.tags {
        let bare = tag.trim_start_matches('@');
        if catalogue.get(bare).is_some() {
            let _ = write!(
                out,
                "<a class=\"tag\" href=\"#req-{id}\">@{id}</a> ",
                id = esc(bare)
            );
        } else {
            let _ = write!(out, "<span class=\"tag\">@{}</span> ", esc(bare));
        }
    }
    let _ = writeln!(
        out,
        "<span class=\"loc\">{} ms</span></p>\n<ol class=\"steps\">",
        result.elapsed_ms
    );
    let record = &result.record;
    for (step_index, step) in record.steps.iter().enumerate() {
        let state = step_state(step.state);
        let _ = write!(
            out,
            "<li class=\"st-{state}\"><span class=\"kw\">{kw}</span> {text} <span class=\"state\">{state}</span>",
            kw = esc(&step.keyword),
            text = esc(&step.text),
        );
        if let Some(message) = &step.message {
            out.push_str("<div class=\"msg\">");
            push_esc(out, message);
            out.push_str("</div>");
        }
        for check in record.checks.iter().filter(|c| c.step == step_index) {
            let cstate = match check.state {
                CheckState::Passed => "passed",
                CheckState::Warning => "warning",
                CheckState::Failed => "failed",
            };
            let _ = write!(
                out,
                "<div class=\"check c-{cstate}\">{cstate} {id} ({level}): {detail}</div>",
                id = esc(&check.requirement),
                level = check.level.as_str(),
                detail = esc(&check.detail),
            );
        }
        // A failed scenario shows the exchanges of the step where it stopped.
        let open = verdict == Verdict::Failed && result.verdict.failed_step == Some(step_index);
        for exchange in record
            .exchanges
            .iter()
            .filter(|e| e.step == Some(step_index))
        {
            render_exchange(out, exchange, open);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    let outside: Vec<&Exchange> = record
        .exchanges
        .iter()
        .filter(|e| e.step.is_none_or(|s| s >= record.steps.len()))
        .collect();
    if !outside.is_empty() {
        out.push_str("<div class=\"extra\">Exchanges outside any step:");
        for exchange in outside {
            render_exchange(out, exchange, false);
        }
        out.push_str("</div>\n");
    }
    if !record.cleanup.is_empty() {
        let _ = write!(
            out,
            "<details class=\"extra\"><summary>Cleanup exchanges ({})</summary>",
            record.cleanup.len()
        );
        for exchange in &record.cleanup {
            render_exchange(out, exchange, false);
        }
        out.push_str("</details>\n");
    }
    out.push_str("</details>\n");
}

fn step_state(state: StepState) -> &'static str {
    match state {
        StepState::Running => "running",
        StepState::Passed => "passed",
        StepState::Warning => "warning",
        StepState::Failed => "failed",
        StepState::Skipped => "skipped",
        StepState::Undefined => "undefined",
        StepState::NotRun => "not-run",
    }
}

/// One exchange, collapsed: the request line and status in the summary, headers and bodies inside.
pub fn render_exchange(out: &mut String, exchange: &Exchange, open: bool) {
    let outcome = match (&exchange.response, &exchange.error) {
        (Some(r), None) => r.status.to_string(),
        (Some(r), Some(_)) => format!("{} (incomplete)", r.status),
        (None, _) => "no response".to_string(),
    };
    let _ = write!(
        out,
        "<details class=\"ex\"{open}><summary><code>{method} {url}</code> → {outcome} ({ms} ms)</summary><pre>",
        open = if open { " open" } else { "" },
        method = esc(&exchange.request.method),
        url = esc(&exchange.request.url),
        outcome = esc(&outcome),
        ms = exchange.elapsed_ms,
    );
    out.push_str("&gt; ");
    push_esc(out, &exchange.request.method);
    out.push(' ');
    push_esc(out, &exchange.request.url);
    out.push('\n');
    headers(out, "&gt; ", &exchange.request.headers);
    if let Some(body) = &exchange.request.body {
        out.push('\n');
        push_body(out, body);
    }
    match &exchange.response {
        Some(response) => {
            let _ = writeln!(out, "\n&lt; {}", response.status);
            headers(out, "&lt; ", &response.headers);
            if !response.body.is_empty() {
                out.push('\n');
                push_body(out, &response.body);
            }
        }
        None => out.push_str("\n(no response)\n"),
    }
    if let Some(error) = &exchange.error {
        out.push_str("\n! ");
        push_esc(out, error);
        out.push('\n');
    }
    out.push_str("</pre></details>");
}

fn headers(out: &mut String, prefix: &str, headers: &[(String, String)]) {
    for (name, value) in headers {
        out.push_str(prefix);
        push_esc(out, name);
        out.push_str(": ");
        push_esc(out, value);
        out.push('\n');
    }
}

fn push_body(out: &mut String, body: &str) {
    let (shown, left) = truncate(body, BODY_SHOWN);
    push_esc(out, shown);
    if !shown.ends_with('\n') {
        out.push('\n');
    }
    if left > 0 {
        let _ = writeln!(
            out,
            "<span class=\"cut\">[{left} more bytes not shown here; results.json has the recorded body]</span>"
        );
    }
}
