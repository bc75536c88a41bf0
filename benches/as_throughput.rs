//! Benchmark: throughput of the reference authorization server on loopback, plain http,
//! keep-alive, with the load generator in the same process (and on the same cores).
//!
//! 1. UMA grants: `POST /token` with `grant_type=urn:ietf:params:oauth:grant-type:uma-ticket`,
//!    one fresh ticket per request (all minted beforehand at the permission endpoint by
//!    `rs-alice`'s PAT), client `uma-client` with HTTP Basic; every answer must be 200 with an
//!    opaque RPT.
//! 2. RPT introspection: `POST /introspect` with `token=<RPT>` and the PAT as Bearer; every answer
//!    must be 200 with `"active": true`.
//!
//! The generator is a minimal HTTP/1.1 client over tokio (one keep-alive connection per task,
//! no pipelining), so that as little of the two cores as possible goes to the client side;
//! `AS_BENCH_CLIENT=reqwest` uses reqwest's pooled client instead. Every answer is checked and
//! every failure counted: a run with errors says so and exits non-zero.
//!
//! Run with `cargo bench --bench as_throughput`. Knobs (environment): `AS_BENCH_CONNECTIONS`
//! (concurrent connections, default 8), `AS_BENCH_TICKETS` (tickets minted for the grant phase,
//! default 100000), `AS_BENCH_SECS` (time cap of each measured phase, default 8),
//! `AS_BENCH_WORKERS` (tokio worker threads shared by server and generator, default 2),
//! `AS_BENCH_CLIENT` (`raw` or `reqwest`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uma_conformance::mock::authorization_server::{MockAs, MockAsConfig, RptFormat};

const UMA_GRANT: &str = "urn:ietf:params:oauth:grant-type:uma-ticket";
/// Tickets spent on warming up before the measured grant phase.
const GRANT_WARMUP: usize = 2_000;
/// Time given to warming up the introspection phase.
const INTROSPECTION_WARMUP: Duration = Duration::from_secs(1);
/// Count cap of the introspection phase (it is time-capped too).
const INTROSPECTION_MAX: usize = 2_000_000;
/// Time cap of minting tickets.
const MINT_SECS: u64 = 60;
/// RPTs the introspection phase cycles through.
const RPTS: usize = 4;
/// A response larger than this is an error, not something to buffer.
const MAX_RESPONSE: usize = 1 << 20;
/// The throughput the issue asks for.
const TARGET_PER_SEC: f64 = 20_000.0;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a valid value")),
        Err(_) => default,
    }
}

// ---------------------------------------------------------------------------------------------
// Load generator: a keep-alive HTTP/1.1 connection, raw or reqwest.

/// One request, ready to send.
struct Request {
    path: &'static str,
    authorization: String,
    content_type: &'static str,
    body: String,
}

struct RawConn {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
    out: Vec<u8>,
}

impl RawConn {
    fn new(addr: SocketAddr) -> Self {
        RawConn {
            addr,
            stream: None,
            buf: Vec::with_capacity(8192),
            out: Vec::with_capacity(1024),
        }
    }

    async fn send(&mut self, req: &Request) -> Result<(u16, Vec<u8>), String> {
        let result = self.exchange(req).await;
        if result.is_err() {
            // Whatever state the connection is in, start over on a fresh one.
            self.stream = None;
            self.buf.clear();
        }
        result
    }

