//! The suite against the reference authorization server: the faithful mock passes everything,
//! and every deviation makes exactly the scenarios citing the requirements it breaks fail.

use std::collections::{BTreeMap, BTreeSet};

use uma_conformance::harness::record::CheckState;
use uma_conformance::harness::target::Party;
use uma_conformance::mock::authorization_server::deviations;
use uma_conformance::runner::execute::{ScenarioResult, Selection};
use uma_conformance::runner::run::{RunOptions, run};
use uma_conformance::runner::verdict::Verdict;

async fn run_builtin(deviations: &[&str]) -> Vec<ScenarioResult> {
    run_builtin_for(deviations, None).await
}

/// A run of the built-in mocks, limited to the scenarios testing `party` when given.
async fn run_builtin_for(deviations: &[&str], party: Option<Party>) -> Vec<ScenarioResult> {
    // Plain http stands in for a deviation of its own: an AS without TLS (FED-1.3-b).
    let plain_http = deviations.contains(&PLAIN_HTTP);
    let options = RunOptions {
        selection: Selection {
            party,
            ..Selection::default()
        },
        deviations: deviations
            .iter()
            .filter(|d| **d != PLAIN_HTTP)
            .map(|d| d.to_string())
            .collect(),
        plain_http,
        ..RunOptions::default()
    };
    run(&options).await.expect("the run completes").results
}

const PLAIN_HTTP: &str = "(plain http)";

/// Requirements some deviation breaks whose scenarios are not written yet. Empty: every
/// requirement the mock can break is cited by a scenario. A deviation added ahead of its
/// scenarios lists its ids here until they come.
const PENDING: &[&str] = &[];

fn key(r: &ScenarioResult) -> String {
    format!("{} {}", r.location(), r.name)
}

/// The requirements a scenario was judged wanting on: the failed check's id, or the ids of
/// checks that ended as warnings.
fn blamed(r: &ScenarioResult) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = r.verdict.failed_requirement.iter().cloned().collect();
    ids.extend(
        r.record
            .checks
            .iter()
            .filter(|c| c.state != CheckState::Passed)
            .map(|c| c.requirement.clone()),
    );
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_faithful_mock_passes_every_scenario() {
    let results = run_builtin(&[]).await;
    assert!(results.len() > 50, "only {} scenarios ran", results.len());
    let mut problems = Vec::new();
    for r in &results {
        match r.verdict.verdict {
            Verdict::Passed => {}
            other => problems.push(format!("{}: {other:?}: {:?}", key(r), r.verdict.reason)),
        }
        assert!(!r.record.checks.is_empty(), "{} made no check", key(r));
    }
    assert!(
        problems.is_empty(),
        "against the faithful mock:\n{}",
        problems.join("\n")
    );
}

