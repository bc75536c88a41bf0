//! The HTML report of a full built-in run: written, self-contained, complete, free of fixture
//! secrets, and (where Chromium is installed) opening in a headless browser without a console error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use uma_conformance::runner::run::{RunOptions, run};
use uma_conformance::spec::requirements::Catalogue;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

/// One full run against the built-in mocks, shared by the tests; its reports folder lives as
/// long as the test process.
fn report() -> &'static Path {
    static REPORT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &REPORT
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary reports folder");
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            let options = RunOptions {
                reports_dir: Some(dir.path().to_path_buf()),
                ..RunOptions::default()
            };
            let report = runtime
                .block_on(run(&options))
                .expect("the built-in run completes");
            assert!(report.summary.conformant, "the built-in run is conformant");
            let index = dir.path().join("index.html");
            assert!(
                report.reports_written.contains(&index),
                "index.html is listed among the reports written: {:?}",
                report.reports_written
            );
            (dir, index)
        })
        .1
}

fn html() -> String {
    std::fs::read_to_string(report()).expect("index.html is written")
}

#[test]
fn the_report_is_self_contained() {
    let html = html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.to_ascii_lowercase().contains("<link"), "no <link>");
    assert!(!html.contains("url("), "no CSS url(...)");
    assert!(!html.contains("@import"), "no CSS @import");
    // Text from the target is escaped, so every `<` left starts one of the page's own tags.
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let lower = tag.to_ascii_lowercase();
        assert!(!lower.contains("src="), "a tag loads something: <{tag}>");
        if let Some(at) = lower.find("href=\"") {
            assert!(lower.starts_with("a "), "only anchors link: <{tag}>");
            let target = &tag[at + 6..];
            assert!(
                target.starts_with('#')
                    || target.starts_with("https://docs.kantarainitiative.org/uma/wg/")
                    || target.starts_with("https://www.rfc-editor.org/rfc/"),
                "a link leaves the page other than to the spec: <{tag}>"
            );
        }
    }
    assert_eq!(html.matches("<script").count(), 1, "one inline script");
    assert!(html.contains("<script>"), "the script is inline");
}

#[test]
fn the_report_has_every_requirement_and_no_fixture_secret() {
    let html = html();
    assert!(html.contains(">CONFORMANT <small>at MUST level"));
    for requirement in Catalogue::embedded().iter() {
        assert!(
            html.contains(&format!("<tr id=\"req-{}\"", requirement.id)),
            "no matrix row for {}",
            requirement.id
        );
    }
    assert!(
        html.contains("<details class=\"sc\""),
        "scenarios are shown"
    );
    assert!(
        html.contains("<details class=\"ex\""),
        "exchanges are shown"
    );
    for secret in [
        "uma-client-secret",
        "rs-alice-secret",
        "rs-bob-secret",
        "uma-stranger-secret",
        "carol-password",
    ] {
        assert!(!html.contains(secret), "the fixture secret {secret} leaked");
    }
}

/// Runs headless Chromium on `page`; returns (dumped DOM, stderr). Panics on a timeout.
fn chromium_dump(page: &Path) -> (String, String) {
    let profile = tempfile::tempdir().expect("a profile folder");
    let out_path = profile.path().join("dom.html");
    let err_path = profile.path().join("stderr.txt");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("ud").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("waiting for chromium").is_some() {
            break;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {CHROMIUM_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (
        std::fs::read_to_string(&out_path).unwrap_or_default(),
        std::fs::read_to_string(&err_path).unwrap_or_default(),
    )
}

/// The page's console messages and uncaught errors in Chromium's log (`...:CONSOLE:12] "..."`).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

#[test]
fn the_report_opens_in_headless_chromium_without_console_errors() {
    if !Path::new(CHROMIUM).exists() {
        if std::env::var("UMA_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!("UMA_REQUIRE_CHROMIUM=1 but {CHROMIUM} is missing");
        }
        eprintln!("skipped: {CHROMIUM} is not installed (apt-get install chromium)");
        return;
    }
    // The detection itself: a page with a script error is caught.
    let probe = tempfile::tempdir().unwrap();
    let bad = probe.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>",
    )
    .unwrap();
    let (_, stderr) = chromium_dump(&bad);
    assert!(
        !console_lines(&stderr).is_empty(),
        "a script error must show in Chromium's log; stderr:\n{stderr}"
    );

    let (dom, stderr) = chromium_dump(report());
    let console = console_lines(&stderr);
    assert!(
        console.is_empty(),
        "the report logged to the console:\n{}",
        console.join("\n")
    );
    assert!(dom.contains("CONFORMANT"), "the DOM has the verdict");
    assert!(
        dom.contains("data-js=\"ready\""),
        "the page's script ran to its end"
    );
    assert!(
        dom.contains("requirements, ") && dom.contains(" scenarios shown"),
        "the filters applied once at load"
    );

    // The filters at work: a copy of the page that picks filter values as a reader would and
    // writes down what stayed visible.
    let page = std::fs::read_to_string(report()).unwrap();
    let driven = probe.path().join("driven.html");
    std::fs::write(&driven, page.replace("</body>", DRIVE_FILTERS)).unwrap();
    let (dom, stderr) = chromium_dump(&driven);
    let console = console_lines(&stderr);
    assert!(
        console.is_empty(),
        "filtering logged to the console:\n{}",
        console.join("\n")
    );
    let result = dom
        .split("data-filtered=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| {
            panic!(
                "the filter driver did not finish; DOM tail: {:.300}",
                &dom[dom.len().saturating_sub(300)..]
            )
        });
    let counts: Vec<usize> = result.split(',').map(|n| n.parse().unwrap()).collect();
    let catalogue = Catalogue::embedded();
    // [rows and scenarios shown unfiltered, rows and scenarios shown for AS/MUST/passed, rows
    //  shown for expected failures, rows shown once the filters are cleared]
    assert_eq!(
        counts[0],
        catalogue.len(),
        "every row shows without a filter"
    );
    assert!(counts[1] > 0, "scenarios show without a filter");
    assert!(
        counts[2] > 0 && counts[2] < counts[0],
        "MUST/AS/passed keeps some rows, not all: {counts:?}"
    );
    assert!(
        counts[3] > 0 && counts[3] < counts[1],
        "MUST/AS/passed keeps some scenarios, not all: {counts:?}"
    );
    assert_eq!(counts[4], 0, "no requirement shows for a verdict none has");
    assert_eq!(
        counts[5], counts[0],
        "clearing the filters shows every row again"
    );
}

/// Appended to a copy of the report: sets the filters, counts what is visible, and writes the
/// counts on the body for the dumped DOM.
const DRIVE_FILTERS: &str = r#"<script>
(function () {
  var form = document.getElementById("filters");
  function set(party, level, verdict) {
    form.elements.namedItem("party").value = party;
    form.elements.namedItem("level").value = level;
    form.elements.namedItem("verdict").value = verdict;
    form.dispatchEvent(new Event("change"));
  }
  function visible(selector) {
    var n = 0, all = document.querySelectorAll(selector);
    for (var i = 0; i < all.length; i++) { if (all[i].offsetParent !== null) { n++; } }
    return n;
  }
  var out = [];
  set("", "", "");
  out.push(visible("tr[data-verdict]"), visible("details.sc"));
  set("as", "must", "passed");
  out.push(visible("tr[data-verdict]"), visible("details.sc"));
  set("", "", "expected-failure");
  out.push(visible("tr[data-verdict]"));
  set("", "", "");
  out.push(visible("tr[data-verdict]"));
  document.body.setAttribute("data-filtered", out.join(","));
})();
</script></body>"#;