    async fn exchange(&mut self, req: &Request) -> Result<(u16, Vec<u8>), String> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr)
                .await
                .map_err(|e| format!("connect: {e}"))?;
            stream.set_nodelay(true).map_err(|e| e.to_string())?;
            self.stream = Some(stream);
        }
        let stream = self.stream.as_mut().expect("connected above");
        self.out.clear();
        self.out.extend_from_slice(
            format!(
                "POST {} HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\nContent-Type: {}\r\n\
                 Content-Length: {}\r\n\r\n",
                req.path,
                self.addr,
                req.authorization,
                req.content_type,
                req.body.len()
            )
            .as_bytes(),
        );
        self.out.extend_from_slice(req.body.as_bytes());
        stream
            .write_all(&self.out)
            .await
            .map_err(|e| format!("write: {e}"))?;
        // The head.
        let head_end = loop {
            if let Some(at) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if self.buf.len() > MAX_RESPONSE {
                return Err("response head too large".into());
            }
            self.buf.reserve(4096);
            let n = stream
                .read_buf(&mut self.buf)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("connection closed by the server".into());
            }
        };
        let head = std::str::from_utf8(&self.buf[..head_end]).map_err(|_| "head not UTF-8")?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {status_line:?}"))?;
        let mut length = None;
        let mut close = false;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                return Err(format!("unexpected Transfer-Encoding {value:?}"));
            }
        }
        let length = length.ok_or("response without Content-Length")?;
        if length > MAX_RESPONSE {
            return Err("response body too large".into());
        }
        while self.buf.len() < head_end + length {
            self.buf.reserve(head_end + length - self.buf.len());
            let n = stream
                .read_buf(&mut self.buf)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("connection closed mid-body".into());
            }
        }
        let body = self.buf[head_end..head_end + length].to_vec();
        self.buf.drain(..head_end + length);
        if close {
            self.stream = None;
            self.buf.clear();
        }
        Ok((status, body))
    }
}

enum Conn {
    Raw(RawConn),
    Reqwest {
        client: reqwest::Client,
        base: String,
    },
}

impl Conn {
    fn new(kind: &str, addr: SocketAddr) -> Conn {
        match kind {
            "raw" => Conn::Raw(RawConn::new(addr)),
            "reqwest" => Conn::Reqwest {
                // One client (and so one pool) per task: each task keeps its own connection.
                client: reqwest::Client::builder()
                    .no_proxy()
                    .pool_max_idle_per_host(1)
                    .tcp_nodelay(true)
                    .build()
                    .expect("an HTTP client"),
                base: format!("http://{addr}"),
            },
            other => panic!("AS_BENCH_CLIENT={other:?}: use raw or reqwest"),
        }
    }