/// Copies a folder tree (the fixtures are a few small files).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The reference AS issues opaque RPTs or, by a fixture switch, JWTs signed with the key it
/// publishes; the suite judges both alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_faithful_mock_with_jwt_rpts_passes_every_scenario() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks"),
        dir.path(),
    );
    let server = dir.path().join("authorization-server/server.json");
    let text = std::fs::read_to_string(&server).unwrap();
    assert!(text.contains(r#""rpt_format": "opaque""#));
    std::fs::write(
        &server,
        text.replace(r#""rpt_format": "opaque""#, r#""rpt_format": "jwt""#),
    )
    .unwrap();
    let options = RunOptions {
        fixtures_dir: Some(dir.path().to_path_buf()),
        ..RunOptions::default()
    };
    let results = run(&options).await.expect("the run completes").results;
    assert!(results.len() > 50, "only {} scenarios ran", results.len());
    // The reference RS verifies JWT RPTs itself (FedAuthz 5), so its introspection request has
    // nothing to show.
    let checks_locally = |r: &ScenarioResult| {
        r.id == "sc-fed-5.1-01"
            && r.verdict.verdict == Verdict::Skipped
            && r.verdict
                .reason
                .as_deref()
                .is_some_and(|w| w.contains("locally"))
    };
    let problems: Vec<String> = results
        .iter()
        .filter(|r| r.verdict.verdict != Verdict::Passed && !checks_locally(r))
        .map(|r| {
            format!(
                "{}: {:?}: {:?}",
                key(r),
                r.verdict.verdict,
                r.verdict.reason
            )
        })
        .collect();
    assert!(
        problems.is_empty(),
        "with JWT RPTs:\n{}",
        problems.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_deviation_breaks_exactly_what_it_claims() {
    let faithful = run_builtin(&[]).await;
    let cited: BTreeSet<String> = faithful
        .iter()
        .flat_map(|r| r.requirements.iter().cloned())
        .collect();
    let mut pending: BTreeSet<String> = BTreeSet::new();
    let baseline: BTreeMap<String, Verdict> = faithful
        .iter()
        .map(|r| (key(r), r.verdict.verdict))
        .collect();
    let mut caught: BTreeSet<String> = BTreeSet::new();
    let mut problems = Vec::new();
    // Without TLS neither the protection API (FED-1.3-b) nor a PCT in transit (GRANT-5.2-c) is
    // protected.
    let plain_http = [(
        PLAIN_HTTP,
        &["FED-1.3-b", "GRANT-5.2-c"][..],
        Party::AuthorizationServer,
    )];
    // Each mock's deviations can only change the verdicts of scenarios testing its party, so
    // each run is limited to those.
    let all = deviations()
        .iter()
        .map(|d| (d.name, d.breaks, Party::AuthorizationServer))
        .chain(plain_http)
        .chain(
            uma_conformance::mock::resource_server::deviations()
                .iter()
                .map(|d| (d.name, d.breaks, Party::ResourceServer)),
        )
        .chain(
            uma_conformance::mock::client::deviations()
                .iter()
                .map(|d| (d.name, d.breaks, Party::Client)),
        );
    // UMA_MATRIX_PARTY=as|rs|client limits a local run to one mock's deviations.
    let only = std::env::var("UMA_MATRIX_PARTY").ok();
    let all = all.filter(|(_, _, party)| only.as_deref().is_none_or(|o| o == party.tag()));
    for (name, claimed, party) in all {
        let breaks: BTreeSet<String> = claimed.iter().map(|s| s.to_string()).collect();
        let results = run_builtin_for(&[name], Some(party)).await;
        let mut shown: BTreeSet<String> = BTreeSet::new();
        for r in &results {
            let before = baseline.get(&key(r)).copied().unwrap_or(Verdict::Passed);
            if r.verdict.verdict == before {
                continue;
            }
            let blame = blamed(r);
            if r.verdict.verdict == Verdict::Failed {
                let at_check = r.record.checks.iter().any(|c| {
                    c.state == CheckState::Failed && Some(c.step) == r.verdict.failed_step
                });
                if !at_check {
                    problems.push(format!(
                        "{}: {} failed outside a check: {:?}",
                        name,
                        key(r),
                        r.verdict.reason
                    ));
                    continue;
                }
            }
            if r.verdict.verdict == Verdict::Skipped {
                // Not a pass and not a false failure: the deviation left nothing to judge.
                continue;
            }
            match r.verdict.verdict {
                Verdict::Failed | Verdict::Warning
                    if !blame.is_empty() && blame.is_subset(&breaks) =>
                {
                    shown.extend(blame);
                    caught.insert(key(r));
                }
                other => problems.push(format!(
                    "{}: {} went {other:?} blaming {blame:?}: {:?}",
                    name,
                    key(r),
                    r.verdict.reason
                )),
            }
        }
        for id in &breaks {
            if !cited.contains(id) {
                // The mock can already break it; the scenario that proves it is still to come.
                pending.insert(id.clone());
                continue;
            }
            if !shown.contains(id) {
                problems.push(format!(
                    "{}: claims to break {id}, but no scenario failed on it",
                    name
                ));
            }
        }
    }
    // Every scenario that can pass must be shown to fail under some deviation.
    let never_failed: Vec<&String> = baseline
        .iter()
        .filter(|_| only.is_none())
        .filter(|(k, v)| **v == Verdict::Passed && !caught.contains(*k))
        .map(|(k, _)| k)
        .collect();
    for k in never_failed {
        problems.push(format!("no deviation makes {k} fail"));
    }
    let expected_pending: BTreeSet<String> = PENDING.iter().map(|s| s.to_string()).collect();
    if only.is_none() && pending != expected_pending {
        problems.push(format!(
            "requirements the mock can break but no scenario cites: {pending:?}; PENDING says {expected_pending:?}"
        ));
    }
    assert!(
        problems.is_empty(),
        "deviation matrix:\n{}",
        problems.join("\n")
    );
}
