use super::*;
use crate::harness::record::{CheckRecord, CheckState, ScenarioRecord, StepRecord, StepState};
use crate::harness::wire::Exchange;
use crate::harness::wire::exchange::{RecordedRequest, RecordedResponse};
use crate::runner::summary::summarize;
use crate::runner::verdict::{ScenarioVerdict, Scope, Verdict};
use crate::spec::requirements::Level;

const HOSTILE: &str = "<script>alert('pwned')</script><img src=x onerror=alert(1)>\"'&";

fn meta() -> RunMetadata {
    RunMetadata {
        target: "https://as.example.test/<b>".into(),
        profile: "strict".into(),
        started_at: "2026-11-25T10:00:00Z".into(),
        finished_at: "2026-11-25T10:00:01Z".into(),
    }
}

fn hostile_result(verdict: Verdict) -> ScenarioResult {
    let exchange = Exchange {
        step: Some(0),
        started_at: "2026-11-25T10:00:00Z".into(),
        elapsed_ms: 3,
        request: RecordedRequest {
            method: "POST".into(),
            url: format!("https://as.example.test/token?q={HOSTILE}"),
            headers: vec![("x-h".into(), HOSTILE.into())],
            body: Some(HOSTILE.into()),
        },
        response: Some(RecordedResponse {
            status: 400,
            headers: vec![(HOSTILE.into(), "v".into())],
            body: format!("{HOSTILE}{}", "x".repeat(BODY_SHOWN * 2)),
        }),
        error: Some(HOSTILE.into()),
    };
    ScenarioResult {
        id: format!("sc-grant-3.3.1-01 {HOSTILE}"),
        feature: format!("Feature {HOSTILE}"),
        feature_path: "grant/x.feature".into(),
        name: format!("scenario {HOSTILE}"),
        line: 7,
        tags: vec!["GRANT-3.3.1-a".into(), "must".into()],
        requirements: vec!["GRANT-3.3.1-a".into()],
        level: Some(Level::Must),
        scope: Scope::Uma,
        verdict: ScenarioVerdict {
            verdict,
            reason: Some(format!("expected 200, got 400: {HOSTILE}")),
            failed_requirement: None,
            failed_step: Some(0),
        },
        broken_by: None,
        record: ScenarioRecord {
            tags: vec![],
            steps: vec![StepRecord {
                keyword: "When".into(),
                text: format!("the client sends {HOSTILE}"),
                line: 8,
                state: StepState::Failed,
                message: Some(HOSTILE.into()),
                elapsed_ms: 3,
            }],
            checks: vec![CheckRecord {
                requirement: "GRANT-3.3.1-a".into(),
                level: Level::Must,
                step: 0,
                state: CheckState::Failed,
                detail: HOSTILE.into(),
            }],
            exchanges: vec![exchange.clone()],
            stop: None,
            cleanup: vec![exchange],
        },
        elapsed_ms: 3,
    }
}

fn page(results: &[ScenarioResult]) -> String {
    let catalogue = Catalogue::embedded();
    render(&meta(), &summarize(results, catalogue), results, catalogue)
}

#[test]
fn nothing_from_the_target_becomes_markup() {
    let html = page(&[hostile_result(Verdict::Failed)]);
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    // Every `<` left opens one of the page's own elements: the hostile text is plain text.
    const OWN: &[&str] = &[
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
        "p", "small", "code", "ul", "li", "b", "strong", "div", "form", "label", "select",
        "option", "span", "a", "section", "table", "thead", "tbody", "tr", "th", "td", "details",
        "summary", "ol", "pre", "script",
    ];
    let markup = &html[..html.find("<script>").expect("the page's script")];
    for tag in markup.split('<').skip(1) {
        let name = tag
            .trim_start_matches('/')
            .split([' ', '>'])
            .next()
            .unwrap_or_default();
        assert!(
            OWN.contains(&name),
            "unexpected element <{name}: <{tag:.60}"
        );
    }
    assert!(!html.contains("<img"));
    assert!(!html.contains("/<b>"));
    assert!(html.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"));
    // Tags open and close in balance around the hostile text: every `<details` is closed.
    assert_eq!(
        html.matches("<details").count(),
        html.matches("</details>").count()
    );
}

#[test]
fn long_bodies_are_cut_with_a_note() {
    let html = page(&[hostile_result(Verdict::Failed)]);
    assert!(html.contains("more bytes not shown here"));
    assert!(!html.contains(&"x".repeat(BODY_SHOWN + 1)));
}

#[test]
fn the_page_has_the_verdict_the_matrix_and_the_scenarios() {
    let failed = page(&[hostile_result(Verdict::Failed)]);
    assert!(failed.contains("NOT CONFORMANT"));
    let passed = page(&[hostile_result(Verdict::Passed)]);
    assert!(passed.contains(">CONFORMANT <small>at MUST level"));
    let catalogue = Catalogue::embedded();
    // One row per catalogue requirement, in spec order.
    let mut last = 0;
    for requirement in catalogue.iter() {
        let row = format!("<tr id=\"req-{}\"", requirement.id);
        let at = passed.find(&row).unwrap_or_else(|| panic!("no row {row}"));
        assert!(at > last, "{} out of order", requirement.id);
        last = at;
    }
    assert_eq!(passed.matches("<tr id=\"req-").count(), catalogue.len());
    // The covered requirement links to its scenario, which links back.
    assert!(passed.contains("<a href=\"#sc-0\""));
    assert!(passed.contains("id=\"sc-0\""));
    assert!(passed.contains("<a class=\"tag\" href=\"#req-GRANT-3.3.1-a\">"));
    assert!(passed.contains(
        "href=\"https://docs.kantarainitiative.org/uma/wg/rec-oauth-uma-grant-2.0.html#rfc.section.3.3.1\""
    ));
    assert!(passed.contains("data-verdict=\"not-covered\""));
    assert!(passed.contains("data-verdict=\"not-testable\""));
    assert!(passed.contains("<select name=\"party\">"));
}

#[test]
fn spec_links_follow_the_document() {
    assert_eq!(
        spec_url(Document::Fedauthz, "3.2"),
        "https://docs.kantarainitiative.org/uma/wg/rec-oauth-uma-federated-authz-2.0.html#rfc.section.3.2"
    );
    assert_eq!(
        spec_url(Document::Rfc7662, "2.2"),
        "https://www.rfc-editor.org/rfc/rfc7662#section-2.2"
    );
    assert_eq!(party_tokens("AS+RS"), ["as", "rs"]);
    assert_eq!(party_tokens("RO/RS"), ["ro", "rs"]);
}