    async fn send(&mut self, req: &Request) -> Result<(u16, Vec<u8>), String> {
        match self {
            Conn::Raw(conn) => conn.send(req).await,
            Conn::Reqwest { client, base } => {
                let response = client
                    .post(format!("{base}{}", req.path))
                    .header("Authorization", &req.authorization)
                    .header("Content-Type", req.content_type)
                    .body(req.body.clone())
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status().as_u16();
                let body = response.bytes().await.map_err(|e| e.to_string())?;
                Ok((status, body.to_vec()))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Machine load: CPU time of the whole machine and of this process, from /proc (Linux only).

#[derive(Clone, Copy)]
struct CpuSample {
    /// Busy and total jiffies of all cores (/proc/stat).
    busy: u64,
    total: u64,
    /// Jiffies this process used (/proc/self/stat utime + stime).
    own: u64,
}

fn cpu_sample() -> Option<CpuSample> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4)?;
    let own_stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let after = own_stat.rsplit_once(')')?.1;
    let rest: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
    let own = rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?;
    Some(CpuSample {
        busy: total - idle,
        total,
        own,
    })
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How busy the machine was over an interval, as shares of all its cores.
#[derive(Clone, Copy)]
struct Load {
    busy: f64,
    own: f64,
}

fn load_between(before: Option<CpuSample>, after: Option<CpuSample>) -> Option<Load> {
    let (b, a) = (before?, after?);
    let total = a.total.checked_sub(b.total)?.max(1) as f64;
    Some(Load {
        busy: a.busy.checked_sub(b.busy)? as f64 / total,
        own: a.own.checked_sub(b.own)? as f64 / total,
    })
}

/// "2 cores 100% busy: this process 45%, others 55%".
fn describe_load(load: Option<Load>) -> String {
    let Some(Load { busy, own }) = load else {
        return "machine load unavailable on this platform".into();
    };
    format!(
        "{} cores {:.0}% busy: this process {:.0}%, others {:.0}%",
        cores(),
        busy * 100.0,
        own * 100.0,
        ((busy - own) * 100.0).max(0.0)
    )
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unavailable".into())
}

// ---------------------------------------------------------------------------------------------
// Running a phase: a bounded number of requests, within a bounded time, from a few tasks.

struct PhaseResult {
    ok: usize,
    errors: usize,
    first_errors: Vec<String>,
    elapsed: Duration,
    /// Latencies of successful requests, in microseconds, sorted.
    latencies: Vec<u32>,
    load: Option<Load>,
    /// What the successful answers carried, when the check extracts something.
    extracted: Vec<String>,
}

impl PhaseResult {
    fn per_sec(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    /// CPU time this process (server and generator together) spent per successful request, in
    /// microseconds: a figure that depends far less than requests/s on what else the machine
    /// was running.
    fn cpu_per_request_us(&self) -> Option<f64> {
        let load = self.load?;
        let cpu_secs = load.own * cores() as f64 * self.elapsed.as_secs_f64();
        (self.ok > 0).then(|| cpu_secs / self.ok as f64 * 1e6)
    }

    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() - 1) as f64 * p).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }

    fn print(&self, name: &str) {
        println!(
            "{name}: {} ok, {} errors in {:.2} s: {:.0} requests/s; latency p50 {:.2} ms, \
             p99 {:.2} ms, max {:.2} ms; {}; {}",
            self.ok,
            self.errors,
            self.elapsed.as_secs_f64(),
            self.per_sec(),
            self.percentile(0.5),
            self.percentile(0.99),
            self.percentile(1.0),
            describe_load(self.load),
            match self.cpu_per_request_us() {
                Some(us) => format!(
                    "{us:.1} µs of CPU per request, server and generator together (naive \
                     ceiling on {} idle cores: {:.0} requests/s)",
                    cores(),
                    cores() as f64 / us * 1e6
                ),
                None => "CPU per request unavailable".into(),
            }
        );
        for e in &self.first_errors {
            println!("  error: {e}");
        }
    }
}

/// Sends requests `make(0)`, `make(1)`, ... up to `count` or until `limit` has passed, from
/// `connections` tasks; `check` turns an answer into Ok (with what it extracted, if anything)
/// or the reason it is wrong.
async fn phase<M, C>(
    kind: &str,
    addr: SocketAddr,
    connections: usize,
    count: usize,
    limit: Duration,
    make: M,
    check: C,
) -> PhaseResult
where
    M: Fn(usize) -> Request + Send + Sync + 'static,
    C: Fn(u16, &[u8]) -> Result<Option<String>, String> + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let check = Arc::new(check);
    let next = Arc::new(AtomicUsize::new(0));
    let before = cpu_sample();
    let started = Instant::now();
    let deadline = started + limit;
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (make, check, next) = (make.clone(), check.clone(), next.clone());
        let mut conn = Conn::new(kind, addr);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(count / connections + 1);
            let mut errors = 0usize;
            let mut first_errors = Vec::new();
            let mut extracted = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count || Instant::now() >= deadline {
                    break;
                }
                let request = make(i);
                let sent = Instant::now();
                let outcome = conn
                    .send(&request)
                    .await
                    .and_then(|(status, body)| check(status, &body));
                match outcome {
                    Ok(value) => {
                        let micros = sent.elapsed().as_micros();
                        latencies.push(u32::try_from(micros).unwrap_or(u32::MAX));
                        extracted.extend(value);
                    }
                    Err(why) => {
                        errors += 1;
                        if first_errors.len() < 3 {
                            first_errors.push(why);
                        }
                    }
                }
            }
            (latencies, errors, first_errors, extracted)
        }));
    }
    let mut result = PhaseResult {
        ok: 0,
        errors: 0,
        first_errors: Vec::new(),
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        load: None,
        extracted: Vec::new(),
    };
    for task in tasks {
        let (latencies, errors, first_errors, extracted) = task.await.expect("a load task");
        result.ok += latencies.len();
        result.latencies.extend(latencies);
        result.errors += errors;
        result.extracted.extend(extracted);
        for e in first_errors {
            if result.first_errors.len() < 5 {
                result.first_errors.push(e);
            }
        }
    }
    result.elapsed = started.elapsed();
    result.load = load_between(before, cpu_sample());
    result.latencies.sort_unstable();
    result
}

