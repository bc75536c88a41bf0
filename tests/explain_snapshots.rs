//! The executable examples of `uma-conformance explain`, kept as snapshots: for every requirement
//! a scenario cites, the exchange where it holds against the reference mock and where a
//! deviation breaks it. A change in what the mocks send shows up here in review. After an
//! intended change, run `INSTA_UPDATE=always cargo test --test explain_snapshots` and review
//! the diff.

use uma_conformance::runner::explain::{explain_all, render};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_covered_requirement_has_its_example() {
    let all = explain_all().await.expect("the examples run");
    assert!(all.len() > 100, "only {} requirements explained", all.len());
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (id, explanation) in &all {
            assert!(
                explanation.holds.is_some() || explanation.breaks.is_some(),
                "{id}: no exchange recorded either way"
            );
            insta::assert_snapshot!(id.as_str(), render(explanation, true));
        }
    });
}