fn json_body(status: u16, body: &[u8], want: u16) -> Result<Value, String> {
    let text = String::from_utf8_lossy(body);
    if status != want {
        return Err(format!("expected {want}, got {status}: {text}"));
    }
    serde_json::from_slice(body).map_err(|e| format!("not JSON ({e}): {text}"))
}

/// A 200 UMA grant answer with an opaque RPT; gives the RPT.
fn check_rpt(status: u16, body: &[u8]) -> Result<Option<String>, String> {
    let value = json_body(status, body, 200)?;
    match (value.get("access_token"), value.get("token_type")) {
        (Some(Value::String(rpt)), Some(Value::String(t)))
            if !rpt.is_empty() && !rpt.contains('.') && t == "Bearer" =>
        {
            Ok(Some(rpt.clone()))
        }
        _ => Err(format!("no opaque RPT in {value}")),
    }
}

// ---------------------------------------------------------------------------------------------

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects nothing here.
    let connections: usize = env_or("AS_BENCH_CONNECTIONS", 8);
    let tickets: usize = env_or("AS_BENCH_TICKETS", 100_000);
    let secs: u64 = env_or("AS_BENCH_SECS", 8);
    let workers: usize = env_or("AS_BENCH_WORKERS", 2);
    let kind: String = env_or("AS_BENCH_CLIENT", "raw".to_string());
    assert!(
        connections > 0 && workers > 0,
        "connections and workers must be positive"
    );
    assert!(
        tickets > GRANT_WARMUP,
        "AS_BENCH_TICKETS must exceed {GRANT_WARMUP}"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("runtime");
    let failed = runtime.block_on(bench(connections, tickets, secs, &kind));
    if failed {
        eprintln!("as_throughput: some requests failed; the figures above do not count them");
        std::process::exit(1);
    }
}

/// Runs both phases; true if any request failed.
async fn bench(connections: usize, tickets: usize, secs: u64, kind: &str) -> bool {
    let listen: SocketAddr = "127.0.0.1:0".parse().expect("loopback");
    let config = MockAsConfig::new(listen).expect("the embedded fixtures");
    assert_eq!(
        config.fixtures.server().rpt_format,
        RptFormat::Opaque,
        "the shipped fixtures issue opaque RPTs"
    );
    let mock = MockAs::start(config).await.expect("the mock starts");
    let addr = mock.local_addr();
    println!(
        "reference AS on http://{addr}; load generator in-process ({kind} HTTP/1.1 client, \
         {connections} keep-alive connections), server and generator sharing one tokio runtime \
         on a machine with {} cores; load average before: {}",
        cores(),
        loadavg()
    );
    let limit = Duration::from_secs(secs);
    let mut setup = RawConn::new(addr);

    // A PAT for rs-alice and one registered resource.
    let basic =
        |id: &str, secret: &str| format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")));
    let (status, body) = setup
        .send(&Request {
            path: "/token",
            authorization: basic("rs-alice", "rs-alice-secret"),
            content_type: "application/x-www-form-urlencoded",
            body: "grant_type=client_credentials&scope=uma_protection".into(),
        })
        .await
        .expect("the PAT request");
    let pat = json_body(status, &body, 200).expect("a PAT")["access_token"]
        .as_str()
        .expect("access_token")
        .to_string();
    let bearer = format!("Bearer {pat}");
    let (status, body) = setup
        .send(&Request {
            path: "/resource_set",
            authorization: bearer.clone(),
            content_type: "application/json",
            body: r#"{"name":"bench photo","resource_scopes":["view","print"]}"#.into(),
        })
        .await
        .expect("the registration request");
    let resource_id = json_body(status, &body, 201).expect("a registered resource")["_id"]
        .as_str()
        .expect("_id")
        .to_string();

    // Tickets, minted beforehand (plus a few for the RPTs of the introspection phase).
    let permission_body =
        format!(r#"{{"resource_id":"{resource_id}","resource_scopes":["view"]}}"#);
    let minting = {
        let bearer = bearer.clone();
        phase(
            kind,
            addr,
            connections,
            tickets + RPTS,
            Duration::from_secs(MINT_SECS),
            move |_| Request {
                path: "/permission",
                authorization: bearer.clone(),
                content_type: "application/json",
                body: permission_body.clone(),
            },
            |status, body| {
                let value = json_body(status, body, 201)?;
                match value.get("ticket") {
                    Some(Value::String(t)) if !t.is_empty() => Ok(Some(t.clone())),
                    _ => Err(format!("no ticket in {value}")),
                }
            },
        )
        .await
    };
    minting.print("minting tickets (POST /permission)");
    let mut failed = minting.errors > 0;
    let mut minted = minting.extracted;
    assert!(
        minted.len() > GRANT_WARMUP + RPTS,
        "too few tickets minted ({}) to measure anything",
        minted.len()
    );
    let for_rpts = minted.split_off(minted.len() - RPTS);
    let minted = Arc::new(minted);

    // Bench 1: the UMA grant, one ticket per request.
    let client_auth = basic("uma-client", "uma-client-secret");
    let grant = |tickets: Arc<Vec<String>>, offset: usize, auth: String| {
        move |i: usize| Request {
            path: "/token",
            authorization: auth.clone(),
            content_type: "application/x-www-form-urlencoded",
            body: format!("grant_type={UMA_GRANT}&ticket={}", tickets[offset + i]),
        }
    };
    let warmup = phase(
        kind,
        addr,
        connections,
        GRANT_WARMUP,
        limit,
        grant(minted.clone(), 0, client_auth.clone()),
        |s, b| check_rpt(s, b).map(|_| None),
    )
    .await;
    failed |= warmup.errors > 0;
    let grants = phase(
        kind,
        addr,
        connections,
        minted.len() - GRANT_WARMUP,
        limit,
        grant(minted.clone(), GRANT_WARMUP, client_auth.clone()),
        |s, b| check_rpt(s, b).map(|_| None),
    )
    .await;
    grants.print("UMA grant (POST /token, uma-ticket)");
    failed |= grants.errors > 0;
    drop(minted);

    // Bench 2: introspection of a few fresh RPTs with the PAT.
    let rpts = phase(
        kind,
        addr,
        1,
        RPTS,
        limit,
        grant(Arc::new(for_rpts), 0, client_auth),
        check_rpt,
    )
    .await;
    assert_eq!(
        rpts.errors, 0,
        "RPTs for introspection: {:?}",
        rpts.first_errors
    );
    let rpts = Arc::new(rpts.extracted);
    let introspect = |rpts: Arc<Vec<String>>, bearer: String| {
        move |i: usize| Request {
            path: "/introspect",
            authorization: bearer.clone(),
            content_type: "application/x-www-form-urlencoded",
            body: format!("token={}", rpts[i % rpts.len()]),
        }
    };
    let check_active = |status: u16, body: &[u8]| {
        let value = json_body(status, body, 200)?;
        match (value.get("active"), value.get("permissions")) {
            (Some(Value::Bool(true)), Some(Value::Array(p))) if !p.is_empty() => Ok(None),
            _ => Err(format!("not an active RPT: {value}")),
        }
    };
    let warmup = phase(
        kind,
        addr,
        connections,
        INTROSPECTION_MAX,
        INTROSPECTION_WARMUP,
        introspect(rpts.clone(), bearer.clone()),
        check_active,
    )
    .await;
    failed |= warmup.errors > 0;
    let introspection = phase(
        kind,
        addr,
        connections,
        INTROSPECTION_MAX,
        limit,
        introspect(rpts, bearer),
        check_active,
    )
    .await;
    introspection.print("RPT introspection (POST /introspect)");
    failed |= introspection.errors > 0;

    for (name, result) in [("UMA grant", &grants), ("introspection", &introspection)] {
        let verdict = if result.per_sec() >= TARGET_PER_SEC {
            "meets"
        } else {
            "misses"
        };
        println!(
            "{name}: {:.0} requests/s {verdict} the target of {TARGET_PER_SEC:.0}",
            result.per_sec()
        );
    }
    println!("load average after: {}", loadavg());
    if let Some(kib) = peak_rss_kib() {
        println!(
            "peak resident memory (server and generator): {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
    mock.stop().await;
    failed
}
